"""X API v2 at the sandbox (``/sandbox/x/2/...``): posts, the user's timeline, metrics and media upload.

Mirrors docs.x.com: ``POST /2/tweets`` (201), ``GET /2/tweets`` and ``/2/tweets/{id}`` with ``tweet.fields``,
``DELETE /2/tweets/{id}``, ``GET /2/users/me``, ``GET /2/users/{id}/tweets``, ``POST /2/media/upload`` (simple and
``initialize`` / ``{id}/append`` / ``{id}/finalize``), ``GET /2/media/upload?command=STATUS``. Every answer carries
``x-rate-limit-*`` headers; posts carry the 24-hour ``x-user-limit-24hour-*`` caps.
"""

import datetime as dt
import hashlib
import re
import time
import unicodedata

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.utils.dateparse import parse_datetime

from platforms.constants import X
from sandbox.endpoint import api_endpoint, rate_limit
from sandbox.errors import Failure, SandboxError, error_response
from sandbox.models import SandboxMedia, SandboxPost
from sandbox.social.common import daily_limit, iso, json_body, new_numeric_id, oldest_in_window, posts_in_last_day
from sandbox.social.engagement import engagement, historical_published_at, sandbox_now

URL = re.compile(r"https?://[^\s]+")
LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
TWEET_FIELDS = {
    "id",
    "text",
    "created_at",
    "public_metrics",
    "non_public_metrics",
    "organic_metrics",
    "entities",
    "author_id",
    "edit_history_tweet_ids",
    "attachments",
}


def weighted_length(text: str) -> int:
    """twitter-text v3: URLs count 23, code points outside the light ranges count 2."""
    text = unicodedata.normalize("NFC", text)

    def plain(part: str) -> int:
        return sum(1 if any(lo <= ord(c) <= hi for lo, hi in LIGHT) else 2 for c in part)

    total, position = 0, 0
    for match in URL.finditer(text):
        total += plain(text[position : match.start()]) + 23
        position = match.end()
    return total + plain(text[position:])


def invalid(message: str) -> SandboxError:
    return SandboxError(Failure.VALIDATION, message)


def stored_text(text: str) -> str:
    """What X keeps of a post's text: NFC-normalised and trimmed (docs.x.com counting-characters: X counts the
    text after NFC normalisation)."""
    return unicodedata.normalize("NFC", text).strip()


def shown_text(post: SandboxPost) -> tuple[str, list[dict]]:
    """The text X answers for a post, every link wrapped as a t.co link, and the ``entities.urls`` that unwrap them
    (``url`` the t.co link, ``expanded_url`` the link as posted, ``display_url``, and ``start``/``end`` in the
    shown text). A marker inside a posted link is therefore in ``expanded_url``, not in the text."""
    shown, urls, position = [], [], 0
    length = 0
    for index, match in enumerate(URL.finditer(post.text)):
        before = post.text[position : match.start()]
        code = hashlib.sha256(f"{post.external_id}:{index}".encode()).hexdigest()[:10]
        wrapped = f"https://t.co/{code}"
        start = length + len(before)
        expanded = match.group(0)
        display = expanded.split("://", 1)[-1]
        urls.append(
            {
                "start": start,
                "end": start + len(wrapped),
                "url": wrapped,
                "expanded_url": expanded,
                "display_url": display if len(display) <= 30 else display[:29] + "\u2026",
            }
        )
        shown += [before, wrapped]
        length = start + len(wrapped)
        position = match.end()
    shown.append(post.text[position:])
    return "".join(shown), urls


def with_limits(response: JsonResponse, key: str, limit: int) -> JsonResponse:
    window = 900
    reset = int(time.time() // window * window + window)
    response["x-rate-limit-limit"] = str(limit)
    response["x-rate-limit-remaining"] = str(limit - 1)
    response["x-rate-limit-reset"] = str(reset)
    return response


def _tweet_json(post: SandboxPost, fields: set[str], *, author: bool) -> dict:
    text, urls = shown_text(post)
    data = {"id": post.external_id, "text": text, "edit_history_tweet_ids": [post.external_id]}
    counts = engagement(X, post.external_id, post.created_at)
    if "created_at" in fields:
        data["created_at"] = iso(post.created_at)
    if "author_id" in fields:
        data["author_id"] = post.account.external_id
    if "entities" in fields and urls:
        data["entities"] = {"urls": urls}
    if "public_metrics" in fields:
        data["public_metrics"] = {
            "retweet_count": counts.shares,
            "reply_count": counts.comments,
            "like_count": counts.likes,
            "quote_count": counts.shares // 4,
            "bookmark_count": counts.saves,
            "impression_count": counts.impressions,
        }
    recent = (sandbox_now() - post.created_at).days < 30
    if "non_public_metrics" in fields and author and recent:
        data["non_public_metrics"] = {
            "impression_count": counts.impressions,
            "url_link_clicks": counts.clicks,
            "user_profile_clicks": counts.clicks // 5,
        }
    return data


def _fields(request: HttpRequest) -> set[str]:
    fields = {f for f in request.GET.get("tweet.fields", "").split(",") if f}
    if fields - TWEET_FIELDS:
        raise invalid(f"The `tweet.fields` query parameter value [{sorted(fields - TWEET_FIELDS)[0]}] is not valid.")
    return fields


def _create(request: HttpRequest) -> JsonResponse:
    token = request.sandbox_token
    if "tweet.write" not in token.scopes:
        raise SandboxError(Failure.SCOPE, "Missing scope tweet.write.")
    body = json_body(request)
    text = body.get("text") or ""
    media_ids = [str(m) for m in ((body.get("media") or {}).get("media_ids") or [])]
    if not isinstance(text, str) or (not stored_text(text) and not media_ids):
        raise invalid("One or more parameters to your request was invalid: text or media is required.")
    text = stored_text(text)
    if weighted_length(text) > 280:
        raise invalid("Your Tweet text is too long. Max length is 280 characters.")
    if len(media_ids) > 4:
        raise invalid("media.media_ids may hold at most 4 ids.")
    if media_ids:
        known = SandboxMedia.objects.filter(account=token.account, media_id__in=media_ids, finalized=True).count()
        if known != len(set(media_ids)):
            raise invalid("media.media_ids must be ids of media this user uploaded.")
    limit = daily_limit(X)
    with transaction.atomic():
        used = posts_in_last_day(X, token.account)
        reset = str(int(oldest_in_window(X, token.account).timestamp()))
        if used >= limit:
            response = error_response(X, SandboxError(Failure.RATE_LIMIT, "Too Many Requests", retry_after=3600))
            response["x-user-limit-24hour-limit"] = str(limit)
            response["x-user-limit-24hour-remaining"] = "0"
            response["x-user-limit-24hour-reset"] = reset
            return response
        duplicate = (
            bool(text)
            and SandboxPost.objects.filter(
                platform=X,
                account=token.account,
                text=text,
                deleted_at__isnull=True,
                created_at__gt=sandbox_now() - dt.timedelta(days=30),
            ).exists()
        )
        if duplicate:
            body_403 = {
                "detail": "You are not allowed to create a Tweet with duplicate content.",
                "type": "about:blank",
                "title": "Forbidden",
                "status": 403,
            }
            return JsonResponse(body_403, status=403)
        post = SandboxPost.objects.create(
            platform=X,
            account=token.account,
            external_id=new_numeric_id(),
            kind="tweet",
            text=text,
            media_urls=media_ids,
            created_at=sandbox_now(),
        )
    response = JsonResponse(
        {"data": {"id": post.external_id, "text": shown_text(post)[0], "edit_history_tweet_ids": [post.external_id]}},
        status=201,
    )
    response["x-user-limit-24hour-limit"] = str(limit)
    response["x-user-limit-24hour-remaining"] = str(limit - used - 1)
    response["x-user-limit-24hour-reset"] = reset
    return with_limits(response, "tweets", 100)


@api_endpoint(X)
def tweets(request: HttpRequest) -> JsonResponse:
    if request.method == "POST":
        return _create(request)
    if "tweet.read" not in request.sandbox_token.scopes:
        raise SandboxError(Failure.SCOPE, "Missing scope tweet.read.")
    rate_limit(key=f"x-lookup:{request.sandbox_token.pk}", limit=settings.SANDBOX_X_READS_PER_WINDOW)
    fields = _fields(request)
    ids = [i for i in request.GET.get("ids", "").split(",") if i]
    if not 1 <= len(ids) <= 100:
        raise invalid("The `ids` query parameter must hold 1 to 100 ids.")
    account = request.sandbox_token.account
    stored = {
        p.external_id: p
        for p in SandboxPost.objects.filter(platform=X, external_id__in=ids, deleted_at=None).select_related("account")
    }
    data, errors = [], []
    for tweet_id in ids:
        post = stored.get(tweet_id)
        published_at = historical_published_at(tweet_id)
        if post is None and published_at is not None:
            post = SandboxPost(platform=X, account=account, external_id=tweet_id, kind="tweet", created_at=published_at)
        if post is None:
            errors.append(
                {
                    "value": tweet_id,
                    "detail": f"Could not find tweet with ids: [{tweet_id}].",
                    "title": "Not Found Error",
                    "resource_type": "tweet",
                    "parameter": "ids",
                    "resource_id": tweet_id,
                    "type": "https://api.twitter.com/2/problems/resource-not-found",
                }
            )
            continue
        data.append(_tweet_json(post, fields, author=post.account_id == account.id))
    body: dict = {"data": data} if data else {}
    if errors:
        body["errors"] = errors
    return with_limits(JsonResponse(body), "tweets-lookup", 900)


@api_endpoint(X)
def tweet(request: HttpRequest, tweet_id: str) -> JsonResponse:
    token = request.sandbox_token
    post = (
        SandboxPost.objects.filter(platform=X, external_id=tweet_id, deleted_at=None).select_related("account").first()
    )
    if request.method == "DELETE":
        if "tweet.write" not in token.scopes:
            raise SandboxError(Failure.SCOPE, "Missing scope tweet.write.")
        if post is None or post.account_id != token.account_id:
            return JsonResponse({"data": {"deleted": False}})
        post.deleted_at = sandbox_now()
        post.save(update_fields=["deleted_at"])
        return JsonResponse({"data": {"deleted": True}})
    if "tweet.read" not in token.scopes:
        raise SandboxError(Failure.SCOPE, "Missing scope tweet.read.")
    fields = _fields(request)
    if post is None:
        # X answers a missing (or deleted) post with 200 and a resource-not-found error, not a 404.
        error = {
            "value": tweet_id,
            "detail": f"Could not find tweet with id: [{tweet_id}].",
            "title": "Not Found Error",
            "resource_type": "tweet",
            "parameter": "id",
            "resource_id": tweet_id,
            "type": "https://api.twitter.com/2/problems/resource-not-found",
        }
        return JsonResponse({"errors": [error]})
    return with_limits(
        JsonResponse({"data": _tweet_json(post, fields, author=post.account_id == token.account_id)}), "t", 900
    )


@api_endpoint(X, scope="tweet.read")
def user_tweets(request: HttpRequest, user_id: str) -> JsonResponse:
    fields = _fields(request)
    max_results = int(request.GET.get("max_results") or 10)
    if not 5 <= max_results <= 100:
        raise invalid("max_results must be between 5 and 100.")
    posts = SandboxPost.objects.filter(
        platform=X, account__external_id=user_id, deleted_at=None, created_at__lte=sandbox_now()
    ).select_related("account")
    start = parse_datetime(request.GET.get("start_time", "") or "")
    if start is not None:
        posts = posts.filter(created_at__gte=start)
    token = request.GET.get("pagination_token", "")
    offset = int(token) if token.isdigit() else 0
    page = list(posts.order_by("-created_at", "-id")[offset : offset + max_results + 1])
    data = [_tweet_json(p, fields, author=p.account_id == request.sandbox_token.account_id) for p in page[:max_results]]
    meta = {"result_count": len(data)}
    if data:
        meta.update({"newest_id": data[0]["id"], "oldest_id": data[-1]["id"]})
    if len(page) > max_results:
        meta["next_token"] = str(offset + max_results)
    return JsonResponse({"data": data, "meta": meta} if data else {"meta": meta})


def _media_scope(request: HttpRequest) -> None:
    if "media.write" not in request.sandbox_token.scopes:
        raise SandboxError(Failure.SCOPE, "Missing scope media.write.")


@api_endpoint(X)
def media_upload(request: HttpRequest) -> JsonResponse:
    """Simple upload (POST multipart ``media`` + ``media_category``) and ``GET ?command=STATUS&media_id=``."""
    _media_scope(request)
    account = request.sandbox_token.account
    if request.method == "GET":
        media = SandboxMedia.objects.filter(account=account, media_id=request.GET.get("media_id", "")).first()
        if media is None or request.GET.get("command") != "STATUS":
            raise invalid("command=STATUS and a media_id of this user are required.")
        return JsonResponse({"data": _media_json(media)})
    upload = request.FILES.get("media")
    category = request.POST.get("media_category", "tweet_image")
    if upload is None:
        raise invalid("The media field is required.")
    if category not in ("tweet_image", "dm_image", "subtitles"):
        raise invalid("Use the chunked upload for videos and GIFs.")
    head = upload.read(12)
    media_type = _sniff(head)
    if not media_type.startswith("image/"):
        raise invalid("The media is not an image of a supported type.")
    if upload.size > 5 * 1024 * 1024:
        raise invalid("Images must be at most 5 MB.")
    media = SandboxMedia.objects.create(
        account=account,
        media_id=new_numeric_id(),
        media_type=media_type,
        media_category=category,
        total_bytes=upload.size,
        received_bytes=upload.size,
        finalized=True,
    )
    return JsonResponse({"data": _media_json(media)})


def _sniff(head: bytes) -> str:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"GIF8"):
        return "image/gif"
    if head[4:8] == b"ftyp":
        return "video/mp4"
    return "application/octet-stream"


def _media_json(media: SandboxMedia) -> dict:
    data = {
        "id": media.media_id,
        "media_key": f"3_{media.media_id}",
        "size": media.total_bytes,
        "expires_after_secs": 86400,
    }
    if media.media_category != "tweet_image":
        data["processing_info"] = {"state": "succeeded" if media.finalized else "pending", "progress_percent": 100}
    return data


@api_endpoint(X)
def media_initialize(request: HttpRequest) -> JsonResponse:
    _media_scope(request)
    body = json_body(request)
    total = int(body.get("total_bytes") or 0)
    if body.get("media_type") not in ("video/mp4", "image/gif") or not 0 < total <= 512 * 1024 * 1024:
        raise invalid("media_type (video/mp4 or image/gif) and total_bytes (up to 512 MB) are required.")
    media = SandboxMedia.objects.create(
        account=request.sandbox_token.account,
        media_id=new_numeric_id(),
        media_type=body["media_type"],
        media_category=body.get("media_category") or "tweet_video",
        total_bytes=total,
    )
    return JsonResponse({"data": _media_json(media)})


def _own_media(request: HttpRequest, media_id: str) -> SandboxMedia:
    media = SandboxMedia.objects.filter(account=request.sandbox_token.account, media_id=media_id).first()
    if media is None:
        raise invalid("The media id is not an upload of this user.")
    return media


@api_endpoint(X)
def media_append(request: HttpRequest, media_id: str) -> JsonResponse:
    _media_scope(request)
    media = _own_media(request, media_id)
    chunk = request.FILES.get("media")
    if chunk is None or not request.POST.get("segment_index", "").isdigit():
        raise invalid("media and segment_index are required.")
    SandboxMedia.objects.filter(pk=media.pk).update(received_bytes=media.received_bytes + chunk.size)
    return JsonResponse({"data": {"expires_at": int(time.time()) + 86400}})


@api_endpoint(X)
def media_finalize(request: HttpRequest, media_id: str) -> JsonResponse:
    _media_scope(request)
    media = _own_media(request, media_id)
    if media.received_bytes != media.total_bytes:
        raise invalid(f"Received {media.received_bytes} of {media.total_bytes} bytes.")
    media.finalized = True
    media.save(update_fields=["finalized"])
    return JsonResponse({"data": _media_json(media)})
