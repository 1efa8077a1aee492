"""The OAuth base maps every way a token endpoint can fail into platforms.errors, never leaking a token.

The sandbox's authorization servers (over the live server) provide the platforms' real refusals; a bare HTTP
server on 127.0.0.1 provides the answers no platform should give (unreadable bodies) that a client must survive.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings as django_settings

from platforms.constants import GOOGLE_ADS, INSTAGRAM, META_ADS, PINTEREST, X
from platforms.errors import AuthExpired, Rejected, Transient
from platforms.oauth import TokenSet
from platforms.registry import PLATFORMS, oauth_platform
from sandbox.models import SandboxFault
from tests.platform_fixtures import sandbox_app, sandbox_token

CALLBACK = "https://growthhub.example.com/stores/connections/x/callback/"


class _Answer(BaseHTTPRequestHandler):
    """Answers every request with the server's configured status, content type and body."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        status, content_type, body = self.server.answer  # type: ignore[attr-defined]
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class names it so
        return


@pytest.fixture
def odd_platform(settings):
    """A platform host on 127.0.0.1 that answers what the test sets in ``answer`` (status, content type, body)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    server.answer = (200, "application/json", b"{}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.PLATFORM_MODE = "sandbox"
    settings.SANDBOX_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}/sandbox"
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("answer", "error", "code", "message"),
    [
        pytest.param(
            (200, "text/html", b"<html>Welcome</html>"),
            Rejected,
            None,
            "The platform answered the code exchange with something unreadable.",
            id="a token answer that is not JSON is refused as unreadable",
        ),
        pytest.param(
            (200, "application/json", b'{"error": "invalid_scope", "error_description": "Scope media.write?"}'),
            Rejected,
            "invalid_scope",
            "Scope media.write?",
            id="an OAuth error inside a 200 answer is a refusal",
        ),
        pytest.param(
            (200, "application/json", b'{"error": "invalid_grant"}'),
            AuthExpired,
            "invalid_grant",
            "invalid_grant",
            id="a dead grant inside a 200 answer means signing in again",
        ),
        pytest.param(
            (400, "text/plain", b"Bad Request"),
            Rejected,
            "",
            "The platform refused the request.",
            id="a 400 without a JSON body is a refusal in our own words",
        ),
        pytest.param(
            (400, "application/json", b'["invalid"]'),
            Rejected,
            "",
            "The platform refused the request.",
            id="a 400 whose JSON is not an object is a refusal in our own words",
        ),
    ],
)
def test_an_odd_token_answer_maps_to_a_platform_error(odd_platform, answer, error, code, message):
    # given a token endpoint answering oddly
    odd_platform.answer = answer
    # when the code is exchanged
    with pytest.raises(error) as raised:
        oauth_platform(X).exchange_code(code="abc", redirect_uri=CALLBACK, code_verifier="v" * 43)
    # then the error is the mapped one, with the platform's code and message
    assert type(raised.value) is error
    assert (raised.value.platform, raised.value.code, raised.value.message) == (X, code, message)


def test_a_token_with_unreadable_lifetimes_is_kept_without_them(odd_platform):
    # given a token answer whose refresh lifetime is not a number
    odd_platform.answer = (
        200,
        "application/json",
        b'{"access_token": "at-1", "refresh_token": "rt-1", "expires_in": 7200, "refresh_expires_in": "later", '
        b'"scope": ["tweet.read", "users.read"]}',
    )
    # when the code is exchanged
    token = oauth_platform(X).exchange_code(code="abc", redirect_uri=CALLBACK, code_verifier="v" * 43)
    # then the token is kept without a refresh lifetime, with the scopes the list named
    assert (token.access_token, token.refresh_token, token.expires_in, token.refresh_expires_in) == (
        "at-1",
        "rt-1",
        7200,
        None,
    )
    assert token.scopes == ("tweet.read", "users.read")


def test_an_unreachable_platform_is_a_transient_failure(settings):
    # given a platform host where nothing listens
    settings.PLATFORM_MODE = "sandbox"
    settings.SANDBOX_BASE_URL = "http://127.0.0.1:9/sandbox"
    # when a token is refreshed
    with pytest.raises(Transient) as raised:
        oauth_platform(PINTEREST).refresh(access_token="at", refresh_token="rt")
    # then the failure is transient and names the step
    assert raised.value.message == "Could not reach the platform for the refresh."


@pytest.mark.django_db(transaction=True)
def test_a_token_endpoint_that_answers_too_late_is_a_transient_failure(sandbox_url, settings):
    # given the sandbox answering X only after the client has stopped waiting
    SandboxFault.objects.create(platform=X, enabled=True, timeout_rate=1.0, timeout_seconds=1.0)
    settings.PLATFORM_HTTP_READ_TIMEOUT = 0.3
    token = sandbox_token(X, scopes=["tweet.read", "offline.access"])
    # when the token is refreshed
    with pytest.raises(Transient) as raised:
        oauth_platform(X).refresh(access_token=token.access_token, refresh_token=token.refresh_token)
    # then the failure is transient
    assert raised.value.message == "The platform did not answer the refresh in time."


@pytest.mark.django_db(transaction=True)
def test_a_wrong_client_secret_is_a_refusal_not_a_dead_grant(sandbox_url, settings):
    # given our Pinterest credentials with a secret the platform does not know
    token = sandbox_token(PINTEREST, scopes=["pins:read"])
    credentials = dict(django_settings.PLATFORM_CREDENTIALS)
    credentials[PINTEREST] = {**credentials[PINTEREST], "client_secret": "not-the-secret"}
    settings.PLATFORM_CREDENTIALS = credentials
    # when the token is refreshed
    with pytest.raises(Rejected) as raised:
        oauth_platform(PINTEREST).refresh(access_token=token.access_token, refresh_token=token.refresh_token)
    # then it is refused as a configuration problem (the merchant's grant is not blamed)
    assert type(raised.value) is Rejected
    assert (raised.value.status, raised.value.code) == (401, "invalid_client")
    assert token.refresh_token not in str(raised.value)


@pytest.mark.django_db(transaction=True)
def test_meta_refuses_a_code_it_never_issued_with_its_graph_error(sandbox_url):
    # given our Meta app registered at the sandbox
    sandbox_app(META_ADS)
    # when Meta is sent a code it never issued
    with pytest.raises(Rejected) as raised:
        oauth_platform(META_ADS).exchange_code(code="never-issued", redirect_uri=CALLBACK)
    # then the Graph error's code and message come through
    assert (raised.value.status, raised.value.code, raised.value.message) == (
        400,
        "100",
        "The authorization code is invalid, expired or already used.",
    )


@pytest.mark.django_db(transaction=True)
def test_google_keeps_the_refresh_token_it_does_not_rotate(sandbox_url):
    # given a Google token
    token = sandbox_token(GOOGLE_ADS, scopes=["https://www.googleapis.com/auth/adwords"])
    # when it is refreshed (Google answers without a refresh token)
    renewed = oauth_platform(GOOGLE_ADS).refresh(access_token=token.access_token, refresh_token=token.refresh_token)
    # then the new access token comes with the refresh token we already hold
    assert renewed.access_token != token.access_token
    assert renewed.refresh_token == token.refresh_token


@pytest.mark.parametrize(
    ("slug", "refresh_token"),
    [
        pytest.param(META_ADS, "rt", id="Meta tokens are renewed by signing in again"),
        pytest.param(X, "", id="an X grant without a refresh token cannot be renewed"),
    ],
)
def test_a_token_that_cannot_be_renewed_asks_for_signing_in_again(slug, refresh_token):
    with pytest.raises(AuthExpired) as raised:
        oauth_platform(slug).refresh(access_token="at", refresh_token=refresh_token)
    assert raised.value.message == "This connection cannot be renewed without signing in again."


def test_a_platform_without_a_revoke_endpoint_revokes_nothing_and_lists_no_ad_accounts(settings):
    # given a platform host where nothing listens: any call would fail
    settings.PLATFORM_MODE = "sandbox"
    settings.SANDBOX_BASE_URL = "http://127.0.0.1:9/sandbox"
    instagram = oauth_platform(INSTAGRAM)
    # when the grant is revoked and ad accounts are listed, nothing is called
    assert instagram.can_revoke is False
    assert instagram.revoke(access_token="at") is None
    assert instagram.list_ad_accounts(access_token="at") == []


def test_no_token_shows_in_a_token_set_or_a_spec_representation():
    token = TokenSet(access_token="secret-access", refresh_token="secret-refresh", expires_in=60, scopes=("a",))
    assert repr(token) == "<TokenSet expires_in=60 scopes=('a',)>"
    assert [repr(oauth_platform(slug)) for slug in (X, META_ADS)] == ["<XOAuth x>", "<MetaAdsOAuth meta_ads>"]
    assert set(PLATFORMS) >= {X, META_ADS}
