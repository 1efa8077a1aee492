"""The registry is the one place a platform's facts are found: scopes, limits, link words, creative needs."""

import dataclasses

import pytest

from platforms import registry
from platforms.captions import caption_problems
from platforms.constants import AD_PLATFORMS, ALL_PLATFORMS, PLATFORM_NAMES, SOCIAL_PLATFORMS
from platforms.content import PlatformLimits
from platforms.descriptor import ADS, SOCIAL, CreativeNeeds, LinkWords, PlatformDescriptor
from platforms.google_ads.ads import GoogleAdsClient
from platforms.google_ads.oauth import GoogleAdsOAuth
from platforms.instagram.content import InstagramContent
from platforms.instagram.oauth import InstagramOAuth
from platforms.meta_ads.ads import MetaAdsClient
from platforms.meta_ads.oauth import MetaAdsOAuth
from platforms.oauth import OAuthPlatform
from platforms.pinterest.content import PinterestContent
from platforms.pinterest.oauth import PinterestOAuth
from platforms.registry import PLATFORMS, ad_platforms, oauth_platform, platform, platform_limits, social_platforms
from platforms.tiktok.content import TikTokContent
from platforms.tiktok.oauth import TikTokOAuth
from platforms.tiktok_ads.ads import TikTokAdsClient
from platforms.tiktok_ads.oauth import TikTokAdsOAuth
from platforms.x.content import XContent
from platforms.x.oauth import XOAuth
from stores.links import parse_link, tag_link

EXPECTED_MEDIUM = {"meta_ads": "paid_social", "google_ads": "cpc", "tiktok_ads": "paid_social"}


def test_the_registry_holds_every_platform_slug_once_in_the_constants_order():
    assert tuple(PLATFORMS) == ALL_PLATFORMS
    assert [d.slug for d in social_platforms()] == list(SOCIAL_PLATFORMS)
    assert [d.slug for d in ad_platforms()] == list(AD_PLATFORMS)


@pytest.mark.parametrize("slug", list(PLATFORMS))
def test_each_descriptor_declares_what_its_kind_needs(slug):
    # given a platform of the registry
    descriptor = platform(slug)
    # then its name, OAuth spec and link words are its own
    assert descriptor.slug == slug
    assert descriptor.name == PLATFORM_NAMES[slug]
    assert issubclass(descriptor.oauth_class, OAuthPlatform)
    assert descriptor.oauth_class.slug == slug
    assert isinstance(oauth_platform(slug), descriptor.oauth_class)
    assert descriptor.link_words == LinkWords(source=slug, medium=EXPECTED_MEDIUM.get(slug, "social"))
    assert descriptor.client_class.slug == slug
    if slug in SOCIAL_PLATFORMS:
        # and an organic platform has scopes to publish and read metrics, and content limits
        assert descriptor.kind == SOCIAL
        assert descriptor.publish_scopes and descriptor.metrics_scopes
        assert platform_limits(slug) is descriptor.limits
        assert descriptor.creative is None
    else:
        # and an ad platform has creative needs and a minimum budget, no content limits
        assert descriptor.kind == ADS
        assert isinstance(descriptor.creative, CreativeNeeds)
        assert descriptor.client_class.min_daily_budget_minor > 0
        assert descriptor.limits is None
        with pytest.raises(KeyError):
            platform_limits(slug)


def test_an_unknown_slug_is_a_key_error():
    with pytest.raises(KeyError):
        platform("myspace")
    with pytest.raises(KeyError):
        oauth_platform("myspace")


@pytest.mark.parametrize(
    ("slug", "creative", "expected"),
    [
        ("google_ads", {"headlines": ["a", "b"], "descriptions": ["d", "e"]}, ["at least 3 headlines"]),
        ("google_ads", {"headlines": ["a", "b", "c"], "descriptions": ["d", "e"]}, []),
        ("meta_ads", {"headlines": []}, ["Meta ads need a headline."]),
        ("meta_ads", {"headlines": ["a"]}, []),
        ("tiktok_ads", {"video_id": ""}, ["TikTok ads need a video id."]),
        ("tiktok_ads", {"video_id": "v1"}, []),
    ],
    ids=["google short of headlines", "google enough", "meta without headline", "meta fine", "tiktok no video", "ok"],
)
def test_creative_needs_are_the_platforms_rules(slug, creative, expected):
    fields = {"headlines": [], "descriptions": [], "primary_text": "", "image_url": "", "video_id": "", **creative}
    problems = platform(slug).creative.problems(**fields)
    assert len(problems) == len(expected)
    for problem, words in zip(problems, expected, strict=True):
        assert words in problem


def test_adding_a_platform_to_the_registry_is_all_it_takes(monkeypatch):
    # given an eighth platform declared once and registered by its line
    base = platform("pinterest")
    eighth = dataclasses.replace(
        base,
        slug="threads",
        name="Threads",
        link_words=LinkWords(source="threads", medium="social"),
        publish_scopes=frozenset({"threads_content_publish"}),
        metrics_scopes=frozenset({"threads_manage_insights"}),
        limits=PlatformLimits(caption=42),
    )
    assert isinstance(eighth, PlatformDescriptor)
    monkeypatch.setitem(registry.PLATFORMS, "threads", eighth)

    # when the apps look its facts up
    link = tag_link(
        "https://shop.example.com/p?size=m#reviews", platform="threads", campaign="spring", content="gh-post-9"
    )

    # then its scopes, limits and link words are found wherever the apps look
    assert platform("threads").publish_scopes == {"threads_content_publish"}
    assert platform("threads").metrics_scopes == {"threads_manage_insights"}
    assert [d.slug for d in social_platforms()] == [*SOCIAL_PLATFORMS, "threads"]
    assert "threads" not in [d.slug for d in ad_platforms()]
    assert platform_limits("threads").caption == 42
    assert caption_problems("threads", caption="x" * 43) == ["The caption is 43 characters; the limit is 42."]
    assert caption_problems("threads", caption="x" * 42) == []
    assert link == (
        "https://shop.example.com/p?size=m&utm_source=threads&utm_medium=social&utm_campaign=spring"
        "&utm_content=gh-post-9#reviews"
    )
    tags = parse_link(link)
    assert (tags.platform, tags.paid, tags.post_id) == ("threads", False, 9)


def test_a_platform_not_registered_is_found_nowhere():
    # given no eighth platform registered; then nothing finds it, and no link is tagged for it
    assert "threads" not in PLATFORMS
    with pytest.raises(KeyError):
        platform_limits("threads")
    with pytest.raises(KeyError):
        tag_link("https://shop.example.com/p", platform="threads", campaign="spring")


# What each platform is, written out once more by hand: the registry must find exactly this.
FACTS = {
    "tiktok": (TikTokOAuth, TikTokContent, {"video.publish"}, {"video.list"}, 2200, "social"),
    "instagram": (
        InstagramOAuth,
        InstagramContent,
        {"instagram_business_content_publish"},
        {"instagram_business_manage_insights"},
        2200,
        "social",
    ),
    "pinterest": (PinterestOAuth, PinterestContent, {"pins:write", "boards:read"}, {"pins:read"}, 500, "social"),
    "x": (XOAuth, XContent, {"tweet.write", "tweet.read", "users.read", "media.write"}, {"tweet.read"}, 280, "social"),
    "meta_ads": (MetaAdsOAuth, MetaAdsClient, set(), set(), None, "paid_social"),
    "google_ads": (GoogleAdsOAuth, GoogleAdsClient, set(), set(), None, "cpc"),
    "tiktok_ads": (TikTokAdsOAuth, TikTokAdsClient, set(), set(), None, "paid_social"),
}


@pytest.mark.parametrize("slug", list(PLATFORMS))
def test_the_registry_finds_each_platforms_classes_scopes_limits_and_link_words(slug):
    # given the facts of one platform; when its descriptor is found through the registry
    oauth_class, client_class, publish, metrics, caption, medium = FACTS[slug]
    descriptor = platform(slug)
    # then it holds exactly them
    assert (descriptor.oauth_class, descriptor.client_class) == (oauth_class, client_class)
    assert (descriptor.publish_scopes, descriptor.metrics_scopes) == (publish, metrics)
    assert (descriptor.limits.caption if descriptor.limits else None) == caption
    assert descriptor.link_words == LinkWords(source=slug, medium=medium)
    # and its client is built for one account from a token
    client = descriptor.client(access_token="t0ken", account_id="1000001")
    assert isinstance(client, client_class)


@pytest.mark.parametrize("slug", [d.slug for d in social_platforms()])
def test_a_connection_asks_for_every_scope_publishing_and_metrics_need(slug):
    # given an organic platform; then its OAuth consent requests the scopes its publish and metrics reads need
    descriptor = platform(slug)
    assert descriptor.publish_scopes | descriptor.metrics_scopes <= set(descriptor.oauth_class.scopes)


@pytest.mark.parametrize(
    ("slug", "creative", "expected"),
    [
        (
            "google_ads",
            {"headlines": ["a", "b", "c"], "descriptions": ["d"]},
            ["Google search ads need at least 3 headlines and 2 descriptions."],
        ),
        ("meta_ads", {"headlines": [], "video_id": "v1"}, ["Meta ads need a headline."]),
        ("tiktok_ads", {"headlines": [], "video_id": ""}, ["TikTok ads need a video id."]),
    ],
    ids=["google short of descriptions", "meta without headline, video or not", "tiktok without video"],
)
def test_creative_needs_say_the_words_the_campaign_form_showed(slug, creative, expected):
    fields = {"headlines": [], "descriptions": [], "primary_text": "Warm", "image_url": "", "video_id": "", **creative}
    assert platform(slug).creative.problems(**fields) == expected
