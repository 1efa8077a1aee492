"""Posts are the outbox of organic writes: a merchant's Publish now gives the whole attempt budget again, a lost
task message is delivered by the minute sweep, and unconfirmed posts show as being checked, not as failed."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from platforms.constants import PINTEREST, X
from sandbox.models import SandboxFault, SandboxPost
from social import tasks
from social.models import AttemptOutcome, PostStatus, SocialPost
from social.services import post_create, post_publish
from stores.actors import ActorKind
from stores.services import api_key_create
from tests.social.conftest import media_url
from tests.social.factories import SocialPostFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def api_post(client, owner, store):
    def call(path):
        _, raw = api_key_create(store=store, created_by=owner, name="publisher", role="admin")
        return client.post(path, HTTP_AUTHORIZATION=f"Bearer {raw}", content_type="application/json")

    return call


def in_process(task):
    """What a worker does with a message: run the task with its argument, here and now."""
    return lambda post_id: task.apply(args=(post_id,))


def due_pin(store):
    return post_create(
        store=store,
        platform=PINTEREST,
        caption="Meet the Merino Trail Sock.",
        title="Merino Trail Sock",
        media_urls=[media_url(PINTEREST)],
        scheduled_at=timezone.now() - dt.timedelta(seconds=1),
    )


def publish_until_it_stops(post, *, attempts):
    """Run ``attempts`` attempts, each as soon as the post allows one (its backoff taken as passed)."""
    outcomes = []
    for _ in range(attempts):
        SocialPost.objects.filter(pk=post.pk, status=PostStatus.SCHEDULED).update(next_attempt_at=None)
        outcomes.append(post_publish(post_id=post.pk).outcome)
    return outcomes


def test_publish_now_of_a_post_that_gave_up_gives_it_eight_more_attempts_with_backoff(
    api_post, store, connections, settings
):
    # given an eight-attempt policy with a 1-second backoff base, and a Pinterest whose board reads all fail
    settings.SOCIAL_PUBLISH_MAX_ATTEMPTS = 8
    settings.SOCIAL_RETRY_BASE_SECONDS = 1.0
    settings.SOCIAL_RETRY_MAX_SECONDS = 1000.0
    SandboxFault.objects.create(platform=PINTEREST, error_rate=1.0, path_contains="v5/boards")
    post = due_pin(store)
    first = publish_until_it_stops(post, attempts=8)
    post.refresh_from_db()
    assert (first[-1], post.status, post.failure_reason) == ("failed", PostStatus.FAILED, "gave_up")

    # when the merchant publishes it now through the API and Pinterest still fails
    response = api_post(f"/api/social/publish/{post.pk}")
    again = publish_until_it_stops(post, attempts=9)

    # then it made eight more attempts, backing off 1, 2, 4 ... 128 s (half to all of each step), then gave up
    post.refresh_from_db()
    assert response.status_code == 202
    assert again == ["retry"] * 7 + ["failed", "skipped"]
    assert (post.status, post.attempt_count, post.attempts_in_budget) == (PostStatus.FAILED, 16, 8)
    delays = list(post.attempts.filter(number__gt=8).order_by("number").values_list("retry_after_seconds", flat=True))
    assert len(delays) == 8
    for step, delay in enumerate(delays):
        assert 0.5 * 2**step <= delay <= 2**step
    assert set(post.attempts.values_list("outcome", flat=True)) == {AttemptOutcome.TRANSIENT}
    assert post.events.filter(reason="Publish now requested.", actor_kind=ActorKind.API).count() == 1
    assert SandboxPost.objects.count() == 0


def test_publish_now_of_a_published_post_is_refused_and_changes_nothing(api_post, store, connections):
    # given a published X post
    post = SocialPostFactory(
        store=store, platform=X, connection=connections[X], status=PostStatus.PUBLISHED, external_id="1001"
    )

    # when the API is asked to publish it now
    response = api_post(f"/api/social/publish/{post.pk}")

    # then it is a 400 naming why, and the post is unchanged
    post.refresh_from_db()
    assert (response.status_code, response.json()["detail"]) == (400, "A published post cannot be published now.")
    assert (post.status, post.external_id) == (PostStatus.PUBLISHED, "1001")


def test_a_publish_message_that_was_lost_is_delivered_by_the_minute_sweep(api_post, store, connections):
    # given a post published now through the API whose task message never reached the broker
    post = SocialPostFactory(
        store=store,
        platform=X,
        connection=connections[X],
        caption="Meet the Merino Trail Sock.",
        media_urls=[media_url(X)],
        scheduled_at=timezone.now() + dt.timedelta(days=2),
    )
    with mock.patch.object(tasks.post_publish_task, "delay") as lost:
        response = api_post(f"/api/social/publish/{post.pk}")
    post.refresh_from_db()
    assert (response.status_code, lost.call_count, post.status) == (202, 1, PostStatus.SCHEDULED)
    assert SandboxPost.objects.count() == 0

    # when the minute sweep runs (its publish tasks run here, as a worker would)
    with mock.patch.object(tasks.post_publish_task, "delay", side_effect=in_process(tasks.post_publish_task)):
        queued = tasks.posts_publish_due_task()

    # then the post went out exactly once
    post.refresh_from_db()
    assert (queued, post.status) == (1, PostStatus.PUBLISHED)
    assert SandboxPost.objects.filter(platform=X).count() == 1
    assert post.external_id == SandboxPost.objects.get(platform=X).external_id


def test_the_hub_and_the_post_list_show_unconfirmed_posts_as_being_checked_not_failed(owner_client, store):
    # given one unconfirmed, one failed and one held post
    now = timezone.now()
    SocialPostFactory(store=store, platform=PINTEREST, status=PostStatus.UNCONFIRMED, scheduled_at=now)
    SocialPostFactory(store=store, platform=X, status=PostStatus.FAILED, scheduled_at=now, last_error="Refused.")
    SocialPostFactory(store=store, platform=X, status=PostStatus.HELD, scheduled_at=now, hold_reason="Fix media.")

    # when the hub's social tab, the post list and the calendar are opened
    hub = owner_client.get("/hub/social/").content.decode()
    posts = owner_client.get("/social/posts/").content.decode()
    calendar = owner_client.get("/social/").content.decode()

    # then the unconfirmed post is counted apart from those needing attention, and shown as being checked
    assert '<div class="value">2</div><div class="label">Need attention (held or failed)</div>' in hub
    assert "1 unconfirmed</a>" in hub
    assert "Unconfirmed — checking with Pinterest" in posts
    assert "May be live; looked up before anything is sent again." in posts
    assert calendar.count("slot status-unconfirmed platform-pinterest") == 1
