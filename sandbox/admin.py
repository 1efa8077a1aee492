from django.contrib import admin

from sandbox.models import SandboxAccount, SandboxApp, SandboxFault


@admin.register(SandboxFault)
class SandboxFaultAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "enabled",
        "error_rate",
        "rate_limit_rate",
        "retry_after_seconds",
        "timeout_rate",
        "latency_ms",
    ]
    list_editable = ["enabled", "error_rate", "rate_limit_rate", "timeout_rate", "latency_ms"]
    list_display_links = ["__str__"]


@admin.register(SandboxApp)
class SandboxAppAdmin(admin.ModelAdmin):
    list_display = ["platform", "client_id", "access_token_lifetime", "refresh_token_lifetime"]
    list_filter = ["platform"]
    exclude = ["client_secret"]


@admin.register(SandboxAccount)
class SandboxAccountAdmin(admin.ModelAdmin):
    list_display = ["platform", "kind", "external_id", "name", "owner"]
    list_filter = ["platform", "kind"]
    search_fields = ["name", "external_id", "username"]
