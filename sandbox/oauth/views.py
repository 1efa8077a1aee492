"""The seven platforms' authorization servers: consent page, token, revoke, and the account reads a client makes
right after connecting. Paths mirror the real ones under ``/sandbox/<slug>/`` (see ``sandbox.oauth.urls``).
"""

import base64
import binascii
import json
import uuid
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from platforms.constants import GOOGLE_ADS, INSTAGRAM, META_ADS, PINTEREST, PLATFORM_NAMES, TIKTOK, TIKTOK_ADS, X
from sandbox.endpoint import api_endpoint, request_payload, token_from_request
from sandbox.errors import Failure, SandboxError
from sandbox.models import AccountKind, SandboxAccount, SandboxApp, SandboxToken
from sandbox.oauth import grants
from sandbox.oauth.grants import PLATFORM_OAUTH, OAuthFailure
from sandbox.services import sandbox_app_for_client

# -- consent -------------------------------------------------------------------------------------------------------

CONSENT_FIELDS = ("redirect_uri", "state", "scope", "code_challenge", "code_challenge_method", "response_type")


class ConsentRefused(Exception):
    """The request is too broken to send the user back (unknown app, bad redirect URI): show an error page."""


def _redirect_with(redirect_uri: str, params: dict[str, str], *, fragment: str = "") -> HttpResponseRedirect:
    separator = "&" if urlsplit(redirect_uri).query else "?"
    return HttpResponseRedirect(f"{redirect_uri}{separator}{urlencode(params)}{fragment}")


def _consent_request(platform: str, data: Any) -> dict[str, Any]:
    spec = PLATFORM_OAUTH[platform]
    client_id = data.get(spec.client_param, "")
    app = sandbox_app_for_client(platform=platform, client_id=client_id) if client_id else None
    if app is None:
        raise ConsentRefused(f"No {PLATFORM_NAMES[platform]} app is registered with that {spec.client_param}.")
    redirect_uri = data.get("redirect_uri", "")
    if urlsplit(redirect_uri).scheme not in ("http", "https"):
        raise ConsentRefused("The redirect_uri is missing or is not an http(s) URL.")
    params = {name: data.get(name, "") for name in CONSENT_FIELDS}
    return {"app": app, "client_id": client_id, "client_param": spec.client_param, **params}


def _consent_error(request: HttpRequest, platform: str, message: str) -> HttpResponse:
    return render(
        request,
        "sandbox/oauth/consent_error.html",
        {"platform_name": PLATFORM_NAMES[platform], "message": message},
        status=400,
    )


@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, platform: str, version: str = "") -> HttpResponse:
    """The platform's consent page: pick the account to sign in as, then Allow or Deny."""
    data = request.GET if request.method == "GET" else request.POST
    try:
        ctx = _consent_request(platform, data)
    except ConsentRefused as exc:
        return _consent_error(request, platform, str(exc))
    spec = PLATFORM_OAUTH[platform]
    redirect_uri, state = ctx["redirect_uri"], ctx["state"]
    back = {"state": state} if state else {}
    if platform != TIKTOK_ADS and ctx["response_type"] != "code":
        return _redirect_with(
            redirect_uri, {"error": "unsupported_response_type", "error_description": "Use response_type=code.", **back}
        )
    if spec.pkce_required and not ctx["code_challenge"]:
        return _redirect_with(
            redirect_uri,
            {"error": "invalid_request", "error_description": "Missing required parameter: code_challenge.", **back},
        )
    accounts = list(SandboxAccount.objects.filter(platform=platform, kind=AccountKind.USER).order_by("id"))
    if request.method == "GET":
        return render(
            request,
            "sandbox/oauth/consent.html",
            {
                **ctx,
                "platform": platform,
                "platform_name": PLATFORM_NAMES[platform],
                "scopes": grants.split_scopes(platform, ctx["scope"]),
                "accounts": accounts,
                "hidden": [(ctx["client_param"], ctx["client_id"])]
                + [(name, ctx[name]) for name in CONSENT_FIELDS if ctx[name]],
            },
        )
    if request.POST.get("decision") != "allow":
        return _redirect_with(
            redirect_uri, {"error": "access_denied", "error_description": "The user denied the request.", **back}
        )
    account = next((a for a in accounts if str(a.pk) == request.POST.get("account")), None)
    if account is None:
        return _consent_error(request, platform, "Choose the account to continue as.")
    auth_code = grants.auth_code_create(
        app=ctx["app"],
        account=account,
        redirect_uri=redirect_uri,
        scopes=grants.split_scopes(platform, ctx["scope"]),
        code_challenge=ctx["code_challenge"],
        code_challenge_method=ctx["code_challenge_method"],
    )
    # Instagram appends "#_" to the redirect; a browser keeps fragments to itself.
    fragment = "#_" if platform == INSTAGRAM else ""
    return _redirect_with(redirect_uri, {spec.code_param: auth_code.code, **back}, fragment=fragment)


# -- token endpoints -------------------------------------------------------------------------------------------------


def _oauth_error(platform: str, failure: OAuthFailure) -> JsonResponse:
    """The token endpoint's error in the platform's own shape."""
    if platform in (META_ADS,):
        code = 190 if failure.error in ("invalid_token",) else (101 if failure.error == "invalid_client" else 100)
        body: dict[str, Any] = {
            "error": {
                "message": failure.description,
                "type": "OAuthException",
                "code": code,
                "fbtrace_id": uuid.uuid4().hex[:11],
            }
        }
        if failure.error == "invalid_grant":
            body["error"]["error_subcode"] = 36009
        return JsonResponse(body, status=400)
    if platform == TIKTOK_ADS:
        code = 40101 if failure.error == "invalid_client" else (40105 if failure.error == "invalid_token" else 40110)
        return JsonResponse({"code": code, "message": failure.description, "request_id": _log_id(), "data": {}})
    body = {"error": failure.error, "error_description": failure.description}
    if platform == TIKTOK:
        body["log_id"] = _log_id()
    return JsonResponse(body, status=failure.status)


def _log_id() -> str:
    return uuid.uuid4().hex.upper()[:24]


def _basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip()).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


def _client(platform: str, request: HttpRequest, data: dict[str, Any]) -> SandboxApp:
    """Authenticate the client the way ``platform`` requires."""
    basic = _basic_credentials(request)
    if platform == TIKTOK:
        return grants.client_authenticate(
            platform=platform, client_id=data.get("client_key") or "", client_secret=data.get("client_secret") or ""
        )
    if platform == PINTEREST:
        if basic is None:
            raise OAuthFailure("invalid_client", "Client authentication must use HTTP Basic.", status=401)
        return grants.client_authenticate(platform=platform, client_id=basic[0], client_secret=basic[1])
    if platform == X:
        if basic is not None:
            return grants.client_authenticate(platform=platform, client_id=basic[0], client_secret=basic[1])
        # A public client (no secret) identifies itself with client_id and must use PKCE.
        return grants.client_authenticate(platform=platform, client_id=data.get("client_id") or "", client_secret=None)
    if basic is not None and platform == GOOGLE_ADS:
        return grants.client_authenticate(platform=platform, client_id=basic[0], client_secret=basic[1])
    return grants.client_authenticate(
        platform=platform, client_id=data.get("client_id") or "", client_secret=data.get("client_secret") or ""
    )


def _token_body(platform: str, token: SandboxToken) -> dict[str, Any]:
    expires_in = max(0, int((token.expires_at - token.created_at).total_seconds())) if token.expires_at else None
    separator = PLATFORM_OAUTH[platform].scope_separator
    body: dict[str, Any] = {"access_token": token.access_token, "token_type": "Bearer"}
    if expires_in is not None:
        body["expires_in"] = expires_in
    if token.refresh_token:
        body["refresh_token"] = token.refresh_token
        if token.refresh_expires_at:
            refresh_in = int((token.refresh_expires_at - token.created_at).total_seconds())
            body["refresh_token_expires_in" if platform == PINTEREST else "refresh_expires_in"] = refresh_in
    body["scope"] = separator.join(token.scopes)
    if platform == TIKTOK:
        body["open_id"] = token.account.external_id
    if platform == PINTEREST:
        body.update(token_type="bearer", response_type="authorization_code")
    return body


def _standard_grant(platform: str, app: SandboxApp, data: dict[str, Any]) -> SandboxToken:
    grant_type = data.get("grant_type") or ""
    if grant_type == "authorization_code":
        return grants.code_redeem(
            app=app,
            code=data.get("code") or "",
            redirect_uri=data.get("redirect_uri"),
            code_verifier=data.get("code_verifier") or "",
        )
    if grant_type == "refresh_token" and PLATFORM_OAUTH[platform].issues_refresh_token:
        return grants.token_refresh(app=app, refresh_token=data.get("refresh_token") or "")
    raise OAuthFailure("unsupported_grant_type", f"The grant_type {grant_type!r} is not supported.")


def token_view(platform: str):  # noqa: ANN201 - returns a view
    """POST form token endpoint (TikTok, Instagram, Pinterest, X, Google) with the platform's client auth."""

    @api_endpoint(platform, auth=False)
    @require_http_methods(["POST"])
    def view(request: HttpRequest) -> HttpResponse:
        data = request_payload(request)
        try:
            app = _client(platform, request, data)
            token = _standard_grant(platform, app, data)
        except OAuthFailure as failure:
            return _oauth_error(platform, failure)
        body = _token_body(platform, token)
        if platform == INSTAGRAM:
            # The code exchange answers the short-lived token with the user id and granted permissions.
            body = {
                "access_token": token.access_token,
                "user_id": token.account.external_id,
                "permissions": body["scope"],
            }
        if platform == GOOGLE_ADS and data.get("grant_type") == "refresh_token":
            body.pop("refresh_token", None)  # Google does not rotate refresh tokens
        return JsonResponse(body)

    view.__name__ = f"{platform}_token"
    return view


@api_endpoint(META_ADS, auth=False)
@require_http_methods(["GET", "POST"])
def meta_token(request: HttpRequest, version: str) -> HttpResponse:
    """GET /vNN.0/oauth/access_token: the code exchange, or ``grant_type=fb_exchange_token`` for a long-lived one."""
    data = request.GET.dict() | request.POST.dict()
    try:
        app = grants.client_authenticate(
            platform=META_ADS, client_id=data.get("client_id", ""), client_secret=data.get("client_secret", "")
        )
        if data.get("grant_type") == "fb_exchange_token":
            token = grants.token_exchange_long_lived(app=app, access_token=data.get("fb_exchange_token", ""))
        elif data.get("code"):
            token = grants.code_redeem(
                app=app,
                code=data["code"],
                redirect_uri=data.get("redirect_uri", ""),
                code_verifier=data.get("code_verifier", ""),
            )
        else:
            raise OAuthFailure("invalid_request", "Missing code or fb_exchange_token.")
    except OAuthFailure as failure:
        return _oauth_error(META_ADS, failure)
    body = {"access_token": token.access_token, "token_type": "bearer"}
    if token.expires_at:
        body["expires_in"] = int((token.expires_at - token.created_at).total_seconds())
    return JsonResponse(body)


def _instagram_error(failure: OAuthFailure) -> JsonResponse:
    code = 190 if failure.error == "invalid_token" else 100
    body = {"error": {"message": failure.description, "type": "OAuthException", "code": code, "fbtrace_id": _log_id()}}
    return JsonResponse(body, status=400)


@api_endpoint(INSTAGRAM, auth=False)
@require_http_methods(["GET"])
def instagram_long_lived(request: HttpRequest) -> HttpResponse:
    """GET graph.instagram.com/access_token?grant_type=ig_exchange_token&client_secret, the short-lived token as
    ``Authorization: Bearer`` or the ``access_token`` parameter (the Graph API takes either)."""
    raw = token_from_request(request, INSTAGRAM)
    token = SandboxToken.objects.filter(platform=INSTAGRAM, access_token=raw).first() if raw else None
    try:
        if request.GET.get("grant_type") != "ig_exchange_token":
            raise OAuthFailure("unsupported_grant_type", "grant_type must be ig_exchange_token.")
        if token is None:
            raise OAuthFailure("invalid_token", "Invalid OAuth access token.")
        grants.client_authenticate(
            platform=INSTAGRAM, client_id=token.app.client_id, client_secret=request.GET.get("client_secret", "")
        )
        long_lived = grants.token_exchange_long_lived(app=token.app, access_token=token.access_token)
    except OAuthFailure as failure:
        return _instagram_error(failure)
    return JsonResponse(_long_lived_body(long_lived))


def _long_lived_body(token: SandboxToken) -> dict[str, Any]:
    body: dict[str, Any] = {"access_token": token.access_token, "token_type": "bearer"}
    if token.expires_at:
        body["expires_in"] = int((token.expires_at - token.created_at).total_seconds())
    return body


@api_endpoint(INSTAGRAM, auth=False)
@require_http_methods(["GET"])
def instagram_refresh(request: HttpRequest) -> HttpResponse:
    """GET graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token, the long-lived token as
    ``Authorization: Bearer`` or the ``access_token`` parameter (the Graph API takes either)."""
    raw = token_from_request(request, INSTAGRAM)
    token = SandboxToken.objects.filter(platform=INSTAGRAM, access_token=raw).first() if raw else None
    try:
        if request.GET.get("grant_type") != "ig_refresh_token":
            raise OAuthFailure("unsupported_grant_type", "grant_type must be ig_refresh_token.")
        if token is None:
            raise OAuthFailure("invalid_token", "Invalid OAuth access token.")
        fresh = grants.token_refresh_long_lived(app=token.app, access_token=token.access_token)
    except OAuthFailure as failure:
        return _instagram_error(failure)
    return JsonResponse(_long_lived_body(fresh))


@api_endpoint(TIKTOK_ADS, auth=False)
@require_http_methods(["POST"])
def tiktok_ads_token(request: HttpRequest) -> HttpResponse:
    """POST /open_api/v1.3/oauth2/access_token/ JSON ``{app_id, secret, auth_code}``."""
    data = request_payload(request)
    try:
        app = grants.client_authenticate(
            platform=TIKTOK_ADS, client_id=str(data.get("app_id", "")), client_secret=str(data.get("secret", ""))
        )
        token = grants.code_redeem(app=app, code=str(data.get("auth_code", "")), redirect_uri=None, code_verifier="")
    except OAuthFailure as failure:
        return _oauth_error(TIKTOK_ADS, failure)
    advertiser_ids = [a.external_id for a in grants.ad_accounts_for(token)]
    return _tiktok_ads_ok({"access_token": token.access_token, "advertiser_ids": advertiser_ids, "scope": token.scopes})


def _tiktok_ads_ok(data: dict[str, Any]) -> JsonResponse:
    return JsonResponse({"code": 0, "message": "OK", "request_id": _log_id(), "data": data})


# -- revoke ----------------------------------------------------------------------------------------------------------


def revoke_view(platform: str):  # noqa: ANN201 - returns a view
    """RFC 7009 revocation (TikTok, Pinterest, X, Google) with the platform's client authentication."""

    @api_endpoint(platform, auth=False)
    @require_http_methods(["POST"])
    def view(request: HttpRequest) -> HttpResponse:
        data = request_payload(request) | request.GET.dict()
        try:
            if platform == GOOGLE_ADS:
                # Google identifies the app by the token itself.
                token = data.get("token") or ""
                row = (
                    SandboxToken.objects.filter(platform=platform)
                    .filter(Q(access_token=token) | Q(refresh_token=token))
                    .first()
                )
                if row is None:
                    raise OAuthFailure("invalid_token", "Token expired or revoked")
                app = row.app
            else:
                app = _client(platform, request, data)
        except OAuthFailure as failure:
            return _oauth_error(platform, failure)
        grants.token_revoke(app=app, token=data.get("token") or "")
        return JsonResponse({"revoked": True} if platform == X else {})

    view.__name__ = f"{platform}_revoke"
    return view


@api_endpoint(TIKTOK_ADS, auth=False)
@require_http_methods(["POST"])
def tiktok_ads_revoke(request: HttpRequest) -> HttpResponse:
    data = request_payload(request)
    try:
        app = grants.client_authenticate(
            platform=TIKTOK_ADS, client_id=str(data.get("app_id", "")), client_secret=str(data.get("secret", ""))
        )
    except OAuthFailure as failure:
        return _oauth_error(TIKTOK_ADS, failure)
    grants.token_revoke(app=app, token=str(data.get("access_token", "")))
    return _tiktok_ads_ok({})


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
    return JsonResponse({"data": data, "error": {"code": "ok", "message": "", "log_id": _log_id()}})


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
    return _tiktok_ads_ok(
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
        return JsonResponse(
            {"code": 40101, "message": "Invalid app_id or secret.", "request_id": _log_id(), "data": {}}
        )
    rows = [{"advertiser_id": a.external_id, "advertiser_name": a.name} for a in grants.ad_accounts_for(token)]
    return _tiktok_ads_ok({"list": rows})


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
    return _tiktok_ads_ok({"list": rows})
