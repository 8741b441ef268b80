"""An imported SBOM's components are rows of their own: written in batches, paged and
searched by the database, moved there from the JSON column by migration 0008."""
from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from governance import create_app, policies
from governance.auth.roles import Role
from governance.database import db
from governance.inventory import checks
from governance.inventory import services as inventory
from governance.inventory.models import SbomImport, SbomImportComponent
from tests import factories as f

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
MB = 1024 * 1024


def _sbom(count: int) -> bytes:
    components = [{"type": "library", "name": f"pkg-{i:05d}%", "version": "1.0.0",
                   "purl": f"pkg:npm/pkg-{i:05d}@1.0.0",
                   "licenses": [{"license": {"id": "GPL-3.0-only" if i % 3 else "MIT"}}]}
                  for i in range(count)]
    return json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6",
                       "components": components}).encode()


def _product():
    team = f.team("Platform")
    alice = f.user(Role.ENGINEER, teams=[team], username="alice")
    product = inventory.save_product(None, None, name="Console", team_id=team.id,
                                     usage_context="distributed", description="",
                                     rules=policies.request_rules())
    db.session.commit()
    return product, alice


def test_every_component_is_a_row_in_sbom_order_across_batches(monkeypatch):
    monkeypatch.setattr(checks, "INSERT_BATCH", 7)  # several batches and a partial one
    product, alice = _product()
    record = checks.import_sbom(product, alice, "bom.json", _sbom(30),
                                policies.license_policy(), MB)
    db.session.commit()

    rows = checks.component_results(record)
    assert record.total == 30 and [r["name"] for r in rows] == [f"pkg-{i:05d}%"
                                                                for i in range(30)]
    assert record.counts == {"allowed_by_policy": 10, "unknown": 20}
    assert rows[1]["license"] == "GPL-3.0-only" and rows[1]["verdict"] == "deny"
    first_ten = db.session.scalars(checks.component_rows(record, q="PKG-0000")).all()
    assert [r.position for r in first_ten] == list(range(10))
    # A % in the search is a character, not a wildcard.
    assert len(db.session.scalars(checks.component_rows(record, q="9%")).all()) == 3
    assert db.session.scalars(checks.component_rows(record, q="x%y")).all() == []


def test_migration_0008_moves_the_json_components_into_rows_and_back(empty_database_url,
                                                                     tmp_path):
    fresh = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url,
                        "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    stored = [{"name": "left-pad", "version": "1.3.0", "purl": "pkg:npm/left-pad@1.3.0",
               "license": "WTFPL", "status": "unknown", "verdict": "review",
               "explanation": "WTFPL: not in the policy", "reason": "no request covers it",
               "requests": [4, 5]},
              {"name": "is-number", "version": "7.0.0", "purl": None, "license": None,
               "status": "approved", "verdict": None, "explanation": "", "reason": "approved",
               "requests": []}]
    with fresh.app_context():
        upgrade(directory=MIGRATIONS)
        product, alice = _product()
        record = SbomImport(product=product, filename="old.json", format="cyclonedx-json",
                            context="distributed", policy_digest="0" * 64,
                            counts={"unknown": 1, "approved": 1}, imported_by=alice)
        db.session.add(record)
        db.session.commit()
        record_id = record.id
        db.session.remove()
        downgrade(directory=MIGRATIONS, revision="0007")
        old = sa.table("sbom_imports", sa.column("id", sa.Integer),
                       sa.column("components", sa.JSON))
        with db.engine.begin() as conn:  # as an import before 0008 kept them
            conn.execute(old.update().where(old.c.id == record_id).values(components=stored))

        upgrade(directory=MIGRATIONS, revision="0008")
        moved = db.session.execute(sa.select(SbomImportComponent).where(
            SbomImportComponent.import_id == record_id)
            .order_by(SbomImportComponent.position)).scalars().all()
        assert [{key: getattr(row, key) for key in stored[0]} for row in moved] == stored
        db.session.remove()

        downgrade(directory=MIGRATIONS, revision="0007")
        with db.engine.connect() as conn:
            assert conn.execute(sa.select(old.c.components)).scalar_one() == stored
        db.engine.dispose()
