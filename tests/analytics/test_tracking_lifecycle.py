"""Tracking data's life: journeys are built by the beat task (each store on its own) when stores writes an order,
the order page shows the journey to the store's members only, tracking data past its retention is deleted, and a
customer's or a shop's erasure erases their touchpoints, visitors and journey touches."""

import datetime as dt

import pytest
from django.urls import reverse

from analytics.models import HashSalt, Journey, JourneyTouch, Touchpoint, Visitor
from analytics.services import journey_runs as journeys_service
from analytics.services.journey_runs import journeys_mark_stale
from analytics.services.journeys import journeys_build, open_journeys_build
from analytics.services.retention import customer_tracking_erase, months_before, retention_enforce, shop_tracking_erase
from analytics.tasks import build_journeys_task
from stores import hooks
from stores.commerce.compliance import customer_redact
from tests.analytics.helpers import T0, touch
from tests.factories import CustomerFactory, MembershipFactory, OrderFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_analytics_registers_its_handlers_on_the_stores_hooks():
    # given the apps loaded / then analytics listens to the orders written and the erasures of stores
    assert journeys_mark_stale in hooks.order_written.handlers
    assert customer_tracking_erase in hooks.customer_erased.handlers
    assert shop_tracking_erase in hooks.shop_erased.handlers


def test_an_order_written_again_marks_its_journey_stale_after_the_commit(store, django_capture_on_commit_callbacks):
    # given an order with a built journey
    order = OrderFactory(store=store)
    journeys_build(store=store, order_ids=[order.pk])
    assert Journey.objects.get(order=order).stale is False
    # when stores announces the order written, inside a transaction
    with django_capture_on_commit_callbacks(execute=True):
        hooks.order_written.on_commit(store_id=store.pk, order_id=order.pk)
    # then its journey waits to be built again
    assert Journey.objects.get(order=order).stale is True


def test_the_beat_task_builds_every_stores_journeys_and_one_failing_store_does_not_stop_the_others(
    store, other_store, monkeypatch
):
    # given an order in each store, and building fails for the first store
    mine, theirs = OrderFactory(store=store), OrderFactory(store=other_store)
    real_refresh = journeys_service.journeys_refresh

    def refresh(*, store, now):
        if store.pk == mine.store_id:
            raise RuntimeError("database hiccup")
        return real_refresh(store=store, now=now)

    monkeypatch.setattr("analytics.tasks.journeys_refresh", refresh)
    # when the beat task runs
    totals = build_journeys_task()
    # then the other store's journey is built and the failure counted
    assert totals["failed"] == 1 and totals["stores"] >= 1
    assert Journey.objects.filter(order=theirs).exists()
    assert not Journey.objects.filter(order=mine).exists()


def test_the_order_page_fragment_shows_the_journey_to_members_in_a_fixed_number_of_queries(
    client, store, other_store, django_assert_max_num_queries
):
    # given an order reached by a Pinterest post click and a product view
    user = UserFactory()
    MembershipFactory(user=user, store=store)
    client.force_login(user)
    order = OrderFactory(store=store, visitor_id="v-alice-0001")
    touch(store, days_before=2, channel="organic_social", platform="pinterest", utm_source="pinterest")
    touch(store, days_before=1, kind="product_view", channel="organic_social", platform="pinterest")
    journeys_build(store=store, order_ids=[order.pk])
    url = reverse("analytics:order_journey", args=[store.slug, order.pk])
    # when the member opens it
    with django_assert_max_num_queries(12):
        response = client.get(url, HTTP_HX_REQUEST="true")
    # then both touches are listed with their channel
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("Organic social") == 2 and "pinterest" in body
    # and another store's order is not found through this store, nor this order through the other store
    foreign = OrderFactory(store=other_store)
    assert client.get(reverse("analytics:order_journey", args=[store.slug, foreign.pk])).status_code == 404
    assert client.get(reverse("analytics:order_journey", args=[other_store.slug, order.pk])).status_code == 404


def test_the_order_page_fragment_says_when_the_journey_is_not_built_yet(client, store):
    user = UserFactory()
    MembershipFactory(user=user, store=store)
    client.force_login(user)
    order = OrderFactory(store=store)
    response = client.get(reverse("analytics:order_journey", args=[store.slug, order.pk]))
    assert "is being built" in response.content.decode()


def test_months_before_keeps_the_day_within_the_month():
    assert months_before(dt.datetime(2026, 3, 31, 12, tzinfo=dt.UTC), 1) == dt.datetime(2026, 2, 28, 12, tzinfo=dt.UTC)
    assert months_before(dt.datetime(2026, 12, 5, tzinfo=dt.UTC), 13) == dt.datetime(2025, 11, 5, tzinfo=dt.UTC)


def test_retention_deletes_tracking_data_older_than_the_setting_and_keeps_the_rest(store, settings):
    # given a 13-month retention, a touch 14 months old and one a day old, both in an order's journey, an open journey
    # of an old visitor, and salts of today and of last week
    settings.TOUCHPOINT_RETENTION_MONTHS = 13
    now = T0 + dt.timedelta(days=400)
    order = OrderFactory(store=store, visitor_id="v-alice-0001", created_at=now - dt.timedelta(hours=1))
    old = touch(store, at=now - dt.timedelta(days=430), channel="direct")
    recent = touch(store, at=now - dt.timedelta(days=1), channel="email")
    touch(store, visitor_id="v-bob-00002", at=now - dt.timedelta(days=420), channel="referral")
    settings_window = dt.timedelta(days=30)
    assert recent.occurred_at > order.created_at - settings_window
    journeys_build(store=store, order_ids=[order.pk], now=now)
    open_journeys_build(store=store, visitor_ids=["v-bob-00002"], now=now - dt.timedelta(days=419))
    HashSalt.objects.create(day=now.date(), salt=b"x" * 32)
    HashSalt.objects.create(day=now.date() - dt.timedelta(days=7), salt=b"y" * 32)
    # when retention is enforced
    counts = retention_enforce(now=now)
    # then the old touchpoints and the old open journey are gone, the recent touch and the order's journey stay
    assert not Touchpoint.objects.filter(pk=old.pk).exists()
    assert Touchpoint.objects.filter(pk=recent.pk).exists()
    assert not Journey.objects.filter(visitor_id="v-bob-00002", order__isnull=True).exists()
    journey = Journey.objects.get(order=order)
    assert journey.touch_count == journey.touches.count()
    assert counts["touchpoints"] == 2 and counts["salts"] == 1
    assert list(HashSalt.objects.values_list("day", flat=True)) == [now.date()]


def test_retention_refuses_a_setting_out_of_bounds(settings):
    settings.TOUCHPOINT_RETENTION_MONTHS = 0
    with pytest.raises(ValueError, match="1 to 120 months"):
        retention_enforce()


def test_a_customer_redact_erases_their_touchpoints_visitors_and_journey_touches_and_no_one_elses(store):
    # given Alice's order with her visitor's touches, Bob's touches, and both journeys built
    alice, bob = CustomerFactory(store=store, external_id="c-alice"), CustomerFactory(store=store, external_id="c-bob")
    order = OrderFactory(store=store, customer=alice, visitor_id="v-alice-0001")
    other = OrderFactory(store=store, customer=bob, visitor_id="v-bob-00002")
    touch(store, visitor_id="v-alice-0001", days_before=2, channel="email")
    touch(store, visitor_id="v-bob-00002", days_before=2, channel="referral")
    for visitor_id in ("v-alice-0001", "v-bob-00002"):
        Visitor.objects.create(store=store, visitor_id=visitor_id, first_seen_at=T0, last_seen_at=T0)
    journeys_build(store=store, order_ids=[order.pk, other.pk])
    # when the compliance webhook erases Alice
    customer_redact(store=store, customer_external_id="c-alice")
    # then nothing of her tracking is left, her order's journey will be built again from what the order keeps
    assert not Touchpoint.objects.filter(visitor_id="v-alice-0001").exists()
    assert not Visitor.objects.filter(visitor_id="v-alice-0001").exists()
    assert not JourneyTouch.objects.filter(journey__order=order, touchpoint__isnull=False).exists()
    assert Journey.objects.get(order=order).stale is True
    # and Bob's stays whole
    assert Touchpoint.objects.filter(visitor_id="v-bob-00002").count() == 1
    assert Visitor.objects.filter(visitor_id="v-bob-00002").exists()
    assert Journey.objects.get(order=other).touches.filter(touchpoint__isnull=False).count() == 1


def test_a_shop_erasure_erases_the_stores_tracking_data_and_not_another_stores(store, other_store):
    touch(store, channel="direct")
    touch(other_store, channel="direct")
    shop_tracking_erase(store=store)
    assert not Touchpoint.objects.filter(store=store).exists()
    assert Touchpoint.objects.filter(store=other_store).count() == 1
