"""Which organic client speaks to which platform, built from a store's connection."""

from platforms.constants import INSTAGRAM, PINTEREST, TIKTOK, X
from platforms.content import OrganicClient
from platforms.instagram.content import InstagramContent
from platforms.pinterest.content import PinterestContent
from platforms.tiktok.content import TikTokContent
from platforms.x.content import XContent
from stores.models import PlatformConnection

CLIENTS = {client.slug: client for client in [TikTokContent, InstagramContent, PinterestContent, XContent]}

# The scopes a connection must hold to publish and to read metrics, per platform.
PUBLISH_SCOPES: dict[str, frozenset[str]] = {
    TIKTOK: frozenset({"video.publish"}),
    INSTAGRAM: frozenset({"instagram_business_content_publish"}),
    PINTEREST: frozenset({"pins:write", "boards:read"}),
    X: frozenset({"tweet.write", "tweet.read", "users.read", "media.write"}),
}
METRICS_SCOPES: dict[str, frozenset[str]] = {
    TIKTOK: frozenset({"video.list"}),
    INSTAGRAM: frozenset({"instagram_business_manage_insights"}),
    PINTEREST: frozenset({"pins:read"}),
    X: frozenset({"tweet.read"}),
}


def client_for(connection: PlatformConnection) -> OrganicClient:
    """The platform's client holding the connection's (decrypted) token; never logged."""
    return CLIENTS[connection.platform](access_token=connection.access_token, account_id=connection.external_account_id)
