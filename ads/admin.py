"""Django admin for staff: the ads agent's settings, creatives, campaigns, daily insights, action log and rules.

Campaigns point at platform connections by id only (raw id widgets): a connection's tokens never reach these
pages, and no page loads every connection or product of every store into a select box. The action log and rule
runs are records of what happened, so they are read-only.
"""

from django.contrib import admin

from ads.models import AdCampaign, AdCreative, AdInsight, AdRule, AdRuleRun, CampaignAction, StoreAdSettings


@admin.register(StoreAdSettings)
class StoreAdSettingsAdmin(admin.ModelAdmin):
    list_display = (
        "store",
        "daily_spend_cap_minor",
        "max_campaign_daily_budget_minor",
        "meta_page_id",
        "meta_pixel_id",
        "tiktok_pixel_id",
        "updated_at",
    )
    search_fields = ("store__name", "store__slug", "meta_page_id", "meta_pixel_id", "tiktok_pixel_id")
    list_select_related = ("store",)
    raw_id_fields = ("store",)
    readonly_fields = ("updated_at",)


@admin.register(AdCreative)
class AdCreativeAdmin(admin.ModelAdmin):
    list_display = ("name", "store", "product", "link_url", "video_id", "created_at")
    list_filter = (("video_id", admin.EmptyFieldListFilter), "store")
    search_fields = ("name", "link_url", "store__name", "product__title")
    list_select_related = ("store", "product")
    raw_id_fields = ("store", "product")
    readonly_fields = ("created_at",)
    date_hierarchy = "created_at"


class CampaignActionInline(admin.TabularInline):
    model = CampaignAction
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "actor_kind", "actor_label", "reason", "result", "error")
    readonly_fields = fields
    ordering = ("-created_at", "-pk")
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001 - Django's signature
        return False


@admin.register(AdCampaign)
class AdCampaignAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "store",
        "platform",
        "status",
        "objective",
        "daily_budget_minor",
        "currency",
        "spend_minor",
        "purchase_value_minor",
        "external_campaign_id",
        "end_at",
        "created_at",
    )
    list_filter = ("status", "platform", "objective", "store")
    search_fields = ("name", "external_campaign_id", "external_adset_id", "external_ad_id", "store__name")
    list_select_related = ("store",)
    raw_id_fields = ("store", "connection", "product", "creative", "created_by")
    readonly_fields = (
        "intent_id",
        "external_budget_id",
        "external_campaign_id",
        "external_adset_id",
        "external_creative_id",
        "external_ad_id",
        "create_attempts",
        "spend_minor",
        "impressions",
        "clicks",
        "purchases",
        "purchase_value_minor",
        "insights_synced_at",
        "created_at",
        "updated_at",
    )
    date_hierarchy = "created_at"
    inlines = [CampaignActionInline]


@admin.register(AdInsight)
class AdInsightAdmin(admin.ModelAdmin):
    list_display = (
        "campaign",
        "store",
        "date",
        "spend_minor",
        "impressions",
        "clicks",
        "purchases",
        "purchase_value_minor",
        "synced_at",
    )
    list_filter = ("campaign__platform", "store")
    search_fields = ("campaign__name", "campaign__external_campaign_id", "store__name")
    list_select_related = ("campaign", "store")
    raw_id_fields = ("store", "campaign")
    date_hierarchy = "date"


@admin.register(CampaignAction)
class CampaignActionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "campaign", "store", "kind", "actor_kind", "actor_user", "rule", "result", "reason")
    list_filter = ("kind", "actor_kind", "result", "store")
    search_fields = ("campaign__name", "reason", "actor_label", "error", "store__name")
    list_select_related = ("campaign", "store", "actor_user", "rule")
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


class AdRuleRunInline(admin.TabularInline):
    model = AdRuleRun
    extra = 0
    can_delete = False
    fields = ("ran_at", "evaluated", "matched", "results")
    readonly_fields = fields
    ordering = ("-ran_at", "-pk")

    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(AdRule)
class AdRuleAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "store",
        "enabled",
        "platform",
        "metric",
        "operator",
        "threshold",
        "window_days",
        "action",
        "cooldown_hours",
        "last_run_at",
    )
    list_filter = ("enabled", "action", "metric", "platform", "store")
    search_fields = ("name", "store__name", "store__slug")
    list_select_related = ("store",)
    raw_id_fields = ("store", "created_by")
    readonly_fields = ("created_at", "last_run_at")
    inlines = [AdRuleRunInline]


@admin.register(AdRuleRun)
class AdRuleRunAdmin(admin.ModelAdmin):
    list_display = ("ran_at", "rule", "store", "evaluated", "matched")
    list_filter = ("store",)
    search_fields = ("rule__name", "store__name")
    list_select_related = ("rule", "store")
    date_hierarchy = "ran_at"

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False
