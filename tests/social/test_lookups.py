"""A create the platform acted on but did not answer is found by the next attempt, on every organic platform.

The sandbox acts on the create and then answers a 5xx, or answers too late for the client's read timeout. Each
caption is longer than the platform's title field, carries surrounding whitespace, a decomposed (non-NFC) accent
and a link, and the platform keeps it its own way (TikTok cuts a photo's title to 90 characters, X trims,
NFC-normalises and shows the link as t.co), so the look-up must match what the platform stores.
"""

import datetime as dt
import time

import pytest
from django.utils import timezone

from platforms.constants import INSTAGRAM, PINTEREST, TIKTOK, X
from sandbox.models import SandboxFault, SandboxPost
from social.models import AttemptOutcome, PostStatus, SocialPost
from social.services import post_create, post_publish
from tests.social.conftest import media_url

pytestmark = pytest.mark.django_db(transaction=True)

# "Café" written as "Cafe" plus a combining acute accent: what a macOS clipboard or some editors produce.
DECOMPOSED = "Cafe\u0301"
LINK = "https://shop.example.com/p/merino-trail-sock?utm_source=social"
LONG = (
    f"  {DECOMPOSED} mornings on the ridge: the Merino Trail Sock keeps feet warm and dry for every mile, "
    f"from the first frost to the last descent. Find yours at {LINK} #merino #trail  \n"
)
SHORT_X = f"  {DECOMPOSED} mornings on the ridge: the Merino Trail Sock keeps up for every mile. {LINK} #merino \n"

# The create call of each platform, which the sandbox fails after acting; the look-ups stay healthy.
CREATE_PATH = {
    TIKTOK: "/v2/post/publish/content/init/",
    INSTAGRAM: "/media_publish",
    PINTEREST: "/v5/pins",
    X: "/2/tweets",
}
PLATFORMS = [TIKTOK, INSTAGRAM, PINTEREST, X]
PLATFORM_IDS = ["TikTok photo", "Instagram", "Pinterest", "X"]


def schedule(store, platform):
    post = post_create(
        store=store,
        platform=platform,
        caption=SHORT_X if platform == X else LONG,
        title="Merino Trail Sock" if platform == PINTEREST else "",
        media_urls=[media_url(platform)],
        link=LINK if platform == PINTEREST else "",
        scheduled_at=timezone.now() - dt.timedelta(seconds=1),
    )
    assert post.marker not in post.caption + post.link  # found by its text as the platform keeps it, not a marker
    return post


def wait_for_sandbox_posts(platform, count, *, timeout=5.0):
    """The number of posts the sandbox holds for ``platform``, once it is ``count`` or ``timeout`` seconds passed."""
    deadline = time.monotonic() + timeout
    while (held := SandboxPost.objects.filter(platform=platform).count()) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return held


def publish_again_once_due(post):
    SocialPost.objects.filter(pk=post.pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    return post_publish(post_id=post.pk)


def assert_found_once(post, platform, result):
    post.refresh_from_db()
    assert result.outcome == "found"
    assert post.status == PostStatus.PUBLISHED
    created = SandboxPost.objects.filter(platform=platform)
    assert created.count() == 1
    assert post.external_id == created.get().external_id
    assert list(post.attempts.order_by("number").values_list("outcome", flat=True)) == [
        AttemptOutcome.AMBIGUOUS,
        AttemptOutcome.FOUND,
    ]


@pytest.mark.parametrize("platform", PLATFORMS, ids=PLATFORM_IDS)
def test_a_create_answered_with_a_5xx_after_the_platform_acted_is_found_and_not_made_twice(
    store, connections, settings, platform
):
    # given a sandbox whose create call acts and then answers a 5xx
    settings.SOCIAL_AMBIGUOUS_SETTLE_SECONDS = 0
    fault = SandboxFault.objects.create(platform=platform, error_after_rate=1.0, path_contains=CREATE_PATH[platform])
    post = schedule(store, platform)

    # when the first attempt gets the 5xx
    first = post_publish(post_id=post.pk)

    # then the platform holds the post although the answer was an error, and the attempt is taken as unanswered
    assert first.outcome == "retry"
    assert SandboxPost.objects.filter(platform=platform).count() == 1
    assert post.attempts.get().outcome == AttemptOutcome.AMBIGUOUS

    # when the platform is healthy again and the next attempt runs
    SandboxFault.objects.filter(pk=fault.pk).update(enabled=False)
    result = publish_again_once_due(post)

    # then it finds the post by what the platform stored, and creates nothing more
    assert_found_once(post, platform, result)


@pytest.mark.parametrize("platform", PLATFORMS, ids=PLATFORM_IDS)
def test_a_create_that_timed_out_after_the_platform_acted_is_found_and_not_made_twice(
    store, connections, settings, platform
):
    # given a sandbox whose create call acts and answers only after the client stopped waiting
    settings.PLATFORM_HTTP_READ_TIMEOUT = 0.5
    settings.SOCIAL_AMBIGUOUS_SETTLE_SECONDS = 0
    fault = SandboxFault.objects.create(
        platform=platform, timeout_rate=1.0, timeout_seconds=0.8, path_contains=CREATE_PATH[platform]
    )
    post = schedule(store, platform)

    # when the first attempt times out
    first = post_publish(post_id=post.pk)

    # then the post exists at the platform (once the sandbox, still in the request the client gave up on, has
    # acted: on a busy machine that can take longer than the read timeout) and the attempt is recorded as unanswered
    assert first.outcome == "retry"
    assert wait_for_sandbox_posts(platform, 1) == 1
    assert post.attempts.get().outcome == AttemptOutcome.AMBIGUOUS

    # when the next attempt runs
    SandboxFault.objects.filter(pk=fault.pk).update(enabled=False)
    result = publish_again_once_due(post)

    # then the look-up finds it (a TikTok photo by its description, not its 90-character title)
    assert_found_once(post, platform, result)


def test_the_sandbox_keeps_each_caption_as_the_platform_does(store, connections, settings):
    # given the four posts published without faults
    posts = {platform: schedule(store, platform) for platform in PLATFORMS}

    # when they are published
    results = {platform: post_publish(post_id=post.pk).outcome for platform, post in posts.items()}

    # then each platform keeps the text its own way: trimmed, a TikTok photo title cut to 90, X in NFC
    assert results == dict.fromkeys(PLATFORMS, "published")
    tiktok = SandboxPost.objects.get(platform=TIKTOK)
    assert tiktok.text == LONG.strip()
    assert tiktok.title == LONG.strip()[:90].rstrip()
    assert len(tiktok.title) <= 90
    assert SandboxPost.objects.get(platform=INSTAGRAM).text == LONG.strip()
    assert SandboxPost.objects.get(platform=PINTEREST).text == LONG.strip()
    x_post = SandboxPost.objects.get(platform=X)
    assert x_post.text == SHORT_X.strip().replace(DECOMPOSED, "Caf\u00e9")


def test_an_x_post_refused_as_a_duplicate_of_itself_is_found_instead_of_failed(store, connections):
    # given an X post that an earlier send created although nothing recorded that send as unanswered
    post = schedule(store, X)
    first = post_publish(post_id=post.pk)
    assert first.outcome == "published"
    external_id = SandboxPost.objects.get(platform=X).external_id
    SocialPost.objects.filter(pk=post.pk).update(status=PostStatus.SCHEDULED, external_id="", published_at=None)

    # when it is published again and X refuses the repeated text
    result = post_publish(post_id=post.pk)

    # then the refusal is answered by a look-up that finds the post: published once, not failed
    post.refresh_from_db()
    assert result.outcome == "published"
    assert post.status == PostStatus.PUBLISHED
    assert post.external_id == external_id
    assert SandboxPost.objects.filter(platform=X).count() == 1
