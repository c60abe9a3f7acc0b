"""Poll timing: adaptive intervals within bounds, backoff on failure, Retry-After as a floor; and
what a cycle of 304s records (written many feeds at a time, never losing one to another's error)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.config import FeedConfig
from monitor.models import Entry
from monitor.scheduler import (
    failure_backoff,
    next_poll,
    next_poll_unchanged,
)
from monitor.store import FeedState, Store
from tests.server import LocalServer, Response, sequence
from tests.test_end_to_end import HAFTAR, rfc822, rss, run_cli, write_config
from tests.test_end_to_end import NOW as E2E_NOW

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC).timestamp()  # 10:00 in Vietnam: a busy hour
FEED = FeedConfig(name="F", url="https://example.vn/rss", interval=300.0)


def entries(every: timedelta, n: int, *, ago: timedelta = timedelta(0)) -> list[Entry]:
    start = datetime.fromtimestamp(NOW, UTC) - ago
    return [Entry(id=str(i), link=None, title="t", published=start - i * every) for i in range(n)]


def interval(items: list[Entry], **kw: object) -> float:
    return next_poll(FEED, NOW, entries=items, first_poll_at=NOW - 7 * 86400, **kw) - NOW  # type: ignore[arg-type]


def test_a_busy_feed_is_polled_at_its_configured_interval() -> None:
    assert 270 <= interval(entries(timedelta(minutes=10), 50)) <= 330


def test_a_feed_that_publishes_once_a_day_is_polled_less_often_but_within_four_hours() -> None:
    quiet = interval(entries(timedelta(days=1), 7, ago=timedelta(hours=12)))  # it publishes at night
    assert 1500 < quiet <= 4 * 3600 * 1.1
    # the same feed at the hour it usually publishes is polled at its configured interval
    assert interval(entries(timedelta(days=1), 7, ago=timedelta(days=1))) < quiet


def test_a_new_feed_is_polled_at_its_interval_until_there_is_a_day_of_history() -> None:
    recent = entries(timedelta(hours=1), 2, ago=timedelta(hours=12))  # two items, hours ago: too little to judge
    assert next_poll(FEED, NOW, entries=recent, first_poll_at=None) - NOW <= 330


def test_ttl_and_cache_control_are_honoured() -> None:
    assert interval(entries(timedelta(minutes=10), 50), ttl_minutes=60) >= 3600 * 0.9
    assert interval(entries(timedelta(minutes=10), 50), max_age=1800) >= 1800 * 0.9


def test_not_modified_keeps_the_interval_last_chosen() -> None:
    state = FeedState(url=FEED.url, name="F", last_poll_at=NOW - 3600, next_poll_at=NOW)
    assert 3600 * 0.95 <= next_poll_unchanged(FEED, state, NOW, max_age=None) - NOW <= 3600 * 1.05
    fresh = FeedState(url=FEED.url, name="F")
    assert next_poll_unchanged(FEED, fresh, NOW, max_age=None) - NOW <= 300 * 1.05


def test_failures_back_off_but_never_give_up_and_retry_after_is_a_floor() -> None:
    delays = [failure_backoff(FEED, NOW, n, None) - NOW for n in range(1, 15)]
    assert delays[0] < delays[3] and max(delays) <= 6 * 3600 * 1.1  # retried at least every 6 hours
    assert failure_backoff(FEED, NOW, 1, 7200.0) - NOW >= 7200


# ---------------------------------------------------------------------------- a cycle of 304s


def conditional_feeds(server: LocalServer, n: int) -> list[tuple[str, str]]:
    """n feeds answering 304 to their ETag; plus /flaky.rss, fine at first and HTTP 500 from its second poll."""
    body = rss([{**HAFTAR, "when": rfc822(E2E_NOW)}]).encode()

    def conditional(handler):  # type: ignore[no-untyped-def]
        if handler.headers.get("If-None-Match") == '"v1"':
            return Response(b"", status=304, content_type=None, headers={"ETag": '"v1"'})
        return Response(body, headers={"ETag": '"v1"'})

    for i in range(n):
        server.routes[f"/f/{i}.rss"] = conditional
    server.routes["/flaky.rss"] = sequence(Response(body), Response(b"oops", status=500, content_type="text/plain"))
    return [(f"Báo {i}", f"/f/{i}.rss") for i in range(n)] + [("Flaky", "/flaky.rss")]


def test_a_cycle_of_304s_records_every_feed_and_the_failure_beside_them(tmp_path: Path, http_server: LocalServer) -> None:
    n = 230
    config = write_config(tmp_path, http_server, feeds=conditional_feeds(http_server, n))
    assert run_cli("once", "--config", str(config)).exit_code == 0
    started = time.time()
    second = run_cli("once", "--config", str(config))
    assert f"{n}/{n + 1} feeds ok, 0 new articles" in second.output and "feed 'Flaky' failed" in second.output

    store = Store.open(tmp_path / "state" / "monitor.db")
    states = {s.name: s for s in store.feed_states()}
    unchanged = [states[f"Báo {i}"] for i in range(n)]
    assert all(s.last_status == 304 and s.last_poll_at is not None and s.last_poll_at >= started for s in unchanged)
    assert all(s.last_success_at == s.last_poll_at and s.next_poll_at > s.last_poll_at for s in unchanged)
    assert all(s.consecutive_failures == 0 and s.last_error is None for s in unchanged)
    assert all(s.health_seen_poll == s.last_poll_at for s in states.values())  # the health check saw them all
    flaky = states["Flaky"]
    assert flaky.consecutive_failures == 1 and flaky.last_status == 500 and flaky.last_poll_at >= started
    assert flaky.last_success_at is not None and flaky.last_success_at < started
    assert store.status(now=time.time())["last_cycle"]["feeds"] == n + 1
    store.close()
    status = json.loads(run_cli("status", "--json", "--config", str(config)).output)
    assert {f["name"]: f["last_status"] for f in status["feeds"]} == {**{f"Báo {i}": 304 for i in range(n)}, "Flaky": 500}
