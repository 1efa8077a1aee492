"""Webhook deliveries of the sandbox Shopify, as Shopify makes them to a shop-specific subscription.

Docs: https://shopify.dev/docs/apps/build/webhooks (headers, HMAC, retries). One event gives one delivery per
subscription to its topic: a POST of the REST resource as JSON (``/`` escaped as ``\\/``, as Shopify writes it),
signed ``X-Shopify-Hmac-Sha256`` = base64 of HMAC-SHA256 of the raw body under the subscribing app's client secret,
with the topic, shop domain, API version, webhook id (the same on every attempt), event id (the same for every
subscription of one event) and trigger time. Any 2xx is a success; anything else is retried with exponential backoff,
8 retries in all (about four hours), always with the original body.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import uuid
from typing import Any

import requests
from django.db import transaction

from sandbox.models import SandboxApp, ShopifyShop, ShopifyWebhookDelivery, ShopifyWebhookSubscription

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 1.0
READ_TIMEOUT_SECONDS = 5.0
MAX_RETRIES = 8
FIRST_RETRY_SECONDS = 60


def rest_topic(topic: str) -> str:
    """``ORDERS_CREATE`` → ``orders/create`` (the header's form)."""
    resource, _, event = topic.lower().rpartition("_")
    return f"{resource}/{event}"


def webhook_body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).replace("/", "\\/").encode()


def webhook_hmac(*, body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def retry_delay(attempts: int) -> int:
    """Seconds before the next attempt after ``attempts`` failed ones: 60, 120, 240, ... (eight retries ≈ 4 h)."""
    return FIRST_RETRY_SECONDS * 2 ** max(0, attempts - 1)


def deliveries_queue(
    *, shop: ShopifyShop, topic: str, payload: dict[str, Any], app: SandboxApp | None = None
) -> list[int]:
    """Record one delivery of ``payload`` per subscription of the shop to ``topic`` (only ``app``'s, when given) and
    send each once the caller's transaction commits (through the delivery task); returns the delivery ids."""
    from sandbox.tasks import shopify_webhook_deliver_task

    body = webhook_body(payload).decode()
    event_id = str(uuid.uuid4())
    now = dt.datetime.now(dt.UTC)
    ids = []
    subscriptions = ShopifyWebhookSubscription.objects.filter(shop=shop, topic=topic)
    if app is not None:
        subscriptions = subscriptions.filter(app=app)
    for subscription in subscriptions.order_by("pk"):
        delivery = ShopifyWebhookDelivery.objects.create(
            subscription=subscription,
            topic=rest_topic(topic),
            webhook_id=str(uuid.uuid4()),
            event_id=event_id,
            body=body,
            triggered_at=now,
        )
        ids.append(delivery.pk)
        transaction.on_commit(lambda pk=delivery.pk: shopify_webhook_deliver_task.delay(pk))
    return ids


def delivery_headers(delivery: ShopifyWebhookDelivery) -> dict[str, str]:
    subscription = delivery.subscription
    body = delivery.body.encode()
    return {
        "Content-Type": "application/json",
        "User-Agent": "Shopify-Captain-Hook",
        "X-Shopify-Topic": delivery.topic,
        "X-Shopify-Hmac-Sha256": webhook_hmac(body=body, secret=subscription.app.client_secret),
        "X-Shopify-Shop-Domain": subscription.shop.domain,
        "X-Shopify-API-Version": subscription.api_version,
        "X-Shopify-Webhook-Id": delivery.webhook_id,
        "X-Shopify-Event-Id": delivery.event_id,
        "X-Shopify-Triggered-At": delivery.triggered_at.astimezone(dt.UTC).isoformat(timespec="milliseconds"),
    }


def delivery_attempt(*, delivery_id: int) -> bool:
    """POST the delivery once and record the outcome; True when it is delivered (now or before)."""
    delivery = ShopifyWebhookDelivery.objects.select_related("subscription__app", "subscription__shop").get(
        pk=delivery_id
    )
    if delivery.delivered_at is not None:
        return True
    body = delivery.body.encode()
    try:
        response = requests.post(
            delivery.subscription.uri,
            data=body,
            headers=delivery_headers(delivery),
            timeout=(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS),
            allow_redirects=False,
        )
        status, error = response.status_code, ""
    except requests.RequestException as exc:
        status, error = None, f"{type(exc).__name__}: the address did not answer"
    delivered = status is not None and 200 <= status < 300
    delivery.attempts += 1
    delivery.response_status, delivery.response_error = status, error
    now = dt.datetime.now(dt.UTC)
    if delivered:
        delivery.delivered_at = now
    elif delivery.attempts > MAX_RETRIES:
        delivery.gave_up_at = now
    delivery.save(update_fields=["attempts", "response_status", "response_error", "delivered_at", "gave_up_at"])
    if not delivered:
        logger.info(
            "sandbox shopify webhook %s attempt %s failed (%s)", delivery.pk, delivery.attempts, status or error
        )
    return delivered
