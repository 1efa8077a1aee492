"""The sandbox enforces each platform's own rules: limits, required fields, scopes and daily caps."""

import pytest
import requests
from django.conf import settings

from platforms.constants import INSTAGRAM, PINTEREST, TIKTOK, X
from sandbox.models import SandboxPost
from tests.platform_fixtures import connect_store
from tests.social.conftest import media_url

pytestmark = pytest.mark.django_db(transaction=True)


def call(method, path, token, **kwargs):
    return requests.request(
        method,
        f"{settings.SANDBOX_BASE_URL}/{path}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
        **kwargs,
    )


def photo(title="t", description="d", privacy="PUBLIC_TO_EVERYONE", images=None):
    return {
        "media_type": "PHOTO",
        "post_mode": "DIRECT_POST",
        "post_info": {"title": title, "description": description, "privacy_level": privacy},
        "source_info": {"source": "PULL_FROM_URL", "photo_images": images or [media_url(TIKTOK)]},
    }


@pytest.mark.parametrize(
    ("platform", "method", "path", "payload", "status", "says"),
    [
        (
            TIKTOK,
            "post",
            "tiktok/v2/post/publish/content/init/",
            photo(title="x" * 91),
            400,
            "title must be at most 90",
        ),
        (TIKTOK, "post", "tiktok/v2/post/publish/content/init/", photo(privacy="EVERYONE"), 400, "privacy_level"),
        (TIKTOK, "post", "tiktok/v2/post/publish/content/init/", {**photo(), "media_type": "VIDEO"}, 400, "PHOTO"),
        (
            TIKTOK,
            "post",
            "tiktok/v2/post/publish/video/init/",
            {"post_info": {"privacy_level": "SELF_ONLY"}, "source_info": {"source": "FILE_UPLOAD"}},
            400,
            "pulls videos from URLs",
        ),
        (TIKTOK, "post", "tiktok/v2/video/query/", {"filters": {"video_ids": []}}, 400, "fields must name"),
        (X, "post", "x/2/tweets", {"text": ""}, 400, "text or media is required"),
        (X, "post", "x/2/tweets", {"text": "hi", "media": {"media_ids": ["1"]}}, 400, "media this user uploaded"),
        (X, "get", "x/2/tweets?ids=", None, 400, "1 to 100 ids"),
        (X, "get", "x/2/tweets?ids=1&tweet.fields=colour", None, 400, "is not valid"),
        (X, "get", "x/2/users/1/tweets?max_results=1", None, 400, "between 5 and 100"),
        (X, "post", "x/2/media/upload/initialize", {"media_type": "video/avi", "total_bytes": 1}, 400, "video/mp4"),
        (PINTEREST, "post", "pinterest/v5/pins", {"board_id": "abc"}, 400, "board_id is required"),
        (PINTEREST, "post", "pinterest/v5/pins", {"board_id": "123"}, 404, "Board not found"),
        (PINTEREST, "get", "pinterest/v5/pins/1", None, 404, "Pin not found"),
        (PINTEREST, "get", "pinterest/v5/boards/1/pins", None, 404, "Board not found"),
    ],
    ids=[
        "TikTok photo titles are capped at 90",
        "TikTok privacy must be an offered option",
        "TikTok content init takes photos only",
        "TikTok pulls videos from URLs here",
        "TikTok queries need fields",
        "X needs text or media",
        "X media must be the user's",
        "X lookups need ids",
        "X refuses unknown fields",
        "X timelines page 5 to 100",
        "X chunked upload is for video and GIF",
        "Pinterest needs a board",
        "Pinterest boards must exist",
        "Pinterest answers 404 for unknown pins",
        "Pinterest answers 404 for unknown boards",
    ],
)
def test_the_sandbox_refuses_what_the_platform_refuses(
    store, connections, platform, method, path, payload, status, says
):
    # when an invalid request reaches the sandbox
    response = call(method, path, connections[platform].access_token, json=payload)

    # then it answers the platform's status and reason, and nothing was created
    assert response.status_code == status
    assert says in response.text
    assert SandboxPost.objects.count() == 0


@pytest.mark.parametrize(
    ("platform", "scopes", "method", "path"),
    [
        (X, ["tweet.read"], "post", "x/2/tweets"),
        (X, ["tweet.write"], "get", "x/2/tweets?ids=1"),
        (X, ["tweet.read"], "post", "x/2/media/upload"),
        (PINTEREST, ["boards:read"], "post", "pinterest/v5/pins"),
        (INSTAGRAM, ["instagram_business_basic"], "post", "instagram/v25.0/me/media"),
        (TIKTOK, ["video.list"], "post", "tiktok/v2/post/publish/creator_info/query/"),
    ],
    ids=[
        "X writes need tweet.write",
        "X reads need tweet.read",
        "X uploads need media.write",
        "Pinterest pins need pins:write",
        "Instagram publishing needs content_publish",
        "TikTok posting needs video.publish",
    ],
)
def test_the_sandbox_refuses_tokens_without_the_scope(store, sandbox_url, platform, scopes, method, path):
    connection = connect_store(store, platform, scopes=scopes)
    response = call(method, path, connection.access_token, json={})
    if platform == INSTAGRAM:
        # The Graph API answers a missing permission with HTTP 400 and error code 200.
        assert (response.status_code, response.json()["error"]["code"]) == (400, 200)
    else:
        assert response.status_code in (401, 403)
    assert SandboxPost.objects.count() == 0


@pytest.mark.parametrize("platform", [TIKTOK, INSTAGRAM, PINTEREST, X], ids=["TikTok", "Instagram", "Pinterest", "X"])
def test_the_daily_publishing_cap_is_enforced(store, connections, settings, platform):
    # given a cap of one post a day
    from platforms.content import PostDraft
    from platforms.errors import RateLimited
    from social.clients import client_for

    settings.SANDBOX_SOCIAL_DAILY_LIMITS = {**settings.SANDBOX_SOCIAL_DAILY_LIMITS, platform: 1}
    client = client_for(connections[platform])
    draft = PostDraft(marker="m", caption="First", title="t", media_urls=(media_url(platform),))
    client.publish(draft, save_handle=lambda h: None)

    # when a second post is published the same day
    with pytest.raises(RateLimited) as limited:
        client_for(connections[platform]).publish(
            PostDraft(marker="n", caption="Second", title="t", media_urls=(media_url(platform),)),
            save_handle=lambda h: None,
        )

    # then the platform asks to wait (an hour or more) and only one post exists
    assert limited.value.retry_after >= 3600 - 5
    assert SandboxPost.objects.filter(platform=platform).count() == 1


def test_the_sandbox_serves_demo_media_with_type_and_length(sandbox_url):
    head = requests.head(media_url(X), timeout=10)
    video = requests.get(f"{sandbox_url}/media/clip.mp4", timeout=10)
    missing = requests.get(f"{sandbox_url}/media/huge-9000x9000.jpg", timeout=10)
    assert (head.status_code, head.headers["Content-Type"]) == (200, "image/jpeg")
    assert int(head.headers["Content-Length"]) > 0
    assert (video.headers["Content-Type"], video.content[4:8]) == ("video/mp4", b"ftyp")
    assert missing.status_code == 404
