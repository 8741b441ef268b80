"""`flask demo load`: a first look with every kind of request, review and queued scan."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from governance import background, policies
from governance.adoption.models import AdoptionRequest
from governance.components.models import Product
from governance.database import db
from governance.funding import budgets
from governance.funding.models import FundingProposal
from governance.funding_core.fiscal import fiscal_year_of
from governance.github_requests.models import GitHubRequest
from governance.license_review.models import RecordedVerdict
from governance.maturity_review.models import MaturityReview
from governance.scans.models import Scan, ScanState
from governance.states import State


def test_demo_load_fills_an_empty_database_once(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "alice" in result.output and "olivia" in result.output
    requests = {r.component.name: r for r in db.session.scalars(select(AdoptionRequest))}
    assert requests["requests"].state == State.APPROVED
    assert requests["unidecode"].state == State.IN_REVIEW
    assert requests["unidecode"].usage_context == "distributed"
    reviews = {r.request_id: r for r in db.session.scalars(select(MaturityReview))}
    assert reviews[requests["requests"].id].recommendation == "recommended"
    # Approvals in shipped products come with the maturity review policies/ requires.
    for name in ("lodash", "is-number", "six"):
        assert reviews[requests[name].id].recommendation != "incomplete"
    queued = {s.request.component.name for s in db.session.scalars(select(Scan))
              if s.state == ScanState.QUEUED and isinstance(s.request, AdoptionRequest)}
    assert queued == {"requests", "lodash", "unidecode", "is-number", "six",
                      "typing-extensions"}
    # GitHub requests: one of each kind, in several states; the code of two uploaded (its
    # scan queued, checked once the app serves); an approval waiting for its provisioning.
    github = {r.title: r for r in db.session.scalars(select(GitHubRequest))}
    assert {r.kind for r in github.values()} == {"publish_repository", "make_public",
                                                 "join_org", "outside_collaborator"}
    assert len({r.state for r in github.values()}) >= 4
    uploads = [r for r in github.values() if r.check_runs]
    assert {r.title for r in uploads} == {"Publish example-corp/rate-limiter",
                                          "Make example-corp/build-cache public"}
    assert all(r.check_runs[0].scan.state == ScanState.QUEUED for r in uploads)
    approved = github["dana-gh joins example-corp"]
    assert approved.state == State.APPROVED and approved.provisioning_state == "not_started"
    assert background.waiting() == [("github.provision", approved.id)]
    # Nothing approved blind: each approval made before its scan says so.
    recorded = {r.request_id: r for r in db.session.scalars(select(RecordedVerdict))}
    for item in requests.values():
        if item.state.is_approved:
            assert recorded[item.id].verdict is None
            assert "before its scan" in recorded[item.id].without_scan_reason
    # Funding: this year's budget, the CNCF Silver membership paid, a sponsorship whose term
    # ends soon (its renewal due), a donation proposed.
    funding = {p.beneficiary_name: p for p in db.session.scalars(select(FundingProposal))}
    cncf = funding["Cloud Native Computing Foundation"]
    assert (cncf.state, cncf.tier_id, cncf.amount_minor) == (State.PAID, "silver", 30000_00)
    assert funding["lodash"].state == State.RENEWAL_DUE
    assert funding["requests"].state == State.SUBMITTED
    policy = policies.funding_policy()
    year = fiscal_year_of(date.today(), policy.fiscal_year_start_month)
    this_year = budgets.summary(year, policy)
    assert this_year.amount.minor == 150000_00 and this_year.paid.minor == 30000_00
    products = {p.name: p for p in db.session.scalars(select(Product))}
    assert set(products) == {"Billing jobs", "Admin console", "Report agent"}
    assert {r.component.name for r in requests.values()
            if r.product is products["Admin console"]} == {"lodash", "is-number"}
    # After approval: the real advisory on requests 2.32.3 (and no other version), lodash
    # past its quarterly update, two patches needing attention.
    from governance.advisories import reports
    from governance.lifecycle import cadence
    from governance.lifecycle import patches as local_patches

    assert [(r.finding.advisory.osv_id, r.finding.component.purl)
            for r in reports.affected(open_only=True)] == [
        ("GHSA-9hjg-9r4m-mvj7", "pkg:pypi/requests@2.32.3")]
    assert [(d.request.component.name, d.kind) for d in cadence.overdue()] == [
        ("lodash", "regular")]
    assert {p.title.split()[0] for p in local_patches.listed(needs_attention=True)} == {
        "Remove"}  # the temporary one is forwarded upstream: nothing to do yet
    assert len(local_patches.listed()) == 2
    again = runner.invoke(args=["demo", "load", "--if-empty"])
    assert again.exit_code == 0
    assert len(db.session.scalars(select(AdoptionRequest)).all()) == len(requests)
