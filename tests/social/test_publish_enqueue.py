"""One place enqueues a post's publishing on commit: the post page's Publish now and Retry, a composer time that has
come, and the API all hand a due post to its publish task once their write commits; a rolled-back write or a post
not yet due enqueues nothing (the minute sweep takes those)."""

import datetime as dt
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone

from platforms.constants import X
from social import tasks
from social.models import PostStatus
from social.services import post_publish_enqueue_on_commit, post_publish_now
from stores.actors import Actor
from tests.platform_fixtures import connect_store
from tests.social.factories import SocialPostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def connection(store):
    return connect_store(store, X, scopes=["tweet.write", "tweet.read", "users.read", "media.write"])


@pytest.fixture
def sent(monkeypatch):
    """The post ids handed to the publish task."""
    ids: list[int] = []
    monkeypatch.setattr(tasks.post_publish_task, "delay", ids.append)
    return ids


def test_publish_now_on_the_post_page_enqueues_the_post_after_commit(
    owner_client, owner, store, connection, sent, django_capture_on_commit_callbacks
):
    # given a draft X post planned for three days from now
    post = SocialPostFactory(
        store=store, platform=X, connection=connection, scheduled_at=timezone.now() + dt.timedelta(days=3)
    )

    # when Publish now is pressed on its page
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = owner_client.post(f"/social/posts/{post.pk}/publish/")

    # then it is scheduled for now by the member, and one publish task was enqueued for it after the commit
    post.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, f"/social/posts/{post.pk}/")
    assert post.status == PostStatus.SCHEDULED
    assert post.scheduled_at <= timezone.now()
    assert post.events.get(reason="Publish now requested.").actor_user == owner
    assert (len(callbacks), sent) == (1, [post.pk])


def test_the_post_page_offers_publish_now_only_for_drafts_and_scheduled_posts(owner_client, store, connection):
    # given a draft and a published post
    draft = SocialPostFactory(store=store, platform=X, connection=connection)
    published = SocialPostFactory(
        store=store, platform=X, connection=connection, status=PostStatus.PUBLISHED, external_id="1"
    )

    # when their pages are opened
    draft_page = owner_client.get(f"/social/posts/{draft.pk}/").content.decode()
    published_page = owner_client.get(f"/social/posts/{published.pk}/").content.decode()

    # then only the draft's page has the button
    assert f'action="/social/posts/{draft.pk}/publish/"' in draft_page
    assert "/publish/" not in published_page


def test_publish_now_of_a_published_post_is_refused_and_enqueues_nothing(
    owner_client, store, connection, sent, django_capture_on_commit_callbacks
):
    # given a published post
    post = SocialPostFactory(
        store=store, platform=X, connection=connection, status=PostStatus.PUBLISHED, external_id="1001"
    )

    # when Publish now is posted for it
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = owner_client.post(f"/social/posts/{post.pk}/publish/")

    # then it is refused, the post is unchanged and no task was enqueued
    post.refresh_from_db()
    assert response.status_code == 400
    assert (post.status, post.external_id) == (PostStatus.PUBLISHED, "1001")
    assert (callbacks, sent) == ([], [])


def test_an_analyst_cannot_publish_now(client, analyst, store, connection, sent, django_capture_on_commit_callbacks):
    # given a draft post and a signed-in analyst
    post = SocialPostFactory(store=store, platform=X, connection=connection)
    client.force_login(analyst)

    # when the analyst posts Publish now
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(f"/social/posts/{post.pk}/publish/")

    # then it is refused and nothing changed or was enqueued
    post.refresh_from_db()
    assert response.status_code == 403
    assert post.status == PostStatus.DRAFT
    assert (callbacks, sent) == ([], [])


def test_a_rolled_back_publish_now_enqueues_nothing(owner, store, connection, sent, django_capture_on_commit_callbacks):
    # given a draft post
    post = SocialPostFactory(store=store, platform=X, connection=connection)
    actor = Actor.member(owner.memberships.get(store=store))

    # when it is published now and enqueued, but the transaction then fails
    failing = pytest.raises(RuntimeError)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, failing, transaction.atomic():
        post_publish_enqueue_on_commit(post_publish_now(post=post, actor=actor))
        raise RuntimeError("the request failed after the write")

    # then the post is still a draft and no task was enqueued
    post.refresh_from_db()
    assert post.status == PostStatus.DRAFT
    assert (callbacks, sent) == ([], [])


def test_retry_on_the_post_page_enqueues_the_failed_post_after_commit(
    owner_client, store, connection, sent, django_capture_on_commit_callbacks
):
    # given a failed post
    post = SocialPostFactory(
        store=store, platform=X, connection=connection, status=PostStatus.FAILED, last_error="Refused."
    )

    # when Retry is pressed
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(f"/social/posts/{post.pk}/retry/")

    # then it is queued again and handed to the publish task at once
    post.refresh_from_db()
    assert post.status == PostStatus.SCHEDULED
    assert sent == [post.pk]


def test_a_retry_that_must_wait_for_an_unanswered_send_to_settle_is_left_to_the_sweep(
    store, connection, sent, django_capture_on_commit_callbacks
):
    # given a scheduled post whose next attempt may only start in five minutes
    post = SocialPostFactory(
        store=store,
        platform=X,
        connection=connection,
        status=PostStatus.SCHEDULED,
        scheduled_at=timezone.now() - dt.timedelta(minutes=1),
        next_attempt_at=timezone.now() + dt.timedelta(minutes=5),
    )

    # when it is offered to the publish task
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queued = post_publish_enqueue_on_commit(post)

    # then nothing is enqueued: the minute sweep takes it once it is due
    assert (queued, callbacks, sent) == (False, [], [])


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [pytest.param(0, 1, id="a time that has come goes out now"), pytest.param(90, 0, id="a later time waits")],
)
def test_the_composer_enqueues_a_post_whose_time_has_come(
    owner_client, store, connection, sent, django_capture_on_commit_callbacks, minutes, expected
):
    # given a publishing time now or 90 minutes ahead, in the store's time
    when = timezone.localtime(timezone.now() + dt.timedelta(minutes=minutes), store.tzinfo)

    # when a post is composed with it
    form = {
        "platform": X,
        "caption": "Meet the Merino Trail Sock.",
        "media_kind": "image",
        "media_urls": "https://shop.example.com/sock.jpg",
        "scheduled_at": when.strftime("%Y-%m-%dT%H:%M"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post("/social/compose/", form)

    # then it is scheduled, and handed to the publish task only when its time has come
    assert response.status_code == 302
    post = store.social_posts.get()
    assert post.status == PostStatus.SCHEDULED
    assert sent == [post.pk] * expected


def test_a_broker_that_refuses_the_message_leaves_the_post_due_for_the_sweep(
    owner_client, store, connection, django_capture_on_commit_callbacks
):
    # given a draft post and a broker that refuses every message
    post = SocialPostFactory(store=store, platform=X, connection=connection)

    # when Publish now is pressed
    refusing = mock.patch.object(tasks.post_publish_task, "delay", side_effect=ConnectionError("broker down"))
    with refusing as delay, django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(f"/social/posts/{post.pk}/publish/")

    # then the page still answers, and the post stays scheduled and due for the minute sweep
    post.refresh_from_db()
    assert (response.status_code, delay.call_count) == (302, 1)
    assert post.status == PostStatus.SCHEDULED
    assert tasks.posts_dispatch_due() == [post.pk]
