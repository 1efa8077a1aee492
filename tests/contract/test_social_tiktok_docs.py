"""TikTok organic (Content Posting, Display API): the documentation's own examples replayed against the sandbox.

No official Python SDK exists for these endpoints, so the fixtures hold TikTok's published request/response pairs
(tests/contract/fixtures/tiktok_content_posting.json, each with its source URL). Each documented request is sent to
the sandbox as documented, and the answer must have the documented shape, field by field: the same keys at every
level, each value of the same JSON type.
"""

import datetime as dt
import json
from pathlib import Path

import pytest
import requests
from django.utils import timezone

from platforms.content import PostDraft
from platforms.tiktok.content import TikTokContent
from sandbox.models import SandboxFault, SandboxPost, SandboxToken
from tests.platform_fixtures import connect_store
from tests.social.conftest import SCOPES

pytestmark = pytest.mark.django_db(transaction=True)

FIXTURES = json.loads((Path(__file__).parent / "fixtures" / "tiktok_content_posting.json").read_text())
EXCHANGES = {exchange["name"]: exchange for exchange in FIXTURES["exchanges"]}
ERRORS = {error["name"]: error for error in FIXTURES["errors"]}


def shape(value):
    """The documented shape: keys of objects, the shape of a list's first item, the JSON type of scalars."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def assert_documented_shape(documented, answered):
    """Every documented field is answered, with the same type, at every level (log ids and values may differ)."""
    doc, got = shape(documented), shape(answered)
    if isinstance(doc, dict):
        assert isinstance(got, dict), f"expected an object, got {got}"
        missing = set(doc) - set(got)
        assert not missing, f"fields missing from the sandbox's answer: {sorted(missing)}"
        for key in doc:
            assert_documented_shape(documented[key], answered[key])
    elif isinstance(doc, list):
        assert isinstance(got, list), f"expected a list, got {got}"
        if doc and got:
            assert_documented_shape(documented[0], answered[0])
    else:
        assert doc == got, f"expected {doc}, got {got} ({answered!r})"


@pytest.fixture
def replay(store, sandbox_url, settings):
    settings.SANDBOX_TIKTOK_INIT_PER_MINUTE = 100
    connection = connect_store(store, "tiktok", scopes=SCOPES["tiktok"])

    def send(exchange, body=None, token=None):
        request = exchange["request"]
        return requests.request(
            request["method"],
            f"{sandbox_url}/tiktok{request['path']}",
            params=request["query"],
            json=request["body"] if body is None else body,
            headers={"Authorization": f"Bearer {token or connection.access_token}"},
            timeout=10,
        )

    send.connection = connection
    return send


@pytest.mark.parametrize(
    "name",
    ["query creator info", "direct post a video pulled from a URL", "direct post photos pulled from URLs"],
    ids=["creator info as documented", "a video direct post as documented", "a photo post as documented"],
)
def test_documented_posting_requests_get_documented_answers(replay, name):
    # given TikTok's own example request
    exchange = EXCHANGES[name]

    # when it is sent to the sandbox
    response = replay(exchange)

    # then the answer has the documented status and shape, and says ok
    assert response.status_code == exchange["response"]["status"]
    assert_documented_shape(exchange["response"]["body"], response.json())
    assert response.json()["error"]["code"] == "ok"


def test_documented_status_fetch_list_and_query_get_documented_answers(replay, settings):
    # given a video posted as documented, still being pulled by the platform
    settings.SANDBOX_PUBLISH_PROCESSING_SECONDS = 600
    publish_id = replay(EXCHANGES["direct post a video pulled from a URL"]).json()["data"]["publish_id"]

    # when its status is fetched as documented
    status = replay(EXCHANGES["fetch the status of a post still downloading"], body={"publish_id": publish_id})

    # then it answers the documented "still downloading" shape
    assert_documented_shape(
        EXCHANGES["fetch the status of a post still downloading"]["response"]["body"], status.json()
    )
    assert status.json()["data"]["status"] == "PROCESSING_DOWNLOAD"

    # given the processing done, when the videos are listed and queried as documented
    settings.SANDBOX_CLOCK_OFFSET_SECONDS = 700
    listed = replay(EXCHANGES["list the user's videos"])
    ids = [video["id"] for video in listed.json()["data"]["videos"]]
    queried = replay(EXCHANGES["query videos by id"], body={"filters": {"video_ids": ids}})

    # then both have the documented shapes and find the posted video
    assert_documented_shape(EXCHANGES["list the user's videos"]["response"]["body"], listed.json())
    assert_documented_shape(EXCHANGES["query videos by id"]["response"]["body"], queried.json())
    assert [v["title"] for v in queried.json()["data"]["videos"]] == [
        "this will be a funny #cat video on your @tiktok #fyp"
    ]


def test_documented_errors_for_expired_tokens_rate_limits_and_invalid_parameters(replay):
    video = EXCHANGES["direct post a video pulled from a URL"]

    # invalid parameters: a post with no privacy level
    invalid = replay(video, body={"post_info": {"title": "x"}, "source_info": video["request"]["body"]["source_info"]})
    # a rate limit at the platform
    SandboxFault.objects.create(platform="tiktok", rate_limit_rate=1.0, retry_after_seconds=5)
    limited = replay(EXCHANGES["query creator info"])
    SandboxFault.objects.all().delete()
    # an expired token
    SandboxToken.objects.filter(platform="tiktok").update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = replay(EXCHANGES["query creator info"])

    # then each has the documented status, shape and code
    for response, name in (
        (invalid, "invalid parameters"),
        (limited, "the rate limit is exceeded"),
        (expired, "an invalid or expired access token"),
    ):
        documented = ERRORS[name]["response"]
        assert response.status_code == documented["status"]
        assert_documented_shape(documented["body"], response.json())
    assert invalid.json()["error"]["code"] == "privacy_level_option_mismatch"
    assert limited.json()["error"]["code"] == "rate_limit_exceeded"
    assert limited.headers["Retry-After"] == "5"
    assert expired.json()["error"]["code"] == "access_token_invalid"
    assert SandboxPost.objects.count() == 0


def test_a_photo_post_made_by_our_client_and_by_the_documented_request_read_back_alike(replay, settings):
    # given the documented photo post and the same post through our client
    settings.SANDBOX_PUBLISH_PROCESSING_SECONDS = 0
    settings.SOCIAL_STATUS_POLL_INTERVAL = 0.01
    documented = EXCHANGES["direct post photos pulled from URLs"]["request"]["body"]
    replay(EXCHANGES["direct post photos pulled from URLs"])
    TikTokContent(access_token=replay.connection.access_token).publish(
        PostDraft(
            marker="m",
            caption=documented["post_info"]["description"],
            title=documented["post_info"]["title"],
            media_urls=tuple(documented["source_info"]["photo_images"]),
        ),
        save_handle=lambda handle: None,
    )

    # when both are listed
    listed = replay(EXCHANGES["list the user's videos"], body={"max_count": 20}).json()["data"]["videos"]

    # then the sandbox holds them alike
    assert len(listed) == 2
    assert listed[0]["title"] == listed[1]["title"] == "funny cat"
    first, second = SandboxPost.objects.order_by("id")
    assert (first.kind, first.text, first.media_urls) == (second.kind, second.text, second.media_urls)
