"""The store-data tables keep their own rules: refunds unique per store, secrets encrypted, money non-negative."""

import pytest
from django.db import IntegrityError, transaction

from platforms.constants import WOOCOMMERCE
from stores.models import PlatformConnection, ProductVariant, Refund, WebhookDelivery
from tests.factories import OrderFactory, ProductFactory, StoreFactory
from tests.stores.commerce_helpers import PLACED, store_connection

pytestmark = pytest.mark.django_db


def test_the_webhook_secret_is_stored_encrypted_and_read_back():
    # given
    store = StoreFactory()

    # when
    connection = store_connection(store, platform=WOOCOMMERCE, account="https://shop.example.org", webhook_secret="s3")

    # then
    stored = PlatformConnection.objects.get(pk=connection.pk)
    assert stored.webhook_secret == "s3"
    assert "s3" not in stored.webhook_secret_encrypted
    assert stored.external_account_id == "https://shop.example.org"


def test_a_long_woocommerce_site_url_fits_the_account_id():
    # given
    store = StoreFactory()
    site = "https://" + "a" * 200 + ".example.org"

    # when
    connection = store_connection(store, platform=WOOCOMMERCE, account=site)

    # then
    assert PlatformConnection.objects.get(pk=connection.pk).external_account_id == site


def test_a_refund_id_is_unique_within_a_store():
    # given
    order = OrderFactory()
    Refund.objects.create(store=order.store, order=order, external_id="R1", created_at=PLACED, amount_minor=100)

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        Refund.objects.create(store=order.store, order=order, external_id="R1", created_at=PLACED, amount_minor=50)
    assert Refund.objects.filter(store=order.store).count() == 1


def test_a_delivery_id_is_unique_per_connection():
    # given
    store = StoreFactory()
    connection = store_connection(store)
    fields = {"store": store, "connection": connection, "platform": connection.platform, "topic": "orders/create"}
    WebhookDelivery.objects.create(delivery_id="d-1", body="{}", received_at=PLACED, **fields)

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        WebhookDelivery.objects.create(delivery_id="d-1", body="{}", received_at=PLACED, **fields)
    assert WebhookDelivery.objects.count() == 1


def test_a_variant_cannot_have_a_negative_cost():
    # given
    product = ProductFactory()

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductVariant.objects.create(
            store=product.store, product=product, external_id="V1", price_minor=100, unit_cost_minor=-1
        )
    assert not ProductVariant.objects.exists()
