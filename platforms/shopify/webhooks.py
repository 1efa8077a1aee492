"""Shopify's webhook deliveries: the signature and ids in their headers, the REST-shaped body of each topic.

Docs: https://shopify.dev/docs/apps/build/webhooks/subscribe/https (headers, ``X-Shopify-Hmac-Sha256`` = base64 of
HMAC-SHA256 of the raw body under the app's client secret), https://shopify.dev/docs/apps/build/compliance/
privacy-law-compliance (customers/data_request, customers/redact, shop/redact bodies).
"""

import json
from collections.abc import Mapping
from typing import Any

from platforms.constants import SHOPIFY
from platforms.errors import Rejected
from platforms.shopify import mapping, webhook_bodies
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
    StoreEvent,
)
from platforms.webhook_signature import body_signature_matches, header

SIGNATURE_HEADER = "X-Shopify-Hmac-Sha256"
WEBHOOK_ID_HEADER = "X-Shopify-Webhook-Id"
SHOP_DOMAIN_HEADER = "X-Shopify-Shop-Domain"
TOPIC_HEADER = "X-Shopify-Topic"

# Topics whose body is a whole order (orders/edited carries an order edit, not an order: ignored).
ORDER_TOPICS = frozenset({"orders/create", "orders/updated", "orders/paid", "orders/cancelled"})
PRODUCT_TOPICS = frozenset({"products/create", "products/update"})


class ShopifyWebhooks:
    """Reads Shopify's webhook deliveries (``platforms.store_records.StoreWebhookReader``)."""

    slug = SHOPIFY

    def verify(self, *, body: bytes, headers: Mapping[str, str], secret: str) -> bool:
        """Whether ``X-Shopify-Hmac-Sha256`` signs ``body`` (raw bytes) under the app's client secret ``secret``."""
        return body_signature_matches(body=body, secret=secret, signature=header(headers, SIGNATURE_HEADER))

    def delivery_id(self, headers: Mapping[str, str]) -> str:
        return header(headers, WEBHOOK_ID_HEADER)

    def account_id(self, headers: Mapping[str, str]) -> str:
        return header(headers, SHOP_DOMAIN_HEADER).lower()

    def topic(self, headers: Mapping[str, str]) -> str:
        return header(headers, TOPIC_HEADER).lower()

    def is_unsigned_ping(self, *, headers: Mapping[str, str], body: bytes) -> bool:
        """Shopify sends no unsigned delivery: every one must carry a valid signature."""
        return False

    def read(self, *, topic: str, body: bytes, currency: str = "") -> StoreEvent:
        """What the delivery of ``topic`` says. ``currency`` is the shop's: product bodies carry prices without one
        (a products/create|update read without it is Rejected). Raises Rejected for a body that is not the topic's
        JSON object or lacks a required field."""
        topic = topic.strip().lower()
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise Rejected("The Shopify webhook body is not JSON.", platform=SHOPIFY) from exc
        if not isinstance(payload, dict):
            raise Rejected("The Shopify webhook body is not a JSON object.", platform=SHOPIFY)
        return self._event(topic, payload, currency)

    def _event(self, topic: str, payload: dict[str, Any], currency: str) -> StoreEvent:
        if topic in ORDER_TOPICS:
            order = webhook_bodies.order_from_webhook(payload)
            return StoreEvent(kind=EVENT_ORDER, record=order, external_id=order.external_id)
        if topic == "refunds/create":
            refund = webhook_bodies.refund_from_webhook(payload)
            order_id = mapping.gid("Order", payload.get("order_id"))
            if not order_id:
                raise Rejected("Shopify sent a refund without its order.", platform=SHOPIFY)
            return StoreEvent(
                kind=EVENT_REFUND, record=refund, external_id=refund.external_id, order_external_id=order_id
            )
        if topic in PRODUCT_TOPICS:
            product = webhook_bodies.product_from_webhook(payload, currency=currency)
            return StoreEvent(kind=EVENT_PRODUCT, record=product, external_id=product.external_id)
        if topic == "products/delete":
            product_id = mapping.gid("Product", payload.get("id"))
            if not product_id:
                raise Rejected("Shopify sent a product deletion without its id.", platform=SHOPIFY)
            return StoreEvent(kind=EVENT_PRODUCT_DELETED, external_id=product_id)
        if topic == "inventory_levels/update":
            stock = webhook_bodies.inventory_from_webhook(payload)
            return StoreEvent(kind=EVENT_INVENTORY, record=stock, external_id=stock.inventory_item_id)
        if topic == "app/uninstalled":
            return StoreEvent(kind=EVENT_UNINSTALLED, external_id=str(payload.get("myshopify_domain") or ""))
        if topic in ("customers/data_request", "customers/redact"):
            return self._customer_request(topic, payload)
        if topic == "shop/redact":
            return StoreEvent(kind=EVENT_SHOP_REDACT, external_id=str(payload.get("shop_domain") or ""))
        return StoreEvent(kind=EVENT_IGNORED)

    def _customer_request(self, topic: str, payload: dict[str, Any]) -> StoreEvent:
        customer = payload.get("customer")
        customer_id = mapping.gid("Customer", customer.get("id")) if isinstance(customer, dict) else ""
        if not customer_id:
            raise Rejected(f"Shopify sent {topic} without its customer.", platform=SHOPIFY)
        if topic == "customers/data_request":
            kind, orders = EVENT_CUSTOMERS_DATA_REQUEST, payload.get("orders_requested")
        else:
            kind, orders = EVENT_CUSTOMERS_REDACT, payload.get("orders_to_redact")
        if orders is not None and not isinstance(orders, list):
            raise Rejected(f"Shopify sent {topic} with unreadable orders.", platform=SHOPIFY)
        return StoreEvent(
            kind=kind,
            external_id=str(payload.get("shop_domain") or ""),
            customer_external_id=customer_id,
            order_external_ids=webhook_bodies.order_gids(orders),
        )
