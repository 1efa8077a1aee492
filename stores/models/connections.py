"""A store's connection to one account on one platform, with its tokens encrypted at rest."""

from django.conf import settings
from django.db import models

from platforms.constants import CONNECTABLE_PLATFORMS, PLATFORM_NAMES
from stores import crypto
from stores.models.actors import ActorFields
from stores.models.tenancy import Store


class ConnectionStatus(models.TextChoices):
    ACTIVE = "active", "Active"  # tokens work; posts and campaigns may use it
    EXPIRED = "expired", "Expired"  # refresh refused or token ran out: the merchant must reconnect
    REVOKED = "revoked", "Revoked"  # disconnected by the merchant; tokens wiped
    ERROR = "error", "Error"  # the platform keeps failing; see last_error


PLATFORM_CHOICES = [(p, PLATFORM_NAMES[p]) for p in CONNECTABLE_PLATFORMS]


class PlatformConnection(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="connections")
    platform = models.CharField(max_length=16, choices=PLATFORM_CHOICES)
    # A WooCommerce account is the site's URL, hence the width.
    external_account_id = models.CharField(max_length=255)
    external_account_name = models.CharField(max_length=200, blank=True)
    ad_account_id = models.CharField(max_length=64, blank=True)
    ad_account_name = models.CharField(max_length=200, blank=True)
    scopes = models.JSONField(default=list, blank=True)
    access_token_encrypted = models.TextField(blank=True, editable=False)
    refresh_token_encrypted = models.TextField(blank=True, editable=False)
    # WooCommerce signs each webhook with the secret chosen when the hub created it (Shopify uses the app secret).
    webhook_secret_encrypted = models.TextField(blank=True, editable=False)
    access_token_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_token_expires_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=ConnectionStatus.choices, default=ConnectionStatus.ACTIVE)
    last_error = models.TextField(blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    # When the owners were last warned that this token cannot be renewed and runs out soon (Meta's long-lived).
    expiry_warned_at = models.DateTimeField(null=True, blank=True)
    ad_account_currency = models.CharField(max_length=3, blank=True)
    connected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    connected_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["platform", "external_account_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "platform", "external_account_id", "ad_account_id"],
                name="connection_unique_store_platform_account",
            )
        ]
        indexes = [models.Index(fields=["status", "access_token_expires_at"])]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} · {self.external_account_name or self.external_account_id}"

    def __repr__(self) -> str:
        return f"<PlatformConnection {self.pk} {self.platform} {self.status}>"

    @property
    def access_token(self) -> str:
        return crypto.decrypt(self.access_token_encrypted)

    @access_token.setter
    def access_token(self, value: str) -> None:
        self.access_token_encrypted = crypto.encrypt(value)

    @property
    def refresh_token(self) -> str:
        return crypto.decrypt(self.refresh_token_encrypted)

    @refresh_token.setter
    def refresh_token(self, value: str) -> None:
        self.refresh_token_encrypted = crypto.encrypt(value)

    @property
    def webhook_secret(self) -> str:
        return crypto.decrypt(self.webhook_secret_encrypted)

    @webhook_secret.setter
    def webhook_secret(self, value: str) -> None:
        self.webhook_secret_encrypted = crypto.encrypt(value)

    @property
    def is_active(self) -> bool:
        return self.status == ConnectionStatus.ACTIVE


class ConnectionEventKind(models.TextChoices):
    CONNECTED = "connected", "Connected"  # first consent for this account
    RECONNECTED = "reconnected", "Reconnected"  # a new consent for an account already on record
    REFRESHED = "refreshed", "Token renewed"  # beat renewed the access token
    REFRESH_FAILED = "refresh_failed", "Renewal failed"  # the platform was unreachable; retried later
    EXPIRED = "expired", "Expired"  # refresh refused, token ran out or a call was refused: reconnect needed
    EXPIRY_WARNED = "expiry_warned", "Owners warned"  # a token that cannot be renewed runs out soon
    DISCONNECTED = "disconnected", "Disconnected"  # the merchant disconnected; tokens wiped
    UNINSTALLED = "uninstalled", "Uninstalled"  # the merchant removed the app at the store platform; tokens wiped
    REVOKE_FAILED = "revoke_failed", "Revoke failed"  # the platform did not confirm the revoke (best effort)
    # Disconnected without a revoke at the platform: another connection (of any store) rests on the same grant.
    GRANT_KEPT = "grant_kept", "Grant kept"
    ERROR = "error", "Error"  # the platform keeps failing


class ConnectionEvent(ActorFields):
    """One change in a connection's life, with who or what caused it (the ``ActorFields``) and why."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="connection_events")
    connection = models.ForeignKey(PlatformConnection, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=ConnectionEventKind.choices)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.connection_id}"


class OAuthState(models.Model):
    """One pending consent: single use, bound to the user, store and platform, short-lived.

    The PKCE verifier never leaves the server. For ad platforms with several ad accounts the granted tokens wait
    here (encrypted) until the merchant picks one.
    """

    state = models.CharField(max_length=64, unique=True)
    code_verifier_encrypted = models.TextField(blank=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="oauth_states")
    platform = models.CharField(max_length=16, choices=PLATFORM_CHOICES)
    redirect_target = models.CharField(max_length=200, blank=True)
    # The store account the consent is for, as the merchant typed it (normalised): a Shopify shop domain. The
    # callback must name the same one. Empty for the seven platforms, whose account is whoever signs in.
    account_hint = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    pending_tokens_encrypted = models.TextField(blank=True, editable=False)
    pending_account = models.JSONField(default=dict, blank=True)  # {"id", "name", "ad_accounts": [...]}
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.platform} consent for store {self.store_id}"

    def __repr__(self) -> str:
        return f"<OAuthState {self.pk} {self.platform}>"

    @property
    def code_verifier(self) -> str:
        return crypto.decrypt(self.code_verifier_encrypted)

    @code_verifier.setter
    def code_verifier(self, value: str) -> None:
        self.code_verifier_encrypted = crypto.encrypt(value)

    @property
    def pending_tokens(self) -> str:
        return crypto.decrypt(self.pending_tokens_encrypted)

    @pending_tokens.setter
    def pending_tokens(self, value: str) -> None:
        self.pending_tokens_encrypted = crypto.encrypt(value)
