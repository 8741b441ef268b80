"""Every `flask` command as an operator or a cron job runs it: in a new process, on the suite's
database, so a command that works only because the test run imported everything first fails
here. (Each command's behaviour is tested in its own package; this checks that it starts.)"""
from __future__ import annotations

import json

import pytest

from governance.auth.roles import Role
from governance.database import db
from governance.inventory import services as inventory
from tests import factories as f
from tests.scans.archives import tar_gz, tiny_package_files

STRONG = "tangerine-harbour-4791"


@pytest.fixture
def data(rules, tmp_path):
    team = f.team("Platform")
    f.user(Role.ENGINEER, teams=[team], username="erin")
    inventory.save_product(None, None, name="Console", team_id=team.id,
                           usage_context="distributed", description="", rules=rules)
    db.session.commit()
    sbom = tmp_path / "bom.json"
    sbom.write_text(json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
        {"type": "library", "name": "left-pad", "version": "1.3.0",
         "purl": "pkg:npm/left-pad@1.3.0", "licenses": [{"license": {"id": "MIT"}}]}]}))
    return {"sbom": str(sbom), "policy": "policies/license-policy.yaml",
            "osv": "tests/advisories/records"}


COMMANDS = [
    (["users", "list"], 0, "erin"),
    (["users", "create", "frank", "--role", "engineer", "--password", STRONG], 0,
     "Created frank"),
    (["users", "set-password", "erin", "--password", STRONG], 0, "Password of erin changed"),
    (["scans", "recover"], 0, "Queued again: nothing"),
    (["policies", "check"], 0, ""),
    (["policies", "eval", "MIT OR GPL-3.0-or-later", "--context", "distributed"], 0, "allow"),
    (["policies", "diff", "{policy}"], 0, ""),
    (["waivers", "list"], 0, "No active waivers."),
    (["waivers", "lapse"], 0, "0 waiver(s) lapsed."),
    (["products", "list"], 0, "Console"),
    (["products", "create", "Agent", "--team", "Platform", "--context", "internal"], 0,
     "Product Agent"),
    (["export", "--format", "csv"], 0, "team,product,context"),
    (["gate", "{sbom}", "--context", "internal"], 0, "gate passed for internal: 1 component"),
    (["verdicts", "refresh"], 0, "Stored 0 license verdict(s)"),
    (["audit", "verify"], 0, "intact"),
    (["clearing", "changed"], 0, "Every decided request's verdict holds as decided."),
    (["clearing", "show", "pkg:pypi/never-requested@1.0"], 1, "No request or SBOM names"),
    (["github", "list"], 0, "No GitHub requests."),
    (["github", "provision"], 0, "No provisioning waits."),
    (["github", "recertify"], 0, "0 outside collaborator(s)"),
    (["funding", "suggest", "--amount", "1000"], 0, "No projects in the approved inventory"),
    (["funding", "budget", "--year", "2026"], 0, "FY2026: no budget set"),
    (["funding", "budget", "--year", "2026", "--json"], 0, '"remaining": "0.00"'),
    (["funding", "pledge", "--year", "2026"], 0, "200 developers, target 400,000.00 USD"),
    (["funding", "pledge", "--year", "2026", "--json"], 0, '"target": "400000.00"'),
    (["funding", "renewals"], 0, "0 renewals opened."),
    (["advisories", "import", "{osv}"], 0, "2 records read: 2 new, 0 updated"),
    (["advisories", "affected"], 0, "No advisory affects an approved version."),
    (["advisories", "affected", "--json"], 0, "[]"),
    (["advisories", "match"], 0, "0 finding(s) opened, 0 resolved."),
    (["advisories", "import", "README.md"], 0, "skipped README.md: not JSON"),
    (["contributions", "summary"], 0, "No upstream contribution recorded."),
    (["contributions", "summary", "--json"], 0, '"years": {}'),
    (["contributions", "import", "tests/upstream/ledger.csv"], 0, "1 row(s) read: 1 new"),
    (["contributions", "import", "README.md"], 1, "README.md is not a CSV file"),
    (["updates", "overdue"], 0, "Nothing is overdue."),
    (["updates", "overdue", "--json"], 0, "[]"),
    (["patches", "list"], 0, "No active local patch."),
    (["patches", "list", "--attention", "--json"], 0, "[]"),
]


@pytest.mark.parametrize("args,code,shown", COMMANDS, ids=lambda v: " ".join(v)
                         if isinstance(v, list) else None)
def test_the_command_runs_in_a_fresh_process(flask_cli, data, args, code, shown):
    result = flask_cli(*[a.format(**data) for a in args])
    assert result.returncode == code, result.stdout + result.stderr
    assert shown in result.stdout + result.stderr


def test_flask_scan_scans_an_archive_in_a_fresh_process(flask_cli, tmp_path):
    archive = tar_gz(tmp_path / "tinypkg-1.0.0.tar.gz", tiny_package_files())
    result = flask_cli("scan", str(archive), "--json", "--processes", "1")
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout)["files"] >= 1


def test_flask_demo_load_fills_an_empty_database_in_a_fresh_process(flask_cli):
    result = flask_cli("demo", "load", "--url", "http://127.0.0.1:5050")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "olivia" in result.stdout and "oss_office" in result.stdout
    assert "Sign in at http://127.0.0.1:5050 " in result.stdout  # where make run serves


def test_flask_clearing_concludes_shows_and_lists_changes_in_a_fresh_process(flask_cli):
    from governance.license_review.verdicts import verdict_for
    from governance.policies import license_policy
    from governance.workflow import services as workflow
    from tests.license_review.helpers import request_with_summary
    from tests.license_review.test_clearing import TYPING_EXTENSIONS

    team = f.team("Data")
    f.user(Role.ENGINEER, teams=[team], username="bob")
    office = f.user(Role.OSS_OFFICE, username="olivia")
    item, _ = request_with_summary(TYPING_EXTENSIONS, office=office, team=team)
    purl = "pkg:pypi/typing-extensions@4.15.0"

    refused = flask_cli("clearing", "conclude", purl, "PSF-2.0", "--reason-code", "nope",
                        "--reason", "x", "--by", "olivia")
    assert refused.returncode == 1 and "reason_code" in refused.stderr
    by_engineer = flask_cli("clearing", "conclude", purl, "PSF-2.0", "--reason-code",
                            "license-history-text", "--reason", "history", "--by", "bob")
    assert by_engineer.returncode == 1 and "Only the OSS office" in by_engineer.stderr
    done = flask_cli("clearing", "conclude", purl, "PSF-2.0", "--reason-code",
                     "license-history-text", "--reason", "license history text",
                     "--by", "olivia")
    assert done.returncode == 0, done.stderr
    assert "Concluded PSF-2.0 for pkg:pypi/typing-extensions@4.15.0" in done.stdout
    assert verdict_for(item, license_policy()).verdict == "allow"
    shown = flask_cli("clearing", "show", purl, "--json")
    assert shown.returncode == 0, shown.stderr
    answer = json.loads(shown.stdout)
    assert answer["declared"] == "PSF-2.0" and answer["concluded"]["expression"] == "PSF-2.0"

    # Approved on the conclusion; withdrawn, the verdict is worse than the one decided on.
    f.maturity_review(item, office)
    workflow.transition(item, office, "approve", reason="PSF-2.0.")
    db.session.commit()
    from governance.license_review import clearing
    clearing.withdraw_conclusion(item.component, office, "Wrong version.")
    db.session.commit()
    changed = flask_cli("clearing", "changed")
    assert changed.returncode == 1, changed.stdout + changed.stderr
    assert f"#{item.id} allow -> review (worse)" in changed.stdout
