"""The demo store's platform connections: one per platform, to the sandbox's demo accounts.

The seed runs before any server is up, and the app never writes the sandbox's tables, so it cannot obtain a token:
each connection is recorded with its account ids and no token, as expired, with an event saying why. Once the
server answers, ``manage.py demo_connect`` (run by scripts/demo) signs each one in at the sandbox's consent page as
the demo person (Nora Northwind on the ad platforms) and picks the same ad account, which reconnects the very same
row (connections are matched on store, platform, account and ad account), so the seeded history (posts, campaigns)
stays attached to it. A connection it could not sign in stays expired until the merchant connects it.

The ids are those of ``sandbox.services.DEMO_ACCOUNTS`` (the first person of each platform and, on the ad
platforms, their first ad account); tests/demo/test_seed_ads.py checks they agree.
"""

from dataclasses import dataclass

from django.db import transaction

from demo.seed.plan import DemoSeedPlan, ProgressFactory
from platforms.constants import GOOGLE_ADS, INSTAGRAM, META_ADS, PINTEREST, PLATFORM_NAMES, TIKTOK, TIKTOK_ADS, X
from stores.actors import Actor
from stores.models import ConnectionEvent, ConnectionEventKind, ConnectionStatus, PlatformConnection, Store


@dataclass(frozen=True)
class DemoConnection:
    account_id: str
    account_name: str
    ad_account_id: str = ""
    ad_account_name: str = ""
    currency: str = ""


DEMO_CONNECTIONS: dict[str, DemoConnection] = {
    TIKTOK: DemoConnection("-000northwindTTopenid01", "Northwind Outfitters"),
    INSTAGRAM: DemoConnection("17841400000000001", "Northwind Outfitters"),
    PINTEREST: DemoConnection("pinterest-northwind", "Northwind Outfitters"),
    X: DemoConnection("1500000000000000001", "Northwind Outfitters"),
    META_ADS: DemoConnection("10200000000000001", "Nora Northwind", "act_1000001", "Northwind Outfitters US", "USD"),
    GOOGLE_ADS: DemoConnection(
        "google-sub-100000000000000000001", "Nora Northwind", "1234567890", "Northwind Outfitters Search", "USD"
    ),
    TIKTOK_ADS: DemoConnection(
        "7100000000000000001", "Nora Northwind", "7000000000000000001", "Northwind Outfitters Ads", "USD"
    ),
}


def _reason(platform: str) -> str:
    return (
        f"Recorded by the demo seed without a token: sign in to {PLATFORM_NAMES[platform]} (the sandbox's consent "
        "page) with the same account to use it."
    )


@transaction.atomic
def demo_connections_ensure(*, store: Store) -> dict[str, PlatformConnection]:
    """The store's connection to each platform's demo account, created (expired, without a token) when missing.

    Existing rows are left as they are: a connection the merchant already signed in to stays active.
    """
    existing = {
        (c.platform, c.external_account_id, c.ad_account_id): c
        for c in PlatformConnection.objects.filter(store=store, platform__in=list(DEMO_CONNECTIONS))
    }
    out: dict[str, PlatformConnection] = {}
    created: list[PlatformConnection] = []
    for platform, demo in DEMO_CONNECTIONS.items():
        connection = existing.get((platform, demo.account_id, demo.ad_account_id))
        if connection is None:
            connection = PlatformConnection(
                store=store,
                platform=platform,
                external_account_id=demo.account_id,
                external_account_name=demo.account_name,
                ad_account_id=demo.ad_account_id,
                ad_account_name=demo.ad_account_name,
                ad_account_currency=demo.currency,
                status=ConnectionStatus.EXPIRED,
                last_error=_reason(platform),
            )
            created.append(connection)
        out[platform] = connection
    PlatformConnection.objects.bulk_create(created)
    ConnectionEvent.objects.bulk_create(
        ConnectionEvent(
            store=store,
            connection=c,
            kind=ConnectionEventKind.EXPIRED,
            reason=_reason(c.platform),
            **Actor.system("demo").row_fields(),
        )
        for c in created
    )
    return out


def demo_connections_seed(*, plan: DemoSeedPlan, progress: ProgressFactory) -> str:
    """Seed step: the demo store's connections to the sandbox's demo accounts (see the module docstring)."""
    connections = demo_connections_ensure(store=plan.store)
    waiting = sum(c.status != ConnectionStatus.ACTIVE for c in connections.values())
    return f"{len(connections)} connections to the sandbox's demo accounts ({waiting} waiting for a sign-in)"


@transaction.atomic
def demo_connections_reset(*, store: Store) -> None:
    """Delete the store's connections and their events. Run after the steps whose rows point at connections."""
    ConnectionEvent.objects.filter(store=store).delete()
    PlatformConnection.objects.filter(store=store).delete()
