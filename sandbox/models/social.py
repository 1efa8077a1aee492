"""The organic platforms' own state at the sandbox: boards, posts, publish jobs and containers, uploaded media."""

from django.db import models

from sandbox.models.core import PLATFORM_CHOICES, SandboxAccount


class SandboxBoard(models.Model):
    """A Pinterest board."""

    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="boards")
    external_id = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=180)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class SandboxPost(models.Model):
    """A published post (TikTok video or photo, Instagram media, Pinterest pin, X post)."""

    platform = models.CharField(max_length=16, choices=PLATFORM_CHOICES)
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="posts")
    external_id = models.CharField(max_length=32)
    kind = models.CharField(max_length=16)  # video, photo, image, reel, carousel, pin, tweet
    text = models.TextField(blank=True)  # caption / description / post text
    title = models.CharField(max_length=200, blank=True)
    link = models.CharField(max_length=2048, blank=True)
    alt_text = models.CharField(max_length=500, blank=True)
    board = models.ForeignKey(SandboxBoard, null=True, blank=True, on_delete=models.SET_NULL, related_name="pins")
    media_urls = models.JSONField(default=list)
    created_at = models.DateTimeField()
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "external_id"], name="sandbox_post_unique")]
        indexes = [models.Index(fields=["platform", "account", "created_at"])]

    def __str__(self) -> str:
        return f"{self.platform}:{self.external_id}"


class SandboxPublishJob(models.Model):
    """A TikTok publish (``publish_id``) or an Instagram media container, on its way to becoming a post."""

    platform = models.CharField(max_length=16, choices=PLATFORM_CHOICES)
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="publish_jobs")
    handle = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=16)
    payload = models.JSONField(default=dict)
    post = models.ForeignKey(SandboxPost, null=True, blank=True, on_delete=models.SET_NULL)
    ready_at = models.DateTimeField()
    fail_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.platform}:{self.handle}"


class SandboxMedia(models.Model):
    """Media uploaded to X (simple or chunked upload)."""

    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="media")
    media_id = models.CharField(max_length=32, unique=True)
    media_type = models.CharField(max_length=64)
    media_category = models.CharField(max_length=32)
    total_bytes = models.PositiveBigIntegerField(default=0)
    received_bytes = models.PositiveBigIntegerField(default=0)
    finalized = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.media_id
