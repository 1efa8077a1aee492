"""Connect a store to its Shopify shop: the app install (authorization code with an hmac-verified callback and an
expiring offline token). The saved connection is a ``PlatformConnection`` like the seven platforms' (same health,
renewal, events and disconnect); what it starts (webhooks, history backfill, the first sync) is queued once the
connection is committed.

The shop a consent is for is kept on the ``OAuthState`` as its ``account_hint``: the callback must name the same
shop, so a consent begun for one shop cannot be completed for another.
"""

import datetime as dt
import logging
import secrets
from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from platforms.constants import SHOPIFY
from platforms.errors import PlatformError, Rejected
from platforms.oauth import AccountInfo
from platforms.registry import store_platform
from platforms.shopify.oauth import normalize_shop_domain
from stores.commerce.ingest import shop_apply
from stores.connections.services.common import OAUTH_CONNECTIONS
from stores.connections.services.consent import _connection_save, _state_consume
from stores.exceptions import ApplicationError
from stores.models import OAuthState, PlatformConnection, Store

logger = logging.getLogger(__name__)


def _failed(message: str, *, code: str) -> ApplicationError:
    OAUTH_CONNECTIONS.labels(platform=SHOPIFY, status="failed").inc()
    return ApplicationError(message, code=code)


@transaction.atomic
def shopify_connection_begin(
    *, store: Store, user: AbstractBaseUser, shop: str, redirect_uri: str, redirect_target: str = ""
) -> str:
    """Start installing Growth Hub on the shop the merchant typed; return Shopify's install page URL."""
    try:
        domain = normalize_shop_domain(shop)
    except Rejected as exc:
        raise ApplicationError(exc.message, code="store_account_invalid") from exc
    state = OAuthState.objects.create(
        state=secrets.token_urlsafe(32),
        user=user,
        store=store,
        platform=SHOPIFY,
        account_hint=domain,
        redirect_target=redirect_target[:200],
        expires_at=timezone.now() + dt.timedelta(seconds=settings.OAUTH_STATE_LIFETIME),
    )
    return str(
        store_platform(SHOPIFY).oauth().authorization_url(shop=domain, redirect_uri=redirect_uri, state=state.state)
    )


def shopify_connection_complete(*, user: AbstractBaseUser, params: Mapping[str, str]) -> PlatformConnection:
    """Finish a Shopify install from the callback's query: the hmac first, then the single-use state, the shop the
    consent was for, the code exchanged for an expiring offline token, the shop read. Nothing is saved when any
    step fails (the state is spent either way, so the link cannot be replayed)."""
    descriptor = store_platform(SHOPIFY)
    oauth = descriptor.oauth()
    if not oauth.callback_valid(params):
        raise _failed("Shopify's answer could not be verified; nothing was connected.", code="oauth_signature_invalid")
    try:
        state = _state_consume(user=user, platform=SHOPIFY, state=params.get("state", ""))
    except ApplicationError as exc:
        raise _failed(exc.message, code=exc.code) from exc
    shop = params.get("shop", "")
    if shop != state.account_hint:
        raise _failed(
            "Shopify answered for another shop than the one you entered; nothing was connected.",
            code="oauth_shop_mismatch",
        )
    code = params.get("code", "")
    if not code:
        raise _failed("Shopify sent no authorization code; nothing was connected.", code="oauth_no_code")
    try:
        tokens = oauth.exchange_code(shop=shop, code=code)
        shop_record = descriptor.client(access_token=tokens.access_token, account_id=shop).shop()
    except PlatformError as exc:
        logger.warning("shopify install failed", extra={"platform": SHOPIFY, "error": type(exc).__name__})
        raise _failed(f"Shopify could not complete the connection: {exc.message}", code="oauth_platform_error") from exc
    with transaction.atomic():
        connection = _connection_save(
            store=state.store,
            user=user,
            platform=SHOPIFY,
            account=AccountInfo(id=shop, name=shop_record.name or shop),
            ad_account=None,
            tokens=tokens,
            state=state,
        )
        shop_apply(connection=connection, shop=shop_record)
        # stores.tasks imports these services, so the task is looked up when it is needed. robust: a broker that
        # refuses the message is logged; the reconciliation sweep starts what this connection still lacks.
        from stores.tasks import store_connection_start_task

        connection_id = connection.pk
        transaction.on_commit(lambda: store_connection_start_task.delay(connection_id), robust=True)
    return connection
