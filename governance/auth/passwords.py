"""The rules a new password must pass, in the manner of NIST SP 800-63B §5.1.1.2.

The one place that judges a password: create_user, update_user and set_password (and so the
admin forms and `flask users`) call check(). Length counts characters after Unicode (NFKC)
normalisation; there are no composition rules ("one digit, one symbol"), only refusals of
what is easy to guess: all whitespace, one character or a short block repeated, a plain
sequence or keyboard walk, an entry of the common-password list shipped beside this module
(common-passwords.txt), or the user's own name. Every refusal lands on the "password" field.
"""
from __future__ import annotations

import string
import unicodedata
from functools import lru_cache
from pathlib import Path

from governance.errors import ValidationFailed

MIN_LENGTH = 10
COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt")

# Runs that people type as a "password": the alphabet, digits (1234567890 wraps from 9 to 0),
# keyboard rows (QWERTY, QWERTZ, AZERTY), the shifted digit row and column walks.
_SEQUENCES = (
    string.ascii_lowercase,
    "0123456789",
    "`1234567890-=",
    "~!@#$%^&*()_+",
    "qwertyuiop[]\\",
    "asdfghjkl;'",
    "zxcvbnm,./",
    "qwertyuiopasdfghjklzxcvbnm",
    "qwertzuiopasdfghjklyxcvbnm",
    "azertyuiopqsdfghjklmwxcvbn",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/",
    "zaq1xsw2cde3vfr4bgt5nhy6mju7,ki8.lo9/;p0",
)
# Up to this many characters repeated is a pattern, not a password: "ababababab", "abcabcabca".
_MAX_REPEATED_BLOCK = 4


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list, read once per process."""
    with COMMON_PASSWORDS.open(encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle
                         if line.strip() and not line.startswith("#"))


def _is_repeated_block(folded: str) -> bool:
    for size in range(1, min(_MAX_REPEATED_BLOCK, len(folded) // 2) + 1):
        block = folded[:size]
        if (block * (len(folded) // size + 1))[:len(folded)] == folded:
            return True
    return False


def _is_sequence(folded: str) -> bool:
    for run in _SEQUENCES:
        # Three rounds, forwards and backwards: a run may start anywhere and wrap around.
        if folded in run * 3 or folded in run[::-1] * 3:
            return True
    return False


def _core(text: str) -> str:
    """Without the digits and symbols people put around a word ("alice2024!" -> "alice")."""
    return text.strip(string.digits + string.punctuation + string.whitespace)


def problem(password: str | None, *, username: str = "") -> str | None:
    """Why `password` cannot be used (a sentence for the password field), or None."""
    password = unicodedata.normalize("NFKC", password or "")
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if not password.strip():
        return "A password cannot be only spaces."
    folded = password.casefold()
    name = unicodedata.normalize("NFKC", username or "").strip().casefold()
    if name and (folded.strip() == name or _core(folded) == name):
        return "Do not use your user name as the password."
    if _is_repeated_block(folded):
        return "A character or a short pattern repeated is too easy to guess."
    if _is_sequence(folded):
        return "A sequence such as 1234567890 or qwertyuiop is too easy to guess."
    if folded in common_passwords() or folded.strip() in common_passwords():
        return "This is one of the most common passwords. Choose another."
    return None


def check(password: str | None, *, username: str = "") -> None:
    """Raise ValidationFailed on the "password" field when `password` cannot be used."""
    reason = problem(password, username=username)
    if reason:
        raise ValidationFailed({"password": reason})
