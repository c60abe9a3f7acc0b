"""A fast loopback HTTP server for the benchmark, run as its own process.

    python bench/server.py --feeds 1000 --hosts 20 --now 1764300000

Serves, from memory, on `--hosts` ports of 127.0.0.1 (each port is one "outlet" to the client,
so per-host limits apply as they would to 20 newspapers):

    GET  /f/<i>.rss              feed i (bench.corpus.feed_bytes), with ETag and Last-Modified;
                                 a conditional request that matches gets 304 with no body
    GET  /a/<i>/<j>-<k>.htm      an article page: corpus article k in the VnExpress layout
    GET  /robots.txt             allow everything
    POST /hook                   the json:// alert receiver (answers {})
    GET  /_stats                 JSON counters since the last /_reset: requests and bytes by kind
    GET  /_pages                 JSON list of page paths served since the last /_reset
    GET  /_reset                 zero the counters

It prints `READY <port> <port> ...` on stdout once listening. Written on asyncio protocols with
keep-alive, so one core serves several thousand requests a second and the client (the process
being measured) is never waiting on the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from collections import Counter
from email.utils import formatdate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import corpus  # noqa: E402

_FEED = re.compile(r"^/f/(\d+)\.rss$")
_PAGE = re.compile(r"^/a/\d+/\d+-(\d+)\.htm$")
ROBOTS = b"User-agent: *\nAllow: /\n"


class State:
    def __init__(self, feeds: int, ports: list[int], now: float, items: int) -> None:
        self.n_feeds = feeds
        self.ports = ports
        self.now = now
        self.items = items
        self.feeds: dict[int, bytes] = {}
        self.pages: dict[int, bytes] = {}
        self.last_modified = formatdate(now - 60, usegmt=True)
        self.reset()

    def reset(self) -> None:
        self.requests: Counter[str] = Counter()
        self.bytes: Counter[str] = Counter()
        self.page_paths: list[str] = []

    def base_url(self, feed: int) -> str:
        return f"http://127.0.0.1:{self.ports[feed % len(self.ports)]}"

    def feed(self, i: int) -> bytes:
        if i not in self.feeds:
            self.feeds[i] = corpus.feed_bytes(i, self.base_url(i), self.now, self.items)
        return self.feeds[i]

    def page(self, k: int) -> bytes:
        if k not in self.pages:
            self.pages[k] = corpus.page_bytes(k)
        return self.pages[k]


def _response(status: int, body: bytes, content_type: str | None, headers: dict[str, str]) -> bytes:
    reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}.get(status, "OK")
    lines = [f"HTTP/1.1 {status} {reason}"]
    if content_type:
        lines.append(f"Content-Type: {content_type}")
    lines.extend(f"{k}: {v}" for k, v in headers.items())
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body


class Http(asyncio.Protocol):
    def __init__(self, state: State) -> None:
        self.state = state
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1").split("\r\n")
            headers = {}
            for line in head[1:]:
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
            length = int(headers.get("content-length") or 0)
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4:end + 4 + length]
            self.buffer = self.buffer[end + 4 + length:]
            method, path, _ = (head[0].split(" ") + ["", ""])[:3]
            kind, reply = self.handle(method, path, headers, body)
            self.state.requests[kind] += 1
            self.state.bytes[kind] += len(reply)
            assert self.transport is not None
            self.transport.write(reply)

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[str, bytes]:
        st = self.state
        if method == "POST":
            return "alert", _response(200, b"{}", "application/json", {})
        if m := _FEED.match(path):
            i = int(m.group(1))
            etag = f'"{i}-v1"'
            validators = {"ETag": etag, "Last-Modified": st.last_modified}
            if headers.get("if-none-match") == etag or headers.get("if-modified-since") == st.last_modified:
                return "feed_304", _response(304, b"", None, validators)
            return "feed_200", _response(200, st.feed(i), "application/rss+xml; charset=utf-8", validators)
        if m := _PAGE.match(path):
            st.page_paths.append(path)
            return "page", _response(200, st.page(int(m.group(1))), "text/html; charset=utf-8", {})
        if path == "/robots.txt":
            return "robots", _response(200, ROBOTS, "text/plain", {})
        if path == "/_stats":
            data = {"requests": dict(st.requests), "bytes": dict(st.bytes)}
            return "control", _response(200, json.dumps(data).encode(), "application/json", {})
        if path == "/_pages":
            return "control", _response(200, json.dumps(st.page_paths).encode(), "application/json", {})
        if path == "/_reset":
            st.reset()
            return "control", _response(200, b"{}", "application/json", {})
        return "other", _response(404, b"not found", "text/plain", {})


async def serve(feeds: int, hosts: int, now: float, items: int) -> None:
    loop = asyncio.get_running_loop()
    state = State(feeds, [], now, items)
    servers = []
    for _ in range(hosts):
        srv = await loop.create_server(lambda: Http(state), "127.0.0.1", 0, backlog=1024)
        servers.append(srv)
        state.ports.append(srv.sockets[0].getsockname()[1])
    for i in range(feeds):  # built before READY: the client never waits on generation
        state.feed(i)
    for k in {corpus.item_article(i, j) for i in range(feeds) for j in range(items)}:
        state.page(k)
    print("READY", *state.ports, flush=True)
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, required=True)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--items", type=int, default=corpus.ITEMS_PER_FEED)
    parser.add_argument("--now", type=float, required=True, help="the clock the items are dated against")
    args = parser.parse_args()
    try:
        asyncio.run(serve(args.feeds, args.hosts, args.now, args.items))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
