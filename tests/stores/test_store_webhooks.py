"""Receiving store-platform webhooks: signed, bounded, stored once, queued after commit, answered at once."""

import pytest
from django.conf import settings

from platforms.constants import SHOPIFY, WOOCOMMERCE
from stores import tasks
from stores.commerce.ingest import order_upsert
from stores.commerce.sync import store_sync_counts_refresh, store_sync_get
from stores.models import DeliveryStatus, Order, StoreSync, WebhookDelivery
from tests.factories import StoreFactory
from tests.stores.commerce_helpers import order_record, store_connection
from tests.stores.webhook_helpers import fake_reader, order_body, signed_headers

pytestmark = pytest.mark.django_db
__all__ = ["fake_reader"]

SHOPIFY_URL = "/webhooks/shopify/"
WOO_URL = "/webhooks/woocommerce/"
SHOP = "trail-socks.myshopify.com"
SITE = "https://shop.example.org"


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    """The delivery ids handed to the processing task (the broker is not reached)."""
    sent: list[int] = []
    monkeypatch.setattr(tasks.store_webhook_process_task, "delay", lambda pk: sent.append(pk))
    return sent


@pytest.fixture
def shopify_connection():
    return store_connection(StoreFactory(), platform=SHOPIFY, account=SHOP)


def app_secret() -> str:
    return settings.PLATFORM_CREDENTIALS[SHOPIFY]["client_secret"]


def post(client, url: str, body: bytes, headers: dict[str, str], content_type: str = "application/json"):
    return client.post(url, data=body, content_type=content_type, **headers)


def test_a_signed_delivery_is_stored_queued_after_commit_and_answered_at_once(
    client, fake_reader, queued, shopify_connection, django_capture_on_commit_callbacks
):
    # given
    body = order_body()
    headers = signed_headers(body, secret=app_secret(), account=SHOP, topic="orders/create", delivery="d-1")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, SHOPIFY_URL, body, headers)

    # then
    assert response.status_code == 200
    assert response.json() == {"outcome": "accepted"}
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.topic, delivery.delivery_id, delivery.connection) == (
        DeliveryStatus.RECEIVED,
        "orders/create",
        "d-1",
        shopify_connection,
    )
    assert delivery.body == body.decode()
    assert queued == [delivery.pk]
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "signature",
    [pytest.param("bad", id="a bad signature"), pytest.param(None, id="no signature")],
)
def test_a_delivery_without_a_good_signature_is_refused_and_nothing_is_written(
    client, fake_reader, queued, shopify_connection, signature
):
    # given
    body = order_body()
    headers = signed_headers(body, secret=app_secret(), account=SHOP, topic="orders/create", delivery="d-1")
    if signature is None:
        del headers["HTTP_X_TEST_SIGNATURE"]
    else:
        headers["HTTP_X_TEST_SIGNATURE"] = signature

    # when
    response = post(client, SHOPIFY_URL, body, headers)

    # then
    assert response.status_code == 401
    assert response.json() == {"outcome": "unauthorized"}
    assert not WebhookDelivery.objects.exists() and queued == []


def test_a_delivery_signed_with_another_secret_is_refused(client, fake_reader, queued, shopify_connection):
    # given
    body = order_body()
    headers = signed_headers(body, secret="not-the-app-secret", account=SHOP, topic="orders/create", delivery="d")

    # when
    response = post(client, SHOPIFY_URL, body, headers)

    # then
    assert response.status_code == 401
    assert not WebhookDelivery.objects.exists()


def test_a_delivery_for_an_unknown_account_is_refused(client, fake_reader, queued, shopify_connection):
    # given
    body = order_body()
    headers = signed_headers(
        body, secret=app_secret(), account="other.myshopify.com", topic="orders/create", delivery="d"
    )

    # when
    response = post(client, SHOPIFY_URL, body, headers)

    # then
    assert response.status_code == 401
    assert not WebhookDelivery.objects.exists()


def test_the_same_delivery_twice_is_one_row_and_one_order(
    client, fake_reader, queued, shopify_connection, django_capture_on_commit_callbacks
):
    # given
    body = order_body()
    headers = signed_headers(body, secret=app_secret(), account=SHOP, topic="orders/create", delivery="d-1")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, SHOPIFY_URL, body, headers)
        second = post(client, SHOPIFY_URL, body, headers)
    for pk in queued:
        tasks.store_webhook_process_task(pk)

    # then
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json() == {"outcome": "duplicate"}
    assert WebhookDelivery.objects.count() == 1
    assert len(queued) == 1
    assert Order.objects.count() == 1
    assert WebhookDelivery.objects.get().status == DeliveryStatus.PROCESSED


def test_a_five_megabyte_body_is_refused_with_413(client, fake_reader, queued, shopify_connection):
    # given
    body = b'{"id": "' + b"x" * (5 * 1024 * 1024) + b'"}'
    headers = signed_headers(body, secret=app_secret(), account=SHOP, topic="orders/create", delivery="d-big")

    # when
    response = post(client, SHOPIFY_URL, body, headers)

    # then
    assert response.status_code == 413
    assert b"xxxx" not in response.content
    assert not WebhookDelivery.objects.exists() and queued == []


def test_a_body_over_the_webhook_limit_is_refused_by_the_receiver(
    client, fake_reader, queued, shopify_connection, settings
):
    # given a limit below the request guard's
    settings.STORE_WEBHOOK_MAX_BYTES = 1000
    body = order_body("x" * 2000)
    headers = signed_headers(body, secret=app_secret(), account=SHOP, topic="orders/create", delivery="d-big")

    # when
    response = post(client, SHOPIFY_URL, body, headers)

    # then
    assert response.status_code == 413
    assert response.json() == {"outcome": "too_large"}
    assert not WebhookDelivery.objects.exists()


def test_a_body_larger_than_it_declares_is_refused_once_the_limit_is_read(rf, fake_reader, settings):
    # given a body that says it is small but is bigger than the limit
    from stores.commerce.views import _body_within_limit

    settings.STORE_WEBHOOK_MAX_BYTES = 10
    request = rf.post(SHOPIFY_URL, data=b"x" * 50, content_type="application/json")
    request.META["CONTENT_LENGTH"] = "5"

    # when
    within = _body_within_limit(request, 10)

    # then
    assert within is None


def test_a_signed_body_that_is_not_json_is_refused_with_400(client, fake_reader, queued, shopify_connection):
    # given
    body = b'{"id": "gid://shopify/Order/1", "total": '
    headers = signed_headers(body, secret=app_secret(), account=SHOP, topic="orders/create", delivery="d-2")

    # when
    response = post(client, SHOPIFY_URL, body, headers)

    # then
    assert response.status_code == 400
    assert response.json() == {"outcome": "malformed"}
    assert not WebhookDelivery.objects.exists() and queued == []


def test_the_unsigned_creation_ping_gets_200_and_nothing_is_written(client, fake_reader, queued):
    # given
    store_connection(StoreFactory(), platform=WOOCOMMERCE, account=SITE, webhook_secret="woo-secret")

    # when
    response = client.post(WOO_URL, data="webhook_id=17", content_type="application/x-www-form-urlencoded")

    # then
    assert response.status_code == 200
    assert response.json() == {"outcome": "ping"}
    assert not WebhookDelivery.objects.exists() and queued == []


def test_woocommerce_deliveries_are_checked_with_the_connection_webhook_secret(
    client, fake_reader, queued, django_capture_on_commit_callbacks
):
    # given a site connected with its trailing slash sent by the platform
    connection = store_connection(StoreFactory(), platform=WOOCOMMERCE, account=SITE, webhook_secret="woo-secret")
    body = order_body("77")
    good = signed_headers(body, secret="woo-secret", account=f"{SITE}/", topic="orders/create", delivery="w-1")
    app_signed = signed_headers(body, secret=app_secret(), account=SITE, topic="orders/create", delivery="w-2")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        accepted = post(client, WOO_URL, body, good)
        refused = post(client, WOO_URL, body, app_signed)

    # then
    assert (accepted.status_code, refused.status_code) == (200, 401)
    assert list(WebhookDelivery.objects.values_list("connection", "delivery_id")) == [(connection.pk, "w-1")]


def test_the_answer_never_echoes_the_body(client, fake_reader, queued, shopify_connection):
    # given
    body = order_body("gid://shopify/Order/secret-looking-id")
    headers = signed_headers(body, secret=app_secret(), account=SHOP, topic="orders/create", delivery="d-3")

    # when
    response = post(client, SHOPIFY_URL, body, headers)

    # then
    assert b"secret-looking-id" not in response.content


def test_only_post_is_accepted(client, fake_reader):
    # when
    response = client.get(SHOPIFY_URL)

    # then
    assert response.status_code == 405


def test_a_new_order_by_webhook_is_counted_on_the_connections_sync_and_an_update_is_not_a_new_one(
    client, fake_reader, queued, shopify_connection, django_capture_on_commit_callbacks
):
    # given a connection whose sync has counted nothing yet
    store_sync_get(connection=shopify_connection)
    deliveries = [
        ("d-1", order_body("gid://shopify/Order/1001")),
        ("d-2", order_body("gid://shopify/Order/1001", total=5200, updated_at="2026-03-02T16:00:00+00:00")),
        ("d-3", order_body("gid://shopify/Order/1002")),
    ]

    # when an order arrives, then its update, then another order, each processed as it comes
    counted = []
    for delivery, body in deliveries:
        headers = signed_headers(body, secret=app_secret(), account=SHOP, topic="orders/create", delivery=delivery)
        with django_capture_on_commit_callbacks(execute=True):
            post(client, SHOPIFY_URL, body, headers)
        tasks.store_webhook_process_task(queued[-1])
        counted.append(StoreSync.objects.get(connection=shopify_connection).orders_count)

    # then the sync counted each new order once, and the update changed no count
    assert counted == [1, 1, 2]
    assert Order.objects.get(external_id="gid://shopify/Order/1001").total_minor == 5200


def test_an_order_the_merchant_imported_becomes_the_connections_when_its_webhook_brings_it(
    client, fake_reader, queued, shopify_connection, django_capture_on_commit_callbacks
):
    # given an order the merchant imported from a CSV file and one Shopify brought, counted by the last sync
    store = shopify_connection.store
    order_upsert(store=store, connection=None, record=order_record(external_id="gid://shopify/Order/1001"))
    order_upsert(
        store=store, connection=shopify_connection, record=order_record(external_id="gid://shopify/Order/1000")
    )
    store_sync_get(connection=shopify_connection)
    store_sync_counts_refresh(store_id=store.pk)

    # when Shopify's webhook brings a newer copy of the imported order
    body = order_body("gid://shopify/Order/1001", updated_at="2026-03-02T16:00:00+00:00")
    headers = signed_headers(body, secret=app_secret(), account=SHOP, topic="orders/create", delivery="d-1")
    with django_capture_on_commit_callbacks(execute=True):
        post(client, SHOPIFY_URL, body, headers)
    tasks.store_webhook_process_task(queued[-1])

    # then the order is Shopify's now, and counted with the one the sync had counted
    assert Order.objects.get(external_id="gid://shopify/Order/1001").source == shopify_connection
    assert StoreSync.objects.get(connection=shopify_connection).orders_count == 2
