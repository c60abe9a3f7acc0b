"""All state in one SQLite file: feeds, articles, topic matches, the alert outbox.

The only module that imports sqlite_utils. WAL mode, a busy timeout so a user's backup or
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
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from monitor import schema
from monitor.errors import StoreError
from monitor.models import Article, Event, KnownEvent, Match

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
class OutboxItem:
    """An alert to deliver: one row per (alert target, apprise URL)."""

    key: str  # idempotency key: kind|subject|target|url_hash
    target: str
    url_hash: str
    topics: tuple[str, ...]
    article: str | None
    kind: str  # "article", "event", "update", "health", "digest", "fallback", "test"
    title: str
    body: str
    body_format: str = "text"
    id: int | None = None
    status: str = "pending"  # pending, sent, failed; folded: carried by the digest row `digest`
    attempts: int = 0
    created_at: float = 0.0
    next_attempt_at: float = 0.0  # for a held row: when its digest is due
    sent_at: float | None = None
    last_error: str | None = None
    killed: int | None = None  # the alert's figures, for urgent_if
    injured: int | None = None
    hold: str | None = None  # why it waits for a digest: digest, quiet or cap (None: in line to send)
    digest: int | None = None


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


class Store:
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
            self._write_events(conn, results, now)
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

    # ------------------------------------------------------------------ events

    @staticmethod
    def _write_events(conn: sqlite3.Connection, results: FeedResults, now: float) -> None:
        for known, keys in results.new_events:
            e = known.event
            conn.execute(
                """INSERT OR IGNORE INTO events (uid, type, date, place, actors, killed, injured, evidence,
                   background, article, anchor, first_seen, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                (known.uid, e.type, e.date, e.place, json.dumps(list(e.actors), ensure_ascii=False), e.killed,
                 e.injured, e.evidence, int(e.background), e.article,
                 known.anchor.isoformat() if known.anchor else None, now, now),
            )
            conn.executemany("INSERT OR IGNORE INTO event_keys (key, event) VALUES (?, ?)", [(k, known.uid) for k in keys])
        for uid, e in results.updated_events.items():
            conn.execute(
                """UPDATE events SET date = ?, place = ?, actors = ?, killed = ?, injured = ?, updated_at = ?
                   WHERE uid = ?""",
                (e.date, e.place, json.dumps(list(e.actors), ensure_ascii=False), e.killed, e.injured, now, uid),
            )
        conn.executemany("INSERT OR IGNORE INTO mentions (event, article, at) VALUES (?, ?, ?)",
                         [(uid, art, now) for uid, art in results.mentions])
        conn.executemany(
            "INSERT OR REPLACE INTO fingerprints (article, shingles, alerted_at) VALUES (?, ?, ?)",
            [(art, _pack(fp), now if alerted else None) for art, fp, alerted in results.fingerprints],
        )
        conn.executemany(
            "INSERT INTO fingerprint_keys (key, article, alerted_at) VALUES (?, ?, ?)",
            [(_signed(k), art, now) for art, fp, alerted in results.fingerprints if alerted for k in sample_keys(fp)],
        )

    def candidate_events(self, keys: Sequence[str]) -> list[KnownEvent]:
        """Stored events sharing a blocking key with a new one: an index lookup, never a scan."""
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = self._rows(
            f"""SELECT * FROM events WHERE uid IN (SELECT DISTINCT event FROM event_keys WHERE key IN ({marks}))""",
            keys,
        )
        return [_known_event(r) for r in rows]

    def near_candidates(self, fp: frozenset[int], *, since: float, limit: int = 20) -> list[frozenset[int]]:
        """Fingerprints of articles alerted since `since` that share a sampled shingle with `fp`,
        most shared first: the only ones worth comparing (an index lookup, never a scan)."""
        keys = [_signed(k) for k in sample_keys(fp)]
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = self._rows(
            f"""SELECT f.shingles FROM fingerprints f JOIN (
                    SELECT article, COUNT(*) AS shared FROM fingerprint_keys
                    WHERE key IN ({marks}) AND alerted_at >= ? GROUP BY article ORDER BY shared DESC LIMIT ?
                ) c ON c.article = f.article""",
            [*keys, since, limit],
        )
        return [_unpack(r["shingles"]) for r in rows]

    def events(
        self, *, topic: str | None = None, since: float = 0.0, limit: int = -1, news_only: bool = False
    ) -> list[tuple[KnownEvent, list[dict[str, Any]]]]:
        """Events first seen since `since` (optionally in one topic; only news, not background, when
        asked), newest first, at most `limit` (-1: all), each with its sources."""
        sql = "SELECT * FROM events WHERE first_seen >= ?"
        params: list[Any] = [since]
        if topic:
            sql += """ AND uid IN (SELECT m.event FROM mentions m JOIN matches t ON t.article = m.article
                       WHERE t.topic = ?)"""
            params.append(topic)
        if news_only:
            sql += " AND background = 0"
        out = []
        for row in self._rows(sql + " ORDER BY first_seen DESC, uid LIMIT ?", [*params, limit]):
            sources = self._rows(
                """SELECT a.key, a.url, a.title, a.feed, a.published FROM mentions m JOIN articles a
                   ON a.key = m.article WHERE m.event = ? ORDER BY m.at""",
                (row["uid"],),
            )
            out.append((_known_event(row), sources))
        return out

    # ------------------------------------------------------------------ outbox

    @staticmethod
    def _insert_outbox(conn: sqlite3.Connection, items: Iterable[OutboxItem], now: float) -> int:
        created = 0
        for it in items:
            cur = conn.execute(
                """INSERT OR IGNORE INTO outbox (key, target, url_hash, topics, article, kind, title, body,
                   body_format, created_at, next_attempt_at, killed, injured)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (it.key, it.target, it.url_hash, json.dumps(it.topics), it.article, it.kind, it.title, it.body,
                 it.body_format, now, now, it.killed, it.injured),
            )
            created += cur.rowcount
        return created

    def enqueue(self, items: Sequence[OutboxItem], *, now: float) -> int:
        with self.transaction() as conn:
            return self._insert_outbox(conn, items, now)

    def due_alerts(self, now: float, limit: int = 100) -> list[OutboxItem]:
        rows = self._rows(
            "SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?",
            (now, limit),
        )
        return [_outbox_item(r) for r in rows]

    def outbox(self, *, statuses: Sequence[str] = ("pending", "failed")) -> list[OutboxItem]:
        marks = ",".join("?" * len(statuses))
        return [_outbox_item(r) for r in self._rows(f"SELECT * FROM outbox WHERE status IN ({marks}) ORDER BY id", statuses)]

    def mark_sent(self, item_id: int, *, now: float) -> None:
        """The row was delivered; so were the alerts a digest row carried."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
                (now, item_id),
            )
            conn.execute("UPDATE outbox SET status = 'sent', sent_at = ? WHERE digest = ? AND status = 'folded'",
                         (now, item_id))

    def channels(self) -> list[tuple[str, str]]:
        """(target, url_hash) of every channel with undelivered alerts, in order of its oldest one."""
        rows = self._rows("""SELECT target, url_hash, MIN(id) AS first FROM outbox WHERE status = 'pending'
                             GROUP BY target, url_hash ORDER BY first""")
        return [(r["target"], r["url_hash"]) for r in rows]

    def queue(self, target: str, url_hash: str, *, limit: int = 100) -> list[OutboxItem]:
        """The channel's alerts in line to be sent (not held for a digest), oldest first."""
        rows = self._rows(
            """SELECT * FROM outbox WHERE target = ? AND url_hash = ? AND status = 'pending' AND hold IS NULL
               ORDER BY id LIMIT ?""",
            (target, url_hash, limit),
        )
        return [_outbox_item(r) for r in rows]

    def held(self, target: str, url_hash: str) -> list[tuple[OutboxItem, str | None]]:
        """The channel's alerts waiting for a digest, oldest first, with their article's link."""
        rows = self._rows(
            """SELECT o.*, a.url AS article_url FROM outbox o LEFT JOIN articles a ON a.key = o.article
               WHERE o.target = ? AND o.url_hash = ? AND o.status = 'pending' AND o.hold IS NOT NULL
               ORDER BY o.id""",
            (target, url_hash),
        )
        return [(_outbox_item({k: v for k, v in r.items() if k != "article_url"}), r["article_url"]) for r in rows]

    def reroute(self, target: str, old_hash: str, new_hash: str) -> None:
        """Move a target's undelivered alerts from a URL it no longer has to its new one."""
        with self.transaction() as conn:
            conn.execute("UPDATE outbox SET url_hash = ? WHERE target = ? AND url_hash = ? AND status = 'pending'",
                         (new_hash, target, old_hash))

    def hold(self, item_id: int, reason: str, *, until: float) -> None:
        """Take an alert out of line until its digest is due (`until`)."""
        with self.transaction() as conn:
            conn.execute("UPDATE outbox SET hold = ?, next_attempt_at = ? WHERE id = ?", (reason, until, item_id))

    def fold(self, members: Sequence[int], digest: OutboxItem, *, now: float) -> int:
        """Write the digest row and mark `members` as carried by it, in one transaction; returns its id."""
        with self.transaction() as conn:
            self._insert_outbox(conn, [digest], now)
            (digest_id,) = conn.execute("SELECT id FROM outbox WHERE key = ?", (digest.key,)).fetchone()
            conn.executemany("UPDATE outbox SET status = 'folded', digest = ? WHERE id = ? AND status = 'pending'",
                             [(digest_id, m) for m in members])
        return int(digest_id)

    def sent_since(self, target: str, url_hash: str, since: float) -> list[float]:
        """When the channel's messages (digests count once, not their alerts) went out since `since`."""
        rows = self._rows(
            """SELECT sent_at FROM outbox WHERE target = ? AND url_hash = ? AND status = 'sent' AND digest IS NULL
               AND sent_at >= ? ORDER BY sent_at""",
            (target, url_hash, since),
        )
        return [float(r["sent_at"]) for r in rows]

    def give_up(self, item_id: int, error: str, fallback: Sequence[OutboxItem], *, now: float) -> None:
        """Mark an alert failed (it stays visible) and queue the fallback target's notice with it."""
        with self.transaction() as conn:
            conn.execute("UPDATE outbox SET attempts = attempts + 1, last_error = ?, status = 'failed' WHERE id = ?",
                         (error, item_id))
            self._insert_outbox(conn, fallback, now)

    def mark_failed_attempt(self, item_id: int, error: str, *, next_attempt_at: float | None) -> None:
        """Record a failed attempt: retry at next_attempt_at, or give up (status 'failed') when None."""
        with self.transaction() as conn:
            conn.execute(
                """UPDATE outbox SET attempts = attempts + 1, last_error = ?,
                   status = CASE WHEN ? IS NULL THEN 'failed' ELSE 'pending' END,
                   next_attempt_at = COALESCE(?, next_attempt_at) WHERE id = ?""",
                (error, next_attempt_at, next_attempt_at, item_id),
            )

    def retry(self, item_id: int | None, *, now: float) -> int:
        """Requeue one failed alert (or all of them): they are sent again on the next delivery."""
        with self.transaction() as conn:
            sql = ("UPDATE outbox SET status = 'pending', hold = NULL, next_attempt_at = ?, created_at = ? "
                   "WHERE status = 'failed'")
            params: tuple[Any, ...] = (now, now)
            if item_id is not None:
                sql += " AND id = ?"
                params += (item_id,)
            return conn.execute(sql, params).rowcount

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
        return self._rows("PRAGMA integrity_check")[0]["integrity_check"] == "ok"


def identity_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


SAMPLE_MODULUS = 16  # about one shingle in 16 is an index key
MAX_SAMPLE_KEYS = 64


def sample_keys(fp: frozenset[int]) -> list[int]:
    """Content-defined sample of a fingerprint: the shingle hashes divisible by SAMPLE_MODULUS
    (at most MAX_SAMPLE_KEYS, the smallest), or the smallest hash when none is. A copy shares the
    sample wherever it shares text, so a truncated republication still finds its original."""
    sample = sorted(h for h in fp if h % SAMPLE_MODULUS == 0)[:MAX_SAMPLE_KEYS]
    return sample or ([min(fp)] if fp else [])


def _signed(h: int) -> int:
    """An unsigned 64-bit hash as SQLite's signed INTEGER."""
    return h - (1 << 64) if h >= 1 << 63 else h


def _pack(fp: frozenset[int]) -> bytes:
    return array("Q", sorted(fp)).tobytes()


def _unpack(blob: bytes) -> frozenset[int]:
    a = array("Q")
    a.frombytes(blob)
    return frozenset(a)


def _known_event(row: dict[str, Any]) -> KnownEvent:
    event = Event(
        type=row["type"], date=row["date"], place=row["place"], actors=tuple(json.loads(row["actors"])),
        killed=row["killed"], injured=row["injured"], evidence=row["evidence"],
        background=bool(row["background"]), article=row["article"],
    )
    anchor = datetime.fromisoformat(row["anchor"]) if row["anchor"] else None
    return KnownEvent(uid=row["uid"], event=event, anchor=anchor)


def _hits_json(m: Match) -> str:
    return json.dumps(
        [{"term": h.term, "field": h.field, "start": h.start, "end": h.end, "snippet": h.snippet} for h in m.hits],
        ensure_ascii=False,
    )


def _outbox_item(row: dict[str, Any]) -> OutboxItem:
    row = dict(row)
    row["topics"] = tuple(json.loads(row["topics"]))
    return OutboxItem(**row)


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
