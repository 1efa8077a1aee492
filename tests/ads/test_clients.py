"""Each ad platform client against the sandbox over real HTTP: create the chain, look it up, activate, pause,
change the budget, read daily insights; and the platform's errors mapped into platforms.errors."""

import datetime as dt

import pytest
from django.utils import timezone

from platforms import registry
from platforms.ads_common import SALES, CampaignSpec
from platforms.constants import GOOGLE_ADS, META_ADS, TIKTOK_ADS
from platforms.errors import AuthExpired, RateLimited, Rejected, Transient
from sandbox.ads import market
from sandbox.models import SandboxAdObject, SandboxFault, SandboxToken
from tests.ads.conftest import AD_ACCOUNTS, age_sandbox_campaign

pytestmark = pytest.mark.django_db(transaction=True)

PLATFORMS = pytest.mark.parametrize(
    "platform",
    [META_ADS, GOOGLE_ADS, TIKTOK_ADS],
    ids=["Meta Marketing API", "Google Ads REST", "TikTok Business API"],
)
BUDGETS = {META_ADS: 5000, GOOGLE_ADS: 5000, TIKTOK_ADS: 5000}


def spec_for(name: str = "Spring socks [gh-0001]", budget: int = 5000) -> CampaignSpec:
    return CampaignSpec(
        name=name,
        objective=SALES,
        daily_budget_minor=budget,
        currency="USD",
        landing_url="https://shop.example.com/products/sock-1?utm_source=x",
        headlines=["Merino Trail Socks", "Soft on long hikes", "Free returns"],
        descriptions=["Warm merino wool.", "Ships tomorrow."],
        primary_text="Back in stock.",
        image_url="https://shop.example.com/images/sock-1.jpg",
        video_id="v10033g50000cq1",
        request_key=424242,
        page_id="104000000000001",
        pixel_id="880000000000001",
        display_name="Northwind",
    )


def client_for(connection):
    return registry.platform(connection.platform).client(
        access_token=connection.access_token, account_id=connection.ad_account_id
    )


def create_chain(client, spec):
    ids = {}
    for level in client.levels:
        ids[level] = client.create_level(level, spec, ids)
    return ids


def first_level(client):
    return client.create_level(client.levels[0], spec_for(), {})


def sandbox_campaign(platform, ids):
    return SandboxAdObject.objects.get(platform=platform, external_id=ids["campaign"])


@PLATFORMS
def test_a_campaign_is_created_paused_with_every_level_and_found_again_by_name(
    platform, store, connections, sandbox_url
):
    # given a connected ad account
    client = client_for(connections[platform])
    spec = spec_for()
    # when the whole chain is created
    ids = create_chain(client, spec)
    # then each level exists at the sandbox under our names and nothing delivers yet
    campaign = sandbox_campaign(platform, ids)
    assert campaign.name == "Spring socks [gh-0001]"
    assert campaign.status in ("PAUSED", "DISABLE")
    assert campaign.history.last().delivering is False
    assert SandboxAdObject.objects.filter(campaign=campaign, kind="ad").count() == 1
    # and every level is found again by its name, as a retry after a timeout would
    assert {level: client.find_level(level, spec, ids) for level in client.levels} == ids
    # and a name that was never used is not found
    assert client.find_level("campaign", spec_for(name="Never made [gh-9999]"), {}) is None


@PLATFORMS
def test_activate_pause_and_budget_change_reach_the_sandbox(platform, store, connections, sandbox_url):
    # given a created campaign
    client = client_for(connections[platform])
    ids = create_chain(client, spec_for())
    campaign = sandbox_campaign(platform, ids)
    # when it is activated
    client.set_active(ids, active=True)
    # then it delivers at its budget
    last = campaign.history.order_by("-at", "-pk").first()
    assert (last.delivering, last.daily_budget_minor) == (True, 5000)
    # when its budget changes
    client.set_daily_budget(ids, 7500, currency="USD")
    last = campaign.history.order_by("-at", "-pk").first()
    assert (last.delivering, last.daily_budget_minor) == (True, 7500)
    # when it is paused
    client.set_active(ids, active=False)
    last = campaign.history.order_by("-at", "-pk").first()
    assert last.delivering is False
    # and resumed at the new budget
    client.set_active(ids, active=True)
    last = campaign.history.order_by("-at", "-pk").first()
    assert (last.delivering, last.daily_budget_minor) == (True, 7500)
    # when it is archived it stops for good
    client.archive(ids)
    campaign.refresh_from_db()
    assert campaign.status in ("ARCHIVED", "REMOVED", "DELETE")
    assert campaign.history.order_by("-at", "-pk").first().delivering is False


def reported_value(platform: str, day: market.DayResult) -> int:
    """The purchase value a platform's report gives back for a day: TikTok reports the value per purchase in
    cents (``value_per_complete_payment``), so what is read back is that rounded figure times the purchases (216.00
    over 7 purchases reads as 30.86 × 7 = 216.02); the others report the total."""
    if platform != TIKTOK_ADS or not day.purchases:
        return day.value_minor
    per_purchase = float(f"{day.value_minor / 100 / day.purchases:.2f}")
    return round(per_purchase * 100) * day.purchases


@PLATFORMS
def test_daily_insights_match_the_market_day_by_day(platform, store, connections, catalog, sandbox_url):
    # given a campaign that has been active for ten days
    client = client_for(connections[platform])
    ids = create_chain(client, spec_for())
    client.set_active(ids, active=True)
    age_sandbox_campaign(platform, ids["campaign"], days=10)
    campaign = sandbox_campaign(platform, ids)
    today = market.today_for(campaign)
    # when the client reads the last ten days
    rows = client.daily_insights([ids["campaign"]], today - dt.timedelta(days=9), today, currency="USD")
    # then there is one row per day, equal to the market's numbers for that day
    expected = {d.date: d for d in market.simulate_range(campaign, today - dt.timedelta(days=9), today)}
    assert len(rows) == len(expected) >= 9
    for row in rows:
        day = expected[row.date]
        assert row.campaign_id == ids["campaign"]
        assert (row.spend_minor, row.impressions, row.clicks, row.purchases) == (
            day.spend_minor,
            day.impressions,
            day.clicks,
            day.purchases,
        )
        assert row.purchase_value_minor == reported_value(platform, day)
        assert row.spend_minor <= 5000
    # and past days read the same again
    assert client.daily_insights(
        [ids["campaign"]], today - dt.timedelta(days=9), today - dt.timedelta(days=1), currency="USD"
    ) == [r for r in rows if r.date < today]


@PLATFORMS
def test_a_budget_under_the_platform_minimum_is_rejected_with_its_message(platform, store, connections, sandbox_url):
    # given a budget of 0.50
    client = client_for(connections[platform])
    spec = spec_for(budget=50)
    ids = {}
    # when the chain is created
    with pytest.raises(Rejected) as refused:
        for level in client.levels:
            ids[level] = client.create_level(level, spec, ids)
    # then the platform's validation message comes through and no ad set / budget was made
    assert "budget" in refused.value.message.lower()
    assert not SandboxAdObject.objects.filter(platform=platform, kind__in=("adset", "budget")).exists()


@PLATFORMS
def test_an_expired_token_is_auth_expired(platform, store, connections, sandbox_url):
    # given the platform has expired the token
    SandboxToken.objects.filter(platform=platform).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    # when the client calls
    with pytest.raises(AuthExpired):
        first_level(client_for(connections[platform]))
    # then nothing was created
    assert not SandboxAdObject.objects.filter(platform=platform).exists()


@PLATFORMS
def test_rate_limits_carry_the_platform_retry_after_and_outages_are_transient(
    platform, store, connections, sandbox_url
):
    # given the platform answers every call with a 429, retry after 7 seconds
    fault = SandboxFault.objects.create(platform=platform, rate_limit_rate=1.0, retry_after_seconds=7)
    with pytest.raises(RateLimited) as limited:
        first_level(client_for(connections[platform]))
    assert limited.value.retry_after == 7.0
    # given it fails with 5xx instead
    fault.rate_limit_rate, fault.error_rate = 0.0, 1.0
    fault.save()
    with pytest.raises(Transient):
        first_level(client_for(connections[platform]))
    assert not SandboxAdObject.objects.filter(platform=platform).exists()


def test_tiktok_request_id_makes_a_repeated_campaign_create_return_the_first(store, connections, sandbox_url):
    # given a campaign created with a request id
    client = client_for(connections[TIKTOK_ADS])
    first = client.create_level("campaign", spec_for(), {})
    # when the same create is sent again (a retry)
    second = client.create_level("campaign", spec_for(), {})
    # then TikTok answers with the same campaign
    assert second == first
    assert SandboxAdObject.objects.filter(platform=TIKTOK_ADS, kind="campaign").count() == 1


def test_the_accounts_in_the_fixture_are_the_ones_the_clients_act_on(connections):
    assert {p: c.ad_account_id for p, c in connections.items()} == AD_ACCOUNTS
