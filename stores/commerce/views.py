"""The store platforms' webhook endpoints: thin, outside login and CSRF (the body's signature is the credential)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from stores.commerce.webhooks import webhook_receive


def _body_within_limit(request: HttpRequest, limit: int) -> bytes | None:
    """The body, read from the stream itself: at most ``limit`` + 1 bytes, so an oversized one is never held whole.

    ``request.body`` is not used: it refuses only what Content-Length declares above DATA_UPLOAD_MAX_MEMORY_SIZE
    (with a 400) and otherwise reads everything. None when the declared or the actual size is over ``limit``."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body


@csrf_exempt
@require_POST
@ratelimit(key="ip", rate=lambda group, request: settings.STORE_WEBHOOK_RATE, block=True)
def store_webhook(request: HttpRequest, platform: str) -> HttpResponse:
    """One delivery from Shopify or WooCommerce: stored and queued, answered at once with a small JSON body."""
    body = _body_within_limit(request, settings.STORE_WEBHOOK_MAX_BYTES)
    if body is None:
        return JsonResponse({"outcome": "too_large"}, status=413)
    answer = webhook_receive(platform=platform, headers=request.headers, body=body)
    return JsonResponse({"outcome": answer.outcome}, status=answer.status)
