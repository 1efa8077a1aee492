"""Staff views of posts, calendars and their history (read mostly; tokens live on connections, never here)."""

from django.contrib import admin

from social.models import ContentCalendar, PostEvent, PostMetrics, PublishAttempt, SocialPost


class PostEventInline(admin.TabularInline):
    model = PostEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "from_status", "to_status", "source", "actor", "reason")


class PublishAttemptInline(admin.TabularInline):
    model = PublishAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("number", "outcome", "started_at", "finished_at", "retry_after_seconds", "error")


@admin.register(SocialPost)
class SocialPostAdmin(admin.ModelAdmin):
    list_display = ("id", "store", "platform", "status", "scheduled_at", "published_at", "external_id", "attempt_count")
    list_filter = ("platform", "status", "historical")
    search_fields = ("caption", "external_id", "marker")
    raw_id_fields = ("store", "product", "calendar", "connection", "created_by")
    readonly_fields = (
        "marker",
        "platform_handle",
        "external_id",
        "attempt_count",
        "publishing_started_at",
        "unconfirmed_since",
        "lookup_count",
    )
    inlines = [PublishAttemptInline, PostEventInline]


@admin.register(ContentCalendar)
class ContentCalendarAdmin(admin.ModelAdmin):
    list_display = ("id", "store", "name", "status", "start_date", "days", "posts_per_day", "generator")
    list_filter = ("status", "generator")
    raw_id_fields = ("store", "product", "created_by")


@admin.register(PostMetrics)
class PostMetricsAdmin(admin.ModelAdmin):
    list_display = ("post", "captured_at", "impressions", "likes", "comments", "shares", "saves", "clicks")
    raw_id_fields = ("store", "post")
