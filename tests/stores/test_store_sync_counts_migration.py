"""The migration that keeps on each store sync what its connection brought in counts the rows already there."""

import datetime as dt

import pytest

from tests.migration_helpers import latest_schema_after, migrate_to

pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["latest_schema_after"]

BEFORE = ("stores", "0012_import_job")
AFTER = ("stores", "0013_store_sync_counts")


def test_each_sync_starts_with_the_products_and_orders_its_connection_already_brought(latest_schema_after):
    # given, before the change, a store with a Shopify connection that brought two products and three orders in, a
    # WooCommerce one that brought nothing, and a product of the merchant's own
    apps = migrate_to(BEFORE)
    store = apps.get_model("stores", "Store").objects.create(name="Northwind Outfitters", slug="northwind")
    connection_model = apps.get_model("stores", "PlatformConnection")
    shopify = connection_model.objects.create(store=store, platform="shopify", external_account_id="northwind")
    woocommerce = connection_model.objects.create(
        store=store, platform="woocommerce", external_account_id="https://shop.example.org"
    )
    sync_model = apps.get_model("stores", "StoreSync")
    for connection in (shopify, woocommerce):
        sync_model.objects.create(store=store, connection=connection)
    product_model, order_model = apps.get_model("stores", "Product"), apps.get_model("stores", "Order")
    for n, source in enumerate((shopify, shopify, None)):
        product_model.objects.create(
            store=store, external_id=f"P{n}", title=f"Sock {n}", price_minor=100, currency="USD", source=source
        )
    placed = dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC)
    for n in range(3):
        order_model.objects.create(
            store=store, external_id=f"O{n}", total_minor=100, currency="USD", created_at=placed, source=shopify
        )

    # when the migration runs
    apps = migrate_to(AFTER)

    # then each sync holds what its own connection brought
    syncs = apps.get_model("stores", "StoreSync").objects.order_by("connection_id")
    assert list(syncs.values_list("connection_id", "products_count", "orders_count")) == [
        (shopify.pk, 2, 3),
        (woocommerce.pk, 0, 0),
    ]
