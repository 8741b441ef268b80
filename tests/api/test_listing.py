"""Listing requests: the pagination envelope, filters, and what stays hidden."""
from __future__ import annotations

import pytest

from governance.states import State
from tests import factories as f
from tests.api.helpers import assert_error, ids

# --- listing --------------------------------------------------------------------------------

def test_list_has_the_pagination_envelope(api, people):
    made = [f.request_in(State.SUBMITTED, people["requester"], people["team"]).id
            for _ in range(5)]
    first = api["requester"].list(per_page=2)
    assert set(first) == {"items", "page", "per_page", "total", "pages"}
    assert (first["page"], first["per_page"], first["total"], first["pages"]) == (1, 2, 5, 3)
    second = api["requester"].list(per_page=2, page=2)
    third = api["requester"].list(per_page=2, page=3)
    assert (len(first["items"]), len(second["items"]), len(third["items"])) == (2, 2, 1)
    # Newest first, every request exactly once across the pages.
    assert ids(first) + ids(second) + ids(third) == sorted(made, reverse=True)
    past_the_end = api["requester"].list(per_page=2, page=4)
    assert past_the_end["items"] == [] and past_the_end["total"] == 5


def test_list_defaults_and_empty(api):
    page = api["requester"].list()
    assert page == {"items": [], "page": 1, "per_page": 20, "total": 0, "pages": 0}


@pytest.mark.parametrize("per_page", [1, 100])
def test_per_page_limits_accept(api, per_page):
    assert api["requester"].list(per_page=per_page)["per_page"] == per_page


@pytest.mark.parametrize("query", [{"per_page": 0}, {"per_page": 101}, {"per_page": -1},
                                   {"per_page": "ten"}, {"page": 0}, {"page": "x"},
                                   {"page": 10**20}])
def test_bad_paging_answers_422(api, query):
    response = api["requester"].get("/requests", query_string=query)
    assert_error(response, 422, *query)


def test_state_filter_is_repeatable(api, people):
    r, t, o = people["requester"], people["team"], people["office"]
    draft = f.request_in(State.DRAFT, r, t)
    submitted = f.request_in(State.SUBMITTED, r, t)
    in_review = f.request_in(State.IN_REVIEW, r, t, o)
    approved = f.request_in(State.APPROVED, r, t, o)
    caller = api["requester"]
    both = caller.get("/requests?state=submitted&state=in_review").get_json()
    assert sorted(ids(both)) == sorted([submitted.id, in_review.id])
    assert both["total"] == 2
    assert ids(caller.list(state="approved")) == [approved.id]
    assert ids(caller.list(state="draft")) == [draft.id]
    assert caller.list()["total"] == 4
    assert_error(caller.get("/requests", query_string={"state": "bogus"}), 422, "state")


def test_team_context_and_scope_filters(api, people):
    r, t = people["requester"], people["team"]
    mine = f.request_in(State.SUBMITTED, r, t, usage_context="saas")
    teammates = f.request_in(State.SUBMITTED, people["teammate"], t)
    others = f.request_in(State.SUBMITTED, people["outsider"], people["other_team"])
    caller = api["requester"]
    assert sorted(ids(caller.list(team=people["other_team"].id))) == [others.id]
    assert sorted(ids(caller.list(team=t.id))) == sorted([mine.id, teammates.id])
    assert ids(caller.list(context="saas")) == [mine.id]
    assert ids(caller.list(context="no-such-context")) == []
    assert ids(caller.list(scope="mine")) == [mine.id]
    assert sorted(ids(caller.list(scope="team"))) == sorted([mine.id, teammates.id])
    assert sorted(ids(caller.list(scope="all"))) == sorted([mine.id, teammates.id, others.id])
    assert ids(api["office"].list(scope="mine")) == []
    assert_error(caller.get("/requests", query_string={"scope": "everything"}), 422, "scope")
    assert_error(caller.get("/requests", query_string={"team": "payments"}), 422, "team")


def test_q_searches_package_name_and_justification(api, people):
    r, t = people["requester"], people["team"]
    by_name = f.request_in(State.SUBMITTED, r, t, purl="pkg:npm/left-pad@1.3.0",
                           justification="Padding strings.")
    by_text = f.request_in(State.SUBMITTED, r, t, purl="pkg:pypi/attrs@23.1.0",
                           justification="Needed for the Kafka consumer rewrite.")
    f.request_in(State.SUBMITTED, r, t, purl="pkg:pypi/other@1.0", justification="Unrelated.")
    caller = api["requester"]
    assert ids(caller.list(q="left-pad")) == [by_name.id]
    assert ids(caller.list(q="LEFT")) == [by_name.id]
    assert ids(caller.list(q="kafka")) == [by_text.id]
    # Every word must match somewhere.
    assert ids(caller.list(q="kafka consumer")) == [by_text.id]
    assert ids(caller.list(q="kafka left-pad")) == []
    assert ids(caller.list(q="nothing-like-this")) == []
    # Combined with other filters.
    assert ids(caller.list(q="kafka", state="approved")) == []
    assert_error(caller.get("/requests", query_string={"q": "x" * 201}), 422, "q")


def test_drafts_of_other_teams_are_never_listed(api, people):
    theirs = f.request_in(State.DRAFT, people["outsider"], people["other_team"],
                          purl="pkg:pypi/secret-project@0.1", justification="Top secret.")
    own_team_draft = f.request_in(State.DRAFT, people["teammate"], people["team"])
    caller = api["requester"]
    for query in ({}, {"state": "draft"}, {"team": people["other_team"].id},
                  {"q": "secret-project"}, {"q": "secret"}, {"scope": "all"},
                  {"per_page": 100}):
        assert theirs.id not in ids(caller.list(**query)), query
    assert ids(caller.list(state="draft")) == [own_team_draft.id]  # drafts of my team: yes
    # The office, compliance and admins do not see anyone's drafts either.
    for who in ("office", "compliance", "admin"):
        assert api[who].list()["total"] == 0, who
    # Its author does.
    assert sorted(ids(api["outsider"].list())) == [theirs.id]


def test_items_carry_allowed_transitions_for_the_caller(api, people):
    item = f.request_in(State.SUBMITTED, people["requester"], people["team"])
    seen = {who: api[who].list()["items"][0]["allowed_transitions"]
            for who in ("requester", "teammate", "outsider", "office", "compliance", "admin")}
    assert seen == {"requester": ["withdraw"], "teammate": ["withdraw"], "outsider": [],
                    "office": ["start_review"], "compliance": [], "admin": []}
    assert api["office"].read(item.id)["allowed_transitions"] == ["start_review"]
    draft = f.request_in(State.DRAFT, people["requester"], people["team"])
    assert sorted(api["requester"].read(draft.id)["allowed_transitions"]) == ["submit",
                                                                              "withdraw"]


def test_list_items_have_the_documented_fields(api, people):
    f.request_in(State.APPROVED, people["requester"], people["team"], people["office"])
    item = api["compliance"].list()["items"][0]
    for key in ("id", "kind", "title", "state", "version", "component", "team", "requester",
                "reviewer", "usage_context", "linking", "will_modify", "justification",
                "alternatives", "answers", "submitted_at", "decided_at", "decided_by",
                "decision_reason", "conditions", "approval_expires_on", "created_at",
                "updated_at", "allowed_transitions"):
        assert key in item, key
    assert item["state"] == "approved"
    assert item["decided_by"]["username"] == people["office"].username
    assert item["reviewer"]["username"] == people["office"].username
