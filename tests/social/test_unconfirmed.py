"""A post whose attempts ran out while the last send went unanswered is unconfirmed, not failed: it is looked up at
the platform until the platform answers, and ends published (found) or failed (the platform holds no such post)."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from platforms.constants import PINTEREST, X
from platforms.errors import Transient
from sandbox.models import SandboxFault, SandboxPost
from social import tasks
from social.models import AttemptOutcome, PostStatus, SocialPost
from social.services import post_cancel, post_create, post_publish, post_reconcile
from social.services import publishing as publishing_module
from stores.actors import ActorKind
from stores.exceptions import ApplicationError
from stores.models import ConnectionStatus
from tests.social.conftest import media_url

# The events the reconciliation writes.
RECONCILIATION = {"actor_kind": ActorKind.SYSTEM, "actor_label": "reconciliation"}

pytestmark = pytest.mark.django_db(transaction=True)


def due(store, platform, n=1):
    return post_create(
        store=store,
        platform=platform,
        caption=f"Trail day {n}: the Merino Trail Sock keeps up.",
        title=f"Merino Trail Sock {n}" if platform == PINTEREST else "",
        media_urls=[media_url(platform)],
        link=f"https://shop.example.com/p/sock?utm_content=unconfirmed{n}",
        scheduled_at=timezone.now() - dt.timedelta(seconds=1),
    )


def in_process(task):
    """What a worker does with a message: run the task with its argument, here and now."""
    return lambda post_id: task.apply(args=(post_id,))


def late_answers(settings, platform, path):
    """The platform carries out requests to ``path`` and answers after the client's read timeout."""
    settings.PLATFORM_HTTP_READ_TIMEOUT = 1.5  # well above a busy sandbox's answer time (media checks use it too)
    return SandboxFault.objects.create(platform=platform, timeout_rate=1.0, timeout_seconds=2.0, path_contains=path)


def unconfirmed_pin(store, settings, *, settle=0.0):
    """A Pinterest post whose only attempt created the pin but got no answer (a one-attempt budget)."""
    settings.SOCIAL_PUBLISH_MAX_ATTEMPTS = 1
    settings.SOCIAL_AMBIGUOUS_SETTLE_SECONDS = settle
    fault = late_answers(settings, PINTEREST, "v5/pins")
    post = due(store, PINTEREST)
    result = post_publish(post_id=post.pk)
    fault.delete()
    post.refresh_from_db()
    return post, result


def unanswered_tweet(store, settings, *, settle):
    """An X post whose only attempt's connection dropped once the create was sent, and X created nothing."""
    settings.SOCIAL_PUBLISH_MAX_ATTEMPTS = 1
    settings.SOCIAL_AMBIGUOUS_SETTLE_SECONDS = settle
    post = due(store, X)
    dropped = Transient("The connection to the platform dropped before its answer arrived.", platform=X, ambiguous=True)
    with mock.patch("platforms.x.content.XContent.publish", side_effect=dropped):
        assert post_publish(post_id=post.pk).outcome == "unconfirmed"
    post.refresh_from_db()
    return post


def test_attempts_running_out_on_an_unanswered_create_leave_the_post_unconfirmed_not_failed(
    store, connections, settings
):
    # given a one-attempt budget and a Pinterest that creates the pin but answers too late
    # when the post is published
    before = timezone.now()
    post, result = unconfirmed_pin(store, settings, settle=60.0)

    # then it is unconfirmed (the pin exists), to be looked up once the send has settled, and not failed
    assert (result.outcome, post.status, post.failure_reason) == ("unconfirmed", PostStatus.UNCONFIRMED, "")
    assert SandboxPost.objects.filter(platform=PINTEREST).count() == 1
    assert list(post.attempts.values_list("outcome", flat=True)) == [AttemptOutcome.AMBIGUOUS]
    assert post.unconfirmed_since >= before
    assert post.next_attempt_at == post.unconfirmed_since + dt.timedelta(seconds=60)
    assert post.events.filter(to_status=PostStatus.FAILED).count() == 0
    assert post.events.get(to_status=PostStatus.UNCONFIRMED).reason.startswith(
        "Out of attempts after 1, and Pinterest has not confirmed whether the last one published it"
    )
    assert post.status_text == "Unconfirmed — checking with Pinterest"


def test_the_reconciliation_sweep_finds_it_and_records_it_published_without_creating_it_again(
    store, connections, settings
):
    # given an unconfirmed Pinterest post whose pin exists, and a reconciliation whose look-up is due
    post, _ = unconfirmed_pin(store, settings)
    pin = SandboxPost.objects.get(platform=PINTEREST)

    # when the beat sweep hands it to its look-up task (run here in process)
    worker = in_process(tasks.post_reconcile_task)
    with mock.patch.object(tasks.post_reconcile_task, "delay", side_effect=worker) as sent:
        queued = tasks.posts_reconcile_unconfirmed_task()

    # then it is published with the platform's id, the sandbox still holds one pin, and no attempt was added
    post.refresh_from_db()
    assert (queued, sent.call_count) == (1, 1)
    assert (post.status, post.external_id) == (PostStatus.PUBLISHED, pin.external_id)
    assert post.permalink == f"https://www.pinterest.com/pin/{pin.external_id}/"
    assert SandboxPost.objects.filter(platform=PINTEREST).count() == 1
    assert post.attempts.count() == 1
    assert post.events.filter(**RECONCILIATION, to_status=PostStatus.PUBLISHED).count() == 1
    assert tasks.posts_reconcile_unconfirmed_task() == 0


def test_the_platform_answering_that_it_holds_no_such_post_fails_it_on_that_evidence(store, connections, settings):
    # given an X post whose only attempt's connection dropped after sending, before X created anything
    post = unanswered_tweet(store, settings, settle=0.0)

    # when it is looked up after the settle time
    result = post_reconcile(post_id=post.pk)

    # then X holds no such post: it failed with that reason, and nothing was created
    post.refresh_from_db()
    assert (result.outcome, post.status, post.failure_reason) == ("failed", PostStatus.FAILED, "not_found")
    assert post.last_error == "Not published: X has no such post. Retry sends it again."
    assert SandboxPost.objects.filter(platform=X).count() == 0
    assert post.lookup_count == 1


def test_no_such_post_before_the_send_has_settled_is_not_evidence(store, connections, settings):
    # given an X post left unconfirmed a moment ago with a 10-minute settle time, its look-up forced early
    post = unanswered_tweet(store, settings, settle=600.0)
    SocialPost.objects.filter(pk=post.pk).update(next_attempt_at=timezone.now())

    # when it is looked up and X does not hold it (yet)
    result = post_reconcile(post_id=post.pk)

    # then it stays unconfirmed until the settle time
    post.refresh_from_db()
    assert (result.outcome, post.status) == ("unconfirmed", PostStatus.UNCONFIRMED)
    assert post.next_attempt_at == post.unconfirmed_since + dt.timedelta(seconds=600)


def test_a_look_up_that_fails_keeps_it_unconfirmed_and_backs_off(store, connections, settings):
    # given an unconfirmed Pinterest post, and a Pinterest answering every board read with a 5xx
    post, _ = unconfirmed_pin(store, settings)
    settings.SOCIAL_RETRY_BASE_SECONDS = 30.0
    settings.SOCIAL_RETRY_MAX_SECONDS = 3600.0
    SandboxFault.objects.create(platform=PINTEREST, error_rate=1.0, path_contains="v5/boards")

    # when it is looked up, and looked up again at once
    before = timezone.now()
    first = post_reconcile(post_id=post.pk)
    second = post_reconcile(post_id=post.pk)

    # then it stays unconfirmed, its next look-up 15 to 30 s away, the second call found nothing due
    post.refresh_from_db()
    assert (first.outcome, second.outcome, post.status) == ("unconfirmed", "skipped", PostStatus.UNCONFIRMED)
    assert post.lookup_count == 1
    assert before + dt.timedelta(seconds=15) <= post.next_attempt_at <= timezone.now() + dt.timedelta(seconds=30)
    assert post.events.filter(**RECONCILIATION, to_status=PostStatus.UNCONFIRMED).count() == 1
    assert SandboxPost.objects.filter(platform=PINTEREST).count() == 1


def test_an_expired_connection_keeps_it_unconfirmed_without_asking_the_platform(store, connections, settings):
    # given an unconfirmed Pinterest post whose connection expired
    post, _ = unconfirmed_pin(store, settings)
    type(connections[PINTEREST]).objects.filter(pk=connections[PINTEREST].pk).update(status=ConnectionStatus.EXPIRED)

    # when it is looked up
    with mock.patch("platforms.pinterest.content.PinterestContent.lookup") as lookup:
        result = post_reconcile(post_id=post.pk)

    # then the platform was not called and the post waits, saying why
    post.refresh_from_db()
    assert (result.outcome, post.status, lookup.call_count) == ("unconfirmed", PostStatus.UNCONFIRMED, 0)
    assert post.last_error == "The Pinterest connection is expired; reconnect it to finish the check."


def test_no_answer_for_the_whole_look_up_window_fails_it_as_not_confirmed(store, connections, settings):
    # given a post unconfirmed for 73 hours with a 72-hour window, and a Pinterest whose reads all fail
    post, _ = unconfirmed_pin(store, settings)
    settings.SOCIAL_UNCONFIRMED_LOOKUP_HOURS = 72
    SocialPost.objects.filter(pk=post.pk).update(unconfirmed_since=timezone.now() - dt.timedelta(hours=73))
    SandboxFault.objects.create(platform=PINTEREST, error_rate=1.0, path_contains="v5/boards")

    # when its look-up fails once more
    result = post_reconcile(post_id=post.pk)

    # then it is failed "not confirmed", telling the merchant to check the account; nothing was sent
    post.refresh_from_db()
    assert (result.outcome, post.status, post.failure_reason) == ("failed", PostStatus.FAILED, "not_confirmed")
    assert post.last_error.startswith("Could not confirm with Pinterest in 72 hours whether this post went out")
    assert SandboxPost.objects.filter(platform=PINTEREST).count() == 1


def test_the_watchdog_leaves_a_post_unconfirmed_when_its_look_up_fails_after_a_lost_last_attempt(
    store, connections, settings
):
    # given a one-attempt budget and a worker killed after Pinterest created the pin
    settings.SOCIAL_PUBLISH_MAX_ATTEMPTS = 1
    settings.SOCIAL_AMBIGUOUS_SETTLE_SECONDS = 0.0
    post = due(store, PINTEREST)
    killed = mock.patch.object(publishing_module, "_record_success", side_effect=SystemExit("worker killed"))
    with killed, pytest.raises(SystemExit):
        post_publish(post_id=post.pk)

    # when the watchdog takes it again while Pinterest's reads fail
    settings.SOCIAL_PUBLISHING_STUCK_SECONDS = 0
    fault = SandboxFault.objects.create(platform=PINTEREST, error_rate=1.0, path_contains="v5/boards")
    with mock.patch.object(tasks.post_publish_task, "delay", side_effect=in_process(tasks.post_publish_task)):
        tasks.publishing_watchdog_task()

    # then it is unconfirmed, not failed, and nothing was created again
    post.refresh_from_db()
    assert post.status == PostStatus.UNCONFIRMED
    assert list(post.attempts.values_list("outcome", flat=True)) == [AttemptOutcome.ABANDONED, AttemptOutcome.TRANSIENT]
    assert SandboxPost.objects.filter(platform=PINTEREST).count() == 1

    # when Pinterest recovers and the reconciliation looks it up
    fault.delete()
    result = post_reconcile(post_id=post.pk)

    # then it is published with the pin's id, still one pin at Pinterest
    post.refresh_from_db()
    assert (result.outcome, post.status) == ("published", PostStatus.PUBLISHED)
    assert post.external_id == SandboxPost.objects.get(platform=PINTEREST).external_id


def test_retry_of_an_unconfirmed_post_looks_it_up_first_with_the_full_budget(
    owner_client, store, connections, settings
):
    # given an unconfirmed Pinterest post whose pin exists, and an eight-attempt policy
    post, _ = unconfirmed_pin(store, settings)
    settings.SOCIAL_PUBLISH_MAX_ATTEMPTS = 8

    # when the merchant presses Retry on its page
    response = owner_client.post(f"/social/posts/{post.pk}/retry/")

    # then it is queued with the full budget again
    post.refresh_from_db()
    assert response.status_code == 302
    assert (post.status, post.attempts_at_retry, post.attempts_in_budget) == (PostStatus.SCHEDULED, 1, 0)

    # when the publisher runs it
    result = post_publish(post_id=post.pk)

    # then its first step found the pin: published with its id, no second pin at Pinterest
    post.refresh_from_db()
    assert (result.outcome, post.status) == ("found", PostStatus.PUBLISHED)
    assert post.external_id == SandboxPost.objects.get(platform=PINTEREST).external_id
    assert list(post.attempts.values_list("outcome", flat=True)) == [AttemptOutcome.AMBIGUOUS, AttemptOutcome.FOUND]


def test_retry_of_an_unconfirmed_post_waits_for_the_send_to_settle(store, connections, settings):
    # given a post unconfirmed a moment ago with a 10-minute settle time
    post, _ = unconfirmed_pin(store, settings, settle=600.0)

    # when the merchant retries it at once
    from social.services import post_retry

    post_retry(post=post)

    # then its next attempt (a look-up first) waits until the settle time, and the publisher leaves it until then
    post.refresh_from_db()
    assert post.status == PostStatus.SCHEDULED
    assert post.next_attempt_at == post.unconfirmed_since + dt.timedelta(seconds=600)
    assert post_publish(post_id=post.pk).outcome == "skipped"


def test_an_unconfirmed_post_cannot_be_cancelled_or_edited(owner_client, store, connections, settings):
    # given an unconfirmed post (it may be live)
    post, _ = unconfirmed_pin(store, settings, settle=600.0)

    # when the merchant tries to cancel it
    with pytest.raises(ApplicationError) as refusal:
        post_cancel(post=post)

    # then it is refused and stays unconfirmed; the page offers no edit or cancel
    post.refresh_from_db()
    page = owner_client.get(f"/social/posts/{post.pk}/").content.decode()
    assert refusal.value.code == "not_cancellable"
    assert post.status == PostStatus.UNCONFIRMED
    assert f"/social/posts/{post.pk}/edit/" not in page
    assert f"/social/posts/{post.pk}/cancel/" not in page
    assert "Unconfirmed — checking with Pinterest" in page
    assert "Look up and retry" in page
