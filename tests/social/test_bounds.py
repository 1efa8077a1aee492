"""Bad input to the social pages and API answers 4xx with a message naming what is accepted, and changes nothing:
dates outside two years either side of the store's today, times in the past, oversized texts, wild page numbers."""

import datetime as dt
import html

import pytest
from django.utils import timezone

from platforms.constants import INSTAGRAM, X
from social.bounds import date_bounds
from social.models import (
    CAPTION_MAX_LENGTH,
    ContentCalendar,
    PostStatus,
    SocialPost,
    hashtags_problems,
)
from social.services import calendar_plan, post_create
from stores.clock import store_today
from stores.exceptions import ApplicationError
from stores.services import api_key_create
from tests.factories import ProductFactory
from tests.platform_fixtures import connect_store
from tests.social.factories import SocialPostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_client(client, owner, store):
    def call(method, path, **kwargs):
        _, raw = api_key_create(store=store, created_by=owner, name="admin key", role="admin")
        return getattr(client, method)(
            path, HTTP_AUTHORIZATION=f"Bearer {raw}", content_type="application/json", **kwargs
        )

    return call


def accepted(store):
    """The accepted range as the pages word it: two years either side of the store's today."""
    low, high = date_bounds(today=store_today(store=store))
    return low.isoformat(), high.isoformat()


def body(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"], ids=["the last date there is", "the first date there is"])
@pytest.mark.parametrize("view", ["week", "month"])
def test_the_calendar_refuses_a_date_beyond_two_years_and_names_the_range(owner_client, store, day, view):
    # given a store in New York
    low, high = accepted(store)

    # when the calendar is asked for a date at the edge of the calendar
    response = owner_client.get(f"/social/?date={day}&view={view}")

    # then it answers 400 with the accepted range in the store's zone
    assert response.status_code == 400
    assert f"The calendar's date must be between {low} and {high} (America/New_York time)." in body(response)


def test_the_calendar_refuses_an_edge_date_to_htmx_with_the_message(owner_client, store):
    # given a store in New York
    low, high = accepted(store)

    # when the calendar's fragment is asked for far in the future
    response = owner_client.get("/social/?date=9999-12-31", headers={"HX-Request": "true"})

    # then the error comes back as a 400 fragment with the message
    assert response.status_code == 400
    assert f"The calendar's date must be between {low} and {high} (America/New_York time)." in body(response)


def test_the_calendar_shows_a_date_within_the_range(owner_client, store):
    # given a date a year and a half ahead
    day = timezone.now().date() + dt.timedelta(days=540)

    # when the calendar is asked for it, then it shows that week
    assert owner_client.get(f"/social/?date={day.isoformat()}").status_code == 200


@pytest.mark.parametrize(
    "moment", ["9999-12-31T23:59", "0001-01-01T00:00"], ids=["the last minute there is", "the first minute there is"]
)
def test_the_composer_refuses_a_time_beyond_two_years_and_saves_nothing(owner_client, store, moment):
    # given an X connection
    connect_store(store, X, scopes=["tweet.write"])
    low, high = accepted(store)

    # when a post is composed for the edge of the calendar
    response = owner_client.post(
        "/social/compose/",
        {
            "platform": X,
            "caption": "Hello trail",
            "media_kind": "image",
            "media_urls": "https://shop.example.com/a.jpg",
            "scheduled_at": moment,
        },
    )

    # then it is refused with the range, and nothing was saved
    assert response.status_code == 400
    assert f"The publishing time must be between {low} and {high} (America/New_York time)." in body(response)
    assert SocialPost.objects.count() == 0


def test_the_composer_refuses_a_time_in_the_past_and_saves_nothing(owner_client, store):
    # given an X connection
    connect_store(store, X, scopes=["tweet.write"])
    yesterday = timezone.now().astimezone(store.tzinfo) - dt.timedelta(days=1)

    # when a post is composed for yesterday
    response = owner_client.post(
        "/social/compose/",
        {
            "platform": X,
            "caption": "Hello trail",
            "media_kind": "image",
            "media_urls": "https://shop.example.com/a.jpg",
            "scheduled_at": f"{yesterday:%Y-%m-%dT%H:%M}",
        },
    )

    # then it is refused, saying it is in the past, and nothing was saved
    assert response.status_code == 400
    assert "A post cannot be scheduled in the past: choose a time after " in body(response)
    assert "(America/New_York time)." in body(response)
    assert SocialPost.objects.count() == 0


def test_the_service_refuses_a_time_in_the_past_for_every_caller(store):
    # given an X connection
    connect_store(store, X, scopes=["tweet.write"])

    # when a post is created for an hour ago (as a workflow or the API would)
    with pytest.raises(ApplicationError, match="A post cannot be scheduled in the past") as refusal:
        post_create(
            store=store,
            platform=X,
            caption="Hello trail",
            media_urls=["https://shop.example.com/a.jpg"],
            scheduled_at=timezone.now() - dt.timedelta(hours=1),
        )

    # then nothing was saved
    assert refusal.value.code == "scheduled_in_past"
    assert SocialPost.objects.count() == 0


def test_the_service_refuses_a_time_past_two_years_ahead(store):
    # given an X connection
    connect_store(store, X, scopes=["tweet.write"])
    _, high = accepted(store)

    # when a post is created for three years ahead
    with pytest.raises(ApplicationError) as refusal:
        post_create(
            store=store,
            platform=X,
            caption="Hello trail",
            media_urls=["https://shop.example.com/a.jpg"],
            scheduled_at=timezone.now() + dt.timedelta(days=3 * 365),
        )

    # then it names the limit, and nothing was saved
    assert refusal.value.message == f"A post can be scheduled up to {high} (America/New_York time), two years ahead."
    assert SocialPost.objects.count() == 0


def test_editing_a_post_to_a_past_time_is_refused_and_changes_nothing(owner_client, store):
    # given a scheduled post tomorrow
    connection = connect_store(store, X, scopes=["tweet.write"])
    tomorrow = timezone.now() + dt.timedelta(days=1)
    post = SocialPostFactory(
        store=store, connection=connection, status=PostStatus.SCHEDULED, caption="Old", scheduled_at=tomorrow
    )
    yesterday = timezone.now().astimezone(store.tzinfo) - dt.timedelta(days=1)

    # when it is moved to yesterday
    response = owner_client.post(
        f"/social/posts/{post.pk}/edit/",
        {
            "caption": "New",
            "media_kind": "image",
            "media_urls": "https://shop.example.com/a.jpg",
            "scheduled_at": f"{yesterday:%Y-%m-%dT%H:%M}",
        },
    )

    # then it is refused and the post is as it was
    assert response.status_code == 400
    assert "A post cannot be scheduled in the past" in body(response)
    post.refresh_from_db()
    assert (post.caption, post.scheduled_at, post.status) == ("Old", tomorrow, PostStatus.SCHEDULED)


def test_a_held_post_whose_time_passed_is_edited_keeping_its_time(store):
    # given a post held by pre-flight whose time has passed
    from social.services import post_update

    connection = connect_store(store, X, scopes=["tweet.write"])
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    post = SocialPostFactory(
        store=store, connection=connection, status=PostStatus.HELD, hold_reason="Bad image", scheduled_at=an_hour_ago
    )

    # when the merchant fixes the caption and sends the post's own time back
    post_update(post=post, caption="Fixed", media_urls=["https://shop.example.com/ok.jpg"], scheduled_at=an_hour_ago)

    # then it is queued again at its time (due at once)
    post.refresh_from_db()
    assert (post.status, post.caption, post.scheduled_at) == (PostStatus.SCHEDULED, "Fixed", an_hour_ago)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"caption": "a" * (CAPTION_MAX_LENGTH + 1)},
            f"Ensure this value has at most {CAPTION_MAX_LENGTH} characters (it has {CAPTION_MAX_LENGTH + 1}).",
        ),
        ({"title": "t" * 101}, "Ensure this value has at most 100 characters (it has 101)."),
        (
            {"media_urls": "\n".join(f"https://shop.example.com/{n}.jpg" for n in range(36))},
            "A post has at most 35 images or videos; this one has 36.",
        ),
        (
            {"media_urls": "https://shop.example.com/" + "a" * 2000 + ".jpg"},
            "A media address has at most 2,000 characters.",
        ),
    ],
    ids=["a caption past 5,000 characters", "a title past 100", "more than 35 media", "a media address past 2,000"],
)
def test_the_composer_refuses_oversized_texts_and_saves_nothing(owner_client, store, fields, message):
    # given an Instagram connection
    connect_store(store, INSTAGRAM, scopes=["instagram_business_content_publish"])

    # when an oversized post is composed
    data = {"platform": INSTAGRAM, "caption": "Hi", "media_kind": "carousel", "media_urls": "https://a.example/x.jpg"}
    response = owner_client.post("/social/compose/", {**data, **fields})

    # then it is refused with the limit, and nothing was saved
    assert response.status_code == 400
    assert message in body(response)
    assert SocialPost.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"caption": "a" * 6000},
            "The caption is 6,000 characters; a post has at most 5,000.",
        ),
        ({"hashtags": [f"tag{n}" for n in range(61)]}, "A post has at most 60 hashtags; this one has 61."),
        ({"hashtags": ["a" * 101]}, "A hashtag has at most 100 characters."),
        ({"link": "https://shop.example.com/" + "a" * 1000}, "The link is 1,025 characters; a post's link has at most"),
        ({"media_urls": ["https://a.example/x.jpg"] * 36}, "A post has at most 35 images or videos; this one has 36."),
    ],
    ids=["a caption past 5,000", "more than 60 hashtags", "a hashtag past 100", "a link past 1,000", "36 media"],
)
def test_the_service_refuses_oversized_posts_from_every_caller(store, fields, message):
    # given a post as a workflow would create it, with one oversized field
    arguments = {"store": store, "platform": X, "caption": "Hi", "media_urls": ["https://a.example/x.jpg"], **fields}

    # when it is created, then it is refused and not saved
    with pytest.raises(ApplicationError, match=message):
        post_create(**arguments)
    assert SocialPost.objects.count() == 0


def test_the_model_validates_its_caps(store):
    # given a post with too many hashtags
    post = SocialPostFactory.build(store=store, hashtags=["x"] * 61)

    # when it is validated as admin would, then the cap is the refusal
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refusal:
        post.full_clean(exclude=["marker"])
    assert refusal.value.message_dict["hashtags"] == hashtags_problems(["x"] * 61)


@pytest.mark.parametrize(
    "start", ["9999-12-31", "0001-01-01"], ids=["the last date there is", "the first date there is"]
)
def test_the_plan_page_refuses_a_start_beyond_two_years_and_plans_nothing(owner_client, store, start):
    # given a product
    product = ProductFactory(store=store)
    low, high = accepted(store)

    # when a calendar is planned from an edge date
    response = owner_client.post(
        "/social/plan/", {"product": product.pk, "days": 2, "posts_per_day": 1, "platforms": [X], "start_date": start}
    )

    # then it is refused with the range, and nothing was planned
    assert response.status_code == 400
    assert f"The start date must be between {low} and {high} (America/New_York time)." in body(response)
    assert ContentCalendar.objects.count() == 0
    assert SocialPost.objects.count() == 0


def test_the_planner_refuses_a_start_past_two_years_ahead(store):
    # given a product
    product = ProductFactory(store=store)
    today, (_, high) = timezone.now().astimezone(store.tzinfo).date(), accepted(store)

    # when a calendar is planned three years ahead
    with pytest.raises(ApplicationError) as refusal:
        calendar_plan(
            store=store,
            product=product,
            days=2,
            posts_per_day=1,
            platforms=[X],
            start_date=today + dt.timedelta(days=3 * 365),
        )

    # then it names the range, from today, and nothing was planned
    assert refusal.value.message == (
        f"The calendar's start date must be between {today.isoformat()} and {high} (America/New_York time)."
    )
    assert ContentCalendar.objects.count() == 0


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("9999-12-31", "The calendar's start date must be between {today} and {high} (America/New_York time)."),
        ("0001-01-01", "The calendar cannot start in the past: choose {today} or later (America/New_York time)."),
    ],
    ids=["the last date there is", "the first date there is"],
)
def test_the_api_refuses_a_calendar_start_beyond_the_range(api_client, store, start, message):
    # given a product
    product = ProductFactory(store=store)
    today, (_, high) = timezone.now().astimezone(store.tzinfo).date(), accepted(store)

    # when a calendar is asked for from an edge date
    response = api_client(
        "post",
        "/api/social/calendar",
        data={"product_id": product.pk, "days": 2, "posts_per_day": 1, "platforms": ["x"], "start_date": start},
    )

    # then it answers 400 with the range, and nothing was planned
    assert response.status_code == 400
    assert response.json() == {
        "detail": message.format(today=today.isoformat(), high=high),
        "code": "date_out_of_range" if start.startswith("9") else "invalid_calendar",
    }
    assert ContentCalendar.objects.count() == 0


def test_the_api_refuses_an_oversized_filter(api_client, store):
    # when the posts are filtered by a status far longer than any
    response = api_client("get", "/api/social/posts?status=" + "x" * 100)

    # then it answers 4xx
    assert response.status_code == 422


@pytest.mark.parametrize("page", ["9223372036854775807", "abc", "-1", "0", "1.5", "١"], ids=lambda p: f"page={p}")
def test_the_post_list_refuses_a_page_that_is_not_a_sensible_number(owner_client, store, page):
    # given one post
    SocialPostFactory(store=store)

    # when the list is asked for that page
    response = owner_client.get(f"/social/posts/?page={page}")

    # then it answers 400 naming the range
    assert response.status_code == 400
    assert "The page must be a whole number from 1 to 10,000." in body(response)


def test_the_post_list_past_its_end_is_an_empty_page(owner_client, store):
    # given one post
    SocialPostFactory(store=store)

    # when page 10,000 is asked for, then it is an empty page without a next link
    response = owner_client.get("/social/posts/?page=10000")
    assert response.status_code == 200
    assert response.context["posts"] == []
    assert response.context["has_next"] is False
