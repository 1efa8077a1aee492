"""When journeys are built: orders marked stale by ``stores.hooks.order_written``, pending orders in batches, and the
per-store run of the beat task that reads new touchpoints first."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from analytics.models import Journey, JourneyCursor, TouchKind, Touchpoint, Visitor
from analytics.services.identity import visitors_stitch
from analytics.services.journey_touches import BATCH_SIZE
from analytics.services.journeys import journeys_build_batch, open_journeys_build
from stores.models import Order, Store


def journeys_mark_stale(*, store_id: int, order_ids: Iterable[int]) -> int:
    """Mark the journeys of these orders to be built again (an order without a journey is pending anyway)."""
    return Journey.objects.filter(store_id=store_id, order_id__in=list(order_ids), stale=False).update(stale=True)


def orders_pending(*, store: Store, limit: int) -> list[int]:
    """Up to ``limit`` orders of ``store`` whose journey is missing or stale, oldest first."""
    missing = list(
        Order.objects.filter(store=store, journey__isnull=True)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    if len(missing) < limit:
        missing += list(
            Journey.objects.filter(store=store, stale=True, order__isnull=False)
            .order_by("ended_at", "pk")
            .values_list("order_id", flat=True)[: limit - len(missing)]
        )
    return missing


def journeys_build_pending(
    *, store: Store, batch_size: int = BATCH_SIZE, max_batches: int = 50, now: dt.datetime | None = None
) -> int:
    """Build the store's pending journeys (missing or stale) in batches; returns how many were built. Each batch is
    one transaction; at most ``max_batches`` a run (the rest waits for the next run)."""
    built = 0
    for _ in range(max_batches):
        pending = orders_pending(store=store, limit=batch_size)
        if not pending:
            break
        visitors_stitch(store=store, order_ids=pending)
        count, visitors = journeys_build_batch(store=store, order_ids=pending, now=now)
        open_journeys_build(store=store, visitor_ids=visitors, now=now)
        built += count
    return built


# A touchpoint received less than this long ago is left for the next run: a batch still being written (COPY) may
# hold smaller primary keys that are not visible yet.
SETTLE_SECONDS = 30
TOUCHPOINTS_PER_RUN = 20_000


@dataclass(frozen=True)
class RefreshResult:
    touchpoints_read: int
    journeys_marked: int
    open_journeys: int
    built: int


def journeys_refresh(*, store: Store, now: dt.datetime | None = None, max_batches: int = 50) -> RefreshResult:
    """One run for one store: read the touchpoints received since the last run, join their visitors to customers,
    mark the order journeys they change as stale, rebuild those visitors' open journeys, then build every pending
    order journey (missing or stale) in batches."""
    now = now or timezone.now()
    cursor, _ = JourneyCursor.objects.get_or_create(store=store)
    settled = now - dt.timedelta(seconds=SETTLE_SECONDS)
    fresh = list(
        Touchpoint.objects.filter(store=store, pk__gt=cursor.touchpoint_id)
        .order_by("pk")
        .values_list("pk", "visitor_id", "customer_id", "occurred_at", "received_at", "kind", "order_external_id")[
            :TOUCHPOINTS_PER_RUN
        ]
    )
    read = []
    for row in fresh:
        if row[4] > settled:
            break
        read.append(row)
    marked = opened = 0
    if read:
        visitor_ids = {row[1] for row in read if row[1]}
        stitched = visitors_stitch(store=store, visitor_ids=visitor_ids)
        customers = {row[2] for row in read if row[2]} | set(stitched.customers)
        customers |= set(
            Visitor.objects.filter(store=store, visitor_id__in=visitor_ids, customer__isnull=False).values_list(
                "customer_id", flat=True
            )
        )
        earliest = min(row[3] for row in read)
        named = {row[6] for row in read if row[5] == TouchKind.CHECKOUT and row[6]}
        changed = Order.objects.filter(store=store).filter(
            (Q(created_at__gte=earliest) & (Q(visitor_id__in=visitor_ids) | Q(customer_id__in=customers)))
            | Q(external_id__in=named)
            | Q(name__in=named)
        )
        marked = Journey.objects.filter(store=store, order__in=changed, stale=False).update(stale=True)
        if stitched.customers:
            visitor_ids |= set(
                Visitor.objects.filter(store=store, customer_id__in=stitched.customers).values_list(
                    "visitor_id", flat=True
                )
            )
        opened = open_journeys_build(store=store, visitor_ids=visitor_ids, now=now)
        cursor.touchpoint_id = read[-1][0]
        cursor.save(update_fields=["touchpoint_id", "updated_at"])
    built = journeys_build_pending(store=store, max_batches=max_batches, now=now)
    return RefreshResult(touchpoints_read=len(read), journeys_marked=marked, open_journeys=opened, built=built)
