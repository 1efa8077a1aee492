"""Import jobs: checked again when the task runs, run once, their progress, and a lost task started again."""

import datetime as dt

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache
from django.utils import timezone

from stores.commerce.ingest import order_upsert
from stores.exceptions import Conflict
from stores.imports.jobs import (
    LOST_MESSAGE,
    REQUEUE_AFTER,
    TIME_LIMIT_MESSAGE,
    import_job_can_start,
    import_job_confirm,
    import_job_create,
    import_job_get_for_store,
    import_job_run,
)
from stores.models import ImportJob, ImportStatus, Order, Product
from stores.tasks import import_job_run_task
from tests.stores.csv_import_helpers import ORDERS_CSV, PRODUCTS_CSV

pytestmark = pytest.mark.django_db


def _queued(store, text=ORDERS_CSV, kind="orders"):
    job = import_job_create(store=store, user=None, kind=kind, filename="export.csv", data=text.encode())
    job.status, job.queued_at = ImportStatus.QUEUED, timezone.now()
    job.save()
    return job


def test_the_task_writes_a_queued_job_once(store):
    # given a confirmed orders import
    job = _queued(store)
    # when the task runs twice (a redelivered message)
    assert import_job_run_task.run(job.pk) == ImportStatus.DONE
    assert import_job_run_task.run(job.pk) == "skipped"
    # then the orders were written once and the job is done with its counts
    job.refresh_from_db()
    assert (job.status, job.created, job.updated, job.content) == (ImportStatus.DONE, 2, 0, "")
    assert job.started_at is not None and job.finished_at >= job.started_at
    assert Order.objects.filter(store=store).count() == 2


def test_a_file_that_no_longer_passes_the_checks_fails_and_writes_nothing(store, owner_client):
    # given orders in USD checked, then the store's currency changed before the task ran
    job = _queued(store)
    store.currency = "EUR"
    store.save()
    # when the task runs
    import_job_run(job_id=job.pk)
    # then the job failed with a reason, the upload is discarded and nothing is written
    job.refresh_from_db()
    assert (job.status, job.error, job.content) == (
        ImportStatus.FAILED,
        "The file no longer passes the checks; nothing was imported.",
        "",
    )
    assert job.problems_count == 2 and job.problems[0][1] == "Currency"
    assert not Order.objects.exists()
    # and its page shows why
    page = owner_client.get(f"/stores/northwind/imports/{job.pk}/").content.decode()
    assert (
        "<td>2</td><td>Currency</td><td>order #1001 is in USD, but Northwind Outfitters keeps its books in EUR.</td>"
        in page
    )


def test_an_unexpected_failure_marks_the_job_failed_and_writes_nothing(store, monkeypatch):
    job = _queued(store, PRODUCTS_CSV, kind="products")

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("stores.imports.writer.product_upsert", broken)
    with pytest.raises(RuntimeError):
        import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error) == (ImportStatus.FAILED, "The import failed unexpectedly; nothing was imported.")
    assert "disk full" not in job.error and not Product.objects.exists()


def test_a_running_job_shows_the_count_the_task_publishes(store):
    # given a job the task is writing, which has published 1 of its 2 orders
    job = _queued(store)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    cache.set(f"stores:import-job:{job.pk}:done", 1)
    # when the page reads it
    shown = import_job_get_for_store(store=store, job_id=job.pk)
    # then it is half way
    assert (shown.records_done, shown.percent) == (1, 50)


def test_a_job_whose_task_was_lost_can_be_started_again_and_a_fresh_one_cannot(
    store, django_capture_on_commit_callbacks
):
    # given a job queued just now, and one queued longer ago than a task takes to start
    fresh = _queued(store)
    lost = _queued(store)
    ImportJob.objects.filter(pk=lost.pk).update(queued_at=timezone.now() - REQUEUE_AFTER - dt.timedelta(seconds=1))
    lost.refresh_from_db()
    # then only the lost one may be started again
    assert not import_job_can_start(fresh) and import_job_can_start(lost)
    with pytest.raises(Conflict):
        import_job_confirm(job=fresh)
    with django_capture_on_commit_callbacks() as callbacks:
        import_job_confirm(job=lost)
    assert len(callbacks) == 1
    lost.refresh_from_db()
    assert lost.status == ImportStatus.QUEUED and lost.queued_at > timezone.now() - dt.timedelta(minutes=1)


def test_an_import_past_its_time_limit_is_stopped_failed_and_writes_nothing(store, monkeypatch):
    # given a queued import whose write runs into the task's soft time limit half way
    job = _queued(store)
    written = []

    def slow(**kwargs):
        if written:
            raise SoftTimeLimitExceeded()
        written.append(order_upsert(**kwargs))

    monkeypatch.setattr("stores.imports.writer.order_upsert", slow)
    # when the task runs
    assert import_job_run_task.run(job.pk) == "failed"
    # then the job says why, and the order written before the limit was rolled back
    job.refresh_from_db()
    assert (job.status, job.error) == (ImportStatus.FAILED, TIME_LIMIT_MESSAGE)
    assert not Order.objects.exists()


def test_a_job_importing_past_the_time_limit_lost_its_worker_and_is_shown_failed(owner_client, store, settings):
    # given a job that started importing longer ago than the import's time limit, and one that started just now
    lost, busy = _queued(store), _queued(store)
    long_ago = timezone.now() - dt.timedelta(seconds=settings.CSV_IMPORT_TIME_LIMIT + 61)
    ImportJob.objects.filter(pk=lost.pk).update(status=ImportStatus.RUNNING, started_at=long_ago)
    ImportJob.objects.filter(pk=busy.pk).update(status=ImportStatus.RUNNING, started_at=timezone.now())
    # when the lost job's page is opened
    page = owner_client.get(f"/stores/northwind/imports/{lost.pk}/").content.decode()
    # then it is failed with the reason, and the busy one still importing
    lost.refresh_from_db()
    busy.refresh_from_db()
    assert (lost.status, lost.error, lost.content) == (ImportStatus.FAILED, LOST_MESSAGE, "")
    assert "its worker was lost" in page
    assert busy.status == ImportStatus.RUNNING
