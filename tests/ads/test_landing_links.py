"""An ad's landing link speaks the shared link vocabulary: utm_source is the platform slug, utm_medium its paid
medium, utm_campaign the campaign marker and utm_content the creative; parse_link reads the campaign back."""

import pytest

from ads.models import AdCampaign
from ads.services.remote import landing_url_for
from platforms.constants import GOOGLE_ADS, META_ADS, TIKTOK_ADS
from stores.links import parse_link

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("platform", "medium"),
    [(META_ADS, "paid_social"), (GOOGLE_ADS, "cpc"), (TIKTOK_ADS, "paid_social")],
)
def test_the_landing_link_carries_the_slug_the_medium_the_campaign_and_the_creative(
    store, connections, creative, platform, medium
):
    # given a campaign of the store
    campaign = AdCampaign.objects.create(
        store=store,
        platform=platform,
        connection=connections[platform],
        name="Sock drop",
        daily_budget_minor=5000,
        currency="USD",
        creative=creative,
    )
    # when its creative's link (with a query of its own and an old tag) is tagged
    link = landing_url_for(campaign, "https://shop.example.com/products/sock-1?color=red&utm_source=meta#reviews")
    # then the store's parameters and fragment stay, and the UTM words are the shared ones
    assert link == (
        f"https://shop.example.com/products/sock-1?color=red&utm_source={platform}&utm_medium={medium}"
        f"&utm_campaign=gh-ad-{campaign.pk}&utm_content=creative-{creative.pk}#reviews"
    )
    tags = parse_link(link)
    assert (tags.platform, tags.paid, tags.campaign_id) == (platform, True, campaign.pk)
