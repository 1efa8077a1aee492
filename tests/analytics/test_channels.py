"""The channel rule table of analytics.channels, rule by rule (first match wins), and the four grain keys."""

import pytest

from analytics.channels import (
    AFFILIATE,
    CHANNEL_LABELS,
    CHANNELS,
    DIRECT,
    EMAIL,
    ORGANIC_SEARCH,
    ORGANIC_SOCIAL,
    PAID_SEARCH,
    PAID_SOCIAL,
    REFERRAL,
    SMS,
    Channel,
    classify,
    classify_url,
    grain_keys,
)
from platforms import registry
from platforms.constants import GOOGLE_ADS, INSTAGRAM, META_ADS, PINTEREST, TIKTOK, TIKTOK_ADS, X

CASES = [
    # Rule 1: the touch's own campaign or post.
    ("campaign on Meta Ads", {"has_campaign": True, "link_platform": META_ADS}, Channel(PAID_SOCIAL, "meta")),
    ("campaign on TikTok Ads", {"has_campaign": True, "link_platform": TIKTOK_ADS}, Channel(PAID_SOCIAL, "tiktok")),
    ("campaign on Google Ads", {"has_campaign": True, "link_platform": GOOGLE_ADS}, Channel(PAID_SEARCH, "google")),
    ("post on TikTok", {"has_post": True, "link_platform": TIKTOK}, Channel(ORGANIC_SOCIAL, "tiktok")),
    ("post on Instagram", {"has_post": True, "link_platform": INSTAGRAM}, Channel(ORGANIC_SOCIAL, "instagram")),
    ("post on Pinterest", {"has_post": True, "link_platform": PINTEREST}, Channel(ORGANIC_SOCIAL, "pinterest")),
    ("post on X", {"has_post": True, "link_platform": X}, Channel(ORGANIC_SOCIAL, "x")),
    (
        "own campaign beats a contrary utm",
        {"has_campaign": True, "link_platform": META_ADS, "utm_medium": "email"},
        Channel(PAID_SOCIAL, "meta"),
    ),
    # Rule 2: click ids only ads carry.
    ("gclid", {"click_ids": {"gclid": "abc"}}, Channel(PAID_SEARCH, "google")),
    ("gbraid", {"click_ids": {"gbraid": "abc"}}, Channel(PAID_SEARCH, "google")),
    ("wbraid", {"click_ids": {"wbraid": "abc"}}, Channel(PAID_SEARCH, "google")),
    ("msclkid", {"click_ids": {"msclkid": "abc"}}, Channel(PAID_SEARCH, "bing")),
    ("ttclid", {"click_ids": {"ttclid": "abc"}}, Channel(PAID_SOCIAL, "tiktok")),
    ("epik", {"click_ids": {"epik": "abc"}}, Channel(PAID_SOCIAL, "pinterest")),
    ("twclid", {"click_ids": {"twclid": "abc"}}, Channel(PAID_SOCIAL, "x")),
    ("li_fat_id", {"click_ids": {"li_fat_id": "abc"}}, Channel(PAID_SOCIAL, "linkedin")),
    ("a click id beats a utm", {"click_ids": {"gclid": "abc"}, "utm_medium": "social"}, Channel(PAID_SEARCH, "google")),
    ("an empty click id is none", {"click_ids": {"gclid": ""}}, Channel(DIRECT)),
    ("fbclid alone is organic Meta", {"click_ids": {"fbclid": "abc"}}, Channel(ORGANIC_SOCIAL, "meta")),
    (
        "fbclid with a paid medium is paid Meta",
        {"click_ids": {"fbclid": "abc"}, "utm_medium": "cpc"},
        Channel(PAID_SOCIAL, "meta"),
    ),
    # Rule 3: utm_medium, with Growth Hub's own link words.
    (
        "Growth Hub's Meta Ads words",
        {"utm_source": "meta_ads", "utm_medium": "paid_social"},
        Channel(PAID_SOCIAL, "meta"),
    ),
    (
        "Growth Hub's TikTok Ads words",
        {"utm_source": "tiktok_ads", "utm_medium": "paid_social"},
        Channel(PAID_SOCIAL, "tiktok"),
    ),
    (
        "Growth Hub's Google Ads words",
        {"utm_source": "google_ads", "utm_medium": "cpc"},
        Channel(PAID_SEARCH, "google"),
    ),
    (
        "Growth Hub's TikTok post words",
        {"utm_source": "tiktok", "utm_medium": "social"},
        Channel(ORGANIC_SOCIAL, "tiktok"),
    ),
    (
        "Growth Hub's Instagram post words",
        {"utm_source": "instagram", "utm_medium": "social"},
        Channel(ORGANIC_SOCIAL, "instagram"),
    ),
    (
        "Growth Hub's Pinterest post words",
        {"utm_source": "pinterest", "utm_medium": "social"},
        Channel(ORGANIC_SOCIAL, "pinterest"),
    ),
    ("Growth Hub's X post words", {"utm_source": "x", "utm_medium": "social"}, Channel(ORGANIC_SOCIAL, "x")),
    ("cpc on Facebook", {"utm_source": "facebook", "utm_medium": "cpc"}, Channel(PAID_SOCIAL, "meta")),
    ("cpc on Google", {"utm_source": "google", "utm_medium": "cpc"}, Channel(PAID_SEARCH, "google")),
    ("ppc on Bing", {"utm_source": "bing", "utm_medium": "ppc"}, Channel(PAID_SEARCH, "bing")),
    ("paid from an unknown source", {"utm_source": "adnet", "utm_medium": "paid"}, Channel(PAID_SEARCH)),
    ("paid_social from an unknown source", {"utm_source": "adnet", "utm_medium": "paid_social"}, Channel(PAID_SOCIAL)),
    ("medium case and spaces", {"utm_source": " Facebook ", "utm_medium": " CPC "}, Channel(PAID_SOCIAL, "meta")),
    ("social medium, unknown source", {"utm_source": "forum", "utm_medium": "social"}, Channel(ORGANIC_SOCIAL)),
    ("email medium", {"utm_source": "klaviyo", "utm_medium": "email"}, Channel(EMAIL)),
    ("newsletter medium", {"utm_medium": "newsletter"}, Channel(EMAIL)),
    ("sms medium", {"utm_source": "postscript", "utm_medium": "sms"}, Channel(SMS)),
    ("affiliate medium", {"utm_source": "creator42", "utm_medium": "affiliate"}, Channel(AFFILIATE)),
    ("partner medium", {"utm_medium": "partner"}, Channel(AFFILIATE)),
    ("organic medium", {"utm_source": "google", "utm_medium": "organic"}, Channel(ORGANIC_SEARCH, "google")),
    ("referral medium", {"utm_source": "blog", "utm_medium": "referral"}, Channel(REFERRAL)),
    # Rule 4: utm_source alone (an unknown medium falls through to it).
    ("social source alone", {"utm_source": "instagram"}, Channel(ORGANIC_SOCIAL, "instagram")),
    ("twitter is X", {"utm_source": "twitter"}, Channel(ORGANIC_SOCIAL, "x")),
    ("search source alone", {"utm_source": "bing"}, Channel(ORGANIC_SEARCH, "bing")),
    ("email tool source", {"utm_source": "mailchimp"}, Channel(EMAIL)),
    ("any other source", {"utm_source": "podcast"}, Channel(REFERRAL)),
    ("unknown medium, social source", {"utm_source": "tiktok", "utm_medium": "bio"}, Channel(ORGANIC_SOCIAL, "tiktok")),
    # Rule 5: the referrer's host.
    ("search referrer", {"referrer": "https://www.google.com/"}, Channel(ORGANIC_SEARCH, "google")),
    ("country search referrer", {"referrer": "https://www.google.co.uk/search"}, Channel(ORGANIC_SEARCH, "google")),
    ("bing referrer", {"referrer": "https://www.bing.com/search?q=x"}, Channel(ORGANIC_SEARCH, "bing")),
    ("social referrer", {"referrer": "https://l.facebook.com/l.php"}, Channel(ORGANIC_SOCIAL, "meta")),
    ("t.co referrer", {"referrer": "https://t.co/abc"}, Channel(ORGANIC_SOCIAL, "x")),
    ("yandex referrer", {"referrer": "https://yandex.ru/search/"}, Channel(ORGANIC_SEARCH, "yandex")),
    ("a Google product that is not search", {"referrer": "https://docs.google.com/document/d/1"}, Channel(REFERRAL)),
    ("the Gmail app", {"referrer": "android-app://com.google.android.gm/"}, Channel(EMAIL)),
    (
        "the Google app",
        {"referrer": "android-app://com.google.android.googlequicksearchbox/"},
        Channel(ORGANIC_SEARCH, "google"),
    ),
    ("a brand's name under another domain", {"referrer": "https://google.example.org/"}, Channel(REFERRAL)),
    ("a brazilian search domain", {"referrer": "https://www.google.com.br/"}, Channel(ORGANIC_SEARCH, "google")),
    ("webmail referrer", {"referrer": "https://mail.google.com/mail/u/0/"}, Channel(EMAIL)),
    ("other referrer", {"referrer": "https://blog.example.org/post"}, Channel(REFERRAL)),
    (
        "own storefront referrer is ignored",
        {"referrer": "https://shop.example.com/products/a", "own_hosts": ["shop.example.com"]},
        Channel(DIRECT),
    ),
    (
        "own storefront with www is ignored",
        {"referrer": "https://www.shop.example.com/", "own_hosts": ["shop.example.com"]},
        Channel(DIRECT),
    ),
    ("a referrer that is not a url", {"referrer": "http://[::1"}, Channel(DIRECT)),
    # Rule 6: nothing.
    ("nothing at all", {}, Channel(DIRECT)),
]


@pytest.mark.parametrize(("facts", "expected"), [(case[1], case[2]) for case in CASES], ids=[c[0] for c in CASES])
def test_classify_follows_the_rule_table(facts, expected):
    # given the facts of one touch, when classified, then the channel and network are the table's
    assert classify(**facts) == expected


def test_every_ad_platform_link_words_classify_as_its_own_channel():
    # given the UTM words Growth Hub tags each platform's links with
    for descriptor in registry.ad_platforms():
        words = descriptor.link_words
        # when a visitor arrives with them, then the channel is the ad platform's
        found = classify(utm_source=words.source, utm_medium=words.medium)
        assert found.channel in (PAID_SOCIAL, PAID_SEARCH), descriptor.slug
        assert found == classify(has_campaign=True, link_platform=descriptor.slug), descriptor.slug


def test_every_social_platform_link_words_classify_as_organic_social_on_it():
    for slug in (TIKTOK, INSTAGRAM, PINTEREST, X):
        words = registry.PLATFORMS[slug].link_words
        assert classify(utm_source=words.source, utm_medium=words.medium) == classify(has_post=True, link_platform=slug)


def test_classify_url_reads_utm_words_and_click_ids_of_a_landing_url():
    url = "https://shop.example.com/p?utm_source=tiktok_ads&utm_medium=paid_social&ttclid=zz"
    assert classify_url(url) == Channel(PAID_SOCIAL, "tiktok")
    assert classify_url("https://shop.example.com/?utm_source=newsletter") == Channel(EMAIL)
    assert classify_url("https://shop.example.com/", referrer="https://duckduckgo.com/") == Channel(
        ORGANIC_SEARCH, "duckduckgo"
    )
    assert classify_url("https://shop.example.com/") == Channel(DIRECT)


def test_grain_keys_at_the_four_grains():
    channel = Channel(PAID_SOCIAL, "meta")
    assert grain_keys(channel=channel, campaign_id=7) == {
        "channel": "paid_social",
        "platform": "paid_social:meta",
        "campaign": "campaign:7",
    }
    assert grain_keys(channel=Channel(ORGANIC_SOCIAL, "tiktok"), post_id=3) == {
        "channel": "organic_social",
        "platform": "organic_social:tiktok",
        "post": "post:3",
    }
    # a touch with no known network keys its platform grain by the channel alone
    assert grain_keys(channel=Channel(DIRECT)) == {"channel": "direct", "platform": "direct"}


def test_every_channel_has_a_label():
    assert set(CHANNEL_LABELS) == set(CHANNELS)
