"""The simulated ad market behind the sandbox's ads endpoints.

Each campaign has a hidden quality drawn from its id. A day's numbers are computed on read from the campaign's
delivery history (``SandboxAdHistory``), so a past day reads the same every time:

- spend: the budget-weighted share of the day the campaign was serving, times a pacing factor in [0.82, 1.0],
  so spend never exceeds the daily budget;
- impressions = spend / CPM x 1000 (the platform's CPM with +/-15 % noise);
- clicks = impressions x CTR (the platform's CTR, scaled by the square root of quality, +/-20 % noise);
- purchases ~ Poisson(expected), expected = quality x k x objective factor x (spend in major units) ^ 0.75,
  so each extra unit of spend buys fewer purchases (diminishing returns), never more than the clicks;
- each purchase is worth the landing page product's price, doubled for 15 % of baskets (a second unit);
- conversions are reported late: 60 % on the day, 25 % a day later, 10 % two days later, 5 % three days later.

``true_response`` gives the expected purchases and value for a spend level: tests and benchmarks score the app's
decisions against it; the app itself never sees it.
"""

import datetime as dt
import hashlib
import math
import random
import zoneinfo
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.utils import timezone

from platforms.constants import GOOGLE_ADS, META_ADS, TIKTOK_ADS
from sandbox.models.ads import SandboxAdHistory, SandboxAdObject, SandboxCatalogItem

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

# How well each objective's traffic buys (sales objectives optimise for purchases).
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


@dataclass(frozen=True)
class DayResult:
    date: dt.date
    spend_minor: int
    impressions: int
    clicks: int
    purchases: int  # reported so far
    value_minor: int  # reported so far

    @property
    def empty(self) -> bool:
        return self.spend_minor == 0 and self.purchases == 0


def _seed() -> int:
    return int(getattr(settings, "SANDBOX_MARKET_SEED", 20260101))


def quality(campaign: SandboxAdObject) -> float:
    """The campaign's hidden quality in [0.6, 1.4], fixed by its id and the market seed."""
    digest = hashlib.sha256(f"{_seed()}:{campaign.platform}:{campaign.external_id}".encode()).digest()
    return 0.6 + 0.8 * int.from_bytes(digest[:8], "big") / 2**64


def objective_of(campaign: SandboxAdObject) -> str:
    return campaign.objective


def price_minor(campaign: SandboxAdObject) -> int:
    """The price of the product the campaign's ads land on (the catalogue's, else an average basket)."""
    url = (
        SandboxAdObject.objects.filter(campaign=campaign, kind="ad")
        .exclude(landing_url="")
        .values_list("landing_url", flat=True)
        .first()
    )
    if url:
        parts = urlsplit(url)
        item = SandboxCatalogItem.objects.filter(
            url=urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        ).first()
        if item:
            return item.price_minor
    return DEFAULT_PRICE_MINOR


def true_response(campaign: SandboxAdObject, spend_minor: int) -> dict[str, float]:
    """Expected purchases and purchase value (minor units) for one day's spend: the market's truth, no noise."""
    market = MARKETS[campaign.platform]
    factor = OBJECTIVE_FACTOR.get(objective_of(campaign), 0.5)
    purchases = quality(campaign) * market.k * factor * (max(spend_minor, 0) / 100) ** ELASTICITY
    return {"purchases": purchases, "value_minor": purchases * price_minor(campaign) * BASKET_UPLIFT}


def account_zone(campaign: SandboxAdObject) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(campaign.account.timezone_name or "UTC")


def today_for(campaign: SandboxAdObject, now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(account_zone(campaign)).date()


def _planned_spend(history: list[SandboxAdHistory], start: dt.datetime, end: dt.datetime) -> float:
    """Budget x serving seconds / seconds in a day, over [start, end)."""
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


def simulate_day(
    campaign: SandboxAdObject,
    day: dt.date,
    *,
    history: list[SandboxAdHistory] | None = None,
    now: dt.datetime | None = None,
    price: int | None = None,
) -> DayResult:
    """The campaign's numbers for ``day`` (in the ad account's time zone) as the platform reports them at ``now``."""
    now = now or timezone.now()
    zone = account_zone(campaign)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    end = min(start + dt.timedelta(days=1), now)
    if history is None:
        history = list(SandboxAdHistory.objects.filter(campaign=campaign).order_by("at", "pk"))
    market = MARKETS[campaign.platform]
    rng = random.Random(f"{_seed()}:{campaign.platform}:{campaign.external_id}:{day.isoformat()}")
    pacing = PACING_FLOOR + (1 - PACING_FLOOR) * rng.random()
    cpm = market.cpm_minor * (0.85 + 0.3 * rng.random())
    ctr = market.ctr * math.sqrt(quality(campaign)) * (0.8 + 0.4 * rng.random())
    spend = int(_planned_spend(history, start, end) * pacing) if end > start else 0
    impressions = int(spend * 1000 / cpm)
    clicks = min(impressions, int(impressions * ctr))
    expected = true_response(campaign, spend)["purchases"] if spend else 0.0
    purchases = min(_poisson(rng, expected), clicks)
    unit_price = price if price is not None else price_minor(campaign)
    today = now.astimezone(zone).date()
    reported = value = 0
    for _ in range(purchases):
        draw, lag, cumulative = rng.random(), 0, 0.0
        for lag_days, weight in LAG_WEIGHTS:
            cumulative += weight
            lag = lag_days
            if draw < cumulative:
                break
        units = 2 if rng.random() < BASKET_UPLIFT - 1 else 1
        if day + dt.timedelta(days=lag) <= today:
            reported += 1
            value += unit_price * units
    return DayResult(day, spend, impressions, clicks, reported, value)


def simulate_range(
    campaign: SandboxAdObject, since: dt.date, until: dt.date, *, now: dt.datetime | None = None
) -> list[DayResult]:
    """Every day from ``since`` to ``until`` (capped at today and at the campaign's creation), empty days left out."""
    now = now or timezone.now()
    first = max(since, campaign.created_at.astimezone(account_zone(campaign)).date())
    last = min(until, today_for(campaign, now))
    history = list(SandboxAdHistory.objects.filter(campaign=campaign).order_by("at", "pk"))
    price = price_minor(campaign)
    days = []
    day = first
    while day <= last:
        result = simulate_day(campaign, day, history=history, now=now, price=price)
        if not result.empty:
            days.append(result)
        day += dt.timedelta(days=1)
    return days
