"""Test helpers that stand up a sandbox account and a store connection to it without the consent dance.

The OAuth round trip itself is tested in tests/stores and tests/sandbox; tests of the social and ads agents start
from a connected store.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.utils import timezone

from sandbox.models import AccountKind, SandboxAccount, SandboxApp, SandboxToken
from stores.models import PlatformConnection, Store


def sandbox_app(platform: str) -> SandboxApp:
    creds = settings.PLATFORM_CREDENTIALS[platform]
    app, _ = SandboxApp.objects.get_or_create(
        platform=platform, client_id=creds["client_id"], defaults={"client_secret": creds["client_secret"]}
    )
    return app


def sandbox_token(
    platform: str,
    *,
    scopes: list[str] | None = None,
    account: SandboxAccount | None = None,
    expires_in: int | None = 3600,
) -> SandboxToken:
    """A live token at the sandbox for ``platform`` (a user account and, for ad platforms, one ad account)."""
    app = sandbox_app(platform)
    if account is None:
        n = SandboxAccount.objects.filter(platform=platform, kind=AccountKind.USER).count() + 1
        account = SandboxAccount.objects.create(
            platform=platform,
            kind=AccountKind.USER,
            external_id=f"{platform}-user-{n}",
            name=f"Test {platform} {n}",
            username=f"test_{platform}_{n}",
        )
    return SandboxToken.objects.create(
        platform=platform,
        app=app,
        account=account,
        access_token=f"sbx-{platform}-{secrets.token_urlsafe(24)}",
        refresh_token=f"sbr-{platform}-{secrets.token_urlsafe(24)}",
        scopes=scopes or [],
        expires_at=timezone.now() + dt.timedelta(seconds=expires_in) if expires_in else None,
        refresh_expires_at=timezone.now() + dt.timedelta(days=60),
    )


def sandbox_ad_account(token: SandboxToken, *, external_id: str, name: str = "Test ad account") -> SandboxAccount:
    return SandboxAccount.objects.create(
        platform=token.platform, kind=AccountKind.AD_ACCOUNT, external_id=external_id, name=name, owner=token.account
    )


def connect_store(
    store: Store, platform: str, *, scopes: list[str] | None = None, ad_account_id: str = ""
) -> PlatformConnection:
    """A store connection holding a live sandbox token (and ad account, where given)."""
    token = sandbox_token(platform, scopes=scopes)
    if ad_account_id:
        sandbox_ad_account(token, external_id=ad_account_id)
    connection = PlatformConnection(
        store=store,
        platform=platform,
        external_account_id=token.account.external_id,
        external_account_name=token.account.name,
        ad_account_id=ad_account_id,
        scopes=list(token.scopes),
        access_token_expires_at=token.expires_at,
        refresh_token_expires_at=token.refresh_expires_at,
    )
    connection.access_token = token.access_token
    connection.refresh_token = token.refresh_token or ""
    connection.save()
    return connection
