"""Probes and metrics: /healthz says the process is up; /readyz tells anyone whether the app is ready and tells
monitoring (the metrics token or an allowed network) the database, the cache and the broker one by one; /metrics
is for monitoring only."""

import pytest
from django.db import OperationalError

from growthhub import health
from growthhub.celery import app as celery_app

pytestmark = pytest.mark.django_db

ALL_OK = {"database": {"status": "ok"}, "cache": {"status": "ok"}, "broker": {"status": "ok"}}
TOKEN = "metrics-token-0123456789abcdef"
MONITORING = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def metrics_token(settings) -> dict[str, str]:
    settings.METRICS_TOKEN = TOKEN
    return MONITORING


def _break_database(monkeypatch, settings) -> None:
    def cursor() -> None:
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(health.connection, "cursor", cursor)


def _break_cache(monkeypatch, settings) -> None:
    # A Redis cache on a port where nothing listens: a real connection refusal.
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }


def _break_broker(monkeypatch, settings) -> None:
    # The broker on a port where nothing listens: a real connection refusal.
    original = celery_app.connection_for_write
    monkeypatch.setattr(
        celery_app, "connection_for_write", lambda: original(url="redis://127.0.0.1:1/0", connect_timeout=0.5)
    )


def test_healthz_is_ok_whenever_the_process_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_stays_ok_when_the_database_is_down(client, monkeypatch, settings):
    _break_database(monkeypatch, settings)
    assert client.get("/healthz").status_code == 200


def test_readyz_reports_each_dependency_ok_to_monitoring(client, metrics_token):
    response = client.get("/readyz", headers=metrics_token)
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": ALL_OK}


def test_readyz_tells_an_anonymous_caller_only_that_the_app_is_ready(client, metrics_token):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


@pytest.mark.parametrize(
    ("breaks", "failed", "error"),
    [
        pytest.param(_break_database, "database", "OperationalError", id="a database that refuses connections"),
        pytest.param(_break_cache, "cache", "ConnectionError", id="a cache that refuses connections"),
        pytest.param(_break_broker, "broker", "OperationalError", id="a broker that refuses connections"),
    ],
)
def test_readyz_is_503_and_names_the_dependency_that_is_down(
    client, monkeypatch, settings, metrics_token, breaks, failed, error
):
    # given one dependency that cannot be reached
    breaks(monkeypatch, settings)
    # when monitoring asks whether the app is ready
    response = client.get("/readyz", headers=metrics_token)
    # then it is not, that dependency is reported with the error's type, and the others still report ok
    assert response.status_code == 503
    assert response.json() == {
        "status": "not ready",
        "checks": {**ALL_OK, failed: {"status": "error", "error": error}},
    }


def test_an_anonymous_caller_learns_only_that_the_app_is_not_ready(client, monkeypatch, settings, metrics_token):
    # given a database that is down
    _break_database(monkeypatch, settings)
    # when someone without the metrics token asks
    response = client.get("/readyz")
    # then they hear 503 and nothing about which dependency failed
    assert response.status_code == 503
    assert response.json() == {"status": "not ready"}


def test_the_readiness_report_never_carries_the_error_message(client, monkeypatch, settings, metrics_token):
    def cursor() -> None:
        raise OperationalError('password authentication failed for user "growthhub" password=hunter2')

    monkeypatch.setattr(health.connection, "cursor", cursor)
    body = client.get("/readyz", headers=metrics_token).content.decode()
    assert "hunter2" not in body
    assert "password" not in body


def test_readyz_details_go_to_an_allowed_network_without_a_token(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    response = client.get("/readyz", REMOTE_ADDR="10.1.2.3")
    assert response.json() == {"status": "ready", "checks": ALL_OK}


def test_metrics_with_the_token_are_the_prometheus_exposition(client, metrics_token):
    response = client.get("/metrics", headers=metrics_token)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert "django_http_requests_before_middlewares_total" in response.content.decode()


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no token"),
        pytest.param({"Authorization": "Bearer metrics-token-0123456789abcdeX"}, id="a wrong token"),
        pytest.param({"Authorization": f"Basic {TOKEN}"}, id="the token under another scheme"),
    ],
)
def test_metrics_without_the_configured_token_are_a_401(client, metrics_token, headers):
    # given a metrics token is configured
    # when a scraper asks without it
    response = client.get("/metrics", headers=headers)
    # then it is told to authenticate, and gets no metrics
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert response.json() == {
        "detail": "Send the metrics token as Authorization: Bearer <token>.",
        "code": "metrics_token_required",
    }


@pytest.mark.parametrize(
    ("remote_addr", "status"),
    [
        pytest.param("10.20.30.40", 200, id="an address inside the network"),
        pytest.param("::ffff:10.20.30.40", 200, id="the same address as IPv4-mapped IPv6"),
        pytest.param("192.0.2.10", 403, id="an address outside it"),
    ],
)
def test_metrics_are_served_to_allowed_networks_only(client, settings, remote_addr, status):
    # given an allow-list and no token
    settings.METRICS_ALLOWED_NETWORKS = ["10.20.0.0/16", "2001:db8::/32"]
    # when a scraper at that address asks
    response = client.get("/metrics", REMOTE_ADDR=remote_addr)
    # then only one inside the allowed networks gets the metrics
    assert response.status_code == status
    if status == 403:
        assert response.json()["code"] == "metrics_forbidden"
        assert b"django_http_requests" not in response.content


def test_the_token_or_the_network_each_grant_access_when_both_are_set(client, settings, metrics_token):
    settings.METRICS_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.0.5").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.10", headers=metrics_token).status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.10").status_code == 401


@pytest.mark.parametrize(
    ("debug", "status"),
    [pytest.param(False, 403, id="refused in production"), pytest.param(True, 200, id="served by a DEBUG server")],
)
def test_with_neither_token_nor_networks_metrics_are_refused_unless_debug(client, settings, debug, status):
    # given no token and no allow-list
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []
    settings.DEBUG = debug
    # when anyone asks for the metrics
    response = client.get("/metrics")
    # then only a development server answers them
    assert response.status_code == status
    if not debug:
        assert response.json() == {
            "detail": "Metrics are served only with METRICS_TOKEN or from METRICS_ALLOWED_NETWORKS.",
            "code": "metrics_forbidden",
        }


def test_the_token_is_compared_in_constant_time(client, metrics_token, monkeypatch):
    # given a spy on the comparison
    compared = []
    real = health.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(health.hmac, "compare_digest", spy)
    # when a wrong token is sent
    client.get("/metrics", headers={"Authorization": "Bearer guess"})
    # then it went through hmac.compare_digest
    assert compared == [(b"guess", TOKEN.encode())]
