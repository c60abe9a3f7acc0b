"""A real HTTP server on 127.0.0.1 for tests: a route table of path -> handler.

A handler is either bytes/str (served as 200 with `content_type`), a `Response`, or a callable
taking the request handler and returning a `Response` (or writing the reply itself and
returning None, for servers that misbehave: trickle, hang, never answer).
"""

from __future__ import annotations

import http.server
import socketserver
import threading
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
        self._send(Response(b"{}", status=status, content_type="application/json"))

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
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

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
