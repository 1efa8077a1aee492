"""Read queries for tenancy. Anything a user reaches goes through a store the user is a member of."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import Http404

from stores.models import Membership, Store


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
