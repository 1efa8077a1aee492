"""A daily budget reaches TikTok in the major units of the campaign's currency, whatever its number of decimals
(JPY none, USD two, KWD three), not always divided by 100."""

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from platforms.constants import TIKTOK_ADS
from platforms.tiktok_ads.ads import TikTokAdsClient
from sandbox.models import SandboxAccount, SandboxAdObject
from tests.ads.test_clients import create_chain, spec_for


class RecordingHttp:
    """Stands in for ``TikTokAdsHttp``: records each request and answers TikTok's success envelope."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def request(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        self.sent.append({"method": method, "url": url, **kwargs})
        return {"code": 0, "message": "OK", "data": {}}


@pytest.mark.parametrize(
    ("currency", "minor", "major"),
    [("JPY", 3000, Decimal("3000")), ("USD", 3000, Decimal("30")), ("KWD", 30125, Decimal("30.125"))],
)
def test_tiktok_daily_budget_is_sent_in_the_major_units_of_the_campaign_currency(currency, minor, major):
    # given a TikTok client of an advertiser whose ad group exists
    http = RecordingHttp()
    client = TikTokAdsClient(access_token="tok", account_id="7000000000000000001", http=http)

    # when the ad group's daily budget is set in minor units of the campaign's currency
    client.set_daily_budget({"adset": "1800000000000001"}, minor, currency=currency)

    # then TikTok is asked for that amount in major units (3000 yen stays 3000, 30.125 dinars keeps its fils)
    assert len(http.sent) == 1
    body = http.sent[0]["json"]
    assert body["adgroup_id"] == "1800000000000001"
    assert Decimal(str(body["budget"])) == major


@pytest.mark.django_db(transaction=True)
def test_a_yen_ad_group_reaches_the_sandbox_at_its_budget(store, connections, sandbox_url):
    # given a TikTok advertiser that bills in yen, and a campaign of 3000 yen a day created there
    connection = connections[TIKTOK_ADS]
    SandboxAccount.objects.filter(platform=TIKTOK_ADS, external_id=connection.ad_account_id).update(currency="JPY")
    client = TikTokAdsClient(access_token=connection.access_token, account_id=connection.ad_account_id)
    spec = spec_for(budget=3000)
    ids = create_chain(client, replace(spec, currency="JPY"))
    adgroup = SandboxAdObject.objects.get(platform=TIKTOK_ADS, external_id=ids["adset"])
    assert adgroup.daily_budget_minor == 3000

    # when the ad group's budget is raised to 4500 yen
    client.set_daily_budget(ids, 4500, currency="JPY")

    # then the sandbox (which reads TikTok budgets in major units of the advertiser's currency) holds 4500 yen
    adgroup.refresh_from_db()
    assert adgroup.daily_budget_minor == 4500
