"""Shopify's webhook deliveries: the signature over the raw body, the headers, and what each topic's body says."""

import json

import pytest
from django.http.request import HttpHeaders

from platforms.errors import Rejected
from platforms.registry import STORE_PLATFORM_DESCRIPTORS, store_platform
from platforms.shopify import DESCRIPTOR
from platforms.shopify.store import ShopifyStore
from platforms.shopify.webhooks import ShopifyWebhooks
from platforms.store_records import (
    EVENT_CUSTOMERS_DATA_REQUEST,
    EVENT_CUSTOMERS_REDACT,
    EVENT_IGNORED,
    EVENT_INVENTORY,
    EVENT_ORDER,
    EVENT_PRODUCT,
    EVENT_PRODUCT_DELETED,
    EVENT_REFUND,
    EVENT_SHOP_REDACT,
    EVENT_UNINSTALLED,
    InventoryRecord,
    OrderRecord,
    ProductRecord,
    RefundRecord,
)
from platforms.webhook_signature import body_signature

SECRET = "growthhub-shopify-secret"
# Shopify escapes "/" as "\/" in its bodies: the signature is over these bytes, never re-serialised JSON.
RAW_BODY = b'{"id":820982911946154508,"landing_site":"\\/products\\/linen?utm_source=tiktok"}'
READER = ShopifyWebhooks()


def headers(**overrides: str) -> dict[str, str]:
    return {
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Hmac-Sha256": body_signature(body=RAW_BODY, secret=SECRET),
        "X-Shopify-Shop-Domain": "northwind.myshopify.com",
        "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        "X-Shopify-API-Version": "2026-10",
        **overrides,
    }


def test_a_delivery_signed_with_the_apps_secret_is_verified():
    assert READER.verify(body=RAW_BODY, headers=headers(), secret=SECRET) is True


@pytest.mark.parametrize(
    ("body", "delivery_headers", "secret"),
    [
        pytest.param(RAW_BODY.replace(b"tiktok", b"google"), headers(), SECRET, id="a changed body"),
        pytest.param(json.dumps(json.loads(RAW_BODY)).encode(), headers(), SECRET, id="re-serialised JSON"),
        pytest.param(RAW_BODY, headers(), "another-secret", id="another app's secret"),
        pytest.param(RAW_BODY, {k: v for k, v in headers().items() if "Hmac" not in k}, SECRET, id="no signature"),
        pytest.param(RAW_BODY, headers(**{"X-Shopify-Hmac-Sha256": ""}), SECRET, id="an empty signature"),
        pytest.param(RAW_BODY, headers(), "", id="no secret configured"),
    ],
)
def test_a_delivery_that_is_not_signed_by_the_app_is_refused(body, delivery_headers, secret):
    assert READER.verify(body=body, headers=delivery_headers, secret=secret) is False


def test_headers_are_read_whatever_their_case():
    # given headers as a proxy lower-cased them
    lowered = {name.lower(): value for name, value in headers().items()}
    # then the signature, ids, shop and topic are all found
    assert READER.verify(body=RAW_BODY, headers=lowered, secret=SECRET) is True
    assert READER.delivery_id(lowered) == "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"
    assert READER.account_id(lowered) == "northwind.myshopify.com"
    assert READER.topic(lowered) == "orders/create"
    assert READER.is_unsigned_ping(headers=lowered, body=RAW_BODY) is False


def order_body() -> dict:
    return {
        "id": 820982911946154508,
        "admin_graphql_api_id": "gid://shopify/Order/820982911946154508",
        "created_at": "2026-11-20T09:03:00-05:00",
        "updated_at": "2026-11-20T09:03:00-05:00",
        "currency": "USD",
        "total_price": "19.99",
        "financial_status": "paid",
        "line_items": [],
    }


@pytest.mark.parametrize("topic", ["orders/create", "orders/updated", "orders/paid", "orders/cancelled"])
def test_order_topics_carry_the_order(topic):
    event = READER.read(topic=topic, body=json.dumps(order_body()).encode())
    assert event.kind == EVENT_ORDER
    assert isinstance(event.record, OrderRecord)
    assert event.external_id == "gid://shopify/Order/820982911946154508"
    assert event.record.total_minor == 1999


def test_a_refund_carries_its_record_and_its_order():
    body = {
        "id": 929361464,
        "admin_graphql_api_id": "gid://shopify/Refund/929361464",
        "order_id": 450789469,
        "created_at": "2026-11-21T10:00:00-05:00",
        "note": "",
        "refund_line_items": [],
        "transactions": [{"kind": "refund", "status": "success", "amount": "4.50", "currency": "EUR"}],
    }
    event = READER.read(topic="refunds/create", body=json.dumps(body).encode())
    assert event.kind == EVENT_REFUND
    assert isinstance(event.record, RefundRecord)
    assert (event.record.external_id, event.record.amount_minor) == ("gid://shopify/Refund/929361464", 450)
    assert event.order_external_id == "gid://shopify/Order/450789469"


def test_a_product_update_is_priced_in_the_currency_given_and_refused_without_one():
    body = json.dumps(
        {
            "id": 632910392,
            "title": "Tea bowl",
            "status": "active",
            "updated_at": "2026-11-20T09:03:00-05:00",
            "variants": [{"id": 1, "price": "1500", "inventory_item_id": 5, "inventory_quantity": 2}],
        }
    ).encode()
    event = READER.read(topic="products/update", body=body, currency="JPY")
    assert event.kind == EVENT_PRODUCT
    assert isinstance(event.record, ProductRecord)
    assert (event.external_id, event.record.price_minor) == ("gid://shopify/Product/632910392", 1500)
    with pytest.raises(Rejected, match="currency"):
        READER.read(topic="products/update", body=body)


def test_a_product_deletion_names_the_product():
    event = READER.read(topic="products/delete", body=b'{"id": 632910392}')
    assert (event.kind, event.external_id) == (EVENT_PRODUCT_DELETED, "gid://shopify/Product/632910392")


def test_a_stock_change_carries_the_inventory_item():
    body = b'{"inventory_item_id": 39072856, "location_id": 1, "available": 4, "updated_at": "2026-11-20T14:03:00Z"}'
    event = READER.read(topic="inventory_levels/update", body=body)
    assert event.kind == EVENT_INVENTORY
    assert isinstance(event.record, InventoryRecord)
    assert (event.record.inventory_item_id, event.record.available) == ("gid://shopify/InventoryItem/39072856", 4)


def test_an_uninstall_names_the_shop():
    event = READER.read(topic="app/uninstalled", body=b'{"id": 1, "myshopify_domain": "northwind.myshopify.com"}')
    assert (event.kind, event.external_id) == (EVENT_UNINSTALLED, "northwind.myshopify.com")


def test_a_customer_data_request_names_the_customer_and_orders_by_gid():
    body = {
        "shop_id": 954889,
        "shop_domain": "northwind.myshopify.com",
        "orders_requested": [299938, 280263, 220458],
        "customer": {"id": 191167, "email": "ada@example.com", "phone": "555-625-1199"},
        "data_request": {"id": 9999},
    }
    event = READER.read(topic="customers/data_request", body=json.dumps(body).encode())
    assert event.kind == EVENT_CUSTOMERS_DATA_REQUEST
    assert event.customer_external_id == "gid://shopify/Customer/191167"
    assert event.order_external_ids == (
        "gid://shopify/Order/299938",
        "gid://shopify/Order/280263",
        "gid://shopify/Order/220458",
    )


def test_a_customer_redaction_names_the_customer_and_orders_to_erase():
    body = {
        "shop_id": 954889,
        "shop_domain": "northwind.myshopify.com",
        "customer": {"id": 191167, "email": "ada@example.com", "phone": "555-625-1199"},
        "orders_to_redact": [299938],
    }
    event = READER.read(topic="customers/redact", body=json.dumps(body).encode())
    assert (event.kind, event.customer_external_id, event.order_external_ids) == (
        EVENT_CUSTOMERS_REDACT,
        "gid://shopify/Customer/191167",
        ("gid://shopify/Order/299938",),
    )


def test_a_shop_redaction_names_the_shop():
    event = READER.read(topic="shop/redact", body=b'{"shop_id": 954889, "shop_domain": "northwind.myshopify.com"}')
    assert (event.kind, event.external_id) == (EVENT_SHOP_REDACT, "northwind.myshopify.com")


@pytest.mark.parametrize("topic", ["orders/edited", "collections/update", "carts/create"])
def test_a_topic_the_hub_does_not_use_is_ignored(topic):
    assert READER.read(topic=topic, body=b'{"id": 1}').kind == EVENT_IGNORED


@pytest.mark.parametrize(
    ("topic", "body"),
    [
        pytest.param("orders/create", b"webhook_id=1", id="a form body"),
        pytest.param("orders/create", b"[1, 2]", id="a JSON list"),
        pytest.param("orders/create", b"\xff\xfe", id="undecodable bytes"),
        pytest.param("orders/create", b'{"id": 1}', id="an order without its fields"),
        pytest.param("customers/redact", b'{"shop_domain": "x", "orders_to_redact": []}', id="a redaction for nobody"),
        pytest.param("customers/redact", b'{"customer": {"id": 1}, "orders_to_redact": 5}', id="unreadable orders"),
        pytest.param("refunds/create", b'{"id": 1, "created_at": "2026-11-21T10:00:00Z"}', id="a refund of no order"),
    ],
)
def test_a_body_of_the_wrong_shape_is_rejected(topic, body):
    with pytest.raises(Rejected):
        READER.read(topic=topic, body=body)


def test_the_descriptor_is_registered_with_the_hubs_scopes_and_topics():
    # then the registry finds Shopify, and its descriptor names its classes, scopes and API topics
    assert store_platform("shopify") is DESCRIPTOR
    assert STORE_PLATFORM_DESCRIPTORS["shopify"] is DESCRIPTOR
    assert DESCRIPTOR.client_class is ShopifyStore
    assert isinstance(DESCRIPTOR.webhooks, ShopifyWebhooks)
    assert DESCRIPTOR.scopes == frozenset(
        {"read_products", "read_orders", "read_all_orders", "read_customers", "read_inventory", "read_discounts"}
    )
    assert {"ORDERS_CREATE", "REFUNDS_CREATE", "PRODUCTS_UPDATE", "INVENTORY_LEVELS_UPDATE", "APP_UNINSTALLED"} <= set(
        DESCRIPTOR.webhook_topics
    )
    assert not any("REDACT" in topic or "DATA_REQUEST" in topic for topic in DESCRIPTOR.webhook_topics)
    with pytest.raises(KeyError):
        store_platform("magento")


def test_djangos_request_headers_are_read_too():
    # given the headers as Django hands them to a view
    meta = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers().items()}
    django_headers = HttpHeaders(meta)
    # then the reader finds them
    assert READER.verify(body=RAW_BODY, headers=django_headers, secret=SECRET) is True
    assert READER.account_id(django_headers) == "northwind.myshopify.com"
    assert READER.topic(django_headers) == "orders/create"
