"""The ad platforms' sandbox refuses what Meta, Google Ads and TikTok refuse, in each platform's own error body,
and creates nothing when it does. Driven the way a client drives it: HTTP requests to /sandbox/<platform>/..."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from platforms.constants import GOOGLE_ADS, META_ADS, TIKTOK_ADS
from sandbox.ads import market
from sandbox.models import SandboxAdHistory, SandboxAdObject
from tests.platform_fixtures import sandbox_ad_account, sandbox_token

pytestmark = pytest.mark.django_db

GRAPH = "/sandbox/meta_ads/v25.0"
CID = "1234567890"
GOOGLE = f"/sandbox/google_ads/v25/customers/{CID}"
ADVERTISER = "7000000000000000001"
TT = "/sandbox/tiktok_ads/open_api/v1.3"
FUTURE = (timezone.now() + dt.timedelta(days=30)).replace(microsecond=0)


def backdate(campaign_id: str, days: int) -> SandboxAdObject:
    """Move a campaign's creation and delivery history ``days`` back, as if it had been serving since then."""
    campaign = SandboxAdObject.objects.get(external_id=campaign_id)
    past = timezone.now() - dt.timedelta(days=days)
    SandboxAdObject.objects.filter(campaign=campaign).update(created_at=past)
    SandboxAdObject.objects.filter(pk=campaign.pk).update(created_at=past)
    SandboxAdHistory.objects.filter(campaign=campaign).update(at=past)
    campaign.refresh_from_db()
    return campaign


# --- Meta Marketing API ---------------------------------------------------------------------------------------


@pytest.fixture
def meta_token(db) -> str:
    token = sandbox_token(META_ADS)
    sandbox_ad_account(token, external_id="act_101")
    return token.access_token


def graph(client, token: str, method: str, path: str, **fields):
    """A Graph API call as the SDK makes it: form fields, nested values as JSON strings, the token as a field."""
    data = {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in fields.items() if v is not None}
    data["access_token"] = token
    if method == "get":
        return client.get(f"{GRAPH}/{path}", data)
    if method == "delete":
        return client.delete(f"{GRAPH}/{path}?access_token={token}")
    return client.post(f"{GRAPH}/{path}", data)


def graph_error(response) -> dict:
    error = dict(response.json()["error"])
    assert len(error.pop("fbtrace_id")) == 11
    return error


META_CAMPAIGN = {"name": "Socks", "objective": "OUTCOME_SALES", "special_ad_categories": [], "status": "PAUSED"}


def meta_adset(campaign_id: str, **change) -> dict:
    return {
        "name": "Socks US",
        "campaign_id": campaign_id,
        "daily_budget": "5000",
        "billing_event": "IMPRESSIONS",
        "optimization_goal": "LINK_CLICKS",
        "targeting": {"geo_locations": {"countries": ["US"]}},
        "status": "PAUSED",
    } | change


META_CREATIVE = {
    "name": "Socks creative",
    "object_story_spec": {"page_id": "111", "link_data": {"link": "https://shop.example.com/p/1", "message": "Warm"}},
}


@pytest.fixture
def meta_tree(client, meta_token) -> dict[str, str]:
    """A campaign (no campaign budget), an ad set, a creative and an ad, created over the API."""
    ids = {"campaign": graph(client, meta_token, "post", "act_101/campaigns", **META_CAMPAIGN).json()["id"]}
    ids["adset"] = graph(client, meta_token, "post", "act_101/adsets", **meta_adset(ids["campaign"])).json()["id"]
    ids["creative"] = graph(client, meta_token, "post", "act_101/adcreatives", **META_CREATIVE).json()["id"]
    ad = {"name": "Socks ad", "adset_id": ids["adset"], "creative": {"creative_id": ids["creative"]}}
    ids["ad"] = graph(client, meta_token, "post", "act_101/ads", **ad, status="PAUSED").json()["id"]
    return ids


def _meta_payload(edge: str, tree: dict[str, str], change: dict) -> dict:
    base = {
        "campaigns": META_CAMPAIGN,
        "adsets": meta_adset(tree["campaign"]),
        "adcreatives": META_CREATIVE,
        "ads": {"name": "Another ad", "adset_id": tree["adset"], "creative": {"creative_id": tree["creative"]}},
    }[edge]
    return {**base, **change}


@pytest.mark.parametrize(
    ("edge", "change", "message"),
    [
        pytest.param(
            "campaigns",
            {"special_ad_categories": None},
            "The parameter special_ad_categories is required.",
            id="Meta refuses a campaign that does not declare its special ad categories",
        ),
        pytest.param(
            "campaigns",
            {"special_ad_categories": "[NONE"},
            "Invalid parameter: special_ad_categories must be JSON.",
            id="Meta refuses a list parameter that is not JSON",
        ),
        pytest.param(
            "campaigns",
            {"status": "ARCHIVED"},
            "Invalid parameter: status must be one of ['ACTIVE', 'PAUSED'].",
            id="Meta creates objects only active or paused",
        ),
        pytest.param(
            "adsets",
            {"daily_budget": None},
            "Invalid parameter: an ad set needs a daily_budget when its campaign has none.",
            id="Meta refuses an ad set without a budget under a campaign without one",
        ),
        pytest.param(
            "adsets",
            {"billing_event": "CPC"},
            "Invalid parameter: billing_event.",
            id="Meta refuses an unknown billing event",
        ),
        pytest.param(
            "adsets",
            {"optimization_goal": "CLICKS"},
            "Invalid parameter: optimization_goal.",
            id="Meta refuses an unknown optimization goal",
        ),
        pytest.param(
            "adsets",
            {"targeting": {"age_min": 18}},
            "Invalid parameter: targeting must include geo_locations.",
            id="Meta refuses targeting without a location",
        ),
        pytest.param(
            "adsets",
            {"optimization_goal": "OFFSITE_CONVERSIONS"},
            "Invalid parameter: promoted_object needs pixel_id and custom_event_type for conversion goals.",
            id="Meta refuses conversion optimisation without a pixel event",
        ),
        pytest.param(
            "adsets",
            {"end_time": "next tuesday"},
            "Invalid parameter: end_time is not a valid date and time.",
            id="Meta refuses an end time it cannot read",
        ),
        pytest.param(
            "adsets",
            {"daily_budget": "lots"},
            "The parameter daily_budget must be an integer.",
            id="Meta refuses a budget that is not a whole number of minor units",
        ),
        pytest.param(
            "adcreatives",
            {"object_story_spec": None},
            "A creative needs object_story_spec, object_story_id or source_instagram_media_id.",
            id="Meta refuses a creative with nothing to show",
        ),
        pytest.param(
            "adcreatives",
            {"object_story_spec": {"link_data": {"link": "https://shop.example.com/p/1"}}},
            "Invalid parameter: object_story_spec needs page_id.",
            id="Meta refuses a story spec without a page",
        ),
        pytest.param(
            "adcreatives",
            {"object_story_spec": {"page_id": "111"}},
            "Invalid parameter: object_story_spec needs link_data or video_data.",
            id="Meta refuses a story spec without a link or a video",
        ),
        pytest.param(
            "ads",
            {"status": "DELETED"},
            "Invalid parameter: status must be one of ['ACTIVE', 'PAUSED'].",
            id="Meta refuses to create an ad already deleted",
        ),
    ],
)
def test_meta_refuses_an_invalid_create_with_error_100(client, meta_token, meta_tree, edge, change, message):
    # given a campaign tree and a create request made invalid in one way
    before = SandboxAdObject.objects.count()
    # when it is posted
    response = graph(client, meta_token, "post", f"act_101/{edge}", **_meta_payload(edge, meta_tree, change))
    # then Meta's invalid-parameter error comes back and nothing is created
    assert response.status_code == 400
    assert graph_error(response) == {
        "message": message,
        "type": "OAuthException",
        "code": 100,
        "is_transient": False,
        "error_user_msg": message,
    }
    assert SandboxAdObject.objects.count() == before


def test_meta_answers_a_parent_it_cannot_see_as_a_missing_object(client, meta_token, meta_tree):
    # given an ad set create naming a campaign id that is not in the account
    payload = meta_adset("120299999999999")
    before = SandboxAdObject.objects.count()
    # when it is posted
    response = graph(client, meta_token, "post", "act_101/adsets", **payload)
    # then the Graph method error for an object that does not exist comes back
    assert response.status_code == 400
    assert graph_error(response) == {
        "message": "The object 120299999999999 does not exist or cannot be accessed.",
        "type": "GraphMethodException",
        "code": 100,
        "error_subcode": 33,
        "is_transient": False,
    }
    assert SandboxAdObject.objects.count() == before


def test_meta_answers_a_node_it_cannot_see_as_unsupported(client, meta_token, meta_tree):
    # given a campaign of another user's ad account
    other = sandbox_token(META_ADS)
    sandbox_ad_account(other, external_id="act_202")
    foreign = graph(client, other.access_token, "post", "act_202/campaigns", **META_CAMPAIGN).json()["id"]
    # when this user reads it and pauses it
    read = graph(client, meta_token, "get", f"{foreign}/", fields="name")
    paused = graph(client, meta_token, "post", f"{foreign}/", status="PAUSED")
    # then both get the Graph API's unsupported-request error
    message = (
        f"Unsupported get request. Object with ID '{foreign}' does not exist, cannot be loaded due to missing "
        "permissions, or does not support this operation."
    )
    for response in (read, paused):
        assert response.status_code == 400
        assert graph_error(response) == {
            "message": message,
            "type": "GraphMethodException",
            "code": 100,
            "error_subcode": 33,
            "is_transient": False,
        }


@pytest.mark.parametrize(
    "edge",
    [
        pytest.param("campaigns", id="Meta validates a campaign without creating it"),
        pytest.param("adsets", id="Meta validates an ad set without creating it"),
        pytest.param("adcreatives", id="Meta validates a creative without creating it"),
        pytest.param("ads", id="Meta validates an ad without creating it"),
    ],
)
def test_meta_validate_only_checks_and_creates_nothing(client, meta_token, meta_tree, edge):
    # given a valid create with execution_options=["validate_only"]
    before = SandboxAdObject.objects.count()
    payload = _meta_payload(edge, meta_tree, {"execution_options": ["validate_only"]})
    # when it is posted
    response = graph(client, meta_token, "post", f"act_101/{edge}", **payload)
    # then Meta answers success and no object exists
    assert response.status_code == 200
    assert response.json() == {"success": True}
    assert SandboxAdObject.objects.count() == before


@pytest.mark.parametrize(
    ("node", "fields", "message"),
    [
        pytest.param(
            "ad",
            {"daily_budget": "6000"},
            "Invalid parameter: this object has no daily budget to change.",
            id="Meta refuses a budget on an ad",
        ),
        pytest.param(
            "campaign",
            {"daily_budget": "6000"},
            "Invalid parameter: this object has no daily budget to change.",
            id="Meta refuses a budget on a campaign whose ad sets hold the budgets",
        ),
        pytest.param(
            "campaign",
            {"end_time": FUTURE.isoformat()},
            "Invalid parameter: end_time is set on ad sets.",
            id="Meta refuses an end time on a campaign",
        ),
        pytest.param(
            "adset",
            {"end_time": "2001-01-01T00:00:00+0000"},
            "Invalid parameter: end_time must be in the future.",
            id="Meta refuses an end time in the past",
        ),
        pytest.param("adset", {"name": ""}, "No field to update was given.", id="Meta refuses an empty update"),
    ],
)
def test_meta_refuses_an_invalid_node_update_and_changes_nothing(client, meta_token, meta_tree, node, fields, message):
    # given an object of the tree
    obj = SandboxAdObject.objects.get(external_id=meta_tree[node])
    # when an invalid update is posted to its node
    response = graph(client, meta_token, "post", f"{meta_tree[node]}/", **fields)
    # then the invalid-parameter error comes back and the object is as it was
    assert response.status_code == 400
    assert graph_error(response)["message"] == message
    fresh = SandboxAdObject.objects.get(pk=obj.pk)
    assert (fresh.name, fresh.daily_budget_minor, fresh.data) == (obj.name, obj.daily_budget_minor, obj.data)


def test_meta_renames_an_ad_set_sets_its_end_time_and_deletes_an_ad(client, meta_token, meta_tree):
    # given the tree
    # when the ad set is renamed and given an end time, and the ad is deleted
    renamed = graph(client, meta_token, "post", f"{meta_tree['adset']}/", name="Socks EU", end_time=FUTURE.isoformat())
    deleted = graph(client, meta_token, "delete", f"{meta_tree['ad']}/")
    # then both answer success and a read shows the changes
    assert (renamed.json(), deleted.json()) == ({"success": True}, {"success": True})
    adset = graph(client, meta_token, "get", f"{meta_tree['adset']}/", fields="name,end_time").json()
    assert adset == {"id": meta_tree["adset"], "name": "Socks EU", "end_time": FUTURE.astimezone(dt.UTC).isoformat()}
    ad = graph(client, meta_token, "get", f"{meta_tree['ad']}/", fields="status,effective_status").json()
    assert ad == {"id": meta_tree["ad"], "status": "DELETED", "effective_status": "DELETED"}


def test_meta_reports_an_active_ad_under_a_paused_parent_as_paused_by_it(client, meta_token, meta_tree):
    # given an active ad and campaign under a paused ad set
    graph(client, meta_token, "post", f"{meta_tree['ad']}/", status="ACTIVE")
    graph(client, meta_token, "post", f"{meta_tree['campaign']}/", status="ACTIVE")
    # when the ad is read
    under_adset = graph(client, meta_token, "get", f"{meta_tree['ad']}/", fields="effective_status").json()
    # and again once the ad set is active and the campaign paused
    graph(client, meta_token, "post", f"{meta_tree['adset']}/", status="ACTIVE")
    graph(client, meta_token, "post", f"{meta_tree['campaign']}/", status="PAUSED")
    under_campaign = graph(client, meta_token, "get", f"{meta_tree['ad']}/", fields="effective_status").json()
    # then its effective status names the paused parent
    assert under_adset["effective_status"] == "ADSET_PAUSED"
    assert under_campaign["effective_status"] == "CAMPAIGN_PAUSED"
    # and a campaign that never had a serving ad set never delivered
    campaign = SandboxAdObject.objects.get(external_id=meta_tree["campaign"])
    assert list(SandboxAdHistory.objects.filter(campaign=campaign).values_list("delivering", flat=True)) == [
        False,
        True,
        False,
    ]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        pytest.param(
            {"field": "colour", "operator": "EQUAL", "value": "red"},
            "Invalid parameter: filtering on colour is not supported.",
            id="Meta refuses a filter on a field objects do not have",
        ),
        pytest.param(
            {"field": "name", "operator": "RESEMBLES", "value": "Socks"},
            "Invalid parameter: operator RESEMBLES is not supported.",
            id="Meta refuses an unknown filter operator",
        ),
    ],
)
def test_meta_refuses_an_invalid_filter(client, meta_token, meta_tree, rule, message):
    response = graph(client, meta_token, "get", "act_101/campaigns", filtering=[rule])
    assert response.status_code == 400
    assert graph_error(response)["message"] == message


def test_meta_filters_campaigns_on_part_of_their_name(client, meta_token, meta_tree):
    # given two campaigns
    other = graph(client, meta_token, "post", "act_101/campaigns", **META_CAMPAIGN | {"name": "Scarves"}).json()["id"]
    # when the list is filtered on a name fragment
    rule = {"field": "name", "operator": "CONTAIN", "value": "carv"}
    response = graph(client, meta_token, "get", "act_101/campaigns", filtering=[rule], fields="name")
    # then only the match comes back, on one page without a next link
    body = response.json()
    assert body["data"] == [{"id": other, "name": "Scarves"}]
    assert "next" not in body["paging"]


@pytest.fixture
def meta_serving(client, meta_token, meta_tree) -> SandboxAdObject:
    """The tree switched on and backdated seventy days, so every preset below falls in its serving life."""
    for node in ("ad", "adset", "campaign"):
        graph(client, meta_token, "post", f"{meta_tree[node]}/", status="ACTIVE")
    return backdate(meta_tree["campaign"], 70)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        pytest.param(
            {"time_range": {"since": "2026-01-01"}},
            "Invalid parameter: time_range needs since and until.",
            id="Meta refuses a time range without an end",
        ),
        pytest.param(
            {"time_range": {"since": "2026-02-01", "until": "2026-01-01"}},
            "Invalid parameter: time_range since is after until.",
            id="Meta refuses a time range that ends before it starts",
        ),
        pytest.param(
            {"date_preset": "last_fortnight"},
            "Invalid parameter: date_preset last_fortnight.",
            id="Meta refuses an unknown date preset",
        ),
        pytest.param(
            {"level": "adset"},
            "The sandbox reports insights at level=campaign.",
            id="The sandbox says plainly that it reports campaign level insights only",
        ),
    ],
)
def test_meta_refuses_an_invalid_insights_request(client, meta_token, meta_serving, params, message):
    response = graph(client, meta_token, "get", "act_101/insights", **params)
    assert response.status_code == 400
    assert graph_error(response)["message"] == message


def test_meta_insights_of_an_ad_set_are_refused(client, meta_token, meta_tree):
    response = graph(client, meta_token, "get", f"{meta_tree['adset']}/insights", fields="spend")
    assert response.status_code == 400
    assert graph_error(response)["message"] == "The sandbox reports insights at the campaign level."


def _last_week(today: dt.date) -> tuple[dt.date, dt.date]:
    monday = today - dt.timedelta(days=today.weekday() + 7)
    return monday, monday + dt.timedelta(days=6)


def _last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


@pytest.mark.parametrize(
    ("preset", "span"),
    [
        pytest.param("last_7d", lambda t: (t - dt.timedelta(days=7), t - dt.timedelta(days=1)), id="last 7 days"),
        pytest.param("last_week_mon_sun", _last_week, id="last week Monday to Sunday"),
        pytest.param("this_month", lambda t: (t.replace(day=1), t), id="this month so far"),
        pytest.param("last_month", _last_month, id="last calendar month"),
    ],
)
def test_meta_sums_a_date_preset_into_one_row_per_campaign(client, meta_token, meta_serving, preset, span):
    # given a campaign serving for seventy days
    since, until = span(market.today_for(meta_serving))
    # when the account's insights are asked for a preset, as one total and day by day
    fields = "campaign_id,spend,impressions"
    total = graph(client, meta_token, "get", "act_101/insights", date_preset=preset, fields=fields).json()["data"]
    daily = graph(
        client,
        meta_token,
        "get",
        "act_101/insights",
        date_preset=preset,
        fields=fields,
        time_increment="1",
        limit="100",
    ).json()["data"]
    # then the total spans the preset's days and adds up the daily rows
    assert total == [
        {
            "campaign_id": meta_serving.external_id,
            "spend": f"{sum(float(d['spend']) for d in daily):.2f}",
            "impressions": str(sum(int(d["impressions"]) for d in daily)),
            "date_start": since.isoformat(),
            "date_stop": until.isoformat(),
        }
    ]
    assert {d["date_start"] for d in daily} <= {
        (since + dt.timedelta(days=n)).isoformat() for n in range((until - since).days + 1)
    }


# --- Google Ads API ---------------------------------------------------------------------------------------------


@pytest.fixture
def google_token(db) -> str:
    token = sandbox_token(GOOGLE_ADS)
    sandbox_ad_account(token, external_id=CID)
    return token.access_token


def google(client, token: str, path: str, body: dict, **headers: str):
    """A Google Ads REST call; ``headers`` override the defaults (an empty value leaves the header out)."""
    sent = {"Authorization": f"Bearer {token}", "developer-token": "sandbox-developer-token"} | headers
    return client.post(
        f"{GOOGLE}/{path}",
        json.dumps(body),
        content_type="application/json",
        headers={k: v for k, v in sent.items() if v},
    )


def google_failure(response) -> tuple[int, str, dict, str]:
    """(HTTP status, gRPC status, errorCode, message) of a Google Ads error answer."""
    error = response.json()["error"]
    failure = error["details"][0]
    assert failure["@type"] == "type.googleapis.com/google.ads.googleads.v25.errors.GoogleAdsFailure"
    first = failure["errors"][0]
    return response.status_code, error["status"], first["errorCode"], first["message"]


def create(client, token: str, resource: str, fields: dict) -> str:
    response = google(client, token, f"{resource}:mutate", {"operations": [{"create": fields}]})
    assert response.status_code == 200, response.content
    return response.json()["results"][0]["resourceName"]


RSA = {
    "headlines": [{"text": "Warm socks"}, {"text": "Wool socks"}, {"text": "Socks for winter"}],
    "descriptions": [{"text": "Knitted in Norway."}, {"text": "Free returns."}],
}


def google_campaign(budget: str, **change) -> dict:
    return {
        "name": "Socks two",
        "advertisingChannelType": "SEARCH",
        "status": "PAUSED",
        "campaignBudget": budget,
        "maximizeConversions": {},
        "containsEuPoliticalAdvertising": "DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING",
    } | change


@pytest.fixture
def google_tree(client, google_token) -> dict[str, str]:
    """A budget, a campaign named Socks, an ad group and an ad, as resource names."""
    names = {"budget": create(client, google_token, "campaignBudgets", {"name": "B", "amountMicros": "50000000"})}
    names["campaign"] = create(client, google_token, "campaigns", google_campaign(names["budget"], name="Socks"))
    names["ad_group"] = create(client, google_token, "adGroups", {"name": "G", "campaign": names["campaign"]})
    ad = {
        "adGroup": names["ad_group"],
        "ad": {"finalUrls": ["https://shop.example.com/p/1"], "responsiveSearchAd": RSA},
    }
    names["ad"] = create(client, google_token, "adGroupAds", ad)
    return names


def _google_create(resource: str, tree: dict[str, str], change: dict) -> dict:
    base = {
        "campaignBudgets": {"name": "Socks budget", "amountMicros": "20000000", "deliveryMethod": "STANDARD"},
        "campaigns": google_campaign(tree["budget"]),
        "adGroups": {"name": "Socks group", "campaign": tree["campaign"], "status": "ENABLED"},
        "adGroupAds": {
            "adGroup": tree["ad_group"],
            "ad": {"finalUrls": ["https://shop.example.com/p/2"], "responsiveSearchAd": RSA},
        },
    }[resource]
    return {k: v for k, v in (base | change).items() if v is not None}


@pytest.mark.parametrize(
    ("resource", "change", "error_code", "message"),
    [
        pytest.param(
            "campaignBudgets",
            {"deliveryMethod": "FAST"},
            {"requestError": "INVALID_ENUM_VALUE"},
            "Invalid deliveryMethod.",
            id="Google refuses an unknown budget delivery method",
        ),
        pytest.param(
            "campaignBudgets",
            {"amountMicros": "500000"},
            {"rangeError": "TOO_LOW"},
            "The budget must be at least 1.00 and a whole number of minor units.",
            id="Google refuses a budget under one unit of currency",
        ),
        pytest.param(
            "campaigns",
            {"advertisingChannelType": "RADIO"},
            {"requestError": "INVALID_ENUM_VALUE"},
            "Invalid advertisingChannelType.",
            id="Google refuses an unknown channel type",
        ),
        pytest.param(
            "campaigns",
            {"maximizeConversions": None},
            {"fieldError": "REQUIRED"},
            "Exactly one bidding strategy is required.",
            id="Google refuses a campaign without a bidding strategy",
        ),
        pytest.param(
            "campaigns",
            {"manualCpc": {}},
            {"fieldError": "REQUIRED"},
            "Exactly one bidding strategy is required.",
            id="Google refuses a campaign with two bidding strategies",
        ),
        pytest.param(
            "campaigns",
            {"containsEuPoliticalAdvertising": None},
            {"requestError": "REQUIRED_FIELD_MISSING"},
            "containsEuPoliticalAdvertising is required.",
            id="Google refuses a campaign without the EU political advertising declaration",
        ),
        pytest.param(
            "campaigns",
            {"campaignBudget": f"customers/{CID}/campaigns/1"},
            {"requestError": "RESOURCE_NAME_MALFORMED"},
            f"Malformed resource name 'customers/{CID}/campaigns/1'.",
            id="Google refuses a budget reference that names a campaign",
        ),
        pytest.param(
            "campaigns",
            {"status": "ACTIVE"},
            {"requestError": "INVALID_ENUM_VALUE"},
            "Invalid enum value 'ACTIVE' for status.",
            id="Google refuses a status from another platform",
        ),
        pytest.param(
            "campaigns",
            {"endDateTime": "2030-01-01"},
            {"dateError": "INVALID_STRING_DATE_TIME_SECONDS"},
            "The string date time's format should be yyyy-mm-dd hh:mm:ss.",
            id="Google refuses an end date without a time",
        ),
        pytest.param(
            "campaigns",
            {"name": "Socks"},
            {"campaignError": "DUPLICATE_CAMPAIGN_NAME"},
            "A campaign with this name already exists.",
            id="Google refuses a second campaign of the same name",
        ),
        pytest.param(
            "adGroupAds",
            {"ad": {"responsiveSearchAd": RSA}},
            {"requestError": "REQUIRED_FIELD_MISSING"},
            "ad.finalUrls is required.",
            id="Google refuses an ad without a final URL",
        ),
        pytest.param(
            "adGroupAds",
            {"ad": {"finalUrls": ["https://shop.example.com/p/2"], "responsiveSearchAd": RSA | {"headlines": []}}},
            {"collectionSizeError": "TOO_FEW"},
            "A responsive search ad needs at least 3 headlines and 2 descriptions.",
            id="Google refuses a responsive search ad with too few headlines",
        ),
    ],
)
def test_google_refuses_an_invalid_create_with_its_error_code(
    client, google_token, google_tree, resource, change, error_code, message
):
    # given the tree and a create made invalid in one way
    before = SandboxAdObject.objects.count()
    # when it is sent
    body = {"operations": [{"create": _google_create(resource, google_tree, change)}]}
    response = google(client, google_token, f"{resource}:mutate", body)
    # then Google's invalid-argument failure comes back and nothing is created
    assert google_failure(response) == (400, "INVALID_ARGUMENT", error_code, message)
    assert SandboxAdObject.objects.count() == before


@pytest.mark.parametrize(
    ("operations", "error_code", "message"),
    [
        pytest.param([], {"requestError": "REQUIRED_FIELD_MISSING"}, "operations is required.", id="no operations"),
        pytest.param(
            [{"delete": "customers/1/campaigns/2"}],
            {"requestError": "OPERATION_REQUIRED"},
            "Each operation needs create, update or remove.",
            id="Google refuses an operation that is none of create update remove",
        ),
        pytest.param(
            [{"update": {"resourceName": "{campaign}", "status": "ENABLED"}}],
            {"requestError": "REQUIRED_FIELD_MISSING"},
            "updateMask is required.",
            id="Google refuses an update without a field mask",
        ),
        pytest.param(
            [{"update": {"resourceName": "{campaign}"}, "updateMask": "advertisingChannelType"}],
            {"requestError": "IMMUTABLE_FIELD"},
            "The field advertisingChannelType cannot be updated.",
            id="Google refuses to change a campaign's channel",
        ),
    ],
)
def test_google_refuses_an_invalid_operation_and_changes_nothing(
    client, google_token, google_tree, operations, error_code, message
):
    # given a campaign
    campaign = SandboxAdObject.objects.get(kind="campaign")
    body = json.loads(json.dumps({"operations": operations}).replace("{campaign}", google_tree["campaign"]))
    # when the operations are sent
    response = google(client, google_token, "campaigns:mutate", body)
    # then they are refused and the campaign is as it was
    assert google_failure(response) == (400, "INVALID_ARGUMENT", error_code, message)
    fresh = SandboxAdObject.objects.get(pk=campaign.pk)
    assert (fresh.status, fresh.data) == (campaign.status, campaign.data)


@pytest.mark.parametrize(
    ("headers", "error_code", "message"),
    [
        pytest.param(
            {"developer-token": ""},
            {"requestError": "DEVELOPER_TOKEN_PARAMETER_MISSING"},
            "developer-token parameter is missing.",
            id="Google refuses a call without a developer token as an invalid argument",
        ),
        pytest.param(
            {"login-customer-id": "123-456-7890"},
            {"headerError": "INVALID_LOGIN_CUSTOMER_ID"},
            "The login customer id header '123-456-7890' could not be validated.",
            id="Google refuses a login customer id written with dashes",
        ),
    ],
)
def test_google_refuses_a_call_with_bad_headers(client, google_token, headers, error_code, message):
    body = {"operations": [{"create": {"name": "B", "amountMicros": "50000000"}}]}
    response = google(client, google_token, "campaignBudgets:mutate", body, **headers)
    assert google_failure(response) == (400, "INVALID_ARGUMENT", error_code, message)
    assert not SandboxAdObject.objects.exists()


@pytest.mark.parametrize(
    "resource",
    [
        pytest.param("campaignBudgets", id="Google validates a budget without creating it"),
        pytest.param("campaigns", id="Google validates a campaign without creating it"),
        pytest.param("adGroups", id="Google validates an ad group without creating it"),
        pytest.param("adGroupAds", id="Google validates an ad without creating it"),
    ],
)
def test_google_validate_only_checks_and_creates_nothing(client, google_token, google_tree, resource):
    before = SandboxAdObject.objects.count()
    body = {"operations": [{"create": _google_create(resource, google_tree, {})}], "validateOnly": True}
    response = google(client, google_token, f"{resource}:mutate", body)
    assert (response.status_code, response.json()) == (200, {"results": []})
    assert SandboxAdObject.objects.count() == before


def search(client, token: str, query: str) -> list[dict]:
    response = google(client, token, "googleAds:search", {"query": query})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_google_renames_a_campaign_through_its_field_mask(client, google_token, google_tree):
    # when the campaign's name is updated with updateMask=name
    operation = {"update": {"resourceName": google_tree["campaign"], "name": "Socks 2027"}, "updateMask": "name"}
    response = google(client, google_token, "campaigns:mutate", {"operations": [operation]})
    # then the result names the campaign and a query reads the new name
    assert response.json() == {"results": [{"resourceName": google_tree["campaign"]}]}
    assert search(client, google_token, "SELECT campaign.name FROM campaign") == [
        {"campaign": {"resourceName": google_tree["campaign"], "name": "Socks 2027"}}
    ]


@pytest.mark.parametrize(
    ("body", "error_code", "message"),
    [
        pytest.param(
            {"query": "SELECT campaign.id FROM campaign", "pageSize": 100},
            {"requestError": "PAGE_SIZE_NOT_SUPPORTED"},
            "Page size is not supported.",
            id="Google refuses a page size on search",
        ),
        pytest.param({}, {"requestError": "REQUIRED_FIELD_MISSING"}, "query is required.", id="search needs a query"),
        pytest.param(
            {"query": "campaign.id FROM campaign"},
            {"queryError": "QUERY_ERROR"},
            "The query is not valid GAQL.",
            id="Google refuses a query without SELECT",
        ),
        pytest.param(
            {"query": "SELECT campaign.id FROM campaign WHERE campaign.id"},
            {"queryError": "QUERY_ERROR"},
            "Cannot parse the condition 'campaign.id'.",
            id="Google refuses a condition without an operator",
        ),
        pytest.param(
            {"query": "SELECT campaign.id, metrics.colour FROM campaign"},
            {"queryError": "UNRECOGNIZED_FIELD"},
            "Unrecognized field metrics.colour.",
            id="Google refuses an unknown metric",
        ),
        pytest.param(
            {"query": "SELECT customer.colour FROM customer"},
            {"queryError": "UNRECOGNIZED_FIELD"},
            "Unrecognized field customer.colour.",
            id="Google refuses an unknown customer field",
        ),
        pytest.param(
            {"query": "SELECT campaign.id, segments.date FROM campaign"},
            {"queryError": "EXPECTED_FILTERS_ON_DATE_RANGE"},
            "segments.date in SELECT needs a finite date range in WHERE.",
            id="Google refuses daily rows without a date range",
        ),
        pytest.param(
            {"query": "SELECT campaign.id, metrics.clicks FROM campaign WHERE segments.date DURING LAST_FORTNIGHT"},
            {"queryError": "INVALID_VALUE_WITH_DURING_OPERATOR"},
            "Invalid date range LAST_FORTNIGHT with the DURING operator.",
            id="Google refuses an unknown DURING range",
        ),
        pytest.param(
            {"query": "SELECT campaign.id FROM campaign WHERE campaign.id IN 5"},
            {"queryError": "EXPECTED_LIST"},
            "IN needs a list of values in parentheses.",
            id="Google refuses IN without a list",
        ),
        pytest.param(
            {"query": "SELECT keyword_view.resource_name FROM keyword_view"},
            {"queryError": "QUERY_ERROR"},
            "The sandbox does not serve FROM keyword_view.",
            id="The sandbox says plainly which resources it does not serve",
        ),
    ],
)
def test_google_refuses_an_invalid_search(client, google_token, google_tree, body, error_code, message):
    response = google(client, google_token, "googleAds:search", body)
    assert google_failure(response) == (400, "INVALID_ARGUMENT", error_code, message)


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        pytest.param("campaign.name LIKE 'So%'", ["Socks"], id="LIKE matches a prefix"),
        pytest.param("campaign.name IN ('Scarves', 'Hats')", ["Scarves"], id="IN matches one of a list"),
        pytest.param("campaign.name NOT IN ('Scarves')", ["Socks"], id="NOT IN leaves the list out"),
        pytest.param("campaign.name != 'Socks'", ["Scarves"], id="not equal leaves one out"),
        pytest.param("campaign.status = 'PAUSED' LIMIT 1", ["Socks"], id="LIMIT keeps the first rows"),
        pytest.param("campaign.name >= 'Sd'", ["Socks"], id="text compares in order"),
        pytest.param("campaign.name < 'Sd'", ["Scarves"], id="text compares in order the other way"),
    ],
)
def test_google_search_filters_campaigns(client, google_token, google_tree, where, expected):
    # given two campaigns, Socks and then Scarves
    budget = create(client, google_token, "campaignBudgets", {"name": "B2", "amountMicros": "50000000"})
    create(client, google_token, "campaigns", google_campaign(budget, name="Scarves"))
    # when they are searched with a condition
    rows = search(client, google_token, f"SELECT campaign.name FROM campaign WHERE {where}")
    # then the matching campaigns come back in creation order
    assert [row["campaign"]["name"] for row in rows] == expected


def test_google_search_compares_ids_as_numbers(client, google_token, google_tree):
    socks = google_tree["campaign"].rsplit("/", 1)[1]
    assert search(client, google_token, f"SELECT campaign.id FROM campaign WHERE campaign.id > {int(socks) - 1}") == [
        {"campaign": {"resourceName": google_tree["campaign"], "id": socks}}
    ]
    assert search(client, google_token, f"SELECT campaign.id FROM campaign WHERE campaign.id <= {int(socks) - 1}") == []


@pytest.fixture
def google_serving(client, google_token, google_tree) -> SandboxAdObject:
    """The campaign switched on and backdated sixty days."""
    operation = {"update": {"resourceName": google_tree["campaign"], "status": "ENABLED"}, "updateMask": "status"}
    google(client, google_token, "campaigns:mutate", {"operations": [operation]})
    return backdate(google_tree["campaign"].rsplit("/", 1)[1], 60)


def test_google_metrics_without_a_date_range_cover_the_campaign_life(client, google_token, google_serving):
    # given a campaign serving for sixty days
    # when its clicks are asked for without a date range, and day by day over its life
    total = search(client, google_token, "SELECT campaign.id, metrics.clicks FROM campaign")
    today = market.today_for(google_serving)
    start = google_serving.created_at.astimezone(market.account_zone(google_serving)).date()
    daily = search(
        client,
        google_token,
        "SELECT campaign.id, segments.date, metrics.clicks FROM campaign "
        f"WHERE segments.date BETWEEN '{start}' AND '{today}'",
    )
    # then the total is the sum of the days
    assert len(daily) >= 59
    assert total[0]["metrics"]["clicks"] == str(sum(int(row["metrics"]["clicks"]) for row in daily))


@pytest.mark.parametrize(
    ("during", "span"),
    [
        pytest.param("LAST_MONTH", _last_month, id="Google serves LAST_MONTH"),
        pytest.param("LAST_WEEK_MON_SUN", _last_week, id="Google serves LAST_WEEK_MON_SUN"),
        pytest.param(
            "LAST_WEEK_SUN_SAT",
            lambda t: (
                t - dt.timedelta(days=(t.weekday() + 1) % 7 + 7),
                t - dt.timedelta(days=(t.weekday() + 1) % 7 + 1),
            ),
            id="Google serves LAST_WEEK_SUN_SAT",
        ),
        pytest.param(
            "LAST_BUSINESS_WEEK",
            lambda t: (t - dt.timedelta(days=t.weekday() + 7), t - dt.timedelta(days=t.weekday() + 3)),
            id="Google serves LAST_BUSINESS_WEEK",
        ),
        pytest.param(
            "THIS_WEEK_MON_TODAY", lambda t: (t - dt.timedelta(days=t.weekday()), t), id="Google serves this week"
        ),
    ],
)
def test_google_during_ranges_cover_their_calendar_days(client, google_token, google_serving, during, span):
    # given a campaign serving for sixty days
    since, until = span(market.today_for(google_serving))
    # when its daily rows are asked for a named range
    rows = search(
        client,
        google_token,
        f"SELECT campaign.id, segments.date, metrics.impressions FROM campaign WHERE segments.date DURING {during}",
    )
    # then the days are exactly the range's days that have already begun
    expected = [(since + dt.timedelta(days=n)).isoformat() for n in range((until - since).days + 1)]
    assert [row["segments"]["date"] for row in rows] == expected


# --- TikTok Business API ----------------------------------------------------------------------------------------


@pytest.fixture
def tt_token(db) -> str:
    token = sandbox_token(TIKTOK_ADS)
    sandbox_ad_account(token, external_id=ADVERTISER)
    return token.access_token


def tt_post(client, token: str, path: str, body: dict):
    return client.post(
        f"{TT}/{path}/", json.dumps(body), content_type="application/json", headers={"Access-Token": token}
    )


def tt_get(client, token: str, path: str, **params):
    query = {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in params.items()}
    return client.get(f"{TT}/{path}/", {"advertiser_id": ADVERTISER, **query}, headers={"Access-Token": token})


def tt_refusal(response) -> tuple[int, int, str, dict]:
    body = response.json()
    assert len(body["request_id"]) == 24
    return response.status_code, body["code"], body["message"], body["data"]


TT_CAMPAIGN = {
    "advertiser_id": ADVERTISER,
    "campaign_name": "Socks",
    "objective_type": "TRAFFIC",
    "budget_mode": "BUDGET_MODE_INFINITE",
    "operation_status": "DISABLE",
}


def tt_adgroup(campaign_id: str) -> dict:
    return {
        "advertiser_id": ADVERTISER,
        "campaign_id": campaign_id,
        "adgroup_name": "Socks US",
        "location_ids": ["6252001"],
        "optimization_goal": "CLICK",
        "billing_event": "CPC",
        "pacing": "PACING_MODE_SMOOTH",
        "budget_mode": "BUDGET_MODE_DAY",
        "budget": 20.0,
        "operation_status": "DISABLE",
    }


TT_CREATIVE = {
    "ad_name": "Socks ad",
    "ad_format": "SINGLE_IMAGE",
    "ad_text": "Warm socks",
    "landing_page_url": "https://shop.example.com/p/1",
    "image_ids": ["img-1"],
}


@pytest.fixture
def tt_tree(client, tt_token) -> dict[str, str]:
    ids = {"campaign": tt_post(client, tt_token, "campaign/create", TT_CAMPAIGN).json()["data"]["campaign_id"]}
    ids["adgroup"] = tt_post(client, tt_token, "adgroup/create", tt_adgroup(ids["campaign"])).json()["data"][
        "adgroup_id"
    ]
    ad = {"advertiser_id": ADVERTISER, "adgroup_id": ids["adgroup"], "creatives": [TT_CREATIVE]}
    ids["ad"] = tt_post(client, tt_token, "ad/create", ad).json()["data"]["ad_ids"][0]
    return ids


def _tt_payload(path: str, tree: dict[str, str], change: dict) -> dict:
    if path == "campaign/create":
        base = TT_CAMPAIGN
    elif path == "adgroup/create":
        base = tt_adgroup(tree["campaign"])
    else:
        return {"advertiser_id": ADVERTISER, "adgroup_id": tree["adgroup"], "creatives": [TT_CREATIVE | change]}
    return {k: v for k, v in (base | change).items() if v is not None}


@pytest.mark.parametrize(
    ("path", "change", "message"),
    [
        pytest.param(
            "campaign/create",
            {"campaign_name": "S" * 513},
            "campaign_name: at most 512 characters.",
            id="TikTok refuses a campaign name over 512 characters",
        ),
        pytest.param(
            "campaign/create",
            {"budget_mode": "BUDGET_MODE_WEEK"},
            "budget_mode: must be one of ['BUDGET_MODE_DAY', 'BUDGET_MODE_DYNAMIC_DAILY_BUDGET', "
            "'BUDGET_MODE_INFINITE', 'BUDGET_MODE_TOTAL'].",
            id="TikTok refuses an unknown budget mode",
        ),
        pytest.param(
            "campaign/create",
            {"budget_mode": "BUDGET_MODE_DAY", "budget": "lots"},
            "budget: must be a number.",
            id="TikTok refuses a budget that is not a number",
        ),
        pytest.param(
            "campaign/create",
            {"budget_mode": "BUDGET_MODE_DAY", "budget": -50},
            "budget: must be a positive number.",
            id="TikTok refuses a negative budget",
        ),
        pytest.param(
            "campaign/create",
            {"operation_status": "PAUSE"},
            "operation_status: must be ENABLE or DISABLE.",
            id="TikTok creates campaigns only enabled or disabled",
        ),
        pytest.param(
            "campaign/create",
            {"request_id": "retry-1"},
            "request_id: must be a 64-bit integer as a string.",
            id="TikTok refuses a request id that is not a number",
        ),
        pytest.param(
            "adgroup/create",
            {"pacing": "PACING_MODE_SLOW"},
            "pacing: must be one of ['PACING_MODE_FAST', 'PACING_MODE_SMOOTH'].",
            id="TikTok refuses an unknown pacing",
        ),
        pytest.param(
            "adgroup/create",
            {"optimization_goal": "LIKES"},
            "optimization_goal: invalid value.",
            id="TikTok refuses an unknown optimization goal",
        ),
        pytest.param(
            "adgroup/create",
            {"optimization_goal": "CONVERT"},
            "pixel_id: required for conversion optimisation.",
            id="TikTok refuses conversion optimisation without a pixel",
        ),
        pytest.param(
            "adgroup/create",
            {"budget_mode": None, "budget": None},
            "budget: the ad group needs a daily budget when its campaign has none.",
            id="TikTok refuses an ad group without a budget under a campaign without one",
        ),
        pytest.param(
            "adgroup/create",
            {"budget": 19.99},
            "The ad group daily budget must be at least 20.00.",
            id="TikTok refuses an ad group budget under 20",
        ),
        pytest.param(
            "adgroup/create",
            {"schedule_type": "SCHEDULE_WEEKLY"},
            "schedule_type: must be SCHEDULE_FROM_NOW or SCHEDULE_START_END.",
            id="TikTok refuses an unknown schedule type",
        ),
        pytest.param(
            "ad/create",
            {"ad_format": "STORY"},
            "creatives.ad_format: invalid value.",
            id="TikTok refuses an unknown ad format",
        ),
        pytest.param(
            "ad/create",
            {"image_ids": []},
            "creatives: a video_id, image_ids or tiktok_item_id is required.",
            id="TikTok refuses an ad with no media",
        ),
    ],
)
def test_tiktok_refuses_an_invalid_create_in_a_200_envelope(client, tt_token, tt_tree, path, change, message):
    # given the tree and a create made invalid in one way
    before = SandboxAdObject.objects.count()
    # when it is posted
    response = tt_post(client, tt_token, path, _tt_payload(path, tt_tree, change))
    # then the Business API's envelope carries code 40002 with HTTP 200, and nothing is created
    assert tt_refusal(response) == (200, 40002, message, {})
    assert SandboxAdObject.objects.count() == before


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        pytest.param(
            "campaign/status/update",
            {"campaign_ids": ["{campaign}"], "operation_status": "PAUSE"},
            "operation_status: must be ENABLE, DISABLE or DELETE.",
            id="TikTok refuses an unknown status change",
        ),
        pytest.param(
            "ad/status/update",
            {"ad_ids": ["1800000000000000001"], "operation_status": "ENABLE"},
            "The object 1800000000000000001 does not exist or cannot be accessed.",
            id="TikTok refuses a status change of an ad it does not know",
        ),
        pytest.param(
            "campaign/update",
            {"campaign_id": "{campaign}", "budget": 100},
            "budget: this object has no daily budget.",
            id="TikTok refuses a budget on a campaign without a daily budget",
        ),
        pytest.param(
            "adgroup/update",
            {"adgroup_id": "{adgroup}", "budget": 10},
            "The daily budget must be at least 20.00.",
            id="TikTok refuses lowering an ad group budget under 20",
        ),
    ],
)
def test_tiktok_refuses_an_invalid_change_and_changes_nothing(client, tt_token, tt_tree, path, body, message):
    # given the tree
    before = {o.pk: (o.status, o.daily_budget_minor) for o in SandboxAdObject.objects.all()}
    payload = json.loads(
        json.dumps(body).replace("{campaign}", tt_tree["campaign"]).replace("{adgroup}", tt_tree["adgroup"])
    )
    # when an invalid change is posted
    response = tt_post(client, tt_token, path, {"advertiser_id": ADVERTISER, **payload})
    # then it is refused and every object is as it was
    assert tt_refusal(response) == (200, 40002, message, {})
    assert {o.pk: (o.status, o.daily_budget_minor) for o in SandboxAdObject.objects.all()} == before


def test_tiktok_changes_an_ad_group_and_switches_its_ad(client, tt_token, tt_tree):
    # when the ad group is renamed and given a higher budget, and its ad and the ad group are enabled
    updated = tt_post(
        client,
        tt_token,
        "adgroup/update",
        {"advertiser_id": ADVERTISER, "adgroup_id": tt_tree["adgroup"], "adgroup_name": "Socks EU", "budget": 25},
    )
    ads = tt_post(
        client,
        tt_token,
        "ad/status/update",
        {"advertiser_id": ADVERTISER, "ad_ids": [tt_tree["ad"]], "operation_status": "ENABLE"},
    )
    groups = tt_post(
        client,
        tt_token,
        "adgroup/status/update",
        {"advertiser_id": ADVERTISER, "adgroup_ids": [tt_tree["adgroup"]], "operation_status": "ENABLE"},
    )
    # then each answers code 0 and the lists show the changes
    assert updated.json()["data"] == {"adgroup_id": tt_tree["adgroup"]}
    assert ads.json()["data"] == {"ad_ids": [tt_tree["ad"]], "status": "ENABLE"}
    assert groups.json()["data"] == {"adgroup_ids": [tt_tree["adgroup"]], "status": "ENABLE"}
    group = tt_get(client, tt_token, "adgroup/get").json()["data"]["list"][0]
    assert (group["adgroup_name"], group["budget"], group["operation_status"]) == ("Socks EU", 25.0, "ENABLE")
    ad = tt_get(client, tt_token, "ad/get").json()["data"]["list"][0]
    assert (ad["ad_id"], ad["operation_status"]) == (tt_tree["ad"], "ENABLE")


def test_tiktok_serves_a_campaign_at_its_own_daily_budget(client, tt_token):
    # given a campaign with a daily budget of 60.00 and an ad group without one
    body = TT_CAMPAIGN | {"budget_mode": "BUDGET_MODE_DAY", "budget": 60, "operation_status": "ENABLE"}
    campaign_id = tt_post(client, tt_token, "campaign/create", body).json()["data"]["campaign_id"]
    adgroup = tt_adgroup(campaign_id) | {"budget_mode": "BUDGET_MODE_INFINITE", "operation_status": "ENABLE"}
    adgroup_id = tt_post(client, tt_token, "adgroup/create", adgroup).json()["data"]["adgroup_id"]
    # when an enabled ad is added
    ad = {"advertiser_id": ADVERTISER, "adgroup_id": adgroup_id, "creatives": [TT_CREATIVE]}
    tt_post(client, tt_token, "ad/create", ad)
    # then the campaign delivers at the campaign's budget
    campaign = SandboxAdObject.objects.get(external_id=campaign_id)
    last = SandboxAdHistory.objects.filter(campaign=campaign).order_by("-at", "-pk").first()
    assert (last.delivering, last.daily_budget_minor) == (True, 6000)


REPORT = {
    "report_type": "BASIC",
    "data_level": "AUCTION_CAMPAIGN",
    "dimensions": ["campaign_id"],
    "metrics": ["spend", "impressions"],
    "start_date": "2026-01-01",
    "end_date": "2026-01-31",
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"dimensions": '["campaign_id"'}, "dimensions: invalid JSON.", id="TikTok refuses broken JSON"),
        pytest.param(
            {"dimensions": ["stat_time_day"]},
            "dimensions: must be a JSON list containing campaign_id.",
            id="TikTok refuses a campaign report without the campaign dimension",
        ),
        pytest.param(
            {"metrics": ["spend", "colour"]}, "metrics: unknown metric colour.", id="TikTok refuses an unknown metric"
        ),
        pytest.param(
            {"start_date": "2026/01/01"},
            "start_date / end_date: use YYYY-MM-DD.",
            id="TikTok refuses a date in another format",
        ),
        pytest.param(
            {"start_date": "2024-01-01"},
            "The date range must be at most 365 days, start before end.",
            id="TikTok refuses a range over a year",
        ),
        pytest.param(
            {"filtering": {"campaign_ids": ["1"]}},
            "filtering: must be a list of {field_name, filter_type, filter_value} objects.",
            id="TikTok refuses a v1.2 style filter",
        ),
        pytest.param(
            {"filtering": [{"field_name": "campaign_ids", "filter_type": "IN", "filter_value": '["1"'}]},
            "filtering: filter_value must be a JSON list for IN.",
            id="TikTok refuses an IN filter value that is not JSON",
        ),
        pytest.param(
            {"filtering": [{"field_name": "campaign_ids", "filter_type": "IN", "filter_value": "1"}]},
            "filtering: filter_value must be a JSON list for IN.",
            id="TikTok refuses an IN filter value that is not a list",
        ),
        pytest.param(
            {"filtering": [{"field_name": "campaign_ids", "filter_type": "GREATER_THAN", "filter_value": "1"}]},
            "filtering: filter_type must be IN or EQUAL.",
            id="TikTok refuses an unknown filter type",
        ),
        pytest.param(
            {"filtering": [{"field_name": "adgroup_ids", "filter_type": "IN", "filter_value": '["1"]'}]},
            "filtering: the sandbox filters on campaign_ids, not adgroup_ids.",
            id="The sandbox says plainly that it filters reports on campaigns only",
        ),
        pytest.param(
            {"data_level": "AUCTION_AD"},
            "The sandbox serves report_type=BASIC at data_level=AUCTION_CAMPAIGN.",
            id="The sandbox says plainly that it reports campaigns only",
        ),
    ],
)
def test_tiktok_refuses_an_invalid_report(client, tt_token, change, message):
    response = tt_get(client, tt_token, "report/integrated/get", **REPORT | change)
    assert tt_refusal(response) == (200, 40002, message, {})


def test_tiktok_report_without_a_day_dimension_sums_the_range(client, tt_token, tt_tree):
    # given a campaign that has served for twenty days
    for path, key, oid in (
        ("ad/status/update", "ad_ids", tt_tree["ad"]),
        ("adgroup/status/update", "adgroup_ids", tt_tree["adgroup"]),
        ("campaign/status/update", "campaign_ids", tt_tree["campaign"]),
    ):
        tt_post(client, tt_token, path, {"advertiser_id": ADVERTISER, key: [oid], "operation_status": "ENABLE"})
    campaign = backdate(tt_tree["campaign"], 20)
    today = market.today_for(campaign)
    span = {"start_date": (today - dt.timedelta(days=30)).isoformat(), "end_date": today.isoformat()}
    # when the report is asked without stat_time_day and without a filter, and then day by day
    total = tt_get(client, tt_token, "report/integrated/get", **REPORT | span).json()["data"]
    daily = tt_get(
        client,
        tt_token,
        "report/integrated/get",
        **REPORT | span | {"dimensions": ["campaign_id", "stat_time_day"]},
        page_size=100,
    ).json()["data"]["list"]
    # then one row sums the days
    assert total["page_info"] == {"page": 1, "page_size": 10, "total_number": 1, "total_page": 1}
    assert total["list"] == [
        {
            "dimensions": {"campaign_id": tt_tree["campaign"]},
            "metrics": {
                "spend": f"{sum(float(d['metrics']['spend']) for d in daily):.2f}",
                "impressions": str(sum(int(d["metrics"]["impressions"]) for d in daily)),
            },
        }
    ]
    assert len(daily) >= 20
    # and a filter on the campaign by EQUAL keeps it, one on another campaign leaves nothing
    for value, expected in ((tt_tree["campaign"], total["list"]), ("1800000000000000001", [])):
        rule = {"field_name": "campaign_id", "filter_type": "EQUAL", "filter_value": value}
        filtered = tt_get(client, tt_token, "report/integrated/get", **REPORT | span | {"filtering": [rule]})
        assert filtered.json()["data"]["list"] == expected
