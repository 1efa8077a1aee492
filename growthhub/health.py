"""Liveness and readiness probes for load balancers and orchestrators, and the Prometheus metrics.

Anyone may ask /healthz and whether the app is ready (/readyz's status); the metrics and the per-check readiness
details are for monitoring only: a request with ``Authorization: Bearer <METRICS_TOKEN>``, or one from a network
in ``METRICS_ALLOWED_NETWORKS``. With neither configured, only a DEBUG server serves them.
"""

import enum
import functools
import hmac
import ipaddress
import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django_prometheus.exports import ExportToDjangoView

from growthhub.celery import app as celery_app

logger = logging.getLogger(__name__)


class MonitoringAccess(enum.Enum):
    """What a request may see of the monitoring endpoints."""

    GRANTED = "granted"  # the metrics token, an allowed network, or a DEBUG server with neither configured
    NEEDS_TOKEN = "needs_token"  # a token is configured and the request did not carry it: 401
    REFUSED = "refused"  # no token configured and not from an allowed network (or nothing configured): 403


@functools.cache
def _networks(cidrs: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def _from_allowed_network(request: HttpRequest) -> bool:
    networks = _networks(tuple(settings.METRICS_ALLOWED_NETWORKS))
    if not networks:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    addresses = [address]
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        addresses.append(address.ipv4_mapped)  # a dual-stack server reports IPv4 peers as ::ffff:a.b.c.d
    return any(candidate in network for candidate in addresses for network in networks)


def _carries_token(request: HttpRequest, token: str) -> bool:
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(presented.strip().encode(), token.encode())


def monitoring_access(request: HttpRequest) -> MonitoringAccess:
    """Whether ``request`` may read the metrics and the readiness details (the token is compared in constant
    time)."""
    token = settings.METRICS_TOKEN
    if token and _carries_token(request, token):
        return MonitoringAccess.GRANTED
    if _from_allowed_network(request):
        return MonitoringAccess.GRANTED
    if token:
        return MonitoringAccess.NEEDS_TOKEN
    if not settings.METRICS_ALLOWED_NETWORKS and settings.DEBUG:
        return MonitoringAccess.GRANTED
    return MonitoringAccess.REFUSED


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
    """Ready or not (200 / 503) for anyone; each dependency on its own only for monitoring (see the module)."""
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
    body: dict[str, object] = {"status": "ready" if ready else "not ready"}
    if monitoring_access(request) is MonitoringAccess.GRANTED:
        body["checks"] = report
    return JsonResponse(body, status=200 if ready else 503)


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """django-prometheus's exposition, for monitoring only: 401 without the token when one is configured, 403
    from anywhere else."""
    access = monitoring_access(request)
    if access is MonitoringAccess.NEEDS_TOKEN:
        response = JsonResponse(
            {"detail": "Send the metrics token as Authorization: Bearer <token>.", "code": "metrics_token_required"},
            status=401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if access is MonitoringAccess.REFUSED:
        return JsonResponse(
            {
                "detail": "Metrics are served only with METRICS_TOKEN or from METRICS_ALLOWED_NETWORKS.",
                "code": "metrics_forbidden",
            },
            status=403,
        )
    return ExportToDjangoView(request)
