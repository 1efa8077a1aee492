from django.apps import AppConfig
from django.db.models.signals import post_delete


class SandboxConfig(AppConfig):
    name = "sandbox"
    verbose_name = "Sandbox"

    def ready(self) -> None:
        from sandbox.models import ShopifyBulkOperation
        from sandbox.shopify.bulk import bulk_result_deleted

        post_delete.connect(bulk_result_deleted, sender=ShopifyBulkOperation, dispatch_uid="sandbox-bulk-result-file")
