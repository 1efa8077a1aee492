"""What the store-data tests share: a store-platform connection and records as a store platform's client reads them."""

import datetime as dt

from platforms.constants import SHOPIFY
from platforms.store_records import (
    ORDER_PAID,
    PRODUCT_ACTIVE,
    CustomerRecord,
    OrderLineRecord,
    OrderRecord,
    ProductRecord,
    RefundLineRecord,
    RefundRecord,
    VariantRecord,
)
from stores.models import PlatformConnection, Store

PLACED = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)


def store_connection(
    store: Store, *, platform: str = SHOPIFY, account: str = "trail-socks.myshopify.com", webhook_secret: str = ""
) -> PlatformConnection:
    connection = PlatformConnection(
        store=store, platform=platform, external_account_id=account, external_account_name="Trail Socks"
    )
    connection.access_token = "shpat_store_token"
    connection.webhook_secret = webhook_secret
    connection.save()
    return connection


def variant_record(*, external_id: str = "gid://shopify/ProductVariant/11", **changes: object) -> VariantRecord:
    fields: dict[str, object] = {
        "external_id": external_id,
        "title": "Medium",
        "sku": "SOCK-M",
        "price_minor": 2400,
        "inventory_quantity": 30,
        "unit_cost_minor": 900,
        "inventory_item_id": "gid://shopify/InventoryItem/71",
        "compare_at_price_minor": 2800,
    }
    fields.update(changes)
    return VariantRecord(**fields)  # type: ignore[arg-type]


def product_record(**changes: object) -> ProductRecord:
    fields: dict[str, object] = {
        "external_id": "gid://shopify/Product/1",
        "title": "Merino Trail Sock",
        "status": PRODUCT_ACTIVE,
        "currency": "USD",
        "updated_at": PLACED,
        "handle": "merino-trail-sock",
        "url": "https://trail-socks.example.com/products/merino-trail-sock",
        "tags": ("merino",),
        "category": "Socks",
        "variants": (variant_record(),),
    }
    fields.update(changes)
    return ProductRecord(**fields)  # type: ignore[arg-type]


def customer_record(**changes: object) -> CustomerRecord:
    fields: dict[str, object] = {
        "external_id": "gid://shopify/Customer/5",
        "created_at": PLACED - dt.timedelta(days=30),
        "updated_at": PLACED,
        "email": "ada@example.net",
        "name": "Ada Lovelace",
        "accepts_marketing": True,
    }
    fields.update(changes)
    return CustomerRecord(**fields)  # type: ignore[arg-type]


def line_record(**changes: object) -> OrderLineRecord:
    fields: dict[str, object] = {
        "external_id": "gid://shopify/LineItem/21",
        "title": "Merino Trail Sock - Medium",
        "quantity": 2,
        "unit_price_minor": 2400,
        "sku": "SOCK-M",
        "product_external_id": "gid://shopify/Product/1",
        "variant_external_id": "gid://shopify/ProductVariant/11",
        "discount_minor": 400,
    }
    fields.update(changes)
    return OrderLineRecord(**fields)  # type: ignore[arg-type]


def refund_record(**changes: object) -> RefundRecord:
    fields: dict[str, object] = {
        "external_id": "gid://shopify/Refund/31",
        "created_at": PLACED + dt.timedelta(days=20),
        "amount_minor": 2200,
        "reason": "Too small",
        "lines": (RefundLineRecord(line_external_id="gid://shopify/LineItem/21", quantity=1, amount_minor=2200),),
    }
    fields.update(changes)
    return RefundRecord(**fields)  # type: ignore[arg-type]


def order_record(**changes: object) -> OrderRecord:
    """Two socks at 24.00 less 4.00 discount, 5.00 shipping, 3.60 tax: 48.60 paid."""
    fields: dict[str, object] = {
        "external_id": "gid://shopify/Order/1001",
        "created_at": PLACED,
        "updated_at": PLACED,
        "currency": "USD",
        "financial_status": ORDER_PAID,
        "total_minor": 4860,
        "name": "#1001",
        "subtotal_minor": 4400,
        "discount_minor": 400,
        "shipping_minor": 500,
        "tax_minor": 360,
        "processed_at": PLACED,
        "discount_codes": ("CREATOR10",),
        "attributes": {"_gh_visitor": "v-123", "gift_note": "Happy birthday Ada"},
        "landing_url": "https://trail-socks.example.com/?utm_source=tiktok&utm_medium=social",
        "referrer": "https://www.tiktok.com/",
        "utm": {"source": "tiktok", "medium": "social", "campaign": "spring"},
        "customer": customer_record(),
        "lines": (line_record(),),
    }
    fields.update(changes)
    return OrderRecord(**fields)  # type: ignore[arg-type]
