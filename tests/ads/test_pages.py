"""The ads pages: the hub tab's table with inline edits over htmx, the new-campaign form, the campaign page,
rules with a preview, and the guardrail settings."""

import datetime as dt

import pytest
from django.utils import timezone

from ads.models import AdCampaign, AdInsight, AdRule, CampaignStatus
from platforms.constants import META_ADS

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def campaigns(store, connections, creative):
    rows = AdCampaign.objects.bulk_create(
        AdCampaign(
            store=store,
            platform=META_ADS,
            connection=connections[META_ADS],
            name=f"Campaign {i}",
            status=CampaignStatus.PAUSED if i else CampaignStatus.ACTIVE,
            daily_budget_minor=5000,
            currency="USD",
            creative=creative,
            spend_minor=12_000,
            purchase_value_minor=30_000,
            purchases=4,
        )
        for i in range(3)
    )
    today = timezone.now().astimezone(store.tzinfo).date()
    AdInsight.objects.bulk_create(
        AdInsight(
            store=store,
            campaign=c,
            date=today - dt.timedelta(days=d),
            spend_minor=1000 * (d + 1),
            purchase_value_minor=2500,
            purchases=1,
            synced_at=timezone.now(),
        )
        for c in rows
        for d in range(3)
    )
    return rows


def test_the_ads_tab_lists_campaigns_with_numbers_and_a_trend(owner_client, campaigns, ad_settings):
    response = owner_client.get("/hub/ads/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Campaign 0" in html and "Campaign 2" in html
    assert "$120.00" in html  # spend, in the store's currency and locale
    assert "2.50" in html  # ROAS
    assert "$30.00" in html  # CPA
    assert html.count("<polyline") == 3
    assert "$50.00 / $500.00" in html  # active budgets against the cap
    assert "style=" not in html and "<script>" not in html


@pytest.mark.parametrize("count", [1, 12], ids=["one campaign", "a dozen campaigns"])
def test_the_ads_tab_runs_a_fixed_number_of_queries(
    owner_client, store, connections, creative, ad_settings, count, django_assert_max_num_queries
):
    AdCampaign.objects.bulk_create(
        AdCampaign(
            store=store,
            platform=META_ADS,
            connection=connections[META_ADS],
            name=f"C{i}",
            daily_budget_minor=5000,
            currency="USD",
            creative=creative,
        )
        for i in range(count)
    )
    with django_assert_max_num_queries(16):
        owner_client.get("/hub/ads/", **HTMX)


def test_pause_resume_and_budget_answer_with_the_updated_row(owner_client, campaigns, ad_settings):
    active = campaigns[0]
    response = owner_client.post(f"/ads/campaigns/{active.pk}/pause/", **HTMX)
    assert response.status_code == 200
    assert f'id="campaign-{active.pk}"' in response.content.decode()
    assert "Resume" in response.content.decode()
    active.refresh_from_db()
    assert active.status == CampaignStatus.PAUSED
    response = owner_client.post(f"/ads/campaigns/{active.pk}/budget/", {"daily_budget": "65.50"}, **HTMX)
    active.refresh_from_db()
    assert active.daily_budget_minor == 6550
    response = owner_client.post(f"/ads/campaigns/{active.pk}/resume/")
    assert response.status_code == 302
    active.refresh_from_db()
    assert active.status == CampaignStatus.ACTIVE


def test_a_refused_budget_shows_the_reason_and_changes_nothing(owner_client, campaigns, ad_settings):
    active = campaigns[0]
    response = owner_client.post(f"/ads/campaigns/{active.pk}/budget/", {"daily_budget": "250"}, **HTMX)
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#messages"
    assert "per-campaign maximum of USD 200.00" in response.content.decode()
    active.refresh_from_db()
    assert active.daily_budget_minor == 5000
    response = owner_client.post(f"/ads/campaigns/{active.pk}/budget/", {"daily_budget": "abc"}, **HTMX)
    assert response.status_code == 400


def test_an_analyst_cannot_pause(client, analyst, campaigns):
    client.force_login(analyst)
    response = client.post(f"/ads/campaigns/{campaigns[0].pk}/pause/", **HTMX)
    assert response.status_code == 403
    campaigns[0].refresh_from_db()
    assert campaigns[0].status == CampaignStatus.ACTIVE


def test_another_stores_campaign_is_not_found(owner_client, other_store, campaigns):
    AdCampaign.objects.filter(pk=campaigns[0].pk).update(store=other_store)
    assert owner_client.get(f"/ads/campaigns/{campaigns[0].pk}/").status_code == 404
    assert owner_client.post(f"/ads/campaigns/{campaigns[0].pk}/pause/").status_code == 404


def test_the_campaign_page_carries_its_chart_data_and_log(owner_client, campaigns):
    response = owner_client.get(f"/ads/campaigns/{campaigns[0].pk}/")
    html = response.content.decode()
    assert 'id="campaign-daily" type="application/json"' in html
    assert "js/ads-chart.js" in html and "chart-4.6.1.umd.min.js" in html
    assert "What happened" in html
    fragment = owner_client.get(f"/ads/campaigns/{campaigns[0].pk}/", **HTMX).content.decode()
    assert fragment.lstrip().startswith('<div id="campaign-body">')


def test_the_new_campaign_form_creates_creative_and_campaign(owner_client, store, connections, ad_settings, product):
    form = {
        "platform": META_ADS,
        "name": "Spring socks",
        "objective": "sales",
        "daily_budget": "40.00",
        "product": str(product.pk),
    }
    assert owner_client.get("/ads/campaigns/new/").status_code == 200
    response = owner_client.post("/ads/campaigns/new/", form)
    campaign = AdCampaign.objects.get()
    assert response.status_code == 302
    assert (campaign.daily_budget_minor, campaign.creative.product, campaign.creative.link_url) == (
        4000,
        product,
        product.url,
    )
    assert campaign.creative.headlines[0] == product.title
    assert owner_client.post("/ads/campaigns/new/", form | {"daily_budget": ""}).status_code == 400


def test_rules_are_created_previewed_and_deleted(owner_client, campaigns, ad_settings):
    form = {
        "name": "Pause losers",
        "platform": "",
        "metric": "roas",
        "operator": "lt",
        "threshold": "3",
        "window_days": "7",
        "min_spend": "10",
        "action": "pause",
        "change_percent": "0",
        "cooldown_hours": "24",
    }
    assert owner_client.post("/ads/rules/", form).status_code == 302
    rule = AdRule.objects.get()
    assert (rule.min_spend_minor, str(rule.threshold)) == (1000, "3.0000")
    preview = owner_client.get(f"/ads/rules/{rule.pk}/preview/", **HTMX).content.decode()
    assert "would pause" in preview
    assert owner_client.get(f"/ads/rules/{rule.pk}/preview/").status_code == 200
    assert "Pause losers" in owner_client.get("/ads/rules/").content.decode()
    campaigns[0].refresh_from_db()
    assert campaigns[0].status == CampaignStatus.ACTIVE
    assert owner_client.post(f"/ads/rules/{rule.pk}/delete/").status_code == 302
    assert not AdRule.objects.exists()
    assert owner_client.post("/ads/rules/", form | {"threshold": ""}).status_code == 400


def test_guardrail_settings_refuse_a_cap_below_what_is_committed(owner_client, campaigns, ad_settings):
    form = {"daily_spend_cap": "40", "max_campaign_daily_budget": "100", "meta_page_id": "1", "meta_pixel_id": ""}
    response = owner_client.post("/ads/settings/", form)
    assert response.status_code == 400
    assert "Active campaigns already commit USD 50.00 a day" in response.content.decode()
    assert owner_client.post("/ads/settings/", form | {"daily_spend_cap": "60"}).status_code == 302
    ad_settings.refresh_from_db()
    assert (ad_settings.daily_spend_cap_minor, ad_settings.max_campaign_daily_budget_minor) == (6000, 10_000)
    assert owner_client.get("/ads/settings/").status_code == 200
    assert owner_client.post("/ads/settings/", form | {"daily_spend_cap": "x"}).status_code == 400


def test_guardrails_and_the_ads_tab_speak_a_zero_decimal_currency(owner_client, store, ad_settings):
    # given a store that sells in yen (no minor unit)
    store.currency = "JPY"
    store.save(update_fields=["currency"])
    form = {"daily_spend_cap": "120000", "max_campaign_daily_budget": "30000", "meta_page_id": "1", "meta_pixel_id": ""}
    # when the owner sets a cap of 120,000 yen, then it is stored as 120000 minor units (not 12,000,000)
    assert owner_client.post("/ads/settings/", form).status_code == 302
    ad_settings.refresh_from_db()
    assert (ad_settings.daily_spend_cap_minor, ad_settings.max_campaign_daily_budget_minor) == (120_000, 30_000)
    # and the form shows the amounts back in yen, the ads tab in the store's currency
    assert 'value="120000"' in owner_client.get("/ads/settings/").content.decode()
    assert "¥0 / ¥120,000" in owner_client.get("/hub/ads/").content.decode()
    # and a yen amount with decimals is refused, the cap unchanged
    refused = owner_client.post("/ads/settings/", form | {"daily_spend_cap": "100.5"})
    assert refused.status_code == 400
    assert "Ensure that there are no more than 0 decimal places." in refused.content.decode()
    ad_settings.refresh_from_db()
    assert ad_settings.daily_spend_cap_minor == 120_000
