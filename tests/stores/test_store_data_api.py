"""The store-data API at /api/store/: a key reads its own store's products, orders (by the store's days) and
store-platform connection, never another store's; a unit cost is set where the platform holds none."""

import datetime as dt

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext

from platforms.constants import WOOCOMMERCE
from stores.commerce.ingest import order_upsert, product_upsert
from stores.commerce.sync import store_sync_counts_refresh
from stores.models import BackfillState, Role, StoreSync
from stores.services import api_key_create
from tests.factories import OrderFactory, OrderLineFactory, ProductFactory
from tests.stores.commerce_helpers import order_record, product_record, refund_record, store_connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, owner, store):
    def call(method, path, role=Role.ADMIN, **kwargs):
        _, raw = api_key_create(store=store, created_by=owner, name=f"{role} key", role=role)
        return getattr(client, method)(
            path, HTTP_AUTHORIZATION=f"Bearer {raw}", content_type="application/json", **kwargs
        )

    return call


def test_products_are_listed_for_the_keys_store_only_searchable_and_paged(api, store, other_store):
    # given three products here and one elsewhere
    for title in ("Merino Trail Sock", "Alpine Beanie", "Trail Gaiter"):
        ProductFactory(store=store, title=title)
    ProductFactory(store=other_store, title="Trail Mug")
    # when the key lists them, then searches
    listing = api("get", "/api/store/products").json()
    found = api("get", "/api/store/products?q=trail").json()
    # then only this store's, by title, with their numbers
    assert listing["count"] == 3
    assert [item["title"] for item in listing["items"]] == ["Alpine Beanie", "Merino Trail Sock", "Trail Gaiter"]
    assert listing["items"][0]["price_minor"] == 2400 and listing["items"][0]["source"] == ""
    assert [item["title"] for item in found["items"]] == ["Merino Trail Sock", "Trail Gaiter"]


def test_the_product_list_takes_a_fixed_number_of_queries(api, store):
    for n in range(3):
        ProductFactory(store=store, title=f"Sock {n}")
    api("get", "/api/store/products")
    with CaptureQueriesContext(db_connection) as few:
        api("get", "/api/store/products")
    for n in range(3, 30):
        ProductFactory(store=store, title=f"Sock {n}")
    with CaptureQueriesContext(db_connection) as many:
        assert api("get", "/api/store/products").json()["count"] == 30
    assert len(many) == len(few)


def test_a_bad_status_or_a_long_search_is_refused(api, store):
    response = api("get", "/api/store/products?status=sold")
    assert response.status_code == 400
    assert response.json() == {"detail": "Status must be one of active, draft, archived.", "code": "status_unknown"}
    assert api("get", "/api/store/products?q=" + "x" * 101).status_code == 422


def test_a_unit_cost_is_set_through_the_api_and_an_analyst_key_is_refused(api, store):
    product = ProductFactory(store=store, unit_cost_minor=0)
    response = api("patch", f"/api/store/products/{product.pk}", data={"unit_cost": "6.40"})
    assert response.status_code == 200
    assert (response.json()["unit_cost_minor"], response.json()["unit_cost_source"]) == (640, "merchant")
    refused = api("patch", f"/api/store/products/{product.pk}", role=Role.ANALYST, data={"unit_cost": "1.00"})
    assert refused.status_code == 403
    invalid = api("patch", f"/api/store/products/{product.pk}", data={"unit_cost": "6.405"})
    assert invalid.status_code == 400 and invalid.json()["code"] == "unit_cost_invalid"
    product.refresh_from_db()
    assert product.unit_cost_minor == 640


def test_another_stores_product_and_order_are_404(api, other_store):
    product = ProductFactory(store=other_store)
    order = OrderFactory(store=other_store)
    assert api("patch", f"/api/store/products/{product.pk}", data={"unit_cost": "1.00"}).status_code == 404
    assert api("get", f"/api/store/orders/{order.pk}").status_code == 404


def test_orders_filter_by_the_stores_days(api, store):
    # given a Tokyo store and orders on its 1 and 2 March (Tokyo is UTC+9)
    store.timezone = "Asia/Tokyo"
    store.save()
    first = OrderFactory(store=store, name="#1", created_at=dt.datetime(2026, 2, 28, 16, tzinfo=dt.UTC))
    second = OrderFactory(store=store, name="#2", created_at=dt.datetime(2026, 3, 1, 16, tzinfo=dt.UTC))
    OrderLineFactory(order=second)
    # when 1 March (Tokyo) is asked for, then 2 March on
    day_one = api("get", "/api/store/orders?since=2026-03-01&until=2026-03-01").json()
    later = api("get", "/api/store/orders?since=2026-03-02").json()
    # then each holds the order of its Tokyo day
    assert [item["id"] for item in day_one["items"]] == [first.pk]
    assert [item["id"] for item in later["items"]] == [second.pk]
    assert later["items"][0]["net_minor"] == 4800


def test_a_reversed_range_is_a_400_naming_both_days(api):
    response = api("get", "/api/store/orders?since=2026-03-05&until=2026-03-01")
    assert response.status_code == 400
    assert response.json()["code"] == "date_range_reversed"
    assert api("get", "/api/store/orders?since=yesterday").status_code == 422
    far = api("get", "/api/store/orders?since=0001-01-01")
    assert (far.status_code, far.json()["code"]) == (400, "date_out_of_range")


def test_one_order_with_lines_refunds_codes_and_landing(api, store):
    connection = store_connection(store)
    product_upsert(store=store, connection=connection, record=product_record())
    order = order_upsert(store=store, connection=connection, record=order_record(refunds=(refund_record(),)))
    body = api("get", f"/api/store/orders/{order.pk}").json()
    assert (body["name"], body["total_minor"], body["refunded_minor"], body["net_minor"]) == ("#1001", 4860, 2200, 2660)
    assert body["discount_codes"] == ["CREATOR10"]
    assert [(line["title"], line["quantity"]) for line in body["lines"]] == [("Merino Trail Sock - Medium", 2)]
    assert [(refund["amount_minor"], refund["reason"]) for refund in body["refunds"]] == [(2200, "Too small")]
    assert (body["utm_source"], body["referrer"], body["source"]) == ("tiktok", "https://www.tiktok.com/", "shopify")


def test_the_store_connection_reports_its_sync_and_what_it_brought(api, store):
    # given a connection that brought a product and an order in, counted as every sync counts them
    connection = store_connection(store)
    synced = dt.datetime(2026, 3, 3, 15, tzinfo=dt.UTC)
    StoreSync.objects.create(
        store=store, connection=connection, backfill_status=BackfillState.DONE, last_synced_at=synced
    )
    product_upsert(store=store, connection=connection, record=product_record())
    order_upsert(store=store, connection=connection, record=order_record())
    store_sync_counts_refresh(store_id=store.pk)
    # when the key asks for the store's connection
    body = api("get", "/api/store/connection").json()
    # then it has its health, its sync and what it brought
    assert body == [
        {
            "connection_id": connection.pk,
            "platform": "shopify",
            "platform_name": "Shopify",
            "status": "active",
            "account": "trail-socks.myshopify.com",
            "backfill_status": "done",
            "backfill_error": "",
            "last_synced_at": "2026-03-03T15:00:00Z",
            "last_error": "",
            "products": 1,
            "orders": 1,
        }
    ]


def test_the_store_connection_answers_in_a_fixed_number_of_queries_whatever_it_brought(
    client, owner, store, django_assert_num_queries
):
    # given a Shopify and a WooCommerce connection, one with many orders counted on its sync
    shopify = store_connection(store)
    woocommerce = store_connection(store, platform=WOOCOMMERCE, account="https://shop.example.org")
    for connection in (shopify, woocommerce):
        StoreSync.objects.create(store=store, connection=connection, backfill_status=BackfillState.DONE)
    OrderFactory.create_batch(25, store=store, source=shopify)
    store_sync_counts_refresh(store_id=store.pk)
    _, raw = api_key_create(store=store, created_by=owner, name="ops", role=Role.ADMIN)

    # when the key asks for the store's connections: the key's look-up and its last use, then one read of the
    # connections with their sync rows (nothing counted on the way)
    with django_assert_num_queries(3):
        body = client.get("/api/store/connection", HTTP_AUTHORIZATION=f"Bearer {raw}").json()

    # then both are there with what they brought
    assert [(row["platform"], row["products"], row["orders"]) for row in body] == [
        ("shopify", 0, 25),
        ("woocommerce", 0, 0),
    ]
