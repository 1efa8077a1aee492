"""The guarded session: private targets refused before any connection, on every redirect, with size and time caps."""

import time

import pytest
import requests
from django.core.exceptions import ImproperlyConfigured

from platforms.errors import Rejected
from platforms.guarded import (
    FetchRefused,
    FetchTimedOut,
    FetchTooLarge,
    allowed_hosts,
    guarded_session,
    parse_allowed_hosts,
)
from platforms.x.content import XContent
from tests.platforms.local_http import (
    answer,
    drip,
    endless,
    guard_connects,
    local_server,
    redirect,
)

REFUSED = [
    "http://127.0.0.1:{port}/a.jpg",
    "http://localhost:{port}/a.jpg",
    "http://[::1]:{port}/a.jpg",
    "http://[::ffff:127.0.0.1]:{port}/a.jpg",
    "http://2130706433:{port}/a.jpg",
    "http://0.0.0.0:{port}/a.jpg",
    "http://10.0.0.1/a.jpg",
    "http://192.168.1.1/a.jpg",
    "http://172.16.0.1/a.jpg",
    "http://100.64.0.1/a.jpg",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fe80::1]/a.jpg",
    "http://[fd00::1]/a.jpg",
    "http://224.0.0.1/a.jpg",
    "http://240.0.0.1/a.jpg",
    "https://127.0.0.1:{port}/a.jpg",
]
REFUSED_IDS = [
    "loopback",
    "a name that resolves to loopback",
    "IPv6 loopback",
    "IPv4-mapped IPv6 loopback",
    "loopback written as one decimal number",
    "the unspecified address",
    "a 10/8 private address",
    "a 192.168/16 private address",
    "a 172.16/12 private address",
    "carrier-grade NAT",
    "the cloud metadata address",
    "IPv6 link-local",
    "IPv6 unique local",
    "multicast",
    "reserved",
    "loopback over https",
]


@pytest.fixture
def connect_guard(monkeypatch):
    return guard_connects(monkeypatch)


@pytest.fixture
def nothing_allowed(settings):
    settings.GUARDED_FETCH_ALLOWED_HOSTS = []
    settings.PLATFORM_MODE = "sandbox"


@pytest.mark.parametrize("template", REFUSED, ids=REFUSED_IDS)
def test_a_private_target_is_refused_before_any_connection(nothing_allowed, connect_guard, template):
    # given a server on loopback that would answer
    with local_server({"/a.jpg": answer(200, b"secret", "image/jpeg")}) as server:
        url = template.format(port=server.port)

        # when the guarded session fetches the URL
        started = time.monotonic()
        with pytest.raises(FetchRefused), guarded_session() as session:
            session.get(url)

        # then it refused at once, without a connection and without the server hearing anything
        assert time.monotonic() - started < 1.0
        assert connect_guard.attempts == []
        assert server.requests == []


def test_an_allow_listed_server_is_fetched(settings, connect_guard):
    # given a loopback server named in the allow-list
    with local_server({"/a.jpg": answer(200, b"jpeg bytes", "image/jpeg")}) as server:
        settings.GUARDED_FETCH_ALLOWED_HOSTS = [server.host]
        connect_guard.allow(server)

        # when it is fetched
        with guarded_session() as session:
            response = session.get(server.url("/a.jpg"))

    # then the body arrives
    assert (response.status_code, response.content) == (200, b"jpeg bytes")
    assert server.requests == ["/a.jpg"]


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.1:{other}/secret",
        "http://127.0.0.2:{port}/secret",
        "http://localhost:{port}/secret",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/secret",
    ],
    ids=[
        "to another loopback port",
        "to another loopback address",
        "to the same server by a name that is not listed",
        "to the cloud metadata address",
        "to a private address",
    ],
)
def test_a_redirect_to_a_private_target_is_refused(settings, connect_guard, location):
    # given an allow-listed server that redirects, and a second loopback server that is not listed
    with (
        local_server({"/secret": answer(200, b"internal")}) as other,
        local_server({}) as server,
    ):
        server.routes["/go"] = redirect(location.format(other=other.port, port=server.port))
        settings.GUARDED_FETCH_ALLOWED_HOSTS = [server.host]
        connect_guard.allow(server)

        # when the redirect is followed
        with pytest.raises(FetchRefused), guarded_session() as session:
            session.get(server.url("/go"))

    # then only the listed server was contacted
    assert server.requests == ["/go"]
    assert other.requests == []
    assert set(connect_guard.attempts) == {("127.0.0.1", server.port)}


def test_a_redirect_to_another_scheme_is_not_followed(settings, connect_guard):
    # given a listed server that redirects to a local file
    with local_server({"/go": redirect("file:///etc/passwd")}) as server:
        settings.GUARDED_FETCH_ALLOWED_HOSTS = [server.host]
        connect_guard.allow(server)

        # when it is fetched, then there is no way to follow it
        with pytest.raises(requests.exceptions.InvalidSchema), guarded_session() as session:
            session.get(server.url("/go"))


def test_a_redirect_between_allowed_targets_is_followed(settings, connect_guard):
    # given a listed server that redirects to another page of itself
    with local_server({"/b.jpg": answer(200, b"b", "image/jpeg")}) as server:
        server.routes["/go"] = redirect(server.url("/b.jpg"))
        settings.GUARDED_FETCH_ALLOWED_HOSTS = [server.host]
        connect_guard.allow(server)

        # when it is fetched
        with guarded_session() as session:
            response = session.get(server.url("/go"))

    # then the redirect was followed
    assert (response.status_code, response.content, response.url) == (200, b"b", server.url("/b.jpg"))


def test_a_redirect_loop_stops(settings, connect_guard):
    # given a listed server whose page redirects to itself
    with local_server({}) as server:
        server.routes["/loop"] = redirect(server.url("/loop"))
        settings.GUARDED_FETCH_ALLOWED_HOSTS = [server.host]
        connect_guard.allow(server)

        # when it is fetched
        with pytest.raises(requests.TooManyRedirects), guarded_session() as session:
            session.get(server.url("/loop"))

    # then it gave up after the first request and five redirects
    assert len(server.requests) == 6


def test_the_body_of_a_redirect_is_not_read(settings, connect_guard):
    # given a listed server whose redirect comes with an endless body
    with local_server({"/b.jpg": answer(200, b"b", "image/jpeg")}) as server:
        server.routes["/go"] = endless("text/html", 302, Location=server.url("/b.jpg"))
        settings.GUARDED_FETCH_ALLOWED_HOSTS = [server.host]
        connect_guard.allow(server)

        # when it is fetched
        started = time.monotonic()
        with guarded_session(timeout=5) as session:
            response = session.get(server.url("/go"))

    # then the target arrived without the redirect's body being drained
    assert (response.status_code, response.content) == (200, b"b")
    assert time.monotonic() - started < 2.0


def test_the_sandbox_media_are_allowed_by_default_in_sandbox_mode_only(settings, connect_guard):
    # given the setting left unset and the sandbox on a loopback port
    with local_server({"/sandbox/media/a.jpg": answer(200, b"demo", "image/jpeg")}) as server:
        settings.GUARDED_FETCH_ALLOWED_HOSTS = None
        settings.SANDBOX_BASE_URL = server.url("/sandbox")
        connect_guard.allow(server)
        url = server.url("/sandbox/media/a.jpg")

        # when the media are fetched in sandbox mode, then in live mode, then in sandbox mode with an empty list
        settings.PLATFORM_MODE = "sandbox"
        with guarded_session() as session:
            sandbox_answer = session.get(url).content
        settings.PLATFORM_MODE = "live"
        with pytest.raises(FetchRefused), guarded_session() as session:
            session.get(url)
        settings.PLATFORM_MODE = "sandbox"
        settings.GUARDED_FETCH_ALLOWED_HOSTS = []
        with pytest.raises(FetchRefused), guarded_session() as session:
            session.get(url)

    # then only the first fetch reached the sandbox
    assert sandbox_answer == b"demo"
    assert server.requests == ["/sandbox/media/a.jpg"]


def test_allowed_hosts_are_parsed_and_bad_ones_refused(settings):
    # given entries with and without ports, IPv6 and upper case
    entries = ["Media.Internal", "127.0.0.1:8000", " [::1]:9000 ", ""]

    # then each is a host and a port (None: the scheme's default)
    assert parse_allowed_hosts(entries) == frozenset({("media.internal", None), ("127.0.0.1", 8000), ("::1", 9000)})
    for bad in ["127.0.0.1:port", "host/path", "user@host"]:
        with pytest.raises(ImproperlyConfigured):
            parse_allowed_hosts([bad])
    settings.GUARDED_FETCH_ALLOWED_HOSTS = None
    settings.PLATFORM_MODE = "sandbox"
    settings.SANDBOX_BASE_URL = "https://sandbox.example.com/sandbox"
    assert allowed_hosts() == frozenset({("sandbox.example.com", 443)})


def test_a_host_listed_without_a_port_is_allowed_only_on_the_default_port(settings, connect_guard):
    # given 127.0.0.1 listed without a port, and a server on another port
    with local_server({"/a.jpg": answer(200, b"a", "image/jpeg")}) as server:
        settings.GUARDED_FETCH_ALLOWED_HOSTS = ["127.0.0.1"]

        # when the server is fetched
        with pytest.raises(FetchRefused), guarded_session() as session:
            session.get(server.url("/a.jpg"))

    # then it was refused unheard
    assert server.requests == []
    assert connect_guard.attempts == []


def test_an_announced_size_over_the_cap_is_refused_unread(settings, connect_guard):
    # given a listed server announcing more bytes than the cap
    with local_server({"/big.mp4": answer(200, b"x" * 10, "video/mp4", length=2_000_000)}) as server:
        settings.GUARDED_FETCH_ALLOWED_HOSTS = [server.host]
        settings.GUARDED_FETCH_MAX_BYTES = 1_000_000
        connect_guard.allow(server)

        # when it is fetched, as a whole and as a stream
        for stream in (False, True):
            with pytest.raises(FetchTooLarge), guarded_session() as session:
                session.get(server.url("/big.mp4"), stream=stream)


def test_a_body_over_the_cap_stops_at_the_cap(settings, connect_guard):
    # given a listed server sending an endless body without Content-Length
    with local_server({"/endless.mp4": endless("video/mp4")}) as server:
        settings.GUARDED_FETCH_ALLOWED_HOSTS = [server.host]
        connect_guard.allow(server)

        # when it is fetched with a cap of 1 MB
        started = time.monotonic()
        with pytest.raises(FetchTooLarge), guarded_session(max_bytes=1_000_000) as session:
            session.get(server.url("/endless.mp4"))

    # then it stopped there, well before the 256 MB the server would send
    assert time.monotonic() - started < 5.0


@pytest.mark.parametrize("headers_first", [True, False], ids=["dripping the body", "dripping the headers"])
def test_a_server_dripping_bytes_is_cut_off_at_the_total_time_limit(settings, connect_guard, headers_first):
    # given a listed server that sends one byte every 0.1 s (each read well within the read timeout)
    with local_server({"/slow.jpg": drip(headers_first=headers_first)}) as server:
        settings.GUARDED_FETCH_ALLOWED_HOSTS = [server.host]
        settings.PLATFORM_HTTP_READ_TIMEOUT = 30.0
        connect_guard.allow(server)

        # when it is fetched with a total limit of one second
        started = time.monotonic()
        with pytest.raises(FetchTimedOut), guarded_session(timeout=1.0) as session:
            session.get(server.url("/slow.jpg"))

    # then the fetch ended at the limit
    assert 0.9 <= time.monotonic() - started < 2.5


def test_proxies_from_the_environment_are_ignored(settings, connect_guard, monkeypatch):
    # given a proxy in the environment pointing at a private address
    monkeypatch.setenv("HTTP_PROXY", "http://10.0.0.1:3128")
    monkeypatch.setenv("http_proxy", "http://10.0.0.1:3128")
    with local_server({"/a.jpg": answer(200, b"a", "image/jpeg")}) as server:
        settings.GUARDED_FETCH_ALLOWED_HOSTS = [server.host]
        connect_guard.allow(server)

        # when a listed server is fetched
        with guarded_session() as session:
            response = session.get(server.url("/a.jpg"))

    # then it was fetched directly, never through the proxy
    assert response.content == b"a"
    assert connect_guard.attempts == [("127.0.0.1", server.port)]


@pytest.mark.parametrize(
    "url",
    ["http://169.254.169.254/latest/meta-data/iam/security-credentials/", "http://127.0.0.1:{port}/a.jpg"],
    ids=["the cloud metadata address", "a loopback server"],
)
def test_x_never_downloads_a_private_media_url_to_upload_it(nothing_allowed, connect_guard, url):
    # given an X client and a post whose media URL points inside
    with local_server({"/a.jpg": answer(200, b"secret", "image/jpeg")}) as server:
        client = XContent(access_token="token", account_id="1")

        # when the client fetches the media to upload them
        with pytest.raises(Rejected) as refused:
            client.fetch_media(url.format(port=server.port))

    # then it is refused for good, without a word about what answered, and nothing was contacted
    assert str(refused.value) == "x: The post's media could not be fetched."
    assert connect_guard.attempts == []
    assert server.requests == []
