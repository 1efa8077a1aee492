"""API creates with an ``Idempotency-Key`` header: the same key twice makes one object and answers the same body;
another body with the key is refused; keys are per store, bounded, kept only for successes and only for a day."""

import datetime as dt
import json
import threading

import pytest
from django.conf import settings
from django.db import connections as db_connections
from django.test import Client
from django.utils import timezone

import social.api
from ads.models import AdCampaign, AdCreative
from ads.services import ad_settings_for_store
from growthhub.celery import app as celery_app
from platforms.constants import META_ADS
from sandbox.models import SandboxAdObject
from social.models import ContentCalendar, SocialPost
from stores.idempotency import idempotency_keys_purge
from stores.models import IdempotencyKey, Role
from stores.services import api_key_create
from tests.ads.conftest import AD_ACCOUNTS
from tests.factories import ProductFactory
from tests.platform_fixtures import connect_store

CAMPAIGN = {"name": "Merino socks – spring", "platform": "meta_ads", "objective": "sales", "daily_budget": 5000}


def key_for(store) -> str:
    return api_key_create(store=store, name="Ops", created_by=None, role=Role.MARKETER)[1]


def post(client: Client, path: str, key: str, body: dict, idempotency_key: str | None = None):
    headers = {"Authorization": f"Bearer {key}"}
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    return client.post(path, data=json.dumps(body), content_type="application/json", headers=headers)


def calendar_body(item, **changes) -> dict:
    return {"product_id": item.pk, "days": 2, "posts_per_day": 1, "platforms": ["x"], **changes}


@pytest.fixture
def eager_tasks():
    """Tasks run inline when enqueued (after commit), as in the ads agent's tests."""
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = True, False
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture
def creative(store):
    sock = ProductFactory(store=store, external_id="SOCK-1", url="https://shop.example.com/products/sock-1")
    return AdCreative.objects.create(
        store=store,
        name="Merino socks",
        product=sock,
        headlines=["Merino Trail Socks"],
        primary_text="Our best-selling merino socks are back in stock.",
        link_url=sock.url,
        image_url="https://shop.example.com/images/sock-1.jpg",
    )


@pytest.fixture
def meta_ready(store):
    """The store is connected to Meta Ads at the sandbox, with the page and pixel a sales campaign needs."""
    connect_store(store, META_ADS, ad_account_id=AD_ACCOUNTS[META_ADS])
    row = ad_settings_for_store(store=store)
    row.meta_page_id, row.meta_pixel_id = "104000000000001", "880000000000001"
    row.daily_spend_cap_minor, row.max_campaign_daily_budget_minor = 50_000, 20_000
    row.save()
    return row


@pytest.mark.django_db(transaction=True)
def test_the_same_campaign_create_sent_twice_with_one_key_makes_one_campaign_at_the_platform(
    client, store, meta_ready, creative, eager_tasks, sandbox_url
):
    # given a store API key and a campaign body
    key = key_for(store)
    body = CAMPAIGN | {"creative_ids": [creative.pk]}

    # when the create is sent, and sent again with the same Idempotency-Key (a client retrying after a timeout)
    first = post(client, "/api/ads/campaigns", key, body, idempotency_key="retry-0001")
    second = post(client, "/api/ads/campaigns", key, body, idempotency_key="retry-0001")

    # then both answer 201 with the same body, the second one saying it is a replay
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.content == first.content
    assert first.has_header("Idempotent-Replayed") is False
    assert second["Idempotent-Replayed"] == "true"
    # and there is one campaign, here and at the platform
    campaign = AdCampaign.objects.get()
    assert first.json()["id"] == campaign.pk
    assert SandboxAdObject.objects.filter(platform=META_ADS, kind="campaign").count() == 1
    assert SandboxAdObject.objects.get(platform=META_ADS, kind="campaign").external_id == (
        campaign.external_campaign_id
    )
    assert IdempotencyKey.objects.get().response_status == 201


@pytest.mark.django_db
def test_the_same_calendar_create_sent_twice_with_one_key_plans_one_calendar(client, store):
    # given a product to plan for
    key = key_for(store)
    sock = ProductFactory(store=store, title="Merino Trail Sock")

    # when the calendar is asked for twice with one key, the body's keys in another order the second time
    first = post(client, "/api/social/calendar", key, calendar_body(sock), idempotency_key="cal-1")
    reordered = dict(reversed(list(calendar_body(sock).items())))
    second = post(client, "/api/social/calendar", key, reordered, idempotency_key="cal-1")

    # then one calendar of 2 posts exists and both answers are the same
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.content == first.content
    assert second["Idempotent-Replayed"] == "true"
    assert ContentCalendar.objects.count() == 1
    assert SocialPost.objects.count() == 2


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused_and_creates_nothing(client, store):
    # given a calendar created with a key
    key = key_for(store)
    sock = ProductFactory(store=store, title="Merino Trail Sock")
    first = post(client, "/api/social/calendar", key, calendar_body(sock, days=2), idempotency_key="cal-1")
    assert first.status_code == 201

    # when the key is sent again with a different body
    second = post(client, "/api/social/calendar", key, calendar_body(sock, days=5), idempotency_key="cal-1")

    # then it is a 422 naming the reuse, and no second calendar or post was made
    assert second.status_code == 422
    assert second.json() == {
        "detail": "This Idempotency-Key was already used for a different request (POST /api/social/calendar with "
        "another body); send a new key for a new request.",
        "code": "idempotency_key_reused",
    }
    assert second.has_header("Idempotent-Replayed") is False
    assert ContentCalendar.objects.count() == 1
    assert SocialPost.objects.count() == 2


@pytest.mark.django_db
def test_the_same_key_on_another_endpoint_is_refused(client, store):
    # given a key used to plan a calendar
    key = key_for(store)
    sock = ProductFactory(store=store, title="Merino Trail Sock")
    assert post(client, "/api/social/calendar", key, calendar_body(sock), idempotency_key="k-1").status_code == 201

    # when the same key comes with a creative create
    body = {"name": "Socks", "link_url": "https://shop.example.com/p/sock", "headlines": ["Merino"]}
    response = post(client, "/api/ads/creatives", key, body, idempotency_key="k-1")

    # then it is refused and no creative exists
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert not creative_rows(store)


def creative_rows(store) -> list:
    return list(AdCreative.objects.filter(store=store))


@pytest.mark.django_db
def test_another_stores_same_key_is_independent(client, store, other_store):
    # given store A planned a calendar with key "launch"
    sock = ProductFactory(store=store, title="Merino Trail Sock")
    candle = ProductFactory(store=other_store, title="Beeswax Candle")
    first = post(client, "/api/social/calendar", key_for(store), calendar_body(sock), idempotency_key="launch")

    # when store B sends its own calendar with the same key
    second = post(client, "/api/social/calendar", key_for(other_store), calendar_body(candle), idempotency_key="launch")

    # then B's calendar is planned (not A's answer replayed) and each store has one
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.has_header("Idempotent-Replayed") is False
    assert second.json()["id"] != first.json()["id"]
    assert second.json()["name"].startswith("Beeswax Candle")
    assert ContentCalendar.objects.filter(store=store).count() == 1
    assert ContentCalendar.objects.filter(store=other_store).count() == 1
    assert IdempotencyKey.objects.filter(key="launch").count() == 2


@pytest.mark.django_db
def test_another_api_key_of_the_same_store_cannot_replay_a_key(client, store):
    # given a calendar planned with one API key and key "k-1"
    sock = ProductFactory(store=store, title="Merino Trail Sock")
    assert (
        post(client, "/api/social/calendar", key_for(store), calendar_body(sock), idempotency_key="k-1").status_code
        == 201
    )

    # when a second API key of the store sends the same request and key
    response = post(client, "/api/social/calendar", key_for(store), calendar_body(sock), idempotency_key="k-1")

    # then it is refused rather than shown the other key's answer
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "This Idempotency-Key was already used by another API key or user of this store; send a new key."
    )
    assert ContentCalendar.objects.count() == 1


@pytest.mark.parametrize(
    "value",
    ["", "x" * 256, "clé", "tab\there", "nul\x01"],
    ids=["an empty key", "a key of 256 characters", "a non-ASCII key", "a key with a tab", "a control character"],
)
@pytest.mark.django_db
def test_a_malformed_key_is_refused_with_400_and_creates_nothing(client, store, value):
    # given a product to plan for
    sock = ProductFactory(store=store, title="Merino Trail Sock")

    # when the calendar is sent with a malformed key
    response = post(client, "/api/social/calendar", key_for(store), calendar_body(sock), idempotency_key=value)

    # then it is a 400 that says what a key must be, and nothing was planned or kept
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The Idempotency-Key header must be 1 to 255 printable ASCII characters.",
        "code": "idempotency_key_invalid",
    }
    assert not ContentCalendar.objects.exists()
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db
def test_a_key_of_255_printable_characters_is_accepted(client, store):
    sock = ProductFactory(store=store, title="Merino Trail Sock")
    value = ("~ !" * 85)[:255]
    response = post(client, "/api/social/calendar", key_for(store), calendar_body(sock), idempotency_key=value)
    assert response.status_code == 201
    assert IdempotencyKey.objects.get().key == value


@pytest.mark.django_db
def test_without_the_header_every_create_runs(client, store):
    # given a product
    key = key_for(store)
    sock = ProductFactory(store=store, title="Merino Trail Sock")

    # when the same calendar is sent twice without a key
    first = post(client, "/api/social/calendar", key, calendar_body(sock))
    second = post(client, "/api/social/calendar", key, calendar_body(sock))

    # then two calendars are planned, as before, and no key is kept
    assert (first.status_code, second.status_code) == (201, 201)
    assert ContentCalendar.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db
def test_a_refusal_keeps_no_key_so_the_corrected_request_runs(client, store, other_store):
    # given a product of another store (not found here)
    key = key_for(store)
    foreign = ProductFactory(store=other_store, title="Beeswax Candle")
    sock = ProductFactory(store=store, title="Merino Trail Sock")

    # when the create is refused, then sent corrected with the same key
    refused = post(client, "/api/social/calendar", key, calendar_body(foreign), idempotency_key="fix-1")
    kept_after_refusal = IdempotencyKey.objects.count()
    corrected = post(client, "/api/social/calendar", key, calendar_body(sock), idempotency_key="fix-1")

    # then the refusal kept nothing and the corrected request planned its calendar
    assert refused.status_code == 404
    assert kept_after_refusal == 0
    assert corrected.status_code == 201
    assert corrected.has_header("Idempotent-Replayed") is False
    assert list(ContentCalendar.objects.values_list("product_id", flat=True)) == [sock.pk]


@pytest.mark.django_db
def test_a_key_older_than_the_ttl_no_longer_replays_and_is_purged(client, store, settings):
    # given a calendar planned with a key 25 hours ago (the TTL is 24 hours)
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 24
    key = key_for(store)
    sock = ProductFactory(store=store, title="Merino Trail Sock")
    assert post(client, "/api/social/calendar", key, calendar_body(sock), idempotency_key="old").status_code == 201
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))

    # when the key is sent again
    again = post(client, "/api/social/calendar", key, calendar_body(sock), idempotency_key="old")

    # then it runs as a new request, and the purge removes only keys past the TTL
    assert again.status_code == 201
    assert again.has_header("Idempotent-Replayed") is False
    assert ContentCalendar.objects.count() == 2
    IdempotencyKey.objects.create(
        store=store,
        key="stale",
        method="POST",
        path="/api/x",
        request_hash="0" * 64,
        response_status=201,
        response_body="{}",
    )
    IdempotencyKey.objects.filter(key="stale").update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert idempotency_keys_purge() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["old"]


@pytest.mark.django_db
def test_the_api_docs_describe_the_header_on_every_create(client):
    # when the OpenAPI document is read
    paths = client.get("/api/openapi.json").json()["paths"]

    # then each create names the optional Idempotency-Key header, and the other operations do not
    def header_names(operation: dict) -> list[str]:
        return [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]

    for path in ["/api/ads/campaigns", "/api/ads/creatives", "/api/social/calendar"]:
        parameter = next(p for p in paths[path]["post"]["parameters"] if p["name"] == "Idempotency-Key")
        assert parameter["required"] is False
        assert parameter["schema"]["maxLength"] == 255
        assert "Idempotent-Replayed: true" in parameter["description"]
    assert header_names(paths["/api/ads/campaigns"]["get"]) == []
    assert header_names(paths["/api/social/publish/{post_id}"]["post"]) == []


@pytest.mark.postgres_only
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs PostgreSQL: two connections at once, the second waiting on the first's unique key",
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_plan_one_calendar(store, monkeypatch):
    # given a create that is still running (its transaction open) when the duplicate arrives
    key = key_for(store)
    sock = ProductFactory(store=store, title="Merino Trail Sock")
    first_inside = threading.Event()
    original = social.api.calendar_plan

    def slow_plan(**kwargs):
        calendar = original(**kwargs)
        first_inside.set()
        threading.Event().wait(0.5)
        return calendar

    monkeypatch.setattr(social.api, "calendar_plan", slow_plan)
    answers: dict[str, object] = {}

    def send(name: str) -> None:
        try:
            answers[name] = post(Client(), "/api/social/calendar", key, calendar_body(sock), idempotency_key="race-1")
        finally:
            db_connections.close_all()

    # when two requests with the same key overlap
    first = threading.Thread(target=send, args=("first",))
    first.start()
    assert first_inside.wait(10)
    second = threading.Thread(target=send, args=("second",))
    second.start()
    first.join(20)
    second.join(20)

    # then one calendar exists and the duplicate waited and answered the first one's body
    assert (answers["first"].status_code, answers["second"].status_code) == (201, 201)
    assert answers["second"]["Idempotent-Replayed"] == "true"
    assert answers["second"].content == answers["first"].content
    assert ContentCalendar.objects.count() == 1
    assert SocialPost.objects.count() == 2
