"""The sandbox platforms' own state: apps, accounts, tokens, consent codes and fault settings.

Nothing here is Growth Hub data: these tables play the part of the seven platforms' servers.
"""

from django.db import models
from django.utils import timezone

from platforms.constants import ALL_PLATFORMS, SHOPIFY

# The seven marketing platforms and Shopify, whose app install is an OAuth grant like theirs (WooCommerce hands out
# per-site keys instead: sandbox.models.woocommerce).
SANDBOX_OAUTH_PLATFORMS = (*ALL_PLATFORMS, SHOPIFY)
PLATFORM_CHOICES = [(slug, slug) for slug in ALL_PLATFORMS]
OAUTH_PLATFORM_CHOICES = [(slug, slug) for slug in SANDBOX_OAUTH_PLATFORMS]


class SandboxApp(models.Model):
    """A developer app registered at a platform (client id and secret) with the token lifetimes it gets."""

    platform = models.CharField(max_length=16, choices=OAUTH_PLATFORM_CHOICES)
    client_id = models.CharField(max_length=100)
    client_secret = models.CharField(max_length=200)
    access_token_lifetime = models.PositiveIntegerField(default=7200, help_text="seconds; 0 = never expires")
    refresh_token_lifetime = models.PositiveIntegerField(default=86400 * 60, help_text="seconds; 0 = never")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "client_id"], name="sandbox_app_unique")]

    def __str__(self) -> str:
        return f"{self.platform}:{self.client_id}"


class AccountKind(models.TextChoices):
    USER = "user", "User"  # the person who signs in at the consent page
    AD_ACCOUNT = "ad_account", "Ad account"  # an advertiser / customer / act_ account the user may manage


class SandboxAccount(models.Model):
    platform = models.CharField(max_length=16, choices=OAUTH_PLATFORM_CHOICES)
    kind = models.CharField(max_length=16, choices=AccountKind.choices, default=AccountKind.USER)
    external_id = models.CharField(max_length=64)
    name = models.CharField(max_length=120)
    username = models.CharField(max_length=120, blank=True)
    owner = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="ad_accounts")
    currency = models.CharField(max_length=3, default="USD")
    timezone_name = models.CharField(max_length=64, default="America/New_York")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "external_id"], name="sandbox_account_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.name}"


class SandboxAuthCode(models.Model):
    """A consent that was allowed: single use, short-lived, bound to the redirect URI and PKCE challenge."""

    platform = models.CharField(max_length=16, choices=OAUTH_PLATFORM_CHOICES)
    app = models.ForeignKey(SandboxApp, on_delete=models.CASCADE)
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE)
    code = models.CharField(max_length=128, unique=True)
    redirect_uri = models.CharField(max_length=500)
    scopes = models.JSONField(default=list)
    code_challenge = models.CharField(max_length=128, blank=True)
    code_challenge_method = models.CharField(max_length=10, blank=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.platform} consent of {self.account_id}"


class SandboxToken(models.Model):
    platform = models.CharField(max_length=16, choices=OAUTH_PLATFORM_CHOICES)
    app = models.ForeignKey(SandboxApp, on_delete=models.CASCADE, related_name="tokens")
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="tokens")
    access_token = models.CharField(max_length=200, unique=True)
    refresh_token = models.CharField(max_length=200, unique=True, null=True, blank=True)
    scopes = models.JSONField(default=list)
    long_lived = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="empty = never expires")
    refresh_expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.platform} token of {self.account_id}"

    @property
    def is_live(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class SandboxFault(models.Model):
    """Failure injection for one platform (or every platform when ``platform`` is empty).

    Each API request draws once: ``error_rate`` answers a 5xx, ``rate_limit_rate`` a 429 with Retry-After,
    ``timeout_rate`` carries the request out and then sleeps ``timeout_seconds`` before answering, so the
    client's read timeout fires although the platform acted: the ambiguous case a client must look up before
    retrying a create. ``error_after_rate`` carries the request out and then answers a 5xx instead of its result
    (a platform failing after the side effect), the other ambiguous case. ``path_contains`` narrows the faults to
    the requests whose path contains it (one endpoint, e.g. ``/v2/post/publish/content/init/``).
    """

    platform = models.CharField(max_length=16, choices=OAUTH_PLATFORM_CHOICES, blank=True, unique=True)
    enabled = models.BooleanField(default=True)
    error_rate = models.FloatField(default=0.0)
    rate_limit_rate = models.FloatField(default=0.0)
    retry_after_seconds = models.PositiveIntegerField(default=1)
    timeout_rate = models.FloatField(default=0.0)
    timeout_seconds = models.FloatField(default=2.0)
    error_after_rate = models.FloatField(default=0.0, help_text="share of requests answered 5xx after acting")
    path_contains = models.CharField(
        max_length=200, blank=True, help_text="fail only requests whose path contains this; empty = every request"
    )
    latency_ms = models.PositiveIntegerField(default=0)
    seed = models.IntegerField(null=True, blank=True, help_text="fixed seed for a repeatable sequence of faults")

    def __str__(self) -> str:
        return f"faults for {self.platform or 'all platforms'}"
