"""The sandbox's "5xx after acting" fault: the platform does the work, then answers a server error."""

import pytest

from platforms.constants import X
from sandbox.models import SandboxFault, SandboxPost
from sandbox.services import sandbox_faults_apply
from tests.platform_fixtures import sandbox_token

pytestmark = pytest.mark.django_db

TWEETS = "/sandbox/x/2/tweets"


def post_tweet(client, token, text):
    return client.post(
        TWEETS,
        data={"text": text},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token.access_token}"},
    )


def test_a_create_under_a_5xx_after_acting_is_stored_although_the_answer_is_a_server_error(client):
    # given X failing every request after it has acted
    token = sandbox_token(X, scopes=["tweet.read", "tweet.write", "users.read"])
    SandboxFault.objects.create(platform=X, error_after_rate=1.0)
    # when a post is created
    response = post_tweet(client, token, "Merino Trail Sock, back in stock.")
    # then the answer is X's server error, and the post exists at X all the same
    assert response.status_code == 500
    assert response.json()["title"] == "Internal Server Error"
    assert list(SandboxPost.objects.filter(platform=X).values_list("text", flat=True)) == [
        "Merino Trail Sock, back in stock."
    ]


def test_a_request_the_platform_refused_keeps_its_own_answer_under_a_5xx_after_acting(client):
    # given X failing every request after acting, and a post without text (which X refuses)
    token = sandbox_token(X, scopes=["tweet.read", "tweet.write", "users.read"])
    SandboxFault.objects.create(platform=X, error_after_rate=1.0)
    # when it is sent
    response = post_tweet(client, token, "")
    # then the refusal is X's own 400 (nothing was done, so nothing fails after it) and no post was made
    assert response.status_code == 400
    assert SandboxPost.objects.count() == 0


def test_the_fault_settings_take_the_5xx_after_acting_share():
    # when the share is set through the faults service (as manage.py sandbox_faults does)
    written = sandbox_faults_apply(faults={X: {"error_after_rate": 0.05}})
    # then the row holds it
    assert written == 1
    assert SandboxFault.objects.get(platform=X).error_after_rate == 0.05
