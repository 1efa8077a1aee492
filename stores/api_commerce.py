"""JSON API for the store's own data, mounted at /api/store/: its products, its orders, and the store-platform
connection that brings them in. Every read is of the calling key's or member's store only."""

import datetime as dt

from django.db.models import QuerySet
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from stores.api_auth import ApiRequest, api_actor
from stores.api_pagination import BoundedPageNumberPagination
from stores.commerce.catalogue import (
    SEARCH_MAX_LENGTH,
    order_get_for_store,
    orders_for_store,
    product_unit_cost_set,
    products_for_store,
    store_platform_statuses,
)
from stores.models import Order, OrderLine, Product, Refund
from stores.selectors import product_get_for_store

router = Router(tags=["store data"])


def _source(row: Product | Order) -> str:
    """The platform that owns the row (``shopify``, ``woocommerce``), or "" for the merchant's own."""
    return row.source.platform if row.source is not None else ""


class ProductOut(Schema):
    id: int
    external_id: str
    title: str
    handle: str
    status: str
    currency: str
    price_minor: int
    unit_cost_minor: int
    unit_cost_source: str
    inventory_quantity: int
    variant_count: int
    image_url: str
    url: str
    source: str = Field(description="The store platform that owns the product, or empty for the merchant's own")
    source_updated_at: dt.datetime | None

    @staticmethod
    def resolve_source(product: Product) -> str:
        return _source(product)


class ProductFilters(Schema):
    q: str = Field("", max_length=SEARCH_MAX_LENGTH, description="Part of a title, handle or SKU")
    status: str = Field("", max_length=16, description="active, draft or archived")


class UnitCostIn(Schema):
    unit_cost: str = Field(..., max_length=20, examples=["12.50"], description="In the product's currency")


class OrderLineOut(Schema):
    title: str
    sku: str
    quantity: int
    unit_price_minor: int
    discount_minor: int
    unit_cost_minor: int | None
    product_id: int | None


class RefundOut(Schema):
    external_id: str
    created_at: dt.datetime
    amount_minor: int
    reason: str


class OrderOut(Schema):
    id: int
    external_id: str
    name: str
    status: str
    currency: str
    created_at: dt.datetime
    total_minor: int
    subtotal_minor: int
    discount_minor: int
    shipping_minor: int
    tax_minor: int
    refunded_minor: int
    net_minor: int
    customer_id: int | None
    test: bool
    utm_source: str
    utm_medium: str
    utm_campaign: str
    source: str

    @staticmethod
    def resolve_source(order: Order) -> str:
        return _source(order)


class OrderDetailOut(OrderOut):
    landing_url: str
    referrer: str
    utm_content: str
    utm_term: str
    click_ids: dict
    visitor_id: str
    discount_codes: list[str]
    lines: list[OrderLineOut]
    refunds: list[RefundOut]

    @staticmethod
    def resolve_discount_codes(order: Order) -> list[str]:
        return [code.code for code in order.discount_codes.all()]

    @staticmethod
    def resolve_lines(order: Order) -> list[OrderLine]:
        return list(order.lines.all())

    @staticmethod
    def resolve_refunds(order: Order) -> list[Refund]:
        return list(order.refunds.all())


class OrderFilters(Schema):
    since: dt.date | None = Field(None, description="The store's first day, e.g. 2026-11-01")
    until: dt.date | None = Field(None, description="The store's last day, included")
    q: str = Field("", max_length=SEARCH_MAX_LENGTH, description="Part of an order name or a customer's email")


class StorePlatformOut(Schema):
    connection_id: int
    platform: str
    platform_name: str
    status: str
    account: str
    backfill_status: str
    backfill_error: str
    last_synced_at: dt.datetime | None
    last_error: str
    products: int
    orders: int


@router.get("/products", response=list[ProductOut], summary="List the store's products")
@paginate(BoundedPageNumberPagination)
def products_list(request: ApiRequest, filters: Query[ProductFilters]) -> QuerySet[Product]:
    """By title, 50 a page (`?page=2`); `?q=sock&status=active` filters.

    Example response: `{"items": [{"id": 7, "title": "Merino Trail Sock", "price_minor": 1800, "unit_cost_minor":
    600, "unit_cost_source": "platform", "inventory_quantity": 140, "source": "shopify", ...}], "count": 12}`
    """
    return products_for_store(store=request.store, search=filters.q, status=filters.status)


@router.patch("/products/{product_id}", response=ProductOut, summary="Set a product's unit cost")
def product_update(request: ApiRequest, product_id: int, payload: UnitCostIn) -> Product:
    """Only where the store platform holds no cost for it (409 otherwise); orders already placed keep the cost
    they were sold at. Body: `{"unit_cost": "12.50"}`."""
    product = product_get_for_store(store=request.store, id=product_id)
    product_unit_cost_set(product=product, actor=api_actor(request), amount=payload.unit_cost)
    return products_for_store(store=request.store).get(pk=product.pk)  # with its variant count


@router.get("/orders", response=list[OrderOut], summary="List the store's orders")
@paginate(BoundedPageNumberPagination)
def orders_list(request: ApiRequest, filters: Query[OrderFilters]) -> QuerySet[Order]:
    """Newest first, 50 a page; `?since=2026-11-01&until=2026-11-30` are the store's days (its time zone).

    Example response: `{"items": [{"id": 91, "name": "#1091", "total_minor": 5400, "refunded_minor": 0,
    "net_minor": 5400, "currency": "USD", "utm_source": "instagram", ...}], "count": 2310}`
    """
    orders = orders_for_store(store=request.store, since=filters.since, until=filters.until, search=filters.q)
    return orders.select_related("source")


@router.get("/orders/{order_id}", response=OrderDetailOut, summary="One order with its lines and refunds")
def order_detail(request: ApiRequest, order_id: int) -> Order:
    """With lines (each with the unit cost it was sold at), discount codes, refunds and the landing data."""
    return order_get_for_store(store=request.store, id=order_id)


@router.get("/connection", response=list[StorePlatformOut], summary="The store platform connection and its sync")
def store_connection(request: ApiRequest) -> list[dict]:
    """Shopify or WooCommerce, not disconnected: health, the history backfill and the last sync.

    Example response: `[{"connection_id": 4, "platform": "shopify", "platform_name": "Shopify", "status":
    "active", "account": "northwind.myshopify.com", "backfill_status": "done", "backfill_error": "",
    "last_synced_at": "2026-12-04T09:15:00Z", "last_error": "", "products": 48, "orders": 2310}]`
    """
    return [
        {
            "connection_id": row.connection.pk,
            "platform": row.connection.platform,
            "platform_name": row.platform_name,
            "status": row.connection.status,
            "account": row.connection.external_account_id,
            "backfill_status": row.backfill_status,
            "backfill_error": row.backfill_error,
            "last_synced_at": row.last_synced_at,
            "last_error": row.last_error,
            "products": row.products,
            "orders": row.orders,
        }
        for row in store_platform_statuses(store=request.store)
    ]
