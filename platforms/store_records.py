"""What a store platform (Shopify, WooCommerce) or a CSV import says about a store, in Growth Hub's words.

Every store-platform client turns the platform's own shapes (Shopify's Admin GraphQL nodes, bulk-operation JSONL
lines and REST-shaped webhook bodies; WooCommerce's REST v3 resources and webhook bodies) into these records, and
``stores`` writes them into its tables. Nothing above ``platforms`` ever reads a platform's payload itself.

Conventions, the same for every platform:

- Money is an ``int`` in **minor units** of the record's ``currency`` (ISO 4217 exponent: JPY 0, USD 2, KWD 3),
  converted from the platform's decimal strings exactly (never through float).
- Datetimes are timezone-aware UTC.
- ``external_id`` is the platform's own stable id as a string: a Shopify GID (``gid://shopify/Order/123``), a
  WooCommerce numeric id (``"123"``).
- ``updated_at`` is the platform's last-modified time of the object; ``stores`` never lets an older record
  overwrite a newer one.
"""

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

# ProductRecord.status
PRODUCT_ACTIVE = "active"
PRODUCT_DRAFT = "draft"
PRODUCT_ARCHIVED = "archived"

# OrderRecord.financial_status: what the money of the order did (the platform's words mapped onto these).
ORDER_PENDING = "pending"  # placed, not (yet) paid: authorized, pending, on-hold
ORDER_PAID = "paid"
ORDER_PARTIALLY_REFUNDED = "partially_refunded"
ORDER_REFUNDED = "refunded"
ORDER_CANCELLED = "cancelled"  # cancelled or voided before money moved; never revenue


@dataclass(frozen=True)
class ShopRecord:
    """The store as its platform knows it: it sets the hub store's currency and time zone."""

    external_id: str
    name: str
    domain: str  # Shopify: <handle>.myshopify.com; WooCommerce: the site's home URL
    currency: str
    timezone: str  # IANA name, e.g. "America/New_York"
    primary_domain_url: str = ""  # the storefront's public URL, where product links point


@dataclass(frozen=True)
class VariantRecord:
    external_id: str
    title: str
    sku: str
    price_minor: int
    inventory_quantity: int | None  # None: stock not tracked
    unit_cost_minor: int | None  # None: the platform has no cost for it
    inventory_item_id: str = ""  # Shopify's InventoryItem GID (stock and cost live there); "" elsewhere
    compare_at_price_minor: int | None = None


@dataclass(frozen=True)
class ProductRecord:
    external_id: str
    title: str
    status: str  # PRODUCT_ACTIVE / PRODUCT_DRAFT / PRODUCT_ARCHIVED
    currency: str
    updated_at: dt.datetime
    handle: str = ""
    description: str = ""
    url: str = ""  # the product's storefront page
    image_url: str = ""
    tags: tuple[str, ...] = ()
    category: str = ""  # Shopify productType; WooCommerce first category name
    variants: tuple[VariantRecord, ...] = ()

    @property
    def price_minor(self) -> int:
        """The product's price: its cheapest variant's (0 without variants)."""
        return min((v.price_minor for v in self.variants), default=0)

    @property
    def inventory_quantity(self) -> int:
        """Units in stock over every tracked variant (never negative)."""
        return max(0, sum(v.inventory_quantity or 0 for v in self.variants))

    @property
    def unit_cost_minor(self) -> int | None:
        """The first variant's cost that the platform knows, else None."""
        return next((v.unit_cost_minor for v in self.variants if v.unit_cost_minor is not None), None)


@dataclass(frozen=True)
class CustomerRecord:
    external_id: str
    created_at: dt.datetime
    updated_at: dt.datetime
    email: str = ""
    name: str = ""
    accepts_marketing: bool = False


@dataclass(frozen=True)
class OrderLineRecord:
    external_id: str
    title: str
    quantity: int
    unit_price_minor: int  # before discounts
    sku: str = ""
    product_external_id: str = ""  # "" when the product was deleted or is a custom line
    variant_external_id: str = ""
    discount_minor: int = 0  # the line's share of discounts, over all its units
    unit_cost_minor: int | None = None  # the cost at the time of sale when the source says it (a CSV); else None


@dataclass(frozen=True)
class RefundLineRecord:
    line_external_id: str
    quantity: int
    amount_minor: int


@dataclass(frozen=True)
class RefundRecord:
    external_id: str
    created_at: dt.datetime
    amount_minor: int  # money returned to the customer
    reason: str = ""
    lines: tuple[RefundLineRecord, ...] = ()


@dataclass(frozen=True)
class OrderRecord:
    external_id: str
    created_at: dt.datetime  # when the customer placed it
    updated_at: dt.datetime
    currency: str  # the shop's currency: every amount below is in it
    financial_status: str  # ORDER_* above
    total_minor: int  # what the customer paid at checkout; stays after refunds (Shopify total_price)
    name: str = ""  # the number the merchant sees: "#1001"
    subtotal_minor: int = 0  # lines after line discounts, before shipping and tax
    discount_minor: int = 0
    shipping_minor: int = 0
    tax_minor: int = 0
    refunded_minor: int = 0  # sum of the refunds so far
    processed_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None
    test: bool = False  # a test order (Shopify's bogus gateway): kept out of revenue
    discount_codes: tuple[str, ...] = ()
    # Cart / note attributes (Shopify customAttributes, WooCommerce meta_data): where a storefront puts the
    # Growth Hub visitor id.
    attributes: Mapping[str, str] = field(default_factory=dict)
    landing_url: str = ""
    referrer: str = ""
    # utm_source / utm_medium / utm_campaign / utm_content / utm_term of the customer's journey (Shopify
    # customerJourneySummary, WooCommerce order attribution), keys without the "utm_" prefix.
    utm: Mapping[str, str] = field(default_factory=dict)
    journey_ready: bool = True  # Shopify's customerJourneySummary.ready: False means "read it again later"
    customer: CustomerRecord | None = None
    lines: tuple[OrderLineRecord, ...] = ()
    refunds: tuple[RefundRecord, ...] = ()


@dataclass(frozen=True)
class InventoryRecord:
    """A stock change of one inventory item (Shopify inventory_levels/update)."""

    inventory_item_id: str
    available: int
    updated_at: dt.datetime


# StoreEvent.kind: what a webhook delivery asks the hub to do.
EVENT_ORDER = "order"  # record: OrderRecord (created / updated / paid / cancelled)
EVENT_REFUND = "refund"  # record: RefundRecord; order_external_id says whose
EVENT_PRODUCT = "product"  # record: ProductRecord
EVENT_PRODUCT_DELETED = "product_deleted"  # external_id
EVENT_INVENTORY = "inventory"  # record: InventoryRecord
EVENT_UNINSTALLED = "uninstalled"  # the merchant removed the app: the connection is revoked
EVENT_CUSTOMERS_DATA_REQUEST = "customers_data_request"  # customer_external_id, order_external_ids
EVENT_CUSTOMERS_REDACT = "customers_redact"  # customer_external_id, order_external_ids: erase that customer
EVENT_SHOP_REDACT = "shop_redact"  # erase the store's data (48 h after uninstall)
EVENT_PING = "ping"  # WooCommerce's unsigned creation ping: answered 200, nothing done
EVENT_IGNORED = "ignored"  # a topic the hub does not use


@dataclass(frozen=True)
class StoreEvent:
    """One webhook delivery, read: what happened and the record it carries."""

    kind: str
    record: OrderRecord | RefundRecord | ProductRecord | InventoryRecord | None = None
    external_id: str = ""
    order_external_id: str = ""
    customer_external_id: str = ""
    order_external_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class BackfillStatus:
    """Where a history backfill stands at the platform (a Shopify bulk operation)."""

    operation_id: str
    status: str  # the platform's word: CREATED, RUNNING, COMPLETED, FAILED, CANCELED, EXPIRED
    url: str = ""  # the result file once COMPLETED ("" when the operation matched nothing)
    object_count: int = 0
    error_code: str = ""

    @property
    def finished(self) -> bool:
        return self.status in {"COMPLETED", "FAILED", "CANCELED", "EXPIRED"}


class StoreDataClient(Protocol):
    """The surface every store-platform client gives ``stores``. Every method raises ``platforms.errors``."""

    def shop(self) -> ShopRecord: ...

    def products(self, *, updated_since: dt.datetime | None = None) -> Iterator[ProductRecord]: ...

    def customers(self, *, updated_since: dt.datetime | None = None) -> Iterator[CustomerRecord]: ...

    def orders(self, *, updated_since: dt.datetime | None = None) -> Iterator[OrderRecord]: ...

    def order(self, external_id: str) -> OrderRecord | None: ...

    def backfill_start(self) -> BackfillStatus: ...

    def backfill_status(self, operation_id: str) -> BackfillStatus: ...

    def backfill_orders(self, status: BackfillStatus) -> Iterator[OrderRecord]: ...

    def webhooks_register(self, *, address: str, secret: str = "") -> list[str]: ...


class StoreWebhookReader(Protocol):
    """How one store platform's webhook deliveries are read: signature, ids and body (see platforms.<slug>)."""

    def verify(self, *, body: bytes, headers: Mapping[str, str], secret: str) -> bool:
        """Whether the delivery's signature header matches ``body`` under ``secret`` (constant-time compare)."""
        ...

    def delivery_id(self, headers: Mapping[str, str]) -> str:
        """The platform's id of this delivery (the same on every retry of it): the idempotency key."""
        ...

    def account_id(self, headers: Mapping[str, str]) -> str:
        """Which store account sent it (Shopify's shop domain header, WooCommerce's source URL)."""
        ...

    def topic(self, headers: Mapping[str, str]) -> str: ...

    def is_unsigned_ping(self, *, headers: Mapping[str, str], body: bytes) -> bool:
        """Whether this is the platform's unsigned "are you there" delivery that must get 200 and change nothing
        (WooCommerce's form-encoded ``webhook_id=<id>`` ping on webhook creation; Shopify has none)."""
        ...

    def read(self, *, topic: str, body: bytes, currency: str = "") -> StoreEvent:
        """What the delivery says. Raises ``platforms.errors.Rejected`` for a body that is not the topic's JSON.

        ``currency`` is the store's: product bodies (Shopify's products/update, WooCommerce's product.updated) carry
        prices without a currency, and minor units cannot be counted without one.
        """
        ...
