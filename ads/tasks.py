"""Celery tasks of the ads agent: thin, idempotent, ids in; each owns its retry policy.

Transient failures and rate limits are retried with exponential backoff; a rate limit waits at least the
platform's retry-after. Creation retries go through ``campaign_push_creation``, which looks up before creating
again, so a retry after an ambiguous timeout never makes a second campaign.

A retry writes when it is due on the campaign (``next_push_at``); the minute sweeps below hand a creation or a
change that is past due by ``ADS_OUTBOX_DEADLINE_SECONDS`` to a worker again, so a message the broker lost (or a
worker that died holding it) delays the work but never loses it.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from ads import services
from ads.services import insights as insight_services
from ads.services import rules as rule_services
from platforms.errors import PlatformError, RateLimited, Transient

logger = logging.getLogger("ads")

MAX_RETRIES = 8


def retry_delay(error: PlatformError, retries: int) -> float:
    """Exponential backoff (ADS_RETRY_BASE_SECONDS doubled per retry up to ADS_RETRY_MAX_SECONDS: 5 s, 10 s,
    20 s ... 15 min by default), never shorter than the platform's retry-after."""
    backoff = min(settings.ADS_RETRY_BASE_SECONDS * 2**retries, settings.ADS_RETRY_MAX_SECONDS)
    if isinstance(error, RateLimited):
        return max(backoff, error.retry_after)
    return backoff


@shared_task(bind=True, max_retries=None, acks_late=True)
def campaign_create_task(self, campaign_id: int, stalled: int = 0) -> None:  # noqa: ANN001 - celery's bound task
    """Create a campaign's chain; ``stalled`` counts the attempts in a row that stored nothing new.

    The retry budget (ADS_CREATE_MAX_STALLED_ATTEMPTS) applies to those only: a chain of four levels under a flaky
    platform may need more attempts in all, each storing one more level, and must not be given up while it
    progresses. Attempts are still bounded: at most (levels + 1) x (budget + 1).
    """
    try:
        services.campaign_push_creation(campaign_id=campaign_id)
    except services.CreationInterrupted as stop:
        stalled = 0 if stop.progressed else stalled + 1
        if stalled > settings.ADS_CREATE_MAX_STALLED_ATTEMPTS:
            services.campaign_creation_failed(campaign_id=campaign_id, error=stop.error)
            return
        countdown = retry_delay(stop.error, stalled)
        services.campaign_push_defer(campaign_id=campaign_id, seconds=countdown)
        raise self.retry(
            kwargs={"campaign_id": campaign_id, "stalled": stalled}, exc=stop.error, countdown=countdown
        ) from stop.error


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def campaign_action_apply_task(self, action_id: int) -> None:  # noqa: ANN001
    """Push the campaign of a recorded change (its latest desired state, with every change pending for it)."""
    try:
        services.campaign_action_apply(action_id=action_id)
    except (Transient, RateLimited) as error:
        countdown = retry_delay(error, self.request.retries)
        campaign_id = services.campaign_of_action(action_id=action_id)
        if self.request.retries >= self.max_retries:
            # Still pending: the sweep takes it up again once the backoff's longest wait is overdue.
            services.campaign_push_defer(campaign_id=campaign_id, seconds=settings.ADS_RETRY_MAX_SECONDS)
            logger.warning("campaign action not applied", extra={"action_id": action_id, "error": error.message})
            return
        services.campaign_push_defer(campaign_id=campaign_id, seconds=countdown)
        raise self.retry(exc=error, countdown=countdown) from error


@shared_task(expires=55)
def ads_campaign_creations_sweep_task() -> int:
    """Every minute: creations overdue (a lost task message, a worker lost mid-creation) go to a worker again."""
    ids = services.creations_overdue(now=timezone.now())
    return services.outbox_deliver(ids=ids, send=campaign_create_task.delay, loop="creations_sweep")


@shared_task(expires=55)
def ads_campaign_changes_sweep_task() -> int:
    """Every minute: campaigns whose pending changes are overdue (a lost message, a retry budget spent, a raise
    waiting for room under the cap) are pushed again."""
    ids = services.changes_overdue(now=timezone.now())
    return services.outbox_deliver(ids=ids, send=campaign_action_apply_task.delay, loop="changes_sweep")


@shared_task(bind=True, max_retries=3, acks_late=True)
def connection_insights_sync_task(self, connection_id: int, days: int) -> None:  # noqa: ANN001
    try:
        insight_services.insights_sync_for_connection(connection_id=connection_id, days=days)
    except (Transient, RateLimited) as error:
        if self.request.retries >= self.max_retries:
            return
        raise self.retry(exc=error, countdown=retry_delay(error, self.request.retries)) from error
    except Exception as error:  # noqa: BLE001 - recorded on the connection; the other connections' tasks go on
        insight_services.insights_sync_failed(connection_id=connection_id, error=error, stage="sync")


@shared_task
def ads_insights_sync_today_task() -> int:
    """Hourly: today's (and yesterday's, which is still settling) numbers of every connection with campaigns."""
    return _fan_out(days=2)


@shared_task
def ads_insights_resync_task() -> int:
    """Daily: the last 28 days again, so late conversions land on the day of the click."""
    return _fan_out(days=insight_services.RESYNC_DAYS)


def _fan_out(*, days: int) -> int:
    """One sync task per connection; returns how many were queued. A connection whose task cannot be queued is
    recorded and skipped."""
    queued = 0
    for connection_id in insight_services.connections_with_campaigns():
        try:
            connection_insights_sync_task.delay(connection_id, days)
        except Exception as error:  # noqa: BLE001 - one connection must not stop the others
            insight_services.insights_sync_failed(connection_id=connection_id, error=error, stage="queue")
            continue
        queued += 1
    return queued


@shared_task
def ad_rules_run_task() -> int:
    """Hourly: evaluate every enabled rule of every active store and act on what matches."""
    return rule_services.rules_run_all(now=timezone.now())


@shared_task
def ads_campaigns_complete_task() -> int:
    """Every 10 minutes: campaigns past their end date become completed, freeing their budget under the cap."""
    return services.campaigns_complete_due(now=timezone.now())
