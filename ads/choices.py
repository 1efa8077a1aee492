"""The words and bounds of the ads app: what a campaign, its actions and its rules may be, and the limits every
path (forms, API schemas, models, services) reads, so a value refused in one place is refused everywhere."""

from decimal import Decimal

from django.db import models

# What a merchant may ask for: the forms, the API schemas, the models and the services all read these bounds, so a
# value refused in one place is refused everywhere (and can never reach a date or an integer overflow).
MONEY_MAX_MINOR = 10_000_000_000  # 100,000,000.00 a day: above any real store's budget, far below a 64-bit integer
RULE_WINDOW_DAYS_MAX = 90
RULE_COOLDOWN_HOURS_MAX = 24 * 90  # a rule may wait up to 90 days before acting on the same campaign again
RULE_THRESHOLD_MAX = Decimal("1000000000")  # one billion (ROAS, money in major units, conversions)
RULE_CTR_THRESHOLD_MAX = Decimal("100")  # CTR is a percentage
RULE_CHANGE_PERCENT_MAX = 100
CAMPAIGN_LAST_DAY_MAX_DAYS = 730  # a campaign's last day is at most two years after today (the store's calendar)
# Google's responsive search ads take 3 to 15 headlines and 2 to 4 descriptions (shared/platform-apis.md, §6); Meta
# and TikTok use the first of each. Lengths are Growth Hub's ceilings: each platform's client cuts to its own limit
# (Google 30 / 90 characters, TikTok's ad text 100).
CREATIVE_HEADLINES_MAX = 15
CREATIVE_DESCRIPTIONS_MAX = 4
CREATIVE_HEADLINE_MAX_LENGTH = 255
CREATIVE_DESCRIPTION_MAX_LENGTH = 255
CREATIVE_PRIMARY_TEXT_MAX_LENGTH = 2200
URL_MAX_LENGTH = 2000


class Objective(models.TextChoices):
    SALES = "sales", "Sales"  # purchases on the store
    TRAFFIC = "traffic", "Traffic"  # visits to the product page
    AWARENESS = "awareness", "Awareness"  # reach


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Draft"  # intent recorded; being created at the platform
    ACTIVE = "active", "Active"  # delivering; its budget counts against the store's cap
    PAUSED = "paused", "Paused"  # created, not delivering
    COMPLETED = "completed", "Completed"  # past its end date
    ARCHIVED = "archived", "Archived"  # removed at the platform; history kept
    ERROR = "error", "Error"  # the platform refused it; see last_error
    HELD = "held", "Held"  # its connection went bad; nothing is sent until the merchant reconnects


class PlatformStatus(models.TextChoices):
    """A campaign's state at the platform (see ``AdCampaign.platform_status``); empty until it exists there."""

    ACTIVE = "active", "Active"  # delivering, or an activation was sent and may have landed
    PAUSED = "paused", "Paused"  # the platform confirmed it is not delivering
    ARCHIVED = "archived", "Archived"  # the platform confirmed it removed it


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


class ActionResult(models.TextChoices):
    PENDING = "pending", "Pending"  # recorded; the platform call has not finished
    APPLIED = "applied", "Applied"
    FAILED = "failed", "Failed"  # the platform refused; the change was undone here
    REFUSED = "refused", "Refused"  # a guardrail or rule said no; nothing was sent
    SUPERSEDED = "superseded", "Superseded"  # a later change of the same thing was pushed in its place


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
