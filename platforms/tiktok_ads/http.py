"""TikTok Business API HTTP, shared by ``TikTokAdsOAuth`` and ``TikTokAdsClient``: one code set for both.

Every answer is the ``{code, message, request_id, data}`` envelope, usually HTTP 200 even on failure: success iff
``code == 0``. Docs: https://business-api.tiktok.com/portal/docs?id=1737172488964097 (return codes).
"""

from typing import Any

import requests

from platforms.base import default_error_for, parse_retry_after, redact
from platforms.constants import TIKTOK_ADS
from platforms.errors import AuthExpired, PlatformError, RateLimited, Rejected, Transient
from platforms.oauth import OAuthHttp

# No permission on the advertiser (40001), access token expired (40102), empty (40104), invalid or revoked (40105),
# auth_code invalid or expired (40110): the merchant authorizes again.
AUTH_CODES = frozenset({40001, 40102, 40104, 40105, 40110})
RATE_LIMIT_CODE = 40100
INTERNAL_CODES_FROM = 50000


class TikTokAdsHttp(OAuthHttp):
    slug = TIKTOK_ADS

    def error_from_body(self, response: requests.Response, body: Any) -> PlatformError | None:
        status = response.status_code
        code = body.get("code") if isinstance(body, dict) else None
        if status < 400 and code == 0:
            return None
        if not isinstance(code, int) or code == 0:
            # No envelope (a gateway's page, an empty body): the HTTP status says what happened.
            return default_error_for(response, platform=self.slug)
        message = redact(str(body.get("message") or "TikTok refused the request."))
        where: dict[str, Any] = {"platform": self.slug, "status": status, "code": code}
        if code == RATE_LIMIT_CODE or status == 429:
            return RateLimited(message, retry_after=parse_retry_after(response.headers.get("Retry-After")), **where)
        if code in AUTH_CODES:
            return AuthExpired(message, **where)
        if code >= INTERNAL_CODES_FROM or status >= 500:
            return Transient(message, **where)
        return Rejected(message, **where)
