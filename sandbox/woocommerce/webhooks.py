"""Webhook deliveries of the sandbox WooCommerce, as ``WC_Webhook`` makes them (``class-wc-webhook.php``).

A delivery is one POST of the resource's REST JSON, signed with the webhook's own secret
(``X-WC-Webhook-Signature``: base64 of HMAC-SHA256 of the body). Any answer from 200 to 302 is a success and resets
the failure count; anything else, a timeout included, counts one failure. There is no retry. Once more than
``MAX_CONSECUTIVE_FAILURES`` failures are counted, the next failure disables the webhook (the seventh in a row with
the default of five). On creation WooCommerce sends a ping: the unsigned form body ``webhook_id=<id>``.
"""

import base64
import hashlib
import hmac
import json
import logging
from typing import Any

import requests
from django.db import transaction

from sandbox.models import WooWebhook, WooWebhookDelivery, WooWebhookStatus
from sandbox.woocommerce.resources import WOOCOMMERCE_VERSION, WORDPRESS_VERSION, home_url, webhook_resource_event

logger = logging.getLogger(__name__)

DELIVERY_TIMEOUT_SECONDS = 60
# The default of the ``woocommerce_max_webhook_delivery_failures`` filter.
MAX_CONSECUTIVE_FAILURES = 5
PING_TOPIC = "action.ping"


def hookshot_user_agent() -> str:
    return f"WooCommerce/{WOOCOMMERCE_VERSION} Hookshot (WordPress/{WORDPRESS_VERSION})"


def webhook_body(payload: dict[str, Any]) -> bytes:
    """The delivered bytes: compact JSON, as ``trim(wp_json_encode($payload))``."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def webhook_signature(*, body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _post(url: str, *, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """(status, error): the receiver's answer, or None and what went wrong when there was none."""
    try:
        response = requests.post(
            url, data=body, headers=headers, timeout=DELIVERY_TIMEOUT_SECONDS, allow_redirects=False
        )
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: the delivery URL did not answer"
    return response.status_code, ""


def webhook_ping(*, webhook: WooWebhook) -> WooWebhookDelivery:
    """Send the creation ping. It counts as delivered only on exactly 200; it never changes the failure count."""
    body = f"webhook_id={webhook.pk}".encode()
    delivery = WooWebhookDelivery.objects.create(webhook=webhook, topic=PING_TOPIC, body=body.decode())
    status, error = _post(
        webhook.delivery_url,
        body=body,
        headers={"User-Agent": hookshot_user_agent(), "Content-Type": "application/x-www-form-urlencoded"},
    )
    delivery.response_status, delivery.response_error, delivery.succeeded = status, error, status == 200
    delivery.save(update_fields=["response_status", "response_error", "succeeded"])
    return delivery


def _record_outcome(webhook_id: int, *, succeeded: bool) -> None:
    """WooCommerce's ``failed_delivery``: past the limit the webhook is disabled, else its count goes up."""
    with transaction.atomic():
        webhook = WooWebhook.objects.select_for_update().get(pk=webhook_id)
        if succeeded:
            webhook.failure_count = 0
        elif webhook.failure_count > MAX_CONSECUTIVE_FAILURES:
            webhook.status = WooWebhookStatus.DISABLED
        else:
            webhook.failure_count += 1
        webhook.save(update_fields=["failure_count", "status"])


def webhook_deliver(*, webhook: WooWebhook, body: bytes) -> WooWebhookDelivery:
    """POST ``body`` to ``webhook`` once, signed, and record the outcome on the webhook and in its delivery log."""
    resource, event = webhook_resource_event(webhook.topic)
    delivery = WooWebhookDelivery.objects.create(webhook=webhook, topic=webhook.topic, body=body.decode())
    headers = {
        "User-Agent": hookshot_user_agent(),
        "Content-Type": "application/json",
        "X-WC-Webhook-Source": f"{home_url(webhook.site)}/",
        "X-WC-Webhook-Topic": webhook.topic,
        "X-WC-Webhook-Resource": resource,
        "X-WC-Webhook-Event": event,
        "X-WC-Webhook-Signature": webhook_signature(body=body, secret=webhook.secret),
        "X-WC-Webhook-ID": str(webhook.pk),
        "X-WC-Webhook-Delivery-ID": str(delivery.pk),
    }
    status, error = _post(webhook.delivery_url, body=body, headers=headers)
    succeeded = status is not None and 200 <= status < 303
    delivery.response_status, delivery.response_error, delivery.succeeded = status, error, succeeded
    delivery.save(update_fields=["response_status", "response_error", "succeeded"])
    _record_outcome(webhook.pk, succeeded=succeeded)
    if not succeeded:
        logger.info("sandbox woocommerce webhook %s delivery %s failed (%s)", webhook.pk, delivery.pk, status or error)
    return delivery


def topic_deliver(*, site_id: int, topic: str, payload: dict[str, Any]) -> list[WooWebhookDelivery]:
    """Deliver ``payload`` to every active webhook of ``site_id`` on ``topic``; one receiver failing stops none of
    the others (each outcome is recorded on its own webhook)."""
    body = webhook_body(payload)
    webhooks = WooWebhook.objects.select_related("site").filter(
        site_id=site_id, topic=topic, status=WooWebhookStatus.ACTIVE
    )
    return [webhook_deliver(webhook=webhook, body=body) for webhook in webhooks.order_by("id")]
