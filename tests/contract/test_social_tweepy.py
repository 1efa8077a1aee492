"""tweepy 4.17 (``Client`` with an OAuth 2.0 user token) against the sandbox's X API v2.

tweepy fixes its origin to api.twitter.com; the client's session is replaced by one that rewrites the origin to
the sandbox (platform-apis.md §11). The token travels as ``Authorization: Bearer`` (``user_auth=False``).
"""

import datetime as dt

import pytest
import requests
import tweepy
from django.utils import timezone

from platforms.content import PostDraft
from platforms.x.content import XContent
from sandbox.models import SandboxAccount, SandboxFault, SandboxToken
from tests.platform_fixtures import connect_store
from tests.social.conftest import SCOPES, media_url

pytestmark = pytest.mark.django_db(transaction=True)


class SandboxOrigin(requests.Session):
    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base

    def request(self, method, url, *args, **kwargs):
        for origin in ("https://api.twitter.com", "https://api.x.com"):
            if url.startswith(origin):
                url = self.base + url[len(origin) :]
        return super().request(method, url, *args, **kwargs)


@pytest.fixture
def x_connection(store, sandbox_url):
    """X user ids are numeric (tweepy parses them as integers)."""
    connection = connect_store(store, "x", scopes=SCOPES["x"])
    SandboxAccount.objects.filter(platform="x", external_id=connection.external_account_id).update(
        external_id="1500000000000000042", username="northwind_out"
    )
    connection.external_account_id = "1500000000000000042"
    connection.save(update_fields=["external_account_id"])
    return connection


@pytest.fixture
def client(x_connection, sandbox_url):
    sdk = tweepy.Client(bearer_token=x_connection.access_token)
    sdk.session = SandboxOrigin(f"{sandbox_url}/x")
    return sdk


def test_tweepy_creates_reads_and_deletes_a_post_and_reads_the_user(client, x_connection):
    # when tweepy creates a post, reads it with public metrics, reads the user, and deletes the post
    created = client.create_tweet(text="Trail-tested: the Merino Trail Sock.", user_auth=False)
    read = client.get_tweet(created.data["id"], tweet_fields=["public_metrics", "created_at"], user_auth=False)
    me = client.get_me(user_auth=False)
    deleted = client.delete_tweet(created.data["id"], user_auth=False)
    gone = client.get_tweet(created.data["id"], user_auth=False)

    # then each answer has the shape tweepy parses
    assert created.data["text"] == "Trail-tested: the Merino Trail Sock."
    assert created.data["edit_history_tweet_ids"] == [created.data["id"]]
    assert read.data.id == int(created.data["id"])
    assert set(read.data.public_metrics) == {
        "retweet_count",
        "reply_count",
        "like_count",
        "quote_count",
        "bookmark_count",
        "impression_count",
    }
    assert read.data.created_at.tzinfo is not None
    assert (me.data.id, me.data.username) == (1500000000000000042, "northwind_out")
    assert deleted.data == {"deleted": True}
    assert gone.data is None


def test_tweepy_raises_its_own_errors_for_expired_tokens_rate_limits_and_invalid_posts(client, x_connection):
    # given an over-long text
    # when tweepy posts it, then BadRequest
    with pytest.raises(tweepy.BadRequest):
        client.create_tweet(text="x" * 281, user_auth=False)

    # given a rate limit at the platform, then TooManyRequests carrying X's reset header
    SandboxFault.objects.create(platform="x", rate_limit_rate=1.0, retry_after_seconds=30)
    with pytest.raises(tweepy.TooManyRequests) as limited:
        client.get_me(user_auth=False)
    assert int(limited.value.response.headers["x-rate-limit-reset"]) >= int(timezone.now().timestamp()) + 29
    SandboxFault.objects.all().delete()

    # given an expired token, then Unauthorized
    SandboxToken.objects.filter(platform="x").update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(tweepy.Unauthorized):
        client.get_me(user_auth=False)


def test_a_post_made_by_our_client_and_one_made_by_tweepy_read_back_alike(client, x_connection, sandbox_url):
    # given the same text posted once through our client and once through tweepy (different media/no media aside)
    ours = XContent(access_token=x_connection.access_token).publish(
        PostDraft(marker="m1", caption="Same shape, ours.", media_urls=()), save_handle=lambda handle: None
    )
    theirs = client.create_tweet(text="Same shape, tweepy.", user_auth=False)

    # when both are read back through tweepy
    fields = ["public_metrics", "created_at", "author_id"]
    a = client.get_tweet(ours.external_id, tweet_fields=fields, user_auth=False).data
    b = client.get_tweet(theirs.data["id"], tweet_fields=fields, user_auth=False).data

    # then the sandbox holds them alike
    assert set(a.data) == set(b.data)
    assert a.author_id == b.author_id
    assert a.text == "Same shape, ours."
    assert media_url("x").startswith(sandbox_url)
