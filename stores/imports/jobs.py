"""Import jobs: an upload checked and kept until a member confirms or cancels it, then written by a task.

The lifecycle: ``import_job_create`` (checked; a file with problems is kept only as its report, status
``rejected``) → ``import_job_cancel`` (nothing written, the upload discarded) or ``import_job_confirm`` (queued) →
``import_job_run`` in ``import_job_run_task`` (running, then done or failed). The write is one transaction, so its
rows only show once it commits; meanwhile the count of records written travels through the cache (shared between
web and worker when Redis is configured; without it the page shows the bar at the last count it knows).
"""

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from stores.exceptions import ApplicationError, Conflict
from stores.imports.writer import ImportReport, csv_text_decode, import_read, import_write
from stores.models import ImportJob, ImportStatus, Store

logger = logging.getLogger(__name__)

# How many problems a job keeps to show (the report counts them all).
PROBLEMS_KEPT = 50
# A job queued this long without its task starting was lost by the broker: the member may start it again.
REQUEUE_AFTER = dt.timedelta(minutes=2)
PROGRESS_TIMEOUT_SECONDS = 6 * 3600
FILENAME_MAX = 255
TIME_LIMIT_MESSAGE = "The import took too long and was stopped; nothing was imported. Split the file and try again."
LOST_MESSAGE = "The import stopped before it finished (its worker was lost); nothing was imported. Try again."


def _progress_key(job_id: int) -> str:
    return f"stores:import-job:{job_id}:done"


def import_job_create(
    *,
    store: Store,
    user: User | None,
    kind: str,
    filename: str,
    data: bytes,
    now: dt.datetime | None = None,
) -> ImportJob:
    """Check the uploaded ``data`` and record the job with its report.

    A clean file is kept (status ``validated``) until the member imports or cancels it; a file with problems keeps
    only its report (status ``rejected``). Raises ApplicationError, recording nothing, for a file that is not CSV
    text, is empty or too large."""
    text = csv_text_decode(data=data)
    report = import_read(store=store, kind=kind, text=text, now=now or timezone.now())
    return ImportJob.objects.create(
        store=store,
        kind=kind,
        status=ImportStatus.VALIDATED if report.ok else ImportStatus.REJECTED,
        filename=(filename or "upload.csv")[:FILENAME_MAX],
        content=text if report.ok else "",
        created_by=user,
        **_report_counts(report),
    )


def _report_counts(report: ImportReport) -> dict[str, Any]:
    return {
        "rows": report.rows,
        "records_total": len(report.records),
        "to_create": report.to_create,
        "to_update": report.to_update,
        "to_skip": report.to_skip,
        "problems_count": len(report.problems),
        "problems": [[p.line, p.column, p.message] for p in report.problems[:PROBLEMS_KEPT]],
    }


def _locked(job: ImportJob) -> ImportJob:
    return ImportJob.objects.select_for_update().get(pk=job.pk, store_id=job.store_id)


@transaction.atomic
def import_job_cancel(*, job: ImportJob) -> ImportJob:
    """Cancel a checked job: nothing is written and the upload is discarded. Conflict once it was confirmed."""
    job = _locked(job)
    if job.status != ImportStatus.VALIDATED:
        raise Conflict(f"This import is {job.get_status_display().lower()}; it can no longer be cancelled.")
    job.status, job.content, job.finished_at = ImportStatus.CANCELLED, "", timezone.now()
    job.save(update_fields=["status", "content", "finished_at"])
    return job


@transaction.atomic
def import_job_confirm(*, job: ImportJob) -> ImportJob:
    """Queue the write of a checked job (after commit), or again of one whose task never started.

    Conflict when it is not waiting for a confirmation (the task itself runs a job once: see ``import_job_run``)."""
    # stores.tasks imports these services, so the task is looked up when it is needed.
    from stores.tasks import import_job_run_task

    job = _locked(job)
    if not import_job_can_start(job):
        raise Conflict(f"This import is {job.get_status_display().lower()}; it cannot be started.")
    job.status, job.queued_at = ImportStatus.QUEUED, timezone.now()
    job.save(update_fields=["status", "queued_at"])
    job_id = job.pk
    # robust: a broker that refuses the message is logged; the job stays queued and the page offers the import again.
    transaction.on_commit(lambda: import_job_run_task.delay(job_id), robust=True)
    return job


def import_job_can_start(job: ImportJob) -> bool:
    """Whether the member may start the job: checked and waiting, or queued so long that its task was lost."""
    if job.status == ImportStatus.VALIDATED:
        return True
    return (
        job.status == ImportStatus.QUEUED
        and job.queued_at is not None
        and job.queued_at < timezone.now() - REQUEUE_AFTER
    )


def _finish(job: ImportJob, *, status: str, error: str = "") -> None:
    job.status, job.error, job.content, job.finished_at = status, error, "", timezone.now()
    job.save()
    cache.delete(_progress_key(job.pk))


def import_job_fail(*, job_id: int, error: str) -> None:
    """Mark a job that was being written failed with ``error`` (its write rolled back, so nothing is written)."""
    job = ImportJob.objects.filter(pk=job_id, status__in=[ImportStatus.RUNNING, ImportStatus.FAILED]).first()
    if job is not None:
        _finish(job, status=ImportStatus.FAILED, error=error)


def import_jobs_settle_lost(*, store: Store) -> int:
    """Mark failed the store's jobs still "importing" past the import's time limit: their worker was lost and their
    transaction never committed. Returns how many."""
    deadline = timezone.now() - dt.timedelta(seconds=settings.CSV_IMPORT_TIME_LIMIT + 60)
    return ImportJob.objects.filter(store=store, status=ImportStatus.RUNNING, started_at__lt=deadline).update(
        status=ImportStatus.FAILED, error=LOST_MESSAGE, content="", finished_at=timezone.now()
    )


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Write a queued job's file, all or nothing; a job not queued (run already, cancelled) is left as it is.

    The file is checked again first: the store may have changed since the upload (a platform connected, the
    currency changed). Any refusal marks the job failed with its message and writes nothing."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id, status=ImportStatus.QUEUED).first()
        if job is None:
            return None
        job.status, job.started_at = ImportStatus.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at"])
    store = job.store
    report = import_read(store=store, kind=job.kind, text=job.content, now=timezone.now())
    for name, value in _report_counts(report).items():
        setattr(job, name, value)
    if not report.ok:
        _finish(job, status=ImportStatus.FAILED, error="The file no longer passes the checks; nothing was imported.")
        return job
    step = max(1, len(report.records) // 100)

    def progress(done: int) -> None:
        if done % step == 0:
            cache.set(_progress_key(job.pk), done, PROGRESS_TIMEOUT_SECONDS)

    try:
        result = import_write(store=store, report=report, progress=progress)
    except ApplicationError as exc:
        _finish(job, status=ImportStatus.FAILED, error=exc.message)
        return job
    except Exception:
        logger.exception("CSV import job %s failed", job.pk)
        _finish(job, status=ImportStatus.FAILED, error="The import failed unexpectedly; nothing was imported.")
        raise
    job.records_done = len(report.records)
    job.created, job.updated, job.skipped = result.created, result.updated, result.skipped
    _finish(job, status=ImportStatus.DONE)
    return job


def import_job_get_for_store(*, store: Store, job_id: int) -> ImportJob:
    """The store's job with that id; 404 for another store's (as if it did not exist)."""
    job = ImportJob.objects.filter(store=store, pk=job_id).defer("content").first()
    if job is None:
        raise Http404("No such import in this store.")
    if job.status == ImportStatus.RUNNING:
        job.records_done = max(job.records_done, cache.get(_progress_key(job.pk)) or 0)
    return job


def import_jobs_for_store(*, store: Store, limit: int = 10) -> list[ImportJob]:
    """The store's latest imports, newest first (one query, without the uploads' text)."""
    return list(ImportJob.objects.filter(store=store).defer("content", "problems")[:limit])
