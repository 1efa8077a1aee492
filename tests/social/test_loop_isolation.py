"""Every beat loop over posts isolates each post: one failure is logged, counted, recorded on that post, and the
loop goes on with the next."""

import datetime as dt

import pytest
from django.utils import timezone
from prometheus_client import REGISTRY

from platforms.constants import PINTEREST, X
from platforms.content import Metrics
from social import tasks
from social.models import PostEvent, PostMetrics, PostStatus
from social.services import engagement, posts_hold_for_connection, posts_release_for_connection, publishing
from social.services import posts as post_services
from social.services.posts import CONNECTION_HOLD
from stores.actors import ActorKind
from stores.models import ConnectionEvent
from tests.platform_fixtures import connect_store
from tests.social.factories import SocialPostFactory

pytestmark = pytest.mark.django_db


def failures(loop: str) -> float:
    return REGISTRY.get_sample_value("growth_social_loop_failures_total", {"loop": loop}) or 0.0


def connection_failures(loop: str) -> float:
    return REGISTRY.get_sample_value("growth_connection_loop_failures_total", {"loop": loop}) or 0.0


def fail_for(pk: int, passing=None):
    """A stand-in for a per-item call that raises for ``pk`` only (and otherwise calls ``passing``)."""

    def call(*args, **kwargs):
        item = kwargs.get("post") or (args[0] if args else None)
        item_id = getattr(item, "pk", item)
        if item_id == pk:
            raise ConnectionRefusedError("the broker refused the message")
        return passing(*args, **kwargs) if passing else None

    return call


def events(post, loop):
    rows = PostEvent.objects.filter(post=post, actor_kind=ActorKind.SYSTEM, actor_label=loop)
    return list(rows.values_list("from_status", "to_status", "reason"))


@pytest.fixture
def x_connection(store):
    return connect_store(store, X, scopes=["tweet.write", "tweet.read", "users.read", "media.write"])


def test_the_publish_sweep_queues_the_next_post_when_one_cannot_be_queued(store, x_connection, monkeypatch):
    # given two due posts, the first of which the broker refuses
    now = timezone.now()
    first, second = (
        SocialPostFactory(
            store=store,
            connection=x_connection,
            status=PostStatus.SCHEDULED,
            scheduled_at=now - dt.timedelta(minutes=m),
        )
        for m in (2, 1)
    )
    sent = []
    monkeypatch.setattr(tasks.post_publish_task, "delay", fail_for(first.pk, sent.append))
    before = failures("publish_sweep")

    # when beat's publish sweep runs
    count = tasks.posts_publish_due_task()

    # then the second post was queued, and the first carries the failure, still due for the next sweep
    reason = "The publish sweep could not queue this post; the next sweep tries again (ConnectionRefusedError)."
    assert (count, sent) == (1, [second.pk])
    first.refresh_from_db()
    assert (first.status, first.last_error) == (PostStatus.SCHEDULED, reason)
    assert events(first, "publish_sweep") == [("scheduled", "scheduled", reason)]
    assert failures("publish_sweep") == before + 1


def test_the_same_failure_again_is_recorded_on_the_post_once(store, x_connection, monkeypatch):
    # given a due post the broker keeps refusing
    post = SocialPostFactory(
        store=store, connection=x_connection, status=PostStatus.SCHEDULED, scheduled_at=timezone.now()
    )
    monkeypatch.setattr(tasks.post_publish_task, "delay", fail_for(post.pk))
    before = failures("publish_sweep")

    # when the sweep runs three times
    for _ in range(3):
        tasks.posts_publish_due_task()

    # then each failure was counted, and the post's history shows it once
    assert failures("publish_sweep") == before + 3
    assert len(events(post, "publish_sweep")) == 1


def test_the_watchdog_recovers_the_next_stuck_post_when_one_cannot_be_queued(
    store, x_connection, monkeypatch, settings
):
    # given two posts stuck in publishing, the first of which the broker refuses
    settings.SOCIAL_PUBLISHING_STUCK_SECONDS = 60
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    first, second = (
        SocialPostFactory(
            store=store, connection=x_connection, status=PostStatus.PUBLISHING, publishing_started_at=long_ago
        )
        for _ in range(2)
    )
    sent = []
    monkeypatch.setattr(tasks.post_publish_task, "delay", fail_for(first.pk, sent.append))
    before = failures("watchdog")

    # when the watchdog runs
    count = tasks.publishing_watchdog_task()

    # then the second post was handed on, and the first carries the failure
    reason = (
        "The publishing watchdog could not queue this post again; its next run tries again (ConnectionRefusedError)."
    )
    assert (count, sent) == (1, [second.pk])
    first.refresh_from_db()
    assert (first.status, first.last_error) == (PostStatus.PUBLISHING, reason)
    assert events(first, "watchdog") == [("publishing", "publishing", reason)]
    assert failures("watchdog") == before + 1


def test_the_preflight_sweep_checks_the_next_post_when_one_check_fails(store, x_connection, monkeypatch):
    # given two posts due within the pre-flight window, the check of the first one crashing
    now = timezone.now()
    first, second = (
        SocialPostFactory(
            store=store,
            connection=x_connection,
            status=PostStatus.SCHEDULED,
            scheduled_at=now + dt.timedelta(minutes=m),
        )
        for m in (5, 10)
    )
    monkeypatch.setattr(publishing, "preflight_problems", fail_for(first.pk, lambda post: []))
    before = failures("preflight_sweep")

    # when beat's pre-flight sweep runs
    counts = tasks.posts_preflight_task()

    # then the second post was checked, and the first is unchecked (so tried again) with the failure on it
    reason = "The pre-flight check could not run; the next sweep tries again (ConnectionRefusedError)."
    assert counts == {"checked": 1, "held": 0}
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.preflight_checked_at is not None
    assert (first.status, first.preflight_checked_at, first.last_error) == (PostStatus.SCHEDULED, None, reason)
    assert events(first, "preflight_sweep") == [("scheduled", "scheduled", reason)]
    assert failures("preflight_sweep") == before + 1


class FakeMetricsClient:
    """Answers metrics as given per external id; raises for a connection the test breaks."""

    def __init__(self, answers, broken=False):
        self.answers, self.broken = answers, broken

    def metrics(self, external_ids):
        if self.broken:
            raise ValueError("unreadable metrics answer")
        return {i: self.answers[i] for i in external_ids if i in self.answers}


def published_post(store, connection, external_id):
    return SocialPostFactory(
        store=store,
        connection=connection,
        platform=connection.platform,
        status=PostStatus.PUBLISHED,
        external_id=external_id,
        published_at=timezone.now() - dt.timedelta(hours=2),
    )


def test_engagement_sync_stores_the_next_post_when_one_snapshot_fails(store, x_connection, monkeypatch):
    # given two published posts, the platform answering an impossible (negative) count for the first
    first = published_post(store, x_connection, "1001")
    second = published_post(store, x_connection, "1002")
    answers = {"1001": Metrics(impressions=-5), "1002": Metrics(impressions=400, likes=20)}
    monkeypatch.setattr(engagement, "client_for", lambda connection: FakeMetricsClient(answers))
    before = failures("engagement_sync")

    # when the hourly sync runs
    counts = tasks.engagement_sync_hourly_task()

    # then the second post's snapshot is stored, and the first post has none and carries the failure as an event
    reason = "Its metrics could not be stored; the next sync tries again (IntegrityError)."
    assert counts == {"synced": 1, "skipped_connections": 0}
    assert list(PostMetrics.objects.values_list("post_id", "impressions", "likes")) == [(second.pk, 400, 20)]
    first.refresh_from_db()
    assert (first.impressions, first.metrics_synced_at, first.last_error) == (0, None, "")
    assert events(first, "engagement_sync") == [("published", "published", reason)]
    assert failures("engagement_sync") == before + 1


def test_engagement_sync_reads_the_next_connection_when_one_batch_fails(store, x_connection, monkeypatch):
    # given published posts on two connections, reading the first connection's batch crashing
    pinterest = connect_store(store, PINTEREST, scopes=["pins:read", "pins:write", "boards:read"])
    published_post(store, x_connection, "2001")
    fine = published_post(store, pinterest, "3001")
    answers = {"2001": Metrics(impressions=10), "3001": Metrics(impressions=70, saves=7)}
    monkeypatch.setattr(
        engagement,
        "client_for",
        lambda connection: FakeMetricsClient(answers, broken=connection.pk == x_connection.pk),
    )
    before = connection_failures("engagement_sync")

    # when the hourly sync runs
    counts = tasks.engagement_sync_hourly_task()

    # then the Pinterest post was synced, and the X connection carries the failure (still active)
    reason = "Metrics of its posts could not be read; the next sync tries again (ValueError)."
    assert counts == {"synced": 1, "skipped_connections": 1}
    assert list(PostMetrics.objects.values_list("post_id", "impressions", "saves")) == [(fine.pk, 70, 7)]
    x_connection.refresh_from_db()
    assert (x_connection.status, x_connection.last_error) == ("active", reason)
    assert list(ConnectionEvent.objects.filter(connection=x_connection).values_list("kind", "reason")) == [
        ("error", reason)
    ]
    assert connection_failures("engagement_sync") == before + 1


def test_a_connection_going_bad_holds_its_other_posts_when_one_hold_fails(store, x_connection, monkeypatch):
    # given two queued posts of a connection, holding the first one crashing
    now = timezone.now()
    first, second = (
        SocialPostFactory(
            store=store, connection=x_connection, status=PostStatus.SCHEDULED, scheduled_at=now + dt.timedelta(hours=h)
        )
        for h in (1, 2)
    )
    monkeypatch.setattr(post_services, "post_hold", fail_for(first.pk, post_services.post_hold))
    before = failures("connection_hold")

    # when the connection goes bad
    held = posts_hold_for_connection(connection=x_connection, reason="Reconnect X.")

    # then the second post is held, and the first carries the failure
    reason = "It could not be held when its connection went bad (ConnectionRefusedError)."
    assert held == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.status, second.hold_reason) == (PostStatus.HELD, "Reconnect X.")
    assert (first.status, first.last_error) == (PostStatus.SCHEDULED, reason)
    assert events(first, "connection_hold") == [("scheduled", "scheduled", reason)]
    assert failures("connection_hold") == before + 1


def test_a_connection_coming_back_releases_its_other_posts_when_one_release_fails(store, x_connection, monkeypatch):
    # given two posts held for the connection, queueing the first one again crashing
    later = timezone.now() + dt.timedelta(hours=3)
    first, second = (
        SocialPostFactory(
            store=store,
            connection=x_connection,
            status=PostStatus.HELD,
            failure_reason=CONNECTION_HOLD,
            hold_reason="Reconnect X.",
            scheduled_at=later + dt.timedelta(minutes=m),
        )
        for m in (0, 30)
    )
    monkeypatch.setattr(post_services, "post_transition", fail_for(first.pk, post_services.post_transition))
    before = failures("connection_release")

    # when the connection is reconnected
    released = posts_release_for_connection(connection=x_connection)

    # then the second post is queued again, and the first is still held with the failure on it
    reason = "It could not be queued again when its connection came back (ConnectionRefusedError)."
    assert released == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.status == PostStatus.SCHEDULED
    assert (first.status, first.hold_reason, first.last_error) == (PostStatus.HELD, "Reconnect X.", reason)
    assert events(first, "connection_release") == [("held", "held", reason)]
    assert failures("connection_release") == before + 1
