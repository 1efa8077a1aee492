"""TikTok Business API advertiser authorization: the OAuth spec (oauth.py); the API clients sit beside it."""

from platforms.constants import PLATFORM_NAMES, TIKTOK_ADS
from platforms.descriptor import ADS, CreativeNeeds, LinkWords, PlatformDescriptor
from platforms.tiktok_ads.ads import TikTokAdsClient
from platforms.tiktok_ads.oauth import TikTokAdsOAuth

DESCRIPTOR = PlatformDescriptor(
    slug=TIKTOK_ADS,
    name=PLATFORM_NAMES[TIKTOK_ADS],
    kind=ADS,
    oauth_class=TikTokAdsOAuth,
    client_class=TikTokAdsClient,
    link_words=LinkWords(source=TIKTOK_ADS, medium="paid_social"),
    creative=CreativeNeeds(needs_video=True, video_message="TikTok ads need a video id."),
)

__all__ = ["DESCRIPTOR", "TikTokAdsOAuth"]
