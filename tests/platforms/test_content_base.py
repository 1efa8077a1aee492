"""The organic clients are declared, not written out: a host, a path prefix and an auth scheme as class attributes,
the constructor, ``url`` and ``call`` from ``ContentClient``, the error map from the platform's HTTP class."""

import json

import pytest
import requests

from platforms.content_base import ContentClient
from platforms.errors import AuthExpired
from platforms.registry import social_platforms

LIVE = {
    "tiktok": "https://open.tiktokapis.com/media",
    "instagram": "https://graph.instagram.com/v25.0/media",
    "pinterest": "https://api.pinterest.com/v5/media",
    "x": "https://api.x.com/2/media",
}


class Recorder(requests.Session):
    """A session that sends nothing: it records each request and answers ``status`` with ``body``."""

    def __init__(self, status: int = 200, body: bytes = b'{"id": "17"}') -> None:
        super().__init__()
        self.status, self.body = status, body
        self.sent: list[tuple[str, str, dict]] = []

    def request(self, method, url, **kwargs):  # type: ignore[override]
        self.sent.append((method, url, kwargs))
        response = requests.Response()
        response.status_code, response._content = self.status, self.body
        response.request = requests.Request(method, url).prepare()
        return response


@pytest.mark.parametrize("slug", [d.slug for d in social_platforms()])
def test_every_content_client_is_declared_on_the_base(slug, settings):
    # given the platform's content client, in live mode
    settings.PLATFORM_MODE = "live"
    client_class = next(d.client_class for d in social_platforms() if d.slug == slug)
    client = client_class(access_token="t0ken", account_id="acct-1")
    # then it is a ContentClient whose constructor, url and auth header come from the base
    assert issubclass(client_class, ContentClient)
    assert "__init__" not in vars(client_class) or slug == "pinterest"  # Pinterest adds its board
    assert "url" not in vars(client_class)
    assert (client.access_token, client.account_id) == ("t0ken", "acct-1")
    assert client.url("media") == LIVE[slug]
    assert client.auth_headers() == {"Authorization": "Bearer t0ken"}


class ThreadsContent(ContentClient):
    slug = "threads"
    live_base = "https://graph.threads.net"
    path_prefix = "v1.0/"
    auth_scheme = "OAuth"


def test_a_client_declared_by_its_attributes_calls_its_platform(settings):
    # given a new client declared by its host, prefix and auth scheme alone, in live mode
    settings.PLATFORM_MODE = "live"
    session = Recorder()
    client = ThreadsContent(access_token="t0ken", session=session)

    # when it calls a path with parameters and an extra header
    body = client.call("GET", "me", params={"fields": "id"}, headers={"X-Trace": "1"})

    # then the request went to the live host under the prefix, with the token in the declared scheme
    [(method, url, sent)] = session.sent
    assert (method, url) == ("GET", "https://graph.threads.net/v1.0/me")
    assert sent["headers"] == {"Authorization": "OAuth t0ken", "X-Trace": "1"}
    assert sent["params"] == {"fields": "id"}
    assert body == {"id": "17"}


def test_in_sandbox_mode_the_client_calls_the_sandbox(settings):
    settings.PLATFORM_MODE = "sandbox"
    settings.SANDBOX_BASE_URL = "http://testserver/sandbox"
    assert ThreadsContent(access_token="t").url("me") == "http://testserver/sandbox/threads/v1.0/me"


def test_an_empty_answer_reads_as_an_empty_body(settings):
    settings.PLATFORM_MODE = "live"
    client = ThreadsContent(access_token="t0ken", session=Recorder(body=b""))
    assert client.call("DELETE", "media/1") == {}


def test_a_failure_raises_through_the_clients_error_map(settings):
    # given a platform answering 401
    settings.PLATFORM_MODE = "live"
    client = ThreadsContent(access_token="t0ken", session=Recorder(401, json.dumps({"error": "expired"}).encode()))
    # when called; then the base's default map raises AuthExpired for the platform, nothing is returned
    with pytest.raises(AuthExpired) as raised:
        client.call("GET", "me")
    assert (raised.value.platform, raised.value.status) == ("threads", 401)
