"""What happens when a platform refuses: expired auth, rejected content, pre-flight holds, connection holds."""

import datetime as dt

import pytest
from django.utils import timezone

from platforms.constants import INSTAGRAM, PINTEREST, TIKTOK, X
from sandbox.models import SandboxFault, SandboxPost, SandboxToken
from social.models import AttemptOutcome, PostStatus
from social.services import (
    post_create,
    post_preflight,
    post_publish,
    post_retry,
    posts_hold_for_connection,
    posts_preflight_upcoming,
    posts_release_for_connection,
)
from stores.actors import ActorKind
from stores.exceptions import ApplicationError
from stores.models import ConnectionStatus
from tests.social.conftest import media_url

pytestmark = pytest.mark.django_db(transaction=True)


def due(store, platform, **overrides):
    fields = {
        "store": store,
        "platform": platform,
        "caption": "Meet the Merino Trail Sock.",
        "title": "Merino Trail Sock" if platform == PINTEREST else "",
        "media_urls": [media_url(platform)],
        "scheduled_at": timezone.now() - dt.timedelta(seconds=1),
    }
    return post_create(**{**fields, **overrides})


@pytest.mark.parametrize("platform", [TIKTOK, INSTAGRAM, PINTEREST, X], ids=["TikTok", "Instagram", "Pinterest", "X"])
def test_an_expired_token_fails_the_post_with_reconnect_and_marks_the_connection(store, connections, platform):
    # given a due post whose token the platform no longer accepts
    post = due(store, platform)
    SandboxToken.objects.filter(platform=platform).update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    # when it is published
    result = post_publish(post_id=post.pk)

    # then the post failed asking to reconnect, the connection is expired, and nothing was posted
    post.refresh_from_db()
    connection = connections[platform]
    connection.refresh_from_db()
    assert result.outcome == "failed"
    assert (post.status, post.failure_reason) == (PostStatus.FAILED, "reconnect")
    assert post.last_error.startswith(f"Reconnect {post.get_platform_display()}:")
    assert connection.status == ConnectionStatus.EXPIRED
    assert SandboxPost.objects.count() == 0


@pytest.mark.parametrize(
    ("platform", "caption", "reason"),
    [
        (TIKTOK, "x" * 4001, "description must be at most 4000 characters."),
        (INSTAGRAM, " ".join(f"#t{n}" for n in range(31)), "The caption has more than 30 hashtags."),
    ],
    ids=["TikTok refuses an overlong description", "Instagram refuses 31 hashtags"],
)
def test_content_the_platform_rejects_fails_with_its_reason(store, connections, platform, caption, reason):
    # given a due post the platform will refuse (our own limits bypassed, as an older post might be)
    post = due(store, platform)
    type(post).objects.filter(pk=post.pk).update(caption=caption)

    # when it is published, skipping our pre-flight caption check
    from social import preflight

    original = preflight.caption_problems
    preflight.caption_problems = lambda *a, **k: []
    try:
        result = post_publish(post_id=post.pk)
    finally:
        preflight.caption_problems = original

    # then it failed with the platform's own reason, and nothing was posted
    post.refresh_from_db()
    assert (result.outcome, post.status, post.last_error) == ("failed", PostStatus.FAILED, reason)
    assert SandboxPost.objects.count() == 0


def test_a_rate_limited_post_waits_for_retry_after(store, connections, settings):
    # given a platform answering 429 with Retry-After: 120
    SandboxFault.objects.create(platform=X, rate_limit_rate=1.0, retry_after_seconds=120)
    post = due(store, X)

    # when it is published
    result = post_publish(post_id=post.pk)

    # then it waits at least the platform's 120 s before its next attempt
    post.refresh_from_db()
    assert result.outcome == "retry"
    assert result.retry_in >= 120
    assert post.status == PostStatus.SCHEDULED
    assert post.next_attempt_at >= timezone.now() + dt.timedelta(seconds=119)
    assert list(post.attempts.values_list("outcome", flat=True)) == [AttemptOutcome.RATE_LIMITED]
    assert post_publish(post_id=post.pk).outcome == "skipped"


@pytest.mark.parametrize(
    ("platform", "media", "problem"),
    [
        (INSTAGRAM, "sock-1080x1350.png", "is image/png; Instagram takes image/jpeg."),
        (INSTAGRAM, "sock-1080x300.jpg", "Instagram accepts 0.80 to 1.91."),
        (X, "missing.gif", "answered HTTP 404."),
    ],
    ids=["a PNG on Instagram is held", "a too-wide image on Instagram is held", "an unreachable image is held"],
)
def test_pre_flight_holds_a_post_with_bad_media_before_its_time(store, connections, settings, platform, media, problem):
    # given a post due within the pre-flight window whose media the platform would refuse
    post = due(
        store,
        platform,
        media_urls=[f"{settings.SANDBOX_BASE_URL}/media/{media}"],
        scheduled_at=timezone.now() + dt.timedelta(minutes=30),
    )

    # when pre-flight runs
    counts = posts_preflight_upcoming()

    # then the post is held with the reason, and nothing reached the platform
    post.refresh_from_db()
    assert counts == {"checked": 1, "held": 1}
    assert post.status == PostStatus.HELD
    assert post.hold_reason.endswith(problem)
    assert SandboxPost.objects.count() == 0


def test_pre_flight_passes_a_good_post_and_does_not_check_it_again(store, connections):
    # given a good post due soon
    post = due(store, X, scheduled_at=timezone.now() + dt.timedelta(minutes=30))

    # when pre-flight runs twice
    first = posts_preflight_upcoming()
    second = posts_preflight_upcoming()

    # then it was checked once and stays scheduled
    post.refresh_from_db()
    assert (first, second) == ({"checked": 1, "held": 0}, {"checked": 0, "held": 0})
    assert post.status == PostStatus.SCHEDULED
    assert post_preflight(post=post) == []


def test_a_connection_that_goes_bad_holds_its_posts_and_a_reconnect_releases_them(store, connections):
    # given two scheduled X posts
    first = due(store, X, caption="One", scheduled_at=timezone.now() + dt.timedelta(hours=1))
    second = due(store, X, caption="Two", scheduled_at=timezone.now() + dt.timedelta(hours=2))

    # when the connection is refused and then reconnected
    held = posts_hold_for_connection(connection=connections[X], reason="Reconnect X: refresh refused.")
    statuses_while_held = {p.status for p in (first, second) if p.refresh_from_db() is None}
    released = posts_release_for_connection(connection=connections[X])

    # then both were held with the reason, then queued again at their own times
    first.refresh_from_db()
    assert (held, released) == (2, 2)
    assert statuses_while_held == {PostStatus.HELD}
    assert first.status == PostStatus.SCHEDULED
    assert [(e.actor_kind, e.actor_label) for e in first.events.order_by("id")][-2:] == [
        (ActorKind.SYSTEM, "connection"),
        (ActorKind.SYSTEM, "connection"),
    ]


def test_retry_is_refused_while_the_connection_is_expired(store, connections):
    # given a post failed with "reconnect" and its connection expired
    post = due(store, X)
    SandboxToken.objects.filter(platform=X).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    post_publish(post_id=post.pk)
    post.refresh_from_db()

    # when the merchant retries before reconnecting
    with pytest.raises(ApplicationError) as refusal:
        post_retry(post=post)

    # then it is refused with what to do, and the post stays failed
    post.refresh_from_db()
    assert refusal.value.code == "reconnect"
    assert post.status == PostStatus.FAILED


def test_a_post_held_by_pre_flight_for_an_expired_connection_is_released_by_the_reconnect(store, connections):
    # given a post due soon whose connection expired
    post = due(store, X, scheduled_at=timezone.now() + dt.timedelta(minutes=20))
    type(connections[X]).objects.filter(pk=connections[X].pk).update(status=ConnectionStatus.EXPIRED)
    posts_preflight_upcoming()
    post.refresh_from_db()
    assert (post.status, post.failure_reason) == (PostStatus.HELD, "connection")

    # when the merchant reconnects
    type(connections[X]).objects.filter(pk=connections[X].pk).update(status=ConnectionStatus.ACTIVE)
    released = posts_release_for_connection(connection=connections[X])

    # then the post is queued again
    post.refresh_from_db()
    assert (released, post.status) == (1, PostStatus.SCHEDULED)
