"""A merchant's retry of a post that gave up gives it the retry policy's full budget again; its history stays."""

import datetime as dt

import pytest
from django.utils import timezone

from platforms.constants import X
from sandbox.models import SandboxFault, SandboxPost
from social.models import AttemptOutcome, PostStatus
from social.services import post_create, post_publish, post_retry
from stores.actors import Actor, ActorKind
from tests.social.conftest import media_url

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manual_retry_restores_the_attempt_budget_and_keeps_the_attempts(store, owner, connections, settings):
    # given a two-attempt retry policy and an X post that used both against an X that answers only 5xx
    settings.SOCIAL_PUBLISH_MAX_ATTEMPTS = 2
    fault = SandboxFault.objects.create(platform=X, error_rate=1.0)
    post = post_create(
        store=store,
        platform=X,
        caption="Meet the Merino Trail Sock.",
        media_urls=[media_url(X)],
        scheduled_at=timezone.now() - dt.timedelta(seconds=1),
    )
    first = [post_publish(post_id=post.pk).outcome for _ in range(2)]
    post.refresh_from_db()
    assert (first, post.status, post.failure_reason) == (["retry", "failed"], PostStatus.FAILED, "gave_up")

    # when the merchant retries it and X still fails
    post_retry(post=post, actor=Actor.member(owner.memberships.get(store=store)))
    again = post_publish(post_id=post.pk)

    # then it is queued for another attempt rather than given up at once
    post.refresh_from_db()
    assert (again.outcome, post.status) == ("retry", PostStatus.SCHEDULED)
    assert (post.attempt_count, post.attempts_in_budget) == (3, 1)

    # when X recovers
    fault.delete()
    published = post_publish(post_id=post.pk)

    # then the post goes out once, and every attempt is still on record, numbered in order
    post.refresh_from_db()
    assert (published.outcome, post.status) == ("published", PostStatus.PUBLISHED)
    assert SandboxPost.objects.filter(platform=X).count() == 1
    assert list(post.attempts.values_list("number", "outcome")) == [
        (1, AttemptOutcome.TRANSIENT),
        (2, AttemptOutcome.TRANSIENT),
        (3, AttemptOutcome.TRANSIENT),
        (4, AttemptOutcome.PUBLISHED),
    ]
    assert post.events.filter(reason="Retry requested.", actor_kind=ActorKind.USER, actor_user=owner).count() == 1


def test_a_post_that_gives_up_again_after_a_retry_does_so_after_the_full_budget(store, connections, settings):
    # given a three-attempt policy and a post a merchant retried after it gave up, against an X that only fails
    settings.SOCIAL_PUBLISH_MAX_ATTEMPTS = 3
    SandboxFault.objects.create(platform=X, error_rate=1.0)
    post = post_create(
        store=store,
        platform=X,
        caption="Meet the Merino Trail Sock.",
        media_urls=[media_url(X)],
        scheduled_at=timezone.now() - dt.timedelta(seconds=1),
    )
    before = [post_publish(post_id=post.pk).outcome for _ in range(3)]
    post.refresh_from_db()
    post_retry(post=post)

    # when it is published until it stops
    after = [post_publish(post_id=post.pk).outcome for _ in range(4)]

    # then it used three more attempts, the last of which gave up, and the fourth call found nothing to do
    post.refresh_from_db()
    assert before == ["retry", "retry", "failed"]
    assert after == ["retry", "retry", "failed", "skipped"]
    assert (post.attempt_count, post.status) == (6, PostStatus.FAILED)
    assert post.last_error == post.attempts.get(number=6).error
    assert post.events.filter(reason__startswith="Gave up after 3 attempts:").count() == 2
