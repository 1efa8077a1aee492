"""Tenancy: a store, the people who work on it, and the API keys other systems use."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from stores.money import DEFAULT_LOCALE, LOCALE_MAX_LENGTH, locale_check


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone.")


def validate_currency(value: str) -> None:
    if len(value) != 3 or not value.isalpha() or not value.isupper():
        raise ValidationError(f"{value!r} is not an ISO 4217 currency code (three capital letters).")


def validate_locale(value: str) -> None:
    try:
        locale_check(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


class StoreStatus(models.TextChoices):
    ACTIVE = "active", "Active"  # trading; automations run
    PAUSED = "paused", "Paused"  # kept, but automations do not act on it
    CLOSED = "closed", "Closed"  # read-only history


class Store(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    storefront_domain = models.CharField(max_length=253, blank=True, help_text="e.g. shop.example.com")
    currency = models.CharField(max_length=3, default="USD", validators=[validate_currency])
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    locale = models.CharField(
        max_length=LOCALE_MAX_LENGTH,
        default=DEFAULT_LOCALE,
        validators=[validate_locale],
        help_text="How amounts are written on the store's pages, e.g. en_US ($1,234.50), de_DE (1.234,50 $).",
    )
    status = models.CharField(max_length=16, choices=StoreStatus.choices, default=StoreStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(currency__regex=r"^[A-Z]{3}$"), name="store_currency_iso"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class Role(models.TextChoices):
    OWNER = "owner", "Owner"  # everything, including members, keys and deleting connections
    ADMIN = "admin", "Admin"  # everything but ownership
    MARKETER = "marketer", "Marketer"  # plans, publishes, runs campaigns
    ANALYST = "analyst", "Analyst"  # reads everything, changes nothing


WRITE_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.MARKETER})
MANAGE_ROLES = frozenset({Role.OWNER, Role.ADMIN})


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MARKETER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["store__name"]
        constraints = [models.UniqueConstraint(fields=["user", "store"], name="membership_unique_user_store")]

    def __str__(self) -> str:
        return f"{self.user} · {self.store} ({self.role})"

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES

    @property
    def can_manage(self) -> bool:
        return self.role in MANAGE_ROLES


class StoreApiKey(models.Model):
    """An API key for other systems. Only a SHA-256 hash is stored; the prefix identifies it in lists."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MARKETER)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "store API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
