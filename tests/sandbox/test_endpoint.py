"""What every sandbox API endpoint does before the platform's own logic: tokens, faults and rate limits."""

import datetime as dt
import time

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone

from platforms.constants import META_ADS, TIKTOK_ADS, X
from sandbox.endpoint import json_object, rate_limit, request_payload, token_from_request
from sandbox.errors import Failure, SandboxError
from sandbox.models import SandboxFault
from tests.platform_fixtures import sandbox_token

pytestmark = pytest.mark.django_db

ME = "/sandbox/x/2/users/me"


def bearer(token):
    return {"Authorization": f"Bearer {token.access_token}"}


def test_a_live_token_reads_the_account(client):
    token = sandbox_token(X, scopes=["users.read", "tweet.read"])
    response = client.get(ME, headers=bearer(token))
    assert response.status_code == 200
    assert response.json()["data"]["id"] == token.account.external_id


@pytest.mark.parametrize(
    ("make_headers", "detail"),
    [
        (lambda token: {}, "An access token is required to request this resource."),
        (lambda token: {"Authorization": "Bearer not-a-token"}, "The access token is invalid or has been revoked."),
    ],
    ids=["no token at all", "a token the platform never issued"],
)
def test_a_missing_or_unknown_token_gets_the_platforms_401(client, make_headers, detail):
    token = sandbox_token(X, scopes=["users.read", "tweet.read"])
    response = client.get(ME, headers=make_headers(token))
    assert response.status_code == 401
    assert response.json() == {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": detail}


def test_an_expired_and_a_revoked_token_are_refused(client):
    expired = sandbox_token(X, scopes=["users.read", "tweet.read"])
    expired.expires_at = timezone.now() - dt.timedelta(seconds=1)
    expired.save()
    revoked = sandbox_token(X, scopes=["users.read", "tweet.read"])
    revoked.revoked_at = timezone.now()
    revoked.save()
    assert client.get(ME, headers=bearer(expired)).json()["detail"] == "The access token has expired."
    assert client.get(ME, headers=bearer(revoked)).json()["detail"] == (
        "The access token is invalid or has been revoked."
    )


def test_tokens_travel_the_way_each_platform_sends_them():
    factory = RequestFactory()
    assert token_from_request(factory.get("/", headers={"Access-Token": "tt"}), TIKTOK_ADS) == "tt"
    assert token_from_request(factory.get("/?access_token=q"), META_ADS) == "q"
    assert token_from_request(factory.post("/", {"access_token": "f"}), META_ADS) == "f"
    assert token_from_request(factory.get("/?access_token=q"), X) == ""
    assert token_from_request(factory.get("/", headers={"Authorization": "Bearer b"}), META_ADS) == "b"


def test_a_seeded_fault_gives_the_same_sequence_of_answers_each_time(client):
    # given a fault for X failing half the calls with a fixed seed
    token = sandbox_token(X, scopes=["users.read", "tweet.read"])
    fault = SandboxFault.objects.create(platform=X, error_rate=0.25, rate_limit_rate=0.25, seed=99)

    def twenty_answers():
        cache.delete(f"sandbox-fault-seq:{fault.pk}:{fault.seed}")
        return [client.get(ME, headers=bearer(token)).status_code for _ in range(20)]

    # when the same twenty calls are made twice from the start of the sequence
    first, second = twenty_answers(), twenty_answers()
    # then both runs meet the same faults, and they are a mix of the platform's answers
    assert first == second
    assert set(first) == {200, 429, 500}


def test_a_rate_limited_answer_carries_retry_after(client):
    token = sandbox_token(X, scopes=["users.read", "tweet.read"])
    SandboxFault.objects.create(platform="", rate_limit_rate=1.0, retry_after_seconds=9)
    response = client.get(ME, headers=bearer(token))
    assert response.status_code == 429
    assert response["Retry-After"] == "9"


def test_a_disabled_fault_changes_nothing(client):
    token = sandbox_token(X, scopes=["users.read", "tweet.read"])
    SandboxFault.objects.create(platform=X, error_rate=1.0, enabled=False)
    assert client.get(ME, headers=bearer(token)).status_code == 200


def test_a_timeout_fault_acts_then_answers_late(client):
    token = sandbox_token(X, scopes=["users.read", "tweet.read"])
    SandboxFault.objects.create(platform=X, timeout_rate=1.0, timeout_seconds=0.3, latency_ms=50)
    started = time.monotonic()
    response = client.get(ME, headers=bearer(token))
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.35


def test_rate_limit_counts_calls_per_key_and_window():
    key = f"test-{time.time_ns()}"
    for _ in range(3):
        rate_limit(key=key, limit=3, window_seconds=3600)
    with pytest.raises(SandboxError) as caught:
        rate_limit(key=key, limit=3, window_seconds=3600)
    assert caught.value.failure is Failure.RATE_LIMIT
    assert 1 <= caught.value.retry_after <= 3600
    rate_limit(key=key + "-other", limit=3, window_seconds=3600)


@pytest.mark.parametrize(
    ("body", "message"),
    [(b"{not json", "The request body is not valid JSON."), (b"[1, 2]", "The request body must be a JSON object.")],
    ids=["broken JSON", "a JSON list"],
)
def test_a_body_that_is_not_one_json_object_is_a_validation_error(body, message):
    with pytest.raises(SandboxError) as caught:
        json_object(body)
    assert caught.value.failure is Failure.VALIDATION
    assert caught.value.message == message


def test_form_bodies_are_read_field_by_field():
    request = RequestFactory().post("/", {"name": "Spring", "status": "PAUSED"})
    assert request_payload(request) == {"name": "Spring", "status": "PAUSED"}
