"""The connections' beat loops isolate each connection: one failure is logged, counted, recorded on that
connection, and the loop goes on with the next."""

import datetime as dt

import pytest
from django.utils import timezone
from prometheus_client import REGISTRY

from stores import tasks
from stores.connections.services import status as connection_services
from stores.models import ConnectionStatus, PlatformConnection
from tests.platform_fixtures import connect_store

pytestmark = pytest.mark.django_db


def failures(loop: str) -> float:
    return REGISTRY.get_sample_value("growth_connection_loop_failures_total", {"loop": loop}) or 0.0


def history(connection):
    return list(connection.events.order_by("id").values_list("kind", "reason"))


def test_the_refresh_sweep_queues_the_next_renewal_when_one_cannot_be_queued(
    store, monkeypatch, django_capture_on_commit_callbacks
):
    # given two connections expiring within minutes, the broker refusing the first one's renewal
    first, second = connect_store(store, "x"), connect_store(store, "pinterest")
    soon = timezone.now() + dt.timedelta(minutes=5)
    PlatformConnection.objects.filter(pk=first.pk).update(access_token_expires_at=soon)
    PlatformConnection.objects.filter(pk=second.pk).update(access_token_expires_at=soon + dt.timedelta(minutes=1))
    queued = []

    def delay(connection_id):
        if connection_id == first.pk:
            raise ConnectionRefusedError("the broker refused the message")
        queued.append(connection_id)

    monkeypatch.setattr(tasks.connection_refresh_task, "delay", delay)
    before = failures("refresh_sweep")

    # when beat's refresh sweep runs
    with django_capture_on_commit_callbacks(execute=True):
        tasks.connections_refresh_due_task()

    # then the second renewal was queued, and the first connection carries the failure, still active
    reason = "The renewal could not be queued; the next sweep tries again (ConnectionRefusedError)."
    assert queued == [second.pk]
    first.refresh_from_db()
    assert (first.status, first.last_error) == (ConnectionStatus.ACTIVE, reason)
    assert history(first) == [("error", reason)]
    assert history(second) == []
    assert failures("refresh_sweep") == before + 1


def test_the_expiry_warning_warns_the_next_connection_when_one_warning_fails(
    store, owner, monkeypatch, settings, mailoutbox, django_capture_on_commit_callbacks
):
    # given two Meta connections (not renewable) running out in three days, warning the first one crashing
    settings.CONNECTION_EXPIRY_WARNING_DAYS = 7
    first = connect_store(store, "meta_ads", ad_account_id="act_1000001")
    second = connect_store(store, "meta_ads", ad_account_id="act_1000002")
    now = timezone.now()
    PlatformConnection.objects.filter(pk=first.pk).update(access_token_expires_at=now + dt.timedelta(days=3, hours=1))
    PlatformConnection.objects.filter(pk=second.pk).update(access_token_expires_at=now + dt.timedelta(days=3, hours=2))
    real = connection_services.connection_warn_expiry

    def warn(*, connection_id, now):
        if connection_id == first.pk:
            raise ConnectionRefusedError("the mail server refused the message")
        return real(connection_id=connection_id, now=now)

    monkeypatch.setattr(connection_services, "connection_warn_expiry", warn)
    before = failures("expiry_warning")

    # when the daily warning runs
    with django_capture_on_commit_callbacks(execute=True):
        warned = tasks.connections_warn_expiring_task()

    # then the second connection's owners were warned, and the first carries the failure, unwarned for the next run
    reason = (
        "The owners could not be warned that the sign-in runs out; the next run tries again (ConnectionRefusedError)."
    )
    assert warned == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.expiry_warned_at is not None
    assert [kind for kind, _ in history(second)] == ["expiry_warned"]
    assert (first.expiry_warned_at, first.last_error) == (None, reason)
    assert history(first) == [("error", reason)]
    assert [m.to for m in mailoutbox] == [["owner@northwind.test"]]
    assert failures("expiry_warning") == before + 1
