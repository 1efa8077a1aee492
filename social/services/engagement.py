"""Engagement sync: metrics snapshots from each platform, hourly for young posts and daily until 30 days."""

import datetime as dt
import logging
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from platforms.content import Metrics
from platforms.errors import PlatformError
from social.clients import client_for
from social.metrics import LOOP_FAILURES
from social.models import ENGAGEMENT_FIELDS, PostMetrics, PostStatus, SocialPost
from social.services.loops import post_record_loop_failure
from stores.connections.selectors import connection_for
from stores.connections.services import (
    connection_record_error,
    connection_record_loop_failure,
    connection_record_success,
)
from stores.models import ConnectionStatus, PlatformConnection

logger = logging.getLogger(__name__)

LOOP = "engagement_sync"


def posts_due_for_metrics(*, min_age: dt.timedelta, max_age: dt.timedelta) -> list[SocialPost]:
    now = timezone.now()
    return list(
        SocialPost.objects.select_related("connection", "store")
        .filter(status=PostStatus.PUBLISHED, published_at__gt=now - max_age, published_at__lte=now - min_age)
        .exclude(external_id="")
        .order_by("store_id", "platform", "id")
    )


def engagement_rate(metrics: Metrics) -> float:
    interactions = metrics.likes + metrics.comments + metrics.shares + metrics.saves
    return round(interactions / metrics.impressions, 6) if metrics.impressions else 0.0


@transaction.atomic
def _store_snapshot(post: SocialPost, metrics: Metrics, *, at: dt.datetime) -> None:
    values = {name: getattr(metrics, name) for name in ENGAGEMENT_FIELDS}
    PostMetrics.objects.create(store_id=post.store_id, post=post, captured_at=at, **values)
    extra = {"permalink": metrics.extra["permalink"][:500]} if metrics.extra.get("permalink") else {}
    SocialPost.objects.filter(pk=post.pk).update(
        **values, **extra, engagement_rate=engagement_rate(metrics), metrics_synced_at=at
    )


def engagement_sync(*, min_age: dt.timedelta, max_age: dt.timedelta) -> dict[str, int]:
    """Read the metrics of every published post aged between ``min_age`` and ``max_age``, one batch per connection.

    A connection whose token is refused is marked expired and its posts skipped; other platform errors skip that
    connection until the next run. Any other failure is isolated: a connection whose batch fails is recorded on the
    connection (and skipped), a post whose snapshot fails is recorded on the post; the others are synced. Returns
    counts of synced posts and skipped connections.
    """
    groups: dict[int, list[SocialPost]] = defaultdict(list)
    connections: dict[int, PlatformConnection] = {}
    for post in posts_due_for_metrics(min_age=min_age, max_age=max_age):
        try:
            connection = post.connection or connection_for(store=post.store, platform=post.platform)
        except Exception as error:  # noqa: BLE001 - recorded on the post; the others are synced
            post_record_loop_failure(post_id=post.pk, loop=LOOP, error=error)
            continue
        if connection is None or connection.status != ConnectionStatus.ACTIVE:
            continue
        connections[connection.pk] = connection
        groups[connection.pk].append(post)
    synced = skipped = 0
    now = timezone.now()
    for connection_id, posts in groups.items():
        try:
            count = _connection_sync(connection=connections[connection_id], posts=posts, at=now)
        except Exception as error:  # noqa: BLE001 - recorded on the connection; the other connections are synced
            connection_record_loop_failure(connection_id=connection_id, loop=LOOP, error=error)
            count = None
        if count is None:
            skipped += 1
        else:
            synced += count
    return {"synced": synced, "skipped_connections": skipped}


def _connection_sync(*, connection: PlatformConnection, posts: list[SocialPost], at: dt.datetime) -> int | None:
    """One batch: the metrics of ``posts`` through ``connection``, each stored as a snapshot. Returns how many were
    stored, or None when the platform refused the batch (recorded on the connection's health)."""
    try:
        results = client_for(connection).metrics([p.external_id for p in posts])
    except PlatformError as error:
        # An AuthExpired expires the connection (and holds its scheduled posts) through stores.
        connection_record_error(connection=connection, error=error)
        logger.warning("metrics sync failed", extra={"connection": connection.pk, "error": str(error)})
        LOOP_FAILURES.labels(loop=LOOP).inc()
        return None
    connection_record_success(connection=connection)
    stored = 0
    for post in posts:
        if post.external_id not in results:
            continue
        try:
            _store_snapshot(post, results[post.external_id], at=at)
        except Exception as error:  # noqa: BLE001 - recorded on the post; the others are stored
            post_record_loop_failure(post_id=post.pk, loop=LOOP, error=error)
            continue
        stored += 1
    return stored
