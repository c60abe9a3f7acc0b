"""All state in one SQLite file: feeds, articles, topic matches, the alert outbox.

The only module that imports sqlite_utils (with `schema`, its migrations). The queries of the
outbox (monitor.outbox) and of events and fingerprints (monitor.eventstore) are mixins that
`Store` inherits: one connection, one transaction per write, whoever the table. WAL mode, a busy timeout so a user's backup or
sqlite3 shell makes us wait rather than crash, schema versioned with sqlite_utils.Migrations.
One write transaction per feed's results: the articles of a poll and the outbox rows they cause
are committed together, so a crash never leaves an article recorded without its alert, nor an
alert without its article. Delivery reads the outbox; only a delivered row is marked sent.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from monitor import schema
from monitor.errors import StoreError
from monitor.eventstore import EventQueries
from monitor.models import Article, Event, KnownEvent, Match
from monitor.outbox import OutboxItem, OutboxQueries

__all__ = ["FeedResults", "FeedState", "OutboxItem", "Store"]

BUSY_TIMEOUT_MS = 30_000


@dataclass(frozen=True)
class FeedState:
    url: str
    name: str
    etag: str | None = None
    last_modified: str | None = None
    first_poll_at: float | None = None
    last_poll_at: float | None = None
    last_success_at: float | None = None
    last_status: int | None = None
    last_error: str | None = None
    last_error_at: float | None = None
    failing_since: float | None = None
    consecutive_failures: int = 0
    items_seen: int = 0
    last_items: int | None = None
    next_poll_at: float = 0.0
    warning: str | None = None
    health_problem: str | None = None  # the open source-health episode: failing, rule, empty or quiet
    health_detail: str | None = None
    health_since: float | None = None
    health_polls: int = 0  # polls seen with that problem
    health_seen_poll: float | None = None  # last_poll_at when the health check last looked
    health_alerted_at: float | None = None  # when the episode's alert was queued (None: not yet)


@dataclass(frozen=True)
class FeedResults:
    """What one successful poll of a feed produced, written in one transaction."""

    url: str
    status: int
    etag: str | None
    last_modified: str | None
    items: int  # entries in the document
    articles: Sequence[Article]  # the new ones
    matches: Sequence[tuple[str, Match]]  # (article key, match) for new articles
    alerts: Sequence[OutboxItem]
    next_poll_at: float
    warning: str | None = None
    new_events: Sequence[tuple[KnownEvent, Sequence[str]]] = ()  # with their blocking keys
    updated_events: Mapping[str, Event] = field(default_factory=dict)
    mentions: Sequence[tuple[str, str]] = ()  # (event uid, article key)
    fingerprints: Sequence[tuple[str, frozenset[int], bool]] = ()  # (article, shingles, alerted)


class Store(OutboxQueries, EventQueries):
    def __init__(self, db: sqlite_utils.Database, path: Path | None = None) -> None:
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: str | Path) -> Store:
        path = Path(path)
        with _translated(f"cannot open the database {path}"):
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            db = sqlite_utils.Database(conn)
            schema.migrations.apply(db)
        return cls(db, path)

    def close(self) -> None:
        self.db.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self.db.conn
        with _translated("write failed"):
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with _translated("read failed"):
            cur = self.db.conn.execute(sql, params)
            cols = [c[0] for c in cur.description]
            return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    # ------------------------------------------------------------------ feeds

    def sync_feeds(self, feeds: Iterable[tuple[str, str]]) -> None:
        """Make sure every configured (url, name) has a row; names follow the configuration."""
        with self.transaction() as conn:
            for url, name in feeds:
                conn.execute(
                    "INSERT INTO feeds (url, name) VALUES (?, ?) ON CONFLICT(url) DO UPDATE SET name = excluded.name",
                    (url, name),
                )

    def feed_state(self, url: str) -> FeedState:
        rows = self._rows("SELECT * FROM feeds WHERE url = ?", (url,))
        return FeedState(**rows[0]) if rows else FeedState(url=url, name=url)

    def feed_states(self) -> list[FeedState]:
        return [FeedState(**r) for r in self._rows("SELECT * FROM feeds ORDER BY name")]

    def due_feeds(self, urls: Sequence[str], now: float) -> list[str]:
        due = {r["url"] for r in self._rows("SELECT url FROM feeds WHERE next_poll_at <= ?", (now,))}
        return [u for u in urls if u in due]

    def record_failure(self, url: str, error: str, *, now: float, next_poll_at: float, status: int | None) -> None:
        with self.transaction() as conn:
            conn.execute(
                """UPDATE feeds SET last_poll_at = ?, last_error = ?, last_error_at = ?, last_status = ?,
                   consecutive_failures = consecutive_failures + 1,
                   failing_since = COALESCE(failing_since, ?), next_poll_at = ?,
                   first_poll_at = first_poll_at
                   WHERE url = ?""",
                (now, error, now, status, now, next_poll_at, url),
            )

    def record_not_modified(self, url: str, *, now: float, next_poll_at: float) -> None:
        with self.transaction() as conn:
            conn.execute(
                """UPDATE feeds SET last_poll_at = ?, last_success_at = ?, last_status = 304, last_error = NULL,
                   consecutive_failures = 0, failing_since = NULL, next_poll_at = ? WHERE url = ?""",
                (now, now, next_poll_at, url),
            )

    # ------------------------------------------------------------------ articles

    def known_keys(self, keys: Iterable[str]) -> set[str]:
        """The keys already stored, or pruned (their hash is kept in `seen`)."""
        keys = list(dict.fromkeys(keys))
        found: set[str] = set()
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(r["key"] for r in self._rows(f"SELECT key FROM articles WHERE key IN ({marks})", chunk))
            hashed = {identity_hash(k): k for k in chunk}
            rows = self._rows(f"SELECT key FROM seen WHERE key IN ({marks})", list(hashed))
            found.update(hashed[r["key"]] for r in rows)
        return found

    # ------------------------------------------------------------------ retention and backup

    def prune(self, *, before: float) -> dict[str, int]:
        """Delete articles, events and delivered alerts older than `before`. A pruned article's
        identity stays (a hash in `seen`), so it never comes back as new; undelivered alerts are
        never deleted."""
        with self.transaction() as conn:
            old = [r[0] for r in conn.execute("SELECT key FROM articles WHERE first_seen < ?", (before,))]
            conn.executemany("INSERT OR IGNORE INTO seen (key, at) VALUES (?, ?)",
                             [(identity_hash(k), before) for k in old])
            counts = {"articles": conn.execute("DELETE FROM articles WHERE first_seen < ?", (before,)).rowcount}
            counts["events"] = conn.execute("DELETE FROM events WHERE updated_at < ?", (before,)).rowcount
            conn.execute("DELETE FROM mentions WHERE at < ?", (before,))
            conn.execute("DELETE FROM fingerprints WHERE article NOT IN (SELECT key FROM articles)")
            conn.execute("DELETE FROM fingerprint_keys WHERE alerted_at < ?", (before,))
            counts["alerts"] = conn.execute(
                "DELETE FROM outbox WHERE status = 'sent' AND sent_at < ?", (before,)
            ).rowcount
            conn.execute("DELETE FROM cycles WHERE id <= (SELECT MAX(id) FROM cycles) - 1000")
        return counts

    def backup(self, target: str | Path) -> None:
        """A consistent copy while the daemon runs (SQLite's online backup API)."""
        with _translated(f"backup to {target} failed"):
            dest = sqlite3.connect(str(target))
            try:
                self.db.conn.backup(dest)
            finally:
                dest.close()

    def save_results(self, results: FeedResults, *, now: float) -> int:
        """Articles, matches and their outbox rows in one transaction; returns outbox rows created."""
        with self.transaction() as conn:
            conn.executemany(
                """INSERT OR IGNORE INTO articles (key, url, title, summary, text, published, feed, first_seen)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    (a.key, a.url, a.title, a.summary, a.text, a.published.isoformat() if a.published else None,
                     a.feed, now)
                    for a in results.articles
                ],
            )
            conn.executemany(
                "INSERT OR IGNORE INTO matches (article, topic, terms, hits, at) VALUES (?, ?, ?, ?, ?)",
                [(key, m.topic, json.dumps(m.terms, ensure_ascii=False), _hits_json(m), now) for key, m in results.matches],
            )
            self._write_events(
                conn,
                new=results.new_events,
                updated=results.updated_events,
                mentions=results.mentions,
                fingerprints=results.fingerprints,
                now=now,
            )
            created = self._insert_outbox(conn, results.alerts, now)
            conn.execute(
                """UPDATE feeds SET etag = ?, last_modified = ?, first_poll_at = COALESCE(first_poll_at, ?),
                   last_poll_at = ?, last_success_at = ?, last_status = ?, last_error = NULL,
                   consecutive_failures = 0, failing_since = NULL, items_seen = items_seen + ?,
                   last_items = ?, next_poll_at = ?, warning = ? WHERE url = ?""",
                (results.etag, results.last_modified, now, now, now, results.status, len(results.articles),
                 results.items, results.next_poll_at, results.warning, results.url),
            )
        return created

    # ------------------------------------------------------------------ source health

    def publishing(self, feed: str, *, since: float, after: float) -> tuple[int, float | None]:
        """(articles of `feed` first seen since `since` and after `after`, the latest first_seen):
        two lookups on the (feed, first_seen) index. `after` leaves out the first poll's backlog."""
        row = self._rows(
            """SELECT (SELECT COUNT(*) FROM articles WHERE feed = ? AND first_seen >= ? AND first_seen > ?) AS n,
                      (SELECT MAX(first_seen) FROM articles WHERE feed = ?) AS latest""",
            (feed, since, after, feed),
        )[0]
        return int(row["n"]), row["latest"]

    def record_health(self, url: str, *, problem: str | None, detail: str | None, since: float | None, polls: int,
                      seen_poll: float | None, alerted_at: float | None, alerts: Sequence[OutboxItem] = (),
                      now: float) -> None:
        """A feed's health episode and the alerts it causes, in one transaction."""
        with self.transaction() as conn:
            conn.execute(
                """UPDATE feeds SET health_problem = ?, health_detail = ?, health_since = ?, health_polls = ?,
                   health_seen_poll = ?, health_alerted_at = ? WHERE url = ?""",
                (problem, detail, since, polls, seen_poll, alerted_at, url),
            )
            self._insert_outbox(conn, alerts, now)

    # ------------------------------------------------------------------ cycles and status

    def start_cycle(self, now: float) -> int:
        with self.transaction() as conn:
            return int(conn.execute("INSERT INTO cycles (started_at) VALUES (?)", (now,)).lastrowid or 0)

    def finish_cycle(self, cycle: int, *, now: float, feeds: int, failed: int, new_articles: int, alerts: int) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE cycles SET finished_at = ?, feeds = ?, failed = ?, new_articles = ?, alerts = ? WHERE id = ?",
                (now, feeds, failed, new_articles, alerts, cycle),
            )

    def counts(self) -> dict[str, int]:
        row = self._rows(
            """SELECT (SELECT COUNT(*) FROM articles) AS articles,
                      (SELECT COUNT(*) FROM outbox WHERE status = 'pending') AS pending,
                      (SELECT COUNT(*) FROM outbox WHERE status = 'failed') AS failed,
                      (SELECT COUNT(*) FROM outbox WHERE status = 'sent') AS sent"""
        )[0]
        return {k: int(v) for k, v in row.items()}

    def status(self, *, now: float) -> dict[str, Any]:
        """Everything `news-monitor status` shows, read in one go (works while the daemon runs)."""
        day = now - 86400
        topics = self._rows(
            """SELECT t.topic AS topic, COUNT(DISTINCT t.article) AS articles,
                      COUNT(DISTINCT m.event) AS events
               FROM matches t LEFT JOIN mentions m ON m.article = t.article AND m.at >= ?
               WHERE t.at >= ? GROUP BY t.topic ORDER BY t.topic""",
            (day, day),
        )
        outbox = self._rows(
            """SELECT COUNT(*) FILTER (WHERE status = 'pending') AS pending,
                      COUNT(*) FILTER (WHERE status = 'failed') AS failed,
                      COUNT(*) FILTER (WHERE status = 'sent' AND sent_at >= ?) AS sent_24h,
                      MIN(created_at) FILTER (WHERE status = 'pending') AS oldest_pending
               FROM outbox""",
            (day,),
        )[0]
        cycle = self._rows("SELECT * FROM cycles WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1")
        size = 0
        if self.path is not None:
            size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file())
        return {
            "feeds": [vars(s) for s in self.feed_states()],
            "topics": topics,
            "outbox": outbox,
            "last_cycle": cycle[0] if cycle else None,
            "articles": self.counts()["articles"],
            "database_bytes": size,
        }

    def ping(self) -> None:
        """A cheap round trip (the watchdog's proof of life); raises StoreError when it fails."""
        self._rows("SELECT 1 AS ok FROM feeds LIMIT 1")

    def integrity_ok(self) -> bool:
        return bool(self._rows("PRAGMA integrity_check")[0]["integrity_check"] == "ok")


def identity_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _hits_json(m: Match) -> str:
    return json.dumps(
        [{"term": h.term, "field": h.field, "start": h.start, "end": h.end, "snippet": h.snippet} for h in m.hits],
        ensure_ascii=False,
    )


@contextmanager
def _translated(what: str) -> Iterator[None]:
    """Turn sqlite3 errors into StoreError with words a user can act on."""
    try:
        yield
    except sqlite3.OperationalError as e:
        text = str(e)
        if "locked" in text or "busy" in text:
            raise StoreError(f"{what}: the database is locked by another process (a backup or a sqlite3 shell?); will retry") from e
        if "full" in text or "disk I/O error" in text:
            raise StoreError(
                f"{what}: the database cannot grow ({text}: disk full or a file size limit?); "
                "nothing is lost: free space and the daemon carries on"
            ) from e
        raise StoreError(f"{what}: {text}") from e
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{what}: {e}") from e
    except OSError as e:
        raise StoreError(f"{what}: {e.strerror or e}") from e


def now_ts() -> float:
    return time.time()
