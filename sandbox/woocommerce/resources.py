"""The REST v3 JSON of the sandbox WooCommerce resources, as ``GET /wp-json/wc/v3/<resource>s/<id>`` answers it.

Webhook bodies are the same JSON (WooCommerce builds them with the REST controllers), so the views and the
deliveries share these functions. Prices and totals are decimal strings with the currency's decimals; a line's
``price`` and the cost of goods are JSON numbers, as in WooCommerce. ``date_*`` are the site's local time and
``date_*_gmt`` UTC, both ISO 8601 without an offset.
"""

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from platforms.constants import currency_exponent
from sandbox.models import (
    WooCustomer,
    WooOrder,
    WooProduct,
    WooProductType,
    WooRefund,
    WooSite,
    WooWebhook,
)

WOOCOMMERCE_VERSION = "9.4.2"
WORDPRESS_VERSION = "6.7.1"
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "$", "AUD": "$"}


def home_url(site: WooSite) -> str:
    """The site's home URL, without a trailing slash: the hub builds ``{home}/wp-json/wc/v3/...`` from it."""
    return f"{settings.SANDBOX_BASE_URL.rstrip('/')}/woocommerce/{site.handle}"


def money(amount_minor: int, currency: str) -> str:
    """``amount_minor`` as WooCommerce's decimal string: 2999 USD is "29.99", 500 JPY is "500"."""
    exponent = currency_exponent(currency)
    value = Decimal(amount_minor).scaleb(-exponent)
    return f"{value:.{exponent}f}"


def money_number(amount_minor: int, currency: str) -> float | int:
    """The JSON number WooCommerce gives for a line's price and the cost of goods (only the JSON edge is float)."""
    exponent = currency_exponent(currency)
    if exponent == 0:
        return amount_minor
    return float(Decimal(amount_minor).scaleb(-exponent))


def optional_money(amount_minor: int | None, currency: str) -> str:
    return "" if amount_minor is None else money(amount_minor, currency)


def local_and_gmt(value: dt.datetime | None, site: WooSite) -> tuple[str | None, str | None]:
    """(site-local, GMT) ISO strings without offsets, as WooCommerce sends ``date_x`` and ``date_x_gmt``."""
    if value is None:
        return None, None
    local = value.astimezone(ZoneInfo(site.timezone_string)).replace(tzinfo=None, microsecond=0)
    gmt = value.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    return local.isoformat(), gmt.isoformat()


def _dates(prefix: str, value: dt.datetime | None, site: WooSite) -> dict[str, str | None]:
    local, gmt = local_and_gmt(value, site)
    return {prefix: local, f"{prefix}_gmt": gmt}


def _price_fields(product: WooProduct, currency: str) -> dict[str, Any]:
    regular = product.regular_price_minor
    sale = product.sale_price_minor
    current = sale if sale is not None else regular
    return {
        "price": optional_money(current, currency),
        "regular_price": optional_money(regular, currency),
        "sale_price": optional_money(sale, currency),
        "on_sale": sale is not None,
        "purchasable": current is not None,
    }


def _stock_fields(product: WooProduct) -> dict[str, Any]:
    in_stock = not product.manage_stock or (product.stock_quantity or 0) > 0
    return {
        "manage_stock": product.manage_stock,
        "stock_quantity": product.stock_quantity if product.manage_stock else None,
        "stock_status": "instock" if in_stock else "outofstock",
    }


def _cogs(product: WooProduct, currency: str) -> dict[str, Any]:
    """Core WooCommerce's cost of goods block (CogsAwareRestControllerTrait), present only when a cost is set."""
    if product.cost_minor is None:
        return {}
    value = money_number(product.cost_minor, currency)
    block: dict[str, Any] = {"values": [{"defined_value": value, "effective_value": value}], "total_value": value}
    if product.type == WooProductType.VARIATION:
        block["defined_value_is_additive"] = False
    return {"cost_of_goods_sold": block}


def _images(product: WooProduct) -> list[dict[str, Any]]:
    return [
        {"id": product.pk * 100 + index, "src": src, "name": product.name, "alt": ""}
        for index, src in enumerate(product.images, start=1)
    ]


def product_permalink(product: WooProduct, site: WooSite) -> str:
    return f"{home_url(site)}/product/{product.slug}/"


def product_json(product: WooProduct, site: WooSite, *, variation_ids: list[int] | None = None) -> dict[str, Any]:
    """A simple or variable product; ``variation_ids`` are a variable product's variations (looked up if None)."""
    if variation_ids is None:
        variation_ids = sorted(variation.pk for variation in product.variations.all())
    return {
        "id": product.pk,
        "name": product.name,
        "slug": product.slug,
        "permalink": product_permalink(product, site),
        **_dates("date_created", product.date_created_gmt, site),
        **_dates("date_modified", product.date_modified_gmt, site),
        "type": product.type,
        "status": product.status,
        "featured": False,
        "catalog_visibility": "visible",
        "description": product.description,
        "short_description": "",
        "sku": product.sku,
        **_price_fields(product, site.currency),
        **_stock_fields(product),
        "categories": [
            {"id": index, "name": name, "slug": name.lower().replace(" ", "-")}
            for index, name in enumerate(product.categories, start=15)
        ],
        "tags": [],
        "images": _images(product),
        "attributes": [],
        "variations": variation_ids if product.type == WooProductType.VARIABLE else [],
        "parent_id": 0,
        "meta_data": [],
        **_cogs(product, site.currency),
    }


def variation_json(variation: WooProduct, site: WooSite) -> dict[str, Any]:
    images = _images(variation)
    return {
        "id": variation.pk,
        **_dates("date_created", variation.date_created_gmt, site),
        **_dates("date_modified", variation.date_modified_gmt, site),
        "description": variation.description,
        "permalink": f"{home_url(site)}/product/{variation.slug}/",
        "sku": variation.sku,
        **_price_fields(variation, site.currency),
        "status": variation.status,
        **_stock_fields(variation),
        "image": images[0] if images else None,
        "attributes": [
            {"id": 0, "name": attribute.get("name", ""), "option": attribute.get("option", "")}
            for attribute in variation.attributes
        ],
        "parent_id": variation.parent_id or 0,
        "meta_data": [],
        **_cogs(variation, site.currency),
    }


def customer_json(customer: WooCustomer, site: WooSite) -> dict[str, Any]:
    return {
        "id": customer.pk,
        **_dates("date_created", customer.date_created_gmt, site),
        **_dates("date_modified", customer.date_modified_gmt, site),
        "email": customer.email,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "role": "customer",
        "username": customer.email.split("@")[0],
        "billing": {"first_name": customer.first_name, "last_name": customer.last_name, "email": customer.email},
        "shipping": {"first_name": customer.first_name, "last_name": customer.last_name},
        "is_paying_customer": True,
        "avatar_url": "",
        "meta_data": [],
    }


def refund_line_id(refund_id: int, index: int) -> int:
    """A refund's own line item ids: distinct from each other and from the order's line ids (those are far below)."""
    return 10**9 + refund_id * 100 + index


def refund_json(refund: WooRefund, order: WooOrder) -> dict[str, Any]:
    site, currency = order.site, order.currency
    lines_by_id = {line.pk: line for line in order.lines.all()}
    line_items = []
    for index, item in enumerate(refund.line_items, start=1):
        line = lines_by_id.get(item["line_id"])
        if line is None:
            continue
        line_items.append(
            {
                "id": refund_line_id(refund.pk, index),
                "name": line.name,
                "product_id": line.product_id or 0,
                "variation_id": line.variation_id or 0,
                "quantity": -int(item["quantity"]),
                "tax_class": "",
                "subtotal": money(-int(item["amount_minor"]), currency),
                "subtotal_tax": money(0, currency),
                "total": money(-int(item["amount_minor"]), currency),
                "total_tax": money(0, currency),
                "taxes": [],
                "meta_data": [{"id": 0, "key": "_refunded_item_id", "value": str(line.pk)}],
                "sku": line.sku,
                "price": -money_number(line.price_minor, currency),
            }
        )
    return {
        "id": refund.pk,
        **_dates("date_created", refund.date_created_gmt, site),
        "amount": money(refund.amount_minor, currency),
        "reason": refund.reason,
        "refunded_by": 1,
        "refunded_payment": False,
        "meta_data": [],
        "line_items": line_items,
    }


def order_json(order: WooOrder) -> dict[str, Any]:
    """The order as WooCommerce's REST v3 answers it. Reads ``order.lines``, ``order.refunds`` and ``order.site``:
    prefetch them for lists."""
    site, currency = order.site, order.currency
    email = order.billing_email
    customer = order.customer
    first_name = customer.first_name if customer else ""
    last_name = customer.last_name if customer else ""
    is_paid = order.date_paid_gmt is not None
    return {
        "id": order.pk,
        "parent_id": 0,
        "status": order.status,
        "currency": currency,
        "version": WOOCOMMERCE_VERSION,
        "prices_include_tax": False,
        **_dates("date_created", order.date_created_gmt, site),
        **_dates("date_modified", order.date_modified_gmt, site),
        "discount_total": money(order.discount_total_minor, currency),
        "discount_tax": money(0, currency),
        "shipping_total": money(order.shipping_total_minor, currency),
        "shipping_tax": money(0, currency),
        "cart_tax": money(order.total_tax_minor, currency),
        "total": money(order.total_minor, currency),
        "total_tax": money(order.total_tax_minor, currency),
        "customer_id": order.customer_id or 0,
        "order_key": f"wc_order_{order.pk:013d}",
        "billing": {"first_name": first_name, "last_name": last_name, "email": email},
        "shipping": {"first_name": first_name, "last_name": last_name},
        "payment_method": "stripe" if is_paid else "",
        "payment_method_title": "Credit card" if is_paid else "",
        "transaction_id": f"ch_{order.pk:024d}" if is_paid else "",
        "created_via": "checkout",
        "customer_note": "",
        **_dates("date_paid", order.date_paid_gmt, site),
        **_dates("date_completed", None, site),
        "number": order.number,
        "meta_data": order.meta_data,
        "line_items": [
            {
                "id": line.pk,
                "name": line.name,
                "product_id": line.product_id or 0,
                "variation_id": line.variation_id or 0,
                "quantity": line.quantity,
                "tax_class": "",
                "subtotal": money(line.subtotal_minor, currency),
                "subtotal_tax": money(0, currency),
                "total": money(line.total_minor, currency),
                "total_tax": money(0, currency),
                "taxes": [],
                "meta_data": [],
                "sku": line.sku,
                "price": money_number(line.price_minor, currency),
            }
            for line in order.lines.all()
        ],
        "tax_lines": [],
        "shipping_lines": [
            {
                "id": order.pk * 10 + 1,
                "method_title": "Flat rate",
                "method_id": "flat_rate",
                "total": money(order.shipping_total_minor, currency),
                "total_tax": money(0, currency),
            }
        ]
        if order.shipping_total_minor
        else [],
        "fee_lines": [],
        "coupon_lines": [
            {
                "id": order.pk * 10 + 2 + index,
                "code": coupon["code"],
                "discount": money(int(coupon["discount_minor"]), currency),
                "discount_tax": money(0, currency),
            }
            for index, coupon in enumerate(order.coupon_lines)
        ],
        "refunds": [
            {"id": refund.pk, "reason": refund.reason, "total": money(-refund.amount_minor, currency)}
            for refund in sorted(order.refunds.all(), key=lambda refund: -refund.pk)
        ],
        "currency_symbol": CURRENCY_SYMBOLS.get(currency, currency),
    }


def webhook_resource_event(topic: str) -> tuple[str, str]:
    """``order.updated`` is resource ``order``, event ``updated``; ``action.<hook>`` is resource ``action``."""
    resource, _, event = topic.partition(".")
    return resource, event


def webhook_json(webhook: WooWebhook) -> dict[str, Any]:
    """A webhook as the REST API lists it. Its secret stays out: it was chosen by whoever created the webhook."""
    resource, event = webhook_resource_event(webhook.topic)
    return {
        "id": webhook.pk,
        "name": webhook.name,
        "status": webhook.status,
        "topic": webhook.topic,
        "resource": resource,
        "event": event,
        "hooks": [f"woocommerce_{resource}_{event}"],
        "delivery_url": webhook.delivery_url,
        **_dates("date_created", webhook.date_created_gmt, webhook.site),
        **_dates("date_modified", webhook.date_modified_gmt, webhook.site),
    }
