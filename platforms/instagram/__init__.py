"""Instagram API with Instagram Login: the OAuth spec (oauth.py); the API client modules sit beside it."""

from platforms.instagram.oauth import InstagramOAuth

__all__ = ["InstagramOAuth"]
