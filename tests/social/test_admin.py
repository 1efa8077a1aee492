"""Django admin of posts: the status is read-only, and staff change it only through actions that call the lifecycle
services, each change an event by the staff member labelled "admin"."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from platforms.constants import X
from social import tasks
from social.models import PostStatus
from social.services import post_cancel
from social.services.posts import STAFF_HOLD
from stores.actors import Actor, ActorKind
from tests.factories import UserFactory
from tests.platform_fixtures import connect_store
from tests.social.factories import SocialPostFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/social/socialpost/"


@pytest.fixture
def staff(db):
    return UserFactory(email="staff@growthhub.test", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def connection(store):
    return connect_store(store, X, scopes=["tweet.write", "tweet.read", "users.read", "media.write"])


@pytest.fixture
def sent(monkeypatch):
    ids: list[int] = []
    monkeypatch.setattr(tasks.post_publish_task, "delay", ids.append)
    return ids


def act(client: Client, action: str, *posts) -> object:
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [post.pk for post in posts], "index": 0}, follow=True
    )


def staff_events(post, staff):
    return list(
        post.events.filter(actor_kind=ActorKind.USER, actor_user=staff, actor_label="admin")
        .order_by("id")
        .values_list("from_status", "to_status", "reason")
    )


def test_the_change_form_shows_the_status_as_text_and_its_form_has_no_status_field(staff_client, store, connection):
    # given a scheduled post
    post = SocialPostFactory(
        store=store, platform=X, connection=connection, status=PostStatus.SCHEDULED, scheduled_at=timezone.now()
    )

    # when its change form is opened
    response = staff_client.get(f"{CHANGELIST}{post.pk}/change/")

    # then the status is shown, but there is no field to change it with
    form = response.context["adminform"].form
    assert response.status_code == 200
    assert 'name="status"' not in response.content.decode()
    assert "status" not in form.fields
    assert {"hold_reason", "failure_reason", "next_attempt_at"}.isdisjoint(form.fields)
    assert "Scheduled" in response.content.decode()


def test_cancel_cancels_the_selected_posts_as_the_staff_member(staff_client, staff, store, connection):
    # given a draft and a scheduled post
    draft = SocialPostFactory(store=store, platform=X, connection=connection)
    scheduled = SocialPostFactory(
        store=store, platform=X, connection=connection, status=PostStatus.SCHEDULED, scheduled_at=timezone.now()
    )

    # when staff cancel both
    response = act(staff_client, "cancel_posts", draft, scheduled)

    # then both are cancelled, each with an event by the staff member in the admin
    assert "2 posts cancelled." in response.content.decode()
    for post, before in ((draft, PostStatus.DRAFT), (scheduled, PostStatus.SCHEDULED)):
        post.refresh_from_db()
        assert post.status == PostStatus.CANCELLED
        assert staff_events(post, staff) == [(before, PostStatus.CANCELLED, "Cancelled.")]
        assert post.events.get().actor_display == "staff@growthhub.test"


def test_a_refused_post_is_named_and_left_as_it_was_while_the_others_change(staff_client, staff, store, connection):
    # given a published post and a draft
    published = SocialPostFactory(
        store=store, platform=X, connection=connection, status=PostStatus.PUBLISHED, external_id="1001"
    )
    draft = SocialPostFactory(store=store, platform=X, connection=connection)

    # when staff cancel both
    body = act(staff_client, "cancel_posts", published, draft).content.decode()

    # then the draft is cancelled, the published post is named as refused and untouched
    published.refresh_from_db()
    draft.refresh_from_db()
    assert "1 post cancelled." in body
    assert f"Not changed: post {published.pk}: A published post cannot be cancelled." in body
    assert (published.status, published.events.count()) == (PostStatus.PUBLISHED, 0)
    assert draft.status == PostStatus.CANCELLED


def test_hold_then_release_queues_the_post_again_and_hands_a_due_one_to_the_publisher(
    staff_client, staff, store, connection, sent, django_capture_on_commit_callbacks
):
    # given a scheduled post due a minute ago
    post = SocialPostFactory(
        store=store,
        platform=X,
        connection=connection,
        status=PostStatus.SCHEDULED,
        scheduled_at=timezone.now() - dt.timedelta(minutes=1),
    )

    # when staff hold it
    with django_capture_on_commit_callbacks(execute=True):
        act(staff_client, "hold_posts", post)
    post.refresh_from_db()
    held = (post.status, post.hold_reason, post.failure_reason, list(sent))

    # and then release it
    with django_capture_on_commit_callbacks(execute=True):
        act(staff_client, "release_posts", post)

    # then it was held with the reason (nothing enqueued), then queued again and handed to the publish task once
    post.refresh_from_db()
    assert held == (PostStatus.HELD, "Held by Growth Hub staff.", STAFF_HOLD, [])
    assert (post.status, post.hold_reason, post.failure_reason) == (PostStatus.SCHEDULED, "", "")
    assert sent == [post.pk]
    assert staff_events(post, staff) == [
        (PostStatus.SCHEDULED, PostStatus.HELD, "Held by Growth Hub staff."),
        (PostStatus.HELD, PostStatus.SCHEDULED, "Released by Growth Hub staff."),
    ]


def test_release_of_a_post_that_is_not_held_changes_nothing(staff_client, store, connection):
    # given a scheduled post
    post = SocialPostFactory(
        store=store, platform=X, connection=connection, status=PostStatus.SCHEDULED, scheduled_at=timezone.now()
    )

    # when staff release it
    body = act(staff_client, "release_posts", post).content.decode()

    # then it is refused by name and stays as it was
    post.refresh_from_db()
    assert f"Not changed: post {post.pk}: A scheduled post is not held." in body
    assert (post.status, post.events.count()) == (PostStatus.SCHEDULED, 0)


def test_retry_queues_a_failed_post_with_a_fresh_budget(staff_client, staff, store, connection, sent):
    # given a post that gave up after three attempts
    post = SocialPostFactory(
        store=store,
        platform=X,
        connection=connection,
        status=PostStatus.FAILED,
        attempt_count=3,
        failure_reason="gave_up",
        scheduled_at=timezone.now() - dt.timedelta(hours=1),
    )

    # when staff retry it
    act(staff_client, "retry_posts", post)

    # then it is scheduled again with the full budget, by the staff member
    post.refresh_from_db()
    assert (post.status, post.attempts_at_retry, post.attempts_in_budget) == (PostStatus.SCHEDULED, 3, 0)
    assert staff_events(post, staff) == [(PostStatus.FAILED, PostStatus.SCHEDULED, "Retry requested.")]


def test_the_post_page_history_shows_who_acted(owner_client, owner, store, connection):
    # given a post cancelled by its owner
    post = SocialPostFactory(
        store=store, platform=X, connection=connection, status=PostStatus.SCHEDULED, scheduled_at=timezone.now()
    )
    post_cancel(post=post, actor=Actor.member(owner.memberships.get(store=store)))

    # when the post page is opened
    body = owner_client.get(f"/social/posts/{post.pk}/").content.decode()

    # then the history names the owner
    assert "<td>owner@northwind.test</td>" in body
