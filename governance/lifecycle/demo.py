"""The demo's after-approval picture: a real advisory on the approved requests 2.32.3 (the
.netrc credentials leak fixed in 2.32.4), lodash past its quarterly update, and two local
patches (a temporary one waiting for its upstream pull request, a permanent one waiting for
the office). Called by `flask demo load` once the requests are in."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from governance.adoption.models import AdoptionRequest
from governance.advisories import services as advisories
from governance.components.models import Component
from governance.database import db
from governance.lifecycle import patches

# GHSA-9hjg-9r4m-mvj7 as osv.dev publishes it (the fields the app reads).
REQUESTS_NETRC = {
    "schema_version": "1.6.0", "id": "GHSA-9hjg-9r4m-mvj7",
    "modified": "2025-06-10T18:23:56Z", "published": "2025-06-09T19:06:08Z",
    "aliases": ["CVE-2024-47081"],
    "summary": "Requests vulnerable to .netrc credentials leak via malicious URLs",
    "details": "Due to a URL parsing issue, Requests releases prior to 2.32.4 may leak .netrc "
               "credentials to third parties for specific maliciously-crafted URLs. Upgrade to "
               "2.32.4 or later; or pass explicit credentials (trust_env=False) instead.",
    "affected": [{"package": {"ecosystem": "PyPI", "name": "requests",
                              "purl": "pkg:pypi/requests"},
                  "ranges": [{"type": "ECOSYSTEM",
                              "events": [{"introduced": "0"}, {"fixed": "2.32.4"}]}]}],
    "references": [
        {"type": "WEB", "url": "https://github.com/psf/requests/security/advisories/"
                               "GHSA-9hjg-9r4m-mvj7"},
        {"type": "ADVISORY", "url": "https://nvd.nist.gov/vuln/detail/CVE-2024-47081"},
        {"type": "PACKAGE", "url": "https://github.com/psf/requests"}],
    "database_specific": {"severity": "MODERATE"},
}


def _approved(name: str) -> AdoptionRequest:
    return next(r for r in db.session.scalars(
        select(AdoptionRequest).join(Component).where(Component.name == name))
        if r.state.is_approved)


def load_demo(users: dict, teams: dict) -> None:
    alice, olivia = users["alice"], users["olivia"]
    advisories.import_records(olivia, [("demo: GHSA-9hjg-9r4m-mvj7", REQUESTS_NETRC)])
    lodash = _approved("lodash")
    # Approved a season ago: past the quarterly update of a component shipped to customers.
    lodash.decided_at -= timedelta(days=100)
    requests = _approved("requests")
    patches.create(alice, patches.PatchInput(
        component_id=requests.component_id, team_id=teams["Payments"].id, kind="temporary",
        title="Honour NO_PROXY for IPv6 CIDR ranges",
        reason="Our billing hosts sit behind an IPv6-only proxy; without it the retries go "
               "through the proxy and time out.",
        patch_text="--- a/src/requests/utils.py\n+++ b/src/requests/utils.py\n"
                   "@@ -770,3 +770,5 @@ def should_bypass_proxies(url, no_proxy):\n"
                   "-            if is_ipv4_address(parsed.hostname):\n"
                   "+            if is_ipv4_address(parsed.hostname) or "
                   "is_ipv6_address(parsed.hostname):\n",
        patch_filename="no-proxy-ipv6.patch",
        upstream_url="https://github.com/psf/requests/issues/5999", status="forwarded"))
    patches.create(alice, patches.PatchInput(
        component_id=lodash.component_id, team_id=teams["Platform"].id, kind="permanent",
        title="Remove _.template (no eval under the console's CSP)",
        reason="Upstream keeps _.template (it is public API); our console forbids eval.",
        patch_url="https://git.example.com/platform/console/-/blob/main/patches/lodash-no-"
                  "template.patch", status="not-needed"))
