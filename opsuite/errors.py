"""The domain errors every area raises; web/errors.py maps them to answers."""

from __future__ import annotations


class OpsuiteError(Exception):
    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(OpsuiteError):
    status = 400


class NotAuthenticated(OpsuiteError):
    status = 401


class PermissionDenied(OpsuiteError):
    status = 403


class NotFound(OpsuiteError):
    status = 404


class Conflict(OpsuiteError):
    """A rule refuses the action as asked (the shift is full, check-in opens later): the person
    is shown the reason on the page they were on (web/errors.py)."""

    status = 409


class EditConflictError(Conflict):
    """Someone else saved the thing since this form was opened (a version check); only this
    one is answered "Someone else changed this"."""


class TooManyRequests(OpsuiteError):
    """Past a limit; ``retry_after`` (seconds) becomes the answer's Retry-After header."""

    status = 429

    def __init__(self, message: str, *, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.retry_after = max(1, retry_after)


class FieldErrors(InvalidInput):
    """Several fields at fault at once (a whole form); messages keyed by field name."""

    def __init__(self, errors: dict[str, str]) -> None:
        first_field, first_message = next(iter(errors.items()))
        super().__init__(first_message, field=first_field)
        self.errors = errors
