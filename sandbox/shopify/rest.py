"""Sandbox Shopify rows as the REST resources webhooks carry (Admin REST 2026-10 order and refund shapes).

Docs: https://shopify.dev/docs/api/admin-rest/latest/resources/order and .../refund. Ids are numbers next to their
``admin_graphql_api_id``; money is decimal strings, except a refund line's ``subtotal`` and ``total_tax`` (numbers);
times are in the shop's zone with their offset.
"""

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sandbox.models import ShopifyCustomer, ShopifyOrder, ShopifyProduct, ShopifyRefund, ShopifyShop, ShopifyVariant
from sandbox.shopify.nodes import amount, gid


def _local(moment: dt.datetime | None, shop: ShopifyShop) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(shop.iana_timezone)).isoformat(timespec="seconds")


def _set(minor: int, currency: str) -> dict[str, dict[str, str]]:
    money = {"amount": amount(minor, currency), "currency_code": currency}
    return {"shop_money": money, "presentment_money": dict(money)}


def shop_json(shop: ShopifyShop) -> dict[str, Any]:
    """The REST shop resource an app/uninstalled delivery carries."""
    return {
        "id": shop.pk,
        "name": shop.name,
        "email": f"owner@{shop.domain}",
        "domain": (shop.primary_domain or f"https://{shop.domain}").split("://", 1)[-1],
        "myshopify_domain": shop.domain,
        "currency": shop.currency,
        "iana_timezone": shop.iana_timezone,
        "created_at": _local(shop.created_at, shop),
    }


def customer_json(customer: ShopifyCustomer, shop: ShopifyShop) -> dict[str, Any]:
    return {
        "id": customer.pk,
        "admin_graphql_api_id": gid("Customer", customer.pk),
        "email": customer.email,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "created_at": _local(customer.created_at, shop),
        "updated_at": _local(customer.updated_at, shop),
        "email_marketing_consent": {"state": customer.marketing_state.lower(), "opt_in_level": "single_opt_in"},
    }


def refund_json(refund: ShopifyRefund, shop: ShopifyShop) -> dict[str, Any]:
    currency = shop.currency
    return {
        "id": refund.pk,
        "admin_graphql_api_id": gid("Refund", refund.pk),
        "order_id": refund.order_id,
        "created_at": _local(refund.created_at, shop),
        "processed_at": _local(refund.created_at, shop),
        "note": refund.note or None,
        "restock": bool(refund.lines.all()),
        "user_id": None,
        "refund_line_items": [
            {
                "id": line.pk,
                "line_item_id": line.line_id,
                "quantity": line.quantity,
                "restock_type": "return",
                "subtotal": float(Decimal(amount(line.subtotal_minor, currency))),
                "total_tax": 0.0,
                "subtotal_set": _set(line.subtotal_minor, currency),
            }
            for line in refund.lines.all()
        ],
        "transactions": [
            {
                "id": refund.pk,
                "admin_graphql_api_id": gid("OrderTransaction", refund.pk),
                "kind": "refund",
                "status": "success",
                "amount": amount(refund.amount_minor, currency),
                "currency": currency,
                "created_at": _local(refund.created_at, shop),
            }
        ],
        "order_adjustments": [],
        "duties": [],
    }


def order_json(order: ShopifyOrder, shop: ShopifyShop) -> dict[str, Any]:
    currency = order.currency
    landing = order.landing_page or ""
    if landing.startswith("http"):
        landing = "/" + landing.split("://", 1)[1].partition("/")[2]
    financial = order.financial_status.lower()
    return {
        "id": order.pk,
        "admin_graphql_api_id": gid("Order", order.pk),
        "name": f"#{order.number}",
        "order_number": order.number,
        "created_at": _local(order.created_at, shop),
        "processed_at": _local(order.processed_at, shop),
        "updated_at": _local(order.updated_at, shop),
        "cancelled_at": _local(order.cancelled_at, shop),
        "currency": currency,
        "presentment_currency": currency,
        "financial_status": financial,
        "test": order.test,
        "total_price": amount(order.total_minor, currency),
        "current_total_price": amount(
            max(0, order.total_minor - sum(r.amount_minor for r in order.refunds.all())), currency
        ),
        "subtotal_price": amount(order.subtotal_minor, currency),
        "total_discounts": amount(order.total_discounts_minor, currency),
        "total_tax": amount(order.tax_minor, currency),
        "total_shipping_price_set": _set(order.shipping_minor, currency),
        "discount_codes": [
            {"code": code, "amount": amount(order.total_discounts_minor, currency), "type": "percentage"}
            for code in order.discount_codes or []
        ],
        "landing_site": landing or None,
        "referring_site": order.referrer_url or None,
        "source_name": "web",
        "note": order.note or None,
        "note_attributes": [{"name": a.get("key"), "value": a.get("value")} for a in order.custom_attributes or []],
        "customer": customer_json(order.customer, shop) if order.customer else None,
        "line_items": [
            {
                "id": line.pk,
                "admin_graphql_api_id": gid("LineItem", line.pk),
                "name": line.name,
                "title": line.name.split(" - ", 1)[0],
                "sku": line.sku or None,
                "quantity": line.quantity,
                "price": amount(line.unit_price_minor, currency),
                "price_set": _set(line.unit_price_minor, currency),
                "total_discount": amount(line.discount_minor, currency),
                "product_id": line.product_id,
                "variant_id": line.variant_id,
            }
            for line in sorted(order.lines.all(), key=lambda li: li.pk)
        ],
        "refunds": [refund_json(refund, shop) for refund in order.refunds.all()],
    }


# The one location the sandbox shops stock everything at.
LOCATION_ID = 1


def inventory_level_json(variant: ShopifyVariant, shop: ShopifyShop, moment: dt.datetime) -> dict[str, Any]:
    """An inventory_levels/update body: the variant's inventory item at the shop's location."""
    return {
        "inventory_item_id": variant.pk,
        "location_id": LOCATION_ID,
        "available": variant.inventory_quantity,
        "updated_at": _local(moment, shop),
        "admin_graphql_api_id": f"gid://shopify/InventoryLevel/{LOCATION_ID}?inventory_item_id={variant.pk}",
    }


def product_json(product: ShopifyProduct, shop: ShopifyShop) -> dict[str, Any]:
    """A products/create|update body: REST prices carry no currency (they are the shop's)."""
    image = {"src": product.image_url} if product.image_url else None
    return {
        "id": product.pk,
        "admin_graphql_api_id": gid("Product", product.pk),
        "title": product.title,
        "handle": product.handle,
        "status": product.status.lower(),
        "body_html": f"<p>{product.description}</p>" if product.description else "",
        "product_type": product.product_type,
        "tags": ", ".join(product.tags),
        "created_at": _local(product.created_at, shop),
        "updated_at": _local(product.updated_at, shop),
        "image": image,
        "images": [image] if image else [],
        "variants": [
            {
                "id": variant.pk,
                "admin_graphql_api_id": gid("ProductVariant", variant.pk),
                "product_id": product.pk,
                "title": variant.title,
                "sku": variant.sku,
                "position": variant.position,
                "price": amount(variant.price_minor, shop.currency),
                "compare_at_price": (
                    None
                    if variant.compare_at_price_minor is None
                    else amount(variant.compare_at_price_minor, shop.currency)
                ),
                "inventory_quantity": variant.inventory_quantity,
                "inventory_item_id": variant.pk,
                "inventory_management": "shopify" if variant.tracked else None,
            }
            for variant in sorted(product.variants.all(), key=lambda v: (v.position, v.pk))
        ],
    }
