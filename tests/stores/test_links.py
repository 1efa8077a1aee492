"""stores.links: every outgoing link carries its platform's words, and the parser reads them back."""

from urllib.parse import parse_qsl, urlsplit

import pytest

from platforms.registry import PLATFORMS, platform
from stores.links import (
    MAX_CLICK_ID_LENGTH,
    LinkTags,
    campaign_marker,
    click_ids_from_url,
    parse_link,
    post_marker,
    tag_link,
)

SLUGS = sorted(PLATFORMS)
EXPECTED_WORDS = {
    "tiktok": ("tiktok", "social"),
    "instagram": ("instagram", "social"),
    "pinterest": ("pinterest", "social"),
    "x": ("x", "social"),
    "meta_ads": ("meta_ads", "paid_social"),
    "google_ads": ("google_ads", "cpc"),
    "tiktok_ads": ("tiktok_ads", "paid_social"),
}


def query(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


@pytest.mark.parametrize("slug", SLUGS)
def test_tag_link_carries_the_platform_words_of_the_registry(slug):
    # given any platform of the registry / when a link is tagged for it
    url = tag_link("https://shop.example.com/p/sock", platform=slug, campaign="sock-launch", content="gh-post-7")
    # then utm_source and utm_medium are its descriptor's link words, then campaign and content
    words = platform(slug).link_words
    assert query(url) == [
        ("utm_source", words.source),
        ("utm_medium", words.medium),
        ("utm_campaign", "sock-launch"),
        ("utm_content", "gh-post-7"),
    ]
    assert url.startswith("https://shop.example.com/p/sock?")


def test_the_link_words_are_the_documented_vocabulary():
    # given the registry / then every platform's words are its slug and the documented medium
    assert {slug: (d.link_words.source, d.link_words.medium) for slug, d in PLATFORMS.items()} == EXPECTED_WORDS


def test_existing_utms_are_replaced_and_other_params_and_the_fragment_kept():
    # given a link that already has UTMs (one in capitals, one the tagger does not set), other params and a fragment
    url = "https://shop.example.com/p/sock?color=red&utm_source=newsletter&UTM_Medium=email&utm_term=wool&size=&x=1#reviews"
    # when it is tagged
    tagged = tag_link(url, platform="pinterest", campaign="spring", content="pin-3")
    # then no old utm_* is left, the other params keep their order and values, the fragment is kept
    assert tagged == (
        "https://shop.example.com/p/sock?color=red&size=&x=1"
        "&utm_source=pinterest&utm_medium=social&utm_campaign=spring&utm_content=pin-3#reviews"
    )


def test_an_empty_content_is_left_out():
    # given no content / when tagged / then there is no utm_content at all
    tagged = tag_link("https://shop.example.com/", platform="google_ads", campaign=campaign_marker(12))
    assert tagged == "https://shop.example.com/?utm_source=google_ads&utm_medium=cpc&utm_campaign=gh-ad-12"


def test_an_empty_url_stays_empty():
    # given no url / when tagged / then still no url
    assert tag_link("", platform="tiktok", campaign="c", content="d") == ""


def test_an_unknown_platform_is_a_key_error():
    # given a slug the registry does not have / when tagging / then KeyError, nothing built
    with pytest.raises(KeyError):
        tag_link("https://shop.example.com/", platform="myspace", campaign="c")


def test_markers():
    # given ids / then the markers Growth Hub puts in its links
    assert post_marker(42) == "gh-post-42"
    assert campaign_marker(7) == "gh-ad-7"


@pytest.mark.parametrize("slug", SLUGS)
def test_round_trip_of_an_organic_post_link(slug):
    # given a link tagged with a post marker / when parsed
    tagged = tag_link(
        "https://shop.example.com/p/sock?ref=bio", platform=slug, campaign="sock", content=post_marker(42)
    )
    tags = parse_link(tagged)
    # then it names the platform, whether it is paid (by the platform's medium) and the post
    words = platform(slug).link_words
    assert tags == LinkTags(
        source=words.source,
        medium=words.medium,
        campaign="sock",
        content="gh-post-42",
        platform=slug,
        paid=platform(slug).kind == "ads",
        post_id=42,
        campaign_id=None,
    )


@pytest.mark.parametrize("slug", ["meta_ads", "google_ads", "tiktok_ads"])
def test_round_trip_of_an_ad_campaign_link(slug):
    # given an ad's landing link with the campaign marker and a creative content / when parsed
    tags = parse_link(
        tag_link("https://shop.example.com/", platform=slug, campaign=campaign_marker(7), content="creative-3")
    )
    # then it is paid, from that platform, and names the campaign; the creative is read back as it is
    assert (tags.platform, tags.paid, tags.campaign_id, tags.post_id, tags.content) == (
        slug,
        True,
        7,
        None,
        "creative-3",
    )


def test_a_link_without_utms_parses_to_empty_tags():
    # given a link with other params only / when parsed / then nothing is claimed
    assert parse_link("https://shop.example.com/p/sock?color=red#top") == LinkTags()
    assert parse_link("") == LinkTags()
    assert LinkTags() == LinkTags("", "", "", "", None, False, None, None)


def test_an_unknown_source_has_no_platform():
    # given a link from a newsletter / when parsed / then the words are kept but no platform is named
    tags = parse_link("https://shop.example.com/?utm_source=newsletter&utm_medium=email&utm_campaign=may")
    assert (tags.source, tags.medium, tags.campaign, tags.platform, tags.paid) == (
        "newsletter",
        "email",
        "may",
        None,
        False,
    )


def test_parse_reads_a_landing_path_any_case_of_source_and_the_first_of_a_repeat():
    # given a landing path as a store reports it (no host), a source in capitals and a repeated campaign
    tags = parse_link("/p/sock?utm_source=TikTok&utm_medium=social&utm_campaign=gh-ad-5&utm_campaign=other")
    # then the platform is found whatever the case, and the first campaign counts
    assert (tags.source, tags.platform, tags.paid, tags.campaign_id) == ("TikTok", "tiktok", False, 5)


@pytest.mark.parametrize(
    ("content", "campaign", "post_id", "campaign_id"),
    [
        ("gh-post-", "gh-ad-", None, None),
        ("gh-post-0", "gh-ad-0", None, None),
        ("gh-post-12x", "gh-ad-3.5", None, None),
        ("gh1a2b3c4d", "sock-20261201", None, None),
        ("GH-POST-4", "gh-ad-9", None, 9),
    ],
)
def test_only_exact_markers_name_a_post_or_campaign(content, campaign, post_id, campaign_id):
    # given contents and campaigns that only look like markers / when parsed / then no id is made up from them
    tags = parse_link(f"https://s.example/?utm_source=x&utm_campaign={campaign}&utm_content={content}")
    assert (tags.post_id, tags.campaign_id) == (post_id, campaign_id)


@pytest.mark.parametrize("medium", ["cpc", "PPC", "paid", "paid_social"])
def test_paid_mediums_of_other_tools_count_as_paid(medium):
    # given a paid medium another tool wrote / when parsed / then it is paid
    assert parse_link(f"https://s.example/?utm_source=bing&utm_medium={medium}").paid is True


def test_click_ids_are_read_from_a_url_or_a_path_and_bounded():
    # given landing pages with click ids of several platforms, an unknown parameter and an empty one
    long_id = "a" * (MAX_CLICK_ID_LENGTH + 50)
    # when they are read, then only the known click ids with a value come back, each bounded
    assert click_ids_from_url("/products/x?ttclid=E.C.P.1&utm_source=tiktok_ads&wbraid=") == {"ttclid": "E.C.P.1"}
    assert click_ids_from_url(f"https://shop.example/?msclkid=m1&epik=e1&gbraid={long_id}") == {
        "msclkid": "m1",
        "epik": "e1",
        "gbraid": "a" * MAX_CLICK_ID_LENGTH,
    }
    assert click_ids_from_url("not a url at all") == {}
