"""TikTok Login Kit: the OAuth spec (oauth.py); the API client modules sit beside it."""

from platforms.tiktok.oauth import TikTokOAuth

__all__ = ["TikTokOAuth"]
