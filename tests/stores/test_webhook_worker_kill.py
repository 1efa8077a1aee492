"""Deliveries survive a worker killed between receipt and processing: Shopify's orders arrive signed over HTTP and
are stored and queued at once; the worker that was applying them is killed halfway; a new worker and the sweep
bring every one of them in, each order exactly once."""

import json

import pytest
import requests

from platforms.constants import SHOPIFY
from platforms.webhook_signature import body_signature
from stores.commerce.webhooks import webhook_deliveries_sweep
from stores.models import DeliveryStatus, Order, WebhookDelivery
from tests.celery_worker import CeleryWorker
from tests.factories import StoreFactory
from tests.stores.commerce_helpers import store_connection

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

SHOP = "northwind.myshopify.com"
DELIVERIES = 40


def order_body(number: int) -> bytes:
    """An orders/create body as Shopify sends it (REST field names, money as strings)."""
    order_id = 820982911946154000 + number
    return json.dumps(
        {
            "id": order_id,
            "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
            "name": f"#{1000 + number}",
            "created_at": "2026-11-20T09:03:00-05:00",
            "updated_at": "2026-11-20T09:03:00-05:00",
            "currency": "USD",
            "total_price": "19.99",
            "financial_status": "paid",
            "line_items": [],
        }
    ).encode()


def deliver(url: str, number: int, secret: str) -> requests.Response:
    body = order_body(number)
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Hmac-Sha256": body_signature(body=body, secret=secret),
        "X-Shopify-Shop-Domain": SHOP,
        "X-Shopify-Webhook-Id": f"delivery-{number:04d}",
        "X-Shopify-API-Version": "2026-10",
    }
    return requests.post(f"{url}/webhooks/shopify/", data=body, headers=headers, timeout=10)


def test_a_worker_killed_between_receipt_and_processing_loses_no_delivery_and_doubles_no_order(
    live_server, settings, celery_worker_env
):
    # given a store connected to its Shopify shop, and the sweep taking up anything still waiting
    settings.STORE_WEBHOOK_SWEEP_SECONDS = 0
    store = StoreFactory()
    store_connection(store, account=SHOP)
    secret = settings.PLATFORM_CREDENTIALS[SHOPIFY]["client_secret"]
    # when 40 orders arrive while no worker runs: each is stored, queued and answered at once
    answers = [deliver(live_server.url, n, secret).status_code for n in range(DELIVERIES)]
    assert answers == [200] * DELIVERIES
    assert WebhookDelivery.objects.filter(store=store, status=DeliveryStatus.RECEIVED).count() == DELIVERIES
    # and a worker starts applying them and is killed once the first few are in
    first = CeleryWorker(extra_env=celery_worker_env, name="first")
    first.purge = lambda: 0  # it takes over the queue as the receipts left it
    first.start()
    first.wait_until(lambda: Order.objects.filter(store=store).exists(), timeout=60)
    first.stop()
    applied_before_the_kill = Order.objects.filter(store=store).count()
    assert 0 < applied_before_the_kill < DELIVERIES
    # then a new worker (the queue lost with the old one) and the sweep bring in the rest
    second = CeleryWorker(extra_env=celery_worker_env, name="second").start()
    try:
        assert webhook_deliveries_sweep() >= DELIVERIES - applied_before_the_kill
        second.wait_until(
            lambda: not WebhookDelivery.objects.filter(store=store, status=DeliveryStatus.RECEIVED).exists(),
            timeout=90,
        )
    finally:
        second.stop()
    # and every order is there exactly once, every delivery processed
    assert Order.objects.filter(store=store).count() == DELIVERIES
    assert Order.objects.filter(store=store).values("external_id").distinct().count() == DELIVERIES
    statuses = set(WebhookDelivery.objects.filter(store=store).values_list("status", flat=True))
    assert statuses == {DeliveryStatus.PROCESSED}
