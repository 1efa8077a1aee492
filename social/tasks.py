"""Celery tasks of the social agent: thin wrappers around ``social.services``; they take ids and are idempotent."""

import datetime as dt
import logging

from celery import shared_task
from django.db import OperationalError

from social.services import (
    engagement_sync,
    post_publish,
    post_reconcile,
    posts_dispatch_due,
    posts_preflight_upcoming,
    posts_unconfirmed_due,
    publishing_watchdog,
)
from social.services.loops import post_record_loop_failure

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def post_publish_task(post_id: int) -> str:
    """Publish one post. Safe to deliver twice: only the worker whose claim matched acts, and a post that was tried
    before is looked up at the platform before anything is created. A retryable failure re-enqueues itself for when
    the post is next due (the post row also carries ``next_attempt_at``, so the beat sweep catches it anyway)."""
    result = post_publish(post_id=post_id)
    if result.outcome == "retry" and result.retry_in is not None:
        post_publish_task.apply_async((post_id,), countdown=max(0.0, result.retry_in))
    elif result.outcome == "unconfirmed" and result.retry_in is not None:
        post_reconcile_task.apply_async((post_id,), countdown=max(0.0, result.retry_in))
    return result.outcome


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def post_reconcile_task(post_id: int) -> str:
    """Look one unconfirmed post up at its platform. Safe to deliver twice: only the claim that matched looks it up,
    and nothing is ever created; a lost message only waits for the reconciliation sweep."""
    return post_reconcile(post_id=post_id).outcome


@shared_task(expires=240)
def posts_reconcile_unconfirmed_task() -> int:
    """Hand every unconfirmed post whose next look-up is due to its own reconcile task."""
    queued = 0
    for post_id in posts_unconfirmed_due():
        try:
            post_reconcile_task.delay(post_id)
        except Exception as error:  # noqa: BLE001 - recorded on the post; it stays due, so the next sweep retries
            post_record_loop_failure(post_id=post_id, loop="reconcile_sweep", error=error)
            continue
        queued += 1
    return queued


@shared_task(expires=55)
def posts_publish_due_task() -> int:
    """Hand every due post (and any stuck in publishing) to its own publish task."""
    ids = posts_dispatch_due()
    return _publish_enqueue(ids, loop="publish_sweep")


def _publish_enqueue(ids: list[int], *, loop: str) -> int:
    """Queue one publish task per post; a post that cannot be queued (the broker refusing it) is recorded on the
    post and the others are still queued. Returns how many were queued."""
    queued = 0
    for post_id in ids:
        try:
            post_publish_task.delay(post_id)
        except Exception as error:  # noqa: BLE001 - recorded on the post; it is still due, so the next sweep retries
            post_record_loop_failure(post_id=post_id, loop=loop, error=error)
            continue
        queued += 1
    return queued


@shared_task(expires=240)
def posts_preflight_task() -> dict[str, int]:
    return posts_preflight_upcoming()


@shared_task(expires=240)
def publishing_watchdog_task() -> int:
    ids = publishing_watchdog()
    for post_id in ids:
        logger.warning("post stuck in publishing, recovering", extra={"post": post_id})
    return _publish_enqueue(ids, loop="watchdog")


@shared_task(expires=3000)
def engagement_sync_hourly_task() -> dict[str, int]:
    return engagement_sync(min_age=dt.timedelta(0), max_age=dt.timedelta(days=7))


@shared_task(expires=20 * 3600)
def engagement_sync_daily_task() -> dict[str, int]:
    return engagement_sync(min_age=dt.timedelta(days=7), max_age=dt.timedelta(days=30))
