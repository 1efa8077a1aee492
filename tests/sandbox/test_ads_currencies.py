"""The ad platforms' sandbox reads and reports money in the account's currency: a JPY amount has no decimals, a KWD
amount three (ISO 4217), so 3000 yen are 3000 minor units and 60.125 dinars 60125."""

import json

import pytest

from platforms.constants import TIKTOK_ADS
from sandbox.ads.common import major_to_minor, minor_to_major
from sandbox.models import SandboxAccount, SandboxAdObject
from tests.platform_fixtures import sandbox_ad_account, sandbox_token

pytestmark = pytest.mark.django_db

ADVERTISER = "7000000000000000009"
TT = "/sandbox/tiktok_ads/open_api/v1.3"


@pytest.mark.parametrize(
    ("minor", "currency", "major"),
    [(1234, "USD", 12.34), (1200, "JPY", 1200.0), (20500, "KWD", 20.5), (5, "EUR", 0.05)],
    ids=["USD has cents", "JPY has no decimals", "KWD has three", "EUR has cents"],
)
def test_amounts_convert_by_the_currency_exponent(minor, currency, major):
    assert minor_to_major(minor, currency) == major
    assert major_to_minor(major, currency) == minor


def _advertiser_in(currency: str) -> str:
    token = sandbox_token(TIKTOK_ADS)
    account = sandbox_ad_account(token, external_id=ADVERTISER)
    SandboxAccount.objects.filter(pk=account.pk).update(currency=currency)
    return token.access_token


def _post(client, token: str, path: str, body: dict):
    return client.post(
        f"{TT}/{path}/", json.dumps(body), content_type="application/json", headers={"Access-Token": token}
    )


@pytest.mark.parametrize(
    ("currency", "budget", "minor"),
    [("JPY", 3000, 3000), ("KWD", 60.125, 60125), ("USD", 50.25, 5025)],
    ids=["yen", "dinars", "dollars"],
)
def test_a_tiktok_daily_budget_is_kept_and_reported_in_the_advertisers_currency(client, currency, budget, minor):
    # given an advertiser billing in the currency
    token = _advertiser_in(currency)
    campaign = {
        "advertiser_id": ADVERTISER,
        "campaign_name": "Socks",
        "objective_type": "TRAFFIC",
        "budget_mode": "BUDGET_MODE_DAY",
        "budget": budget,
        "operation_status": "DISABLE",
    }

    # when a campaign is created with a daily budget in major units
    created = _post(client, token, "campaign/create", campaign).json()
    campaign_id = created["data"]["campaign_id"]

    # then the sandbox keeps it in that currency's minor units
    assert created["code"] == 0
    assert SandboxAdObject.objects.get(external_id=campaign_id).daily_budget_minor == minor
    # and reads it back in major units
    listed = client.get(
        f"{TT}/campaign/get/",
        {"advertiser_id": ADVERTISER, "filtering": json.dumps({"campaign_ids": [campaign_id]})},
        headers={"Access-Token": token},
    ).json()
    assert [row["budget"] for row in listed["data"]["list"]] == [budget]
