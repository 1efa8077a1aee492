"""CSV imports of products and orders: the uploaded file, its validation report, and how far the write got."""

from django.conf import settings
from django.db import models

from stores.models.tenancy import Store


class ImportKind(models.TextChoices):
    PRODUCTS = "products", "Products"  # Shopify's Products › Export
    ORDERS = "orders", "Orders"  # Shopify's Orders › Export


class ImportStatus(models.TextChoices):
    VALIDATED = "validated", "Checked"  # read and reported; waits for the member's Import or Cancel
    REJECTED = "rejected", "Has problems"  # the report found problems: only the report is kept, nothing to import
    CANCELLED = "cancelled", "Cancelled"  # the member cancelled: nothing written, the upload discarded
    QUEUED = "queued", "Queued"  # confirmed; the import task has not started yet
    RUNNING = "running", "Importing"  # the task is writing (one transaction: nothing shows until it ends)
    DONE = "done", "Done"  # every record written
    FAILED = "failed", "Failed"  # nothing written; see error


# Statuses whose upload is still kept (and can still be confirmed or is being written).
OPEN_STATUSES = (ImportStatus.VALIDATED, ImportStatus.QUEUED, ImportStatus.RUNNING)


class ImportJob(models.Model):
    """One uploaded export file: checked first, written only once a member confirms it, all or nothing."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="import_jobs")
    kind = models.CharField(max_length=16, choices=ImportKind.choices)
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.VALIDATED)
    filename = models.CharField(max_length=255)
    # The upload's text while the job is open; emptied once it is done, failed or cancelled.
    content = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rows = models.PositiveIntegerField(default=0)
    records_total = models.PositiveIntegerField(default=0, help_text="Products or orders the file holds.")
    to_create = models.PositiveIntegerField(default=0)
    to_update = models.PositiveIntegerField(default=0)
    to_skip = models.PositiveIntegerField(default=0, help_text="Kept in step by a connected platform: left alone.")
    problems_count = models.PositiveIntegerField(default=0)
    # The first problems of the report, as [line, column, message] lists (the whole count is problems_count).
    problems = models.JSONField(default=list, blank=True)
    records_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["store", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import {self.filename}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def percent(self) -> int:
        """How far the write got, 0–100."""
        if self.status == ImportStatus.DONE:
            return 100
        return min(100, self.records_done * 100 // self.records_total) if self.records_total else 0
