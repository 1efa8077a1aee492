"""A WooCommerce store's address, as a merchant types it, and the app key flow that hands Growth Hub its REST keys.

Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#rest-api-keys (the ``/wc-auth/v1/authorize``
endpoint: ``app_name``, ``scope``, ``user_id``, ``return_url``, ``callback_url``; the keys are POSTed as JSON to
``callback_url``, which must be https and answer exactly 200), ``class-wc-auth.php`` in woocommerce/woocommerce.

The site URL is user input: it is checked here (scheme, host, no credentials, query or fragment, bounded length) and
every request to it goes through the guarded session (``platforms.guarded``), which refuses private addresses.
"""

import ipaddress
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings

from platforms.base import sandbox_mode
from platforms.constants import WOOCOMMERCE
from platforms.errors import Rejected

SITE_URL_MAX = 200
APP_NAME = "Growth Hub"
# Read to sync, write to create (and delete) the hub's webhooks.
KEY_SCOPE = "read_write"
AUTHORIZE_PATH = "/wc-auth/v1/authorize"
CONSUMER_KEY_PREFIX = "ck_"
CONSUMER_SECRET_PREFIX = "cs_"
KEY_MAX = 100


def _refused(message: str) -> Rejected:
    return Rejected(message, platform=WOOCOMMERCE)


def _sandbox_site(url: str) -> bool:
    """Whether ``url`` is one of the sandbox's WooCommerce sites (served over plain HTTP on a developer's machine)."""
    base = f"{settings.SANDBOX_BASE_URL.rstrip('/')}/{WOOCOMMERCE}/"
    return sandbox_mode() and url.lower().startswith(base.lower())


def normalize_site_url(raw: str) -> str:
    """The store's home URL as Growth Hub keeps it: ``https://host[:port][/path]``, host lower-cased, no trailing
    slash ("shop.example.com/" becomes "https://shop.example.com").

    Raises Rejected for anything that is not a plain https address of a named host: another scheme, credentials, a
    query or fragment, an IP address or ``localhost``, more than SITE_URL_MAX characters. Plain http is accepted
    only for the sandbox's own sites in sandbox mode.
    """
    text = (raw or "").strip()
    if not text:
        raise _refused("Enter your store's address, e.g. https://shop.example.com.")
    if len(text) > SITE_URL_MAX:
        raise _refused(f"The store's address is longer than {SITE_URL_MAX} characters.")
    if "://" not in text:
        text = f"https://{text}"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise _refused("The store's address is not a valid URL.") from exc
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host or any(c.isspace() for c in text):
        raise _refused("The store's address is not a valid URL.")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise _refused("Enter only the store's address, without a login, query or #fragment.")
    bracketed = f"[{host}]" if ":" in host else host
    netloc = f"{bracketed}:{port}" if port else bracketed
    url = urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
    if _sandbox_site(url):
        return url
    if parts.scheme != "https":
        raise _refused("WooCommerce hands out API keys only over HTTPS: use the store's https:// address.")
    if host == "localhost" or host.endswith(".localhost") or "." not in host:
        raise _refused("Enter the store's public address.")
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return url
    raise _refused("Enter the store's public address by name, not an IP address.")


def api_base(site_url: str) -> str:
    """The REST API v3 root of the site (pretty permalinks, which WooCommerce's REST API needs)."""
    return f"{site_url.rstrip('/')}/wp-json/wc/v3"


def authorization_url(*, site_url: str, state: str, return_url: str, callback_url: str) -> str:
    """The store's key approval page: ``user_id`` carries the hub's one-time state, echoed back with the keys."""
    query = urlencode(
        {
            "app_name": APP_NAME,
            "scope": KEY_SCOPE,
            "user_id": state,
            "return_url": return_url,
            "callback_url": callback_url,
        }
    )
    return f"{site_url.rstrip('/')}{AUTHORIZE_PATH}?{query}"


def check_keys(*, consumer_key: str, consumer_secret: str) -> tuple[str, str]:
    """The key pair, stripped, or Rejected when it is not WooCommerce's ``ck_…`` / ``cs_…`` of a sane length."""
    key, secret = (consumer_key or "").strip(), (consumer_secret or "").strip()
    for value, prefix, name in ((key, CONSUMER_KEY_PREFIX, "consumer key"), (secret, CONSUMER_SECRET_PREFIX, "secret")):
        if not value.startswith(prefix) or not 8 <= len(value) <= KEY_MAX or not value.isascii():
            raise _refused(f"The {name} should start with {prefix} as WooCommerce shows it.")
        if any(not (c.isalnum() or c == "_") for c in value):
            raise _refused(f"The {name} holds characters WooCommerce never puts in one.")
    return key, secret


def access_token(*, consumer_key: str, consumer_secret: str) -> str:
    """How the connection keeps the pair (encrypted): ``"<consumer key>:<consumer secret>"``."""
    return f"{consumer_key}:{consumer_secret}"


def split_access_token(token: str) -> tuple[str, str]:
    key, separator, secret = (token or "").partition(":")
    if not separator or not key or not secret:
        raise Rejected("The WooCommerce keys of this connection are missing.", platform=WOOCOMMERCE)
    return key, secret


class WooCommerceKeyFlow:
    """The store platform's sign-in flow for the connection services: keys that never expire and that only the
    merchant can revoke (WooCommerce › Settings › Advanced › REST API; the REST API has no call for it)."""

    refreshable = False
    can_revoke = False
    scopes = (KEY_SCOPE,)

    def authorization_url(self, *, site_url: str, state: str, return_url: str, callback_url: str) -> str:
        return authorization_url(site_url=site_url, state=state, return_url=return_url, callback_url=callback_url)
