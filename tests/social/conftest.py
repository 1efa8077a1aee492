"""Fixtures of the social agent's tests: stores connected to the sandbox's organic platforms."""

import pytest
from django.conf import settings

from platforms.constants import INSTAGRAM, PINTEREST, TIKTOK, X
from tests.platform_fixtures import connect_store

SCOPES = {
    TIKTOK: ["user.info.basic", "video.publish", "video.upload", "video.list"],
    INSTAGRAM: ["instagram_business_basic", "instagram_business_content_publish", "instagram_business_manage_insights"],
    PINTEREST: ["boards:read", "boards:write", "pins:read", "pins:write", "user_accounts:read"],
    X: ["tweet.read", "tweet.write", "users.read", "media.write", "offline.access"],
}
MEDIA = {TIKTOK: "1080x1350", INSTAGRAM: "1080x1350", PINTEREST: "1000x1500", X: "1200x675"}


def media_url(platform: str, name: str = "sock") -> str:
    return f"{settings.SANDBOX_BASE_URL}/media/{name}-{MEDIA[platform]}.jpg"


@pytest.fixture
def fast_publishing(settings):
    """No waiting: media is ready at once, status polls and retries take milliseconds."""
    settings.SANDBOX_PUBLISH_PROCESSING_SECONDS = 0
    settings.SOCIAL_STATUS_POLL_SECONDS = 1.0
    settings.SOCIAL_STATUS_POLL_INTERVAL = 0.01
    settings.SOCIAL_RETRY_BASE_SECONDS = 0.0
    settings.SOCIAL_RETRY_MAX_SECONDS = 0.0
    settings.SANDBOX_TIKTOK_INIT_PER_MINUTE = 10_000
    settings.SANDBOX_TIKTOK_STATUS_PER_MINUTE = 10_000
    return settings


@pytest.fixture
def connections(store, sandbox_url, fast_publishing):
    """The store connected to all four organic platforms with the scopes publishing and metrics need."""
    return {platform: connect_store(store, platform, scopes=scopes) for platform, scopes in SCOPES.items()}
