"""Pinterest API v5 OAuth: the OAuth spec (oauth.py); the API client modules sit beside it."""

from platforms.pinterest.oauth import PinterestOAuth

__all__ = ["PinterestOAuth"]
