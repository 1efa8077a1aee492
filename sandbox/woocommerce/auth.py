"""REST API keys of the sandbox WooCommerce sites and the three ways a request presents one.

WooCommerce (``class-wc-rest-authentication.php``) accepts HTTP Basic ``ck:cs`` or the ``consumer_key`` /
``consumer_secret`` query parameters over HTTPS, and OAuth 1.0a one-legged signatures in the query over plain HTTP.
The sandbox is usually served over plain HTTP on a developer's machine, so it accepts all three on either scheme:
the official Python client signs OAuth 1.0a whenever its URL is ``http://`` and uses Basic auth on ``https://``.
"""

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from urllib.parse import quote, unquote

from django.core.cache import cache
from django.http import HttpRequest

from sandbox.models import WooApiKey, WooKeyPermission, WooSite
from sandbox.woocommerce.errors import WooError

# WooCommerce refuses an OAuth timestamp older than this (check_oauth_timestamp_and_nonce).
OAUTH_TIMESTAMP_WINDOW_SECONDS = 15 * 60
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def consumer_key_hash(consumer_key: str) -> str:
    """``wc_api_hash``: the HMAC-SHA256 of the consumer key under the fixed key "wc-api", as WooCommerce stores it."""
    return hmac.new(b"wc-api", consumer_key.encode(), hashlib.sha256).hexdigest()


def api_key_create(
    *, site: WooSite, description: str, permissions: str, user_id: int = 1
) -> tuple[WooApiKey, str, str]:
    """A new key of ``site``: returns the row and the consumer key and secret, which are shown only this once."""
    consumer_key = f"ck_{secrets.token_hex(20)}"
    consumer_secret = f"cs_{secrets.token_hex(20)}"
    key = WooApiKey.objects.create(
        site=site,
        user_id=user_id,
        description=description[:200],
        permissions=permissions,
        consumer_key_hash=consumer_key_hash(consumer_key),
        truncated_key=consumer_key[-7:],
        consumer_secret=consumer_secret,
    )
    return key, consumer_key, consumer_secret


def _cannot(method: str) -> WooError:
    """What WooCommerce answers a request with no credentials: the anonymous user may not do it."""
    if method in READ_METHODS:
        return WooError("woocommerce_rest_cannot_view", "Sorry, you cannot list resources.", 401)
    if method == "DELETE":
        return WooError("woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource.", 401)
    return WooError("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources.", 401)


def _auth_error(message: str) -> WooError:
    return WooError("woocommerce_rest_authentication_error", message, 401)


def _key_for(site: WooSite, consumer_key: str) -> WooApiKey:
    key = WooApiKey.objects.filter(site=site, consumer_key_hash=consumer_key_hash(consumer_key)).first()
    if key is None:
        raise _auth_error("Consumer key is invalid.")
    return key


def _basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except ValueError:
        return None
    username, separator, password = decoded.partition(":")
    return (username, password) if separator else None


def _client_normalised(text: str) -> str:
    """How the official Python client encodes a key or value for the base string (``quote`` keeps "/")."""
    return quote(unquote(text)).replace("%", "%25")


def _php_normalised(text: str) -> str:
    """How WooCommerce encodes it (PHP ``rawurlencode``, which encodes "/" too)."""
    return quote(unquote(text), safe="").replace("%", "%25")


def _signature(*, method: str, url: str, params: dict[str, str], secret: str, algorithm: str, encode: Callable) -> str:
    pairs = [f"{encode(key)}%3D{encode(params[key])}" for key in sorted(params)]
    string_to_sign = f"{method}&{quote(url, safe='')}&{'%26'.join(pairs)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), algorithm).digest()
    return base64.b64encode(digest).decode()


def _check_oauth(request: HttpRequest, key: WooApiKey) -> None:
    """Verify a one-legged OAuth 1.0a signature the way ``check_oauth_signature`` does.

    Parameters are the query's, each name once with its last value (the Python client appends its parameters a
    second time after the signed ones, and PHP's ``$_GET`` keeps the last). The base string is signed with the
    consumer secret and "&". Values containing "/" are accepted under either encoding: the Python client leaves
    "/" as is, WooCommerce's PHP encodes it.
    """
    params = {name: request.GET[name] for name in request.GET}
    signature_method = params.get("oauth_signature_method", "")
    if signature_method not in ("HMAC-SHA1", "HMAC-SHA256"):
        raise _auth_error("Invalid signature - signature method is invalid.")
    timestamp = params.get("oauth_timestamp", "")
    nonce = params.get("oauth_nonce", "")
    if not timestamp.isdigit() or int(timestamp) < time.time() - OAUTH_TIMESTAMP_WINDOW_SECONDS:
        raise _auth_error("Invalid timestamp.")
    provided = params.pop("oauth_signature", "").replace(" ", "+")
    algorithm = signature_method.removeprefix("HMAC-").lower()
    url = request.build_absolute_uri(request.path)
    expected = {
        _signature(
            method=request.method or "GET",
            url=url,
            params=params,
            secret=key.consumer_secret,
            algorithm=algorithm,
            encode=encode,
        )
        for encode in (_client_normalised, _php_normalised)
    }
    if not any(hmac.compare_digest(candidate, provided) for candidate in expected):
        raise _auth_error("Invalid signature - provided signature does not match.")
    if not nonce or not cache.add(f"sandbox-woo-nonce:{key.pk}:{nonce}", 1, timeout=OAUTH_TIMESTAMP_WINDOW_SECONDS * 2):
        raise _auth_error("Invalid nonce - nonce has already been used.")


def _check_permission(key: WooApiKey, method: str) -> None:
    if method in READ_METHODS:
        if key.permissions not in (WooKeyPermission.READ, WooKeyPermission.READ_WRITE):
            raise _auth_error("The API key provided does not have read permissions.")
    elif key.permissions not in (WooKeyPermission.WRITE, WooKeyPermission.READ_WRITE):
        raise _auth_error("The API key provided does not have write permissions.")


def request_key(request: HttpRequest, site: WooSite) -> WooApiKey:
    """The API key ``request`` authenticates with at ``site``, allowed to do what its method does.

    Raises WooError 401 in WooCommerce's words otherwise. Records the key's last access.
    """
    method = (request.method or "GET").upper()
    basic = _basic_credentials(request)
    if basic is not None:
        key = _key_for(site, basic[0])
        if not hmac.compare_digest(key.consumer_secret.encode(), basic[1].encode()):
            raise _auth_error("Consumer secret is invalid.")
    elif request.GET.get("consumer_key"):
        key = _key_for(site, request.GET["consumer_key"])
        if not hmac.compare_digest(key.consumer_secret.encode(), request.GET.get("consumer_secret", "").encode()):
            raise _auth_error("Consumer secret is invalid.")
    elif request.GET.get("oauth_consumer_key"):
        key = _key_for(site, request.GET["oauth_consumer_key"])
        _check_oauth(request, key)
    else:
        raise _cannot(method)
    _check_permission(key, method)
    WooApiKey.objects.filter(pk=key.pk).update(last_access=dt.datetime.now(dt.UTC))
    return key
