"""Shopify's app install for a non-embedded app: the authorization code grant with an expiring offline token.

Docs: https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant
(authorize, callback hmac, code exchange), https://shopify.dev/docs/apps/build/authentication-authorization/
access-tokens/offline-access-tokens and .../use-expiring-offline-access-tokens (``expiring=1``, refresh).

Shopify's endpoints live on the merchant's own shop host, so unlike ``platforms.oauth.OAuthPlatform`` every call
takes the shop; in sandbox mode the same paths are served under ``SANDBOX_BASE_URL/shopify/<shop>/`` (``shop_url``).
"""

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import urlencode

import requests
from django.conf import settings

from platforms.base import PlatformHttp, parse_retry_after, redact
from platforms.constants import PLATFORM_NAMES, SHOPIFY
from platforms.errors import AuthExpired, PlatformError, RateLimited, Rejected, Transient
from platforms.oauth import DEAD_GRANT_ERRORS, AccountInfo, TokenSet
from platforms.shopify import queries
from platforms.shopify.graphql import ShopifyGraphQL
from platforms.shopify.urls import shop_url

# A shop is stored and accepted only as <handle>.myshopify.com (ShopifyAPI's sanitize_shop_domain rule); a handle
# is one DNS label, so at most 63 characters.
SHOP_DOMAIN_SUFFIX = ".myshopify.com"
SHOP_DOMAIN_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.myshopify\.com")
ADMIN_STORE_PREFIX = "admin.shopify.com/store/"
MAX_SHOP_INPUT_LENGTH = 255
SHOP_DOMAIN_MESSAGE = "Enter your Shopify store's address, like your-store.myshopify.com."

# Refusals of the token endpoint that mean the grant (code or refresh token) is dead: install the app again.
SHOPIFY_DEAD_GRANT_ERRORS = DEAD_GRANT_ERRORS | {"invalid_refresh_token", "invalid_subject_token"}
# Callback parameters that are not part of the signed message.
UNSIGNED_CALLBACK_PARAMS = frozenset({"hmac", "signature"})


def normalize_shop_domain(text: str) -> str:
    """``<handle>.myshopify.com`` for what a merchant typed: a handle, the shop domain, its URL, or the admin URL
    ``admin.shopify.com/store/<handle>``. Raises ``Rejected`` (a merchant-facing message) for anything else."""
    candidate = (text or "").strip().lower()
    if not candidate or len(candidate) > MAX_SHOP_INPUT_LENGTH:
        raise Rejected(SHOP_DOMAIN_MESSAGE, platform=SHOPIFY)
    for scheme in ("https://", "http://"):
        if candidate.startswith(scheme):
            candidate = candidate[len(scheme) :]
            break
    if candidate.startswith(ADMIN_STORE_PREFIX):
        domain = candidate[len(ADMIN_STORE_PREFIX) :].split("/", 1)[0] + SHOP_DOMAIN_SUFFIX
    else:
        host, _, path = candidate.partition("/")
        if path.strip("/") and not host.endswith(SHOP_DOMAIN_SUFFIX):
            raise Rejected(SHOP_DOMAIN_MESSAGE, platform=SHOPIFY)
        domain = host if "." in host else host + SHOP_DOMAIN_SUFFIX
    if not SHOP_DOMAIN_PATTERN.fullmatch(domain):
        raise Rejected(SHOP_DOMAIN_MESSAGE, platform=SHOPIFY)
    return domain


def _escape(text: str, *, key: bool) -> str:
    escaped = text.replace("%", "%25").replace("&", "%26")
    return escaped.replace("=", "%3D") if key else escaped


def _param_values(params: Mapping[str, Any], key: str) -> list[str]:
    """Every value of ``key``: a Django QueryDict keeps repeated keys (``ids[]=1&ids[]=2``) behind ``getlist``."""
    getlist = getattr(params, "getlist", None)
    if callable(getlist):
        return [str(value) for value in getlist(key)]
    value = params[key]
    return [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)]


def callback_signature(params: Mapping[str, Any], secret: str) -> str:
    """The hex HMAC-SHA256 Shopify puts in ``hmac``: over every parameter but ``hmac`` and ``signature``, sorted by
    key, joined ``k=v`` with ``&``, ``%`` and ``&`` escaped (and ``=`` in keys); an array key ``ids[]`` signs as
    ``ids=["1", "2"]``."""
    pairs = []
    for key in params:
        if key in UNSIGNED_CALLBACK_PARAMS:
            continue
        values = _param_values(params, key)
        if key.endswith("[]"):
            name, value = key[:-2], "[" + ", ".join(f'"{item}"' for item in values) + "]"
        else:
            name, value = key, values[-1] if values else ""
        pairs.append((_escape(name, key=True), _escape(value, key=False)))
    message = "&".join(f"{name}={value}" for name, value in sorted(pairs))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


class ShopifyOAuthHttp(PlatformHttp):
    """The token endpoint: ``{"error", "error_description"}`` refusals read through the HTTP status."""

    slug = SHOPIFY

    def error_from_body(self, response: requests.Response, body: Any) -> PlatformError | None:
        status = response.status_code
        if status < 400:
            return None
        body = body if isinstance(body, dict) else {}
        error = str(body.get("error") or "")
        description = body.get("error_description") or body.get("errors") or ""
        message = redact(str(description or error or response.reason or "Shopify refused the request."))[:300]
        where: dict[str, Any] = {"platform": SHOPIFY, "status": status, "code": error or None}
        if status == 429:
            return RateLimited(message, retry_after=parse_retry_after(response.headers.get("Retry-After")), **where)
        if status >= 500:
            return Transient(message, **where)
        if status in (401, 403) or error in SHOPIFY_DEAD_GRANT_ERRORS:
            return AuthExpired(message, **where)
        return Rejected(message, **where)


class ShopifyOAuth:
    """The install of the Growth Hub app on one shop, and the renewal of its expiring offline token."""

    slug: ClassVar[str] = SHOPIFY
    kind: ClassVar[str] = "store"
    docs: ClassVar[str] = (
        "https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant"
    )
    authorize_path: ClassVar[str] = "admin/oauth/authorize"
    token_path: ClassVar[str] = "admin/oauth/access_token"
    scopes: ClassVar[tuple[str, ...]] = (
        "read_products",
        "read_orders",
        "read_all_orders",  # orders older than 60 days: the history backfill
        "read_customers",
        "read_inventory",
        "read_discounts",
    )
    scope_separator: ClassVar[str] = ","
    refreshable: ClassVar[bool] = True
    # The grant ends when the merchant uninstalls the app in their Shopify admin (app/uninstalled tells the hub).
    can_revoke: ClassVar[bool] = False

    def __init__(self, *, session: requests.Session | None = None) -> None:
        self.http = ShopifyOAuthHttp(session=session)

    @property
    def name(self) -> str:
        return PLATFORM_NAMES[SHOPIFY]

    @property
    def client_id(self) -> str:
        return settings.PLATFORM_CREDENTIALS[SHOPIFY]["client_id"]

    @property
    def client_secret(self) -> str:
        return settings.PLATFORM_CREDENTIALS[SHOPIFY]["client_secret"]

    def scope_string(self) -> str:
        return self.scope_separator.join(self.scopes)

    def authorization_url(self, *, shop: str, redirect_uri: str, state: str) -> str:
        """The consent page on ``shop``. No ``grant_options[]``: the token is an offline (shop-wide) one."""
        query = urlencode(
            {"client_id": self.client_id, "scope": self.scope_string(), "redirect_uri": redirect_uri, "state": state}
        )
        return f"{shop_url(normalize_shop_domain(shop), self.authorize_path)}?{query}"

    def callback_valid(self, params: Mapping[str, Any], *, now: dt.datetime | None = None) -> bool:
        """Whether a callback (or install request) query really comes from Shopify: its ``hmac`` matches every other
        parameter under the app's secret, its ``timestamp`` is within ``SHOPIFY_CALLBACK_MAX_AGE`` seconds of
        ``now`` and its ``shop`` is a well-formed shop domain. ``state`` is the caller's to check."""
        try:
            given = str(params["hmac"]).strip().lower()
            timestamp = int(str(params["timestamp"]))
            shop = str(params["shop"])
        except (KeyError, ValueError):
            return False
        try:
            if normalize_shop_domain(shop) != shop:
                return False
        except Rejected:
            return False
        moment = (now or dt.datetime.now(dt.UTC)).timestamp()
        if abs(moment - timestamp) > settings.SHOPIFY_CALLBACK_MAX_AGE:
            return False
        expected = callback_signature(params, self.client_secret)
        return hmac.compare_digest(expected.encode(), given.encode())

    def exchange_code(self, *, shop: str, code: str) -> TokenSet:
        """Trade the callback's code for an expiring offline token (``expiring=1``): about an hour of access token,
        and a refresh token. Raises ``platforms.errors``; no token ever appears in a message."""
        body = self._token_request(
            shop,
            {"client_id": self.client_id, "client_secret": self.client_secret, "code": code, "expiring": "1"},
        )
        return self._token_set(body)

    def refresh(self, *, shop: str, refresh_token: str) -> TokenSet:
        """A new access token and a new refresh token (Shopify replaces the refresh token on every use; the old one
        stays valid until the new one is used, so a lost answer can be retried). Raises AuthExpired when the grant is
        dead."""
        if not refresh_token:
            raise AuthExpired("This Shopify connection cannot be renewed: install the app again.", platform=SHOPIFY)
        body = self._token_request(
            shop,
            {
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
            },
        )
        token = self._token_set(body)
        if not token.refresh_token:
            token = TokenSet(**{**token.__dict__, "refresh_token": refresh_token})
        return token

    def fetch_account(self, *, shop: str, access_token: str) -> AccountInfo:
        """The shop the token acts for: its ``<handle>.myshopify.com`` (the connection's account id) and name."""
        graphql = ShopifyGraphQL(shop=normalize_shop_domain(shop), access_token=access_token, session=self.http.session)
        node = graphql.execute(queries.SHOP_QUERY).get("shop")
        if not isinstance(node, dict) or not node.get("myshopifyDomain"):
            raise Rejected("Shopify did not describe the shop.", platform=SHOPIFY)
        return AccountInfo(id=str(node["myshopifyDomain"]), name=str(node.get("name") or node["myshopifyDomain"]))

    def _token_request(self, shop: str, payload: dict[str, str]) -> dict[str, Any]:
        url = shop_url(normalize_shop_domain(shop), self.token_path)
        body = self.http.request("POST", url, json=payload, headers={"Accept": "application/json"})
        if not isinstance(body, dict) or not body.get("access_token"):
            raise Rejected("Shopify answered the token request with something unreadable.", platform=SHOPIFY)
        return body

    def _token_set(self, body: dict[str, Any]) -> TokenSet:
        scope = body.get("scope") or ""
        scopes = tuple(s for s in str(scope).replace(",", " ").split() if s)
        return TokenSet(
            access_token=str(body["access_token"]),
            refresh_token=str(body.get("refresh_token") or ""),
            expires_in=_positive_int(body.get("expires_in")),
            refresh_expires_in=_positive_int(body.get("refresh_token_expires_in")),
            scopes=scopes or self.scopes,
            extra={"scope": str(scope)} if scope else {},
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.slug}>"


def _positive_int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None
