"""A small HTTP server on 127.0.0.1 for guarded-fetch tests, and a guard that fails a test connecting elsewhere."""

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

Route = Callable[[BaseHTTPRequestHandler], None]


class LocalServer:
    """Serves ``routes`` (path -> handler function) on 127.0.0.1 and records every path it was asked for."""

    def __init__(self, routes: dict[str, Route]) -> None:
        self.routes = routes
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                server.requests.append(self.path)
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                try:
                    route(self)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the client hung up, as the guard does when a limit is reached

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's signature
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def local_server(routes: dict[str, Route]) -> Iterator[LocalServer]:
    server = LocalServer(routes)
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def answer(status: int, body: bytes = b"", content_type: str = "text/plain", length: int | None = None) -> Route:
    """A plain answer; ``length`` announces another Content-Length than the body's."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body) if length is None else length))
        handler.end_headers()
        handler.wfile.write(body)

    return route


def redirect(location: str, status: int = 302) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return route


def drip(*, headers_first: bool, interval: float = 0.1) -> Route:
    """Sends one byte every ``interval`` seconds, forever: of the body, or (``headers_first=False``) of a header."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        if headers_first:
            handler.send_response(200)
            handler.send_header("Content-Type", "image/jpeg")
            handler.end_headers()
        else:
            handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        for _ in range(600):
            handler.wfile.write(b"a")
            handler.wfile.flush()
            time.sleep(interval)

    return route


def endless(content_type: str = "image/jpeg", status: int = 200, **headers: str) -> Route:
    """A body without Content-Length that goes on far longer than any test reads it."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        for _ in range(4096):
            handler.wfile.write(b"x" * 65536)

    return route


class ConnectGuard:
    """Records every outgoing TCP connect of the test and fails the test at once for any address not allowed."""

    def __init__(self) -> None:
        self.allowed: set[tuple[str, int]] = set()
        self.attempts: list[tuple[str, int]] = []

    def allow(self, server: LocalServer) -> None:
        self.allowed.add(("127.0.0.1", server.port))


def guard_connects(monkeypatch: pytest.MonkeyPatch) -> ConnectGuard:
    """Patch ``socket.connect`` for one test: a refused target must be refused before any connection is tried."""
    guard = ConnectGuard()
    real_connect = socket.socket.connect

    def connect(sock: socket.socket, address: object) -> None:
        target = (str(address[0]), int(address[1])) if isinstance(address, tuple) else (str(address), 0)
        guard.attempts.append(target)
        if target not in guard.allowed:
            raise AssertionError(f"the test tried to connect to {target}")
        real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return guard
