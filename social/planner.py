"""Content planning: captions, hashtags, calls to action and media per platform, within each platform's limits.

Pure functions (no database): ``plan_posts`` turns a product and a plan shape into post drafts. Text comes from the
built-in generator, or from an OpenAI-compatible chat-completions backend when ``SOCIAL_LLM_URL`` is set; the
backend only proposes wording, which is composed and fitted here exactly like the built-in wording, and any
failure (network, shape, too few or repeated texts) falls back to the built-in generator.
"""

import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field

import requests
from django.conf import settings

from platforms.captions import caption_length
from platforms.constants import INSTAGRAM, PINTEREST, TIKTOK, X
from platforms.registry import platform_limits
from stores.links import tag_link

logger = logging.getLogger(__name__)

HOOKS = [
    "Meet {title}.",
    "New favourite: {title}.",
    "{title}, made for every day.",
    "Why everyone is talking about {title}",
    "Your next essential: {title}.",
    "Still thinking about {title}?",
    "Small upgrade, big difference: {title}.",
    "Weekend plans? Bring {title}.",
    "This is {title}.",
    "Say hello to {title}.",
    "Built to last: {title}.",
    "The one you keep reaching for: {title}.",
    "Treat yourself to {title}.",
    "Gift idea: {title}.",
    "Back in the spotlight: {title}.",
    "Our team's pick: {title}.",
]
CTAS = {
    X: ["Shop now:", "Get yours:", "See it here:", "Grab one:", "Take a look:", "Find yours:"],
    INSTAGRAM: ["Tap the link in bio to shop.", "Shop via the link in bio.", "Save this for later.",
                "Tag someone who needs this.", "Find it through our bio link.", "Which colour would you pick?"],
    TIKTOK: ["Link in bio.", "Shop it from our bio.", "Follow for more.", "Would you try it?",
             "Duet this with your setup.", "Tell us in the comments."],
    PINTEREST: ["Shop now", "Save for later", "Get the look", "See the details", "Add it to your list",
                "Find your size"],
}  # fmt: skip
PRICE_LINES = ["Only {price}.", "{price}, ships fast.", "Yours for {price}.", "From {price}."]
HASHTAG_COUNT = {X: 2, INSTAGRAM: 8, TIKTOK: 4, PINTEREST: 3}
PLATFORM_TAGS = {
    X: ["newin"],
    INSTAGRAM: ["shopsmall", "instashop", "newarrivals", "musthave", "giftideas"],
    TIKTOK: ["tiktokmademebuyit", "fyp", "smallbusiness"],
    PINTEREST: ["inspiration", "giftideas"],
}
MEDIA_KIND = {TIKTOK: "image", INSTAGRAM: "image", PINTEREST: "image", X: "image"}


@dataclass(frozen=True)
class ProductBrief:
    title: str
    description: str = ""
    tags: tuple[str, ...] = ()
    category: str = ""
    price: str = ""
    url: str = ""
    image_urls: tuple[str, ...] = ()


@dataclass
class Wording:
    hook: str
    body: str
    cta: str
    hashtags: list[str] = field(default_factory=list)


@dataclass
class PlannedPost:
    platform: str
    index: int  # position within the calendar
    title: str
    caption: str
    hashtags: list[str]
    call_to_action: str
    media_kind: str
    media_urls: list[str]
    alt_text: str
    link: str


def clean(text: str) -> str:
    """NFC, no control characters, no '#' (a product's own text must not add hashtags), single spaces."""
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    return re.sub(r"\s+", " ", text.replace("#", "")).strip()


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    if limit <= 1:
        return text[:limit]
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip() + "…"


def hashtag(word: str) -> str:
    return re.sub(r"\W", "", unicodedata.normalize("NFC", word))[:30]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", clean(text)) if s.strip()]


def builtin_wording(brief: ProductBrief, platform: str, index: int) -> Wording:
    """Deterministic and varied: hook, body sentence, price line and call to action rotate at different rates."""
    title = clean(brief.title) or "this"
    lines = sentences(brief.description)
    body_parts = []
    if lines:
        body_parts.append(lines[index % len(lines)])
    if brief.price:
        body_parts.append(PRICE_LINES[index % len(PRICE_LINES)].format(price=brief.price))
    ctas = CTAS[platform]
    tags = [hashtag(t) for t in (*brief.tags, brief.category)]
    pool = [t for t in dict.fromkeys([*tags, *PLATFORM_TAGS[platform]]) if t]
    count = HASHTAG_COUNT[platform]
    chosen = [pool[(index + k) % len(pool)] for k in range(min(count, len(pool)))] if pool else []
    return Wording(
        hook=HOOKS[index % len(HOOKS)].format(title=title),
        body=" ".join(body_parts),
        cta=ctas[(index // len(HOOKS) + index) % len(ctas)],
        hashtags=list(dict.fromkeys(chosen)),
    )


def compose(platform: str, wording: Wording, *, link: str, prefix: str = "") -> tuple[str, list[str]]:
    """The caption for ``platform``, fitted to its limit: hashtags go first, then the body, then the hook shrinks.

    X carries the link in the text (23 characters whatever its length); Pinterest has a link field and the others
    point to the bio, so their captions carry none.
    """
    limit = platform_limits(platform).caption
    max_tags = platform_limits(platform).hashtags
    tags = [t for t in wording.hashtags if t][: max_tags if max_tags is not None else None]
    hook, body, cta = clean(wording.hook), clean(wording.body), clean(wording.cta)
    in_text_link = link if platform == X else ""

    def build(hook_text: str, body_text: str, tag_list: list[str]) -> str:
        tag_text = " ".join(f"#{t}" for t in tag_list)
        if platform in (INSTAGRAM, TIKTOK):
            blocks = [f"{prefix}{hook_text}", body_text, cta, tag_text]
            return "\n\n".join(b for b in blocks if b)
        pieces = [f"{prefix}{hook_text}", body_text, cta, in_text_link, tag_text]
        return " ".join(p for p in pieces if p)

    def fits(text: str) -> bool:
        return caption_length(platform, text) <= limit

    if platform == X:
        body = ""  # a post on X is a hook, a call to action and the link
    while tags and not fits(build(hook, body, tags)):
        tags = tags[:-1]
    if not fits(build(hook, body, tags)):
        low, high = 0, len(body)
        while low < high:
            mid = (low + high + 1) // 2
            if fits(build(hook, truncate(body, mid), tags)):
                low = mid
            else:
                high = mid - 1
        body = truncate(body, low) if low >= 20 else ""
    if not fits(build(hook, body, tags)):
        low, high = 1, len(hook)
        while low < high:
            mid = (low + high + 1) // 2
            if fits(build(truncate(hook, mid), body, tags)):
                low = mid
            else:
                high = mid - 1
        hook = truncate(hook, low)
    return build(hook, body, tags), tags


def fit_title(brief: ProductBrief, index: int) -> str:
    """A Pinterest title (100 characters at most)."""
    title = clean(brief.title) or "New in store"
    suffixes = ["", " – shop now", " | gift idea", " – new in", " | everyday favourite", " – our pick"]
    suffix = suffixes[index % len(suffixes)]
    return truncate(title, 100 - len(suffix)) + suffix


def plan_posts(
    brief: ProductBrief,
    *,
    platforms: list[str],
    days: int,
    posts_per_day: int,
    campaign: str,
    markers: list[str],
    wordings: dict[tuple[str, int], Wording] | None = None,
) -> list[PlannedPost]:
    """days × posts_per_day posts per platform, every caption within limits and no two reading the same.

    ``markers`` (one per post, in order) become each link's utm_content. ``wordings`` (platform, n) → wording
    overrides the built-in text for those posts (the LLM backend's proposals).
    """
    planned: list[PlannedPost] = []
    seen: set[str] = set()
    total = len(platforms) * days * posts_per_day
    index = 0
    for platform in platforms:
        for n in range(days * posts_per_day):
            marker = markers[index]
            # utm_content is the post's marker, the text the look-up finds it by at the platform (its id is not
            # known yet: the posts are written after planning).
            link = tag_link(brief.url, platform=platform, campaign=campaign, content=marker)
            wording = (wordings or {}).get((platform, n)) or builtin_wording(brief, platform, n)
            caption, tags = compose(platform, wording, link=link)
            attempt = 1
            while _reading(caption) in seen:
                # Same text as an earlier post: rotate the wording, and past a full rotation number the post.
                if attempt < len(HOOKS) * 2:
                    wording = builtin_wording(brief, platform, n + attempt * 7)
                    caption, tags = compose(platform, wording, link=link)
                else:
                    caption, tags = compose(platform, wording, link=link, prefix=f"{index + 1}/{total} ")
                attempt += 1
            seen.add(_reading(caption))
            images = list(brief.image_urls) or []
            planned.append(
                PlannedPost(
                    platform=platform,
                    index=n,
                    title=fit_title(brief, n) if platform == PINTEREST else "",
                    caption=caption,
                    hashtags=tags,
                    call_to_action=clean(wording.cta)[:120],
                    media_kind=MEDIA_KIND[platform],
                    media_urls=[images[n % len(images)]] if images else [],
                    alt_text=truncate(clean(brief.title) or "Product photo", 490),
                    link=link,
                )
            )
            index += 1
    return planned


def _reading(caption: str) -> str:
    """What a reader sees: the caption without links (every link differs by its utm_content)."""
    return re.sub(r"https?://\S+", "", caption).strip().casefold()


def llm_wordings(brief: ProductBrief, *, platforms: list[str], count: int) -> dict[tuple[str, int], Wording] | None:
    """Ask the chat-completions backend for ``count`` wordings per platform; None when unset or unusable."""
    if not settings.SOCIAL_LLM_URL:
        return None
    prompt = {
        "product": {"title": brief.title, "description": brief.description[:1500], "tags": list(brief.tags)},
        "platforms": platforms,
        "posts_per_platform": count,
        "format": 'JSON {"posts": [{"platform", "hook", "body", "cta", "hashtags": [words without #]}]}',
        "rules": "Every post different; hook under 120 characters; body under 400; at most 8 hashtags.",
    }
    headers = {"Content-Type": "application/json"}
    if settings.SOCIAL_LLM_API_KEY:
        headers["Authorization"] = f"Bearer {settings.SOCIAL_LLM_API_KEY}"
    try:
        response = requests.post(
            settings.SOCIAL_LLM_URL,
            headers=headers,
            timeout=settings.SOCIAL_LLM_TIMEOUT,
            json={
                "model": settings.SOCIAL_LLM_MODEL,
                "response_format": {"type": "json_object"},
                "messages": [
                    {"role": "system", "content": "You write social media posts for an online store. Answer JSON."},
                    {"role": "user", "content": json.dumps(prompt)},
                ],
            },
        )
        response.raise_for_status()
        content = response.json()["choices"][0]["message"]["content"]
        return parse_llm_posts(content, platforms=platforms, count=count)
    except (requests.RequestException, ValueError, KeyError, IndexError, TypeError) as exc:
        logger.warning("caption backend unusable, using the built-in generator", extra={"error": type(exc).__name__})
        return None


def parse_llm_posts(content: str, *, platforms: list[str], count: int) -> dict[tuple[str, int], Wording]:
    """Validate the backend's JSON; raises ValueError unless every platform got ``count`` distinct, sane posts."""
    posts = json.loads(content)["posts"]
    result: dict[tuple[str, int], Wording] = {}
    counters = dict.fromkeys(platforms, 0)
    for post in posts:
        platform = post.get("platform")
        if platform not in counters or counters[platform] >= count:
            continue
        hook, body, cta = post.get("hook"), post.get("body", ""), post.get("cta", "")
        tags = post.get("hashtags") or []
        if not isinstance(hook, str) or not clean(hook) or not isinstance(body, str) or not isinstance(cta, str):
            raise ValueError("a post lacks a hook or has non-text fields")
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise ValueError("hashtags must be a list of words")
        result[(platform, counters[platform])] = Wording(
            hook=hook[:300], body=body[:1500], cta=cta[:120], hashtags=[h for h in map(hashtag, tags) if h][:30]
        )
        counters[platform] += 1
    if any(n < count for n in counters.values()):
        raise ValueError("the backend returned too few posts")
    hooks = [clean(w.hook).casefold() for w in result.values()]
    if len(set(hooks)) != len(hooks):
        raise ValueError("the backend repeated itself")
    return result
