"""The documented response model of the simulated ad market: how a day of delivery turns into spend, impressions,
clicks, purchases and purchase value. Pure functions, no database.

The sandbox's ad platforms report every day through ``day_outcome`` (sandbox/ads/market.py feeds it the campaign's
delivery history), and the demo seed generates a year of history through the same function, so seeded insights
are exactly what the sandbox would report for the same campaign id, delivery history and product price.

The model, per campaign and day (days are the ad account's calendar days):

- each campaign has a hidden quality in [0.6, 1.4], fixed by its platform id and the market seed;
- spend = the budget-weighted share of the day the campaign was serving (``planned_spend``), times a pacing
  factor in [0.82, 1.0], so spend never exceeds the daily budget;
- impressions = spend / CPM x 1000 (the platform's CPM with +/-15 % noise);
- clicks = impressions x CTR (the platform's CTR, scaled by the square root of quality, +/-20 % noise);
- purchases ~ Poisson(expected), expected = quality x k x objective factor x (spend in major units) ^ 0.75,
  so each extra unit of spend buys fewer purchases (diminishing returns), never more than the clicks;
- each purchase is worth the landing page product's price, doubled for 15 % of baskets (a second unit);
- conversions are reported late: 60 % on the day, 25 % a day later, 10 % two days later, 5 % three days later.
"""

import datetime as dt
import hashlib
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings

from platforms.constants import GOOGLE_ADS, META_ADS, TIKTOK_ADS

DEFAULT_MARKET_SEED = 20260101
DEFAULT_PRICE_MINOR = 4800
BASKET_UPLIFT = 1.15  # 15 % of purchases carry two units
ELASTICITY = 0.75
LAG_WEIGHTS = ((0, 0.60), (1, 0.25), (2, 0.10), (3, 0.05))
PACING_FLOOR = 0.82


@dataclass(frozen=True)
class PlatformMarket:
    cpm_minor: float  # cost per thousand impressions, minor units
    ctr: float
    k: float  # purchases per (major unit of spend) ^ ELASTICITY for a campaign of quality 1


MARKETS = {
    META_ADS: PlatformMarket(cpm_minor=1100, ctr=0.013, k=0.090),
    GOOGLE_ADS: PlatformMarket(cpm_minor=2400, ctr=0.035, k=0.095),
    TIKTOK_ADS: PlatformMarket(cpm_minor=700, ctr=0.009, k=0.080),
}

# How well each objective's traffic buys (sales objectives optimise for purchases), keyed by the platform's own
# objective or bidding enum.
OBJECTIVE_FACTOR = {
    "OUTCOME_SALES": 1.0,
    "WEB_CONVERSIONS": 1.0,
    "PRODUCT_SALES": 1.0,
    "MAXIMIZE_CONVERSION_VALUE": 1.0,
    "OUTCOME_TRAFFIC": 0.55,
    "TRAFFIC": 0.55,
    "MANUAL_CPC": 0.55,
    "OUTCOME_AWARENESS": 0.25,
    "REACH": 0.25,
}
UNKNOWN_OBJECTIVE_FACTOR = 0.5


class DeliverySegment(Protocol):
    """From ``at`` on, the campaign serves (or not) at ``daily_budget_minor`` a day, until the next segment."""

    at: dt.datetime
    delivering: bool
    daily_budget_minor: int


@dataclass(frozen=True)
class Delivery:
    at: dt.datetime
    delivering: bool
    daily_budget_minor: int


@dataclass(frozen=True)
class DayOutcome:
    date: dt.date
    spend_minor: int
    impressions: int
    clicks: int
    purchases: int  # reported so far
    value_minor: int  # reported so far

    @property
    def empty(self) -> bool:
        return self.spend_minor == 0 and self.purchases == 0


def market_seed() -> int:
    return int(getattr(settings, "SANDBOX_MARKET_SEED", DEFAULT_MARKET_SEED))


def quality(*, platform: str, campaign_id: str, seed: int) -> float:
    """The campaign's hidden quality in [0.6, 1.4], fixed by its platform id and the market seed."""
    digest = hashlib.sha256(f"{seed}:{platform}:{campaign_id}".encode()).digest()
    return 0.6 + 0.8 * int.from_bytes(digest[:8], "big") / 2**64


def expected_purchases(*, platform: str, campaign_id: str, objective: str, spend_minor: int, seed: int) -> float:
    """The market's truth: expected purchases for one day's spend, without noise."""
    market = MARKETS[platform]
    factor = OBJECTIVE_FACTOR.get(objective, UNKNOWN_OBJECTIVE_FACTOR)
    spend_major = max(spend_minor, 0) / 100
    return quality(platform=platform, campaign_id=campaign_id, seed=seed) * market.k * factor * spend_major**ELASTICITY


def planned_spend(
    history: Sequence[DeliverySegment], start: dt.datetime, end: dt.datetime, *, stop: dt.datetime | None = None
) -> float:
    """Budget x serving seconds / seconds in a day, over [start, end), never past ``stop`` (the campaign's end)."""
    if stop is not None:
        end = min(end, stop)
    total = 0.0
    for i, row in enumerate(history):
        seg_start = max(row.at, start)
        seg_end = min(history[i + 1].at if i + 1 < len(history) else end, end)
        if row.delivering and seg_end > seg_start:
            total += row.daily_budget_minor * (seg_end - seg_start).total_seconds()
    return total / 86400


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 50:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    threshold, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= threshold:
            return k
        k += 1


def day_outcome(
    *,
    platform: str,
    campaign_id: str,
    objective: str,
    day: dt.date,
    planned_spend_minor: float,
    price_minor: int,
    reported_through: dt.date,
    seed: int,
) -> DayOutcome:
    """One day's numbers for a campaign that planned to spend ``planned_spend_minor``, as reported on
    ``reported_through`` (conversions that land later are not counted yet)."""
    market = MARKETS[platform]
    campaign_quality = quality(platform=platform, campaign_id=campaign_id, seed=seed)
    rng = random.Random(f"{seed}:{platform}:{campaign_id}:{day.isoformat()}")
    pacing = PACING_FLOOR + (1 - PACING_FLOOR) * rng.random()
    cpm = market.cpm_minor * (0.85 + 0.3 * rng.random())
    ctr = market.ctr * math.sqrt(campaign_quality) * (0.8 + 0.4 * rng.random())
    spend = int(planned_spend_minor * pacing) if planned_spend_minor > 0 else 0
    impressions = int(spend * 1000 / cpm)
    clicks = min(impressions, int(impressions * ctr))
    expected = 0.0
    if spend:
        expected = expected_purchases(
            platform=platform, campaign_id=campaign_id, objective=objective, spend_minor=spend, seed=seed
        )
    purchases = min(_poisson(rng, expected), clicks)
    reported = value = 0
    for _ in range(purchases):
        draw, lag, cumulative = rng.random(), 0, 0.0
        for lag_days, weight in LAG_WEIGHTS:
            cumulative += weight
            lag = lag_days
            if draw < cumulative:
                break
        units = 2 if rng.random() < BASKET_UPLIFT - 1 else 1
        if day + dt.timedelta(days=lag) <= reported_through:
            reported += 1
            value += price_minor * units
    return DayOutcome(day, spend, impressions, clicks, reported, value)


def day_bounds(day: dt.date, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a calendar day in ``zone``."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end
