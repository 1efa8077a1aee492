"""What a beat loop does when one of its posts fails: log it, count it, record it on the post, and go on.

Every loop over posts (the publish sweep, the watchdog, the reconciliation sweep, the pre-flight sweep, engagement
sync, holding and releasing a connection's posts) catches a failure of one post and hands it here, so one bad row
never stops the others. The record is a ``PostEvent`` (same status before and after, by ``Actor.system(<the loop>)``)
and, for a post that has not gone out, its ``last_error``; the same failure again is not logged twice on the post.
"""

import logging

from django.db import transaction
from django.utils import timezone

from platforms.errors import PlatformError
from social.metrics import LOOP_FAILURES
from social.models import PostEvent, PostStatus, SocialPost
from stores.actors import Actor
from stores.exceptions import ApplicationError

logger = logging.getLogger(__name__)

# What each loop was doing, as the merchant reads it on the post.
LOOP_ACTIONS = {
    "publish_sweep": "The publish sweep could not queue this post; the next sweep tries again",
    "watchdog": "The publishing watchdog could not queue this post again; its next run tries again",
    "reconcile_sweep": "The look-up of this unconfirmed post could not be queued; the next sweep tries again",
    "preflight_sweep": "The pre-flight check could not run; the next sweep tries again",
    "engagement_sync": "Its metrics could not be stored; the next sync tries again",
    "connection_hold": "It could not be held when its connection went bad",
    "connection_release": "It could not be queued again when its connection came back",
}


def loop_failure_reason(action: str, error: BaseException) -> str:
    """``action`` with what may be shown of ``error``: a platform's or our own refusal is quoted, anything else is
    named by its kind only (an unexpected exception's text can carry internals; the log has it in full)."""
    if isinstance(error, PlatformError | ApplicationError):
        return f"{action}: {error.message}"
    return f"{action} ({type(error).__name__})."


def _same(event: PostEvent, *, actor: Actor, reason: str) -> bool:
    return (event.actor_kind, event.actor_label, event.reason) == (actor.kind, actor.label, reason)


def post_record_loop_failure(*, post_id: int, loop: str, error: BaseException) -> None:
    """Log (with the traceback), count and record on the post that ``loop`` failed on it. Never raises.

    Call it from the ``except`` block that caught ``error``. Runs in its own transaction (a savepoint when the
    caller holds one), after the failed item's own work was rolled back.
    """
    logger.error("social loop failed on a post", exc_info=error, extra={"loop": loop, "post": post_id})
    LOOP_FAILURES.labels(loop=loop).inc()
    reason = loop_failure_reason(LOOP_ACTIONS[loop], error)[:2000]
    actor = Actor.system(loop)
    try:
        with transaction.atomic():
            post = SocialPost.objects.select_for_update().filter(pk=post_id).first()
            if post is None:
                return
            latest = PostEvent.objects.filter(post=post).order_by("-created_at", "-id").first()
            if latest is not None and _same(latest, actor=actor, reason=reason):
                return
            if post.status != PostStatus.PUBLISHED:
                SocialPost.objects.filter(pk=post.pk).update(last_error=reason, updated_at=timezone.now())
            PostEvent.objects.create(
                store_id=post.store_id,
                post=post,
                from_status=post.status,
                to_status=post.status,
                reason=reason,
                **actor.row_fields(),
            )
    except Exception:
        # Recording must not stop the loop either (the database may be what failed); the log keeps both.
        logger.exception("could not record a loop failure on a post", extra={"loop": loop, "post": post_id})
