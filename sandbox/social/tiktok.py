"""TikTok Content Posting and Display API at the sandbox (``/sandbox/tiktok/v2/...``).

Docs mirrored: content-posting-api-reference-direct-post, -photo-post, -get-video-status, tiktok-api-v2-video-list,
tiktok-api-v2-video-query. Pulled media is "downloaded" for ``SANDBOX_PUBLISH_PROCESSING_SECONDS``, then the post
is public and ``publicaly_available_post_id`` (sic) appears.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, JsonResponse

from platforms.constants import TIKTOK
from sandbox.endpoint import api_endpoint, rate_limit
from sandbox.errors import Failure, SandboxError
from sandbox.models import SandboxPost, SandboxPublishJob
from sandbox.social.common import daily_limit, json_body, kept_text, new_numeric_id, posts_in_last_day
from sandbox.social.engagement import engagement, historical_published_at, sandbox_now

PRIVACY_LEVELS = ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"]
VIDEO_FIELDS = {
    "id",
    "create_time",
    "cover_image_url",
    "share_url",
    "video_description",
    "duration",
    "height",
    "width",
    "title",
    "embed_html",
    "embed_link",
    "like_count",
    "comment_count",
    "share_count",
    "view_count",
}


def envelope(data: dict) -> JsonResponse:
    return JsonResponse({"data": data, "error": {"code": "ok", "message": "", "log_id": secrets.token_hex(12)}})


def invalid(message: str, code: str = "invalid_params") -> SandboxError:
    return SandboxError(Failure.VALIDATION, message, code=code)


@api_endpoint(TIKTOK, scope="video.publish")
def creator_info(request: HttpRequest) -> JsonResponse:
    account = request.sandbox_token.account
    return envelope(
        {
            "creator_avatar_url": "",
            "creator_username": account.username,
            "creator_nickname": account.name,
            "privacy_level_options": PRIVACY_LEVELS,
            "comment_disabled": False,
            "duet_disabled": False,
            "stitch_disabled": False,
            "max_video_post_duration_sec": 600,
        }
    )


def _check_post_info(post_info: dict, *, title_limit: int) -> None:
    if not isinstance(post_info, dict):
        raise invalid("post_info is required.")
    if post_info.get("privacy_level") not in PRIVACY_LEVELS:
        raise invalid(
            "privacy_level must be one of the creator's privacy_level_options.", "privacy_level_option_mismatch"
        )
    if len(post_info.get("title") or "") > title_limit:
        raise invalid(f"title must be at most {title_limit} characters.")
    if len(post_info.get("description") or "") > 4000:
        raise invalid("description must be at most 4000 characters.")


def _start_job(request: HttpRequest, *, kind: str, payload: dict) -> JsonResponse:
    token = request.sandbox_token
    rate_limit(key=f"tiktok-init:{token.pk}", limit=settings.SANDBOX_TIKTOK_INIT_PER_MINUTE)
    with transaction.atomic():
        if posts_in_last_day(TIKTOK, token.account) >= daily_limit(TIKTOK):
            raise SandboxError(
                Failure.VALIDATION, "The creator has posted too many times today.", code="spam_risk_too_many_posts"
            )
        now = sandbox_now()
        job = SandboxPublishJob.objects.create(
            platform=TIKTOK,
            account=token.account,
            handle=f"v_pub_url~v2-1.{new_numeric_id()}",
            kind=kind,
            payload=payload,
            created_at=now,
            ready_at=now + dt.timedelta(seconds=settings.SANDBOX_PUBLISH_PROCESSING_SECONDS),
        )
        info = payload["post_info"]
        # The post counts against the daily cap from the moment it is initiated.
        job.post = SandboxPost.objects.create(
            platform=TIKTOK,
            account=token.account,
            external_id=f"7{new_numeric_id()}",
            kind=kind,
            text=kept_text(info.get("description") or info.get("title") or ""),
            title=kept_text(info.get("title") or ""),
            media_urls=payload["source_info"].get("photo_images") or [payload["source_info"].get("video_url")],
            created_at=job.ready_at,
        )
        job.save(update_fields=["post"])
    return envelope({"publish_id": job.handle})


@api_endpoint(TIKTOK, scope="video.publish")
def video_init(request: HttpRequest) -> JsonResponse:
    body = json_body(request)
    _check_post_info(body.get("post_info"), title_limit=2200)
    source = body.get("source_info") or {}
    if source.get("source") == "FILE_UPLOAD":
        raise invalid("The sandbox pulls videos from URLs only; use source PULL_FROM_URL.", "invalid_file_upload")
    if source.get("source") != "PULL_FROM_URL" or not str(source.get("video_url", "")).startswith("http"):
        raise invalid("source_info.video_url is required for PULL_FROM_URL.")
    return _start_job(request, kind="video", payload=body)


@api_endpoint(TIKTOK, scope="video.publish")
def content_init(request: HttpRequest) -> JsonResponse:
    body = json_body(request)
    if body.get("media_type") != "PHOTO":
        raise invalid("media_type must be PHOTO.")
    if body.get("post_mode") not in ("DIRECT_POST", "MEDIA_UPLOAD"):
        raise invalid("post_mode must be DIRECT_POST or MEDIA_UPLOAD.")
    _check_post_info(body.get("post_info"), title_limit=90)
    source = body.get("source_info") or {}
    images = source.get("photo_images") or []
    if source.get("source") != "PULL_FROM_URL" or not images or len(images) > 35:
        raise invalid("source_info.photo_images needs 1 to 35 image URLs pulled from URL.")
    if any(not str(url).lower().split("?")[0].endswith((".jpg", ".jpeg", ".webp")) for url in images):
        raise invalid("Photos must be JPEG or WEBP.", "invalid_file_upload")
    if not 0 <= int(source.get("photo_cover_index") or 0) < len(images):
        raise invalid("photo_cover_index is out of range.")
    return _start_job(request, kind="photo", payload=body)


@api_endpoint(TIKTOK, scope="video.publish")
def status_fetch(request: HttpRequest) -> JsonResponse:
    rate_limit(key=f"tiktok-status:{request.sandbox_token.pk}", limit=settings.SANDBOX_TIKTOK_STATUS_PER_MINUTE)
    publish_id = json_body(request).get("publish_id")
    job = SandboxPublishJob.objects.filter(
        platform=TIKTOK, handle=publish_id or "", account=request.sandbox_token.account
    ).first()
    if job is None:
        raise invalid("publish_id is invalid.")
    if sandbox_now() < job.ready_at:
        return envelope({"status": "PROCESSING_DOWNLOAD", "uploaded_bytes": 0, "downloaded_bytes": 0})
    return envelope(
        {"status": "PUBLISH_COMPLETE", "publicaly_available_post_id": [int(job.post.external_id)], "uploaded_bytes": 0}
    )


def _fields(request: HttpRequest) -> list[str]:
    fields = [f for f in request.GET.get("fields", "").split(",") if f]
    unknown = set(fields) - VIDEO_FIELDS
    if not fields or unknown:
        raise invalid(f"fields must name video fields; unknown: {', '.join(sorted(unknown)) or 'none given'}.")
    return fields


def _video(post: SandboxPost, fields: list[str]) -> dict:
    counts = engagement(TIKTOK, post.external_id, post.created_at, video=True)
    full = {
        "id": post.external_id,
        "create_time": int(post.created_at.timestamp()),
        "cover_image_url": (post.media_urls or [""])[0],
        "share_url": f"https://www.tiktok.com/@{post.account.username}/video/{post.external_id}",
        "video_description": post.text,
        "duration": 15 if post.kind == "video" else 0,
        "height": 1920,
        "width": 1080,
        "title": post.title or post.text,
        "embed_html": "",
        "embed_link": f"https://www.tiktok.com/embed/v2/{post.external_id}",
        "like_count": counts.likes,
        "comment_count": counts.comments,
        "share_count": counts.shares,
        "view_count": counts.video_views,
    }
    return {name: full[name] for name in fields}


@api_endpoint(TIKTOK, scope="video.list")
def video_list(request: HttpRequest) -> JsonResponse:
    fields = _fields(request)
    body = json_body(request)
    max_count = int(body.get("max_count") or 10)
    if not 1 <= max_count <= 20:
        raise invalid("max_count must be between 1 and 20.")
    cursor = int(body.get("cursor") or 0)
    now = sandbox_now()
    posts = SandboxPost.objects.filter(
        platform=TIKTOK, account=request.sandbox_token.account, created_at__lte=now, deleted_at__isnull=True
    ).select_related("account")
    if cursor:
        posts = posts.filter(created_at__lt=dt.datetime.fromtimestamp(cursor / 1000, tz=dt.UTC))
    page = list(posts.order_by("-created_at")[: max_count + 1])
    videos = [_video(post, fields) for post in page[:max_count]]
    next_cursor = int(page[max_count - 1].created_at.timestamp() * 1000) if len(page) > max_count else 0
    return envelope({"videos": videos, "cursor": next_cursor, "has_more": len(page) > max_count})


@api_endpoint(TIKTOK, scope="video.list")
def video_query(request: HttpRequest) -> JsonResponse:
    fields = _fields(request)
    ids = [str(i) for i in ((json_body(request).get("filters") or {}).get("video_ids") or [])]
    if not 1 <= len(ids) <= 20:
        raise invalid("filters.video_ids must hold 1 to 20 ids.")
    account = request.sandbox_token.account
    stored = {
        p.external_id: p
        for p in SandboxPost.objects.filter(platform=TIKTOK, account=account, external_id__in=ids).select_related(
            "account"
        )
    }
    videos = []
    for video_id in ids:
        post = stored.get(video_id)
        published_at = historical_published_at(video_id)
        if post is None and published_at is not None:
            post = SandboxPost(
                platform=TIKTOK, account=account, external_id=video_id, kind="video", created_at=published_at
            )
        if post is not None and post.created_at <= sandbox_now():
            videos.append(_video(post, fields))
    return envelope({"videos": videos, "cursor": 0, "has_more": False})
