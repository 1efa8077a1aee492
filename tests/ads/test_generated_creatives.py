"""Campaigns through the API without creative_ids: the creative is written from the store's product, once."""

import pytest

from ads.models import AdCampaign, AdCreative
from stores.models import Role
from stores.services import api_key_create
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_key(store):
    return api_key_create(store=store, name="Ops", created_by=None, role=Role.MARKETER)[1]


def post(client, key, body, **headers):
    return client.post(
        "/api/ads/campaigns", data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}", **headers
    )


def test_without_creative_ids_one_creative_and_one_campaign_once_per_key(
    client, store, api_key, connections, ad_settings, product
):
    # given a product in stock and a body with aliases and no creative
    body = {"name": "Best seller", "platform": "meta", "objective": "conversions", "daily_budget": 5000}

    # when it is sent twice with the same Idempotency-Key
    first = post(client, api_key, body, HTTP_IDEMPOTENCY_KEY="k-1")
    second = post(client, api_key, body, HTTP_IDEMPOTENCY_KEY="k-1")

    # then one written creative and one campaign exist, on meta_ads for sales, from the product
    assert (first.status_code, second.status_code) == (201, 201)
    assert (AdCreative.objects.count(), AdCampaign.objects.count()) == (1, 1)
    campaign = AdCampaign.objects.get()
    assert (campaign.platform, campaign.objective, campaign.product) == ("meta_ads", "sales", product)
    assert campaign.creative.headlines[0] == product.title
    assert campaign.creative.link_url == product.url
    assert first.json()["creative_id"] == campaign.creative_id


def test_another_stores_product_is_not_found(client, store, other_store, api_key, connections, ad_settings):
    # given a product of another store
    foreign = ProductFactory(store=other_store)

    # when a campaign is asked for it
    response = post(
        client, api_key, {"name": "x", "platform": "meta_ads", "daily_budget": 5000, "product_id": foreign.pk}
    )

    # then it is a 404 and nothing is created
    assert response.status_code == 404
    assert not AdCreative.objects.exists() and not AdCampaign.objects.exists()


def test_tiktok_without_a_video_is_refused_and_nothing_is_created(
    client, store, api_key, connections, ad_settings, product
):
    # when a TikTok campaign is asked for the product, which has no video
    response = post(client, api_key, {"name": "x", "platform": "tiktok", "daily_budget": 5000})

    # then it is a clear 400 and nothing is created
    assert response.status_code == 400
    assert "TikTok ads need a video id." in response.json()["detail"]
    assert not AdCreative.objects.exists() and not AdCampaign.objects.exists()


def test_the_picker_preview_shows_the_price_in_the_store_currency(owner_client, store, product):
    # when the preview fragment is asked for the product on Google
    response = owner_client.get(f"/ads/campaigns/new/?platform=google_ads&product={product.pk}", HTTP_HX_REQUEST="true")

    # then it is the fragment with the price as the store writes it and the tagged link
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="creative-preview"')
    assert "$24.00" in html and "utm_source=google_ads" in html
