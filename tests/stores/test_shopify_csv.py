"""Shopify's products and orders CSV exports read into store records, with a row-by-row validation report."""

import datetime as dt
import io

from platforms.store_records import ORDER_CANCELLED, ORDER_PAID, ORDER_PARTIALLY_REFUNDED, PRODUCT_DRAFT
from stores.imports.shopify_csv import MAX_CELL, orders_csv_read, products_csv_read

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)

PRODUCTS_HEADER = (
    "Handle,Title,Body (HTML),Vendor,Type,Tags,Published,Option1 Name,Option1 Value,Variant SKU,"
    "Variant Inventory Qty,Variant Price,Variant Compare At Price,Image Src,Cost per item,Status\n"
)
ORDERS_HEADER = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,"
    "Discount Amount,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Lineitem discount,"
    "Note Attributes,Cancelled at,Refunded Amount,Id\n"
)


def lines(text):
    return io.StringIO(text)


def test_a_product_with_two_variants_and_an_image_row_is_one_product_with_both_variants():
    # given Shopify's export of one product: two variant rows and an image-only row
    text = PRODUCTS_HEADER + (
        'wool-socks,Wool socks,<p>Warm <b>merino</b></p>,Acme,Socks,"winter, wool",true,Size,S,SOCK-S,12,19.99,'
        "24.00,https://cdn.example.com/s.jpg,6.50,active\n"
        "wool-socks,,,,,,,,M,SOCK-M,3,21.50,,,7.00,\n"
        "wool-socks,,,,,,,,,,,,,https://cdn.example.com/s2.jpg,,\n"
    )
    # when it is read in USD
    read = products_csv_read(lines=lines(text), currency="USD", now=NOW)
    # then one product with both variants, prices and costs exact in cents
    assert read.ok, read.problems
    (product,) = read.records
    assert (product.external_id, product.title, product.description) == (
        "csv-product:wool-socks",
        "Wool socks",
        "Warm merino",
    )
    assert product.tags == ("winter", "wool") and product.category == "Socks"
    assert [(v.sku, v.price_minor, v.unit_cost_minor, v.inventory_quantity) for v in product.variants] == [
        ("SOCK-S", 1999, 650, 12),
        ("SOCK-M", 2150, 700, 3),
    ]
    assert (product.price_minor, product.inventory_quantity, product.variants[0].compare_at_price_minor) == (
        1999,
        15,
        2400,
    )


def test_product_rows_with_bad_cells_are_reported_by_line_and_column_and_yield_no_import():
    # given a draft product whose second variant has a malformed price and a text stock count
    text = PRODUCTS_HEADER + (
        "mug,Mug,,,,,,Title,Default Title,MUG,5,9.00,,,,draft\nmug,,,,,,,,Big,MUG-L,lots,9.999,,,,\n"
    )
    # when it is read
    read = products_csv_read(lines=lines(text), currency="USD", now=NOW)
    # then each problem names its line and column, and the read is not importable
    assert not read.ok
    assert [str(p) for p in read.problems] == [
        "line 3, Variant Price: '9.999' is not an amount in USD (like 19.99).",
    ]
    assert read.records[0].status == PRODUCT_DRAFT and read.records[0].variants[0].title == ""


def test_a_file_without_the_export_columns_is_refused_as_a_whole():
    # given a CSV that is not a Shopify export
    read = orders_csv_read(lines=lines("order,amount\n1,10\n"))
    # then the report says which columns are missing, on the header line
    assert [str(p) for p in read.problems] == [
        "line 1, Name, Lineitem quantity, Lineitem name, Lineitem price: missing: this is not a Shopify orders "
        "export (columns not found)."
    ]
    assert read.records == [] and not read.ok


def test_an_order_over_two_rows_is_one_order_with_two_lines_money_exact_and_times_in_utc():
    # given a paid order with a discount code, a partial refund and two line items (order fields on row one)
    text = ORDERS_HEADER + (
        "#1001,ana@example.com,partially_refunded,2025-10-07 09:52:00 +0200,fulfilled,EUR,53.91,4.90,10.78,69.59,"
        'WELCOME10,5.99,2025-10-07 09:50:26 +0200,2,Mask,24.95,MASK-1,2.99,"gh_visitor: v-123",,10.00,7410991464714\n'
        "#1001,,,,,,,,,,,,,1,Serum,9.00,SER-1,3.00,,,,\n"
    )
    # when it is read
    read = orders_csv_read(lines=lines(text))
    # then one order keyed by the id Shopify's API knows it by
    assert read.ok, read.problems
    (order,) = read.records
    assert order.external_id == "gid://shopify/Order/7410991464714" and order.name == "#1001"
    assert order.created_at == dt.datetime(2025, 10, 7, 7, 50, 26, tzinfo=dt.UTC)
    assert (order.total_minor, order.subtotal_minor, order.shipping_minor, order.tax_minor, order.discount_minor) == (
        6959,
        5391,
        490,
        1078,
        599,
    )
    assert order.financial_status == ORDER_PARTIALLY_REFUNDED and order.refunded_minor == 1000
    assert [r.amount_minor for r in order.refunds] == [1000]
    assert order.discount_codes == ("WELCOME10",) and order.attributes == {"gh_visitor": "v-123"}
    assert [(line.title, line.quantity, line.unit_price_minor, line.discount_minor) for line in order.lines] == [
        ("Mask", 2, 2495, 299),
        ("Serum", 1, 900, 300),
    ]
    assert order.customer.email == "ana@example.com"


def test_a_cancelled_order_without_an_id_is_cancelled_and_keyed_by_its_name():
    text = ORDERS_HEADER + (
        "#1002,,paid,,,JPY,1500,0,0,1500,,0,2025-11-01 10:00:00 +0900,1,Tea,1500,,,,2025-11-02 10:00:00 +0900,,\n"
    )
    read = orders_csv_read(lines=lines(text))
    (order,) = read.records
    assert (order.external_id, order.financial_status, order.total_minor) == ("csv-order:#1002", ORDER_CANCELLED, 1500)
    assert order.refunds == () and order.customer is None


def test_order_rows_with_bad_cells_report_every_problem_and_drop_that_order():
    # given one good order and one whose currency, status, time and refund are wrong
    text = ORDERS_HEADER + (
        "#1,,paid,,,USD,10.00,0,0,10.00,,0,2025-01-01 10:00:00 +0000,1,Cap,10.00,,,,,,\n"
        "#2,,maybe,,,USD,10.00,0,0,10.00,,0,yesterday,1,Cap,10.00,,,,,,\n"
        "#3,,paid,,,USD,10.00,0,0,10.00,,0,2025-01-01 10:00:00 +0000,1,Cap,10.00,,,,,12.00,\n"
        "#4,,paid,,,US1,10.00,0,0,10.00,,0,2025-01-01 10:00:00 +0000,0,Cap,10.00,,,,,,\n"
    )
    read = orders_csv_read(lines=lines(text))
    assert [str(p) for p in read.problems] == [
        "line 3, Created at: 'yesterday' is not a time like 2025-10-07 09:50:26 +0200.",
        "line 3, Financial Status: 'maybe' is not one of authorized, paid, partially_paid, partially_refunded, "
        "pending, refunded, voided.",
        "line 4, Refunded Amount: is more than the order's total.",
        "line 5, Currency: 'US1' is not a currency code like USD.",
    ]
    assert [order.name for order in read.records] == ["#1"] and not read.ok
    assert read.records[0].financial_status == ORDER_PAID


def test_an_overlong_cell_is_reported_and_cut():
    text = ORDERS_HEADER + (
        f"#1,,paid,,,USD,1,0,0,1,,0,2025-01-01 10:00:00 +0000,1,Cap,1,,,{'x' * (MAX_CELL + 1)},,,\n"
    )
    read = orders_csv_read(lines=lines(text))
    assert [str(p) for p in read.problems] == [f"line 2, Note Attributes: is longer than {MAX_CELL} characters."]
