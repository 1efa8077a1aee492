"""The Graph API's error map, one for Meta (Marketing API, Facebook Login) and Instagram (content publishing,
Instagram Login): their OAuth specs and their clients read ``{"error": {"code", "error_subcode", "message",
"error_user_msg", "is_transient"}}`` through this class alone.

Docs: https://developers.facebook.com/docs/graph-api/guides/error-handling (codes 1, 2, 4, 10, 17, 102, 190,
200-299, 613), https://developers.facebook.com/docs/graph-api/overview/rate-limiting (business use case limits,
800xx), https://developers.facebook.com/docs/marketing-api/overview/rate-limiting (80000 insights, 80003 custom
audiences, 80004 ads management, 80005 lead generation), https://developers.facebook.com/docs/instagram-platform/
error-codes (publishing quota and container subcodes).
"""

from typing import Any

import requests

from platforms.base import default_error_for, parse_retry_after, redact
from platforms.errors import AuthExpired, PlatformError, RateLimited, Rejected, Transient
from platforms.oauth import OAuthHttp

# Application (4), user (17), page (32) and custom (613) limits, and every business use case limit the Graph API
# documents: ads insights 80000, pages 80001, Instagram 80002, custom audiences 80003, ads management 80004, lead
# generation 80005, Messenger 80006, WhatsApp Business 80008, catalog management 80009, catalog batch 80014.
BUSINESS_USE_CASE_CODES = frozenset({80000, 80001, 80002, 80003, 80004, 80005, 80006, 80008, 80009, 80014})
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613}) | BUSINESS_USE_CASE_CODES
# Permission denied (10), session key invalid (102), token invalid or expired (190), permissions (200-299).
AUTH_CODES = frozenset({10, 102, 190}) | frozenset(range(200, 300))
TRANSIENT_CODES = frozenset({1, 2})  # unknown error, service temporarily unavailable
PUBLISHING_QUOTA = (9, 2207042)  # Instagram's 24-hour publishing quota reached: wait, do not give up
NOT_READY = (9007, 2207027)  # an Instagram container is not FINISHED yet: retry shortly
PUBLISHING_QUOTA_RETRY_SECONDS = 3600.0


class GraphHttp(OAuthHttp):
    """Graph API calls: failures in the error object mapped once for every Graph platform."""

    def error_from_body(self, response: requests.Response, body: Any) -> PlatformError | None:
        status = response.status_code
        if status < 400:
            return None
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return default_error_for(response, platform=self.slug)
        code, subcode = error.get("code"), error.get("error_subcode")
        message = redact(str(error.get("error_user_msg") or error.get("message") or response.reason))
        where: dict[str, Any] = {"platform": self.slug, "status": status, "code": code}
        if (code, subcode) == PUBLISHING_QUOTA:
            return RateLimited(message, retry_after=PUBLISHING_QUOTA_RETRY_SECONDS, **where)
        if code in RATE_LIMIT_CODES or status == 429:
            return RateLimited(message, retry_after=parse_retry_after(response.headers.get("Retry-After")), **where)
        if code in AUTH_CODES or status == 401:
            return AuthExpired(message, **where)
        if (code, subcode) == NOT_READY or code in TRANSIENT_CODES or error.get("is_transient") or status >= 500:
            return Transient(message, **where)
        return Rejected(message, **where)
