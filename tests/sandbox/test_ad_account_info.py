"""What an ad account is called and which currency it bills in, read the platforms' own way: Google Ads with a GAQL
query FROM customer, TikTok Ads with advertiser/info; the sandbox answers both from its account rows, and the
OAuth specs turn the answers into the ad accounts the picker shows."""

import json

import pytest

from platforms.google_ads.oauth import CUSTOMER_QUERY, GoogleAdsOAuth
from platforms.oauth import AdAccountInfo
from platforms.tiktok_ads.oauth import TikTokAdsOAuth
from sandbox.ads.common import create_object
from sandbox.models import SandboxAccount
from sandbox.models.ads import AdObjectKind
from tests.platform_fixtures import sandbox_ad_account, sandbox_token

pytestmark = pytest.mark.django_db

ADWORDS = "https://www.googleapis.com/auth/adwords"
INFO = "/sandbox/tiktok_ads/open_api/v1.3/advertiser/info/"


@pytest.fixture
def google_customer():
    # given a Google Ads login that manages one customer, named and billed in euros on Berlin time
    token = sandbox_token("google_ads", scopes=[ADWORDS])
    customer = sandbox_ad_account(token, external_id="1112223334", name="Northwind DE")
    SandboxAccount.objects.filter(pk=customer.pk).update(currency="EUR", timezone_name="Europe/Berlin")
    return token


@pytest.fixture
def tiktok_advertisers():
    # given a TikTok Ads login that manages two advertisers, one billed in pounds on London time
    token = sandbox_token("tiktok_ads")
    sandbox_ad_account(token, external_id="7000000000000000101", name="Northwind US Ads")
    uk = sandbox_ad_account(token, external_id="7000000000000000102", name="Northwind UK Ads")
    SandboxAccount.objects.filter(pk=uk.pk).update(currency="GBP", timezone_name="Europe/London")
    return token


def gaql(client, token, query: str, cid: str = "1112223334"):
    return client.post(
        f"/sandbox/google_ads/v25/customers/{cid}/googleAds:search",
        json.dumps({"query": query}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token.access_token}",
        HTTP_DEVELOPER_TOKEN="dev-token",
        HTTP_LOGIN_CUSTOMER_ID=cid,
    )


def test_a_gaql_query_from_customer_answers_one_row_in_the_rest_shape(client, google_customer):
    # when the customer is queried as itself
    response = gaql(client, google_customer, CUSTOMER_QUERY)

    # then one row comes back, camelCase under "customer" with its resource name, and the field mask names the fields
    assert response.status_code == 200
    body = response.json()
    assert body["results"] == [
        {
            "customer": {
                "resourceName": "customers/1112223334",
                "id": "1112223334",
                "descriptiveName": "Northwind DE",
                "currencyCode": "EUR",
                "timeZone": "Europe/Berlin",
            }
        }
    ]
    assert body["fieldMask"] == "customer.id,customer.descriptiveName,customer.currencyCode,customer.timeZone"


def test_a_where_clause_that_excludes_the_customer_answers_no_rows(client, google_customer):
    response = gaql(client, google_customer, "SELECT customer.id FROM customer WHERE customer.currency_code = 'USD'")

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_customer_fields_ride_along_on_campaign_rows(client, google_customer):
    # given a campaign in the customer
    customer = SandboxAccount.objects.get(external_id="1112223334")
    campaign = create_object(account=customer, kind=AdObjectKind.CAMPAIGN, name="Spring", status="PAUSED")

    # when campaigns are queried with the customer's currency
    response = gaql(client, google_customer, "SELECT campaign.id, customer.currency_code FROM campaign")

    # then each row carries the customer beside the campaign
    assert response.json()["results"] == [
        {
            "campaign": {
                "resourceName": f"customers/1112223334/campaigns/{campaign.external_id}",
                "id": campaign.external_id,
            },
            "customer": {"resourceName": "customers/1112223334", "currencyCode": "EUR"},
        }
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param(
            "SELECT customer.id, metrics.clicks FROM customer",
            "The sandbox reports metrics FROM campaign only.",
            id="metrics are not reported from customer",
        ),
        pytest.param(
            "SELECT customer.id, campaign.name FROM customer",
            "campaign.name cannot be used FROM customer.",
            id="another resource's field cannot be selected from customer",
        ),
        pytest.param(
            "SELECT customer.nickname FROM customer",
            "Unrecognized field customer.nickname.",
            id="an unknown customer field is refused",
        ),
    ],
)
def test_a_malformed_customer_query_is_a_query_error(client, google_customer, query, message):
    response = gaql(client, google_customer, query)

    assert response.status_code == 400
    assert response.json()["error"]["message"] == message


def test_a_customer_the_login_does_not_manage_is_permission_denied(client, google_customer):
    # given another login's customer
    other = sandbox_token("google_ads", scopes=[ADWORDS])
    sandbox_ad_account(other, external_id="9998887776", name="Someone else")

    response = gaql(client, google_customer, CUSTOMER_QUERY, cid="9998887776")

    assert response.status_code == 403
    assert response.json()["error"]["status"] == "PERMISSION_DENIED"


def info(client, token, **params):
    query = {k: json.dumps(v) if isinstance(v, list) else v for k, v in params.items()}
    return client.get(INFO, query, HTTP_ACCESS_TOKEN=token.access_token)


def test_advertiser_info_answers_the_envelope_with_the_fields_asked_in_the_order_asked(client, tiktok_advertisers):
    # when both advertisers are read, the UK one first
    response = info(
        client,
        tiktok_advertisers,
        advertiser_ids=["7000000000000000102", "7000000000000000101"],
        fields=["advertiser_id", "name", "currency", "timezone"],
    )

    # then the {code, message, request_id, data} envelope holds one row per id with just those fields
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["message"]) == (0, "OK")
    assert len(body["request_id"]) == 24
    assert body["data"] == {
        "list": [
            {
                "advertiser_id": "7000000000000000102",
                "name": "Northwind UK Ads",
                "currency": "GBP",
                "timezone": "Europe/London",
            },
            {
                "advertiser_id": "7000000000000000101",
                "name": "Northwind US Ads",
                "currency": "USD",
                "timezone": "America/New_York",
            },
        ]
    }


def test_advertiser_info_without_fields_answers_every_field(client, tiktok_advertisers):
    response = info(client, tiktok_advertisers, advertiser_ids=["7000000000000000101"])

    assert response.json()["data"]["list"] == [
        {
            "advertiser_id": "7000000000000000101",
            "name": "Northwind US Ads",
            "currency": "USD",
            "timezone": "America/New_York",
            "status": "STATUS_ENABLE",
        }
    ]


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        pytest.param({}, 40002, "advertiser_ids: 1 to 100 ids are required.", id="advertiser ids are required"),
        pytest.param(
            {"advertiser_ids": [str(7000000000000001000 + n) for n in range(101)]},
            40002,
            "advertiser_ids: 1 to 100 ids are required.",
            id="more than a hundred ids are refused",
        ),
        pytest.param({"advertiser_ids": "[7000"}, 40002, "advertiser_ids: invalid JSON.", id="ids must be json"),
        pytest.param(
            {"advertiser_ids": '"7000000000000000101"'},
            40002,
            "advertiser_ids: must be a JSON array.",
            id="ids must be a json array",
        ),
        pytest.param(
            {"advertiser_ids": ["7000000000000000101"], "fields": ["balance"]},
            40002,
            "fields: balance is not a valid field.",
            id="an unknown field is refused",
        ),
        pytest.param(
            {"advertiser_ids": ["7000000000000000101", "7000000000000000999"]},
            40001,
            "No permission to operate advertiser 7000000000000000999.",
            id="an advertiser the login does not manage is refused",
        ),
    ],
)
def test_advertiser_info_refusals_use_the_envelope(client, tiktok_advertisers, params, code, message):
    response = info(client, tiktok_advertisers, **params)

    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["message"]) == (code, message)
    assert "list" not in (body.get("data") or {})


@pytest.mark.django_db(transaction=True)
def test_google_ads_lists_each_accessible_customer_with_its_name_and_currency(sandbox_url, google_customer):
    # given a second customer whose name was never set in Google Ads
    sandbox_ad_account(google_customer, external_id="1234567899", name="")

    # when the OAuth spec lists the ad accounts over HTTP
    accounts = GoogleAdsOAuth().list_ad_accounts(access_token=google_customer.access_token)

    # then each comes from its GAQL row, the unnamed one shown by its id the way Google shows it
    assert accounts == [
        AdAccountInfo(id="1112223334", name="Northwind DE", currency="EUR"),
        AdAccountInfo(id="1234567899", name="Customer 123-456-7899", currency="USD"),
    ]


@pytest.mark.django_db(transaction=True)
def test_tiktok_ads_lists_each_advertiser_with_its_name_and_currency(sandbox_url, tiktok_advertisers):
    accounts = TikTokAdsOAuth().list_ad_accounts(access_token=tiktok_advertisers.access_token)

    assert accounts == [
        AdAccountInfo(id="7000000000000000101", name="Northwind US Ads", currency="USD"),
        AdAccountInfo(id="7000000000000000102", name="Northwind UK Ads", currency="GBP"),
    ]
