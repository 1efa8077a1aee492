"""The catalogue and orders pages: a store sees its own products and orders only, searchable and paged; a synced
product is read-only but for a unit cost the platform does not hold; an order shows its lines, refunds, customer and
how the customer arrived; bad filters are refused in words, changing nothing."""

import datetime as dt

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext

from platforms.constants import WOOCOMMERCE
from stores.commerce.ingest import order_upsert, product_upsert
from stores.commerce.sync import store_sync_counts_refresh
from stores.models import Product, ProductStatus, Role, StoreSync, UnitCostSource
from tests.factories import OrderFactory, ProductFactory
from tests.stores.commerce_helpers import order_record, product_record, refund_record, store_connection, variant_record

pytestmark = pytest.mark.django_db


def products_url(store):
    return f"/stores/{store.slug}/products/"


def test_the_catalogue_lists_this_stores_products_only_with_price_stock_cost_and_status(
    owner_client, store, other_store
):
    # given two products here and one in another store
    ProductFactory(store=store, title="Merino Trail Sock", price_minor=2400, unit_cost_minor=900, inventory_quantity=12)
    ProductFactory(store=store, title="Alpine Beanie", status=ProductStatus.DRAFT)
    ProductFactory(store=other_store, title="Someone Else's Mug")
    # when the owner opens the catalogue
    response = owner_client.get(products_url(store))
    # then both of this store's products show, with their numbers, and nothing of the other store
    body = response.content.decode()
    assert response.status_code == 200
    assert "Merino Trail Sock" in body and "Alpine Beanie" in body
    assert "Someone Else" not in body
    assert "$24.00" in body and 'value="9.00"' in body and ">12<" in body and "Draft" in body
    assert "No store platform connected" in body


def test_search_and_status_filter_the_catalogue(owner_client, store):
    ProductFactory(store=store, title="Merino Trail Sock")
    ProductFactory(store=store, title="Alpine Beanie", status=ProductStatus.ARCHIVED)
    body = owner_client.get(products_url(store), {"q": "merino"}).content.decode()
    assert "Merino Trail Sock" in body and "Alpine Beanie" not in body
    body = owner_client.get(products_url(store), {"status": "archived"}).content.decode()
    assert "Alpine Beanie" in body and "Merino Trail Sock" not in body
    body = owner_client.get(products_url(store), {"q": "nothing like it"}).content.decode()
    assert "No product matches." in body


def test_a_search_too_long_is_refused_in_words(owner_client, store):
    ProductFactory(store=store, title="Merino Trail Sock")
    response = owner_client.get(products_url(store), {"q": "x" * 101})
    assert response.status_code == 400
    assert "at most 100 characters" in response.content.decode()


def test_the_catalogue_pages_by_fifty_in_a_fixed_number_of_queries(owner_client, store):
    # given 120 products
    Product.objects.bulk_create(
        Product(store=store, external_id=f"P{n:04d}", title=f"Sock {n:04d}", price_minor=100, currency="USD")
        for n in range(120)
    )
    owner_client.get(products_url(store))  # the session and the store are warm
    # when the second and the third page are read
    with CaptureQueriesContext(db_connection) as second:
        body = owner_client.get(products_url(store), {"page": 2}).content.decode()
    with CaptureQueriesContext(db_connection) as third:
        last = owner_client.get(products_url(store), {"page": 3}).content.decode()
    # then each shows its own rows and the pager, in the same number of queries
    assert "Sock 0050" in body and "Sock 0049" not in body and "Page 2 of 3 (120 in all)" in body
    assert "Sock 0119" in last and 'rel="next"' not in last
    assert len(second) == len(third)
    # and a page number out of range shows the first page
    assert "Sock 0000" in owner_client.get(products_url(store), {"page": "999999999"}).content.decode()


def test_the_store_platform_status_on_the_catalogue_costs_one_query_whatever_was_brought_in(
    owner_client, store, django_assert_num_queries
):
    # given a Shopify and a WooCommerce connection with their syncs, one having brought many products in
    shopify = store_connection(store)
    woocommerce = store_connection(store, platform=WOOCOMMERCE, account="https://shop.example.org")
    for connection in (shopify, woocommerce):
        StoreSync.objects.create(store=store, connection=connection)
    Product.objects.bulk_create(
        Product(
            store=store, external_id=f"P{n:04d}", title=f"Sock {n:04d}", price_minor=100, currency="USD", source=shopify
        )
        for n in range(60)
    )
    store_sync_counts_refresh(store_id=store.pk)
    owner_client.get(products_url(store))  # the session and the store are warm

    # when the owner opens the catalogue: session, user, membership, the products' count and page, the member's
    # stores for the menu, and one read of the connections with their syncs (what each brought in is read from its
    # sync, not counted)
    with django_assert_num_queries(7):
        response = owner_client.get(products_url(store))

    # then both connections show
    assert response.status_code == 200
    assert "From Shopify" in response.content.decode() and "From WooCommerce" in response.content.decode()


def test_the_merchant_sets_a_unit_cost_the_platform_does_not_hold(owner_client, store):
    product = ProductFactory(store=store, unit_cost_minor=0)
    response = owner_client.post(f"{products_url(store)}{product.pk}/cost/", {"amount": "7.25"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Saved." in response.content.decode()
    product.refresh_from_db()
    assert (product.unit_cost_minor, product.unit_cost_source) == (725, UnitCostSource.MERCHANT)


@pytest.mark.parametrize(
    ("amount", "status", "message"),
    [
        ("7.255", 400, "too many decimals"),
        ("-1", 400, "between 0 and 100,000,000"),
        ("seven", 400, "is not an amount of money"),
        ("", 400, "A unit cost is a number like 12.50"),
    ],
)
def test_a_bad_unit_cost_is_refused_and_changes_nothing(owner_client, store, amount, status, message):
    product = ProductFactory(store=store, unit_cost_minor=900)
    response = owner_client.post(f"{products_url(store)}{product.pk}/cost/", {"amount": amount})
    assert response.status_code == status
    assert message in response.content.decode()
    product.refresh_from_db()
    assert product.unit_cost_minor == 900


def test_a_cost_shopify_holds_is_read_only_here(owner_client, store):
    # given a product synced from Shopify with the cost Shopify holds
    connection = store_connection(store)
    product = product_upsert(
        store=store,
        connection=connection,
        record=product_record(variants=(variant_record(unit_cost_minor=650),)),
    )
    assert product.unit_cost_source == UnitCostSource.PLATFORM
    # then the page shows the cost without a form, and a POST is refused with where to change it
    body = owner_client.get(products_url(store)).content.decode()
    assert "$6.50" in body and f"cost-{product.pk}" not in body
    response = owner_client.post(f"{products_url(store)}{product.pk}/cost/", {"amount": "1.00"})
    assert response.status_code == 409
    assert "Shopify holds this product&#x27;s cost" in response.content.decode()
    product.refresh_from_db()
    assert product.unit_cost_minor == 650


def test_an_analyst_reads_the_catalogue_but_cannot_set_a_cost(client, store, member_of):
    product = ProductFactory(store=store, unit_cost_minor=900)
    client.force_login(member_of(store, Role.ANALYST).user)
    body = client.get(products_url(store)).content.decode()
    assert product.title in body and f"cost-{product.pk}" not in body
    assert client.post(f"{products_url(store)}{product.pk}/cost/", {"amount": "1.00"}).status_code == 403
    product.refresh_from_db()
    assert product.unit_cost_minor == 900


def test_another_stores_product_and_order_answer_404(owner_client, store, other_store):
    product = ProductFactory(store=other_store, unit_cost_minor=900)
    order = OrderFactory(store=other_store)
    assert owner_client.post(f"{products_url(store)}{product.pk}/cost/", {"amount": "1.00"}).status_code == 404
    assert owner_client.get(f"/stores/{store.slug}/orders/{order.pk}/").status_code == 404
    assert owner_client.get(f"/stores/{other_store.slug}/orders/").status_code == 404
    product.refresh_from_db()
    assert product.unit_cost_minor == 900


def test_orders_filter_by_the_stores_days_and_search(owner_client, store):
    # given a store in New York and orders either side of its midnight
    store.timezone = "America/New_York"
    store.save()
    late = OrderFactory(store=store, name="#1001", created_at=dt.datetime(2026, 3, 2, 4, 30, tzinfo=dt.UTC))
    OrderFactory(store=store, name="#1002", created_at=dt.datetime(2026, 3, 2, 5, 30, tzinfo=dt.UTC))
    url = f"/stores/{store.slug}/orders/"
    # when the merchant asks for 2 March (New York)
    body = owner_client.get(url, {"since": "2026-03-02", "until": "2026-03-02"}).content.decode()
    # then only the order placed after New York's midnight shows (04:30 UTC is still 1 March there)
    assert "#1002" in body and "#1001" not in body
    body = owner_client.get(url, {"q": late.customer.email}).content.decode()
    assert "#1001" in body and "#1002" not in body


def test_a_reversed_date_range_is_refused_in_words(owner_client, store):
    OrderFactory(store=store, name="#1001")
    response = owner_client.get(f"/stores/{store.slug}/orders/", {"since": "2026-03-05", "until": "2026-03-01"})
    assert response.status_code == 400
    assert "The first day (2026-03-05) is after the last (2026-03-01)." in response.content.decode()
    response = owner_client.get(f"/stores/{store.slug}/orders/", {"until": "9999-12-31"})
    assert response.status_code == 400 and "(9999-12-31 is not)" in response.content.decode()
    response = owner_client.get(f"/stores/{store.slug}/orders/", {"since": "not a day"})
    assert response.status_code == 400 and "Enter a valid date." in response.content.decode()


def test_an_order_page_shows_lines_refunds_codes_customer_and_landing(owner_client, store):
    # given a synced order with a discount code and a refund three weeks later
    connection = store_connection(store)
    product_upsert(store=store, connection=connection, record=product_record())
    order = order_upsert(store=store, connection=connection, record=order_record(refunds=(refund_record(),)))
    StoreSync.objects.create(
        store=store, connection=connection, last_synced_at=dt.datetime(2026, 3, 3, 15, tzinfo=dt.UTC)
    )
    # when the owner opens it
    body = owner_client.get(f"/stores/{store.slug}/orders/{order.pk}/").content.decode()
    # then every part of it shows
    for text in (
        "#1001",
        "Merino Trail Sock - Medium",
        "CREATOR10",
        "$48.60",
        "$22.00",
        "$26.60",
        "Too small",
        "1 × Merino Trail Sock - Medium",
        "ada@example.net",
        "source tiktok, medium social, campaign spring",
        "https://www.tiktok.com/",
        "read-only here",
    ):
        assert text in body, text
    # and the orders list says when the store last synced
    listing = owner_client.get(f"/stores/{store.slug}/orders/").content.decode()
    assert "From Shopify" in listing and "last synced 3 Mar 2026" in listing
