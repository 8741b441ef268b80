"""Forms and pages that help: every error of a form in one round; a text a person wrote is
kept whole, but past 1,200 characters the rest folds under "Show more"."""
from __future__ import annotations

from governance.auth.roles import Role
from governance.database import db
from governance.states import State
from governance.workflow import services as workflow
from tests import factories as f


def test_a_very_long_justification_and_comment_fold_under_show_more(client):
    team = f.team("Payments")
    erin = f.user(Role.ENGINEER, teams=[team], username="erin")
    long = "We need it. " * 9000  # 108,000 characters
    item = f.request_in(State.SUBMITTED, erin, team, justification=long[:20000])
    workflow.add_comment(item, erin, "Measured again: " + "fast. " * 1000)
    db.session.commit()
    f.login(client, "erin")
    page = client.get(f"/adoption/{item.id}").get_data(as_text=True)
    assert page.count('data-testid="show-more"') == 2
    kept = len(item.justification)  # as saved (trimmed)
    assert f"Show more ({kept - 1200:,} more characters)" in page
    assert page.count("We need it.") >= 20000 // 12 - 1  # nothing dropped, only folded
    short = f.request_in(State.SUBMITTED, erin, team, justification="Small and fast.")
    assert 'data-testid="show-more"' not in client.get(f"/adoption/{short.id}").get_data(
        as_text=True)


def test_the_new_request_form_shows_every_error_in_one_round(client):
    team = f.team("Payments")
    f.user(Role.ENGINEER, teams=[team], username="erin")
    f.login(client, "erin")
    page = client.post("/adoption/new", data={"purl": "", "type": "", "name": "",
                                              "justification": "", "submit": "1"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # The form's own checks (the linking) and the service's (the package, the justification,
    # the office's required questions) all at once, not in three round trips.
    for message in ("Choose the package type.", "Enter the package name.",
                    "Explain why your team needs this package.", "needs an answer."):
        assert message in html, message
    assert 'id="linking-error"' in html
    from governance.adoption.models import AdoptionRequest
    assert db.session.query(AdoptionRequest).count() == 0


def test_the_new_request_form_marks_what_is_required(client):
    f.user(Role.ENGINEER, teams=[f.team("Payments")], username="erin")
    f.login(client, "erin")
    html = client.get("/adoption/new").get_data(as_text=True)
    mark = '<span class="required-mark"'
    assert f"Requesting team</label> {mark}" in html  # refused empty by the form
    assert f"Justification</label> {mark} title=\"Needed to submit" in html  # drafts may not
    assert f"Who maintains it, and how active is it?</label> {mark}" in html  # a question
    assert f"Homepage</label> {mark}" not in html
