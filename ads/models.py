"""Paid campaigns on Meta, Google and TikTok: settings and guardrails, creatives, campaigns, daily insights, the
log of every change, and automated rules."""

import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.deconstruct import deconstructible

from ads.choices import (
    CAMPAIGN_LAST_DAY_MAX_DAYS,
    CREATIVE_DESCRIPTION_MAX_LENGTH,
    CREATIVE_DESCRIPTIONS_MAX,
    CREATIVE_HEADLINE_MAX_LENGTH,
    CREATIVE_HEADLINES_MAX,
    CREATIVE_PRIMARY_TEXT_MAX_LENGTH,
    MONEY_MAX_MINOR,
    RULE_CHANGE_PERCENT_MAX,
    RULE_COOLDOWN_HOURS_MAX,
    RULE_CTR_THRESHOLD_MAX,
    RULE_THRESHOLD_MAX,
    RULE_WINDOW_DAYS_MAX,
    URL_MAX_LENGTH,
    ActionKind,
    ActionResult,
    CampaignStatus,
    Objective,
    PlatformStatus,
    RuleAction,
    RuleMetric,
    RuleOperator,
)
from platforms.constants import AD_PLATFORMS, PLATFORM_NAMES
from stores.actors import ActorFields
from stores.models import PlatformConnection, Product, Store

# The choices and bounds live in ads.choices; they are importable from here too, beside the models that use them.
__all__ = [
    "CAMPAIGN_LAST_DAY_MAX_DAYS",
    "CREATIVE_DESCRIPTIONS_MAX",
    "CREATIVE_DESCRIPTION_MAX_LENGTH",
    "CREATIVE_HEADLINES_MAX",
    "CREATIVE_HEADLINE_MAX_LENGTH",
    "CREATIVE_PRIMARY_TEXT_MAX_LENGTH",
    "MONEY_MAX_MINOR",
    "PENDING_CHANGE_LABELS",
    "PLATFORM_CHOICES",
    "RULE_CHANGE_PERCENT_MAX",
    "RULE_COOLDOWN_HOURS_MAX",
    "RULE_CTR_THRESHOLD_MAX",
    "RULE_THRESHOLD_MAX",
    "RULE_WINDOW_DAYS_MAX",
    "URL_MAX_LENGTH",
    "ActionKind",
    "ActionResult",
    "AdCampaign",
    "AdCreative",
    "AdInsight",
    "AdRule",
    "AdRuleRun",
    "CampaignAction",
    "CampaignStatus",
    "Objective",
    "PlatformStatus",
    "RuleAction",
    "RuleMetric",
    "RuleOperator",
    "StoreAdSettings",
    "TextsValidator",
]

PLATFORM_CHOICES = [(p, PLATFORM_NAMES[p]) for p in AD_PLATFORMS]


@deconstructible
class TextsValidator:
    """A JSON list of at most ``count`` texts of at most ``length`` characters each (headlines, descriptions)."""

    def __init__(self, *, what: str, count: int, length: int) -> None:
        self.what, self.count, self.length = what, count, length

    def __call__(self, value: object) -> None:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValidationError(f"The {self.what} are a list of texts.")
        if len(value) > self.count:
            raise ValidationError(f"At most {self.count} {self.what}.")
        if any(len(item) > self.length for item in value):
            raise ValidationError(f"Each of the {self.what} is at most {self.length} characters.")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextsValidator) and (self.what, self.count, self.length) == (
            other.what,
            other.count,
            other.length,
        )

    def __hash__(self) -> int:
        return hash((self.what, self.count, self.length))


def _money_validators() -> list:
    return [MinValueValidator(0), MaxValueValidator(MONEY_MAX_MINOR)]


class StoreAdSettings(models.Model):
    """A store's spend guardrails and the platform identities its ads speak as.

    The sum of the daily budgets of active campaigns never exceeds ``daily_spend_cap_minor``; no campaign's daily
    budget exceeds ``max_campaign_daily_budget_minor``. Services lock this row while they check and write.
    """

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="ad_settings")
    daily_spend_cap_minor = models.BigIntegerField(
        default=50_000, validators=_money_validators(), help_text="minor units, e.g. 50000 = 500.00"
    )
    max_campaign_daily_budget_minor = models.BigIntegerField(default=20_000, validators=_money_validators())
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
            models.CheckConstraint(
                condition=models.Q(daily_spend_cap_minor__lte=MONEY_MAX_MINOR)
                & models.Q(max_campaign_daily_budget_minor__lte=MONEY_MAX_MINOR),
                name="adsettings_caps_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"Ad settings of {self.store}"


class AdCreative(models.Model):
    """What an ad shows: headlines and descriptions (Google needs 3 and 2), primary text, a link, an image or a
    video (TikTok needs a video id)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="ad_creatives")
    name = models.CharField(max_length=200)
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    headlines = models.JSONField(
        default=list,
        validators=[
            TextsValidator(what="headlines", count=CREATIVE_HEADLINES_MAX, length=CREATIVE_HEADLINE_MAX_LENGTH)
        ],
    )
    descriptions = models.JSONField(
        default=list,
        blank=True,
        validators=[
            TextsValidator(what="descriptions", count=CREATIVE_DESCRIPTIONS_MAX, length=CREATIVE_DESCRIPTION_MAX_LENGTH)
        ],
    )
    primary_text = models.TextField(blank=True, max_length=CREATIVE_PRIMARY_TEXT_MAX_LENGTH)
    link_url = models.URLField(max_length=URL_MAX_LENGTH)
    image_url = models.URLField(max_length=URL_MAX_LENGTH, blank=True)
    video_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A TextField has no length in the database: this keeps a 1 MB text out whatever the path.
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("primary_text"), CREATIVE_PRIMARY_TEXT_MAX_LENGTH),
                name="adcreative_primary_text_length",
            ),
        ]

    def __str__(self) -> str:
        return self.name


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
    daily_budget_minor = models.BigIntegerField(validators=[MinValueValidator(1), MaxValueValidator(MONEY_MAX_MINOR)])
    currency = models.CharField(max_length=3)
    start_at = models.DateTimeField(null=True, blank=True)
    end_at = models.DateTimeField(null=True, blank=True)
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    creative = models.ForeignKey(AdCreative, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The social post this campaign promotes, by id: ads may not import social; growth joins them.
    source_post_id = models.PositiveBigIntegerField(null=True, blank=True)
    # The /r/<code> link the campaign's ads send shoppers through; its destination is the UTM-tagged landing page.
    tracked_link = models.ForeignKey(
        "stores.TrackedLink", null=True, blank=True, on_delete=models.SET_NULL, related_name="campaigns"
    )
    external_budget_id = models.CharField(max_length=64, blank=True)
    external_campaign_id = models.CharField(max_length=64, blank=True)
    external_adset_id = models.CharField(max_length=64, blank=True)
    external_creative_id = models.CharField(max_length=64, blank=True)
    external_ad_id = models.CharField(max_length=64, blank=True)
    create_attempts = models.PositiveIntegerField(default=0)
    # The chain level whose create was sent and not answered (a timeout, a 5xx, a worker lost mid-call): it may
    # exist at the platform, so it is looked up by name before being created again.
    unconfirmed_level = models.CharField(max_length=16, blank=True)
    # What the platform holds, as far as Growth Hub knows: the status and daily budget it last confirmed, except
    # that an activation or a raise is written here *before* it is sent, so these are always the most the campaign
    # may be delivering at (an unanswered raise may have landed; an unanswered lowering counts only once confirmed).
    # ``status`` and ``daily_budget_minor`` above are what the merchant wants; the spend cap counts the larger.
    platform_status = models.CharField(max_length=16, choices=PlatformStatus.choices, blank=True)
    platform_daily_budget_minor = models.BigIntegerField(null=True, blank=True)
    # The raises written above before they were sent and not yet answered ("activate", "budget", comma-separated):
    # they count as delivering for the cap, but are sent again until the platform confirms them.
    unconfirmed_raise = models.CharField(max_length=32, blank=True)
    # The outbox of this campaign: when its creation or its pending changes are next due to be pushed. The task
    # that recorded them (or its retry) pushes them then; the minute sweep hands a campaign to a worker again once
    # this is ADS_OUTBOX_DEADLINE_SECONDS past, so a lost broker message delays a change but never loses it.
    next_push_at = models.DateTimeField(null=True, blank=True)
    # A worker talking to the platform about this campaign holds it until then: one push per campaign at a time,
    # so changes reach the platform in order. A worker that dies lets go when it runs out.
    push_claimed_until = models.DateTimeField(null=True, blank=True)
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
            models.CheckConstraint(
                condition=models.Q(daily_budget_minor__lte=MONEY_MAX_MINOR), name="adcampaign_budget_bounded"
            ),
            models.UniqueConstraint(
                fields=["platform", "connection", "external_campaign_id"],
                condition=~models.Q(external_campaign_id=""),
                name="adcampaign_unique_external_id",
            ),
        ]
        indexes = [
            models.Index(fields=["store", "status"]),
            models.Index(fields=["connection", "status"]),
            models.Index(fields=["next_push_at"], name="adcampaign_next_push"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def pending_change(self) -> str:
        """What is asked and not yet confirmed by the platform ("pausing", "activating", "archiving", "budget"), or
        "" when the platform holds what the merchant wants. Read from this row alone (no query), for list pages."""
        unknown = not self.platform_status  # not created yet, or a row that never went through a push
        if unknown or not self.external_campaign_id or self.status in (CampaignStatus.DRAFT, CampaignStatus.COMPLETED):
            return ""
        if self.status == CampaignStatus.ARCHIVED and self.platform_status != PlatformStatus.ARCHIVED:
            return "archiving"
        if self.status == CampaignStatus.PAUSED and self.platform_status != PlatformStatus.PAUSED:
            return "pausing"
        unconfirmed = self.unconfirmed_raise.split(",")
        activated = self.platform_status == PlatformStatus.ACTIVE and "activate" not in unconfirmed
        if self.status == CampaignStatus.ACTIVE and not activated:
            return "activating"
        live = (CampaignStatus.ACTIVE, CampaignStatus.PAUSED)
        known_budget = self.platform_daily_budget_minor is not None
        budget_differs = known_budget and self.platform_daily_budget_minor != self.daily_budget_minor
        if self.status in live and (budget_differs or "budget" in unconfirmed):
            return "budget"
        return ""

    @property
    def pending_change_label(self) -> str:
        """The pending change as the dashboard shows it beside the status badge."""
        return PENDING_CHANGE_LABELS.get(self.pending_change, "")

    @property
    def platform_name(self) -> str:
        """The name the campaign carries at the platform: unique per intent, so it can be looked up again."""
        return f"{self.name} [gh-{self.intent_id.hex[:12]}]"

    @property
    def roas(self) -> float | None:
        return self.purchase_value_minor / self.spend_minor if self.spend_minor else None

    @property
    def cpa_minor(self) -> int | None:
        """Spend per purchase in minor units, halves rounded up as all computed money is (``stores.money``)."""
        if not self.purchases:
            return None
        return int((Decimal(self.spend_minor) / self.purchases).quantize(Decimal(1), rounding=ROUND_HALF_UP))


PENDING_CHANGE_LABELS = {
    "archiving": "Archiving…",
    "pausing": "Pausing…",
    "activating": "Activating…",
    "budget": "Budget change pending…",
}


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


class CampaignAction(ActorFields):
    """Every change to a campaign: who or what asked for it (the actor columns, and the rule when one acted), what,
    why, and how it ended."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(AdCampaign, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=16, choices=ActionKind.choices)
    rule = models.ForeignKey("AdRule", null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    reason = models.CharField(max_length=500, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    result = models.CharField(max_length=16, choices=ActionResult.choices, default=ActionResult.PENDING)
    # While pending: why the last push did not finish it (a platform error, or a raise waiting for room under the
    # cap at the platform); when failed: the platform's refusal.
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)  # pushes to the platform that carried this change
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["campaign", "rule", "created_at"]),
            models.Index(fields=["campaign", "result"], name="campaignaction_campaign_result"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.campaign_id} ({self.result})"


class AdRule(models.Model):
    """``metric operator threshold`` over the last ``window_days`` days (today included), for campaigns that spent
    at least ``min_spend_minor`` in the window → ``action``, at most once per campaign per ``cooldown_hours``."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="ad_rules")
    name = models.CharField(max_length=120)
    enabled = models.BooleanField(default=True)
    platform = models.CharField(max_length=16, choices=PLATFORM_CHOICES, blank=True, help_text="empty = all")
    metric = models.CharField(max_length=16, choices=RuleMetric.choices)
    operator = models.CharField(max_length=4, choices=RuleOperator.choices)
    threshold = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(RULE_THRESHOLD_MAX)],
    )
    window_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(RULE_WINDOW_DAYS_MAX)]
    )
    min_spend_minor = models.BigIntegerField(default=0, validators=_money_validators())
    action = models.CharField(max_length=16, choices=RuleAction.choices)
    change_percent = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(RULE_CHANGE_PERCENT_MAX)]
    )
    # No database constraint on purpose: a rule stored before these bounds (or written past them) must still be
    # loadable so the hourly run can refuse it, record why on the rule and go on with the others.
    cooldown_hours = models.PositiveIntegerField(default=24, validators=[MaxValueValidator(RULE_COOLDOWN_HOURS_MAX)])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    # Why the last hourly evaluation failed (cleared by the next one that succeeds), shown on the rules page.
    last_error = models.CharField(max_length=1000, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_days__gte=1) & models.Q(window_days__lte=RULE_WINDOW_DAYS_MAX),
                name="adrule_window_range",
            ),
            models.CheckConstraint(
                condition=models.Q(threshold__gte=0) & models.Q(threshold__lte=RULE_THRESHOLD_MAX),
                name="adrule_threshold_range",
            ),
            models.CheckConstraint(
                condition=models.Q(min_spend_minor__gte=0) & models.Q(min_spend_minor__lte=MONEY_MAX_MINOR),
                name="adrule_min_spend_range",
            ),
            models.CheckConstraint(
                condition=models.Q(change_percent__lte=RULE_CHANGE_PERCENT_MAX), name="adrule_change_percent_range"
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
