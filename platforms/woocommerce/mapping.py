"""WooCommerce's REST v3 JSON (what the API lists and what its webhooks deliver) into store records.

Every ``external_id`` is WooCommerce's numeric id as a string. Prices and totals are decimal strings in the store's
currency, read exactly (Decimal) into minor units; the cost of goods (``cost_of_goods_sold``) and a line's ``price``
are JSON numbers. Times are read from the ``*_gmt`` fields, ISO 8601 without an offset, which are UTC. A missing
required field (an id, a modified time, a total) or a malformed amount raises ``Rejected``.

A simple product becomes one product with one variant of the same id; a variable product's variations are its
variants. A line of a simple product names that product as its variant, so its cost is found the same way.

Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/ (Products, Product variations, Customers, Orders,
Refunds), ``CogsAwareRestControllerTrait.php`` (cost of goods), WooCommerce Order Attribution (8.5+) order meta.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from platforms.constants import WOOCOMMERCE, currency_exponent
from platforms.errors import Rejected
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
    VariantRecord,
)

# WooCommerce's order statuses onto what the money did (paid once processing or completed).
ORDER_STATUSES = {
    "pending": ORDER_PENDING,  # awaiting payment
    "on-hold": ORDER_PENDING,  # awaiting a bank transfer or a manual check
    "checkout-draft": ORDER_PENDING,  # a block checkout not yet placed
    "processing": ORDER_PAID,
    "completed": ORDER_PAID,
    "refunded": ORDER_REFUNDED,
    "cancelled": ORDER_CANCELLED,
    "failed": ORDER_CANCELLED,  # the payment failed: no money moved
    "trash": ORDER_CANCELLED,
}
PRODUCT_STATUSES = {
    "publish": PRODUCT_ACTIVE,
    "future": PRODUCT_DRAFT,  # scheduled, not on sale yet
    "draft": PRODUCT_DRAFT,
    "pending": PRODUCT_DRAFT,  # awaiting review
    "private": PRODUCT_DRAFT,  # visible to the shop's staff only
    "trash": PRODUCT_ARCHIVED,
}
# Order Attribution's meta keys (WooCommerce 8.5+): the journey of the order's visit.
ATTRIBUTION_PREFIX = "_wc_order_attribution_"
UTM_KEYS = ("source", "medium", "campaign", "content", "term")
LANDING_KEY = ATTRIBUTION_PREFIX + "session_entry"
REFERRER_KEY = ATTRIBUTION_PREFIX + "referrer"
# The visitor id a storefront's Growth Hub snippet puts on the order, and the attribute name the hub reads it from
# (stores.commerce.ingest.VISITOR_ATTRIBUTE, the same a Shopify cart attribute carries).
VISITOR_META_KEYS = ("_gh_visitor", "_growthhub_visitor_id")
VISITOR_ATTRIBUTE = "_gh_visitor"
META_VALUE_MAX = 2000
DESCRIPTION_MAX = 20000


def rejected(message: str) -> Rejected:
    return Rejected(message, platform=WOOCOMMERCE)


# -- scalars -------------------------------------------------------------------------------------------------------


def _decimal(amount: Any) -> Decimal:
    if isinstance(amount, bool) or amount is None:
        raise rejected(f"WooCommerce sent an amount that is not a number: {amount!r}.")
    try:
        value = Decimal(str(amount).strip())
    except InvalidOperation as exc:
        raise rejected(f"WooCommerce sent an amount that is not a number: {str(amount)[:40]!r}.") from exc
    if not value.is_finite():
        raise rejected(f"WooCommerce sent an amount that is not a number: {str(amount)[:40]!r}.")
    return value


def money_minor(amount: Any, currency: str) -> int:
    """A decimal string ("19.99", "1500", "-5.00") in minor units of ``currency``, exactly; Rejected for text, NaN
    or more decimals than the currency has. "" (WooCommerce's empty price) is 0."""
    if amount == "":
        return 0
    minor = _decimal(amount).scaleb(currency_exponent(currency))
    if minor != minor.to_integral_value():
        raise rejected(f"WooCommerce sent {str(amount)[:40]!r} {currency}, finer than the currency's smallest unit.")
    return int(minor)


def optional_money(amount: Any, currency: str) -> int | None:
    return None if amount in (None, "") else money_minor(amount, currency)


def number_minor(amount: Any, currency: str) -> int:
    """A JSON number (the cost of goods, a line's price) in minor units, rounded half to even: a float's shortest
    text ("12.35") is what was typed, so the rounding only matters for a value finer than the currency."""
    minor = _decimal(amount).scaleb(currency_exponent(currency))
    return int(minor.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def optional_time(value: Any, *, field: str) -> dt.datetime | None:
    """A ``*_gmt`` time (UTC without an offset; an offset is honoured if present) as an aware UTC datetime."""
    if value in (None, ""):
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise rejected(f"WooCommerce sent an unreadable {field}: {str(value)[:40]!r}.") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def parse_time(value: Any, *, field: str) -> dt.datetime:
    moment = optional_time(value, field=field)
    if moment is None:
        raise rejected(f"WooCommerce sent no {field}.")
    return moment


def object_id(body: Mapping[str, Any], what: str) -> str:
    """The object's numeric id as text; Rejected when it is missing or not a positive integer."""
    value = body.get("id")
    if isinstance(value, bool) or not str(value or "").isdigit() or int(str(value)) <= 0:
        raise rejected(f"WooCommerce sent a {what} without an id.")
    return str(int(str(value)))


def _reference(value: Any) -> str:
    """A referenced id (``product_id``, ``variation_id``, ``customer_id``): "" for 0 or none."""
    text = str(value or "").strip()
    return text if text.isdigit() and int(text) > 0 else ""


def json_object(body: Mapping[str, Any], key: str) -> dict[str, Any]:
    """``body[key]`` when it is a JSON object, else {}."""
    value = body.get(key)
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _updated(body: Mapping[str, Any], what: str) -> dt.datetime:
    return parse_time(body.get("date_modified_gmt") or body.get("date_created_gmt"), field=f"{what} modified time")


# -- catalogue -----------------------------------------------------------------------------------------------------


def _cost(body: Mapping[str, Any], currency: str) -> int | None:
    cogs = body.get("cost_of_goods_sold")
    if not isinstance(cogs, dict) or cogs.get("total_value") in (None, ""):
        return None
    return number_minor(cogs["total_value"], currency)


def _stock(body: Mapping[str, Any]) -> int | None:
    if not body.get("manage_stock"):
        return None
    quantity = body.get("stock_quantity")
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        return None
    return quantity


def variant_record(body: Mapping[str, Any], currency: str, *, title: str = "") -> VariantRecord:
    """A variation, or a simple product as its own single variant. ``compare_at`` is the regular price while on
    sale (``price`` is then the sale price)."""
    price = money_minor(body.get("price") or body.get("regular_price") or "", currency)
    regular = optional_money(body.get("regular_price"), currency)
    attributes = [
        _text(a.get("option")) for a in body.get("attributes") or [] if isinstance(a, dict) and a.get("option")
    ]
    return VariantRecord(
        external_id=object_id(body, "product variation"),
        title=title or " / ".join(attributes) or _text(body.get("name")),
        sku=_text(body.get("sku")),
        price_minor=price,
        inventory_quantity=_stock(body),
        unit_cost_minor=_cost(body, currency),
        compare_at_price_minor=regular if regular is not None and regular > price else None,
    )


def product_record(
    body: Mapping[str, Any], currency: str, *, variations: Iterable[Mapping[str, Any]] = ()
) -> ProductRecord:
    """A product with its variants: ``variations`` (the ``/products/<id>/variations`` answers) for a variable
    product, the product itself for any other type. ``currency`` is the store's (a product carries none)."""
    if not currency:
        raise rejected("A WooCommerce product cannot be read without the store's currency.")
    external_id = object_id(body, "product")
    status = PRODUCT_STATUSES.get(_text(body.get("status")))
    if status is None:
        raise rejected(f"WooCommerce sent product {external_id} with an unknown status {body.get('status')!r}.")
    if body.get("type") == "variable":
        variants = tuple(variant_record(v, currency) for v in variations)
    else:
        variants = (variant_record(body, currency, title=_text(body.get("name"))),)
    images = [i for i in body.get("images") or [] if isinstance(i, dict) and i.get("src")]
    categories = [c for c in body.get("categories") or [] if isinstance(c, dict) and c.get("name")]
    tags = tuple(_text(t.get("name")) for t in body.get("tags") or [] if isinstance(t, dict) and t.get("name"))
    return ProductRecord(
        external_id=external_id,
        title=_text(body.get("name"))[:200] or f"Product {external_id}",
        status=status,
        currency=currency,
        updated_at=_updated(body, "product"),
        handle=_text(body.get("slug")),
        description=_text(body.get("description"))[:DESCRIPTION_MAX],
        url=_text(body.get("permalink")),
        image_url=_text(images[0]["src"]) if images else "",
        tags=tags,
        category=_text(categories[0]["name"]) if categories else "",
        variants=variants,
    )


def customer_record(body: Mapping[str, Any]) -> CustomerRecord:
    created = parse_time(body.get("date_created_gmt"), field="customer creation time")
    billing = json_object(body, "billing")
    name = " ".join(p for p in (_text(body.get("first_name")), _text(body.get("last_name"))) if p)
    return CustomerRecord(
        external_id=object_id(body, "customer"),
        created_at=created,
        updated_at=optional_time(body.get("date_modified_gmt"), field="customer modified time") or created,
        email=_text(body.get("email")) or _text(billing.get("email")),
        name=name,
    )


# -- orders --------------------------------------------------------------------------------------------------------


def _meta(body: Mapping[str, Any]) -> dict[str, str]:
    """The order's meta_data as key → text (scalar values only; a key listed twice keeps its last value)."""
    found: dict[str, str] = {}
    for item in body.get("meta_data") or []:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            continue
        value = item.get("value")
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            found[item["key"]] = str(value)[:META_VALUE_MAX]
    return found


def _attributes(meta: Mapping[str, str]) -> dict[str, str]:
    """What a storefront put on the order (its own meta, not WooCommerce's internal ``_`` keys, not the journey),
    with the Growth Hub visitor id under the hub's attribute name."""
    attributes = {key: value for key, value in meta.items() if not key.startswith("_")}
    visitor = next((meta[key] for key in VISITOR_META_KEYS if meta.get(key)), "")
    if visitor:
        attributes[VISITOR_ATTRIBUTE] = visitor
    return attributes


def _line_record(line: Mapping[str, Any], currency: str) -> OrderLineRecord:
    external_id = object_id(line, "order line")
    quantity = line.get("quantity")
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise rejected(f"WooCommerce sent order line {external_id} without a whole quantity.")
    subtotal = money_minor(line.get("subtotal") or "0", currency)
    total = money_minor(line.get("total") or "0", currency)
    if quantity > 0 and subtotal % quantity == 0:
        unit = subtotal // quantity
    else:
        unit = number_minor(line.get("price") or 0, currency)
    product = _reference(line.get("product_id"))
    return OrderLineRecord(
        external_id=external_id,
        title=_text(line.get("name"))[:255],
        quantity=quantity,
        unit_price_minor=unit,
        sku=_text(line.get("sku")),
        product_external_id=product,
        variant_external_id=_reference(line.get("variation_id")) or product,
        discount_minor=max(0, subtotal - total),
    )


def refund_record(body: Mapping[str, Any], currency: str) -> RefundRecord:
    """A refund of ``/orders/<id>/refunds``: its amount is positive, its lines' quantities and totals negative."""
    external_id = object_id(body, "refund")
    lines = []
    for item in body.get("line_items") or []:
        if not isinstance(item, dict):
            continue
        refunded_line = _meta(item).get("_refunded_item_id", "")
        if not refunded_line.isdigit():
            continue
        raw_quantity = item.get("quantity")
        quantity = raw_quantity if isinstance(raw_quantity, int) else 0
        lines.append(
            RefundLineRecord(
                line_external_id=refunded_line,
                quantity=abs(quantity),
                amount_minor=abs(money_minor(item.get("total") or "0", currency)),
            )
        )
    return RefundRecord(
        external_id=external_id,
        created_at=parse_time(body.get("date_created_gmt"), field="refund time"),
        amount_minor=abs(money_minor(body.get("amount") or "0", currency)),
        reason=_text(body.get("reason"))[:500],
        lines=tuple(lines),
    )


def _summary_refunds(body: Mapping[str, Any], currency: str, moment: dt.datetime) -> tuple[RefundRecord, ...]:
    """The order's own ``refunds`` summary ({id, reason, total}), which has no times: each is dated ``moment``,
    the order's last change (the refund's own time for the newest; the next sync reads the exact ones)."""
    refunds = []
    for item in body.get("refunds") or []:
        if isinstance(item, dict):
            refunds.append(
                RefundRecord(
                    external_id=object_id(item, "refund"),
                    created_at=moment,
                    amount_minor=abs(money_minor(item.get("total") or "0", currency)),
                    reason=_text(item.get("reason"))[:500],
                )
            )
    return tuple(refunds)


def _customer(body: Mapping[str, Any], created: dt.datetime, updated: dt.datetime) -> CustomerRecord | None:
    """The registered customer who placed it (a guest checkout, ``customer_id`` 0, has none)."""
    customer_id = _reference(body.get("customer_id"))
    if not customer_id:
        return None
    billing = json_object(body, "billing")
    name = " ".join(p for p in (_text(billing.get("first_name")), _text(billing.get("last_name"))) if p)
    return CustomerRecord(
        external_id=customer_id, created_at=created, updated_at=updated, email=_text(billing.get("email")), name=name
    )


def order_record(body: Mapping[str, Any], *, refunds: Iterable[Mapping[str, Any]] | None = None) -> OrderRecord:
    """An order. ``refunds`` are its ``/orders/<id>/refunds`` answers when they were read (exact times and lines);
    without them the order's own refund summary is used (a webhook body)."""
    external_id = object_id(body, "order")
    currency = _text(body.get("currency")).upper()
    if not currency:
        raise rejected(f"WooCommerce sent order {external_id} without its currency.")
    if body.get("total") in (None, ""):
        raise rejected(f"WooCommerce sent order {external_id} without its total.")
    status = ORDER_STATUSES.get(_text(body.get("status")))
    if status is None:
        raise rejected(f"WooCommerce sent order {external_id} with an unknown status {body.get('status')!r}.")
    created = parse_time(body.get("date_created_gmt"), field="order creation time")
    updated = optional_time(body.get("date_modified_gmt"), field="order modified time") or created
    total = money_minor(body["total"], currency)
    lines = tuple(_line_record(line, currency) for line in body.get("line_items") or [] if isinstance(line, dict))
    if refunds is None:
        refund_records = _summary_refunds(body, currency, updated)
    else:
        refund_records = tuple(refund_record(r, currency) for r in refunds if isinstance(r, dict))
    refunded = sum(r.amount_minor for r in refund_records)
    if status == ORDER_PAID and refunded:
        status = ORDER_REFUNDED if refunded >= total else ORDER_PARTIALLY_REFUNDED
    meta = _meta(body)
    utm = {
        key: meta[f"{ATTRIBUTION_PREFIX}utm_{key}"] for key in UTM_KEYS if meta.get(f"{ATTRIBUTION_PREFIX}utm_{key}")
    }
    codes = tuple(
        _text(c.get("code"))[:255] for c in body.get("coupon_lines") or [] if isinstance(c, dict) and c.get("code")
    )
    return OrderRecord(
        external_id=external_id,
        created_at=created,
        updated_at=updated,
        currency=currency,
        financial_status=status,
        total_minor=total,
        name=f"#{_text(str(body.get('number') or external_id))}"[:64],
        subtotal_minor=sum(
            money_minor(line.get("total") or "0", currency)
            for line in body.get("line_items") or []
            if isinstance(line, dict)
        ),
        discount_minor=money_minor(body.get("discount_total") or "0", currency),
        shipping_minor=money_minor(body.get("shipping_total") or "0", currency),
        tax_minor=money_minor(body.get("total_tax") or "0", currency),
        refunded_minor=refunded,
        processed_at=optional_time(body.get("date_paid_gmt"), field="order payment time"),
        cancelled_at=updated if _text(body.get("status")) == "cancelled" else None,
        discount_codes=codes,
        attributes=_attributes(meta),
        landing_url=meta.get(LANDING_KEY, ""),
        referrer=meta.get(REFERRER_KEY, ""),
        utm=utm,
        customer=_customer(body, created, updated),
        lines=lines,
        refunds=refund_records,
    )
