"""Connect a store to a platform account: the consent (OAuth with PKCE), the callback, the ad account pick, and
the save that creates the connection or reconnects the one on record (a reconnect keeps its history and releases
what was held)."""

import datetime as dt
import json
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from platforms.errors import PlatformError
from platforms.oauth import AccountInfo, AdAccountInfo, OAuthPlatform, TokenSet
from stores.connections.services.common import (
    OAUTH_CONNECTIONS,
    apply_tokens,
    event_record,
    platform_spec,
    status_changed,
    user_actor,
)
from stores.exceptions import ApplicationError
from stores.models import (
    ConnectionEventKind,
    ConnectionStatus,
    Membership,
    OAuthState,
    PlatformConnection,
    Role,
    Store,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CallbackResult:
    """The outcome of a consent callback: a saved connection, or a consent waiting for an ad account pick."""

    connection: PlatformConnection | None
    pending: OAuthState | None
    redirect_target: str


@transaction.atomic
def connection_authorize_begin(
    *, store: Store, user: AbstractBaseUser, platform: str, redirect_uri: str, redirect_target: str = ""
) -> str:
    """Start a consent: store a single-use state and PKCE verifier server-side; return the platform's consent URL."""
    spec = platform_spec(platform)
    state = OAuthState(
        state=secrets.token_urlsafe(32),
        user=user,
        store=store,
        platform=platform,
        redirect_target=redirect_target[:200],
        expires_at=timezone.now() + dt.timedelta(seconds=settings.OAUTH_STATE_LIFETIME),
    )
    state.code_verifier = secrets.token_urlsafe(64)
    state.save()
    return spec.authorization_url(redirect_uri=redirect_uri, state=state.state, code_verifier=state.code_verifier)


@transaction.atomic
def _state_consume(*, user: AbstractBaseUser, platform: str, state: str) -> OAuthState:
    """Mark the state used (committed even when what follows fails, so it can never be replayed)."""
    row = OAuthState.objects.select_for_update().select_related("store").filter(state=state).first() if state else None
    if row is None or row.user_id != user.pk or row.platform != platform:
        raise ApplicationError(
            "This connection link is not valid for you. Start again from Connections.", code="oauth_state_invalid"
        )
    if row.used_at is not None:
        raise ApplicationError(
            "This connection link was already used. Start again from Connections.", code="oauth_state_replayed"
        )
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    if row.expires_at <= row.used_at:
        raise ApplicationError(
            "The connection took too long and expired. Start again from Connections.", code="oauth_state_expired"
        )
    if not Membership.objects.filter(user=user, store=row.store, role__in=[Role.OWNER, Role.ADMIN, Role.MARKETER]):
        raise ApplicationError("You can no longer change this store's connections.", code="forbidden")
    return row


def _failed(platform: str, message: str, *, code: str) -> ApplicationError:
    OAUTH_CONNECTIONS.labels(platform=platform, status="failed" if code != "oauth_denied" else "denied").inc()
    return ApplicationError(message, code=code)


def connection_authorize_complete(
    *, user: AbstractBaseUser, platform: str, params: dict[str, str], redirect_uri: str
) -> CallbackResult:
    """Finish a consent from the callback's query ``params``.

    Verifies the state (single use, this user, this platform, unexpired), exchanges the code, reads the account
    and, for ad platforms, the ad accounts. One ad account: saved at once; several: the consent waits (tokens
    encrypted on the state) for ``connection_pick_ad_account``. Raises ApplicationError with nothing saved when
    the state is forged, expired or replayed, consent was denied, or the platform fails.
    """
    spec = platform_spec(platform)
    try:
        state = _state_consume(user=user, platform=platform, state=params.get("state", ""))
    except ApplicationError as exc:
        raise _failed(platform, exc.message, code=exc.code) from exc
    if params.get("error"):
        reason = "You declined" if params["error"] == "access_denied" else f"{spec.name} refused"
        raise _failed(platform, f"{reason} the connection to {spec.name}; nothing was connected.", code="oauth_denied")
    code = params.get(spec.code_param, "")
    if not code:
        raise _failed(platform, f"{spec.name} sent no authorization code; nothing was connected.", code="oauth_no_code")
    verifier = state.code_verifier
    if spec.pkce and not verifier:
        raise _failed(
            platform, "The sign-in could not be verified (PKCE); nothing was connected.", code="oauth_pkce_missing"
        )
    try:
        tokens = spec.exchange_code(code=code, redirect_uri=redirect_uri, code_verifier=verifier)
        account = spec.fetch_account(access_token=tokens.access_token, token=tokens)
        ad_accounts = _ad_accounts(spec, tokens) if spec.is_ads else []
    except PlatformError as exc:
        logger.warning("oauth callback failed", extra={"platform": platform, "error": type(exc).__name__})
        raise _failed(
            platform, f"{spec.name} could not complete the connection: {exc.message}", code="oauth_platform_error"
        ) from exc
    if spec.is_ads and not ad_accounts:
        raise _failed(
            platform, f"This {spec.name} login manages no ad accounts; nothing was connected.", code="oauth_no_accounts"
        )
    if len(ad_accounts) > 1:
        return CallbackResult(
            connection=None,
            pending=_state_hold_grant(state=state, tokens=tokens, account=account, ad_accounts=ad_accounts),
            redirect_target=state.redirect_target,
        )
    connection = _connection_save(
        store=state.store,
        user=user,
        platform=platform,
        account=account,
        ad_account=ad_accounts[0] if ad_accounts else None,
        tokens=tokens,
        state=state,
    )
    return CallbackResult(connection=connection, pending=None, redirect_target=state.redirect_target)


def _ad_accounts(spec: OAuthPlatform, tokens: TokenSet) -> list[AdAccountInfo]:
    accounts = spec.list_ad_accounts(access_token=tokens.access_token)
    granted = tokens.extra.get("advertiser_ids")
    if granted is not None:  # TikTok Ads: only the advertisers this consent granted
        accounts = [a for a in accounts if a.id in set(granted)]
    return accounts


def _tokens_json(tokens: TokenSet) -> str:
    return json.dumps(
        {
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires_in": tokens.expires_in,
            "refresh_expires_in": tokens.refresh_expires_in,
            "scopes": list(tokens.scopes),
        }
    )


@transaction.atomic
def _state_hold_grant(
    *, state: OAuthState, tokens: TokenSet, account: AccountInfo, ad_accounts: list[AdAccountInfo]
) -> OAuthState:
    state.pending_tokens = _tokens_json(tokens)
    state.pending_account = {
        "id": account.id,
        "name": account.name,
        "granted_at": timezone.now().isoformat(),
        "ad_accounts": [{"id": a.id, "name": a.name, "currency": a.currency} for a in ad_accounts],
    }
    state.save(update_fields=["pending_tokens_encrypted", "pending_account"])
    return state


def connection_pick_ad_account(
    *, user: AbstractBaseUser, store: Store, state_id: int, ad_account_id: str
) -> PlatformConnection:
    """Save the consent waiting on ``state_id`` with the ad account the merchant picked."""
    with transaction.atomic():
        state = OAuthState.objects.select_for_update().filter(pk=state_id, user=user, store=store).first()
        if state is None or not state.pending_tokens_encrypted or state.completed_at is not None:
            raise ApplicationError("This choice is no longer open. Connect again.", code="oauth_pick_closed")
        if state.used_at and state.used_at + dt.timedelta(seconds=settings.OAUTH_STATE_LIFETIME) <= timezone.now():
            raise ApplicationError("This choice expired. Connect again.", code="oauth_pick_expired")
        choice = next((a for a in state.pending_account["ad_accounts"] if a["id"] == ad_account_id), None)
        if choice is None:
            raise ApplicationError("Pick one of the ad accounts listed.", code="oauth_pick_invalid")
        raw = json.loads(state.pending_tokens)
        tokens = TokenSet(
            access_token=raw["access_token"],
            refresh_token=raw["refresh_token"],
            expires_in=raw["expires_in"],
            refresh_expires_in=raw["refresh_expires_in"],
            scopes=tuple(raw["scopes"]),
        )
        granted_at = dt.datetime.fromisoformat(state.pending_account["granted_at"])
        return _connection_save(
            store=store,
            user=user,
            platform=state.platform,
            account=AccountInfo(id=state.pending_account["id"], name=state.pending_account["name"]),
            ad_account=AdAccountInfo(**choice),
            tokens=tokens,
            state=state,
            now=granted_at,
        )


@transaction.atomic
def _connection_save(
    *,
    store: Store,
    user: AbstractBaseUser,
    platform: str,
    account: AccountInfo,
    ad_account: AdAccountInfo | None,
    tokens: TokenSet,
    state: OAuthState | None,
    now: dt.datetime | None = None,
) -> PlatformConnection:
    """Create the connection, or update the one on record for this account (a reconnect keeps its history).

    ``state`` is the consent it completes (None for keys the merchant pasted, which had no consent round trip)."""
    now = now or timezone.now()
    connection = (
        PlatformConnection.objects.select_for_update()
        .filter(
            store=store,
            platform=platform,
            external_account_id=account.id,
            ad_account_id=ad_account.id if ad_account else "",
        )
        .first()
    )
    reconnect = connection is not None
    old_status = connection.status if connection is not None else ""
    came_back = reconnect and old_status != ConnectionStatus.ACTIVE
    if connection is None:
        connection = PlatformConnection(
            store=store,
            platform=platform,
            external_account_id=account.id,
            ad_account_id=ad_account.id if ad_account else "",
        )
    connection.external_account_name = account.name[:200]
    if ad_account:
        connection.ad_account_name = ad_account.name[:200]
        connection.ad_account_currency = ad_account.currency[:3]
    apply_tokens(connection, tokens, now=now)
    connection.scopes = list(tokens.scopes)
    connection.status = ConnectionStatus.ACTIVE
    connection.last_error = ""
    connection.last_success_at = timezone.now()
    connection.expiry_warned_at = None
    connection.connected_by = user
    connection.save()
    kind = ConnectionEventKind.RECONNECTED if reconnect else ConnectionEventKind.CONNECTED
    event_record(connection, kind, actor=user_actor(user), reason=f"Consent given by {user.get_username()}.")
    if state is not None:
        state.pending_tokens_encrypted = ""
        state.completed_at = timezone.now()
        state.save(update_fields=["pending_tokens_encrypted", "completed_at"])
    if came_back:
        status_changed(connection=connection, old_status=old_status, actor=user_actor(user), reason="Reconnected.")
    OAUTH_CONNECTIONS.labels(platform=platform, status=kind).inc()
    return connection
