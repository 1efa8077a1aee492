"""Instagram publishing through facebook-business 26.0.3's Instagram user node against the sandbox.

Pointed at the sandbox with ``FacebookSession.GRAPH = base`` and ``FacebookAdsApi.init(access_token=...)``
(platform-apis.md §11): the SDK speaks Graph v26.0, form-encodes POST bodies, JSON-encodes list parameters and
sends ``access_token`` as a query parameter on every request.
"""

import datetime as dt

import pytest
from django.utils import timezone
from facebook_business.adobjects.iguser import IGUser
from facebook_business.adobjects.shadowigmediabuilder import ShadowIGMediaBuilder
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError
from facebook_business.session import FacebookSession

from platforms.content import MediaKind, PostDraft
from platforms.instagram.content import InstagramContent
from sandbox.models import SandboxFault, SandboxPost, SandboxToken
from tests.platform_fixtures import connect_store
from tests.social.conftest import SCOPES, media_url

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def connection(store, sandbox_url, settings, monkeypatch):
    settings.SANDBOX_PUBLISH_PROCESSING_SECONDS = 0
    monkeypatch.setattr(FacebookSession, "GRAPH", f"{sandbox_url}/instagram")
    connection = connect_store(store, "instagram", scopes=SCOPES["instagram"])
    FacebookAdsApi.init(access_token=connection.access_token, crash_log=False)
    return connection


def test_the_sdk_creates_a_container_reads_its_status_and_publishes_it(connection):
    # given the merchant's Instagram user node
    user = IGUser(connection.external_account_id)

    # when the SDK creates an image container, reads its status and publishes it
    container = user.create_media(params={"image_url": media_url("instagram"), "caption": "Trail ready. #merino"})
    status = ShadowIGMediaBuilder(container["id"]).api_get(fields=["status_code"])
    media = user.create_media_publish(params={"creation_id": container["id"]})
    published = ShadowIGMediaBuilder(container["id"]).api_get(fields=["status_code"])

    # then the container went FINISHED → PUBLISHED and the media exists at the platform
    assert status["status_code"] == "FINISHED"
    assert published["status_code"] == "PUBLISHED"
    assert SandboxPost.objects.get(platform="instagram").external_id == media["id"]


def test_the_sdk_publishes_a_carousel_with_list_parameters(connection):
    # given two carousel items created through the SDK
    user = IGUser(connection.external_account_id)
    children = [
        user.create_media(params={"image_url": media_url("instagram", f"c{n}"), "is_carousel_item": True})["id"]
        for n in range(2)
    ]

    # when the carousel container (children sent as a JSON list) is created and published
    carousel = user.create_media(params={"media_type": "CAROUSEL", "children": children, "caption": "Two looks"})
    media = user.create_media_publish(params={"creation_id": carousel["id"]})

    # then one carousel post holds both images
    post = SandboxPost.objects.get(platform="instagram")
    assert (post.external_id, post.kind, len(post.media_urls)) == (media["id"], "carousel", 2)


def test_the_sdk_raises_facebook_request_errors_for_validation_rate_limits_and_expired_tokens(connection):
    user = IGUser(connection.external_account_id)

    # validation: code 100
    with pytest.raises(FacebookRequestError) as invalid:
        user.create_media(params={"caption": "no media"})
    assert invalid.value.api_error_code() == 100

    # rate limit: code 17, marked transient, with Retry-After
    SandboxFault.objects.create(platform="instagram", rate_limit_rate=1.0, retry_after_seconds=30)
    with pytest.raises(FacebookRequestError) as limited:
        user.create_media(params={"image_url": media_url("instagram"), "caption": "x"})
    assert (limited.value.api_error_code(), limited.value.api_transient_error()) == (17, True)
    assert limited.value.http_headers()["Retry-After"] == "30"
    SandboxFault.objects.all().delete()

    # expired token: code 190
    SandboxToken.objects.filter(platform="instagram").update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(FacebookRequestError) as expired:
        user.create_media(params={"image_url": media_url("instagram"), "caption": "x"})
    assert expired.value.api_error_code() == 190


def test_media_published_by_our_client_and_by_the_sdk_read_back_alike(connection):
    # given the same image and caption published once through our client and once through the SDK
    ours = InstagramContent(access_token=connection.access_token, account_id=connection.external_account_id).publish(
        PostDraft(marker="m", caption="Same caption", media_urls=(media_url("instagram"),), media_kind=MediaKind.IMAGE),
        save_handle=lambda handle: None,
    )
    user = IGUser(connection.external_account_id)
    container = user.create_media(params={"image_url": media_url("instagram"), "caption": "Same caption"})
    theirs = user.create_media_publish(params={"creation_id": container["id"]})

    # when both are listed through the SDK
    listed = {m["id"]: m for m in user.get_media(fields=["caption", "media_type", "media_product_type"])}

    # then they are the same but for their ids
    a, b = dict(listed[ours.external_id]), dict(listed[theirs["id"]])
    assert {k: v for k, v in a.items() if k != "id"} == {k: v for k, v in b.items() if k != "id"}
