"""Privacy of tracking data: retention, and erasing a customer's or a shop's tracking data on request.

- **Retention**: touchpoints older than ``TOUCHPOINT_RETENTION_MONTHS`` (13 by default) are deleted daily, with the
  journey touches older than that and the journeys without an order that ended before it; an order's journey stays
  (it is the order's record) with the touches left. The day salts of the IP and user-agent hashes go after
  ``analytics.privacy.SALT_KEEP_DAYS``.
- **A customer's erasure** (Shopify's customers/redact, the merchant's erase request): their touchpoints (by
  customer and by every visitor joined to them or named by their orders), their visitors, and the touches and open
  journeys built from them. Their orders' journeys are emptied and built again from what the order keeps (UTM words,
  discount codes: no visitor, no referrer).
- **A shop's erasure** (shop/redact): every touchpoint, visitor, journey and cursor of the store.
"""

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from analytics.models import Journey, JourneyCursor, JourneyTouch, Touchpoint, Visitor
from analytics.privacy import expired_salts_delete
from stores.models import Store


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """``moment`` minus whole calendar months (the 31st becomes the month's last day)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - dt.timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def retention_cutoff(*, now: dt.datetime | None = None) -> dt.datetime:
    months = int(settings.TOUCHPOINT_RETENTION_MONTHS)
    if not 1 <= months <= 120:
        raise ValueError(f"TOUCHPOINT_RETENTION_MONTHS must be 1 to 120 months, not {months}.")
    return months_before(now or timezone.now(), months)


def _touch_counts_refresh(journey_ids: Sequence[int]) -> None:
    counts = JourneyTouch.objects.filter(journey=OuterRef("pk")).order_by().values("journey").annotate(n=Count("pk"))
    Journey.objects.filter(pk__in=list(journey_ids)).update(touch_count=Coalesce(Subquery(counts.values("n")), 0))


@transaction.atomic
def retention_enforce(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete tracking data older than the retention; the counts deleted."""
    cutoff = retention_cutoff(now=now)
    touched = list(
        JourneyTouch.objects.filter(occurred_at__lt=cutoff, journey__order__isnull=False)
        .values_list("journey_id", flat=True)
        .distinct()
    )
    open_deleted, _ = Journey.objects.filter(order__isnull=True, ended_at__lt=cutoff).delete()
    touches_deleted, _ = JourneyTouch.objects.filter(occurred_at__lt=cutoff).delete()
    _touch_counts_refresh(touched)
    touchpoints_deleted, _ = Touchpoint.objects.filter(occurred_at__lt=cutoff).delete()
    salts = expired_salts_delete(today=(now or timezone.now()).astimezone(dt.UTC).date())
    return {
        "touchpoints": touchpoints_deleted,
        "journey_touches": touches_deleted,
        "open_journeys": open_deleted,
        "salts": salts,
    }


def customer_tracking_erase(*, store: Store, customer_id: int | None, visitor_ids: Sequence[str]) -> dict[str, int]:
    """Erase one customer's tracking data (``stores.hooks.customer_erased``; runs in the erasing transaction)."""
    visitors = set(visitor_ids)
    if customer_id is not None:
        visitors |= set(
            Visitor.objects.filter(store=store, customer_id=customer_id).values_list("visitor_id", flat=True)
        )
    points = Touchpoint.objects.filter(store=store, visitor_id__in=visitors)
    if customer_id is not None:
        points = points | Touchpoint.objects.filter(store=store, customer_id=customer_id)
    point_ids = list(points.values_list("pk", flat=True))
    journeys = Journey.objects.filter(store=store, visitor_id__in=visitors)
    if customer_id is not None:
        journeys = journeys | Journey.objects.filter(store=store, customer_id=customer_id)
    journey_touches, _ = JourneyTouch.objects.filter(store=store, touchpoint_id__in=point_ids).delete()
    # Order journeys are built again (stale) from what the erased order keeps; open ones go.
    Journey.objects.filter(pk__in=journeys.filter(order__isnull=False).values("pk")).update(stale=True, visitor_id="")
    open_deleted, _ = journeys.filter(order__isnull=True).delete()
    touchpoints_deleted, _ = Touchpoint.objects.filter(pk__in=point_ids).delete()
    visitors_deleted, _ = Visitor.objects.filter(store=store, visitor_id__in=visitors).delete()
    return {
        "touchpoints": touchpoints_deleted,
        "visitors": visitors_deleted,
        "journey_touches": journey_touches,
        "open_journeys": open_deleted,
    }


def shop_tracking_erase(*, store: Store) -> dict[str, int]:
    """Erase every piece of a store's tracking data (``stores.hooks.shop_erased``; in the erasing transaction)."""
    counts = {}
    counts["journey_touches"], _ = JourneyTouch.objects.filter(store=store).delete()
    counts["journeys"], _ = Journey.objects.filter(store=store).delete()
    counts["touchpoints"], _ = Touchpoint.objects.filter(store=store).delete()
    counts["visitors"], _ = Visitor.objects.filter(store=store).delete()
    JourneyCursor.objects.filter(store=store).delete()
    return counts
