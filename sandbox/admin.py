from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from sandbox.models import (
    SandboxAccount,
    SandboxApp,
    SandboxFault,
    ShopifyBulkOperation,
    ShopifyShop,
    ShopifyWebhookDelivery,
    ShopifyWebhookSubscription,
)
from sandbox.services import sandbox_app_revoke_all_tokens


@admin.register(SandboxFault)
class SandboxFaultAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "enabled",
        "error_rate",
        "rate_limit_rate",
        "retry_after_seconds",
        "timeout_rate",
        "error_after_rate",
        "latency_ms",
        "path_contains",
    ]
    list_editable = ["enabled", "error_rate", "rate_limit_rate", "timeout_rate", "error_after_rate", "latency_ms"]
    list_display_links = ["__str__"]


@admin.register(SandboxApp)
class SandboxAppAdmin(admin.ModelAdmin):
    list_display = ["platform", "client_id", "access_token_lifetime", "refresh_token_lifetime"]
    list_filter = ["platform"]
    exclude = ["client_secret"]
    actions = ["revoke_all_tokens"]

    @admin.action(description="Revoke every token of the selected apps")
    def revoke_all_tokens(self, request: HttpRequest, queryset: QuerySet[SandboxApp]) -> None:
        revoked = sum(sandbox_app_revoke_all_tokens(app=app) for app in queryset)
        self.message_user(request, f"Revoked {revoked} tokens.")


@admin.register(SandboxAccount)
class SandboxAccountAdmin(admin.ModelAdmin):
    list_display = ["platform", "kind", "external_id", "name", "owner"]
    list_filter = ["platform", "kind"]
    search_fields = ["name", "external_id", "username"]


@admin.register(ShopifyShop)
class ShopifyShopAdmin(admin.ModelAdmin):
    list_display = ["domain", "name", "currency", "iana_timezone", "cost_available"]
    search_fields = ["domain", "name"]
    readonly_fields = ["account", "cost_available", "cost_checked_at"]


@admin.register(ShopifyWebhookSubscription)
class ShopifyWebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["shop", "topic", "uri", "api_version", "created_at"]
    list_filter = ["topic"]


@admin.register(ShopifyWebhookDelivery)
class ShopifyWebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["webhook_id", "topic", "subscription", "attempts", "response_status", "delivered_at", "gave_up_at"]
    list_filter = ["topic"]
    readonly_fields = ["subscription", "topic", "webhook_id", "event_id", "body", "triggered_at"]


@admin.register(ShopifyBulkOperation)
class ShopifyBulkOperationAdmin(admin.ModelAdmin):
    list_display = ["pk", "shop", "status", "error_code", "object_count", "created_at", "completed_at"]
    list_filter = ["status"]
    # The download key is the result link's only protection: staff see the status, never the link.
    exclude = ["download_key", "result_path"]
