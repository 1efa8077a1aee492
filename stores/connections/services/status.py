"""A connection's health and life after the consent: calls that worked or failed, expiry, the token renewal, the
warning before a token that cannot be renewed runs out, and beat loops that failed on a connection."""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from platforms.errors import AuthExpired, PlatformError, RateLimited, Rejected, Transient
from platforms.oauth import TokenSet
from platforms.registry import PLATFORMS
from stores.actors import Actor
from stores.connections.services.common import (
    CONNECTION,
    CONNECTION_LOOP_FAILURES,
    EXPIRY_WARNING,
    OAUTH_CONNECTIONS,
    TOKEN_REFRESH,
    apply_tokens,
    connection_spec,
    event_record,
    hub_url,
    status_changed,
    tell_owners,
)
from stores.exceptions import ApplicationError
from stores.models import ConnectionEventKind, ConnectionStatus, OAuthState, PlatformConnection

logger = logging.getLogger(__name__)

# What each loop was doing, as the merchant reads it in the connection's history.
LOOP_ACTIONS = {
    "refresh_sweep": "The renewal could not be queued; the next sweep tries again",
    "expiry_warning": "The owners could not be warned that the sign-in runs out; the next run tries again",
    "engagement_sync": "Metrics of its posts could not be read; the next sync tries again",
}


def connection_record_success(*, connection: PlatformConnection) -> None:
    """A platform call with this connection worked (one UPDATE; called by the social and ads agents)."""
    now = timezone.now()
    PlatformConnection.objects.filter(pk=connection.pk).update(last_success_at=now)
    connection.last_success_at = now


@transaction.atomic
def connection_record_failure(
    *, connection: PlatformConnection, error: PlatformError | str, actor: Actor = CONNECTION
) -> None:
    """A platform call with this connection failed. An ``AuthExpired`` marks the connection expired (by ``actor``)."""
    message = error.message if isinstance(error, PlatformError) else str(error)
    if isinstance(error, AuthExpired):
        connection_mark_expired(connection=connection, reason=message, actor=actor)
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
def connection_mark_expired(*, connection: PlatformConnection, reason: str, actor: Actor = CONNECTION) -> bool:
    """The connection needs a new consent: mark it expired (``actor`` on the event), hold what depends on it through
    ``connection_status_changed``, tell the owners.

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
    event_record(locked, ConnectionEventKind.EXPIRED, actor=actor, reason=reason)
    status_changed(connection=locked, old_status=ConnectionStatus.ACTIVE, actor=actor, reason=reason)
    tell_owners(
        store=locked.store,
        subject=f"Reconnect {locked.get_platform_display()} for {locked.store.name}",
        body=(
            f"Growth Hub can no longer use the {locked.get_platform_display()} connection "
            f"({locked.external_account_name or locked.external_account_id}) of {locked.store.name}.\n\n"
            f"Why: {reason}\n\nPosts and campaigns that use it are on hold until you reconnect it on the hub: "
            f"{hub_url()}\n"
        ),
    )
    OAUTH_CONNECTIONS.labels(platform=locked.platform, status="expired").inc()
    return True


@transaction.atomic
def connection_mark_uninstalled(*, connection_id: int, reason: str, actor: Actor) -> bool:
    """The platform said the merchant removed the app (Shopify app/uninstalled): the tokens no longer work, so they
    are wiped and the connection is revoked, by ``actor`` (the platform's webhook); what depends on it is held
    through ``connection_status_changed``. Returns False (and does nothing) when it was already revoked."""
    connection = PlatformConnection.objects.select_for_update().filter(pk=connection_id).first()
    if connection is None or connection.status == ConnectionStatus.REVOKED:
        return False
    old_status = connection.status
    connection.access_token_encrypted = ""
    connection.refresh_token_encrypted = ""
    connection.access_token_expires_at = None
    connection.refresh_token_expires_at = None
    connection.status = ConnectionStatus.REVOKED
    connection.last_error = reason[:1000]
    connection.save()
    event_record(connection, ConnectionEventKind.UNINSTALLED, actor=actor, reason=reason)
    if old_status == ConnectionStatus.ACTIVE:
        status_changed(connection=connection, old_status=old_status, actor=actor, reason=reason)
    OAUTH_CONNECTIONS.labels(platform=connection.platform, status="uninstalled").inc()
    return True


def connection_refresh(*, connection_id: int, actor: Actor = TOKEN_REFRESH) -> PlatformConnection | None:
    """Renew the access token of an active connection (``actor`` on its events: the beat, or staff in the admin).

    A refused renewal marks it expired; a connection whose token cannot be renewed is marked expired once the
    token has run out. Raises Transient / RateLimited (after recording the failure) so the caller can retry.
    Returns None when there is nothing to do.
    """
    connection = PlatformConnection.objects.filter(pk=connection_id, status=ConnectionStatus.ACTIVE).first()
    if connection is None:
        return None
    spec = connection_spec(connection)
    now = timezone.now()
    if not spec.refreshable:
        if connection.access_token_expires_at and connection.access_token_expires_at <= now:
            connection_mark_expired(
                connection=connection, reason=f"The {spec.name} token ran out; sign in again to renew it.", actor=actor
            )
        return None
    try:
        tokens = spec.refresh(access_token=connection.access_token, refresh_token=connection.refresh_token)
    except (AuthExpired, Rejected) as exc:
        connection_mark_expired(
            connection=connection, reason=f"{spec.name} refused to renew access: {exc.message}", actor=actor
        )
        return connection
    except (Transient, RateLimited) as exc:
        _refresh_failed(connection=connection, error=exc, actor=actor)
        raise
    return _refresh_save(connection_id=connection.pk, tokens=tokens, now=now, actor=actor)


@transaction.atomic
def _refresh_failed(*, connection: PlatformConnection, error: PlatformError, actor: Actor) -> None:
    connection_record_failure(connection=connection, error=error, actor=actor)
    event_record(connection, ConnectionEventKind.REFRESH_FAILED, actor=actor, reason=error.message)


@transaction.atomic
def _refresh_save(*, connection_id: int, tokens: TokenSet, now: dt.datetime, actor: Actor) -> PlatformConnection:
    connection = PlatformConnection.objects.select_for_update().get(pk=connection_id)
    previous_refresh_expiry = connection.refresh_token_expires_at
    apply_tokens(connection, tokens, now=now)
    if not tokens.refresh_expires_in:
        connection.refresh_token_expires_at = previous_refresh_expiry if tokens.refresh_token else None
    if tokens.scopes:
        connection.scopes = list(tokens.scopes)
    connection.last_success_at = timezone.now()
    connection.save()
    event_record(connection, ConnectionEventKind.REFRESHED, actor=actor, reason="Renewed before expiry.")
    OAUTH_CONNECTIONS.labels(platform=connection.platform, status="refreshed").inc()
    return connection


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
    event_record(connection, ConnectionEventKind.EXPIRY_WARNED, actor=EXPIRY_WARNING, reason=reason)
    tell_owners(
        store=connection.store,
        subject=f"{connection.get_platform_display()} needs a fresh sign-in {when}",
        body=f"{reason}\n\nReconnect it on the hub before then so nothing stops: {hub_url()}\n",
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
            event_record(connection, ConnectionEventKind.ERROR, actor=Actor.system(loop), reason=reason)
    except Exception:
        # Recording must not stop the loop either (the database may be what failed); the log keeps both.
        logger.exception(
            "could not record a loop failure on a connection", extra={"loop": loop, "connection": connection_id}
        )


@transaction.atomic
def oauth_states_purge(*, now: dt.datetime | None = None) -> int:
    """Delete consents that can no longer complete (a day past their expiry)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=1)
    deleted, _ = OAuthState.objects.filter(expires_at__lt=cutoff).delete()
    return deleted
