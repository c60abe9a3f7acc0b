"""The store: one transaction per feed, the outbox never duplicates, a locked database waits."""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.errors import StoreError
from monitor.models import Article, Event, Hit, KnownEvent, Match
from monitor.store import FeedResults, OutboxItem, Store

URL = "https://vnexpress.net/rss/the-gioi.rss"


def article(n: int) -> Article:
    return Article(key=f"https://vnexpress.net/a-{n}.html", url=f"https://vnexpress.net/a-{n}.html",
                   title=f"Tin {n} về Libya", summary="Tripoli", feed="VnExpress",
                   published=datetime(2019, 4, 7, 1, 0, tzinfo=UTC))


def alert(n: int, target: str = "desk") -> OutboxItem:
    return OutboxItem(key=f"article|a-{n}|{target}|h", target=target, url_hash="h", topics=("libya",),
                      article=f"https://vnexpress.net/a-{n}.html", kind="article", title=f"Tin {n}", body="...")


def results(arts: list[Article], alerts: list[OutboxItem]) -> FeedResults:
    match = Match("libya", (Hit("Libya", "title", 7, 12, "Tin về Libya"),))
    return FeedResults(url=URL, status=200, etag='"e1"', last_modified=None, items=len(arts), articles=arts,
                       matches=[(a.key, match) for a in arts], alerts=alerts, next_poll_at=100.0)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "state" / "m.db")
    s.sync_feeds([(URL, "VnExpress – Thế giới")])
    return s


def test_results_and_outbox_are_saved_together(store: Store) -> None:
    created = store.save_results(results([article(1), article(2)], [alert(1), alert(2)]), now=50.0)
    assert created == 2
    assert store.known_keys(["https://vnexpress.net/a-1.html", "x"]) == {"https://vnexpress.net/a-1.html"}
    state = store.feed_state(URL)
    assert (state.etag, state.first_poll_at, state.items_seen, state.next_poll_at) == ('"e1"', 50.0, 2, 100.0)
    assert [a.title for a in store.due_alerts(now=60.0)] == ["Tin 1", "Tin 2"]
    assert store.integrity_ok()


def test_an_event_keeps_whether_its_date_is_its_reports(store: Store) -> None:
    told = Event("arrest", "2019-04-07", "Thủ Đức", (), None, None, "Ngày 7-4, công an cho biết đã bắt giữ ...", reported=True)
    known = KnownEvent("e1", told, datetime(2019, 4, 7, 1, 0, tzinfo=UTC))
    res = results([article(1)], [])
    store.save_results(replace(res, new_events=[(known, ["arrest|2019-04-07"])]), now=1.0)
    assert store.candidate_events(["arrest|2019-04-07"])[0].event.reported
    # a later report gives the own day: the stored event takes it and is no longer a report's
    res = replace(res, updated_events={"e1": replace(told, date="2019-04-06", reported=False)})
    store.save_results(res, now=2.0)
    (again,) = store.candidate_events(["arrest|2019-04-07"])
    assert (again.event.date, again.event.reported) == ("2019-04-06", False)


def test_outbox_key_makes_a_second_alert_impossible(store: Store) -> None:
    store.save_results(results([article(1)], [alert(1)]), now=1.0)
    assert store.save_results(results([article(1)], [alert(1)]), now=2.0) == 0
    assert store.enqueue([alert(1)], now=3.0) == 0
    assert len(store.outbox()) == 1


def test_failed_transaction_leaves_nothing_behind(store: Store) -> None:
    # the articles are inserted, then writing the outbox fails: nothing of the poll may remain
    broken = OutboxItem(key="k", target="desk", url_hash="h", topics=(object(),), article=None,  # type: ignore[arg-type]
                        kind="article", title="t", body="b")
    with pytest.raises(TypeError):
        store.save_results(results([article(3)], [alert(3), broken]), now=1.0)
    assert store.known_keys(["https://vnexpress.net/a-3.html"]) == set()
    assert store.outbox() == []


def test_delivery_states(store: Store) -> None:
    store.enqueue([alert(1), alert(2)], now=10.0)
    first, second = store.due_alerts(now=10.0)
    assert first.id is not None and second.id is not None
    store.mark_sent(first.id, now=11.0)
    store.mark_failed_attempt(second.id, "Connection error", next_attempt_at=40.0)
    assert [a.id for a in store.due_alerts(now=20.0)] == []
    assert [a.id for a in store.due_alerts(now=40.0)] == [second.id]
    store.mark_failed_attempt(second.id, "still down", next_attempt_at=None)
    (failed,) = store.outbox(statuses=("failed",))
    assert (failed.status, failed.attempts, failed.last_error) == ("failed", 2, "still down")
    assert store.retry(None, now=50.0) == 1
    assert [a.id for a in store.due_alerts(now=50.0)] == [second.id]
    assert store.counts()["sent"] == 1


def test_failure_is_recorded_on_the_feed(store: Store) -> None:
    store.record_failure(URL, "fetch: HTTP 403 Forbidden", now=5.0, next_poll_at=65.0, status=403)
    store.record_failure(URL, "fetch: HTTP 403 Forbidden", now=70.0, next_poll_at=190.0, status=403)
    st = store.feed_state(URL)
    assert (st.consecutive_failures, st.failing_since, st.last_status, st.first_poll_at) == (2, 5.0, 403, None)
    store.save_results(results([], []), now=200.0)
    st = store.feed_state(URL)
    assert (st.consecutive_failures, st.failing_since, st.last_error, st.last_success_at) == (0, None, None, 200.0)


def test_locked_database_waits_instead_of_failing(store: Store, tmp_path: Path) -> None:
    other = sqlite3.connect(tmp_path / "state" / "m.db", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # a user's sqlite3 shell holding a write lock
    threading.Timer(0.5, lambda: other.execute("COMMIT")).start()
    started = time.monotonic()
    store.enqueue([alert(9)], now=1.0)
    assert time.monotonic() - started >= 0.4
    assert len(store.outbox()) == 1


def test_reopening_applies_no_migration_twice(tmp_path: Path) -> None:
    Store.open(tmp_path / "m.db").close()
    s = Store.open(tmp_path / "m.db")
    assert s.integrity_ok()


def test_ping_answers_and_a_broken_store_says_so(store: Store) -> None:
    store.ping()
    store.close()
    with pytest.raises(StoreError):
        store.ping()
