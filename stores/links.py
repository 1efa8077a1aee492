"""Links to the store: the one tagger every outgoing link goes through and the one parser that reads them back.

Vocabulary (attribution classifies orders by it, so every app writes exactly these words):

- ``utm_source`` is the **platform slug** of the registry (``platforms.registry``): ``tiktok``, ``instagram``,
  ``pinterest``, ``x`` for organic posts; ``meta_ads``, ``google_ads``, ``tiktok_ads`` for ads. Each platform's
  words are its descriptor's ``link_words``; nothing else spells them.
- ``utm_medium`` says how the visitor came: ``social`` (an organic post), ``paid_social`` (Meta Ads, TikTok Ads),
  ``cpc`` (Google Ads). A link is **paid** when its medium is one of ``PAID_MEDIUMS`` (the mediums of the ad
  platforms, plus the usual ``cpc`` / ``ppc`` / ``paid`` / ``paid_social`` another tool may have written).
- ``utm_campaign`` and ``utm_content`` name what the link belongs to. Growth Hub's own **markers**:
  ``gh-post-<id>`` (``post_marker``) in utm_content of an organic post's link, ``gh-ad-<id>``
  (``campaign_marker``) in utm_campaign of an ad campaign's link. Other values (a post's plan slug, an ad's
  ``creative-<id>``) are kept and read back as they are.

``tag_link`` replaces every ``utm_*`` the url already had and keeps its other query parameters and fragment;
``parse_link`` reads any url (or path with a query) and says which platform and which post or campaign it names.
"""

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from platforms import registry

UTM_PREFIX = "utm_"
POST_MARKER_PREFIX = "gh-post-"
CAMPAIGN_MARKER_PREFIX = "gh-ad-"
_POST_MARKER_RE = re.compile(rf"^{re.escape(POST_MARKER_PREFIX)}([1-9][0-9]{{0,18}})$")
_CAMPAIGN_MARKER_RE = re.compile(rf"^{re.escape(CAMPAIGN_MARKER_PREFIX)}([1-9][0-9]{{0,18}})$")
# Mediums other tools write for paid traffic, beside the ad platforms' own (their ``link_words.medium``).
OTHER_PAID_MEDIUMS = frozenset({"cpc", "ppc", "paid", "paid_social"})


@cache
def paid_mediums() -> frozenset[str]:
    """The ``utm_medium`` values that mean a visitor came from an ad."""
    return OTHER_PAID_MEDIUMS | {descriptor.link_words.medium for descriptor in registry.ad_platforms()}


@dataclass(frozen=True)
class LinkTags:
    """What a link's UTM parameters say. Empty strings where a parameter is missing."""

    source: str = ""
    medium: str = ""
    campaign: str = ""
    content: str = ""
    platform: str | None = None  # the registry slug utm_source names; None for any other source
    paid: bool = False  # utm_medium is one of the paid mediums
    post_id: int | None = None  # from a gh-post-<id> utm_content
    campaign_id: int | None = None  # from a gh-ad-<id> utm_campaign


def post_marker(post_id: int) -> str:
    """The utm_content of an organic post's link: ``gh-post-42``."""
    return f"{POST_MARKER_PREFIX}{int(post_id)}"


def campaign_marker(campaign_id: int) -> str:
    """The utm_campaign of an ad campaign's link: ``gh-ad-7``."""
    return f"{CAMPAIGN_MARKER_PREFIX}{int(campaign_id)}"


def tag_link(url: str, *, platform: str, campaign: str, content: str = "") -> str:
    """``url`` with the platform's utm_source and utm_medium, ``utm_campaign=campaign`` and ``utm_content=content``.

    Every ``utm_*`` already on the url is replaced (none survives beside the new ones); other query parameters
    keep their order and values, the fragment is kept, and an empty campaign or content is left out. An empty url
    stays empty. KeyError for a platform the registry does not have.
    """
    words = registry.platform(platform).link_words
    if not url:
        return ""
    parts = urlsplit(url)
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith(UTM_PREFIX)
    ]
    tags = [("utm_source", words.source), ("utm_medium", words.medium)]
    tags += [(key, value) for key, value in (("utm_campaign", campaign), ("utm_content", content)) if value]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query + tags), parts.fragment))


def _marker_id(pattern: re.Pattern[str], value: str) -> int | None:
    match = pattern.match(value)
    return int(match.group(1)) if match else None


def parse_link(url: str) -> LinkTags:
    """The UTM words of ``url`` (a full url, or a path with a query), the first of each when one repeats.

    ``platform`` is the slug when utm_source names a platform of the registry (any case), else None; a url
    without UTMs gives empty tags.
    """
    if not url:
        return LinkTags()
    found: dict[str, str] = {}
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        found.setdefault(key.lower(), value.strip())
    source, medium = found.get("utm_source", ""), found.get("utm_medium", "")
    campaign, content = found.get("utm_campaign", ""), found.get("utm_content", "")
    slug = source.lower()
    return LinkTags(
        source=source,
        medium=medium,
        campaign=campaign,
        content=content,
        platform=slug if slug in registry.PLATFORMS else None,
        paid=medium.lower() in paid_mediums(),
        post_id=_marker_id(_POST_MARKER_RE, content),
        campaign_id=_marker_id(_CAMPAIGN_MARKER_RE, campaign),
    )


# The click ids ad platforms append to the links of their ads (Meta, Google and its iOS variants, TikTok, Pinterest,
# X, LinkedIn, Microsoft): what an order's landing page carries of the click that brought it.
CLICK_ID_PARAMETERS = ("fbclid", "gclid", "gbraid", "wbraid", "ttclid", "epik", "twclid", "li_fat_id", "msclkid")
MAX_CLICK_ID_LENGTH = 500


def click_ids_from_url(url: str) -> dict[str, str]:
    """The click ids in ``url``'s query (a path with a query too), each at most MAX_CLICK_ID_LENGTH characters;
    the first value of a parameter given twice."""
    found: dict[str, str] = {}
    for name, value in parse_qsl(urlsplit(url).query, keep_blank_values=False):
        key = name.lower()
        if key in CLICK_ID_PARAMETERS and key not in found:
            found[key] = value[:MAX_CLICK_ID_LENGTH]
    return found
