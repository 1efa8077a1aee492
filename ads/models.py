"""Paid campaigns on Meta, Google and TikTok: settings and guardrails, creatives, campaigns, daily insights, the
log of every change, and automated rules."""

import uuid

from django.conf import settings
from django.db import models

from platforms.constants import AD_PLATFORMS, PLATFORM_NAMES
from stores.models import PlatformConnection, Product, Store

PLATFORM_CHOICES = [(p, PLATFORM_NAMES[p]) for p in AD_PLATFORMS]


class StoreAdSettings(models.Model):
    """A store's spend guardrails and the platform identities its ads speak as.

    The sum of the daily budgets of active campaigns never exceeds ``daily_spend_cap_minor``; no campaign's daily
    budget exceeds ``max_campaign_daily_budget_minor``. Services lock this row while they check and write.
    """

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="ad_settings")
    daily_spend_cap_minor = models.BigIntegerField(default=50_000, help_text="minor units, e.g. 50000 = 500.00")
    max_campaign_daily_budget_minor = models.BigIntegerField(default=20_000)
    meta_page_id = models.CharField(max_length=64, blank=True, help_text="the Facebook page Meta ads speak as")
    meta_pixel_id = models.CharField(max_length=64, blank=True)
    tiktok_pixel_id = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "store ad settings"
        verbose_name_plural = "store ad settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(daily_spend_cap_minor__gte=0), name="adsettings_cap_non_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(max_campaign_daily_budget_minor__gte=0), name="adsettings_max_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"Ad settings of {self.store}"


class Objective(models.TextChoices):
    SALES = "sales", "Sales"  # purchases on the store
    TRAFFIC = "traffic", "Traffic"  # visits to the product page
    AWARENESS = "awareness", "Awareness"  # reach


class AdCreative(models.Model):
    """What an ad shows: headlines and descriptions (Google needs 3 and 2), primary text, a link, an image or a
    video (TikTok needs a video id)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="ad_creatives")
    name = models.CharField(max_length=200)
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    headlines = models.JSONField(default=list)
    descriptions = models.JSONField(default=list)
    primary_text = models.TextField(blank=True)
    link_url = models.URLField(max_length=2000)
    image_url = models.URLField(max_length=2000, blank=True)
    video_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Draft"  # intent recorded; being created at the platform
    ACTIVE = "active", "Active"  # delivering; its budget counts against the store's cap
    PAUSED = "paused", "Paused"  # created, not delivering
    COMPLETED = "completed", "Completed"  # past its end date
    ARCHIVED = "archived", "Archived"  # removed at the platform; history kept
    ERROR = "error", "Error"  # the platform refused it; see last_error
    HELD = "held", "Held"  # its connection went bad; nothing is sent until the merchant reconnects


class AdCampaign(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="ad_campaigns")
    platform = models.CharField(max_length=16, choices=PLATFORM_CHOICES)
    connection = models.ForeignKey(PlatformConnection, on_delete=models.PROTECT, related_name="ad_campaigns")
    intent_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    objective = models.CharField(max_length=16, choices=Objective.choices, default=Objective.SALES)
    status = models.CharField(max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    status_before_hold = models.CharField(max_length=16, choices=CampaignStatus.choices, blank=True)
    hold_reason = models.CharField(max_length=300, blank=True)
    activate_on_create = models.BooleanField(default=False)
    daily_budget_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    start_at = models.DateTimeField(null=True, blank=True)
    end_at = models.DateTimeField(null=True, blank=True)
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    creative = models.ForeignKey(AdCreative, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The social post this campaign promotes, by id: ads may not import social; growth joins them.
    source_post_id = models.PositiveBigIntegerField(null=True, blank=True)
    external_budget_id = models.CharField(max_length=64, blank=True)
    external_campaign_id = models.CharField(max_length=64, blank=True)
    external_adset_id = models.CharField(max_length=64, blank=True)
    external_creative_id = models.CharField(max_length=64, blank=True)
    external_ad_id = models.CharField(max_length=64, blank=True)
    create_attempts = models.PositiveIntegerField(default=0)
    # The chain level whose create was sent and not answered (a timeout, a 5xx, a worker lost mid-call): it may
    # exist at the platform, so it is looked up by name before being created again.
    unconfirmed_level = models.CharField(max_length=16, blank=True)
    last_error = models.TextField(blank=True)
    spend_minor = models.BigIntegerField(default=0)
    impressions = models.BigIntegerField(default=0)
    clicks = models.BigIntegerField(default=0)
    purchases = models.BigIntegerField(default=0)
    purchase_value_minor = models.BigIntegerField(default=0)
    insights_synced_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(daily_budget_minor__gt=0), name="adcampaign_budget_positive"),
            models.UniqueConstraint(
                fields=["platform", "connection", "external_campaign_id"],
                condition=~models.Q(external_campaign_id=""),
                name="adcampaign_unique_external_id",
            ),
        ]
        indexes = [models.Index(fields=["store", "status"]), models.Index(fields=["connection", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def platform_name(self) -> str:
        """The name the campaign carries at the platform: unique per intent, so it can be looked up again."""
        return f"{self.name} [gh-{self.intent_id.hex[:12]}]"

    @property
    def roas(self) -> float | None:
        return self.purchase_value_minor / self.spend_minor if self.spend_minor else None

    @property
    def cpa_minor(self) -> int | None:
        return round(self.spend_minor / self.purchases) if self.purchases else None


class AdInsight(models.Model):
    """One campaign's numbers for one day (the ad account's day), upserted on every sync."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(AdCampaign, on_delete=models.CASCADE, related_name="insights")
    date = models.DateField()
    spend_minor = models.BigIntegerField(default=0)
    impressions = models.BigIntegerField(default=0)
    clicks = models.BigIntegerField(default=0)
    purchases = models.BigIntegerField(default=0)
    purchase_value_minor = models.BigIntegerField(default=0)
    synced_at = models.DateTimeField()

    class Meta:
        ordering = ["campaign", "date"]
        constraints = [models.UniqueConstraint(fields=["campaign", "date"], name="adinsight_unique_campaign_day")]
        indexes = [models.Index(fields=["store", "date"])]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.date}"


class ActionKind(models.TextChoices):
    CREATE = "create", "Create"
    ACTIVATE = "activate", "Activate"
    PAUSE = "pause", "Pause"
    RESUME = "resume", "Resume"
    BUDGET = "budget", "Change budget"
    ARCHIVE = "archive", "Archive"
    COMPLETE = "complete", "Complete"  # reached its end date; the platform stops delivery by itself
    HOLD = "hold", "Hold"
    RELEASE = "release", "Release"
    NOTIFY = "notify", "Notify"


class ActorKind(models.TextChoices):
    USER = "user", "A member"  # in the dashboard
    API = "api", "The API"  # a store API key
    RULE = "rule", "A rule"
    WORKFLOW = "workflow", "A workflow"  # growth's promote / launch flows
    SYSTEM = "system", "Growth Hub"  # holds, completions, retries


class ActionResult(models.TextChoices):
    PENDING = "pending", "Pending"  # recorded; the platform call has not finished
    APPLIED = "applied", "Applied"
    FAILED = "failed", "Failed"  # the platform refused; the change was undone here
    REFUSED = "refused", "Refused"  # a guardrail or rule said no; nothing was sent


class CampaignAction(models.Model):
    """Every change to a campaign: who or what asked for it, what, why, and how it ended."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(AdCampaign, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=16, choices=ActionKind.choices)
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices)
    actor_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    rule = models.ForeignKey("AdRule", null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    actor_label = models.CharField(max_length=120, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    result = models.CharField(max_length=16, choices=ActionResult.choices, default=ActionResult.PENDING)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["campaign", "rule", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.campaign_id} ({self.result})"


class RuleMetric(models.TextChoices):
    SPEND = "spend", "Spend"  # minor units
    ROAS = "roas", "ROAS"  # purchase value / spend
    CPA = "cpa", "CPA"  # spend per purchase, minor units; unbounded with no purchases
    CTR = "ctr", "CTR %"  # clicks / impressions x 100
    CONVERSIONS = "conversions", "Conversions"


class RuleOperator(models.TextChoices):
    LT = "lt", "<"
    LTE = "lte", "≤"
    GT = "gt", ">"
    GTE = "gte", "≥"


class RuleAction(models.TextChoices):
    PAUSE = "pause", "Pause"
    RESUME = "resume", "Resume"
    BUDGET_UP = "budget_up", "Raise budget by %"
    BUDGET_DOWN = "budget_down", "Lower budget by %"
    NOTIFY = "notify", "Notify"


class AdRule(models.Model):
    """``metric operator threshold`` over the last ``window_days`` days (today included), for campaigns that spent
    at least ``min_spend_minor`` in the window → ``action``, at most once per campaign per ``cooldown_hours``."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="ad_rules")
    name = models.CharField(max_length=120)
    enabled = models.BooleanField(default=True)
    platform = models.CharField(max_length=16, choices=PLATFORM_CHOICES, blank=True, help_text="empty = all")
    metric = models.CharField(max_length=16, choices=RuleMetric.choices)
    operator = models.CharField(max_length=4, choices=RuleOperator.choices)
    threshold = models.DecimalField(max_digits=14, decimal_places=4)
    window_days = models.PositiveSmallIntegerField(default=7)
    min_spend_minor = models.BigIntegerField(default=0)
    action = models.CharField(max_length=16, choices=RuleAction.choices)
    change_percent = models.PositiveSmallIntegerField(default=0)
    cooldown_hours = models.PositiveIntegerField(default=24)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_days__gte=1) & models.Q(window_days__lte=90), name="adrule_window_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AdRuleRun(models.Model):
    """One hourly evaluation of a rule: what matched and what was done (a preview is never stored)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(AdRule, on_delete=models.CASCADE, related_name="runs")
    ran_at = models.DateTimeField()
    evaluated = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    results = models.JSONField(default=list)

    class Meta:
        ordering = ["-ran_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.rule_id} at {self.ran_at:%Y-%m-%d %H:%M}"
