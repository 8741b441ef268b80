"""The office dashboard's figures, checked against requests the test made: the first response
is the office's first step or comment (never the requester's), durations are working days,
and what waits past its service level is listed, latest first."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from governance import policies
from governance.auth.roles import Role
from governance.database import db
from governance.states import State
from governance.workflow import service_levels
from governance.workflow import services as workflow
from tests import factories as f


def test_the_figures_follow_the_requests(client):
    team = f.team("Payments")
    erin = f.user(Role.ENGINEER, teams=[team], username="erin")
    office = f.user(Role.OSS_OFFICE, username="olga")
    answered = f.request_in(State.IN_REVIEW, erin, team, office)  # review started today
    decided = f.request_in(State.APPROVED, erin, team, office)
    waiting = f.request_in(State.SUBMITTED, erin, team)
    workflow.add_comment(waiting, erin, "Any news?")  # the requester's: not an answer
    funding = f.funding_proposal_in(State.SUBMITTED, erin, team)
    # Submitted two weeks ago (always 10 working days), answered and decided today.
    now = datetime.now(timezone.utc)
    for item in (answered, decided, waiting, funding):
        item.submitted_at = now - timedelta(days=14)
    db.session.commit()
    board = service_levels.build(policies.service_levels(), today=now.date())
    adoption = next(k for k in board.kinds if k.kind == "adoption")
    assert adoption.open_by_state == {State.IN_REVIEW: 1, State.SUBMITTED: 1}
    assert adoption.first_response[30].count == 2  # answered and decided; not the comment
    assert adoption.first_response[30].median == 10
    assert adoption.decision[90].count == 1 and adoption.decision[90].p90 == 10
    # Late, latest first: adoption answers within 2 and decides within 5 working days,
    # funding within 5 and 15.
    assert [(x.request.id, x.waiting_for, x.days_late) for x in board.late] == [
        (waiting.id, "first response", 8), (answered.id, "decision", 5),
        (funding.id, "first response", 5)]
    assert dict(board.ages)["6–10"] == 3  # every open request in the histogram

    f.login(client, "olga")
    page = client.get("/office/").get_data(as_text=True)
    assert 'data-testid="service-levels"' in page and f"#{waiting.id}" in page


def test_engineers_do_not_see_the_office_dashboard(client):
    f.user(Role.ENGINEER, teams=[f.team()], username="erin")
    f.login(client, "erin")
    assert client.get("/office/").status_code == 403


def test_an_empty_office_has_nothing_late(client):
    board = service_levels.build(policies.service_levels())
    assert board.late == [] and all(k.open_total == 0 for k in board.kinds)
    assert all(n == 0 for _, n in board.ages)
