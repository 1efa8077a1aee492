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
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from ads.models import AdCampaign
from analytics import channels
from analytics.models import Journey, JourneyCursor, JourneyTouch, TouchKind, Touchpoint, Visitor
from analytics.selectors import tracking_lookback_days
from analytics.services.identity import visitors_stitch
from social.models import SocialPost
from stores.links import parse_link
from stores.models import Order, OrderDiscountCode, Store

BATCH_SIZE = 1000
MAX_TOUCHES = 500  # a journey keeps its last MAX_TOUCHES touches (a crawler that got a visitor id cannot bloat it)
SOURCE_MAX = 200

_TOUCH_FIELDS = (
    "pk",
    "kind",
    "occurred_at",
    "visitor_id",
    "customer_id",
    "post_id",
    "campaign_id",
    "channel",
    "platform",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_content",
    "referrer",
    "url",
    "link__code",
)


@dataclass
class _Touch:
    kind: str
    occurred_at: dt.datetime
    channel: str
    platform: str
    source: str
    touchpoint_id: int | None = None
    post_id: int | None = None
    campaign_id: int | None = None


def own_hosts(store: Store) -> list[str]:
    """The store's own storefront hosts: a referrer from them is the store itself, not a source."""
    return [store.storefront_domain] if store.storefront_domain else []


def _host(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def touch_source(
    *, kind: str, utm_source: str = "", utm_medium: str = "", utm_campaign: str = "", referrer: str = "", url: str = ""
) -> str:
    """What the merchant reads of where a touch came from: ``tiktok / social · spring``, a referrer's host, the
    page viewed, or ``direct``."""
    if utm_source or utm_medium:
        text = " / ".join(word for word in (utm_source, utm_medium) if word)
        if utm_campaign:
            text += f" · {utm_campaign}"
    elif host := _host(referrer):
        text = host
    elif kind in (TouchKind.PAGE_VIEW, TouchKind.PRODUCT_VIEW) and url:
        try:
            text = urlsplit(url).path or "/"
        except ValueError:
            text = ""
    else:
        text = "direct"
    return text[:SOURCE_MAX]


def _touch_from_row(row: dict[str, Any]) -> _Touch:
    source = touch_source(
        kind=row["kind"],
        utm_source=row["utm_source"],
        utm_medium=row["utm_medium"],
        utm_campaign=row["utm_campaign"],
        referrer=row["referrer"],
        url=row["url"],
    )
    if row["kind"] == TouchKind.CLICK and source == "direct" and row["link__code"]:
        source = f"tracked link {row['link__code']}"
    return _Touch(
        kind=row["kind"],
        occurred_at=row["occurred_at"],
        channel=row["channel"],
        platform=row["platform"],
        source=source,
        touchpoint_id=row["pk"],
        post_id=row["post_id"],
        campaign_id=row["campaign_id"],
    )


def _key(channel: str, platform: str, campaign: str, content: str) -> tuple[str, str, str, str]:
    return channel, platform, campaign.strip().lower(), content.strip().lower()


def _landing_touch(
    order: dict[str, Any], *, hosts: list[str], posts: set[int], campaigns: set[int]
) -> tuple[_Touch, tuple[str, str, str, str]] | None:
    """The order's landing as a touch and its key, or None when the order has no landing data."""
    has_data = any(order[f] for f in ("landing_url", "referrer", "utm_source", "utm_medium", "click_ids"))
    if not has_data:
        return None
    tags = parse_link(order["landing_url"])
    post_id = tags.post_id if tags.post_id in posts else None
    campaign_id = tags.campaign_id if tags.campaign_id in campaigns else None
    found = channels.classify(
        utm_source=order["utm_source"] or tags.source,
        utm_medium=order["utm_medium"] or tags.medium,
        click_ids=order["click_ids"] or {},
        referrer=order["referrer"],
        link_platform=tags.platform or "",
        has_campaign=campaign_id is not None,
        has_post=post_id is not None,
        own_hosts=hosts,
    )
    touch = _Touch(
        kind=TouchKind.LANDING,
        occurred_at=order["created_at"],
        channel=found.channel,
        platform=found.platform,
        source=touch_source(
            kind=TouchKind.LANDING,
            utm_source=order["utm_source"] or tags.source,
            utm_medium=order["utm_medium"] or tags.medium,
            utm_campaign=order["utm_campaign"] or tags.campaign,
            referrer=order["referrer"],
        ),
        post_id=post_id,
        campaign_id=campaign_id,
    )
    key = _key(
        found.channel, found.platform, order["utm_campaign"] or tags.campaign, order["utm_content"] or tags.content
    )
    return touch, key


def order_touches(
    order: dict[str, Any],
    touch_rows: Sequence[dict[str, Any]],
    codes: Sequence[str],
    *,
    hosts: list[str],
    posts: set[int],
    campaigns: set[int],
) -> list[_Touch]:
    """The touches of one order's journey (rules in the module docstring), from its already selected touchpoint
    rows (time ordered, within its window)."""
    touches = [_touch_from_row(row) for row in touch_rows][-MAX_TOUCHES:]
    keys = {_key(row["channel"], row["platform"], row["utm_campaign"], row["utm_content"]) for row in touch_rows}
    landing = _landing_touch(order, hosts=hosts, posts=posts, campaigns=campaigns)
    if landing is not None and (not touches or landing[1] not in keys):
        touches.append(landing[0])
    if not touches:
        touches.append(
            _Touch(
                kind=TouchKind.LANDING,
                occurred_at=order["created_at"],
                channel=channels.DIRECT,
                platform="",
                source="direct",
            )
        )
    last = touches[-1]
    for code in codes:
        touches.append(
            _Touch(
                kind=TouchKind.DISCOUNT_CODE,
                occurred_at=order["created_at"],
                channel=last.channel,
                platform=last.platform,
                source=f"code {code}"[:SOURCE_MAX],
                post_id=last.post_id,
                campaign_id=last.campaign_id,
            )
        )
    return touches


def _journey_touch_rows(store: Store, journey: Journey, touches: Sequence[_Touch]) -> list[JourneyTouch]:
    return [
        JourneyTouch(
            store=store,
            journey=journey,
            position=position,
            touchpoint_id=touch.touchpoint_id,
            kind=touch.kind,
            occurred_at=touch.occurred_at,
            channel=touch.channel,
            platform=touch.platform,
            post_id=touch.post_id,
            campaign_id=touch.campaign_id,
            source=touch.source,
        )
        for position, touch in enumerate(touches, start=1)
    ]


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
    return _journeys_build(store=store, order_ids=order_ids, now=now)[0]


@transaction.atomic
def _journeys_build(*, store: Store, order_ids: Iterable[int], now: dt.datetime | None = None) -> tuple[int, set[str]]:
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

    # The visitors of each order: its own, those whose checkout named it, those of its customer.
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
    all_visitors: set[str] = set()
    for order in orders:
        if order["customer_id"]:
            visitors[order["pk"]] |= customer_visitors[order["customer_id"]]
        all_visitors |= visitors[order["pk"]]

    # Every touchpoint any order of the batch may hold, once; each order takes its own below.
    start = min(order["created_at"] for order in orders) - window
    end = max(order["created_at"] for order in orders)
    rows = list(
        Touchpoint.objects.filter(store=store, occurred_at__gte=start, occurred_at__lte=end)
        .filter(Q(visitor_id__in=all_visitors) | Q(customer_id__in=customers))
        .exclude(kind=TouchKind.CHECKOUT)
        .order_by("occurred_at", "pk")
        .values(*_TOUCH_FIELDS)
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
    touches_of: list[list[_Touch]] = []
    for order in orders:
        low, high = order["created_at"] - window, order["created_at"]
        seen: dict[int, dict[str, Any]] = {}
        for visitor_id in visitors[order["pk"]]:
            for row in by_visitor.get(visitor_id, ()):
                if low <= row["occurred_at"] <= high:
                    seen[row["pk"]] = row
        for row in by_customer.get(order["customer_id"], ()) if order["customer_id"] else ():
            if low <= row["occurred_at"] <= high:
                seen[row["pk"]] = row
        own = sorted(seen.values(), key=lambda row: (row["occurred_at"], row["pk"]))
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
    Journey.objects.bulk_create(journeys, batch_size=BATCH_SIZE)
    JourneyTouch.objects.bulk_create(
        [
            row
            for journey, touches in zip(journeys, touches_of, strict=True)
            for row in _journey_touch_rows(store, journey, touches)
        ],
        batch_size=5000,
    )
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
    rows_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in (
        Touchpoint.objects.filter(store=store, visitor_id__in=wanted)
        .exclude(kind=TouchKind.CHECKOUT)
        .order_by("occurred_at", "pk")
        .values(*_TOUCH_FIELDS)
    ):
        after = converted_at.get(row["visitor_id"])
        if after is None or row["occurred_at"] > after:
            rows_of[row["visitor_id"]].append(row)
    Journey.objects.filter(store=store, order__isnull=True, visitor_id__in=wanted).delete()
    journeys: list[Journey] = []
    touches_of: list[list[_Touch]] = []
    for visitor_id in wanted:
        rows = rows_of.get(visitor_id)
        if not rows:
            continue
        low = rows[-1]["occurred_at"] - window
        touches = [_touch_from_row(row) for row in rows if row["occurred_at"] >= low][-MAX_TOUCHES:]
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
    Journey.objects.bulk_create(journeys, batch_size=BATCH_SIZE)
    JourneyTouch.objects.bulk_create(
        [
            row
            for journey, touches in zip(journeys, touches_of, strict=True)
            for row in _journey_touch_rows(store, journey, touches)
        ],
        batch_size=5000,
    )
    return len(journeys)


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
        count, visitors = _journeys_build(store=store, order_ids=pending, now=now)
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
