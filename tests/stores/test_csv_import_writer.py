"""The CSV import's check and write: a report row by row with nothing written, then all or nothing, idempotent."""

import datetime as dt

import pytest

from stores.commerce.ingest import order_upsert
from stores.commerce.sync import store_sync_counts_refresh, store_sync_get
from stores.exceptions import ApplicationError
from stores.imports.shopify_csv import ORDERS, PRODUCTS
from stores.imports.writer import MAX_FILE_BYTES, csv_text_decode, import_read, import_write
from stores.models import Customer, Order, OrderLine, Product, ProductVariant, Refund, StoreSync
from tests.stores.commerce_helpers import order_record, store_connection
from tests.stores.csv_import_helpers import NOW, ORDERS_CSV, ORDERS_HEADER, PRODUCTS_CSV, PRODUCTS_HEADER

pytestmark = pytest.mark.django_db


def _import(store, kind, text):
    report = import_read(store=store, kind=kind, text=text, now=NOW)
    assert report.ok, [str(p) for p in report.problems]
    return report, import_write(store=store, report=report)


def _rows(store):
    """Every imported row of the store, as comparable tuples (ids included: a second import must keep them)."""
    return (
        list(Product.objects.filter(store=store).values_list("id", "external_id", "title", "price_minor", "status")),
        list(ProductVariant.objects.filter(store=store).values_list("id", "sku", "price_minor", "unit_cost_minor")),
        list(
            Order.objects.filter(store=store).values_list("id", "external_id", "name", "total_minor", "refunded_minor")
        ),
        list(
            OrderLine.objects.filter(store=store).values_list("id", "title", "quantity", "unit_cost_minor", "product")
        ),
        list(Customer.objects.filter(store=store).values_list("id", "email")),
        list(Refund.objects.filter(store=store).values_list("id", "amount_minor")),
    )


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        pytest.param(
            ORDERS,
            ORDERS_HEADER + "#1,not-an-email,paid,,,USD,10,0,0,10,,0,2025-01-01 10:00:00 +0000,1,Cap,10,,,,,,\n",
            ["line 2, Email: 'not-an-email' is not an email address."],
            id="an email that is not one",
        ),
        pytest.param(
            ORDERS,
            ORDERS_HEADER + "#1,,paid,,,USD,10,0,0,10,,0,2031-01-01 10:00:00 +0000,1,Cap,10,,,,,,\n",
            ["line 2, Created at: 2031-01-01 is not a day an order can have been placed on."],
            id="an order placed in the future",
        ),
        pytest.param(
            ORDERS,
            ORDERS_HEADER + "#1,,paid,,,USD,10,0,0,1000000000000,,0,2025-01-01 10:00:00 +0000,1,Cap,10,,,,,,\n",
            ["line 2, Total: '1000000000000' is larger than any amount Growth Hub keeps."],
            id="an absurd total",
        ),
        pytest.param(
            ORDERS,
            ORDERS_HEADER + "#1,,paid,,,EUR,10,0,0,10,,0,2025-01-01 10:00:00 +0000,1,Cap,10,,,,,,\n",
            ["line 2, Currency: order #1 is in EUR, but Northwind Outfitters keeps its books in USD."],
            id="an order in another currency than the store's",
        ),
        pytest.param(
            ORDERS,
            ORDERS_HEADER + "#1,,paid,,,USD,10,0,0,10,,0,2025-01-01 10:00:00 +0000,,Cap,10,,,,,,\n",
            ["line 2, Lineitem quantity: is empty; a whole number of at least 1 is needed."],
            id="a line without a quantity",
        ),
        pytest.param(
            PRODUCTS,
            PRODUCTS_HEADER + "mug,Mug,,,,,,Title,Default Title,MUG,5,-9.00,,,,active\n",
            ["line 2, Variant Price: '-9.00' is negative."],
            id="a negative price",
        ),
        pytest.param(
            PRODUCTS,
            PRODUCTS_HEADER + "mug,,,,,,,Title,Default Title,MUG,5,9.00,,,,\n",
            ["line 2, Title: product 'mug' has no row with a title."],
            id="a product without a title",
        ),
        pytest.param(
            PRODUCTS,
            PRODUCTS_HEADER + "mug,Mug,,,,,,Title,Default Title,MUG,5,9.00,,javascript:alert(1),,active\n",
            ["line 2, Image Src: 'javascript:alert(1)' is not a web address (https://...)."],
            id="an image that is not a web address",
        ),
        pytest.param(
            PRODUCTS, PRODUCTS_HEADER, ["line 1, : the file holds no products."], id="a file with only its header"
        ),
        pytest.param(
            PRODUCTS,
            'Handle,Variant Price\n"mug,9\n',
            ["line 2, Title: product 'mug,9' has no row with a title."],
            id="an unterminated quote swallowing the rest",
        ),
    ],
)
def test_each_kind_of_problem_is_reported_by_line_and_column_and_nothing_is_written(store, kind, text, expected):
    # given a file with one kind of mistake
    # when it is checked
    report = import_read(store=store, kind=kind, text=text, now=NOW)
    # then the report names the line and what is wrong, nothing can be written, and nothing was
    assert [str(problem) for problem in report.problems] == expected
    assert not report.ok
    with pytest.raises(ApplicationError, match="The file has problems"):
        import_write(store=store, report=report)
    assert (Product.objects.count(), Order.objects.count(), Customer.objects.count()) == (0, 0, 0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "The file is empty.", id="empty"),
        pytest.param("Name\n#1\xe9\n".encode("latin-1"), "The file is not UTF-8 text.", id="not UTF-8"),
        pytest.param(b"Name\x00\n", "The file holds binary data", id="binary"),
        pytest.param(b"x" * (MAX_FILE_BYTES + 1), "The file is larger than 20 MB", id="too large"),
    ],
)
def test_a_file_that_is_not_csv_text_is_refused_as_a_whole(data, message):
    with pytest.raises(ApplicationError, match=message):
        csv_text_decode(data=data)


def test_the_byte_order_mark_spreadsheets_write_is_dropped():
    assert csv_text_decode(data="\ufeffName\n".encode()) == "Name\n"


def test_products_then_orders_import_with_costs_at_sale_and_a_second_import_gives_the_same_rows(store):
    # given the store's products imported from their export
    _, products = _import(store, PRODUCTS, PRODUCTS_CSV)
    assert (products.created, products.updated, products.skipped) == (2, 0, 0)
    # when the orders export is imported, and the same two files again
    report, orders = _import(store, ORDERS, ORDERS_CSV)
    assert (report.to_create, report.to_update, orders.created) == (2, 0, 2)
    first = _rows(store)
    _, products_again = _import(store, PRODUCTS, PRODUCTS_CSV)
    report_again, orders_again = _import(store, ORDERS, ORDERS_CSV)
    # then the second import updated the same rows and created none
    assert (products_again.created, products_again.updated) == (0, 2)
    assert (report_again.to_create, report_again.to_update, orders_again.created, orders_again.updated) == (0, 2, 0, 2)
    assert _rows(store) == first
    # and each line kept the unit cost of its catalogue variant (found by SKU, else its product's) and links to its
    # product
    socks = Product.objects.get(store=store, handle="wool-socks")
    lines = OrderLine.objects.filter(store=store).order_by("order__name", "id")
    assert [(line.title, line.unit_cost_minor, line.product_id) for line in lines] == [
        ("Wool socks - S", 650, socks.pk),
        ("Wool socks - M", 700, socks.pk),
        ("Mug", 0, Product.objects.get(store=store, handle="mug").pk),
    ]
    order = Order.objects.get(store=store, name="#1001")
    assert (order.external_id, order.total_minor, order.refunded_minor, order.visitor_id) == (
        "gid://shopify/Order/7410991464714",
        5439,
        1000,
        "",
    )
    assert order.source_id is None and order.customer.email == "ana@example.com"


def test_a_cost_changed_after_the_sale_leaves_imported_lines_as_they_were(store):
    # given orders imported while the small socks cost 6.50
    _import(store, PRODUCTS, PRODUCTS_CSV)
    _import(store, ORDERS, ORDERS_CSV)
    # when the cost changes in a new products export and the orders file is imported again
    _import(store, PRODUCTS, PRODUCTS_CSV.replace(",6.50,active", ",8.00,active"))
    _import(store, ORDERS, ORDERS_CSV)
    # then the catalogue has the new cost and the sold line keeps the old one
    assert ProductVariant.objects.get(store=store, sku="SOCK-S").unit_cost_minor == 800
    assert OrderLine.objects.get(store=store, sku="SOCK-S").unit_cost_minor == 650


def test_the_file_s_lineitem_cost_is_the_cost_at_sale(store):
    text = ORDERS_HEADER.replace("Id\n", "Id,Lineitem cost\n") + (
        "#7,,paid,,,USD,9.00,0,0,9.00,,0,2025-11-01 10:00:00 +0000,1,Mug,9.00,MUG,,,,,,3.25\n"
    )
    _import(store, ORDERS, text)
    assert OrderLine.objects.get(store=store).unit_cost_minor == 325


def test_an_order_the_ingest_refuses_rolls_back_the_whole_file(store, monkeypatch):
    # given a clean file of two orders, and an ingest that refuses the second
    report = import_read(store=store, kind=ORDERS, text=ORDERS_CSV, now=NOW)
    calls = []

    def refusing(**kwargs):
        calls.append(kwargs["record"].name)
        if len(calls) == 2:
            raise ApplicationError("2000 refunded of 900 paid.")
        return order_upsert(**kwargs)

    monkeypatch.setattr("stores.imports.writer.order_upsert", refusing)
    # when it is written
    with pytest.raises(ApplicationError) as refused:
        import_write(store=store, report=report)
    # then the message names the order, and the first order was rolled back with it
    assert refused.value.message == "order #1002: 2000 refunded of 900 paid. Nothing was imported."
    assert (Order.objects.count(), Customer.objects.count(), OrderLine.objects.count()) == (0, 0, 0)


def test_orders_and_products_a_connected_platform_keeps_are_left_alone(store):
    # given a Shopify connection that synced order 7410991464714 and the product with the handle mug
    connection = store_connection(store)
    order_upsert(
        store=store,
        connection=connection,
        record=order_record(external_id="gid://shopify/Order/7410991464714", name="#1001"),
    )
    Product.objects.create(
        store=store,
        external_id="gid://shopify/Product/9",
        handle="mug",
        title="Mug",
        price_minor=900,
        currency="USD",
        source=connection,
    )
    synced = Order.objects.get(store=store)
    before = (synced.total_minor, synced.source_id)
    # when both files are imported
    products_report, products = _import(store, PRODUCTS, PRODUCTS_CSV)
    orders_report, orders = _import(store, ORDERS, ORDERS_CSV)
    # then the synced rows are skipped and unchanged, the rest created
    assert (products_report.to_skip, products.created, products.skipped) == (1, 1, 1)
    assert (orders_report.to_skip, orders.created, orders.skipped) == (1, 1, 1)
    synced.refresh_from_db()
    assert (synced.total_minor, synced.source_id) == before
    assert Product.objects.filter(store=store, handle="mug").count() == 1


def test_an_import_into_one_store_never_touches_another(store, other_store):
    # given the same orders in the other store
    _import(other_store, ORDERS, ORDERS_CSV)
    # when they are checked and imported into this store
    report, result = _import(store, ORDERS, ORDERS_CSV)
    # then this store's report counts them new and both stores have their own rows
    assert (report.to_create, report.to_update, result.created) == (2, 0, 2)
    assert Order.objects.filter(store=store).count() == Order.objects.filter(store=other_store).count() == 2


def test_a_customer_of_several_orders_is_one_customer_created_at_their_first_order(store):
    # given an export, newest first, of two orders by the same customer
    text = ORDERS_HEADER + (
        "#2,ana@example.com,paid,,,USD,9,0,0,9,,0,2025-11-01 10:00:00 +0000,1,Mug,9,,,,,,\n"
        "#1,Ana@Example.com,paid,,,USD,9,0,0,9,,0,2025-03-01 10:00:00 +0000,1,Mug,9,,,,,,\n"
    )
    # when it is imported
    _import(store, ORDERS, text)
    # then both orders belong to one customer, who became one on the first order's day
    (customer,) = Customer.objects.filter(store=store)
    assert customer.created_at == dt.datetime(2025, 3, 1, 10, 0, tzinfo=dt.UTC)
    assert set(Order.objects.filter(store=store).values_list("customer", flat=True)) == {customer.pk}


def test_an_order_the_platform_brought_while_the_file_waited_is_the_files_and_no_longer_counted_as_the_platforms(
    store,
):
    # given an orders file checked while order 7410991464714 was not in the hub yet
    connection = store_connection(store)
    store_sync_get(connection=connection)
    report = import_read(store=store, kind=ORDERS, text=ORDERS_CSV, now=NOW)
    # and Shopify bringing that order in (unchanged since it was placed) before the file is written, counted on its
    # sync
    placed = dt.datetime(2025, 10, 7, 7, 50, 26, tzinfo=dt.UTC)
    order_upsert(
        store=store,
        connection=connection,
        record=order_record(external_id="gid://shopify/Order/7410991464714", created_at=placed, updated_at=placed),
    )
    store_sync_counts_refresh(store_id=store.pk)
    assert StoreSync.objects.get(connection=connection).orders_count == 1

    # when the file is written
    import_write(store=store, report=report)

    # then the file's copy of the order (as recent as Shopify's) is the store's own, and the sync no longer counts it
    # as Shopify's
    assert not Order.objects.filter(source=connection).exists()
    assert StoreSync.objects.get(connection=connection).orders_count == 0
