"""Connect a store to its WooCommerce site: the app key flow (``/wc-auth/v1/authorize``), or a key pair pasted.

The key flow has three legs. The merchant types the site's address and is sent to its approval page with a
one-time state as ``user_id``. On approval the *store's server* POSTs the new key pair, with that ``user_id``, to
the hub's key callback: no browser, no session, so the state alone says which consent it answers (single use,
unexpired, for WooCommerce, its member still allowed to change connections). The keys are tried on the site before
anything is saved; the callback answers 200 only when they are (any other answer makes WooCommerce delete the key).
Then the merchant's browser returns to ``return_url`` with ``success`` and the same ``user_id``, and is told what
became of it.

Either way the connection is a ``PlatformConnection`` (the pair encrypted as its access token, a webhook secret of
its own) and the same start task as Shopify's runs once it is committed: webhooks, the first sync, the history.
"""

import datetime as dt
import json
import logging
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from platforms.base import sandbox_mode
from platforms.constants import WOOCOMMERCE
from platforms.errors import PlatformError, Rejected
from platforms.oauth import AccountInfo, TokenSet
from platforms.registry import store_platform
from platforms.woocommerce.site import KEY_SCOPE, access_token, check_keys, normalize_site_url
from stores.commerce.ingest import shop_apply
from stores.connections.services.common import OAUTH_CONNECTIONS
from stores.connections.services.consent import _connection_save, _state_consume
from stores.exceptions import ApplicationError
from stores.models import OAuthState, PlatformConnection, Store

logger = logging.getLogger(__name__)

KEYS_BODY_MAX = 16 * 1024
STATE_MAX = 64


def _failed(message: str, *, code: str) -> ApplicationError:
    OAUTH_CONNECTIONS.labels(platform=WOOCOMMERCE, status="denied" if code == "oauth_denied" else "failed").inc()
    return ApplicationError(message, code=code)


def _site(raw: str) -> str:
    try:
        return normalize_site_url(raw)
    except Rejected as exc:
        raise ApplicationError(exc.message, code="store_account_invalid") from exc


@transaction.atomic
def woocommerce_connection_begin(
    *, store: Store, user: AbstractBaseUser, site_url: str, return_url: str, callback_url: str
) -> str:
    """Start the key flow for the site the merchant typed; return its approval page's URL. Nothing is fetched
    here: the merchant's browser goes to the site. Raises ApplicationError for an address that is not acceptable,
    and in live mode for a ``callback_url`` that is not https (WooCommerce would refuse it)."""
    site = _site(site_url)
    if not sandbox_mode() and urlsplit(callback_url).scheme != "https":
        raise ApplicationError(
            "WooCommerce sends keys only to an https address, and this Growth Hub is not served over HTTPS "
            "(SITE_URL). Paste a key pair instead.",
            code="store_callback_insecure",
        )
    state = OAuthState.objects.create(
        state=secrets.token_urlsafe(32),
        user=user,
        store=store,
        platform=WOOCOMMERCE,
        account_hint=site,
        expires_at=timezone.now() + dt.timedelta(seconds=settings.OAUTH_STATE_LIFETIME),
    )
    return str(
        store_platform(WOOCOMMERCE)
        .oauth()
        .authorization_url(site_url=site, state=state.state, return_url=return_url, callback_url=callback_url)
    )


def _keys_payload(body: bytes) -> dict[str, str]:
    if len(body) > KEYS_BODY_MAX:
        raise _failed("The key delivery is too large.", code="oauth_keys_invalid")
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _failed("The key delivery is not JSON.", code="oauth_keys_invalid") from exc
    if not isinstance(payload, dict):
        raise _failed("The key delivery is not a JSON object.", code="oauth_keys_invalid")
    return {
        name: str(payload.get(name) or "") for name in ("user_id", "consumer_key", "consumer_secret", "key_permissions")
    }


def woocommerce_keys_receive(*, body: bytes) -> PlatformConnection:
    """Take the key pair a WooCommerce site POSTed for a consent (JSON ``{key_id, user_id, consumer_key,
    consumer_secret, key_permissions}``). The state (``user_id``) is spent first, so a delivery can never be
    replayed; the keys must be read_write and must work on the consent's site. Raises ApplicationError with nothing
    saved when any of that fails."""
    payload = _keys_payload(body)
    token = payload["user_id"][:STATE_MAX]
    row = OAuthState.objects.select_related("user").filter(state=token, platform=WOOCOMMERCE).first() if token else None
    if row is None:
        raise _failed("This key delivery answers no connection begun here.", code="oauth_state_invalid")
    try:
        state = _state_consume(user=row.user, platform=WOOCOMMERCE, state=token)
    except ApplicationError as exc:
        raise _failed(exc.message, code=exc.code) from exc
    if payload["key_permissions"] != KEY_SCOPE:
        raise _failed(
            "WooCommerce granted a key that cannot create webhooks (it must be Read/Write); nothing was connected.",
            code="oauth_scope_missing",
        )
    return _connect(
        store=state.store,
        user=row.user,
        site=state.account_hint,
        key=payload["consumer_key"],
        secret=payload["consumer_secret"],
        state=state,
    )


def woocommerce_connection_paste(
    *, store: Store, user: AbstractBaseUser, site_url: str, consumer_key: str, consumer_secret: str
) -> PlatformConnection:
    """Connect with a key pair the merchant made in WooCommerce › Settings › Advanced › REST API (Read/Write) and
    pasted. The keys are tried on the site first; nothing is saved when the address or the keys are refused."""
    return _connect(store=store, user=user, site=_site(site_url), key=consumer_key, secret=consumer_secret, state=None)


def _connect(
    *, store: Store, user: AbstractBaseUser, site: str, key: str, secret: str, state: OAuthState | None
) -> PlatformConnection:
    try:
        key, secret = check_keys(consumer_key=key, consumer_secret=secret)
    except Rejected as exc:
        raise _failed(exc.message, code="oauth_keys_invalid") from exc
    pair = access_token(consumer_key=key, consumer_secret=secret)
    try:
        shop = store_platform(WOOCOMMERCE).client(access_token=pair, account_id=site).shop()
    except PlatformError as exc:
        logger.warning("woocommerce connection failed", extra={"platform": WOOCOMMERCE, "error": type(exc).__name__})
        raise _failed(f"WooCommerce refused the keys: {exc.message}", code="oauth_platform_error") from exc
    account = _account(site=site, home=shop.domain)
    with transaction.atomic():
        connection = _connection_save(
            store=store,
            user=user,
            platform=WOOCOMMERCE,
            account=AccountInfo(id=account, name=shop.name or account),
            ad_account=None,
            tokens=TokenSet(access_token=pair, scopes=(KEY_SCOPE,)),
            state=state,
        )
        if state is not None:
            # The consent now names the account it connected (the site's home, which may differ from the address
            # typed), for the merchant's return to find it.
            OAuthState.objects.filter(pk=state.pk).update(account_hint=account)
        if not connection.webhook_secret_encrypted:
            connection.webhook_secret = secrets.token_urlsafe(32)
            connection.save(update_fields=["webhook_secret_encrypted"])
        shop_apply(connection=connection, shop=shop)
        # stores.tasks imports these services, so the task is looked up when it is needed. robust: a broker that
        # refuses the message is logged; the reconciliation sweep syncs the connection anyway.
        from stores.tasks import store_connection_start_task

        connection_id = connection.pk
        transaction.on_commit(lambda: store_connection_start_task.delay(connection_id), robust=True)
    return connection


def _account(*, site: str, home: str) -> str:
    """The site's home URL as WooCommerce reports it (its webhooks name the site so) when it is the same site as
    the address given (the same host, or that host with or without "www."); else the address given, on which the
    keys were tried."""
    try:
        reported = normalize_site_url(home)
    except Rejected:
        return site
    if _bare_host(reported) == _bare_host(site):
        return reported
    logger.warning("woocommerce home differs from the address given", extra={"platform": WOOCOMMERCE})
    return site


def _bare_host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


@dataclass(frozen=True)
class KeyFlowReturn:
    """What the merchant's return from the approval page found: the connection made, or why there is none."""

    connection: PlatformConnection | None
    message: str


def woocommerce_connection_returned(*, user: AbstractBaseUser, params: dict[str, str]) -> KeyFlowReturn:
    """The browser's return (``success``, ``user_id``): the connection the keys made, or the reason there is none.
    A consent that got no keys is spent here, so keys arriving later are refused."""
    token = str(params.get("user_id") or "")[:STATE_MAX]
    state = OAuthState.objects.filter(state=token, platform=WOOCOMMERCE, user=user).first() if token else None
    if state is None:
        return KeyFlowReturn(None, "This connection link is not valid for you. Start again from Connections.")
    if state.completed_at is not None:
        connection = PlatformConnection.objects.filter(
            store=state.store, platform=WOOCOMMERCE, external_account_id=state.account_hint
        ).first()
        if connection is not None:
            return KeyFlowReturn(connection, "")
    if state.used_at is None:
        OAuthState.objects.filter(pk=state.pk, used_at__isnull=True).update(used_at=timezone.now())
    if params.get("success") == "0":
        OAUTH_CONNECTIONS.labels(platform=WOOCOMMERCE, status="denied").inc()
        return KeyFlowReturn(None, "You declined the connection to WooCommerce; nothing was connected.")
    return KeyFlowReturn(None, "WooCommerce did not hand over working keys; nothing was connected.")
