"""Shopify's shapes into store records: exact money, GIDs everywhere, the journey's utm, required fields."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from platforms.constants import currency_exponent
from platforms.errors import Rejected
from platforms.shopify.mapping import (
    customer_record,
    financial_status,
    money_minor,
    order_record,
    product_record,
    shop_record,
)
from platforms.shopify.webhook_bodies import (
    inventory_from_webhook,
    order_from_webhook,
    product_from_webhook,
    refund_from_webhook,
)
from platforms.store_records import (
    ORDER_CANCELLED,
    ORDER_PAID,
    ORDER_PARTIALLY_REFUNDED,
    ORDER_PENDING,
    ORDER_REFUNDED,
    PRODUCT_ACTIVE,
    CustomerRecord,
    InventoryRecord,
    OrderLineRecord,
    RefundLineRecord,
    RefundRecord,
)
from tests.platforms.shopify_payloads import order_node

UTC = dt.UTC


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        pytest.param("19.99", "USD", 1999, id="dollars and cents"),
        pytest.param("1500", "JPY", 1500, id="yen have no minor unit"),
        pytest.param("1.234", "KWD", 1234, id="dinars have three decimals"),
        pytest.param("0.1", "USD", 10, id="one decimal"),
        pytest.param("19.990", "USD", 1999, id="a trailing zero beyond the cents"),
        pytest.param(19.99, "USD", 1999, id="a JSON number of a REST body, read exactly"),
        pytest.param("1500.0", "JPY", 1500, id="yen written with a decimal zero"),
    ],
)
def test_money_strings_become_exact_minor_units(amount, currency, minor):
    assert money_minor(amount, currency) == minor


@pytest.mark.parametrize(
    "amount",
    [
        pytest.param("19,99", id="a comma"),
        pytest.param("", id="empty"),
        pytest.param(None, id="missing"),
        pytest.param("NaN", id="not a number"),
        pytest.param("Infinity", id="infinite"),
        pytest.param("19.999", id="finer than a cent"),
        pytest.param(True, id="a boolean"),
    ],
)
def test_a_malformed_amount_is_rejected(amount):
    with pytest.raises(Rejected):
        money_minor(amount, "USD")


@pytest.mark.parametrize(
    ("status", "cancelled", "expected"),
    [
        ("PENDING", False, ORDER_PENDING),
        ("AUTHORIZED", False, ORDER_PENDING),
        ("partially_paid", False, ORDER_PENDING),
        ("PAID", False, ORDER_PAID),
        ("PARTIALLY_REFUNDED", False, ORDER_PARTIALLY_REFUNDED),
        ("refunded", False, ORDER_REFUNDED),
        ("VOIDED", False, ORDER_CANCELLED),
        ("paid", True, ORDER_CANCELLED),
    ],
    ids=[
        "pending is pending",
        "authorized is pending",
        "partially paid is pending",
        "paid is paid",
        "partially refunded",
        "refunded",
        "voided is cancelled",
        "a cancelled order is cancelled whatever was paid",
    ],
)
def test_financial_status_maps_onto_the_hubs_words(status, cancelled, expected):
    assert financial_status(status, cancelled=cancelled) == expected


def test_a_graphql_order_becomes_a_record_with_every_amount_in_minor_units():
    # when an Order node is mapped
    order = order_record(order_node(1001))
    # then its amounts, times, codes, attributes and journey are the hub's
    assert order.external_id == "gid://shopify/Order/1001"
    assert order.name == "#1001"
    assert order.currency == "USD"
    assert order.financial_status == ORDER_PARTIALLY_REFUNDED
    assert (order.total_minor, order.subtotal_minor, order.discount_minor) == (4497, 3498, 500)
    assert (order.shipping_minor, order.tax_minor, order.refunded_minor) == (700, 299, 1000)
    assert order.created_at == dt.datetime(2026, 11, 20, 14, 3, tzinfo=UTC)
    assert order.updated_at == dt.datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    assert order.discount_codes == ("WELCOME5",)
    assert order.attributes == {"gh_visitor": "v-123"}
    # the utm come from the last visit, without the prefix
    assert order.utm == {"source": "tiktok", "medium": "social", "campaign": "spring", "content": "p-42"}
    assert order.landing_url == "https://northwind.example/products/linen?utm_source=tiktok&utm_medium=social"
    assert order.referrer == "https://www.tiktok.com/"
    assert order.journey_ready is True
    assert order.customer == CustomerRecord(
        external_id="gid://shopify/Customer/501",
        created_at=order.created_at,
        updated_at=order.updated_at,
        email="ada@example.com",
    )
    assert order.lines == (
        OrderLineRecord(
            external_id="gid://shopify/LineItem/10011",
            title="Linen shirt - M #10011",
            quantity=2,
            unit_price_minor=1999,
            sku="LS-M-10011",
            product_external_id="gid://shopify/Product/8801",
            variant_external_id="gid://shopify/ProductVariant/4401",
            discount_minor=500,
        ),
    )
    assert order.refunds == (
        RefundRecord(
            external_id="gid://shopify/Refund/77",
            created_at=dt.datetime(2026, 11, 21, 8, 59, tzinfo=UTC),
            amount_minor=1000,
            reason="too small",
        ),
    )


def test_the_first_visit_gives_the_utm_when_there_is_no_last_visit_and_a_journey_not_ready_says_so():
    # given an order whose journey has only a first visit and is not yet attributed
    node = order_node(1002)
    node["customerJourneySummary"] = {**node["customerJourneySummary"], "lastVisit": None, "ready": False}
    # when it is mapped
    order = order_record(node)
    # then the first visit's utm are read and the order asks to be read again later
    assert order.utm == {"source": "pinterest", "medium": "social"}
    assert order.journey_ready is False


def test_an_order_in_yen_is_read_in_yen():
    node = order_node(1003, currency="JPY")
    for name in (
        "totalPriceSet",
        "subtotalPriceSet",
        "totalDiscountsSet",
        "totalShippingPriceSet",
        "totalTaxSet",
        "totalRefundedSet",
    ):
        node[name] = {"shopMoney": {"amount": "1500", "currencyCode": "JPY"}}
    node["lineItems"] = {"nodes": []}
    node["refunds"] = []
    order = order_record(node)
    assert (order.currency, order.total_minor, order.tax_minor) == ("JPY", 1500, 1500)


@pytest.mark.parametrize(
    "remove",
    ["id", "createdAt", "updatedAt", "totalPriceSet"],
    ids=["no id", "no creation time", "no update time", "no total"],
)
def test_an_order_without_a_required_field_is_rejected(remove):
    node = order_node(1004)
    del node[remove]
    with pytest.raises(Rejected):
        order_record(node)


def test_an_order_without_its_optional_fields_is_still_read():
    # given a bare order node
    node = {
        "id": "gid://shopify/Order/9",
        "createdAt": "2026-11-20T14:03:00-05:00",
        "updatedAt": "2026-11-20T14:03:00-05:00",
        "totalPriceSet": {"shopMoney": {"amount": "10.00", "currencyCode": "EUR"}},
    }
    # when it is mapped
    order = order_record(node)
    # then the times are UTC and the rest is empty
    assert order.created_at == dt.datetime(2026, 11, 20, 19, 3, tzinfo=UTC)
    assert (order.currency, order.total_minor, order.financial_status) == ("EUR", 1000, ORDER_PENDING)
    assert (order.lines, order.refunds, order.customer, order.utm, order.journey_ready) == ((), (), None, {}, False)


def test_a_naive_time_is_rejected():
    node = order_node(1005)
    node["createdAt"] = "2026-11-20T14:03:00"
    with pytest.raises(Rejected, match="time zone"):
        order_record(node)


def test_the_shop_and_a_customer_are_mapped():
    shop = shop_record(
        {
            "id": "gid://shopify/Shop/9",
            "name": "Northwind",
            "myshopifyDomain": "northwind.myshopify.com",
            "currencyCode": "USD",
            "ianaTimezone": "America/New_York",
            "primaryDomain": {"url": "https://northwind.example"},
        }
    )
    assert (shop.domain, shop.currency, shop.timezone, shop.primary_domain_url) == (
        "northwind.myshopify.com",
        "USD",
        "America/New_York",
        "https://northwind.example",
    )
    customer = customer_record(
        {
            "id": "gid://shopify/Customer/501",
            "createdAt": "2026-01-02T03:04:05Z",
            "updatedAt": "2026-02-02T03:04:05Z",
            "firstName": "Ada",
            "lastName": "Lovelace",
            "defaultEmailAddress": {"emailAddress": "ada@example.com", "marketingState": "SUBSCRIBED"},
        }
    )
    assert customer == CustomerRecord(
        external_id="gid://shopify/Customer/501",
        created_at=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        updated_at=dt.datetime(2026, 2, 2, 3, 4, 5, tzinfo=UTC),
        email="ada@example.com",
        name="Ada Lovelace",
        accepts_marketing=True,
    )


# -- webhook bodies ------------------------------------------------------------------------------------------------


def webhook_order(**overrides):
    body = {
        "id": 820982911946154508,
        "admin_graphql_api_id": "gid://shopify/Order/820982911946154508",
        "name": "#9999",
        "created_at": "2026-11-20T09:03:00-05:00",
        "updated_at": "2026-11-21T10:00:00-05:00",
        "processed_at": "2026-11-20T09:03:01-05:00",
        "cancelled_at": None,
        "currency": "USD",
        "total_price": "44.97",
        "current_total_price": "34.97",
        "subtotal_price": "34.98",
        "total_discounts": "5.00",
        "total_shipping_price_set": {
            "shop_money": {"amount": "7.00", "currency_code": "USD"},
            "presentment_money": {"amount": "6.50", "currency_code": "EUR"},
        },
        "total_tax": "2.99",
        "financial_status": "partially_refunded",
        "test": False,
        "discount_codes": [{"code": "WELCOME5", "amount": "5.00", "type": "fixed_amount"}],
        "note_attributes": [{"name": "gh_visitor", "value": "v-123"}],
        "landing_site": "/products/linen?utm_source=instagram&utm_medium=social&utm_campaign=launch&ref=x",
        "referring_site": "https://l.instagram.com/",
        "customer": {
            "id": 115310627314723954,
            "email": "ada@example.com",
            "first_name": "Ada",
            "last_name": "L",
            "created_at": "2026-01-02T03:04:05-05:00",
            "updated_at": "2026-11-20T09:03:00-05:00",
            "email_marketing_consent": {"state": "subscribed"},
        },
        "line_items": [
            {
                "id": 866550311766439020,
                "admin_graphql_api_id": "gid://shopify/LineItem/866550311766439020",
                "title": "Linen shirt",
                "name": "Linen shirt - M",
                "sku": "LS-M",
                "price": "19.99",
                "quantity": 2,
                "total_discount": "5.00",
                "product_id": 632910392,
                "variant_id": 808950810,
            },
            {
                "id": 141249953214522974,
                "title": "Custom engraving",
                "price": "0.00",
                "quantity": 1,
                "total_discount": "0.00",
                "product_id": None,
                "variant_id": None,
            },
        ],
        "refunds": [
            {
                "id": 509562969,
                "admin_graphql_api_id": "gid://shopify/Refund/509562969",
                "order_id": 820982911946154508,
                "created_at": "2026-11-21T10:00:00-05:00",
                "note": "too small",
                "refund_line_items": [
                    {
                        "line_item_id": 866550311766439020,
                        "quantity": 1,
                        "subtotal": 5.0,
                        "subtotal_set": {"shop_money": {"amount": "5.00", "currency_code": "USD"}},
                    }
                ],
                "transactions": [
                    {"kind": "refund", "status": "success", "amount": "10.00", "currency": "USD"},
                    {"kind": "refund", "status": "failure", "amount": "10.00", "currency": "USD"},
                ],
            },
        ],
    }
    return {**body, **overrides}


def test_a_webhook_order_body_names_everything_by_its_gid_and_keeps_the_total_after_a_refund():
    # when an orders/updated body is mapped
    order = order_from_webhook(webhook_order())
    # then ids are GIDs, the total stays the checkout's and the refund is its successful transaction
    assert order.external_id == "gid://shopify/Order/820982911946154508"
    assert (order.total_minor, order.subtotal_minor, order.discount_minor) == (4497, 3498, 500)
    assert (order.shipping_minor, order.tax_minor, order.refunded_minor) == (700, 299, 1000)
    assert order.financial_status == ORDER_PARTIALLY_REFUNDED
    assert order.created_at == dt.datetime(2026, 11, 20, 14, 3, tzinfo=UTC)
    assert order.discount_codes == ("WELCOME5",)
    assert order.attributes == {"gh_visitor": "v-123"}
    assert order.utm == {"source": "instagram", "medium": "social", "campaign": "launch"}
    assert order.landing_url == "/products/linen?utm_source=instagram&utm_medium=social&utm_campaign=launch&ref=x"
    assert order.referrer == "https://l.instagram.com/"
    assert order.journey_ready is False
    assert order.customer is not None
    assert (order.customer.external_id, order.customer.email, order.customer.accepts_marketing) == (
        "gid://shopify/Customer/115310627314723954",
        "ada@example.com",
        True,
    )
    assert [(line.external_id, line.product_external_id, line.variant_external_id) for line in order.lines] == [
        (
            "gid://shopify/LineItem/866550311766439020",
            "gid://shopify/Product/632910392",
            "gid://shopify/ProductVariant/808950810",
        ),
        ("gid://shopify/LineItem/141249953214522974", "", ""),
    ]
    assert (order.lines[0].unit_price_minor, order.lines[0].discount_minor) == (1999, 500)
    assert order.refunds[0].lines == (
        RefundLineRecord(line_external_id="gid://shopify/LineItem/866550311766439020", quantity=1, amount_minor=500),
    )


def test_a_cancelled_webhook_order_is_cancelled():
    order = order_from_webhook(webhook_order(cancelled_at="2026-11-22T10:00:00-05:00", financial_status="voided"))
    assert order.financial_status == ORDER_CANCELLED
    assert order.cancelled_at == dt.datetime(2026, 11, 22, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize("remove", ["currency", "total_price", "created_at", "updated_at"])
def test_a_webhook_order_without_a_required_field_is_rejected(remove):
    body = webhook_order()
    del body[remove]
    with pytest.raises(Rejected):
        order_from_webhook(body)


def test_a_webhook_order_without_its_graphql_id_builds_it_from_the_numeric_id():
    body = webhook_order(refunds=[], customer=None, line_items=[])
    del body["admin_graphql_api_id"]
    order = order_from_webhook(body)
    assert order.external_id == "gid://shopify/Order/820982911946154508"
    assert (order.customer, order.refunded_minor) == (None, 0)


def test_a_refunds_create_body_becomes_a_refund_record_in_its_transactions_currency():
    # given a refunds/create body in Kuwaiti dinars
    body = {
        "id": 929361464,
        "order_id": 450789469,
        "created_at": "2026-11-21T10:00:00-05:00",
        "processed_at": "2026-11-21T10:00:00-05:00",
        "note": "damaged",
        "restock": True,
        "refund_line_items": [
            {
                "id": 1,
                "line_item_id": 669751112,
                "quantity": 1,
                "subtotal": 1.234,
                "total_tax": 0.1,
                "subtotal_set": {"shop_money": {"amount": "1.234", "currency_code": "KWD"}},
            }
        ],
        "transactions": [{"id": 5, "kind": "refund", "status": "success", "amount": "1.334", "currency": "KWD"}],
        "order_adjustments": [],
    }
    # when it is mapped
    refund = refund_from_webhook(body)
    # then it is the refund in fils, its line named by GID
    assert refund == RefundRecord(
        external_id="gid://shopify/Refund/929361464",
        created_at=dt.datetime(2026, 11, 21, 15, 0, tzinfo=UTC),
        amount_minor=1334,
        reason="damaged",
        lines=(RefundLineRecord(line_external_id="gid://shopify/LineItem/669751112", quantity=1, amount_minor=1234),),
    )


def test_a_refund_with_amounts_but_no_currency_is_rejected():
    body = {"id": 1, "created_at": "2026-11-21T10:00:00Z", "transactions": [{"kind": "refund", "amount": "1.00"}]}
    with pytest.raises(Rejected, match="currency"):
        refund_from_webhook(body)


def test_a_product_body_is_priced_in_the_shops_currency_with_inventory_item_gids():
    body = {
        "id": 632910392,
        "admin_graphql_api_id": "gid://shopify/Product/632910392",
        "title": "Linen shirt",
        "handle": "linen-shirt",
        "status": "active",
        "product_type": "Shirts",
        "tags": "linen, summer",
        "updated_at": "2026-11-20T09:03:00-05:00",
        "image": {"src": "https://cdn.shopify.com/s/files/linen.jpg"},
        "variants": [
            {
                "id": 808950810,
                "admin_graphql_api_id": "gid://shopify/ProductVariant/808950810",
                "title": "M",
                "sku": "LS-M",
                "price": "19.99",
                "compare_at_price": "24.99",
                "inventory_quantity": 7,
                "inventory_item_id": 39072856,
                "inventory_management": "shopify",
            }
        ],
    }
    product = product_from_webhook(body, currency="USD")
    assert (product.external_id, product.status, product.category, product.tags) == (
        "gid://shopify/Product/632910392",
        PRODUCT_ACTIVE,
        "Shirts",
        ("linen", "summer"),
    )
    (variant,) = product.variants
    assert (variant.price_minor, variant.compare_at_price_minor, variant.inventory_quantity) == (1999, 2499, 7)
    assert variant.inventory_item_id == "gid://shopify/InventoryItem/39072856"
    assert product.image_url == "https://cdn.shopify.com/s/files/linen.jpg"


def test_an_inventory_level_body_becomes_a_stock_change():
    record = inventory_from_webhook(
        {
            "inventory_item_id": 271878346596884015,
            "location_id": 24826418,
            "available": 6,
            "updated_at": "2026-11-20T09:03:00-05:00",
        }
    )
    assert record == InventoryRecord(
        inventory_item_id="gid://shopify/InventoryItem/271878346596884015",
        available=6,
        updated_at=dt.datetime(2026, 11, 20, 14, 3, tzinfo=UTC),
    )


@given(
    minor=st.integers(min_value=-(10**15), max_value=10**15),
    currency=st.sampled_from(["USD", "EUR", "JPY", "KWD", "CLF"]),
)
def test_any_amount_shopify_writes_reads_back_to_the_same_minor_units(minor, currency):
    # given an amount in minor units written the way Shopify writes decimals
    exponent = currency_exponent(currency)
    written = str(Decimal(minor).scaleb(-exponent))
    # then reading it gives the same minor units
    assert money_minor(written, currency) == minor


@pytest.mark.parametrize(
    ("status", "expected"),
    [("ACTIVE", "active"), ("UNLISTED", "active"), ("DRAFT", "draft"), ("ARCHIVED", "archived"), (None, "draft")],
    ids=["active", "unlisted is still on sale", "draft", "archived", "no status is a draft"],
)
def test_product_statuses_map_onto_the_hubs(status, expected):
    node = {"id": "gid://shopify/Product/1", "title": "Tea bowl", "status": status, "updatedAt": "2026-11-01T00:00:00Z"}
    assert product_record(node, "USD").status == expected
