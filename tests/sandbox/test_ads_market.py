"""The simulated ad market: deterministic days from the delivery history, spend within budget, diminishing
returns, late conversions."""

import datetime as dt

import pytest

from platforms.constants import META_ADS
from sandbox.ads import market
from sandbox.models import AccountKind, SandboxAccount, SandboxAdHistory, SandboxAdObject, SandboxCatalogItem

START = dt.datetime(2026, 3, 1, 5, 0, tzinfo=dt.UTC)  # midnight in New York


@pytest.fixture
def campaign(db):
    account = SandboxAccount.objects.create(
        platform=META_ADS,
        kind=AccountKind.AD_ACCOUNT,
        external_id="act_42",
        name="Ads",
        timezone_name="America/New_York",
    )
    campaign = SandboxAdObject.objects.create(
        platform=META_ADS,
        account=account,
        kind="campaign",
        external_id="120200000000042",
        name="Socks",
        status="ACTIVE",
        objective="OUTCOME_SALES",
        created_at=START,
    )
    SandboxAdObject.objects.create(
        platform=META_ADS,
        account=account,
        kind="ad",
        external_id="120200000000043",
        name="Socks ad",
        status="ACTIVE",
        campaign=campaign,
        landing_url="https://shop.example.com/products/sock-1?utm_source=meta",
        created_at=START,
    )
    SandboxCatalogItem.objects.create(url="https://shop.example.com/products/sock-1", price_minor=2400)
    SandboxAdHistory.objects.create(campaign=campaign, at=START, delivering=True, daily_budget_minor=10_000)
    return campaign


def test_a_past_day_reads_the_same_every_time_and_spends_within_budget(campaign):
    now = START + dt.timedelta(days=30)
    days = market.simulate_range(campaign, START.date(), (START + dt.timedelta(days=20)).date(), now=now)
    assert days == market.simulate_range(campaign, START.date(), (START + dt.timedelta(days=20)).date(), now=now)
    assert len(days) == 21
    assert all(8200 <= d.spend_minor <= 10_000 for d in days)
    assert all(d.clicks <= d.impressions for d in days)
    assert all(d.value_minor in (d.purchases * 2400 + k * 2400 for k in range(d.purchases + 1)) for d in days)


def test_a_pause_midday_halves_the_day_and_later_days_spend_nothing(campaign):
    SandboxAdHistory.objects.create(
        campaign=campaign, at=START + dt.timedelta(days=2, hours=12), delivering=False, daily_budget_minor=0
    )
    now = START + dt.timedelta(days=10)
    days = {d.date: d for d in market.simulate_range(campaign, START.date(), now.date(), now=now)}
    third = days[(START + dt.timedelta(days=2)).date()]
    assert 4100 <= third.spend_minor <= 5000
    assert (START + dt.timedelta(days=4)).date() not in days


def test_conversions_arrive_late_and_never_decrease(campaign):
    day = (START + dt.timedelta(days=3)).date()
    seen = [
        market.simulate_day(campaign, day, now=START + dt.timedelta(days=3 + lag, hours=23)).purchases
        for lag in range(5)
    ]
    assert seen == sorted(seen)
    assert seen[3] == seen[4]
    assert seen[0] < seen[4]


def test_purchases_follow_diminishing_returns(campaign):
    low = market.true_response(campaign, 5000)["purchases"]
    high = market.true_response(campaign, 20_000)["purchases"]
    assert high > low
    assert high / 20_000 < low / 5000
    assert market.true_response(campaign, 5000)["value_minor"] == pytest.approx(low * 2400 * 1.15)
    assert 0.6 <= market.quality(campaign) <= 1.4
