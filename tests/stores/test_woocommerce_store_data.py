"""A connected WooCommerce store's data into the hub's tables, over real HTTP with the sandbox store: the first sync
and the history, the incremental sync by modified time, and the webhooks the sandbox delivers to the hub (the
creation ping, signed deliveries, a bad signature refused)."""

import datetime as dt

import pytest
import requests

from platforms.woocommerce.webhooks import topic_secret
from sandbox.models import WooApiKey, WooCustomer, WooOrder, WooProduct, WooSite, WooWebhook, WooWebhookDelivery
from sandbox.woocommerce.auth import api_key_create
from sandbox.woocommerce.seed import sandbox_woo_seed
from sandbox.woocommerce.services import (
    OrderLineSpec,
    sandbox_woo_order_place,
    sandbox_woo_order_refund,
    sandbox_woo_product_update,
    sandbox_woo_site_ensure,
)
from sandbox.woocommerce.webhooks import webhook_body, webhook_signature
from stores import tasks
from stores.commerce.sync import store_backfill_step, store_sync_incremental, store_webhook_address
from stores.commerce.webhooks import webhook_delivery_process
from stores.models import (
    BackfillState,
    ConnectionStatus,
    Customer,
    DeliveryStatus,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    ProductVariant,
    Refund,
    Role,
    WebhookDelivery,
)
from tests.factories import StoreFactory, UserFactory
from tests.stores.commerce_helpers import store_connection

pytestmark = pytest.mark.django_db(transaction=True)

NOW = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
SECRET = "connection-webhook-secret"


@pytest.fixture
def connection(sandbox_url, live_server, settings):
    settings.SITE_URL = live_server.url
    site = sandbox_woo_site_ensure(
        handle="northwind", name="Northwind", currency="EUR", timezone_string="Europe/Berlin"
    )
    sandbox_woo_seed(handle="northwind", products=6, days=2, orders_per_day=8, seed=3, now=NOW)
    _, key, secret = api_key_create(site=site, description="hub", permissions="read_write")
    store = StoreFactory(currency="EUR", timezone="Europe/Berlin")
    connection = store_connection(
        store, platform="woocommerce", account=f"{sandbox_url}/woocommerce/northwind", webhook_secret=SECRET
    )
    connection.access_token = f"{key}:{secret}"
    connection.save()
    return connection


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    """Deliveries whose processing was queued (run by the test itself)."""
    pks: list[int] = []
    monkeypatch.setattr(tasks.store_webhook_process_task, "delay", lambda pk: pks.append(pk))
    return pks


def test_the_first_sync_and_the_history_fill_the_hubs_tables(connection):
    # when the connection is synced and its history read
    outcome = store_sync_incremental(connection=connection)
    state = store_backfill_step(connection=connection)
    # then every product, variation and order of the store is in the hub, in the store's currency
    store = connection.store
    site_products = WooProduct.objects.filter(site__handle="northwind", parent__isnull=True)
    assert outcome.refused == []
    assert Product.objects.filter(store=store).count() == site_products.count() == outcome.products
    simple = site_products.exclude(type="variable").count()
    variations = WooProduct.objects.filter(site__handle="northwind", parent__isnull=False).count()
    assert ProductVariant.objects.filter(store=store).count() == simple + variations
    assert state == BackfillState.DONE
    site_orders = WooOrder.objects.filter(site__handle="northwind")
    assert Order.objects.filter(store=store).count() == site_orders.count()
    # and each order's money matches the store's, with its refunds as rows
    for source in site_orders.prefetch_related("refunds", "lines"):
        order = Order.objects.get(store=store, external_id=str(source.pk))
        refunded = sum(r.amount_minor for r in source.refunds.all())
        assert (order.total_minor, order.refunded_minor, order.currency) == (source.total_minor, refunded, "EUR")
        assert OrderLine.objects.filter(order=order).count() == source.lines.count()
        assert Refund.objects.filter(order=order).count() == source.refunds.count()
        if source.status == "cancelled":
            assert order.status == OrderStatus.CANCELLED
    assert Customer.objects.filter(store=store).exists()


def test_the_incremental_sync_brings_what_changed(connection):
    # given a synced store with its history in, then a price change and a new attributed order at the store
    store_sync_incremental(connection=connection)
    assert store_backfill_step(connection=connection) == BackfillState.DONE
    product = WooProduct.objects.filter(site__handle="northwind", type="simple").first()
    sandbox_woo_product_update(handle="northwind", product_id=product.pk, changes={"regular_price_minor": 4321})
    placed = sandbox_woo_order_place(
        handle="northwind",
        lines=[OrderLineSpec(product_id=product.pk, quantity=3)],
        email="new@example.com",
        attribution={"utm_source": "pinterest", "utm_medium": "social", "utm_campaign": "autumn"},
        visitor_id="v-feedfacecafebeef",
    )
    # when the reconciliation runs again
    outcome = store_sync_incremental(connection=connection)
    # then only what changed was read, and it is in the hub
    assert outcome.products >= 1 and outcome.orders >= 1
    assert outcome.products < WooProduct.objects.filter(site__handle="northwind", parent__isnull=True).count()
    hub_product = Product.objects.get(store=connection.store, external_id=str(product.pk))
    assert hub_product.price_minor == 4321
    order = Order.objects.get(store=connection.store, external_id=str(placed.pk))
    assert order.total_minor == 3 * 4321
    assert (order.visitor_id, order.utm_source, order.utm_medium, order.utm_campaign) == (
        "v-feedfacecafebeef",
        "pinterest",
        "social",
        "autumn",
    )


def test_the_stores_webhooks_reach_the_hub_and_are_applied(connection, queued):
    # given the hub's webhooks registered at the store: each creation was pinged and answered 200
    tasks.store_webhooks_register(connection=connection, address=store_webhook_address("woocommerce"))
    pings = WooWebhookDelivery.objects.filter(topic="action.ping")
    assert pings.count() == 5 and all(p.succeeded for p in pings)
    assert WebhookDelivery.objects.count() == 0
    # when a shopper orders and the order is then partly refunded at the store
    product = WooProduct.objects.filter(site__handle="northwind", type="simple").first()
    placed = sandbox_woo_order_place(
        handle="northwind", lines=[OrderLineSpec(product_id=product.pk, quantity=2)], email="ana@example.com"
    )
    sandbox_woo_order_refund(handle="northwind", order_id=placed.pk, amount_minor=100, reason="Late")
    # then both deliveries were signed, accepted and stored, and once processed the order and refund are in
    deliveries = list(WebhookDelivery.objects.filter(connection=connection).order_by("pk"))
    assert [d.topic for d in deliveries] == ["order.created", "order.updated"]
    assert sorted(queued) == [d.pk for d in deliveries]
    assert all(d.succeeded for d in WooWebhookDelivery.objects.exclude(topic="action.ping"))
    for delivery in deliveries:
        assert webhook_delivery_process(delivery_id=delivery.pk) == DeliveryStatus.PROCESSED
    order = Order.objects.get(store=connection.store, external_id=str(placed.pk))
    assert order.total_minor == 2 * (product.sale_price_minor or product.regular_price_minor)
    assert order.refunded_minor == 100 and order.status == OrderStatus.PARTIALLY_REFUNDED
    assert list(Refund.objects.filter(order=order).values_list("reason", flat=True)) == ["Late"]


def _post(live_server, *, body: bytes, headers: dict[str, str]) -> requests.Response:
    return requests.post(f"{live_server.url}/webhooks/woocommerce/", data=body, headers=headers, timeout=30)


def _headers(connection, *, topic: str, body: bytes, secret: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-WC-Webhook-Source": connection.external_account_id + "/",
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Signature": webhook_signature(body=body, secret=secret),
        "X-WC-Webhook-ID": "7",
        "X-WC-Webhook-Delivery-ID": "991",
    }


@pytest.mark.parametrize(
    "secret",
    [topic_secret(secret="another", topic="order.created"), topic_secret(secret=SECRET, topic="order.updated"), SECRET],
    ids=["another connection's", "another topic's webhook", "the connection's own, underived"],
)
def test_a_delivery_signed_with_another_secret_is_refused(connection, live_server, queued, secret):
    # given an order body signed with a secret that is not this topic's webhook's
    body = webhook_body({"id": 5, "status": "processing", "currency": "EUR", "total": "1.00"})
    # when it is posted to the hub
    answer = _post(
        live_server, body=body, headers=_headers(connection, topic="order.created", body=body, secret=secret)
    )
    # then it is refused and nothing is stored
    assert answer.status_code == 401
    assert WebhookDelivery.objects.count() == 0 and queued == []


def test_a_good_signature_is_stored_once_and_a_ping_changes_nothing(connection, live_server, queued):
    # given a body signed with the topic's webhook secret
    body = webhook_body({"id": 5, "status": "processing", "currency": "EUR", "total": "1.00"})
    headers = _headers(
        connection, topic="order.created", body=body, secret=topic_secret(secret=SECRET, topic="order.created")
    )
    # when it is posted twice (the same delivery id), and an unsigned ping arrives
    first, again = _post(live_server, body=body, headers=headers), _post(live_server, body=body, headers=headers)
    ping = requests.post(
        f"{live_server.url}/webhooks/woocommerce/",
        data=b"webhook_id=7",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=30,
    )
    # then it is stored once; the ping is answered 200 and stores nothing
    assert (first.status_code, first.json()["outcome"]) == (200, "accepted")
    assert (again.status_code, again.json()["outcome"]) == (200, "duplicate")
    assert (ping.status_code, ping.json()["outcome"]) == (200, "ping")
    assert WebhookDelivery.objects.filter(delivery_id="991").count() == 1 and len(queued) == 1
    # and an unsigned body that is not a ping is refused
    unsigned = requests.post(
        f"{live_server.url}/webhooks/woocommerce/",
        data=body,
        headers={"X-WC-Webhook-Topic": "order.created"},
        timeout=30,
    )
    assert unsigned.status_code == 401


def test_a_product_update_webhook_changes_the_product(connection, queued):
    # given a synced store with the hub's webhooks
    store_sync_incremental(connection=connection)
    tasks.store_webhooks_register(connection=connection, address=store_webhook_address("woocommerce"))
    product = WooProduct.objects.filter(site__handle="northwind", type="simple", manage_stock=True).first()
    # when the merchant changes its stock and name at the store
    sandbox_woo_product_update(
        handle="northwind", product_id=product.pk, changes={"stock_quantity": 3, "name": "Wool socks"}
    )
    delivery = WebhookDelivery.objects.get(connection=connection, topic="product.updated")
    webhook_delivery_process(delivery_id=delivery.pk)
    # then the hub's product follows
    hub = Product.objects.get(store=connection.store, external_id=str(product.pk))
    assert (hub.title, hub.inventory_quantity) == ("Wool socks", 3)
    assert WooSite.objects.count() == 1


def test_the_start_task_subscribes_syncs_and_finishes_the_history(connection, monkeypatch):
    # given the history task run at once instead of through the broker
    ran: list[str] = []
    monkeypatch.setattr(tasks.store_backfill_task, "delay", lambda pk: ran.append(tasks.store_backfill_task(pk)))
    # when the start task runs for the new connection, twice (a retry)
    assert tasks.store_connection_start_task(connection.pk) == "started"
    assert tasks.store_connection_start_task(connection.pk) == "started"
    # then the store has the hub's webhooks once, its data is in, and the history is done without polling
    hooks = WooWebhook.objects.filter(site__handle="northwind", status="active")
    assert hooks.count() == 5 and {h.delivery_url for h in hooks} == {store_webhook_address("woocommerce")}
    assert ran == [BackfillState.DONE, BackfillState.DONE]
    assert Order.objects.filter(store=connection.store).count() == WooOrder.objects.count()
    assert connection.store_sync.backfill_status == BackfillState.DONE


def test_a_key_revoked_at_the_store_marks_the_connection_expired(
    connection, mailoutbox, django_capture_on_commit_callbacks
):
    # given a connected store whose merchant deleted Growth Hub's key in WooCommerce
    connection.store.memberships.create(user=UserFactory(email="owner@northwind.test"), role=Role.OWNER)
    WooApiKey.objects.all().delete()
    # when the periodic reconciliation runs
    with django_capture_on_commit_callbacks(execute=True):
        synced = tasks.store_syncs_due_task()
    # then the store is not synced, its connection is expired with WooCommerce's reason, and the owner is told
    connection.refresh_from_db()
    assert synced == 0 and connection.status == ConnectionStatus.EXPIRED
    assert "Consumer key is invalid." in connection.last_error
    assert "Consumer key is invalid." in connection.store_sync.last_error
    assert [m.subject for m in mailoutbox] == [f"Reconnect WooCommerce for {connection.store.name}"]


def test_later_passes_read_only_the_customers_registered_since(connection):
    # given a store whose older customers registered long ago, its history backfilled and synced once
    seeded = list(WooCustomer.objects.order_by("pk"))
    long_ago = NOW - dt.timedelta(days=30)
    older = [c.pk for c in seeded[: len(seeded) // 2]]
    WooCustomer.objects.filter(pk__in=older).update(date_created_gmt=long_ago, date_modified_gmt=long_ago)
    assert store_backfill_step(connection=connection) == BackfillState.DONE
    first = store_sync_incremental(connection=connection)
    # and a shopper who registers afterwards with an order
    product = WooProduct.objects.filter(site__handle="northwind", type="simple").first()
    sandbox_woo_order_place(
        handle="northwind", lines=[OrderLineSpec(product_id=product.pk)], email="new@example.com", customer_name="Noa K"
    )
    # when the next pass runs
    later = store_sync_incremental(connection=connection)
    # then it read the newcomer and those of the watermark's own second, never the long-ago ones
    assert first.customers == len(seeded)
    assert later.customers == 1 + len(seeded) - len(older)
    customer = Customer.objects.get(store=connection.store, email="new@example.com")
    assert customer.name == "Noa K"
