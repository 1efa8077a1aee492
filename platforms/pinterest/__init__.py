"""Pinterest API v5 OAuth: the OAuth spec (oauth.py); the API client modules sit beside it."""

from platforms.constants import PINTEREST, PLATFORM_NAMES
from platforms.content import PlatformLimits
from platforms.descriptor import SOCIAL, LinkWords, PlatformDescriptor
from platforms.pinterest.content import PinterestContent
from platforms.pinterest.oauth import PinterestOAuth

DESCRIPTOR = PlatformDescriptor(
    slug=PINTEREST,
    name=PLATFORM_NAMES[PINTEREST],
    kind=SOCIAL,
    oauth_class=PinterestOAuth,
    client_class=PinterestContent,
    link_words=LinkWords(source=PINTEREST, medium="social"),
    publish_scopes=frozenset({"pins:write", "boards:read"}),
    metrics_scopes=frozenset({"pins:read"}),
    # https://developers.pinterest.com/docs/api/v5/pins-create: title 100, description 500 shown (800 accepted)
    limits=PlatformLimits(
        caption=500, title=100, image_types=("image/jpeg", "image/png", "image/webp"), max_aspect=2.0
    ),
)

__all__ = ["DESCRIPTOR", "PinterestOAuth"]
