"""The compliance core is pure: these tests build components and requests by hand and load the
office's policy file themselves, with no app and no database.

`_app_context` is the suite-wide autouse fixture that creates the app and empties every table
after each test; overriding it here keeps these tests off the app. `npm_offline` (npm's SBOMs
of a small lockfile) is the sbom tests' session fixture, imported to be used here too.
"""
from __future__ import annotations

import os

import pytest

from governance.compliance import KnownRequest
from governance.licensing.policy import load_policy
from governance.sbom import SbomComponent, component_key, match_key
from tests.licensing.conftest import CONTEXTS, POLICY_FILE
from tests.sbom.conftest import cyclonedx_env, npm_offline  # noqa: F401  (fixtures, by name)

MIT_LIB = SbomComponent(name="left-pad", version="1.3.0", purl="pkg:npm/left-pad@1.3.0",
                        license_expression="MIT")
GPL_LIB = SbomComponent(name="readline-gpl", version="2.0.0", purl="pkg:npm/readline-gpl@2.0.0",
                        license_expression="GPL-3.0-only")


@pytest.fixture(autouse=True)
def _app_context():
    yield


@pytest.fixture(scope="session")
def _scancode_temp(tmp_path_factory):
    # scancode makes a scancode-tk-* folder where SCANCODE_TEMP says on first import (the app
    # sets it in create_app): keep it out of the system's /tmp.
    with pytest.MonkeyPatch.context() as patch:
        if "SCANCODE_TEMP" not in os.environ:
            patch.setenv("SCANCODE_TEMP", str(tmp_path_factory.mktemp("scancode")))
        yield


@pytest.fixture(scope="session")
def policy(_scancode_temp):
    """The office's policy file, loaded once (about two seconds: scancode's license index)."""
    return load_policy(POLICY_FILE, contexts=CONTEXTS)


def request(request_id: int, component: SbomComponent = MIT_LIB, *, context: str = "distributed",
            state: str = "approved", expired: bool = False, by_purl: bool = True,
            product: str | None = None, purl: str | None = None) -> KnownRequest:
    """A request for the component's package version (by its purl, or by name and version
    only with by_purl=False; `purl` names another package's)."""
    purl = purl or component.purl
    return KnownRequest(
        request_id=request_id, title=f"Adopt {component.name}",
        match_key=match_key(purl) if by_purl and purl else None,
        name_key=component_key(component.name, component.version), context=context,
        state=state, expired=expired, product=product, team="Payments")
