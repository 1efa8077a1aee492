"""The registry is the one place a platform's facts are found: scopes, limits, link words, creative needs."""

import dataclasses

import pytest

from platforms import registry
from platforms.captions import caption_problems
from platforms.constants import AD_PLATFORMS, ALL_PLATFORMS, PLATFORM_NAMES, SOCIAL_PLATFORMS
from platforms.content import PlatformLimits
from platforms.descriptor import ADS, SOCIAL, CreativeNeeds, LinkWords, PlatformDescriptor
from platforms.oauth import OAuthPlatform
from platforms.registry import PLATFORMS, ad_platforms, oauth_platform, platform, platform_limits, social_platforms
from stores.links import parse_link, tag_link

EXPECTED_MEDIUM = {"meta_ads": "paid_social", "google_ads": "cpc", "tiktok_ads": "paid_social"}


def test_the_registry_holds_every_platform_slug_once_in_the_constants_order():
    assert tuple(PLATFORMS) == ALL_PLATFORMS
    assert [d.slug for d in social_platforms()] == list(SOCIAL_PLATFORMS)
    assert [d.slug for d in ad_platforms()] == list(AD_PLATFORMS)


@pytest.mark.parametrize("slug", ALL_PLATFORMS)
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
        limits=PlatformLimits(caption=42),
    )
    assert isinstance(eighth, PlatformDescriptor)
    monkeypatch.setitem(registry.PLATFORMS, "threads", eighth)
    # then its scopes, limits and link words are found wherever the apps look
    assert platform("threads").publish_scopes == {"threads_content_publish"}
    assert "threads" in [d.slug for d in social_platforms()]
    assert platform_limits("threads").caption == 42
    assert caption_problems("threads", caption="x" * 43)
    assert caption_problems("threads", caption="x" * 42) == []
    link = tag_link("https://shop.example.com/p", platform="threads", campaign="spring", content="gh-post-9")
    assert "utm_source=threads" in link and "utm_medium=social" in link
    assert parse_link(link).platform == "threads"
