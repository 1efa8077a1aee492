"""How a post is recognised among the posts a platform gives back: by its marker, or by its text as the platform
keeps it (trimmed, NFC-normalised, links rewritten, a title cut to its limit)."""

import json

import pytest
import responses

from platforms.base import IDEMPOTENT_METHODS
from platforms.content import PostDraft, comparable, fit_to, is_cut_from
from platforms.errors import Transient
from platforms.tiktok.content import PHOTO_TITLE_LIMIT, TikTokContent, photo_title

CAPTION = (
    "  Cafe\u0301 mornings on the ridge: the Merino Trail Sock keeps feet warm and dry for every mile, "
    "from the first frost to the last descent. https://shop.example.com/p/sock?utm_content=ab #merino \n"
)
NFC_CAPTION = CAPTION.replace("Cafe\u0301", "Caf\u00e9")


def draft(caption: str = CAPTION, marker: str = "gh0123456789") -> PostDraft:
    return PostDraft(marker=marker, caption=caption, media_urls=("https://shop.example.com/sock.jpg",))


@pytest.mark.parametrize(
    "stored",
    [
        NFC_CAPTION.strip(),
        CAPTION.replace("https://shop.example.com/p/sock?utm_content=ab", "https://t.co/AbCdE12345").strip(),
        " ".join(CAPTION.split()),
    ],
    ids=["trimmed and NFC-normalised", "its link shown as t.co", "whitespace runs folded"],
)
def test_a_caption_the_platform_kept_its_own_way_is_recognised(stored):
    assert draft().carries(stored)


def test_another_caption_is_not_recognised():
    assert not draft().carries(NFC_CAPTION.replace("ridge", "coast"))
    assert not draft().carries("")


def test_the_marker_is_found_in_a_link_x_expanded_from_t_co():
    # given a post whose text shows its link as t.co, and the link as posted in its entity
    text = "Warm feet https://t.co/AbCdE12345"
    expanded = "https://shop.example.com/p/sock?utm_content=gh0123456789"
    # then the marker in the expanded link identifies it, though the caption reads differently
    assert draft(caption="Warm feet all winter").carries(text, expanded)
    assert not draft(caption="Warm feet all winter").carries(text, "https://shop.example.com/p/sock")


def test_a_title_cut_to_its_limit_is_recognised_when_no_whole_text_came_back():
    # given TikTok's photo title: the caption cut to 90 characters
    title = CAPTION.strip()[:90]
    # then it identifies the post when it is all the platform gave back
    assert draft().carries("", truncated=(title,))


def test_a_title_cut_between_a_letter_and_its_accent_is_recognised():
    # given a caption with a decomposed accent, cut right after the letter and before its accent
    caption = "Warm feet for every mile of the ridge trail this winter, says Rene\u0301 and the rest of the team."
    cut = caption[: caption.index("\u0301")]
    # then the cut title still reads as the start of the caption
    assert draft(caption=caption).carries(truncated=(cut,))
    assert not draft(caption=caption).carries(truncated=("Warm feet for every mile of the coast trail",))


def test_a_cut_title_does_not_override_the_whole_description():
    # given two posts whose captions start alike and differ after 90 characters
    twin = CAPTION.strip()[:95] + " A different ending for another post."
    # when the platform gives back the twin's whole description and its cut title
    # then the cut title alone does not make it ours
    assert not draft().carries(twin, truncated=(twin[:90],))
    assert is_cut_from(twin[:90], CAPTION)


def test_comparable_and_fit_to():
    assert comparable("  a\u0301  b\n https://x.example/p  c ") == "\u00e1 b \u2192link c"
    assert fit_to("  abc def  ", 5) == "abc d"
    assert fit_to("  abc def  ", 4) == "abc"


def test_a_tiktok_photo_title_is_the_caption_cut_to_90_characters():
    title = photo_title(draft())
    assert title == CAPTION.strip()[:PHOTO_TITLE_LIMIT].rstrip()
    assert len(title) <= PHOTO_TITLE_LIMIT


LIVE = "https://open.tiktokapis.com/v2"


@pytest.mark.parametrize(
    ("path", "call", "ambiguous"),
    [
        ("/post/publish/creator_info/query/", lambda client: client.creator_info(), False),
        ("/post/publish/status/fetch/", lambda client: client.status("v_pub_1"), False),
        ("/video/query/", lambda client: client.metrics(["7001"]), False),
    ],
    ids=["creator info is a read", "a status fetch is a read", "a video query is a read"],
)
@responses.activate
def test_tiktok_reads_sent_as_post_are_never_ambiguous(settings, path, call, ambiguous):
    # given TikTok's gateway failing every call with a 502
    settings.PLATFORM_MODE = "live"
    responses.add(responses.POST, f"{LIVE}{path}", body="Bad Gateway", status=502)
    # when a read (every TikTok call is a POST) is sent
    with pytest.raises(Transient) as caught:
        call(TikTokContent(access_token="act.1"))
    # then nothing can have been created, although POST is not an idempotent method
    assert "POST" not in IDEMPOTENT_METHODS
    assert caught.value.ambiguous is ambiguous


@responses.activate
def test_a_tiktok_photo_init_answered_502_is_ambiguous(settings):
    # given TikTok acting on the photo init and its gateway answering 502
    settings.PLATFORM_MODE = "live"
    responses.add(
        responses.POST,
        f"{LIVE}/post/publish/creator_info/query/",
        json={"data": {"privacy_level_options": ["SELF_ONLY"]}, "error": {"code": "ok"}},
    )
    responses.add(responses.POST, f"{LIVE}/post/publish/content/init/", body="Bad Gateway", status=502)
    saved = []
    # when the post is published
    with pytest.raises(Transient) as caught:
        TikTokContent(access_token="act.1").publish(draft(), save_handle=saved.append)
    # then the failure may hide a post, and no handle was saved
    assert caught.value.ambiguous is True
    assert saved == []
    sent = json.loads(responses.calls[1].request.body)["post_info"]
    assert sent["title"] == CAPTION.strip()[:90].rstrip()
    assert sent["description"] == CAPTION
