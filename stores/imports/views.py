"""The CSV import pages: upload a Shopify export, read its report, import or cancel, and follow the import.

Thin: parse, authorise (owners and admins: an import rewrites the store's catalogue and order history), call a
service, render. A job of another store answers 404, as if it did not exist.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from stores.exceptions import ApplicationError
from stores.htmx import render_page_or_fragment
from stores.imports.forms import ImportUploadForm
from stores.imports.jobs import (
    import_job_can_start,
    import_job_cancel,
    import_job_confirm,
    import_job_create,
    import_job_get_for_store,
    import_jobs_for_store,
    import_jobs_settle_lost,
)
from stores.imports.writer import MAX_FILE_BYTES
from stores.models import ImportJob
from stores.permissions import MemberRequest, store_member_required


def _context(request: MemberRequest, **context: object) -> dict[str, object]:
    membership = request.membership
    return {"membership": membership, "store": membership.store, "can_manage": membership.can_manage, **context}


@store_member_required(manage=True)
def imports_page(request: MemberRequest, store_slug: str) -> HttpResponse:
    """The upload form and the store's latest imports; a posted file is checked and its report shown."""
    store = request.membership.store
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = import_job_create(
                    store=store,
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    filename=upload.name,
                    data=upload.read(),
                )
            except ApplicationError as exc:
                form.add_error("file", exc.message)
                status = exc.status_code
            else:
                return redirect("stores:import_job", store_slug=store.slug, job_id=job.pk)
        else:
            status = 400
    import_jobs_settle_lost(store=store)
    context = _context(
        request,
        form=form,
        jobs=import_jobs_for_store(store=store),
        max_megabytes=MAX_FILE_BYTES // (1024 * 1024),
        section="imports",
    )
    return render_page_or_fragment(request, "stores/imports.html", "imports-panel", context, status=status)


def _job_answer(request: MemberRequest, job: ImportJob) -> HttpResponse:
    if not request.htmx:
        return redirect("stores:import_job", store_slug=job.store.slug, job_id=job.pk)
    return _job_render(request, job)


def _job_render(request: MemberRequest, job: ImportJob) -> HttpResponse:
    context = _context(request, job=job, can_start=import_job_can_start(job), section="imports")
    return render_page_or_fragment(request, "stores/import_job.html", "import-job", context)


@store_member_required(manage=True)
def import_job_page(request: MemberRequest, store_slug: str, job_id: int) -> HttpResponse:
    """One import: its report with Import and Cancel, its progress while it runs (polled), then its result."""
    import_jobs_settle_lost(store=request.membership.store)
    return _job_render(request, import_job_get_for_store(store=request.membership.store, job_id=job_id))


@require_POST
@store_member_required(manage=True)
def import_job_confirm_view(request: MemberRequest, store_slug: str, job_id: int) -> HttpResponse:
    job = import_job_confirm(job=import_job_get_for_store(store=request.membership.store, job_id=job_id))
    messages.success(request, f"Importing {job.filename}.")
    return _job_answer(request, import_job_get_for_store(store=job.store, job_id=job.pk))


@require_POST
@store_member_required(manage=True)
def import_job_cancel_view(request: MemberRequest, store_slug: str, job_id: int) -> HttpResponse:
    job = import_job_cancel(job=import_job_get_for_store(store=request.membership.store, job_id=job_id))
    messages.info(request, f"Cancelled: nothing of {job.filename} was imported and the upload is discarded.")
    return _job_answer(request, job)
