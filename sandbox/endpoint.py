"""The decorator every sandbox API view wears: fault injection, token check, per-token rate limits, errors.

Tokens travel the way each platform expects: ``Authorization: Bearer`` for most, and for the Graph API (Meta,
Instagram) also the ``access_token`` query or form parameter (the official SDKs send that), and the
``Access-Token`` header for the TikTok Business API, ``X-Shopify-Access-Token`` for Shopify's Admin API.
"""

import functools
import json
import random
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from platforms.constants import INSTAGRAM, META_ADS, SHOPIFY, TIKTOK_ADS
from sandbox.errors import Failure, SandboxError, error_response
from sandbox.models import SandboxFault, SandboxToken

View = Callable[..., HttpResponse]


def token_from_request(request: HttpRequest, platform: str) -> str:
    if platform == TIKTOK_ADS:
        return request.headers.get("Access-Token", "")
    if platform == SHOPIFY:
        return request.headers.get("X-Shopify-Access-Token", "")
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    if platform in (META_ADS, INSTAGRAM):
        return request.GET.get("access_token") or request.POST.get("access_token", "")
    return ""


def authenticate(request: HttpRequest, platform: str, scope: str | None = None) -> SandboxToken:
    """The live token presented with ``request``; raises SandboxError AUTH / SCOPE in the platform's terms."""
    raw = token_from_request(request, platform)
    if not raw:
        raise SandboxError(Failure.AUTH, "An access token is required to request this resource.")
    token = SandboxToken.objects.select_related("account", "app").filter(platform=platform, access_token=raw).first()
    if token is None or token.revoked_at is not None:
        raise SandboxError(Failure.AUTH, "The access token is invalid or has been revoked.")
    if token.expires_at is not None and token.expires_at <= timezone.now():
        raise SandboxError(Failure.AUTH, "The access token has expired.")
    if scope and scope not in token.scopes:
        raise SandboxError(Failure.SCOPE, f"The token does not hold the {scope} permission.")
    return token


def rate_limit(*, key: str, limit: int, window_seconds: int = 60) -> None:
    """Count a call against ``key``; past ``limit`` calls in the window, answer the platform's 429."""
    bucket = f"sandbox-rl:{key}:{int(time.time() // window_seconds)}"
    cache.add(bucket, 0, timeout=window_seconds * 2)
    try:
        calls = cache.incr(bucket)
    except ValueError:
        cache.set(bucket, 1, timeout=window_seconds * 2)
        calls = 1
    if calls > limit:
        retry_after = window_seconds - int(time.time() % window_seconds)
        raise SandboxError(Failure.RATE_LIMIT, "Rate limit exceeded.", retry_after=max(1, retry_after))


def _fault_for(platform: str, path: str) -> SandboxFault | None:
    """The platform's own faults, else those of every platform; a fault narrowed to a path applies only there."""
    for fault in (
        SandboxFault.objects.filter(enabled=True, platform=platform).first(),
        SandboxFault.objects.filter(enabled=True, platform="").first(),
    ):
        if fault is not None and (not fault.path_contains or fault.path_contains in path):
            return fault
    return None


def _fault_rng(fault: SandboxFault | None) -> random.Random:
    """A seeded fault gives a repeatable sequence: the n-th request draws from (seed, n)."""
    if fault is None or fault.seed is None:
        return random.Random()
    key = f"sandbox-fault-seq:{fault.pk}:{fault.seed}"
    cache.add(key, 0, timeout=None)
    return random.Random(f"{fault.seed}-{cache.incr(key)}")


def json_object(raw: bytes) -> dict[str, Any]:
    """A request body that must be one JSON object; anything else is the platform's validation error."""
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise SandboxError(Failure.VALIDATION, "The request body is not valid JSON.") from exc
    if not isinstance(data, dict):
        raise SandboxError(Failure.VALIDATION, "The request body must be a JSON object.")
    return data


def request_payload(request: HttpRequest) -> dict[str, Any]:
    """The body as a dict: JSON, or form fields (Graph-style nested values arrive as JSON strings)."""
    if request.content_type == "application/json" and request.body:
        return json_object(request.body)
    return {key: request.POST.get(key) for key in request.POST}


def api_endpoint(platform: str, *, scope: str | None = None, auth: bool = True) -> Callable[[View], View]:
    """Wrap a sandbox view: faults first, then the token check; the view gets ``request.sandbox_token``."""

    def decorator(view: View) -> View:
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            fault = _fault_for(platform, request.path)
            rng = _fault_rng(fault)
            delay_after = 0.0
            fail_after = False
            try:
                if fault:
                    if fault.latency_ms:
                        time.sleep(fault.latency_ms / 1000)
                    draw = rng.random()
                    if draw < fault.error_rate:
                        raise SandboxError(Failure.SERVER, "An unexpected error has occurred. Please retry.")
                    if draw < fault.error_rate + fault.rate_limit_rate:
                        raise SandboxError(
                            Failure.RATE_LIMIT, "Rate limit exceeded.", retry_after=fault.retry_after_seconds
                        )
                    acting = fault.error_rate + fault.rate_limit_rate
                    if draw < acting + fault.timeout_rate:
                        delay_after = fault.timeout_seconds
                    elif draw < acting + fault.timeout_rate + fault.error_after_rate:
                        fail_after = True
                request.sandbox_token = authenticate(request, platform, scope) if auth else None
                response = view(request, *args, **kwargs)
                if fail_after and response.status_code < 400:
                    # The work is done and committed; the answer is a 5xx, so the client cannot tell it took effect.
                    response = error_response(
                        platform, SandboxError(Failure.SERVER, "An unexpected error has occurred. Please retry.")
                    )
            except SandboxError as error:
                response = error_response(platform, error)
            if delay_after:
                # The work is done; the answer is late, so the client cannot tell whether it took effect.
                time.sleep(delay_after)
            return response

        return wrapped

    return decorator
