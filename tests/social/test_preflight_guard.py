"""Pre-flight's media check goes through the guarded session and says nothing about what answered a refused URL."""

import io
import time

import pytest
from PIL import Image

from platforms.constants import X
from social.models import MediaKind, SocialPost
from social.preflight import media_problems
from tests.platforms.local_http import answer, drip, guard_connects, local_server, redirect

pytestmark = pytest.mark.django_db


def jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "JPEG")
    return buffer.getvalue()


def image_post(store, url: str) -> SocialPost:
    return SocialPost(store=store, platform=X, caption="c", media_urls=[url], media_kind=MediaKind.IMAGE)


@pytest.fixture
def connect_guard(monkeypatch):
    return guard_connects(monkeypatch)


@pytest.fixture
def internal():
    """A loopback server whose answers would be told apart if pre-flight ever reached it."""
    routes = {
        "/admin": answer(500, b"internal error page"),
        "/latest/meta-data/": answer(200, b"iam/security-credentials/", "text/plain"),
        "/a.jpg": answer(200, jpeg(100, 100), "image/jpeg"),
    }
    with local_server(routes) as server:
        yield server


@pytest.mark.parametrize(
    "template",
    [
        "http://127.0.0.1:{port}/admin",
        "http://127.0.0.1:{port}/latest/meta-data/",
        "http://localhost:{port}/admin",
        "http://[::1]:{port}/admin",
        "http://10.0.0.1/admin",
        "http://169.254.169.254/latest/meta-data/",
    ],
    ids=[
        "a loopback port",
        "a loopback metadata look-alike",
        "a name resolving to loopback",
        "IPv6 loopback",
        "a private address",
        "the cloud metadata address",
    ],
)
def test_a_private_media_url_could_not_be_fetched(store, settings, connect_guard, internal, template):
    # given live mode (nothing allow-listed) and a post whose media URL points inside
    settings.PLATFORM_MODE = "live"
    settings.GUARDED_FETCH_ALLOWED_HOSTS = None
    url = template.format(port=internal.port)

    # when pre-flight checks the media
    started = time.monotonic()
    problems = media_problems(image_post(store, url))

    # then it says only that the URL could not be fetched: no status, type or size, and nothing was contacted
    assert problems == [f"{url} could not be fetched."]
    assert time.monotonic() - started < 1.0
    assert connect_guard.attempts == []
    assert internal.requests == []


@pytest.mark.parametrize(
    "target",
    ["http://127.0.0.1:{other}/admin", "http://127.0.0.2:{other}/admin", "http://169.254.169.254/latest/meta-data/"],
    ids=["to a loopback port not listed", "to another loopback address", "to the cloud metadata address"],
)
def test_a_redirect_to_a_private_target_could_not_be_fetched(store, settings, connect_guard, internal, target):
    # given an allow-listed media server that redirects inside
    with local_server({}) as media:
        media.routes["/a.jpg"] = redirect(target.format(other=internal.port))
        settings.GUARDED_FETCH_ALLOWED_HOSTS = [media.host]
        connect_guard.allow(media)

        # when pre-flight checks a post with that media
        problems = media_problems(image_post(store, media.url("/a.jpg")))

    # then the hold reason says nothing of what answered there, and it was never asked
    assert problems == [f"{media.url('/a.jpg')} could not be fetched."]
    assert media.requests == ["/a.jpg"]
    assert internal.requests == []


def test_an_allow_listed_server_is_checked_as_before(store, settings, connect_guard, internal):
    # given the internal server on the allow-list
    settings.GUARDED_FETCH_ALLOWED_HOSTS = [internal.host]
    connect_guard.allow(internal)

    # when pre-flight checks a good image and an error page there
    good = media_problems(image_post(store, internal.url("/a.jpg")))
    failing = media_problems(image_post(store, internal.url("/admin")))

    # then the good one passes and the error is named, as for any URL that may be fetched
    assert good == []
    assert failing == [f"{internal.url('/admin')} answered HTTP 500."]


def test_a_media_url_slower_than_the_check_could_not_be_fetched(store, settings, connect_guard):
    # given an allow-listed server that drips the image a byte at a time
    with local_server({"/slow.jpg": drip(headers_first=True)}) as media:
        settings.GUARDED_FETCH_ALLOWED_HOSTS = [media.host]
        settings.SOCIAL_MEDIA_CHECK_TIMEOUT = 1.0
        connect_guard.allow(media)

        # when pre-flight checks it
        started = time.monotonic()
        problems = media_problems(image_post(store, media.url("/slow.jpg")))

    # then it gave up at the check's time limit
    assert problems == [f"{media.url('/slow.jpg')} could not be fetched."]
    assert time.monotonic() - started < 2.5


def test_a_media_url_larger_than_the_fetch_cap_could_not_be_fetched(store, settings, connect_guard):
    # given an allow-listed server announcing more than the cap
    with local_server({"/big.jpg": answer(200, jpeg(10, 10), "image/jpeg", length=3_000_000)}) as media:
        settings.GUARDED_FETCH_ALLOWED_HOSTS = [media.host]
        settings.GUARDED_FETCH_MAX_BYTES = 2_000_000
        connect_guard.allow(media)

        # when pre-flight checks it
        problems = media_problems(image_post(store, media.url("/big.jpg")))

    # then it could not be fetched
    assert problems == [f"{media.url('/big.jpg')} could not be fetched."]


@pytest.mark.django_db(transaction=True)
def test_the_sandbox_demo_media_are_reachable_only_while_allow_listed(store, settings, sandbox_url):
    # given the sandbox's demo image and the allow-list left at its default (the sandbox's own host)
    url = f"{settings.SANDBOX_BASE_URL}/media/a-1080x1080.jpg"
    post = image_post(store, url)
    settings.GUARDED_FETCH_ALLOWED_HOSTS = None

    # when pre-flight checks it, then again with an empty allow-list
    allowed = media_problems(post)
    settings.GUARDED_FETCH_ALLOWED_HOSTS = []
    refused = media_problems(post)

    # then it passes while listed and could not be fetched once the list is empty
    assert allowed == []
    assert refused == [f"{url} could not be fetched."]
