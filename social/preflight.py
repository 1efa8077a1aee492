"""Pre-flight checks of a post: connection health and scopes, caption limits, media reachable and acceptable."""

import io

import requests
from django.conf import settings
from PIL import Image, UnidentifiedImageError

from platforms.captions import caption_problems
from platforms.guarded import content_length, guarded_session, read_head
from platforms.registry import platform, platform_limits
from social.models import MediaKind, SocialPost
from stores.models import ConnectionStatus

IMAGE_PROBE_BYTES = 256 * 1024


def connection_problems(post: SocialPost) -> list[str]:
    connection = post.connection
    if connection is None:
        return [f"No {post.get_platform_display()} account is connected."]
    if connection.status != ConnectionStatus.ACTIVE:
        return [f"The {post.get_platform_display()} connection is {connection.status}: reconnect it."]
    missing = platform(post.platform).publish_scopes - set(connection.scopes or [])
    if missing:
        return [f"The {post.get_platform_display()} connection lacks {', '.join(sorted(missing))}: reconnect it."]
    return []


def media_problems(post: SocialPost) -> list[str]:
    """Fetch each media URL (headers, and the start of images) and check type, size and aspect ratio.

    URLs go through the guarded session: a target it refuses (private, loopback, link-local, metadata, or a
    redirect to one), one that does not answer in time or is too large is reported only as "could not be
    fetched", never with what answered there.
    """
    limits = platform_limits(post.platform)
    urls = list(post.media_urls or [])
    problems = []
    if post.media_kind == MediaKind.CAROUSEL:
        low, high = limits.carousel or (1, 1)
        if not low <= len(urls) <= high:
            problems.append(f"A {post.get_platform_display()} carousel needs {low} to {high} images.")
    elif len(urls) != 1 and post.media_kind == MediaKind.VIDEO:
        problems.append("A video post needs exactly one video.")
    with guarded_session(timeout=settings.SOCIAL_MEDIA_CHECK_TIMEOUT) as session:
        for url in urls:
            if not url.startswith(("http://", "https://")):
                problems.append(f"{url} is not a web address the platform can fetch.")
                continue
            try:
                with session.get(url, stream=True) as response:
                    if response.status_code >= 400:
                        problems.append(f"{url} answered HTTP {response.status_code}.")
                        continue
                    content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
                    size = content_length(response) or 0
                    head = read_head(response, limit=IMAGE_PROBE_BYTES) if content_type.startswith("image/") else b""
            except requests.RequestException:
                problems.append(f"{url} could not be fetched.")
                continue
            problems += _media_kind_problems(post, url=url, content_type=content_type, size=size, head=head)
    return problems


def _media_kind_problems(post: SocialPost, *, url: str, content_type: str, size: int, head: bytes) -> list[str]:
    """Type, size and aspect ratio of one media file that answered."""
    limits = platform_limits(post.platform)
    problems = []
    allowed = limits.video_types if post.media_kind == MediaKind.VIDEO else limits.image_types
    if content_type not in allowed:
        return [f"{url} is {content_type or 'of unknown type'}; {post.get_platform_display()} takes "
                f"{', '.join(allowed)}."]  # fmt: skip
    if not content_type.startswith("image/"):
        return []
    if size > limits.max_image_bytes:
        problems.append(f"{url} is {size // 1024} KB; the limit is {limits.max_image_bytes // 1024} KB.")
    try:
        width, height = Image.open(io.BytesIO(head)).size
    except (UnidentifiedImageError, OSError):
        return [*problems, f"{url} is not a readable image."]
    ratio = width / height
    if not limits.min_aspect <= ratio <= limits.max_aspect:
        problems.append(
            f"{url} is {width}×{height} (aspect {ratio:.2f}); {post.get_platform_display()} accepts "
            f"{limits.min_aspect:.2f} to {limits.max_aspect:.2f}."
        )
    return problems


def preflight_problems(post: SocialPost, *, check_media: bool = True) -> list[str]:
    problems = connection_problems(post)
    problems += caption_problems(post.platform, caption=post.caption, title=post.title)
    if check_media:
        problems += media_problems(post)
    return problems
