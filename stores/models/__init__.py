from stores.models.catalog import Product, ProductStatus
from stores.models.commerce import Customer, Order, OrderLine, OrderStatus
from stores.models.connections import ConnectionStatus, PlatformConnection
from stores.models.tenancy import Membership, Role, Store, StoreApiKey, StoreStatus

__all__ = [
    "ConnectionStatus",
    "PlatformConnection",
    "Customer",
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
