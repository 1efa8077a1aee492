"""Beat tasks that keep platform connections alive; thin wrappers around ``stores.connections.services``."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction

from platforms.errors import RateLimited, Transient
from stores.commerce.ingest import UnknownOrder
from stores.commerce.sync import (
    store_backfill_step,
    store_connections_to_sync,
    store_sync_incremental,
    store_sync_record_failure,
    store_webhook_address,
    store_webhooks_register,
)
from stores.commerce.webhooks import webhook_deliveries_sweep, webhook_delivery_process
from stores.connections.selectors import connections_due_for_refresh
from stores.connections.services import (
    connection_record_loop_failure,
    connection_refresh,
    connections_warn_expiring,
    oauth_states_purge,
)
from stores.idempotency import idempotency_keys_purge
from stores.imports.jobs import TIME_LIMIT_MESSAGE, import_job_fail, import_job_run
from stores.models import BackfillState, ConnectionStatus, PlatformConnection

logger = logging.getLogger(__name__)


@shared_task(expires=240)
def connections_refresh_due_task() -> int:
    """Fan out one refresh per connection whose token expires soon; returns how many were queued."""
    ids = connections_due_for_refresh()
    for connection_id in ids:
        transaction.on_commit(lambda cid=connection_id: _refresh_enqueue(cid))
    return len(ids)


def _refresh_enqueue(connection_id: int) -> None:
    """Queue one renewal; a failure (the broker refusing it) is recorded on that connection and the sweep goes on."""
    try:
        connection_refresh_task.delay(connection_id)
    except Exception as error:  # noqa: BLE001 - recorded on the connection, retried by the next sweep
        connection_record_loop_failure(connection_id=connection_id, loop="refresh_sweep", error=error)


@shared_task(
    autoretry_for=(Transient, RateLimited),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def connection_refresh_task(connection_id: int) -> str:
    """Renew one connection's token. Idempotent: an inactive connection or one refreshed meanwhile is skipped
    by the next due check; an unreachable platform is retried with backoff; a refusal marks it expired."""
    connection = connection_refresh(connection_id=connection_id)
    outcome = "skipped" if connection is None else connection.status
    logger.info("connection refresh", extra={"connection": connection_id, "outcome": outcome})
    return outcome


@shared_task(expires=3600)
def connections_warn_expiring_task() -> int:
    """Tell owners about tokens that cannot be renewed and run out soon (each token once)."""
    return connections_warn_expiring()


@shared_task(expires=3600)
def oauth_states_purge_task() -> int:
    """Drop consents that can no longer complete."""
    return oauth_states_purge()


@shared_task(expires=3000)
def idempotency_keys_purge_task() -> int:
    """Drop Idempotency-Key answers older than IDEMPOTENCY_KEY_TTL_HOURS."""
    return idempotency_keys_purge()


@shared_task(
    autoretry_for=(UnknownOrder, Transient, RateLimited),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=8,
)
def store_webhook_process_task(delivery_pk: int) -> str:
    """Apply one stored store-platform webhook delivery. Idempotent: a processed delivery is skipped; a refund whose
    order has not arrived and an unreachable platform are retried with backoff (the sweep catches lost retries)."""
    return webhook_delivery_process(delivery_id=delivery_pk)


@shared_task(expires=240)
def store_webhooks_sweep_task() -> int:
    """Queue again deliveries still waiting past STORE_WEBHOOK_SWEEP_SECONDS (their task was lost)."""
    return webhook_deliveries_sweep()


def _active_store_connection(connection_id: int) -> PlatformConnection | None:
    return (
        PlatformConnection.objects.select_related("store")
        .filter(pk=connection_id, status=ConnectionStatus.ACTIVE)
        .first()
    )


@shared_task(autoretry_for=(Transient, RateLimited), retry_backoff=10, retry_backoff_max=600, max_retries=8)
def store_connection_start_task(connection_id: int) -> str:
    """A store platform was just connected: subscribe its webhooks, bring the catalogue and recent changes in, and
    start the history backfill. Each step is idempotent, so a retry after a failure repeats none of its effects."""
    connection = _active_store_connection(connection_id)
    if connection is None:
        return "inactive"
    store_webhooks_register(connection=connection, address=store_webhook_address(connection.platform))
    store_sync_incremental(connection=connection)
    store_backfill_task.delay(connection_id)
    return "started"


@shared_task(autoretry_for=(Transient, RateLimited), retry_backoff=10, retry_backoff_max=600, max_retries=12)
def store_backfill_task(connection_id: int) -> str:
    """Move the history backfill on; while the platform prepares it, look again in STORE_BACKFILL_POLL_SECONDS."""
    connection = _active_store_connection(connection_id)
    if connection is None:
        return "inactive"
    state = store_backfill_step(connection=connection)
    if state == BackfillState.RUNNING:
        store_backfill_task.apply_async((connection_id,), countdown=settings.STORE_BACKFILL_POLL_SECONDS)
    return str(state)


@shared_task(expires=240)
def store_syncs_due_task() -> int:
    """Reconcile every active store connection with its platform (what a webhook missed); one failing store is
    recorded on its sync and the others go on."""
    synced = 0
    for connection_id in store_connections_to_sync():
        connection = _active_store_connection(connection_id)
        if connection is None:
            continue
        try:
            store_sync_incremental(connection=connection)
            if connection.store_sync.backfill_status != BackfillState.DONE:
                store_backfill_step(connection=connection)
        except Exception as error:  # noqa: BLE001 - recorded on that store's sync; the loop goes on
            logger.warning("store sync failed", extra={"connection": connection_id, "error": type(error).__name__})
            store_sync_record_failure(connection_id=connection_id, error=error)
            continue
        synced += 1
    return synced


@shared_task(
    soft_time_limit=max(settings.CSV_IMPORT_TIME_LIMIT - 60, settings.CSV_IMPORT_TIME_LIMIT // 2),
    time_limit=settings.CSV_IMPORT_TIME_LIMIT,
)
def import_job_run_task(job_id: int) -> str:
    """Write one confirmed CSV import, all or nothing; a job already run or cancelled is left as it is."""
    try:
        job = import_job_run(job_id=job_id)
    except SoftTimeLimitExceeded:
        import_job_fail(job_id=job_id, error=TIME_LIMIT_MESSAGE)
        return "failed"
    return "skipped" if job is None else str(job.status)
