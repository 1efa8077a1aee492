"""The sandbox's background work: Shopify bulk operations running and Shopify webhooks delivered with retries."""

from celery import shared_task

from sandbox.models import ShopifyWebhookDelivery
from sandbox.shopify.bulk import shopify_bulk_operation_run
from sandbox.shopify.schema import admin_schema
from sandbox.shopify.webhooks import MAX_RETRIES, delivery_attempt, retry_delay


@shared_task
def shopify_bulk_operation_run_task(operation_id: int) -> str:
    return shopify_bulk_operation_run(operation_id=operation_id, schema=admin_schema()).status


@shared_task(bind=True, max_retries=MAX_RETRIES)
def shopify_webhook_deliver_task(self, delivery_id: int) -> bool:
    """One attempt; a failed one is tried again later with exponential backoff, up to Shopify's eight retries."""
    if delivery_attempt(delivery_id=delivery_id):
        return True
    attempts = ShopifyWebhookDelivery.objects.values_list("attempts", flat=True).get(pk=delivery_id)
    if attempts > MAX_RETRIES:
        return False
    raise self.retry(countdown=retry_delay(attempts))
