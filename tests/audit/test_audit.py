"""The audit trail is append-only, filterable and exportable."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from governance.audit import services as audit
from governance.audit.models import AuditEvent, AuditTrailIsAppendOnly
from governance.auth.roles import Role
from governance.database import db
from governance.states import State
from tests import factories as f


def test_events_can_be_neither_changed_nor_deleted():
    event = audit.record(None, "request", 1, "created")
    db.session.commit()
    event.action = "forged"
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).action == "created"


def test_a_failed_step_leaves_no_event(client):
    team = f.team()
    engineer = f.user(Role.ENGINEER, teams=[team], username="erin")
    item = f.request_in(State.SUBMITTED, engineer, team)
    f.login(client, "erin")
    before = len(audit.events_for("request", item.id))
    client.post(f"/requests/{item.id}/step/approve", data={"reason": "mine!"})
    db.session.expire_all()
    assert len(audit.events_for("request", item.id)) == before


def test_filters_narrow_the_audit_page(client):
    team = f.team()
    engineer = f.user(Role.ENGINEER, teams=[team], username="erin")
    office = f.user(Role.OSS_OFFICE, username="olga")
    approved = f.request_in(State.APPROVED, engineer, team, office)
    f.request_in(State.REJECTED, engineer, team, office)
    f.login(client, "olga")
    page = client.get(f"/audit/?action=approved&actor={office.id}").get_data(as_text=True)
    assert f"request #{approved.id}" in page
    assert 'title="approved">Approved</span>' in page
    assert 'title="rejected"' not in page
    assert client.get("/audit/?since=not-a-date&object_id=abc").status_code == 200


def test_the_page_reads_as_people_read_it(client):
    team = f.team()
    engineer = f.user(Role.ENGINEER, teams=[team], username="erin")
    office = f.user(Role.OSS_OFFICE, username="olga")
    f.request_in(State.APPROVED, engineer, team, office)
    f.login(client, "olga")  # a sign-in: on record, left out of the page unless asked for
    page = client.get("/audit/").get_data(as_text=True)
    assert 'title="signed_in"' not in page and 'title="approved"' in page
    assert 'title="signed_in">Signed in</span>' in client.get(
        "/audit/?sessions=1").get_data(as_text=True)
    assert 'title="signed_in"' in client.get("/audit/?action=signed_in").get_data(as_text=True)
    # Before and after as a table of the fields that changed, folded until opened.
    assert 'data-testid="audit-changes"' in page
    assert "<th scope=\"row\"><code>state</code></th>" in page
    # The object filter offers every type on record, in words.
    assert '<option value="request" >Request</option>' in page
    rows = list(csv.reader(io.StringIO(client.get("/audit/export.csv").get_data(as_text=True))))
    assert "signed_in" not in {r[5] for r in rows[1:]}  # the export follows what is shown


def test_the_csv_export_follows_the_filters_and_defuses_formulas(client):
    team = f.team()
    engineer = f.user(Role.ENGINEER, teams=[team], username="erin")
    f.user(Role.OSS_OFFICE, username="olga")
    item = f.request_in(State.SUBMITTED, engineer, team)
    from governance.workflow import services as workflow
    workflow.add_comment(item, engineer, "=HYPERLINK(\"http://evil\")")
    db.session.commit()
    f.login(client, "olga")
    response = client.get("/audit/export.csv?action=commented")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["action"] for r in rows] == ["commented"]
    assert rows[0]["summary"].startswith("'=")
    assert rows[0]["actor"] == "erin"


def test_every_state_change_of_a_request_is_on_record():
    team = f.team()
    engineer = f.user(Role.ENGINEER, teams=[team])
    office = f.user(Role.OSS_OFFICE)
    item = f.request_in(State.APPROVED_WITH_CONDITIONS, engineer, team, office)
    actions = [e.action for e in audit.events_for("request", item.id)]
    assert actions == ["created", "submitted", "review_started", "approved_with_conditions"]
    states = [(e.before or {}).get("state") for e in audit.events_for("request", item.id)]
    assert states == [None, "draft", "submitted", "in_review"]
    actors = {e.actor_id for e in db.session.scalars(select(AuditEvent))
              if e.object_type == "request"}
    assert actors == {engineer.id, office.id}
