"""Engagement sync: metrics grow with time at the sandbox and come back into snapshots and post totals."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from platforms.constants import INSTAGRAM, PINTEREST, TIKTOK, X
from platforms.pinterest import content as pinterest_content
from sandbox.models import SandboxToken
from sandbox.social.engagement import sandbox_now
from social.models import PostMetrics, PostStatus, SocialPost
from social.services import engagement_sync, post_create, post_publish
from stores.models import ConnectionStatus
from tests.social.conftest import media_url

pytestmark = pytest.mark.django_db(transaction=True)


def published(store, platform, n=0):
    post = post_create(
        store=store,
        platform=platform,
        caption=f"Meet the Merino Trail Sock, look {n}.",
        title="Merino Trail Sock" if platform == PINTEREST else "",
        media_urls=[media_url(platform)],
        scheduled_at=timezone.now() - dt.timedelta(seconds=1),
    )
    assert post_publish(post_id=post.pk).outcome == "published"
    return post


def test_engagement_grows_over_hours_and_is_synced_for_every_platform(store, connections, settings, monkeypatch):
    # given one published post per platform, and time passing for Growth Hub as for the platforms (Pinterest is
    # asked for the days up to our today, so our clock must move too, or past 18:00 UTC both syncs end at midnight)
    posts = [published(store, platform) for platform in (TIKTOK, INSTAGRAM, PINTEREST, X)]
    monkeypatch.setattr(pinterest_content, "timezone", SimpleNamespace(now=sandbox_now))

    # when metrics are synced six hours and then two days after publishing
    settings.SANDBOX_CLOCK_OFFSET_SECONDS = 6 * 3600
    early = engagement_sync(min_age=dt.timedelta(0), max_age=dt.timedelta(days=7))
    settings.SANDBOX_CLOCK_OFFSET_SECONDS = 48 * 3600
    late = engagement_sync(min_age=dt.timedelta(0), max_age=dt.timedelta(days=7))

    # then every post has two snapshots, its impressions grew, and the totals on the post are the latest
    assert early == late == {"synced": 4, "skipped_connections": 0}
    for post in posts:
        snapshots = list(PostMetrics.objects.filter(post=post).order_by("captured_at"))
        post.refresh_from_db()
        assert len(snapshots) == 2
        assert 0 < snapshots[0].impressions < snapshots[1].impressions
        assert post.impressions == snapshots[1].impressions
        interactions = post.likes + post.comments + post.shares + post.saves
        assert post.engagement_rate == round(interactions / post.impressions, 6)
    assert SocialPost.objects.get(platform=INSTAGRAM).permalink.startswith("https://www.instagram.com/p/")


def test_some_posts_really_do_better_than_others(store, connections, settings):
    # given ten X posts published at the same moment
    posts = [published(store, X, n) for n in range(10)]

    # when their metrics are synced a day later
    settings.SANDBOX_CLOCK_OFFSET_SECONDS = 24 * 3600
    engagement_sync(min_age=dt.timedelta(0), max_age=dt.timedelta(days=7))

    # then their reach differs (hidden quality), and reading again gives the same numbers (deterministic)
    first = sorted(SocialPost.objects.values_list("impressions", flat=True))
    settings.SANDBOX_NOW = (timezone.now() + dt.timedelta(hours=24)).isoformat()
    engagement_sync(min_age=dt.timedelta(0), max_age=dt.timedelta(days=7))
    engagement_sync(min_age=dt.timedelta(0), max_age=dt.timedelta(days=7))
    pairs = [
        list(PostMetrics.objects.filter(post=p).order_by("-captured_at").values_list("impressions", flat=True)[:2])
        for p in posts
    ]
    assert len(set(first)) >= 9
    assert max(first) > 1.3 * min(first)
    assert all(a == b for a, b in pairs)


def test_historical_ids_are_answered_from_the_id_alone(store, connections, settings):
    # given a seeded historical X post published 40 days ago (an id in the reserved range)
    published_at = timezone.now() - dt.timedelta(days=20)
    external_id = f"9{int(published_at.timestamp()):010d}00001"
    post = SocialPost.objects.create(
        store=store,
        platform=X,
        connection=connections[X],
        caption="An old favourite",
        media_urls=[],
        status=PostStatus.PUBLISHED,
        published_at=published_at,
        external_id=external_id,
        historical=True,
    )

    # when the daily sync runs
    counts = engagement_sync(min_age=dt.timedelta(days=7), max_age=dt.timedelta(days=30))

    # then it got its metrics like any other post
    post.refresh_from_db()
    assert counts == {"synced": 1, "skipped_connections": 0}
    assert post.impressions > 0


def test_a_refused_token_during_sync_marks_the_connection_expired(store, connections):
    # given a published X post and then a token the platform stops accepting
    post = published(store, X)
    SandboxToken.objects.filter(platform=X).update(revoked_at=timezone.now())

    # when metrics are synced
    counts = engagement_sync(min_age=dt.timedelta(0), max_age=dt.timedelta(days=7))

    # then the connection is expired and no snapshot was written
    connections[X].refresh_from_db()
    assert counts == {"synced": 0, "skipped_connections": 1}
    assert connections[X].status == ConnectionStatus.EXPIRED
    assert PostMetrics.objects.filter(post=post).count() == 0
