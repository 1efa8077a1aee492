"""Meta (Facebook Login for the Marketing API): the OAuth spec (oauth.py); the API client modules sit beside it."""

from platforms.meta_ads.oauth import MetaAdsOAuth

__all__ = ["MetaAdsOAuth"]
