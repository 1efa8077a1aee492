"""Fixtures for the tenancy tests: signed-in members of each role, and a second store they do not belong to."""

import uuid
from collections.abc import Callable

import pytest
from django.test import Client

from stores.models import Membership, Role, Store
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def own_cache_namespace(settings) -> None:
    """Rate-limit counters (allauth's login and sign-up limits) start from zero in every test.

    A fresh key prefix rather than ``cache.clear()``: with Redis the cache may be shared with other runs.
    """
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"},
    }


@pytest.fixture
def member_of(db) -> Callable[..., Membership]:
    """``member_of(store, role)``: a new user with that role in ``store``."""

    def make(store: Store, role: str, email: str | None = None) -> Membership:
        user = UserFactory(email=email) if email else UserFactory()
        return MembershipFactory(store=store, role=role, user=user)

    return make


@pytest.fixture
def client_as(member_of) -> Callable[..., Client]:
    """``client_as(store, role)``: a test client signed in as a new member with that role in ``store``."""

    def make(store: Store, role: str) -> Client:
        client = Client()
        client.force_login(member_of(store, role).user)
        return client

    return make


@pytest.fixture
def owner_membership(store, owner) -> Membership:
    return Membership.objects.get(store=store, user=owner)


@pytest.fixture
def foreign_membership(other_store) -> Membership:
    """Someone in the other store, which the test's user is not a member of."""
    return MembershipFactory(store=other_store, role=Role.MARKETER, user=UserFactory(email="bob@contoso.test"))
