"""The sandbox authorization server's state changes: consent codes, token grants, refresh, revoke.

Each platform's quirks live in ``PLATFORM_OAUTH``; the views (``sandbox.oauth.consent``, ``tokens`` and ``views``)
parse the platform's own request shapes and call these functions.
"""

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from platforms.constants import GOOGLE_ADS, INSTAGRAM, META_ADS, PINTEREST, TIKTOK, TIKTOK_ADS, X
from sandbox.models import SandboxAccount, SandboxApp, SandboxAuthCode, SandboxToken

CODE_LIFETIME = dt.timedelta(minutes=10)
SHORT_LIVED_SECONDS = 3600  # Meta's and Instagram's token before the long-lived exchange


@dataclass(frozen=True)
class PlatformOAuth:
    client_param: str = "client_id"  # the authorize query parameter naming the app
    code_param: str = "code"  # the callback parameter carrying the code
    scope_separator: str = " "
    pkce_required: bool = False
    rotates_refresh_token: bool = True
    issues_refresh_token: bool = True
    default_scopes: tuple[str, ...] = ()  # granted when the app decides (TikTok Ads)


PLATFORM_OAUTH: dict[str, PlatformOAuth] = {
    TIKTOK: PlatformOAuth(client_param="client_key", scope_separator=","),
    INSTAGRAM: PlatformOAuth(scope_separator=",", issues_refresh_token=False),
    PINTEREST: PlatformOAuth(scope_separator=","),
    X: PlatformOAuth(pkce_required=True),
    META_ADS: PlatformOAuth(scope_separator=",", issues_refresh_token=False),
    GOOGLE_ADS: PlatformOAuth(rotates_refresh_token=False),
    TIKTOK_ADS: PlatformOAuth(
        client_param="app_id",
        code_param="auth_code",
        issues_refresh_token=False,
        default_scopes=("ad_account_management", "ads_management", "reporting", "audience_management"),
    ),
}


class OAuthFailure(Exception):
    """An RFC 6749 §5.2 error: ``error`` is the code, ``description`` the text, ``status`` the HTTP status."""

    def __init__(self, error: str, description: str, *, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


def split_scopes(platform: str, raw: str) -> list[str]:
    separator = PLATFORM_OAUTH[platform].scope_separator
    return [s.strip() for s in raw.replace(separator, " ").split() if s.strip()]


def client_authenticate(*, platform: str, client_id: str, client_secret: str | None) -> SandboxApp:
    """The app whose credentials these are; ``client_secret`` None means a public client (no secret sent)."""
    app = SandboxApp.objects.filter(platform=platform, client_id=client_id).first()
    if app is None:
        raise OAuthFailure("invalid_client", "Client authentication failed: unknown client.", status=401)
    if client_secret is not None and not hmac.compare_digest(app.client_secret, client_secret):
        raise OAuthFailure("invalid_client", "Client authentication failed.", status=401)
    return app


def _pkce_matches(*, challenge: str, method: str, verifier: str) -> bool:
    if method.upper() == "PLAIN":
        return hmac.compare_digest(challenge, verifier)
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return hmac.compare_digest(challenge, digest)


@transaction.atomic
def auth_code_create(
    *,
    app: SandboxApp,
    account: SandboxAccount,
    redirect_uri: str,
    scopes: list[str],
    code_challenge: str = "",
    code_challenge_method: str = "",
) -> SandboxAuthCode:
    """The user allowed the consent: a single-use code bound to the app, redirect URI and PKCE challenge."""
    return SandboxAuthCode.objects.create(
        platform=app.platform,
        app=app,
        account=account,
        code=secrets.token_urlsafe(24),
        redirect_uri=redirect_uri,
        scopes=scopes or list(PLATFORM_OAUTH[app.platform].default_scopes),
        code_challenge=code_challenge,
        code_challenge_method=(code_challenge_method or ("S256" if code_challenge else "")).upper(),
        expires_at=timezone.now() + CODE_LIFETIME,
    )


def _expiry(seconds: int) -> dt.datetime | None:
    return timezone.now() + dt.timedelta(seconds=seconds) if seconds else None


def token_issue(
    *,
    app: SandboxApp,
    account: SandboxAccount,
    scopes: list[str],
    lifetime: int | None = None,
    long_lived: bool = False,
    refresh: bool | None = None,
) -> SandboxToken:
    """A new token; ``lifetime`` defaults to the app's access lifetime (0 = never expires)."""
    spec = PLATFORM_OAUTH[app.platform]
    with_refresh = spec.issues_refresh_token if refresh is None else refresh
    if app.platform == X and "offline.access" not in scopes:
        with_refresh = False  # X issues a refresh token only with offline.access
    return SandboxToken.objects.create(
        platform=app.platform,
        app=app,
        account=account,
        access_token=f"{app.platform}-at-{secrets.token_urlsafe(32)}",
        refresh_token=f"{app.platform}-rt-{secrets.token_urlsafe(32)}" if with_refresh else None,
        scopes=scopes,
        long_lived=long_lived,
        expires_at=_expiry(app.access_token_lifetime if lifetime is None else lifetime),
        refresh_expires_at=_expiry(app.refresh_token_lifetime) if with_refresh else None,
    )


@transaction.atomic
def code_redeem(*, app: SandboxApp, code: str, redirect_uri: str | None, code_verifier: str) -> SandboxToken:
    """Trade a consent code for a token. A code works once, for its app, redirect URI and PKCE verifier."""
    auth_code = SandboxAuthCode.objects.select_for_update().filter(app=app, code=code).first()
    now = timezone.now()
    if auth_code is None or auth_code.used_at is not None or auth_code.expires_at <= now:
        raise OAuthFailure("invalid_grant", "The authorization code is invalid, expired or already used.")
    if redirect_uri is not None and redirect_uri != auth_code.redirect_uri:
        raise OAuthFailure("invalid_grant", "The redirect_uri does not match the one of the authorization request.")
    if auth_code.code_challenge:
        if not code_verifier:
            raise OAuthFailure("invalid_request", "Missing required parameter: code_verifier.")
        if not _pkce_matches(
            challenge=auth_code.code_challenge, method=auth_code.code_challenge_method, verifier=code_verifier
        ):
            raise OAuthFailure("invalid_grant", "The code_verifier does not match the code_challenge.")
    auth_code.used_at = now
    auth_code.save(update_fields=["used_at"])
    short = app.platform in (META_ADS, INSTAGRAM)
    return token_issue(
        app=app,
        account=auth_code.account,
        scopes=list(auth_code.scopes),
        lifetime=min(SHORT_LIVED_SECONDS, app.access_token_lifetime or SHORT_LIVED_SECONDS) if short else None,
    )


def _live_token(*, app: SandboxApp, access_token: str) -> SandboxToken:
    token = SandboxToken.objects.select_for_update().filter(app=app, access_token=access_token).first()
    if token is None or not token.is_live:
        raise OAuthFailure("invalid_token", "The access token is invalid or has expired.")
    return token


@transaction.atomic
def token_exchange_long_lived(*, app: SandboxApp, access_token: str) -> SandboxToken:
    """Meta's fb_exchange_token and Instagram's ig_exchange_token: a live token for a long-lived one."""
    token = _live_token(app=app, access_token=access_token)
    return token_issue(app=app, account=token.account, scopes=list(token.scopes), long_lived=True)


@transaction.atomic
def token_refresh_long_lived(*, app: SandboxApp, access_token: str) -> SandboxToken:
    """Instagram's ig_refresh_token: an unexpired long-lived token for a fresh one (the old one stops working)."""
    token = _live_token(app=app, access_token=access_token)
    if not token.long_lived:
        raise OAuthFailure("invalid_token", "Only long-lived tokens can be refreshed.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token_issue(app=app, account=token.account, scopes=list(token.scopes), long_lived=True)


@transaction.atomic
def token_refresh(*, app: SandboxApp, refresh_token: str) -> SandboxToken:
    """A refresh grant. Rotating platforms invalidate the old refresh token; Google keeps it."""
    spec = PLATFORM_OAUTH[app.platform]
    token = SandboxToken.objects.select_for_update().filter(app=app, refresh_token=refresh_token).first()
    now = timezone.now()
    if (
        token is None
        or token.revoked_at is not None
        or (token.refresh_expires_at is not None and token.refresh_expires_at <= now)
    ):
        raise OAuthFailure("invalid_grant", "The refresh token is invalid, expired or revoked.")
    if spec.rotates_refresh_token:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        return token_issue(app=app, account=token.account, scopes=list(token.scopes))
    token.access_token = f"{app.platform}-at-{secrets.token_urlsafe(32)}"
    token.expires_at = _expiry(app.access_token_lifetime)
    token.save(update_fields=["access_token", "expires_at"])
    return token


@transaction.atomic
def token_revoke(*, app: SandboxApp, token: str) -> int:
    """Revoke the grant ``token`` (access or refresh) belongs to; unknown tokens are ignored (RFC 7009 §2.2)."""
    live = SandboxToken.objects.filter(app=app, revoked_at__isnull=True)
    return live.filter(Q(access_token=token) | Q(refresh_token=token)).update(revoked_at=timezone.now())


@transaction.atomic
def account_tokens_revoke(*, app: SandboxApp, account: SandboxAccount) -> int:
    """Meta's DELETE /me/permissions: the app loses every token of this user."""
    return SandboxToken.objects.filter(app=app, account=account, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def ad_accounts_for(token: SandboxToken) -> QuerySet[SandboxAccount]:
    """The ad accounts the token's user manages."""
    return token.account.ad_accounts.order_by("external_id")
