"""The adoption kind's demo requests, in every state, created through the services (so the
audit trail and timelines are real). Called by `flask demo load` through the kind registry."""
from __future__ import annotations

from datetime import date, timedelta

from governance import policies
from governance.adoption import services as adoption
from governance.maturity_review import services as maturity
from governance.maturity_review.services import CriterionScore
from governance.scans import services as scan_services
from governance.scans.queue import scan_config
from governance.workflow import services as workflow


def _answers(users: str, maintainers: str, can_patch: str = "yes") -> dict:
    return {"production-users": users, "maintainers": maintainers, "can-patch": can_patch,
            "data-sensitivity": "No"}


def _request(user, team, purl, context, linking, justification, *, submit=True,
             alternatives=(), answers=None, homepage="", product=None):
    data = adoption.AdoptionInput(
        team_id=team.id, usage_context=context, linking=linking, purl=purl,
        product_id=product.id if product else None,
        homepage_url=homepage, justification=justification,
        alternative_ids=[a.id for a in alternatives],
        answers=answers or _answers("Widely used; thousands of dependents.",
                                    "An active maintainer team with monthly releases."))
    return adoption.create(user, data, policies.request_rules(),
                           submit=submit)


# Nothing is approved blind, the demo included: its approvals are made as it loads, while the
# scans it queues at the same moment have not run yet, and they say so. Once a scan finishes,
# each approved request shows the verdict that holds today beside this one.
BEFORE_THE_SCAN = {"without_scan_reason": (
    "Demo data: approved as the demo loaded, before its scan (queued at the same moment) "
    "could finish. The verdict that holds today appears beside this one when it does.")}


def _full_review(item, reviewer, note: str) -> None:
    criteria = policies.maturity_criteria()
    maturity.save(item, reviewer, [CriterionScore(c.id, 4, note if i == 0 else "")
                                   for i, c in enumerate(criteria.criteria)],
                  criteria, policies.license_policy())


def load_demo(users: dict, teams: dict, products: dict) -> None:
    alice, bob, olivia, oscar = (users[u] for u in ("alice", "bob", "olivia", "oscar"))
    approved = _request(alice, teams["Payments"], "pkg:pypi/requests@2.32.3", "internal",
                        "dynamic", "HTTP client for our internal billing reconciliation jobs.",
                        homepage="https://requests.readthedocs.io",
                        product=products["Billing jobs"])
    workflow.transition(approved, olivia, "start_review")
    maturity.save(approved, olivia, [
        CriterionScore("users", 5, "Used by most Python shops; millions of downloads a day."),
        CriterionScore("maintenance", 4, "Maintained under the Python Software Foundation."),
        CriterionScore("license", 5), CriterionScore("modification", 4),
        CriterionScore("security", 4, "Security policy and prompt CVE handling.")],
        policies.maturity_criteria(),
        policies.license_policy())
    workflow.transition(approved, olivia, "approve", reason="Apache-2.0, mature, widely used.",
                        expires_on=date.today() + timedelta(days=365), inputs=BEFORE_THE_SCAN)

    conditional = _request(alice, teams["Platform"], "pkg:npm/lodash@4.17.21", "distributed",
                           "static", "Utility functions for the admin console we ship.",
                           product=products["Admin console"])
    workflow.transition(conditional, oscar, "start_review")
    _full_review(conditional, oscar, "The most depended-upon package on npm.")
    workflow.transition(
        conditional, oscar, "approve_with_conditions", reason="MIT; fine to ship.",
        conditions="Keep the MIT notice in the console's third-party notices.",
        inputs=BEFORE_THE_SCAN)

    rejected = _request(bob, teams["Data"], "pkg:pypi/pyqt5@5.15.10", "distributed", "dynamic",
                        "Desktop viewer for the reports we ship to customers.")
    workflow.transition(rejected, olivia, "start_review")
    workflow.transition(rejected, olivia, "reject",
                        reason="GPL-3.0 for a distributed closed-source product; "
                               "consider PySide6 (LGPL) instead.")

    # Three PoC candidates for one need: a background job queue.
    celery = _request(alice, teams["Payments"], "pkg:pypi/celery@5.4.0", "saas", "dynamic",
                      "Background jobs for payment retries. PoC candidate 1 of 3.")
    rq = _request(alice, teams["Payments"], "pkg:pypi/rq@1.16.2", "saas", "dynamic",
                  "Background jobs for payment retries. PoC candidate 2 of 3.",
                  alternatives=[celery])
    _request(alice, teams["Payments"], "pkg:pypi/dramatiq@1.17.0", "saas", "dynamic",
             "Background jobs for payment retries. PoC candidate 3 of 3.", submit=False,
             alternatives=[celery, rq])
    workflow.transition(rq, oscar, "start_review")
    workflow.add_comment(rq, oscar, "How does it behave when Redis restarts mid-job?")
    workflow.add_comment(rq, alice, "Jobs in progress are re-queued; we tested it in the PoC.")

    changes = _request(bob, teams["Data"], "pkg:npm/express@4.19.2", "saas", "dynamic",
                       "Web framework for the reporting API.")
    workflow.transition(changes, olivia, "start_review")
    workflow.transition(changes, olivia, "request_changes",
                        reason="Please describe the PoC result and which "
                               "middleware packages come with it.")

    withdrawn = _request(alice, teams["Platform"],
                         "pkg:maven/org.apache.commons/commons-lang3@3.14.0", "internal",
                         "dynamic", "String helpers for the storage operator.")
    workflow.transition(withdrawn, alice, "withdraw")

    _request(bob, teams["Data"], "pkg:cargo/serde@1.0.203", "distributed", "static",
             "Serialization for the data export agent.", submit=False)
    # GPL in a shipped product: the policy denies it, so only a waiver lets it through.
    copyleft = _request(bob, teams["Data"], "pkg:pypi/unidecode@1.3.8", "distributed",
                        "dynamic", "ASCII file names for the reports the export agent ships.",
                        product=products["Report agent"])
    workflow.transition(copyleft, olivia, "start_review")
    # Two more approved packages in shipped products, so that the first export has content.
    is_number = _request(alice, teams["Platform"], "pkg:npm/is-number@7.0.0", "distributed",
                         "static", "Input checks in the admin console.",
                         product=products["Admin console"])
    workflow.transition(is_number, oscar, "start_review")
    _full_review(is_number, oscar, "Tens of millions of weekly downloads.")
    workflow.transition(is_number, oscar, "approve", reason="MIT, tiny, no dependencies.",
                        inputs=BEFORE_THE_SCAN)
    six = _request(bob, teams["Data"], "pkg:pypi/six@1.16.0", "distributed", "dynamic",
                   "Python 2/3 compatibility, pulled in by the report agent's PDF library.",
                   product=products["Report agent"])
    workflow.transition(six, olivia, "start_review")
    _full_review(six, olivia, "In nearly every Python installation.")
    workflow.transition(six, olivia, "approve_with_conditions",
                        reason="MIT; a transitive dependency.",
                        conditions="Remove it when the PDF library drops it.",
                        inputs=BEFORE_THE_SCAN)
    # Its license text tells the Python license's history, GPL included: scancode finds it,
    # the verdict goes to review, and the office concludes PSF-2.0 (README, first steps).
    typing_extensions = _request(
        bob, teams["Data"], "pkg:pypi/typing-extensions@4.15.0", "distributed", "dynamic",
        "Type hints back-ported to the Python the report agent ships with.",
        product=products["Report agent"])
    workflow.transition(typing_extensions, olivia, "start_review")
    # Scans fetched from PyPI and npm by the scan runner once the app serves (offline, they
    # fail with the reason shown on the request).
    config = scan_config()
    # Scans run one after another: the small ones first, lodash (1,000 files) last.
    for item in (typing_extensions, is_number, six, copyleft, approved, conditional):
        scan_services.start_scan(item, olivia, config, source=item.component.purl)
