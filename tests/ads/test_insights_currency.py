"""Platform-reported money (spend, purchase value, in major units of the ad account's currency) is read into minor
units of that currency: the connection's ad account currency, else the store's; never a silent USD."""

import datetime as dt
from typing import Any

import pytest

from ads.models import AdCampaign, AdInsight, CampaignStatus
from ads.services import campaign_create, insights
from platforms.constants import META_ADS, TIKTOK_ADS
from platforms.tiktok_ads.ads import TikTokAdsClient
from stores.actors import SYSTEM
from stores.exceptions import ApplicationError

DAY = dt.date(2026, 6, 15)


class ReportHttp:
    """Stands in for ``TikTokAdsHttp``: answers one page of ``report/integrated/get`` with one row."""

    def __init__(self, campaign_id: str, metrics: dict[str, str]) -> None:
        self.row = {"dimensions": {"campaign_id": campaign_id, "stat_time_day": f"{DAY} 00:00:00"}, "metrics": metrics}

    def request(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        return {"code": 0, "message": "OK", "data": {"list": [self.row], "page_info": {"total_page": 1}}}


@pytest.fixture
def tiktok_campaign(store, connections, creative):
    return AdCampaign.objects.create(
        store=store,
        platform=TIKTOK_ADS,
        connection=connections[TIKTOK_ADS],
        name="Yen socks",
        status=CampaignStatus.ACTIVE,
        daily_budget_minor=3000,
        currency="JPY",
        creative=creative,
        external_campaign_id="1800000000000042",
    )


def _sync_with_report(monkeypatch, campaign: AdCampaign, metrics: dict[str, str]) -> AdInsight:
    http = ReportHttp(campaign.external_campaign_id, metrics)
    monkeypatch.setattr(
        insights,
        "campaign_client",
        lambda c: TikTokAdsClient(access_token="tok", account_id=c.connection.ad_account_id, http=http),
    )
    insights.insights_sync_for_connection(connection_id=campaign.connection_id, days=1, today=DAY)
    return AdInsight.objects.get(campaign=campaign, date=DAY)


@pytest.mark.django_db
def test_spend_is_read_in_the_ad_account_currency(monkeypatch, tiktok_campaign):
    # given a TikTok connection whose ad account is in yen (no decimals)
    connection = tiktok_campaign.connection
    connection.ad_account_currency = "JPY"
    connection.save(update_fields=["ad_account_currency"])

    # when the day's report says 3000 spent and 2 purchases worth 1500 each
    row = _sync_with_report(
        monkeypatch,
        tiktok_campaign,
        {
            "spend": "3000",
            "impressions": "100",
            "clicks": "7",
            "complete_payment": "2",
            "value_per_complete_payment": "1500",
        },
    )

    # then 3000 yen is stored as 3000 minor units (not 300000, as two decimals would make it)
    assert (row.spend_minor, row.purchases, row.purchase_value_minor) == (3000, 2, 3000)


@pytest.mark.django_db
def test_spend_falls_back_to_the_store_currency_when_the_account_currency_is_unknown(
    monkeypatch, store, tiktok_campaign
):
    # given a connection whose ad account currency was never read, in a store that sells in Kuwaiti dinars
    store.currency = "KWD"
    store.save(update_fields=["currency"])
    connection = tiktok_campaign.connection
    connection.ad_account_currency = ""
    connection.save(update_fields=["ad_account_currency"])

    # when the day's report says 12.345 spent
    row = _sync_with_report(monkeypatch, tiktok_campaign, {"spend": "12.345", "impressions": "10", "clicks": "1"})

    # then it is 12345 fils (three decimals), not 1235 cents of a USD nobody uses here
    assert row.spend_minor == 12345


@pytest.mark.django_db
def test_a_campaign_is_refused_on_an_ad_account_billing_in_another_currency(store, connections, creative, ad_settings):
    # given a store selling in dollars whose Meta ad account bills in euros
    connection = connections[META_ADS]
    connection.ad_account_currency = "EUR"
    connection.save(update_fields=["ad_account_currency"])

    # when a campaign of 50.00 a day is created there
    with pytest.raises(ApplicationError) as refused:
        campaign_create(
            store=store,
            platform=META_ADS,
            name="Spring socks",
            objective="sales",
            daily_budget_minor=5000,
            creative=creative,
            actor=SYSTEM,
        )

    # then it is refused with the reason (its budget, caps and reports would mix two currencies), nothing written
    assert refused.value.code == "currency_mismatch"
    assert "EUR" in refused.value.message and "USD" in refused.value.message
    assert not AdCampaign.objects.exists()
