"""The one error vocabulary of Frankly.

Service functions raise these; the API turns them into ``{"detail": ...}`` with the
status below, and HTML views into a form or page error. Messages are for people:
say what happened and what to do.
"""


class FranklyError(Exception):
    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class Invalid(FranklyError):
    """The input breaks a rule (empty title, unknown tag...)."""

    status = 422


class NotAllowed(FranklyError):
    """The user may not do this."""

    status = 403


class NotSignedIn(FranklyError):
    status = 401


class NotFound(FranklyError):
    status = 404


class Conflict(FranklyError):
    """The request is valid but clashes with the current state (a merged post...)."""

    status = 409
