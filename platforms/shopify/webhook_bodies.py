"""Shopify's REST-shaped webhook bodies into store records (orders, refunds, products, inventory levels, customers).

A webhook body names objects by numeric id and ``admin_graphql_api_id``; every record here carries the GID, as the
GraphQL sync does (``mapping``), so a webhook and a sync name the same object.

Docs: https://shopify.dev/docs/api/admin-rest/latest/resources/order, .../refund, .../product, .../inventorylevel.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from platforms.shopify.mapping import (
    PRODUCT_STATUSES,
    UTM_KEYS,
    as_int,
    as_text,
    financial_status,
    gid,
    money_minor,
    optional_money,
    optional_time,
    parse_time,
    rejected,
    required_gid,
    set_minor,
    shop_money,
)
from platforms.store_records import (
    PRODUCT_DRAFT,
    CustomerRecord,
    InventoryRecord,
    OrderLineRecord,
    OrderRecord,
    ProductRecord,
    RefundLineRecord,
    RefundRecord,
    VariantRecord,
)


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
        if as_text(transaction.get("kind")).lower() == "refund" and as_text(transaction.get("status")).lower() in (
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
        _, currency = shop_money(line.get("subtotal_set") if isinstance(line, dict) else None)
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
        raise rejected("Shopify sent a refund without its currency.")
    lines = []
    for line in refund_lines:
        amount, _ = shop_money(line.get("subtotal_set"))
        if amount in (None, ""):
            amount = line.get("subtotal")
        lines.append(
            RefundLineRecord(
                line_external_id=gid("LineItem", line.get("line_item_id")),
                quantity=as_int(line.get("quantity")),
                amount_minor=0 if amount in (None, "") else money_minor(amount, currency),
            )
        )
    return RefundRecord(
        external_id=required_gid(body, "Refund"),
        created_at=parse_time(body.get("created_at"), field="refund time"),
        amount_minor=_successful_refund_amount(transactions, currency),
        reason=as_text(body.get("note")),
        lines=tuple(lines),
    )


def customer_from_webhook(body: Any, *, created_at: dt.datetime, updated_at: dt.datetime) -> CustomerRecord | None:
    if not isinstance(body, dict) or not (body.get("admin_graphql_api_id") or body.get("id")):
        return None
    consent = body.get("email_marketing_consent") or {}
    name = " ".join(part for part in (as_text(body.get("first_name")), as_text(body.get("last_name"))) if part)
    return CustomerRecord(
        external_id=required_gid(body, "Customer"),
        created_at=optional_time(body.get("created_at"), field="customer creation time") or created_at,
        updated_at=optional_time(body.get("updated_at"), field="customer update time") or updated_at,
        email=as_text(body.get("email")),
        name=name,
        accepts_marketing=as_text(consent.get("state")).lower() == "subscribed"
        or body.get("accepts_marketing") is True,
    )


def _webhook_line(body: Mapping[str, Any], currency: str) -> OrderLineRecord:
    return OrderLineRecord(
        external_id=required_gid(body, "LineItem"),
        title=as_text(body.get("name") or body.get("title")),
        quantity=as_int(body.get("quantity")),
        unit_price_minor=money_minor(body.get("price") or "0", currency),
        sku=as_text(body.get("sku")),
        product_external_id=gid("Product", body.get("product_id")),
        variant_external_id=gid("ProductVariant", body.get("variant_id")),
        discount_minor=optional_money(body.get("total_discount"), currency) or 0,
    )


def order_from_webhook(body: Mapping[str, Any]) -> OrderRecord:
    """An orders/create|updated|paid|cancelled body. The customer journey is GraphQL-only, so the utm come from
    ``landing_site`` and ``journey_ready`` is False: a sync reads the journey later."""
    external_id = required_gid(body, "Order")
    currency = as_text(body.get("currency"))
    if not currency:
        raise rejected(f"Shopify sent order {external_id} without its currency.")
    if body.get("total_price") in (None, ""):
        raise rejected(f"Shopify sent order {external_id} without its total.")
    created = parse_time(body.get("created_at"), field="order creation time")
    updated = parse_time(body.get("updated_at"), field="order update time")
    cancelled = optional_time(body.get("cancelled_at"), field="order cancel time")
    refunds = tuple(
        refund_from_webhook(refund, currency=currency)
        for refund in body.get("refunds") or []
        if isinstance(refund, dict)
    )
    landing = as_text(body.get("landing_site"))
    attributes = {
        str(a["name"]): as_text(a.get("value"))
        for a in body.get("note_attributes") or []
        if isinstance(a, dict) and a.get("name")
    }
    codes = tuple(
        as_text(c.get("code")) for c in body.get("discount_codes") or [] if isinstance(c, dict) and c.get("code")
    )
    return OrderRecord(
        external_id=external_id,
        created_at=created,
        updated_at=updated,
        currency=currency,
        financial_status=financial_status(body.get("financial_status"), cancelled=cancelled is not None),
        total_minor=money_minor(body.get("total_price"), currency),
        name=as_text(body.get("name")),
        subtotal_minor=optional_money(body.get("subtotal_price"), currency) or 0,
        discount_minor=optional_money(body.get("total_discounts"), currency) or 0,
        shipping_minor=set_minor(body.get("total_shipping_price_set"), currency),
        tax_minor=optional_money(body.get("total_tax"), currency) or 0,
        refunded_minor=sum(refund.amount_minor for refund in refunds),
        processed_at=optional_time(body.get("processed_at"), field="order processing time"),
        cancelled_at=cancelled,
        test=bool(body.get("test")),
        discount_codes=codes,
        attributes=attributes,
        landing_url=landing,
        referrer=as_text(body.get("referring_site")),
        utm=_utm_from_url(landing),
        journey_ready=False,
        customer=customer_from_webhook(body.get("customer"), created_at=created, updated_at=updated),
        lines=tuple(_webhook_line(line, currency) for line in body.get("line_items") or [] if isinstance(line, dict)),
        refunds=refunds,
    )


def product_from_webhook(body: Mapping[str, Any], *, currency: str) -> ProductRecord:
    """A products/create|update body. REST product bodies carry no currency: ``currency`` is the shop's."""
    external_id = required_gid(body, "Product")
    if not currency:
        raise rejected(f"Product {external_id} cannot be priced without the shop's currency.")
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
                external_id=required_gid(variant, "ProductVariant"),
                title=as_text(variant.get("title")),
                sku=as_text(variant.get("sku")),
                price_minor=money_minor(variant.get("price"), currency),
                inventory_quantity=as_int(quantity) if tracked and quantity is not None else None,
                unit_cost_minor=None,
                inventory_item_id=gid("InventoryItem", variant.get("inventory_item_id")),
                compare_at_price_minor=optional_money(variant.get("compare_at_price"), currency),
            )
        )
    return ProductRecord(
        external_id=external_id,
        title=as_text(body.get("title")),
        status=PRODUCT_STATUSES.get(as_text(body.get("status")).lower(), PRODUCT_DRAFT),
        currency=currency,
        updated_at=parse_time(body.get("updated_at"), field="product update time"),
        handle=as_text(body.get("handle")),
        description=as_text(body.get("body_html")),
        image_url=as_text(image.get("src")) if isinstance(image, dict) else "",
        tags=tuple(tag.strip() for tag in str(tags).split(",") if tag.strip()) if isinstance(tags, str) else (),
        category=as_text(body.get("product_type")),
        variants=tuple(variants),
    )


def inventory_from_webhook(body: Mapping[str, Any]) -> InventoryRecord:
    """An inventory_levels/update body ``{inventory_item_id, location_id, available, updated_at}``."""
    item = gid("InventoryItem", body.get("inventory_item_id"))
    if not item:
        raise rejected("Shopify sent a stock change without its inventory item.")
    return InventoryRecord(
        inventory_item_id=item,
        available=as_int(body.get("available")),
        updated_at=parse_time(body.get("updated_at"), field="stock update time"),
    )


def order_gids(values: Any) -> tuple[str, ...]:
    """The order GIDs of a compliance body's ``orders_requested`` / ``orders_to_redact`` (numeric ids)."""
    return tuple(gid("Order", value) for value in values or [] if value not in (None, ""))
