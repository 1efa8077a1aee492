"""WooCommerce's webhook deliveries: the signature and ids in their headers, the REST JSON of each topic's body.

Docs: ``class-wc-webhook.php`` in woocommerce/woocommerce: ``X-WC-Webhook-Signature`` is base64 of HMAC-SHA256 of
the raw body under the webhook's own secret; ``X-WC-Webhook-Source`` (the site's home URL with a trailing slash),
``X-WC-Webhook-Topic``, ``X-WC-Webhook-ID``, ``X-WC-Webhook-Delivery-ID``. The body is the same JSON as
``GET /wc/v3/<resource>s/<id>``; a deletion's is ``{"id": ...}``. On creation WooCommerce POSTs an unsigned ping,
the form body ``webhook_id=<id>``, which must be answered 200.
"""

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Mapping

from platforms.constants import WOOCOMMERCE
from platforms.errors import Rejected
from platforms.store_records import (
    EVENT_IGNORED,
    EVENT_ORDER,
    EVENT_PRODUCT,
    EVENT_PRODUCT_DELETED,
    StoreEvent,
)
from platforms.webhook_signature import body_signature_matches, header
from platforms.woocommerce import mapping

SIGNATURE_HEADER = "X-WC-Webhook-Signature"
DELIVERY_ID_HEADER = "X-WC-Webhook-Delivery-ID"
WEBHOOK_ID_HEADER = "X-WC-Webhook-ID"
SOURCE_HEADER = "X-WC-Webhook-Source"
TOPIC_HEADER = "X-WC-Webhook-Topic"
PING_BODY = re.compile(rb"webhook_id=\d{1,20}")

ORDER_TOPICS = frozenset({"order.created", "order.updated", "order.restored"})
PRODUCT_TOPICS = frozenset({"product.created", "product.updated", "product.restored"})


def topic_secret(*, secret: str, topic: str) -> str:
    """The secret of the connection's webhook for ``topic``: HMAC-SHA256 of the topic under the connection's
    webhook secret, base64url. Each webhook has its own, and the hub needs to keep only the connection's."""
    digest = hmac.new(secret.encode(), f"woocommerce-webhook:{topic}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class WooCommerceWebhooks:
    """Reads WooCommerce's webhook deliveries (``platforms.store_records.StoreWebhookReader``)."""

    slug = WOOCOMMERCE

    def verify(self, *, body: bytes, headers: Mapping[str, str], secret: str) -> bool:
        """Whether ``X-WC-Webhook-Signature`` signs ``body`` under the secret of the topic's webhook, derived from
        the connection's webhook secret ``secret`` (constant-time compare; False without a secret or topic)."""
        topic = self.topic(headers)
        if not secret or not topic:
            return False
        return body_signature_matches(
            body=body, secret=topic_secret(secret=secret, topic=topic), signature=header(headers, SIGNATURE_HEADER)
        )

    def delivery_id(self, headers: Mapping[str, str]) -> str:
        return header(headers, DELIVERY_ID_HEADER)

    def account_id(self, headers: Mapping[str, str]) -> str:
        """The site's home URL (without its trailing slash, as connections keep it)."""
        return header(headers, SOURCE_HEADER).rstrip("/")

    def topic(self, headers: Mapping[str, str]) -> str:
        return header(headers, TOPIC_HEADER).lower()

    def is_unsigned_ping(self, *, headers: Mapping[str, str], body: bytes) -> bool:
        """WooCommerce's creation ping: no signature, and the form body ``webhook_id=<digits>`` and nothing else."""
        return not header(headers, SIGNATURE_HEADER) and PING_BODY.fullmatch(body.strip()) is not None

    def read(self, *, topic: str, body: bytes, currency: str = "") -> StoreEvent:
        """What the delivery of ``topic`` says. ``currency`` is the store's: a product body carries prices without
        one. A variable product's body lists its variations by id only, so its variants come with the next sync
        (the product itself, its title, status and stock of a simple product are current at once). Raises Rejected
        for a body that is not the topic's JSON object."""
        topic = topic.strip().lower()
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise Rejected("The WooCommerce webhook body is not JSON.", platform=WOOCOMMERCE) from exc
        if not isinstance(payload, dict):
            raise Rejected("The WooCommerce webhook body is not a JSON object.", platform=WOOCOMMERCE)
        if topic in ORDER_TOPICS:
            order = mapping.order_record(payload)
            return StoreEvent(kind=EVENT_ORDER, record=order, external_id=order.external_id)
        if topic in PRODUCT_TOPICS:
            if payload.get("type") == "variable":
                return StoreEvent(kind=EVENT_IGNORED, external_id=mapping.object_id(payload, "product"))
            product = mapping.product_record(payload, currency)
            return StoreEvent(kind=EVENT_PRODUCT, record=product, external_id=product.external_id)
        if topic == "product.deleted":
            return StoreEvent(kind=EVENT_PRODUCT_DELETED, external_id=mapping.object_id(payload, "product"))
        return StoreEvent(kind=EVENT_IGNORED)
