"""The sandbox Admin GraphQL mutations: bulkOperationRunQuery and webhookSubscriptionCreate.

A refusal is a ``userErrors`` entry with Shopify's field path and message, and changes nothing.
"""

from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from graphql import GraphQLResolveInfo

from sandbox.models import ShopifyWebhookSubscription
from sandbox.shopify import nodes
from sandbox.shopify.bulk import BulkQueryInvalid, shopify_bulk_operation_create
from sandbox.shopify.resolvers import require_scope

MAX_URI_LENGTH = 2000
ALREADY_TAKEN = "Address for this topic has already been taken"
# The scope a topic's payload needs, as Shopify checks it at subscription time.
TOPIC_SCOPES = {
    "ORDERS_CREATE": "read_orders",
    "ORDERS_UPDATED": "read_orders",
    "ORDERS_PAID": "read_orders",
    "ORDERS_CANCELLED": "read_orders",
    "REFUNDS_CREATE": "read_orders",
    "PRODUCTS_CREATE": "read_products",
    "PRODUCTS_UPDATE": "read_products",
    "PRODUCTS_DELETE": "read_products",
    "INVENTORY_LEVELS_UPDATE": "read_inventory",
    "CUSTOMERS_CREATE": "read_customers",
    "CUSTOMERS_UPDATE": "read_customers",
}


def _error(field: list[str], message: str) -> dict[str, Any]:
    return {"field": field, "message": message}


def resolve_bulk_run(root: Any, info: GraphQLResolveInfo, query: str, groupObjects: bool = False) -> dict[str, Any]:
    from sandbox.shopify.schema import admin_schema
    from sandbox.tasks import shopify_bulk_operation_run_task

    context = info.context
    try:
        operation = shopify_bulk_operation_create(
            schema=admin_schema(),
            shop=context["shop"],
            app=context["app"],
            query=query,
            scopes=list(context["scopes"]),
            group=bool(groupObjects),
        )
    except BulkQueryInvalid as exc:
        return {"bulkOperation": None, "userErrors": [_error(["query"], str(exc))]}
    transaction.on_commit(partial(shopify_bulk_operation_run_task.delay, operation.pk))
    return {"bulkOperation": nodes.bulk_operation_node(operation, ""), "userErrors": []}


def _uri_problem(uri: str) -> str:
    if not uri:
        return "Address can't be blank"
    if len(uri) > MAX_URI_LENGTH:
        return f"Address is too long (maximum is {MAX_URI_LENGTH} characters)"
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Address is invalid"
    return ""


def resolve_webhook_create(
    root: Any, info: GraphQLResolveInfo, topic: str, webhookSubscription: dict[str, Any]
) -> dict[str, Any]:
    context = info.context
    uri = str(webhookSubscription.get("uri") or webhookSubscription.get("callbackUrl") or "").strip()
    field = ["webhookSubscription", "uri" if webhookSubscription.get("uri") else "callbackUrl"]
    problem = _uri_problem(uri)
    if problem:
        return {"webhookSubscription": None, "userErrors": [_error(field, problem)]}
    if (webhookSubscription.get("format") or "JSON") != "JSON":
        return {
            "webhookSubscription": None,
            "userErrors": [_error(["webhookSubscription", "format"], "The sandbox delivers JSON webhooks only")],
        }
    scope = TOPIC_SCOPES.get(topic)
    if scope:
        require_scope(info, scope, f"{topic} webhook topic")
    try:
        with transaction.atomic():
            subscription = ShopifyWebhookSubscription.objects.create(
                shop=context["shop"], app=context["app"], topic=topic, uri=uri, api_version=context["api_version"]
            )
    except IntegrityError:
        return {"webhookSubscription": None, "userErrors": [_error(field, ALREADY_TAKEN)]}
    return {"webhookSubscription": nodes.webhook_subscription_node(subscription), "userErrors": []}
