"""Every number, date and text a merchant sends to ads is bounded: the forms, the API, the services and the
models each refuse what is out of range with a clear 4xx message, and nothing is changed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ads.models import AdCampaign, AdCreative, AdRule, CampaignAction, CampaignStatus, StoreAdSettings
from ads.services import ad_settings_update, campaign_change_budget, campaign_end_for, creative_create
from ads.services.rules import rule_create
from platforms.constants import META_ADS
from stores.actors import SYSTEM
from stores.exceptions import ApplicationError
from stores.models import Role
from stores.services import api_key_create

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}

RULE_FORM = {
    "name": "Pause losers",
    "platform": "",
    "metric": "roas",
    "operator": "lt",
    "threshold": "3",
    "window_days": "7",
    "min_spend": "10",
    "action": "budget_down",
    "change_percent": "20",
    "cooldown_hours": "24",
}

RULE_FIELDS = {
    "name": "Pause losers",
    "metric": "roas",
    "operator": "lt",
    "threshold": "1.0",
    "window_days": 7,
    "min_spend_minor": 0,
    "action": "notify",
    "change_percent": 0,
    "cooldown_hours": 24,
    "platform": "",
}


@pytest.fixture
def api_key(store):
    return api_key_create(store=store, name="Ops", created_by=None, role=Role.MARKETER)[1]


def call(client, method, path, key, body=None):
    return getattr(client, method)(
        f"/api/ads{path}", data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )


@pytest.fixture
def paused(store, connections, creative):
    return AdCampaign.objects.create(
        store=store,
        platform=META_ADS,
        connection=connections[META_ADS],
        name="Socks",
        status=CampaignStatus.PAUSED,
        daily_budget_minor=5000,
        currency="USD",
        creative=creative,
        external_campaign_id="120200000000009",
    )


# -- rules -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cooldown_hours", "100000000", "Cooldown hours: Ensure this value is less than or equal to 2160."),
        ("window_days", "1000", "Window days: Ensure this value is less than or equal to 90."),
        ("threshold", "1000000001", "Threshold: Ensure this value is less than or equal to 1000000000."),
        ("change_percent", "500", "Change percent: Ensure this value is less than or equal to 100."),
        (
            "min_spend",
            "100000001",
            "Only with spend of at least: Ensure this value is less than or equal to 100000000.",
        ),
    ],
    ids=[
        "a cooldown of 11,000 years",
        "a 1000-day window",
        "a threshold over a billion",
        "a 500 % change",
        "a huge spend",
    ],
)
def test_the_rule_form_refuses_out_of_range_numbers(owner_client, store, field, value, message):
    # when the merchant saves a rule with one number out of range
    response = owner_client.post("/ads/rules/", RULE_FORM | {field: value}, **HTMX)
    # then a 400 says which and why, and no rule is saved
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AdRule.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"cooldown_hours": 100_000_000}, "The cooldown is at most 2160 hours (90 days)."),
        ({"window_days": 91}, "The window is 1 to 90 days."),
        ({"threshold": "1e400"}, "The threshold is at most 1,000,000,000."),
        ({"metric": "ctr", "threshold": "101"}, "A CTR threshold is at most 100."),
        ({"min_spend_minor": 10**19}, "The minimum spend is at most 100,000,000.00."),
        ({"action": "budget_up", "change_percent": 101}, "A budget change is 1 to 100 percent."),
        ({"window_days": "seven"}, "The window is 1 to 90 days."),
    ],
    ids=[
        "a huge cooldown",
        "a window past 90 days",
        "a threshold of 1e400",
        "a CTR over 100 %",
        "a minimum spend past int64",
        "a budget change over 100 %",
        "a window that is not a number",
    ],
)
def test_the_rule_service_refuses_out_of_range_values(store, overrides, message):
    with pytest.raises(ApplicationError) as refused:
        rule_create(store=store, by=None, **(RULE_FIELDS | overrides))
    assert (refused.value.message, refused.value.code) == (message, "invalid_rule")
    assert not AdRule.objects.exists()


def test_the_rule_model_validates_its_bounds_and_the_database_keeps_the_threshold_in_range(store):
    rule = AdRule(store=store, **(RULE_FIELDS | {"threshold": Decimal("1"), "cooldown_hours": 100_000_000}))
    with pytest.raises(ValidationError) as invalid:
        rule.full_clean()
    assert invalid.value.message_dict == {"cooldown_hours": ["Ensure this value is less than or equal to 2160."]}
    with pytest.raises(IntegrityError), transaction.atomic():
        AdRule.objects.create(store=store, **(RULE_FIELDS | {"threshold": Decimal("-1")}))
    assert not AdRule.objects.exists()


# -- campaign end dates ----------------------------------------------------------------------------------------------


def campaign_form(**overrides):
    """The new-campaign form's fields for a product of the test's store (the ad is written from it)."""
    from stores.models import Store
    from tests.factories import ProductFactory

    product = ProductFactory(store=Store.objects.get(slug="northwind"))
    return {
        "platform": META_ADS,
        "name": "Spring socks",
        "objective": "sales",
        "daily_budget": "40.00",
        "product": str(product.pk),
    } | overrides


def local_today(store):
    return timezone.now().astimezone(store.tzinfo).date()


@pytest.mark.parametrize("last_day", ["9999-12-31", "0001-01-01"], ids=["the end of time", "year one"])
def test_the_campaign_form_refuses_a_last_day_out_of_range(owner_client, store, connections, ad_settings, last_day):
    # when the merchant asks for a last day thousands of years away
    response = owner_client.post("/ads/campaigns/new/", campaign_form(last_day=last_day))
    # then the form answers 400 with the accepted range, and nothing is created
    today = local_today(store)
    assert response.status_code == 400
    assert (
        f"Give a day from {today.isoformat()} to {(today + dt.timedelta(days=730)).isoformat()} "
        "(today to two years ahead)." in response.content.decode()
    )
    assert not AdCampaign.objects.exists()
    assert not AdCreative.objects.exists()


def test_the_campaign_form_takes_a_last_day_two_years_ahead(owner_client, store, connections, ad_settings):
    last_day = local_today(store) + dt.timedelta(days=730)
    response = owner_client.post("/ads/campaigns/new/", campaign_form(last_day=last_day.isoformat()))
    assert response.status_code == 302
    end = AdCampaign.objects.get().end_at
    assert end == dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min, tzinfo=store.tzinfo)


@pytest.mark.parametrize("end_date", ["9999-12-31", "0001-01-01"], ids=["the end of time", "year one"])
def test_the_api_refuses_an_end_date_out_of_range(client, store, api_key, connections, ad_settings, creative, end_date):
    # when an API client creates a campaign ending in year 9999 (or year 1)
    body = {"name": "x", "platform": "meta_ads", "daily_budget": 5000, "creative_ids": [creative.pk]}
    response = call(client, "post", "/campaigns", api_key, body | {"end_date": end_date})
    # then 400 with the accepted range, and nothing is created
    today = local_today(store)
    latest = today + dt.timedelta(days=730)
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"The last day must be between {today.isoformat()} and {latest.isoformat()} (today to two years "
        "ahead, on the store's calendar).",
        "code": "invalid_dates",
        "earliest": today.isoformat(),
        "latest": latest.isoformat(),
    }
    assert not AdCampaign.objects.exists()


def test_the_end_is_computed_only_inside_the_range(store):
    tomorrow_plus_two_years = local_today(store) + dt.timedelta(days=731)
    with pytest.raises(ApplicationError) as refused:
        campaign_end_for(store=store, last_day=tomorrow_plus_two_years)
    assert refused.value.code == "invalid_dates"


# -- budgets and caps ------------------------------------------------------------------------------------------------


def test_the_api_refuses_a_budget_past_the_bound(client, store, api_key, connections, ad_settings, creative, paused):
    # when an API client sends a budget of 10^30 minor units, on create and on change
    body = {"name": "x", "platform": "meta_ads", "daily_budget": 10**30, "creative_ids": [creative.pk]}
    created = call(client, "post", "/campaigns", api_key, body)
    patched = call(client, "patch", f"/campaigns/{paused.pk}", api_key, {"daily_budget": 10**30})
    # then both answer 422 naming the field, and nothing changes
    for response in (created, patched):
        assert response.status_code == 422
        (problem,) = response.json()["detail"]
        assert (problem["loc"][-1], problem["msg"]) == (
            "daily_budget",
            "Input should be less than or equal to 10000000000",
        )
    assert list(AdCampaign.objects.values_list("pk", "daily_budget_minor")) == [(paused.pk, 5000)]
    assert not CampaignAction.objects.exists()


def test_the_budget_service_refuses_a_budget_past_the_bound(paused, ad_settings):
    with pytest.raises(ApplicationError) as refused:
        campaign_change_budget(campaign=paused, daily_budget_minor=10**18, actor=SYSTEM)
    assert (refused.value.message, refused.value.code) == (
        "A daily budget is at most USD 100,000,000.00.",
        "invalid_budget",
    )
    paused.refresh_from_db()
    assert paused.daily_budget_minor == 5000


def test_the_budget_edit_refuses_a_budget_past_the_bound(owner_client, paused, ad_settings):
    response = owner_client.post(f"/ads/campaigns/{paused.pk}/budget/", {"daily_budget": "100000001"}, **HTMX)
    assert response.status_code == 400
    assert "Ensure this value is less than or equal to 100000000." in response.content.decode()
    paused.refresh_from_db()
    assert paused.daily_budget_minor == 5000


def test_the_settings_refuse_caps_past_the_bound(owner_client, store, ad_settings):
    # the database refuses them too
    with pytest.raises(IntegrityError), transaction.atomic():
        StoreAdSettings.objects.filter(pk=ad_settings.pk).update(max_campaign_daily_budget_minor=10**18)
    form = {"daily_spend_cap": "1000000000", "max_campaign_daily_budget": "100", "meta_page_id": "1"}
    response = owner_client.post("/ads/settings/", form, **HTMX)
    assert response.status_code == 400
    assert "Daily spend cap (all active campaigns): Ensure this value is less than or equal to 100000000." in (
        response.content.decode()
    )
    with pytest.raises(ApplicationError) as refused:
        ad_settings_update(store=store, by=None, daily_spend_cap_minor=10**19, max_campaign_daily_budget_minor=100)
    assert refused.value.message == "Caps are at most USD 100,000,000.00 a day."
    ad_settings.refresh_from_db()
    assert (ad_settings.daily_spend_cap_minor, ad_settings.max_campaign_daily_budget_minor) == (50_000, 20_000)


# -- creatives -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"primary_text": "x" * 1_000_000}, "primary_text", "String should have at most 2200 characters"),
        (
            {"headlines": ["Socks"] * 20_000},
            "headlines",
            "List should have at most 15 items after validation, not 20000",
        ),
        ({"descriptions": ["Warm."] * 5}, "descriptions", "List should have at most 4 items after validation, not 5"),
        ({"headlines": ["x" * 256]}, 0, "String should have at most 255 characters"),
        (
            {"link_url": "https://shop.example.com/" + "p" * 2000},
            "link_url",
            "String should have at most 2000 characters",
        ),
    ],
    ids=["a 1 MB primary text", "20,000 headlines", "five descriptions", "a 256-character headline", "a 2 kB link"],
)
def test_the_api_refuses_creatives_past_the_limits(client, store, api_key, overrides, field, message):
    body = {"name": "Socks", "link_url": "https://shop.example.com/p", "headlines": ["A", "B", "C"]} | overrides
    response = call(client, "post", "/creatives", api_key, body)
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert (problem["loc"][-1], problem["msg"]) == (field, message)
    assert not AdCreative.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"headlines": ["Socks"] * 16}, "At most 15 headlines (the platforms take no more)."),
        ({"descriptions": ["x" * 256]}, "Each of the descriptions is at most 255 characters."),
        ({"primary_text": "x" * 2201}, "The primary text is at most 2,200 characters."),
        ({"link_url": "https://a.example/" + "p" * 2000}, "Links are at most 2000 characters."),
    ],
    ids=["16 headlines", "a long description", "a long primary text", "a long link"],
)
def test_the_creative_service_refuses_texts_past_the_limits(store, overrides, message):
    fields = {"name": "Socks", "link_url": "https://a.example/p", "headlines": ["A", "B", "C"]} | overrides
    with pytest.raises(ApplicationError) as refused:
        creative_create(store=store, **fields)
    assert (refused.value.message, refused.value.code) == (message, "invalid_creative")
    assert not AdCreative.objects.exists()


def test_the_creative_model_and_database_keep_the_limits(store):
    creative = AdCreative(store=store, name="Socks", link_url="https://a.example/p", headlines=["Socks"] * 16)
    with pytest.raises(ValidationError) as invalid:
        creative.full_clean()
    assert invalid.value.message_dict == {"headlines": ["At most 15 headlines."]}
    with pytest.raises(IntegrityError), transaction.atomic():
        AdCreative.objects.create(
            store=store, name="Socks", link_url="https://a.example/p", headlines=["A"], primary_text="x" * 2201
        )
    assert not AdCreative.objects.exists()


# -- ids in URLs -----------------------------------------------------------------------------------------------------


def test_an_id_no_row_can_have_is_not_found(owner_client, client, api_key, paused):
    huge = 2**63
    assert owner_client.get(f"/ads/campaigns/{huge}/").status_code == 404
    assert owner_client.post(f"/ads/campaigns/{huge}/pause/", **HTMX).status_code == 404
    assert owner_client.get(f"/ads/rules/{huge}/preview/").status_code == 404
    response = call(client, "get", f"/campaigns/{huge}", api_key)
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "Input should be less than or equal to 9223372036854775807"
    response = call(
        client,
        "post",
        "/campaigns",
        api_key,
        {"name": "x", "platform": "meta_ads", "daily_budget": 5000, "creative_ids": [huge]},
    )
    assert response.status_code == 422
    assert AdCampaign.objects.count() == 1


def test_a_page_number_past_any_list_is_refused_on_the_campaign_list(client, api_key, paused):
    # when an API client asks for page 2^63 - 1 of the campaigns (the database's OFFSET would overflow)
    response = call(client, "get", "/campaigns?page=9223372036854775807", api_key)
    # then 422 names the limit
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert (problem["loc"], problem["msg"]) == (["query", "page"], "Input should be less than or equal to 10000")
