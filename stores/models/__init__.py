from stores.models.catalog import Product, ProductStatus, ProductVariant, UnitCostSource
from stores.models.commerce import (
    Customer,
    Order,
    OrderDiscountCode,
    OrderLine,
    OrderStatus,
    Refund,
    RefundLine,
)
from stores.models.connections import (
    ConnectionEvent,
    ConnectionEventKind,
    ConnectionStatus,
    OAuthState,
    PlatformConnection,
)
from stores.models.idempotency import IdempotencyKey
from stores.models.imports import ImportJob, ImportKind, ImportStatus
from stores.models.links import TrackedLink
from stores.models.store_data import (
    BackfillState,
    CustomerDataRequest,
    DeliveryStatus,
    StoreSync,
    WebhookDelivery,
)
from stores.models.tenancy import Membership, Role, Store, StoreApiKey, StoreStatus

__all__ = [
    "BackfillState",
    "ConnectionEvent",
    "ConnectionEventKind",
    "ConnectionStatus",
    "Customer",
    "CustomerDataRequest",
    "DeliveryStatus",
    "IdempotencyKey",
    "ImportJob",
    "ImportKind",
    "ImportStatus",
    "Membership",
    "OAuthState",
    "Order",
    "OrderDiscountCode",
    "OrderLine",
    "OrderStatus",
    "PlatformConnection",
    "Product",
    "ProductStatus",
    "ProductVariant",
    "Refund",
    "RefundLine",
    "Role",
    "Store",
    "StoreApiKey",
    "StoreStatus",
    "StoreSync",
    "TrackedLink",
    "UnitCostSource",
    "WebhookDelivery",
]
