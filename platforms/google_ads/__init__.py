"""Google OAuth 2.0 for the Google Ads API: the OAuth spec (oauth.py); the API client modules sit beside it."""

from platforms.constants import GOOGLE_ADS, PLATFORM_NAMES
from platforms.descriptor import ADS, CreativeNeeds, LinkWords, PlatformDescriptor
from platforms.google_ads.ads import GoogleAdsClient
from platforms.google_ads.oauth import GoogleAdsOAuth

DESCRIPTOR = PlatformDescriptor(
    slug=GOOGLE_ADS,
    name=PLATFORM_NAMES[GOOGLE_ADS],
    kind=ADS,
    oauth_class=GoogleAdsOAuth,
    client_class=GoogleAdsClient,
    link_words=LinkWords(source=GOOGLE_ADS, medium="cpc"),
    creative=CreativeNeeds(
        min_headlines=3,
        min_descriptions=2,
        texts_message="Google search ads need at least 3 headlines and 2 descriptions.",
    ),
)

__all__ = ["DESCRIPTOR", "GoogleAdsOAuth"]
