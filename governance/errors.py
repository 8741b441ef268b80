"""Domain errors. Services raise them; views show them as messages, the API as JSON."""
from __future__ import annotations


class DomainError(Exception):
    """Base of every error a user can cause. `status` is what the API answers."""

    status = 400

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class ValidationFailed(DomainError):
    """Input that cannot be accepted; `errors` maps field names to messages."""

    status = 422

    def __init__(self, errors: dict[str, str], message: str = "Please correct the marked fields."):
        super().__init__(message)
        self.errors = errors


class DecisionBlocked(ValidationFailed):
    """A decision the request's standing does not allow yet (an approval with no finished
    scan): the API answers 409, pages show it on the field like any other message."""

    status = 409


class NotAllowed(DomainError):
    """The actor's role or relation to the object does not permit this."""

    status = 403


class NotFound(DomainError):
    status = 404


class IllegalTransition(DomainError):
    """The object's current state does not allow this step."""

    status = 409


class StaleObject(DomainError):
    """Someone changed the object since the actor loaded it."""

    status = 409
