"""A small store-platform webhook reader of the tests' own, registered in place of the platforms' readers.

It speaks the ``StoreWebhookReader`` protocol with test headers and a tiny JSON body: ``{"id", "total",
"updated_at"}`` for an order, ``{"id", "order_id", "amount", "created_at"}`` for a refund.
"""

import datetime as dt
import json
from collections.abc import Mapping
from types import SimpleNamespace

import pytest

from platforms import registry
from platforms import store_records as records
from platforms.errors import Rejected
from platforms.webhook_signature import body_signature, body_signature_matches
from tests.stores.commerce_helpers import order_record, refund_record

SIGNATURE = "X-Test-Signature"
DELIVERY = "X-Test-Delivery"
ACCOUNT = "X-Test-Account"
TOPIC = "X-Test-Topic"


class FakeStoreWebhookReader:
    def verify(self, *, body: bytes, headers: Mapping[str, str], secret: str) -> bool:
        return body_signature_matches(body=body, secret=secret, signature=headers.get(SIGNATURE, ""))

    def delivery_id(self, headers: Mapping[str, str]) -> str:
        return headers.get(DELIVERY, "")

    def account_id(self, headers: Mapping[str, str]) -> str:
        return headers.get(ACCOUNT, "")

    def topic(self, headers: Mapping[str, str]) -> str:
        return headers.get(TOPIC, "")

    def is_unsigned_ping(self, *, headers: Mapping[str, str], body: bytes) -> bool:
        return SIGNATURE not in headers and body.startswith(b"webhook_id=")

    def read(self, *, topic: str, body: bytes, currency: str = "") -> records.StoreEvent:
        data = json.loads(body)
        if topic == "orders/create":
            return records.StoreEvent(
                kind=records.EVENT_ORDER,
                record=order_record(
                    external_id=data["id"],
                    total_minor=data["total"],
                    updated_at=dt.datetime.fromisoformat(data["updated_at"]),
                ),
            )
        if topic == "refunds/create":
            return records.StoreEvent(
                kind=records.EVENT_REFUND,
                order_external_id=data["order_id"],
                record=refund_record(
                    external_id=data["id"],
                    amount_minor=data["amount"],
                    created_at=dt.datetime.fromisoformat(data["created_at"]),
                    lines=(),
                ),
            )
        if topic == "app/uninstalled":
            return records.StoreEvent(kind=records.EVENT_UNINSTALLED)
        if topic == "customers/redact":
            return records.StoreEvent(
                kind=records.EVENT_CUSTOMERS_REDACT,
                customer_external_id=data["customer_id"],
                order_external_ids=tuple(data["orders"]),
            )
        if topic == "shop/redact":
            return records.StoreEvent(kind=records.EVENT_SHOP_REDACT)
        if topic == "broken":
            raise Rejected("The body is not an order.")
        return records.StoreEvent(kind=records.EVENT_IGNORED)


@pytest.fixture
def fake_reader(monkeypatch) -> FakeStoreWebhookReader:
    reader = FakeStoreWebhookReader()
    monkeypatch.setattr(
        registry, "store_platform", lambda slug: SimpleNamespace(slug=slug, webhooks=reader), raising=False
    )
    return reader


def signed_headers(body: bytes, *, secret: str, account: str, topic: str, delivery: str) -> dict[str, str]:
    """Headers as the Django test client takes them (HTTP_X_TEST_...)."""
    return {
        "HTTP_X_TEST_SIGNATURE": body_signature(body=body, secret=secret),
        "HTTP_X_TEST_ACCOUNT": account,
        "HTTP_X_TEST_TOPIC": topic,
        "HTTP_X_TEST_DELIVERY": delivery,
    }


def order_body(external_id: str = "gid://shopify/Order/1001", *, total: int = 4860, updated_at: str = "") -> bytes:
    stamp = updated_at or "2026-03-02T15:00:00+00:00"
    return json.dumps({"id": external_id, "total": total, "updated_at": stamp}).encode()
