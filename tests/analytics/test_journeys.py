"""Identity and journeys: visitors are stitched to customers by the order's visitor id, a checkout naming the order
and the customer across devices; each order's journey holds its touches within the lookback window in time order,
with its landing and discount codes; an order without touches falls back to its landing or direct; visitors who did
not buy keep an open journey; building again changes nothing; a batch costs a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext

from analytics.models import Journey, JourneyTouch, TouchKind, Touchpoint, TrackingSettings, Visitor
from analytics.selectors import journeys_for_period, tracking_lookback_days
from analytics.services.identity import visitors_stitch
from analytics.services.journey_runs import journeys_build_pending, journeys_refresh
from analytics.services.journeys import journeys_build, open_journeys_build
from stores.models import OrderDiscountCode
from tests.analytics.helpers import T0, touch
from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db


def kinds_and_channels(order):
    journey = Journey.objects.get(order=order)
    return [(t.kind, t.channel, t.platform) for t in journey.touches.all()]


def test_an_orders_journey_holds_its_visitors_touches_in_time_order_within_the_window(store):
    # given a TikTok post click 3 days before, a product view 1 day before, one 40 days before (out of the 30-day
    # window), one after the order, and another visitor's touch
    order = OrderFactory(store=store, visitor_id="v-alice-0001")
    touch(store, days_before=3, channel="organic_social", platform="tiktok", utm_source="tiktok", utm_medium="social")
    touch(store, days_before=1, kind=TouchKind.PRODUCT_VIEW, url="https://shop.example.com/products/sock")
    touch(store, days_before=40, channel="email")
    touch(store, days_before=-1, channel="referral")
    touch(store, visitor_id="v-bob-00000001", days_before=2, channel="paid_social", platform="meta")
    # when its journey is built
    assert journeys_build(store=store, order_ids=[order.pk]) == 1
    # then it has the two touches in the window, in time order, with what the merchant reads
    journey = Journey.objects.get(order=order)
    touches = list(journey.touches.all())
    assert [(t.kind, t.channel, t.platform) for t in touches] == [
        ("click", "organic_social", "tiktok"),
        ("product_view", "direct", ""),
    ]
    assert touches[0].source == "tiktok / social" and touches[1].source == "/products/sock"
    assert journey.converted and journey.touch_count == 2 and journey.ended_at == order.created_at
    assert journey.started_at == T0 - dt.timedelta(days=3)


def test_the_lookback_window_is_the_stores_setting(store):
    # given a store with a 2-day window and a touch 3 days before its order
    assert tracking_lookback_days(store=store) == 30  # no settings row yet: the default
    TrackingSettings.objects.create(store=store, public_key="pk-northwind", lookback_days=2)
    order = OrderFactory(store=store, visitor_id="v-alice-0001")
    touch(store, days_before=3, channel="email")
    # when built, then the touch is out and the journey falls back to direct
    journeys_build(store=store, order_ids=[order.pk])
    assert kinds_and_channels(order) == [("landing", "direct", "")]


def test_an_order_without_touches_falls_back_to_its_landing_and_keeps_its_discount_codes(store):
    # given an order that landed from a Google ad with a code and no touchpoint at all
    order = OrderFactory(
        store=store,
        landing_url="https://shop.example.com/?utm_source=google_ads&utm_medium=cpc&gclid=x1",
        utm_source="google_ads",
        utm_medium="cpc",
        utm_campaign="spring",
        click_ids={"gclid": "x1"},
    )
    OrderDiscountCode.objects.create(store=store, order=order, code="SPRING10")
    # when built
    journeys_build(store=store, order_ids=[order.pk])
    # then its landing is the paid search touch, followed by its code
    touches = list(Journey.objects.get(order=order).touches.all())
    assert [(t.kind, t.channel, t.platform, t.source) for t in touches] == [
        ("landing", "paid_search", "google", "google_ads / cpc · spring"),
        ("discount_code", "paid_search", "google", "code SPRING10"),
    ]
    # and an order with neither touches nor landing data is one direct touch
    bare = OrderFactory(store=store)
    journeys_build(store=store, order_ids=[bare.pk])
    assert kinds_and_channels(bare) == [("landing", "direct", "")]


def test_the_landing_is_left_out_when_a_touch_already_says_it_and_kept_when_it_differs(store):
    # given an order whose visitor clicked the same TikTok post that is its landing, and a second whose landing is
    # from a search engine after an email touch
    same = OrderFactory(
        store=store, visitor_id="v-alice-0001", utm_source="tiktok", utm_medium="social", utm_campaign="spring"
    )
    touch(store, channel="organic_social", platform="tiktok", utm_campaign="spring")
    other = OrderFactory(store=store, visitor_id="v-bob-00000001", referrer="https://www.google.com/")
    touch(store, visitor_id="v-bob-00000001", channel="email")
    # when built
    journeys_build(store=store, order_ids=[same.pk, other.pk])
    # then the first journey holds the click only, the second the email then the search landing
    assert kinds_and_channels(same) == [("click", "organic_social", "tiktok")]
    assert kinds_and_channels(other) == [("click", "email", ""), ("landing", "organic_search", "google")]


def test_a_checkout_naming_the_order_joins_its_visitor_and_the_customer_joins_devices(store):
    # given a customer who clicked an ad on a phone (visitor p) and bought on a laptop (visitor l), where the
    # laptop's checkout event named the order by its name, and who browsed on a tablet joined by an earlier order
    customer = CustomerFactory(store=store)
    earlier = OrderFactory(
        store=store, customer=customer, visitor_id="v-tablet-0001", created_at=T0 - dt.timedelta(days=60)
    )
    order = OrderFactory(store=store, customer=customer, name="#1042", visitor_id="v-phone-00001")
    touch(store, visitor_id="v-laptop-0001", days_before=2, channel="paid_social", platform="meta")
    touch(store, visitor_id="v-laptop-0001", kind=TouchKind.CHECKOUT, days_before=0, order_external_id="#1042")
    touch(store, visitor_id="v-tablet-0001", days_before=5, channel="organic_search", platform="google")
    touch(store, visitor_id="v-phone-00001", days_before=1, channel="email")
    # when the visitors are stitched (twice: the second run changes nothing)
    first = visitors_stitch(store=store)
    again = visitors_stitch(store=store)
    # then each visitor belongs to the customer, and so do their touchpoints
    assert first.visitors_joined == 3 and again.visitors_joined == 0 and again.touchpoints_joined == 0
    assert set(Visitor.objects.filter(store=store, customer=customer).values_list("visitor_id", flat=True)) == {
        "v-phone-00001",
        "v-laptop-0001",
        "v-tablet-0001",
    }
    assert not Touchpoint.objects.filter(store=store, customer__isnull=True).exists()
    # and the order's journey holds the three devices' touches in time order, not the checkout itself
    journeys_build(store=store, order_ids=[order.pk, earlier.pk])
    assert kinds_and_channels(order) == [
        ("click", "organic_search", "google"),
        ("click", "paid_social", "meta"),
        ("click", "email", ""),
    ]


def test_a_visitor_keeps_the_first_customer_it_was_joined_to(store):
    # given one shared browser that two customers ordered from
    first, second = CustomerFactory(store=store), CustomerFactory(store=store)
    OrderFactory(store=store, customer=first, visitor_id="v-shared-001", created_at=T0 - dt.timedelta(days=3))
    OrderFactory(store=store, customer=second, visitor_id="v-shared-001")
    # when stitched, then it is the first customer's
    visitors_stitch(store=store)
    assert Visitor.objects.get(store=store, visitor_id="v-shared-001").customer == first


def test_a_repeat_buyers_touch_counts_for_each_order_whose_window_holds_it(store):
    # given a click 10 days before order A and 25 days before order B, and a 20-day window
    TrackingSettings.objects.create(store=store, public_key="pk-northwind", lookback_days=20)
    customer = CustomerFactory(store=store)
    order_b = OrderFactory(store=store, customer=customer, visitor_id="v-alice-0001")
    order_a = OrderFactory(
        store=store, customer=customer, visitor_id="v-alice-0001", created_at=T0 - dt.timedelta(days=15)
    )
    touch(store, days_before=25, channel="paid_social", platform="meta")
    # when both are built
    journeys_build(store=store, order_ids=[order_a.pk, order_b.pk])
    # then the click is A's, and B (out of window) falls back to direct
    assert kinds_and_channels(order_a) == [("click", "paid_social", "meta")]
    assert kinds_and_channels(order_b) == [("landing", "direct", "")]


def test_building_again_changes_nothing_and_a_batch_costs_a_fixed_number_of_queries(store):
    # given 3 orders, each with touches and a code
    def make(n):
        orders = []
        for i in range(n):
            visitor = f"v-batch-{len(OrderDiscountCode.objects.all()):04d}-{i:03d}"
            order = OrderFactory(store=store, visitor_id=visitor, customer=CustomerFactory(store=store))
            OrderDiscountCode.objects.create(store=store, order=order, code=f"C{order.pk}")
            touch(store, visitor_id=visitor, days_before=2, channel="email")
            touch(store, visitor_id=visitor, days_before=1, channel="organic_social", platform="x")
            orders.append(order)
        return orders

    small = make(3)
    with CaptureQueriesContext(db_connection) as few:
        journeys_build(store=store, order_ids=[o.pk for o in small])
    snapshot = list(JourneyTouch.objects.order_by("journey__order_id", "position").values_list("kind", "channel"))
    # when built again, then the same touches
    journeys_build(store=store, order_ids=[o.pk for o in small])
    assert list(JourneyTouch.objects.order_by("journey__order_id", "position").values_list("kind", "channel")) == (
        snapshot
    )
    assert Journey.objects.count() == 3 and len(snapshot) == 9
    # and ten times the orders cost the same number of queries
    large = make(30)
    with CaptureQueriesContext(db_connection) as many:
        journeys_build(store=store, order_ids=[o.pk for o in large])
    assert len(many) == len(few)


def test_orders_of_another_store_are_not_built_and_touches_of_another_store_not_read(store, other_store):
    order = OrderFactory(store=store, visitor_id="v-alice-0001")
    foreign = OrderFactory(store=other_store, visitor_id="v-alice-0001")
    touch(other_store, channel="email")
    assert journeys_build(store=store, order_ids=[order.pk, foreign.pk]) == 1
    assert kinds_and_channels(order) == [("landing", "direct", "")]
    assert not Journey.objects.filter(order=foreign).exists()


def test_a_visitor_who_did_not_buy_has_an_open_journey_of_the_touches_after_its_last_order(store):
    # given a visitor who ordered, then came back twice without buying, and one who never bought
    OrderFactory(store=store, visitor_id="v-alice-0001")
    touch(store, days_before=2, channel="email")
    touch(store, at=T0 + dt.timedelta(days=1), channel="paid_social", platform="meta")
    touch(store, at=T0 + dt.timedelta(days=2), channel="direct")
    touch(store, visitor_id="v-bob-00000001", days_before=4, channel="organic_search", platform="google")
    # when their open journeys are built (twice)
    open_journeys_build(store=store, visitor_ids=["v-alice-0001", "v-bob-00000001", "v-nobody-0001"])
    assert open_journeys_build(store=store, visitor_ids=["v-alice-0001", "v-bob-00000001"]) == 2
    # then each holds its touches not followed by an order
    alice = Journey.objects.get(store=store, order__isnull=True, visitor_id="v-alice-0001")
    assert [t.channel for t in alice.touches.all()] == ["paid_social", "direct"] and not alice.converted
    bob = Journey.objects.get(store=store, order__isnull=True, visitor_id="v-bob-00000001")
    assert [t.channel for t in bob.touches.all()] == ["organic_search"]
    assert Journey.objects.filter(order__isnull=True).count() == 2


def test_the_refresh_builds_pending_orders_and_rebuilds_what_a_late_touch_changes(store):
    # given an order built before its visitor's click arrived
    order = OrderFactory(store=store, visitor_id="v-alice-0001")
    now = T0 + dt.timedelta(hours=1)
    first = journeys_refresh(store=store, now=now)
    assert first.built == 1 and kinds_and_channels(order) == [("landing", "direct", "")]
    # when the click (made before the order) arrives late, and the next run reads it
    late = touch(store, days_before=1, channel="paid_social", platform="meta")
    Touchpoint.objects.filter(pk=late.pk).update(received_at=now)
    second = journeys_refresh(store=store, now=now + dt.timedelta(minutes=1))
    # then the journey is marked stale and built again with the click
    assert second.touchpoints_read == 1 and second.journeys_marked == 1 and second.built == 1
    assert kinds_and_channels(order) == [("click", "paid_social", "meta")]
    # and a run with nothing new does nothing
    third = journeys_refresh(store=store, now=now + dt.timedelta(minutes=2))
    assert (third.touchpoints_read, third.built) == (0, 0)


def test_a_touch_received_a_moment_ago_waits_for_the_next_run(store):
    now = T0 + dt.timedelta(hours=1)
    fresh = touch(store, at=now - dt.timedelta(seconds=5))
    Touchpoint.objects.filter(pk=fresh.pk).update(received_at=now - dt.timedelta(seconds=5))
    assert journeys_refresh(store=store, now=now).touchpoints_read == 0
    assert journeys_refresh(store=store, now=now + dt.timedelta(minutes=1)).touchpoints_read == 1


def test_pending_orders_are_built_in_batches(store):
    orders = [OrderFactory(store=store, visitor_id=f"v-pending-{i:04d}") for i in range(7)]
    assert journeys_build_pending(store=store, batch_size=3, max_batches=2) == 6
    assert journeys_build_pending(store=store, batch_size=3) == 1
    assert Journey.objects.filter(order__in=orders).count() == 7
    assert journeys_build_pending(store=store, batch_size=3) == 0


def test_journeys_for_period_returns_journeys_with_their_touches_in_two_queries(store, django_assert_num_queries):
    for i in range(4):
        order = OrderFactory(store=store, visitor_id=f"v-period-{i:04d}", created_at=T0 + dt.timedelta(days=i))
        touch(store, visitor_id=f"v-period-{i:04d}", at=T0 + dt.timedelta(days=i, hours=-1), channel="email")
        journeys_build(store=store, order_ids=[order.pk])
    with django_assert_num_queries(2):
        journeys = list(journeys_for_period(store=store, start=T0, end=T0 + dt.timedelta(days=3)))
        assert [len(j.touches.all()) for j in journeys] == [1, 1, 1]
        assert [j.order.created_at for j in journeys] == [T0 + dt.timedelta(days=i) for i in range(3)]
