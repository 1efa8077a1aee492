"""The seven platforms' consent pages: pick the account to sign in as, then Allow or Deny; the redirect back carries
the authorization code (or the platform's error). Paths under ``/sandbox/<slug>/`` (see ``sandbox.oauth.urls``).
"""

from typing import Any
from urllib.parse import urlencode, urlsplit

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from platforms.constants import INSTAGRAM, PLATFORM_NAMES, TIKTOK_ADS
from sandbox.models import AccountKind, SandboxAccount
from sandbox.oauth import grants
from sandbox.oauth.grants import PLATFORM_OAUTH
from sandbox.services import sandbox_app_for_client

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
