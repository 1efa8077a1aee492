"""WooCommerce's app key flow (``class-wc-auth.php``) at ``/sandbox/woocommerce/<handle>/wc-auth/v1/authorize``.

An app sends the merchant here with ``app_name``, ``scope`` (read, write, read_write), ``user_id`` (the app's own
id, echoed back), ``return_url`` and ``callback_url``. The merchant approves or denies; on approval a key is created
and POSTed as JSON to ``callback_url``, which must answer exactly 200 or the key is deleted and the merchant sees
an error page; then the browser goes back to ``return_url`` with ``success=1&user_id=...`` (``success=0`` on
denial). Real WooCommerce requires an https ``callback_url``; the sandbox also accepts http for loopback hosts
(127.0.0.1, ::1, localhost), where a developer's hub runs without TLS, and refuses any other http host.
"""

import ipaddress
import json
import logging
from urllib.parse import urlencode, urlsplit

import requests
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from sandbox.models import WooApiKey, WooKeyPermission, WooSite
from sandbox.woocommerce.auth import api_key_create

logger = logging.getLogger(__name__)

AUTH_FIELDS = ("app_name", "scope", "user_id", "return_url", "callback_url")
SCOPE_WORDS = {
    WooKeyPermission.READ: "View coupons, customers, orders, products and reports",
    WooKeyPermission.WRITE: "Create webhooks, coupons, customers, orders and products",
    WooKeyPermission.READ_WRITE: "View and manage coupons, customers, orders, products, reports and webhooks",
}
CALLBACK_TIMEOUT_SECONDS = 60
# The WordPress user who approves in the sandbox: the site's administrator.
APPROVING_USER_ID = 1


class KeyRequestRefused(Exception):
    """The request cannot be shown or carried out; the message is what WooCommerce's error page says."""


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _acceptable_url(url: str, name: str, *, secure_only: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise KeyRequestRefused(f"The {name} is not a valid URL.")
    if secure_only and parts.scheme != "https" and not _is_loopback(parts.hostname):
        raise KeyRequestRefused(f"The {name} needs to be over SSL")


def _key_request(data: dict[str, str]) -> dict[str, str]:
    for name in AUTH_FIELDS:
        if not data.get(name):
            raise KeyRequestRefused(f"Missing parameter {name}")
    if data["scope"] not in WooKeyPermission.values:
        raise KeyRequestRefused(f"Invalid scope {data['scope']}")
    if len(data["app_name"]) > 150 or len(data["user_id"]) > 200:
        raise KeyRequestRefused("The app_name or user_id is too long.")
    _acceptable_url(data["return_url"], "return_url", secure_only=False)
    _acceptable_url(data["callback_url"], "callback_url", secure_only=True)
    return {name: data[name] for name in AUTH_FIELDS}


def _back(return_url: str, *, success: bool, user_id: str) -> HttpResponseRedirect:
    separator = "&" if urlsplit(return_url).query else "?"
    return HttpResponseRedirect(f"{return_url}{separator}{urlencode({'success': int(success), 'user_id': user_id})}")


def _error_page(request: HttpRequest, site: WooSite | None, message: str, status: int) -> HttpResponse:
    return render(
        request,
        "sandbox/woocommerce/authorize_error.html",
        {"site_name": site.name if site else "WooCommerce", "message": message},
        status=status,
    )


def _post_keys(callback_url: str, payload: dict[str, object]) -> bool:
    """POST the new key to the app; True only when it answered exactly 200."""
    try:
        response = requests.post(
            callback_url,
            data=json.dumps(payload),
            headers={"Content-Type": "application/json;charset=UTF-8"},
            timeout=CALLBACK_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        logger.info("sandbox woocommerce key callback failed: %s", type(exc).__name__)
        return False
    return response.status_code == 200


def key_grant(*, site: WooSite, request_data: dict[str, str]) -> WooApiKey | None:
    """Create the key the app asked for and hand it to its callback; the key is deleted again (None returned)
    when the callback does not answer exactly 200."""
    with transaction.atomic():
        key, consumer_key, consumer_secret = api_key_create(
            site=site,
            description=f"{request_data['app_name']} - API ({request_data['scope']})",
            permissions=request_data["scope"],
            user_id=APPROVING_USER_ID,
        )
    payload: dict[str, object] = {
        "key_id": key.pk,
        "user_id": request_data["user_id"],
        "consumer_key": consumer_key,
        "consumer_secret": consumer_secret,
        "key_permissions": key.permissions,
    }
    if _post_keys(request_data["callback_url"], payload):
        return key
    key.delete()
    return None


@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest, handle: str) -> HttpResponse:
    """The approval page (GET), and the merchant's answer (POST ``decision`` approve or deny)."""
    site = WooSite.objects.filter(handle=handle).first()
    if site is None:
        return _error_page(request, None, "This site does not exist.", 404)
    data = request.GET if request.method == "GET" else request.POST
    try:
        key_request = _key_request({name: data.get(name, "") for name in AUTH_FIELDS})
    except KeyRequestRefused as exc:
        return _error_page(request, site, str(exc), 400)
    if request.method == "GET":
        return render(
            request,
            "sandbox/woocommerce/authorize.html",
            {
                "site": site,
                "app_name": key_request["app_name"],
                "scope": key_request["scope"],
                "scope_words": SCOPE_WORDS[WooKeyPermission(key_request["scope"])],
                "hidden": list(key_request.items()),
            },
        )
    if request.POST.get("decision") != "approve":
        return _back(key_request["return_url"], success=False, user_id=key_request["user_id"])
    if key_grant(site=site, request_data=key_request) is None:
        return _error_page(
            request,
            site,
            "An error occurred in the request and at the time were unable to send the consumer data",
            401,
        )
    return _back(key_request["return_url"], success=True, user_id=key_request["user_id"])
