"""The CSV import jobs in Django admin (imported by ``stores.admin``, which Django's admin discovers)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from stores.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """CSV imports, read-only: what was uploaded, its report and its result (the upload's text is not shown)."""

    list_display = ("filename", "store", "kind", "status", "records_total", "problems_count", "created_at")
    list_filter = ("kind", "status")
    list_select_related = ("store",)
    search_fields = ("filename", "store__slug")
    fields = readonly_fields = (
        "store",
        "kind",
        "status",
        "filename",
        "created_by",
        "rows",
        "records_total",
        "to_create",
        "to_update",
        "to_skip",
        "problems_count",
        "problems",
        "records_done",
        "created",
        "updated",
        "skipped",
        "error",
        "created_at",
        "queued_at",
        "started_at",
        "finished_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[ImportJob]:
        return super().get_queryset(request).defer("content")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ImportJob | None = None) -> bool:
        return False
