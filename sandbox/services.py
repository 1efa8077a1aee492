"""Changes to the sandbox platforms' own state: bootstrapping apps and demo accounts, revoking tokens, faults."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from platforms.constants import (
    GOOGLE_ADS,
    INSTAGRAM,
    META_ADS,
    PINTEREST,
    TIKTOK,
    TIKTOK_ADS,
    X,
)
from sandbox.models import AccountKind, SandboxAccount, SandboxApp, SandboxFault, SandboxToken
from sandbox.models.core import SANDBOX_OAUTH_PLATFORMS


@dataclass(frozen=True)
class DemoAccount:
    external_id: str
    name: str
    username: str
    ad_accounts: tuple[tuple[str, str, str], ...] = ()  # (external id, name, currency)


# Two people per platform who can sign in at the consent page; on the ad platforms each manages ad accounts.
# Ids look like the platform's own: TikTok open_ids, Instagram and X numeric ids, Meta `act_` accounts, Google
# customer ids of ten digits, TikTok advertiser ids of nineteen.
DEMO_ACCOUNTS: dict[str, tuple[DemoAccount, ...]] = {
    TIKTOK: (
        DemoAccount("-000northwindTTopenid01", "Northwind Outfitters", "northwind.outfitters"),
        DemoAccount("-000trailheadTTopenid02", "Trailhead Demo", "trailhead.demo"),
    ),
    INSTAGRAM: (
        DemoAccount("17841400000000001", "Northwind Outfitters", "northwind.outfitters"),
        DemoAccount("17841400000000002", "Trailhead Demo", "trailhead.demo"),
    ),
    PINTEREST: (
        DemoAccount("pinterest-northwind", "Northwind Outfitters", "northwindoutfitters"),
        DemoAccount("pinterest-trailhead", "Trailhead Demo", "trailheaddemo"),
    ),
    X: (
        DemoAccount("1500000000000000001", "Northwind Outfitters", "northwind_out"),
        DemoAccount("1500000000000000002", "Trailhead Demo", "trailhead_demo"),
    ),
    META_ADS: (
        DemoAccount(
            "10200000000000001",
            "Nora Northwind",
            "nora.northwind",
            (("act_1000001", "Northwind Outfitters US", "USD"), ("act_1000002", "Northwind Outfitters EU", "EUR")),
        ),
        DemoAccount("10200000000000002", "Tom Trailhead", "tom.trailhead", (("act_1000003", "Trailhead Demo", "USD"),)),
    ),
    GOOGLE_ADS: (
        DemoAccount(
            "google-sub-100000000000000000001",
            "Nora Northwind",
            "nora@northwind.example",
            (
                ("1234567890", "Northwind Outfitters Search", "USD"),
                ("2345678901", "Northwind Outfitters Shopping", "USD"),
            ),
        ),
        DemoAccount(
            "google-sub-100000000000000000002",
            "Tom Trailhead",
            "tom@trailhead.example",
            (("3456789012", "Trailhead Demo", "USD"),),
        ),
    ),
    TIKTOK_ADS: (
        DemoAccount(
            "7100000000000000001",
            "Nora Northwind",
            "nora.northwind",
            (
                ("7000000000000000001", "Northwind Outfitters Ads", "USD"),
                ("7000000000000000002", "Northwind Outfitters Spark", "USD"),
                ("7000000000000000003", "Northwind Outfitters Retargeting", "USD"),
            ),
        ),
        DemoAccount(
            "7100000000000000002",
            "Tom Trailhead",
            "tom.trailhead",
            (("7000000000000000004", "Trailhead Demo Ads", "USD"),),
        ),
    ),
}


def _lifetimes(platform: str) -> tuple[int, int]:
    """(access, refresh) seconds a new app gets: TikTok advertiser tokens never expire; Meta and Instagram hand
    out long-lived tokens (their "access" lifetime is the long-lived one) and no refresh token."""
    if platform == TIKTOK_ADS:
        return 0, 0
    if platform in (META_ADS, INSTAGRAM):
        return settings.SANDBOX_LONG_LIVED_TOKEN_LIFETIME, 0
    return settings.SANDBOX_ACCESS_TOKEN_LIFETIME, settings.SANDBOX_REFRESH_TOKEN_LIFETIME


@transaction.atomic
def sandbox_bootstrap(*, platforms: tuple[str, ...] = SANDBOX_OAUTH_PLATFORMS) -> dict[str, int]:
    """Create the sandbox apps (client ids and secrets from ``settings.PLATFORM_CREDENTIALS``) and the demo
    accounts of each platform (a Shopify shop is its own account: ``sandbox.shopify.services``).
    Idempotent: existing rows keep their lifetimes and names as staff edited them.

    Returns how many apps and accounts were created.
    """
    created = {"apps": 0, "accounts": 0}
    for platform in platforms:
        creds = settings.PLATFORM_CREDENTIALS[platform]
        access, refresh = _lifetimes(platform)
        app, app_created = SandboxApp.objects.get_or_create(
            platform=platform,
            client_id=creds["client_id"],
            defaults={
                "client_secret": creds["client_secret"],
                "access_token_lifetime": access,
                "refresh_token_lifetime": refresh,
            },
        )
        created["apps"] += int(app_created)
        for demo in DEMO_ACCOUNTS.get(platform, ()):
            user, user_created = SandboxAccount.objects.get_or_create(
                platform=platform,
                external_id=demo.external_id,
                defaults={"kind": AccountKind.USER, "name": demo.name, "username": demo.username},
            )
            created["accounts"] += int(user_created)
            for external_id, name, currency in demo.ad_accounts:
                _, ad_created = SandboxAccount.objects.get_or_create(
                    platform=platform,
                    external_id=external_id,
                    defaults={"kind": AccountKind.AD_ACCOUNT, "name": name, "owner": user, "currency": currency},
                )
                created["accounts"] += int(ad_created)
    return created


def sandbox_app_for_client(*, platform: str, client_id: str) -> SandboxApp | None:
    """The app registered under ``client_id``; the configured app is created on first use."""
    app = SandboxApp.objects.filter(platform=platform, client_id=client_id).first()
    if app is None and client_id == settings.PLATFORM_CREDENTIALS[platform]["client_id"]:
        sandbox_bootstrap(platforms=(platform,))
        app = SandboxApp.objects.filter(platform=platform, client_id=client_id).first()
    return app


@transaction.atomic
def sandbox_app_revoke_all_tokens(*, app: SandboxApp) -> int:
    """Revoke every live token the app holds (as when a platform resets an app's secret); returns how many."""
    return SandboxToken.objects.filter(app=app, revoked_at__isnull=True).update(revoked_at=timezone.now())


FAULT_FIELDS = (
    "enabled",
    "error_rate",
    "rate_limit_rate",
    "retry_after_seconds",
    "timeout_rate",
    "timeout_seconds",
    "error_after_rate",
    "latency_ms",
    "seed",
    "path_contains",
)


@transaction.atomic
def sandbox_faults_apply(*, faults: dict[str, dict[str, Any]], replace: bool = False) -> int:
    """Set fault injection per platform from a mapping like ``{"x": {"error_rate": 0.2}, "*": {...}}``.

    ``"*"`` (or ``""``) means every platform. With ``replace`` the faults of platforms not named are removed.
    Returns how many fault rows were written. Unknown platforms or fields raise ValueError and change nothing.
    """
    rows: dict[str, dict[str, Any]] = {}
    for key, values in faults.items():
        platform = "" if key in ("*", "") else key
        if platform and platform not in SANDBOX_OAUTH_PLATFORMS:
            raise ValueError(f"Unknown platform {key!r}.")
        unknown = set(values) - set(FAULT_FIELDS)
        if unknown:
            raise ValueError(f"Unknown fault settings: {', '.join(sorted(unknown))}.")
        rows[platform] = values
    if replace:
        SandboxFault.objects.exclude(platform__in=list(rows)).delete()
    for platform, values in rows.items():
        SandboxFault.objects.update_or_create(platform=platform, defaults=values)
    return len(rows)
