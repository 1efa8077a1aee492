"""Google Ads money is in micros of the account currency: one million micros are one unit of it (a yen, a dollar,
a dinar), so a minor unit is 10**(6 - decimals) micros: 1,000,000 for JPY, 10,000 for USD, 1,000 for KWD."""

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from platforms.constants import GOOGLE_ADS
from platforms.google_ads.ads import GoogleAdsClient
from sandbox.models import SandboxAccount, SandboxAdObject
from tests.ads.test_clients import create_chain, spec_for


class RecordingHttp:
    """Stands in for ``GoogleAdsHttp``: records each request and answers a mutate or a one-row search."""

    def __init__(self, rows: list[dict[str, Any]] | None = None) -> None:
        self.sent: list[dict[str, Any]] = []
        self.rows = rows or []

    def request(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        self.sent.append({"method": method, "url": url, **kwargs})
        if url.endswith("googleAds:search"):
            return {"results": self.rows}
        return {"results": [{"resourceName": "customers/1234567890/campaignBudgets/9"}]}


@pytest.mark.parametrize(
    ("currency", "minor", "micros"),
    [("JPY", 3000, "3000000000"), ("USD", 5000, "50000000"), ("KWD", 30125, "30125000")],
)
def test_a_budget_change_is_sent_in_micros_of_the_currency_unit(currency, minor, micros):
    # given a Google Ads client and a campaign budget there
    http = RecordingHttp()
    client = GoogleAdsClient(access_token="tok", account_id="123-456-7890", http=http)

    # when the daily budget is set in minor units of the campaign's currency
    client.set_daily_budget({"budget": "9"}, minor, currency=currency)

    # then Google is asked for one million micros per unit of that currency (3000 yen, not 30)
    operation = http.sent[0]["json"]["operations"][0]["update"]
    assert operation["amountMicros"] == micros


def test_reported_cost_micros_are_read_into_minor_units_of_the_account_currency():
    # given a day on which a yen account spent 3,000.4 yen (Google reports cost in micros)
    row = {
        "campaign": {"id": "42"},
        "segments": {"date": "2026-06-15"},
        "metrics": {"costMicros": "3000400000", "impressions": "100", "clicks": "5", "conversions": 1.0},
    }
    client = GoogleAdsClient(access_token="tok", account_id="1234567890", http=RecordingHttp([row]))

    # when the day's insights are read
    [insight] = client.daily_insights(["42"], dt.date(2026, 6, 15), dt.date(2026, 6, 15), currency="JPY")

    # then the spend is 3000 yen (not 300040 "cents")
    assert insight.spend_minor == 3000


@pytest.mark.django_db(transaction=True)
def test_a_yen_campaign_reaches_the_sandbox_at_its_budget(store, connections, sandbox_url):
    # given a Google Ads connection whose account is in yen
    SandboxAccount.objects.filter(platform=GOOGLE_ADS, external_id=connections[GOOGLE_ADS].ad_account_id).update(
        currency="JPY"
    )
    client = GoogleAdsClient(access_token=connections[GOOGLE_ADS].access_token, account_id="1234567890")

    # when a campaign of 3000 yen a day is created
    ids = create_chain(client, replace(spec_for(budget=3000), currency="JPY"))

    # then the sandbox (which reads micros of the account currency, as Google does) holds a 3000-yen budget
    budget = SandboxAdObject.objects.get(platform=GOOGLE_ADS, external_id=ids["budget"])
    assert budget.daily_budget_minor == 3000

    # when it is raised to 4500 yen, the sandbox holds 4500 yen, and reports it back in micros
    client.set_daily_budget(ids, 4500, currency="JPY")
    budget.refresh_from_db()
    assert budget.daily_budget_minor == 4500
    rows = client.search(
        f"SELECT campaign_budget.amount_micros FROM campaign_budget WHERE campaign_budget.id = {ids['budget']}"
    )
    assert rows[0]["campaignBudget"]["amountMicros"] == "4500000000"
