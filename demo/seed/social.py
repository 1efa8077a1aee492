"""The demo store's year of published organic posts on TikTok, Instagram, Pinterest and X, with metrics history.

Consistent with the sandbox by construction: each post gets an id in the reserved historical range
(``simulation.social_engagement.historical_external_id``: ``9`` + its publish time + a sequence), and every snapshot is
``simulation.social_engagement.engagement`` for that id at that time with the sandbox's seed. The sandbox answers
metrics for such ids from the id alone, so a later engagement sync of a seeded post reads the same curve on.

Posts go out at each platform's usual hours with some spread, a few a week per platform, for the store's active
products; captions come from the built-in generator within each platform's limits. Snapshots are taken hourly for
the first day's first hours, then daily for a week, then at 14 and 30 days, as the sync would have. Bulk inserts;
everything drawn from ``random.Random(f"{seed}:social")``.
"""

import datetime as dt
import random
from typing import NamedTuple

from django.db import transaction

from demo.seed.plan import DemoSeedPlan, ProgressFactory
from platforms.constants import INSTAGRAM, PINTEREST, SOCIAL_PLATFORMS, TIKTOK, X
from simulation.social_engagement import engagement, engagement_seed, historical_external_id
from social.models import (
    ENGAGEMENT_FIELDS,
    ContentCalendar,
    PostEvent,
    PostMetrics,
    PostStatus,
    PublishAttempt,
    SocialPost,
)
from social.planner import ProductBrief, builtin_wording, compose, fit_title
from social.services.engagement import engagement_rate
from social.services.planning import DEFAULT_HOURS, media_for
from stores.actors import Actor
from stores.connections.selectors import connection_for
from stores.exceptions import ApplicationError
from stores.links import tag_link
from stores.models import PlatformConnection, Product, ProductStatus, Store

POSTS_PER_WEEK = {TIKTOK: 4, INSTAGRAM: 5, PINTEREST: 4, X: 6}
SNAPSHOT_HOURS = (1, 3, 6, 12, 24, 48, 72, 96, 120, 144, 168, 336, 720)
# Who published the seeded history, as each post's event records it.
DEMO_HISTORY = Actor.system("demo")


class PlannedPost(NamedTuple):
    """A post to seed: its platform, product and publish time, and its sequence number ``n`` in the year."""

    platform: str
    product: Product
    published_at: dt.datetime
    n: int


def _brief(product: Product) -> ProductBrief:
    return ProductBrief(
        title=product.title,
        description=product.description,
        tags=tuple(str(t) for t in product.tags or []),
        category=product.category,
        price=f"{product.price_minor / 100:,.2f} {product.currency}",
        url=product.url,
    )


def demo_social_seed(*, plan: DemoSeedPlan, progress: ProgressFactory) -> str:
    """Seed step: a year of published posts with their metrics history. Refuses a store that already has posts."""
    store = plan.store
    if SocialPost.objects.filter(store=store).exists():
        raise ApplicationError("The demo store already has social posts; reset it first.", code="demo_not_empty")
    products = list(Product.objects.filter(store=store, status=ProductStatus.ACTIVE).order_by("external_id"))
    if not products:
        raise ApplicationError("Seed the demo store's products before its posts.", code="demo_no_products")
    connections = {p: connection_for(store=store, platform=p) for p in SOCIAL_PLATFORMS}
    planned = _plan_posts(plan=plan, products=products, rng=random.Random(f"{plan.seed}:social"))
    seed = engagement_seed()
    posts: list[SocialPost] = []
    snapshots: list[list[PostMetrics]] = []
    with progress("social posts", len(planned)) as bar:
        for planned_post in planned:
            rows = _snapshots(plan=plan, planned=planned_post, seed=seed)
            posts.append(_post(plan=plan, planned=planned_post, connections=connections, snapshots=rows))
            snapshots.append(rows)
            bar.update()
    created, metrics = _write_posts(store=store, posts=posts, snapshots=snapshots)
    return f"{len(created)} published posts with {metrics} metrics snapshots"


def _plan_posts(*, plan: DemoSeedPlan, products: list[Product], rng: random.Random) -> list[PlannedPost]:
    """A few posts a week per platform at its usual hours with some spread, each for a random active product."""
    tz = plan.store.tzinfo
    days = (plan.end - plan.start).days
    planned: list[PlannedPost] = []
    for day in range(days):
        date = (plan.start + dt.timedelta(days=day)).astimezone(tz).date()
        for platform in SOCIAL_PLATFORMS:
            if rng.random() < POSTS_PER_WEEK[platform] / 7:
                hour = rng.choice(DEFAULT_HOURS[platform][:3]) + rng.choice((-1, 0, 0, 1))
                local = dt.datetime.combine(date, dt.time(hour % 24, rng.randrange(0, 60)), tzinfo=tz)
                published_at = local.astimezone(dt.UTC)
                if published_at < plan.end:
                    planned.append(PlannedPost(platform, rng.choice(products), published_at, len(planned)))
    return planned


def _snapshots(*, plan: DemoSeedPlan, planned: PlannedPost, seed: int) -> list[PostMetrics]:
    """The post's metrics as the sync would have read them at each of SNAPSHOT_HOURS up to the end of the plan."""
    external_id = historical_external_id(planned.published_at, planned.n)
    video = planned.platform == TIKTOK
    rows = []
    for hours in SNAPSHOT_HOURS:
        at = planned.published_at + dt.timedelta(hours=hours)
        if at > plan.end:
            break
        counts = engagement(planned.platform, external_id, planned.published_at, at=at, seed=seed, video=video)
        values = {f: getattr(counts, f) for f in ENGAGEMENT_FIELDS}
        rows.append(PostMetrics(store=plan.store, captured_at=at, **values))
    return rows


def _post(
    *,
    plan: DemoSeedPlan,
    planned: PlannedPost,
    connections: dict[str, PlatformConnection | None],
    snapshots: list[PostMetrics],
) -> SocialPost:
    """The published post, its caption from the built-in generator and its totals from the latest snapshot."""
    platform, product, published_at, n = planned.platform, planned.product, planned.published_at, planned.n
    link = tag_link(product.url, platform=platform, campaign="always-on", content=f"demo{n}")
    wording = builtin_wording(_brief(product), platform, n)
    caption, tags = compose(platform, wording, link=link)
    latest = snapshots[-1] if snapshots else None
    totals = {f: getattr(latest, f) if latest else 0 for f in ENGAGEMENT_FIELDS}
    return SocialPost(
        store=plan.store,
        product=product,
        platform=platform,
        connection=connections.get(platform),
        title=fit_title(_brief(product), n) if platform == PINTEREST else "",
        caption=caption,
        hashtags=tags,
        call_to_action=wording.cta[:120],
        media_kind="image",
        media_urls=media_for(product, platform),
        alt_text=product.title[:490],
        link=link,
        marker=f"demo{plan.seed}x{n}",
        status=PostStatus.PUBLISHED,
        scheduled_at=published_at,
        published_at=published_at,
        attempt_count=1,
        external_id=historical_external_id(published_at, n),
        historical=True,
        metrics_synced_at=latest.captured_at if latest else None,
        engagement_rate=engagement_rate(latest) if latest else 0.0,
        **totals,
    )


@transaction.atomic
def _write_posts(
    *, store: Store, posts: list[SocialPost], snapshots: list[list[PostMetrics]]
) -> tuple[list[SocialPost], int]:
    """Bulk-insert the posts, their snapshots and one event each; returns the posts and the number of snapshots."""
    created = SocialPost.objects.bulk_create(posts, batch_size=500)
    metrics = []
    for post, rows in zip(created, snapshots, strict=True):
        for row in rows:
            row.post = post
            metrics.append(row)
    PostMetrics.objects.bulk_create(metrics, batch_size=2000)
    PostEvent.objects.bulk_create(
        [
            PostEvent(
                store=store,
                post=post,
                from_status="",
                to_status=PostStatus.PUBLISHED,
                **DEMO_HISTORY.row_fields(),
                reason="Published before Growth Hub (demo history).",
            )
            for post in created
        ],
        batch_size=2000,
    )
    return created, len(metrics)


@transaction.atomic
def demo_social_reset(*, store: Store) -> None:
    """Delete the store's posts, their attempts, snapshots and events, and its calendars."""
    PostMetrics.objects.filter(store=store).delete()
    PostEvent.objects.filter(store=store).delete()
    PublishAttempt.objects.filter(store=store).delete()
    SocialPost.objects.filter(store=store).delete()
    ContentCalendar.objects.filter(store=store).delete()
