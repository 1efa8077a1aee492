"""Content calendars: plan a product's posts across platforms, review them as drafts, then schedule them all."""

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from platforms.constants import INSTAGRAM, PINTEREST, PLATFORM_NAMES, SOCIAL_PLATFORMS, TIKTOK, X
from social.bounds import date_check
from social.models import CalendarStatus, ContentCalendar, PostStatus, SocialPost, new_marker
from social.planner import ProductBrief, llm_wordings, plan_posts
from social.services.posts import CONNECTION_HOLD, post_schedule
from social.services.transitions import post_hold, post_transition
from stores.actors import SYSTEM, Actor
from stores.clock import store_today
from stores.connections.selectors import connection_for
from stores.exceptions import ApplicationError
from stores.models import Product, Store
from stores.money import format_money
from stores.selectors import BEST_SELLER_WINDOW_DAYS, ProductSales, products_best_sellers_in_stock

MAX_DAYS = 31
MAX_POSTS_PER_DAY = 4
CALENDAR_NAME_MAX_LENGTH = ContentCalendar._meta.get_field("name").max_length
# Local hours that do well on each platform when the store has no history of its own yet.
DEFAULT_HOURS = {
    TIKTOK: [19, 12, 21, 9],
    INSTAGRAM: [11, 19, 13, 8],
    PINTEREST: [20, 14, 16, 10],
    X: [9, 12, 17, 15],
}
# Platforms post at different minutes of the hour, so a calendar's posts never go out at the same moment.
MINUTE_OFFSET = {TIKTOK: 0, INSTAGRAM: 15, PINTEREST: 30, X: 45}
# Media sizes the sandbox renders for each platform's preferred aspect.
SANDBOX_MEDIA_SIZE = {TIKTOK: "1080x1350", INSTAGRAM: "1080x1350", PINTEREST: "1000x1500", X: "1200x675"}
MIN_HISTORY_PER_HOUR = 3
# A calendar planned from the catalogue spreads its posts over at most this many best sellers.
CATALOGUE_PRODUCTS_MAX = 3


def best_hours(*, store: Store, platform: str, count: int) -> list[int]:
    """The local hours at which the store's posts on ``platform`` earned the highest mean engagement rate over the
    last year (hours with at least three posts), topped up with the platform's defaults."""
    tz = zoneinfo.ZoneInfo(store.timezone)
    since = timezone.now() - dt.timedelta(days=365)
    rates: dict[int, list[float]] = defaultdict(list)
    rows = SocialPost.objects.filter(
        store=store, platform=platform, status=PostStatus.PUBLISHED, published_at__gte=since, impressions__gt=0
    ).values_list("published_at", "engagement_rate")
    for published_at, rate in rows.iterator():
        rates[published_at.astimezone(tz).hour].append(rate)
    ranked = sorted(
        (hour for hour, values in rates.items() if len(values) >= MIN_HISTORY_PER_HOUR),
        key=lambda hour: (-sum(rates[hour]) / len(rates[hour]), hour),
    )
    hours = list(dict.fromkeys([*ranked, *DEFAULT_HOURS[platform]]))
    return sorted(hours[:count])


def media_for(product: Product, platform: str) -> list[str]:
    """The product's image; in sandbox mode the sandbox's rendered image, so the demo works offline."""
    if settings.PLATFORM_MODE == "sandbox":
        name = slugify(product.external_id or product.title)[:40] or "product"
        return [f"{settings.SANDBOX_BASE_URL.rstrip('/')}/media/{name}-{SANDBOX_MEDIA_SIZE[platform]}.jpg"]
    return [product.image_url] if product.image_url else []


def _brief(product: Product, *, store: Store) -> ProductBrief:
    """What the planner writes about ``product``; its price as the store's locale writes it ("$48.00", "¥1,200")."""
    price = format_money(product.price_minor, product.currency, store.locale) if product.price_minor else ""
    return ProductBrief(
        title=product.title,
        description=product.description,
        tags=tuple(str(t) for t in (product.tags or [])),
        category=product.category,
        price=price,
        url=product.url,
    )


def _slots(*, store: Store, platform: str, start: dt.date, days: int, per_day: int) -> list[dt.datetime]:
    """UTC times for days × per_day posts at the best local hours, clear of the store's other posts there."""
    tz = zoneinfo.ZoneInfo(store.timezone)
    hours = best_hours(store=store, platform=platform, count=per_day)
    first = dt.datetime.combine(start, dt.time(), tzinfo=tz).astimezone(dt.UTC)
    taken = set(
        SocialPost.objects.filter(
            store=store,
            platform=platform,
            status__in=[PostStatus.SCHEDULED, PostStatus.HELD, PostStatus.DRAFT],
            scheduled_at__gte=first - dt.timedelta(hours=1),
            scheduled_at__lt=first + dt.timedelta(days=days + 2),
        ).values_list("scheduled_at", flat=True)
    )
    earliest = timezone.now() + dt.timedelta(minutes=10)
    slots = []
    for day in range(days):
        date = start + dt.timedelta(days=day)
        for hour in hours:
            local = dt.datetime.combine(date, dt.time(hour, MINUTE_OFFSET[platform]), tzinfo=tz)
            when = local.astimezone(dt.UTC)
            while when < earliest or any(abs((when - other).total_seconds()) < 3600 for other in taken):
                when += dt.timedelta(hours=1)
            taken.add(when)
            slots.append(when)
    return slots


@dataclass(frozen=True)
class ChosenProduct:
    """A product the catalogue planner chose, with the numbers that earned it its place."""

    product: Product
    units_sold: int
    revenue_minor: int
    reason: str


@dataclass(frozen=True)
class CataloguePlan:
    """A calendar planned from the catalogue and the products it spreads its posts over, best seller first."""

    calendar: ContentCalendar
    chosen: list[ChosenProduct]

    @property
    def message(self) -> str:
        titles = ", ".join(f"“{choice.product.title}”" for choice in self.chosen)
        return f"Planned from your catalogue's best sellers in stock: {titles}."


@dataclass(frozen=True)
class _Share:
    """One product's part of a calendar: every ``len(shares)``-th slot of each platform, starting at its rank."""

    product: Product
    brief: ProductBrief
    wordings: dict | None


def _plan_check(
    *, store: Store, platforms: list[str], days: int, posts_per_day: int, start_date: dt.date | None, name: str
) -> tuple[list[str], dt.date]:
    """The platforms in their fixed order and the first day; refuses (ApplicationError) a plan out of bounds."""
    platforms = [p for p in SOCIAL_PLATFORMS if p in set(platforms)]
    if not platforms:
        raise ApplicationError("Choose at least one platform.", code="invalid_calendar")
    if len(name) > CALENDAR_NAME_MAX_LENGTH:
        raise ApplicationError(
            f"A calendar's name has at most {CALENDAR_NAME_MAX_LENGTH} characters.", code="invalid_calendar"
        )
    if not 1 <= days <= MAX_DAYS:
        raise ApplicationError(f"Plan between 1 and {MAX_DAYS} days.", code="invalid_calendar")
    if not 1 <= posts_per_day <= MAX_POSTS_PER_DAY:
        raise ApplicationError(f"Plan between 1 and {MAX_POSTS_PER_DAY} posts a day.", code="invalid_calendar")
    today = store_today(store=store)
    start = start_date or today + dt.timedelta(days=1)
    if start < today:
        raise ApplicationError(
            f"The calendar cannot start in the past: choose {today.isoformat()} or later ({store.timezone} time).",
            code="invalid_calendar",
        )
    date_check(store=store, value=start, what="The calendar's start date", earliest=today)
    return platforms, start


def _shares(*, store: Store, products: list[Product], platforms: list[str], count: int) -> list[_Share]:
    """Each product's brief and, from the optional text backend, wordings for its share of the ``count`` slots.

    The backend is asked here, before any transaction opens: no row is locked while it thinks."""
    shares = []
    for rank, product in enumerate(products):
        brief = _brief(product, store=store)
        wordings = llm_wordings(brief, platforms=platforms, count=_share_size(count, len(products), rank))
        shares.append(_Share(product=product, brief=brief, wordings=wordings))
    return shares


def _share_size(count: int, products: int, rank: int) -> int:
    """How many of ``count`` slots a product of ``rank`` gets when ``products`` take turns."""
    return len(range(rank, count, products))


def calendar_plan(
    *,
    store: Store,
    product: Product,
    days: int,
    posts_per_day: int,
    platforms: list[str],
    start_date: dt.date | None = None,
    actor: Actor = SYSTEM,
    name: str = "",
) -> ContentCalendar:
    """Plan a calendar of draft posts for review: days × posts_per_day on each platform. One transaction for the
    rows; the optional text backend is called before it."""
    if product.store_id != store.pk:
        raise ApplicationError("That product is not in this store.", code="not_found")
    platforms, start = _plan_check(
        store=store, platforms=platforms, days=days, posts_per_day=posts_per_day, start_date=start_date, name=name
    )
    campaign = slugify(f"{product.title[:50]}-{start:%Y%m%d}")[:70] or f"calendar-{start:%Y%m%d}"
    shares = _shares(store=store, products=[product], platforms=platforms, count=days * posts_per_day)
    with transaction.atomic():
        return _calendar_create(
            store=store,
            shares=shares,
            platforms=platforms,
            days=days,
            posts_per_day=posts_per_day,
            start=start,
            campaign=campaign,
            actor=actor,
            name=name or f"{product.title[:100]} · {days} days from {start:%b %d}",
        )


def _chosen(sales: ProductSales, *, window_days: int) -> ChosenProduct:
    units = sales.units_sold
    if units:
        reason = f"best seller in stock: {units} sold in {window_days} days"
    else:
        reason = f"in stock, newest in the catalogue: none sold in {window_days} days"
    return ChosenProduct(product=sales.product, units_sold=units, revenue_minor=sales.revenue_minor, reason=reason)


def calendar_plan_from_catalogue(
    *,
    store: Store,
    days: int,
    posts_per_day: int,
    platforms: list[str],
    start_date: dt.date | None = None,
    actor: Actor = SYSTEM,
    name: str = "",
    window_days: int = BEST_SELLER_WINDOW_DAYS,
) -> CataloguePlan:
    """Plan a calendar from the catalogue: the store's best sellers in stock (units sold in the last
    ``window_days``, ties by revenue, then newest; active products with stock only), at most
    ``CATALOGUE_PRODUCTS_MAX`` and no more than the calendar has slots, taking turns slot by slot on every platform.

    Refuses (ApplicationError, nothing written) a store with no active product in stock, and a plan out of bounds.
    """
    platforms, start = _plan_check(
        store=store, platforms=platforms, days=days, posts_per_day=posts_per_day, start_date=start_date, name=name
    )
    count = days * posts_per_day
    best_sellers = products_best_sellers_in_stock(
        store=store, limit=min(CATALOGUE_PRODUCTS_MAX, count), days=window_days
    )
    if not best_sellers:
        raise ApplicationError(
            "No active product is in stock: add products to the catalogue or connect your store first.",
            code="no_products_in_stock",
        )
    chosen = [_chosen(sales, window_days=window_days) for sales in best_sellers]
    shares = _shares(store=store, products=[sales.product for sales in best_sellers], platforms=platforms, count=count)
    with transaction.atomic():
        calendar = _calendar_create(
            store=store,
            shares=shares,
            platforms=platforms,
            days=days,
            posts_per_day=posts_per_day,
            start=start,
            campaign=f"best-sellers-{start:%Y%m%d}",
            actor=actor,
            name=name or f"Best sellers · {days} days from {start:%b %d}",
        )
    return CataloguePlan(calendar=calendar, chosen=chosen)


def _calendar_create(
    *,
    store: Store,
    shares: list[_Share],
    platforms: list[str],
    days: int,
    posts_per_day: int,
    start: dt.date,
    campaign: str,
    actor: Actor,
    name: str,
) -> ContentCalendar:
    """The calendar and its draft posts; slot n of each platform goes to ``shares[n % len(shares)]``."""
    count = days * posts_per_day
    turns = len(shares)
    planned_by_share = []
    markers_by_share = []
    for rank, share in enumerate(shares):
        size = _share_size(count, turns, rank)
        markers = [new_marker() for _ in range(size * len(platforms))]
        planned = plan_posts(
            share.brief,
            platforms=platforms,
            days=size,
            posts_per_day=1,
            campaign=campaign,
            markers=markers,
            wordings=share.wordings,
        )
        planned_by_share.append({(item.platform, item.index): item for item in planned})
        markers_by_share.append(dict(zip(((item.platform, item.index) for item in planned), markers, strict=True)))
    calendar = ContentCalendar.objects.create(
        store=store,
        product=shares[0].product,
        name=name,
        utm_campaign=campaign,
        start_date=start,
        days=days,
        posts_per_day=posts_per_day,
        platforms=platforms,
        generator="llm" if any(share.wordings for share in shares) else "builtin",
        created_by=actor.user,
    )
    slots = {p: _slots(store=store, platform=p, start=start, days=days, per_day=posts_per_day) for p in platforms}
    connections = {p: connection_for(store=store, platform=p) for p in platforms}
    for platform in platforms:
        for slot in range(count):
            rank, turn = slot % turns, slot // turns
            item = planned_by_share[rank][(platform, turn)]
            product = shares[rank].product
            post = SocialPost.objects.create(
                store=store,
                product=product,
                calendar=calendar,
                platform=item.platform,
                connection=connections[item.platform],
                title=item.title,
                caption=item.caption,
                hashtags=item.hashtags,
                call_to_action=item.call_to_action,
                media_kind=item.media_kind,
                media_urls=media_for(product, item.platform) or item.media_urls,
                alt_text=item.alt_text,
                link=item.link,
                marker=markers_by_share[rank][(platform, turn)],
                scheduled_at=slots[item.platform][slot],
                created_by=calendar.created_by,
            )
            post_transition(post=post, to=PostStatus.DRAFT, actor=actor, reason="Planned.")
    return calendar


@transaction.atomic
def calendar_schedule_all(*, calendar: ContentCalendar, actor: Actor = SYSTEM) -> dict[str, int]:
    """Schedule every draft of the calendar; posts for a platform with no connection are held with the reason."""
    calendar = ContentCalendar.objects.select_for_update().get(pk=calendar.pk)
    scheduled = held = 0
    for post in calendar.posts.select_related("store", "connection").filter(status=PostStatus.DRAFT):
        if connection_for(store=calendar.store, platform=post.platform) is None:
            reason = f"Connect {PLATFORM_NAMES[post.platform]} to publish this post."
            post_hold(post=post, reason=reason, code=CONNECTION_HOLD, actor=actor)
            held += 1
            continue
        post_schedule(post=post, actor=actor, reason="Scheduled with its calendar.")
        scheduled += 1
    calendar.status = CalendarStatus.SCHEDULED
    calendar.save(update_fields=["status"])
    return {"scheduled": scheduled, "held": held}
