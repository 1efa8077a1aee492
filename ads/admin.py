"""Django admin for staff: the ads agent's settings, creatives, campaigns, daily insights, action log and rules.

Campaigns point at platform connections by id only (raw id widgets): a connection's tokens never reach these
pages, and no page loads every connection or product of every store into a select box. The action log and rule
runs are records of what happened, so they are read-only.

A campaign's status is read-only here: staff change it through the actions below, which call the same services a
merchant's buttons do (each change is a ``CampaignAction`` by the staff member, labelled "admin", pushed to the
platform like any other), so no status is ever set around ``ads.services.transitions``.
"""

from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from ads.models import AdCampaign, AdCreative, AdInsight, AdRule, AdRuleRun, CampaignAction, StoreAdSettings
from ads.services import campaign_archive, campaign_pause, campaign_resume
from stores.actors import Actor
from stores.exceptions import ApplicationError

ADMIN_REASON = "Changed by Growth Hub staff in the admin."


def _apply(
    request: HttpRequest,
    campaigns: QuerySet[AdCampaign],
    change: Callable[..., CampaignAction],
    done: str,
) -> None:
    """Apply ``change`` to each selected campaign (each in its own transaction); a refused campaign is reported and
    left as it was, the others are changed."""
    actor = Actor.staff(request.user)
    changed, refused = 0, []
    for campaign in campaigns.select_related("store").order_by("pk"):
        try:
            change(campaign=campaign, actor=actor, reason=ADMIN_REASON)
        except ApplicationError as error:
            refused.append(f"campaign {campaign.pk}: {error.message}")
            continue
        changed += 1
    if changed:
        messages.success(request, f"{changed} campaign{'s' if changed != 1 else ''} {done}.")
    if refused:
        messages.error(request, "Not changed: " + " ".join(refused))


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
        "status",
        "status_before_hold",
        "hold_reason",
        "platform_status",
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
    actions = ["pause_campaigns", "activate_campaigns", "archive_campaigns"]

    @admin.action(description="Pause the selected campaigns")
    def pause_campaigns(self, request: HttpRequest, queryset: QuerySet[AdCampaign]) -> None:
        _apply(request, queryset, campaign_pause, "paused")

    @admin.action(description="Activate the selected paused campaigns (within the store's spend cap)")
    def activate_campaigns(self, request: HttpRequest, queryset: QuerySet[AdCampaign]) -> None:
        _apply(request, queryset, campaign_resume, "activated")

    @admin.action(description="Archive the selected campaigns")
    def archive_campaigns(self, request: HttpRequest, queryset: QuerySet[AdCampaign]) -> None:
        _apply(request, queryset, campaign_archive, "archived")


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
