"""Journeys: the touches that led to each order, and the touches of visitors who have not bought.

**A converted journey** (one per order) holds, in time order:

1. the touchpoints (clicks, page and product views) of the order's visitors and customer that happened within the
   store's lookback window (``TrackingSettings.lookback_days``, 30 days when the store has none) up to the order's
   time. The order's visitors are its own visitor id (cart attribute ``_gh_visitor``), the visitors whose checkout
   named the order, and every visitor joined to its customer (``analytics.services.identity``). Checkout
   touchpoints are the conversion itself, not a touch, and are left out.
2. the order's own **landing** data (landing page, referrer, UTM words, click ids), as a ``landing`` touch at the
   order's time: it is the session that converted. It is left out when a touchpoint of the journey already says
   the same (same channel, platform, utm_campaign and utm_content) or when the order has no landing data at all.
3. each **discount code** of the order, as a ``discount_code`` touch at the order's time, with the channel of the
   touch before it (a code is used in the converting session; attribution may weigh or skip these by kind).

An order with no touchpoint falls back to its landing UTM words / referrer, else ``direct``: there is always at
least one touch.

Repeat buyers: a touch is not used up by an order. It counts for every later order of the same customer whose
lookback window holds it, and for none whose window does not (a click 10 days before order A and 25 days before
order B belongs to both journeys with a 30-day window, to A's only with a 20-day one).

**An open journey** (``Journey.order`` null, one per visitor) holds the visitor's touchpoints after its last
conversion (its last order, its customer's last order, or its last checkout touchpoint), within the lookback window
before its last touch. A visitor with none has no open journey.

Building is idempotent: a journey is deleted and written again whole. Orders are built in batches with a fixed
number of queries per batch, whatever the batch's size.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from ads.models import AdCampaign
from analytics.models import Journey, JourneyTouch, TouchKind, Touchpoint, Visitor
from analytics.selectors import tracking_lookback_days
from analytics.services.journey_touches import (
    BATCH_SIZE,
    MAX_TOUCHES,
    TOUCH_FIELDS,
    Touch,
    journey_touch_rows,
    order_touches,
    own_hosts,
    touch_from_row,
)
from social.models import SocialPost
from stores.links import parse_link
from stores.models import Order, OrderDiscountCode, Store

_ORDER_FIELDS = (
    "pk",
    "external_id",
    "name",
    "customer_id",
    "visitor_id",
    "created_at",
    "landing_url",
    "referrer",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_content",
    "click_ids",
)


def journeys_build(*, store: Store, order_ids: Iterable[int], now: dt.datetime | None = None) -> int:
    """Build (again) the journeys of the given orders of ``store``; returns how many were written. Orders of another
    store are ignored. A fixed number of queries for the batch: callers pass at most a few thousand ids."""
    return journeys_build_batch(store=store, order_ids=order_ids, now=now)[0]


def _order_visitors(*, store: Store, orders: Sequence[dict[str, Any]]) -> tuple[dict[int, set[str]], set[int]]:
    """The visitors of each order (its own, those whose checkout named it, those of its customer) and the
    customers of the orders: three queries for the batch."""
    visitors: dict[int, set[str]] = {
        order["pk"]: ({order["visitor_id"]} if order["visitor_id"] else set()) for order in orders
    }
    by_name: dict[str, int] = {}
    for order in orders:
        by_name[order["external_id"]] = order["pk"]
        if order["name"]:
            by_name.setdefault(order["name"], order["pk"])
    for visitor_id, named in (
        Touchpoint.objects.filter(store=store, kind=TouchKind.CHECKOUT, order_external_id__in=list(by_name))
        .exclude(visitor_id="")
        .values_list("visitor_id", "order_external_id")
    ):
        visitors[by_name[named]].add(visitor_id)
    customers = {order["customer_id"] for order in orders if order["customer_id"]}
    customer_visitors: dict[int, set[str]] = defaultdict(set)
    for customer_id, visitor_id in Visitor.objects.filter(store=store, customer_id__in=customers).values_list(
        "customer_id", "visitor_id"
    ):
        customer_visitors[customer_id].add(visitor_id)
    for order in orders:
        if order["customer_id"]:
            visitors[order["pk"]] |= customer_visitors[order["customer_id"]]

    return visitors, customers


def _journeys_write(*, store: Store, journeys: list[Journey], touches_of: list[list[Touch]]) -> None:
    """Insert the journeys and, once they have their keys, their touches (two bulk inserts a batch)."""
    Journey.objects.bulk_create(journeys, batch_size=BATCH_SIZE)
    JourneyTouch.objects.bulk_create(
        [
            row
            for journey, touches in zip(journeys, touches_of, strict=True)
            for row in journey_touch_rows(store, journey, touches)
        ],
        batch_size=5000,
    )


def _own_rows(
    order: dict[str, Any],
    visitor_ids: set[str],
    by_visitor: dict[str, list[dict[str, Any]]],
    by_customer: dict[int, list[dict[str, Any]]],
    window: dt.timedelta,
) -> list[dict[str, Any]]:
    """The touchpoint rows of one order: its visitors' and customer's within the window before it, in time order."""
    low, high = order["created_at"] - window, order["created_at"]
    seen: dict[int, dict[str, Any]] = {}
    for visitor_id in visitor_ids:
        for row in by_visitor.get(visitor_id, ()):
            if low <= row["occurred_at"] <= high:
                seen[row["pk"]] = row
    for row in by_customer.get(order["customer_id"], ()) if order["customer_id"] else ():
        if low <= row["occurred_at"] <= high:
            seen[row["pk"]] = row
    return sorted(seen.values(), key=lambda row: (row["occurred_at"], row["pk"]))


@transaction.atomic
def journeys_build_batch(
    *, store: Store, order_ids: Iterable[int], now: dt.datetime | None = None
) -> tuple[int, set[str]]:
    """journeys_build, and the visitors of the orders built (their open journeys may have changed)."""
    now = now or timezone.now()
    orders = list(
        Order.objects.filter(store=store, pk__in=list(order_ids)).order_by("created_at", "pk").values(*_ORDER_FIELDS)
    )
    if not orders:
        return 0, set()
    window = dt.timedelta(days=tracking_lookback_days(store=store))
    pks = [order["pk"] for order in orders]
    codes: dict[int, list[str]] = defaultdict(list)
    for order_id, code in (
        OrderDiscountCode.objects.filter(order_id__in=pks).order_by("code").values_list("order_id", "code")
    ):
        codes[order_id].append(code)

    visitors, customers = _order_visitors(store=store, orders=orders)
    all_visitors = set().union(*visitors.values())

    # Every touchpoint any order of the batch may hold, once; each order takes its own below.
    start = min(order["created_at"] for order in orders) - window
    end = max(order["created_at"] for order in orders)
    rows = list(
        Touchpoint.objects.filter(store=store, occurred_at__gte=start, occurred_at__lte=end)
        .filter(Q(visitor_id__in=all_visitors) | Q(customer_id__in=customers))
        .exclude(kind=TouchKind.CHECKOUT)
        .order_by("occurred_at", "pk")
        .values(*TOUCH_FIELDS)
    )
    by_visitor: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_customer: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["visitor_id"]:
            by_visitor[row["visitor_id"]].append(row)
        if row["customer_id"]:
            by_customer[row["customer_id"]].append(row)

    posts, campaigns = _marker_targets(store=store, orders=orders)
    hosts = own_hosts(store)
    Journey.objects.filter(store=store, order_id__in=pks).delete()
    journeys: list[Journey] = []
    touches_of: list[list[Touch]] = []
    for order in orders:
        own = _own_rows(order, visitors[order["pk"]], by_visitor, by_customer, window)
        touches = order_touches(order, own, codes.get(order["pk"], ()), hosts=hosts, posts=posts, campaigns=campaigns)
        touches_of.append(touches)
        journeys.append(
            Journey(
                store=store,
                order_id=order["pk"],
                visitor_id=order["visitor_id"],
                customer_id=order["customer_id"],
                converted=True,
                started_at=touches[0].occurred_at,
                ended_at=order["created_at"],
                touch_count=len(touches),
                built_at=now,
                stale=False,
            )
        )
    _journeys_write(store=store, journeys=journeys, touches_of=touches_of)
    return len(journeys), all_visitors


def _marker_targets(*, store: Store, orders: Sequence[dict[str, Any]]) -> tuple[set[int], set[int]]:
    """The posts and campaigns of ``store`` the orders' landing markers (``gh-post-<id>``, ``gh-ad-<id>``) name."""
    post_ids: set[int] = set()
    campaign_ids: set[int] = set()
    for order in orders:
        if (
            "gh-" in order["landing_url"]
            or order["utm_content"].startswith("gh-")
            or order["utm_campaign"].startswith("gh-")
        ):
            tags = parse_link(order["landing_url"])
            if tags.post_id is not None:
                post_ids.add(tags.post_id)
            if tags.campaign_id is not None:
                campaign_ids.add(tags.campaign_id)
    posts = (
        set(SocialPost.objects.filter(store=store, pk__in=post_ids).values_list("pk", flat=True)) if post_ids else set()
    )
    campaigns = (
        set(AdCampaign.objects.filter(store=store, pk__in=campaign_ids).values_list("pk", flat=True))
        if campaign_ids
        else set()
    )
    return posts, campaigns


def _last_conversions(*, store: Store, visitor_ids: list[str], customer_of: dict[str, int]) -> dict[str, dt.datetime]:
    """The last conversion of each visitor: its last order, its customer's last order or its last checkout."""
    wanted = visitor_ids
    converted_at: dict[str, dt.datetime] = {}

    def later(visitor_id: str, moment: dt.datetime | None) -> None:
        if moment is not None and (visitor_id not in converted_at or moment > converted_at[visitor_id]):
            converted_at[visitor_id] = moment

    for row in (
        Order.objects.filter(store=store, visitor_id__in=wanted).values("visitor_id").annotate(last=Max("created_at"))
    ):
        later(row["visitor_id"], row["last"])
    last_of_customer = {
        row["customer_id"]: row["last"]
        for row in Order.objects.filter(store=store, customer_id__in=set(customer_of.values()))
        .values("customer_id")
        .annotate(last=Max("created_at"))
    }
    for visitor_id, customer_id in customer_of.items():
        later(visitor_id, last_of_customer.get(customer_id))
    for row in (
        Touchpoint.objects.filter(store=store, visitor_id__in=wanted, kind=TouchKind.CHECKOUT)
        .values("visitor_id")
        .annotate(last=Max("occurred_at"))
    ):
        later(row["visitor_id"], row["last"])
    return converted_at


@transaction.atomic
def open_journeys_build(*, store: Store, visitor_ids: Iterable[str], now: dt.datetime | None = None) -> int:
    """Build (again) the open journeys of the given visitors; returns how many exist afterwards. A fixed number of
    queries for the batch."""
    now = now or timezone.now()
    wanted = sorted({visitor_id for visitor_id in visitor_ids if visitor_id})
    if not wanted:
        return 0
    window = dt.timedelta(days=tracking_lookback_days(store=store))
    customer_of = dict(
        Visitor.objects.filter(store=store, visitor_id__in=wanted, customer__isnull=False).values_list(
            "visitor_id", "customer_id"
        )
    )
    converted_at = _last_conversions(store=store, visitor_ids=wanted, customer_of=customer_of)
    rows_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in (
        Touchpoint.objects.filter(store=store, visitor_id__in=wanted)
        .exclude(kind=TouchKind.CHECKOUT)
        .order_by("occurred_at", "pk")
        .values(*TOUCH_FIELDS)
    ):
        after = converted_at.get(row["visitor_id"])
        if after is None or row["occurred_at"] > after:
            rows_of[row["visitor_id"]].append(row)
    Journey.objects.filter(store=store, order__isnull=True, visitor_id__in=wanted).delete()
    journeys: list[Journey] = []
    touches_of: list[list[Touch]] = []
    for visitor_id in wanted:
        rows = rows_of.get(visitor_id)
        if not rows:
            continue
        low = rows[-1]["occurred_at"] - window
        touches = [touch_from_row(row) for row in rows if row["occurred_at"] >= low][-MAX_TOUCHES:]
        touches_of.append(touches)
        journeys.append(
            Journey(
                store=store,
                order=None,
                visitor_id=visitor_id,
                customer_id=customer_of.get(visitor_id),
                converted=False,
                started_at=touches[0].occurred_at,
                ended_at=touches[-1].occurred_at,
                touch_count=len(touches),
                built_at=now,
                stale=False,
            )
        )
    _journeys_write(store=store, journeys=journeys, touches_of=touches_of)
    return len(journeys)
