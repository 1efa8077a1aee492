"""The post lifecycle services and the thin tasks and views around them."""

import datetime as dt

import pytest
from django.utils import timezone

from platforms.constants import X
from social import tasks
from social.models import PostStatus, SocialPost
from social.services import post_cancel, post_create, post_schedule, post_update
from stores.exceptions import ApplicationError
from tests.platform_fixtures import connect_store
from tests.social.factories import SocialPostFactory

pytestmark = pytest.mark.django_db


def test_editing_a_held_post_queues_it_again(store):
    # given a post held by pre-flight
    connection = connect_store(store, X, scopes=["tweet.write"])
    post = SocialPostFactory(
        store=store,
        connection=connection,
        status=PostStatus.HELD,
        hold_reason="Bad image",
        scheduled_at=timezone.now() + dt.timedelta(hours=3),
    )

    # when the merchant fixes the caption and media
    post_update(post=post, caption="Fixed caption", media_urls=["https://shop.example.com/ok.jpg"])

    # then it is scheduled again with the hold cleared
    post.refresh_from_db()
    assert (post.status, post.hold_reason, post.caption) == (PostStatus.SCHEDULED, "", "Fixed caption")


@pytest.mark.parametrize(
    ("status", "action"),
    [(PostStatus.PUBLISHED, "edit"), (PostStatus.CANCELLED, "schedule"), (PostStatus.PUBLISHING, "cancel")],
    ids=[
        "a published post cannot be edited",
        "a cancelled post cannot be scheduled",
        "a post going out cannot be cancelled",
    ],
)
def test_lifecycle_refusals_change_nothing(store, status, action):
    # given a post in a state that does not allow the action
    post = SocialPostFactory(store=store, status=status, caption="Original")

    # when the action is tried
    with pytest.raises(ApplicationError):
        if action == "edit":
            post_update(post=post, caption="Changed")
        elif action == "schedule":
            post_schedule(post=post)
        else:
            post_cancel(post=post)

    # then the post is unchanged
    post.refresh_from_db()
    assert (post.status, post.caption) == (status, "Original")


def test_scheduling_without_a_connection_is_refused(store):
    post = SocialPostFactory(store=store, platform=X)
    with pytest.raises(ApplicationError, match="Connect X before scheduling posts to it."):
        post_schedule(post=post)
    post.refresh_from_db()
    assert post.status == PostStatus.DRAFT


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"platform": "myspace"}, "Choose TikTok, Instagram, Pinterest or X."),
        ({"media_urls": []}, "Add at least one image or video URL."),
        ({"media_kind": "hologram"}, "Choose image, video or carousel."),
    ],
    ids=["an unknown platform is refused", "a post without media is refused", "an unknown media kind is refused"],
)
def test_invalid_posts_are_refused_and_not_saved(store, fields, message):
    arguments = {"store": store, "platform": X, "caption": "Hi", "media_urls": ["https://a.example/x.jpg"], **fields}
    with pytest.raises(ApplicationError, match=message):
        post_create(**arguments)
    assert SocialPost.objects.count() == 0


def test_the_publish_sweep_hands_each_due_post_to_a_task(store, monkeypatch):
    # given two due posts and one not yet due
    connection = connect_store(store, X, scopes=["tweet.write"])
    now = timezone.now()
    due = [
        SocialPostFactory(
            store=store, connection=connection, status=PostStatus.SCHEDULED, scheduled_at=now - dt.timedelta(minutes=n)
        )
        for n in (1, 2)
    ]
    SocialPostFactory(
        store=store, connection=connection, status=PostStatus.SCHEDULED, scheduled_at=now + dt.timedelta(hours=1)
    )
    sent = []
    monkeypatch.setattr(tasks.post_publish_task, "delay", sent.append)

    # when beat's sweep runs
    count = tasks.posts_publish_due_task()

    # then each due post, oldest first, got its own task
    assert (count, sent) == (2, [due[1].pk, due[0].pk])


def test_a_retryable_outcome_re_enqueues_the_publish_task_for_when_it_is_due(monkeypatch):
    # given a publish that ends "retry in 30 s"
    from social.services.publishing import PublishResult

    monkeypatch.setattr(tasks, "post_publish", lambda post_id: PublishResult("retry", retry_in=30.0))
    queued = []
    monkeypatch.setattr(
        tasks.post_publish_task, "apply_async", lambda args, countdown: queued.append((args, countdown))
    )

    # when the task runs
    outcome = tasks.post_publish_task(7)

    # then it queued itself again for 30 s later
    assert (outcome, queued) == ("retry", [((7,), 30.0)])


def test_the_watchdog_task_recovers_stuck_posts(store, monkeypatch, settings):
    # given a post left in publishing long ago
    settings.SOCIAL_PUBLISHING_STUCK_SECONDS = 60
    post = SocialPostFactory(
        store=store, status=PostStatus.PUBLISHING, publishing_started_at=timezone.now() - dt.timedelta(minutes=5)
    )
    sent = []
    monkeypatch.setattr(tasks.post_publish_task, "delay", sent.append)

    # when the watchdog runs
    count = tasks.publishing_watchdog_task()

    # then the post is handed to a publish task
    assert (count, sent) == (1, [post.pk])


def test_the_periodic_sync_and_preflight_tasks_run_their_services(store):
    # given no posts, when each task runs, then each reports that it had nothing to do
    assert tasks.engagement_sync_hourly_task() == {"synced": 0, "skipped_connections": 0}
    assert tasks.engagement_sync_daily_task() == {"synced": 0, "skipped_connections": 0}
    assert tasks.posts_preflight_task() == {"checked": 0, "held": 0}


def test_the_post_edit_page_saves_the_new_text(owner_client, store):
    # given a draft
    post = SocialPostFactory(store=store, caption="Old", scheduled_at=timezone.now() + dt.timedelta(days=1))

    # when the edit page is opened and sent
    page = owner_client.get(f"/social/posts/{post.pk}/edit/")
    response = owner_client.post(
        f"/social/posts/{post.pk}/edit/",
        {
            "caption": "New words",
            "media_kind": "image",
            "media_urls": "https://shop.example.com/a.jpg",
            "scheduled_at": "2028-01-05T10:00",
        },
    )

    # then it was saved at the new local time
    post.refresh_from_db()
    assert (page.status_code, response.status_code) == (200, 302)
    assert post.caption == "New words"
    assert post.scheduled_at == dt.datetime(2028, 1, 5, 10, 0, tzinfo=store.tzinfo)


def test_the_plan_page_asks_for_products_first(owner_client, store):
    body = owner_client.get("/social/plan/").content.decode()
    assert f'Add products to <a href="/stores/{store.slug}/products/">the catalogue</a> or' in body
