"""Helpers the organic platform views share: ids, daily caps, the posts an account may see."""

import datetime as dt
import secrets

from django.conf import settings
from django.http import HttpRequest, JsonResponse

from sandbox.endpoint import json_object
from sandbox.errors import Failure, SandboxError
from sandbox.models import SandboxAccount, SandboxPost
from sandbox.social.engagement import sandbox_now


def new_numeric_id() -> str:
    """Eighteen digits, never starting with 9 (that range is reserved for historical demo posts)."""
    return str(secrets.randbelow(8 * 10**17) + 10**17)


def daily_limit(platform: str) -> int:
    return int(settings.SANDBOX_SOCIAL_DAILY_LIMITS[platform])


def posts_in_last_day(platform: str, account: SandboxAccount) -> int:
    since = sandbox_now() - dt.timedelta(hours=24)
    return SandboxPost.objects.filter(platform=platform, account=account, created_at__gt=since).count()


def oldest_in_window(platform: str, account: SandboxAccount) -> dt.datetime:
    since = sandbox_now() - dt.timedelta(hours=24)
    first = (
        SandboxPost.objects.filter(platform=platform, account=account, created_at__gt=since)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return (first or sandbox_now()) + dt.timedelta(hours=24)


def require_any_scope(request: HttpRequest, *scopes: str) -> None:
    if not set(scopes) & set(request.sandbox_token.scopes):
        raise SandboxError(Failure.SCOPE, f"The token does not hold any of the permissions {', '.join(scopes)}.")


def json_body(request: HttpRequest) -> dict:
    """The JSON object TikTok, Pinterest and X take as a body (read whatever the Content-Type says)."""
    return json_object(request.body) if request.body else {}


def kept_text(text: str) -> str:
    """A caption, title or description as the sandbox keeps it: trimmed of surrounding whitespace.

    X documents trimming (and NFC, see ``sandbox.social.x``); for TikTok, Instagram and Pinterest it is UNCONFIRMED,
    so the sandbox trims there too: a client's look-up that finds a post whose text was trimmed finds it either way.
    """
    return text.strip()


def iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def ok(data: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status)
