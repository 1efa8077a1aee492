"""A real Celery worker (not eager) publishes a due post end to end through the sandbox."""

import datetime as dt

import pytest
from django.utils import timezone

from platforms.constants import X
from sandbox.models import SandboxPost
from social.models import PostStatus, SocialPost
from social.services import post_create
from social.tasks import posts_publish_due_task
from tests.platform_fixtures import connect_store
from tests.social.conftest import SCOPES, media_url

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_the_beat_task_hands_a_due_post_to_a_worker_that_publishes_it_once(store, celery_worker_process):
    # given an X connection and a post that is due
    connect_store(store, X, scopes=SCOPES[X])
    post = post_create(
        store=store,
        platform=X,
        caption="Worker-published Merino Trail Sock.",
        media_urls=[media_url(X)],
        scheduled_at=timezone.now() - dt.timedelta(seconds=1),
    )

    # when beat's publish sweep is sent to the worker
    posts_publish_due_task.delay()

    # then the worker publishes it, exactly once
    celery_worker_process.wait_until(
        lambda: SocialPost.objects.filter(pk=post.pk, status=PostStatus.PUBLISHED).exists(), timeout=30
    )
    post.refresh_from_db()
    assert SandboxPost.objects.filter(platform=X).count() == 1
    assert post.external_id == SandboxPost.objects.get(platform=X).external_id
