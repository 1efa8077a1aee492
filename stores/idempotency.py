"""``Idempotency-Key`` for the JSON API's creates (Stripe's practice): a retried request never creates twice.

A client that may send a create again (a timeout, a dropped connection, a crash before it read the answer) sends a
key of its choosing with it. The first request with that key in a store runs; every later one with the same key
answers the first one's status and body, with ``Idempotent-Replayed: true``, and creates nothing.

How it holds under faults: one database transaction reserves the key (a unique insert on store + key), runs the
create and stores its answer. So the key and what the create wrote commit together or not at all: a refusal or a
crash leaves no key behind, and a retry runs the create afresh. A concurrent duplicate's insert waits on the unique
index until the first commits, then reads and replays its answer (PostgreSQL; SQLite serialises writers anyway).

Refused with nothing changed: a key that is not 1 to 255 printable ASCII characters (400); the same key again with
another body, method or path, or from another API key or user of the store (422). Only successful answers (2xx)
are kept. Keys count for IDEMPOTENCY_KEY_TTL_HOURS; ``idempotency_keys_purge`` deletes older ones.

Use: put ``@idempotent`` right under the router's ``@router.post(...)``.
"""

import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from ninja.decorators import decorate_view
from ninja.utils import contribute_operation_callback

from stores.exceptions import ApplicationError
from stores.models import IdempotencyKey, Store, StoreApiKey
from stores.models.idempotency import IDEMPOTENCY_KEY_MAX_LENGTH

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_PATTERN = re.compile(rf"[\x20-\x7e]{{1,{IDEMPOTENCY_KEY_MAX_LENGTH}}}")
REQUEST_ATTRIBUTE = "_idempotency"
F = TypeVar("F", bound=Callable[..., Any])

HEADER_DESCRIPTION = (
    "Optional. Send a key of your choosing (1 to 255 printable ASCII characters, e.g. a UUID) to make a retry of "
    "this create safe: the first request with the key runs; any later one with the same key in this store answers "
    "the first one's status and body with the header `Idempotent-Replayed: true` and creates nothing. A concurrent "
    "duplicate waits for the first to finish. Only successful answers are kept, so after a refusal the same key may "
    "be sent again. The same key with another body answers 422 (code `idempotency_key_reused`); a malformed key "
    "400 (code `idempotency_key_invalid`). Keys are kept for IDEMPOTENCY_KEY_TTL_HOURS (24 hours by default)."
)
OPENAPI_PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": HEADER_DESCRIPTION,
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": IDEMPOTENCY_KEY_MAX_LENGTH,
        "pattern": f"^[\\x20-\\x7e]{{1,{IDEMPOTENCY_KEY_MAX_LENGTH}}}$",
    },
    "example": "3f0c9a52-8a7e-4c1e-9b8e-2d4f7c1a6e90",
}


class IdempotencyKeyInvalid(ApplicationError):
    """The header's value is not a key we accept."""

    def __init__(self) -> None:
        super().__init__(
            f"The {HEADER} header must be 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters.",
            code="idempotency_key_invalid",
        )


class IdempotencyKeyReused(ApplicationError):
    """The key was already used for another request: replaying that answer would be wrong."""

    status_code = 422


@dataclass
class _Pending:
    """What the inner wrapper tells the outer one: the key row it reserved, if it ran the create."""

    key: str
    reserved: IdempotencyKey | None = None


def idempotency_request_hash(*, method: str, path: str, body: bytes) -> str:
    """SHA-256 of the request: method, path with query, and the body (JSON re-serialised with sorted keys)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except (ValueError, UnicodeDecodeError):
        canonical = body.hex()
    return hashlib.sha256(json.dumps([method, path, canonical]).encode()).hexdigest()


def _sender(request: HttpRequest) -> tuple[StoreApiKey | None, AbstractBaseUser | None]:
    auth = getattr(request, "auth", None)
    api_key = auth if isinstance(auth, StoreApiKey) else None
    user = getattr(request, "api_user", None)
    return api_key, user if user is not None and user.is_authenticated else None


def idempotency_key_reserve(
    *,
    store: Store,
    key: str,
    api_key: StoreApiKey | None,
    user: AbstractBaseUser | None,
    method: str,
    path: str,
    request_hash: str,
) -> tuple[IdempotencyKey, bool]:
    """Insert the key row, or find the one a first request committed. Call inside the create's transaction.

    Returns ``(row, True)`` when this request reserved the key (run the create, then ``idempotency_key_complete``)
    and ``(row, False)`` when an earlier request's answer is stored (replay it). Raises IdempotencyKeyReused when
    that earlier request was another one. A row past IDEMPOTENCY_KEY_TTL_HOURS is dropped and the key reused.
    """
    cutoff = timezone.now() - dt.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    IdempotencyKey.objects.filter(store=store, key=key, created_at__lt=cutoff).delete()
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(
                store=store,
                key=key,
                api_key=api_key,
                user=user,
                method=method,
                path=path[:500],
                request_hash=request_hash,
                response_status=0,
                response_body="",
            )
        return row, True
    except IntegrityError:
        # Another request holds (or held) this key: the insert waited for it to commit.
        row = IdempotencyKey.objects.get(store=store, key=key)
    same_sender = row.api_key_id == (api_key.pk if api_key else None) and row.user_id == (user.pk if user else None)
    if not same_sender:
        raise IdempotencyKeyReused(
            f"This {HEADER} was already used by another API key or user of this store; send a new key.",
            code="idempotency_key_reused",
        )
    if row.request_hash != request_hash:
        raise IdempotencyKeyReused(
            f"This {HEADER} was already used for a different request ({row.method} {row.path} with another body); "
            "send a new key for a new request.",
            code="idempotency_key_reused",
        )
    return row, False


def idempotency_key_complete(*, row: IdempotencyKey, status: int, body: str) -> None:
    """Store the answer the create gave under its key (same transaction as the create)."""
    row.response_status, row.response_body = status, body
    row.save(update_fields=["response_status", "response_body"])


def idempotency_keys_purge(*, now: dt.datetime | None = None) -> int:
    """Delete keys older than IDEMPOTENCY_KEY_TTL_HOURS; returns how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _replay(row: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(row.response_body, status=row.response_status, content_type="application/json")
    response[REPLAYED_HEADER] = "true"
    return response


def _in_one_transaction(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Around the operation (authentication, parsing, the create, rendering): one transaction when a key is sent."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if HEADER not in request.headers:
            return run(request, *args, **kwargs)
        pending = _Pending(key=request.headers[HEADER])
        with transaction.atomic():
            setattr(request, REQUEST_ATTRIBUTE, pending)
            response = run(request, *args, **kwargs)
            if pending.reserved is not None:
                if 200 <= response.status_code < 300 and isinstance(response, HttpResponse):
                    idempotency_key_complete(
                        row=pending.reserved, status=response.status_code, body=response.content.decode()
                    )
                else:
                    # A refusal keeps nothing: neither what the create may have written nor the key.
                    transaction.set_rollback(True)
        return response

    return wrapper


def _document(operation: Any) -> None:
    extra = dict(operation.openapi_extra or {})
    extra["parameters"] = [*extra.get("parameters", []), OPENAPI_PARAMETER]
    operation.openapi_extra = extra


def idempotent(view: F) -> F:
    """Make a django-ninja create endpoint honour ``Idempotency-Key`` (place it under ``@router.post``)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        pending: _Pending | None = getattr(request, REQUEST_ATTRIBUTE, None)
        if pending is None:
            return view(request, *args, **kwargs)
        if not KEY_PATTERN.fullmatch(pending.key):
            raise IdempotencyKeyInvalid()
        api_key, user = _sender(request)
        path = request.get_full_path()
        row, reserved = idempotency_key_reserve(
            store=request.store,
            key=pending.key,
            api_key=api_key,
            user=user,
            method=request.method or "",
            path=path,
            request_hash=idempotency_request_hash(method=request.method or "", path=path, body=request.body),
        )
        if not reserved:
            return _replay(row)
        pending.reserved = row
        return view(request, *args, **kwargs)

    contribute_operation_callback(wrapper, _document)
    return decorate_view(_in_one_transaction)(wrapper)  # type: ignore[return-value]
