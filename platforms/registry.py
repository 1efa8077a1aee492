"""Every platform's OAuth spec, by slug. Explicit: adding a platform means adding it to this list."""

from platforms.google_ads.oauth import GoogleAdsOAuth
from platforms.instagram.oauth import InstagramOAuth
from platforms.meta_ads.oauth import MetaAdsOAuth
from platforms.oauth import OAuthPlatform
from platforms.pinterest.oauth import PinterestOAuth
from platforms.tiktok.oauth import TikTokOAuth
from platforms.tiktok_ads.oauth import TikTokAdsOAuth
from platforms.x.oauth import XOAuth

PLATFORMS: dict[str, type[OAuthPlatform]] = {
    p.slug: p
    for p in [TikTokOAuth, InstagramOAuth, PinterestOAuth, XOAuth, MetaAdsOAuth, GoogleAdsOAuth, TikTokAdsOAuth]
}


def oauth_platform(slug: str) -> OAuthPlatform:
    """A fresh client for ``slug`` (KeyError for an unknown slug)."""
    return PLATFORMS[slug]()
