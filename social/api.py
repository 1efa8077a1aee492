"""The social agent's JSON API under /api/social/: plan a calendar, publish a post now, list posts."""

import datetime as dt
from typing import Annotated, Literal

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import BeforeValidator

from social.models import ContentCalendar
from social.selectors import post_get_for_store, posts_list
from social.services import (
    ChosenProduct,
    calendar_plan,
    calendar_plan_from_catalogue,
    calendar_schedule_all,
    post_publish_enqueue_on_commit,
    post_publish_now,
)
from stores.api_aliases import SOCIAL_PLATFORM_ALIASES, alias_resolver, aliases_described
from stores.api_auth import api_actor
from stores.api_pagination import BoundedPageNumberPagination
from stores.idempotency import idempotent
from stores.selectors import product_get_for_store

router = Router(tags=["social"])

# A platform by its slug, or by one of the aliases of ``stores.api_aliases`` (``twitter`` is ``x``).
Platform = Annotated[
    Literal["tiktok", "instagram", "pinterest", "x"], BeforeValidator(alias_resolver(SOCIAL_PLATFORM_ALIASES))
]
PLATFORMS_DESCRIPTION = (
    f"1 to 4 of tiktok, instagram, pinterest, x; also accepted: {aliases_described(SOCIAL_PLATFORM_ALIASES)}. "
    "Any other value is a 422."
)


EXAMPLE_LINK = (
    "https://shop.example.com/p/sock?utm_source=x&utm_medium=social&utm_campaign=sock-20261201&utm_content=gh1a2b3c4d"
)


class PostOut(Schema):
    id: int
    platform: str
    status: str
    title: str
    caption: str
    hashtags: list[str]
    link: str
    media_urls: list[str]
    scheduled_at: dt.datetime | None
    published_at: dt.datetime | None
    external_id: str
    permalink: str
    hold_reason: str
    last_error: str
    product_id: int | None
    calendar_id: int | None
    impressions: int
    likes: int
    comments: int
    shares: int
    saves: int
    clicks: int
    engagement_rate: float

    model_config = {
        "json_schema_extra": {
            "example": {
                "id": 42,
                "platform": "x",
                "status": "scheduled",
                "title": "",
                "caption": f"Meet Merino Trail Sock. Shop now: {EXAMPLE_LINK} #merino #hiking",
                "hashtags": ["merino", "hiking"],
                "link": EXAMPLE_LINK,
                "media_urls": ["http://localhost:8000/sandbox/media/p00001-1200x675.jpg"],
                "scheduled_at": "2026-12-01T14:45:00Z",
                "published_at": None,
                "external_id": "",
                "permalink": "",
                "hold_reason": "",
                "last_error": "",
                "product_id": 7,
                "calendar_id": 3,
                "impressions": 0,
                "likes": 0,
                "comments": 0,
                "shares": 0,
                "saves": 0,
                "clicks": 0,
                "engagement_rate": 0.0,
            }
        }
    }


class CalendarIn(Schema):
    product_id: int | None = Field(
        None,
        ge=1,
        description=(
            "The product to plan for. Leave it out to plan from the catalogue: the store's best sellers in stock "
            "(units sold in the last 30 days, ties by revenue, then newest; active products with stock only), up to "
            "3 of them taking turns over the calendar, named in `chosen_products`. With no product in stock that is "
            "a 400 (code `no_products_in_stock`) and nothing is created."
        ),
    )
    days: int = Field(7, ge=1, le=31)
    posts_per_day: int = Field(1, ge=1, le=4)
    platforms: list[Platform] = Field(..., min_length=1, max_length=4, description=PLATFORMS_DESCRIPTION)
    start_date: dt.date | None = Field(
        None,
        description=(
            "The first day, in the store's time zone: from today to two years ahead (anything else is a 400 naming "
            "the range). Default: tomorrow."
        ),
    )
    schedule: bool = Field(False, description="Schedule every post at once instead of leaving drafts to review.")

    model_config = {
        "json_schema_extra": {
            "example": {
                "product_id": 7,
                "days": 7,
                "posts_per_day": 2,
                "platforms": ["instagram", "x"],
                "start_date": "2026-12-01",
                "schedule": False,
            },
            "examples": [
                {"product_id": 7, "days": 7, "posts_per_day": 2, "platforms": ["instagram", "x"]},
                {"days": 7, "posts_per_day": 1, "platforms": ["instagram", "twitter"], "schedule": True},
            ],
        }
    }


class ChosenProductOut(Schema):
    id: int
    title: str
    units_sold: int = Field(..., description="units sold in the last 30 days")
    reason: str

    model_config = {
        "json_schema_extra": {
            "example": {
                "id": 7,
                "title": "Merino Trail Sock",
                "units_sold": 42,
                "reason": "best seller in stock: 42 sold in 30 days",
            }
        }
    }


class CalendarOut(Schema):
    id: int
    name: str
    status: str
    generator: str
    utm_campaign: str
    start_date: dt.date
    days: int
    posts_per_day: int
    platforms: list[str]
    posts: list[PostOut]
    chosen_products: list[ChosenProductOut] = Field(
        ..., description="the products chosen from the catalogue when no product_id was given; empty otherwise"
    )
    message: str = Field(..., description="what was planned, and from which products")

    model_config = {
        "json_schema_extra": {
            "example": {
                "id": 3,
                "name": "Merino Trail Sock · 7 days from Dec 01",
                "status": "draft",
                "generator": "builtin",
                "utm_campaign": "merino-trail-sock-20261201",
                "start_date": "2026-12-01",
                "days": 7,
                "posts_per_day": 2,
                "platforms": ["instagram", "x"],
                "posts": ["…28 posts as in GET /api/social/posts…"],
                "chosen_products": [],
                "message": "Planned 28 posts for “Merino Trail Sock”.",
            }
        }
    }


class PostFilters(Schema):
    status: str = Field("", max_length=16)
    platform: str = Field("", max_length=16)


def _chosen_out(choice: ChosenProduct) -> dict[str, object]:
    return {
        "id": choice.product.pk,
        "title": choice.product.title,
        "units_sold": choice.units_sold,
        "reason": choice.reason,
    }


def _calendar_out(calendar: ContentCalendar, *, chosen: list[ChosenProduct], message: str) -> dict[str, object]:
    calendar.refresh_from_db()
    return {
        **{
            f: getattr(calendar, f)
            for f in CalendarOut.model_fields
            if f not in ("posts", "chosen_products", "message")
        },
        "posts": list(calendar.posts.order_by("platform", "scheduled_at")),
        "chosen_products": [_chosen_out(choice) for choice in chosen],
        "message": message,
    }


@router.post("/calendar", response={201: CalendarOut}, summary="Plan a content calendar for a product or the catalogue")
@idempotent
def create_calendar(request: HttpRequest, payload: CalendarIn) -> Status:
    """Plans days × posts_per_day posts on each platform (drafts for review, or scheduled with `schedule: true`).

    With `product_id`, every post is about that product. Without it, the store's best sellers in stock take turns
    over the calendar and `chosen_products` says which and why; with none in stock it is a 400 (code
    `no_products_in_stock`) and nothing is created.

    Example requests: `{"product_id": 7, "days": 7, "posts_per_day": 2, "platforms": ["instagram", "x"]}`;
    from the catalogue: `{"days": 7, "platforms": ["instagram", "twitter"]}`
    """
    store, actor = request.store, api_actor(request)
    chosen: list[ChosenProduct] = []
    if payload.product_id is None:
        planned = calendar_plan_from_catalogue(
            store=store,
            days=payload.days,
            posts_per_day=payload.posts_per_day,
            platforms=list(payload.platforms),
            start_date=payload.start_date,
            actor=actor,
        )
        calendar, chosen, message = planned.calendar, planned.chosen, planned.message
    else:
        product = product_get_for_store(store=store, id=payload.product_id)
        calendar = calendar_plan(
            store=store,
            product=product,
            days=payload.days,
            posts_per_day=payload.posts_per_day,
            platforms=list(payload.platforms),
            start_date=payload.start_date,
            actor=actor,
        )
        message = f"Planned {calendar.posts.count()} posts for “{product.title}”."
    if payload.schedule:
        calendar_schedule_all(calendar=calendar, actor=actor)
    return Status(201, _calendar_out(calendar, chosen=chosen, message=message))


@router.post("/publish/{post_id}", response={202: PostOut}, summary="Publish a post now")
def publish_now(request: HttpRequest, post_id: int) -> Status:
    """Queues a draft, held, failed, unconfirmed or scheduled post to go out now, exactly once, with the full budget
    of attempts (`SOCIAL_PUBLISH_MAX_ATTEMPTS`); answers at once (202) and the post's status moves to `publishing`
    and `published` as the worker runs. A post that may already be live (`unconfirmed`, or an earlier attempt went
    unanswered) is looked up at the platform before anything is sent. A published or cancelled post is a 400.

    Example response: a post as in `GET /api/social/posts` with `"status": "scheduled"`.
    """
    post = post_get_for_store(store=request.store, id=post_id)
    with transaction.atomic():
        post = post_publish_now(post=post, actor=api_actor(request))
        post_publish_enqueue_on_commit(post)
    return Status(202, post)


@router.get("/posts", response=list[PostOut], summary="List posts")
@paginate(BoundedPageNumberPagination)
def list_posts(request: HttpRequest, filters: Query[PostFilters]) -> object:
    """The store's posts, newest first, 50 a page (`?page=2`); filter with `?status=failed&platform=x`.

    Example response: `{"items": [{"id": 42, "platform": "x", "status": "published", ...}], "count": 120}`
    """
    return posts_list(store=request.store, status=filters.status, platform=filters.platform)
