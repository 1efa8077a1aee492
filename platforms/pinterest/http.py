"""Pinterest API v5 HTTP, shared by ``PinterestOAuth`` and ``PinterestContent``: errors are ``{"code", "message"}``
read through the HTTP status (401/403 a dead or short token, 429 a limit).
Docs: https://developers.pinterest.com/docs/api/v5/ (responses of each endpoint)
"""

from typing import Any

import requests

from platforms.base import parse_retry_after
from platforms.constants import PINTEREST
from platforms.errors import AuthExpired, PlatformError, RateLimited, Rejected, Transient
from platforms.oauth import OAuthHttp


class PinterestHttp(OAuthHttp):
    slug = PINTEREST

    def error_from_body(self, response: requests.Response, body: Any) -> PlatformError | None:
        status = response.status_code
        if status < 400:
            return None
        body = body if isinstance(body, dict) else {}
        message = body.get("message") or response.reason
        where: dict[str, Any] = {"platform": self.slug, "status": status, "code": body.get("code")}
        if status in (401, 403):
            return AuthExpired(message, **where)
        if status == 429:
            return RateLimited(message, retry_after=parse_retry_after(response.headers.get("Retry-After")), **where)
        if status >= 500:
            return Transient(message, **where)
        return Rejected(message, **where)
