"""WooCommerce's webhook reader and mapping on their own: signatures, ids, the ping, and exact money."""

import pytest

from platforms.base import redact
from platforms.errors import Rejected
from platforms.registry import store_platform
from platforms.store_records import (
    EVENT_IGNORED,
    EVENT_ORDER,
    EVENT_PRODUCT,
    EVENT_PRODUCT_DELETED,
    ORDER_CANCELLED,
    ORDER_PENDING,
)
from platforms.webhook_signature import body_signature
from platforms.woocommerce import mapping
from platforms.woocommerce.store import site_zone
from platforms.woocommerce.webhooks import WooCommerceWebhooks, topic_secret

READER = WooCommerceWebhooks()
SECRET = "the-connection-secret"
ORDER = (
    b'{"id":42,"number":"42","status":"on-hold","currency":"KWD","date_created_gmt":"2026-11-20T10:00:00",'
    b'"date_modified_gmt":"2026-11-20T10:05:00","total":"12.345","discount_total":"0.000","shipping_total":"1.000",'
    b'"total_tax":"0.500","customer_id":0,"billing":{"email":"guest@example.com"},'
    b'"line_items":[{"id":7,"name":"Dates","product_id":3,"variation_id":0,"quantity":3,"subtotal":"10.845",'
    b'"total":"10.845","sku":"D-1","price":3.615}],"coupon_lines":[],"refunds":[],'
    b'"meta_data":[{"id":1,"key":"_growthhub_visitor_id","value":"v-1"},{"id":2,"key":"gift_note","value":"Hi"},'
    b'{"id":3,"key":"_wc_order_attribution_utm_source","value":"x"},{"id":4,"key":"_internal","value":"no"}]}'
)


def signed(body: bytes, topic: str, secret: str = SECRET) -> dict[str, str]:
    return {
        "x-wc-webhook-topic": topic,
        "X-WC-Webhook-Signature": body_signature(body=body, secret=topic_secret(secret=secret, topic=topic)),
        "X-WC-Webhook-Delivery-ID": "9001",
        "X-WC-Webhook-Source": "https://shop.example.com/",
    }


def test_the_registry_gives_this_reader():
    assert isinstance(store_platform("woocommerce").webhooks, WooCommerceWebhooks)


def test_a_body_signed_with_its_topics_secret_verifies_and_names_its_delivery():
    # given a delivery signed as WooCommerce does, with headers in any case
    headers = signed(ORDER, "order.updated")
    # then it verifies, and its ids and account are read
    assert READER.verify(body=ORDER, headers=headers, secret=SECRET)
    assert (READER.delivery_id(headers), READER.topic(headers)) == ("9001", "order.updated")
    assert READER.account_id(headers) == "https://shop.example.com"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda body, headers: (body + b" ", headers),
        lambda body, headers: (body, {**headers, "x-wc-webhook-topic": "order.created"}),
        lambda body, headers: (body, {**headers, "X-WC-Webhook-Signature": ""}),
        lambda body, headers: (body, {k: v for k, v in headers.items() if k != "x-wc-webhook-topic"}),
    ],
    ids=["a changed body", "another topic than signed", "no signature", "no topic"],
)
def test_a_tampered_delivery_does_not_verify(tamper):
    body, headers = tamper(ORDER, signed(ORDER, "order.updated"))
    assert not READER.verify(body=body, headers=headers, secret=SECRET)
    assert not READER.verify(body=ORDER, headers=signed(ORDER, "order.updated"), secret="")


@pytest.mark.parametrize(
    ("body", "headers", "ping"),
    [
        (b"webhook_id=12", {}, True),
        (b"webhook_id=12", {"X-WC-Webhook-Signature": "abc"}, False),
        (b"webhook_id=12&x=1", {}, False),
        (b'{"id":1}', {}, False),
    ],
    ids=["the creation ping", "a signed body", "more than the id", "json"],
)
def test_only_the_unsigned_creation_ping_is_a_ping(body, headers, ping):
    assert READER.is_unsigned_ping(headers=headers, body=body) is ping


def test_an_order_body_reads_exactly_in_a_three_decimal_currency():
    # when an on-hold KWD guest order is read
    event = READER.read(topic="order.updated", body=ORDER)
    order = event.record
    # then its fils are exact, the visitor and storefront meta are kept, the journey read, internals left out
    assert event.kind == EVENT_ORDER and event.external_id == "42"
    assert (order.total_minor, order.shipping_minor, order.tax_minor, order.subtotal_minor) == (12345, 1000, 500, 10845)
    assert order.financial_status == ORDER_PENDING and order.customer is None
    assert order.lines[0].unit_price_minor == 3615 and order.lines[0].variant_external_id == "3"
    assert dict(order.attributes) == {"gift_note": "Hi", "_gh_visitor": "v-1"}
    assert dict(order.utm) == {"source": "x"}
    assert order.name == "#42"


def test_a_cancelled_order_is_never_revenue():
    body = ORDER.replace(b'"on-hold"', b'"cancelled"')
    order = READER.read(topic="order.updated", body=body).record
    assert order.financial_status == ORDER_CANCELLED and order.cancelled_at == order.updated_at


def test_product_bodies_need_the_stores_currency_and_variable_ones_wait_for_the_sync():
    simple = (
        b'{"id":3,"name":"Dates","type":"simple","status":"publish","date_modified_gmt":"2026-11-20T10:00:00",'
        b'"price":"3.615","regular_price":"4.000","manage_stock":true,"stock_quantity":9,'
        b'"cost_of_goods_sold":{"total_value":1.2}}'
    )
    event = READER.read(topic="product.updated", body=simple, currency="KWD")
    variant = event.record.variants[0]
    assert event.kind == EVENT_PRODUCT
    assert (variant.price_minor, variant.compare_at_price_minor, variant.unit_cost_minor) == (3615, 4000, 1200)
    assert variant.inventory_quantity == 9
    with pytest.raises(Rejected):
        READER.read(topic="product.updated", body=simple)
    variable = simple.replace(b'"simple"', b'"variable"')
    assert READER.read(topic="product.updated", body=variable, currency="KWD").kind == EVENT_IGNORED
    deleted = READER.read(topic="product.deleted", body=b'{"id":3}')
    assert (deleted.kind, deleted.external_id) == (EVENT_PRODUCT_DELETED, "3")
    assert READER.read(topic="coupon.created", body=b'{"id":3}').kind == EVENT_IGNORED


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1]", ORDER.replace(b'"total":"12.345"', b'"total":"12.3456"'), ORDER.replace(b'"id":42,', b"")],
    ids=["not json", "not an object", "finer than the currency", "no id"],
)
def test_an_unreadable_order_is_rejected(body):
    with pytest.raises(Rejected):
        READER.read(topic="order.created", body=body)


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("19.99", "USD", 1999), ("1500", "JPY", 1500), ("1.234", "KWD", 1234), ("-5.00", "EUR", -500), ("", "USD", 0)],
)
def test_money_strings_are_read_exactly(amount, currency, minor):
    assert mapping.money_minor(amount, currency) == minor


@pytest.mark.parametrize("amount", ["abc", "NaN", "1.5", True, None])
def test_money_that_is_not_a_yen_amount_is_rejected(amount):
    with pytest.raises(Rejected):
        mapping.money_minor(amount, "JPY")


def test_the_key_flows_state_is_redacted_from_logged_urls():
    line = '"GET /stores/connections/woocommerce/callback/?success=1&user_id=Zm9vYmFy-state HTTP/1.1" 302'
    assert "Zm9vYmFy" not in redact(line) and "success=1" in redact(line)


@pytest.mark.parametrize(
    ("index", "zone"),
    [
        ({"timezone_string": "America/Chicago", "gmt_offset": -6}, "America/Chicago"),
        ({"timezone_string": "", "gmt_offset": 2}, "Etc/GMT-2"),
        ({"timezone_string": "", "gmt_offset": "-5"}, "Etc/GMT+5"),
        ({"timezone_string": "", "gmt_offset": 0}, "UTC"),
        ({"timezone_string": "", "gmt_offset": 5.5}, ""),
        ({"gmt_offset": "x"}, ""),
        ({}, ""),
    ],
    ids=["a named zone", "a whole-hour offset east", "one west", "zero", "a half-hour offset", "junk", "nothing"],
)
def test_the_sites_zone_comes_from_wordpress_settings(index, zone):
    assert site_zone(index) == zone
