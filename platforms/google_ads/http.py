"""Google's HTTP (the Google Ads API, OpenID Connect userinfo, OAuth revoke), shared by ``GoogleAdsOAuth`` and
``GoogleAdsClient``: the Ads API's errors are ``{"error": {"code", "message", "status", "details": [{"errors":
[{"errorCode": {...}, "message"}]}]}}``.
Docs: https://developers.google.com/google-ads/api/docs/best-practices/error-types
"""

from typing import Any

import requests

from platforms.base import default_error_for, parse_retry_after, redact
from platforms.constants import GOOGLE_ADS
from platforms.errors import AuthExpired, PlatformError, RateLimited, Rejected, Transient
from platforms.oauth import OAuthHttp

AUTH_ERRORS = frozenset(
    {"OAUTH_TOKEN_INVALID", "OAUTH_TOKEN_EXPIRED", "OAUTH_TOKEN_REVOKED", "OAUTH_TOKEN_DISABLED", "NOT_ADS_USER"}
)


def _first_error(body: Any) -> dict[str, Any]:
    try:
        return body["error"]["details"][0]["errors"][0]
    except (KeyError, IndexError, TypeError):
        return {}


def _retry_delay(error: dict[str, Any], header: str | None) -> float:
    delay = ((error.get("details") or {}).get("quotaErrorDetails") or {}).get("retryDelay")
    fallback = parse_retry_after(header)
    if isinstance(delay, str) and delay.endswith("s"):
        return parse_retry_after(delay[:-1], default=fallback)
    return fallback


class GoogleAdsHttp(OAuthHttp):
    slug = GOOGLE_ADS

    def error_from_body(self, response: requests.Response, body: Any) -> PlatformError | None:
        if response.status_code < 400:
            return None
        if not isinstance(body, dict) or not isinstance(body.get("error"), dict):
            # Not the API's error object (an OAuth endpoint's {"error": "invalid_token"}, a gateway's page).
            return default_error_for(response, platform=self.slug)
        first = _first_error(body)
        code_values = set((first.get("errorCode") or {}).values())
        message = redact(str(first.get("message") or body["error"].get("message") or response.reason))
        where: dict[str, Any] = {
            "platform": self.slug,
            "status": response.status_code,
            "code": next(iter(code_values), None),
        }
        if response.status_code == 429:
            return RateLimited(message, retry_after=_retry_delay(first, response.headers.get("Retry-After")), **where)
        if response.status_code == 403 or (response.status_code == 401 and code_values & AUTH_ERRORS):
            return AuthExpired(message, **where)
        if response.status_code >= 500:
            return Transient(message, **where)
        return Rejected(message, **where)
