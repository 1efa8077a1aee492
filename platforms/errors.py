"""The one small error hierarchy every platform's failures are mapped into."""


class PlatformError(Exception):
    """Base of every platform failure. ``message`` never contains a token."""

    def __init__(
        self, message: str, *, platform: str = "", status: int | None = None, code: str | int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.platform = platform
        self.status = status
        self.code = code

    def __str__(self) -> str:
        where = f"{self.platform}: " if self.platform else ""
        return f"{where}{self.message}"


class AuthExpired(PlatformError):
    """The token is expired, revoked or lacks a scope: the merchant must reconnect. Not retried."""


class RateLimited(PlatformError):
    """The platform asked us to slow down; retry after ``retry_after`` seconds."""

    def __init__(self, message: str, *, retry_after: float = 60.0, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after


class Rejected(PlatformError):
    """The platform refused the request as invalid (validation, policy); ``message`` is the platform's. Not retried."""


class Transient(PlatformError):
    """A 5xx, a dropped connection or a timeout: safe to retry.

    ``ambiguous`` is True when the request may have reached the platform (a read timeout after sending a
    create): the caller must look the object up before creating it again.
    """

    def __init__(self, message: str, *, ambiguous: bool = False, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.ambiguous = ambiguous
