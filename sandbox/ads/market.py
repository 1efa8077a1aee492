"""The simulated ad market behind the sandbox's ads endpoints.

The response model itself (quality, pacing, CPM, CTR, diminishing returns, basket values, late conversions) is the
documented one in ``simulation/ads_market.py``; this module feeds it each campaign's delivery history
(``SandboxAdHistory``), its end time and its product's price. A day's numbers are computed on read, so a past
day reads the same every time, and nothing is spent after the campaign's end (Meta's ad set ``end_time``,
Google's campaign ``endDateTime``, TikTok's ad group ``schedule_end_time``).

``true_response`` gives the expected purchases and value for a spend level: tests and benchmarks score the app's
decisions against it; the app itself never sees it.
"""

import datetime as dt
import zoneinfo
from urllib.parse import urlsplit, urlunsplit

from django.utils import timezone

from sandbox.models.ads import AdObjectKind, SandboxAdHistory, SandboxAdObject, SandboxCatalogItem
from simulation import ads_market
from simulation.ads_market import BASKET_UPLIFT, DEFAULT_PRICE_MINOR, MARKETS, OBJECTIVE_FACTOR  # noqa: F401
from simulation.ads_market import DayOutcome as DayResult

__all__ = ["MARKETS", "DayResult", "simulate_day", "simulate_range", "true_response", "quality", "today_for"]


def _seed() -> int:
    return ads_market.market_seed()


def quality(campaign: SandboxAdObject) -> float:
    """The campaign's hidden quality in [0.6, 1.4], fixed by its id and the market seed."""
    return ads_market.quality(platform=campaign.platform, campaign_id=campaign.external_id, seed=_seed())


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
    purchases = ads_market.expected_purchases(
        platform=campaign.platform,
        campaign_id=campaign.external_id,
        objective=objective_of(campaign),
        spend_minor=spend_minor,
        seed=_seed(),
    )
    return {"purchases": purchases, "value_minor": purchases * price_minor(campaign) * BASKET_UPLIFT}


def account_zone(campaign: SandboxAdObject) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(campaign.account.timezone_name or "UTC")


def today_for(campaign: SandboxAdObject, now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(account_zone(campaign)).date()


def _parse_end(value: object) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def serving_end(campaign: SandboxAdObject) -> dt.datetime | None:
    """When the campaign stops serving by itself: its own end (Google), or the last end among its ad sets / ad
    groups when every one of them has an end (Meta, TikTok); None when it runs until stopped."""
    own = _parse_end(campaign.data.get("end_time"))
    if own is not None:
        return own
    ends = [
        _parse_end(data.get("end_time"))
        for data in SandboxAdObject.objects.filter(parent=campaign, kind=AdObjectKind.ADSET).values_list(
            "data", flat=True
        )
    ]
    if not ends or any(end is None for end in ends):
        return None
    return max(ends)


def simulate_day(
    campaign: SandboxAdObject,
    day: dt.date,
    *,
    history: list[SandboxAdHistory] | None = None,
    now: dt.datetime | None = None,
    price: int | None = None,
    stop: dt.datetime | None = None,
) -> DayResult:
    """The campaign's numbers for ``day`` (in the ad account's time zone) as the platform reports them at ``now``."""
    now = now or timezone.now()
    zone = account_zone(campaign)
    start, end = ads_market.day_bounds(day, zone)
    end = min(end, now)
    if history is None:
        history = list(SandboxAdHistory.objects.filter(campaign=campaign).order_by("at", "pk"))
        stop = serving_end(campaign)
    planned = ads_market.planned_spend(history, start, end, stop=stop) if end > start else 0.0
    return ads_market.day_outcome(
        platform=campaign.platform,
        campaign_id=campaign.external_id,
        objective=objective_of(campaign),
        day=day,
        planned_spend_minor=planned,
        price_minor=price if price is not None else price_minor(campaign),
        reported_through=now.astimezone(zone).date(),
        seed=_seed(),
    )


def simulate_range(
    campaign: SandboxAdObject, since: dt.date, until: dt.date, *, now: dt.datetime | None = None
) -> list[DayResult]:
    """Every day from ``since`` to ``until`` (capped at today and at the campaign's creation), empty days left out."""
    now = now or timezone.now()
    first = max(since, campaign.created_at.astimezone(account_zone(campaign)).date())
    last = min(until, today_for(campaign, now))
    history = list(SandboxAdHistory.objects.filter(campaign=campaign).order_by("at", "pk"))
    stop = serving_end(campaign)
    price = price_minor(campaign)
    days = []
    day = first
    while day <= last:
        result = simulate_day(campaign, day, history=history, now=now, price=price, stop=stop)
        if not result.empty:
            days.append(result)
        day += dt.timedelta(days=1)
    return days
