"""Each platform's own error bodies, so that clients (ours and the platforms' SDKs) see the real shapes."""

import time
import uuid
from enum import StrEnum

from django.http import JsonResponse

from platforms.constants import (
    GOOGLE_ADS,
    INSTAGRAM,
    META_ADS,
    PINTEREST,
    SHOPIFY,
    TIKTOK,
    TIKTOK_ADS,
    WOOCOMMERCE,
    X,
)


class Failure(StrEnum):
    AUTH = "auth"  # token missing, expired or revoked
    SCOPE = "scope"  # token lacks the permission
    VALIDATION = "validation"  # the request is invalid
    NOT_FOUND = "not_found"
    RATE_LIMIT = "rate_limit"
    SERVER = "server"


class SandboxError(Exception):
    def __init__(
        self, failure: Failure, message: str, *, retry_after: int = 1, code: str | int | dict | None = None
    ) -> None:
        super().__init__(message)
        self.failure = failure
        self.message = message
        self.retry_after = retry_after
        self.code = code


_HTTP_STATUS = {
    Failure.AUTH: 401,
    Failure.SCOPE: 403,
    Failure.VALIDATION: 400,
    Failure.NOT_FOUND: 404,
    Failure.RATE_LIMIT: 429,
    Failure.SERVER: 500,
}

# Graph API (Meta, Instagram): https://developers.facebook.com/docs/graph-api/guides/error-handling
_GRAPH_CODES = {
    Failure.AUTH: (190, 463, "OAuthException"),
    Failure.SCOPE: (200, None, "OAuthException"),
    Failure.VALIDATION: (100, None, "OAuthException"),
    Failure.NOT_FOUND: (100, 33, "GraphMethodException"),
    Failure.RATE_LIMIT: (17, 2446079, "OAuthException"),
    Failure.SERVER: (2, None, "OAuthException"),
}

# TikTok Login Kit / Content Posting: https://developers.tiktok.com/doc/tiktok-api-v2-error-handling
_TIKTOK_CODES = {
    Failure.AUTH: "access_token_invalid",
    Failure.SCOPE: "scope_not_authorized",
    Failure.VALIDATION: "invalid_params",
    Failure.NOT_FOUND: "invalid_params",
    Failure.RATE_LIMIT: "rate_limit_exceeded",
    Failure.SERVER: "internal_error",
}

# TikTok Business API: https://business-api.tiktok.com/portal/docs?id=1737172488964097
_TIKTOK_ADS_CODES = {
    Failure.AUTH: 40105,
    Failure.SCOPE: 40001,
    Failure.VALIDATION: 40002,
    Failure.NOT_FOUND: 40002,
    Failure.RATE_LIMIT: 40100,
    Failure.SERVER: 50000,
}

# Google Ads REST: https://developers.google.com/google-ads/api/docs/best-practices/error-types
_GOOGLE_CODES = {
    Failure.AUTH: ("UNAUTHENTICATED", {"authenticationError": "OAUTH_TOKEN_EXPIRED"}),
    Failure.SCOPE: ("PERMISSION_DENIED", {"authorizationError": "USER_PERMISSION_DENIED"}),
    Failure.VALIDATION: ("INVALID_ARGUMENT", {"requestError": "REQUIRED_FIELD_MISSING"}),
    Failure.NOT_FOUND: ("NOT_FOUND", {"requestError": "RESOURCE_NAME_MALFORMED"}),
    Failure.RATE_LIMIT: ("RESOURCE_EXHAUSTED", {"quotaError": "RESOURCE_TEMPORARILY_EXHAUSTED"}),
    Failure.SERVER: ("INTERNAL", {"internalError": "INTERNAL_ERROR"}),
}


# WooCommerce REST (WordPress REST API errors): {"code", "message", "data": {"status"}}; WooCommerce answers an
# authentication failure and a key without the needed permission alike with 401.
_WOOCOMMERCE_CODES = {
    Failure.AUTH: "woocommerce_rest_authentication_error",
    Failure.SCOPE: "woocommerce_rest_authentication_error",
    Failure.VALIDATION: "rest_invalid_param",
    Failure.NOT_FOUND: "woocommerce_rest_invalid_id",
    Failure.RATE_LIMIT: "woocommerce_rest_too_many_requests",
    Failure.SERVER: "internal_server_error",
}


_SHOPIFY_AUTH_MESSAGE = "[API] Invalid API key or access token (unrecognized login or wrong password)"


def error_response(platform: str, error: SandboxError) -> JsonResponse:
    """The platform's own error answer for ``error``: status, body and rate-limit headers."""
    failure = error.failure
    status = _HTTP_STATUS[failure]
    headers: dict[str, str] = {}
    if failure is Failure.RATE_LIMIT:
        headers["Retry-After"] = str(error.retry_after)
    if platform in (META_ADS, INSTAGRAM):
        code, subcode, kind = _GRAPH_CODES[failure]
        body: dict = {
            "error": {
                "message": error.message,
                "type": kind,
                "code": error.code if isinstance(error.code, int) else code,
                "fbtrace_id": uuid.uuid4().hex[:11],
                "is_transient": failure in (Failure.SERVER, Failure.RATE_LIMIT),
            }
        }
        if subcode:
            body["error"]["error_subcode"] = subcode
        if failure is Failure.VALIDATION:
            body["error"]["error_user_msg"] = error.message
        # The Graph API answers most errors, rate limits included, with HTTP 400 (500 for its own faults).
        status = 500 if failure is Failure.SERVER else (401 if failure is Failure.AUTH else 400)
        if failure is Failure.RATE_LIMIT:
            status = 400
    elif platform == TIKTOK:
        body = {
            "data": {},
            "error": {"code": error.code or _TIKTOK_CODES[failure], "message": error.message, "log_id": _log_id()},
        }
    elif platform == TIKTOK_ADS:
        # The Business API answers HTTP 200 with a non-zero code; only its own outages are 5xx.
        body = {
            "code": error.code or _TIKTOK_ADS_CODES[failure],
            "message": error.message,
            "request_id": _log_id(),
            "data": {},
        }
        status = 500 if failure is Failure.SERVER else 200
    elif platform == PINTEREST:
        pin_codes = {
            Failure.AUTH: 2,
            Failure.SCOPE: 3,
            Failure.VALIDATION: 1,
            Failure.NOT_FOUND: 50,
            Failure.RATE_LIMIT: 8,
            Failure.SERVER: 0,
        }
        body = {"code": error.code or pin_codes[failure], "message": error.message}
    elif platform == X:
        if failure is Failure.VALIDATION:
            body = {
                "errors": [{"message": error.message, "parameters": {}}],
                "title": "Invalid Request",
                "detail": error.message,
                "type": "https://api.twitter.com/2/problems/invalid-request",
            }
        elif failure is Failure.RATE_LIMIT:
            body = {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429}
            # X states when the window resets (Unix seconds) instead of Retry-After alone.
            headers.update(
                {
                    "x-rate-limit-limit": "0",
                    "x-rate-limit-remaining": "0",
                    "x-rate-limit-reset": str(int(time.time()) + error.retry_after),
                }
            )
        else:
            titles = {
                Failure.AUTH: "Unauthorized",
                Failure.SCOPE: "Forbidden",
                Failure.NOT_FOUND: "Not Found Error",
                Failure.SERVER: "Internal Server Error",
            }
            body = {"title": titles[failure], "type": "about:blank", "status": status, "detail": error.message}
    elif platform == WOOCOMMERCE:
        status = 401 if failure is Failure.SCOPE else status
        body = {
            "code": error.code if isinstance(error.code, str) else _WOOCOMMERCE_CODES[failure],
            "message": error.message,
            "data": {"status": status},
        }
    elif platform == GOOGLE_ADS:
        grpc_status, error_code = _GOOGLE_CODES[failure]
        if isinstance(error.code, dict):  # the error's own category, e.g. {"campaignBudgetError": "..."}
            error_code = error.code
        elif isinstance(error.code, str) and failure is not Failure.RATE_LIMIT:
            error_code = {next(iter(error_code)): error.code}
        detail: dict = {
            "@type": "type.googleapis.com/google.ads.googleads.v25.errors.GoogleAdsFailure",
            "errors": [{"errorCode": error_code, "message": error.message}],
            "requestId": _log_id(),
        }
        if failure is Failure.RATE_LIMIT:
            detail["errors"][0]["details"] = {
                "quotaErrorDetails": {
                    "rateScope": "DEVELOPER",
                    "rateName": "Requests",
                    "retryDelay": f"{error.retry_after}s",
                }
            }
        body = {"error": {"code": status, "message": error.message, "status": grpc_status, "details": [detail]}}
    elif platform == SHOPIFY:
        # The Admin API's own refusals: {"errors": "<text>"}; a bad token is the fixed "[API] Invalid API key ..." text.
        message = _SHOPIFY_AUTH_MESSAGE if failure in (Failure.AUTH, Failure.SCOPE) else error.message
        status = 401 if failure is Failure.SCOPE else status
        body = {"errors": message}
    else:
        body = {"error": error.message}
    return JsonResponse(body, status=status, headers=headers)


def _log_id() -> str:
    return uuid.uuid4().hex.upper()[:24]
