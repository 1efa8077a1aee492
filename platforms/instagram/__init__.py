"""Instagram API with Instagram Login: the OAuth spec (oauth.py); the API client modules sit beside it."""

from platforms.constants import INSTAGRAM, PLATFORM_NAMES
from platforms.content import PlatformLimits
from platforms.descriptor import SOCIAL, LinkWords, PlatformDescriptor
from platforms.instagram.content import InstagramContent
from platforms.instagram.oauth import InstagramOAuth

DESCRIPTOR = PlatformDescriptor(
    slug=INSTAGRAM,
    name=PLATFORM_NAMES[INSTAGRAM],
    kind=SOCIAL,
    oauth_class=InstagramOAuth,
    client_class=InstagramContent,
    link_words=LinkWords(source=INSTAGRAM, medium="social"),
    publish_scopes=frozenset({"instagram_business_content_publish"}),
    metrics_scopes=frozenset({"instagram_business_manage_insights"}),
    # https://developers.facebook.com/docs/instagram-platform/content-publishing: 2200 chars, 30 hashtags, JPEG
    limits=PlatformLimits(caption=2200, hashtags=30, min_aspect=0.8, max_aspect=1.91, carousel=(2, 10)),
)

__all__ = ["DESCRIPTOR", "InstagramOAuth"]
