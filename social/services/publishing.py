"""Publishing, exactly once.

1. Claim: one conditional UPDATE moves a due ``scheduled`` post (or one stuck in ``publishing`` past
   ``SOCIAL_PUBLISHING_STUCK_SECONDS``) to ``publishing`` and counts the attempt; whoever's UPDATE matched owns
   the attempt, everyone else backs off. The attempt row is written in the same transaction.
2. Pre-flight again: a post that would fail is held with the reason instead of being sent.
3. Look before creating: a post whose earlier attempt may have reached the platform without an answer we can
   trust (a timeout, a reset or a 5xx after a create was sent: ``Transient(ambiguous=True)``; a worker killed after
   the call) is first looked up at the platform. A 429, or a failure before sending, says the platform did not act.
4. Create, saving intermediate handles (TikTok publish_id, Instagram container id, X media ids) in their own
   commits; a later attempt resumes from the handle (polls the publish_id, publishes the container) instead of
   creating again.
5. Record the outcome: published; retry later with exponential backoff and jitter (honouring Retry-After);
   failed with the platform's reason; or failed "reconnect" with the connection marked expired.
6. Out of attempts: failed only when the platform surely does not hold the post. When the last create's outcome is
   unknown (no answer, a look-up that did not answer, or a platform handle without a confirmation) the post becomes
   ``unconfirmed`` instead, and ``social.services.reconciliation`` looks it up until the platform answers.
"""

import datetime as dt
import logging
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from platforms.content import PostDraft, Published
from platforms.errors import AuthExpired, PlatformError, RateLimited, Rejected, Transient
from social.clients import client_for
from social.metrics import POSTS_PUBLISHED, PUBLISH_FAILURES
from social.models import UNCERTAIN_OUTCOMES, AttemptOutcome, PostEvent, PostStatus, PublishAttempt, SocialPost
from social.preflight import connection_problems, preflight_problems
from social.services.loops import post_record_loop_failure
from social.services.posts import CONNECTION_HOLD, RECONNECT
from social.services.transitions import PREFLIGHT, PUBLISHER, post_hold, post_transition
from stores.actors import Actor
from stores.connections.services import connection_record_error, connection_record_success

logger = logging.getLogger(__name__)


# Platform clocks and ours differ a little: look-ups search from a bit before the first attempt.
LOOKUP_SLACK = dt.timedelta(minutes=10)
UNCERTAIN = UNCERTAIN_OUTCOMES


@dataclass(frozen=True)
class PublishResult:
    outcome: str  # published, found, retry, failed, unconfirmed, held, skipped
    retry_in: float | None = None
    detail: str = ""


def _due_q(now: dt.datetime) -> Q:
    return Q(status=PostStatus.SCHEDULED, scheduled_at__lte=now) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def _stuck_q(now: dt.datetime) -> Q:
    return Q(
        status=PostStatus.PUBLISHING,
        publishing_started_at__lt=now - dt.timedelta(seconds=settings.SOCIAL_PUBLISHING_STUCK_SECONDS),
    )


@transaction.atomic
def _claim(post_id: int, *, actor: Actor) -> tuple[SocialPost, PublishAttempt, bool] | None:
    """Own the next attempt of a due (or stuck) post; also says whether an earlier attempt may have created it."""
    now = timezone.now()
    before = SocialPost.objects.filter(pk=post_id).values_list("status", flat=True).first()
    claimed = (
        SocialPost.objects.filter(pk=post_id)
        .filter(_due_q(now) | _stuck_q(now))
        .update(
            status=PostStatus.PUBLISHING,
            publishing_started_at=now,
            attempt_count=F("attempt_count") + 1,
            updated_at=now,
        )
    )
    if not claimed:
        return None
    post = SocialPost.objects.select_related("connection", "store").get(pk=post_id)
    abandoned = PublishAttempt.objects.filter(post=post, outcome=AttemptOutcome.STARTED).update(
        outcome=AttemptOutcome.ABANDONED, finished_at=now, error="The worker stopped before recording an answer."
    )
    reason = f"Attempt {post.attempt_count}."
    if abandoned:
        reason += " The previous attempt was lost; the post is looked up at the platform first."
    PostEvent.objects.create(
        store_id=post.store_id,
        post=post,
        from_status=before or "",
        to_status=PostStatus.PUBLISHING,
        reason=reason,
        **actor.row_fields(),
    )
    attempt = PublishAttempt.objects.create(
        store_id=post.store_id, post=post, number=post.attempt_count, started_at=now
    )
    # A post that was ever unconfirmed stays in doubt until found: its next attempts look it up first whatever
    # their own outcomes were (it may have become unconfirmed on a platform handle alone).
    uncertain = (
        post.unconfirmed_since is not None
        or PublishAttempt.objects.filter(post=post, outcome__in=UNCERTAIN).exclude(pk=attempt.pk).exists()
    )
    first = PublishAttempt.objects.filter(post=post).order_by("number").values_list("started_at", flat=True).first()
    post.first_attempt_at = first
    return post, attempt, uncertain


def draft_for(post: SocialPost) -> PostDraft:
    return PostDraft(
        marker=post.marker,
        caption=post.caption,
        media_urls=tuple(post.media_urls),
        media_kind=post.media_kind,
        title=post.title,
        link=post.link,
        alt_text=post.alt_text,
        since=(first - LOOKUP_SLACK) if (first := getattr(post, "first_attempt_at", None)) else None,
    )


def _save_handle(post_id: int, handle: str) -> None:
    """Persist the platform's intermediate id at once, in its own commit, before the next call."""
    SocialPost.objects.filter(pk=post_id).update(platform_handle=handle[:200])


def _finish_attempt(
    attempt: PublishAttempt, outcome: str, *, error: str = "", retry_after: float | None = None
) -> None:
    attempt.outcome = outcome
    attempt.error = error[:2000]
    attempt.retry_after_seconds = retry_after
    attempt.finished_at = timezone.now()
    attempt.save(update_fields=["outcome", "error", "retry_after_seconds", "finished_at"])


@transaction.atomic
def _record_success(post: SocialPost, attempt: PublishAttempt, published: Published, *, found: bool) -> PublishResult:
    post = SocialPost.objects.select_for_update().get(pk=post.pk)
    outcome = AttemptOutcome.FOUND if found else AttemptOutcome.PUBLISHED
    _finish_attempt(attempt, outcome)
    post_transition(
        post=post,
        to=PostStatus.PUBLISHED,
        actor=PUBLISHER,
        reason="Found at the platform: an earlier attempt had published it." if found else "Published.",
        external_id=published.external_id,
        permalink=published.permalink[:500],
        published_at=timezone.now(),
        last_error="",
        failure_reason="",
        next_attempt_at=None,
    )
    transaction.on_commit(lambda: POSTS_PUBLISHED.labels(platform=post.platform).inc())
    return PublishResult("found" if found else "published")


def backoff_seconds(attempt: int) -> float:
    """Exponential backoff with full jitter between half and all of the step."""
    step = min(settings.SOCIAL_RETRY_MAX_SECONDS, settings.SOCIAL_RETRY_BASE_SECONDS * 2 ** max(0, attempt - 1))
    return step * random.uniform(0.5, 1.0)


@transaction.atomic
def _record_retry(
    post: SocialPost, attempt: PublishAttempt, error: PlatformError, *, unresolved: bool = False
) -> PublishResult:
    """Schedule the next attempt, or end the budget. ``unresolved``: the look-up this attempt owed an earlier,
    unanswered send did not answer, so the post may be live whatever this error says."""
    post = SocialPost.objects.select_for_update().get(pk=post.pk)
    if isinstance(error, RateLimited):
        outcome, delay = (
            AttemptOutcome.RATE_LIMITED,
            error.retry_after + random.uniform(0, settings.SOCIAL_RETRY_BASE_SECONDS / 2),
        )
    else:
        outcome = AttemptOutcome.AMBIGUOUS if getattr(error, "ambiguous", False) else AttemptOutcome.TRANSIENT
        delay = backoff_seconds(post.attempts_in_budget)
        if outcome == AttemptOutcome.AMBIGUOUS:
            # The unanswered request may still be running at the platform: look it up only once it has settled.
            delay = max(delay, settings.SOCIAL_AMBIGUOUS_SETTLE_SECONDS)
    _finish_attempt(attempt, outcome, error=error.message, retry_after=delay)
    PUBLISH_FAILURES.labels(platform=post.platform, reason=outcome).inc()
    if post.attempts_in_budget >= settings.SOCIAL_PUBLISH_MAX_ATTEMPTS:
        if outcome == AttemptOutcome.AMBIGUOUS or unresolved or post.platform_handle:
            return _record_unconfirmed(post, error)
        post_transition(
            post=post,
            to=PostStatus.FAILED,
            actor=PUBLISHER,
            reason=f"Gave up after {post.attempts_in_budget} attempts: {error.message}",
            last_error=error.message,
            failure_reason="gave_up",
        )
        return PublishResult("failed", detail=error.message)
    post_transition(
        post=post,
        to=PostStatus.SCHEDULED,
        actor=PUBLISHER,
        reason=f"{attempt.get_outcome_display()}: {error.message} Retrying in {delay:.0f} s.",
        last_error=error.message,
        next_attempt_at=timezone.now() + dt.timedelta(seconds=delay),
    )
    return PublishResult("retry", retry_in=delay, detail=error.message)


def _record_unconfirmed(post: SocialPost, error: PlatformError) -> PublishResult:
    """Out of attempts, but the platform may hold the post: look it up once the last send has settled, never fail
    it blind. Call inside ``_record_retry``'s transaction."""
    now = timezone.now()
    settle = settings.SOCIAL_AMBIGUOUS_SETTLE_SECONDS
    platform = post.get_platform_display()
    post_transition(
        post=post,
        to=PostStatus.UNCONFIRMED,
        actor=PUBLISHER,
        reason=(
            f"Out of attempts after {post.attempts_in_budget}, and {platform} has not confirmed whether the last one "
            f"published it ({error.message}). Looking it up at {platform} before deciding; nothing is sent again."
        ),
        last_error=error.message,
        failure_reason="",
        unconfirmed_since=now,
        lookup_count=0,
        next_attempt_at=now + dt.timedelta(seconds=settle),
    )
    return PublishResult("unconfirmed", retry_in=settle, detail=error.message)


@transaction.atomic
def _record_failure(post: SocialPost, attempt: PublishAttempt, error: PlatformError) -> PublishResult:
    post = SocialPost.objects.select_for_update(of=("self",)).select_related("connection").get(pk=post.pk)
    if isinstance(error, AuthExpired):
        _finish_attempt(attempt, AttemptOutcome.AUTH_EXPIRED, error=error.message)
        reason, message = RECONNECT, f"Reconnect {post.get_platform_display()}: {error.message}"
    else:
        _finish_attempt(attempt, AttemptOutcome.REJECTED, error=error.message)
        reason, message = "rejected", error.message
    PUBLISH_FAILURES.labels(platform=post.platform, reason=reason).inc()
    post_transition(
        post=post, to=PostStatus.FAILED, actor=PUBLISHER, reason=message, last_error=message, failure_reason=reason
    )
    return PublishResult("failed", detail=message)


@transaction.atomic
def _record_hold(post: SocialPost, attempt: PublishAttempt | None, problems: list[str]) -> PublishResult:
    post = SocialPost.objects.select_for_update().get(pk=post.pk)
    reason = " ".join(problems)
    if attempt is not None:
        _finish_attempt(attempt, AttemptOutcome.HELD, error=reason)
    # A hold caused by the connection is released by a reconnect; any other waits for the merchant's edit.
    code = CONNECTION_HOLD if connection_problems(post) else "preflight"
    PUBLISH_FAILURES.labels(platform=post.platform, reason=code).inc()
    post_hold(post=post, reason=reason, code=code, actor=PREFLIGHT)
    return PublishResult("held", detail=reason)


def post_publish(*, post_id: int, actor: Actor = PUBLISHER) -> PublishResult:
    """Publish one post if it is due and nobody else holds it. Never raises for platform failures.

    Not one transaction: the claim, each saved handle and the outcome commit separately, so a crash between them
    leaves a trace the next attempt (or the watchdog) acts on without publishing twice.
    """
    claim = _claim(post_id, actor=actor)
    if claim is None:
        return PublishResult("skipped")
    post, attempt, needs_lookup = claim
    problems = preflight_problems(post, check_media=post.attempts_in_budget == 1)
    if problems:
        return _record_hold(post, attempt, problems)
    client = client_for(post.connection)
    draft = draft_for(post)
    looked_up = not needs_lookup
    try:
        found = client.lookup(draft, handle=post.platform_handle) if needs_lookup else None
        looked_up = True
        if found is not None:
            connection_record_success(connection=post.connection)
            return _record_success_once(post, attempt, found, found=True)
        published = client.publish(
            draft, handle=post.platform_handle, save_handle=lambda handle: _save_handle(post.pk, handle)
        )
    except (RateLimited, Transient) as error:
        connection_record_error(connection=post.connection, error=error)
        return _record_retry(post, attempt, error, unresolved=not looked_up)
    except (AuthExpired, Rejected) as error:
        # An AuthExpired expires the connection through stores (event, owners told, its scheduled posts held)
        # before this post fails asking for a reconnect; a Rejected says the connection itself works.
        connection_record_error(connection=post.connection, error=error)
        return _record_failure(post, attempt, error)
    connection_record_success(connection=post.connection)
    return _record_success_once(post, attempt, published, found=False)


def _record_success_once(
    post: SocialPost, attempt: PublishAttempt, published: Published, *, found: bool
) -> PublishResult:
    """Record the success unless another post already holds that platform id (a look-up matched a twin post by
    its text): then this post is failed with the reason rather than claiming someone else's post."""
    try:
        return _record_success(post, attempt, published, found=found)
    except IntegrityError:
        logger.warning("platform id already recorded for another post", extra={"post": post.pk})
        error = Rejected(
            f"The platform's post {published.external_id} is already recorded for another post with the same text.",
            platform=post.platform,
        )
        return _record_failure(post, attempt, error)


def posts_dispatch_due(*, limit: int = 500) -> list[int]:
    """Ids of posts due now (or stuck), oldest first, for the publish task to take one by one."""
    now = timezone.now()
    return list(
        SocialPost.objects.filter(_due_q(now) | _stuck_q(now))
        .order_by("scheduled_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def post_preflight(*, post: SocialPost) -> list[str]:
    """Check a scheduled post before its time; hold it with the reasons when it would fail."""
    problems = preflight_problems(post)
    if problems and post.status == PostStatus.SCHEDULED:
        _record_hold(post, None, problems)
    SocialPost.objects.filter(pk=post.pk).update(preflight_checked_at=timezone.now())
    return problems


def posts_preflight_upcoming() -> dict[str, int]:
    """Pre-flight every scheduled post due within ``SOCIAL_PREFLIGHT_LEAD_MINUTES`` not checked since its last edit.

    A post whose check fails is recorded on the post and left unchecked, so the next sweep tries it again; the
    others are checked.
    """
    horizon = timezone.now() + dt.timedelta(minutes=settings.SOCIAL_PREFLIGHT_LEAD_MINUTES)
    posts = SocialPost.objects.select_related("connection").filter(
        status=PostStatus.SCHEDULED, scheduled_at__lte=horizon, preflight_checked_at__isnull=True
    )
    checked = held = 0
    for post in posts:
        try:
            held += bool(post_preflight(post=post))
        except Exception as error:  # noqa: BLE001 - recorded on the post; unchecked, so the next sweep tries again
            post_record_loop_failure(post_id=post.pk, loop="preflight_sweep", error=error)
            continue
        checked += 1
    return {"checked": checked, "held": held}


def publishing_watchdog() -> list[int]:
    """Posts left in ``publishing`` past the stuck threshold (worker died, broker lost): their ids, to publish again.

    ``post_publish`` claims them like due posts and looks each up at the platform before creating anything.
    """
    now = timezone.now()
    return list(SocialPost.objects.filter(_stuck_q(now)).values_list("id", flat=True))


def post_due_now(post: SocialPost, *, now: dt.datetime | None = None) -> bool:
    """Whether ``post`` is scheduled and its next attempt may start now."""
    now = now or timezone.now()
    return (
        post.status == PostStatus.SCHEDULED
        and post.scheduled_at is not None
        and post.scheduled_at <= now
        and (post.next_attempt_at is None or post.next_attempt_at <= now)
    )


def post_publish_enqueue_on_commit(post: SocialPost) -> bool:
    """Hand ``post`` to its publish task once the caller's transaction commits, when it is due now (Publish now, a
    retry, a time that has come); a rolled-back write enqueues nothing. A post not yet due is left to the minute
    sweep. Returns whether a task was set to be enqueued.

    The one place a request (page, API or admin) enqueues publishing; the beat sweep and the watchdog enqueue the
    rest (``social.tasks``).
    """
    if not post_due_now(post):
        return False
    # social.tasks imports these services, so the task is looked up when it is needed.
    from social.tasks import post_publish_task

    post_id = post.pk
    # robust: a broker that refuses the message is logged; the post stays due and the minute sweep delivers it.
    transaction.on_commit(lambda: post_publish_task.delay(post_id), robust=True)
    return True
