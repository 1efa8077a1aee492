"""Staff views of posts, calendars and their history (read mostly; tokens live on connections, never here).

A post's status is read-only here: staff change it through the actions below, which call the same lifecycle
services a merchant's buttons do (each change is a ``PostEvent`` by the staff member, labelled "admin"), so no
status is ever set around ``social.services.transitions``.
"""

from collections.abc import Callable

from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from social.models import ContentCalendar, PostEvent, PostMetrics, PublishAttempt, SocialPost
from social.services import (
    post_cancel,
    post_publish_enqueue_on_commit,
    post_retry,
    post_staff_hold,
    post_staff_release,
)
from stores.actors import Actor
from stores.exceptions import ApplicationError


def _apply(
    request: HttpRequest, posts: QuerySet[SocialPost], change: Callable[[SocialPost, Actor], SocialPost], done: str
) -> None:
    """Apply ``change`` to each selected post in its own transaction; a refused post is reported and left as it was,
    the others are changed. A post due once changed is handed to its publish task after its commit."""
    actor = Actor.staff(request.user)
    changed, refused = 0, []
    for post in posts.order_by("pk"):
        try:
            with transaction.atomic():
                post_publish_enqueue_on_commit(change(post, actor))
        except ApplicationError as error:
            refused.append(f"post {post.pk}: {error.message}")
            continue
        changed += 1
    if changed:
        messages.success(request, f"{changed} post{'s' if changed != 1 else ''} {done}.")
    if refused:
        messages.error(request, "Not changed: " + " ".join(refused))


class PostEventInline(admin.TabularInline):
    model = PostEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "from_status", "to_status", "actor_display", "reason")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[PostEvent]:
        return super().get_queryset(request).select_related("actor_user")


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
        "status",
        "hold_reason",
        "failure_reason",
        "marker",
        "platform_handle",
        "external_id",
        "attempt_count",
        "attempts_at_retry",
        "next_attempt_at",
        "publishing_started_at",
        "unconfirmed_since",
        "lookup_count",
    )
    inlines = [PublishAttemptInline, PostEventInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["cancel_posts", "retry_posts", "hold_posts", "release_posts"]

    @admin.action(description="Cancel the selected posts")
    def cancel_posts(self, request: HttpRequest, queryset: QuerySet[SocialPost]) -> None:
        _apply(request, queryset, lambda post, actor: post_cancel(post=post, actor=actor), "cancelled")

    @admin.action(description="Retry the selected posts (failed, held or unconfirmed)")
    def retry_posts(self, request: HttpRequest, queryset: QuerySet[SocialPost]) -> None:
        _apply(request, queryset, lambda post, actor: post_retry(post=post, actor=actor), "queued again")

    @admin.action(description="Hold the selected posts")
    def hold_posts(self, request: HttpRequest, queryset: QuerySet[SocialPost]) -> None:
        _apply(request, queryset, lambda post, actor: post_staff_hold(post=post, actor=actor), "held")

    @admin.action(description="Release the selected held posts")
    def release_posts(self, request: HttpRequest, queryset: QuerySet[SocialPost]) -> None:
        _apply(request, queryset, lambda post, actor: post_staff_release(post=post, actor=actor), "released")


@admin.register(ContentCalendar)
class ContentCalendarAdmin(admin.ModelAdmin):
    list_display = ("id", "store", "name", "status", "start_date", "days", "posts_per_day", "generator")
    list_filter = ("status", "generator")
    raw_id_fields = ("store", "product", "created_by")


@admin.register(PostMetrics)
class PostMetricsAdmin(admin.ModelAdmin):
    list_display = ("post", "captured_at", "impressions", "likes", "comments", "shares", "saves", "clicks")
    raw_id_fields = ("store", "post")
