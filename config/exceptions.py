"""Errors raised by services. Views and the API turn them into messages / error bodies."""

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A business rule refused the action. `message` is shown to the user as it is."""

    status_code = 400
    code = "refused"

    def __init__(self, message, *, code: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.extra = extra or {}


class ConflictError(ApplicationError):
    """Somebody else changed or decided the same thing first (optimistic lock lost)."""

    status_code = 409
    code = "conflict"


class NotVisible(ApplicationError):
    """The record does not exist for this user (outside their data scope): always a 404."""

    status_code = 404
    code = "not_found"

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("Not found."), **kwargs)
