"""State changes for tenancy: stores, memberships and API keys.

Services that act for someone take ``actor`` (a ``stores.actors.Actor``: a member, an API key, or Growth Hub
itself) and refuse what a member's role does not allow, so every caller (view, API, admin action) gets the same
rules; Growth Hub itself (an admin action, a command) is not refused. Each change is logged to the
``stores.audit`` logger with who did it; secrets are never logged.
"""

import hashlib
import logging
import re
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from stores.actors import SYSTEM, Actor
from stores.exceptions import ApplicationError, Conflict, PermissionDenied
from stores.hooks import store_created
from stores.models import Membership, Role, Store, StoreApiKey
from stores.models.tenancy import MANAGE_ROLES, WRITE_ROLES, validate_timezone
from stores.money import DEFAULT_LOCALE, locale_check
from stores.permissions import MANAGE_ONLY_MESSAGE, READ_ONLY_MESSAGE, membership_require

API_KEY_PREFIX = "gh_"
OWNER_ONLY_MESSAGE = "Only an owner can make someone an owner or change an owner's role."
LAST_OWNER_MESSAGE = "A store needs at least one owner. Make someone else an owner first."
DOMAIN_RE = re.compile(r"^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$")

audit = logging.getLogger("stores.audit")


def _actor_role(actor: Actor) -> str | None:
    """The role the actor acts with: the member's, else the API key's; None for Growth Hub itself."""
    if actor.membership is not None:
        return actor.membership.role
    return actor.api_key.role if actor.api_key is not None else None


def _require_manage(actor: Actor) -> None:
    """Refuse a member or key that is not owner or admin (an analyst hears that analysts change nothing)."""
    if actor.membership is not None:
        membership_require(actor.membership, manage=True)
        return
    role = _actor_role(actor)
    if role is not None and role not in WRITE_ROLES:
        raise PermissionDenied(READ_ONLY_MESSAGE)
    if role is not None and role not in MANAGE_ROLES:
        raise PermissionDenied(MANAGE_ONLY_MESSAGE)


def _acts_as_owner(actor: Actor) -> bool:
    """An owner of the store, or Growth Hub itself: the only ones who touch the owner role."""
    role = _actor_role(actor)
    return role is None or role == Role.OWNER


def _user_id(actor: Actor) -> int | None:
    return getattr(actor.user, "pk", None)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "store"
    slug, n = base, 2
    while Store.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ApplicationError("A store needs a name.", code="store_name_required")
    if len(name) > Store._meta.get_field("name").max_length:
        raise ApplicationError("A store name has at most 120 characters.", code="store_name_too_long")
    return name


def _clean_currency(currency: str) -> str:
    currency = currency.strip().upper()
    if len(currency) != 3 or not currency.isascii() or not currency.isalpha():
        raise ApplicationError(f"{currency!r} is not a three-letter currency code.", code="invalid_currency")
    return currency


def _clean_timezone(timezone_name: str) -> str:
    try:
        validate_timezone(timezone_name)
    except Exception as exc:
        raise ApplicationError(f"{timezone_name!r} is not a known time zone.", code="invalid_timezone") from exc
    return timezone_name


def _clean_locale(locale: str) -> str:
    try:
        return locale_check(locale.strip())
    except ValueError as exc:
        raise ApplicationError(str(exc), code="invalid_locale") from exc


def _clean_domain(domain: str) -> str:
    """``https://Shop.Example.com/path`` becomes ``shop.example.com``; anything but a host name is refused."""
    domain = domain.strip().lower()
    domain = re.sub(r"^[a-z][a-z0-9+.-]*://", "", domain).split("/", 1)[0]
    if domain and not DOMAIN_RE.match(domain):
        raise ApplicationError(f"{domain!r} is not a domain name like shop.example.com.", code="invalid_domain")
    return domain


@transaction.atomic
def store_create_with_owner(
    *,
    owner: AbstractBaseUser,
    name: str,
    currency: str = "USD",
    timezone_name: str = "UTC",
    domain: str = "",
    locale: str = DEFAULT_LOCALE,
) -> Store:
    """Create a store and make ``owner`` its owner. Raises ApplicationError for a bad name, currency, zone or locale."""
    name = _clean_name(name)
    store = Store.objects.create(
        name=name,
        slug=_unique_slug(name),
        currency=_clean_currency(currency),
        timezone=_clean_timezone(timezone_name),
        storefront_domain=_clean_domain(domain),
        locale=_clean_locale(locale),
    )
    Membership.objects.create(user=owner, store=store, role=Role.OWNER)
    store_created(store=store)
    audit.info("store created", extra={"store_id": store.pk, "user_id": owner.pk})
    return store


@transaction.atomic
def store_update(
    *,
    store: Store,
    actor: Actor,
    name: str,
    currency: str,
    timezone_name: str,
    domain: str,
    locale: str | None = None,
) -> Store:
    """Change the store's name, currency, time zone, storefront domain and (when given) locale; owners and admins.

    The slug stays as it is so links and bookmarks keep working.
    """
    _require_manage(actor)
    store.name = _clean_name(name)
    store.currency = _clean_currency(currency)
    store.timezone = _clean_timezone(timezone_name)
    store.storefront_domain = _clean_domain(domain)
    fields = ["name", "currency", "timezone", "storefront_domain"]
    if locale is not None:
        store.locale = _clean_locale(locale)
        fields.append("locale")
    store.save(update_fields=fields)
    audit.info("store updated", extra={"store_id": store.pk, "user_id": _user_id(actor)})
    return store


def _clean_role(role: str) -> str:
    if role not in Role.values:
        raise ApplicationError(
            f"{role!r} is not a role. Choose owner, admin, marketer or analyst.", code="invalid_role"
        )
    return role


def _lock_store(store: Store) -> None:
    """Serialise membership changes of one store, so two requests cannot each remove 'the other' last owner."""
    Store.objects.select_for_update().filter(pk=store.pk).first()


def _other_owners_exist(membership: Membership) -> bool:
    return Membership.objects.filter(store_id=membership.store_id, role=Role.OWNER).exclude(pk=membership.pk).exists()


@transaction.atomic
def membership_add(*, store: Store, actor: Actor, email: str, role: str) -> Membership:
    """Give an existing Growth Hub user a role in ``store``.

    Owners and admins only; only an owner can add another owner. Refuses an unknown email (they sign up first) and
    someone who is already a member (Conflict).
    """
    _require_manage(actor)
    role = _clean_role(role)
    if role == Role.OWNER and not _acts_as_owner(actor):
        raise PermissionDenied(OWNER_ONLY_MESSAGE)
    email = email.strip()
    user = get_user_model().objects.filter(email__iexact=email).order_by("pk").first() if email else None
    if user is None:
        raise ApplicationError(
            "No one has a Growth Hub account with that email yet. Ask them to sign up, then add them here.",
            code="user_not_found",
        )
    _lock_store(store)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(store=store, user=user, role=role)
    except IntegrityError as exc:
        raise Conflict(f"{user.email} is already a member of {store.name}.", code="already_member") from exc
    audit.info(
        "member added", extra={"store_id": store.pk, "user_id": _user_id(actor), "member_id": user.pk, "role": role}
    )
    return membership


@transaction.atomic
def membership_change_role(*, membership: Membership, actor: Actor, role: str) -> Membership:
    """Change a member's role. Owners and admins only; only an owner touches the owner role; never the last owner."""
    _require_manage(actor)
    role = _clean_role(role)
    if Role.OWNER in (membership.role, role) and not _acts_as_owner(actor):
        raise PermissionDenied(OWNER_ONLY_MESSAGE)
    _lock_store(membership.store)
    membership.refresh_from_db(fields=["role"])
    if membership.role == role:
        return membership
    if membership.role == Role.OWNER and not _other_owners_exist(membership):
        raise Conflict(LAST_OWNER_MESSAGE, code="last_owner")
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit.info(
        "member role changed",
        extra={
            "store_id": membership.store_id,
            "user_id": _user_id(actor),
            "member_id": membership.user_id,
            "from_role": previous,
            "role": role,
        },
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: Actor) -> None:
    """Take a member out of the store. Owners and admins only (an admin cannot remove an owner); never the last owner.

    Their API keys stay: keys belong to the store, not to the person who made them.
    """
    _require_manage(actor)
    if membership.role == Role.OWNER and not _acts_as_owner(actor):
        raise PermissionDenied(OWNER_ONLY_MESSAGE)
    _lock_store(membership.store)
    membership.refresh_from_db(fields=["role"])
    if membership.role == Role.OWNER and not _other_owners_exist(membership):
        raise Conflict(LAST_OWNER_MESSAGE, code="last_owner")
    member_id, store_id = membership.user_id, membership.store_id
    membership.delete()
    audit.info("member removed", extra={"store_id": store_id, "user_id": _user_id(actor), "member_id": member_id})


def _hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *,
    store: Store,
    name: str,
    created_by: AbstractBaseUser | None,
    role: str = Role.MARKETER,
    actor: Actor = SYSTEM,
) -> tuple[StoreApiKey, str]:
    """Create an API key; returns the row and the raw key, which is shown once and never stored.

    Only the SHA-256 of the key is kept; the prefix (also inside the raw key) identifies it in lists. A member
    acting in the dashboard (``actor``) must be an owner or admin; Growth Hub itself (the default) is not refused.
    """
    _require_manage(actor)
    name = name.strip()
    if not name:
        raise ApplicationError("Give the key a name so you can recognise it later.", code="api_key_name_required")
    if len(name) > StoreApiKey._meta.get_field("name").max_length:
        raise ApplicationError("A key name has at most 80 characters.", code="api_key_name_too_long")
    if role not in Role.values or role == Role.OWNER:
        raise ApplicationError("An API key may be admin, marketer or analyst.", code="invalid_role")
    prefix = secrets.token_hex(4)
    raw_key = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = StoreApiKey.objects.create(
        store=store, name=name, prefix=prefix, key_hash=_hash_key(raw_key), role=role, created_by=created_by
    )
    audit.info(
        "api key created",
        extra={"store_id": store.pk, "user_id": getattr(created_by, "pk", None), "prefix": prefix, "role": role},
    )
    return key, raw_key


def api_key_authenticate(*, raw_key: str) -> StoreApiKey | None:
    """The live key matching ``raw_key`` (its last use recorded, at most once a minute), or None."""
    if not raw_key.startswith(API_KEY_PREFIX):
        return None
    key = (
        StoreApiKey.objects.select_related("store", "created_by")
        .filter(key_hash=_hash_key(raw_key), revoked_at__isnull=True)
        .first()
    )
    if key is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        StoreApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


@transaction.atomic
def api_key_revoke(*, key: StoreApiKey, actor: Actor = SYSTEM) -> StoreApiKey:
    """Revoke a key for good; revoking twice keeps the first time. A member ``actor``: owners and admins only."""
    _require_manage(actor)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit.info(
            "api key revoked",
            extra={"store_id": key.store_id, "user_id": _user_id(actor), "prefix": key.prefix},
        )
    return key
