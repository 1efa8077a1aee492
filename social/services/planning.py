"""Content calendars: plan a product's posts across platforms, review them as drafts, then schedule them all."""

import datetime as dt
import zoneinfo
from collections import defaultdict

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
    platforms = [p for p in SOCIAL_PLATFORMS if p in set(platforms)]
    if product.store_id != store.pk:
        raise ApplicationError("That product is not in this store.", code="not_found")
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
    campaign = slugify(f"{product.title[:50]}-{start:%Y%m%d}")[:70] or f"calendar-{start:%Y%m%d}"
    brief = _brief(product, store=store)
    count = days * posts_per_day
    # The optional text backend is asked before the transaction opens: no row is locked while it thinks.
    wordings = llm_wordings(brief, platforms=platforms, count=count)
    with transaction.atomic():
        return _calendar_create(
            store=store,
            product=product,
            brief=brief,
            platforms=platforms,
            days=days,
            posts_per_day=posts_per_day,
            start=start,
            campaign=campaign,
            wordings=wordings,
            actor=actor,
            name=name,
        )


def _calendar_create(
    *,
    store: Store,
    product: Product,
    brief: ProductBrief,
    platforms: list[str],
    days: int,
    posts_per_day: int,
    start: dt.date,
    campaign: str,
    wordings: dict | None,
    actor: Actor,
    name: str,
) -> ContentCalendar:
    count = days * posts_per_day
    markers = [new_marker() for _ in range(count * len(platforms))]
    planned = plan_posts(
        brief,
        platforms=platforms,
        days=days,
        posts_per_day=posts_per_day,
        campaign=campaign,
        markers=markers,
        wordings=wordings,
    )
    calendar = ContentCalendar.objects.create(
        store=store,
        product=product,
        name=name or f"{product.title[:100]} · {days} days from {start:%b %d}",
        utm_campaign=campaign,
        start_date=start,
        days=days,
        posts_per_day=posts_per_day,
        platforms=platforms,
        generator="llm" if wordings else "builtin",
        created_by=actor.user,
    )
    slots = {p: _slots(store=store, platform=p, start=start, days=days, per_day=posts_per_day) for p in platforms}
    connections = {p: connection_for(store=store, platform=p) for p in platforms}
    for marker, item in zip(markers, planned, strict=True):
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
            marker=marker,
            scheduled_at=slots[item.platform][item.index],
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
