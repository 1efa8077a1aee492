"""Shared HTTP layer for every platform client: session factory, timeouts, error mapping, redaction."""

import logging
import re
import socket
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import unquote_plus

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ReadTimeoutError
from urllib3.util.retry import Retry

from platforms.errors import AuthExpired, PlatformError, RateLimited, Rejected, Transient

logger = logging.getLogger("platforms")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE", "PUT"})
IDEMPOTENCY_KEY_HEADER = "idempotency-key"

_SECRET_PATTERNS = [
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9\-._~+/=]+"),
    re.compile(
        r"(?i)((?:access_token|refresh_token|client_secret|code_verifier|fb_exchange_token|secret|token|code|"
        r"password|auth_code)[\"']?\s*[=:]\s*[\"']?)[^&\s\"',}]+"
    ),
    re.compile(r"(?i)(basic\s+)[A-Za-z0-9+/=]+"),
]

# A URL or form parameter ``name=value`` (at the start, or after ``?``, ``&`` or ``;``).
_PARAMETER = re.compile(r"(^|[?&;])([^=&;?#\s\"']+)=([^&;#\s\"']*)")
# Parameter names whose value is a credential: exact names, and anything that contains one of the words.
# ``user_id`` is WooCommerce's key flow's name for the one-time state (it comes back on the merchant's return URL).
_SECRET_PARAMETER_NAMES = frozenset(
    {"code", "auth_code", "state", "key", "apikey", "sig", "signature", "hmac", "password", "passwd", "pwd", "nonce"}
    | {"user_id"}
)
_SECRET_PARAMETER_WORDS = ("token", "secret", "password", "verifier", "api_key", "credential", "assertion", "session")
REDACTED = "[redacted]"


def is_secret_name(name: str) -> bool:
    """Whether a query/form parameter or header called ``name`` carries a credential (token, secret, code ...)."""
    lowered = unquote_plus(name).strip().lower().replace("-", "_")
    return lowered in _SECRET_PARAMETER_NAMES or any(word in lowered for word in _SECRET_PARAMETER_WORDS)


def redact_parameters(text: str) -> str:
    """Replace the value of every secret-named ``name=value`` parameter in a URL, query string or form body."""

    def replace(match: re.Match[str]) -> str:
        lead, name, value = match.groups()
        return f"{lead}{name}={REDACTED}" if value and is_secret_name(name) else match.group(0)

    return _PARAMETER.sub(replace, text)


def redact(text: str) -> str:
    """Replace anything that looks like a token or secret with ``[redacted]``."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(r"\1[redacted]", text)
    return redact_parameters(text)


# Attributes every LogRecord has; anything else on a record came from ``extra=`` (or a library) and is written out
# by the JSON formatter, so it is redacted too.
_RECORD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


def _redact_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {key: REDACTED if is_secret_name(str(key)) else _redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value(item) for item in value]
    # An object (a Django request in ``django.request`` records) is written as its text, which may hold its URL.
    return redact(str(value))


_SENTRY_CREDENTIAL_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "proxy-authorization", "x-api-key"})


def sentry_event_redact(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Sentry's ``before_send``: the event without credentials (a callback's ``?code=``, bearer headers, cookies,
    secret-named variables of a frame), redacted the way log records are."""
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: REDACTED if name.lower() in _SENTRY_CREDENTIAL_HEADERS else value
                for name, value in headers.items()
            }
    return _redact_value(event)


class RedactSecretsFilter(logging.Filter):
    """A logging filter that redacts tokens from every record's message, arguments, extra fields and traceback.

    Attach it to the handler that writes (the record is changed in place: the traceback becomes redacted text).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logged as it is
            return True
        record.msg = redact(message)
        record.args = None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key, value in list(record.__dict__.items()):
            if key not in _RECORD_ATTRIBUTES:
                record.__dict__[key] = _redact_value(value)
        return True


def build_session(*, retries: int = 2) -> requests.Session:
    """A requests session that retries only connection failures of idempotent methods, never a POST."""
    session = requests.Session()
    retry = Retry(
        total=retries,
        connect=retries,
        read=0,
        status=0,
        allowed_methods=IDEMPOTENT_METHODS,
        backoff_factor=0.2,
        raise_on_status=False,
    )
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = "GrowthHub/1.0"
    return session


def default_timeout() -> tuple[float, float]:
    return (settings.PLATFORM_HTTP_CONNECT_TIMEOUT, settings.PLATFORM_HTTP_READ_TIMEOUT)


def sandbox_mode() -> bool:
    return settings.PLATFORM_MODE == "sandbox"


def platform_url(*, slug: str, live_base: str, path: str = "") -> str:
    """The URL of ``path`` on a platform: under ``SANDBOX_BASE_URL/<slug>`` in sandbox mode, else the live host."""
    base = f"{settings.SANDBOX_BASE_URL.rstrip('/')}/{slug}" if sandbox_mode() else live_base.rstrip("/")
    return f"{base}/{path.lstrip('/')}" if path else base


def parse_retry_after(value: str | None, default: float = 60.0) -> float:
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        return default


ErrorMapper = Callable[[requests.Response, Any], PlatformError | None]


def default_error_for(response: requests.Response, *, platform: str, message: str | None = None) -> PlatformError:
    """Map an HTTP error status into the hierarchy; platform clients pass the platform's own message."""
    status = response.status_code
    text = message or redact(response.text[:300]) or response.reason
    if status == 429:
        return RateLimited(
            text, retry_after=parse_retry_after(response.headers.get("Retry-After")), platform=platform, status=status
        )
    if status in (401, 403):
        return AuthExpired(text, platform=platform, status=status)
    if status >= 500:
        return Transient(text, platform=platform, status=status)
    return Rejected(text, platform=platform, status=status)


def _causes(error: BaseException) -> Iterator[BaseException]:
    """``error`` and everything it wraps: requests keeps urllib3's error in ``args``, ``MaxRetryError`` its cause in
    ``reason``, ``ProtocolError`` the socket's error in ``args``."""
    pending, seen = [error], set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for inner in (getattr(current, "reason", None), current.__cause__, current.__context__, *current.args):
            if isinstance(inner, BaseException):
                pending.append(inner)


def transport_error(error: requests.RequestException, *, platform: str, idempotent: bool) -> Transient:
    """The ``Transient`` for a request that got no HTTP answer, saying whether the platform may have acted.

    Before the request was sent (no connection, TLS or proxy failure, the connect timeout) nothing can have
    happened. Once it was sent, a read timeout, a reset, a dropped connection or a cut-off body leave the outcome
    unknown: ``ambiguous`` for a call that is not safe to repeat.
    """
    causes = list(_causes(error))
    if any(isinstance(c, ConnectTimeoutError) and not isinstance(c, NewConnectionError) for c in causes):
        return Transient("The platform did not accept the connection in time.", platform=platform)
    never_sent = (requests.ConnectTimeout, requests.exceptions.SSLError, requests.exceptions.ProxyError)
    if isinstance(error, never_sent) or any(isinstance(c, NewConnectionError) for c in causes):
        return Transient("Could not reach the platform.", platform=platform)
    if isinstance(error, requests.ReadTimeout) or any(isinstance(c, ReadTimeoutError | socket.timeout) for c in causes):
        return Transient("The platform did not answer in time.", platform=platform, ambiguous=not idempotent)
    return Transient(
        "The connection to the platform dropped before its answer arrived.", platform=platform, ambiguous=not idempotent
    )


def is_idempotent(method: str, headers: Mapping[str, str] | None = None) -> bool:
    """Whether sending the request twice has the effect of sending it once: the idempotent HTTP methods, and any
    request carrying an ``Idempotency-Key``."""
    return method.upper() in IDEMPOTENT_METHODS or any(
        name.lower() == IDEMPOTENCY_KEY_HEADER for name in (headers or {})
    )


class PlatformHttp:
    """Sends requests for one platform and maps failures into ``platforms.errors``.

    Subclasses set ``slug`` and may override ``error_from_body`` to read errors that the platform returns inside
    a 2xx envelope (TikTok) or to extract the platform's message from an error body.
    """

    slug: str = ""

    def __init__(self, *, session: requests.Session | None = None) -> None:
        self.session = session or build_session()

    def error_from_body(self, response: requests.Response, body: Any) -> PlatformError | None:
        """Return an error for ``response``, or None when it is a success. Default: HTTP status only."""
        if response.status_code < 400:
            return None
        return default_error_for(response, platform=self.slug)

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        data: Any = None,
        json: Any = None,
        auth: Any = None,
        timeout: tuple[float, float] | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Send the request and return the decoded JSON body (or None for an empty body).

        Raises a ``PlatformError`` subclass. ``idempotent`` says whether sending the call twice is harmless (a read
        sent as POST, an upload that only leaves an unused media id); by default it follows the method and an
        ``Idempotency-Key`` header. For a call that is not, every failure after the request was sent is
        ``Transient(ambiguous=True)``: a read timeout, a reset or dropped connection, and a 5xx (gateways answer
        502/504 after the platform acted), so the caller looks the object up before creating it again.
        """
        method = method.upper()
        if idempotent is None:
            idempotent = is_idempotent(method, headers)
        try:
            response = self.session.request(
                method,
                url,
                headers=dict(headers or {}),
                params=params,
                data=data,
                json=json,
                auth=auth,
                timeout=timeout or default_timeout(),
            )
        except (
            requests.ConnectionError,
            requests.Timeout,
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ) as exc:
            raise transport_error(exc, platform=self.slug, idempotent=idempotent) from exc
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = None
        error = self.error_from_body(response, body)
        logger.info(
            "platform call",
            extra={
                "platform": self.slug,
                "method": method,
                "path": redact(response.request.path_url.split("?")[0]),
                "status": response.status_code,
                "ok": error is None,
            },
        )
        if error is not None:
            if isinstance(error, Transient) and response.status_code >= 500 and not idempotent:
                error.ambiguous = True
            raise error
        return body
