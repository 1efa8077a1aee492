"""TikTok Login Kit: the OAuth spec (oauth.py); the API client modules sit beside it."""

from platforms.constants import PLATFORM_NAMES, TIKTOK
from platforms.content import PlatformLimits
from platforms.descriptor import SOCIAL, LinkWords, PlatformDescriptor
from platforms.tiktok.content import TikTokContent
from platforms.tiktok.oauth import TikTokOAuth

DESCRIPTOR = PlatformDescriptor(
    slug=TIKTOK,
    name=PLATFORM_NAMES[TIKTOK],
    kind=SOCIAL,
    oauth_class=TikTokOAuth,
    client_class=TikTokContent,
    link_words=LinkWords(source=TIKTOK, medium="social"),
    publish_scopes=frozenset({"video.publish"}),
    metrics_scopes=frozenset({"video.list"}),
    # https://developers.tiktok.com/doc/content-posting-api-reference-photo-post: JPEG/WEBP, caption 2200
    limits=PlatformLimits(
        caption=2200, image_types=("image/jpeg", "image/webp"), min_aspect=0.5, max_aspect=1.91, carousel=(1, 35)
    ),
)

__all__ = ["DESCRIPTOR", "TikTokOAuth"]
