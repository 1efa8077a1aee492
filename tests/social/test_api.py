"""The social API: plan a calendar, publish now, list posts with a fixed number of queries."""

import datetime as dt

import pytest
from django.utils import timezone

from platforms.constants import INSTAGRAM, X
from social.models import ContentCalendar, PostStatus, SocialPost
from stores.services import api_key_create
from tests.factories import ProductFactory, StoreFactory
from tests.platform_fixtures import connect_store
from tests.social.factories import SocialPostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_client(client, owner, store):
    def call(method, path, role="admin", **kwargs):
        _, raw = api_key_create(store=store, created_by=owner, name=f"{role} key", role=role)
        return getattr(client, method)(
            path, HTTP_AUTHORIZATION=f"Bearer {raw}", content_type="application/json", **kwargs
        )

    return call


def test_a_calendar_is_planned_through_the_api(api_client, store):
    # given a product and an X connection
    product = ProductFactory(store=store, title="Merino Trail Sock")
    connect_store(store, X, scopes=["tweet.write"])

    # when a 2-day calendar for X and Instagram is asked for, scheduled at once
    response = api_client(
        "post",
        "/api/social/calendar",
        data={
            "product_id": product.pk,
            "days": 2,
            "posts_per_day": 1,
            "platforms": ["x", "instagram"],
            "start_date": "2028-01-03",
            "schedule": True,
        },
    )

    # then it answers the calendar with its four posts: X scheduled, Instagram held for want of a connection
    assert response.status_code == 201
    body = response.json()
    assert (body["days"], body["platforms"], body["status"]) == (2, ["instagram", "x"], "scheduled")
    statuses = sorted((p["platform"], p["status"]) for p in body["posts"])
    assert statuses == [("instagram", "held"), ("instagram", "held"), ("x", "scheduled"), ("x", "scheduled")]


def test_an_analyst_key_cannot_plan_and_nothing_is_created(api_client, store):
    # given a product
    product = ProductFactory(store=store)

    # when an analyst's key asks for a calendar
    response = api_client(
        "post",
        "/api/social/calendar",
        role="analyst",
        data={"product_id": product.pk, "days": 2, "posts_per_day": 1, "platforms": ["x"]},
    )

    # then it is refused and no calendar exists
    assert response.status_code == 403
    assert ContentCalendar.objects.count() == 0


def test_another_stores_product_is_not_found_through_the_api(api_client, store):
    # given a product of another store
    product = ProductFactory(store=StoreFactory())

    # when this store's key plans for it
    response = api_client("post", "/api/social/calendar", data={"product_id": product.pk, "platforms": ["x"]})

    # then it is a 404 and nothing was planned
    assert response.status_code == 404
    assert SocialPost.objects.count() == 0


def test_publish_now_queues_the_post_for_the_worker(api_client, store, django_capture_on_commit_callbacks):
    # given a draft X post of a connected store
    connection = connect_store(store, X, scopes=["tweet.write"])
    post = SocialPostFactory(
        store=store, platform=X, connection=connection, scheduled_at=timezone.now() + dt.timedelta(days=3)
    )

    # when it is published now through the API
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api_client("post", f"/api/social/publish/{post.pk}")

    # then it is scheduled for now and one publish task is enqueued after commit
    post.refresh_from_db()
    assert response.status_code == 202
    assert response.json()["status"] == "scheduled"
    assert post.status == PostStatus.SCHEDULED
    assert post.scheduled_at <= timezone.now()
    assert len(callbacks) == 1


def test_another_stores_post_cannot_be_published(api_client, store):
    # given a post of another store
    post = SocialPostFactory(store=StoreFactory())

    # when this store's key tries to publish it
    response = api_client("post", f"/api/social/publish/{post.pk}")

    # then it is a 404 and the post is untouched
    post.refresh_from_db()
    assert response.status_code == 404
    assert post.status == PostStatus.DRAFT


@pytest.mark.parametrize("count", [3, 30], ids=["a few posts", "many posts"])
def test_listing_posts_takes_the_same_queries_whatever_their_number(client, store, django_assert_num_queries, count):
    # given posts of this store and one of another store
    product = ProductFactory(store=store)
    for n in range(count):
        SocialPostFactory(store=store, product=product, platform=INSTAGRAM if n % 2 else X)
    SocialPostFactory(store=StoreFactory())

    # when the list is read (key lookup, key touch, count, page)
    _, raw = api_key_create(store=store, created_by=None, name="reader", role="analyst")
    with django_assert_num_queries(4):
        response = client.get("/api/social/posts?platform=x", HTTP_AUTHORIZATION=f"Bearer {raw}")

    # then only this store's X posts come back
    assert response.status_code == 200
    assert response.json()["count"] == (count + 1) // 2
