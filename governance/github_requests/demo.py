"""Demo data for `flask demo load`: one GitHub request of each kind, in several states. The
publication's code is uploaded with a planted secret and a GPL-3.0 file, so its checklist
fails once the serving app's runner has scanned it; another is approved in dry-run mode."""
from __future__ import annotations

import io
import tarfile
from datetime import date, timedelta

from governance import policies
from governance.github_requests import checks
from governance.github_requests import services as github
from governance.licensing.expressions import license_db
from governance.scans.queue import scan_config
from governance.workflow import services as workflow

GPL_NOTICE = """/* Copyright (C) 2019 Free Software Foundation, Inc.
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 */
int frob(void) { return 42; }
"""


def _archive(top: str, files: dict[str, str]) -> io.BytesIO:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{top}/{path}")
            info.size, info.mode = len(data), 0o644
            archive.addfile(info, io.BytesIO(data))
    buffer.seek(0)
    return buffer


def _repository(name: str, *, leaky: bool) -> io.BytesIO:
    # The MIT text as scancode's license database holds it.
    files = {"LICENSE": "MIT License\n\nCopyright (c) 2026 Example Corp\n\n"
                        + license_db().by_key["mit"].text,
             "README.md": f"# {name}\n\nLicensed under the MIT license.\n",
             "CONTRIBUTING.md": "Sign off your commits (DCO).\n",
             "CODE_OF_CONDUCT.md": "Be kind.\n", "SECURITY.md": "security@example.org\n",
             ".github/CODEOWNERS": "* @alice-gh @olivia-gh\n",
             "src/main.py": "# SPDX-License-Identifier: MIT\n# Copyright (c) 2026 Example Corp\n"
                            "print('hello')\n"}
    if leaky:
        # An AWS-shaped key invented for the demo, and a host of the internal network.
        files["src/settings.py"] = ('AWS_ACCESS_KEY_ID = "AKIA' + 'DEMO7EXAMPLE7KEY"\n'
                                    'METRICS = "https://metrics.corp.example.com/push"\n')
        files["third_party/frob.c"] = GPL_NOTICE
    return _archive(f"{name}-main", files)


def _input(kind: str, team, **fields) -> github.GitHubInput:
    return github.GitHubInput(kind=kind, team_id=team.id, org="example-corp", **fields)


PUBLICATION = dict(license="MIT", visibility="public", security_contact="security@example.org",
                   contributor_terms="dco", team_wrote_all=True,
                   github_teams=[{"slug": "platform", "permission": "push"}],
                   maintainers=["alice-gh", "olivia-gh"])


def load_demo(users: dict, teams: dict, products: dict) -> None:
    alice, bob, olivia = users["alice"], users["bob"], users["olivia"]
    platform, data = teams["Platform"], teams["Data"]
    policy, config = policies.github_policy(), scan_config()

    leaky = github.create(alice, _input(
        "publish_repository", platform, repository="rate-limiter",
        description="A token bucket rate limiter for Python services",
        justification="Three partner teams asked for it; publishing lets them contribute.",
        package_names=["rate-limiter-bucket"], **PUBLICATION), policy, submit=True)
    # Queued now, scanned and checked by the runner once the app serves.
    checks.upload_code(leaky, alice, config, _repository("rate-limiter", leaky=True),
                       "rate-limiter-main.tar.gz")

    github.create(alice, _input(
        "publish_repository", platform, repository="config-lint",
        description="Lints our YAML configuration", license="Apache-2.0",
        justification="Draft: still deciding on the name.",
        maintainers=["alice-gh"]), policy)

    public = github.create(bob, _input(
        "make_public", data, repository="build-cache", license="MIT",
        description="A content-addressed build cache", security_contact="data@example.org",
        contributor_terms="inbound_outbound", team_wrote_all=True,
        maintainers=["bob-gh", "dana-gh"],
        justification="Already used by two open-source projects we sponsor."), policy,
        submit=True)
    checks.upload_code(public, bob, config, _repository("build-cache", leaky=False),
                       "build-cache-main.tar.gz")
    workflow.transition(public, olivia, "start_review")

    member = github.create(bob, _input(
        "join_org", data, username="dana-gh",
        justification="Dana maintains build-cache with Bob."), policy, submit=True)
    workflow.transition(member, olivia, "start_review")
    # Approved in dry-run mode (no GITHUB_TOKEN): the provisioning log shows the call it
    # would make.
    workflow.transition(member, olivia, "approve", reason="Dana is on the Data team.")

    github.create(alice, _input(
        "outside_collaborator", platform, repository="rate-limiter", username="vendor-dev",
        permission="push", access_expires_on=date.today() + timedelta(days=90),
        justification="The vendor fixes the bucket's edge cases under contract PO-2291."),
        policy, submit=True)
