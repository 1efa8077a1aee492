"""The store platform's data flowing in: the sync state of each connection, webhook deliveries, compliance asks."""

from django.db import models

from platforms.constants import PLATFORM_NAMES, STORE_PLATFORMS
from stores.models.connections import PlatformConnection
from stores.models.tenancy import Store


class BackfillState(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"  # no history read yet
    RUNNING = "running", "Running"  # the platform is preparing the history (a Shopify bulk operation)
    INGESTING = "ingesting", "Ingesting"  # the history is ready and being written
    DONE = "done", "Done"  # every order of the history is in
    FAILED = "failed", "Failed"  # the platform could not prepare it; see backfill_error


class StoreSync(models.Model):
    """Where the sync of one store-platform connection stands: its history backfill and its incremental watermarks."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="store_syncs")
    connection = models.OneToOneField(PlatformConnection, on_delete=models.CASCADE, related_name="store_sync")
    backfill_operation_id = models.CharField(max_length=255, blank=True)
    backfill_status = models.CharField(max_length=16, choices=BackfillState.choices, default=BackfillState.NOT_STARTED)
    backfill_started_at = models.DateTimeField(null=True, blank=True)
    backfill_finished_at = models.DateTimeField(null=True, blank=True)
    backfill_error = models.TextField(blank=True)
    # The newest platform updated_at applied: the next incremental sync asks for what changed since.
    orders_synced_through = models.DateTimeField(null=True, blank=True)
    products_synced_through = models.DateTimeField(null=True, blank=True)
    customers_synced_through = models.DateTimeField(null=True, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # What the connection brought in: the products and orders whose source it is. Kept true by whatever adds such
    # rows (each sync, a backfill as it writes and each CSV import recount them; a webhook adds the row it brought),
    # so pages read them and never count.
    products_count = models.PositiveIntegerField(default=0)
    orders_count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Sync of {self.connection_id}"


class DeliveryStatus(models.TextChoices):
    RECEIVED = "received", "Received"  # stored and queued; the sweep re-queues it if its task is lost
    PROCESSED = "processed", "Processed"  # its data is in
    IGNORED = "ignored", "Ignored"  # a topic the hub does not use
    FAILED = "failed", "Failed"  # processing failed; see last_error (retried while attempts remain)


class WebhookDelivery(models.Model):
    """One signed delivery of a store platform, stored before it is processed so a lost task loses nothing."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="webhook_deliveries")
    connection = models.ForeignKey(PlatformConnection, on_delete=models.CASCADE, related_name="webhook_deliveries")
    platform = models.CharField(max_length=16, choices=[(p, PLATFORM_NAMES[p]) for p in STORE_PLATFORMS])
    delivery_id = models.CharField(max_length=255)
    topic = models.CharField(max_length=100)
    # The raw body as received (it may hold customer data: shown only on the delivery's own admin page).
    body = models.TextField()
    received_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.RECEIVED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "delivery_id"], name="webhook_delivery_unique_id"),
        ]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self) -> str:
        return f"{self.topic} · {self.delivery_id}"


class CustomerDataRequest(models.Model):
    """A customer asked the store (through the platform) for the data held about them: what the hub holds, exported
    for the owner to send on (Shopify's customers/data_request)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="customer_data_requests")
    connection = models.ForeignKey(
        PlatformConnection, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer_external_id = models.CharField(max_length=64)
    order_external_ids = models.JSONField(default=list, blank=True)
    received_at = models.DateTimeField()
    exported_data = models.JSONField(default=dict, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"Data request for customer {self.customer_external_id}"
