"""Liveness and readiness probes for load balancers and orchestrators."""

import logging
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from growthhub.celery import app as celery_app

logger = logging.getLogger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=5)
    if cache.get(key) != "ok":
        raise RuntimeError("cache did not return the value just written")
    cache.delete(key)


def check_broker() -> None:
    # One quick retry: a probe must answer within the orchestrator's timeout, not wait out kombu's backoff.
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, interval_max=0.2, timeout=2)


READINESS_CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
}


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and serving requests; says nothing about its dependencies."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Each dependency reported on its own; 503 when any one of them is unreachable."""
    report: dict[str, dict[str, str]] = {}
    for name, check in READINESS_CHECKS.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure means not ready; the type is reported
            logger.warning("readiness check failed", extra={"check": name, "error": type(exc).__name__})
            report[name] = {"status": "error", "error": type(exc).__name__}
        else:
            report[name] = {"status": "ok"}
    ready = all(item["status"] == "ok" for item in report.values())
    return JsonResponse({"status": "ready" if ready else "not ready", "checks": report}, status=200 if ready else 503)
