"""Read queries of the social app; everything a user reaches is scoped to a store."""

import calendar as calendar_module
import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from platforms.constants import PLATFORM_NAMES, SOCIAL_PLATFORMS
from platforms.registry import platform_limits as limits_of
from social.bounds import date_check
from social.models import ContentCalendar, PostMetrics, PostStatus, SocialPost
from stores.clock import store_date_of, store_days_bounds, store_today
from stores.models import Product, ProductStatus, Store


def post_get_for_store(*, store: Store, id: int) -> SocialPost:  # noqa: A002 - the styleguide's name
    post = SocialPost.objects.select_related("product", "calendar", "connection").filter(store=store, pk=id).first()
    if post is None:
        raise Http404("No such post.")
    return post


def calendar_get_for_store(*, store: Store, id: int) -> ContentCalendar:  # noqa: A002
    calendar = ContentCalendar.objects.select_related("product").filter(store=store, pk=id).first()
    if calendar is None:
        raise Http404("No such calendar.")
    return calendar


def products_for_planning(*, store: Store) -> QuerySet[Product]:
    return Product.objects.filter(store=store, status=ProductStatus.ACTIVE).only("id", "title").order_by("title")


def posts_list(*, store: Store, status: str = "", platform: str = "") -> QuerySet[SocialPost]:
    """The store's posts, newest plan first; one query per page whatever the size (product joined)."""
    posts = SocialPost.objects.filter(store=store).select_related("product")
    if status:
        posts = posts.filter(status=status)
    if platform:
        posts = posts.filter(platform=platform)
    return posts.order_by("-scheduled_at", "-id")


def calendar_posts(*, store: Store, start: dt.datetime, end: dt.datetime) -> list[SocialPost]:
    """Posts planned or published in [start, end): one query."""
    return list(
        SocialPost.objects.filter(store=store, scheduled_at__gte=start, scheduled_at__lt=end)
        .exclude(status=PostStatus.CANCELLED)
        .only("id", "platform", "status", "scheduled_at", "caption", "published_at", "title")
        .order_by("scheduled_at", "id")
    )


def calendar_grid(*, store: Store, view: str, anchor: dt.date) -> dict[str, Any]:
    """Weeks of days with their posts, for the week or month view: the store's days, each post on its store date.

    Refuses (OutOfRange, a 400) an ``anchor`` more than two years from the store's today.
    """
    date_check(store=store, value=anchor, what="The calendar's date")
    if view == "month":
        first = anchor.replace(day=1)
        start = first - dt.timedelta(days=first.weekday())
        last = anchor.replace(day=calendar_module.monthrange(anchor.year, anchor.month)[1])
        end = last + dt.timedelta(days=7 - last.weekday())
        previous = (first - dt.timedelta(days=1)).replace(day=1)
        following = last + dt.timedelta(days=1)
        title = f"{first:%B %Y}"
    else:
        start = anchor - dt.timedelta(days=anchor.weekday())
        end = start + dt.timedelta(days=7)
        previous, following = start - dt.timedelta(days=7), end
        title = f"Week of {start:%b %d, %Y}"
    first_utc, end_utc = store_days_bounds(store=store, first=start, last=end - dt.timedelta(days=1))
    posts = calendar_posts(store=store, start=first_utc, end=end_utc)
    by_day: dict[dt.date, list[SocialPost]] = {}
    for post in posts:
        by_day.setdefault(store_date_of(store=store, moment=post.scheduled_at), []).append(post)
    days = [start + dt.timedelta(days=n) for n in range((end - start).days)]
    weeks = [
        [
            {"date": day, "posts": by_day.get(day, []), "in_month": view != "month" or day.month == anchor.month}
            for day in days[i : i + 7]
        ]
        for i in range(0, len(days), 7)
    ]
    return {
        "view": view,
        "anchor": anchor,
        "title": title,
        "weeks": weeks,
        "previous": previous,
        "following": following,
        "today": store_today(store=store),
    }


def post_metrics_series(*, post: SocialPost) -> list[dict[str, Any]]:
    rows = PostMetrics.objects.filter(post=post).order_by("captured_at")
    return [
        {
            "at": row.captured_at.isoformat(),
            "impressions": row.impressions,
            "likes": row.likes,
            "comments": row.comments,
            "shares": row.shares,
            "saves": row.saves,
            "clicks": row.clicks,
        }
        for row in rows
    ]


def platform_limits() -> dict[str, dict[str, Any]]:
    """The limits the composer's counters show, per platform."""
    return {
        slug: {
            "name": PLATFORM_NAMES[slug],
            "caption": limits_of(slug).caption,
            "hashtags": limits_of(slug).hashtags,
            "title": limits_of(slug).title,
            "weighted": limits_of(slug).weighted,
        }
        for slug in SOCIAL_PLATFORMS
    }


def social_hub_tab(*, store: Store) -> dict[str, Any]:
    """Context for the hub's Social tab: status counts, what is next, what needs attention, what did best."""
    counts = Counter(
        dict(
            SocialPost.objects.filter(store=store)
            .values_list("status")
            .order_by()
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
    )
    now = timezone.now()
    upcoming = list(
        SocialPost.objects.filter(
            store=store, status=PostStatus.SCHEDULED, scheduled_at__gte=now - dt.timedelta(hours=1)
        )
        .only("id", "platform", "caption", "scheduled_at", "status")
        .order_by("scheduled_at")[:6]
    )
    attention = list(
        SocialPost.objects.filter(store=store, status__in=[PostStatus.FAILED, PostStatus.HELD])
        .only("id", "platform", "caption", "status", "last_error", "hold_reason", "scheduled_at")
        .order_by("-updated_at")[:6]
    )
    top = list(
        SocialPost.objects.filter(
            store=store, status=PostStatus.PUBLISHED, published_at__gte=now - dt.timedelta(days=30), impressions__gt=0
        )
        .only("id", "platform", "caption", "engagement_rate", "impressions", "published_at")
        .order_by("-engagement_rate")[:5]
    )
    return {
        "social_counts": {status.value: counts.get(status.value, 0) for status in PostStatus},
        "social_total": sum(counts.values()),
        "social_upcoming": upcoming,
        "social_attention": attention,
        "social_top": top,
    }
