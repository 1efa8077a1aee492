"""What every organic (social) platform client offers the social app: publish, look up, read metrics.

Each client lives in ``platforms/<slug>/content.py`` and speaks its platform's real API; this module holds the
shapes they share (``PlatformLimits``, which each platform's descriptor fills in, ``PostDraft``, ``Metrics``), X's
weighted character count and the comparison of texts a platform gave back. Captions are checked against the limits
in ``platforms.captions``.
"""

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


class MediaKind:
    IMAGE = "image"
    VIDEO = "video"
    CAROUSEL = "carousel"


@dataclass(frozen=True)
class PlatformLimits:
    """Text and media limits one platform enforces on an organic post."""

    caption: int
    hashtags: int | None = None
    title: int | None = None
    weighted: bool = False  # X: links count 23, wide characters count 2
    image_types: tuple[str, ...] = ("image/jpeg",)
    video_types: tuple[str, ...] = ("video/mp4",)
    max_image_bytes: int = 8 * 1024 * 1024
    min_aspect: float = 0.5  # width / height
    max_aspect: float = 2.0
    carousel: tuple[int, int] | None = None  # (min, max) items


X_URL_LENGTH = 23
URL_RE = re.compile(r"https?://[^\s]+")
HASHTAG_RE = re.compile(r"(?<!\w)#\w+")
# twitter-text v3 counts these code point ranges as 1, everything else (CJK, emoji) as 2.
_X_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


def x_weighted_length(text: str) -> int:
    """The length X counts for ``text``: URLs are 23, wide characters 2 (twitter-text's weighting)."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    position = 0
    for match in URL_RE.finditer(text):
        total += _x_plain_length(text[position : match.start()]) + X_URL_LENGTH
        position = match.end()
    return total + _x_plain_length(text[position:])


def _x_plain_length(text: str) -> int:
    return sum(1 if any(lo <= ord(ch) <= hi for lo, hi in _X_LIGHT_RANGES) else 2 for ch in text)


def hashtag_count(text: str) -> int:
    return len(HASHTAG_RE.findall(text))


LINK_PLACEHOLDER = "\u2192link"
# A cut field whose last word is dropped must still say this much to identify a post.
MIN_CUT_MATCH = 20


def comparable(text: str) -> str:
    """``text`` in the form in which any platform's copy of it reads the same as ours.

    Platforms give a caption back changed: X NFC-normalises it, trims it and shows every link as a t.co link;
    others may trim it or fold runs of whitespace. So: NFC, every link replaced by one placeholder, whitespace runs
    collapsed to one space, trimmed.
    """
    text = URL_RE.sub(f" {LINK_PLACEHOLDER} ", unicodedata.normalize("NFC", text))
    return " ".join(text.split())


def fit_to(text: str, limit: int) -> str:
    """``text`` trimmed and cut to at most ``limit`` characters (a field a platform caps, like a TikTok photo's
    title), without a dangling space at the cut."""
    return text.strip()[:limit].rstrip()


def is_cut_from(stored: str, caption: str) -> bool:
    """Whether ``stored``, a field the platform cut to a limit, is the start of ``caption``.

    Compared in ``comparable`` form; the last word of ``stored`` may be cut in the middle (of a word, a link or a
    character and its combining accent), so it is left out when the whole does not match.
    """
    stored, caption = comparable(stored), comparable(caption)
    if not stored:
        return False
    if stored == caption or caption.startswith(stored + " "):
        return True
    head = stored.rpartition(" ")[0]
    return len(head) >= MIN_CUT_MATCH and caption.startswith(head + " ") and len(stored) < len(caption)


@dataclass(frozen=True)
class PostDraft:
    """One post as a client sends it. ``marker`` is unique per post and travels in the link or the caption, so a
    post whose create call timed out can be found again."""

    marker: str
    caption: str
    media_urls: tuple[str, ...]
    media_kind: str = MediaKind.IMAGE
    title: str = ""
    link: str = ""
    alt_text: str = ""
    since: dt.datetime | None = None  # no earlier attempt started before this: look-ups search from here

    def carries(self, *texts: str, truncated: tuple[str, ...] = ()) -> bool:
        """Whether a post the platform holds is this one, given the texts the platform gave back for it.

        ``texts`` are kept whole (a caption, a description, a link, a link X expanded from t.co): one matches when
        it holds the marker, or reads as the caption once both are in ``comparable`` form (NFC, trimmed, links
        rewritten). ``truncated`` are fields the platform cut to a limit (a TikTok photo's 90-character title): they
        are weaker evidence (two captions may start alike), so they count only when no whole text came back, and
        then match when they hold the marker or are the start of the caption.
        """
        whole = [text for text in texts if text]
        if any(self.marker in unicodedata.normalize("NFC", text) for text in (*whole, *truncated) if text):
            return True
        caption = comparable(self.caption)
        if whole:
            return bool(caption) and any(comparable(text) == caption for text in whole)
        return bool(caption) and any(is_cut_from(text, self.caption) for text in truncated if text)


@dataclass(frozen=True)
class Published:
    external_id: str
    permalink: str = ""


@dataclass(frozen=True)
class Metrics:
    impressions: int = 0
    reach: int = 0
    likes: int = 0
    comments: int = 0
    shares: int = 0
    saves: int = 0
    clicks: int = 0
    video_views: int = 0
    extra: dict = field(default_factory=dict)


HandleSink = Callable[[str], None]


class OrganicClient(Protocol):
    """The surface the social app uses; errors are ``platforms.errors`` subclasses."""

    slug: str

    def publish(self, draft: PostDraft, *, handle: str = "", save_handle: HandleSink) -> Published:
        """Create the post. ``save_handle`` persists an intermediate id (TikTok publish_id, Instagram container id)
        before the next step; ``handle`` resumes from one saved earlier."""
        ...

    def lookup(self, draft: PostDraft, *, handle: str = "") -> Published | None:
        """The post if the platform already holds it (by handle, else by marker among recent posts)."""
        ...

    def metrics(self, external_ids: list[str]) -> dict[str, Metrics]: ...
