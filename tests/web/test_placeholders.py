"""A placeholder that looks like a value (a purl, an address, a license expression, a version)
says it is an example: "e.g. …", shown in grey italics (app.css), never mistaken for input."""
from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "governance"
PLACEHOLDER = re.compile(r"""placeholder["']?\s*[:=]\s*["']([^"']+)["']""")
LOOKS_LIKE_A_VALUE = re.compile(r"pkg:|://|\bOR\b|\bAND\b|^\d+(\.\d+)+$")


def test_placeholders_that_look_like_values_say_they_are_examples():
    found = []
    for path in [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.html")]:
        for text in PLACEHOLDER.findall(path.read_text()):
            if LOOKS_LIKE_A_VALUE.search(text) and not text.startswith("e.g. "):
                found.append(f"{path.relative_to(PACKAGE)}: {text}")
    assert found == []
    assert "::placeholder" in (PACKAGE / "static" / "app.css").read_text()
