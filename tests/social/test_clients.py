"""The organic clients' less common paths over real HTTP: videos, reels, carousels, look-ups by marker."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from platforms.constants import INSTAGRAM, PINTEREST, TIKTOK, X
from platforms.content import MediaKind, PostDraft
from platforms.errors import Rejected
from platforms.instagram.content import InstagramContent
from platforms.pinterest.content import PinterestContent
from platforms.tiktok.content import TikTokContent
from platforms.x.content import XContent
from platforms.x.http import retry_after_from_headers
from sandbox.models import SandboxMedia, SandboxPost, SandboxPublishJob
from tests.social.conftest import media_url

pytestmark = pytest.mark.django_db(transaction=True)


def video_url(name="clip"):
    return f"{settings.SANDBOX_BASE_URL}/media/{name}.mp4"


def handles():
    saved = []
    return saved, saved.append


def test_tiktok_posts_a_video_and_finds_it_again_by_its_caption(connections):
    # given a video draft
    client = TikTokContent(access_token=connections[TIKTOK].access_token, account_id="northwind")
    draft = PostDraft(marker="m1", caption="Trail clip #merino", media_urls=(video_url(),), media_kind=MediaKind.VIDEO)
    saved, save = handles()

    # when it is published and then looked up without its publish_id
    published = client.publish(draft, save_handle=save)
    found = client.lookup(draft)

    # then it went out as a video, the publish_id was saved first, and the look-up finds the same post
    assert SandboxPost.objects.get(platform=TIKTOK).kind == "video"
    assert saved == [SandboxPublishJob.objects.get(platform=TIKTOK).handle]
    assert found.external_id == published.external_id
    assert published.permalink == f"https://www.tiktok.com/@northwind/video/{published.external_id}"


def test_tiktok_resumes_from_a_saved_publish_id_without_posting_again(connections):
    # given a post initiated earlier whose publish_id was saved
    client = TikTokContent(access_token=connections[TIKTOK].access_token)
    draft = PostDraft(marker="m2", caption="Photo post", media_urls=(media_url(TIKTOK),))
    saved, save = handles()
    first = client.publish(draft, save_handle=save)

    # when publishing resumes from that handle
    again = client.publish(draft, handle=saved[0], save_handle=save)

    # then nothing new was created
    assert again.external_id == first.external_id
    assert SandboxPost.objects.filter(platform=TIKTOK).count() == 1


def test_tiktok_refuses_png_photos_with_its_reason(connections):
    client = TikTokContent(access_token=connections[TIKTOK].access_token)
    draft = PostDraft(marker="m3", caption="PNG", media_urls=(f"{settings.SANDBOX_BASE_URL}/media/a-100x100.png",))
    with pytest.raises(Rejected, match="Photos must be JPEG or WEBP."):
        client.publish(draft, save_handle=lambda h: None)


@pytest.mark.parametrize(
    ("kind", "urls", "stored"),
    [
        (MediaKind.VIDEO, (video_url,), "reel"),
        (MediaKind.CAROUSEL, (lambda: media_url(INSTAGRAM, "a"), lambda: media_url(INSTAGRAM, "b")), "carousel"),
    ],
    ids=["a reel", "a carousel of two images"],
)
def test_instagram_publishes_reels_and_carousels(connections, kind, urls, stored):
    # given a reel or carousel draft
    connection = connections[INSTAGRAM]
    client = InstagramContent(access_token=connection.access_token, account_id=connection.external_account_id)
    draft = PostDraft(marker="m", caption="Two looks", media_urls=tuple(u() for u in urls), media_kind=kind)

    # when it is published, and looked up by its container
    saved, save = handles()
    published = client.publish(draft, save_handle=save)
    found = client.lookup(draft, handle=saved[0])

    # then the platform holds it as that kind and the look-up agrees
    assert SandboxPost.objects.get(platform=INSTAGRAM).kind == stored
    assert found.external_id == published.external_id
    assert client.publishing_limit()["quota_usage"] == 1


def test_instagram_look_up_of_an_unpublished_container_finds_nothing(connections):
    connection = connections[INSTAGRAM]
    client = InstagramContent(access_token=connection.access_token, account_id=connection.external_account_id)
    draft = PostDraft(marker="m", caption="Not yet", media_urls=(media_url(INSTAGRAM),), alt_text="A sock")
    container = client.create_container(draft)
    assert client.lookup(draft, handle=container) is None
    assert client.lookup(draft) is None


def test_pinterest_pins_several_images_and_finds_the_pin_by_its_link(connections):
    # given a draft with two images and a tagged link
    client = PinterestContent(access_token=connections[PINTEREST].access_token)
    draft = PostDraft(
        marker="gh42",
        caption="Two views",
        title="Sock",
        link="https://shop.example.com/p?utm_content=gh42",
        media_urls=(media_url(PINTEREST, "a"), media_url(PINTEREST, "b")),
    )

    # when it is pinned and looked up
    published = client.publish(draft, save_handle=lambda h: None)
    found = PinterestContent(access_token=connections[PINTEREST].access_token).lookup(draft)

    # then both images are on the pin and the look-up finds it
    assert len(SandboxPost.objects.get(platform=PINTEREST).media_urls) == 2
    assert found == published


def test_x_uploads_a_video_in_chunks_and_posts_it(connections):
    # given a video draft
    client = XContent(access_token=connections[X].access_token, account_id="northwind_out")
    draft = PostDraft(marker="m", caption="Clip", media_urls=(video_url(),), media_kind=MediaKind.VIDEO)

    # when it is published
    saved, save = handles()
    published = client.publish(draft, save_handle=save)

    # then the video was uploaded whole, finalized, and attached
    media = SandboxMedia.objects.get()
    assert (media.media_type, media.finalized, media.received_bytes == media.total_bytes) == ("video/mp4", True, True)
    assert saved == [media.media_id]
    assert SandboxPost.objects.get(platform=X).media_urls == [media.media_id]
    assert published.permalink == f"https://x.com/northwind_out/status/{published.external_id}"


def test_x_answers_a_repeated_post_with_the_post_it_already_holds(connections):
    # given a post X already holds
    client = XContent(access_token=connections[X].access_token)
    draft = PostDraft(marker="m", caption="Same words", media_urls=())
    first = client.publish(draft, save_handle=lambda h: None)
    # when it is sent again and X refuses the repeated text
    again = client.publish(draft, save_handle=lambda h: None)
    # then the refusal is answered by the post X holds, not a second one
    assert again.external_id == first.external_id
    assert SandboxPost.objects.filter(platform=X).count() == 1


def test_x_refuses_a_duplicate_of_an_older_post_with_its_reason(connections):
    # given a post with the same words, older than the look-up searches
    client = XContent(access_token=connections[X].access_token)
    draft = PostDraft(marker="m", caption="Same words", media_urls=())
    client.publish(draft, save_handle=lambda h: None)
    SandboxPost.objects.filter(platform=X).update(created_at=timezone.now() - dt.timedelta(days=5))
    # when the words are posted again, X refuses them and the look-up finds nothing recent
    with pytest.raises(Rejected, match="duplicate content"):
        client.publish(draft, save_handle=lambda h: None)
    assert SandboxPost.objects.filter(platform=X).count() == 1


def test_x_refuses_a_missing_image_url(connections):
    client = XContent(access_token=connections[X].access_token)
    draft = PostDraft(marker="m", caption="Broken", media_urls=(f"{settings.SANDBOX_BASE_URL}/media/none.gif",))
    with pytest.raises(Rejected, match="answered HTTP 404"):
        client.publish(draft, save_handle=lambda h: None)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"x-user-limit-24hour-remaining": "0", "x-user-limit-24hour-reset": "0"}, 0.0),
        ({"Retry-After": "45"}, 45.0),
        ({}, 60.0),
        ({"Retry-After": "soon"}, 60.0),
    ],
    ids=["a past daily reset waits nothing", "Retry-After alone", "no hint waits a minute", "a bad hint"],
)
def test_x_rate_limit_hints(headers, expected):
    assert retry_after_from_headers(headers) == expected
