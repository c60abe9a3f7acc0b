"""The optional HTTP endpoint (off by default; `[monitor] http = "127.0.0.1:9108"` turns it on).

    GET /healthz            200 "ok" when the database answers and a cycle finished recently,
                            503 with the reason otherwise (for a load balancer or a monitor)
    GET /metrics            Prometheus text format: feeds, failures, outbox, cycles, database
    GET /topics/<id>.atom   an Atom feed of the topic's events, newest first, so a user can
                            follow a topic in any feed reader

A deliberately small HTTP/1.1 server on asyncio's streams: GET only, no keep-alive, request
line and headers capped, every answer built from one read of the database. It binds where the
configuration says, 127.0.0.1 unless the user chose otherwise.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from monitor import __version__
from monitor.config import Config
from monitor.errors import MonitorError
from monitor.store import Store

log = logging.getLogger(__name__)

MAX_REQUEST = 8192
ATOM_ENTRIES = 100  # newest events in a topic's Atom feed
STALE_CYCLES = 3  # /healthz fails when no cycle finished within 3 of the shortest poll intervals
_TOPIC = re.compile(r"^/topics/([A-Za-z0-9][A-Za-z0-9_.-]*)\.atom$")


class Endpoint:
    def __init__(self, config: Config, store: Store, *, clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.started = clock()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
            status, ctype, body = self.route(head[:MAX_REQUEST].decode("latin-1").split("\r\n", 1)[0])
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ConnectionError):
            writer.close()
            return
        payload = body.encode("utf-8")
        writer.write(
            f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(payload)}\r\n"
            f"Connection: close\r\n\r\n".encode("latin-1") + payload
        )
        try:
            await writer.drain()
        finally:
            writer.close()

    def route(self, request_line: str) -> tuple[str, str, str]:
        parts = request_line.split(" ")
        if len(parts) != 3 or parts[0] not in ("GET", "HEAD"):
            return "405 Method Not Allowed", "text/plain; charset=utf-8", "GET only\n"
        path = parts[1].split("?", 1)[0]
        try:
            if path == "/healthz":
                return self.healthz()
            if path == "/metrics":
                return "200 OK", "text/plain; version=0.0.4; charset=utf-8", self.metrics()
            m = _TOPIC.match(path)
            if m and m.group(1) in {t.id for t in self.config.topics}:
                return "200 OK", "application/atom+xml; charset=utf-8", self.atom(m.group(1))
        except MonitorError as e:
            return "503 Service Unavailable", "text/plain; charset=utf-8", f"{e}\n"
        return "404 Not Found", "text/plain; charset=utf-8", "not found: try /healthz, /metrics or /topics/<id>.atom\n"

    def healthz(self) -> tuple[str, str, str]:
        report = self.store.status(now=self.clock())
        cycle = report["last_cycle"]
        shortest = min((f.interval for f in self.config.feeds), default=300.0)
        limit = max(60.0, STALE_CYCLES * shortest)
        last = cycle["finished_at"] if cycle else None
        if last is None and self.clock() - self.started > limit:
            return "503 Service Unavailable", "text/plain; charset=utf-8", "no cycle has finished yet\n"
        if last is not None and self.clock() - last > limit:
            return "503 Service Unavailable", "text/plain; charset=utf-8", f"last cycle finished {int(self.clock() - last)} s ago\n"
        return "200 OK", "text/plain; charset=utf-8", "ok\n"

    def metrics(self) -> str:
        report = self.store.status(now=self.clock())
        configured = {f.url for f in self.config.feeds}
        lines = [
            "# HELP news_monitor_info Version of the running news-monitor.",
            "# TYPE news_monitor_info gauge",
            f'news_monitor_info{{version="{__version__}"}} 1',
        ]

        def metric(name: str, kind: str, help_: str, samples: list[tuple[str, float | None]]) -> None:
            lines.extend([f"# HELP {name} {help_}", f"# TYPE {name} {kind}"])
            lines.extend(f"{name}{labels} {value}" for labels, value in samples if value is not None)

        feeds = [f for f in report["feeds"] if f["url"] in configured]

        def label(f: Mapping[str, Any]) -> str:
            return f'{{feed="{_label(f["name"])}"}}'

        metric("news_monitor_feed_consecutive_failures", "gauge", "Failed polls in a row, per feed.",
               [(label(f), f["consecutive_failures"]) for f in feeds])
        metric("news_monitor_feed_last_success_timestamp_seconds", "gauge", "Last successful poll, per feed.",
               [(label(f), f["last_success_at"]) for f in feeds])
        metric("news_monitor_feed_items_seen_total", "counter", "New items stored, per feed.",
               [(label(f), f["items_seen"]) for f in feeds])
        o = report["outbox"]
        metric("news_monitor_outbox_alerts", "gauge", "Alerts in the outbox by status.",
               [('{status="pending"}', o["pending"]), ('{status="failed"}', o["failed"])])
        metric("news_monitor_alerts_sent_24h", "gauge", "Alerts delivered in the last 24 hours.", [("", o["sent_24h"])])
        metric("news_monitor_articles", "gauge", "Articles stored.", [("", report["articles"])])
        metric("news_monitor_database_bytes", "gauge", "Size of the database files.", [("", report["database_bytes"])])
        cycle = report["last_cycle"]
        metric("news_monitor_last_cycle_timestamp_seconds", "gauge", "When the last cycle finished.",
               [("", cycle["finished_at"] if cycle else None)])
        return "\n".join(lines) + "\n"

    def atom(self, topic_id: str) -> str:
        topic = next(t for t in self.config.topics if t.id == topic_id)
        rows = self.store.events(topic=topic_id, limit=ATOM_ENTRIES, news_only=True)
        updated = datetime.fromtimestamp(self.clock(), UTC).isoformat()
        entries = []
        for known, sources in rows:
            e = known.event
            where = f" – {e.place}" if e.place else ""
            title = f"{e.type}{where}" + (f" ({e.killed} killed)" if e.killed else "")
            links = "".join(
                f"<li><a href={quoteattr(s['url'] or '')}>{escape(s['title'])}</a> ({escape(s['feed'])})</li>"
                for s in sources
            )
            content = f"<p>{escape(e.evidence)}</p><ul>{links}</ul>"
            first = sources[0]["url"] if sources and sources[0]["url"] else None
            link = f"<link href={quoteattr(first)}/>" if first else ""
            entries.append(
                f"<entry><id>urn:news-monitor:event:{known.uid}</id><title>{escape(title)}</title>{link}"
                f"<updated>{updated}</updated><content type=\"html\">{escape(content)}</content></entry>"
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<id>urn:news-monitor:topic:{topic.id}</id><title>{escape(topic.name)}</title>"
            f"<updated>{updated}</updated>{''.join(entries)}</feed>\n"
        )


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


async def serve(endpoint: Endpoint, address: str) -> asyncio.Server:
    host, _, port = address.rpartition(":")
    server = await asyncio.start_server(endpoint.handle, host or "127.0.0.1", int(port), limit=MAX_REQUEST)
    log.info("http endpoint on http://%s/ (/healthz, /metrics, /topics/<id>.atom)", address)
    return server
