"""Platform connections: connect (OAuth), pick an ad account, refresh, health, expiry, disconnect, key rotation.

Platform HTTP calls never run inside a database transaction; each state change is one transaction and records a
``ConnectionEvent``. When a connection goes bad or comes back, ``stores.hooks.connection_status_changed`` runs in
that transaction: its handlers live above stores (growth registers one), which holds and releases the posts and
campaigns that depend on the connection.
"""

import datetime as dt
import json
import logging
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone
from prometheus_client import Counter

from platforms.constants import PLATFORM_NAMES
from platforms.errors import AuthExpired, PlatformError, RateLimited, Rejected, Transient
from platforms.oauth import AccountInfo, AdAccountInfo, OAuthPlatform, TokenSet
from platforms.registry import PLATFORMS, oauth_platform
from stores import crypto
from stores.actors import Actor, ActorKind
from stores.exceptions import ApplicationError
from stores.hooks import connection_status_changed
from stores.models import (
    ConnectionEvent,
    ConnectionEventKind,
    ConnectionStatus,
    Membership,
    OAuthState,
    PlatformConnection,
    Role,
    Store,
)

logger = logging.getLogger(__name__)

OAUTH_CONNECTIONS = Counter(
    "growth_oauth_connections",
    "Connection lifecycle outcomes by platform (connected, reconnected, denied, failed, refreshed, expired, "
    "disconnected).",
    ["platform", "status"],
)
CONNECTION_LOOP_FAILURES = Counter(
    "growth_connection_loop_failures_total",
    "Connections a beat loop could not process (the loop went on with the others), by loop.",
    ["loop"],
)
# What each loop was doing, as the merchant reads it in the connection's history.
LOOP_ACTIONS = {
    "refresh_sweep": "The renewal could not be queued; the next sweep tries again",
    "expiry_warning": "The owners could not be warned that the sign-in runs out; the next run tries again",
    "engagement_sync": "Metrics of its posts could not be read; the next sync tries again",
}


@dataclass(frozen=True)
class CallbackResult:
    """The outcome of a consent callback: a saved connection, or a consent waiting for an ad account pick."""

    connection: PlatformConnection | None
    pending: OAuthState | None
    redirect_target: str


def _platform(slug: str) -> OAuthPlatform:
    if slug not in PLATFORMS:
        raise ApplicationError("That platform is not supported.", code="unknown_platform")
    return oauth_platform(slug)


def _expires_at(seconds: int | None, *, now: dt.datetime) -> dt.datetime | None:
    return now + dt.timedelta(seconds=seconds) if seconds else None


def _event(
    connection: PlatformConnection, kind: str, *, actor: AbstractBaseUser | None = None, reason: str = ""
) -> ConnectionEvent:
    return ConnectionEvent.objects.create(
        store_id=connection.store_id,
        connection=connection,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        reason=reason[:1000],
    )


def _status_changed(*, connection: PlatformConnection, old_status: str, actor: Actor, reason: str) -> None:
    connection_status_changed(
        connection=connection, old_status=old_status, new_status=connection.status, actor=actor, reason=reason
    )


def _owners(store: Store) -> list[str]:
    return list(
        Membership.objects.filter(store=store, role=Role.OWNER)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def _tell_owners(*, store: Store, subject: str, body: str) -> None:
    """E-mail the store's owners once the transaction commits."""
    recipients = _owners(store)
    if recipients:
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True)
        )


def _hub_url() -> str:
    return f"{settings.SITE_URL.rstrip('/')}/hub/"


# -- connect ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def connection_authorize_begin(
    *, store: Store, user: AbstractBaseUser, platform: str, redirect_uri: str, redirect_target: str = ""
) -> str:
    """Start a consent: store a single-use state and PKCE verifier server-side; return the platform's consent URL."""
    spec = _platform(platform)
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
    spec = _platform(platform)
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
    state: OAuthState,
    now: dt.datetime | None = None,
) -> PlatformConnection:
    """Create the connection, or update the one on record for this account (a reconnect keeps its history)."""
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
    old_status = connection.status if reconnect else ""
    came_back = reconnect and connection.status != ConnectionStatus.ACTIVE
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
    _apply_tokens(connection, tokens, now=now)
    connection.scopes = list(tokens.scopes)
    connection.status = ConnectionStatus.ACTIVE
    connection.last_error = ""
    connection.last_success_at = timezone.now()
    connection.expiry_warned_at = None
    connection.connected_by = user
    connection.save()
    kind = ConnectionEventKind.RECONNECTED if reconnect else ConnectionEventKind.CONNECTED
    _event(connection, kind, actor=user, reason=f"Consent given by {user.get_username()}.")
    state.pending_tokens_encrypted = ""
    state.completed_at = timezone.now()
    state.save(update_fields=["pending_tokens_encrypted", "completed_at"])
    if came_back:
        _status_changed(
            connection=connection,
            old_status=old_status,
            actor=Actor(kind=ActorKind.USER, user=user),
            reason="Reconnected.",
        )
    OAUTH_CONNECTIONS.labels(platform=platform, status=kind).inc()
    return connection


def _apply_tokens(connection: PlatformConnection, tokens: TokenSet, *, now: dt.datetime) -> None:
    connection.access_token = tokens.access_token
    connection.refresh_token = tokens.refresh_token
    connection.access_token_expires_at = _expires_at(tokens.expires_in, now=now)
    connection.refresh_token_expires_at = _expires_at(tokens.refresh_expires_in, now=now)


# -- health ----------------------------------------------------------------------------------------------------------


def connection_record_success(*, connection: PlatformConnection) -> None:
    """A platform call with this connection worked (one UPDATE; called by the social and ads agents)."""
    now = timezone.now()
    PlatformConnection.objects.filter(pk=connection.pk).update(last_success_at=now)
    connection.last_success_at = now


@transaction.atomic
def connection_record_failure(*, connection: PlatformConnection, error: PlatformError | str) -> None:
    """A platform call with this connection failed. An ``AuthExpired`` marks the connection expired."""
    message = error.message if isinstance(error, PlatformError) else str(error)
    if isinstance(error, AuthExpired):
        connection_mark_expired(connection=connection, reason=message)
        return
    now = timezone.now()
    PlatformConnection.objects.filter(pk=connection.pk).update(last_failure_at=now, last_error=message[:1000])
    connection.last_failure_at, connection.last_error = now, message[:1000]


def connection_record_error(*, connection: PlatformConnection, error: PlatformError) -> None:
    """A platform call with this connection raised ``error``: record what it says about the connection's health.

    A refusal of the request itself (Rejected: invalid content, a rule of the platform) means the platform read the
    token and answered, so the connection works. Anything else is a failure; an ``AuthExpired`` marks the connection
    expired (event, owners told, dependent posts and campaigns held through ``stores.hooks.connection_status_changed``).
    """
    if isinstance(error, Rejected):
        connection_record_success(connection=connection)
        return
    connection_record_failure(connection=connection, error=error)


@transaction.atomic
def connection_mark_expired(
    *, connection: PlatformConnection, reason: str, actor: AbstractBaseUser | None = None
) -> bool:
    """The connection needs a new consent: mark it expired, hold what depends on it, tell the owners.

    Returns False (and does nothing) when it was not active.
    """
    locked = PlatformConnection.objects.select_for_update().select_related("store").get(pk=connection.pk)
    if locked.status != ConnectionStatus.ACTIVE:
        return False
    now = timezone.now()
    locked.status = ConnectionStatus.EXPIRED
    locked.last_error = reason[:1000]
    locked.last_failure_at = now
    locked.save(update_fields=["status", "last_error", "last_failure_at", "updated_at"])
    connection.status, connection.last_error, connection.last_failure_at = locked.status, locked.last_error, now
    _event(locked, ConnectionEventKind.EXPIRED, actor=actor, reason=reason)
    _status_changed(
        connection=locked, old_status=ConnectionStatus.ACTIVE, actor=Actor.system("connection"), reason=reason
    )
    _tell_owners(
        store=locked.store,
        subject=f"Reconnect {locked.get_platform_display()} for {locked.store.name}",
        body=(
            f"Growth Hub can no longer use the {locked.get_platform_display()} connection "
            f"({locked.external_account_name or locked.external_account_id}) of {locked.store.name}.\n\n"
            f"Why: {reason}\n\nPosts and campaigns that use it are on hold until you reconnect it on the hub: "
            f"{_hub_url()}\n"
        ),
    )
    OAUTH_CONNECTIONS.labels(platform=locked.platform, status="expired").inc()
    return True


# -- refresh ---------------------------------------------------------------------------------------------------------


def connection_refresh(*, connection_id: int) -> PlatformConnection | None:
    """Renew the access token of an active connection.

    A refused renewal marks it expired; a connection whose token cannot be renewed is marked expired once the
    token has run out. Raises Transient / RateLimited (after recording the failure) so the caller can retry.
    Returns None when there is nothing to do.
    """
    connection = PlatformConnection.objects.filter(pk=connection_id, status=ConnectionStatus.ACTIVE).first()
    if connection is None:
        return None
    spec = oauth_platform(connection.platform)
    now = timezone.now()
    if not spec.refreshable:
        if connection.access_token_expires_at and connection.access_token_expires_at <= now:
            connection_mark_expired(
                connection=connection, reason=f"The {spec.name} token ran out; sign in again to renew it."
            )
        return None
    try:
        tokens = spec.refresh(access_token=connection.access_token, refresh_token=connection.refresh_token)
    except (AuthExpired, Rejected) as exc:
        connection_mark_expired(connection=connection, reason=f"{spec.name} refused to renew access: {exc.message}")
        return connection
    except (Transient, RateLimited) as exc:
        _refresh_failed(connection=connection, error=exc)
        raise
    return _refresh_save(connection_id=connection.pk, tokens=tokens, now=now)


@transaction.atomic
def _refresh_failed(*, connection: PlatformConnection, error: PlatformError) -> None:
    connection_record_failure(connection=connection, error=error)
    _event(connection, ConnectionEventKind.REFRESH_FAILED, reason=error.message)


@transaction.atomic
def _refresh_save(*, connection_id: int, tokens: TokenSet, now: dt.datetime) -> PlatformConnection:
    connection = PlatformConnection.objects.select_for_update().get(pk=connection_id)
    previous_refresh_expiry = connection.refresh_token_expires_at
    _apply_tokens(connection, tokens, now=now)
    if not tokens.refresh_expires_in:
        connection.refresh_token_expires_at = previous_refresh_expiry if tokens.refresh_token else None
    if tokens.scopes:
        connection.scopes = list(tokens.scopes)
    connection.last_success_at = timezone.now()
    connection.save()
    _event(connection, ConnectionEventKind.REFRESHED, reason="Renewed before expiry.")
    OAUTH_CONNECTIONS.labels(platform=connection.platform, status="refreshed").inc()
    return connection


def connections_due_for_refresh(*, now: dt.datetime | None = None) -> list[int]:
    """Active connections whose access token expires within CONNECTION_REFRESH_MARGIN (or already has)."""
    horizon = (now or timezone.now()) + dt.timedelta(seconds=settings.CONNECTION_REFRESH_MARGIN)
    return list(
        PlatformConnection.objects.filter(
            status=ConnectionStatus.ACTIVE, access_token_expires_at__isnull=False, access_token_expires_at__lte=horizon
        )
        .order_by("access_token_expires_at")
        .values_list("pk", flat=True)
    )


def connections_warn_expiring(*, now: dt.datetime | None = None) -> int:
    """Warn owners, once per token, that a connection which cannot be renewed runs out within the warning window."""
    now = now or timezone.now()
    horizon = now + dt.timedelta(days=settings.CONNECTION_EXPIRY_WARNING_DAYS)
    unrenewable = [slug for slug, spec in PLATFORMS.items() if not spec.oauth_class.refreshable]
    due = PlatformConnection.objects.filter(
        status=ConnectionStatus.ACTIVE,
        platform__in=unrenewable,
        expiry_warned_at__isnull=True,
        access_token_expires_at__gt=now,
        access_token_expires_at__lte=horizon,
    ).values_list("pk", flat=True)
    warned = 0
    for pk in list(due):
        try:
            warned += connection_warn_expiry(connection_id=pk, now=now)
        except Exception as error:  # noqa: BLE001 - one connection's failure is recorded; the others are warned
            connection_record_loop_failure(connection_id=pk, loop="expiry_warning", error=error)
    return warned


@transaction.atomic
def connection_warn_expiry(*, connection_id: int, now: dt.datetime) -> bool:
    connection = (
        PlatformConnection.objects.select_for_update()
        .select_related("store")
        .filter(pk=connection_id, expiry_warned_at__isnull=True, status=ConnectionStatus.ACTIVE)
        .first()
    )
    if connection is None or connection.access_token_expires_at is None:
        return False
    days = max(0, (connection.access_token_expires_at - now).days)
    when = "within a day" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
    reason = f"The {connection.get_platform_display()} sign-in runs out {when} and cannot be renewed automatically."
    connection.expiry_warned_at = now
    connection.save(update_fields=["expiry_warned_at", "updated_at"])
    _event(connection, ConnectionEventKind.EXPIRY_WARNED, reason=reason)
    _tell_owners(
        store=connection.store,
        subject=f"{connection.get_platform_display()} needs a fresh sign-in {when}",
        body=f"{reason}\n\nReconnect it on the hub before then so nothing stops: {_hub_url()}\n",
    )
    return True


def connection_record_loop_failure(*, connection_id: int, loop: str, error: BaseException) -> None:
    """Log (with the traceback), count and record on the connection that a beat ``loop`` failed on it. Never raises.

    Call it from the ``except`` block that caught ``error``, so the loop goes on with the next connection. The
    record is an ``error`` event and the connection's last failure; its status is left as it is (a failure of
    ours says nothing about the token). Only a platform's or our own refusal is quoted; any other exception is
    named by its kind (its text can carry internals; the log has it in full).
    """
    logger.error(
        "connection loop failed on a connection", exc_info=error, extra={"loop": loop, "connection": connection_id}
    )
    CONNECTION_LOOP_FAILURES.labels(loop=loop).inc()
    action = LOOP_ACTIONS[loop]
    known = isinstance(error, PlatformError | ApplicationError)
    reason = (f"{action}: {error.message}" if known else f"{action} ({type(error).__name__}).")[:1000]
    try:
        with transaction.atomic():
            connection = PlatformConnection.objects.select_for_update().filter(pk=connection_id).first()
            if connection is None:
                return
            PlatformConnection.objects.filter(pk=connection_id).update(
                last_failure_at=timezone.now(), last_error=reason
            )
            _event(connection, ConnectionEventKind.ERROR, reason=reason)
    except Exception:
        # Recording must not stop the loop either (the database may be what failed); the log keeps both.
        logger.exception(
            "could not record a loop failure on a connection", extra={"loop": loop, "connection": connection_id}
        )


# -- disconnect ------------------------------------------------------------------------------------------------------


class DisconnectOutcome(StrEnum):
    """What became of the grant at the platform when a connection was disconnected (the tokens are always wiped)."""

    REVOKED = "revoked"  # the platform confirmed the revoke
    UNCONFIRMED = "unconfirmed"  # the platform did not answer or refused; the revoke was best effort
    NOT_REVOCABLE = "not_revocable"  # the platform offers no revoke; the merchant removes the app there
    GRANT_KEPT = "grant_kept"  # not revoked: another Growth Hub connection rests on the same platform grant


def connection_grant_shared(*, connection: PlatformConnection) -> bool:
    """Whether another connection, of any store, still uses the grant ``connection`` holds at its platform.

    A revoke is per user and app on Meta (``DELETE /me/permissions``) and Google (revoking a token ends the whole
    grant), and not documented to be narrower elsewhere: revoking for one store would cut off every other store
    connected as the same platform user. The platform user is ``external_account_id`` (what each OAuth spec's
    ``fetch_account`` reads); the app is the same for every connection of a platform (one client id per platform
    in PLATFORM_CREDENTIALS). Connections that hold no token, were disconnected or expired do not count.
    """
    return (
        PlatformConnection.objects.filter(
            platform=connection.platform,
            external_account_id=connection.external_account_id,
            status__in=[ConnectionStatus.ACTIVE, ConnectionStatus.ERROR],
        )
        .exclude(pk=connection.pk)
        .exclude(access_token_encrypted="")
        .exists()
    )


def connection_disconnect(*, connection: PlatformConnection, user: AbstractBaseUser) -> DisconnectOutcome:
    """Revoke at the platform (best effort), wipe the tokens and mark the connection revoked.

    The revoke is skipped when another connection (this store's or another's) rests on the same platform grant:
    the tokens are only forgotten here, and a ``grant_kept`` event says why. Returns what became of the grant.
    """
    spec = oauth_platform(connection.platform)
    failure = ""
    if connection.access_token_encrypted and connection_grant_shared(connection=connection):
        outcome = DisconnectOutcome.GRANT_KEPT
    elif connection.access_token_encrypted and spec.can_revoke:
        try:
            spec.revoke(access_token=connection.access_token, refresh_token=connection.refresh_token)
            outcome = DisconnectOutcome.REVOKED
        except PlatformError as exc:
            outcome, failure = DisconnectOutcome.UNCONFIRMED, exc.message
    elif not spec.can_revoke:
        outcome = DisconnectOutcome.NOT_REVOCABLE
        failure = f"{spec.name} offers no way to revoke; remove the app in your {spec.name} settings."
    else:
        outcome = DisconnectOutcome.UNCONFIRMED  # no token left to revoke with
    _disconnect_save(
        connection_id=connection.pk, user=user, failure=failure, grant_kept=outcome == DisconnectOutcome.GRANT_KEPT
    )
    connection.refresh_from_db()
    return outcome


def disconnect_message(*, outcome: DisconnectOutcome, platform: str) -> str:
    """What the merchant is told after a disconnect."""
    name = PLATFORM_NAMES[platform]
    return {
        DisconnectOutcome.REVOKED: f"{name} is disconnected and its access revoked.",
        DisconnectOutcome.UNCONFIRMED: f"{name} is disconnected; {name} did not confirm the revoke.",
        DisconnectOutcome.NOT_REVOCABLE: f"{name} is disconnected; {name} did not confirm the revoke.",
        DisconnectOutcome.GRANT_KEPT: (
            f"Disconnected here; the {name} grant stays because another Growth Hub connection uses the same "
            f"{name} account."
        ),
    }[outcome]


@transaction.atomic
def _disconnect_save(*, connection_id: int, user: AbstractBaseUser, failure: str, grant_kept: bool) -> None:
    connection = PlatformConnection.objects.select_for_update().get(pk=connection_id)
    was_active = connection.status == ConnectionStatus.ACTIVE
    connection.access_token_encrypted = ""
    connection.refresh_token_encrypted = ""
    connection.access_token_expires_at = None
    connection.refresh_token_expires_at = None
    connection.status = ConnectionStatus.REVOKED
    connection.save()
    if failure:
        _event(connection, ConnectionEventKind.REVOKE_FAILED, actor=user, reason=failure)
    if grant_kept:
        name = connection.get_platform_display()
        _event(
            connection,
            ConnectionEventKind.GRANT_KEPT,
            actor=user,
            reason=f"Not revoked at {name}: another Growth Hub connection uses the same {name} account.",
        )
    reason = f"Disconnected by {user.get_username()}."
    _event(connection, ConnectionEventKind.DISCONNECTED, actor=user, reason=reason)
    if was_active:
        _status_changed(
            connection=connection,
            old_status=ConnectionStatus.ACTIVE,
            actor=Actor(kind=ActorKind.USER, user=user),
            reason=reason,
        )
    OAUTH_CONNECTIONS.labels(platform=connection.platform, status="disconnected").inc()


@transaction.atomic
def oauth_states_purge(*, now: dt.datetime | None = None) -> int:
    """Delete consents that can no longer complete (a day past their expiry)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=1)
    deleted, _ = OAuthState.objects.filter(expires_at__lt=cutoff).delete()
    return deleted


# -- key rotation ----------------------------------------------------------------------------------------------------


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every model field that holds a secret encrypted with FIELD_ENCRYPTION_KEYS (named ``*_encrypted``)."""
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if f.name.endswith("_encrypted")]
        if names:
            found.append((model, names))
    return found


def encrypted_rows_count() -> int:
    return sum(model._default_manager.count() for model, _ in encrypted_fields())


def encrypted_secrets_rotate(*, batch_size: int = 200, progress: Callable[[int], Any] | None = None) -> int:
    """Re-encrypt every secret with the primary key; afterwards the other keys can be removed.

    Rows are rewritten in batches, each in its own transaction; ``progress(n)`` is called with each batch's size.
    Returns how many rows were rewritten. A value no configured key can decrypt raises InvalidToken.
    """
    rewritten = 0
    for model, names in encrypted_fields():
        for batch in _batches(model, batch_size):
            with transaction.atomic():
                rows = list(model._default_manager.select_for_update().filter(pk__in=batch))
                for row in rows:
                    for name in names:
                        setattr(row, name, crypto.rotate(getattr(row, name)))
                model._default_manager.bulk_update(rows, names)
            rewritten += len(rows)
            if progress:
                progress(len(rows))
    return rewritten


def _batches(model: type[models.Model], size: int) -> Iterator[list[Any]]:
    pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), size):
        yield pks[start : start + size]
