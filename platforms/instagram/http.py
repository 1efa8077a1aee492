"""Instagram's HTTP: the Graph API's error map (``platforms.graph``), shared by ``InstagramOAuth`` and
``InstagramContent``."""

from platforms.constants import INSTAGRAM
from platforms.graph import GraphHttp


class InstagramHttp(GraphHttp):
    slug = INSTAGRAM
