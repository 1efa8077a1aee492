"""Exactly once under failure: a sandbox that fails calls at random, and a worker killed mid-publish."""

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from platforms.constants import INSTAGRAM, PINTEREST, TIKTOK, X
from sandbox.models import SandboxFault, SandboxPost
from social.models import AttemptOutcome, PostStatus, SocialPost
from social.services import post_create, post_publish, posts_dispatch_due, publishing_watchdog
from social.services import publishing as publishing_module
from tests.social.conftest import media_url

pytestmark = pytest.mark.django_db(transaction=True)


def schedule(store, platform, n):
    return post_create(
        store=store,
        platform=platform,
        caption=f"Trail day {n}: the Merino Trail Sock keeps up. #merino",
        title=f"Merino Trail Sock {n}" if platform == PINTEREST else "",
        media_urls=[media_url(platform)],
        link=f"https://shop.example.com/p/sock?utm_content=fault{n}",
        scheduled_at=timezone.now() - dt.timedelta(seconds=1),
    )


def publish_in_worker_thread(post_id):
    try:
        return post_publish(post_id=post_id)
    finally:
        connection.close()


def run_publisher_until_idle(*, workers=8, timeout=240.0):
    """What beat and a pool of workers do: hand every due post to a worker, again until every post is published.

    Each round hands every due post to two workers at once, as a duplicated delivery would.
    """
    deadline = time.monotonic() + timeout
    with ThreadPoolExecutor(max_workers=workers) as pool:
        while SocialPost.objects.exclude(status=PostStatus.PUBLISHED).exists() and time.monotonic() < deadline:
            due = posts_dispatch_due()
            if not due:
                time.sleep(0.05)
                continue
            list(pool.map(publish_in_worker_thread, due + due))


def test_two_hundred_posts_under_faults_end_published_exactly_once(store, connections, settings):
    # given a sandbox failing 30 % of calls with a 5xx, 10 % with a 429 and some calls timing out after acting
    settings.SANDBOX_SOCIAL_DAILY_LIMITS = {TIKTOK: 1000, INSTAGRAM: 1000, PINTEREST: 1000, X: 1000}
    settings.SOCIAL_PUBLISH_MAX_ATTEMPTS = 1000
    # A read timeout well above a busy sandbox's answer time: the timeouts this test meets are the injected ones.
    settings.PLATFORM_HTTP_READ_TIMEOUT = 1.0
    settings.SOCIAL_AMBIGUOUS_SETTLE_SECONDS = 3.0  # longer than the sandbox takes to act on a request, even when busy
    SandboxFault.objects.create(
        platform="",
        error_rate=0.30,
        rate_limit_rate=0.10,
        retry_after_seconds=0,
        timeout_rate=0.04,
        timeout_seconds=1.2,
        seed=20261126,
    )
    posts = [schedule(store, platform, n) for platform in (TIKTOK, INSTAGRAM, PINTEREST, X) for n in range(50)]

    # when the publisher works through them
    run_publisher_until_idle()

    # then all 200 are published, the sandbox holds exactly 200 posts, each ours exactly once
    statuses = list(SocialPost.objects.order_by().values_list("status", flat=True).distinct())
    assert statuses == [PostStatus.PUBLISHED]
    assert SandboxPost.objects.count() == 200
    ours = set(SocialPost.objects.values_list("platform", "external_id"))
    theirs = set(SandboxPost.objects.values_list("platform", "external_id"))
    assert ours == theirs
    assert len(posts) == 200
    outcomes = set(
        SocialPost.objects.values_list("attempts__outcome", flat=True)
    )  # the run did meet failures and timeouts
    assert {AttemptOutcome.TRANSIENT, AttemptOutcome.RATE_LIMITED, AttemptOutcome.AMBIGUOUS} <= outcomes


@pytest.mark.parametrize(
    "platform",
    [TIKTOK, INSTAGRAM, PINTEREST, X],
    ids=["on TikTok", "on Instagram", "on Pinterest", "on X"],
)
def test_a_worker_killed_after_the_platform_call_does_not_publish_twice(store, connections, settings, platform):
    # given a post whose worker dies after the platform created it and before the database recorded that
    post = schedule(store, platform, 1)
    killed = mock.patch.object(publishing_module, "_record_success", side_effect=SystemExit("worker killed"))
    with killed, pytest.raises(SystemExit):
        post_publish(post_id=post.pk)
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHING
    assert SandboxPost.objects.filter(platform=platform).count() == 1

    # when the watchdog finds it stuck and the publish task runs again
    settings.SOCIAL_PUBLISHING_STUCK_SECONDS = 0
    stuck = publishing_watchdog()
    result = post_publish(post_id=post.pk)

    # then it is found at the platform, recorded as published, and not created a second time
    post.refresh_from_db()
    assert stuck == [post.pk]
    assert result.outcome == "found"
    assert post.status == PostStatus.PUBLISHED
    assert SandboxPost.objects.filter(platform=platform).count() == 1
    assert post.external_id == SandboxPost.objects.get(platform=platform).external_id
    assert list(post.attempts.values_list("outcome", flat=True)) == [AttemptOutcome.ABANDONED, AttemptOutcome.FOUND]


def test_a_post_still_publishing_recently_is_not_taken_by_another_worker(store, connections):
    # given a post another worker claimed a moment ago
    post = schedule(store, X, 1)
    SocialPost.objects.filter(pk=post.pk).update(status=PostStatus.PUBLISHING, publishing_started_at=timezone.now())

    # when the watchdog and a second publish run
    stuck = publishing_watchdog()
    result = post_publish(post_id=post.pk)

    # then nobody touches it and nothing reaches the platform
    assert (stuck, result.outcome) == ([], "skipped")
    assert SandboxPost.objects.count() == 0


def test_a_look_up_that_matches_another_posts_id_fails_this_post_instead_of_claiming_it(store, connections):
    # given an X post published, and a second post whose earlier attempt went unanswered
    first = schedule(store, X, 1)
    post_publish(post_id=first.pk)
    first.refresh_from_db()
    second = schedule(store, X, 2)
    SocialPost.objects.filter(pk=second.pk).update(attempt_count=1)
    second.attempts.create(store=store, number=1, outcome=AttemptOutcome.AMBIGUOUS, started_at=timezone.now())

    # when its look-up answers the first post's id
    with mock.patch("platforms.x.content.XContent.lookup", return_value=publishing_module.Published(first.external_id)):
        result = post_publish(post_id=second.pk)

    # then the second post fails with the reason and the first keeps its id
    second.refresh_from_db()
    assert (result.outcome, second.status, second.external_id) == ("failed", PostStatus.FAILED, "")
    assert (
        second.last_error
        == f"The platform's post {first.external_id} is already recorded for another post with the same text."
    )
