"""X API v2 OAuth 2.0: the OAuth spec (oauth.py); the API client modules sit beside it."""

from platforms.constants import PLATFORM_NAMES, X
from platforms.content import PlatformLimits
from platforms.descriptor import SOCIAL, LinkWords, PlatformDescriptor
from platforms.x.content import XContent
from platforms.x.oauth import XOAuth

DESCRIPTOR = PlatformDescriptor(
    slug=X,
    name=PLATFORM_NAMES[X],
    kind=SOCIAL,
    oauth_class=XOAuth,
    client_class=XContent,
    link_words=LinkWords(source=X, medium="social"),
    publish_scopes=frozenset({"tweet.write", "tweet.read", "users.read", "media.write"}),
    metrics_scopes=frozenset({"tweet.read"}),
    # https://docs.x.com/fundamentals/counting-characters: 280 weighted, every URL counts 23
    limits=PlatformLimits(
        caption=280,
        weighted=True,
        image_types=("image/jpeg", "image/png", "image/webp", "image/gif"),
        max_image_bytes=5 * 1024 * 1024,
        min_aspect=0.3,
        max_aspect=3.0,
    ),
)

__all__ = ["DESCRIPTOR", "XOAuth"]
