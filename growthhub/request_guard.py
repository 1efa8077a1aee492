"""Refuses malformed requests before any view, form or API schema sees them.

One place for what no endpoint should have to think about, each refused with a 4xx and a clear message instead of
a database error deep inside a view (PostgreSQL refuses NUL in text, SQLite and psycopg choke on lone surrogates,
Django's own refusals of an oversized body show as a traceback under DEBUG):

- a NUL character in the path, the query string, a form field or a JSON string (400);
- a query string or form body that is not valid UTF-8, or a JSON string holding a lone surrogate such as the
  escape ``"\\ud800"`` (400);
- a form or JSON body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413; as in Django, files in a multipart body do not
  count), and a multipart body (files included) over ``MULTIPART_MAX_BYTES`` (413, before any of it is read);
- a body that is not JSON sent to the JSON API under ``/api/`` (415), e.g. a multipart form posted with the
  dashboard's session.

The API and JSON clients get ``{"detail": ..., "code": ...}``; browsers the error page, or the error partial for
htmx requests. It sits after the session, authentication and htmx middleware (so the error page knows the user)
and before anything reads the body (CSRF reads it in ``process_view``, after every ``__call__``).
"""

import json
from collections.abc import Callable, Iterator
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

from stores.htmx import htmx_error_response

API_PATH_PREFIX = "/api/"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
MULTIPART_CONTENT_TYPE = "multipart/form-data"


class RequestRefused(Exception):
    """A request refused as a whole; ``message`` is shown to the client as is."""

    def __init__(self, message: str, *, code: str, status_code: int) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status_code = status_code


def _bad_text(message: str, *, code: str = "invalid_text") -> RequestRefused:
    return RequestRefused(message, code=code, status_code=400)


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


def _check_url_encoded(raw: bytes, *, where: str, charset: str) -> None:
    """A query string or form body: after percent-decoding it must be valid text in its charset, without NUL."""
    decoded = unquote_to_bytes(raw.replace(b"+", b" "))
    if b"\x00" in decoded:
        raise _bad_text(f"The {where} contains a NUL character, which no field accepts.")
    try:
        decoded.decode(charset)
    except UnicodeDecodeError:
        raise _bad_text(f"The {where} is not valid {charset.upper()} text.") from None
    except LookupError:
        raise RequestRefused(f"Unknown charset {charset!r}.", code="unsupported_charset", status_code=415) from None


def _json_strings(value: object) -> Iterator[str]:
    """Every string (keys included) in a parsed JSON document, walked without recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            yield from item.keys()
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _check_json(raw: bytes) -> None:
    """JSON text is UTF-8 (RFC 8259); its strings must not hold NUL or lone surrogates. A body that does not parse
    is left to the endpoint, which answers with its own parse error."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad_text("The JSON body is not valid UTF-8.") from None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return
    for string in _json_strings(document):
        if "\x00" in string:
            raise _bad_text("A text in the JSON body contains a NUL character (\\u0000), which no field accepts.")
        try:
            string.encode("utf-8")
        except UnicodeEncodeError:
            raise _bad_text(
                "A text in the JSON body contains a lone surrogate (such as \\ud800), which is not a character."
            ) from None


def _check_multipart_fields(request: HttpRequest) -> None:
    """The text fields of a multipart form (files are not text and are not looked at)."""
    try:
        fields = request.POST
    except RequestDataTooBig:
        raise _too_big() from None
    except (MultiPartParserError, SuspiciousOperation) as exc:
        raise _bad_text(f"The form body could not be read: {exc}", code="malformed_body") from None
    for key, values in fields.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            raise _bad_text("The form contains a NUL character, which no field accepts.")


def _too_big() -> RequestRefused:
    limit_kib = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
    return RequestRefused(
        f"The request body is larger than the {limit_kib} KiB this server accepts.",
        code="request_too_large",
        status_code=413,
    )


def request_check(request: HttpRequest) -> None:
    """Raise ``RequestRefused`` for a request no endpoint should see; reads the body only for text content."""
    if "\x00" in request.path_info:
        raise _bad_text("The address contains a NUL character.")
    query_string = request.META.get("QUERY_STRING", "")
    if query_string:
        # WSGI hands the raw bytes over as latin-1 text.
        _check_url_encoded(query_string.encode("iso-8859-1"), where="query string", charset="utf-8")
    if request.method not in BODY_METHODS:
        return
    content_type = request.content_type or ""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise RequestRefused(
            "The Content-Length header is not a number.", code="malformed_body", status_code=400
        ) from None
    if length <= 0:
        return
    if request.path_info.startswith(API_PATH_PREFIX) and not _is_json(content_type):
        raise RequestRefused(
            f"The API accepts JSON bodies only (Content-Type: application/json), not {content_type or 'no type'}.",
            code="unsupported_media_type",
            status_code=415,
        )
    if content_type == MULTIPART_CONTENT_TYPE:
        if length > settings.MULTIPART_MAX_BYTES:
            limit_mib = settings.MULTIPART_MAX_BYTES // (1024 * 1024)
            raise RequestRefused(
                f"The upload is larger than the {limit_mib} MB this server accepts.",
                code="request_too_large",
                status_code=413,
            )
        if request.method == "POST":
            _check_multipart_fields(request)
        return
    if content_type != FORM_CONTENT_TYPE and not _is_json(content_type):
        return  # not text (an upload of media, say): the view reads it as it needs
    max_size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if max_size is not None and length > max_size:
        raise _too_big()
    if content_type == FORM_CONTENT_TYPE:
        _check_url_encoded(_body(request), where="form", charset=request.content_params.get("charset", "utf-8"))
    else:
        _check_json(_body(request))


def _body(request: HttpRequest) -> bytes:
    try:
        return request.body
    except RequestDataTooBig:
        raise _too_big() from None


def _wants_json(request: HttpRequest) -> bool:
    return (
        request.path_info.startswith(API_PATH_PREFIX)
        or _is_json(request.content_type or "")
        or request.headers.get("Accept", "").startswith("application/json")
    )


def refusal_response(request: HttpRequest, refusal: RequestRefused) -> HttpResponse:
    """JSON for the API and JSON clients; the error partial in ``#messages`` for htmx (``stores.htmx``, the way
    every htmx refusal shows); otherwise the error page."""
    if _wants_json(request):
        return JsonResponse({"detail": refusal.message, "code": refusal.code}, status=refusal.status_code)
    if getattr(request, "htmx", False):
        return htmx_error_response(request=request, message=refusal.message, status=refusal.status_code)
    return render(request, "error.html", {"error": refusal}, status=refusal.status_code)


class RequestGuardMiddleware:
    """Answers a malformed request with its 4xx before the view runs (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            request_check(request)
        except RequestRefused as refusal:
            return refusal_response(request, refusal)
        return self.get_response(request)
