# ruff: noqa: F811 - fixtures imported from tests/ads/conftest.py are requested by name
"""tiktok-business-api-sdk-official (v1.3) against the sandbox's TikTok Business API: it creates a campaign, an
ad group and an ad, changes status, reads the integrated report, and raises its own TiktokSDKError for the
envelope's expired token (40105), rate limit (40100) and validation error (40002). A campaign created by the SDK
reads back like one created by our client."""

import datetime as dt
import zoneinfo

import pytest
from business_api_client import (
    AdApi,
    AdgroupApi,
    ApiClient,
    CampaignCreationApi,
    Configuration,
    ReportingApi,
)
from business_api_client.models import (
    AdCreateBody,
    AdcreateCreatives,
    AdgroupCreateBody,
    CampaignCreateBody,
    CampaignStatusUpdateBody,
)
from business_api_client.tiktok_business.tiktok_exceptions import TiktokSDKError
from django.utils import timezone

from platforms import registry
from platforms.ads_common import CampaignSpec, major_to_minor
from platforms.constants import TIKTOK_ADS
from sandbox.models import SandboxAdHistory, SandboxAdObject, SandboxFault, SandboxToken
from tests.ads.conftest import age_sandbox_campaign, connections, own_cache_namespace  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

ADVERTISER = "7000000001"
LANDING = "https://shop.example.com/products/sock-1"


@pytest.fixture
def sdk(sandbox_url, connections):
    configuration = Configuration()
    configuration.host = f"{sandbox_url}/tiktok_ads"
    return ApiClient(configuration), connections[TIKTOK_ADS].access_token


def sdk_chain(client, token, *, name="SDK socks"):
    campaign = CampaignCreationApi(client).campaign_create(
        token,
        body=CampaignCreateBody(
            advertiser_id=ADVERTISER,
            campaign_name=name,
            objective_type="WEB_CONVERSIONS",
            budget_mode="BUDGET_MODE_INFINITE",
            operation_status="DISABLE",
            request_id="4200000000000001" if name == "SDK socks" else None,
        ),
    )["data"]["campaign_id"]
    adgroup = AdgroupApi(client).adgroup_create(
        token,
        body=AdgroupCreateBody(
            advertiser_id=ADVERTISER,
            campaign_id=campaign,
            adgroup_name=f"{name} · ad set",
            promotion_type="WEBSITE",
            placement_type="PLACEMENT_TYPE_AUTOMATIC",
            location_ids=["6252001"],
            budget_mode="BUDGET_MODE_DAY",
            budget=50.0,
            schedule_type="SCHEDULE_FROM_NOW",
            schedule_start_time=timezone.now().strftime("%Y-%m-%d %H:%M:%S"),
            optimization_goal="CONVERT",
            optimization_event="SHOPPING",
            pixel_id="C0PIXEL01",
            billing_event="OCPM",
            bid_type="BID_TYPE_NO_BID",
            pacing="PACING_MODE_SMOOTH",
            operation_status="ENABLE",
        ),
    )["data"]["adgroup_id"]
    ad_ids = AdApi(client).ad_create(
        token,
        body=AdCreateBody(
            advertiser_id=ADVERTISER,
            adgroup_id=adgroup,
            creatives=[
                AdcreateCreatives(
                    ad_name=f"{name} · ad",
                    ad_format="SINGLE_VIDEO",
                    video_id="v10033g50000cq1",
                    ad_text="Our merino socks are back.",
                    call_to_action="SHOP_NOW",
                    landing_page_url=LANDING,
                    display_name="Northwind",
                    identity_type="CUSTOMIZED_USER",
                    operation_status="ENABLE",
                )
            ],
        ),
    )["data"]["ad_ids"]
    return campaign, adgroup, ad_ids[0]


def set_status(client, token, campaign_id, status):
    return CampaignCreationApi(client).campaign_status_update(
        token,
        body=CampaignStatusUpdateBody(advertiser_id=ADVERTISER, campaign_ids=[campaign_id], operation_status=status),
    )


def test_the_sdk_creates_the_chain_enables_it_and_pauses_it(sdk):
    client, token = sdk
    # when the SDK creates a campaign, an ad group and an ad, then enables and disables the campaign
    campaign_id, adgroup_id, ad_id = sdk_chain(client, token)
    enabled = set_status(client, token, campaign_id, "ENABLE")
    # then each exists at the sandbox where the SDK said, and the campaign delivers at the ad group's budget
    campaign = SandboxAdObject.objects.get(platform=TIKTOK_ADS, external_id=campaign_id)
    assert (campaign.kind, campaign.name, campaign.objective) == ("campaign", "SDK socks", "WEB_CONVERSIONS")
    assert SandboxAdObject.objects.get(external_id=adgroup_id).parent == campaign
    assert SandboxAdObject.objects.get(external_id=ad_id).landing_url == LANDING
    assert enabled["data"] == {"campaign_ids": [campaign_id], "status": "ENABLE"}
    last = SandboxAdHistory.objects.filter(campaign=campaign).order_by("-at", "-pk").first()
    assert (last.delivering, last.daily_budget_minor) == (True, 5000)
    # when it is disabled, it stops
    set_status(client, token, campaign_id, "DISABLE")
    last = SandboxAdHistory.objects.filter(campaign=campaign).order_by("-at", "-pk").first()
    assert last.delivering is False
    # and the SDK reads it back
    read = CampaignCreationApi(client).campaign_get(
        ADVERTISER, token, filtering={"campaign_ids": [campaign_id]}, page=1, page_size=10
    )["data"]
    assert [(r["campaign_id"], r["operation_status"]) for r in read["list"]] == [(campaign_id, "DISABLE")]
    assert read["page_info"] == {"page": 1, "page_size": 10, "total_number": 1, "total_page": 1}


def test_a_repeated_request_id_creates_the_campaign_once(sdk):
    client, token = sdk
    first = sdk_chain(client, token)[0]
    again = CampaignCreationApi(client).campaign_create(
        token,
        body=CampaignCreateBody(
            advertiser_id=ADVERTISER,
            campaign_name="SDK socks",
            objective_type="WEB_CONVERSIONS",
            budget_mode="BUDGET_MODE_INFINITE",
            request_id="4200000000000001",
        ),
    )["data"]["campaign_id"]
    assert again == first
    assert SandboxAdObject.objects.filter(platform=TIKTOK_ADS, kind="campaign").count() == 1


def test_the_sdk_reads_the_daily_integrated_report_as_our_client_does(sdk):
    client, token = sdk
    # given a campaign that has delivered for ten days
    campaign_id, _, _ = sdk_chain(client, token)
    set_status(client, token, campaign_id, "ENABLE")
    age_sandbox_campaign(TIKTOK_ADS, campaign_id, days=10)
    # (up to yesterday: today's numbers move while the test runs)
    today = dt.datetime.now(zoneinfo.ZoneInfo("America/New_York")).date() - dt.timedelta(days=1)
    since = today - dt.timedelta(days=9)
    # when the SDK asks for the daily report, filtered to the campaign, 4 rows a page
    rows, page = [], 1
    while True:
        data = ReportingApi(client).report_integrated_get(
            "BASIC",
            token,
            advertiser_id=ADVERTISER,
            data_level="AUCTION_CAMPAIGN",
            dimensions=["campaign_id", "stat_time_day"],
            metrics=["spend", "impressions", "clicks", "complete_payment", "value_per_complete_payment"],
            start_date=since.isoformat(),
            end_date=today.isoformat(),
            filtering=[{"field_name": "campaign_ids", "filter_type": "IN", "filter_value": f'["{campaign_id}"]'}],
            page=page,
            page_size=4,
        )["data"]
        rows += data["list"]
        if page >= data["page_info"]["total_page"]:
            break
        page += 1
    # then it walks every page and reads what our client reads for the same days
    ours = (
        registry.platform(TIKTOK_ADS)
        .client(access_token=token, account_id=ADVERTISER)
        .daily_insights([campaign_id], since, today, currency="USD")
    )
    assert len(rows) == len(ours) >= 8
    assert [r["dimensions"]["stat_time_day"][:10] for r in rows] == [o.date.isoformat() for o in ours]
    assert [major_to_minor(r["metrics"]["spend"], "USD") for r in rows] == [o.spend_minor for o in ours]
    assert [int(r["metrics"]["clicks"]) for r in rows] == [o.clicks for o in ours]
    assert all(isinstance(v, str) for r in rows for v in r["metrics"].values())


def test_the_same_campaign_made_by_the_sdk_or_our_client_reads_back_the_same(sdk):
    client, token = sdk
    # when the same campaign is created by the SDK and by our client
    sdk_id = CampaignCreationApi(client).campaign_create(
        token,
        body=CampaignCreateBody(
            advertiser_id=ADVERTISER,
            campaign_name="Twin socks",
            objective_type="WEB_CONVERSIONS",
            budget_mode="BUDGET_MODE_INFINITE",
            operation_status="DISABLE",
        ),
    )["data"]["campaign_id"]
    spec = CampaignSpec(
        name="Twin socks",
        objective="sales",
        daily_budget_minor=5000,
        currency="USD",
        landing_url=LANDING,
        headlines=["Socks"],
        descriptions=[],
        primary_text="",
        request_key=4200000000000077,
    )
    ours_id = (
        registry.platform(TIKTOK_ADS)
        .client(access_token=token, account_id=ADVERTISER)
        .create_level("campaign", spec, {})
    )
    # then both read back identically through the SDK, ids and times aside
    listed = CampaignCreationApi(client).campaign_get(ADVERTISER, token, page=1, page_size=10)["data"]["list"]
    by_id = {r["campaign_id"]: r for r in listed}
    strip = {"campaign_id", "create_time"}
    assert {k: v for k, v in by_id[sdk_id].items() if k not in strip} == {
        k: v for k, v in by_id[ours_id].items() if k not in strip
    }
    assert by_id[sdk_id]["operation_status"] == "DISABLE"


def test_the_sdk_raises_its_own_error_for_validation_rate_limit_and_an_expired_token(sdk):
    client, token = sdk
    api = CampaignCreationApi(client)
    body = CampaignCreateBody(
        advertiser_id=ADVERTISER, campaign_name="x", objective_type="MONEY", budget_mode="BUDGET_MODE_INFINITE"
    )
    with pytest.raises(TiktokSDKError, match="Error Code: 40002"):
        api.campaign_create(token, body=body)
    SandboxFault.objects.create(platform=TIKTOK_ADS, rate_limit_rate=1.0, retry_after_seconds=9)
    body.objective_type = "TRAFFIC"
    with pytest.raises(TiktokSDKError, match="Error Code: 40100"):
        api.campaign_create(token, body=body)
    SandboxFault.objects.all().delete()
    SandboxToken.objects.filter(platform=TIKTOK_ADS).update(revoked_at=timezone.now())
    with pytest.raises(TiktokSDKError, match="Error Code: 40105"):
        api.campaign_create(token, body=body)
    assert not SandboxAdObject.objects.exists()


@pytest.mark.parametrize(
    "filtering",
    [
        pytest.param(
            [{"field_name": "campaign_ids", "filter_type": "IN", "filter_value": "not json"}], id="a bad list"
        ),
        pytest.param([{"field_name": "adgroup_ids", "filter_type": "IN", "filter_value": "[]"}], id="another field"),
        pytest.param([{"field_name": "campaign_ids", "filter_type": "GREATER", "filter_value": "1"}], id="another op"),
        pytest.param(["campaign_ids"], id="not objects"),
    ],
)
def test_a_report_filter_the_sandbox_cannot_apply_is_refused_in_the_envelope(sdk, filtering):
    client, token = sdk
    with pytest.raises(TiktokSDKError, match="Error Code: 40002"):
        ReportingApi(client).report_integrated_get(
            "BASIC",
            token,
            advertiser_id=ADVERTISER,
            data_level="AUCTION_CAMPAIGN",
            dimensions=["campaign_id", "stat_time_day"],
            metrics=["spend"],
            start_date="2026-11-01",
            end_date="2026-11-02",
            filtering=filtering,
        )
