"""Soak (issue 8): simulated hours with an injectable clock, 1,000 feeds on a local server, items
appearing over time. Memory and open file descriptors must stay flat (growth under 10%)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import statistics
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from monitor import scheduler
from monitor.config import load_config
from monitor.store import Store
from tests.server import LocalServer, Response

FEEDS = 1000
CYCLES = 24  # of 10 simulated minutes: 4 hours
WARMUP = 4
START = datetime(2026, 11, 28, 0, 0, tzinfo=UTC).timestamp()


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


def rss_memory() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) * 1024


def open_fds() -> tuple[int, int]:
    """(all descriptors, those that are not sockets). Sockets come and go with the connection pool
    and with the test server, which shares this process; files and pipes must not change at all."""
    targets = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            targets.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            continue
    return len(targets), sum(not t.startswith("socket:") for t in targets)


def feed_route(n: int, clock: Clock) -> Any:
    """Feed n publishes one item every (10 + n % 50) simulated minutes; one item in 25 is about Libya."""
    period = (10 + n % 50) * 60

    def handler(h: Any) -> Response:
        latest = int((clock.now - START) // period)
        tag = f'"{n}-{latest}"'
        if h.headers.get("If-None-Match") == tag:  # Connection: close, so no idle socket lingers between cycles
            return Response(b"", status=304, content_type=None, headers={"ETag": tag, "Connection": "close"})
        items = []
        for k in range(max(0, latest - 19), latest + 1):
            topic = "Haftar tuyên bố về Tripoli" if (n + k) % 25 == 0 else "Tin kinh tế"
            when = format_datetime(datetime.fromtimestamp(START + k * period, UTC))
            items.append(f"<item><title>{topic} số {n}-{k}</title><link>https://soak.vn/{n}/{k}.html</link>"
                         f"<description>Bài {k} của nguồn {n}.</description><pubDate>{when}</pubDate></item>")
        body = f'<rss version="2.0"><channel><title>Nguồn {n}</title>{"".join(items)}</channel></rss>'
        return Response(body, headers={"ETag": tag, "Connection": "close"})

    return handler


@pytest.mark.slow
def test_memory_and_descriptors_stay_flat_over_simulated_hours(tmp_path: Path, http_server: LocalServer) -> None:
    clock = Clock()
    for n in range(FEEDS):
        http_server.routes[f"/feed/{n}.rss"] = feed_route(n, clock)
    feeds = "".join(f'[[feed]]\nname = "Nguồn {n}"\nurl = "{http_server.url(f"/feed/{n}.rss")}"\ninterval = "10m"\n'
                    'fetch_articles = "none"\n' for n in range(FEEDS))
    config_path = tmp_path / "monitor.toml"
    config_path.write_text(
        f'[monitor]\ndatabase = "m.db"\nmax_age = "30d"\nper_host = 16\n{feeds}'
        '[[topic]]\nid = "libya"\nname = "Libya"\nterms = ["Haftar", "Tripoli"]\n'
        f'[[alert]]\nname = "chat"\nurls = ["json://127.0.0.1:{http_server.port}/hook"]\n',
        encoding="utf-8",
    )
    config = load_config(config_path)
    store = Store.open(config.database)
    samples: list[tuple[int, int, int]] = []
    alerts = 0

    async def soak() -> None:
        nonlocal alerts
        ctx = scheduler.make_context(config, store, clock=clock)
        try:
            for cycle in range(CYCLES):
                report = await scheduler.run_cycle(ctx, only_due=True)
                assert not report.failed, report.failed[:3]
                alerts += len(http_server.posts)
                # the test server shares this process: drop its request log so only the daemon is measured
                http_server.requests.clear()
                http_server.posts.clear()
                if cycle >= WARMUP - 1:
                    samples.append((rss_memory(), *open_fds()))
                clock.now += 600 * 1.11  # past the interval and its jitter: every feed is due again
        finally:
            await ctx.fetcher.aclose()

    asyncio.run(soak())
    start, end = samples[:5], samples[-5:]  # medians of five cycles at each end: sockets fluctuate
    mem0, mem1 = (statistics.median(s[0] for s in w) for w in (start, end))
    fd0, fd1 = (statistics.median(s[1] for s in w) for w in (start, end))
    files0, files1 = start[0][2], end[-1][2]
    articles = store.counts()["articles"]
    store.close()
    digest = hashlib.sha256(str(samples).encode()).hexdigest()[:8]
    print(f"soak {digest}: {FEEDS} feeds, {CYCLES} cycles, {articles} articles; "
          f"{alerts} alerts; RSS {mem0 / 2**20:.1f} -> {mem1 / 2**20:.1f} MiB, descriptors {fd0} -> {fd1} "
          f"(files and pipes {files0} -> {files1})")
    assert articles > FEEDS * 5  # items really appeared over time
    assert alerts > 0  # and alerts flowed
    assert mem1 <= mem0 * 1.10, f"memory grew from {mem0} to {mem1}"
    assert fd1 <= fd0 * 1.10 + 2, f"descriptors grew from {fd0} to {fd1}"
    assert files1 == files0, f"files and pipes went from {files0} to {files1}: a leak"
