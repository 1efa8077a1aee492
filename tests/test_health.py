"""Probes: /healthz says the process is up; /readyz reports the database, the cache and the broker one by one."""

import pytest
from django.db import OperationalError

from growthhub import health
from growthhub.celery import app as celery_app

pytestmark = pytest.mark.django_db

ALL_OK = {"database": {"status": "ok"}, "cache": {"status": "ok"}, "broker": {"status": "ok"}}


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


def test_readyz_reports_each_dependency_ok(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": ALL_OK}


@pytest.mark.parametrize(
    ("breaks", "failed", "error"),
    [
        pytest.param(_break_database, "database", "OperationalError", id="a database that refuses connections"),
        pytest.param(_break_cache, "cache", "ConnectionError", id="a cache that refuses connections"),
        pytest.param(_break_broker, "broker", "OperationalError", id="a broker that refuses connections"),
    ],
)
def test_readyz_is_503_and_names_the_dependency_that_is_down(client, monkeypatch, settings, breaks, failed, error):
    # given one dependency that cannot be reached
    breaks(monkeypatch, settings)
    # when the orchestrator asks whether the app is ready
    response = client.get("/readyz")
    # then it is not, that dependency is reported with the error's type, and the others still report ok
    assert response.status_code == 503
    assert response.json() == {
        "status": "not ready",
        "checks": {**ALL_OK, failed: {"status": "error", "error": error}},
    }


def test_the_readiness_report_never_carries_the_error_message(client, monkeypatch, settings):
    def cursor() -> None:
        raise OperationalError('password authentication failed for user "growthhub" password=hunter2')

    monkeypatch.setattr(health.connection, "cursor", cursor)
    body = client.get("/readyz").content.decode()
    assert "hunter2" not in body
    assert "password" not in body
