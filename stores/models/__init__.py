from stores.models.catalog import Product, ProductStatus
from stores.models.commerce import Customer, Order, OrderLine, OrderStatus
from stores.models.connections import (
    ConnectionEvent,
    ConnectionEventKind,
    ConnectionStatus,
    OAuthState,
    PlatformConnection,
)
from stores.models.idempotency import IdempotencyKey
from stores.models.tenancy import Membership, Role, Store, StoreApiKey, StoreStatus

__all__ = [
    "ConnectionEvent",
    "ConnectionEventKind",
    "ConnectionStatus",
    "OAuthState",
    "PlatformConnection",
    "Customer",
    "IdempotencyKey",
    "Membership",
    "Order",
    "OrderLine",
    "OrderStatus",
    "Product",
    "ProductStatus",
    "Role",
    "Store",
    "StoreApiKey",
    "StoreStatus",
]
