"""The other words the JSON API accepts for a platform or an objective, and the one function that reads them.

API clients often write a platform the way people say it (``meta``, ``google``, ``twitter``) rather than by its
registry slug (``meta_ads``, ``google_ads``, ``x``), and an objective the way the ad platforms name it
(``conversions``). The API bodies accept these words and store the slug; anything that is neither a slug nor an
alias reaches the schema's own check unchanged and is refused there as before.

``tiktok`` is the organic platform's slug: it stays ``tiktok`` in the social API and means TikTok Ads only in the
ads API's ``platform``.
"""

from collections.abc import Callable, Mapping

from platforms.ads_common import SALES
from platforms.constants import GOOGLE_ADS, META_ADS, TIKTOK, TIKTOK_ADS, X

# Social API (content calendars): alias → social platform slug.
SOCIAL_PLATFORM_ALIASES: Mapping[str, str] = {"twitter": X}
# Ads API (campaigns): alias → ad platform slug.
AD_PLATFORM_ALIASES: Mapping[str, str] = {"meta": META_ADS, "google": GOOGLE_ADS, TIKTOK: TIKTOK_ADS}
# Ads API (campaigns): alias → Growth Hub's campaign objective (``ads.choices.Objective``).
OBJECTIVE_ALIASES: Mapping[str, str] = {"conversions": SALES}


def alias_resolve(value: object, *, aliases: Mapping[str, str]) -> object:
    """The slug ``value`` stands for when it is one of ``aliases`` (any case, surrounding spaces ignored); any
    other value is returned as it was, for the schema to accept or refuse."""
    if not isinstance(value, str):
        return value
    return aliases.get(value.strip().lower(), value)


def alias_resolver(aliases: Mapping[str, str]) -> Callable[[object], object]:
    """``alias_resolve`` bound to one table: the before-validator of a schema field."""

    def resolve(value: object) -> object:
        return alias_resolve(value, aliases=aliases)

    return resolve


def aliases_described(aliases: Mapping[str, str]) -> str:
    """The aliases as an OpenAPI description reads them: ``meta`` → ``meta_ads``, ..."""
    return ", ".join(f"`{alias}` → `{slug}`" for alias, slug in aliases.items())
