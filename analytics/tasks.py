"""Periodic work of analytics (declared in ``growth.schedule``): build journeys, enforce retention."""

import logging

from celery import shared_task
from django.utils import timezone

from analytics.services.journey_runs import journeys_refresh
from analytics.services.retention import retention_enforce
from stores.models import Store, StoreStatus

logger = logging.getLogger("analytics")


@shared_task(name="analytics.build_journeys", expires=55)
def build_journeys_task() -> dict[str, int]:
    """Every minute, each store on its own: read new touchpoints, stitch, rebuild the journeys they change and the
    open journeys of their visitors, build the journeys of orders without one or marked stale. A store that fails
    is logged and the others go on; it is retried the next minute (nothing was half-written: each batch is one
    transaction)."""
    now = timezone.now()
    totals = {"stores": 0, "failed": 0, "built": 0, "touchpoints": 0}
    for store in Store.objects.exclude(status=StoreStatus.CLOSED).order_by("pk"):
        try:
            result = journeys_refresh(store=store, now=now)
        except Exception as error:  # noqa: BLE001 - one store must not stop the others
            totals["failed"] += 1
            logger.exception("journeys not built", extra={"store_id": store.pk, "error_type": type(error).__name__})
            continue
        totals["stores"] += 1
        totals["built"] += result.built
        totals["touchpoints"] += result.touchpoints_read
    return totals


@shared_task(name="analytics.enforce_retention", expires=3600)
def enforce_retention_task() -> dict[str, int]:
    """Daily: delete tracking data older than TOUCHPOINT_RETENTION_MONTHS and the expired hash salts."""
    counts = retention_enforce()
    logger.info("tracking retention enforced", extra=counts)
    return counts
