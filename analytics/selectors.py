"""Read queries of the analytics app."""

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from analytics.models import LOOKBACK_DAYS_DEFAULT, Journey, JourneyTouch, TrackingSettings
from stores.models import Order, Store


def analytics_hub_tab(*, store: Store) -> dict[str, Any]:
    """Context for the hub's Analytics tab."""
    return {}


def tracking_lookback_days(*, store: Store) -> int:
    """The store's lookback window in days; the default when the store has no tracking settings yet."""
    days = TrackingSettings.objects.filter(store=store).values_list("lookback_days", flat=True).first()
    return days or LOOKBACK_DAYS_DEFAULT


def journeys_for_period(
    *, store: Store, start: dt.datetime, end: dt.datetime, converted: bool | None = None
) -> QuerySet[Journey]:
    """The store's journeys that ended in [start, end) (order journeys by the order's time), each with its touches
    prefetched in position order and its order joined: two queries whatever the number of journeys."""
    journeys = Journey.objects.filter(store=store, ended_at__gte=start, ended_at__lt=end)
    if converted is not None:
        journeys = journeys.filter(converted=converted)
    touches = JourneyTouch.objects.order_by("position").select_related("post", "campaign")
    return (
        journeys.select_related("order")
        .prefetch_related(Prefetch("touches", queryset=touches))
        .order_by("ended_at", "pk")
    )


def journey_for_order(*, store: Store, order_id: int) -> tuple[Order, Journey | None]:
    """One order of ``store`` (404 for another store's) and its journey with touches (None when not built yet)."""
    order = get_object_or_404(Order.objects.filter(store=store), pk=order_id)
    touches = JourneyTouch.objects.order_by("position").select_related("post", "campaign")
    journey = (
        Journey.objects.filter(store=store, order=order).prefetch_related(Prefetch("touches", queryset=touches)).first()
    )
    return order, journey
