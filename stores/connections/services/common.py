"""What every connection service shares: the event record, the status hook, the owners' e-mail and the counters."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from prometheus_client import Counter

from platforms.constants import PLATFORM_NAMES, STORE_PLATFORMS
from platforms.oauth import OAuthPlatform, TokenSet
from platforms.registry import PLATFORMS, oauth_platform, store_platform
from stores.actors import Actor, ActorKind
from stores.exceptions import ApplicationError
from stores.hooks import connection_status_changed
from stores.models import ConnectionEvent, Membership, PlatformConnection, Role, Store

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
# Who acts when Growth Hub itself changes a connection.
CONNECTION = Actor.system("connection")  # a platform refused the token on a call of social or ads
TOKEN_REFRESH = Actor.system("token refresh")  # the beat renewal
EXPIRY_WARNING = Actor.system("expiry warning")  # the beat warning of a token that cannot be renewed


def user_actor(user: AbstractBaseUser) -> Actor:
    """The person who gave a consent (checked against the store's roles when the consent came back)."""
    return Actor(kind=ActorKind.USER, user=user)


def platform_spec(slug: str) -> OAuthPlatform:
    if slug not in PLATFORMS:
        raise ApplicationError("That platform is not supported.", code="unknown_platform")
    return oauth_platform(slug)


class StoreGrant:
    """A store platform's grant for one account (a Shopify shop), in the shape the connection services renew and
    revoke with: Shopify's token endpoint is the shop's own, so its renewal needs the shop."""

    def __init__(self, connection: PlatformConnection) -> None:
        self._oauth = store_platform(connection.platform).oauth()
        self._account = connection.external_account_id
        self.name = PLATFORM_NAMES[connection.platform]
        self.refreshable = bool(getattr(self._oauth, "refreshable", False))
        self.can_revoke = bool(getattr(self._oauth, "can_revoke", False))

    def refresh(self, *, access_token: str, refresh_token: str) -> TokenSet:
        tokens: TokenSet = self._oauth.refresh(shop=self._account, refresh_token=refresh_token)
        return tokens


def connection_spec(connection: PlatformConnection) -> OAuthPlatform | StoreGrant:
    """What renews and revokes ``connection``'s grant: its platform's OAuth spec, or its store platform's grant."""
    if connection.platform in STORE_PLATFORMS:
        return StoreGrant(connection)
    return oauth_platform(connection.platform)


def expires_at(seconds: int | None, *, now: dt.datetime) -> dt.datetime | None:
    return now + dt.timedelta(seconds=seconds) if seconds else None


def apply_tokens(connection: PlatformConnection, tokens: TokenSet, *, now: dt.datetime) -> None:
    """Put a grant's tokens on ``connection`` (encrypted) with their ends counted from ``now``."""
    connection.access_token = tokens.access_token
    connection.refresh_token = tokens.refresh_token
    connection.access_token_expires_at = expires_at(tokens.expires_in, now=now)
    connection.refresh_token_expires_at = expires_at(tokens.refresh_expires_in, now=now)


def event_record(connection: PlatformConnection, kind: str, *, actor: Actor, reason: str = "") -> ConnectionEvent:
    """Record one change in ``connection``'s life, by ``actor``."""
    return ConnectionEvent.objects.create(
        store_id=connection.store_id, connection=connection, kind=kind, reason=reason[:1000], **actor.row_fields()
    )


def status_changed(*, connection: PlatformConnection, old_status: str, actor: Actor, reason: str) -> None:
    """Hand the change of ``connection``'s status to the apps above (in the caller's transaction)."""
    connection_status_changed(
        connection=connection, old_status=old_status, new_status=connection.status, actor=actor, reason=reason
    )


def _owners(store: Store) -> list[str]:
    return list(
        Membership.objects.filter(store=store, role=Role.OWNER)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def tell_owners(*, store: Store, subject: str, body: str) -> None:
    """E-mail the store's owners once the transaction commits."""
    recipients = _owners(store)
    if recipients:
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True)
        )


def hub_url() -> str:
    return f"{settings.SITE_URL.rstrip('/')}/hub/"
