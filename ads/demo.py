"""The demo store's year of paid campaigns on Meta, Google and TikTok, with their daily insights.

Consistent with the sandbox's market by construction: every day of every campaign goes through
``platforms.ads_market.day_outcome`` (the response model the sandbox reports with) with the campaign's platform id,
its delivery history (start, budget changes, pauses, end), the landing product's price and the market seed, as
seen at the end of the seeded period. A sandbox campaign with the same id and history reports the same numbers.

The campaigns belong to the demo store's connections (``stores.demo_connections``), which wait for a sign-in; so
every seeded campaign has ended by the end of the period (completed at its end date, or archived when it was
stopped early) and nothing live depends on a connection without a token.

Everything is drawn from ``random.Random(f"{seed}:ads")``: the same seed and period give the same rows.
"""

import datetime as dt
import random
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from ads.models import (
    ActionKind,
    ActionResult,
    ActorKind,
    AdCampaign,
    AdCreative,
    AdInsight,
    AdRule,
    AdRuleRun,
    CampaignAction,
    CampaignStatus,
    Objective,
    PlatformStatus,
    RuleAction,
    RuleMetric,
    RuleOperator,
    StoreAdSettings,
)
from platforms import ads_market
from platforms.ads_common import ads_client_class
from platforms.constants import AD_PLATFORMS, GOOGLE_ADS, META_ADS, PLATFORM_NAMES, TIKTOK_ADS
from stores.demo import DemoSeedPlan, ProgressFactory
from stores.demo_connections import demo_connections_ensure
from stores.exceptions import ApplicationError
from stores.models import Membership, Product, ProductStatus, Role, Store

# Daily budget range (minor units) and how many days a campaign usually runs, per platform.
BUDGETS = {META_ADS: (2_000, 9_000), GOOGLE_ADS: (1_500, 7_000), TIKTOK_ADS: (2_000, 6_000)}
RUN_DAYS = (14, 49)
GAP_DAYS = (6, 24)  # between the starts of two campaigns on one platform
# Our objective, weighted, per platform (Google search campaigns here serve sales or traffic).
OBJECTIVE_WEIGHTS = {
    META_ADS: ((Objective.SALES, 6), (Objective.TRAFFIC, 2), (Objective.AWARENESS, 1)),
    GOOGLE_ADS: ((Objective.SALES, 4), (Objective.TRAFFIC, 1)),
    TIKTOK_ADS: ((Objective.SALES, 4), (Objective.TRAFFIC, 2), (Objective.AWARENESS, 2)),
}
ID_SHAPES = {META_ADS: ("1202", 14), GOOGLE_ADS: ("2", 10), TIKTOK_ADS: ("18", 17)}
LEVELS = {
    META_ADS: ("campaign", "adset", "creative", "ad"),
    GOOGLE_ADS: ("budget", "campaign", "adset", "ad"),
    TIKTOK_ADS: ("campaign", "adset", "ad"),
}
# A demo campaign's final status as its platform holds it (a completed one ran to its end there).
DEMO_PLATFORM_STATUS = {
    CampaignStatus.ACTIVE: PlatformStatus.ACTIVE,
    CampaignStatus.PAUSED: PlatformStatus.PAUSED,
    CampaignStatus.ARCHIVED: PlatformStatus.ARCHIVED,
    CampaignStatus.COMPLETED: PlatformStatus.ACTIVE,
}
DEMO_SETTINGS = {
    "daily_spend_cap_minor": 40_000,
    "max_campaign_daily_budget_minor": 15_000,
    "meta_page_id": "104000000000001",
    "meta_pixel_id": "880000000000001",
    "tiktok_pixel_id": "C0NORTHWIND01",
}


@dataclass
class Segment:
    """From ``at``: serving or not, at ``daily_budget_minor`` a day (the shape ``ads_market`` reads)."""

    at: dt.datetime
    delivering: bool
    daily_budget_minor: int


@dataclass
class PlannedCampaign:
    platform: str
    product: Product
    objective: str
    name: str
    start: dt.datetime
    end: dt.datetime
    budget_minor: int
    stopped_early: bool
    ids: dict[str, str]
    intent: uuid.UUID
    history: list[Segment] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)


def market_objective(platform: str, objective: str) -> str:
    """The platform's own objective (Meta, TikTok) or bidding enum (Google) the market weighs an objective by."""
    value = ads_client_class(platform).objectives[objective]
    return re.sub(r"(?<!^)(?=[A-Z])", "_", value).upper() if platform == GOOGLE_ADS else value


def _external_id(rng: random.Random, platform: str) -> str:
    prefix, digits = ID_SHAPES[platform]
    return f"{prefix}{rng.randrange(10**digits):0{digits}d}"


def _local_start(day: dt.date, tz: dt.tzinfo, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=tz).astimezone(dt.UTC)


def _plan_campaigns(*, plan: DemoSeedPlan, products: list[Product], rng: random.Random) -> list[PlannedCampaign]:
    tz = plan.store.tzinfo
    first_day = plan.start.astimezone(tz).date()
    last_end = plan.end
    out: list[PlannedCampaign] = []
    for platform in AD_PLATFORMS:
        day = first_day + dt.timedelta(days=rng.randint(0, 10))
        low, high = BUDGETS[platform]
        objectives, weights = zip(*OBJECTIVE_WEIGHTS[platform], strict=True)
        while True:
            start = _local_start(day, tz, rng.randint(8, 11))
            run = rng.randint(*RUN_DAYS)
            end_day = day + dt.timedelta(days=run)
            end = dt.datetime.combine(end_day, dt.time.min, tzinfo=tz).astimezone(dt.UTC)
            if end > last_end:
                break
            product = rng.choice(products)
            objective = rng.choices(objectives, weights=weights)[0]
            budget = rng.randrange(low, high + 1, 100)
            stopped_early = rng.random() < 0.15
            campaign = PlannedCampaign(
                platform=platform,
                product=product,
                objective=objective,
                name=f"{product.title} · {start.astimezone(tz):%b %Y}",
                start=start,
                end=end,
                budget_minor=budget,
                stopped_early=stopped_early,
                ids={level: _external_id(rng, platform) for level in LEVELS[platform]},
                intent=uuid.UUID(int=rng.getrandbits(128), version=4),
            )
            _plan_history(campaign, rng=rng, tz=tz)
            out.append(campaign)
            day += dt.timedelta(days=rng.randint(*GAP_DAYS))
    return out


def _plan_history(campaign: PlannedCampaign, *, rng: random.Random, tz: dt.tzinfo) -> None:
    """Start, maybe a budget change and a pause of a few days, then the end (or an early stop)."""
    run_days = (campaign.end - campaign.start).days
    budget = campaign.budget_minor
    history = [Segment(campaign.start, True, budget)]
    actions: list[dict[str, Any]] = [
        {"kind": ActionKind.CREATE, "at": campaign.start - dt.timedelta(minutes=5), "before": {}, "after": {}},
        {
            "kind": ActionKind.ACTIVATE,
            "at": campaign.start,
            "before": {"status": CampaignStatus.PAUSED},
            "after": {"status": CampaignStatus.ACTIVE},
        },
    ]
    if rng.random() < 0.45 and run_days > 7:
        at = campaign.start + dt.timedelta(days=rng.randint(4, run_days - 3), hours=rng.randint(0, 6))
        new_budget = max(BUDGETS[campaign.platform][0], round(budget * rng.choice((0.7, 0.8, 1.2, 1.3)) / 100) * 100)
        history.append(Segment(at, True, new_budget))
        reason = "Scaling a winner." if new_budget > budget else "Trimming a slow spender."
        actions.append(
            {
                "kind": ActionKind.BUDGET,
                "at": at,
                "before": {"daily_budget_minor": budget},
                "after": {"daily_budget_minor": new_budget},
                "reason": reason,
            }
        )
        budget = new_budget
    if rng.random() < 0.25 and run_days > 12:
        at = max(history[-1].at, campaign.start) + dt.timedelta(days=rng.randint(1, 4), hours=rng.randint(1, 8))
        back = at + dt.timedelta(days=rng.randint(2, 5), hours=rng.randint(0, 6))
        if back < campaign.end - dt.timedelta(days=1):
            history += [Segment(at, False, 0), Segment(back, True, budget)]
            actions += [
                {
                    "kind": ActionKind.PAUSE,
                    "at": at,
                    "before": {"status": CampaignStatus.ACTIVE},
                    "after": {"status": CampaignStatus.PAUSED},
                    "reason": "Stock running low.",
                },
                {
                    "kind": ActionKind.RESUME,
                    "at": back,
                    "before": {"status": CampaignStatus.PAUSED},
                    "after": {"status": CampaignStatus.ACTIVE},
                    "reason": "Restocked.",
                },
            ]
    if campaign.stopped_early:
        stop = max(history[-1].at + dt.timedelta(hours=6), campaign.end - dt.timedelta(days=rng.randint(2, 6)))
        campaign.end = min(stop, campaign.end)
        actions.append(
            {
                "kind": ActionKind.ARCHIVE,
                "at": campaign.end,
                "before": {"status": CampaignStatus.ACTIVE},
                "after": {"status": CampaignStatus.ARCHIVED},
                "reason": "Stopped early: it was not paying back.",
            }
        )
    else:
        actions.append(
            {
                "kind": ActionKind.COMPLETE,
                "at": campaign.end,
                "before": {"status": CampaignStatus.ACTIVE},
                "after": {"status": CampaignStatus.COMPLETED},
                "reason": "Reached its end date.",
            }
        )
    history.append(Segment(campaign.end, False, 0))
    campaign.history, campaign.actions = history, actions


def campaign_days(
    *, campaign: PlannedCampaign, tz: dt.tzinfo, reported_at: dt.datetime, seed: int
) -> list[ads_market.DayOutcome]:
    """The campaign's days as the market reports them at ``reported_at`` (empty days left out, as platforms do)."""
    reported_through = reported_at.astimezone(tz).date()
    objective = market_objective(campaign.platform, campaign.objective)
    days = []
    day = campaign.start.astimezone(tz).date()
    last = min(campaign.end, reported_at).astimezone(tz).date()
    while day <= last:
        start, end = ads_market.day_bounds(day, tz)
        planned = ads_market.planned_spend(campaign.history, start, min(end, reported_at), stop=campaign.end)
        outcome = ads_market.day_outcome(
            platform=campaign.platform,
            campaign_id=campaign.ids["campaign"],
            objective=objective,
            day=day,
            planned_spend_minor=planned,
            price_minor=campaign.product.price_minor,
            reported_through=reported_through,
            seed=seed,
        )
        if not outcome.empty:
            days.append(outcome)
        day += dt.timedelta(days=1)
    return days


def _creative(store: Store, campaign: PlannedCampaign, rng: random.Random) -> AdCreative:
    product = campaign.product
    return AdCreative(
        store=store,
        name=campaign.name,
        product=product,
        headlines=[product.title[:30], "Built for the trail", "Free returns, fast shipping"],
        descriptions=[
            f"{product.title}: made by Northwind Outfitters for long days outside.",
            "Order today, ships tomorrow.",
        ],
        primary_text=f"{product.title} is back for the season.",
        link_url=product.url,
        image_url=product.image_url,
        video_id=f"v10033g50000{rng.randrange(10**8):08d}" if campaign.platform == TIKTOK_ADS else "",
    )


@transaction.atomic
def demo_ads_seed(*, plan: DemoSeedPlan, progress: ProgressFactory) -> str:
    """Seed step: ad settings, two rules, and a year of ended campaigns with their creatives, action logs and
    daily insights, bulk-inserted. Refuses a store that already has campaigns (reset it first)."""
    store = plan.store
    if AdCampaign.objects.filter(store=store).exists():
        raise ApplicationError(
            "The demo store already has ad campaigns; reset it before seeding again.", code="demo_not_empty"
        )
    products = list(
        Product.objects.filter(store=store, status=ProductStatus.ACTIVE).exclude(url="").order_by("external_id")
    )
    if not products:
        raise ApplicationError("Seed the demo store's products before its campaigns.", code="demo_no_products")
    connections = demo_connections_ensure(store=store)
    owner = Membership.objects.filter(store=store, role=Role.OWNER).order_by("pk").values_list("user", flat=True)
    owner_id = owner.first()
    StoreAdSettings.objects.update_or_create(store=store, defaults=DEMO_SETTINGS)
    rng = random.Random(f"{plan.seed}:ads")
    seed = ads_market.market_seed()
    tz = store.tzinfo
    planned = _plan_campaigns(plan=plan, products=products, rng=rng)
    creatives = AdCreative.objects.bulk_create([_creative(store, c, rng) for c in planned])
    campaigns: list[AdCampaign] = []
    days_by_campaign: list[list[ads_market.DayOutcome]] = []
    with progress("ad campaigns", len(planned)) as bar:
        for item, creative in zip(planned, creatives, strict=True):
            days = campaign_days(campaign=item, tz=tz, reported_at=plan.end, seed=seed)
            days_by_campaign.append(days)
            final = item.actions[-1]["after"]["status"]
            campaigns.append(
                AdCampaign(
                    store=store,
                    platform=item.platform,
                    connection=connections[item.platform],
                    intent_id=item.intent,
                    name=item.name,
                    objective=item.objective,
                    status=final,
                    daily_budget_minor=item.history[-2].daily_budget_minor or item.budget_minor,
                    currency=store.currency,
                    start_at=item.start,
                    end_at=item.end,
                    product=item.product,
                    creative=creative,
                    external_budget_id=item.ids.get("budget", ""),
                    external_campaign_id=item.ids["campaign"],
                    external_adset_id=item.ids["adset"],
                    external_creative_id=item.ids.get("creative", ""),
                    external_ad_id=item.ids["ad"],
                    # The sandbox holds the same history, so the platform state is the final one.
                    platform_status=DEMO_PLATFORM_STATUS.get(final, ""),
                    platform_daily_budget_minor=item.history[-2].daily_budget_minor or item.budget_minor,
                    create_attempts=1,
                    spend_minor=sum(d.spend_minor for d in days),
                    impressions=sum(d.impressions for d in days),
                    clicks=sum(d.clicks for d in days),
                    purchases=sum(d.purchases for d in days),
                    purchase_value_minor=sum(d.value_minor for d in days),
                    insights_synced_at=plan.end,
                    created_by_id=owner_id,
                )
            )
            bar.update(1)
    campaigns = AdCampaign.objects.bulk_create(campaigns)
    for campaign, item in zip(campaigns, planned, strict=True):
        campaign.created_at = campaign.updated_at = item.start - dt.timedelta(minutes=5)
    AdCampaign.objects.bulk_update(campaigns, ["created_at", "updated_at"])
    AdInsight.objects.bulk_create(
        AdInsight(
            store=store,
            campaign=campaign,
            date=d.date,
            spend_minor=d.spend_minor,
            impressions=d.impressions,
            clicks=d.clicks,
            purchases=d.purchases,
            purchase_value_minor=d.value_minor,
            synced_at=plan.end,
        )
        for campaign, days in zip(campaigns, days_by_campaign, strict=True)
        for d in days
    )
    _write_actions(store=store, campaigns=campaigns, planned=planned, owner_id=owner_id)
    _write_rules(store=store, owner_id=owner_id)
    insights = sum(len(days) for days in days_by_campaign)
    spend = sum(c.spend_minor for c in campaigns)
    per_platform = ", ".join(f"{sum(c.platform == p for c in campaigns)} on {PLATFORM_NAMES[p]}" for p in AD_PLATFORMS)
    spent = f"{store.currency} {spend / 100:,.2f}"
    return f"{len(campaigns)} campaigns ({per_platform}), {insights} daily insights, {spent} spent"


def _write_actions(
    *, store: Store, campaigns: list[AdCampaign], planned: list[PlannedCampaign], owner_id: int | None
) -> None:
    rows = []
    for campaign, item in zip(campaigns, planned, strict=True):
        for action in item.actions:
            by_owner = action["kind"] in (ActionKind.CREATE, ActionKind.BUDGET, ActionKind.PAUSE, ActionKind.RESUME)
            by_owner = by_owner or action["kind"] == ActionKind.ARCHIVE
            rows.append(
                CampaignAction(
                    store=store,
                    campaign=campaign,
                    kind=action["kind"],
                    actor_kind=ActorKind.USER if by_owner else ActorKind.SYSTEM,
                    actor_user_id=owner_id if by_owner else None,
                    reason=action.get("reason", ""),
                    before=action["before"],
                    after=action["after"],
                    result=ActionResult.APPLIED,
                    finished_at=action["at"],
                )
            )
    rows = CampaignAction.objects.bulk_create(rows)
    for row in rows:
        row.created_at = row.finished_at
    CampaignAction.objects.bulk_update(rows, ["created_at"])


def _write_rules(*, store: Store, owner_id: int | None) -> None:
    AdRule.objects.bulk_create(
        [
            AdRule(
                store=store,
                name="Pause losers",
                metric=RuleMetric.ROAS,
                operator=RuleOperator.LT,
                threshold=1,
                window_days=7,
                min_spend_minor=5_000,
                action=RuleAction.PAUSE,
                cooldown_hours=24,
                created_by_id=owner_id,
            ),
            AdRule(
                store=store,
                name="Scale winners",
                metric=RuleMetric.ROAS,
                operator=RuleOperator.GTE,
                threshold=3,
                window_days=7,
                min_spend_minor=10_000,
                action=RuleAction.BUDGET_UP,
                change_percent=20,
                cooldown_hours=72,
                created_by_id=owner_id,
            ),
        ]
    )


@transaction.atomic
def demo_ads_reset(*, store: Store) -> None:
    """Delete the store's ads data, children first. Runs before the connections and commerce resets."""
    for model in (AdRuleRun, CampaignAction, AdInsight):
        model.objects.filter(store=store).delete()
    AdRule.objects.filter(store=store).delete()
    AdCampaign.objects.filter(store=store).delete()
    AdCreative.objects.filter(store=store).delete()
    StoreAdSettings.objects.filter(store=store).delete()
