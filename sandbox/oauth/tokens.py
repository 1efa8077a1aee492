"""The seven platforms' token and revocation endpoints, each with its client authentication and its error shape.
Paths under ``/sandbox/<slug>/`` (see ``sandbox.oauth.urls``).
"""

import base64
import binascii
import uuid
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_http_methods

from platforms.constants import GOOGLE_ADS, INSTAGRAM, META_ADS, PINTEREST, TIKTOK, TIKTOK_ADS, X
from sandbox.endpoint import api_endpoint, request_payload, token_from_request
from sandbox.models import SandboxApp, SandboxToken
from sandbox.oauth import grants
from sandbox.oauth.grants import PLATFORM_OAUTH, OAuthFailure


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
        return JsonResponse({"code": code, "message": failure.description, "request_id": log_id(), "data": {}})
    body = {"error": failure.error, "error_description": failure.description}
    if platform == TIKTOK:
        body["log_id"] = log_id()
    return JsonResponse(body, status=failure.status)


def log_id() -> str:
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
    body = {"error": {"message": failure.description, "type": "OAuthException", "code": code, "fbtrace_id": log_id()}}
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
    return tiktok_ads_ok({"access_token": token.access_token, "advertiser_ids": advertiser_ids, "scope": token.scopes})


def tiktok_ads_ok(data: dict[str, Any]) -> JsonResponse:
    return JsonResponse({"code": 0, "message": "OK", "request_id": log_id(), "data": data})


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
    return tiktok_ads_ok({})
