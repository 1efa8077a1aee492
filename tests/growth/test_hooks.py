"""The flows that climb from stores are wired in code: growth's dependants sync on connection_status_changed and ads'
ad settings on store_created; a handler that raises rolls back the change it was handed."""

import pytest

from ads.models import StoreAdSettings
from ads.services.guardrails import ad_settings_create
from growth.connections import connection_dependents_sync
from stores.actors import ActorKind
from stores.connections.services import connection_mark_expired
from stores.hooks import Hook, connection_status_changed, store_created
from stores.models import ConnectionEvent, ConnectionStatus, Membership, Store
from stores.services import store_create_with_owner
from tests.factories import UserFactory
from tests.platform_fixtures import connect_store


def test_growth_registers_the_dependants_sync_on_connection_status_changed():
    # given Django set up (every AppConfig.ready has run), when the hook's handlers are read
    handlers = connection_status_changed.handlers

    # then growth's dependants sync is registered, once
    assert handlers.count(connection_dependents_sync) == 1


def test_a_hook_runs_every_handler_in_order_and_registers_each_once():
    # given a hook with two handlers, the first registered twice
    hook = Hook[object]("test")
    calls = []

    def first(**kwargs):
        calls.append(("first", kwargs))

    def second(**kwargs):
        calls.append(("second", kwargs))

    hook.register(first)
    hook.register(first)
    hook.register(second)

    # when its handlers are run
    for handler in hook.handlers:
        handler(store="s")

    # then each ran once, in registration order
    assert calls == [("first", {"store": "s"}), ("second", {"store": "s"})]

    # when one is unregistered, then only the other stays
    hook.unregister(first)
    assert hook.handlers == (second,)


def test_ads_registers_the_creation_of_ad_settings_on_store_created():
    # given Django set up, when the hook's handlers are read, then ads' ad settings creation is registered, once
    assert store_created.handlers.count(ad_settings_create) == 1


@pytest.mark.django_db
def test_a_new_store_gets_its_ad_settings_through_the_hook():
    # given a user, when they create a store
    store = store_create_with_owner(owner=UserFactory(email="founder@contoso.test"), name="Contoso Candles")

    # then the store has its ad settings row, made in the same transaction
    assert StoreAdSettings.objects.filter(store=store).count() == 1


@pytest.mark.django_db
def test_a_store_created_handler_that_raises_rolls_back_the_store():
    # given a handler that fails after ads' handler
    def fail(**kwargs):
        raise RuntimeError("the store could not be set up")

    store_created.register(fail)
    try:
        # when a store is created, then the failure propagates
        with pytest.raises(RuntimeError, match="the store could not be set up"):
            store_create_with_owner(owner=UserFactory(email="founder@contoso.test"), name="Contoso Candles")
    finally:
        store_created.unregister(fail)

    # and neither the store, its membership nor its ad settings were saved
    assert not Store.objects.filter(name="Contoso Candles").exists()
    assert not Membership.objects.filter(user__email="founder@contoso.test").exists()
    assert StoreAdSettings.objects.count() == 0


@pytest.mark.django_db
def test_the_hook_receives_the_change_with_its_actor(store):
    # given an active X connection and a recording handler beside growth's
    connection = connect_store(store, "x")
    seen = []

    def record(**kwargs):
        seen.append(kwargs)

    connection_status_changed.register(record)
    try:
        # when the connection is marked expired
        connection_mark_expired(connection=connection, reason="X refused the token.")
    finally:
        connection_status_changed.unregister(record)

    # then the handler saw the old and new status, the reason and the system actor
    assert len(seen) == 1
    assert seen[0]["connection"].pk == connection.pk
    assert (seen[0]["old_status"], seen[0]["new_status"], seen[0]["reason"]) == (
        ConnectionStatus.ACTIVE,
        ConnectionStatus.EXPIRED,
        "X refused the token.",
    )
    assert (seen[0]["actor"].kind, seen[0]["actor"].label) == (ActorKind.SYSTEM, "connection")


@pytest.mark.django_db
def test_a_handler_that_raises_rolls_back_the_status_change(store):
    # given an active X connection and a handler that fails
    connection = connect_store(store, "x")

    def fail(**kwargs):
        raise RuntimeError("dependants could not be held")

    connection_status_changed.register(fail)
    try:
        # when the connection is marked expired, then the failure propagates
        with pytest.raises(RuntimeError, match="dependants could not be held"):
            connection_mark_expired(connection=connection, reason="X refused the token.")
    finally:
        connection_status_changed.unregister(fail)

    # and the connection is still active, with no expired event recorded
    connection.refresh_from_db()
    assert (connection.status, connection.last_error) == (ConnectionStatus.ACTIVE, "")
    assert not ConnectionEvent.objects.filter(connection=connection).exists()
