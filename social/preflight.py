"""Pre-flight checks of a post: connection health and scopes, caption limits, media reachable and acceptable."""

import io

import requests
from django.conf import settings
from PIL import Image, UnidentifiedImageError

from platforms.base import build_session
from platforms.content import LIMITS, caption_problems
from social.clients import PUBLISH_SCOPES
from social.models import MediaKind, SocialPost
from stores.models import ConnectionStatus

IMAGE_PROBE_BYTES = 256 * 1024


def connection_problems(post: SocialPost) -> list[str]:
    connection = post.connection
    if connection is None:
        return [f"No {post.get_platform_display()} account is connected."]
    if connection.status != ConnectionStatus.ACTIVE:
        return [f"The {post.get_platform_display()} connection is {connection.status}: reconnect it."]
    missing = PUBLISH_SCOPES[post.platform] - set(connection.scopes or [])
    if missing:
        return [f"The {post.get_platform_display()} connection lacks {', '.join(sorted(missing))}: reconnect it."]
    return []


def media_problems(post: SocialPost, *, session: requests.Session | None = None) -> list[str]:
    """Fetch each media URL (headers, and the start of images) and check type, size and aspect ratio."""
    limits = LIMITS[post.platform]
    urls = list(post.media_urls or [])
    problems = []
    if post.media_kind == MediaKind.CAROUSEL:
        low, high = limits.carousel or (1, 1)
        if not low <= len(urls) <= high:
            problems.append(f"A {post.get_platform_display()} carousel needs {low} to {high} images.")
    elif len(urls) != 1 and post.media_kind == MediaKind.VIDEO:
        problems.append("A video post needs exactly one video.")
    session = session or build_session()
    timeout = (settings.PLATFORM_HTTP_CONNECT_TIMEOUT, settings.SOCIAL_MEDIA_CHECK_TIMEOUT)
    for url in urls:
        if not url.startswith(("http://", "https://")):
            problems.append(f"{url} is not a web address the platform can fetch.")
            continue
        try:
            with session.get(url, stream=True, timeout=timeout) as response:
                if response.status_code >= 400:
                    problems.append(f"{url} answered HTTP {response.status_code}.")
                    continue
                content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
                size = int(response.headers.get("Content-Length") or 0)
                head = response.raw.read(IMAGE_PROBE_BYTES) if content_type.startswith("image/") else b""
        except requests.RequestException:
            problems.append(f"{url} could not be reached.")
            continue
        allowed = limits.video_types if post.media_kind == MediaKind.VIDEO else limits.image_types
        if content_type not in allowed:
            problems.append(f"{url} is {content_type or 'of unknown type'}; {post.get_platform_display()} takes "
                            f"{', '.join(allowed)}.")  # fmt: skip
            continue
        if content_type.startswith("image/"):
            if size > limits.max_image_bytes:
                problems.append(f"{url} is {size // 1024} KB; the limit is {limits.max_image_bytes // 1024} KB.")
            try:
                width, height = Image.open(io.BytesIO(head)).size
            except (UnidentifiedImageError, OSError):
                problems.append(f"{url} is not a readable image.")
                continue
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
