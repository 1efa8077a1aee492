"""X API v2 HTTP, shared by ``XOAuth`` and ``XContent``: errors are ``{"title", "detail", "errors"}`` read through
the HTTP status; a limit's wait comes from X's reset headers.
Docs: https://docs.x.com/x-api/fundamentals/response-codes-and-errors, https://docs.x.com/x-api/fundamentals/rate-limits
"""

import time
from typing import Any

import requests

from platforms.constants import X
from platforms.errors import AuthExpired, PlatformError, RateLimited, Rejected, Transient
from platforms.oauth import OAuthHttp


def retry_after_from_headers(headers: Any) -> float:
    """X states the reset as a Unix time: the 24-hour cap's when exhausted, else the 15-minute window's. A
    Retry-After, when also sent, is a floor: the reset time is rounded down to the second."""
    try:
        floor = max(0.0, float(headers.get("Retry-After", 0)))
    except ValueError:
        floor = 0.0
    for prefix in ("x-user-limit-24hour", "x-app-limit-24hour", "x-rate-limit"):
        remaining, reset = headers.get(f"{prefix}-remaining"), headers.get(f"{prefix}-reset")
        if reset and (remaining in (None, "0") or prefix == "x-rate-limit"):
            try:
                return max(floor, float(reset) - time.time())
            except ValueError:
                continue
    return floor or 60.0


class XHttp(OAuthHttp):
    slug = X

    def error_from_body(self, response: requests.Response, body: Any) -> PlatformError | None:
        status = response.status_code
        if status < 400:
            return None
        body = body if isinstance(body, dict) else {}
        errors = body.get("errors") or []
        message = body.get("detail") or (errors[0].get("message") if errors else None) or response.reason
        where: dict[str, Any] = {"platform": self.slug, "status": status, "code": body.get("title")}
        if status == 401:
            return AuthExpired(message, **where)
        if status == 429:
            return RateLimited(message, retry_after=retry_after_from_headers(response.headers), **where)
        if status == 403 and "scope" in str(message).lower():
            return AuthExpired(message, **where)
        if status >= 500:
            return Transient(message, **where)
        return Rejected(message, **where)
