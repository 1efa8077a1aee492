"""The history backfill's batch writer: the same rows as one order at a time, in a fixed number of queries per
batch, with refusals isolated, an order a webhook brought first kept at its newest, and a batch read again leaving
the same rows."""

import datetime as dt
from dataclasses import replace

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext

from platforms.store_records import RefundLineRecord
from stores.commerce.bulk_ingest import batches, orders_ingest_batch
from stores.commerce.ingest import order_upsert, product_upsert
from stores.models import Customer, Order, OrderDiscountCode, OrderLine, Refund, RefundLine
from tests.factories import StoreFactory
from tests.stores.commerce_helpers import (
    PLACED,
    customer_record,
    line_record,
    order_record,
    product_record,
    refund_record,
    store_connection,
    variant_record,
)

pytestmark = pytest.mark.django_db


def shop(account: str):
    store = StoreFactory()
    connection = store_connection(store, account=account)
    product_upsert(
        store=store, connection=connection, record=product_record(variants=(variant_record(unit_cost_minor=900),))
    )
    return store, connection


def history(count: int, *, start: int = 0) -> list:
    """``count`` orders of three customers; every fourth refunded in part three weeks later."""
    records = []
    for n in range(start, start + count):
        line_id = f"gid://shopify/LineItem/{n}"
        refunded = RefundLineRecord(line_external_id=line_id, quantity=1, amount_minor=2200)
        refunds = (refund_record(external_id=f"gid://shopify/Refund/{n}", lines=(refunded,)),) if n % 4 == 0 else ()
        records.append(
            order_record(
                external_id=f"gid://shopify/Order/{n}",
                name=f"#{n}",
                created_at=PLACED + dt.timedelta(hours=n),
                updated_at=PLACED + dt.timedelta(hours=n),
                customer=customer_record(external_id=f"gid://shopify/Customer/{n % 3}"),
                lines=(line_record(external_id=line_id),),
                refunds=refunds,
                discount_codes=("CREATOR10",) if n % 2 else (),
            )
        )
    return records


def rows(store) -> dict:
    """Everything the writer produced for ``store``, without ids: comparable between two stores."""
    return {
        "orders": sorted(
            Order.objects.filter(store=store).values_list(
                "external_id",
                "name",
                "total_minor",
                "refunded_minor",
                "status",
                "customer__external_id",
                "utm_source",
                "visitor_id",
            )
        ),
        "lines": sorted(
            OrderLine.objects.filter(store=store).values_list(
                "order__external_id",
                "external_id",
                "quantity",
                "unit_price_minor",
                "unit_cost_minor",
                "product__external_id",
            )
        ),
        "codes": sorted(OrderDiscountCode.objects.filter(store=store).values_list("order__external_id", "code")),
        "refunds": sorted(
            Refund.objects.filter(store=store).values_list("external_id", "order__external_id", "amount_minor")
        ),
        "refund_lines": sorted(
            RefundLine.objects.filter(store=store).values_list(
                "refund__external_id", "order_line__external_id", "quantity"
            )
        ),
        "customers": sorted(Customer.objects.filter(store=store).values_list("external_id", "email")),
    }


def test_a_batch_writes_the_same_rows_as_one_order_at_a_time():
    # given the same history for two shops
    one_by_one, one_connection = shop("a.myshopify.com")
    batched, batch_connection = shop("b.myshopify.com")
    records = history(12)
    # when one is written order by order and the other in batches of five
    for record in records:
        order_upsert(store=one_by_one, connection=one_connection, record=record)
    for batch in batches(records, size=5):
        orders_ingest_batch(store=batched, connection=batch_connection, batch=batch)
    # then both hold the same rows, refunds and costs at sale included
    expected = rows(one_by_one)
    assert rows(batched) == expected
    assert len(expected["orders"]) == 12 and len(expected["refunds"]) == 3 and len(expected["customers"]) == 3
    assert {line[4] for line in expected["lines"]} == {900}


def test_a_batch_takes_the_same_number_of_queries_whatever_its_size():
    store, connection = shop("a.myshopify.com")
    with CaptureQueriesContext(db_connection) as small:
        orders_ingest_batch(store=store, connection=connection, batch=history(10))
    with CaptureQueriesContext(db_connection) as large:
        orders_ingest_batch(store=store, connection=connection, batch=history(200, start=10))
    # (the three customers exist after the first batch: each is updated once per batch, as a webhook would)
    assert len(large) <= len(small) + 3 * 8
    assert Order.objects.filter(store=store).count() == 210


def test_buyers_known_from_an_earlier_batch_cost_no_query_each_unless_their_record_changed():
    # given a first batch that brought the three buyers in
    store, connection = shop("a.myshopify.com")
    orders_ingest_batch(store=store, connection=connection, batch=history(10))
    # when the next batches name the same buyers with the same records, few and many times
    with CaptureQueriesContext(db_connection) as few:
        orders_ingest_batch(store=store, connection=connection, batch=history(3, start=10))
    with CaptureQueriesContext(db_connection) as many:
        orders_ingest_batch(store=store, connection=connection, batch=history(300, start=20))

    # then they are read once per batch and none is written again, however many orders name them
    def customer_queries(captured):
        return [q["sql"] for q in captured.captured_queries if '"stores_customer"' in q["sql"]]

    assert len(customer_queries(many)) == len(customer_queries(few)) == 1
    # when a buyer's record changed at the platform since
    (order,) = history(1, start=400)
    moved = replace(order.customer, email="moved@example.com", updated_at=PLACED + dt.timedelta(days=90))
    orders_ingest_batch(store=store, connection=connection, batch=[replace(order, customer=moved)])
    # then that buyer is updated, and an older record for them afterwards changes nothing
    (later,) = history(1, start=401)
    older = replace(moved, email="old@example.com", updated_at=PLACED)
    orders_ingest_batch(store=store, connection=connection, batch=[replace(later, customer=older)])
    buyer = Customer.objects.get(store=store, external_id=moved.external_id)
    assert (buyer.email, buyer.source_updated_at) == ("moved@example.com", PLACED + dt.timedelta(days=90))


def test_buyers_whose_records_changed_are_updated_together_as_one_by_one_would():
    # given forty buyers the hub holds, one of them erased
    store, connection = shop("a.myshopify.com")
    first = [replace(r, customer=replace(r.customer, external_id=f"c-{n}")) for n, r in enumerate(history(40))]
    orders_ingest_batch(store=store, connection=connection, batch=first)
    Customer.objects.filter(store=store, external_id="c-0").update(email="", name="", redacted_at=PLACED)
    # when a later batch names every one of them with a newer record
    later = PLACED + dt.timedelta(days=30)
    changed = [
        replace(r, customer=replace(r.customer, external_id=f"c-{n}", email=f"new{n}@example.com", updated_at=later))
        for n, r in enumerate(history(40, start=40))
    ]
    with CaptureQueriesContext(db_connection) as captured:
        orders_ingest_batch(store=store, connection=connection, batch=changed)
    # then all are updated by one read and one write, and the erased one keeps no email
    customer_sql = [q["sql"] for q in captured.captured_queries if '"stores_customer"' in q["sql"]]
    assert len(customer_sql) == 2
    emails = dict(Customer.objects.filter(store=store).values_list("external_id", "email"))
    assert emails["c-0"] == "" and emails["c-7"] == "new7@example.com"
    assert set(Customer.objects.filter(store=store).values_list("source_updated_at", flat=True)) == {later}


def test_a_refused_order_is_reported_and_the_rest_of_the_batch_written():
    store, connection = shop("a.myshopify.com")
    records = history(3)
    records[1] = order_record(external_id="gid://shopify/Order/bad", financial_status="haunted")
    outcome = orders_ingest_batch(store=store, connection=connection, batch=records)
    assert outcome.written == 2
    assert outcome.refused == [
        "gid://shopify/Order/bad: Order gid://shopify/Order/bad: unknown financial status 'haunted'."
    ]
    assert Order.objects.filter(store=store).count() == 2


def test_an_order_a_webhook_brought_newer_is_kept_and_a_batch_read_again_changes_nothing():
    # given an order the webhook brought with a later change than the history holds
    store, connection = shop("a.myshopify.com")
    records = history(4)
    newer = order_record(
        external_id=records[2].external_id, name="#2 edited", updated_at=records[2].updated_at + dt.timedelta(days=1)
    )
    order_upsert(store=store, connection=connection, record=newer)
    # when the history is written, then written again (a backfill cut off and started over)
    orders_ingest_batch(store=store, connection=connection, batch=records)
    first = rows(store)
    outcome = orders_ingest_batch(store=store, connection=connection, batch=records)
    # then the webhook's newer order stands, and the second pass left every row as it was
    assert Order.objects.get(store=store, external_id=records[2].external_id).name == "#2 edited"
    assert rows(store) == first
    assert outcome.newest == records[-1].updated_at
