"""Pre-flight checks on their own: connection, scopes, media count, reachability, type, size and aspect."""

import pytest
from django.conf import settings

from platforms.constants import INSTAGRAM, X
from social.models import MediaKind, SocialPost
from social.preflight import connection_problems, media_problems
from tests.platform_fixtures import connect_store

pytestmark = pytest.mark.django_db(transaction=True)


def post_for(store, platform, urls, kind=MediaKind.IMAGE, connection=None):
    return SocialPost(
        store=store, platform=platform, caption="c", media_urls=urls, media_kind=kind, connection=connection
    )


def test_a_post_without_a_connection_or_scope_cannot_go_out(store):
    # given no connection, then a connection lacking media.write
    bare = post_for(store, X, [])
    narrow = post_for(store, X, [], connection=connect_store(store, X, scopes=["tweet.write", "tweet.read"]))

    # then each says what to do
    assert connection_problems(bare) == ["No X account is connected."]
    assert connection_problems(narrow) == ["The X connection lacks media.write, users.read: reconnect it."]


@pytest.mark.parametrize(
    ("platform", "kind", "names", "problem"),
    [
        (INSTAGRAM, MediaKind.CAROUSEL, ["a-1080x1080.jpg"], "A Instagram carousel needs 2 to 10 images."),
        (X, MediaKind.VIDEO, ["a.mp4", "b.mp4"], "A video post needs exactly one video."),
        (X, MediaKind.IMAGE, ["ftp://example.com/a.jpg"], "ftp://example.com/a.jpg is not a web address"),
        (X, MediaKind.IMAGE, ["http://127.0.0.1:9/a.jpg"], "http://127.0.0.1:9/a.jpg could not be fetched."),
    ],
    ids=[
        "a one-image carousel",
        "two videos in one post",
        "a non-web address",
        "an unreachable host",
    ],
)
def test_media_problems_name_the_reason(store, sandbox_url, platform, kind, names, problem):
    urls = [n if "://" in n else f"{settings.SANDBOX_BASE_URL}/media/{n}" for n in names]
    problems = media_problems(post_for(store, platform, urls, kind))
    assert any(problem in p for p in problems), problems


def test_a_good_video_passes(store, sandbox_url):
    post = post_for(store, X, [f"{settings.SANDBOX_BASE_URL}/media/clip.mp4"], MediaKind.VIDEO)
    assert media_problems(post) == []
