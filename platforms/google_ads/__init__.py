"""Google OAuth 2.0 for the Google Ads API: the OAuth spec (oauth.py); the API client modules sit beside it."""

from platforms.google_ads.oauth import GoogleAdsOAuth

__all__ = ["GoogleAdsOAuth"]
