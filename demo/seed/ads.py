"""The demo store's year of paid campaigns on Meta, Google and TikTok, with their daily insights.

Consistent with the sandbox's market by construction: every day of every campaign goes through
``simulation.ads_market.day_outcome`` (the response model the sandbox reports with) with the campaign's platform id,
its delivery history (start, budget changes, pauses, end), the landing product's price and the market seed, as
seen at the end of the seeded period. A sandbox campaign with the same id and history reports the same numbers.

The campaigns belong to the demo store's connections (``demo.connections``), which wait for a sign-in; so
every seeded campaign has ended by the end of the period (completed at its end date, or archived when it was
stopped early) and nothing live depends on a connection without a token.

Everything is drawn from ``random.Random(f"{seed}:ads")``: the same seed and period give the same rows.
"""

import datetime as dt
import random
import re

from django.db import transaction

from ads.models import (
    ActionKind,
    ActionResult,
    AdCampaign,
    AdCreative,
    AdInsight,
    AdRule,
    AdRuleRun,
    CampaignAction,
    CampaignStatus,
    PlatformStatus,
    RuleAction,
    RuleMetric,
    RuleOperator,
    StoreAdSettings,
)
from demo.connections import demo_connections_ensure
from demo.seed.ads_plan import PlannedCampaign, plan_campaigns
from demo.seed.plan import DemoSeedPlan, ProgressFactory
from platforms.constants import AD_PLATFORMS, GOOGLE_ADS, PLATFORM_NAMES, TIKTOK_ADS
from platforms.registry import platform as platform_descriptor
from simulation import ads_market
from stores.actors import ActorKind
from stores.exceptions import ApplicationError
from stores.models import Membership, PlatformConnection, Product, ProductStatus, Role, Store

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


def market_objective(platform: str, objective: str) -> str:
    """The platform's own objective (Meta, TikTok) or bidding enum (Google) the market weighs an objective by."""
    value = platform_descriptor(platform).client_class.objectives[objective]
    return re.sub(r"(?<!^)(?=[A-Z])", "_", value).upper() if platform == GOOGLE_ADS else value


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
    planned = plan_campaigns(plan=plan, products=products, rng=rng)
    creatives = AdCreative.objects.bulk_create([_creative(store, c, rng) for c in planned])
    campaigns: list[AdCampaign] = []
    days_by_campaign: list[list[ads_market.DayOutcome]] = []
    with progress("ad campaigns", len(planned)) as bar:
        for item, creative in zip(planned, creatives, strict=True):
            days = campaign_days(campaign=item, tz=store.tzinfo, reported_at=plan.end, seed=seed)
            days_by_campaign.append(days)
            campaigns.append(
                _campaign(
                    plan=plan, item=item, creative=creative, connections=connections, days=days, owner_id=owner_id
                )
            )
            bar.update(1)
    campaigns = AdCampaign.objects.bulk_create(campaigns)
    for campaign, item in zip(campaigns, planned, strict=True):
        campaign.created_at = campaign.updated_at = item.start - dt.timedelta(minutes=5)
    AdCampaign.objects.bulk_update(campaigns, ["created_at", "updated_at"])
    insights = _write_insights(plan=plan, campaigns=campaigns, days_by_campaign=days_by_campaign)
    _write_actions(store=store, campaigns=campaigns, planned=planned, owner_id=owner_id)
    _write_rules(store=store, owner_id=owner_id)
    spend = sum(c.spend_minor for c in campaigns)
    per_platform = ", ".join(f"{sum(c.platform == p for c in campaigns)} on {PLATFORM_NAMES[p]}" for p in AD_PLATFORMS)
    spent = f"{store.currency} {spend / 100:,.2f}"
    return f"{len(campaigns)} campaigns ({per_platform}), {insights} daily insights, {spent} spent"


def _campaign(
    *,
    plan: DemoSeedPlan,
    item: PlannedCampaign,
    creative: AdCreative,
    connections: dict[str, PlatformConnection],
    days: list[ads_market.DayOutcome],
    owner_id: int | None,
) -> AdCampaign:
    """The ended campaign as the app holds it: its final status, platform ids and the totals of its days."""
    store = plan.store
    final = item.actions[-1]["after"]["status"]
    return AdCampaign(
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


def _write_insights(
    *, plan: DemoSeedPlan, campaigns: list[AdCampaign], days_by_campaign: list[list[ads_market.DayOutcome]]
) -> int:
    """One insight row per reported day of each campaign; returns how many."""
    rows = AdInsight.objects.bulk_create(
        AdInsight(
            store=plan.store,
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
    return len(rows)


def _write_actions(
    *, store: Store, campaigns: list[AdCampaign], planned: list[PlannedCampaign], owner_id: int | None
) -> None:
    rows = []
    times = []
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
            times.append(action["at"])
    rows = CampaignAction.objects.bulk_create(rows)
    for row, at in zip(rows, times, strict=True):
        row.created_at = at
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
