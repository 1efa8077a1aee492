"""TikTok's HTTP (Login Kit, Content Posting, Display API), shared by ``TikTokOAuth`` and ``TikTokContent``.

Every v2 answer is the ``{data, error}`` envelope: success iff ``error.code == "ok"``.
Docs: https://developers.tiktok.com/doc/tiktok-api-v2-error-handling
"""

from typing import Any

import requests

from platforms.base import parse_retry_after
from platforms.constants import TIKTOK
from platforms.errors import AuthExpired, PlatformError, RateLimited, Rejected, Transient
from platforms.oauth import OAuthHttp

AUTH_CODES = frozenset({"access_token_invalid", "scope_not_authorized", "scope_permission_missed"})
# The daily posting cap answers with this code; it clears within the day, so it is a rate limit, not a refusal.
DAILY_CAP_CODE = "spam_risk_too_many_posts"
DAILY_CAP_RETRY_SECONDS = 3600.0


class TikTokHttp(OAuthHttp):
    slug = TIKTOK

    def error_from_body(self, response: requests.Response, body: Any) -> PlatformError | None:
        error = body.get("error") if isinstance(body, dict) else None
        code = (error or {}).get("code", "") if isinstance(error, dict) else ""
        status = response.status_code
        if status < 400 and code in ("ok", ""):
            return None
        message = (error or {}).get("message") if isinstance(error, dict) else None
        message = message or response.reason or "TikTok refused the request."
        where: dict[str, Any] = {"platform": self.slug, "status": status, "code": code}
        if code in AUTH_CODES or status == 401:
            return AuthExpired(message, **where)
        if code == DAILY_CAP_CODE:
            return RateLimited(message, retry_after=DAILY_CAP_RETRY_SECONDS, **where)
        if status == 429 or code == "rate_limit_exceeded":
            return RateLimited(message, retry_after=parse_retry_after(response.headers.get("Retry-After")), **where)
        if status >= 500 or code == "internal_error":
            return Transient(message, **where)
        return Rejected(message, **where)
