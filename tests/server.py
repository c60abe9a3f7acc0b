"""A real HTTP server on 127.0.0.1 for tests: a route table of path -> handler.

A handler is either bytes/str (served as 200 with `content_type`), a `Response`, or a callable
taking the request handler and returning a `Response` (or writing the reply itself and
returning None, for servers that misbehave: trickle, hang, never answer).
"""

from __future__ import annotations

import http.server
import socket
import socketserver
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Response:
    body: bytes | str = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "application/rss+xml; charset=utf-8"


Route = bytes | str | Response | Callable[["_Handler"], "Response | None"]


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep test output quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        path = self.path.split("?", 1)[0]
        self.server.requests.append((self.command, self.path, dict(self.headers)))
        route = self.server.routes.get(self.path, self.server.routes.get(path))
        if route is None:
            self._send(Response(b"not found", status=404, content_type="text/plain"))
            return
        if callable(route) and not isinstance(route, Response):
            result = route(self)
            if result is None:
                return
            route = result
        if isinstance(route, bytes | str):
            route = Response(route)
        self._send(route)

    def do_POST(self) -> None:  # noqa: N802 - a receiver for apprise json:// and other webhooks
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.server.posts.append((self.path, body))
        self.server.requests.append((self.command, self.path, dict(self.headers)))
        status = self.server.post_status
        answer = b"{}" if status < 400 else b"receiver says no"
        self._send(Response(answer, status=status, content_type="application/json"))

    def _send(self, resp: Response) -> None:
        body = resp.body.encode("utf-8") if isinstance(resp.body, str) else resp.body
        self.send_response(resp.status)
        if resp.content_type:
            self.send_header("Content-Type", resp.content_type)
        for k, v in resp.headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    routes: dict[str, Route]
    requests: list[tuple[str, str, dict[str, str]]]
    posts: list[tuple[str, bytes]]
    post_status: int


class LocalServer:
    """`with LocalServer() as srv: srv.routes["/feed.rss"] = b"..."; srv.url("/feed.rss")`."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.routes = {}
        self._server.requests = []
        self._server.posts = []
        self._server.post_status = 200
        # poll every 50 ms rather than 0.5 s: shutting a test's server down should not cost half a second
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def routes(self) -> dict[str, Route]:
        return self._server.routes

    @property
    def requests(self) -> list[tuple[str, str, dict[str, str]]]:
        return self._server.requests

    @property
    def posts(self) -> list[tuple[str, bytes]]:
        """(path, body) of every POST received, in order: what a webhook receiver got."""
        return self._server.posts

    def fail_posts(self, status: int = 503) -> None:
        """Answer POSTs with this status (200 restores a working receiver)."""
        self._server.post_status = status

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve_file(self, path: str, file: Path, content_type: str = "application/rss+xml") -> str:
        self.routes[path] = Response(file.read_bytes(), content_type=content_type)
        return self.url(path)

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


# --------------------------------------------------------------------------- misbehaving servers
# Route callables for hostile-server tests. Each writes its reply by hand and returns None.


def raw(data: bytes) -> Route:
    """Reply with `data` exactly as given (status line and headers included), then hang up."""

    def route(handler: _Handler) -> None:
        handler.close_connection = True
        try:
            handler.wfile.write(data)
            handler.wfile.flush()
        except OSError:
            pass

    return route


def trickle(data: bytes, interval: float) -> Route:
    """Send `data` (status line included) one byte every `interval` seconds, until the client leaves."""

    def route(handler: _Handler) -> None:
        handler.close_connection = True
        try:
            for i in range(len(data)):
                handler.wfile.write(data[i : i + 1])
                handler.wfile.flush()
                time.sleep(interval)
        except OSError:
            pass

    return route


def hang(handler: _Handler) -> None:
    """Read the request and never answer: block until the client hangs up."""
    handler.close_connection = True
    try:
        handler.rfile.read()
    except OSError:
        pass


def endless(head: bytes = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n") -> Route:
    """Send `head`, then 64 KiB blocks forever (no Content-Length), until the client hangs up."""

    def route(handler: _Handler) -> None:
        handler.close_connection = True
        block = b"<item>" + b"x" * (64 * 1024 - 6)
        try:
            handler.wfile.write(head)
            while True:
                handler.wfile.write(block)
        except OSError:
            pass

    return route


def headers_then_hang(head: bytes) -> Route:
    """Send the status line and headers in `head`, then nothing more until the client hangs up."""

    def route(handler: _Handler) -> None:
        handler.close_connection = True
        try:
            handler.wfile.write(head)
            handler.wfile.flush()
            handler.rfile.read()
        except OSError:
            pass

    return route


def sequence(*routes: Route) -> Route:
    """Serve `routes` in turn to successive requests; the last one repeats."""
    queue = list(routes)
    lock = threading.Lock()

    def route(handler: _Handler) -> Response | None:
        with lock:
            current = queue.pop(0) if len(queue) > 1 else queue[0]
        return _resolve(current, handler)

    return route


def timed(route: Route, log: list[tuple[str, float, float]], hold: float = 0.0) -> Route:
    """Record (path, start, end) in `log` (time.monotonic), keeping the request open `hold` seconds."""

    def wrapper(handler: _Handler) -> Response | None:
        start = time.monotonic()
        time.sleep(hold)
        result = _resolve(route, handler)
        log.append((handler.path, start, time.monotonic()))
        return result

    return wrapper


def _resolve(route: Route, handler: _Handler) -> Response | None:
    if callable(route) and not isinstance(route, Response):
        return route(handler)
    return Response(route) if isinstance(route, bytes | str) else route


class SilentPort:
    """A listening socket that never accepts: connections complete in the kernel, no one answers."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port: int = self._sock.getsockname()[1]

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> SilentPort:
        return self

    def __exit__(self, *exc: object) -> None:
        self._sock.close()


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class QuickLocalServer(LocalServer):
    """A LocalServer that shuts down in about 50 ms instead of 0.5 s (the serve loop polls faster)."""

    def __init__(self) -> None:
        super().__init__()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )


class TLSLocalServer(QuickLocalServer):
    """A QuickLocalServer speaking HTTPS with the certificate given (e.g. a self-signed one)."""

    def __init__(self, certfile: Path, keyfile: Path) -> None:
        super().__init__()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certfile, keyfile)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)

    def url(self, path: str = "/") -> str:
        return f"https://127.0.0.1:{self.port}{path}"
