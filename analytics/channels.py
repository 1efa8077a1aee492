"""Channel classification: the one rule table that says which channel and platform a touch came through.

The rules, first match wins (``docs/tracking.md`` prints the same table for merchants):

1. The touch's own Growth Hub **campaign** (a click on its tracked link): the ad platform's channel, ``paid_search``
   for Google Ads, ``paid_social`` for Meta and TikTok Ads. Its own **post**: ``organic_social`` on the post's
   platform.
2. A **click id** only ads put on links: ``gclid`` / ``gbraid`` / ``wbraid`` (Google) and ``msclkid`` (Microsoft)
   → ``paid_search``; ``ttclid`` (TikTok), ``epik`` (Pinterest), ``twclid`` (X), ``li_fat_id`` (LinkedIn) →
   ``paid_social``. ``fbclid`` is not one: Meta adds it to every outbound click, organic ones too, so it only
   names the platform (``meta``) when a later rule finds the channel.
3. **utm_medium**: the paid mediums (``cpc``, ``ppc``, ``paid``, ``paid_search``, ``paid_social``...) →
   ``paid_social`` when the source is a social network, else ``paid_search``; ``social`` / ``organic_social`` →
   ``organic_social``; ``email`` / ``newsletter`` → ``email``; ``sms`` → ``sms``; ``affiliate`` / ``partner`` →
   ``affiliate``; ``organic`` → ``organic_search``; ``referral`` → ``referral``.
4. **utm_source** alone: a social network → ``organic_social``; a search engine → ``organic_search``; an e-mail
   tool → ``email``; any other source → ``referral``.
5. The **referrer**'s host: a webmail (or the Gmail app) → ``email``; a search engine (``google.<country>``,
   ``bing.com``..., the Google app) → ``organic_search``; a social network → ``organic_social``; the store's own
   storefront → ignored; any other host (``docs.google.com`` too) → ``referral``.
6. Nothing of the above: ``direct``.

A touch is keyed at four grains: the channel (``paid_social``), the platform (``paid_social:meta``), the campaign
(``campaign:<id>``) and the post (``post:<id>``).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from platforms.constants import GOOGLE_ADS, INSTAGRAM, META_ADS, PINTEREST, TIKTOK, TIKTOK_ADS, X
from stores.links import click_ids_from_url, parse_link

PAID_SOCIAL = "paid_social"
ORGANIC_SOCIAL = "organic_social"
PAID_SEARCH = "paid_search"
ORGANIC_SEARCH = "organic_search"
EMAIL = "email"
SMS = "sms"
AFFILIATE = "affiliate"
REFERRAL = "referral"
DIRECT = "direct"
CHANNELS = (PAID_SOCIAL, ORGANIC_SOCIAL, PAID_SEARCH, ORGANIC_SEARCH, EMAIL, SMS, AFFILIATE, REFERRAL, DIRECT)
CHANNEL_LABELS = {
    PAID_SOCIAL: "Paid social",
    ORGANIC_SOCIAL: "Organic social",
    PAID_SEARCH: "Paid search",
    ORGANIC_SEARCH: "Organic search",
    EMAIL: "Email",
    SMS: "SMS",
    AFFILIATE: "Affiliate",
    REFERRAL: "Referral",
    DIRECT: "Direct",
}

# The network each registry platform is (the platform grain's name): Meta Ads and Instagram are both Meta's, but an
# organic Instagram post and a Meta ad are told apart by their channel.
PLATFORM_NETWORK = {
    META_ADS: "meta",
    GOOGLE_ADS: "google",
    TIKTOK_ADS: "tiktok",
    TIKTOK: "tiktok",
    INSTAGRAM: "instagram",
    PINTEREST: "pinterest",
    X: "x",
}
AD_PLATFORM_CHANNEL = {META_ADS: PAID_SOCIAL, TIKTOK_ADS: PAID_SOCIAL, GOOGLE_ADS: PAID_SEARCH}

# Click ids that only ads carry, with the channel and network they mean.
AD_CLICK_IDS = {
    "gclid": (PAID_SEARCH, "google"),
    "gbraid": (PAID_SEARCH, "google"),
    "wbraid": (PAID_SEARCH, "google"),
    "msclkid": (PAID_SEARCH, "bing"),
    "ttclid": (PAID_SOCIAL, "tiktok"),
    "epik": (PAID_SOCIAL, "pinterest"),
    "twclid": (PAID_SOCIAL, "x"),
    "li_fat_id": (PAID_SOCIAL, "linkedin"),
}

PAID_MEDIUMS = frozenset({"cpc", "ppc", "paid", "paidsearch", "paid_search", "sem", "paid_social", "paidsocial", "cpm"})
SOCIAL_MEDIUMS = frozenset({"social", "organic_social", "social-network", "social_network", "sm", "social-media"})
EMAIL_MEDIUMS = frozenset({"email", "e-mail", "e_mail", "newsletter", "mail"})
SMS_MEDIUMS = frozenset({"sms", "text", "mms"})
AFFILIATE_MEDIUMS = frozenset({"affiliate", "affiliates", "partner", "partners"})
ORGANIC_SEARCH_MEDIUMS = frozenset({"organic", "seo"})
REFERRAL_MEDIUMS = frozenset({"referral", "referrer"})

# utm_source words (lower case) and referrer hosts, by the network they name.
SOCIAL_SOURCES = {
    "facebook": "meta",
    "fb": "meta",
    "meta": "meta",
    "meta_ads": "meta",
    "instagram": "instagram",
    "ig": "instagram",
    "tiktok": "tiktok",
    "tiktok_ads": "tiktok",
    "pinterest": "pinterest",
    "x": "x",
    "twitter": "x",
    "linkedin": "linkedin",
    "youtube": "youtube",
    "reddit": "reddit",
    "snapchat": "snapchat",
}
SEARCH_SOURCES = {
    "google": "google",
    "google_ads": "google",
    "bing": "bing",
    "duckduckgo": "duckduckgo",
    "yahoo": "yahoo",
    "ecosia": "ecosia",
    "baidu": "baidu",
    "yandex": "yandex",
}
EMAIL_SOURCES = frozenset({"klaviyo", "mailchimp", "newsletter", "email", "omnisend", "sendinblue", "brevo"})
SOCIAL_HOSTS = {
    "facebook.com": "meta",
    "fb.com": "meta",
    "fb.me": "meta",
    "messenger.com": "meta",
    "instagram.com": "instagram",
    "tiktok.com": "tiktok",
    "pinterest.com": "pinterest",
    "pin.it": "pinterest",
    "x.com": "x",
    "twitter.com": "x",
    "t.co": "x",
    "linkedin.com": "linkedin",
    "lnkd.in": "linkedin",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "reddit.com": "reddit",
    "snapchat.com": "snapchat",
}
SEARCH_HOSTS = {
    "google": "google",
    "com.google.android.googlequicksearchbox": "google",  # the Google app's referrer (android-app://...)
    "bing.com": "bing",
    "duckduckgo.com": "duckduckgo",
    "search.yahoo.com": "yahoo",
    "ecosia.org": "ecosia",
    "baidu.com": "baidu",
    "yandex": "yandex",
}
WEBMAIL_HOSTS = frozenset(
    {"mail.google.com", "com.google.android.gm", "outlook.live.com", "outlook.office.com", "mail.yahoo.com"}
)


@dataclass(frozen=True)
class Channel:
    """Where a touch came from: a channel of ``CHANNELS`` and the network (``meta``, ``google``...) or ""."""

    channel: str
    platform: str = ""

    @property
    def platform_key(self) -> str:
        """``paid_social:meta``; the channel alone when the network is not known."""
        return f"{self.channel}:{self.platform}" if self.platform else self.channel


def host_of(url: str) -> str:
    """The lower-case host of ``url`` without a leading ``www.``; "" for none or a malformed url."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def _network_of_host(host: str, table: Mapping[str, str]) -> str | None:
    """The network ``host`` belongs to: a table key is a domain (``facebook.com`` matches ``l.facebook.com``) or,
    without a dot, a brand that matches its own country domains (``google`` matches ``google.co.uk``, not
    ``docs.google.com``, which is a referral)."""
    first, *suffix = host.split(".")
    country_domain = 1 <= len(suffix) <= 2 and all(1 <= len(label) <= 3 for label in suffix)  # com, co.uk, com.br
    for key, network in table.items():
        if "." in key:
            if host == key or host.endswith("." + key):
                return network
        elif first == key and country_domain:
            return network
    return None


def classify(
    *,
    utm_source: str = "",
    utm_medium: str = "",
    click_ids: Mapping[str, str] | None = None,
    referrer: str = "",
    link_platform: str = "",
    has_campaign: bool = False,
    has_post: bool = False,
    own_hosts: Iterable[str] = (),
) -> Channel:
    """The channel and network of one touch, by the rules in this module's docstring."""
    if has_campaign and link_platform in AD_PLATFORM_CHANNEL:
        return Channel(AD_PLATFORM_CHANNEL[link_platform], PLATFORM_NETWORK[link_platform])
    if has_post and link_platform in PLATFORM_NETWORK:
        return Channel(ORGANIC_SOCIAL, PLATFORM_NETWORK[link_platform])
    ids = {key.lower() for key, value in (click_ids or {}).items() if value}
    for key, (channel, network) in AD_CLICK_IDS.items():
        if key in ids:
            return Channel(channel, network)
    source, medium = utm_source.strip().lower(), utm_medium.strip().lower()
    social_network = SOCIAL_SOURCES.get(source) or ("meta" if "fbclid" in ids else None)
    if medium:
        if medium in PAID_MEDIUMS:
            if social_network or medium in {"paid_social", "paidsocial"}:
                return Channel(PAID_SOCIAL, social_network or "")
            return Channel(PAID_SEARCH, SEARCH_SOURCES.get(source, ""))
        if medium in SOCIAL_MEDIUMS:
            return Channel(ORGANIC_SOCIAL, social_network or "")
        if medium in EMAIL_MEDIUMS:
            return Channel(EMAIL)
        if medium in SMS_MEDIUMS:
            return Channel(SMS)
        if medium in AFFILIATE_MEDIUMS:
            return Channel(AFFILIATE)
        if medium in ORGANIC_SEARCH_MEDIUMS:
            return Channel(ORGANIC_SEARCH, SEARCH_SOURCES.get(source, ""))
        if medium in REFERRAL_MEDIUMS:
            return Channel(REFERRAL)
    if source:
        if social_network:
            return Channel(ORGANIC_SOCIAL, social_network)
        if source in SEARCH_SOURCES:
            return Channel(ORGANIC_SEARCH, SEARCH_SOURCES[source])
        if source in EMAIL_SOURCES:
            return Channel(EMAIL)
        return Channel(REFERRAL)
    host = host_of(referrer)
    if host and host not in {host_of(f"//{own}") for own in own_hosts}:
        if host in WEBMAIL_HOSTS:
            return Channel(EMAIL)
        if search_network := _network_of_host(host, SEARCH_HOSTS):
            return Channel(ORGANIC_SEARCH, search_network)
        if social_host_network := _network_of_host(host, SOCIAL_HOSTS):
            return Channel(ORGANIC_SOCIAL, social_host_network)
        return Channel(REFERRAL)
    if "fbclid" in ids:
        return Channel(ORGANIC_SOCIAL, "meta")
    return Channel(DIRECT)


def classify_url(url: str, *, referrer: str = "", own_hosts: Iterable[str] = ()) -> Channel:
    """The channel of a landing url (its UTM words and click ids) and its referrer."""
    tags = parse_link(url)
    return classify(
        utm_source=tags.source,
        utm_medium=tags.medium,
        click_ids=click_ids_from_url(url),
        referrer=referrer,
        own_hosts=own_hosts,
    )


def grain_keys(*, channel: Channel, campaign_id: int | None = None, post_id: int | None = None) -> dict[str, str]:
    """The keys of a touch at the four grains attribution sums by; campaign and post only when the touch has one."""
    keys = {"channel": channel.channel, "platform": channel.platform_key}
    if campaign_id is not None:
        keys["campaign"] = f"campaign:{campaign_id}"
    if post_id is not None:
        keys["post"] = f"post:{post_id}"
    return keys
