"""The migration that gives PostEvent the shared actor columns carries every old ``actor`` / ``source`` over."""

import pytest

from tests.factories import StoreFactory
from tests.migration_helpers import latest_schema_after, migrate_to

pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["latest_schema_after"]

BEFORE = ("social", "0004_post_unconfirmed_status")
AFTER = ("social", "0007_remove_postevent_actor_source")


def test_old_sources_become_a_member_the_api_or_a_labelled_part_of_growth_hub(latest_schema_after):
    # given events written before the change: by a member, through the API, and by four parts of Growth Hub
    apps = migrate_to(BEFORE)
    user = apps.get_model("auth", "User").objects.create(username="owner@northwind.test")
    store = StoreFactory()  # today's stores table: only social was taken back
    post = apps.get_model("social", "SocialPost").objects.create(
        store_id=store.pk, platform="x", caption="Meet the Merino Trail Sock.", marker="gh0000000001"
    )
    old = [("user", user), ("api", user), ("publisher", None), ("preflight", None), ("watchdog", None), ("demo", None)]
    event_model = apps.get_model("social", "PostEvent")
    for source, actor in old:
        event_model.objects.create(store_id=store.pk, post=post, to_status="draft", source=source, actor=actor)

    # when the migration runs
    apps = migrate_to(AFTER)

    # then each event names its actor in the new columns, in the order they were written
    rows = apps.get_model("social", "PostEvent").objects.order_by("id")
    assert list(rows.values_list("actor_kind", "actor_user_id", "actor_label")) == [
        ("user", user.pk, ""),
        ("api", user.pk, "API"),
        ("system", None, "publisher"),
        ("system", None, "preflight"),
        ("system", None, "watchdog"),
        ("system", None, "demo"),
    ]
