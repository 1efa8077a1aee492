"""Ending an unconfirmed post on evidence: look it up at its platform until the platform answers.

A post becomes ``unconfirmed`` when its attempts ran out while the last create's outcome was unknown (see
``social.services.publishing``). It may be live, so it is never created again from here and never failed blind:

* found at the platform (by handle, else by its marker or text): ``published`` with the platform's id;
* the platform answers the look-up with no such post, once ``SOCIAL_AMBIGUOUS_SETTLE_SECONDS`` have passed since
  the last send: ``failed`` ("not found"), which a merchant may retry;
* the look-up itself fails (an error, a rate limit, a connection that is not active): still ``unconfirmed``, looked
  up again with exponential backoff (``SOCIAL_RETRY_BASE_SECONDS`` doubling up to ``SOCIAL_RETRY_MAX_SECONDS``);
* no answer for ``SOCIAL_UNCONFIRMED_LOOKUP_HOURS``: ``failed`` ("could not confirm"), telling the merchant to check
  the account; a Retry still looks the post up before sending it.

Each look-up is claimed with one conditional UPDATE (``next_attempt_at`` moved out by
``SOCIAL_PUBLISHING_STUCK_SECONDS``), so two deliveries of the task never look up the same post at once and a
worker killed mid-look-up only delays the next one.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from platforms.content import Published
from platforms.errors import PlatformError
from social.clients import client_for
from social.metrics import POSTS_PUBLISHED
from social.models import PostStatus, PublishAttempt, SocialPost
from social.services.publishing import backoff_seconds, draft_for
from social.services.transitions import RECONCILIATION, post_transition
from stores.connections.services import connection_record_error, connection_record_success
from stores.models import ConnectionStatus

logger = logging.getLogger(__name__)

NOT_FOUND = "not_found"  # failure_reason: the platform answered that it holds no such post
NOT_CONFIRMED = "not_confirmed"  # failure_reason: no look-up answered within SOCIAL_UNCONFIRMED_LOOKUP_HOURS


@dataclass(frozen=True)
class ReconcileResult:
    outcome: str  # published, failed, unconfirmed (looked up again later), skipped (not due, or taken)
    detail: str = ""


def _due_q(now: dt.datetime) -> Q:
    return Q(status=PostStatus.UNCONFIRMED) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def posts_unconfirmed_due(*, limit: int = 500) -> list[int]:
    """Ids of unconfirmed posts whose next look-up is due, longest waiting first."""
    now = timezone.now()
    return list(
        SocialPost.objects.filter(_due_q(now)).order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit]
    )


def _claim(post_id: int) -> SocialPost | None:
    now = timezone.now()
    lease = now + dt.timedelta(seconds=settings.SOCIAL_PUBLISHING_STUCK_SECONDS)
    if not SocialPost.objects.filter(pk=post_id).filter(_due_q(now)).update(next_attempt_at=lease, updated_at=now):
        return None
    post = SocialPost.objects.select_related("connection", "store").get(pk=post_id)
    post.first_attempt_at = (
        PublishAttempt.objects.filter(post=post).order_by("number").values_list("started_at", flat=True).first()
    )
    return post


def _settled(post: SocialPost, now: dt.datetime) -> bool:
    """Whether the last send has had time to land at the platform, so that "not there" is evidence."""
    since = post.unconfirmed_since or now
    return now >= since + dt.timedelta(seconds=settings.SOCIAL_AMBIGUOUS_SETTLE_SECONDS)


def _locked(post: SocialPost) -> SocialPost | None:
    """The post locked for the outcome, unless a merchant's Retry (or another worker) moved it on meanwhile."""
    return SocialPost.objects.select_for_update().filter(pk=post.pk, status=PostStatus.UNCONFIRMED).first()


@transaction.atomic
def _record_found(post: SocialPost, found: Published) -> ReconcileResult:
    locked = _locked(post)
    if locked is None:
        return ReconcileResult("skipped")
    platform = locked.get_platform_display()
    try:
        with transaction.atomic():  # a savepoint: a clash on the platform id leaves the post to fail below
            post_transition(
                post=locked,
                to=PostStatus.PUBLISHED,
                actor=RECONCILIATION,
                reason=f"Found at {platform}: the unanswered attempt had published it.",
                external_id=found.external_id,
                permalink=found.permalink[:500],
                published_at=timezone.now(),
                last_error="",
                failure_reason="",
                next_attempt_at=None,
            )
    except IntegrityError:
        logger.warning("platform id already recorded for another post", extra={"post": locked.pk})
        message = f"The platform's post {found.external_id} is already recorded for another post with the same text."
        locked.refresh_from_db()
        post_transition(
            post=locked,
            to=PostStatus.FAILED,
            actor=RECONCILIATION,
            reason=message,
            last_error=message,
            failure_reason="rejected",
            next_attempt_at=None,
        )
        return ReconcileResult("failed", detail=message)
    transaction.on_commit(lambda: POSTS_PUBLISHED.labels(platform=locked.platform).inc())
    return ReconcileResult("published")


@transaction.atomic
def _record_absent(post: SocialPost, *, now: dt.datetime) -> ReconcileResult:
    locked = _locked(post)
    if locked is None:
        return ReconcileResult("skipped")
    platform = locked.get_platform_display()
    if not _settled(locked, now):
        # Too early for "not there" to mean anything: look again once the last send has settled.
        settle_at = (locked.unconfirmed_since or now) + dt.timedelta(seconds=settings.SOCIAL_AMBIGUOUS_SETTLE_SECONDS)
        locked.next_attempt_at = settle_at
        locked.save(update_fields=["next_attempt_at", "updated_at"])
        return ReconcileResult("unconfirmed", detail="not settled yet")
    message = f"Not published: {platform} has no such post. Retry sends it again."
    post_transition(
        post=locked,
        to=PostStatus.FAILED,
        actor=RECONCILIATION,
        reason=f"Looked up at {platform}: it holds no such post, so the unanswered attempt did not publish it.",
        last_error=message,
        failure_reason=NOT_FOUND,
        lookup_count=locked.lookup_count + 1,
        next_attempt_at=None,
    )
    return ReconcileResult("failed", detail=message)


@transaction.atomic
def _record_lookup_error(post: SocialPost, message: str, *, now: dt.datetime) -> ReconcileResult:
    locked = _locked(post)
    if locked is None:
        return ReconcileResult("skipped")
    platform = locked.get_platform_display()
    lookups = locked.lookup_count + 1
    since = locked.unconfirmed_since or now
    window = dt.timedelta(hours=settings.SOCIAL_UNCONFIRMED_LOOKUP_HOURS)
    if now >= since + window:
        hours = f"{settings.SOCIAL_UNCONFIRMED_LOOKUP_HOURS:g}"
        final = (
            f"Could not confirm with {platform} in {hours} hours whether this post went out (last look-up: "
            f"{message}). Check the {platform} account; a Retry looks it up again before sending anything."
        )
        post_transition(
            post=locked,
            to=PostStatus.FAILED,
            actor=RECONCILIATION,
            reason=final,
            last_error=final,
            failure_reason=NOT_CONFIRMED,
            lookup_count=lookups,
            next_attempt_at=None,
        )
        return ReconcileResult("failed", detail=final)
    delay = backoff_seconds(lookups)
    post_transition(
        post=locked,
        to=PostStatus.UNCONFIRMED,
        actor=RECONCILIATION,
        reason=f"Look-up {lookups} at {platform} did not answer: {message} Looking again in {delay:.0f} s.",
        last_error=message,
        lookup_count=lookups,
        next_attempt_at=now + dt.timedelta(seconds=delay),
    )
    return ReconcileResult("unconfirmed", detail=message)


def post_reconcile(*, post_id: int) -> ReconcileResult:
    """Look one unconfirmed post up at its platform if its look-up is due, and record what the platform answered.

    Never creates anything at the platform and never raises for platform failures. Not one transaction: the claim
    commits before the platform call, the outcome after it.
    """
    post = _claim(post_id)
    if post is None:
        return ReconcileResult("skipped")
    connection = post.connection
    now = timezone.now()
    if connection is None or connection.status != ConnectionStatus.ACTIVE:
        state = "gone" if connection is None else connection.status
        message = f"The {post.get_platform_display()} connection is {state}; reconnect it to finish the check."
        return _record_lookup_error(post, message, now=now)
    try:
        found = client_for(connection).lookup(draft_for(post), handle=post.platform_handle)
    except PlatformError as error:
        connection_record_error(connection=connection, error=error)
        return _record_lookup_error(post, error.message, now=timezone.now())
    connection_record_success(connection=connection)
    if found is not None:
        return _record_found(post, found)
    return _record_absent(post, now=timezone.now())
