"""What Growth Hub sends a platform about a campaign: the client of its connection, the platform ids it holds, and
the campaign spec (names, budget, creative, the tagged landing link, page and pixel)."""

from ads.models import AdCampaign
from ads.services.guardrails import ad_settings_for_store
from platforms.ads_common import AdsClient, CampaignSpec
from platforms.constants import META_ADS
from platforms.registry import platform
from stores.links import campaign_marker, tag_link

# The platform id of each level of a campaign's chain, by the AdCampaign field that stores it.
LEVEL_FIELDS = {
    "budget": "external_budget_id",
    "campaign": "external_campaign_id",
    "adset": "external_adset_id",
    "creative": "external_creative_id",
    "ad": "external_ad_id",
}


def campaign_utm_value(campaign: AdCampaign) -> str:
    """The ``utm_campaign`` of the campaign's landing links, which attribution matches orders on."""
    return campaign_marker(campaign.pk)


def landing_url_for(campaign: AdCampaign, link: str) -> str:
    """The creative's link tagged with the platform's link words, the campaign marker and the creative."""
    content = f"creative-{campaign.creative_id}" if campaign.creative_id else ""
    return tag_link(link, platform=campaign.platform, campaign=campaign_utm_value(campaign), content=content)


def campaign_client(campaign: AdCampaign) -> AdsClient:
    """The ads client of the campaign's connection."""
    connection = campaign.connection
    return platform(campaign.platform).client(access_token=connection.access_token, account_id=connection.ad_account_id)


def campaign_ids(campaign: AdCampaign) -> dict[str, str]:
    """The platform ids of the levels the campaign has there so far, by level."""
    return {level: getattr(campaign, field) for level, field in LEVEL_FIELDS.items() if getattr(campaign, field)}


def campaign_spec(campaign: AdCampaign) -> CampaignSpec:
    creative = campaign.creative
    ad_settings = ad_settings_for_store(store=campaign.store)
    pixel = ad_settings.meta_pixel_id if campaign.platform == META_ADS else ad_settings.tiktok_pixel_id
    return CampaignSpec(
        name=campaign.platform_name,
        objective=campaign.objective,
        daily_budget_minor=campaign.daily_budget_minor,
        currency=campaign.currency,
        landing_url=landing_url_for(campaign, creative.link_url),
        headlines=list(creative.headlines),
        descriptions=list(creative.descriptions),
        primary_text=creative.primary_text,
        image_url=creative.image_url,
        video_id=creative.video_id,
        request_key=int(campaign.intent_id.hex[:15], 16),
        page_id=ad_settings.meta_page_id,
        pixel_id=pixel,
        display_name=campaign.store.name,
        end_at=campaign.end_at,
        timezone=campaign.store.timezone,
    )
