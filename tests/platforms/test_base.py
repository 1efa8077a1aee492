"""The shared HTTP layer: how failures of any platform map into one hierarchy, and what never reaches a log."""

import logging
import socket
import threading

import pytest
import responses

from platforms.base import PlatformHttp, RedactSecretsFilter, parse_retry_after, platform_url, redact
from platforms.errors import AuthExpired, RateLimited, Rejected, Transient

URL = "https://api.example-platform.test/v1/things"


class ExampleHttp(PlatformHttp):
    slug = "example"


@pytest.mark.parametrize(
    ("status", "headers", "error_type"),
    [
        (401, {}, AuthExpired),
        (403, {}, AuthExpired),
        (400, {}, Rejected),
        (422, {}, Rejected),
        (500, {}, Transient),
        (503, {}, Transient),
        (429, {"Retry-After": "7"}, RateLimited),
    ],
    ids=[
        "401 means the sign-in expired",
        "403 means the sign-in lacks a permission",
        "400 is a rejection",
        "422 is a rejection",
        "500 is transient",
        "503 is transient",
        "429 is a rate limit",
    ],
)
@responses.activate
def test_an_http_error_maps_into_the_hierarchy(status, headers, error_type):
    # given a platform answering with an error status
    responses.add(responses.POST, URL, json={"message": "nope"}, status=status, headers=headers)
    # when a client calls it
    with pytest.raises(error_type) as caught:
        ExampleHttp().request("post", URL, json={"a": 1})
    # then the error carries the platform and status
    assert caught.value.platform == "example"
    assert caught.value.status == status
    if error_type is RateLimited:
        assert caught.value.retry_after == 7.0


@responses.activate
def test_a_success_returns_the_decoded_body_and_an_empty_body_returns_none():
    responses.add(responses.GET, URL, json={"data": [1, 2]}, status=200)
    responses.add(responses.DELETE, URL, body=b"", status=204)
    http = ExampleHttp()
    assert http.request("GET", URL) == {"data": [1, 2]}
    assert http.request("DELETE", URL) is None


@responses.activate
def test_an_error_message_never_carries_the_token_the_platform_echoed():
    responses.add(responses.POST, URL, body="bad request: access_token=EAAB-secret-123 is malformed", status=400)
    with pytest.raises(Rejected) as caught:
        ExampleHttp().request("POST", URL)
    assert "EAAB-secret-123" not in str(caught.value)
    assert "[redacted]" in caught.value.message


@pytest.fixture
def silent_server():
    """A server on 127.0.0.1 that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/v1/things"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


@pytest.mark.parametrize(
    ("method", "ambiguous"),
    [("POST", True), ("GET", False)],
    ids=["a create that timed out may have happened", "a read that timed out changed nothing"],
)
def test_a_read_timeout_is_transient_and_ambiguous_only_for_non_idempotent_calls(silent_server, method, ambiguous):
    with pytest.raises(Transient) as caught:
        ExampleHttp().request(method, silent_server, timeout=(1.0, 0.2))
    assert caught.value.ambiguous is ambiguous


def test_a_refused_connection_is_transient_and_not_ambiguous():
    # given a port nothing listens on
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    # when a create is sent there
    with pytest.raises(Transient) as caught:
        ExampleHttp().request("POST", f"http://127.0.0.1:{port}/v1/things", timeout=(0.5, 0.5))
    # then nothing can have reached the platform
    assert caught.value.ambiguous is False
    assert caught.value.message == "Could not reach the platform."


@pytest.mark.parametrize(
    ("status", "method", "options", "ambiguous"),
    [
        (502, "POST", {}, True),
        (504, "POST", {}, True),
        (500, "PATCH", {}, True),
        (502, "GET", {}, False),
        (502, "POST", {"idempotent": True}, False),
        (502, "POST", {"headers": {"Idempotency-Key": "k-1"}}, False),
    ],
    ids=[
        "a gateway's 502 to a create may come after the platform acted",
        "a gateway's 504 to a create may come after the platform acted",
        "a 500 to an update may come after the platform acted",
        "a 502 to a read changed nothing",
        "a 502 to a read sent as POST changed nothing",
        "a 502 to a create with an idempotency key can be sent again",
    ],
)
@responses.activate
def test_a_5xx_is_ambiguous_for_a_call_that_is_not_safe_to_send_twice(status, method, options, ambiguous):
    # given a gateway answering a 5xx with its own HTML page
    responses.add(method, URL, body="<html><body>Bad Gateway</body></html>", status=status)
    # when a client sends the call
    with pytest.raises(Transient) as caught:
        ExampleHttp().request(method, URL, json={"a": 1}, **options)
    # then the error says whether the platform may hold what the call created
    assert caught.value.ambiguous is ambiguous
    assert caught.value.status == status


def one_shot_server(answer: bytes):
    """A server on 127.0.0.1 that reads one request, writes ``answer`` (maybe nothing) and closes the connection."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    received = []

    def serve():
        server.settimeout(5)
        while True:
            try:
                conn, _ = server.accept()
            except (TimeoutError, OSError):
                return
            conn.settimeout(2)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            received.append(data)
            if answer:
                conn.sendall(answer)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return server, received


@pytest.mark.parametrize(
    ("answer", "method", "ambiguous"),
    [
        (b"", "POST", True),
        (b"", "GET", False),
        (
            b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n{"id"',
            "POST",
            True,
        ),
    ],
    ids=[
        "a create whose connection closed without an answer may have happened",
        "a read whose connection closed without an answer changed nothing",
        "a create whose answer was cut off may have happened",
    ],
)
def test_a_connection_dropped_after_sending_is_ambiguous_for_a_create(answer, method, ambiguous):
    # given a platform that takes the request and drops the connection before (or while) answering
    server, received = one_shot_server(answer)
    url = f"http://127.0.0.1:{server.getsockname()[1]}/v1/things"
    try:
        # when a client sends the call
        with pytest.raises(Transient) as caught:
            ExampleHttp().request(method, url, json={"a": 1}, timeout=(1.0, 1.0))
    finally:
        server.close()
    # then the request did arrive, and the error says the answer was lost, not that the platform was unreachable
    assert received
    assert received[0].startswith(method.encode())
    assert caught.value.ambiguous is ambiguous
    assert caught.value.message == "The connection to the platform dropped before its answer arrived."


def test_a_read_that_timed_out_is_worded_as_a_timeout(silent_server):
    # given a platform that accepts the connection and never answers
    # when a read is sent
    with pytest.raises(Transient) as caught:
        ExampleHttp().request("GET", silent_server, timeout=(1.0, 0.2))
    # then the error says the platform did not answer, not that it could not be reached
    assert caught.value.message == "The platform did not answer in time."
    assert caught.value.ambiguous is False


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, 60.0), ("", 60.0), ("12", 12.0), ("1.5", 1.5), ("-3", 0.0), ("Wed, 21 Oct 2026 07:28:00 GMT", 60.0)],
    ids=["missing", "empty", "whole seconds", "fractional seconds", "negative is now", "an HTTP date falls back"],
)
def test_retry_after_is_read_as_seconds(value, expected):
    assert parse_retry_after(value) == expected


def test_platform_urls_point_at_the_sandbox_or_the_live_host(settings):
    settings.PLATFORM_MODE = "sandbox"
    settings.SANDBOX_BASE_URL = "http://127.0.0.1:8000/sandbox/"
    assert platform_url(slug="x", live_base="https://api.x.com", path="/2/tweets") == (
        "http://127.0.0.1:8000/sandbox/x/2/tweets"
    )
    settings.PLATFORM_MODE = "live"
    assert platform_url(slug="x", live_base="https://api.x.com/", path="2/tweets") == "https://api.x.com/2/tweets"
    assert platform_url(slug="x", live_base="https://api.x.com/") == "https://api.x.com"


@pytest.mark.parametrize(
    "text",
    [
        "Authorization: Bearer abc.DEF-123_xyz",
        "POST /token grant_type=refresh_token&refresh_token=rt-999&client_secret=s3cr3t",
        '{"access_token": "tok-555", "expires_in": 3600}',
        "Authorization: Basic Y2xpZW50OnNlY3JldA==",
    ],
    ids=["a bearer header", "a form body", "a JSON token answer", "a basic auth header"],
)
def test_redact_removes_every_kind_of_secret(text):
    cleaned = redact(text)
    for secret in ("abc.DEF-123_xyz", "rt-999", "s3cr3t", "tok-555", "Y2xpZW50OnNlY3JldA=="):
        assert secret not in cleaned
    assert "[redacted]" in cleaned


def test_the_log_filter_redacts_arguments_and_lets_a_malformed_record_through():
    # given records as a careless caller would log them
    good = logging.LogRecord("platforms", logging.INFO, __file__, 1, "token answer %s", ("access_token=leaky",), None)
    malformed = logging.LogRecord("platforms", logging.INFO, __file__, 1, "%d items", ("not a number",), None)
    log_filter = RedactSecretsFilter()
    # when the filter sees them
    assert log_filter.filter(good) is True
    assert log_filter.filter(malformed) is True
    # then the secret is gone from the message that will be written
    assert good.getMessage() == "token answer access_token=[redacted]"
    assert malformed.msg == "%d items"


def test_the_log_filter_redacts_extra_fields_and_the_traceback():
    # given a record carrying a URL in an extra field, an object whose text is a URL, and a traceback with a token
    class Request:
        def __str__(self) -> str:
            return "<WSGIRequest: GET '/stores/connections/x/callback/?code=c0de-42&state=st4te-42'>"

    try:
        raise ValueError("token answer refresh_token=rt-leaky-1")
    except ValueError:
        record = logging.makeLogRecord(
            {
                "msg": "Bad Request: %s",
                "args": ("/callback/",),
                "exc_info": __import__("sys").exc_info(),
                "url": "https://graph.facebook.com/v25.0/me?fields=id&access_token=EAAB-leaky-2",
                "request": Request(),
                "params": {"client_secret": "s3cr3t-leaky-3", "fields": "id"},
                "status_code": 400,
            }
        )

    # when the filter sees it and a formatter writes it
    RedactSecretsFilter().filter(record)
    written = logging.Formatter("%(message)s %(url)s %(request)s %(params)s %(status_code)s").format(record)

    # then no secret is written, and what is not secret is kept
    for secret in ("c0de-42", "st4te-42", "rt-leaky-1", "EAAB-leaky-2", "s3cr3t-leaky-3"):
        assert secret not in written
    assert record.url == "https://graph.facebook.com/v25.0/me?fields=id&access_token=[redacted]"
    assert record.params == {"client_secret": "[redacted]", "fields": "id"}
    assert record.status_code == 400
    assert "ValueError: token answer refresh_token=[redacted]" in written


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "GET /cb/?code=abc&state=def&fields=id HTTP/1.1",
            "GET /cb/?code=[redacted]&state=[redacted]&fields=id HTTP/1.1",
        ),
        ("grant_type=ig_exchange_token&client_secret=s3", "grant_type=ig_exchange_token&client_secret=[redacted]"),
        ("/x?page_token=p1&limit=5", "/x?page_token=[redacted]&limit=5"),
        ("/oauth?hmac=9f&shop=a.myshopify.com", "/oauth?hmac=[redacted]&shop=a.myshopify.com"),
        ("/x?fields=id,name&limit=50&after=MjU=", "/x?fields=id,name&limit=50&after=MjU="),
    ],
    ids=[
        "an OAuth callback's code and state",
        "an app secret in a query",
        "any parameter named like a token",
        "a signature",
        "ordinary parameters are kept",
    ],
)
def test_redact_replaces_secret_named_parameters_and_keeps_the_others(text, expected):
    assert redact(text) == expected
