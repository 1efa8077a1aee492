"""The sandbox Shopify rows as Admin GraphQL objects: dicts whose keys are the schema's field names.

graphql-core's default resolver reads a dict's key and calls it when it is callable (with ``info`` and the field's
arguments), so a nested connection or a related object is a closure, resolved only when a query selects it. Money is
Shopify's decimal string in the shop's currency; ids are GIDs (``gid://shopify/Order/12``).
"""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from graphql import GraphQLResolveInfo

from platforms.constants import currency_exponent
from sandbox.models import (
    ShopifyBulkOperation,
    ShopifyBulkStatus,
    ShopifyCustomer,
    ShopifyOrder,
    ShopifyOrderLine,
    ShopifyProduct,
    ShopifyProductStatus,
    ShopifyRefund,
    ShopifyShop,
    ShopifyVariant,
    ShopifyWebhookSubscription,
)
from sandbox.shopify.paging import list_connection

GID_PREFIX = "gid://shopify/"
# A bulk operation's result link lasts seven days after completion, as Shopify's pre-signed storage links do.
BULK_RESULT_LIFETIME = dt.timedelta(days=7)


# The attributes a queryset's Prefetch(to_attr=...) fills with an object's related rows as plain lists (see
# ``resolvers.orders_queryset``): a list per object costs nothing, where a prefetched manager clones a queryset for
# each of them. A row read without them (one line or refund by its id) reads through its manager.
PREFETCHED_LINES = "prefetched_lines"
PREFETCHED_REFUNDS = "prefetched_refunds"
PREFETCHED_REFUND_LINES = "prefetched_refund_lines"


def related_rows(instance: Any, prefetched: str, manager: str) -> list[Any]:
    """``instance``'s related rows: those read ahead into ``prefetched`` if its queryset did, else ``manager``'s."""
    rows = getattr(instance, prefetched, None)
    return rows if rows is not None else list(getattr(instance, manager).all())


def gid(kind: str, pk: int | str) -> str:
    return f"{GID_PREFIX}{kind}/{pk}"


def parse_gid(value: Any) -> tuple[str, int] | None:
    """(kind, id) of ``gid://shopify/<Kind>/<id>`` (a query string after the id is ignored), else None."""
    text = str(value or "")
    if not text.startswith(GID_PREFIX):
        return None
    kind, _, rest = text[len(GID_PREFIX) :].partition("/")
    number = rest.split("?", 1)[0]
    if not kind or not number.isdigit() or len(number) > 18:
        return None
    return kind, int(number)


def amount(minor: int, currency: str) -> str:
    """Shopify's decimal string: 1999 USD → "19.99", 1990 → "19.9", 2000 → "20.0", 1500 JPY → "1500"."""
    exponent = currency_exponent(currency)
    if not exponent:
        return str(minor)
    units, fraction = divmod(abs(minor), 10**exponent)
    sign = "-" if minor < 0 else ""
    return f"{sign}{units}.{str(fraction).rjust(exponent, '0').rstrip('0') or '0'}"


def money(minor: int, currency: str) -> dict[str, str]:
    return {"amount": amount(minor, currency), "currencyCode": currency}


def money_bag(minor: int, currency: str) -> dict[str, dict[str, str]]:
    """The shop and presentment amounts (the sandbox's shoppers pay in the shop's currency): one value, read twice."""
    value = money(minor, currency)
    return {"shopMoney": value, "presentmentMoney": value}


def iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def shop_node(shop: ShopifyShop) -> dict[str, Any]:
    url = shop.primary_domain or f"https://{shop.domain}"
    zone = dt.datetime.now(dt.UTC).astimezone(ZoneInfo(shop.iana_timezone)).tzname() or "UTC"
    return {
        "__typename": "Shop",
        "id": gid("Shop", shop.pk),
        "name": shop.name,
        "email": f"owner@{shop.domain}",
        "myshopifyDomain": shop.domain,
        "currencyCode": shop.currency,
        "ianaTimezone": shop.iana_timezone,
        "timezoneAbbreviation": zone,
        "primaryDomain": {"id": gid("Domain", shop.pk), "host": url.split("://", 1)[-1], "url": url},
        "url": url,
    }


def variant_node(variant: ShopifyVariant, shop: ShopifyShop, product: ShopifyProduct | None = None) -> dict[str, Any]:
    currency = shop.currency
    owner = product or variant.product
    return {
        "__typename": "ProductVariant",
        "id": gid("ProductVariant", variant.pk),
        "legacyResourceId": str(variant.pk),
        "title": variant.title,
        "sku": variant.sku,
        "position": variant.position,
        "price": amount(variant.price_minor, currency),
        "compareAtPrice": (
            None if variant.compare_at_price_minor is None else amount(variant.compare_at_price_minor, currency)
        ),
        "inventoryQuantity": variant.inventory_quantity,
        "inventoryItem": inventory_item_node(variant, shop),
        "product": lambda info: product_node(owner, shop),
    }


def inventory_item_node(variant: ShopifyVariant, shop: ShopifyShop) -> dict[str, Any]:
    cost = variant.unit_cost_minor
    return {
        "__typename": "InventoryItem",
        "id": gid("InventoryItem", variant.pk),
        "sku": variant.sku,
        "tracked": variant.tracked,
        "unitCost": None if cost is None else money(cost, shop.currency),
    }


def product_node(product: ShopifyProduct, shop: ShopifyShop) -> dict[str, Any]:
    def variants(info: GraphQLResolveInfo, first: int | None = None, after: str | None = None, reverse: bool = False):
        rows = sorted(product.variants.all(), key=lambda v: (v.position, v.pk))
        return list_connection(
            info, rows, lambda v: variant_node(v, shop, product), first=first, after=after, reverse=reverse
        )

    live = product.status == ShopifyProductStatus.ACTIVE
    base = shop.primary_domain or f"https://{shop.domain}"
    return {
        "__typename": "Product",
        "id": gid("Product", product.pk),
        "legacyResourceId": str(product.pk),
        "title": product.title,
        "handle": product.handle,
        "status": product.status,
        "description": product.description,
        "descriptionHtml": f"<p>{product.description}</p>" if product.description else "",
        "productType": product.product_type,
        "tags": list(product.tags),
        "onlineStoreUrl": f"{base}/products/{product.handle}" if live else None,
        "createdAt": iso(product.created_at),
        "updatedAt": iso(product.updated_at),
        "featuredMedia": (
            {
                "id": gid("MediaImage", product.pk),
                "mediaContentType": "IMAGE",
                "preview": {"image": {"url": product.image_url, "altText": product.title}},
            }
            if product.image_url
            else None
        ),
        "totalInventory": lambda info: sum(v.inventory_quantity for v in product.variants.all() if v.tracked),
        "variants": variants,
    }


def customer_node(customer: ShopifyCustomer, shop: ShopifyShop) -> dict[str, Any]:
    name = " ".join(part for part in (customer.first_name, customer.last_name) if part) or customer.email

    def spent(info: GraphQLResolveInfo) -> dict[str, str]:
        return money(sum(o.total_minor for o in customer.orders.filter(cancelled_at__isnull=True)), shop.currency)

    return {
        "__typename": "Customer",
        "id": gid("Customer", customer.pk),
        "legacyResourceId": str(customer.pk),
        "firstName": customer.first_name or None,
        "lastName": customer.last_name or None,
        "displayName": name,
        "createdAt": iso(customer.created_at),
        "updatedAt": iso(customer.updated_at),
        "defaultEmailAddress": {"emailAddress": customer.email, "marketingState": customer.marketing_state},
        "numberOfOrders": lambda info: str(customer.orders.count()),
        "amountSpent": spent,
    }


def _visit(order: ShopifyOrder) -> dict[str, Any]:
    utm = {key: (order.utm or {}).get(key) or None for key in ("source", "medium", "campaign", "content", "term")}
    return {
        "__typename": "CustomerVisit",
        "id": gid("CustomerVisit", order.pk),
        "landingPage": order.landing_page or None,
        "referrerUrl": order.referrer_url or None,
        "source": order.visit_source or "direct",
        "sourceType": None,
        "occurredAt": iso(order.created_at),
        "utmParameters": utm if any(utm.values()) else None,
    }


def journey_node(order: ShopifyOrder) -> dict[str, Any]:
    """The journey of a single visit: first and last visit are the same one."""
    if not order.journey_ready:
        return {"ready": False, "daysToConversion": None, "customerOrderIndex": None, "momentsCount": 0}
    has_visit = bool(order.landing_page or order.referrer_url or order.utm)
    visit = _visit(order) if has_visit else None
    return {
        "ready": True,
        "daysToConversion": 1,
        "customerOrderIndex": 1,
        "momentsCount": 1 if has_visit else 0,
        "firstVisit": visit,
        "lastVisit": visit,
    }


def line_node(line: ShopifyOrderLine, shop: ShopifyShop) -> dict[str, Any]:
    currency = shop.currency
    original = line.unit_price_minor * line.quantity
    refunded = sum(r.quantity for r in related_rows(line, PREFETCHED_REFUND_LINES, "refund_lines"))
    return {
        "__typename": "LineItem",
        "id": gid("LineItem", line.pk),
        "name": line.name,
        "title": line.name.split(" - ", 1)[0],
        "sku": line.sku or None,
        "quantity": line.quantity,
        "currentQuantity": max(0, line.quantity - refunded),
        "originalUnitPriceSet": money_bag(line.unit_price_minor, currency),
        "originalTotalSet": money_bag(original, currency),
        "discountedTotalSet": money_bag(original - line.discount_minor, currency),
        "totalDiscountSet": money_bag(line.discount_minor, currency),
        "variant": lambda info: variant_node(line.variant, shop) if line.variant else None,
        "product": lambda info: product_node(line.product, shop) if line.product else None,
    }


def refund_node(refund: ShopifyRefund, shop: ShopifyShop) -> dict[str, Any]:
    def refund_lines(info: GraphQLResolveInfo, first: int | None = None, after: str | None = None):
        rows = sorted(related_rows(refund, PREFETCHED_LINES, "lines"), key=lambda r: r.pk)
        return list_connection(
            info,
            rows,
            lambda r: {
                "id": gid("RefundLineItem", r.pk),
                "lineItem": line_node(r.line, shop),
                "quantity": r.quantity,
                "subtotalSet": money_bag(r.subtotal_minor, shop.currency),
            },
            first=first,
            after=after,
        )

    return {
        "__typename": "Refund",
        "id": gid("Refund", refund.pk),
        "legacyResourceId": str(refund.pk),
        "createdAt": iso(refund.created_at),
        "note": refund.note or None,
        "totalRefundedSet": money_bag(refund.amount_minor, shop.currency),
        "refundLineItems": refund_lines,
    }


def order_node(order: ShopifyOrder, shop: ShopifyShop) -> dict[str, Any]:
    currency = order.currency
    order_refunds = related_rows(order, PREFETCHED_REFUNDS, "refunds")
    refunded = sum(r.amount_minor for r in order_refunds)

    def line_items(info: GraphQLResolveInfo, first: int | None = None, after: str | None = None, reverse=False):
        rows = sorted(related_rows(order, PREFETCHED_LINES, "lines"), key=lambda line: line.pk)
        return list_connection(info, rows, lambda li: line_node(li, shop), first=first, after=after, reverse=reverse)

    def refunds(info: GraphQLResolveInfo, first: int | None = None) -> list[dict[str, Any]]:
        rows = sorted(order_refunds, key=lambda r: r.pk)
        return [refund_node(r, shop) for r in (rows if first is None else rows[: max(0, first)])]

    codes = [str(code) for code in order.discount_codes or []]
    return {
        "__typename": "Order",
        "id": gid("Order", order.pk),
        "legacyResourceId": str(order.pk),
        "name": f"#{order.number}",
        "createdAt": iso(order.created_at),
        "processedAt": iso(order.processed_at),
        "updatedAt": iso(order.updated_at),
        "cancelledAt": iso(order.cancelled_at),
        "test": order.test,
        "note": order.note or None,
        "currencyCode": currency,
        "presentmentCurrencyCode": currency,
        "displayFinancialStatus": order.financial_status,
        "totalPriceSet": money_bag(order.total_minor, currency),
        "currentTotalPriceSet": money_bag(max(0, order.total_minor - refunded), currency),
        "subtotalPriceSet": money_bag(order.subtotal_minor, currency),
        "totalDiscountsSet": money_bag(order.total_discounts_minor, currency),
        "totalShippingPriceSet": money_bag(order.shipping_minor, currency),
        "totalTaxSet": money_bag(order.tax_minor, currency),
        "totalRefundedSet": money_bag(refunded, currency),
        "discountCode": codes[0] if codes else None,
        "discountCodes": codes,
        "customAttributes": [
            {"key": str(a.get("key")), "value": a.get("value")} for a in order.custom_attributes or []
        ],
        "customerJourneySummary": journey_node(order),
        "customer": customer_node(order.customer, shop) if order.customer else None,
        "lineItems": line_items,
        "refunds": refunds,
    }


def bulk_operation_node(operation: ShopifyBulkOperation, result_url: str) -> dict[str, Any]:
    """``result_url`` is the download link of a completed operation with results (empty otherwise)."""
    status = operation.status
    completed = operation.completed_at
    if (
        status == ShopifyBulkStatus.COMPLETED
        and completed
        and completed + BULK_RESULT_LIFETIME <= dt.datetime.now(dt.UTC)
    ):
        status, result_url = ShopifyBulkStatus.EXPIRED, ""
    has_file = status == ShopifyBulkStatus.COMPLETED and operation.object_count > 0
    return {
        "__typename": "BulkOperation",
        "id": gid("BulkOperation", operation.pk),
        "status": status,
        "type": "QUERY",
        "errorCode": operation.error_code or None,
        "objectCount": str(operation.object_count),
        "rootObjectCount": str(operation.root_object_count),
        "fileSize": str(operation.result_size) if has_file else None,
        "url": result_url if has_file else None,
        "partialDataUrl": None,
        "query": operation.query,
        "createdAt": iso(operation.created_at),
        "completedAt": iso(operation.completed_at),
    }


def webhook_subscription_node(subscription: ShopifyWebhookSubscription) -> dict[str, Any]:
    return {
        "__typename": "WebhookSubscription",
        "id": gid("WebhookSubscription", subscription.pk),
        "topic": subscription.topic,
        "uri": subscription.uri,
        "format": subscription.format,
        "apiVersion": subscription.api_version,
        "createdAt": iso(subscription.created_at),
        "updatedAt": iso(subscription.updated_at),
    }
