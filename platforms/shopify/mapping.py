"""Shopify's shapes into store records: Admin GraphQL nodes (sync and bulk JSONL) and REST-shaped webhook bodies.

Every ``external_id`` is the GraphQL GID (``gid://shopify/Order/123``), also for a webhook body (its
``admin_graphql_api_id``, or a GID built from a numeric id), so a webhook and a sync name the same object. Money
strings are read exactly (Decimal) into minor units of the shop's currency. A missing required field (an id, a
time, the currency, the total) or a malformed amount raises ``Rejected``; optional fields may be missing.

Docs: https://shopify.dev/docs/api/admin-graphql/latest/objects/Order (and Product, ProductVariant, Customer,
Refund, LineItem, CustomerJourneySummary, Shop); REST webhook bodies: https://shopify.dev/docs/api/admin-rest/latest/
resources/order, .../refund, .../product, .../inventorylevel, https://shopify.dev/docs/apps/build/compliance/
privacy-law-compliance (compliance webhooks).
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from platforms.constants import SHOPIFY, currency_exponent
from platforms.errors import Rejected
from platforms.shopify.graphql import connection_nodes
from platforms.store_records import (
    ORDER_CANCELLED,
    ORDER_PAID,
    ORDER_PARTIALLY_REFUNDED,
    ORDER_PENDING,
    ORDER_REFUNDED,
    PRODUCT_ACTIVE,
    PRODUCT_ARCHIVED,
    PRODUCT_DRAFT,
    CustomerRecord,
    OrderLineRecord,
    OrderRecord,
    ProductRecord,
    RefundLineRecord,
    RefundRecord,
    ShopRecord,
    VariantRecord,
)

GID_PREFIX = "gid://shopify/"

# Shopify's financial status (GraphQL enum, lower-cased REST word) onto the hub's ORDER_*.
FINANCIAL_STATUSES = {
    "pending": ORDER_PENDING,
    "authorized": ORDER_PENDING,
    "partially_paid": ORDER_PENDING,
    "paid": ORDER_PAID,
    "partially_refunded": ORDER_PARTIALLY_REFUNDED,
    "refunded": ORDER_REFUNDED,
    "voided": ORDER_CANCELLED,
    "expired": ORDER_CANCELLED,  # an authorization that lapsed: no money moved
}
PRODUCT_STATUSES = {
    "active": PRODUCT_ACTIVE,
    "unlisted": PRODUCT_ACTIVE,  # on sale through its link, only hidden from the store's search and collections
    "draft": PRODUCT_DRAFT,
    "archived": PRODUCT_ARCHIVED,
}
UTM_KEYS = ("source", "medium", "campaign", "content", "term")


def rejected(message: str) -> Rejected:
    return Rejected(message, platform=SHOPIFY)


# -- scalars -------------------------------------------------------------------------------------------------------


def money_minor(amount: Any, currency: str) -> int:
    """``amount`` (Shopify's decimal string, or a JSON number of a REST body) in minor units of ``currency``, exactly:
    "19.99" USD → 1999, "1500" JPY → 1500, "1.234" KWD → 1234. Raises Rejected for anything else (text, NaN, more
    decimals than the currency has)."""
    if isinstance(amount, bool) or amount is None:
        raise rejected(f"Shopify sent an amount that is not a number: {amount!r}.")
    try:
        value = Decimal(str(amount).strip())
    except InvalidOperation as exc:
        raise rejected(f"Shopify sent an amount that is not a number: {str(amount)[:40]!r}.") from exc
    if not value.is_finite():
        raise rejected(f"Shopify sent an amount that is not a number: {str(amount)[:40]!r}.")
    minor = value.scaleb(currency_exponent(currency))
    if minor != minor.to_integral_value():
        raise rejected(f"Shopify sent {amount!r} {currency}, finer than the currency's smallest unit.")
    return int(minor)


def optional_money(amount: Any, currency: str) -> int | None:
    return None if amount in (None, "") else money_minor(amount, currency)


def parse_time(value: Any, *, field: str) -> dt.datetime:
    """An aware UTC datetime from Shopify's ISO 8601 text (``Z`` or an offset). Raises Rejected when missing."""
    moment = optional_time(value, field=field)
    if moment is None:
        raise rejected(f"Shopify sent no {field}.")
    return moment


def optional_time(value: Any, *, field: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise rejected(f"Shopify sent an unreadable {field}: {str(value)[:40]!r}.") from exc
    if moment.tzinfo is None:
        raise rejected(f"Shopify sent a {field} without a time zone.")
    return moment.astimezone(dt.UTC)


def gid(kind: str, value: Any) -> str:
    """``gid://shopify/<kind>/<id>`` for a numeric id (a GID is kept as it is; "" for no id)."""
    if value in (None, ""):
        return ""
    text = str(value)
    return text if text.startswith(GID_PREFIX) else f"{GID_PREFIX}{kind}/{text}"


def required_gid(body: Mapping[str, Any], kind: str) -> str:
    external_id = str(body.get("admin_graphql_api_id") or "") or gid(kind, body.get("id"))
    if not external_id:
        raise rejected(f"Shopify sent a {kind.lower()} without an id.")
    return external_id


def _node_id(node: Mapping[str, Any], kind: str) -> str:
    external_id = node.get("id")
    if not external_id:
        raise rejected(f"Shopify sent a {kind.lower()} without an id.")
    return gid(kind, external_id)


def shop_money(money_set: Any) -> tuple[Any, str]:
    """(amount, currency) of a MoneyBag's ``shopMoney`` (GraphQL) or ``shop_money`` (REST)."""
    if not isinstance(money_set, dict):
        return None, ""
    money = money_set.get("shopMoney") or money_set.get("shop_money") or {}
    return money.get("amount"), str(money.get("currencyCode") or money.get("currency_code") or "")


def set_minor(money_set: Any, currency: str) -> int:
    amount, _ = shop_money(money_set)
    return 0 if amount in (None, "") else money_minor(amount, currency)


def financial_status(status: Any, *, cancelled: bool) -> str:
    if cancelled:
        return ORDER_CANCELLED
    return FINANCIAL_STATUSES.get(str(status or "").lower(), ORDER_PENDING)


def as_text(value: Any) -> str:
    return "" if value is None else str(value)


def as_int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


# -- GraphQL nodes -------------------------------------------------------------------------------------------------


def shop_record(node: Mapping[str, Any]) -> ShopRecord:
    currency = as_text(node.get("currencyCode"))
    domain = as_text(node.get("myshopifyDomain"))
    if not currency or not domain:
        raise rejected("Shopify described the shop without its domain or currency.")
    primary = node.get("primaryDomain") or {}
    return ShopRecord(
        external_id=_node_id(node, "Shop"),
        name=as_text(node.get("name")),
        domain=domain,
        currency=currency,
        timezone=as_text(node.get("ianaTimezone")) or "UTC",
        primary_domain_url=as_text(primary.get("url")),
    )


def variant_record(node: Mapping[str, Any], currency: str) -> VariantRecord:
    item = node.get("inventoryItem") or {}
    cost_amount, cost_currency = shop_money({"shopMoney": item.get("unitCost") or {}})
    tracked = item.get("tracked", True)
    quantity = node.get("inventoryQuantity")
    return VariantRecord(
        external_id=_node_id(node, "ProductVariant"),
        title=as_text(node.get("title")),
        sku=as_text(node.get("sku")),
        price_minor=money_minor(node.get("price"), currency),
        inventory_quantity=as_int(quantity) if tracked is not False and quantity is not None else None,
        unit_cost_minor=optional_money(cost_amount, cost_currency or currency),
        inventory_item_id=gid("InventoryItem", item.get("id")),
        compare_at_price_minor=optional_money(node.get("compareAtPrice"), currency),
    )


def product_record(node: Mapping[str, Any], currency: str) -> ProductRecord:
    """A Product node with ``variants`` and ``featuredMedia``, priced in the shop's ``currency``."""
    media = node.get("featuredMedia") or {}
    image = ((media.get("preview") or {}).get("image") or {}).get("url")
    tags = node.get("tags") or []
    return ProductRecord(
        external_id=_node_id(node, "Product"),
        title=as_text(node.get("title")),
        status=PRODUCT_STATUSES.get(as_text(node.get("status")).lower(), PRODUCT_DRAFT),
        currency=currency,
        updated_at=parse_time(node.get("updatedAt"), field="product update time"),
        handle=as_text(node.get("handle")),
        description=as_text(node.get("description")),
        url=as_text(node.get("onlineStoreUrl")),
        image_url=as_text(image),
        tags=tuple(str(tag) for tag in tags) if isinstance(tags, list) else (),
        category=as_text(node.get("productType")),
        variants=tuple(variant_record(v, currency) for v in connection_nodes(node.get("variants"))),
    )


def customer_record(node: Mapping[str, Any]) -> CustomerRecord:
    email = node.get("defaultEmailAddress") or {}
    name = " ".join(part for part in (as_text(node.get("firstName")), as_text(node.get("lastName"))) if part)
    created = parse_time(node.get("createdAt"), field="customer creation time")
    return CustomerRecord(
        external_id=_node_id(node, "Customer"),
        created_at=created,
        updated_at=optional_time(node.get("updatedAt"), field="customer update time") or created,
        email=as_text(email.get("emailAddress")),
        name=name,
        accepts_marketing=as_text(email.get("marketingState")).upper() == "SUBSCRIBED",
    )


def _order_customer(node: Any, *, created_at: dt.datetime, updated_at: dt.datetime) -> CustomerRecord | None:
    """The order's customer: the order's own times stand in for the customer's when the order query omits them."""
    if not isinstance(node, dict) or not node.get("id"):
        return None
    return customer_record({"createdAt": created_at.isoformat(), "updatedAt": updated_at.isoformat(), **node})


def line_record(node: Mapping[str, Any], currency: str) -> OrderLineRecord:
    quantity = as_int(node.get("quantity"))
    unit_price = set_minor(node.get("originalUnitPriceSet"), currency)
    discounted_amount, _ = shop_money(node.get("discountedTotalSet"))
    discount = 0
    if discounted_amount not in (None, ""):
        discount = max(0, unit_price * quantity - money_minor(discounted_amount, currency))
    return OrderLineRecord(
        external_id=_node_id(node, "LineItem"),
        title=as_text(node.get("name") or node.get("title")),
        quantity=quantity,
        unit_price_minor=unit_price,
        sku=as_text(node.get("sku")),
        product_external_id=gid("Product", (node.get("product") or {}).get("id")),
        variant_external_id=gid("ProductVariant", (node.get("variant") or {}).get("id")),
        discount_minor=discount,
    )


def refund_record(node: Mapping[str, Any], currency: str) -> RefundRecord:
    lines = []
    for refund_line in connection_nodes(node.get("refundLineItems")):
        line = refund_line.get("lineItem") or {}
        lines.append(
            RefundLineRecord(
                line_external_id=gid("LineItem", line.get("id")),
                quantity=as_int(refund_line.get("quantity")),
                amount_minor=set_minor(refund_line.get("subtotalSet"), currency),
            )
        )
    return RefundRecord(
        external_id=_node_id(node, "Refund"),
        created_at=parse_time(node.get("createdAt"), field="refund time"),
        amount_minor=set_minor(node.get("totalRefundedSet"), currency),
        reason=as_text(node.get("note")),
        lines=tuple(lines),
    )


def _journey(summary: Any) -> tuple[dict[str, str], str, str, bool]:
    """(utm without the "utm_" prefix, landing page, referrer, ready) of the visit that brought the order: the last
    visit, else the first."""
    if not isinstance(summary, dict):
        return {}, "", "", False
    visit = summary.get("lastVisit") or summary.get("firstVisit") or {}
    parameters = visit.get("utmParameters") or {}
    utm = {key: str(parameters[key]) for key in UTM_KEYS if parameters.get(key)}
    return utm, as_text(visit.get("landingPage")), as_text(visit.get("referrerUrl")), bool(summary.get("ready"))


def order_record(node: Mapping[str, Any], *, lines: Iterable[Mapping[str, Any]] | None = None) -> OrderRecord:
    """An Order node (paged query or a bulk JSONL line). ``lines`` are its LineItem nodes when they came apart from
    it (bulk children); otherwise they are read from the node's ``lineItems`` connection."""
    external_id = _node_id(node, "Order")
    total_amount, total_currency = shop_money(node.get("totalPriceSet"))
    currency = total_currency or as_text(node.get("currencyCode"))
    if not currency:
        raise rejected(f"Shopify sent order {external_id} without its currency.")
    if total_amount in (None, ""):
        raise rejected(f"Shopify sent order {external_id} without its total.")
    created = parse_time(node.get("createdAt"), field="order creation time")
    updated = parse_time(node.get("updatedAt"), field="order update time")
    cancelled = optional_time(node.get("cancelledAt"), field="order cancel time")
    utm, landing, referrer, ready = _journey(node.get("customerJourneySummary"))
    attributes = {
        str(a["key"]): as_text(a.get("value"))
        for a in node.get("customAttributes") or []
        if isinstance(a, dict) and a.get("key")
    }
    line_nodes = list(lines) if lines is not None else list(connection_nodes(node.get("lineItems")))
    refunds = node.get("refunds") or []
    refund_nodes = refunds if isinstance(refunds, list) else list(connection_nodes(refunds))
    return OrderRecord(
        external_id=external_id,
        created_at=created,
        updated_at=updated,
        currency=currency,
        financial_status=financial_status(node.get("displayFinancialStatus"), cancelled=cancelled is not None),
        total_minor=money_minor(total_amount, currency),
        name=as_text(node.get("name")),
        subtotal_minor=set_minor(node.get("subtotalPriceSet"), currency),
        discount_minor=set_minor(node.get("totalDiscountsSet"), currency),
        shipping_minor=set_minor(node.get("totalShippingPriceSet"), currency),
        tax_minor=set_minor(node.get("totalTaxSet"), currency),
        refunded_minor=set_minor(node.get("totalRefundedSet"), currency),
        processed_at=optional_time(node.get("processedAt"), field="order processing time"),
        cancelled_at=cancelled,
        test=bool(node.get("test")),
        discount_codes=tuple(str(code) for code in node.get("discountCodes") or []),
        attributes=attributes,
        landing_url=landing,
        referrer=referrer,
        utm=utm,
        journey_ready=ready,
        customer=_order_customer(node.get("customer"), created_at=created, updated_at=updated),
        lines=tuple(line_record(line, currency) for line in line_nodes),
        refunds=tuple(refund_record(refund, currency) for refund in refund_nodes if isinstance(refund, dict)),
    )


# -- REST-shaped webhook bodies ------------------------------------------------------------------------------------
