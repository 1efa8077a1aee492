"""What a caption may be on each organic platform: its length (X's weighted count), hashtags and title, checked
against the content limits the platform's descriptor declares (``platforms.registry``)."""

from platforms.content import hashtag_count, x_weighted_length
from platforms.registry import platform_limits


def caption_length(platform: str, text: str) -> int:
    return x_weighted_length(text) if platform_limits(platform).weighted else len(text)


def caption_problems(platform: str, *, caption: str, title: str = "") -> list[str]:
    """Why ``caption`` (and a Pinterest ``title``) break the platform's limits; empty when they fit."""
    limits = platform_limits(platform)
    problems = []
    if not caption.strip():
        problems.append("The caption is empty.")
    length = caption_length(platform, caption)
    if length > limits.caption:
        problems.append(f"The caption is {length} characters; the limit is {limits.caption}.")
    if limits.hashtags is not None and hashtag_count(caption) > limits.hashtags:
        problems.append(f"The caption has {hashtag_count(caption)} hashtags; the limit is {limits.hashtags}.")
    if limits.title is not None and len(title) > limits.title:
        problems.append(f"The title is {len(title)} characters; the limit is {limits.title}.")
    return problems
