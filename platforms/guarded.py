"""The guarded HTTP session: the only way Growth Hub fetches a URL that a merchant supplied.

``requests-hardened`` (the library Saleor uses for its webhooks) resolves each target once, refuses private and
loopback addresses, and connects to the address it checked (the resolved IP becomes the connection's host, the
name stays in ``Host`` and TLS SNI), so a name cannot resolve to a public address for the check and a private one
for the connection. It runs in the transport adapter, so every redirect hop is checked again. This module adds
what the library lacks:

- a stricter address rule: anything that is not globally routable (link-local, reserved, shared, unspecified,
  documentation) or is multicast is refused too;
- an allow-list of ``host[:port]`` (``GUARDED_FETCH_ALLOWED_HOSTS``) that may be private, for the sandbox's own
  media, instead of allowing loopback wholesale;
- a total time limit over the whole fetch, redirects and body included: a watchdog shuts the sockets down when
  it passes, so a server dripping one byte at a time cannot hold a worker;
- a size limit: an announced ``Content-Length`` above ``GUARDED_FETCH_MAX_BYTES`` is refused before reading, and
  a body read by the session stops there; the body of a redirect is never read;
- no proxies, ``.netrc`` credentials or CA bundles from the environment (``trust_env`` off), at most
  ``MAX_REDIRECTS`` hops.

Every refusal is a ``requests.RequestException``; callers report it without saying what answered.
"""

import contextlib
import contextvars
import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from requests.adapters import HTTPAdapter
from requests_hardened import Config, HTTPSession
from requests_hardened.ip_filter import InvalidIPAddress
from requests_hardened.ip_filter_adapter import IPFilterAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from platforms.base import sandbox_mode

MAX_REDIRECTS = 5
DEFAULT_PORTS = {"http": 80, "https": 443}
USER_AGENT = "GrowthHub/1.0"

HostPort = tuple[str, int | None]


class FetchRefused(InvalidIPAddress):
    """The target (or a redirect's target) resolves to an address the guard does not connect to."""


class FetchTooLarge(requests.RequestException):
    """The answer announces or sends more bytes than the fetch may read."""


class FetchTimedOut(requests.Timeout):
    """The whole fetch, redirects and body included, took longer than its time limit."""


class _Deadline:
    """The end of one fetch: sockets opened for it are shut down when it passes, unblocking any read."""

    def __init__(self, seconds: float) -> None:
        self.expires_at = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return self.expires_at - time.monotonic()

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def cancel(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._sockets.clear()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    # The plain socket's shutdown, also for a TLS socket: a blocked read in another thread ends at once. OSError:
    # already closed by its owner, nothing left to unblock.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


_active_deadline: contextvars.ContextVar[_Deadline | None] = contextvars.ContextVar("guarded_deadline", default=None)


class _WatchedConnectionMixin:
    """Hands the socket of every request (fresh or reused connection) to the deadline of the fetch under way."""

    sock: socket.socket | None

    def request(self, *args: Any, **kwargs: Any) -> Any:
        result = super().request(*args, **kwargs)  # type: ignore[misc]
        if (deadline := _active_deadline.get()) is not None:
            deadline.watch(self.sock)
        return result

    def request_chunked(self, *args: Any, **kwargs: Any) -> Any:
        result = super().request_chunked(*args, **kwargs)  # type: ignore[misc]
        if (deadline := _active_deadline.get()) is not None:
            deadline.watch(self.sock)
        return result


class _WatchedHTTPConnection(_WatchedConnectionMixin, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_WatchedConnectionMixin, HTTPSConnection):
    pass


class _WatchedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


def _address_refused(host: str) -> bool:
    """True when ``host`` (the IP the library pinned) is not a public unicast address."""
    address = ipaddress.ip_address(host.strip("[]"))
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast or address.is_reserved


class GuardedAdapter(IPFilterAdapter):
    """requests-hardened's IP filter, plus the stricter rule, the allow-list and the watched connections."""

    def __init__(self, *, is_https_proto: bool, allowed_hosts: frozenset[HostPort]) -> None:
        self._allowed_hosts = allowed_hosts
        super().__init__(is_https_proto=is_https_proto, allow_loopback=False)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _WatchedHTTPConnectionPool,
            "https": _WatchedHTTPSConnectionPool,
        }

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: bool | str, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params, pool_kwargs = HTTPAdapter.build_connection_pool_key_attributes(self, request, verify, cert)
        if _is_allowed(self._allowed_hosts, **host_params):
            # An operator-listed host: connect by name, without a Host header left by an earlier redirect hop.
            request.headers.pop("Host", None)
            return host_params, pool_kwargs
        try:
            host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        except InvalidIPAddress as exc:
            raise FetchRefused(*exc.args) from exc
        if _address_refused(host_params["host"]):
            raise FetchRefused(host_params["host"])
        return host_params, pool_kwargs

    def build_response(self, req: requests.PreparedRequest, resp: Any) -> requests.Response:
        response = super().build_response(req, resp)
        if response.is_redirect:
            # requests drains a redirect's body before following it; an endless one would never end.
            response._content = b""
            response.raw.close()
        return response


def _is_allowed(allowed_hosts: frozenset[HostPort], *, scheme: str, host: str | None, port: int | None) -> bool:
    if not host:
        return False
    host = host.lower()
    effective_port = port or DEFAULT_PORTS.get(scheme)
    return (host, effective_port) in allowed_hosts or (
        (host, None) in allowed_hosts and effective_port == DEFAULT_PORTS.get(scheme)
    )


def parse_allowed_hosts(entries: Iterable[str]) -> frozenset[HostPort]:
    """``host[:port]`` entries as (lower-case host, port or None); IPv6 hosts in brackets: ``[::1]:8000``."""
    parsed = set()
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        try:
            split = urlsplit(f"//{entry}")
            port = split.port
        except ValueError as exc:
            raise ImproperlyConfigured(f"GUARDED_FETCH_ALLOWED_HOSTS: {entry!r} is not host[:port].") from exc
        if not split.hostname or split.path or split.username or split.password:
            raise ImproperlyConfigured(f"GUARDED_FETCH_ALLOWED_HOSTS: {entry!r} is not host[:port].")
        parsed.add((split.hostname, port))
    return frozenset(parsed)


def allowed_hosts() -> frozenset[HostPort]:
    """The hosts that may be private: the setting, or by default the sandbox's own host:port in sandbox mode.

    Read when a session is made (not at import), so a changed ``SANDBOX_BASE_URL`` is followed.
    """
    configured = settings.GUARDED_FETCH_ALLOWED_HOSTS
    if configured is not None:
        return parse_allowed_hosts(configured)
    if not sandbox_mode():
        return frozenset()
    sandbox = urlsplit(settings.SANDBOX_BASE_URL)
    if not sandbox.hostname:
        return frozenset()
    return frozenset({(sandbox.hostname, sandbox.port or DEFAULT_PORTS.get(sandbox.scheme))})


def content_length(response: requests.Response) -> int | None:
    """The announced body size, or None when it is absent or not a number."""
    value = response.headers.get("Content-Length", "")
    return int(value) if value.isdigit() else None


class GuardedSession(HTTPSession):
    """A requests session for untrusted URLs. Each ``request`` is one fetch under one time limit.

    Without ``stream`` the body is read here, up to ``max_bytes``. With ``stream=True`` the caller reads what it
    needs (``read_head``) inside ``with response:``; the time limit runs until the response is closed.
    """

    def __init__(
        self,
        *,
        allowed_hosts: frozenset[HostPort],
        max_bytes: int,
        total_timeout: float,
        connect_timeout: float,
        read_timeout: float,
    ) -> None:
        super().__init__(
            Config(
                ip_filter_enable=False,  # the guarded adapters below filter, with the allow-list
                ip_filter_allow_loopback_ips=False,
                never_redirect=False,
                default_timeout=(connect_timeout, read_timeout),
                user_agent_override=USER_AGENT,
            )
        )
        self.trust_env = False
        # Compressed bodies would be limited after decompression only: ask for the bytes as they are.
        self.headers["Accept-Encoding"] = "identity"
        self.max_redirects = MAX_REDIRECTS
        self.max_bytes = max_bytes
        self.total_timeout = total_timeout
        self.mount("http://", GuardedAdapter(is_https_proto=False, allowed_hosts=allowed_hosts))
        self.mount("https://", GuardedAdapter(is_https_proto=True, allowed_hosts=allowed_hosts))

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        if args:
            raise TypeError("GuardedSession.request takes its options as keywords.")
        stream = bool(kwargs.pop("stream", False))
        deadline = _Deadline(self.total_timeout)
        token = _active_deadline.set(deadline)
        try:
            response = super().request(method, url, stream=True, **kwargs)
            response.guard_deadline = deadline  # type: ignore[attr-defined]
            _raise_if_expired(response, deadline)
            announced = content_length(response)
            if announced is not None and announced > self.max_bytes:
                response.close()
                raise FetchTooLarge(f"{announced} bytes announced; at most {self.max_bytes} may be read.")
            if not stream:
                body = read_head(response, limit=self.max_bytes + 1)
                response.close()
                if len(body) > self.max_bytes:
                    raise FetchTooLarge(f"more than {self.max_bytes} bytes sent.")
                response._content, response._content_consumed = body, True
        except BaseException as exc:
            deadline.cancel()
            if isinstance(exc, requests.RequestException) and deadline.expired and not isinstance(exc, FetchTimedOut):
                raise FetchTimedOut(f"the fetch took longer than {self.total_timeout:g} s.") from exc
            raise
        finally:
            _active_deadline.reset(token)
        if not stream:
            deadline.cancel()
            return response
        response.close = _closing(response.close, deadline)  # type: ignore[method-assign]
        return response

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        """Each hop (the first request and every redirect) gets at most the time left of the fetch."""
        deadline = _active_deadline.get()
        if deadline is not None:
            remaining = deadline.remaining()
            if remaining <= 0:
                raise FetchTimedOut(f"the fetch took longer than {self.total_timeout:g} s.")
            connect, read = _timeout_pair(kwargs.get("timeout") or self._config.default_timeout)
            kwargs["timeout"] = (min(connect, remaining), min(read, remaining))
        return super().send(request, **kwargs)


def _raise_if_expired(response: requests.Response, deadline: _Deadline) -> None:
    """A socket shut down by the deadline can look like a server that ended its answer early: never trust it."""
    if deadline.expired:
        response.close()
        raise FetchTimedOut("the fetch ran out of time.")


def _timeout_pair(timeout: Any) -> tuple[float, float]:
    if isinstance(timeout, tuple):
        return float(timeout[0]), float(timeout[1])
    return float(timeout), float(timeout)


def _closing(close: Callable[[], None], deadline: _Deadline) -> Callable[[], None]:
    def close_and_cancel() -> None:
        try:
            close()
        finally:
            deadline.cancel()

    return close_and_cancel


def read_head(response: requests.Response, *, limit: int) -> bytes:
    """Read at most ``limit`` bytes of the body; a fetch whose time ran out raises ``FetchTimedOut``."""
    head = bytearray()
    deadline: _Deadline | None = getattr(response, "guard_deadline", None)
    try:
        for chunk in response.iter_content(chunk_size=64 * 1024):
            head += chunk
            if len(head) >= limit:
                break
    except requests.RequestException as exc:
        if deadline is not None and deadline.expired:
            raise FetchTimedOut("the fetch ran out of time.") from exc
        raise
    if deadline is not None:
        _raise_if_expired(response, deadline)
    return bytes(head[:limit])


def guarded_session(*, timeout: float | None = None, max_bytes: int | None = None) -> GuardedSession:
    """A session for URLs a user supplied, configured from the ``GUARDED_FETCH_*`` settings.

    ``timeout`` (seconds for one whole fetch) and ``max_bytes`` narrow the settings for one use.
    """
    return GuardedSession(
        allowed_hosts=allowed_hosts(),
        max_bytes=max_bytes if max_bytes is not None else settings.GUARDED_FETCH_MAX_BYTES,
        total_timeout=timeout if timeout is not None else settings.GUARDED_FETCH_TIMEOUT,
        connect_timeout=settings.PLATFORM_HTTP_CONNECT_TIMEOUT,
        read_timeout=settings.PLATFORM_HTTP_READ_TIMEOUT,
    )
