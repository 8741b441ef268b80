"""The gate as `flask gate` runs it: the request index read from a database (SQLite in a
temporary folder) by governance.inventory.checks.run_gate, which also reads the SBOM."""
from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from governance.compliance import KnownRequest


def seed(requests: Sequence[KnownRequest], context: str) -> None:
    """In the current app's empty database: the tables, team Payments with products checkout
    and search (in `context`), and the requests as adoption requests for their packages, in
    their states and contexts."""
    from packageurl import PackageURL

    from governance.adoption.models import AdoptionRequest
    from governance.auth.models import Team, User
    from governance.components.models import Component, Product
    from governance.database import db
    from governance.states import State

    db.create_all()
    team = Team(name="Payments")
    user = User(username="bench", password_hash="x", role="engineer")
    products = {name: Product(name=name, team=team, usage_context=context)
                for name in ("checkout", "search")}
    db.session.add_all([team, user, *products.values()])
    components: dict[tuple, Component] = {}
    for known in requests:
        name, _, version = known.name_key.rpartition("@")
        purl = PackageURL.from_string(known.match_key) if known.match_key else None
        key = (purl.type if purl else "generic", purl.namespace if purl else None,
               purl.name if purl else name, version)
        component = components.get(key) or Component(
            type=key[0], namespace=key[1] or "", name=key[2], version=key[3])
        components[key] = component
        db.session.add(AdoptionRequest(
            title=known.title, requester=user, team=team, component=component,
            usage_context=known.context, linking="dynamic", state=State(known.state),
            answers=[], product=products.get(known.product)))
    db.session.commit()


def app_gate(requests: Sequence[KnownRequest], context: str,
             product: str | None) -> tuple[Callable[[bytes], object], Callable[[], None]]:
    """(gate(data) through the app and its database, close())."""
    from governance import create_app, policies
    from governance.database import db
    from governance.inventory import checks

    folder = tempfile.TemporaryDirectory(prefix="gate-bench-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder.name) / 'b.db'}",
                      "INSTANCE_PATH": folder.name, "SCAN_AUTOSTART": False})
    context_manager = app.app_context()
    context_manager.push()
    seed(requests, context)
    policy = policies.license_policy()

    def run(data: bytes) -> object:
        result = checks.run_gate(data, context, product, policy, 64 * 1024 * 1024)
        db.session.remove()
        return result

    def close() -> None:
        db.session.remove()
        db.engine.dispose()
        context_manager.pop()
        folder.cleanup()

    return run, close
