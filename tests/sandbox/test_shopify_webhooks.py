"""Webhooks of the sandbox Shopify: subscriptions, signed deliveries the hub's reader accepts, retries with backoff."""

import base64
import hashlib
import hmac
import json

import pytest
import responses
from django.conf import settings

from growthhub.celery import app as celery_app
from platforms.constants import SHOPIFY
from platforms.shopify import queries
from platforms.shopify.webhook_bodies import order_from_webhook, refund_from_webhook
from platforms.shopify.webhooks import ShopifyWebhooks
from sandbox.models import ShopifyWebhookDelivery, ShopifyWebhookSubscription
from sandbox.shopify.services import (
    ShopifyChangeInvalid,
    sandbox_shopify_app_uninstall,
    sandbox_shopify_order_refund,
    sandbox_shopify_product_update,
)
from sandbox.shopify.webhooks import MAX_RETRIES, retry_delay
from sandbox.tasks import shopify_webhook_deliver_task
from tests.sandbox.shopify_helpers import graphql, hub_app, place_order, shop_with_catalogue, token_for

pytestmark = pytest.mark.django_db

HOOK = "https://hub.example/webhooks/shopify"
SECRET = settings.PLATFORM_CREDENTIALS[SHOPIFY]["client_secret"]


@pytest.fixture
def eager():
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = True, False
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture
def subscribed(client):
    shop = shop_with_catalogue()
    token = token_for(shop).access_token
    for topic in ("ORDERS_CREATE", "REFUNDS_CREATE"):
        graphql(client, shop, token, queries.WEBHOOK_CREATE_MUTATION, {"topic": topic, "uri": HOOK})
    return shop, token


def test_a_second_subscription_to_the_same_address_is_already_taken(client, subscribed):
    shop, token = subscribed

    # when the hub subscribes ORDERS_CREATE to the same address again, and to an address that is not a URL
    again = graphql(client, shop, token, queries.WEBHOOK_CREATE_MUTATION, {"topic": "ORDERS_CREATE", "uri": HOOK})
    bad = graphql(client, shop, token, queries.WEBHOOK_CREATE_MUTATION, {"topic": "ORDERS_PAID", "uri": "ftp://x"})

    # then Shopify's userErrors come back and only the first two subscriptions exist
    assert "already been taken" in again.json()["data"]["webhookSubscriptionCreate"]["userErrors"][0]["message"]
    assert bad.json()["data"]["webhookSubscriptionCreate"]["userErrors"][0]["message"] == "Address is invalid"
    assert ShopifyWebhookSubscription.objects.count() == 2


@responses.activate
def test_a_placed_order_is_delivered_signed_with_the_app_secret_and_read_by_the_hub(
    subscribed, eager, django_capture_on_commit_callbacks
):
    # given a receiver that answers 200
    shop, _ = subscribed
    responses.post(HOOK, status=200)

    # when an order is placed
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(shop)

    # then one orders/create delivery arrived with Shopify's headers, signed over its raw bytes
    call = responses.calls[0].request
    body = call.body
    expected = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
    assert len(responses.calls) == 1
    assert call.headers["X-Shopify-Hmac-Sha256"] == expected
    assert call.headers["X-Shopify-Topic"] == "orders/create"
    assert call.headers["X-Shopify-Shop-Domain"] == shop.domain
    assert call.headers["X-Shopify-API-Version"] == "2026-10"
    assert call.headers["X-Shopify-Webhook-Id"] and call.headers["X-Shopify-Event-Id"]
    assert call.headers["X-Shopify-Triggered-At"]
    assert ShopifyWebhooks().verify(body=body, headers=call.headers, secret=SECRET)
    assert not ShopifyWebhooks().verify(body=body + b" ", headers=call.headers, secret=SECRET)
    record = order_from_webhook(json.loads(body))
    assert record.external_id == f"gid://shopify/Order/{order.pk}"
    assert record.total_minor == order.total_minor
    assert record.discount_codes == ("WELCOME10",)
    assert record.utm.get("source") == "tiktok"
    assert record.lines[0].quantity == 2


@responses.activate
def test_a_refund_is_delivered_as_refunds_create(subscribed, eager, django_capture_on_commit_callbacks):
    shop, _ = subscribed
    responses.post(HOOK, status=200)
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(shop)
    line = order.lines.get()

    # when one unit of the order is refunded
    with django_capture_on_commit_callbacks(execute=True):
        refund = sandbox_shopify_order_refund(order=order, lines={line.pk: 1}, note="Too small")

    # then refunds/create carries the refund the hub reads, with its money and line
    call = responses.calls[-1].request
    assert call.headers["X-Shopify-Topic"] == "refunds/create"
    record = refund_from_webhook(json.loads(call.body), currency="USD")
    assert record.amount_minor == refund.amount_minor == 1899
    assert record.lines[0].quantity == 1


@responses.activate
def test_a_failed_delivery_is_retried_with_the_same_body_and_ids_until_it_succeeds(subscribed, eager):
    # given a receiver failing twice, then answering 200
    shop, _ = subscribed
    responses.post(HOOK, status=500)
    responses.post(HOOK, status=503)
    responses.post(HOOK, status=200)
    place_order(shop)
    delivery = ShopifyWebhookDelivery.objects.get(topic="orders/create")

    # when its delivery task runs (retries run at once in eager mode)
    shopify_webhook_deliver_task.apply(args=[delivery.pk])

    # then three attempts carried the same body, webhook id and event id, and it is delivered
    delivery.refresh_from_db()
    assert delivery.attempts == 3 and delivery.delivered_at is not None and delivery.response_status == 200
    bodies = {call.request.body for call in responses.calls}
    webhook_ids = {call.request.headers["X-Shopify-Webhook-Id"] for call in responses.calls}
    assert len(responses.calls) == 3 and len(bodies) == 1 and webhook_ids == {delivery.webhook_id}


@responses.activate
def test_a_receiver_that_never_answers_2xx_is_given_up_after_eight_retries(subscribed, eager):
    shop, _ = subscribed
    responses.post(HOOK, status=500)
    place_order(shop)
    delivery = ShopifyWebhookDelivery.objects.get(topic="orders/create")

    # when the delivery task runs against a receiver always failing
    shopify_webhook_deliver_task.apply(args=[delivery.pk])

    # then it tried once and eight more times, then gave up
    delivery.refresh_from_db()
    assert delivery.attempts == MAX_RETRIES + 1
    assert delivery.gave_up_at is not None and delivery.delivered_at is None


def test_retries_back_off_exponentially_over_about_four_hours():
    delays = [retry_delay(attempt) for attempt in range(1, MAX_RETRIES + 1)]

    # then each wait doubles and together they last about four hours
    assert delays[:3] == [60, 120, 240]
    assert all(later == 2 * earlier for earlier, later in zip(delays, delays[1:], strict=False))
    assert 3.5 * 3600 < sum(delays) < 5 * 3600


@responses.activate
def test_stock_moved_by_an_order_is_delivered_as_inventory_levels_update(
    client, subscribed, eager, django_capture_on_commit_callbacks
):
    # given a subscription to stock changes
    shop, token = subscribed
    graphql(client, shop, token, queries.WEBHOOK_CREATE_MUTATION, {"topic": "INVENTORY_LEVELS_UPDATE", "uri": HOOK})
    responses.post(HOOK, status=200)

    # when an order of two units is placed
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(shop)

    # then the hub reads the variant's new stock from the inventory_levels/update delivery
    call = next(c.request for c in responses.calls if c.request.headers["X-Shopify-Topic"] == "inventory_levels/update")
    event = ShopifyWebhooks().read(topic="inventory_levels/update", body=call.body)
    variant = order.lines.get().variant
    variant.refresh_from_db()
    assert variant.inventory_quantity == 48
    assert event.record.inventory_item_id == f"gid://shopify/InventoryItem/{variant.pk}"
    assert event.record.available == 48


@responses.activate
def test_uninstalling_the_app_revokes_its_tokens_and_tells_it_by_app_uninstalled(
    client, subscribed, eager, django_capture_on_commit_callbacks
):
    # given the app subscribed to app/uninstalled besides its order topics
    shop, token = subscribed
    graphql(client, shop, token, queries.WEBHOOK_CREATE_MUTATION, {"topic": "APP_UNINSTALLED", "uri": HOOK})
    responses.post(HOOK, status=200)

    # when the merchant uninstalls it
    with django_capture_on_commit_callbacks(execute=True):
        revoked = sandbox_shopify_app_uninstall(shop=shop, app=hub_app())

    # then its token no longer works, its order subscriptions are gone, and the hub reads which shop left
    assert revoked == 1
    assert graphql(client, shop, token, queries.SHOP_QUERY).status_code == 401
    assert list(ShopifyWebhookSubscription.objects.values_list("topic", flat=True)) == ["APP_UNINSTALLED"]
    call = responses.calls[-1].request
    assert call.headers["X-Shopify-Topic"] == "app/uninstalled"
    assert ShopifyWebhooks().read(topic="app/uninstalled", body=call.body).external_id == shop.domain


@responses.activate
def test_a_product_edit_is_delivered_as_products_update_the_hub_reads(
    client, subscribed, eager, django_capture_on_commit_callbacks
):
    shop, token = subscribed
    graphql(client, shop, token, queries.WEBHOOK_CREATE_MUTATION, {"topic": "PRODUCTS_UPDATE", "uri": HOOK})
    responses.post(HOOK, status=200)
    product = shop.products.order_by("pk").first()
    variant = product.variants.order_by("pk").first()

    # when the merchant renames the product, drafts it and reprices a variant
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_shopify_product_update(product=product, title="Merino Socks", status="DRAFT", prices={variant.pk: 2450})

    # then the hub reads the change from products/update
    call = responses.calls[-1].request
    record = ShopifyWebhooks().read(topic="products/update", body=call.body, currency="USD").record
    assert (record.title, record.status) == ("Merino Socks", "draft")
    assert next(v for v in record.variants if v.external_id.endswith(f"/{variant.pk}")).price_minor == 2450


def test_a_product_edit_that_cannot_be_made_changes_nothing(subscribed):
    shop, _ = subscribed
    product = shop.products.order_by("pk").first()
    other_variant = shop.products.order_by("pk").last().variants.first()

    # when the title is empty, the status unknown, or the variant another product's
    for change in ({"title": " "}, {"status": "GONE"}, {"prices": {other_variant.pk: 100}}):
        with pytest.raises(ShopifyChangeInvalid):
            sandbox_shopify_product_update(product=product, **change)

    # then the product and its variants are as they were, and nothing was queued
    product.refresh_from_db()
    assert (product.title, product.status) == ("Product 0", "ACTIVE")
    assert other_variant.product.variants.filter(price_minor=100).count() == 0
    assert not ShopifyWebhookDelivery.objects.exists()
