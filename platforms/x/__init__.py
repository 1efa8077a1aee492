"""X API v2 OAuth 2.0: the OAuth spec (oauth.py); the API client modules sit beside it."""

from platforms.x.oauth import XOAuth

__all__ = ["XOAuth"]
