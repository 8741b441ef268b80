"""Bounded work for every input: control characters refused with a 422 naming the field, strict
booleans, a 405 that says what is allowed, YAML that cannot expand. Each was a 500 (on
PostgreSQL) or a runaway request before."""
from __future__ import annotations

import pytest

from governance.auth.roles import Role
from governance.licensing.policy import load_policy_text
from governance.rules.loader import PolicyError, parse_yaml
from governance.states import State
from tests import factories as f
from tests.api.helpers import Api, assert_error, new_request

NUL = "before\x00after"


@pytest.fixture
def people():
    team = f.team("Payments")
    return {"team": team, "alice": f.user(Role.ENGINEER, teams=[team], username="alice"),
            "office": f.user(Role.OSS_OFFICE, username="olivia")}


def test_a_nul_in_the_signed_out_sign_in_form_is_a_422(client):
    answer = client.post("/login", data={"username": NUL, "password": "x"})
    assert answer.status_code == 422
    assert b"such as NUL" in answer.data


@pytest.mark.parametrize("path", ["/adoption/?q=" + NUL, "/audit/?action=%00",
                                  "/inventory/?q=a%00b", "/login?next=/%0d%0aSet-Cookie:x=1"])
def test_a_control_character_in_a_query_parameter_is_a_422(client, people, path):
    f.login(client, "olivia")
    assert client.get(path).status_code == 422


def test_a_nul_in_a_comment_is_refused_and_nothing_is_saved(client, people):
    item = f.request_in(State.SUBMITTED, people["alice"], people["team"])
    f.login(client, "alice")
    answer = client.post(f"/requests/{item.id}/comments", data={"body": NUL})
    assert answer.status_code == 422
    assert item.comments == []
    # Line breaks and tabs in a text area are text, not control characters.
    ok = client.post(f"/requests/{item.id}/comments", data={"body": "line one\r\n\tline two"})
    assert ok.status_code == 302


def test_the_api_refuses_control_characters_per_field(client, people):
    api = Api(client, people["alice"])
    body = new_request(people["team"], justification=NUL, purl="pkg:pypi/a\x00b@1.0")
    assert_error(api.post("/requests", json=body), 422, "justification", "purl")
    item = f.request_in(State.SUBMITTED, people["alice"], people["team"])
    assert_error(api.post(f"/requests/{item.id}/comments", json={"body": NUL}), 422, "body")
    assert_error(api.post(f"/requests/{item.id}/scans", json={"source": "pkg:pypi/x\x00"}),
                 422, "source")


def test_a_multipart_part_without_a_readable_name_is_no_server_error(client, people):
    # Found by the fuzzer: `name="a\"` leaves the quote open; Werkzeug reads the name as None.
    body = b'--B\r\nContent-Disposition: form-data; name="a\\"\r\n\r\nx\r\n--B--\r\n'
    item = f.request_in(State.SUBMITTED, people["alice"], people["team"])
    answer = Api(client, people["alice"]).post(
        f"/requests/{item.id}/scans", data=body,
        headers={"Content-Type": "multipart/form-data; boundary=B"})
    assert answer.status_code == 422


@pytest.mark.parametrize("value", [0, 1, "yes", "false", None])
def test_api_booleans_are_true_or_false_only(client, people, value):
    api = Api(client, people["alice"])
    body = new_request(people["team"], will_modify=value)
    assert_error(api.post("/requests", json=body), 422, "will_modify")


def test_a_method_the_address_does_not_take_says_which_it_takes(client, people):
    f.login(client, "olivia")
    answer = client.open("/queue", method="TRACE")
    assert answer.status_code == 405
    assert "GET" in answer.headers["Allow"]


ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(8))


def test_yaml_aliases_are_refused_before_anything_expands():
    assert len(ALIAS_BOMB) < 600
    with pytest.raises(PolicyError, match="aliases"):
        parse_yaml(ALIAS_BOMB, "candidate")


def test_the_policy_diff_page_answers_an_alias_bomb_with_its_line(client, people, app):
    f.login(client, "olivia")
    answer = client.post("/policies/diff", data={"candidate": ALIAS_BOMB})
    assert answer.status_code in (200, 422)
    assert b"aliases" in answer.data and len(answer.data) < 200_000


def test_duplicate_keys_are_found_in_one_pass_over_a_long_mapping():
    text = "".join(f"k{i}: {i}\n" for i in range(20_000)) + "k7: again\n"
    with pytest.raises(PolicyError, match="duplicate key 'k7'") as caught:
        parse_yaml(text, "candidate")
    assert caught.value.line == 20_001


def test_an_oversized_policy_is_refused_by_its_size():
    with pytest.raises(PolicyError, match="KiB"):
        load_policy_text("#" * (2 * 1024 * 1024), ["internal"], name="the proposed policy")
