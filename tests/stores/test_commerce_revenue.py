"""Net revenue by the store's day: orders on the day they were placed, refunds on the day they were made."""

import datetime as dt

import pytest

from stores.commerce.ingest import order_upsert, refund_apply
from stores.commerce.selectors import net_revenue_by_day
from stores.models import OrderStatus
from tests.factories import OrderFactory, StoreFactory
from tests.stores.commerce_helpers import order_record, refund_record, store_connection

pytestmark = pytest.mark.django_db
MARCH_2 = dt.date(2026, 3, 2)


@pytest.fixture
def shop():
    store = StoreFactory(currency="USD", timezone="America/New_York")
    return store, store_connection(store)


def test_a_refund_weeks_later_lowers_the_refund_day_not_the_order_day(shop, django_assert_num_queries):
    # given an order placed on 2 March (New York) and refunded 20 days later
    store, connection = shop
    order_upsert(store=store, connection=connection, record=order_record())
    refund_apply(store=store, order_external_id="gid://shopify/Order/1001", record=refund_record())
    refund_day = dt.date(2026, 3, 22)

    # when
    with django_assert_num_queries(2):
        revenue = net_revenue_by_day(store=store, start=MARCH_2, end=refund_day)

    # then
    assert revenue[MARCH_2] == 4860
    assert revenue[refund_day] == -2200
    assert sum(revenue.values()) == 4860 - 2200
    assert len(revenue) == 21


def test_days_are_the_store_days_not_utc(shop):
    # given an order at 02:30 UTC on 3 March: still 2 March in New York
    store, connection = shop
    order_upsert(
        store=store,
        connection=connection,
        record=order_record(created_at=dt.datetime(2026, 3, 3, 2, 30, tzinfo=dt.UTC)),
    )

    # when
    revenue = net_revenue_by_day(store=store, start=MARCH_2, end=dt.date(2026, 3, 3))

    # then
    assert revenue == {MARCH_2: 4860, dt.date(2026, 3, 3): 0}


def test_test_and_cancelled_orders_are_not_revenue(shop, django_assert_num_queries):
    # given
    store, connection = shop
    order_upsert(store=store, connection=connection, record=order_record())
    order_upsert(store=store, connection=connection, record=order_record(external_id="T1", test=True))
    order_upsert(
        store=store, connection=connection, record=order_record(external_id="C1", financial_status="cancelled")
    )

    # when
    with django_assert_num_queries(2):
        revenue = net_revenue_by_day(store=store, start=MARCH_2, end=MARCH_2)

    # then
    assert revenue == {MARCH_2: 4860}


def test_a_refunded_amount_without_refund_rows_counts_on_the_order_day(shop):
    # given an imported order that carries its refunded sum but no refund rows
    store, _ = shop
    OrderFactory(
        store=store,
        total_minor=5000,
        refunded_minor=1200,
        status=OrderStatus.PARTIALLY_REFUNDED,
        created_at=dt.datetime(2026, 3, 2, 17, 0, tzinfo=dt.UTC),
    )

    # when
    revenue = net_revenue_by_day(store=store, start=MARCH_2, end=MARCH_2)

    # then
    assert revenue == {MARCH_2: 3800}


def test_another_store_orders_are_not_counted(shop):
    # given
    store, connection = shop
    other = StoreFactory()
    order_upsert(store=other, connection=store_connection(other, account="other.myshopify.com"), record=order_record())

    # when
    revenue = net_revenue_by_day(store=store, start=MARCH_2, end=MARCH_2)

    # then
    assert revenue == {MARCH_2: 0}
