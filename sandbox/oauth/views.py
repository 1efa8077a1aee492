"""The account reads a client makes right after connecting to one of the seven platforms: who connected, and which
ad accounts they manage. Paths mirror the real ones under ``/sandbox/<slug>/`` (see ``sandbox.oauth.urls``); the
consent pages are in ``sandbox.oauth.consent``, the token and revocation endpoints in ``sandbox.oauth.tokens``.
"""

import base64
import binascii
import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_http_methods

from platforms.constants import GOOGLE_ADS, INSTAGRAM, META_ADS, PINTEREST, TIKTOK, TIKTOK_ADS, X
from sandbox.endpoint import api_endpoint
from sandbox.errors import Failure, SandboxError
from sandbox.oauth import grants
from sandbox.oauth.tokens import log_id, tiktok_ads_ok

# -- account reads ---------------------------------------------------------------------------------------------------


@api_endpoint(META_ADS)
@require_http_methods(["GET"])
def meta_me(request: HttpRequest, version: str) -> HttpResponse:
    account = request.sandbox_token.account
    return JsonResponse(_fields(request, {"id": account.external_id, "name": account.name}, default="id,name"))


@api_endpoint(META_ADS)
@require_http_methods(["DELETE"])
def meta_permissions(request: HttpRequest, version: str) -> HttpResponse:
    """DELETE /me/permissions: the user removes the app; every token of theirs for it stops working."""
    token = request.sandbox_token
    grants.account_tokens_revoke(app=token.app, account=token.account)
    return JsonResponse({"success": True})


@api_endpoint(META_ADS, scope="ads_read")
@require_http_methods(["GET"])
def meta_adaccounts(request: HttpRequest, version: str) -> HttpResponse:
    """GET /me/adaccounts with cursor paging: ``paging.next`` only while another page follows."""
    rows = list(grants.ad_accounts_for(request.sandbox_token))
    try:
        limit = max(1, min(int(request.GET.get("limit", "25")), 100))
        start = int(base64.urlsafe_b64decode(request.GET["after"]).decode()) if request.GET.get("after") else 0
    except (ValueError, binascii.Error) as exc:
        raise SandboxError(Failure.VALIDATION, "Invalid paging parameter.") from exc
    page = rows[start : start + limit]
    data = [
        _fields(
            request,
            {
                "id": a.external_id,
                "account_id": a.external_id.removeprefix("act_"),
                "name": a.name,
                "currency": a.currency,
                "account_status": 1,
                "timezone_name": a.timezone_name,
            },
            default="id",
        )
        for a in page
    ]
    body: dict[str, Any] = {"data": data}
    if page:
        cursor = lambda i: base64.urlsafe_b64encode(str(i).encode()).decode()  # noqa: E731
        body["paging"] = {"cursors": {"before": cursor(start), "after": cursor(start + len(page))}}
        if start + len(page) < len(rows):
            query = request.GET.copy()
            query["after"] = body["paging"]["cursors"]["after"]
            body["paging"]["next"] = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    if request.GET.get("summary") == "true":
        body["summary"] = {"total_count": len(rows)}
    return JsonResponse(body)


def _fields(request: HttpRequest, values: dict[str, Any], *, default: str) -> dict[str, Any]:
    """Graph returns only the ``fields`` asked for (and always ``id``)."""
    wanted = {f.strip() for f in (request.GET.get("fields") or default).split(",") if f.strip()} | {"id"}
    return {k: v for k, v in values.items() if k in wanted}


# -- account reads ---------------------------------------------------------------------------------------------------


@api_endpoint(TIKTOK, scope="user.info.basic")
@require_http_methods(["GET"])
def tiktok_user_info(request: HttpRequest) -> HttpResponse:
    account = request.sandbox_token.account
    user = {
        "open_id": account.external_id,
        "union_id": f"union-{account.external_id}",
        "display_name": account.name,
        "avatar_url": "",
    }
    fields = [f for f in request.GET.get("fields", "open_id").split(",") if f]
    data = {"user": {k: v for k, v in user.items() if k in fields}}
    return JsonResponse({"data": data, "error": {"code": "ok", "message": "", "log_id": log_id()}})


@api_endpoint(INSTAGRAM, scope="instagram_business_basic")
@require_http_methods(["GET"])
def instagram_me(request: HttpRequest, version: str = "") -> HttpResponse:
    account = request.sandbox_token.account
    values = {
        "id": account.external_id,
        "user_id": account.external_id,
        "username": account.username,
        "name": account.name,
        "account_type": "BUSINESS",
    }
    return JsonResponse(_fields(request, values, default="id"))


@api_endpoint(PINTEREST, scope="user_accounts:read")
@require_http_methods(["GET"])
def pinterest_user_account(request: HttpRequest) -> HttpResponse:
    account = request.sandbox_token.account
    return JsonResponse(
        {
            "account_type": "BUSINESS",
            "id": account.external_id,
            "username": account.username,
            "business_name": account.name,
            "profile_image": "",
            "website_url": "",
            "board_count": 0,
            "pin_count": 0,
            "follower_count": 0,
            "following_count": 0,
            "monthly_views": 0,
        }
    )


@api_endpoint(X, scope="users.read")
@require_http_methods(["GET"])
def x_users_me(request: HttpRequest) -> HttpResponse:
    account = request.sandbox_token.account
    return JsonResponse({"data": {"id": account.external_id, "name": account.name, "username": account.username}})


@api_endpoint(GOOGLE_ADS, scope="openid")
@require_http_methods(["GET"])
def google_userinfo(request: HttpRequest) -> HttpResponse:
    account = request.sandbox_token.account
    return JsonResponse(
        {"sub": account.external_id, "email": account.username, "email_verified": True, "name": account.name}
    )


@api_endpoint(GOOGLE_ADS, scope="https://www.googleapis.com/auth/adwords")
@require_http_methods(["GET"])
def google_list_accessible_customers(request: HttpRequest, version: str) -> HttpResponse:
    if not request.headers.get("developer-token"):
        raise SandboxError(
            Failure.VALIDATION, "developer-token parameter is missing.", code="DEVELOPER_TOKEN_PARAMETER_MISSING"
        )
    names = [f"customers/{a.external_id}" for a in grants.ad_accounts_for(request.sandbox_token)]
    return JsonResponse({"resourceNames": names})


@api_endpoint(TIKTOK_ADS)
@require_http_methods(["GET"])
def tiktok_ads_user_info(request: HttpRequest) -> HttpResponse:
    account = request.sandbox_token.account
    return tiktok_ads_ok(
        {
            "core_user_id": account.external_id,
            "display_name": account.name,
            "email": f"{account.username}@example.com",
            "avatar_url": "",
            "create_time": 1767225600,
        }
    )


@api_endpoint(TIKTOK_ADS)
@require_http_methods(["GET"])
def tiktok_ads_advertisers(request: HttpRequest) -> HttpResponse:
    token = request.sandbox_token
    if (
        str(request.GET.get("app_id", "")) != token.app.client_id
        or request.GET.get("secret") != token.app.client_secret
    ):
        return JsonResponse({"code": 40101, "message": "Invalid app_id or secret.", "request_id": log_id(), "data": {}})
    rows = [{"advertiser_id": a.external_id, "advertiser_name": a.name} for a in grants.ad_accounts_for(token)]
    return tiktok_ads_ok({"list": rows})


ADVERTISER_INFO_FIELDS = ("advertiser_id", "name", "currency", "timezone", "status")
ADVERTISER_INFO_MAX_IDS = 100


def _json_list(request: HttpRequest, name: str) -> list[str] | None:
    """A GET array parameter, JSON-encoded in the query string the way the Business API takes them."""
    raw = request.GET.get(name)
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise SandboxError(Failure.VALIDATION, f"{name}: invalid JSON.") from exc
    if not isinstance(value, list):
        raise SandboxError(Failure.VALIDATION, f"{name}: must be a JSON array.")
    return [str(v) for v in value]


@api_endpoint(TIKTOK_ADS)
@require_http_methods(["GET"])
def tiktok_ads_advertiser_info(request: HttpRequest) -> HttpResponse:
    """``advertiser/info``: name, currency and time zone of advertisers the token may manage, in the order asked."""
    ids = _json_list(request, "advertiser_ids")
    if not ids or len(ids) > ADVERTISER_INFO_MAX_IDS:
        raise SandboxError(Failure.VALIDATION, f"advertiser_ids: 1 to {ADVERTISER_INFO_MAX_IDS} ids are required.")
    fields = _json_list(request, "fields") or list(ADVERTISER_INFO_FIELDS)
    unknown = [f for f in fields if f not in ADVERTISER_INFO_FIELDS]
    if unknown:
        raise SandboxError(Failure.VALIDATION, f"fields: {unknown[0]} is not a valid field.")
    managed = {a.external_id: a for a in grants.ad_accounts_for(request.sandbox_token)}
    missing = [i for i in ids if i not in managed]
    if missing:
        raise SandboxError(Failure.SCOPE, f"No permission to operate advertiser {missing[0]}.")
    rows = []
    for advertiser_id in ids:
        account = managed[advertiser_id]
        values = {
            "advertiser_id": account.external_id,
            "name": account.name,
            "currency": account.currency,
            "timezone": account.timezone_name,
            "status": "STATUS_ENABLE",
        }
        rows.append({f: values[f] for f in fields})
    return tiktok_ads_ok({"list": rows})
