"""Publishing to the sandbox's four organic platforms over real HTTP, exactly once."""

import datetime as dt

import pytest
from django.utils import timezone

from platforms.constants import INSTAGRAM, PINTEREST, TIKTOK, X
from sandbox.models import SandboxPost
from social.models import AttemptOutcome, PostStatus
from social.services import post_create, post_publish
from tests.social.conftest import media_url

pytestmark = pytest.mark.django_db(transaction=True)


def due_post(
    store, platform, caption="Meet the Merino Trail Sock. Shop now: https://shop.example.com/p?utm_content=m1"
):
    return post_create(
        store=store,
        platform=platform,
        caption=caption,
        title="Merino Trail Sock" if platform == PINTEREST else "",
        media_urls=[media_url(platform)],
        link="https://shop.example.com/p/sock?utm_content=m1",
        scheduled_at=timezone.now() - dt.timedelta(seconds=1),
    )


@pytest.mark.parametrize(
    "platform",
    [TIKTOK, INSTAGRAM, PINTEREST, X],
    ids=["a TikTok photo post", "an Instagram image", "a Pinterest pin", "an X post with an image"],
)
def test_a_due_post_is_published_once_at_the_platform(store, connections, platform):
    # given a scheduled post that is due
    post = due_post(store, platform)

    # when the publisher runs twice
    first = post_publish(post_id=post.pk)
    second = post_publish(post_id=post.pk)

    # then it is published once, with the platform's id, and the second run did nothing
    post.refresh_from_db()
    assert (first.outcome, second.outcome) == ("published", "skipped")
    assert post.status == PostStatus.PUBLISHED
    stored = SandboxPost.objects.get(platform=platform)
    assert post.external_id == stored.external_id
    assert list(post.attempts.values_list("outcome", flat=True)) == [AttemptOutcome.PUBLISHED]
    assert [e.to_status for e in post.events.all()] == ["draft", "scheduled", "publishing", "published"]
