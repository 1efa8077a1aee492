"""Disconnect a connection: revoke the grant at the platform where it can and no other connection rests on it, wipe
the tokens, mark it revoked and hold what depends on it."""

from enum import StrEnum

from django.db import transaction

from platforms.constants import PLATFORM_NAMES
from platforms.errors import PlatformError
from platforms.oauth import OAuthPlatform
from stores.actors import Actor
from stores.commerce.sync import store_webhooks_remove
from stores.connections.selectors import connection_grant_shared
from stores.connections.services.common import OAUTH_CONNECTIONS, connection_spec, event_record, status_changed
from stores.models import ConnectionEventKind, ConnectionStatus, PlatformConnection


class DisconnectOutcome(StrEnum):
    """What became of the grant at the platform when a connection was disconnected (the tokens are always wiped)."""

    REVOKED = "revoked"  # the platform confirmed the revoke
    UNCONFIRMED = "unconfirmed"  # the platform did not answer or refused; the revoke was best effort
    NOT_REVOCABLE = "not_revocable"  # the platform offers no revoke; the merchant removes the app there
    GRANT_KEPT = "grant_kept"  # not revoked: another Growth Hub connection rests on the same platform grant


def connection_disconnect(*, connection: PlatformConnection, actor: Actor) -> DisconnectOutcome:
    """Revoke at the platform (best effort), wipe the tokens and mark the connection revoked, by ``actor`` (a member
    on the connections page, staff in the admin).

    The webhooks the hub made at a store platform that keeps them (WooCommerce) are deleted first, best effort.
    The revoke is skipped when another connection (this store's or another's) rests on the same platform grant:
    the tokens are only forgotten here, and a ``grant_kept`` event says why. Returns what became of the grant.
    """
    spec = connection_spec(connection)
    webhooks_failure = store_webhooks_remove(connection=connection)
    failure = ""
    if connection.access_token_encrypted and connection_grant_shared(connection=connection):
        outcome = DisconnectOutcome.GRANT_KEPT
    elif connection.access_token_encrypted and isinstance(spec, OAuthPlatform) and spec.can_revoke:
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
    failure = " ".join(part for part in (failure, webhooks_failure) if part)
    _disconnect_save(
        connection_id=connection.pk, actor=actor, failure=failure, grant_kept=outcome == DisconnectOutcome.GRANT_KEPT
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
def _disconnect_save(*, connection_id: int, actor: Actor, failure: str, grant_kept: bool) -> None:
    connection = PlatformConnection.objects.select_for_update().get(pk=connection_id)
    was_active = connection.status == ConnectionStatus.ACTIVE
    connection.access_token_encrypted = ""
    connection.refresh_token_encrypted = ""
    connection.access_token_expires_at = None
    connection.refresh_token_expires_at = None
    connection.status = ConnectionStatus.REVOKED
    connection.save()
    if failure:
        event_record(connection, ConnectionEventKind.REVOKE_FAILED, actor=actor, reason=failure)
    if grant_kept:
        name = connection.get_platform_display()
        event_record(
            connection,
            ConnectionEventKind.GRANT_KEPT,
            actor=actor,
            reason=f"Not revoked at {name}: another Growth Hub connection uses the same {name} account.",
        )
    reason = f"Disconnected by {_who(actor)}."
    event_record(connection, ConnectionEventKind.DISCONNECTED, actor=actor, reason=reason)
    if was_active:
        status_changed(connection=connection, old_status=ConnectionStatus.ACTIVE, actor=actor, reason=reason)
    OAUTH_CONNECTIONS.labels(platform=connection.platform, status="disconnected").inc()


def _who(actor: Actor) -> str:
    """The member's user name, or what the actor's label says."""
    return actor.user.get_username() if actor.user is not None else actor.label or "Growth Hub"
