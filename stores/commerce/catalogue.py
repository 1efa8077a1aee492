"""The store's catalogue and orders as its pages and its API read them: filtered, bounded, one store only; and the
one change a merchant makes to synced data, the unit cost a platform does not hold.

Filters arrive from a query string or a JSON body: each is checked here (an ApplicationError naming the bound) so
the page and the API refuse the same things with the same words.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from platforms.constants import PLATFORM_NAMES, STORE_PLATFORMS
from stores.actors import Actor
from stores.clock import store_days_bounds
from stores.exceptions import ApplicationError, Conflict
from stores.models import (
    BackfillState,
    ConnectionStatus,
    Order,
    OrderLine,
    PlatformConnection,
    Product,
    ProductStatus,
    Refund,
    RefundLine,
    Store,
    StoreSync,
    UnitCostSource,
)
from stores.money import to_major, to_minor

logger = logging.getLogger("stores")

SEARCH_MAX_LENGTH = 100
# An order filter spans at most ten years: more than any store's history, and a bounded scan.
ORDERS_MAX_RANGE_DAYS = 3660
# A unit cost above this many minor units (100,000,000.00 in a two-decimal currency) is a typo, not a cost.
UNIT_COST_MAX_MINOR = 10_000_000_000


def _search(text: str) -> str:
    text = (text or "").strip()
    if len(text) > SEARCH_MAX_LENGTH:
        raise ApplicationError(f"A search has at most {SEARCH_MAX_LENGTH} characters.", code="search_too_long")
    return text


def products_for_store(*, store: Store, search: str = "", status: str = "") -> QuerySet[Product]:
    """The store's products by title, optionally those whose title, handle or a variant's SKU contains ``search``
    and those of one ``status``; the variant count annotated (``variant_count``), so a list page needs one query."""
    search = _search(search)
    if status and status not in ProductStatus.values:
        choices = ", ".join(ProductStatus.values)
        raise ApplicationError(f"Status must be one of {choices}.", code="status_unknown")
    products = Product.objects.filter(store=store).select_related("source")
    if status:
        products = products.filter(status=status)
    if search:
        products = products.filter(
            Q(title__icontains=search) | Q(handle__icontains=search) | Q(variants__sku__icontains=search)
        ).distinct()
    return products.annotate(variant_count=Count("variants", distinct=True)).order_by("title", "pk")


# The days an order filter may name: before online shops, or past any history, is a typo (and year 1 would
# overflow turning the store's midnight into UTC).
FIRST_DAY, LAST_DAY = dt.date(1995, 1, 1), dt.date(2100, 12, 31)


def order_range_check(*, since: dt.date | None, until: dt.date | None) -> None:
    for day in (since, until):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise ApplicationError(
                f"A day between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}, please ({day.isoformat()} is not).",
                code="date_out_of_range",
            )
    if since and until and since > until:
        raise ApplicationError(
            f"The first day ({since.isoformat()}) is after the last ({until.isoformat()}).",
            code="date_range_reversed",
        )
    if since and until and (until - since).days > ORDERS_MAX_RANGE_DAYS:
        raise ApplicationError(f"A date range spans at most {ORDERS_MAX_RANGE_DAYS} days.", code="date_range_too_long")


def orders_for_store(
    *, store: Store, since: dt.date | None = None, until: dt.date | None = None, search: str = ""
) -> QuerySet[Order]:
    """The store's orders, newest first, placed from the store's day ``since`` through ``until`` (either open), and
    optionally those whose name or customer's email contains ``search``; with the customer joined and the line
    count annotated (``line_count``)."""
    order_range_check(since=since, until=until)
    search = _search(search)
    orders = Order.objects.filter(store=store).select_related("customer")
    if since:
        orders = orders.filter(created_at__gte=store_days_bounds(store=store, first=since, last=since)[0])
    if until:
        orders = orders.filter(created_at__lt=store_days_bounds(store=store, first=until, last=until)[1])
    if search:
        orders = orders.filter(Q(name__icontains=search) | Q(customer__email__icontains=search))
    return orders.annotate(line_count=Count("lines", distinct=True)).order_by("-created_at", "-pk")


def order_get_for_store(*, store: Store, id: int) -> Order:  # noqa: A002 - the styleguide's name
    """One order of ``store`` with its customer, lines (and their products), discount codes and refunds (with their
    lines); 404 for an order of another store or none at all. Five queries whatever the order's size."""
    refunds = Refund.objects.order_by("created_at", "pk").prefetch_related(
        Prefetch("lines", queryset=RefundLine.objects.select_related("order_line").order_by("pk"))
    )
    order = (
        Order.objects.filter(store=store, pk=id)
        .select_related("customer", "source")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.select_related("product").order_by("pk")),
            "discount_codes",
            Prefetch("refunds", queryset=refunds),
        )
        .first()
    )
    if order is None:
        raise Http404("No such order.")
    return order


@dataclass(frozen=True)
class StorePlatformStatus:
    """A store-platform connection as a merchant checks it: healthy or not, how far its history and sync are."""

    connection: PlatformConnection
    platform_name: str
    backfill_status: str
    backfill_error: str
    last_synced_at: dt.datetime | None
    last_error: str
    products: int
    orders: int

    @property
    def backfill_done(self) -> bool:
        return self.backfill_status == BackfillState.DONE


def store_platform_statuses(*, store: Store) -> list[StorePlatformStatus]:
    """The store's Shopify or WooCommerce connections (not revoked) with their sync and what they brought in: the
    products and orders whose source they are, as their sync last counted them. One query, whatever the store's size
    (the counts are kept on the sync row, not counted here)."""
    connections = (
        PlatformConnection.objects.filter(store=store, platform__in=STORE_PLATFORMS)
        .exclude(status=ConnectionStatus.REVOKED)
        .select_related("store_sync")
        .order_by("platform", "pk")
    )
    statuses = []
    for connection in connections:
        sync = getattr(connection, "store_sync", None) or StoreSync(store=store, connection=connection)
        statuses.append(
            StorePlatformStatus(
                connection=connection,
                platform_name=PLATFORM_NAMES[connection.platform],
                backfill_status=sync.backfill_status,
                backfill_error=sync.backfill_error,
                last_synced_at=sync.last_synced_at,
                last_error=sync.last_error or connection.last_error,
                products=sync.products_count,
                orders=sync.orders_count,
            )
        )
    return statuses


def product_unit_cost_set(*, product: Product, actor: Actor, amount: str) -> Product:
    """Set the cost of one unit of ``product`` from an amount the merchant typed (``"12.50"`` in the store's
    currency). Only where the store platform holds no cost: a platform's cost is replaced at every sync, so it is
    changed there. Lines already sold keep the cost they were sold at; profit from now on uses this one."""
    actor.require_write()
    if product.unit_cost_source == UnitCostSource.PLATFORM:
        name = PLATFORM_NAMES.get(product.source.platform, "the store platform") if product.source else "the platform"
        raise Conflict(
            f"{name} holds this product's cost: change it there, and the next sync brings it here.",
            code="unit_cost_platform_owned",
        )
    try:
        minor = to_minor(amount, product.currency)
    except ValueError as error:
        raise ApplicationError(str(error), code="unit_cost_invalid") from None
    if not 0 <= minor <= UNIT_COST_MAX_MINOR:
        highest = to_major(UNIT_COST_MAX_MINOR, product.currency)
        raise ApplicationError(
            f"A unit cost is between 0 and {highest:,} {product.currency}.", code="unit_cost_out_of_range"
        )
    with transaction.atomic():
        locked = Product.objects.select_for_update().get(pk=product.pk, store=product.store_id)
        if locked.unit_cost_source == UnitCostSource.PLATFORM:
            raise Conflict(
                "The store platform sent a cost for this product meanwhile: change it there.",
                code="unit_cost_platform_owned",
            )
        locked.unit_cost_minor = minor
        locked.unit_cost_source = UnitCostSource.MERCHANT
        locked.save(update_fields=["unit_cost_minor", "unit_cost_source", "updated_at"])
    product.unit_cost_minor, product.unit_cost_source = minor, UnitCostSource.MERCHANT
    logger.info(
        "product unit cost set",
        extra={"product_id": product.pk, "store_id": product.store_id, "actor": actor.label or actor.kind},
    )
    return product
