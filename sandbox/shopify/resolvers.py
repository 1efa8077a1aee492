"""The root fields and mutations of the sandbox Admin GraphQL schema, over the shop's own rows.

Every read is of the shop the token was issued for (``info.context["shop"]``); bulk operations and webhook
subscriptions are also the requesting app's own. A field whose scope the token lacks is an ACCESS_DENIED error, as at
Shopify; without ``read_all_orders`` only the last 60 days of orders are visible.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet
from graphql import GraphQLError, GraphQLResolveInfo, GraphQLSchema

from sandbox.models import (
    ShopifyBulkOperation,
    ShopifyCustomer,
    ShopifyOrder,
    ShopifyOrderLine,
    ShopifyProduct,
    ShopifyRefund,
    ShopifyRefundLine,
    ShopifyVariant,
    ShopifyWebhookSubscription,
)
from sandbox.shopify import nodes
from sandbox.shopify.paging import queryset_connection, search_filter

RECENT_ORDERS = dt.timedelta(days=60)
# Shopify caps every input array at 250 items.
MAX_INPUT_ARRAY = 250
SORT_FIELDS = {
    "ID": "pk",
    "TITLE": "title",
    "NAME": "last_name",
    "NUMBER": "number",
    "CREATED_AT": "created_at",
    "UPDATED_AT": "updated_at",
    "PROCESSED_AT": "processed_at",
    "TOTAL_PRICE": "total_minor",
}
PRODUCT_SEARCH = {"updated_at": "updated_at", "created_at": "created_at", "status": "status", "title": "title"}
CUSTOMER_SEARCH = {"updated_at": "updated_at", "created_at": "created_at", "email": "email"}
ORDER_SEARCH = {
    "updated_at": "updated_at",
    "created_at": "created_at",
    "processed_at": "processed_at",
    "financial_status": "financial_status",
}
# The scope each kind of object needs (a write scope implies its read scope).
KIND_SCOPES = {
    "Product": "read_products",
    "ProductVariant": "read_products",
    "InventoryItem": "read_inventory",
    "Customer": "read_customers",
    "Order": "read_orders",
    "LineItem": "read_orders",
    "Refund": "read_orders",
}


def require_scope(info: GraphQLResolveInfo, scope: str, field: str) -> None:
    scopes = set(info.context["scopes"])
    if scope in scopes or scope.replace("read_", "write_", 1) in scopes:
        return
    raise GraphQLError(
        f"Access denied for {field} field. Required access: `{scope}` access scope.",
        extensions={"code": "ACCESS_DENIED", "documentation": "https://shopify.dev/api/usage/access-scopes"},
    )


def _shop(info: GraphQLResolveInfo):
    return info.context["shop"]


def _sort(sort_key: str | None) -> str:
    return SORT_FIELDS.get(sort_key or "ID", "pk")


def _search(info: GraphQLResolveInfo, query: str | None, fields: dict[str, str]):
    condition, warnings = search_filter(query, fields, ZoneInfo(_shop(info).iana_timezone))
    info.context["search_warnings"].extend({"path": [info.field_name], "message": w} for w in warnings)
    return condition


def products_queryset(shop) -> QuerySet[ShopifyProduct]:
    return ShopifyProduct.objects.filter(shop=shop).prefetch_related("variants")


def orders_queryset(info: GraphQLResolveInfo) -> QuerySet[ShopifyOrder]:
    """The shop's orders the token may see, with what an order node reads prefetched."""
    shop = _shop(info)
    lines = ShopifyOrderLine.objects.select_related("variant__product", "product").prefetch_related(
        Prefetch("refund_lines", to_attr=nodes.PREFETCHED_REFUND_LINES)
    )
    refund_lines = ShopifyRefundLine.objects.select_related("line")
    refunds = ShopifyRefund.objects.prefetch_related(
        Prefetch("lines", queryset=refund_lines, to_attr=nodes.PREFETCHED_LINES)
    )
    queryset = (
        ShopifyOrder.objects.filter(shop=shop)
        .select_related("customer")
        .prefetch_related(
            Prefetch("lines", queryset=lines, to_attr=nodes.PREFETCHED_LINES),
            Prefetch("refunds", queryset=refunds, to_attr=nodes.PREFETCHED_REFUNDS),
        )
    )
    if "read_all_orders" not in info.context["scopes"]:
        queryset = queryset.filter(created_at__gte=dt.datetime.now(dt.UTC) - RECENT_ORDERS)
    return queryset


def resolve_shop(root: Any, info: GraphQLResolveInfo) -> dict[str, Any]:
    return nodes.shop_node(_shop(info))


def _listing(
    *,
    scope: str,
    field: str,
    rows: Callable[[GraphQLResolveInfo], QuerySet],
    to_node: Callable[[Any, Any], dict[str, Any]],
    search: dict[str, str],
    default_sort: str,
) -> Callable[..., dict[str, Any]]:
    """The resolver of a top-level connection (products, customers, orders): the scope checked, the shop's ``rows``
    narrowed by the ``query:`` search, paged in the sort key's order."""

    def resolve(root, info, first=None, after=None, query=None, sortKey=default_sort, reverse=False):
        require_scope(info, scope, field)
        shop = _shop(info)
        queryset = rows(info).filter(_search(info, query, search))
        return queryset_connection(
            info,
            queryset,
            lambda row: to_node(row, shop),
            first=first,
            after=after,
            sort_field=_sort(sortKey),
            reverse=reverse,
        )

    return resolve


resolve_products = _listing(
    scope="read_products",
    field="products",
    rows=lambda info: products_queryset(_shop(info)),
    to_node=nodes.product_node,
    search=PRODUCT_SEARCH,
    default_sort="ID",
)
resolve_customers = _listing(
    scope="read_customers",
    field="customers",
    rows=lambda info: ShopifyCustomer.objects.filter(shop=_shop(info)),
    to_node=nodes.customer_node,
    search=CUSTOMER_SEARCH,
    default_sort="ID",
)
resolve_orders = _listing(
    scope="read_orders",
    field="orders",
    rows=orders_queryset,
    to_node=nodes.order_node,
    search=ORDER_SEARCH,
    default_sort="PROCESSED_AT",
)


def node_by_gid(info: GraphQLResolveInfo, value: Any, expected: str | None = None) -> dict[str, Any] | None:
    """The object named by a GID, if it is the shop's (and the app's, for its own bulk operations and webhooks)."""
    parsed = nodes.parse_gid(value)
    if parsed is None:
        raise GraphQLError(
            f"Invalid global id '{str(value)[:100]}'", extensions={"code": "argumentLiteralsIncompatible"}
        )
    kind, pk = parsed
    if expected and kind != expected:
        return None
    if kind in KIND_SCOPES:
        require_scope(info, KIND_SCOPES[kind], kind[0].lower() + kind[1:])
    shop, app = _shop(info), info.context["app"]
    if kind == "Shop":
        return nodes.shop_node(shop) if pk == shop.pk else None
    if kind == "Product":
        product = products_queryset(shop).filter(pk=pk).first()
        return nodes.product_node(product, shop) if product else None
    if kind in ("ProductVariant", "InventoryItem"):
        variant = ShopifyVariant.objects.select_related("product").filter(pk=pk, product__shop=shop).first()
        if variant is None:
            return None
        if kind == "InventoryItem":
            return nodes.inventory_item_node(variant, shop)
        return nodes.variant_node(variant, shop)
    if kind == "Customer":
        customer = ShopifyCustomer.objects.filter(pk=pk, shop=shop).first()
        return nodes.customer_node(customer, shop) if customer else None
    if kind == "Order":
        order = orders_queryset(info).filter(pk=pk).first()
        return nodes.order_node(order, shop) if order else None
    if kind == "LineItem":
        line = ShopifyOrderLine.objects.select_related("variant__product", "product").filter(pk=pk, order__shop=shop)
        found = line.first()
        return nodes.line_node(found, shop) if found else None
    if kind == "Refund":
        refund = ShopifyRefund.objects.filter(pk=pk, order__shop=shop).first()
        return nodes.refund_node(refund, shop) if refund else None
    if kind == "BulkOperation":
        operation = ShopifyBulkOperation.objects.filter(pk=pk, shop=shop, app=app).first()
        return nodes.bulk_operation_node(operation, info.context["result_url"](operation)) if operation else None
    if kind == "WebhookSubscription":
        subscription = ShopifyWebhookSubscription.objects.filter(pk=pk, shop=shop, app=app).first()
        return nodes.webhook_subscription_node(subscription) if subscription else None
    return None


def resolve_current_bulk_operation(root, info, type="QUERY"):
    if type != "QUERY":
        return None
    operation = ShopifyBulkOperation.objects.filter(shop=_shop(info), app=info.context["app"]).order_by("-pk").first()
    return nodes.bulk_operation_node(operation, info.context["result_url"](operation)) if operation else None


def resolve_webhook_subscriptions(root, info, first=None, after=None, topics=None, uri=None):
    queryset = ShopifyWebhookSubscription.objects.filter(shop=_shop(info), app=info.context["app"])
    if topics:
        queryset = queryset.filter(topic__in=topics)
    if uri:
        queryset = queryset.filter(uri=uri)
    return queryset_connection(info, queryset, nodes.webhook_subscription_node, first=first, after=after)


def resolve_nodes(root: Any, info: GraphQLResolveInfo, ids: list[str]) -> list[dict[str, Any] | None]:
    if len(ids) > MAX_INPUT_ARRAY:
        raise GraphQLError(f"The ids argument holds at most {MAX_INPUT_ARRAY} ids.", extensions={"code": "BAD_REQUEST"})
    return [node_by_gid(info, value) for value in ids]


def _by_kind(kind: str):
    return lambda root, info, id: node_by_gid(info, id, kind)


def bind_resolvers(schema: GraphQLSchema) -> None:
    """Attach the root resolvers and mutations to ``schema`` (built from ``sandbox.shopify.schema.SDL``)."""
    from sandbox.shopify import mutations

    query = schema.query_type.fields
    query["shop"].resolve = resolve_shop
    query["node"].resolve = lambda root, info, id: node_by_gid(info, id)
    query["nodes"].resolve = resolve_nodes
    for field, kind in (
        ("product", "Product"),
        ("productVariant", "ProductVariant"),
        ("customer", "Customer"),
        ("order", "Order"),
        ("bulkOperation", "BulkOperation"),
        ("webhookSubscription", "WebhookSubscription"),
    ):
        query[field].resolve = _by_kind(kind)
    query["products"].resolve = resolve_products
    query["customers"].resolve = resolve_customers
    query["orders"].resolve = resolve_orders
    query["currentBulkOperation"].resolve = resolve_current_bulk_operation
    query["webhookSubscriptions"].resolve = resolve_webhook_subscriptions
    mutation = schema.mutation_type.fields
    mutation["bulkOperationRunQuery"].resolve = mutations.resolve_bulk_run
    mutation["webhookSubscriptionCreate"].resolve = mutations.resolve_webhook_create
    schema.get_type("Node").resolve_type = lambda value, info, abstract: value.get("__typename")
