"""tweepy's own OAuth 2.0 PKCE handler against the sandbox's X authorization server.

tweepy fixes the authorize and token URLs to twitter.com; the authorize URL's origin is swapped for the sandbox's
and the sandbox token URL is passed to requests-oauthlib's ``fetch_token`` with exactly the arguments
``OAuth2UserHandler.fetch_token`` sends (HTTP Basic client auth, ``include_client_id``, the PKCE verifier).
"""

from urllib.parse import urlsplit

import pytest
import requests
import tweepy
from django.conf import settings
from oauthlib.oauth2.rfc6749.errors import InvalidGrantError
from requests_oauthlib import OAuth2Session

from sandbox.models import SandboxToken
from sandbox.services import sandbox_bootstrap
from tests.stores.connection_helpers import consent

pytestmark = pytest.mark.django_db(transaction=True)

REDIRECT_URI = "http://127.0.0.1:9/x/callback"
SCOPES = ["tweet.read", "tweet.write", "users.read", "offline.access"]


@pytest.fixture
def handler(sandbox_url, monkeypatch):
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the sandbox speaks plain HTTP on 127.0.0.1
    sandbox_bootstrap(platforms=("x",))
    creds = settings.PLATFORM_CREDENTIALS["x"]
    return tweepy.OAuth2UserHandler(
        client_id=creds["client_id"], client_secret=creds["client_secret"], redirect_uri=REDIRECT_URI, scope=SCOPES
    )


def _sandbox_authorize_url(handler: tweepy.OAuth2UserHandler, sandbox_url: str) -> str:
    url = urlsplit(handler.get_authorization_url())
    assert (url.netloc, url.path) == ("twitter.com", "/i/oauth2/authorize")
    return f"{sandbox_url}/x{url.path}?{url.query}"


def _fetch_token(handler: tweepy.OAuth2UserHandler, sandbox_url: str, authorization_response: str) -> dict:
    return OAuth2Session.fetch_token(
        handler,
        f"{sandbox_url}/x/2/oauth2/token",
        authorization_response=authorization_response,
        auth=handler.auth,
        include_client_id=True,
        code_verifier=handler._client.code_verifier,
    )


def test_tweepy_pkce_handler_exchanges_a_code_at_the_sandbox(handler, sandbox_url):
    # given the consent tweepy's handler asked for, allowed at the sandbox
    answered = consent(_sandbox_authorize_url(handler, sandbox_url))
    authorization_response = f"http://127.0.0.1:9{answered.callback_url}"

    # when tweepy's handler exchanges the code
    token = _fetch_token(handler, sandbox_url, authorization_response)

    # then it holds a working user token with a refresh token (offline.access), scoped as asked
    issued = SandboxToken.objects.get(access_token=token["access_token"])
    assert token["token_type"] == "Bearer"
    assert token["refresh_token"] == issued.refresh_token
    assert sorted(token["scope"]) == sorted(SCOPES)
    me = requests.get(
        f"{sandbox_url}/x/2/users/me", headers={"Authorization": f"Bearer {token['access_token']}"}, timeout=10
    )
    assert me.json()["data"]["id"] == issued.account.external_id

    # and the refresh token renews it through the same session (rotating the refresh token)
    renewed = handler.refresh_token(
        f"{sandbox_url}/x/2/oauth2/token", refresh_token=token["refresh_token"], auth=handler.auth
    )
    assert renewed["access_token"] != token["access_token"]
    assert renewed["refresh_token"] != token["refresh_token"]


def test_tweepy_sees_a_reused_code_as_invalid_grant(handler, sandbox_url):
    # given a code tweepy already exchanged
    answered = consent(_sandbox_authorize_url(handler, sandbox_url))
    authorization_response = f"http://127.0.0.1:9{answered.callback_url}"
    _fetch_token(handler, sandbox_url, authorization_response)

    # when it is exchanged again, then requests-oauthlib raises its invalid_grant error
    with pytest.raises(InvalidGrantError):
        _fetch_token(handler, sandbox_url, authorization_response)
    assert SandboxToken.objects.count() == 1
