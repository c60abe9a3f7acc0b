"""Phase "ours": the real pipeline, as `news-monitor once` runs it, against the benchmark server.

    python bench/e2e.py '{"config": "/tmp/.../monitor.toml", "stats_port": 40001}'

1. cold: a fresh database, one `once` cycle (Store.open, make_context, run_cycle — fetch every
   feed, parse, match 20 topics, fetch the pages of the matching articles, store, queue alerts,
   deliver the first 100), then the rest of the outbox delivered (what the daemon's next ticks
   would do), each measured on its own;
2. warm: a second `once` cycle on the same database: every feed answers 304.

Prints one JSON line: wall and CPU seconds, peak RSS, server-side request and byte counts, the
articles, alerts and database size, and the list of page paths served (for the lower bound).
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
from pathlib import Path
from typing import Any

from bench.measure import as_dict, measured, per, phase_main, with_totals
from monitor import delivery, scheduler
from monitor.config import load_config
from monitor.store import Store


def _server(port: int, path: str) -> Any:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as r:
        data = json.loads(r.read())
    return with_totals(data) if path == "/_stats" else data


def _once(config_path: Path) -> scheduler.CycleReport:
    """What `news-monitor once` does, minus the console output."""
    config = load_config(config_path)
    store = Store.open(config.database)

    async def cycle() -> scheduler.CycleReport:
        ctx = scheduler.make_context(config, store)
        try:
            return await scheduler.run_cycle(ctx)
        finally:
            await ctx.fetcher.aclose()

    try:
        return asyncio.run(cycle())
    finally:
        store.close()


def _drain(config_path: Path) -> int:
    """Deliver every alert still in the outbox; returns how many were sent."""
    config = load_config(config_path)
    store = Store.open(config.database)

    async def drain() -> int:
        ctx = scheduler.make_context(config, store)
        total = 0
        try:
            while True:
                sent, failed = await delivery.deliver(ctx, limit=1000)
                total += sent
                if sent + failed == 0:
                    return total
        finally:
            await ctx.fetcher.aclose()

    try:
        return asyncio.run(drain())
    finally:
        store.close()


def _db_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def run(spec: dict[str, Any]) -> dict[str, Any]:
    config_path = Path(spec["config"])
    port = spec["stats_port"]
    database = load_config(config_path).database
    out: dict[str, Any] = {}

    _server(port, "/_reset")
    with measured() as m:
        report = _once(config_path)
    stats = _server(port, "/_stats")
    pages = _server(port, "/_pages")
    articles = sum(f.new_articles for f in report.feeds)
    out["cold"] = {**as_dict(m), "feeds": len(report.feeds), "failed": len(report.failed),
                   "articles": articles, "alerts_queued": sum(f.alerts for f in report.feeds),
                   "alerts_sent": report.sent, "server": stats, "pages_fetched": len(pages),
                   "cpu_ms_per_article": 1000 * (per(m.cpu_s, articles) or 0),
                   "errors": sorted({f.error or "" for f in report.failed})[:5]}
    out["page_paths"] = pages

    _server(port, "/_reset")
    with measured() as m:
        sent = _drain(config_path)
    out["drain"] = {**as_dict(m), "alerts_sent": sent, "server": _server(port, "/_stats"),
                    "cpu_ms_per_alert": 1000 * (per(m.cpu_s, sent) or 0)}

    store = Store.open(database)
    counts = store.counts()
    store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    out["database"] = {"bytes": _db_bytes(database), "articles": counts["articles"],
                       "bytes_per_article": per(_db_bytes(database), counts["articles"])}

    _server(port, "/_reset")
    with measured() as m:
        report = _once(config_path)
    out["warm"] = {**as_dict(m), "feeds": len(report.feeds), "articles": sum(f.new_articles for f in report.feeds),
                   "server": _server(port, "/_stats"),
                   "cpu_ms_per_feed": 1000 * (per(m.cpu_s, len(report.feeds)) or 0)}
    return out


if __name__ == "__main__":
    phase_main(run)
