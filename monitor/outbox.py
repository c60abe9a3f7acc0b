"""The alert outbox: one row per alert and channel, in the same SQLite file as everything else.

Mixed into monitor.store.Store (`Store` is an `OutboxQueries`), so the rows an article or a
health episode causes are written in the store's transaction with it (`insert_outbox`), and
delivery reads and marks them through the same `Store`. A row's `key` is its idempotency key:
inserting it twice creates nothing. Rows move pending ─► sent, or ─► failed (still listed, and
`retry` puts them back), or ─► folded into the digest row that carries them; none is deleted
undelivered.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

__all__ = ["OutboxItem", "OutboxQueries"]


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


class OutboxQueries:
    """The outbox's reads and writes, for `Store` to inherit (it provides transaction and _rows)."""

    if TYPE_CHECKING:

        def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...

        def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]: ...

    @staticmethod
    def _insert_outbox(conn: sqlite3.Connection, items: Iterable[OutboxItem], now: float) -> int:
        created = 0
        for it in items:
            cur = conn.execute(
                """INSERT OR IGNORE INTO outbox (key, target, url_hash, topics, article, kind, title, body,
                   body_format, created_at, next_attempt_at, killed, injured)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    it.key,
                    it.target,
                    it.url_hash,
                    json.dumps(it.topics),
                    it.article,
                    it.kind,
                    it.title,
                    it.body,
                    it.body_format,
                    now,
                    now,
                    it.killed,
                    it.injured,
                ),
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
        return [
            _outbox_item(r)
            for r in self._rows(f"SELECT * FROM outbox WHERE status IN ({marks}) ORDER BY id", statuses)
        ]

    def mark_sent(self, item_id: int, *, now: float) -> None:
        """The row was delivered; so were the alerts a digest row carried."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
                (now, item_id),
            )
            conn.execute(
                "UPDATE outbox SET status = 'sent', sent_at = ? WHERE digest = ? AND status = 'folded'",
                (now, item_id),
            )

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
        return [
            (_outbox_item({k: v for k, v in r.items() if k != "article_url"}), r["article_url"]) for r in rows
        ]

    def reroute(self, target: str, old_hash: str, new_hash: str) -> None:
        """Move a target's undelivered alerts from a URL it no longer has to its new one."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE outbox SET url_hash = ? WHERE target = ? AND url_hash = ? AND status = 'pending'",
                (new_hash, target, old_hash),
            )

    def hold(self, item_id: int, reason: str, *, until: float) -> None:
        """Take an alert out of line until its digest is due (`until`)."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE outbox SET hold = ?, next_attempt_at = ? WHERE id = ?", (reason, until, item_id)
            )

    def fold(self, members: Sequence[int], digest: OutboxItem, *, now: float) -> int:
        """Write the digest row and mark `members` as carried by it, in one transaction; returns its id."""
        with self.transaction() as conn:
            self._insert_outbox(conn, [digest], now)
            (digest_id,) = conn.execute("SELECT id FROM outbox WHERE key = ?", (digest.key,)).fetchone()
            conn.executemany(
                "UPDATE outbox SET status = 'folded', digest = ? WHERE id = ? AND status = 'pending'",
                [(digest_id, m) for m in members],
            )
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
            conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, status = 'failed' WHERE id = ?",
                (error, item_id),
            )
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
            sql = (
                "UPDATE outbox SET status = 'pending', hold = NULL, next_attempt_at = ?, created_at = ? "
                "WHERE status = 'failed'"
            )
            params: tuple[Any, ...] = (now, now)
            if item_id is not None:
                sql += " AND id = ?"
                params += (item_id,)
            return conn.execute(sql, params).rowcount


def _outbox_item(row: dict[str, Any]) -> OutboxItem:
    row = dict(row)
    row["topics"] = tuple(json.loads(row["topics"]))
    return OutboxItem(**row)
