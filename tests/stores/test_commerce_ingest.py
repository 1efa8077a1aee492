"""Writing store-platform records: idempotent, never older over newer, refunds as rows, costs fixed at sale."""

import datetime as dt

import pytest

from platforms.store_records import (
    ORDER_PARTIALLY_REFUNDED,
    PRODUCT_ARCHIVED,
    InventoryRecord,
    ShopRecord,
)
from stores.commerce.compliance import customer_data_request_record, customer_redact, shop_redact
from stores.commerce.ingest import (
    UnknownOrder,
    customer_upsert,
    inventory_apply,
    order_upsert,
    product_delete_mark,
    product_upsert,
    refund_apply,
    shop_apply,
)
from stores.exceptions import ApplicationError
from stores.models import (
    Customer,
    Order,
    OrderDiscountCode,
    OrderLine,
    OrderStatus,
    Product,
    ProductStatus,
    ProductVariant,
    Refund,
    RefundLine,
    UnitCostSource,
)
from tests.factories import CustomerFactory, OrderFactory, ProductFactory, StoreFactory
from tests.stores.commerce_helpers import (
    PLACED,
    customer_record,
    line_record,
    order_record,
    product_record,
    refund_record,
    store_connection,
    variant_record,
)

pytestmark = pytest.mark.django_db
LATER = PLACED + dt.timedelta(hours=2)


@pytest.fixture
def shop():
    store = StoreFactory(currency="EUR", timezone="Europe/Paris")
    return store, store_connection(store)


def test_the_shop_sets_the_store_currency_and_time_zone_not_its_name(shop):
    # given
    store, connection = shop
    record = ShopRecord(
        external_id="gid://shopify/Shop/1",
        name="Platform Name",
        domain="trail-socks.myshopify.com",
        currency="USD",
        timezone="America/Denver",
    )

    # when
    shop_apply(connection=connection, shop=record)

    # then
    store.refresh_from_db()
    assert (store.currency, store.timezone, store.name) == ("USD", "America/Denver", store.name)
    assert store.name != "Platform Name"


def test_a_product_and_its_variants_are_written_from_the_record(shop):
    # given
    store, connection = shop
    record = product_record(
        variants=(
            variant_record(),
            variant_record(external_id="gid://shopify/ProductVariant/12", price_minor=2200, inventory_quantity=None),
        )
    )

    # when
    product = product_upsert(store=store, connection=connection, record=record)

    # then
    product.refresh_from_db()
    assert (product.price_minor, product.inventory_quantity, product.unit_cost_minor) == (2200, 30, 900)
    assert product.unit_cost_source == UnitCostSource.PLATFORM
    assert product.source == connection and product.handle == "merino-trail-sock"
    assert sorted(product.variants.values_list("external_id", "inventory_quantity")) == [
        ("gid://shopify/ProductVariant/11", 30),
        ("gid://shopify/ProductVariant/12", None),
    ]


def test_a_variant_the_record_no_longer_lists_is_removed(shop):
    # given
    store, connection = shop
    two = (variant_record(), variant_record(external_id="gid://shopify/ProductVariant/12"))
    product_upsert(store=store, connection=connection, record=product_record(variants=two))

    # when
    product_upsert(store=store, connection=connection, record=product_record(updated_at=LATER, variants=two[:1]))

    # then
    assert list(ProductVariant.objects.values_list("external_id", flat=True)) == ["gid://shopify/ProductVariant/11"]


def test_an_older_product_update_after_a_newer_one_is_ignored(shop):
    # given
    store, connection = shop
    product_upsert(store=store, connection=connection, record=product_record(title="New title", updated_at=LATER))

    # when
    product_upsert(store=store, connection=connection, record=product_record(title="Old title", updated_at=PLACED))

    # then
    product = Product.objects.get()
    assert (product.title, product.source_updated_at) == ("New title", LATER)


def test_a_cost_the_merchant_typed_stays_when_the_platform_has_none(shop):
    # given
    store, connection = shop
    ProductFactory(store=store, external_id="gid://shopify/Product/1", unit_cost_minor=750)

    # when
    product_upsert(
        store=store, connection=connection, record=product_record(variants=(variant_record(unit_cost_minor=None),))
    )

    # then
    product = Product.objects.get()
    assert (product.unit_cost_minor, product.unit_cost_source) == (750, UnitCostSource.MERCHANT)


def test_a_deleted_product_is_archived_and_kept(shop):
    # given
    store, connection = shop
    product_upsert(store=store, connection=connection, record=product_record())

    # when
    marked = product_delete_mark(store=store, external_id="gid://shopify/Product/1")

    # then
    assert marked is True
    assert Product.objects.get().status == ProductStatus.ARCHIVED
    assert PRODUCT_ARCHIVED == ProductStatus.ARCHIVED


def test_a_stock_change_sets_the_variant_and_the_product_total_and_an_older_one_is_ignored(shop):
    # given
    store, connection = shop
    product_upsert(store=store, connection=connection, record=product_record())
    item = "gid://shopify/InventoryItem/71"

    # when
    inventory_apply(store=store, record=InventoryRecord(inventory_item_id=item, available=12, updated_at=LATER))
    inventory_apply(store=store, record=InventoryRecord(inventory_item_id=item, available=99, updated_at=PLACED))

    # then
    assert ProductVariant.objects.get().inventory_quantity == 12
    assert Product.objects.get().inventory_quantity == 12


def test_the_same_order_record_twice_gives_one_order_with_its_lines_codes_and_customer(shop):
    # given
    store, connection = shop
    record = order_record()

    # when
    order_upsert(store=store, connection=connection, record=record)
    order_upsert(store=store, connection=connection, record=record)

    # then
    order = Order.objects.get()
    assert (order.name, order.total_minor, order.subtotal_minor, order.tax_minor) == ("#1001", 4860, 4400, 360)
    assert (order.status, order.visitor_id, order.utm_source, order.source) == (
        OrderStatus.PAID,
        "v-123",
        "tiktok",
        connection,
    )
    assert OrderLine.objects.count() == 1 and Customer.objects.count() == 1
    assert list(OrderDiscountCode.objects.filter(store=store, code="CREATOR10").values_list("order", flat=True)) == [
        order.pk
    ]
    assert order.customer.email == "ada@example.net"


def test_the_click_id_of_the_landing_page_is_kept_with_the_order(shop):
    # given an order that landed from a Google ad and a Meta ad's click both (the first of each kept)
    store, connection = shop
    landing = "https://trail-socks.example.com/p?utm_source=google_ads&GCLID=Cj0KCQ&fbclid=IwAR1&gclid=other&x=1"
    # when it is written
    order = order_upsert(store=store, connection=connection, record=order_record(landing_url=landing))
    # then its click ids are those of the landing page, and an order without any has none
    assert order.click_ids == {"gclid": "Cj0KCQ", "fbclid": "IwAR1"}
    plain = order_upsert(
        store=store, connection=connection, record=order_record(external_id="gid://shopify/Order/2", name="#2")
    )
    assert plain.click_ids == {}


def test_an_older_order_update_after_a_newer_one_is_ignored(shop):
    # given
    store, connection = shop
    newer = order_record(updated_at=LATER, financial_status="refunded", refunds=(refund_record(amount_minor=4860),))
    order_upsert(store=store, connection=connection, record=newer)

    # when
    order_upsert(store=store, connection=connection, record=order_record(updated_at=PLACED))

    # then
    order = Order.objects.get()
    assert (order.status, order.refunded_minor, order.source_updated_at) == (OrderStatus.REFUNDED, 4860, LATER)


def test_refunds_are_rows_and_the_order_refunded_sum_follows_them(shop):
    # given
    store, connection = shop
    order_upsert(store=store, connection=connection, record=order_record())

    # when
    refund_apply(store=store, order_external_id="gid://shopify/Order/1001", record=refund_record())
    refund_apply(store=store, order_external_id="gid://shopify/Order/1001", record=refund_record())
    refund_apply(
        store=store,
        order_external_id="gid://shopify/Order/1001",
        record=refund_record(external_id="gid://shopify/Refund/32", amount_minor=500, lines=()),
    )

    # then
    order = Order.objects.get()
    assert (order.refunded_minor, order.status) == (2700, OrderStatus.PARTIALLY_REFUNDED)
    assert Refund.objects.count() == 2
    assert list(RefundLine.objects.values_list("quantity", "amount_minor")) == [(1, 2200)]


def test_a_refund_of_an_unknown_order_is_refused_for_a_later_retry(shop):
    # given
    store, _ = shop

    # when / then
    with pytest.raises(UnknownOrder):
        refund_apply(store=store, order_external_id="gid://shopify/Order/404", record=refund_record())
    assert not Refund.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"total_minor": -1}, id="a negative total"),
        pytest.param({"tax_minor": -5}, id="a negative tax"),
        pytest.param({"refunds": (refund_record(amount_minor=4861),)}, id="more refunded than paid"),
        pytest.param({"refunded_minor": 5000}, id="a refunded sum above the total"),
        pytest.param({"lines": (line_record(quantity=0),)}, id="a line of no items"),
        pytest.param({"financial_status": "mystery"}, id="an unknown financial status"),
        pytest.param({"currency": "usd"}, id="a currency that is not ISO 4217"),
    ],
)
def test_an_order_with_impossible_money_is_refused_and_nothing_is_written(shop, changes):
    # given
    store, connection = shop

    # when / then
    with pytest.raises(ApplicationError) as refused:
        order_upsert(store=store, connection=connection, record=order_record(**changes))
    assert refused.value.code == "invalid_record"
    assert not Order.objects.exists() and not Customer.objects.exists() and not Refund.objects.exists()


def test_a_later_refund_above_the_total_is_refused_and_the_order_unchanged(shop):
    # given
    store, connection = shop
    order_upsert(store=store, connection=connection, record=order_record(refunds=(refund_record(),)))

    # when / then
    with pytest.raises(ApplicationError):
        refund_apply(
            store=store,
            order_external_id="gid://shopify/Order/1001",
            record=refund_record(external_id="gid://shopify/Refund/99", amount_minor=3000),
        )
    assert Order.objects.get().refunded_minor == 2200
    assert Refund.objects.count() == 1


def test_the_unit_cost_at_sale_stays_when_the_product_cost_changes_later(shop):
    # given
    store, connection = shop
    product_upsert(store=store, connection=connection, record=product_record())
    order_upsert(store=store, connection=connection, record=order_record())

    # when
    product_upsert(
        store=store,
        connection=connection,
        record=product_record(updated_at=LATER, variants=(variant_record(unit_cost_minor=1500),)),
    )
    order_upsert(store=store, connection=connection, record=order_record(updated_at=LATER))

    # then
    line = OrderLine.objects.get()
    assert line.unit_cost_minor == 900
    assert ProductVariant.objects.get().unit_cost_minor == 1500
    assert line.product == Product.objects.get()


def test_a_test_order_is_stored_flagged(shop):
    # given
    store, connection = shop

    # when
    order = order_upsert(store=store, connection=connection, record=order_record(test=True))

    # then
    assert Order.objects.get(pk=order.pk).test is True


def test_an_erased_customer_is_not_refilled_by_a_later_sync(shop):
    # given
    store, connection = shop
    customer_upsert(store=store, connection=connection, record=customer_record())
    customer_redact(store=store, customer_external_id="gid://shopify/Customer/5")

    # when
    customer_upsert(store=store, connection=connection, record=customer_record(updated_at=LATER))

    # then
    customer = Customer.objects.get()
    assert (customer.email, customer.name) == ("", "")
    assert customer.redacted_at is not None


def test_a_compliance_redact_blanks_the_customer_and_what_identifies_them_on_orders_but_keeps_money(shop):
    # given
    store, connection = shop
    order_upsert(store=store, connection=connection, record=order_record(financial_status=ORDER_PARTIALLY_REFUNDED))

    # when
    erased = customer_redact(
        store=store, customer_external_id="gid://shopify/Customer/5", order_external_ids=["gid://shopify/Order/1001"]
    )

    # then
    assert erased == 1
    customer = Customer.objects.get()
    assert (customer.email, customer.name) == ("", "")
    order = Order.objects.get()
    assert (order.attributes, order.visitor_id, order.landing_url, order.referrer) == ({}, "", "", "")
    assert (order.total_minor, order.utm_source) == (4860, "tiktok")


def test_a_shop_redact_removes_the_platform_data_and_keeps_the_merchants_own(shop):
    # given
    store, connection = shop
    product_upsert(store=store, connection=connection, record=product_record())
    order_upsert(store=store, connection=connection, record=order_record(refunds=(refund_record(),)))
    own_product = ProductFactory(store=store)
    own_order = OrderFactory(store=store, customer=CustomerFactory(store=store))

    # when
    counts = shop_redact(store=store, connection=connection)

    # then
    assert counts == {"orders": 1, "refunds": 1, "customers": 1, "products": 1}
    assert list(Order.objects.all()) == [own_order]
    assert list(Product.objects.all()) == [own_product]
    assert list(Customer.objects.all()) == [own_order.customer]
    assert not Refund.objects.exists() and not ProductVariant.objects.exists()


def test_a_data_request_records_what_the_hub_holds_about_the_customer(shop):
    # given
    store, connection = shop
    order_upsert(store=store, connection=connection, record=order_record())

    # when
    request = customer_data_request_record(
        store=store,
        connection=connection,
        customer_external_id="gid://shopify/Customer/5",
        order_external_ids=["gid://shopify/Order/1001"],
    )

    # then
    assert request.exported_data["customer"]["email"] == "ada@example.net"
    assert [o["external_id"] for o in request.exported_data["orders"]] == ["gid://shopify/Order/1001"]
    assert request.fulfilled_at is None
