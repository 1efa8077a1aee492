"""A WooCommerce store connected through the hub, with a real Celery worker (not eager): the start task subscribes
the webhooks, syncs and finishes the history; an order placed at the store then reaches the hub's tables through its
signed webhook and the worker."""

import datetime as dt

import pytest
from django.urls import reverse

from sandbox.models import WooOrder, WooProduct, WooSite, WooWebhook
from sandbox.woocommerce.auth import api_key_create
from sandbox.woocommerce.seed import sandbox_woo_seed
from sandbox.woocommerce.services import OrderLineSpec, sandbox_woo_order_place, sandbox_woo_site_ensure
from stores.models import BackfillState, Order, PlatformConnection, Role, StoreSync
from tests.factories import MembershipFactory, StoreFactory, UserFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

NOW = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)


def test_a_pasted_key_pair_brings_the_store_in_and_keeps_it_current(client, celery_worker_process, settings):
    # given a WooCommerce store with a history, and its owner signed in to the hub
    site = sandbox_woo_site_ensure(handle="northwind", name="Northwind", currency="USD", timezone_string="UTC")
    sandbox_woo_seed(handle="northwind", products=4, days=2, orders_per_day=5, seed=8, now=NOW)
    _, key, secret = api_key_create(site=site, description="hub", permissions="read_write")
    user, store = UserFactory(), StoreFactory()
    MembershipFactory(store=store, user=user, role=Role.OWNER)
    client.force_login(user)
    site_url = f"{settings.SANDBOX_BASE_URL}/woocommerce/northwind"
    # when the owner pastes the keys
    client.post(
        reverse("stores:woocommerce_paste"), {"site_url": site_url, "consumer_key": key, "consumer_secret": secret}
    )
    connection = PlatformConnection.objects.get(store=store, platform="woocommerce")
    # then the worker subscribes the webhooks, and brings the orders in with the history done
    celery_worker_process.wait_until(
        lambda: StoreSync.objects.filter(connection=connection, backfill_status=BackfillState.DONE).exists(),
        timeout=60,
    )
    assert WooWebhook.objects.filter(site=site, status="active").count() == 5
    assert Order.objects.filter(store=store).count() == WooOrder.objects.filter(site=site).count()
    # and an order placed afterwards reaches the hub through its webhook
    product = WooProduct.objects.filter(site=site, type="simple").first()
    placed = sandbox_woo_order_place(handle="northwind", lines=[OrderLineSpec(product_id=product.pk)], email="a@b.co")
    celery_worker_process.wait_until(
        lambda: Order.objects.filter(store=store, external_id=str(placed.pk)).exists(), timeout=60
    )
    assert Order.objects.get(store=store, external_id=str(placed.pk)).total_minor == placed.total_minor
    assert WooSite.objects.count() == 1
