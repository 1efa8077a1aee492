"""Instagram's permalink is read right after publishing (GET /{ig-media-id}?fields=permalink), not left for the
first metrics sync; a failed read never turns a published post into a retry."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from platforms.constants import INSTAGRAM
from platforms.errors import Transient
from platforms.instagram.content import InstagramContent
from sandbox.models import SandboxPost
from social.models import PostStatus
from social.services import post_create, post_publish
from tests.social.conftest import media_url

pytestmark = pytest.mark.django_db(transaction=True)


def due_instagram_post(store):
    return post_create(
        store=store,
        platform=INSTAGRAM,
        caption="Meet the Merino Trail Sock.",
        media_urls=[media_url(INSTAGRAM)],
        scheduled_at=timezone.now() - dt.timedelta(seconds=1),
    )


def test_a_published_instagram_post_carries_its_permalink_before_any_metrics_sync(store, connections):
    # given a due Instagram post
    post = due_instagram_post(store)

    # when it is published
    result = post_publish(post_id=post.pk)

    # then it holds the permalink the platform gives for the media, with no metrics synced yet
    post.refresh_from_db()
    media = SandboxPost.objects.get(platform=INSTAGRAM)
    assert result.outcome == "published"
    assert post.external_id == media.external_id
    assert post.permalink == f"https://www.instagram.com/p/{media.external_id[-11:]}/"
    assert post.metrics_synced_at is None


def test_a_failed_permalink_read_leaves_the_post_published_once_without_it(store, connections):
    # given a due Instagram post, and Instagram failing the read of the new media's permalink only
    post = due_instagram_post(store)
    real_call = InstagramContent.call

    def call(self, method, path, *, params=None, data=None, **options):
        if method == "GET" and params == {"fields": "permalink"}:
            raise Transient("Please retry your request later.", platform=INSTAGRAM)
        return real_call(self, method, path, params=params, data=data, **options)

    # when it is published
    with mock.patch.object(InstagramContent, "call", call):
        result = post_publish(post_id=post.pk)

    # then it is published, exactly once, and waits for the metrics sync to learn its permalink
    post.refresh_from_db()
    assert (result.outcome, post.status, post.permalink) == ("published", PostStatus.PUBLISHED, "")
    assert SandboxPost.objects.filter(platform=INSTAGRAM).count() == 1
