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
from urllib.parse import parse_qsl, urlsplit

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
    InventoryRecord,
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


def _rejected(message: str) -> Rejected:
    return Rejected(message, platform=SHOPIFY)


# -- scalars -------------------------------------------------------------------------------------------------------


def money_minor(amount: Any, currency: str) -> int:
    """``amount`` (Shopify's decimal string, or a JSON number of a REST body) in minor units of ``currency``, exactly:
    "19.99" USD → 1999, "1500" JPY → 1500, "1.234" KWD → 1234. Raises Rejected for anything else (text, NaN, more
    decimals than the currency has)."""
    if isinstance(amount, bool) or amount is None:
        raise _rejected(f"Shopify sent an amount that is not a number: {amount!r}.")
    try:
        value = Decimal(str(amount).strip())
    except InvalidOperation as exc:
        raise _rejected(f"Shopify sent an amount that is not a number: {str(amount)[:40]!r}.") from exc
    if not value.is_finite():
        raise _rejected(f"Shopify sent an amount that is not a number: {str(amount)[:40]!r}.")
    minor = value.scaleb(currency_exponent(currency))
    if minor != minor.to_integral_value():
        raise _rejected(f"Shopify sent {amount!r} {currency}, finer than the currency's smallest unit.")
    return int(minor)


def _optional_money(amount: Any, currency: str) -> int | None:
    return None if amount in (None, "") else money_minor(amount, currency)


def parse_time(value: Any, *, field: str) -> dt.datetime:
    """An aware UTC datetime from Shopify's ISO 8601 text (``Z`` or an offset). Raises Rejected when missing."""
    moment = _optional_time(value, field=field)
    if moment is None:
        raise _rejected(f"Shopify sent no {field}.")
    return moment


def _optional_time(value: Any, *, field: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise _rejected(f"Shopify sent an unreadable {field}: {str(value)[:40]!r}.") from exc
    if moment.tzinfo is None:
        raise _rejected(f"Shopify sent a {field} without a time zone.")
    return moment.astimezone(dt.UTC)


def gid(kind: str, value: Any) -> str:
    """``gid://shopify/<kind>/<id>`` for a numeric id (a GID is kept as it is; "" for no id)."""
    if value in (None, ""):
        return ""
    text = str(value)
    return text if text.startswith(GID_PREFIX) else f"{GID_PREFIX}{kind}/{text}"


def _required_gid(body: Mapping[str, Any], kind: str) -> str:
    external_id = str(body.get("admin_graphql_api_id") or "") or gid(kind, body.get("id"))
    if not external_id:
        raise _rejected(f"Shopify sent a {kind.lower()} without an id.")
    return external_id


def _node_id(node: Mapping[str, Any], kind: str) -> str:
    external_id = node.get("id")
    if not external_id:
        raise _rejected(f"Shopify sent a {kind.lower()} without an id.")
    return gid(kind, external_id)


def _shop_money(money_set: Any) -> tuple[Any, str]:
    """(amount, currency) of a MoneyBag's ``shopMoney`` (GraphQL) or ``shop_money`` (REST)."""
    if not isinstance(money_set, dict):
        return None, ""
    money = money_set.get("shopMoney") or money_set.get("shop_money") or {}
    return money.get("amount"), str(money.get("currencyCode") or money.get("currency_code") or "")


def _set_minor(money_set: Any, currency: str) -> int:
    amount, _ = _shop_money(money_set)
    return 0 if amount in (None, "") else money_minor(amount, currency)


def financial_status(status: Any, *, cancelled: bool) -> str:
    if cancelled:
        return ORDER_CANCELLED
    return FINANCIAL_STATUSES.get(str(status or "").lower(), ORDER_PENDING)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


# -- GraphQL nodes -------------------------------------------------------------------------------------------------


def shop_record(node: Mapping[str, Any]) -> ShopRecord:
    currency = _text(node.get("currencyCode"))
    domain = _text(node.get("myshopifyDomain"))
    if not currency or not domain:
        raise _rejected("Shopify described the shop without its domain or currency.")
    primary = node.get("primaryDomain") or {}
    return ShopRecord(
        external_id=_node_id(node, "Shop"),
        name=_text(node.get("name")),
        domain=domain,
        currency=currency,
        timezone=_text(node.get("ianaTimezone")) or "UTC",
        primary_domain_url=_text(primary.get("url")),
    )


def variant_record(node: Mapping[str, Any], currency: str) -> VariantRecord:
    item = node.get("inventoryItem") or {}
    cost_amount, cost_currency = _shop_money({"shopMoney": item.get("unitCost") or {}})
    tracked = item.get("tracked", True)
    quantity = node.get("inventoryQuantity")
    return VariantRecord(
        external_id=_node_id(node, "ProductVariant"),
        title=_text(node.get("title")),
        sku=_text(node.get("sku")),
        price_minor=money_minor(node.get("price"), currency),
        inventory_quantity=_int(quantity) if tracked is not False and quantity is not None else None,
        unit_cost_minor=_optional_money(cost_amount, cost_currency or currency),
        inventory_item_id=gid("InventoryItem", item.get("id")),
        compare_at_price_minor=_optional_money(node.get("compareAtPrice"), currency),
    )


def product_record(node: Mapping[str, Any], currency: str) -> ProductRecord:
    """A Product node with ``variants`` and ``featuredMedia``, priced in the shop's ``currency``."""
    media = node.get("featuredMedia") or {}
    image = ((media.get("preview") or {}).get("image") or {}).get("url")
    tags = node.get("tags") or []
    return ProductRecord(
        external_id=_node_id(node, "Product"),
        title=_text(node.get("title")),
        status=PRODUCT_STATUSES.get(_text(node.get("status")).lower(), PRODUCT_DRAFT),
        currency=currency,
        updated_at=parse_time(node.get("updatedAt"), field="product update time"),
        handle=_text(node.get("handle")),
        description=_text(node.get("description")),
        url=_text(node.get("onlineStoreUrl")),
        image_url=_text(image),
        tags=tuple(str(tag) for tag in tags) if isinstance(tags, list) else (),
        category=_text(node.get("productType")),
        variants=tuple(variant_record(v, currency) for v in connection_nodes(node.get("variants"))),
    )


def customer_record(node: Mapping[str, Any]) -> CustomerRecord:
    email = node.get("defaultEmailAddress") or {}
    name = " ".join(part for part in (_text(node.get("firstName")), _text(node.get("lastName"))) if part)
    created = parse_time(node.get("createdAt"), field="customer creation time")
    return CustomerRecord(
        external_id=_node_id(node, "Customer"),
        created_at=created,
        updated_at=_optional_time(node.get("updatedAt"), field="customer update time") or created,
        email=_text(email.get("emailAddress")),
        name=name,
        accepts_marketing=_text(email.get("marketingState")).upper() == "SUBSCRIBED",
    )


def _order_customer(node: Any, *, created_at: dt.datetime, updated_at: dt.datetime) -> CustomerRecord | None:
    """The order's customer: the order's own times stand in for the customer's when the order query omits them."""
    if not isinstance(node, dict) or not node.get("id"):
        return None
    return customer_record({"createdAt": created_at.isoformat(), "updatedAt": updated_at.isoformat(), **node})


def line_record(node: Mapping[str, Any], currency: str) -> OrderLineRecord:
    quantity = _int(node.get("quantity"))
    unit_price = _set_minor(node.get("originalUnitPriceSet"), currency)
    discounted_amount, _ = _shop_money(node.get("discountedTotalSet"))
    discount = 0
    if discounted_amount not in (None, ""):
        discount = max(0, unit_price * quantity - money_minor(discounted_amount, currency))
    return OrderLineRecord(
        external_id=_node_id(node, "LineItem"),
        title=_text(node.get("name") or node.get("title")),
        quantity=quantity,
        unit_price_minor=unit_price,
        sku=_text(node.get("sku")),
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
                quantity=_int(refund_line.get("quantity")),
                amount_minor=_set_minor(refund_line.get("subtotalSet"), currency),
            )
        )
    return RefundRecord(
        external_id=_node_id(node, "Refund"),
        created_at=parse_time(node.get("createdAt"), field="refund time"),
        amount_minor=_set_minor(node.get("totalRefundedSet"), currency),
        reason=_text(node.get("note")),
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
    return utm, _text(visit.get("landingPage")), _text(visit.get("referrerUrl")), bool(summary.get("ready"))


def order_record(node: Mapping[str, Any], *, lines: Iterable[Mapping[str, Any]] | None = None) -> OrderRecord:
    """An Order node (paged query or a bulk JSONL line). ``lines`` are its LineItem nodes when they came apart from
    it (bulk children); otherwise they are read from the node's ``lineItems`` connection."""
    external_id = _node_id(node, "Order")
    total_amount, total_currency = _shop_money(node.get("totalPriceSet"))
    currency = total_currency or _text(node.get("currencyCode"))
    if not currency:
        raise _rejected(f"Shopify sent order {external_id} without its currency.")
    if total_amount in (None, ""):
        raise _rejected(f"Shopify sent order {external_id} without its total.")
    created = parse_time(node.get("createdAt"), field="order creation time")
    updated = parse_time(node.get("updatedAt"), field="order update time")
    cancelled = _optional_time(node.get("cancelledAt"), field="order cancel time")
    utm, landing, referrer, ready = _journey(node.get("customerJourneySummary"))
    attributes = {
        str(a["key"]): _text(a.get("value"))
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
        name=_text(node.get("name")),
        subtotal_minor=_set_minor(node.get("subtotalPriceSet"), currency),
        discount_minor=_set_minor(node.get("totalDiscountsSet"), currency),
        shipping_minor=_set_minor(node.get("totalShippingPriceSet"), currency),
        tax_minor=_set_minor(node.get("totalTaxSet"), currency),
        refunded_minor=_set_minor(node.get("totalRefundedSet"), currency),
        processed_at=_optional_time(node.get("processedAt"), field="order processing time"),
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


def _utm_from_url(url: str) -> dict[str, str]:
    """utm_* of a landing URL's query (a relative path like ``/products/x?utm_source=tiktok`` too), prefix dropped."""
    try:
        query = urlsplit(url).query
    except ValueError:
        return {}
    utm = {}
    for name, value in parse_qsl(query):
        key = name.lower().removeprefix("utm_")
        if name.lower().startswith("utm_") and key in UTM_KEYS and value:
            utm[key] = value
    return utm


def _successful_refund_amount(transactions: Any, currency: str) -> int:
    """The money a refund returned: its successful ``refund`` transactions."""
    total = 0
    for transaction in transactions or []:
        if not isinstance(transaction, dict):
            continue
        if _text(transaction.get("kind")).lower() == "refund" and _text(transaction.get("status")).lower() in (
            "success",
            "",
        ):
            total += money_minor(transaction.get("amount"), currency)
    return total


def _refund_currency(body: Mapping[str, Any]) -> str:
    for transaction in body.get("transactions") or []:
        if isinstance(transaction, dict) and transaction.get("currency"):
            return str(transaction["currency"])
    for line in body.get("refund_line_items") or []:
        _, currency = _shop_money(line.get("subtotal_set") if isinstance(line, dict) else None)
        if currency:
            return currency
    return ""


def refund_from_webhook(body: Mapping[str, Any], *, currency: str = "") -> RefundRecord:
    """A REST refund (refunds/create, or one of an order body's ``refunds``). Its currency comes from the order, or
    from its own transactions and line amounts."""
    currency = currency or _refund_currency(body)
    transactions = body.get("transactions") or []
    refund_lines = [line for line in body.get("refund_line_items") or [] if isinstance(line, dict)]
    if not currency and (transactions or refund_lines):
        raise _rejected("Shopify sent a refund without its currency.")
    lines = []
    for line in refund_lines:
        amount, _ = _shop_money(line.get("subtotal_set"))
        if amount in (None, ""):
            amount = line.get("subtotal")
        lines.append(
            RefundLineRecord(
                line_external_id=gid("LineItem", line.get("line_item_id")),
                quantity=_int(line.get("quantity")),
                amount_minor=0 if amount in (None, "") else money_minor(amount, currency),
            )
        )
    return RefundRecord(
        external_id=_required_gid(body, "Refund"),
        created_at=parse_time(body.get("created_at"), field="refund time"),
        amount_minor=_successful_refund_amount(transactions, currency),
        reason=_text(body.get("note")),
        lines=tuple(lines),
    )


def customer_from_webhook(body: Any, *, created_at: dt.datetime, updated_at: dt.datetime) -> CustomerRecord | None:
    if not isinstance(body, dict) or not (body.get("admin_graphql_api_id") or body.get("id")):
        return None
    consent = body.get("email_marketing_consent") or {}
    name = " ".join(part for part in (_text(body.get("first_name")), _text(body.get("last_name"))) if part)
    return CustomerRecord(
        external_id=_required_gid(body, "Customer"),
        created_at=_optional_time(body.get("created_at"), field="customer creation time") or created_at,
        updated_at=_optional_time(body.get("updated_at"), field="customer update time") or updated_at,
        email=_text(body.get("email")),
        name=name,
        accepts_marketing=_text(consent.get("state")).lower() == "subscribed" or body.get("accepts_marketing") is True,
    )


def _webhook_line(body: Mapping[str, Any], currency: str) -> OrderLineRecord:
    return OrderLineRecord(
        external_id=_required_gid(body, "LineItem"),
        title=_text(body.get("name") or body.get("title")),
        quantity=_int(body.get("quantity")),
        unit_price_minor=money_minor(body.get("price") or "0", currency),
        sku=_text(body.get("sku")),
        product_external_id=gid("Product", body.get("product_id")),
        variant_external_id=gid("ProductVariant", body.get("variant_id")),
        discount_minor=_optional_money(body.get("total_discount"), currency) or 0,
    )


def order_from_webhook(body: Mapping[str, Any]) -> OrderRecord:
    """An orders/create|updated|paid|cancelled body. The customer journey is GraphQL-only, so the utm come from
    ``landing_site`` and ``journey_ready`` is False: a sync reads the journey later."""
    external_id = _required_gid(body, "Order")
    currency = _text(body.get("currency"))
    if not currency:
        raise _rejected(f"Shopify sent order {external_id} without its currency.")
    if body.get("total_price") in (None, ""):
        raise _rejected(f"Shopify sent order {external_id} without its total.")
    created = parse_time(body.get("created_at"), field="order creation time")
    updated = parse_time(body.get("updated_at"), field="order update time")
    cancelled = _optional_time(body.get("cancelled_at"), field="order cancel time")
    refunds = tuple(
        refund_from_webhook(refund, currency=currency)
        for refund in body.get("refunds") or []
        if isinstance(refund, dict)
    )
    landing = _text(body.get("landing_site"))
    attributes = {
        str(a["name"]): _text(a.get("value"))
        for a in body.get("note_attributes") or []
        if isinstance(a, dict) and a.get("name")
    }
    codes = tuple(
        _text(c.get("code")) for c in body.get("discount_codes") or [] if isinstance(c, dict) and c.get("code")
    )
    return OrderRecord(
        external_id=external_id,
        created_at=created,
        updated_at=updated,
        currency=currency,
        financial_status=financial_status(body.get("financial_status"), cancelled=cancelled is not None),
        total_minor=money_minor(body.get("total_price"), currency),
        name=_text(body.get("name")),
        subtotal_minor=_optional_money(body.get("subtotal_price"), currency) or 0,
        discount_minor=_optional_money(body.get("total_discounts"), currency) or 0,
        shipping_minor=_set_minor(body.get("total_shipping_price_set"), currency),
        tax_minor=_optional_money(body.get("total_tax"), currency) or 0,
        refunded_minor=sum(refund.amount_minor for refund in refunds),
        processed_at=_optional_time(body.get("processed_at"), field="order processing time"),
        cancelled_at=cancelled,
        test=bool(body.get("test")),
        discount_codes=codes,
        attributes=attributes,
        landing_url=landing,
        referrer=_text(body.get("referring_site")),
        utm=_utm_from_url(landing),
        journey_ready=False,
        customer=customer_from_webhook(body.get("customer"), created_at=created, updated_at=updated),
        lines=tuple(_webhook_line(line, currency) for line in body.get("line_items") or [] if isinstance(line, dict)),
        refunds=refunds,
    )


def product_from_webhook(body: Mapping[str, Any], *, currency: str) -> ProductRecord:
    """A products/create|update body. REST product bodies carry no currency: ``currency`` is the shop's."""
    external_id = _required_gid(body, "Product")
    if not currency:
        raise _rejected(f"Product {external_id} cannot be priced without the shop's currency.")
    image = body.get("image") or next(iter(body.get("images") or []), None) or {}
    tags = body.get("tags") or ""
    variants = []
    for variant in body.get("variants") or []:
        if not isinstance(variant, dict):
            continue
        tracked = bool(variant.get("inventory_management")) or "inventory_management" not in variant
        quantity = variant.get("inventory_quantity")
        variants.append(
            VariantRecord(
                external_id=_required_gid(variant, "ProductVariant"),
                title=_text(variant.get("title")),
                sku=_text(variant.get("sku")),
                price_minor=money_minor(variant.get("price"), currency),
                inventory_quantity=_int(quantity) if tracked and quantity is not None else None,
                unit_cost_minor=None,
                inventory_item_id=gid("InventoryItem", variant.get("inventory_item_id")),
                compare_at_price_minor=_optional_money(variant.get("compare_at_price"), currency),
            )
        )
    return ProductRecord(
        external_id=external_id,
        title=_text(body.get("title")),
        status=PRODUCT_STATUSES.get(_text(body.get("status")).lower(), PRODUCT_DRAFT),
        currency=currency,
        updated_at=parse_time(body.get("updated_at"), field="product update time"),
        handle=_text(body.get("handle")),
        description=_text(body.get("body_html")),
        image_url=_text(image.get("src")) if isinstance(image, dict) else "",
        tags=tuple(tag.strip() for tag in str(tags).split(",") if tag.strip()) if isinstance(tags, str) else (),
        category=_text(body.get("product_type")),
        variants=tuple(variants),
    )


def inventory_from_webhook(body: Mapping[str, Any]) -> InventoryRecord:
    """An inventory_levels/update body ``{inventory_item_id, location_id, available, updated_at}``."""
    item = gid("InventoryItem", body.get("inventory_item_id"))
    if not item:
        raise _rejected("Shopify sent a stock change without its inventory item.")
    return InventoryRecord(
        inventory_item_id=item,
        available=_int(body.get("available")),
        updated_at=parse_time(body.get("updated_at"), field="stock update time"),
    )


def order_gids(values: Any) -> tuple[str, ...]:
    """The order GIDs of a compliance body's ``orders_requested`` / ``orders_to_redact`` (numeric ids)."""
    return tuple(gid("Order", value) for value in values or [] if value not in (None, ""))
