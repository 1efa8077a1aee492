"""Instagram content publishing at the sandbox (``/sandbox/instagram/v<NN>.0/...``), as graph.instagram.com and
graph.facebook.com serve it: containers, their status, media_publish with the 24-hour quota, media and insights.

Docs mirrored: instagram-platform/content-publishing, reference/ig-user/media, ig-container, ig-user/media_publish,
ig-user/content_publishing_limit, instagram-media/insights, error-codes.
"""

import datetime as dt
import json
import re
import uuid

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, JsonResponse

from platforms.constants import INSTAGRAM
from sandbox.endpoint import api_endpoint, request_payload
from sandbox.errors import Failure, SandboxError
from sandbox.models import SandboxAccount, SandboxPost, SandboxPublishJob
from sandbox.social.common import daily_limit, iso, kept_text, new_numeric_id, posts_in_last_day, require_any_scope
from sandbox.social.engagement import engagement, historical_published_at, sandbox_now

PUBLISH_SCOPES = ("instagram_business_content_publish", "instagram_content_publish")
READ_SCOPES = ("instagram_business_basic", "instagram_basic")
INSIGHT_SCOPES = ("instagram_business_manage_insights", "instagram_manage_insights")
INSIGHT_METRICS = {"reach", "likes", "comments", "saved", "shares", "views", "total_interactions"}
DEPRECATED_METRICS = {"impressions", "plays", "video_views", "clips_replays_count"}
HASHTAG = re.compile(r"(?<!\w)#\w+")
CONTAINER_LIFETIME = dt.timedelta(hours=24)


def graph_error(message: str, *, code: int, subcode: int | None = None, status: int = 400) -> JsonResponse:
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": uuid.uuid4().hex[:11]}
    if subcode:
        error["error_subcode"] = subcode
        error["error_user_msg"] = message
    error["is_transient"] = code in (9007,)
    return JsonResponse({"error": error}, status=status)


def invalid(message: str) -> SandboxError:
    return SandboxError(Failure.VALIDATION, message)


def _own_account(request: HttpRequest, ig_user_id: str) -> SandboxAccount:
    account = request.sandbox_token.account
    if ig_user_id not in (account.external_id, "me"):
        raise SandboxError(Failure.NOT_FOUND, f"Unsupported request: object {ig_user_id} does not exist.")
    return account


def _check_caption(caption: str) -> None:
    if len(caption) > 2200:
        raise invalid("The caption is longer than 2,200 characters.")
    if len(HASHTAG.findall(caption)) > 30:
        raise invalid("The caption has more than 30 hashtags.")


def _is_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def _create_container(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    require_any_scope(request, *PUBLISH_SCOPES)
    data = request_payload(request) or {k: v for k, v in request.GET.items() if k != "access_token"}
    caption = data.get("caption") or ""
    _check_caption(caption)
    media_type = (data.get("media_type") or "IMAGE").upper()
    is_item = str(data.get("is_carousel_item", "")).lower() == "true"
    if media_type == "CAROUSEL":
        raw = (data.get("children") or "").strip()
        # A comma-separated list, or a JSON array as the Graph SDKs send list parameters.
        children = [str(c) for c in json.loads(raw)] if raw.startswith("[") else [c for c in raw.split(",") if c]
        if not 2 <= len(children) <= 10:
            raise invalid("A carousel needs 2 to 10 children.")
        found = SandboxPublishJob.objects.filter(
            platform=INSTAGRAM, account=account, handle__in=children, kind="carousel_item"
        ).count()
        if found != len(set(children)):
            raise invalid("children must be carousel item containers of this account.")
        kind, media = "carousel", children
    elif media_type in ("REELS", "VIDEO"):
        if not _is_url(data.get("video_url")):
            raise invalid("video_url is required for REELS.")
        kind, media = ("carousel_item" if is_item else "reel"), [data["video_url"]]
    elif media_type == "IMAGE":
        if not _is_url(data.get("image_url")):
            raise invalid("image_url is required.")
        if not str(data["image_url"]).lower().split("?")[0].endswith((".jpg", ".jpeg")):
            return graph_error("Only JPEG images are supported.", code=36001, subcode=2207005)
        kind, media = ("carousel_item" if is_item else "image"), [data["image_url"]]
    else:
        raise invalid(f"media_type {media_type} is not supported.")
    if len(data.get("alt_text") or "") > 1000:
        raise invalid("alt_text is longer than 1,000 characters.")
    now = sandbox_now()
    job = SandboxPublishJob.objects.create(
        platform=INSTAGRAM,
        account=account,
        handle=f"18{new_numeric_id()[:15]}",
        kind=kind,
        payload={"caption": kept_text(caption), "media": media, "alt_text": data.get("alt_text") or ""},
        created_at=now,
        ready_at=now + dt.timedelta(seconds=settings.SANDBOX_PUBLISH_PROCESSING_SECONDS),
    )
    return JsonResponse({"id": job.handle})


def _list_media(request: HttpRequest, account: SandboxAccount) -> JsonResponse:
    require_any_scope(request, *READ_SCOPES)
    limit = min(int(request.GET.get("limit") or 25), 100)
    posts = SandboxPost.objects.filter(platform=INSTAGRAM, account=account, deleted_at__isnull=True)
    since = request.GET.get("since", "")
    if since.isdigit():
        posts = posts.filter(created_at__gte=dt.datetime.fromtimestamp(int(since), tz=dt.UTC))
    posts = posts.order_by("-created_at")[:limit]
    fields = ["id", *[f for f in request.GET.get("fields", "").split(",") if f]]
    nodes = [_media_node(post) for post in posts]
    return JsonResponse({"data": [{f: node[f] for f in fields if f in node} for node in nodes], "paging": {}})


def _media_node(post: SandboxPost) -> dict:
    counts = engagement(INSTAGRAM, post.external_id, post.created_at, video=post.kind == "reel")
    return {
        "id": post.external_id,
        "caption": post.text,
        "media_type": {"reel": "VIDEO", "carousel": "CAROUSEL_ALBUM"}.get(post.kind, "IMAGE"),
        "media_product_type": "REELS" if post.kind == "reel" else "FEED",
        "permalink": f"https://www.instagram.com/p/{post.external_id[-11:]}/",
        "timestamp": iso(post.created_at).replace(".000Z", "+0000"),
        "like_count": counts.likes,
        "comments_count": counts.comments,
        "username": post.account.username,
    }


@api_endpoint(INSTAGRAM)
def user_media(request: HttpRequest, version: str, ig_user_id: str) -> JsonResponse:
    account = _own_account(request, ig_user_id)
    if request.method == "POST":
        return _create_container(request, account)
    return _list_media(request, account)


@api_endpoint(INSTAGRAM)
def media_publish(request: HttpRequest, version: str, ig_user_id: str) -> JsonResponse:
    account = _own_account(request, ig_user_id)
    require_any_scope(request, *PUBLISH_SCOPES)
    data = request_payload(request)
    creation_id = data.get("creation_id") or request.GET.get("creation_id") or ""
    with transaction.atomic():
        job = (
            SandboxPublishJob.objects.select_for_update()
            .filter(platform=INSTAGRAM, account=account, handle=creation_id)
            .exclude(kind="carousel_item")
            .first()
        )
        if job is None:
            raise invalid("creation_id is not a container of this account.")
        now = sandbox_now()
        if job.post_id:
            return graph_error("The media has already been published.", code=-2, subcode=2207008)
        if now - job.created_at > CONTAINER_LIFETIME:
            return graph_error("The media container has expired.", code=-2, subcode=2207020)
        if now < job.ready_at:
            return graph_error(
                "The media is not ready to be published. Please wait a moment.", code=9007, subcode=2207027
            )
        if posts_in_last_day(INSTAGRAM, account) >= daily_limit(INSTAGRAM):
            return graph_error("The account has reached its 24-hour publishing limit.", code=9, subcode=2207042)
        job.post = SandboxPost.objects.create(
            platform=INSTAGRAM,
            account=account,
            external_id=f"17{new_numeric_id()[:15]}",
            kind=job.kind,
            text=job.payload["caption"],
            alt_text=job.payload.get("alt_text", ""),
            media_urls=job.payload["media"],
            created_at=now,
        )
        job.save(update_fields=["post"])
    return JsonResponse({"id": job.post.external_id})


@api_endpoint(INSTAGRAM)
def publishing_limit(request: HttpRequest, version: str, ig_user_id: str) -> JsonResponse:
    account = _own_account(request, ig_user_id)
    require_any_scope(request, *PUBLISH_SCOPES)
    return JsonResponse(
        {
            "data": [
                {
                    "quota_usage": posts_in_last_day(INSTAGRAM, account),
                    "config": {"quota_total": daily_limit(INSTAGRAM), "quota_duration": 86400},
                }
            ]
        }
    )


def _container_status(job: SandboxPublishJob) -> str:
    now = sandbox_now()
    if job.post_id:
        return "PUBLISHED"
    if now - job.created_at > CONTAINER_LIFETIME:
        return "EXPIRED"
    return "FINISHED" if now >= job.ready_at else "IN_PROGRESS"


@api_endpoint(INSTAGRAM)
def node(request: HttpRequest, version: str, node_id: str) -> JsonResponse:
    """A container (``status_code``) or a media object, with the fields asked for."""
    require_any_scope(request, *READ_SCOPES, *PUBLISH_SCOPES)
    account = request.sandbox_token.account
    fields = [f for f in request.GET.get("fields", "id").split(",") if f]
    job = SandboxPublishJob.objects.filter(platform=INSTAGRAM, account=account, handle=node_id).first()
    if job is not None:
        status_code = _container_status(job)
        full = {"id": job.handle, "status_code": status_code, "status": status_code.title().replace("_", " ")}
    else:
        post = SandboxPost.objects.filter(platform=INSTAGRAM, account=account, external_id=node_id).first()
        if post is None:
            raise SandboxError(
                Failure.NOT_FOUND, f"Unsupported get request. Object with ID '{node_id}' does not exist."
            )
        full = _media_node(post)
    return JsonResponse({name: full[name] for name in ["id", *fields] if name in full})


@api_endpoint(INSTAGRAM)
def insights(request: HttpRequest, version: str, media_id: str) -> JsonResponse:
    require_any_scope(request, *INSIGHT_SCOPES)
    metrics = [m for m in request.GET.get("metric", "").split(",") if m]
    deprecated = set(metrics) & DEPRECATED_METRICS
    if deprecated:
        raise invalid(f"metric[0] must be one of the following values: {', '.join(sorted(INSIGHT_METRICS))}")
    if not metrics or set(metrics) - INSIGHT_METRICS:
        raise invalid("metric must name supported insights metrics.")
    account = request.sandbox_token.account
    post = SandboxPost.objects.filter(platform=INSTAGRAM, account=account, external_id=media_id).first()
    published_at = post.created_at if post else historical_published_at(media_id)
    if published_at is None:
        raise SandboxError(Failure.NOT_FOUND, f"Unsupported get request. Object with ID '{media_id}' does not exist.")
    counts = engagement(INSTAGRAM, media_id, published_at, video=bool(post and post.kind == "reel"))
    values = {
        "reach": counts.reach,
        "likes": counts.likes,
        "comments": counts.comments,
        "saved": counts.saves,
        "shares": counts.shares,
        "views": counts.impressions,
        "total_interactions": counts.likes + counts.comments + counts.saves + counts.shares,
    }
    return JsonResponse(
        {
            "data": [
                {
                    "name": name,
                    "period": "lifetime",
                    "values": [{"value": values[name]}],
                    "title": name.replace("_", " ").title(),
                    "description": "",
                    "id": f"{media_id}/insights/{name}/lifetime",
                }
                for name in metrics
            ]
        }
    )
