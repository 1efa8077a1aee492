from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from sandbox.models import SandboxAccount, SandboxApp, SandboxFault
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
