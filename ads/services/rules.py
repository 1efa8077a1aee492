"""Automated rules: a condition over a window of daily insights → an action, with a cooldown per campaign.

A rule reads the campaign's insight rows for the last ``window_days`` days of the store (today included) and
computes spend, ROAS, CPA, CTR and conversions. It matches when the window's spend is at least
``min_spend_minor`` and ``metric operator threshold`` holds (money thresholds in major units). A matched campaign
that the same rule acted on within ``cooldown_hours`` is left alone. Actions go through the campaign services, so
the guardrails apply to rules as to anyone; a refusal is logged as a refused action. A preview (``dry_run``) lists
the same outcomes and writes nothing.
"""

import datetime as dt
import logging
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from ads.metrics import LOOP_ITEM_FAILURES
from ads.models import (
    MONEY_MAX_MINOR,
    RULE_CHANGE_PERCENT_MAX,
    RULE_COOLDOWN_HOURS_MAX,
    RULE_CTR_THRESHOLD_MAX,
    RULE_THRESHOLD_MAX,
    RULE_WINDOW_DAYS_MAX,
    ActionKind,
    ActionResult,
    AdCampaign,
    AdInsight,
    AdRule,
    AdRuleRun,
    CampaignAction,
    CampaignStatus,
    RuleAction,
    RuleMetric,
    RuleOperator,
)
from ads.services.events import action_record
from ads.services.guardrails import money
from ads.services.transitions import campaign_change_budget, campaign_pause, campaign_resume
from platforms.constants import AD_PLATFORMS
from stores.actors import Actor
from stores.clock import store_today
from stores.exceptions import ApplicationError
from stores.models import Membership, Store, StoreStatus
from stores.money import to_major, to_minor
from stores.permissions import membership_require

logger = logging.getLogger("ads.rules")

MONEY_METRICS = (RuleMetric.SPEND, RuleMetric.CPA)
COMPARE = {
    RuleOperator.LT: lambda a, b: a < b,
    RuleOperator.LTE: lambda a, b: a <= b,
    RuleOperator.GT: lambda a, b: a > b,
    RuleOperator.GTE: lambda a, b: a >= b,
}
SYMBOL = {RuleOperator.LT: "<", RuleOperator.LTE: "≤", RuleOperator.GT: ">", RuleOperator.GTE: "≥"}
INFINITE = Decimal("Infinity")


def _whole(value: Any) -> int | None:
    """``value`` as an integer, or None when it is not a whole number."""
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return int(number) if number.is_finite() and number == number.to_integral_value() else None


def _problems(
    *,
    currency: str,
    name: str,
    metric: str,
    operator: str,
    threshold: Any,
    window_days: Any,
    min_spend_minor: Any,
    action: str,
    change_percent: Any,
    cooldown_hours: Any,
    platform: str,
) -> tuple[list[str], dict[str, Any]]:
    """Every way the fields are out of bounds, and the cleaned fields. The bounds are the ones in ``ads.models``."""
    problems = []
    name = (name or "").strip()
    if not name or len(name) > 120:
        problems.append("Give the rule a name of 1 to 120 characters.")
    if metric not in RuleMetric.values:
        problems.append("Choose spend, ROAS, CPA, CTR or conversions.")
    if operator not in RuleOperator.values:
        problems.append("Choose <, ≤, > or ≥.")
    try:
        threshold = Decimal(str(threshold))
        if not threshold.is_finite() or threshold < 0:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        problems.append("The threshold must be a number of zero or more.")
    else:
        ceiling = RULE_CTR_THRESHOLD_MAX if metric == RuleMetric.CTR else RULE_THRESHOLD_MAX
        if threshold > ceiling:
            what = "A CTR threshold" if metric == RuleMetric.CTR else "The threshold"
            problems.append(f"{what} is at most {ceiling:,}.")
        else:
            threshold = threshold.quantize(Decimal("0.0001"))
    window_days, min_spend_minor = _whole(window_days), _whole(min_spend_minor)
    change_percent, cooldown_hours = _whole(change_percent), _whole(cooldown_hours)
    if window_days is None or not 1 <= window_days <= RULE_WINDOW_DAYS_MAX:
        problems.append(f"The window is 1 to {RULE_WINDOW_DAYS_MAX} days.")
    if min_spend_minor is None or min_spend_minor < 0:
        problems.append("The minimum spend cannot be negative.")
    elif min_spend_minor > MONEY_MAX_MINOR:
        problems.append(f"The minimum spend is at most {to_major(MONEY_MAX_MINOR, currency):,}.")
    if action not in RuleAction.values:
        problems.append("Choose pause, resume, raise or lower budget, or notify.")
    changes_budget = action in (RuleAction.BUDGET_UP, RuleAction.BUDGET_DOWN)
    lowest_percent = 1 if changes_budget else 0
    if change_percent is None or not lowest_percent <= change_percent <= RULE_CHANGE_PERCENT_MAX:
        problems.append(f"A budget change is 1 to {RULE_CHANGE_PERCENT_MAX} percent.")
    if cooldown_hours is None or cooldown_hours < 0:
        problems.append("The cooldown cannot be negative.")
    elif cooldown_hours > RULE_COOLDOWN_HOURS_MAX:
        problems.append(
            f"The cooldown is at most {RULE_COOLDOWN_HOURS_MAX} hours ({RULE_COOLDOWN_HOURS_MAX // 24} days)."
        )
    if platform and platform not in AD_PLATFORMS:
        problems.append("Choose an ad platform or all of them.")
    cleaned = {
        "name": name,
        "metric": metric,
        "operator": operator,
        "threshold": threshold,
        "window_days": window_days,
        "min_spend_minor": min_spend_minor,
        "action": action,
        "change_percent": change_percent,
        "cooldown_hours": cooldown_hours,
        "platform": platform,
    }
    return problems, cleaned


def _clean(currency: str, **fields: Any) -> dict[str, Any]:
    problems, cleaned = _problems(currency=currency, **fields)
    if problems:
        raise ApplicationError(" ".join(problems), code="invalid_rule")
    return cleaned


def rule_check_bounds(*, rule: AdRule) -> None:
    """Refuse (ApplicationError) a stored rule whose fields are out of bounds: one saved before the bounds existed,
    or written past the services. Evaluating it could overflow a date or act on nonsense."""
    problems, _ = _problems(currency=rule.store.currency, **{field: getattr(rule, field) for field in RULE_FIELDS})
    if problems:
        raise ApplicationError(
            f"“{rule.name}” cannot run until it is edited: {' '.join(problems)}", code="invalid_rule"
        )


RULE_FIELDS = (
    "name",
    "metric",
    "operator",
    "threshold",
    "window_days",
    "min_spend_minor",
    "action",
    "change_percent",
    "cooldown_hours",
    "platform",
)


@transaction.atomic
def rule_create(*, store: Store, by: Membership | None, user: AbstractBaseUser | None = None, **fields: Any) -> AdRule:
    """A new enabled rule. Fields: name, metric, operator, threshold, window_days, min_spend_minor, action,
    change_percent, cooldown_hours, platform."""
    if by is not None:
        membership_require(by, write=True)
    return AdRule.objects.create(store=store, created_by=user, **_clean(store.currency, **fields))


@transaction.atomic
def rule_update(*, rule: AdRule, by: Membership | None, enabled: bool = True, **fields: Any) -> AdRule:
    if by is not None:
        membership_require(by, write=True)
    for key, value in _clean(rule.store.currency, **fields).items():
        setattr(rule, key, value)
    rule.enabled = enabled
    rule.save()
    return rule


@transaction.atomic
def rule_delete(*, rule: AdRule, by: Membership | None) -> None:
    if by is not None:
        membership_require(by, write=True)
    rule.delete()


def rule_window(rule: AdRule, now: dt.datetime) -> tuple[dt.date, dt.date]:
    """The rule's window: its last ``window_days`` days of the store's calendar, today included."""
    today = store_today(store=rule.store, now=now)
    return today - dt.timedelta(days=rule.window_days - 1), today


def _major(minor: int, currency: str) -> Decimal:
    """A money metric in major units, as written in a threshold: ``6000`` USD -> ``60``, ``6050`` -> ``60.5``."""
    amount = to_major(minor, currency)
    return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount.normalize()


def _metric_value(metric: str, totals: dict[str, int], currency: str) -> Decimal | None:
    spend, purchases = totals["spend"], totals["purchases"]
    if metric == RuleMetric.SPEND:
        return _major(spend, currency)
    if metric == RuleMetric.ROAS:
        return (Decimal(totals["value"]) / spend).quantize(Decimal("0.0001")) if spend else None
    if metric == RuleMetric.CPA:
        if purchases:
            return (to_major(spend, currency) / purchases).quantize(to_major(1, currency), rounding=ROUND_HALF_UP)
        return INFINITE if spend else None
    if metric == RuleMetric.CTR:
        impressions = totals["impressions"]
        return (Decimal(totals["clicks"]) * 100 / impressions).quantize(Decimal("0.0001")) if impressions else None
    return Decimal(purchases)


def _scope(rule: AdRule) -> list[AdCampaign]:
    statuses = {
        RuleAction.RESUME: [CampaignStatus.PAUSED],
        RuleAction.NOTIFY: [CampaignStatus.ACTIVE, CampaignStatus.PAUSED],
    }.get(rule.action, [CampaignStatus.ACTIVE])
    qs = AdCampaign.objects.filter(store=rule.store, status__in=statuses).select_related("store", "connection")
    if rule.platform:
        qs = qs.filter(platform=rule.platform)
    return list(qs.order_by("pk"))


def _describe(rule: AdRule, value: Decimal | None, totals: dict[str, int], currency: str) -> str:
    shown = "∞" if value == INFINITE else ("n/a" if value is None else f"{value.normalize():f}")
    return (
        f"{rule.name}: {rule.get_metric_display()} {shown} {SYMBOL[rule.operator]} {rule.threshold.normalize():f} "
        f"over the last {rule.window_days} days (spend {money(totals['spend'], currency)})"
    )


def _new_budget(rule: AdRule, campaign: AdCampaign) -> int:
    """The budget after the rule's change, to the nearest minor unit with halves rounded up (as everywhere money
    is computed); never below one minor unit."""
    factor = 100 + rule.change_percent if rule.action == RuleAction.BUDGET_UP else 100 - rule.change_percent
    changed = to_major(campaign.daily_budget_minor, campaign.currency) * factor / 100
    return max(1, to_minor(changed, campaign.currency, round_half_up=True))


def _act(rule: AdRule, campaign: AdCampaign, reason: str) -> str:
    actor = Actor.for_rule(rule)
    try:
        if rule.action == RuleAction.PAUSE:
            campaign_pause(campaign=campaign, actor=actor, reason=reason)
            return "paused"
        if rule.action == RuleAction.RESUME:
            campaign_resume(campaign=campaign, actor=actor, reason=reason)
            return "resumed"
        if rule.action in (RuleAction.BUDGET_UP, RuleAction.BUDGET_DOWN):
            budget = _new_budget(rule, campaign)
            campaign_change_budget(campaign=campaign, daily_budget_minor=budget, actor=actor, reason=reason)
            return f"budget set to {money(budget, campaign.currency)}"
    except ApplicationError as refusal:
        action_record(
            campaign,
            kind=_ACTION_KIND[rule.action],
            actor=actor,
            reason=reason,
            before={},
            after={},
            result=ActionResult.REFUSED,
            error=refusal.message,
        )
        return f"refused: {refusal.message}"
    action_record(campaign, kind=ActionKind.NOTIFY, actor=actor, reason=reason, before={}, after={}, result="applied")
    logger.warning("ad rule notification", extra={"rule_id": rule.pk, "campaign_id": campaign.pk, "reason": reason})
    return "notified"


_ACTION_KIND = {
    RuleAction.PAUSE: ActionKind.PAUSE,
    RuleAction.RESUME: ActionKind.RESUME,
    RuleAction.BUDGET_UP: ActionKind.BUDGET,
    RuleAction.BUDGET_DOWN: ActionKind.BUDGET,
    RuleAction.NOTIFY: ActionKind.NOTIFY,
}


def _would(rule: AdRule, campaign: AdCampaign) -> str:
    if rule.action in (RuleAction.BUDGET_UP, RuleAction.BUDGET_DOWN):
        return f"would set the budget to {money(_new_budget(rule, campaign), campaign.currency)}"
    return {"pause": "would pause", "resume": "would resume", "notify": "would notify"}[rule.action]


def rule_evaluate(*, rule: AdRule, now: dt.datetime | None = None, dry_run: bool = False) -> list[dict[str, Any]]:
    """Evaluate ``rule`` now. With ``dry_run`` nothing is written; otherwise matching campaigns are acted on and the
    run is logged. Returns one entry per campaign in scope: its numbers, whether it matched and the outcome.

    A stored rule out of bounds is refused (ApplicationError) before anything is read or written."""
    rule_check_bounds(rule=rule)
    now = now or timezone.now()
    since, until = rule_window(rule, now)
    campaigns = _scope(rule)
    sums = {
        row["campaign"]: row
        for row in AdInsight.objects.filter(campaign__in=campaigns, date__range=(since, until))
        .values("campaign")
        .annotate(
            spend=Sum("spend_minor"),
            value=Sum("purchase_value_minor"),
            purchases=Sum("purchases"),
            clicks=Sum("clicks"),
            impressions=Sum("impressions"),
        )
    }
    cooling = set()
    if rule.pk and rule.cooldown_hours:
        cooling = set(
            CampaignAction.objects.filter(
                rule=rule,
                campaign__in=campaigns,
                result__in=(ActionResult.APPLIED, ActionResult.PENDING, ActionResult.SUPERSEDED),
                created_at__gte=now - dt.timedelta(hours=rule.cooldown_hours),
            ).values_list("campaign_id", flat=True)
        )
    empty = {"spend": 0, "value": 0, "purchases": 0, "clicks": 0, "impressions": 0}
    results = []
    for campaign in campaigns:
        totals = {k: sums.get(campaign.pk, empty)[k] or 0 for k in empty}
        value = _metric_value(rule.metric, totals, campaign.currency)
        threshold = rule.threshold
        matched = (
            value is not None and totals["spend"] >= rule.min_spend_minor and COMPARE[rule.operator](value, threshold)
        )
        reason = _describe(rule, value, totals, campaign.currency)
        if not matched:
            outcome = "no match"
        elif campaign.pk in cooling:
            outcome = f"cooling down ({rule.cooldown_hours} h since this rule last acted)"
        elif dry_run:
            outcome = _would(rule, campaign)
        else:
            outcome = _act(rule, campaign, reason)
        results.append(
            {
                "campaign_id": campaign.pk,
                "campaign": campaign.name,
                "value": None if value is None else ("inf" if value == INFINITE else str(value)),
                "spend_minor": totals["spend"],
                "matched": matched,
                "outcome": outcome,
                "reason": reason,
            }
        )
    if not dry_run:
        AdRuleRun.objects.create(
            store=rule.store,
            rule=rule,
            ran_at=now,
            evaluated=len(results),
            matched=sum(1 for r in results if r["matched"]),
            results=results,
        )
        AdRule.objects.filter(pk=rule.pk).update(last_run_at=now, last_error="", last_error_at=None)
    return results


def rule_record_error(*, rule: AdRule, error: Exception, now: dt.datetime) -> None:
    """Record on the rule why its evaluation failed. A refusal's message is the merchant's to read; anything else
    is named by its kind only (the details, which may hold internals, go to the log)."""
    if isinstance(error, ApplicationError):
        message = error.message
    else:
        message = f"The rule could not be evaluated ({type(error).__name__}); the details are in Growth Hub's log."
    AdRule.objects.filter(pk=rule.pk).update(last_error=message[:1000], last_error_at=now)
    rule.last_error, rule.last_error_at = message[:1000], now


def rules_run_all(*, now: dt.datetime) -> int:
    """Run every enabled rule of every active store; returns how many rules ran.

    Each rule runs in its own transaction: one that fails (a stored value out of bounds, a store whose data breaks
    the evaluation) is rolled back, logged, counted and recorded on the rule, and the run goes on with the next."""
    rules = AdRule.objects.filter(enabled=True, store__status=StoreStatus.ACTIVE).select_related("store")
    count = 0
    for rule in rules.order_by("pk"):
        try:
            with transaction.atomic():
                rule_evaluate(rule=rule, now=now)
        except Exception as error:  # noqa: BLE001 - one rule's failure must not stop the other stores' rules
            logger.exception("ad rule evaluation failed", extra={"rule_id": rule.pk, "store_id": rule.store_id})
            LOOP_ITEM_FAILURES.labels(loop="ad_rules").inc()
            rule_record_error(rule=rule, error=error, now=now)
            continue
        count += 1
    return count
