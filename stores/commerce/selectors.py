"""Reads of the store's commerce data."""

import datetime as dt

from django.db.models import F, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate

from stores.clock import store_days_bounds
from stores.models import Order, OrderStatus, Refund, Store


def net_revenue_by_day(*, store: Store, start: dt.date, end: dt.date) -> dict[dt.date, int]:
    """Net revenue in minor units of each of the store's days from ``start`` to ``end`` (both included).

    A day's net is what orders placed that day (the store's day) took, less refunds made that day, by the refund's
    own day: a refund three weeks later lowers that later day, not the order's. Test and cancelled orders never
    count. A refunded amount an order carries without refund rows (imported history) counts on the order's day.
    Two queries, whatever the number of orders; every day of the range is in the answer (0 for a quiet day).
    """
    since, until = store_days_bounds(store=store, first=start, last=end)
    zone = store.tzinfo
    refund_rows = (
        Refund.objects.filter(order=OuterRef("pk")).values("order").annotate(total=Sum("amount_minor")).values("total")
    )
    counted = Order.objects.filter(store=store, test=False).exclude(status=OrderStatus.CANCELLED)
    days = {start + dt.timedelta(days=n): 0 for n in range((end - start).days + 1)}
    orders = (
        counted.filter(created_at__gte=since, created_at__lt=until)
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day")
        .annotate(
            gross=Sum(
                F("total_minor")
                - F("refunded_minor")
                + Coalesce(Subquery(refund_rows, output_field=IntegerField()), Value(0))
            )
        )
    )
    for row in orders:
        days[row["day"]] += row["gross"] or 0
    refunds = (
        Refund.objects.filter(
            store=store,
            created_at__gte=since,
            created_at__lt=until,
            order__test=False,
        )
        .exclude(order__status=OrderStatus.CANCELLED)
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day")
        .annotate(refunded=Sum("amount_minor"))
    )
    for refund_day in refunds:
        days[refund_day["day"]] -= refund_day["refunded"] or 0
    return days
