"""The sandbox WooCommerce's webhooks behave like WC_Webhook: an unsigned ping on creation, deliveries signed with the
webhook's own secret and carrying the resource's REST JSON, no retry, and disabled after repeated failures."""

import base64
import datetime as dt
import hashlib
import hmac
import io
import json

import pytest
import responses
from django.core.management import CommandError, call_command

from sandbox.models import WooWebhook, WooWebhookDelivery, WooWebhookStatus
from sandbox.woocommerce.auth import api_key_create
from sandbox.woocommerce.seed import sandbox_woo_orders_arrive, sandbox_woo_seed
from sandbox.woocommerce.services import (
    OrderLineSpec,
    sandbox_woo_order_place,
    sandbox_woo_order_refund,
    sandbox_woo_product_update,
    sandbox_woo_site_ensure,
    sandbox_woo_webhook_create,
)
from sandbox.woocommerce.webhooks import MAX_CONSECUTIVE_FAILURES
from tests.sandbox.woocommerce_helpers import REST, basic, socks

pytestmark = pytest.mark.django_db

HOOKS = "https://hub.example.com/webhooks/woocommerce/7"
SECRET = "whsec-northwind-&-friends"


@pytest.fixture
def site(db, settings):
    settings.SANDBOX_BASE_URL = "http://sandbox.test/sandbox"
    return sandbox_woo_site_ensure(handle="northwind", name="Northwind Outfitters")


@pytest.fixture
def read_write(site):
    _, consumer_key, consumer_secret = api_key_create(site=site, description="hub", permissions="read_write")
    return basic(consumer_key, consumer_secret)


@pytest.fixture
def receiver():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def hook(site, topic: str, *, status: str = WooWebhookStatus.ACTIVE) -> WooWebhook:
    return sandbox_woo_webhook_create(
        site=site, name=topic, topic=topic, delivery_url=HOOKS, secret=SECRET, status=status
    )


def place(site, *, quantity: int = 1):
    product = socks(site)
    return sandbox_woo_order_place(
        handle=site.handle, lines=[OrderLineSpec(product.pk, quantity=quantity)], email="ava@example.com"
    )


def test_creating_a_webhook_sends_the_unsigned_form_encoded_ping(
    client, site, read_write, receiver, django_capture_on_commit_callbacks
):
    # given a receiver that answers 200
    ping = receiver.post(HOOKS, status=200)
    # when the hub creates a webhook through the REST API
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{REST}/webhooks",
            json.dumps({"name": "Hub orders", "topic": "order.created", "delivery_url": HOOKS, "secret": SECRET}),
            content_type="application/json",
            headers=read_write,
        )
    # then it is created, and the receiver got webhook_id=<id>, form-encoded and unsigned
    assert response.status_code == 201
    created = response.json()
    assert (created["topic"], created["resource"], created["event"], created["status"]) == (
        "order.created",
        "order",
        "created",
        "active",
    )
    assert "secret" not in created
    assert response["Location"].endswith(f"/wp-json/wc/v3/webhooks/{created['id']}")
    sent = ping.calls[0].request
    assert len(ping.calls) == 1
    assert sent.body == f"webhook_id={created['id']}".encode()
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "X-WC-Webhook-Signature" not in sent.headers
    assert "Hookshot" in sent.headers["User-Agent"]
    delivery = WooWebhookDelivery.objects.get()
    assert (delivery.topic, delivery.succeeded, delivery.response_status) == ("action.ping", True, 200)


def test_a_failed_ping_keeps_the_webhook_as_the_rest_api_does(site, receiver, django_capture_on_commit_callbacks):
    # given a receiver that refuses unsigned bodies
    receiver.post(HOOKS, status=401)
    # when a webhook is created
    with django_capture_on_commit_callbacks(execute=True):
        webhook = hook(site, "order.created")
    # then it exists and stays active, the failed ping is logged and counts no failure
    webhook.refresh_from_db()
    assert (webhook.status, webhook.failure_count) == (WooWebhookStatus.ACTIVE, 0)
    delivery = WooWebhookDelivery.objects.get()
    assert (delivery.succeeded, delivery.response_status) == (False, 401)


def test_an_order_is_delivered_signed_with_the_webhooks_secret_as_its_rest_json(
    client, site, read_write, receiver, django_capture_on_commit_callbacks
):
    # given an order.created webhook
    with django_capture_on_commit_callbacks(execute=True):
        webhook = hook(site, "order.created")
    delivered = receiver.post(HOOKS, status=200)
    # when a shopper checks out
    with django_capture_on_commit_callbacks(execute=True):
        order = place(site)
    # then one signed POST carries the same JSON as GET /orders/<id>
    deliveries = [call for call in delivered.calls if b"webhook_id=" not in call.request.body]
    assert len(deliveries) == 1
    request = deliveries[0].request
    body = request.body
    expected = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
    assert request.headers["X-WC-Webhook-Signature"] == expected
    assert json.loads(body) == client.get(f"{REST}/orders/{order.pk}", headers=read_write).json()
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-WC-Webhook-Source"] == "http://sandbox.test/sandbox/woocommerce/northwind/"
    assert (request.headers["X-WC-Webhook-Topic"], request.headers["X-WC-Webhook-Resource"]) == (
        "order.created",
        "order",
    )
    assert request.headers["X-WC-Webhook-Event"] == "created"
    assert request.headers["X-WC-Webhook-ID"] == str(webhook.pk)
    log = WooWebhookDelivery.objects.get(topic="order.created")
    assert request.headers["X-WC-Webhook-Delivery-ID"] == str(log.pk)
    assert log.succeeded is True


def test_a_refund_and_a_product_edit_are_delivered_as_updates(site, receiver, django_capture_on_commit_callbacks):
    # given order.updated and product.updated webhooks and an order
    with django_capture_on_commit_callbacks(execute=True):
        hook(site, "order.updated")
        hook(site, "product.updated")
    order = place(site, quantity=2)
    delivered = receiver.post(HOOKS, status=200)
    # when the order is refunded in part and the product's price changes
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_woo_order_refund(handle=site.handle, order_id=order.pk, amount_minor=500, reason="Late")
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_woo_product_update(
            handle=site.handle, product_id=order.lines.get().product_id, changes={"regular_price_minor": 1800}
        )
    # then the refunded order and the repriced product were delivered once each
    bodies = [
        (call.request.headers["X-WC-Webhook-Topic"], json.loads(call.request.body))
        for call in delivered.calls
        if "X-WC-Webhook-Topic" in call.request.headers
    ]
    assert [topic for topic, _ in bodies] == ["order.updated", "product.updated"]
    assert bodies[0][1]["refunds"][0]["total"] == "-5.00"
    assert bodies[1][1]["regular_price"] == "18.00"


def test_no_retry_and_disabled_on_the_seventh_failure_in_a_row(site, receiver, django_capture_on_commit_callbacks):
    # given an order.created webhook whose receiver is down
    with django_capture_on_commit_callbacks(execute=True):
        webhook = hook(site, "order.created")
    down = receiver.post(HOOKS, status=503)
    product = socks(site, stock=100)

    def checkout() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            sandbox_woo_order_place(handle=site.handle, lines=[OrderLineSpec(product.pk)], email="a@example.com")

    # when one order fails to deliver
    before = len(down.calls)
    checkout()
    # then it was tried exactly once
    assert len(down.calls) - before == 1
    webhook.refresh_from_db()
    assert (webhook.failure_count, webhook.status) == (1, WooWebhookStatus.ACTIVE)
    # when failures go on: still active after six, disabled by the seventh
    for _ in range(MAX_CONSECUTIVE_FAILURES):
        checkout()
    webhook.refresh_from_db()
    assert (webhook.failure_count, webhook.status) == (6, WooWebhookStatus.ACTIVE)
    checkout()
    webhook.refresh_from_db()
    assert webhook.status == WooWebhookStatus.DISABLED
    # and a disabled webhook gets nothing more
    calls = len(down.calls)
    checkout()
    assert len(down.calls) == calls


@pytest.mark.parametrize("status", [200, 204, 301, 302])
def test_any_answer_from_200_to_302_is_a_success_and_resets_the_count(
    site, receiver, django_capture_on_commit_callbacks, status
):
    # given a webhook with three failures counted
    with django_capture_on_commit_callbacks(execute=True):
        webhook = hook(site, "order.created")
    WooWebhook.objects.filter(pk=webhook.pk).update(failure_count=3)
    receiver.post(HOOKS, status=status)
    # when a delivery is answered with that status
    with django_capture_on_commit_callbacks(execute=True):
        place(site)
    # then it counts as delivered
    webhook.refresh_from_db()
    assert webhook.failure_count == 0
    assert WooWebhookDelivery.objects.get(topic="order.created").succeeded is True


def test_a_303_and_a_timeout_are_failures(site, receiver, django_capture_on_commit_callbacks):
    # given a webhook whose receiver answers 303, then does not answer at all
    with django_capture_on_commit_callbacks(execute=True):
        webhook = hook(site, "order.created")
    receiver.post(HOOKS, status=303)
    with django_capture_on_commit_callbacks(execute=True):
        place(site)
    receiver.replace(responses.POST, HOOKS, body=responses.ConnectionError("timed out"))
    with django_capture_on_commit_callbacks(execute=True):
        place(site)
    # then both count as failures
    webhook.refresh_from_db()
    assert webhook.failure_count == 2
    outcomes = list(
        WooWebhookDelivery.objects.filter(topic="order.created").values_list("response_status", "succeeded")
    )
    assert outcomes == [(303, False), (None, False)]


def test_paused_webhooks_and_other_topics_get_nothing(site, receiver, django_capture_on_commit_callbacks):
    # given a paused order.created webhook and an active product.updated one
    receiver.post(HOOKS, status=200)
    with django_capture_on_commit_callbacks(execute=True):
        hook(site, "order.created", status=WooWebhookStatus.PAUSED)
        hook(site, "product.updated")
    # when an order is placed
    with django_capture_on_commit_callbacks(execute=True):
        place(site)
    # then nothing beyond the two pings was delivered
    assert WooWebhookDelivery.objects.exclude(topic="action.ping").count() == 0


def test_the_seed_delivers_nothing_and_arriving_orders_are_delivered_each(
    site, receiver, django_capture_on_commit_callbacks
):
    # given an order.created webhook
    receiver.post(HOOKS, status=200)
    with django_capture_on_commit_callbacks(execute=True):
        hook(site, "order.created")
    now = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    # when history is seeded, then three shoppers arrive
    with django_capture_on_commit_callbacks(execute=True):
        summary = sandbox_woo_seed(handle=site.handle, products=4, days=5, orders_per_day=3, seed=2, now=now)
    with django_capture_on_commit_callbacks(execute=True):
        arrived = sandbox_woo_orders_arrive(handle=site.handle, count=3, now=now)
    # then only the three new orders were delivered, one each
    assert summary.orders > 0
    delivered = WooWebhookDelivery.objects.filter(topic="order.created")
    assert sorted(json.loads(d.body)["id"] for d in delivered) == sorted(order.pk for order in arrived)


def test_the_command_seeds_a_site_and_places_orders(site, receiver, django_capture_on_commit_callbacks):
    # given an order.created webhook
    receiver.post(HOOKS, status=200)
    with django_capture_on_commit_callbacks(execute=True):
        hook(site, "order.created")
    out = io.StringIO()
    # when the command seeds the site and then places two orders
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "sandbox_woo",
            "--seed",
            "--products",
            "4",
            "--days",
            "3",
            "--orders-per-day",
            "2",
            "--orders",
            "2",
            stdout=out,
        )
    # then the history is there and only the two new orders were delivered
    assert "Seeded 4 products" in out.getvalue() and "Placed 2 orders." in out.getvalue()
    assert WooWebhookDelivery.objects.filter(topic="order.created", succeeded=True).count() == 2


def test_the_command_refuses_counts_out_of_bounds(site):
    # when the seed asks for too many products
    with pytest.raises(CommandError, match="products 1–500"):
        call_command("sandbox_woo", "--seed", "--products", "5000", stdout=io.StringIO())
    # then nothing was written
    assert not site.products.exists()


def test_webhooks_are_listed_and_deleted_only_with_force(client, site, read_write, receiver):
    # given two webhooks
    receiver.post(HOOKS, status=200)
    first = hook(site, "order.created")
    hook(site, "order.updated")
    # when they are listed, then one is deleted without and with force
    listed = client.get(f"{REST}/webhooks", headers=read_write)
    trashed = client.delete(f"{REST}/webhooks/{first.pk}", headers=read_write)
    kept = WooWebhook.objects.filter(pk=first.pk).exists()
    deleted = client.delete(f"{REST}/webhooks/{first.pk}?force=true", headers=read_write)
    # then both were listed, trashing is refused as in WooCommerce, and force deletes
    assert listed["X-WP-Total"] == "2"
    assert sorted(w["topic"] for w in listed.json()) == ["order.created", "order.updated"]
    assert trashed.status_code == 501 and trashed.json()["code"] == "woocommerce_rest_trash_not_supported"
    assert kept is True
    assert deleted.status_code == 200 and deleted.json()["id"] == first.pk
    assert list(WooWebhook.objects.values_list("topic", flat=True)) == ["order.updated"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"topic": "order.shipped", "delivery_url": HOOKS}, "woocommerce_rest_webhook_invalid_topic"),
        (
            {"topic": "order.created", "delivery_url": "ftp://hub.example.com/x"},
            "woocommerce_rest_webhook_invalid_delivery_url",
        ),
        ({"topic": "order.created", "delivery_url": HOOKS, "status": "sleeping"}, "rest_invalid_param"),
    ],
    ids=["an unknown topic", "a delivery URL that is not http(s)", "an unknown status"],
)
def test_an_invalid_webhook_is_refused_and_nothing_is_pinged(client, site, read_write, receiver, body, code):
    # given a receiver
    ping = receiver.post(HOOKS, status=200)
    # when the webhook asked for is invalid
    response = client.post(f"{REST}/webhooks", json.dumps(body), content_type="application/json", headers=read_write)
    # then it is refused in WooCommerce's words and nothing exists or was sent
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert WooWebhook.objects.count() == 0
    assert len(ping.calls) == 0
