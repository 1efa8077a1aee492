"""The organic platforms' sandbox refuses what X, Instagram and Pinterest refuse, in each platform's own error body,
and publishes nothing when it does. Driven the way a client drives it: HTTP requests to /sandbox/<platform>/..."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from platforms.constants import INSTAGRAM, PINTEREST, X
from sandbox.models import SandboxMedia, SandboxPost, SandboxPublishJob
from sandbox.social.engagement import sandbox_now
from tests.platform_fixtures import sandbox_token

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 60
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 50
GIF = b"GIF89a" + b"\x00" * 60
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 50
IMAGE_URL = "https://cdn.shop.example.com/sock-1080x1350.jpg"


def bearer(token) -> dict[str, str]:
    return {"Authorization": f"Bearer {token.access_token}"}


# --- X ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def x_token(db):
    return sandbox_token(X, scopes=["tweet.read", "tweet.write", "users.read", "media.write"])


def x_post(client, token, path: str, body: dict):
    return client.post(f"/sandbox/x/2/{path}", json.dumps(body), content_type="application/json", headers=bearer(token))


def invalid_request(message: str) -> dict:
    return {
        "errors": [{"message": message, "parameters": {}}],
        "title": "Invalid Request",
        "detail": message,
        "type": "https://api.twitter.com/2/problems/invalid-request",
    }


def upload(client, token, content: bytes, category: str = "tweet_image"):
    media = SimpleUploadedFile("upload.bin", content)
    return client.post("/sandbox/x/2/media/upload", {"media": media, "media_category": category}, headers=bearer(token))


def test_x_refuses_more_than_four_media_on_a_post(client, x_token):
    # given five finalized uploads of the user
    ids = [upload(client, x_token, JPEG).json()["data"]["id"] for _ in range(5)]
    # when a post carries all five
    response = x_post(client, x_token, "tweets", {"text": "Socks", "media": {"media_ids": ids}})
    # then X refuses it and posts nothing
    assert (response.status_code, response.json()) == (400, invalid_request("media.media_ids may hold at most 4 ids."))
    assert not SandboxPost.objects.exists()


@pytest.mark.parametrize(
    ("content", "category", "message"),
    [
        pytest.param(None, "tweet_image", "The media field is required.", id="X needs the media part"),
        pytest.param(MP4, "tweet_video", "Use the chunked upload for videos and GIFs.", id="X takes video in chunks"),
        pytest.param(MP4, "tweet_image", "The media is not an image of a supported type.", id="X sniffs the image"),
        pytest.param(
            b"plain text", "tweet_image", "The media is not an image of a supported type.", id="X refuses text"
        ),
        pytest.param(
            JPEG + b"\x00" * (5 * 1024 * 1024),
            "tweet_image",
            "Images must be at most 5 MB.",
            id="X caps images at 5 MB",
        ),
    ],
)
def test_x_refuses_an_invalid_simple_upload(client, x_token, content, category, message):
    # when an upload is posted
    if content is None:
        response = client.post("/sandbox/x/2/media/upload", {"media_category": category}, headers=bearer(x_token))
    else:
        response = upload(client, x_token, content, category)
    # then X refuses it and stores nothing
    assert (response.status_code, response.json()) == (400, invalid_request(message))
    assert not SandboxMedia.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(PNG, id="X takes a PNG"),
        pytest.param(WEBP, id="X takes a WEBP"),
        pytest.param(GIF, id="X takes a still GIF as an image"),
    ],
)
def test_x_takes_the_image_types_it_supports_and_reports_their_status(client, x_token, content):
    # when an image is uploaded and its status asked for
    media_id = upload(client, x_token, content).json()["data"]["id"]
    status = client.get(
        "/sandbox/x/2/media/upload", {"command": "STATUS", "media_id": media_id}, headers=bearer(x_token)
    )
    # then the status describes the stored upload
    assert status.json() == {
        "data": {"id": media_id, "media_key": f"3_{media_id}", "size": len(content), "expires_after_secs": 86400}
    }


def test_x_refuses_a_status_request_without_the_status_command(client, x_token):
    media_id = upload(client, x_token, JPEG).json()["data"]["id"]
    response = client.get("/sandbox/x/2/media/upload", {"media_id": media_id}, headers=bearer(x_token))
    assert (response.status_code, response.json()) == (
        400,
        invalid_request("command=STATUS and a media_id of this user are required."),
    )


def test_x_chunked_upload_refuses_strangers_missing_segments_and_short_files(client, x_token):
    # given an initialized chunked upload of 100 bytes
    media_id = x_post(
        client, x_token, "media/upload/initialize", {"media_type": "video/mp4", "total_bytes": 100}
    ).json()["data"]["id"]
    base = f"/sandbox/x/2/media/upload/{media_id}"
    # when a chunk goes to an unknown id, a chunk comes without its index, and the upload is finalized short
    stranger = client.post(
        "/sandbox/x/2/media/upload/1/append", {"media": SimpleUploadedFile("c", MP4)}, headers=bearer(x_token)
    )
    unindexed = client.post(f"{base}/append", {"media": SimpleUploadedFile("c", MP4)}, headers=bearer(x_token))
    client.post(
        f"{base}/append", {"media": SimpleUploadedFile("c", MP4), "segment_index": "0"}, headers=bearer(x_token)
    )
    short = client.post(f"{base}/finalize", headers=bearer(x_token))
    # then each is refused and the upload stays unfinished
    assert stranger.json() == invalid_request("The media id is not an upload of this user.")
    assert unindexed.json() == invalid_request("media and segment_index are required.")
    assert short.json() == invalid_request(f"Received {len(MP4)} of 100 bytes.")
    assert SandboxMedia.objects.get(media_id=media_id).finalized is False


@pytest.mark.parametrize(
    ("scopes", "method", "title", "detail"),
    [
        pytest.param(
            ["tweet.read"], "delete", "Forbidden", "Missing scope tweet.write.", id="X deletes with tweet.write"
        ),
        pytest.param(["tweet.write"], "get", "Forbidden", "Missing scope tweet.read.", id="X reads with tweet.read"),
    ],
)
def test_x_refuses_a_post_call_without_its_scope(client, scopes, method, title, detail):
    # given a post and a token without the scope the call needs
    token = sandbox_token(X, scopes=scopes)
    post = SandboxPost.objects.create(
        platform=X,
        account=token.account,
        external_id="123456789012345678",
        kind="tweet",
        text="hi",
        created_at=sandbox_now(),
    )
    # when the call is made
    response = getattr(client, method)(f"/sandbox/x/2/tweets/{post.external_id}", headers=bearer(token))
    # then X answers 403 and the post is untouched
    assert (response.status_code, response.json()) == (
        403,
        {"title": title, "type": "about:blank", "status": 403, "detail": detail},
    )
    assert SandboxPost.objects.get(pk=post.pk).deleted_at is None


def test_x_does_not_delete_a_post_of_another_user(client, x_token):
    # given a post of another account
    other = sandbox_token(X, scopes=["tweet.write"])
    post = SandboxPost.objects.create(
        platform=X,
        account=other.account,
        external_id="123456789012345679",
        kind="tweet",
        text="hi",
        created_at=sandbox_now(),
    )
    # when this user deletes it
    response = client.delete(f"/sandbox/x/2/tweets/{post.external_id}", headers=bearer(x_token))
    # then X answers deleted false and the post stays
    assert response.json() == {"data": {"deleted": False}}
    assert SandboxPost.objects.get(pk=post.pk).deleted_at is None


def test_x_lookup_answers_found_posts_and_an_error_for_each_missing_one(client, x_token):
    # given one post with a link
    text = "New socks https://shop.example.com/p/1"
    post_id = x_post(client, x_token, "tweets", {"text": text}).json()["data"]["id"]
    # when it is looked up with an id that does not exist
    response = client.get(
        "/sandbox/x/2/tweets", {"ids": f"{post_id},123", "tweet.fields": "entities"}, headers=bearer(x_token)
    )
    # then the post comes with its link shown as t.co and unwrapped in its entity, the missing id with an error
    assert response.status_code == 200
    body = response.json()
    short = body["data"][0]["entities"]["urls"][0]["url"]
    assert short.startswith("https://t.co/")
    assert len(short) == len("https://t.co/") + 10
    assert body == {
        "data": [
            {
                "id": post_id,
                "text": f"New socks {short}",
                "edit_history_tweet_ids": [post_id],
                "entities": {
                    "urls": [
                        {
                            "start": 10,
                            "end": 10 + len(short),
                            "url": short,
                            "expanded_url": "https://shop.example.com/p/1",
                            "display_url": "shop.example.com/p/1",
                        }
                    ]
                },
            }
        ],
        "errors": [
            {
                "value": "123",
                "detail": "Could not find tweet with ids: [123].",
                "title": "Not Found Error",
                "resource_type": "tweet",
                "parameter": "ids",
                "resource_id": "123",
                "type": "https://api.twitter.com/2/problems/resource-not-found",
            }
        ],
    }


def test_x_timeline_pages_with_a_next_token(client, x_token):
    # given seven posts
    for n in range(7):
        x_post(client, x_token, "tweets", {"text": f"Socks {n}"})
    path = f"/sandbox/x/2/users/{x_token.account.external_id}/tweets"
    # when the timeline is read five at a time
    first = client.get(path, {"max_results": 5}, headers=bearer(x_token)).json()
    second = client.get(
        path, {"max_results": 5, "pagination_token": first["meta"]["next_token"]}, headers=bearer(x_token)
    ).json()
    # then the first page offers a next token and the second page holds the rest, without one
    assert [t["text"] for t in first["data"]] == ["Socks 6", "Socks 5", "Socks 4", "Socks 3", "Socks 2"]
    assert first["meta"]["next_token"] == "5"
    assert [t["text"] for t in second["data"]] == ["Socks 1", "Socks 0"]
    assert "next_token" not in second["meta"]


# --- Instagram --------------------------------------------------------------------------------------------------


@pytest.fixture
def ig_token(db):
    return sandbox_token(
        INSTAGRAM,
        scopes=["instagram_business_basic", "instagram_business_content_publish", "instagram_business_manage_insights"],
    )


def ig(client, token, method: str, path: str, **fields):
    url = f"/sandbox/instagram/v25.0/{path}"
    data = {**fields, "access_token": token.access_token}
    return client.get(url, data) if method == "get" else client.post(url, data)


def ig_error(response) -> dict:
    error = dict(response.json()["error"])
    assert len(error.pop("fbtrace_id")) == 11
    return error


def ig_invalid(message: str) -> dict:
    return {"message": message, "type": "OAuthException", "code": 100, "is_transient": False, "error_user_msg": message}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param(
            {"image_url": IMAGE_URL, "caption": "s" * 2201},
            "The caption is longer than 2,200 characters.",
            id="Instagram caps captions at 2200 characters",
        ),
        pytest.param(
            {"media_type": "CAROUSEL", "children": "1"},
            "A carousel needs 2 to 10 children.",
            id="Instagram needs at least two carousel children",
        ),
        pytest.param(
            {"media_type": "CAROUSEL", "children": '["17000000000000001", "17000000000000002"]'},
            "children must be carousel item containers of this account.",
            id="Instagram takes only this account's carousel items as children",
        ),
        pytest.param({"media_type": "REELS"}, "video_url is required for REELS.", id="Instagram reels need a video"),
        pytest.param(
            {"media_type": "STORIES", "image_url": IMAGE_URL},
            "media_type STORIES is not supported.",
            id="The sandbox says plainly that it publishes no stories",
        ),
        pytest.param(
            {"image_url": IMAGE_URL, "alt_text": "a" * 1001},
            "alt_text is longer than 1,000 characters.",
            id="Instagram caps alt text at 1000 characters",
        ),
    ],
)
def test_instagram_refuses_an_invalid_container(client, ig_token, fields, message):
    response = ig(client, ig_token, "post", "me/media", **fields)
    assert (response.status_code, ig_error(response)) == (400, ig_invalid(message))
    assert not SandboxPublishJob.objects.exists()


def test_instagram_refuses_an_image_that_is_not_jpeg_with_its_media_error(client, ig_token):
    response = ig(client, ig_token, "post", "me/media", image_url="https://cdn.shop.example.com/sock.png")
    assert (response.status_code, ig_error(response)) == (
        400,
        {
            "message": "Only JPEG images are supported.",
            "type": "OAuthException",
            "code": 36001,
            "error_subcode": 2207005,
            "error_user_msg": "Only JPEG images are supported.",
            "is_transient": False,
        },
    )
    assert not SandboxPublishJob.objects.exists()


def test_instagram_answers_another_users_id_as_a_missing_object(client, ig_token):
    response = ig(client, ig_token, "post", "17841400000000000/media", image_url=IMAGE_URL)
    assert (response.status_code, ig_error(response)) == (
        400,
        {
            "message": "Unsupported request: object 17841400000000000 does not exist.",
            "type": "GraphMethodException",
            "code": 100,
            "error_subcode": 33,
            "is_transient": False,
        },
    )


def publish_error(code: int, subcode: int, message: str) -> dict:
    return {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "error_subcode": subcode,
        "error_user_msg": message,
        "is_transient": code == 9007,
    }


def test_instagram_publish_refuses_early_twice_and_expired_containers(client, ig_token, settings):
    # given a container still processing
    settings.SANDBOX_PUBLISH_PROCESSING_SECONDS = 3600
    container = ig(client, ig_token, "post", "me/media", image_url=IMAGE_URL).json()["id"]
    # when it is published too early
    early = ig(client, ig_token, "post", "me/media_publish", creation_id=container)
    # then Instagram says the media is not ready (a retryable error) and publishes nothing
    assert ig_error(early) == publish_error(
        9007, 2207027, "The media is not ready to be published. Please wait a moment."
    )
    assert not SandboxPost.objects.exists()
    # and once it is ready, the first publish succeeds and the second is refused
    SandboxPublishJob.objects.filter(handle=container).update(ready_at=sandbox_now())
    first = ig(client, ig_token, "post", "me/media_publish", creation_id=container)
    again = ig(client, ig_token, "post", "me/media_publish", creation_id=container)
    assert first.status_code == 200
    assert ig_error(again) == publish_error(-2, 2207008, "The media has already been published.")
    assert SandboxPost.objects.count() == 1
    # and a container older than a day has expired: its status says so and publishing it is refused
    stale = ig(client, ig_token, "post", "me/media", image_url=IMAGE_URL).json()["id"]
    SandboxPublishJob.objects.filter(handle=stale).update(created_at=sandbox_now() - dt.timedelta(hours=25))
    status = ig(client, ig_token, "get", stale, fields="status_code").json()
    expired = ig(client, ig_token, "post", "me/media_publish", creation_id=stale)
    assert status == {"id": stale, "status_code": "EXPIRED"}
    assert ig_error(expired) == publish_error(-2, 2207020, "The media container has expired.")
    assert SandboxPost.objects.count() == 1


def test_instagram_publish_refuses_a_container_it_does_not_know(client, ig_token):
    response = ig(client, ig_token, "post", "me/media_publish", creation_id="17999999999999999")
    assert (response.status_code, ig_error(response)) == (
        400,
        ig_invalid("creation_id is not a container of this account."),
    )
    assert not SandboxPost.objects.exists()


@pytest.mark.parametrize(
    ("path", "params", "status", "error"),
    [
        pytest.param(
            "17000000000000009",
            {"fields": "caption"},
            400,
            {
                "message": "Unsupported get request. Object with ID '17000000000000009' does not exist.",
                "type": "GraphMethodException",
                "code": 100,
                "error_subcode": 33,
                "is_transient": False,
            },
            id="Instagram answers an unknown media id as a missing object",
        ),
        pytest.param(
            "17000000000000009/insights",
            {"metric": "reach"},
            400,
            {
                "message": "Unsupported get request. Object with ID '17000000000000009' does not exist.",
                "type": "GraphMethodException",
                "code": 100,
                "error_subcode": 33,
                "is_transient": False,
            },
            id="Instagram answers insights of an unknown media as a missing object",
        ),
        pytest.param(
            "17000000000000009/insights",
            {"metric": "reach,impressions"},
            400,
            ig_invalid(
                "metric[0] must be one of the following values: comments, likes, reach, saved, shares, "
                "total_interactions, views"
            ),
            id="Instagram refuses the deprecated impressions metric",
        ),
        pytest.param(
            "17000000000000009/insights",
            {"metric": "reach,colour"},
            400,
            ig_invalid("metric must name supported insights metrics."),
            id="Instagram refuses an unknown metric",
        ),
    ],
)
def test_instagram_refuses_an_invalid_read(client, ig_token, path, params, status, error):
    response = ig(client, ig_token, "get", path, **params)
    assert (response.status_code, ig_error(response)) == (status, error)


# --- Pinterest --------------------------------------------------------------------------------------------------


@pytest.fixture
def pin_token(db):
    return sandbox_token(PINTEREST, scopes=["boards:read", "pins:read", "pins:write"])


@pytest.fixture
def board_id(client, pin_token) -> str:
    return client.get("/sandbox/pinterest/v5/boards", headers=bearer(pin_token)).json()["items"][0]["id"]


def pin_body(board: str, **change) -> dict:
    body = {"board_id": board, "title": "Socks", "media_source": {"source_type": "image_url", "url": IMAGE_URL}}
    return body | change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"title": "t" * 101}, "title must be a string of at most 100 characters.", id="titles cap at 100"),
        pytest.param({"link": 42}, "link must be a string of at most 2048 characters.", id="links are strings"),
        pytest.param(
            {"media_source": None},
            "media_source with a supported source_type is required.",
            id="Pinterest needs a media source",
        ),
        pytest.param(
            {"media_source": {"source_type": "video_id", "media_id": "1"}},
            "The sandbox does not create pins from video_id.",
            id="The sandbox says plainly that it makes no video pins",
        ),
        pytest.param(
            {"media_source": {"source_type": "image_url", "url": "ftp://cdn.example.com/a.jpg"}},
            "media_source needs image URLs.",
            id="Pinterest needs web image URLs",
        ),
        pytest.param(
            {"media_source": {"source_type": "multiple_image_urls", "items": []}},
            "media_source needs image URLs.",
            id="Pinterest needs at least one image",
        ),
    ],
)
def test_pinterest_refuses_an_invalid_pin(client, pin_token, board_id, change, message):
    body = json.dumps(pin_body(board_id, **change))
    response = client.post(
        "/sandbox/pinterest/v5/pins", body, content_type="application/json", headers=bearer(pin_token)
    )
    assert (response.status_code, response.json()) == (400, {"code": 1, "message": message})
    assert not SandboxPost.objects.exists()


def test_pinterest_deletes_a_pin_with_pins_write_only(client, pin_token, board_id):
    # given a pin and a reader's token
    body = json.dumps(pin_body(board_id))
    pin_id = client.post(
        "/sandbox/pinterest/v5/pins", body, content_type="application/json", headers=bearer(pin_token)
    ).json()["id"]
    reader = sandbox_token(PINTEREST, scopes=["pins:read"], account=pin_token.account)
    # when the reader deletes it, then the owner
    refused = client.delete(f"/sandbox/pinterest/v5/pins/{pin_id}", headers=bearer(reader))
    deleted = client.delete(f"/sandbox/pinterest/v5/pins/{pin_id}", headers=bearer(pin_token))
    # then the reader is refused with 403, the owner gets 204, and the pin is gone
    assert (refused.status_code, refused.json()) == (
        403,
        {"code": 3, "message": "Not authorized to access the resource: needs pins:write."},
    )
    assert (deleted.status_code, deleted.content) == (204, b"")
    gone = client.get(f"/sandbox/pinterest/v5/pins/{pin_id}", headers=bearer(pin_token))
    assert (gone.status_code, gone.json()) == (404, {"code": 50, "message": "Pin not found."})


@pytest.mark.parametrize(
    ("params", "status", "error"),
    [
        pytest.param(
            {"metric_types": "IMPRESSION"},
            400,
            {"code": 1, "message": "start_date and end_date (YYYY-MM-DD) are required."},
            id="Pinterest needs a date range",
        ),
        pytest.param(
            {"start_date": "{start_long}", "end_date": "{today}", "metric_types": "IMPRESSION"},
            400,
            {"code": 1, "message": "The date range must be at most 90 days and start within the last 90 days."},
            id="Pinterest caps analytics at 90 days",
        ),
        pytest.param(
            {"start_date": "{start}", "end_date": "{today}", "metric_types": "IMPRESSION,VIEWS"},
            400,
            {
                "code": 1,
                "message": "metric_types must be among IMPRESSION, OUTBOUND_CLICK, PIN_CLICK, SAVE, SAVE_RATE, "
                "TOTAL_COMMENTS, TOTAL_REACTIONS.",
            },
            id="Pinterest refuses an unknown metric",
        ),
    ],
)
def test_pinterest_refuses_invalid_analytics(client, pin_token, board_id, params, status, error):
    # given a pin
    body = json.dumps(pin_body(board_id))
    pin_id = client.post(
        "/sandbox/pinterest/v5/pins", body, content_type="application/json", headers=bearer(pin_token)
    ).json()["id"]
    today = sandbox_now().date()
    dates = {"{today}": today, "{start}": today - dt.timedelta(days=7), "{start_long}": today - dt.timedelta(days=91)}
    query = {k: str(dates.get(v, v)) for k, v in params.items()}
    # when its analytics are asked for
    response = client.get(f"/sandbox/pinterest/v5/pins/{pin_id}/analytics", query, headers=bearer(pin_token))
    # then Pinterest refuses the request
    assert (response.status_code, response.json()) == (status, error)


def test_pinterest_answers_analytics_of_an_unknown_pin_as_not_found(client, pin_token):
    query = {"start_date": "2026-01-01", "end_date": "2026-01-02", "metric_types": "IMPRESSION"}
    response = client.get("/sandbox/pinterest/v5/pins/123/analytics", query, headers=bearer(pin_token))
    assert (response.status_code, response.json()) == (404, {"code": 50, "message": "Pin not found."})
