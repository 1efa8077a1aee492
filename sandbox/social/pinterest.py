"""Pinterest API v5 at the sandbox (``/sandbox/pinterest/v5/...``): boards, pins, pin analytics.

Mirrors pinterest/api-description v5/openapi.json (5.23.0): ``GET /boards``, ``GET /boards/{id}/pins``,
``POST /pins`` (201), ``GET|DELETE /pins/{id}``, ``GET /pins/{id}/analytics``. Errors are ``{"code", "message"}``.
"""

import datetime as dt

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse

from platforms.constants import PINTEREST
from sandbox.endpoint import api_endpoint
from sandbox.errors import Failure, SandboxError
from sandbox.models import SandboxAccount, SandboxBoard, SandboxPost
from sandbox.social.common import daily_limit, iso, json_body, kept_text, new_numeric_id, posts_in_last_day
from sandbox.social.engagement import engagement, historical_published_at, sandbox_now

METRICS = {"IMPRESSION", "OUTBOUND_CLICK", "PIN_CLICK", "SAVE", "SAVE_RATE", "TOTAL_COMMENTS", "TOTAL_REACTIONS"}
SOURCE_TYPES = {"image_url", "multiple_image_urls", "image_base64", "video_id", "pin_url"}


def invalid(message: str) -> SandboxError:
    return SandboxError(Failure.VALIDATION, message)


def boards_of(account: SandboxAccount) -> list[SandboxBoard]:
    """The account's boards; a new account starts with one, as a fresh Pinterest profile would after setup."""
    boards = list(account.boards.order_by("id"))
    if not boards:
        boards = [SandboxBoard.objects.create(account=account, external_id=new_numeric_id(), name="Growth Hub")]
    return boards


def _board_json(board: SandboxBoard) -> dict:
    return {
        "id": board.external_id,
        "name": board.name,
        "description": "",
        "privacy": "PUBLIC",
        "created_at": iso(board.created_at),
        "owner": {"username": board.account.username},
        "pin_count": board.pins.count(),
    }


def _pin_json(pin: SandboxPost) -> dict:
    return {
        "id": pin.external_id,
        "created_at": iso(pin.created_at),
        "link": pin.link or None,
        "title": pin.title,
        "description": pin.text,
        "dominant_color": "#6e7874",
        "alt_text": pin.alt_text or None,
        "board_id": pin.board.external_id if pin.board else None,
        "board_section_id": None,
        "board_owner": {"username": pin.account.username},
        "is_owner": True,
        "is_standard": True,
        "has_been_promoted": False,
        "creative_type": "REGULAR",
        "media": {
            "media_type": "image",
            "images": {"originals": {"url": (pin.media_urls or [""])[0], "width": 1000, "height": 1500}},
        },
        "parent_pin_id": None,
        "note": "",
    }


@api_endpoint(PINTEREST, scope="boards:read")
def boards(request: HttpRequest) -> JsonResponse:
    items = [_board_json(b) for b in boards_of(request.sandbox_token.account)]
    return JsonResponse({"items": items, "bookmark": None})


@api_endpoint(PINTEREST, scope="pins:read")
def board_pins(request: HttpRequest, board_id: str) -> JsonResponse:
    board = SandboxBoard.objects.filter(account=request.sandbox_token.account, external_id=board_id).first()
    if board is None:
        raise SandboxError(Failure.NOT_FOUND, "Board not found.")
    size = min(int(request.GET.get("page_size") or 25), 250)
    pins = board.pins.filter(deleted_at__isnull=True).select_related("account", "board").order_by("-created_at", "-id")
    bookmark = request.GET.get("bookmark", "")
    offset = int(bookmark) if bookmark.isdigit() else 0
    page = list(pins[offset : offset + size + 1])
    more = str(offset + size) if len(page) > size else None
    return JsonResponse({"items": [_pin_json(p) for p in page[:size]], "bookmark": more})


@api_endpoint(PINTEREST)
def pins(request: HttpRequest) -> JsonResponse:
    token = request.sandbox_token
    if not {"pins:write", "boards:read"} <= set(token.scopes):
        raise SandboxError(Failure.SCOPE, "Not authorized to access the resource: needs pins:write and boards:read.")
    body = json_body(request)
    board_id = str(body.get("board_id") or "")
    if not board_id.isdigit():
        raise invalid("board_id is required.")
    board = SandboxBoard.objects.filter(account=token.account, external_id=board_id).first()
    if board is None:
        raise SandboxError(Failure.NOT_FOUND, "Board not found.")
    for field, limit in (("title", 100), ("description", 800), ("link", 2048), ("alt_text", 500)):
        value = body.get(field)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            raise invalid(f"{field} must be a string of at most {limit} characters.")
    source = body.get("media_source")
    if not isinstance(source, dict) or source.get("source_type") not in SOURCE_TYPES:
        raise invalid("media_source with a supported source_type is required.")
    if source["source_type"] == "image_url":
        urls = [source.get("url")]
    elif source["source_type"] == "multiple_image_urls":
        urls = [item.get("url") for item in source.get("items") or []]
    else:
        raise invalid(f"The sandbox does not create pins from {source['source_type']}.")
    if not urls or not all(isinstance(u, str) and u.startswith(("http://", "https://")) for u in urls):
        raise invalid("media_source needs image URLs.")
    with transaction.atomic():
        if posts_in_last_day(PINTEREST, token.account) >= daily_limit(PINTEREST):
            raise SandboxError(
                Failure.RATE_LIMIT, "You have exceeded your pin creation limit for today.", retry_after=3600
            )
        pin = SandboxPost.objects.create(
            platform=PINTEREST,
            account=token.account,
            external_id=new_numeric_id(),
            kind="pin",
            text=kept_text(body.get("description") or ""),
            title=kept_text(body.get("title") or ""),
            link=body.get("link") or "",
            alt_text=body.get("alt_text") or "",
            board=board,
            media_urls=urls,
            created_at=sandbox_now(),
        )
    return JsonResponse(_pin_json(pin), status=201)


@api_endpoint(PINTEREST)
def pin(request: HttpRequest, pin_id: str) -> HttpResponse:
    token = request.sandbox_token
    needed = "pins:write" if request.method == "DELETE" else "pins:read"
    if needed not in token.scopes:
        raise SandboxError(Failure.SCOPE, f"Not authorized to access the resource: needs {needed}.")
    found = (
        SandboxPost.objects.filter(platform=PINTEREST, account=token.account, external_id=pin_id, deleted_at=None)
        .select_related("account", "board")
        .first()
    )
    if found is None:
        raise SandboxError(Failure.NOT_FOUND, "Pin not found.")
    if request.method == "DELETE":
        found.deleted_at = sandbox_now()
        found.save(update_fields=["deleted_at"])
        return HttpResponse(status=204)
    return JsonResponse(_pin_json(found))


@api_endpoint(PINTEREST, scope="pins:read")
def pin_analytics(request: HttpRequest, pin_id: str) -> JsonResponse:
    account = request.sandbox_token.account
    post = SandboxPost.objects.filter(platform=PINTEREST, account=account, external_id=pin_id).first()
    published_at = post.created_at if post else historical_published_at(pin_id)
    if published_at is None:
        raise SandboxError(Failure.NOT_FOUND, "Pin not found.")
    try:
        start = dt.date.fromisoformat(request.GET["start_date"])
        end = dt.date.fromisoformat(request.GET["end_date"])
    except (KeyError, ValueError) as exc:
        raise invalid("start_date and end_date (YYYY-MM-DD) are required.") from exc
    today = sandbox_now().date()
    if start > end or (end - start).days > 90 or (today - start).days > 90:
        raise invalid("The date range must be at most 90 days and start within the last 90 days.")
    metrics = [m for m in request.GET.get("metric_types", "").split(",") if m]
    if not metrics or set(metrics) - METRICS:
        raise invalid(f"metric_types must be among {', '.join(sorted(METRICS))}.")

    def totals(at: dt.datetime) -> dict[str, float]:
        counts = engagement(PINTEREST, pin_id, published_at, at=at)
        values = {
            "IMPRESSION": counts.impressions,
            "OUTBOUND_CLICK": counts.clicks,
            "PIN_CLICK": counts.clicks * 2,
            "SAVE": counts.saves,
            "TOTAL_COMMENTS": counts.comments,
            "TOTAL_REACTIONS": counts.likes,
        }
        values["SAVE_RATE"] = round(counts.saves / counts.impressions, 4) if counts.impressions else 0
        return values

    daily, previous = [], totals(dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC))
    day = start
    while day <= min(end, today):
        current = totals(min(sandbox_now(), dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)))
        daily.append(
            {
                "date": day.isoformat(),
                "data_status": "READY" if day < today else "PROCESSING",
                "metrics": {m: (current[m] if m == "SAVE_RATE" else current[m] - previous[m]) for m in metrics},
            }
        )
        previous, day = current, day + dt.timedelta(days=1)
    first = totals(dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC))
    summary = {m: (previous[m] if m == "SAVE_RATE" else previous[m] - first[m]) for m in metrics}
    lifetime = {m: previous[m] for m in metrics}
    return JsonResponse({"all": {"daily_metrics": daily, "summary_metrics": summary, "lifetime_metrics": lifetime}})
