"""Writing what a store platform says into the store's tables.

Every function takes ``platforms.store_records`` records (from a platform connection, or with no connection from
the merchant's own CSV import), runs in one transaction and is idempotent: the same record twice leaves the same
rows. A record whose platform ``updated_at`` is older than what is stored is ignored (webhooks and syncs arrive out
of order). Money is checked before anything is written: a record with a negative amount or more refunded than paid
is refused with an ``ApplicationError`` and changes nothing.
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from platforms import store_records as records
from stores.exceptions import ApplicationError
from stores.hooks import order_written
from stores.links import click_ids_from_url
from stores.models import (
    Customer,
    Order,
    OrderDiscountCode,
    OrderLine,
    OrderStatus,
    PlatformConnection,
    Product,
    ProductStatus,
    ProductVariant,
    Refund,
    RefundLine,
    Store,
    UnitCostSource,
)
from stores.models.commerce import ATTRIBUTE_KEY_MAX, ATTRIBUTE_VALUE_MAX, ORDER_ATTRIBUTES_MAX
from stores.models.tenancy import validate_currency

# The cart attribute the storefront sets to the visitor id, so a journey joins its order (underscore: not shown).
VISITOR_ATTRIBUTE = "_gh_visitor"

PRODUCT_STATUSES = {
    records.PRODUCT_ACTIVE: ProductStatus.ACTIVE,
    records.PRODUCT_DRAFT: ProductStatus.DRAFT,
    records.PRODUCT_ARCHIVED: ProductStatus.ARCHIVED,
}
ORDER_STATUSES = {
    records.ORDER_PENDING: OrderStatus.PENDING,
    records.ORDER_PAID: OrderStatus.PAID,
    records.ORDER_PARTIALLY_REFUNDED: OrderStatus.PARTIALLY_REFUNDED,
    records.ORDER_REFUNDED: OrderStatus.REFUNDED,
    records.ORDER_CANCELLED: OrderStatus.CANCELLED,
}


class UnknownOrder(ApplicationError):
    """A refund arrived for an order the hub has not stored yet: retry later or reconcile."""

    status_code = 409

    def __init__(self, order_external_id: str) -> None:
        super().__init__(
            f"Order {order_external_id} is not in Growth Hub yet; its refund is applied once the order arrives.",
            code="unknown_order",
            extra={"order_external_id": order_external_id},
        )


def _refuse(message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid_record")


def _is_stale(stored: dt.datetime | None, incoming: dt.datetime) -> bool:
    """Whether a record last modified at ``incoming`` is older than the data stored (same time: applied again)."""
    return stored is not None and incoming < stored


def _currency_check(currency: str) -> None:
    try:
        validate_currency(currency)
    except ValidationError as exc:
        raise _refuse(f"{currency!r} is not an ISO 4217 currency code.") from exc


def _non_negative(what: str, amounts: Mapping[str, int | None]) -> None:
    for name, amount in amounts.items():
        if amount is not None and amount < 0:
            raise _refuse(f"{what}: {name} is negative ({amount}).")


@transaction.atomic
def shop_apply(*, connection: PlatformConnection, shop: records.ShopRecord) -> Store:
    """Take the store's currency and time zone from its platform (its name stays the merchant's)."""
    _currency_check(shop.currency)
    try:
        zoneinfo.ZoneInfo(shop.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise _refuse(f"{shop.timezone!r} is not a known time zone.") from exc
    store = Store.objects.select_for_update().get(pk=connection.store_id)
    store.currency, store.timezone = shop.currency, shop.timezone
    store.save(update_fields=["currency", "timezone"])
    return store


def _product_check(record: records.ProductRecord) -> None:
    _currency_check(record.currency)
    if record.status not in PRODUCT_STATUSES:
        raise _refuse(f"Product {record.external_id}: unknown status {record.status!r}.")
    for variant in record.variants:
        _non_negative(
            f"Variant {variant.external_id}",
            {
                "price": variant.price_minor,
                "compare-at price": variant.compare_at_price_minor,
                "unit cost": variant.unit_cost_minor,
            },
        )


@transaction.atomic
def product_upsert(*, store: Store, connection: PlatformConnection | None, record: records.ProductRecord) -> Product:
    """Create or update the product and its variants (variants the record no longer lists are removed).

    The platform's cost replaces the stored one; when the platform has none, the stored cost (the merchant's) stays.
    A record older than the stored product changes nothing and the stored product is returned.
    """
    _product_check(record)
    product = Product.objects.select_for_update().filter(store=store, external_id=record.external_id).first()
    if product is not None and _is_stale(product.source_updated_at, record.updated_at):
        return product
    if product is None:
        product = Product(store=store, external_id=record.external_id, unit_cost_source=UnitCostSource.MERCHANT)
    product.title = record.title[:200]
    product.handle = record.handle[:255]
    product.description = record.description
    product.price_minor = record.price_minor
    product.currency = record.currency
    product.url = record.url[:500]
    product.image_url = record.image_url[:500]
    product.tags = [tag[:100] for tag in record.tags]
    product.category = record.category[:80]
    product.inventory_quantity = record.inventory_quantity
    product.status = PRODUCT_STATUSES[record.status]
    product.source = connection
    product.source_updated_at = record.updated_at
    if record.unit_cost_minor is not None:
        product.unit_cost_minor, product.unit_cost_source = record.unit_cost_minor, UnitCostSource.PLATFORM
    product.save()
    _variants_replace(product=product, variants=record.variants, updated_at=record.updated_at)
    return product


def _variants_replace(*, product: Product, variants: Iterable[records.VariantRecord], updated_at: dt.datetime) -> None:
    wanted = {variant.external_id: variant for variant in variants}
    stored = {
        v.external_id: v for v in ProductVariant.objects.filter(store_id=product.store_id, external_id__in=wanted)
    }
    ProductVariant.objects.filter(product=product).exclude(external_id__in=wanted).delete()
    for external_id, record in wanted.items():
        variant = stored.get(external_id) or ProductVariant(store_id=product.store_id, external_id=external_id)
        variant.product = product
        variant.title = record.title[:255]
        variant.sku = record.sku[:255]
        variant.price_minor = record.price_minor
        variant.compare_at_price_minor = record.compare_at_price_minor
        variant.unit_cost_minor = record.unit_cost_minor
        variant.inventory_item_id = record.inventory_item_id[:64]
        if not _is_stale(variant.inventory_updated_at, updated_at):
            variant.inventory_quantity = record.inventory_quantity
            variant.inventory_updated_at = updated_at
        variant.save()


@transaction.atomic
def product_delete_mark(*, store: Store, external_id: str) -> bool:
    """The platform deleted the product: archive it (kept for the history of its orders, posts and campaigns).

    Returns False when no such product is stored."""
    return bool(
        Product.objects.filter(store=store, external_id=external_id).update(
            status=ProductStatus.ARCHIVED, updated_at=timezone.now()
        )
    )


@transaction.atomic
def inventory_apply(*, store: Store, record: records.InventoryRecord) -> ProductVariant | None:
    """Set the stock of the variant with that inventory item (and its product's total); an older change is ignored.

    Returns None when no variant has that inventory item (a product not synced yet)."""
    variant = (
        ProductVariant.objects.select_for_update()
        .filter(store=store, inventory_item_id=record.inventory_item_id)
        .first()
    )
    if variant is None or _is_stale(variant.inventory_updated_at, record.updated_at):
        return variant
    variant.inventory_quantity = record.available
    variant.inventory_updated_at = record.updated_at
    variant.save(update_fields=["inventory_quantity", "inventory_updated_at"])
    tracked = ProductVariant.objects.filter(product_id=variant.product_id).aggregate(total=Sum("inventory_quantity"))
    Product.objects.filter(pk=variant.product_id).update(
        inventory_quantity=max(0, tracked["total"] or 0), updated_at=timezone.now()
    )
    return variant


@transaction.atomic
def customer_upsert(*, store: Store, connection: PlatformConnection | None, record: records.CustomerRecord) -> Customer:
    """Create or update the customer; an older record changes nothing, and an erased customer stays erased."""
    customer = Customer.objects.select_for_update().filter(store=store, external_id=record.external_id).first()
    if customer is not None and _is_stale(customer.source_updated_at, record.updated_at):
        return customer
    customer = customer or Customer(store=store, external_id=record.external_id)
    customer_fields_set(customer, record, connection=connection)
    customer.save()
    return customer


def customer_fields_set(customer: Customer, record: records.CustomerRecord, *, connection: PlatformConnection | None):
    """Set what the record says on ``customer`` (not saved); an erased customer's email and name stay blank."""
    if customer.redacted_at is None:
        customer.email, customer.name = record.email[:254], record.name[:120]
    customer.accepts_marketing, customer.created_at = record.accepts_marketing, record.created_at
    customer.source, customer.source_updated_at = connection, record.updated_at


def order_check(record: records.OrderRecord) -> None:
    _currency_check(record.currency)
    if record.financial_status not in ORDER_STATUSES:
        raise _refuse(f"Order {record.external_id}: unknown financial status {record.financial_status!r}.")
    what = f"Order {record.external_id}"
    _non_negative(
        what,
        {
            "total": record.total_minor,
            "subtotal": record.subtotal_minor,
            "discount": record.discount_minor,
            "shipping": record.shipping_minor,
            "tax": record.tax_minor,
            "refunded": record.refunded_minor,
        },
    )
    for line in record.lines:
        _non_negative(
            what,
            {
                "line price": line.unit_price_minor,
                "line discount": line.discount_minor,
                "line cost": line.unit_cost_minor,
            },
        )
        if line.quantity < 1:
            raise _refuse(f"{what}: line {line.external_id} has {line.quantity} items.")
    for refund in record.refunds:
        _refund_check(refund)
    refunded = sum(refund.amount_minor for refund in record.refunds)
    if max(refunded, record.refunded_minor) > record.total_minor:
        raise _refuse(f"{what}: {max(refunded, record.refunded_minor)} refunded of {record.total_minor} paid.")


def _refund_check(record: records.RefundRecord) -> None:
    _non_negative(f"Refund {record.external_id}", {"amount": record.amount_minor})
    for line in record.lines:
        _non_negative(f"Refund {record.external_id}", {"line amount": line.amount_minor})
        if line.quantity < 0:
            raise _refuse(f"Refund {record.external_id}: a line returns {line.quantity} items.")


def _bounded_attributes(attributes: Mapping[str, str]) -> dict[str, str]:
    pairs = list(attributes.items())[:ORDER_ATTRIBUTES_MAX]
    return {str(key)[:ATTRIBUTE_KEY_MAX]: str(value)[:ATTRIBUTE_VALUE_MAX] for key, value in pairs}


def order_fields_set(order: Order, record: records.OrderRecord, *, connection: PlatformConnection | None) -> None:
    """Copy the record's own fields onto ``order`` (not its customer, lines, codes or refunds); bounded to the
    columns, the journey data left alone on an erased customer's order."""
    order.name = record.name[:64]
    order.total_minor = record.total_minor
    order.subtotal_minor = record.subtotal_minor
    order.discount_minor = record.discount_minor
    order.shipping_minor = record.shipping_minor
    order.tax_minor = record.tax_minor
    order.currency = record.currency
    order.status = ORDER_STATUSES[record.financial_status]
    order.created_at = record.created_at
    order.processed_at = record.processed_at
    order.cancelled_at = record.cancelled_at
    order.test = record.test
    order.journey_ready = record.journey_ready
    order.source = connection
    order.source_updated_at = record.updated_at
    if order.customer is None or order.customer.redacted_at is None:
        order.attributes = _bounded_attributes(record.attributes)
        order.visitor_id = str(record.attributes.get(VISITOR_ATTRIBUTE, ""))[:64]
        order.landing_url = record.landing_url[:2000]
        order.referrer = record.referrer[:2000]
        order.click_ids = click_ids_from_url(record.landing_url)
    order.utm_source = record.utm.get("source", "")[:100]
    order.utm_medium = record.utm.get("medium", "")[:100]
    order.utm_campaign = record.utm.get("campaign", "")[:200]
    order.utm_content = record.utm.get("content", "")[:200]
    order.utm_term = record.utm.get("term", "")[:200]


@transaction.atomic
def order_upsert(*, store: Store, connection: PlatformConnection | None, record: records.OrderRecord) -> Order:
    """Create or update the order with its customer, lines, discount codes and refunds (refunds as rows).

    ``refunded_minor`` becomes the sum of the order's refund rows; a test order is stored flagged (never revenue).
    A line's unit cost is copied from its variant (else product) when the line is first written and never changed
    after. A record older than the stored order changes nothing and the stored order is returned. Raises
    ``ApplicationError`` (nothing written) for negative money or more refunded than paid.
    """
    order_check(record)
    order = Order.objects.select_for_update().filter(store=store, external_id=record.external_id).first()
    if order is not None and _is_stale(order.source_updated_at, record.updated_at):
        return order
    if order is None:
        order = Order(store=store, external_id=record.external_id)
    if record.customer is not None:
        order.customer = customer_upsert(store=store, connection=connection, record=record.customer)
    order_fields_set(order, record, connection=connection)
    # refunded_minor is set from the refund rows below; until then keep the stored sum (the rows' own).
    order.refunded_minor = min(order.refunded_minor, order.total_minor)
    order.save()
    _lines_apply(order=order, lines=record.lines)
    _discount_codes_replace(order=order, codes=record.discount_codes)
    for refund in record.refunds:
        _refund_write(order=order, record=refund)
    _refunded_sum_apply(order)
    order_written.on_commit(store_id=store.pk, order_id=order.pk)
    return order


def line_costs(*, store: Store, lines: Iterable[records.OrderLineRecord]) -> dict[str, tuple[int | None, int | None]]:
    """variant external id → (the variant's product pk, its unit cost now); products by external id as fallback."""
    lines = list(lines)
    variant_ids = {line.variant_external_id for line in lines if line.variant_external_id}
    product_ids = {line.product_external_id for line in lines if line.product_external_id}
    costs: dict[str, tuple[int | None, int | None]] = {}
    for product_pk, external_id, cost, product_cost in ProductVariant.objects.filter(
        store=store, external_id__in=variant_ids
    ).values_list("product_id", "external_id", "unit_cost_minor", "product__unit_cost_minor"):
        costs[f"v:{external_id}"] = (product_pk, cost if cost is not None else product_cost)
    for product_pk, external_id, cost in Product.objects.filter(store=store, external_id__in=product_ids).values_list(
        "pk", "external_id", "unit_cost_minor"
    ):
        costs[f"p:{external_id}"] = (product_pk, cost)
    return costs


def _lines_apply(*, order: Order, lines: Iterable[records.OrderLineRecord]) -> None:
    """Create or update the order's lines by external id; a line written before keeps its unit cost at sale."""
    lines = list(lines)
    stored = {line.external_id: line for line in OrderLine.objects.filter(order=order)}
    costs = line_costs(store=order.store, lines=lines)
    keep = set()
    for position, record in enumerate(lines):
        key = record.external_id or f"position-{position}"
        keep.add(key)
        line = stored.get(key)
        if line is None:
            product_pk, cost = costs.get(f"v:{record.variant_external_id}") or costs.get(
                f"p:{record.product_external_id}", (None, None)
            )
            line = OrderLine(store_id=order.store_id, order=order, external_id=key, product_id=product_pk)
            line.unit_cost_minor = record.unit_cost_minor if record.unit_cost_minor is not None else cost
        line.title = record.title[:200]
        line.sku = record.sku[:255]
        line.variant_external_id = record.variant_external_id[:64]
        line.quantity = record.quantity
        line.unit_price_minor = record.unit_price_minor
        line.discount_minor = record.discount_minor
        line.save()
    gone = [line.pk for key, line in stored.items() if key not in keep]
    if gone:
        OrderLine.objects.filter(pk__in=gone, refund_lines__isnull=True).delete()


def _discount_codes_replace(*, order: Order, codes: Iterable[str]) -> None:
    wanted = {code.strip()[:255] for code in codes if code.strip()}
    OrderDiscountCode.objects.filter(order=order).exclude(code__in=wanted).delete()
    have = set(OrderDiscountCode.objects.filter(order=order).values_list("code", flat=True))
    OrderDiscountCode.objects.bulk_create(
        [OrderDiscountCode(store_id=order.store_id, order=order, code=code) for code in sorted(wanted - have)]
    )


def _refund_write(*, order: Order, record: records.RefundRecord) -> Refund:
    refund, _ = Refund.objects.update_or_create(
        store_id=order.store_id,
        external_id=record.external_id,
        defaults={
            "order": order,
            "created_at": record.created_at,
            "amount_minor": record.amount_minor,
            "reason": record.reason[:500],
        },
    )
    lines = {
        line.external_id: line.pk
        for line in OrderLine.objects.filter(order=order, external_id__in=[r.line_external_id for r in record.lines])
    }
    RefundLine.objects.filter(refund=refund).delete()
    RefundLine.objects.bulk_create(
        [
            RefundLine(
                store_id=order.store_id,
                refund=refund,
                order_line_id=lines[line.line_external_id],
                quantity=line.quantity,
                amount_minor=line.amount_minor,
            )
            for line in record.lines
            if line.line_external_id in lines
        ]
    )
    return refund


def _refunded_sum_apply(order: Order) -> None:
    refunded = Refund.objects.filter(order=order).aggregate(total=Sum("amount_minor"))["total"] or 0
    if refunded > order.total_minor:
        raise _refuse(f"Order {order.external_id}: {refunded} refunded of {order.total_minor} paid.")
    if refunded != order.refunded_minor:
        order.refunded_minor = refunded
        order.save(update_fields=["refunded_minor"])


@transaction.atomic
def refund_apply(*, store: Store, order_external_id: str, record: records.RefundRecord) -> Refund:
    """Record a refund of a stored order (idempotent by its id) and keep the order's refunded sum in step.

    Raises ``UnknownOrder`` when the order is not stored yet (the delivery is retried or the sync brings it), and
    ``ApplicationError`` (nothing written) for a negative amount or refunds above the order's total."""
    _refund_check(record)
    order = Order.objects.select_for_update().filter(store=store, external_id=order_external_id).first()
    if order is None:
        raise UnknownOrder(order_external_id)
    refund = _refund_write(order=order, record=record)
    _refunded_sum_apply(order)
    if order.status in (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED) and order.refunded_minor:
        # The order's own update follows from the platform; until then its status says what the refunds did.
        fully = order.refunded_minor >= order.total_minor
        order.status = OrderStatus.REFUNDED if fully else OrderStatus.PARTIALLY_REFUNDED
        order.save(update_fields=["status"])
    return refund
