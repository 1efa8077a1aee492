"""Social posts, the calendars they were planned in, each publishing attempt, metrics snapshots and the event log."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

from platforms.constants import PLATFORM_NAMES, SOCIAL_PLATFORMS
from stores.actors import ActorFields
from stores.models import PlatformConnection, Product, Store

SOCIAL_PLATFORM_CHOICES = [(p, PLATFORM_NAMES[p]) for p in SOCIAL_PLATFORMS]

# Absolute caps on a post's texts, whatever the platform (each platform's own limits, ``platform_limits(slug)`` of
# platforms.registry, are lower and are checked on top); the forms and the services check the same numbers.
CAPTION_MAX_LENGTH = 5000
TITLE_MAX_LENGTH = 100
LINK_MAX_LENGTH = 1000
HASHTAGS_MAX_COUNT = 60
HASHTAG_MAX_LENGTH = 100
MEDIA_URLS_MAX_COUNT = 35  # TikTok's photo carousels take up to 35, the most of any platform
MEDIA_URL_MAX_LENGTH = 2000


def hashtags_problems(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        return ["Hashtags must be a list of words."]
    problems = []
    if len(value) > HASHTAGS_MAX_COUNT:
        problems.append(f"A post has at most {HASHTAGS_MAX_COUNT} hashtags; this one has {len(value)}.")
    if any(len(tag) > HASHTAG_MAX_LENGTH for tag in value):
        problems.append(f"A hashtag has at most {HASHTAG_MAX_LENGTH} characters.")
    return problems


def media_urls_problems(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(url, str) for url in value):
        return ["Media must be a list of web addresses."]
    problems = []
    if len(value) > MEDIA_URLS_MAX_COUNT:
        problems.append(f"A post has at most {MEDIA_URLS_MAX_COUNT} images or videos; this one has {len(value)}.")
    if any(len(url) > MEDIA_URL_MAX_LENGTH for url in value):
        problems.append(f"A media address has at most {MEDIA_URL_MAX_LENGTH:,} characters.")
    return problems


def validate_hashtags(value: object) -> None:
    if problems := hashtags_problems(value):
        raise ValidationError(" ".join(problems), code="invalid_hashtags")


def validate_media_urls(value: object) -> None:
    if problems := media_urls_problems(value):
        raise ValidationError(" ".join(problems), code="invalid_media_urls")


def new_marker() -> str:
    """A short unique tag a post carries (in its link's utm_content) so it can be found at the platform again."""
    return f"gh{secrets.token_hex(5)}"


class CalendarStatus(models.TextChoices):
    DRAFT = "draft", "Draft"  # planned, being reviewed; its posts are drafts
    SCHEDULED = "scheduled", "Scheduled"  # "Schedule all" done; its posts are queued


class ContentCalendar(models.Model):
    """The plan a batch of posts came from: a product, days × posts per day × platforms."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="content_calendars")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="content_calendars")
    name = models.CharField(max_length=160)
    utm_campaign = models.SlugField(max_length=80)
    start_date = models.DateField()
    days = models.PositiveSmallIntegerField()
    posts_per_day = models.PositiveSmallIntegerField()
    platforms = models.JSONField(default=list)
    generator = models.CharField(max_length=16, default="builtin")  # builtin or llm
    status = models.CharField(max_length=16, choices=CalendarStatus.choices, default=CalendarStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class PostStatus(models.TextChoices):
    DRAFT = "draft", "Draft"  # being written or reviewed; not queued
    SCHEDULED = "scheduled", "Scheduled"  # queued; published when due (and when next_attempt_at has passed)
    HELD = "held", "Held"  # pre-flight or a bad connection stopped it before its time; see hold_reason
    PUBLISHING = "publishing", "Publishing"  # claimed by one worker, talking to the platform right now
    PUBLISHED = "published", "Published"  # live at the platform; external_id is set
    # The attempts ran out while the last create's outcome was unknown (no answer, or a platform handle without a
    # confirmation): it may be live. The reconciliation keeps looking it up (next_attempt_at) and ends it published
    # (found) or failed (the platform says it has no such post, or SOCIAL_UNCONFIRMED_LOOKUP_HOURS passed unanswered).
    UNCONFIRMED = "unconfirmed", "Unconfirmed"
    FAILED = "failed", "Failed"  # refused by the platform or gave up; see last_error; can be retried
    CANCELLED = "cancelled", "Cancelled"  # withdrawn by the merchant; never published


class MediaKind(models.TextChoices):
    IMAGE = "image", "Image"
    VIDEO = "video", "Video"
    CAROUSEL = "carousel", "Carousel"


class EngagementCounts(models.Model):
    """The platform's lifetime totals of a post: kept on the post (latest) and in each snapshot."""

    impressions = models.PositiveBigIntegerField(default=0)
    reach = models.PositiveBigIntegerField(default=0)
    likes = models.PositiveBigIntegerField(default=0)
    comments = models.PositiveBigIntegerField(default=0)
    shares = models.PositiveBigIntegerField(default=0)
    saves = models.PositiveBigIntegerField(default=0)
    clicks = models.PositiveBigIntegerField(default=0)
    video_views = models.PositiveBigIntegerField(default=0)

    class Meta:
        abstract = True


# The names of EngagementCounts' fields, which are also platforms.content.Metrics' counters.
ENGAGEMENT_FIELDS = ("impressions", "reach", "likes", "comments", "shares", "saves", "clicks", "video_views")


class SocialPost(EngagementCounts):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="social_posts")
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="posts")
    calendar = models.ForeignKey(
        ContentCalendar, null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    platform = models.CharField(max_length=16, choices=SOCIAL_PLATFORM_CHOICES)
    connection = models.ForeignKey(
        PlatformConnection, null=True, blank=True, on_delete=models.SET_NULL, related_name="social_posts"
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH, blank=True, help_text="Pinterest pin title")
    caption = models.TextField(validators=[MaxLengthValidator(CAPTION_MAX_LENGTH)])
    hashtags = models.JSONField(default=list, blank=True, validators=[validate_hashtags])
    call_to_action = models.CharField(max_length=120, blank=True)
    media_kind = models.CharField(max_length=16, choices=MediaKind.choices, default=MediaKind.IMAGE)
    media_urls = models.JSONField(default=list, validators=[validate_media_urls])
    alt_text = models.CharField(max_length=500, blank=True)
    link = models.URLField(max_length=LINK_MAX_LENGTH, blank=True)
    marker = models.CharField(max_length=24, unique=True, default=new_marker)
    # The /r/<marker> link the post publishes; its destination is the UTM-tagged page of the store.
    tracked_link = models.ForeignKey(
        "stores.TrackedLink", null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    status = models.CharField(max_length=16, choices=PostStatus.choices, default=PostStatus.DRAFT)
    hold_reason = models.TextField(blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    publishing_started_at = models.DateTimeField(null=True, blank=True)
    unconfirmed_since = models.DateTimeField(
        null=True, blank=True, help_text="when the post became unconfirmed; look-ups count their settle time from it"
    )
    lookup_count = models.PositiveIntegerField(default=0, help_text="look-ups made while unconfirmed (the backoff)")
    preflight_checked_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    attempt_count = models.PositiveIntegerField(default=0, help_text="every attempt ever made (numbers the attempts)")
    attempts_at_retry = models.PositiveIntegerField(
        default=0, help_text="attempt_count when the merchant last asked for a retry; the retry policy counts from it"
    )
    platform_handle = models.CharField(max_length=200, blank=True, help_text="publish_id, container id or media ids")
    external_id = models.CharField(max_length=64, blank=True)
    permalink = models.URLField(max_length=500, blank=True)
    last_error = models.TextField(blank=True)
    failure_reason = models.CharField(max_length=32, blank=True)
    historical = models.BooleanField(default=False, help_text="seeded history, not published by this app")
    engagement_rate = models.FloatField(default=0.0, help_text="(likes+comments+shares+saves) / impressions")
    metrics_synced_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scheduled_at", "id"]
        indexes = [
            models.Index(fields=["status", "scheduled_at"]),
            models.Index(fields=["store", "scheduled_at"]),
            models.Index(fields=["store", "platform", "published_at"]),
            models.Index(fields=["status", "published_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "external_id"],
                condition=~models.Q(external_id=""),
                name="social_post_unique_external_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} post {self.pk}"

    @property
    def attempts_in_budget(self) -> int:
        """Attempts since the post was queued or a merchant retried it: what the retry policy's limit counts."""
        return self.attempt_count - self.attempts_at_retry

    @property
    def can_retry(self) -> bool:
        """An unconfirmed post may be retried too: its next attempt looks it up before sending anything."""
        return self.status in (PostStatus.FAILED, PostStatus.HELD, PostStatus.UNCONFIRMED)

    @property
    def status_text(self) -> str:
        """The status as the merchant reads it: an unconfirmed post says whom it is being checked with."""
        if self.status == PostStatus.UNCONFIRMED:
            return f"Unconfirmed — checking with {self.get_platform_display()}"
        return self.get_status_display()

    @property
    def can_publish_now(self) -> bool:
        """A draft or scheduled post may go out at once; a failed, held or unconfirmed one is retried instead."""
        return self.status in (PostStatus.DRAFT, PostStatus.SCHEDULED)

    @property
    def can_cancel(self) -> bool:
        return self.status in (PostStatus.DRAFT, PostStatus.SCHEDULED, PostStatus.HELD, PostStatus.FAILED)

    @property
    def can_edit(self) -> bool:
        return self.status in (PostStatus.DRAFT, PostStatus.SCHEDULED, PostStatus.HELD, PostStatus.FAILED)


class AttemptOutcome(models.TextChoices):
    STARTED = "started", "Started"  # claimed; no answer recorded yet (a worker that dies leaves this)
    PUBLISHED = "published", "Published"
    FOUND = "found", "Found at the platform"  # an earlier attempt had in fact published it
    TRANSIENT = "transient", "Transient error"
    AMBIGUOUS = "ambiguous", "No answer (may have published)"
    RATE_LIMITED = "rate_limited", "Rate limited"
    AUTH_EXPIRED = "auth_expired", "Connection expired"
    REJECTED = "rejected", "Rejected"
    HELD = "held", "Held by pre-flight"
    ABANDONED = "abandoned", "Abandoned (worker lost)"


# Outcomes after which the post may exist at the platform although we hold no id for it: look before creating.
UNCERTAIN_OUTCOMES = (AttemptOutcome.AMBIGUOUS, AttemptOutcome.ABANDONED, AttemptOutcome.STARTED)


class PublishAttempt(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="publish_attempts")
    post = models.ForeignKey(SocialPost, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    outcome = models.CharField(max_length=16, choices=AttemptOutcome.choices, default=AttemptOutcome.STARTED)
    error = models.TextField(blank=True)
    retry_after_seconds = models.FloatField(null=True, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["post", "number"]
        constraints = [models.UniqueConstraint(fields=["post", "number"], name="publish_attempt_unique_number")]

    def __str__(self) -> str:
        return f"attempt {self.number} of post {self.post_id}: {self.outcome}"


class PostMetrics(EngagementCounts):
    """One snapshot of a post's lifetime totals as the platform reported them."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="post_metrics")
    post = models.ForeignKey(SocialPost, on_delete=models.CASCADE, related_name="metrics")
    captured_at = models.DateTimeField()

    class Meta:
        ordering = ["post", "captured_at"]
        indexes = [models.Index(fields=["post", "captured_at"])]
        verbose_name_plural = "post metrics"

    def __str__(self) -> str:
        return f"metrics of post {self.post_id} at {self.captured_at:%Y-%m-%d %H:%M}"


class PostEvent(ActorFields):
    """A lifecycle change of a post: from which status to which, who or what caused it (``ActorFields``: a member,
    an API key, or Growth Hub's publisher, pre-flight, reconciliation, connection or a loop), and why."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="post_events")
    post = models.ForeignKey(SocialPost, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["post", "created_at", "id"]

    def __str__(self) -> str:
        return f"post {self.post_id}: {self.from_status} → {self.to_status}"
