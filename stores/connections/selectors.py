"""Read queries for platform connections: a store's connections and their health, the connection a post or a
campaign goes through, pending consents, and what the beat and a disconnect need to know. Never writes."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from platforms.constants import AD_PLATFORMS, ALL_PLATFORMS, PLATFORM_NAMES, STORE_PLATFORMS
from platforms.registry import PLATFORMS
from stores.models import ConnectionStatus, OAuthState, PlatformConnection, Store


def connections_for_store(*, store: Store) -> QuerySet[PlatformConnection]:
    """The store's connections that are not disconnected, by platform (one query)."""
    return (
        PlatformConnection.objects.filter(store=store)
        .exclude(status=ConnectionStatus.REVOKED)
        .order_by("platform", "external_account_name", "ad_account_name", "pk")
    )


def connection_get_for_store(*, store: Store, id: int) -> PlatformConnection:
    """One connection of ``store``; 404 for another store's connection or none at all."""
    connection = PlatformConnection.objects.filter(store=store, pk=id).first()
    if connection is None:
        raise Http404("No such connection.")
    return connection


def connection_for(*, store: Store, platform: str) -> PlatformConnection | None:
    """The store's connection posts on ``platform`` go through: an active one first."""
    connections = PlatformConnection.objects.filter(store=store, platform=platform)
    return connections.filter(status=ConnectionStatus.ACTIVE).first() or connections.first()


def ad_connection_for(*, store: Store, platform: str) -> PlatformConnection | None:
    """The store's connection to an ad account on ``platform`` campaigns go through: an active one first."""
    connections = PlatformConnection.objects.filter(store=store, platform=platform).exclude(ad_account_id="")
    return connections.filter(status=ConnectionStatus.ACTIVE).first() or connections.first()


def oauth_pending_pick_get(*, user: AbstractBaseUser, store: Store, id: int) -> OAuthState:
    """A consent of this user and store waiting for an ad account pick; 404 otherwise."""
    state = OAuthState.objects.filter(
        pk=id, user=user, store=store, completed_at__isnull=True, used_at__isnull=False
    ).first()
    if state is None or not state.pending_tokens_encrypted:
        raise Http404("No such pending connection.")
    return state


@dataclass(frozen=True)
class ConnectionHealth:
    """What the connections manager shows for one connection."""

    connection: PlatformConnection
    platform_name: str
    expires_at: dt.datetime | None
    expires_soon: bool
    renewable: bool
    last_call_ok: bool | None  # None: no call recorded yet

    @property
    def needs_reconnect(self) -> bool:
        return self.connection.status != ConnectionStatus.ACTIVE

    @property
    def is_store_platform(self) -> bool:
        """A store platform reconnects through its own form (the shop or site address), not the OAuth consent."""
        return self.connection.platform in STORE_PLATFORMS


def connections_overview(*, store: Store, now: dt.datetime | None = None) -> dict[str, Any]:
    """The connections manager: health of each connection and the platforms not connected yet (one query).

    ``expires_at`` is when the merchant must sign in again: the access token's end where it cannot be renewed,
    else the refresh token's end (None: renewed indefinitely).
    """
    now = now or timezone.now()
    warn = now + dt.timedelta(days=settings.CONNECTION_EXPIRY_WARNING_DAYS)
    rows = []
    for connection in connections_for_store(store=store):
        # A store platform's access renews itself: Shopify's expiring token by its refresh token, WooCommerce's keys
        # do not expire.
        renewable = connection.platform in STORE_PLATFORMS or PLATFORMS[connection.platform].oauth_class.refreshable
        expires_at = connection.access_token_expires_at if not renewable else connection.refresh_token_expires_at
        ok = None
        if connection.last_success_at or connection.last_failure_at:
            ok = (connection.last_success_at or dt.datetime.min.replace(tzinfo=dt.UTC)) >= (
                connection.last_failure_at or dt.datetime.min.replace(tzinfo=dt.UTC)
            )
        rows.append(
            ConnectionHealth(
                connection=connection,
                platform_name=PLATFORM_NAMES[connection.platform],
                expires_at=expires_at,
                expires_soon=bool(expires_at and expires_at <= warn),
                renewable=renewable,
                last_call_ok=ok,
            )
        )
    connected = {row.connection.platform for row in rows}
    available = [
        {"slug": slug, "name": PLATFORM_NAMES[slug], "ads": slug in AD_PLATFORMS, "another": slug in connected}
        for slug in ALL_PLATFORMS
        if slug not in connected or slug in AD_PLATFORMS
    ]
    # A store platform counts as connected while its connection is active: a disconnected one is connected again
    # through the store-connect forms.
    active = {row.connection.platform for row in rows if row.connection.status == ConnectionStatus.ACTIVE}
    store_platforms = [
        {"slug": slug, "name": PLATFORM_NAMES[slug], "connected": slug in active} for slug in STORE_PLATFORMS
    ]
    return {
        "connections": rows,
        "available_platforms": available,
        "store_platforms": store_platforms,
        "store_connected": any(p["connected"] for p in store_platforms),
        "attention_count": sum(1 for row in rows if row.needs_reconnect or row.expires_soon),
    }


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
