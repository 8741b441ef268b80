"""Whatever license expression the office concluded, every format stays valid (Hypothesis)."""
from __future__ import annotations

import json

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.exports import build_csv, build_cyclonedx, build_notice_html, build_spdx
from tests.exports.conftest import component, export

VALIDATOR = JsonStrictValidator(SchemaVersion.V1_6)
FAST = settings(max_examples=60, deadline=None, database=None)
# SPDX ids, scancode keys, LicenseRef-scancode ids (one newer than spdx-tools' list), names
# scancode does not know, and exceptions written alone.
LICENSES = ["MIT", "mit", "Apache-2.0", "GPL-2.0-only", "gpl-2.0-plus", "LGPL-2.1-or-later",
            "BSL-1.0", "bsl-1.0", "LicenseRef-scancode-public-domain", "unknown",
            "LicenseRef-scancode-gemma-pup-2024-02-21", "LicenseRef-made-up", "Made_Up-2.0",
            "warranty-disclaimer", "Classpath-exception-2.0",
            "LicenseRef-scancode-openssl-exception-gpl-2.0"]
EXCEPTIONS = ["Classpath-exception-2.0", "GCC-exception-3.1", "LLVM-exception",
              "LicenseRef-scancode-vym-exception-2.0", "LicenseRef-my-exception",
              "LicenseRef-scancode-generic-exception"]

symbol = st.one_of(
    st.sampled_from(LICENSES),
    st.builds(lambda lic, exc: f"{lic} WITH {exc}",
              st.sampled_from([x for x in LICENSES if "exception" not in x]),
              st.sampled_from(EXCEPTIONS)))
expression = st.recursive(symbol, lambda inner: st.builds(
    lambda op, parts: "(" + f" {op} ".join(parts) + ")",
    st.sampled_from(["AND", "OR"]), st.lists(inner, min_size=2, max_size=3)), max_leaves=6)


@FAST
@given(st.lists(expression, min_size=1, max_size=3))
def test_any_expression_makes_valid_documents(expressions):
    built = export([component(f"pkg{i}", license_expression_spdx=text,
                              obligations=["attribution", "include-license-text"])
                    for i, text in enumerate(expressions)])

    spdx = json.loads(build_spdx(built))  # raises on any validation message
    assert len(spdx["packages"]) == len(expressions) + 1
    defined = {e["licenseId"] for e in spdx.get("hasExtractedLicensingInfos", [])}
    used = {token.strip("()") for p in spdx["packages"] for token in
            p["licenseDeclared"].split() if token.strip("()").startswith("LicenseRef-")}
    assert used == defined
    bom = build_cyclonedx(built)
    assert VALIDATOR.validate_str(bom) is None
    assert build_csv(built).count("\n") == len(expressions) + 1
    assert build_notice_html(built)
