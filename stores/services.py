"""State changes for tenancy: stores, memberships and API keys."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from stores.exceptions import ApplicationError
from stores.models import Membership, Role, Store, StoreApiKey
from stores.models.tenancy import validate_timezone

API_KEY_PREFIX = "gh_"


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "store"
    slug, n = base, 2
    while Store.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def store_create_with_owner(
    *, owner: AbstractBaseUser, name: str, currency: str = "USD", timezone_name: str = "UTC", domain: str = ""
) -> Store:
    """Create a store and make ``owner`` its owner. Raises ApplicationError for a bad name, currency or zone."""
    name = name.strip()
    if not name:
        raise ApplicationError("A store needs a name.", code="store_name_required")
    currency = currency.strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ApplicationError(f"{currency!r} is not a three-letter currency code.", code="invalid_currency")
    try:
        validate_timezone(timezone_name)
    except Exception as exc:
        raise ApplicationError(f"{timezone_name!r} is not a known time zone.", code="invalid_timezone") from exc
    store = Store.objects.create(
        name=name, slug=_unique_slug(name), currency=currency, timezone=timezone_name, storefront_domain=domain
    )
    Membership.objects.create(user=owner, store=store, role=Role.OWNER)
    return store


def _hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def api_key_create(
    *, store: Store, name: str, created_by: AbstractBaseUser | None, role: str = Role.MARKETER
) -> tuple[StoreApiKey, str]:
    """Create an API key; returns the row and the raw key, which is shown once and never stored."""
    if not name.strip():
        raise ApplicationError("Give the key a name so you can recognise it later.", code="api_key_name_required")
    if role not in Role.values or role == Role.OWNER:
        raise ApplicationError("An API key may be admin, marketer or analyst.", code="invalid_role")
    prefix = secrets.token_hex(4)
    raw_key = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = StoreApiKey.objects.create(
        store=store, name=name.strip(), prefix=prefix, key_hash=_hash_key(raw_key), role=role, created_by=created_by
    )
    return key, raw_key


def api_key_authenticate(*, raw_key: str) -> StoreApiKey | None:
    """The live key matching ``raw_key`` (its last use recorded), or None."""
    if not raw_key.startswith(API_KEY_PREFIX):
        return None
    key = (
        StoreApiKey.objects.select_related("store").filter(key_hash=_hash_key(raw_key), revoked_at__isnull=True).first()
    )
    if key is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        StoreApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def api_key_revoke(*, key: StoreApiKey) -> None:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
