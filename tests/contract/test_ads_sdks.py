# ruff: noqa: F811 - fixtures imported from tests/ads/conftest.py are requested by name
"""The ad platforms' official SDKs against the sandbox: facebook-business (Marketing API, Graph v26.0) and
tiktok-business-api-sdk-official (v1.3). The sandbox must accept exactly what they send, and a campaign created
by the SDK reads back like one created by our client."""

import datetime as dt

import pytest
from django.utils import timezone
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adset import AdSet
from facebook_business.adobjects.campaign import Campaign
from facebook_business.api import FacebookAdsApi, FacebookSession
from facebook_business.exceptions import FacebookRequestError

from platforms import registry
from platforms.ads_common import major_to_minor
from platforms.constants import META_ADS
from sandbox.models import SandboxAdObject, SandboxFault, SandboxToken
from tests.ads.conftest import age_sandbox_campaign, catalog, connections, own_cache_namespace, product  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def meta_api(sandbox_url, connections, monkeypatch):
    monkeypatch.setattr(FacebookSession, "GRAPH", f"{sandbox_url}/meta_ads")
    api = FacebookAdsApi.init(access_token=connections[META_ADS].access_token, crash_log=False, api_version="v26.0")
    return api


def sdk_chain(api):
    account = AdAccount("act_1000001", api=api)
    campaign = account.create_campaign(
        params={"name": "SDK socks", "objective": "OUTCOME_SALES", "special_ad_categories": [], "status": "PAUSED"}
    )
    adset = account.create_ad_set(
        params={
            "name": "SDK socks · ad set",
            "campaign_id": campaign["id"],
            "daily_budget": 5000,
            "billing_event": "IMPRESSIONS",
            "optimization_goal": "OFFSITE_CONVERSIONS",
            "targeting": {"geo_locations": {"countries": ["US"]}, "age_min": 18},
            "promoted_object": {"pixel_id": "880000000000001", "custom_event_type": "PURCHASE"},
            "status": "PAUSED",
        }
    )
    creative = account.create_ad_creative(
        params={
            "name": "SDK socks · creative",
            "object_story_spec": {
                "page_id": "104000000000001",
                "link_data": {"link": "https://shop.example.com/products/sock-1", "message": "Back in stock."},
            },
        }
    )
    ad = account.create_ad(
        params={
            "name": "SDK socks · ad",
            "adset_id": adset["id"],
            "creative": {"creative_id": creative["id"]},
            "status": "PAUSED",
        }
    )
    return campaign["id"], adset["id"], ad["id"]


def test_facebook_business_creates_activates_changes_budget_and_reads_back(meta_api, store):
    # when the SDK creates the chain, activates it and changes the ad set's budget
    campaign_id, adset_id, ad_id = sdk_chain(meta_api)
    for object_id, cls in ((ad_id, None), (adset_id, AdSet), (campaign_id, Campaign)):
        if cls is None:
            from facebook_business.adobjects.ad import Ad

            cls = Ad
        cls(object_id, api=meta_api).api_update(params={"status": "ACTIVE"})
    AdSet(adset_id, api=meta_api).api_update(params={"daily_budget": 4000})
    # then each reads back as set
    assert Campaign(campaign_id, api=meta_api).api_get(fields=["status"])["status"] == "ACTIVE"
    assert AdSet(adset_id, api=meta_api).api_get(fields=["daily_budget"])["daily_budget"] == "4000"
    Campaign(campaign_id, api=meta_api).api_update(params={"status": "PAUSED"})
    assert Campaign(campaign_id, api=meta_api).api_get(fields=["status"])["status"] == "PAUSED"


def test_facebook_business_reads_daily_insights_across_pages(meta_api, store, connections, catalog):
    # given a campaign that ran for 30 days
    campaign_id, adset_id, ad_id = sdk_chain(meta_api)
    client = registry.platform(META_ADS).client(
        access_token=connections[META_ADS].access_token, account_id="act_1000001"
    )
    client.set_active({"campaign": campaign_id, "adset": adset_id, "ad": ad_id}, active=True)
    age_sandbox_campaign(META_ADS, campaign_id, days=30)
    today = timezone.now().date()
    since = (today - dt.timedelta(days=29)).isoformat()
    # when the SDK reads daily insights 10 rows a page
    cursor = Campaign(campaign_id, api=meta_api).get_insights(
        fields=["spend", "impressions", "clicks", "actions", "action_values"],
        params={"time_increment": 1, "time_range": {"since": since, "until": today.isoformat()}, "limit": 10},
    )
    rows = list(cursor)
    # then it walks every page and the numbers are ours
    ours = client.daily_insights([campaign_id], today - dt.timedelta(days=29), today, currency="USD")
    assert len(rows) == len(ours) > 20
    assert [r["date_start"] for r in rows] == [o.date.isoformat() for o in ours]
    assert [major_to_minor(r["spend"], "USD") for r in rows] == [o.spend_minor for o in ours]


def test_facebook_business_raises_its_own_error_for_expiry_rate_limit_and_validation(meta_api, store):
    account = AdAccount("act_1000001", api=meta_api)
    with pytest.raises(FacebookRequestError) as invalid:
        account.create_campaign(params={"name": "x", "objective": "OUTCOME_MONEY", "special_ad_categories": []})
    assert invalid.value.api_error_code() == 100
    SandboxFault.objects.create(platform=META_ADS, rate_limit_rate=1.0, retry_after_seconds=9)
    with pytest.raises(FacebookRequestError) as limited:
        account.create_campaign(params={"name": "x", "objective": "OUTCOME_SALES", "special_ad_categories": []})
    assert (limited.value.api_error_code(), limited.value.http_headers()["Retry-After"]) == (17, "9")
    SandboxFault.objects.all().delete()
    SandboxToken.objects.filter(platform=META_ADS).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(FacebookRequestError) as expired:
        account.create_campaign(params={"name": "x", "objective": "OUTCOME_SALES", "special_ad_categories": []})
    assert expired.value.api_error_code() == 190
    assert not SandboxAdObject.objects.exists()


def test_facebook_business_lists_the_ad_accounts_of_the_token_across_pages(meta_api, connections):
    # given the connected user manages three ad accounts
    from facebook_business.adobjects.user import User

    from sandbox.models import AccountKind, SandboxAccount

    token = SandboxToken.objects.get(platform=META_ADS)
    token.scopes = ["ads_read", "ads_management"]
    token.save()
    owner = token.account
    for n, currency in ((2, "EUR"), (3, "GBP")):
        SandboxAccount.objects.create(
            platform=META_ADS,
            kind=AccountKind.AD_ACCOUNT,
            external_id=f"act_100000{n}",
            name=f"Shop {n}",
            owner=owner,
            currency=currency,
        )
    # when the SDK lists them two to a page (AdUser of older SDKs is User in 26.0)
    cursor = User(fbid="me", api=meta_api).get_ad_accounts(
        fields=["id", "account_id", "name", "currency", "account_status", "timezone_name"], params={"limit": 2}
    )
    accounts = [dict(a) for a in cursor]
    # then it follows the cursor to the last page and reads each account's fields
    assert [(a["id"], a["account_id"], a["currency"], a["account_status"]) for a in accounts] == [
        ("act_1000001", "1000001", "USD", 1),
        ("act_1000002", "1000002", "EUR", 1),
        ("act_1000003", "1000003", "GBP", 1),
    ]
    assert {a["timezone_name"] for a in accounts} == {"America/New_York"}


def test_the_same_campaign_made_by_the_sdk_or_our_client_reads_back_the_same(meta_api, connections):
    from platforms.ads_common import CampaignSpec

    # when the same paused sales campaign and ad set are created by the SDK and by our client
    account = AdAccount("act_1000001", api=meta_api)
    sdk_campaign = account.create_campaign(
        params={
            "name": "Twin socks",
            "objective": "OUTCOME_SALES",
            "special_ad_categories": [],
            "buying_type": "AUCTION",
            "status": "PAUSED",
        }
    )["id"]
    spec = CampaignSpec(
        name="Twin socks",
        objective="sales",
        daily_budget_minor=5000,
        currency="USD",
        landing_url="https://shop.example.com/products/sock-1",
        headlines=["Socks"],
        descriptions=[],
        primary_text="",
        pixel_id="880000000000001",
        page_id="104000000000001",
    )
    client = registry.platform(META_ADS).client(
        access_token=connections[META_ADS].access_token, account_id="act_1000001"
    )
    ours_campaign = client.create_level("campaign", spec, {})
    ours_adset = client.create_level("adset", spec, {"campaign": ours_campaign})
    sdk_adset = account.create_ad_set(
        params={
            "name": spec.level_name("adset"),
            "campaign_id": sdk_campaign,
            "daily_budget": 5000,
            "billing_event": "IMPRESSIONS",
            "optimization_goal": "OFFSITE_CONVERSIONS",
            "bid_strategy": "LOWEST_COST_WITHOUT_CAP",
            "destination_type": "WEBSITE",
            "targeting": {"geo_locations": {"countries": ["US"]}, "age_min": 18, "age_max": 65},
            "promoted_object": {"pixel_id": "880000000000001", "custom_event_type": "PURCHASE"},
            "status": "PAUSED",
        }
    )["id"]
    # then both read back identically through the SDK, ids and times aside
    fields = ["name", "objective", "status", "effective_status", "special_ad_categories", "buying_type"]
    adset_fields = ["name", "status", "daily_budget", "billing_event", "optimization_goal", "targeting"]
    adset_fields += ["promoted_object", "destination_type"]

    def read(cls, object_id, names):
        row = dict(cls(object_id, api=meta_api).api_get(fields=names))
        row.pop("id")
        return row

    assert read(Campaign, sdk_campaign, fields) == read(Campaign, ours_campaign, fields)
    assert read(AdSet, sdk_adset, adset_fields) == read(AdSet, ours_adset, adset_fields)
    assert read(AdSet, ours_adset, ["daily_budget", "status"]) == {"daily_budget": "5000", "status": "PAUSED"}
