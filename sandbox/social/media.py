"""Demo media the sandbox serves, so posts have reachable images and videos with no network.

``/sandbox/media/<name>-<width>x<height>.<jpg|png|webp>`` renders a plain image of that size;
``/sandbox/media/<name>.mp4`` answers a small MP4 container. Both answer HEAD with type and length.
"""

import hashlib
import io
import re
from functools import lru_cache

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods
from PIL import Image, ImageDraw

IMAGE_NAME = re.compile(r"^[\w-]+-(\d{2,4})x(\d{2,4})\.(jpg|png|webp)$")
VIDEO_NAME = re.compile(r"^[\w-]+\.mp4$")
FORMATS = {"jpg": ("JPEG", "image/jpeg"), "png": ("PNG", "image/png"), "webp": ("WEBP", "image/webp")}


@lru_cache(maxsize=64)
def render_image(name: str, width: int, height: int, extension: str) -> tuple[bytes, str]:
    digest = hashlib.sha256(name.encode()).digest()
    image = Image.new("RGB", (width, height), (digest[0], digest[1], digest[2]))
    draw = ImageDraw.Draw(image)
    draw.rectangle((width // 8, height // 8, width * 7 // 8, height * 7 // 8), outline=(255, 255, 255), width=4)
    fmt, content_type = FORMATS[extension]
    buffer = io.BytesIO()
    image.save(buffer, fmt, quality=70) if fmt == "JPEG" else image.save(buffer, fmt)
    return buffer.getvalue(), content_type


@lru_cache(maxsize=16)
def render_video(name: str) -> bytes:
    """An ISO base media header (ftyp + free box) padded to 64 KiB: enough for type and size checks."""
    ftyp = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
    padding = 64 * 1024 - len(ftyp)
    return ftyp + padding.to_bytes(4, "big") + b"free" + hashlib.sha256(name.encode()).digest() * ((padding - 8) // 32)


@require_http_methods(["GET", "HEAD"])
def media(request: HttpRequest, name: str) -> HttpResponse:
    image = IMAGE_NAME.match(name)
    if image:
        width, height = int(image.group(1)), int(image.group(2))
        if not (16 <= width <= 4096 and 16 <= height <= 4096):
            raise Http404("No such media.")
        content, content_type = render_image(name, width, height, image.group(3))
    elif VIDEO_NAME.match(name):
        content, content_type = render_video(name), "video/mp4"
    else:
        raise Http404("No such media.")
    response = HttpResponse(b"" if request.method == "HEAD" else content, content_type=content_type)
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "public, max-age=86400"
    return response
