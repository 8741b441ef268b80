"""New passwords: the rules of governance/auth/passwords.py, in the services and the admin form."""
from __future__ import annotations

import pytest

from governance.auth import passwords, services
from governance.auth.roles import Role
from governance.database import db
from governance.errors import ValidationFailed
from tests import factories as f

WEAK = {
    "ten spaces": " " * 10,
    "tabs and spaces": " \t \t \t \t  ",
    "repeated character": "aaaaaaaaaa",
    "repeated character, upper case": "ZZZZZZZZZZZZ",
    "repeated pair": "abababababab",
    "repeated triple": "abcabcabcabc",
    "digits ascending": "1234567890",
    "digits descending": "0987654321",
    "digits wrapping": "5678901234",
    "letters ascending": "abcdefghijk",
    "letters descending": "zyxwvutsrq",
    "keyboard row": "qwertyuiop",
    "keyboard row, backwards": "poiuytrewq",
    "keyboard walk over rows": "qwertyuiopasdf",
    "keyboard column walk": "1qaz2wsx3edc",
    "common": "password12",
    "common, other case": "PassWord123",
    "common, padded": "iloveyou12",
    "common, long": "manchester",
    "too short": "Xk3#vq9",
}


@pytest.mark.parametrize("password", WEAK.values(), ids=WEAK.keys())
def test_weak_passwords_are_refused(password):
    assert passwords.problem(password) is not None
    with pytest.raises(ValidationFailed) as caught:
        passwords.check(password)
    assert set(caught.value.errors) == {"password"}


@pytest.mark.parametrize("password", [
    f.PASSWORD, "long-enough-pw", "Tr0ub4dor&3-staple", "ünïcödé pässwörd", "  spaced  out  pw",
    "9 lives of a cat", "1234567890-but-then-more",
])
def test_reasonable_passwords_pass(password):
    assert passwords.problem(password, username="erin") is None


def test_the_user_name_is_not_a_password():
    assert passwords.problem("erin.smith1", username="erin.smith1")
    assert passwords.problem("Margaretha-2024!", username="margaretha")
    assert passwords.problem("margaretha-the-great", username="margaretha") is None


def test_the_shipped_list_is_large_and_lower_case():
    common = passwords.common_passwords()
    assert len(common) > 3000
    assert {"password12", "qwertyuiop", "1q2w3e4r5t"} <= common
    assert all(entry == entry.lower() and len(entry) >= passwords.MIN_LENGTH for entry in common)


def test_create_user_puts_the_reason_on_the_password_field():
    admin = f.user(Role.ADMIN)
    with pytest.raises(ValidationFailed) as caught:
        services.create_user(admin, username="erin", password="password12", role="engineer")
    assert caught.value.errors == {"password": passwords.problem("password12")}
    with pytest.raises(ValidationFailed) as caught:
        services.create_user(admin, username="erin", password="Erin", role="engineer")
    assert set(caught.value.errors) == {"password"}


def test_set_password_and_update_user_refuse_weak_passwords():
    admin = f.user(Role.ADMIN)
    user = f.user(Role.ENGINEER, username="erin")
    for weak in (" " * 10, "1234567890", "erin"):
        with pytest.raises(ValidationFailed) as caught:
            services.set_password(admin, user, weak)
        assert set(caught.value.errors) == {"password"}
        with pytest.raises(ValidationFailed):
            services.update_user(admin, user, role="engineer", full_name="", email="",
                                 active=True, team_ids=[], password=weak)
    db.session.rollback()
    assert user.check_password(f.PASSWORD)


@pytest.mark.parametrize("password", [" " * 10, "aaaaaaaaaa", "1234567890", "password12"])
def test_the_admin_form_shows_the_error_on_the_password_field(client, password):
    f.user(Role.ADMIN, username="ada")
    f.login(client, "ada")
    response = client.post("/admin/users/new", data={
        "username": "newbie", "role": "engineer", "password": password})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert passwords.problem(password) in page
    assert "invalid-feedback" in page or "is-invalid" in page
    assert "User newbie created" not in page


def test_the_admin_edit_form_refuses_ten_spaces(client):
    f.user(Role.ADMIN, username="ada")
    user = f.user(Role.ENGINEER, username="erin")
    f.login(client, "ada")
    response = client.post(f"/admin/users/{user.id}", data={
        "username": "erin", "role": "engineer", "active": "y", "password": " " * 10})
    assert response.status_code == 200
    assert "A password cannot be only spaces." in response.get_data(as_text=True)
    db.session.expire_all()
    assert user.check_password(f.PASSWORD)


def test_the_command_line_refuses_a_common_password(flask_cli):
    f.user(Role.ENGINEER, username="erin")
    result = flask_cli("users", "set-password", "erin", "--password", "qwerty12345")
    assert result.returncode != 0
    assert "password:" in result.stderr
