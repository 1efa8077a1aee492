"""The app install on a sandbox shop: the authorization code grant with an expiring offline token, as Shopify runs it.

Docs: https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant and
.../offline-access-tokens. The consent page (``/admin/oauth/authorize``) redirects back with ``code``, ``hmac``,
``host``, ``shop``, ``state`` and ``timestamp``, ``hmac`` being the hex HMAC-SHA256 of the other parameters under the
app's client secret. ``/admin/oauth/access_token`` trades the code (``expiring=1``: an access token of the app's
lifetime with a refresh token; otherwise one that never expires) or a refresh token. Shopify replaces the refresh
token on every use, and the previous one stays valid until its replacement is used. Every install is offline
(shop-wide): ``grant_options[]=per-user`` is accepted and given an offline token too.
"""

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from platforms.constants import PLATFORM_NAMES, SHOPIFY
from sandbox.endpoint import request_payload
from sandbox.errors import SandboxError
from sandbox.models import SandboxApp, SandboxAuthCode, SandboxToken, ShopifyShop
from sandbox.oauth.grants import CODE_LIFETIME, OAuthFailure, client_authenticate
from sandbox.services import sandbox_app_for_client

# The access scopes a sandbox app may ask for (Shopify's names; a write scope includes its read scope).
KNOWN_SCOPES = frozenset(
    f"{mode}_{resource}"
    for mode in ("read", "write")
    for resource in ("products", "orders", "customers", "inventory", "discounts", "fulfillments", "marketing_events")
) | {"read_all_orders"}
MAX_PARAM_LENGTH = 2000


def callback_hmac(params: Mapping[str, str], secret: str) -> str:
    """The hex HMAC-SHA256 of every parameter but ``hmac`` and ``signature``, sorted, joined ``k=v`` with ``&``
    (``%``, ``&`` escaped, and ``=`` in keys), as Shopify signs its redirects."""
    pairs = []
    for key, value in params.items():
        if key in ("hmac", "signature"):
            continue
        name = key.replace("%", "%25").replace("&", "%26").replace("=", "%3D")
        pairs.append((name, str(value).replace("%", "%25").replace("&", "%26")))
    message = "&".join(f"{name}={value}" for name, value in sorted(pairs))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def signed_callback_params(*, app: SandboxApp, shop: ShopifyShop, code: str, state: str) -> dict[str, str]:
    handle = shop.domain.split(".", 1)[0]
    params = {
        "code": code,
        "host": base64.b64encode(f"admin.shopify.com/store/{handle}".encode()).decode().rstrip("="),
        "shop": shop.domain,
        "state": state,
        "timestamp": str(int(time.time())),
    }
    return {**params, "hmac": callback_hmac(params, app.client_secret)}


def _page(request: HttpRequest, message: str, *, status: int = 400) -> HttpResponse:
    return render(
        request,
        "sandbox/oauth/consent_error.html",
        {"platform_name": PLATFORM_NAMES[SHOPIFY], "message": message},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest, shop: str) -> HttpResponse:
    """The install consent of the shop's staff: Install, or Cancel (which sends nothing back)."""
    data = request.GET if request.method == "GET" else request.POST
    shop_row = ShopifyShop.objects.filter(domain=shop).first()
    if shop_row is None:
        return _page(request, "There is no sandbox Shopify store at this address.", status=404)
    fields = {name: str(data.get(name, "")) for name in ("client_id", "scope", "redirect_uri", "state")}
    too_long = [name for name, value in fields.items() if len(value) > MAX_PARAM_LENGTH]
    if too_long:
        return _page(
            request, f"Oauth error invalid_request: {too_long[0]} is longer than {MAX_PARAM_LENGTH} characters."
        )
    app = sandbox_app_for_client(platform=SHOPIFY, client_id=fields["client_id"]) if fields["client_id"] else None
    if app is None:
        return _page(request, "Oauth error invalid_request: The client_id is not a known app.")
    if urlsplit(fields["redirect_uri"]).scheme not in ("http", "https"):
        return _page(request, "Oauth error invalid_request: The redirect_uri is missing or is not an http(s) URL.")
    scopes = [s.strip() for s in fields["scope"].split(",") if s.strip()]
    unknown = [s for s in scopes if s not in KNOWN_SCOPES]
    if unknown:
        return _page(request, f"Oauth error invalid_scope: The access scope is invalid: {', '.join(unknown)[:200]}")
    if request.method == "GET":
        hidden = [(name, value) for name, value in fields.items() if value]
        return render(
            request,
            "sandbox/shopify/install.html",
            {"shop": shop_row, "app": app, "scopes": scopes, "hidden": hidden},
        )
    if request.POST.get("decision") != "allow":
        return _page(request, f"The app {app.client_id} was not installed on {shop_row.name}.", status=200)
    auth_code = SandboxAuthCode.objects.create(
        platform=SHOPIFY,
        app=app,
        account=shop_row.account,
        code=secrets.token_hex(16),
        redirect_uri=fields["redirect_uri"],
        scopes=scopes,
        expires_at=dt.datetime.now(dt.UTC) + CODE_LIFETIME,
    )
    params = signed_callback_params(app=app, shop=shop_row, code=auth_code.code, state=fields["state"])
    separator = "&" if urlsplit(fields["redirect_uri"]).query else "?"
    return HttpResponseRedirect(f"{fields['redirect_uri']}{separator}{urlencode(params)}")


def _issue(*, app: SandboxApp, shop: ShopifyShop, scopes: list[str], expiring: bool) -> SandboxToken:
    now = dt.datetime.now(dt.UTC)
    lifetime = app.access_token_lifetime if expiring else 0
    refresh_lifetime = app.refresh_token_lifetime if expiring else 0
    return SandboxToken.objects.create(
        platform=SHOPIFY,
        app=app,
        account=shop.account,
        access_token=f"shpat_{secrets.token_hex(16)}",
        refresh_token=f"shprt_{secrets.token_hex(16)}" if expiring else None,
        scopes=scopes,
        expires_at=now + dt.timedelta(seconds=lifetime) if lifetime else None,
        refresh_expires_at=now + dt.timedelta(seconds=refresh_lifetime) if refresh_lifetime else None,
    )


@transaction.atomic
def shopify_code_redeem(*, app: SandboxApp, shop: ShopifyShop, code: str, expiring: bool) -> SandboxToken:
    """A consent code of this shop and app, once, for a token."""
    auth_code = SandboxAuthCode.objects.select_for_update().filter(app=app, code=code, account=shop.account).first()
    now = dt.datetime.now(dt.UTC)
    if auth_code is None or auth_code.used_at is not None or auth_code.expires_at <= now:
        raise OAuthFailure("invalid_request", "The authorization code was not found or was already used.")
    auth_code.used_at = now
    auth_code.save(update_fields=["used_at"])
    return _issue(app=app, shop=shop, scopes=list(auth_code.scopes), expiring=expiring)


@transaction.atomic
def shopify_token_refresh(*, app: SandboxApp, shop: ShopifyShop, refresh_token: str) -> SandboxToken:
    """A new access and refresh token. Using a refresh token retires the ones it replaced (until then the previous
    refresh token still works, so an answer lost on the way can be asked for again)."""
    token = (
        SandboxToken.objects.select_for_update()
        .filter(platform=SHOPIFY, app=app, account=shop.account, refresh_token=refresh_token)
        .first()
    )
    now = dt.datetime.now(dt.UTC)
    if (
        token is None
        or token.revoked_at is not None
        or (token.refresh_expires_at is not None and token.refresh_expires_at <= now)
    ):
        raise OAuthFailure("invalid_request", "The refresh token is invalid, expired or revoked.")
    SandboxToken.objects.filter(
        platform=SHOPIFY, app=app, account=shop.account, pk__lt=token.pk, refresh_token__isnull=False
    ).update(refresh_token=None)
    return _issue(app=app, shop=shop, scopes=list(token.scopes), expiring=True)


def _token_answer(token: SandboxToken) -> JsonResponse:
    body: dict[str, object] = {"access_token": token.access_token, "scope": ",".join(token.scopes)}
    if token.expires_at is not None:
        body["expires_in"] = int((token.expires_at - token.created_at).total_seconds())
    if token.refresh_token:
        body["refresh_token"] = token.refresh_token
        if token.refresh_expires_at is not None:
            body["refresh_token_expires_in"] = int((token.refresh_expires_at - token.created_at).total_seconds())
    return JsonResponse(body)


@csrf_exempt
@require_POST
def access_token(request: HttpRequest, shop: str) -> HttpResponse:
    """The token endpoint: JSON or form fields ``client_id``, ``client_secret`` and ``code`` (with ``expiring``), or
    ``grant_type=refresh_token`` with ``refresh_token``."""
    try:
        data = request_payload(request)
    except SandboxError as error:
        return JsonResponse({"error": "invalid_request", "error_description": error.message}, status=400)
    shop_row = ShopifyShop.objects.filter(domain=shop).first()
    if shop_row is None:
        return JsonResponse({"errors": "Not Found"}, status=404)
    text = {key: str(value or "") for key, value in data.items()}
    too_long = [key for key, value in text.items() if len(value) > MAX_PARAM_LENGTH]
    if too_long:
        description = f"{too_long[0][:40]} is longer than {MAX_PARAM_LENGTH} characters."
        return JsonResponse({"error": "invalid_request", "error_description": description}, status=400)
    try:
        app = client_authenticate(
            platform=SHOPIFY, client_id=text.get("client_id", ""), client_secret=text.get("client_secret", "")
        )
        if text.get("grant_type") == "refresh_token":
            if not text.get("refresh_token"):
                raise OAuthFailure("invalid_request", "Missing required parameter: refresh_token.")
            token = shopify_token_refresh(app=app, shop=shop_row, refresh_token=text["refresh_token"])
        elif text.get("grant_type") not in (None, "", "authorization_code"):
            raise OAuthFailure("unsupported_grant_type", "The grant type is not supported by the sandbox.")
        else:
            if not text.get("code"):
                raise OAuthFailure("invalid_request", "Missing required parameter: code.")
            expiring = text.get("expiring", "0").lower() in ("1", "true")
            token = shopify_code_redeem(app=app, shop=shop_row, code=text["code"], expiring=expiring)
    except OAuthFailure as failure:
        return JsonResponse({"error": failure.error, "error_description": failure.description}, status=failure.status)
    return _token_answer(token)
