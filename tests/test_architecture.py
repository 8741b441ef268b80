"""The pure core imports neither Flask nor the database: it can be used and tested alone."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import governance

PURE = ("licensing", "rules", "scanning", "sbom", "exports", "compliance")
FORBIDDEN = ("flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "sqlalchemy", "werkzeug",
             "governance.database", "governance.models", "governance.extensions",
             "governance.web")
ROOT = Path(governance.__file__).parent
MODULES = sorted(p for package in PURE for p in (ROOT / package).glob("*.py"))


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_pure_core_imports_neither_flask_nor_the_database(path):
    bad = {m for m in _imports(path) for f in FORBIDDEN if m == f or m.startswith(f + ".")}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"
