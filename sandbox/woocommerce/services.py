"""Changes to the sandbox WooCommerce sites: sites, webhooks, orders placed, refunds, product edits.

Each change is one transaction; the webhooks of its topic are delivered synchronously once it has committed (a
rolled-back change delivers nothing), each delivery isolated from the others, as WooCommerce's own synchronous
delivery does. Amounts are minor units of the site's currency.
"""

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.text import slugify

from sandbox.models import (
    WooCustomer,
    WooOrder,
    WooOrderLine,
    WooOrderStatus,
    WooProduct,
    WooProductType,
    WooRefund,
    WooSite,
    WooWebhook,
    WooWebhookStatus,
)
from sandbox.woocommerce.resources import order_json, product_json
from sandbox.woocommerce.webhooks import topic_deliver, webhook_ping

WEBHOOK_RESOURCES = ("order", "product", "customer", "coupon")
WEBHOOK_EVENTS = ("created", "updated", "deleted", "restored")
PRODUCT_CHANGE_FIELDS = frozenset(
    {"name", "status", "regular_price_minor", "sale_price_minor", "stock_quantity", "cost_minor", "description"}
)
# Order Attribution (WooCommerce 8.5+) meta keys, and the visitor id Growth Hub's storefront pixel adds.
ATTRIBUTION_KEYS = {
    "source_type": "_wc_order_attribution_source_type",
    "utm_source": "_wc_order_attribution_utm_source",
    "utm_medium": "_wc_order_attribution_utm_medium",
    "utm_campaign": "_wc_order_attribution_utm_campaign",
    "utm_content": "_wc_order_attribution_utm_content",
    "session_entry": "_wc_order_attribution_session_entry",
    "referrer": "_wc_order_attribution_referrer",
    "device_type": "_wc_order_attribution_device_type",
}
VISITOR_ID_KEY = "_growthhub_visitor_id"


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


@transaction.atomic
def sandbox_woo_site_ensure(
    *, handle: str, name: str = "", currency: str = "USD", timezone_string: str = "America/New_York"
) -> WooSite:
    """The site at ``handle``, created with these settings when it does not exist yet (an existing one is kept)."""
    site, _ = WooSite.objects.get_or_create(
        handle=handle,
        defaults={
            "name": name or handle.replace("-", " ").title(),
            "currency": currency.upper(),
            "timezone_string": timezone_string,
        },
    )
    return site


def valid_webhook_topic(topic: str) -> bool:
    """``<resource>.<event>`` of WooCommerce's topics, or ``action.<hook>``."""
    resource, _, event = topic.partition(".")
    if resource == "action":
        return bool(event)
    return resource in WEBHOOK_RESOURCES and event in WEBHOOK_EVENTS


def sandbox_woo_webhook_create(
    *, site: WooSite, name: str, topic: str, delivery_url: str, secret: str, status: str = WooWebhookStatus.ACTIVE
) -> WooWebhook:
    """Create a webhook and send its ping once committed.

    As in ``WC_REST_Webhooks_V1_Controller::create_item``, the ping's outcome does not undo the creation (only
    WooCommerce's admin screen reports a failed ping); it is kept in the delivery log. Preconditions: ``topic`` is
    valid and ``delivery_url`` is an http(s) URL (the REST view checks both).
    """
    now = dt.datetime.now(dt.UTC)
    with transaction.atomic():
        webhook = WooWebhook.objects.create(
            site=site,
            name=name,
            topic=topic,
            delivery_url=delivery_url,
            secret=secret,
            status=status,
            date_created_gmt=now,
            date_modified_gmt=now,
        )
        transaction.on_commit(partial(webhook_ping, webhook=webhook))
    return webhook


@transaction.atomic
def sandbox_woo_webhook_delete(*, webhook: WooWebhook) -> None:
    webhook.delete()


def _deliver_order(order_id: int, topic: str) -> None:
    order = WooOrder.objects.select_related("site", "customer").prefetch_related("lines", "refunds").get(pk=order_id)
    topic_deliver(site_id=order.site_id, topic=topic, payload=order_json(order))


def _deliver_product(product_id: int, topic: str) -> None:
    product = WooProduct.objects.select_related("site").prefetch_related("variations").get(pk=product_id)
    topic_deliver(site_id=product.site_id, topic=topic, payload=product_json(product, product.site))


def attribution_meta(*, attribution: dict[str, str], visitor_id: str, first_id: int = 1) -> list[dict[str, Any]]:
    """Order meta for Order Attribution (``source_type``, ``utm_source``, ...) and the visitor id, in WooCommerce's
    ``meta_data`` shape; unknown attribution names raise ValueError."""
    unknown = set(attribution) - set(ATTRIBUTION_KEYS)
    if unknown:
        raise ValueError(f"Unknown attribution fields: {', '.join(sorted(unknown))}.")
    pairs = [(ATTRIBUTION_KEYS[name], value) for name, value in attribution.items() if value]
    if visitor_id:
        pairs.append((VISITOR_ID_KEY, visitor_id))
    return [{"id": first_id + index, "key": key, "value": value} for index, (key, value) in enumerate(pairs)]


@dataclass(frozen=True)
class OrderLineSpec:
    """One line of an order to place: the product (or a variation of a variable product) and how many."""

    product_id: int
    quantity: int = 1


def _customer_for(site: WooSite, email: str, name: str, now: dt.datetime) -> WooCustomer:
    first, _, last = name.partition(" ")
    customer, _ = WooCustomer.objects.get_or_create(
        site=site,
        email=email,
        defaults={"first_name": first, "last_name": last, "date_created_gmt": now, "date_modified_gmt": now},
    )
    return customer


def sandbox_woo_order_place(
    *,
    handle: str,
    lines: list[OrderLineSpec],
    email: str,
    customer_name: str = "",
    coupon_code: str = "",
    discount_minor: int = 0,
    shipping_minor: int = 0,
    attribution: dict[str, str] | None = None,
    visitor_id: str = "",
    status: str = WooOrderStatus.PROCESSING,
    now: dt.datetime | None = None,
) -> WooOrder:
    """A shopper checks out: the order is created (paid unless ``status`` is pending, on-hold or failed), managed
    stock goes down, and ``order.created`` is delivered after commit.

    ``discount_minor`` (with ``coupon_code``) comes off the line totals, spread in proportion. Raises ValueError
    for an unknown product or status, a variable product without a variation, a negative amount, or a discount
    larger than the lines.
    """
    now = _now(now)
    if not lines:
        raise ValueError("An order needs at least one line.")
    if status not in WooOrderStatus.values:
        raise ValueError(f"Unknown order status {status!r}.")
    if discount_minor < 0 or shipping_minor < 0:
        raise ValueError("Discount and shipping cannot be negative.")
    with transaction.atomic():
        site = WooSite.objects.select_for_update().get(handle=handle)
        products = {
            product.pk: product
            # Lock the products only: their parent is on the nullable side of a join, which PostgreSQL cannot lock.
            for product in WooProduct.objects.select_for_update(of=("self",))
            .select_related("parent")
            .filter(site=site, pk__in=[line.product_id for line in lines])
        }
        priced: list[tuple[WooProduct, int, int]] = []
        for spec in lines:
            product = products.get(spec.product_id)
            if product is None:
                raise ValueError(f"No product {spec.product_id} at {handle}.")
            if product.type == WooProductType.VARIABLE:
                raise ValueError(f"Product {product.pk} is variable: order one of its variations.")
            price = product.sale_price_minor if product.sale_price_minor is not None else product.regular_price_minor
            if price is None or spec.quantity < 1:
                raise ValueError(f"Product {product.pk} has no price, or the quantity is not positive.")
            priced.append((product, spec.quantity, price))
        subtotal = sum(quantity * price for _, quantity, price in priced)
        if discount_minor > subtotal:
            raise ValueError("The discount is larger than the order.")
        customer = _customer_for(site, email, customer_name, now)
        order = WooOrder.objects.create(
            site=site,
            number="",
            status=status,
            currency=site.currency,
            customer=customer,
            billing_email=email,
            discount_total_minor=discount_minor,
            shipping_total_minor=shipping_minor,
            total_minor=subtotal - discount_minor + shipping_minor,
            coupon_lines=[{"code": coupon_code, "discount_minor": discount_minor}] if coupon_code else [],
            meta_data=attribution_meta(attribution=attribution or {}, visitor_id=visitor_id),
            date_created_gmt=now,
            date_modified_gmt=now,
            date_paid_gmt=now if status in (WooOrderStatus.PROCESSING, WooOrderStatus.COMPLETED) else None,
        )
        order.number = str(order.pk)
        order.save(update_fields=["number"])
        remaining_discount = discount_minor
        for index, (product, quantity, price) in enumerate(priced):
            line_subtotal = quantity * price
            is_last = index == len(priced) - 1
            share = remaining_discount if is_last else discount_minor * line_subtotal // max(subtotal, 1)
            remaining_discount -= share
            WooOrderLine.objects.create(
                order=order,
                product=product.parent if product.parent_id else product,
                variation=product if product.parent_id else None,
                name=f"{product.parent.name} - {product.name}" if product.parent else product.name,
                sku=product.sku,
                quantity=quantity,
                price_minor=price,
                subtotal_minor=line_subtotal,
                total_minor=line_subtotal - share,
            )
            if product.manage_stock and product.stock_quantity is not None:
                product.stock_quantity -= quantity
                product.date_modified_gmt = now
                product.save(update_fields=["stock_quantity", "date_modified_gmt"])
        transaction.on_commit(partial(_deliver_order, order.pk, "order.created"))
    return order


def sandbox_woo_order_refund(
    *,
    handle: str,
    order_id: int,
    amount_minor: int | None = None,
    reason: str = "",
    line_quantities: dict[int, int] | None = None,
    now: dt.datetime | None = None,
) -> WooRefund:
    """Refund an order: ``line_quantities`` (order line id → quantity) refunds those lines at what was paid for
    them; otherwise ``amount_minor`` (default: all that is left). A refund of everything left marks the order
    ``refunded``. ``order.updated`` is delivered after commit (WooCommerce fires it on ``woocommerce_order_refunded``).

    Raises ValueError for an unknown order or line, a non-positive amount, or more than is left to refund.
    """
    now = _now(now)
    with transaction.atomic():
        order = (
            WooOrder.objects.select_for_update()
            .filter(site__handle=handle, pk=order_id)
            .prefetch_related("lines")
            .first()
        )
        if order is None:
            raise ValueError(f"No order {order_id} at {handle}.")
        refunded = order.refunds.aggregate(total=Sum("amount_minor"))["total"] or 0
        left = order.total_minor - refunded
        items: list[dict[str, int]] = []
        if line_quantities:
            lines = {line.pk: line for line in order.lines.all()}
            for line_id, quantity in line_quantities.items():
                line = lines.get(line_id)
                if line is None or not 0 < quantity <= line.quantity:
                    raise ValueError(f"Order {order_id} has no line {line_id} with {quantity} to refund.")
                paid = line.total_minor * quantity // line.quantity
                items.append({"line_id": line_id, "quantity": quantity, "amount_minor": paid})
            amount = sum(item["amount_minor"] for item in items) if amount_minor is None else amount_minor
        else:
            amount = left if amount_minor is None else amount_minor
        if amount <= 0 or amount > left:
            raise ValueError(f"Order {order_id} has {left} left to refund; {amount} cannot be refunded.")
        refund = WooRefund.objects.create(
            order=order, amount_minor=amount, reason=reason[:200], line_items=items, date_created_gmt=now
        )
        order.date_modified_gmt = now
        if amount == left:
            order.status = WooOrderStatus.REFUNDED
        order.save(update_fields=["date_modified_gmt", "status"])
        transaction.on_commit(partial(_deliver_order, order.pk, "order.updated"))
    return refund


def sandbox_woo_product_update(
    *, handle: str, product_id: int, changes: dict[str, Any], now: dt.datetime | None = None
) -> WooProduct:
    """Edit a product or variation (``changes`` among name, status, description, regular_price_minor,
    sale_price_minor, stock_quantity, cost_minor) and deliver ``product.updated`` after commit: for a variation,
    its parent's, as WooCommerce does for a variation saved from the product screen.

    Raises ValueError for an unknown product or field.
    """
    unknown = set(changes) - PRODUCT_CHANGE_FIELDS
    if unknown:
        raise ValueError(f"Unknown product fields: {', '.join(sorted(unknown))}.")
    now = _now(now)
    with transaction.atomic():
        product = WooProduct.objects.select_for_update().filter(site__handle=handle, pk=product_id).first()
        if product is None:
            raise ValueError(f"No product {product_id} at {handle}.")
        for field, value in changes.items():
            setattr(product, field, value)
        if "name" in changes and product.parent_id is None:
            product.slug = slugify(product.name)
        product.date_modified_gmt = now
        product.save()
        touched = product.parent_id or product.pk
        if product.parent_id:
            WooProduct.objects.filter(pk=product.parent_id).update(date_modified_gmt=now)
        transaction.on_commit(partial(_deliver_product, touched, "product.updated"))
    return product
