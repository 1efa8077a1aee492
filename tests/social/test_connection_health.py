"""The social agent keeps its connections' health true: every platform call it makes is recorded on the
connection through stores.connections, and a refused token expires the connection there (event, owners told,
dependent posts held)."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from platforms.constants import INSTAGRAM, PINTEREST, X
from sandbox.models import SandboxFault, SandboxToken
from social.models import PostStatus, SocialPost
from social.services import engagement_sync, post_create, post_publish
from stores.models import ConnectionEvent, ConnectionEventKind, ConnectionStatus
from tests.social.conftest import media_url

pytestmark = pytest.mark.django_db(transaction=True)


def post_for(store, platform, *, due=True, n=1):
    when = timezone.now() + (dt.timedelta(seconds=-1) if due else dt.timedelta(days=1))
    return post_create(
        store=store,
        platform=platform,
        caption=f"Meet the Merino Trail Sock, take {n}.",
        title="Merino Trail Sock" if platform == PINTEREST else "",
        media_urls=[media_url(platform)],
        scheduled_at=when,
    )


def test_a_refused_token_at_publish_expires_the_connection_through_stores(store, owner, connections):
    # given a due X post and another one scheduled for tomorrow on the same connection, whose token X refuses
    post = post_for(store, X)
    tomorrow = post_for(store, X, due=False, n=2)
    SandboxToken.objects.filter(platform=X).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    connection = connections[X]

    # when the due post is published
    post_publish(post_id=post.pk)

    # then the connection is expired with an event saying why, the owner is told, and tomorrow's post is held
    connection.refresh_from_db()
    post.refresh_from_db()
    tomorrow.refresh_from_db()
    event = ConnectionEvent.objects.get(connection=connection, kind=ConnectionEventKind.EXPIRED)
    assert connection.status == ConnectionStatus.EXPIRED
    assert event.reason == connection.last_error
    assert post.last_error == f"Reconnect X: {connection.last_error}"
    assert [m.to for m in mail.outbox] == [["owner@northwind.test"]]
    assert mail.outbox[0].subject == "Reconnect X for Northwind Outfitters"
    assert (tomorrow.status, tomorrow.failure_reason) == (PostStatus.HELD, "connection")
    assert tomorrow.hold_reason == connection.last_error


def test_a_platform_outage_at_publish_is_recorded_as_the_connections_failure(store, connections):
    # given a due Pinterest post while Pinterest answers every call with a 5xx
    post = post_for(store, PINTEREST)
    SandboxFault.objects.create(platform=PINTEREST, error_rate=1.0)
    connection = connections[PINTEREST]

    # when it is published
    result = post_publish(post_id=post.pk)

    # then the post waits for a retry and the connection shows the failure, still active
    connection.refresh_from_db()
    post.refresh_from_db()
    assert result.outcome == "retry"
    assert connection.status == ConnectionStatus.ACTIVE
    assert connection.last_failure_at is not None
    assert connection.last_error == post.last_error != ""
    assert not ConnectionEvent.objects.filter(connection=connection, kind=ConnectionEventKind.EXPIRED).exists()


@pytest.mark.parametrize(
    ("caption", "outcome"),
    [("Meet the Merino Trail Sock.", "published"), ("#a " * 31, "failed")],
    ids=["a published post", "a post Instagram refuses (the platform answered)"],
)
def test_an_answer_from_the_platform_at_publish_is_recorded_as_the_connections_success(
    store, connections, caption, outcome
):
    # given a due Instagram post and a connection with no success on record
    post = post_for(store, INSTAGRAM)
    SocialPost.objects.filter(pk=post.pk).update(caption=caption)
    connection = connections[INSTAGRAM]
    type(connection).objects.filter(pk=connection.pk).update(last_success_at=None)
    before = timezone.now()

    # when it is published (pre-flight's caption check skipped for the refused one, as for an older post)
    from social import preflight

    original = preflight.caption_problems
    preflight.caption_problems = lambda *a, **k: []
    try:
        result = post_publish(post_id=post.pk)
    finally:
        preflight.caption_problems = original

    # then the connection's last success is now, and it has no failure
    connection.refresh_from_db()
    assert result.outcome == outcome
    assert connection.last_success_at >= before
    assert (connection.status, connection.last_failure_at) == (ConnectionStatus.ACTIVE, None)


def test_engagement_sync_records_success_and_expires_a_connection_whose_token_is_refused(store, owner, connections):
    # given a published X post and a published Pinterest post
    x_post, pin = post_for(store, X), post_for(store, PINTEREST)
    post_publish(post_id=x_post.pk)
    post_publish(post_id=pin.pk)
    type(connections[X]).objects.update(last_success_at=None)
    # and X no longer accepts its token
    SandboxToken.objects.filter(platform=X).update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    # when engagement is synced
    counts = engagement_sync(min_age=dt.timedelta(0), max_age=dt.timedelta(days=7))

    # then Pinterest's connection records the success, X's is expired through stores with its event
    x_connection, pin_connection = connections[X], connections[PINTEREST]
    x_connection.refresh_from_db()
    pin_connection.refresh_from_db()
    assert counts == {"synced": 1, "skipped_connections": 1}
    assert pin_connection.last_success_at is not None
    assert x_connection.status == ConnectionStatus.EXPIRED
    assert ConnectionEvent.objects.filter(connection=x_connection, kind=ConnectionEventKind.EXPIRED).count() == 1
    assert mail.outbox[0].subject == "Reconnect X for Northwind Outfitters"
