"""Every way a consent can go wrong ends on the hub with a clear message and nothing saved."""

import datetime as dt
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from sandbox.models import SandboxToken
from sandbox.services import sandbox_bootstrap, sandbox_faults_apply
from stores.models import OAuthState, PlatformConnection
from tests.factories import MembershipFactory, UserFactory
from tests.stores.connection_helpers import connect, consent, start_connect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox(sandbox_url):
    sandbox_bootstrap()
    return sandbox_url


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _ends_on_hub_with(response, text: str) -> None:
    assert response.status_code == 302
    assert response["Location"] == reverse("growth:overview")
    assert _messages(response) == [text]
    assert PlatformConnection.objects.count() == 0


def test_a_forged_state_connects_nothing(sandbox, owner_client):
    # given a real consent whose state an attacker replaced
    answered = consent(start_connect(owner_client, "x"))
    parts = urlsplit(answered.callback_url)
    query = parse_qs(parts.query)
    query["state"] = ["forged-state-value"]

    # when the callback arrives
    response = owner_client.get(f"{parts.path}?{urlencode(query, doseq=True)}")

    # then nothing is connected
    _ends_on_hub_with(response, "This connection link is not valid for you. Start again from Connections.")


def test_a_state_of_another_user_connects_nothing(sandbox, client, owner_client, store):
    # given a consent started by the owner, completed in another member's session
    answered = consent(start_connect(owner_client, "pinterest"))
    intruder = MembershipFactory(store=store, user=UserFactory(email="marketer@northwind.test")).user
    client.force_login(intruder)

    # when the other member's browser hits the callback
    response = client.get(answered.callback_url)

    # then nothing is connected
    _ends_on_hub_with(response, "This connection link is not valid for you. Start again from Connections.")


def test_an_expired_state_connects_nothing(sandbox, owner_client):
    # given a consent that came back after the state's 10 minutes
    answered = consent(start_connect(owner_client, "tiktok"))
    OAuthState.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    # when the callback arrives
    response = owner_client.get(answered.callback_url)

    # then nothing is connected and the code was never exchanged
    _ends_on_hub_with(response, "The connection took too long and expired. Start again from Connections.")
    assert SandboxToken.objects.count() == 0


def test_a_replayed_callback_connects_nothing_more(sandbox, owner_client):
    # given a callback that already connected X
    answered = consent(start_connect(owner_client, "x"))
    first = owner_client.get(answered.callback_url)
    assert first.status_code == 302
    assert PlatformConnection.objects.count() == 1
    tokens_before = SandboxToken.objects.count()

    # when the same callback is replayed
    response = owner_client.get(answered.callback_url)

    # then it is refused and nothing new is issued or saved
    assert _messages(response)[-1] == "This connection link was already used. Start again from Connections."
    assert PlatformConnection.objects.count() == 1
    assert SandboxToken.objects.count() == tokens_before


def test_a_missing_pkce_verifier_connects_nothing(sandbox, owner_client):
    # given a consent whose server-side PKCE verifier is gone
    answered = consent(start_connect(owner_client, "x"))
    OAuthState.objects.update(code_verifier_encrypted="")

    # when the callback arrives
    response = owner_client.get(answered.callback_url)

    # then nothing is connected and no token was issued
    _ends_on_hub_with(response, "The sign-in could not be verified (PKCE); nothing was connected.")
    assert SandboxToken.objects.count() == 0


def test_a_wrong_pkce_verifier_is_refused_by_the_platform(sandbox, owner_client):
    # given a consent whose verifier does not match the challenge sent to X
    answered = consent(start_connect(owner_client, "x"))
    state = OAuthState.objects.get()
    state.code_verifier = "a-different-verifier-that-does-not-match-the-challenge-sent-0000"
    state.save()

    # when the callback arrives
    response = owner_client.get(answered.callback_url)

    # then X refuses the code and nothing is connected
    _ends_on_hub_with(
        response, "X could not complete the connection: The code_verifier does not match the code_challenge."
    )


@pytest.mark.parametrize("platform", ["tiktok", "meta_ads", "tiktok_ads"], ids=lambda p: f"denied on {p}")
def test_denied_consent_connects_nothing(sandbox, owner_client, platform):
    # when the merchant presses Deny on the platform's consent page
    response = connect(owner_client, platform, decision="deny")

    # then the hub says so and nothing is saved
    name = {"tiktok": "TikTok", "meta_ads": "Meta Ads", "tiktok_ads": "TikTok Ads"}[platform]
    _ends_on_hub_with(response, f"You declined the connection to {name}; nothing was connected.")


@pytest.mark.parametrize(
    ("platform", "message"),
    [
        pytest.param("google_ads", "Google Ads", id="google token endpoint answers 500"),
        pytest.param("pinterest", "Pinterest", id="pinterest token endpoint answers 500"),
        pytest.param("tiktok_ads", "TikTok Ads", id="tiktok ads token endpoint answers 500"),
    ],
)
def test_a_failing_token_endpoint_connects_nothing(sandbox, owner_client, platform, message):
    # given a consent allowed while the platform's servers fail every request
    answered = consent(start_connect(owner_client, platform))
    sandbox_faults_apply(faults={platform: {"error_rate": 1.0}})

    # when the callback exchanges the code
    response = owner_client.get(answered.callback_url)

    # then nothing is connected and the hub explains
    assert _messages(response)[0].startswith(f"{message} could not complete the connection:")
    assert response["Location"] == reverse("growth:overview")
    assert PlatformConnection.objects.count() == 0


def test_a_rate_limited_token_endpoint_connects_nothing(sandbox, owner_client):
    # given X answers 429 to everything
    answered = consent(start_connect(owner_client, "x"))
    sandbox_faults_apply(faults={"x": {"rate_limit_rate": 1.0, "retry_after_seconds": 7}})

    # when the callback exchanges the code
    response = owner_client.get(answered.callback_url)

    # then the hub says so
    _ends_on_hub_with(response, "X could not complete the connection: The platform asked us to slow down.")


def test_a_callback_without_a_code_connects_nothing(sandbox, owner_client):
    # given a callback carrying the state but no code
    answered = consent(start_connect(owner_client, "pinterest"))
    parts = urlsplit(answered.callback_url)
    state = parse_qs(parts.query)["state"][0]

    # when it arrives
    response = owner_client.get(f"{parts.path}?state={state}")

    # then nothing is connected
    _ends_on_hub_with(response, "Pinterest sent no authorization code; nothing was connected.")


def test_an_analyst_cannot_start_a_connection(sandbox, client, analyst):
    # given an analyst of the store
    client.force_login(analyst)

    # when they try to connect
    response = client.post(reverse("stores:connection_connect", args=["x"]))

    # then they are refused and no consent was started
    assert response.status_code == 403
    assert OAuthState.objects.count() == 0


def test_an_unknown_platform_is_not_found(sandbox, owner_client):
    assert owner_client.post(reverse("stores:connection_connect", args=["myspace"])).status_code == 404
    assert owner_client.get(reverse("stores:connection_callback", args=["myspace"])).status_code == 404
