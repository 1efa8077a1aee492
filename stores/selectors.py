"""Read queries for tenancy. Anything a user reaches goes through a store the user is a member of."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, QuerySet, Value, When
from django.http import Http404

from stores.models import Membership, Product, Role, Store, StoreApiKey

ROLE_ORDER = (Role.OWNER, Role.ADMIN, Role.MARKETER, Role.ANALYST)


def memberships_for_user(*, user: AbstractBaseUser) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("store").order_by("store__name")


def membership_get_for_user(*, user: AbstractBaseUser, store_id: int | None = None) -> Membership | None:
    """The user's membership of ``store_id``, or of their first store when no id is given; None if none."""
    if not user.is_authenticated:
        return None
    memberships = memberships_for_user(user=user)
    if store_id is not None:
        return memberships.filter(store_id=store_id).first()
    return memberships.first()


def store_get_for_user(*, user: AbstractBaseUser, slug: str) -> Membership:
    """The membership that lets ``user`` see the store ``slug``; 404 when there is none, as if it did not exist."""
    membership = memberships_for_user(user=user).filter(store__slug=slug).first()
    if membership is None:
        raise Http404("No such store.")
    return membership


def store_get(*, store_id: int) -> Store:
    return Store.objects.get(pk=store_id)


def memberships_for_store(*, store: Store) -> QuerySet[Membership]:
    """The store's members, owners first and then by email, each with their user (one query)."""
    rank = Case(*(When(role=role, then=Value(i)) for i, role in enumerate(ROLE_ORDER)), default=Value(len(ROLE_ORDER)))
    return Membership.objects.filter(store=store).select_related("user").order_by(rank, "user__email")


def membership_get_for_store(*, store: Store, id: int) -> Membership:
    """One membership of ``store``; 404 for an id that belongs to another store or does not exist."""
    membership = Membership.objects.select_related("user", "store").filter(store=store, pk=id).first()
    if membership is None:
        raise Http404("No such member.")
    return membership


def api_keys_for_store(*, store: Store) -> QuerySet[StoreApiKey]:
    """The store's API keys, newest first, with who created each (one query)."""
    return StoreApiKey.objects.filter(store=store).select_related("created_by").order_by("-created_at", "-id")


def api_key_get_for_store(*, store: Store, id: int) -> StoreApiKey:
    """One API key of ``store``; 404 for a key of another store or none at all."""
    key = StoreApiKey.objects.filter(store=store, pk=id).first()
    if key is None:
        raise Http404("No such API key.")
    return key


def product_get_for_store(*, store: Store, id: int) -> Product:  # noqa: A002 - the styleguide's name
    """One product of ``store``; 404 for a product of another store or none at all."""
    product = Product.objects.filter(store=store, pk=id).first()
    if product is None:
        raise Http404("No such product.")
    return product
