"""Meta's HTTP: the Graph API's error map (``platforms.graph``), shared by ``MetaAdsOAuth`` and ``MetaAdsClient``."""

from platforms.constants import META_ADS
from platforms.graph import GraphHttp


class MetaHttp(GraphHttp):
    slug = META_ADS
