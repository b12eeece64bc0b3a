"""Domain errors. Services raise these; every face turns them into a clear,
translated message (a form error, a 400/409 in the API, a message in the admin)."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the request. ``message`` is translated text
    for the user; ``field`` names the form field at fault, when there is one."""

    def __init__(self, message, *, field: str | None = None, code: str = "invalid"):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code


class NotAllowed(DomainError):
    """The user may not do this (wrong role or wrong organ)."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message, field=field, code="forbidden")


class InvalidTransition(DomainError):
    """The object is not in a state from which this move is allowed."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message, field=field, code="invalid_state")
