"""Meta (Facebook Login for the Marketing API): the OAuth spec (oauth.py); the API client modules sit beside it."""

from platforms.constants import META_ADS, PLATFORM_NAMES
from platforms.descriptor import ADS, CreativeNeeds, LinkWords, PlatformDescriptor
from platforms.meta_ads.ads import MetaAdsClient
from platforms.meta_ads.oauth import MetaAdsOAuth

DESCRIPTOR = PlatformDescriptor(
    slug=META_ADS,
    name=PLATFORM_NAMES[META_ADS],
    kind=ADS,
    oauth_class=MetaAdsOAuth,
    client_class=MetaAdsClient,
    link_words=LinkWords(source=META_ADS, medium="paid_social"),
    creative=CreativeNeeds(min_headlines=1, texts_message="Meta ads need a headline."),
)

__all__ = ["DESCRIPTOR", "MetaAdsOAuth"]
