"""A store's connection to one account on one platform, with its tokens encrypted at rest."""

from django.conf import settings
from django.db import models

from platforms.constants import ALL_PLATFORMS, PLATFORM_NAMES
from stores import crypto
from stores.models.tenancy import Store


class ConnectionStatus(models.TextChoices):
    ACTIVE = "active", "Active"  # tokens work; posts and campaigns may use it
    EXPIRED = "expired", "Expired"  # refresh refused or token ran out: the merchant must reconnect
    REVOKED = "revoked", "Revoked"  # disconnected by the merchant; tokens wiped
    ERROR = "error", "Error"  # the platform keeps failing; see last_error


class PlatformConnection(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="connections")
    platform = models.CharField(max_length=16, choices=[(p, PLATFORM_NAMES[p]) for p in ALL_PLATFORMS])
    external_account_id = models.CharField(max_length=64)
    external_account_name = models.CharField(max_length=200, blank=True)
    ad_account_id = models.CharField(max_length=64, blank=True)
    ad_account_name = models.CharField(max_length=200, blank=True)
    scopes = models.JSONField(default=list, blank=True)
    access_token_encrypted = models.TextField(blank=True, editable=False)
    refresh_token_encrypted = models.TextField(blank=True, editable=False)
    access_token_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_token_expires_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=ConnectionStatus.choices, default=ConnectionStatus.ACTIVE)
    last_error = models.TextField(blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
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
    def is_active(self) -> bool:
        return self.status == ConnectionStatus.ACTIVE
