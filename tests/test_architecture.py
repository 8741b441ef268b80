"""The rings of the package hold (README, "Architecture"): import-linter's contracts in
.importlinter, as `make lint` checks them, so a plain `pytest` run checks them too."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_hold():
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "0 broken" in result.stdout


def test_the_contracts_cover_every_package_of_the_rings():
    """A new top-level package must be placed in a ring (the contract is exhaustive)."""
    config = (ROOT / ".importlinter").read_text()
    assert "exhaustive = True" in config
    for pure in ("licensing", "scanning", "sbom", "exports", "compliance", "rules", "states"):
        assert f"governance.{pure}\n" in config  # listed under the pure core's forbidden rule


def test_the_pure_core_imports_without_the_web_app():
    """Scan workers and tools import the pure core alone: in a fresh process, importing all of
    it loads neither Flask nor SQLAlchemy nor the app factory."""
    code = ("import sys\n"
            "import governance.licensing.policy, governance.scanning.runner, "
            "governance.sbom, governance.exports, governance.compliance, governance.states\n"
            "print(sorted(m for m in ('flask', 'sqlalchemy', 'governance.factory') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"
