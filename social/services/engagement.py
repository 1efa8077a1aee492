"""Engagement sync: metrics snapshots from each platform, hourly for young posts and daily until 30 days."""

import datetime as dt
import logging
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from platforms.content import Metrics
from platforms.errors import PlatformError
from social.clients import client_for
from social.models import ENGAGEMENT_FIELDS, PostMetrics, PostStatus, SocialPost
from social.services.posts import connection_for
from stores.connections import connection_record_error, connection_record_success
from stores.models import ConnectionStatus, PlatformConnection

logger = logging.getLogger(__name__)


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
    connection until the next run. Returns counts of synced posts and skipped connections.
    """
    groups: dict[int, list[SocialPost]] = defaultdict(list)
    connections: dict[int, PlatformConnection] = {}
    for post in posts_due_for_metrics(min_age=min_age, max_age=max_age):
        connection = post.connection or connection_for(store=post.store, platform=post.platform)
        if connection is None or connection.status != ConnectionStatus.ACTIVE:
            continue
        connections[connection.pk] = connection
        groups[connection.pk].append(post)
    synced = skipped = 0
    now = timezone.now()
    for connection_id, posts in groups.items():
        connection = connections[connection_id]
        try:
            results = client_for(connection).metrics([p.external_id for p in posts])
        except PlatformError as error:
            # An AuthExpired expires the connection (and holds its scheduled posts) through stores.
            connection_record_error(connection=connection, error=error)
            logger.warning("metrics sync failed", extra={"connection": connection_id, "error": str(error)})
            skipped += 1
            continue
        connection_record_success(connection=connection)
        for post in posts:
            if post.external_id in results:
                _store_snapshot(post, results[post.external_id], at=now)
                synced += 1
    return {"synced": synced, "skipped_connections": skipped}
