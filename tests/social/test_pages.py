"""The social pages: calendar, planning, preview and schedule all, composer, post page, lists, retry, cancel."""

import datetime as dt

import pytest
from django.utils import timezone

from platforms.constants import INSTAGRAM, X
from social.models import ContentCalendar, PostMetrics, PostStatus, SocialPost
from stores.actors import ActorKind
from tests.factories import ProductFactory, StoreFactory
from tests.platform_fixtures import connect_store
from tests.social.factories import SocialPostFactory

pytestmark = pytest.mark.django_db


def test_the_week_calendar_shows_posts_with_their_status_colours(owner_client, store):
    # given a scheduled and a failed post this week
    now = timezone.now()
    SocialPostFactory(store=store, status=PostStatus.SCHEDULED, scheduled_at=now, caption="Scheduled one")
    SocialPostFactory(store=store, status=PostStatus.FAILED, scheduled_at=now, caption="Failed one")
    SocialPostFactory(store=StoreFactory(), status=PostStatus.SCHEDULED, scheduled_at=now, caption="Not ours")

    # when the calendar is opened, then as an htmx fragment for the month
    page = owner_client.get("/social/")
    fragment = owner_client.get("/social/?view=month", HTTP_HX_REQUEST="true")

    # then both posts show with their status classes, and the other store's does not
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count("slot status-scheduled platform-x") == 1
    assert body.count("slot status-failed platform-x") == 1
    assert "Not ours" not in body
    assert fragment.content.decode().startswith('\n<section id="calendar-body"')


def test_planning_a_calendar_from_the_page_leads_to_its_preview(owner_client, store):
    # given a product
    product = ProductFactory(store=store, title="Merino Trail Sock")

    # when the plan form is sent
    response = owner_client.post(
        "/social/plan/",
        {"product": product.pk, "days": 2, "posts_per_day": 1, "platforms": [X, INSTAGRAM], "start_date": "2028-01-31"},
    )

    # then four drafts were planned and the preview shows them
    calendar = ContentCalendar.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/social/calendars/{calendar.pk}/"
    preview = owner_client.get(response["Location"])
    assert preview.content.decode().count('class="card post-preview') == 4
    assert calendar.posts.filter(status=PostStatus.DRAFT).count() == 4


def test_schedule_all_from_the_preview(owner_client, store):
    # given a planned X calendar of a connected store
    product = ProductFactory(store=store)
    connect_store(store, X, scopes=["tweet.write"])
    owner_client.post("/social/plan/", {"product": product.pk, "days": 3, "posts_per_day": 1, "platforms": [X]})
    calendar = ContentCalendar.objects.get()

    # when "Schedule all" is pressed
    response = owner_client.post(f"/social/calendars/{calendar.pk}/schedule/")

    # then the three posts are scheduled
    assert response.status_code == 302
    assert calendar.posts.filter(status=PostStatus.SCHEDULED).count() == 3


def test_an_analyst_cannot_plan_and_nothing_is_created(client, analyst, store):
    # given an analyst and a product
    client.force_login(analyst)
    product = ProductFactory(store=store)

    # when the analyst sends the plan form
    response = client.post("/social/plan/", {"product": product.pk, "days": 2, "posts_per_day": 1, "platforms": [X]})

    # then it is refused and nothing was planned
    assert response.status_code == 403
    assert ContentCalendar.objects.count() == 0


def test_the_composer_saves_a_scheduled_post_in_the_store_time_zone(owner_client, store):
    # given an X connection
    connect_store(store, X, scopes=["tweet.write"])

    # when a post is composed for 09:30 local time
    response = owner_client.post(
        "/social/compose/",
        {
            "platform": X,
            "caption": "Hello trail",
            "media_kind": "image",
            "media_urls": "https://shop.example.com/a.jpg",
            "scheduled_at": "2028-05-01T09:30",
        },
    )

    # then it is scheduled at that local time
    post = SocialPost.objects.get()
    assert response.status_code == 302
    assert post.status == PostStatus.SCHEDULED
    assert post.scheduled_at == dt.datetime(2028, 5, 1, 9, 30, tzinfo=store.tzinfo)


def test_the_composer_refuses_a_caption_over_the_limit_and_saves_nothing(owner_client, store):
    # given nothing
    # when an X post of 300 characters is composed
    response = owner_client.post(
        "/social/compose/",
        {"platform": X, "caption": "a" * 300, "media_kind": "image", "media_urls": "https://shop.example.com/a.jpg"},
    )

    # then it is refused with the limit and nothing was saved
    assert response.status_code == 400
    assert "The caption is 300 characters; the limit is 280." in response.content.decode()
    assert SocialPost.objects.count() == 0


def test_the_composer_page_carries_the_limits_for_its_counters(owner_client):
    # when the composer is opened
    response = owner_client.get("/social/compose/")

    # then the limits and the counter script are on the page, with no inline script
    body = response.content.decode()
    assert "&quot;weighted&quot;: true" in body
    assert "/static/js/social.js" in body
    assert "<script>" not in body


def test_the_post_page_shows_metrics_over_time(owner_client, store):
    # given a published post with two snapshots
    post = SocialPostFactory(
        store=store, status=PostStatus.PUBLISHED, external_id="123", published_at=timezone.now(), impressions=900
    )
    for n, impressions in enumerate((400, 900)):
        PostMetrics.objects.create(
            store=store, post=post, captured_at=timezone.now() + dt.timedelta(hours=n), impressions=impressions
        )

    # when its page is opened
    response = owner_client.get(f"/social/posts/{post.pk}/")

    # then the chart gets both snapshots and Chart.js is loaded from our own static files
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("&quot;impressions&quot;: ") == 2
    assert "/static/vendor/chart-4.6.1.umd.min.js" in body


def test_another_stores_post_page_is_not_found(owner_client):
    # given a post of another store
    post = SocialPostFactory(store=StoreFactory())

    # when it is opened
    response = owner_client.get(f"/social/posts/{post.pk}/")

    # then it does not exist for this user
    assert response.status_code == 404


def test_a_failed_post_is_retried_from_its_page(owner_client, store):
    # given a post that failed on a rejected caption, with a healthy connection
    connection = connect_store(store, X, scopes=["tweet.write"])
    post = SocialPostFactory(
        store=store, connection=connection, status=PostStatus.FAILED, last_error="Duplicate", failure_reason="rejected"
    )

    # when retry is pressed
    response = owner_client.post(f"/social/posts/{post.pk}/retry/")

    # then it is scheduled for now
    post.refresh_from_db()
    assert response.status_code == 302
    assert post.status == PostStatus.SCHEDULED
    assert post.scheduled_at <= timezone.now()


def test_a_published_post_cannot_be_cancelled(owner_client, store):
    # given a published post
    post = SocialPostFactory(store=store, status=PostStatus.PUBLISHED, external_id="1")

    # when cancel is pressed
    response = owner_client.post(f"/social/posts/{post.pk}/cancel/")

    # then it is refused and stays published
    post.refresh_from_db()
    assert response.status_code == 400
    assert post.status == PostStatus.PUBLISHED


def test_a_scheduled_post_is_cancelled(owner_client, owner, store):
    # given a scheduled post
    post = SocialPostFactory(store=store, status=PostStatus.SCHEDULED, scheduled_at=timezone.now())

    # when cancel is pressed
    owner_client.post(f"/social/posts/{post.pk}/cancel/")

    # then it is cancelled, and the event says who did it
    post.refresh_from_db()
    assert post.status == PostStatus.CANCELLED
    assert (post.events.get().actor_kind, post.events.get().actor_user) == (ActorKind.USER, owner)


@pytest.mark.parametrize("count", [2, 25], ids=["a few failed posts", "many failed posts"])
def test_the_failed_list_runs_the_same_queries_whatever_its_length(
    owner_client, store, django_assert_num_queries, count
):
    # given failed posts with their reasons
    for n in range(count):
        SocialPostFactory(store=store, status=PostStatus.FAILED, last_error=f"Reason {n}")
    owner_client.get("/social/posts/?status=failed")

    # when the failed list is read (session, user, membership, posts)
    with django_assert_num_queries(4):
        response = owner_client.get("/social/posts/?status=failed", HTTP_HX_REQUEST="true")

    # then every failed post shows with its reason and a retry button
    body = response.content.decode()
    assert body.count(">Retry</button>") == count
    assert "Reason 0" in body


def test_the_hub_social_tab_shows_counts_and_what_needs_attention(owner_client, store):
    # given a held post and a scheduled one
    SocialPostFactory(store=store, status=PostStatus.HELD, hold_reason="Media unreachable")
    SocialPostFactory(store=store, status=PostStatus.SCHEDULED, scheduled_at=timezone.now() + dt.timedelta(hours=2))

    # when the Social tab is opened
    response = owner_client.get("/hub/social/", HTTP_HX_REQUEST="true")

    # then the attention list names the reason
    body = response.content.decode()
    assert "Media unreachable" in body
    assert "Create content calendar" in body
