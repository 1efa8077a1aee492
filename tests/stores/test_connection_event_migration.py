"""The migration that gives ConnectionEvent the shared actor columns carries every old ``actor`` over."""

import pytest

from tests.migration_helpers import latest_schema_after, migrate_to

pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["latest_schema_after"]

BEFORE = ("stores", "0005_store_locale")
AFTER = ("stores", "0008_remove_connectionevent_actor")


def test_a_member_stays_the_actor_and_growth_hub_is_labelled_by_what_it_did(latest_schema_after):
    # given events written before the change: a consent and a disconnect by a member, and four by Growth Hub
    apps = migrate_to(BEFORE)
    user = apps.get_model("auth", "User").objects.create(username="owner@northwind.test")
    store = apps.get_model("stores", "Store").objects.create(name="Northwind Outfitters", slug="northwind")
    platform_connection = apps.get_model("stores", "PlatformConnection").objects.create(
        store=store, platform="x", external_account_id="x-user-1"
    )
    old = [
        ("connected", user),
        ("refreshed", None),
        ("refresh_failed", None),
        ("expiry_warned", None),
        ("expired", None),
        ("error", None),
        ("disconnected", user),
    ]
    event_model = apps.get_model("stores", "ConnectionEvent")
    for kind, actor in old:
        event_model.objects.create(store=store, connection=platform_connection, kind=kind, actor=actor)

    # when the migration runs
    apps = migrate_to(AFTER)

    # then each event names its actor in the new columns, in the order they were written
    rows = apps.get_model("stores", "ConnectionEvent").objects.order_by("id")
    assert list(rows.values_list("kind", "actor_kind", "actor_user_id", "actor_label")) == [
        ("connected", "user", user.pk, ""),
        ("refreshed", "system", None, "token refresh"),
        ("refresh_failed", "system", None, "token refresh"),
        ("expiry_warned", "system", None, "expiry warning"),
        ("expired", "system", None, "connection"),
        ("error", "system", None, ""),
        ("disconnected", "user", user.pk, ""),
    ]
