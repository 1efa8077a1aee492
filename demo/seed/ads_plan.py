"""The plan of the demo's ad campaigns: when each runs, on which platform, for which product, at what budget, and
its delivery history (start, maybe a budget change and a pause, then its end or an early stop) with the action log
the app would have written. Everything drawn from the ``random.Random`` the ads step passes in.
"""

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from ads.models import ActionKind, CampaignStatus, Objective
from demo.seed.plan import DemoSeedPlan
from platforms.constants import AD_PLATFORMS, GOOGLE_ADS, META_ADS, TIKTOK_ADS
from stores.models import Product

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


def _external_id(rng: random.Random, platform: str) -> str:
    prefix, digits = ID_SHAPES[platform]
    return f"{prefix}{rng.randrange(10**digits):0{digits}d}"


def _local_start(day: dt.date, tz: dt.tzinfo, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=tz).astimezone(dt.UTC)


def plan_campaigns(*, plan: DemoSeedPlan, products: list[Product], rng: random.Random) -> list[PlannedCampaign]:
    """Campaigns one after another on each platform, a few days apart, each ending before the end of the plan."""
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
