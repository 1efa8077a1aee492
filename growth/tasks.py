"""Celery tasks of the hub itself; thin wrappers around ``growth.services``."""

import logging

from celery import shared_task
from django.db import OperationalError

from growth.services import schedules_sync

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def schedules_sync_task() -> dict[str, int]:
    """Make django-celery-beat match ``growth.schedule`` from a worker, e.g. right after a deploy.

    Idempotent: running it twice leaves the same periodic tasks. A locked or briefly unreachable database is
    retried with backoff.
    """
    created, updated, removed = schedules_sync()
    # ``created`` is a LogRecord attribute of its own: an extra field of that name makes logging raise.
    logger.info(
        "schedules synced",
        extra={"schedules_created": created, "schedules_updated": updated, "schedules_removed": removed},
    )
    return {"created": created, "updated": updated, "removed": removed}
