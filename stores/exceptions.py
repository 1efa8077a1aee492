"""The one error family that services raise and the web and API layers render."""

from typing import Any


class ApplicationError(Exception):
    """A refusal the user can act on: ``message`` is shown as is, ``code`` is stable for API clients."""

    status_code = 400

    def __init__(self, message: str, *, code: str = "invalid", extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}


class PermissionDenied(ApplicationError):
    """The member's role does not allow this change."""

    status_code = 403

    def __init__(self, message: str = "Your role in this store does not allow this change.", **kwargs: Any) -> None:
        kwargs.setdefault("code", "forbidden")
        super().__init__(message, **kwargs)


class Conflict(ApplicationError):
    """The change collides with the current state (a duplicate, a limit already reached)."""

    status_code = 409
