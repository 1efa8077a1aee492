"""TikTok Business API advertiser authorization: the OAuth spec (oauth.py); the API clients sit beside it."""

from platforms.tiktok_ads.oauth import TikTokAdsOAuth

__all__ = ["TikTokAdsOAuth"]
