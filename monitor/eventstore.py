"""Events, their sources and the fingerprints of alerted articles, in the SQLite store.

Mixed into monitor.store.Store (`Store` is an `EventQueries`), so a poll's events are written in
the store's transaction with its articles. What dedup needs is an index lookup, never a scan:

- `candidate_events(keys)`: stored events that share a blocking key (table event_keys) with a
  new one;
- `near_candidates(fp)`: alerted articles that share a sampled shingle (table fingerprint_keys,
  `sample_keys`) with a new article's fingerprint, most shared first.

`events()` lists events newest first with the articles that mention them (table mentions).
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from monitor.models import Event, KnownEvent

__all__ = ["MAX_SAMPLE_KEYS", "SAMPLE_MODULUS", "EventQueries", "sample_keys"]


class EventQueries:
    """The events' reads and writes, for `Store` to inherit (it provides transaction and _rows)."""

    if TYPE_CHECKING:

        def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...

        def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]: ...

    @staticmethod
    def _write_events(
        conn: sqlite3.Connection,
        *,
        new: Iterable[tuple[KnownEvent, Sequence[str]]],
        updated: Mapping[str, Event],
        mentions: Iterable[tuple[str, str]],
        fingerprints: Sequence[tuple[str, frozenset[int], bool]],
        now: float,
    ) -> None:
        """New events with their blocking keys, updated ones, mentions and fingerprints, in the
        caller's transaction."""
        for known, keys in new:
            conn.execute(
                """INSERT OR IGNORE INTO events (uid, type, date, place, actors, killed, injured, evidence,
                   background, article, anchor, first_seen, updated_at, reported) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                _event_row(known, now),
            )
            conn.executemany(
                "INSERT OR IGNORE INTO event_keys (key, event) VALUES (?, ?)", [(k, known.uid) for k in keys]
            )
        for uid, e in updated.items():
            actors = json.dumps(list(e.actors), ensure_ascii=False)
            conn.execute(
                """UPDATE events SET date = ?, place = ?, actors = ?, killed = ?, injured = ?, updated_at = ?,
                   reported = ? WHERE uid = ?""",
                (e.date, e.place, actors, e.killed, e.injured, now, int(e.reported), uid),
            )
        conn.executemany(
            "INSERT OR IGNORE INTO mentions (event, article, at) VALUES (?, ?, ?)",
            [(uid, art, now) for uid, art in mentions],
        )
        conn.executemany(
            "INSERT OR REPLACE INTO fingerprints (article, shingles, alerted_at) VALUES (?, ?, ?)",
            [(art, _pack(fp), now if alerted else None) for art, fp, alerted in fingerprints],
        )
        conn.executemany(
            "INSERT INTO fingerprint_keys (key, article, alerted_at) VALUES (?, ?, ?)",
            [(_signed(k), art, now) for art, fp, alerted in fingerprints if alerted for k in sample_keys(fp)],
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


def _event_row(known: KnownEvent, now: float) -> tuple[Any, ...]:
    """The values of a new events row (first seen and updated now); _known_event reads it back."""
    e = known.event
    return (
        known.uid,
        e.type,
        e.date,
        e.place,
        json.dumps(list(e.actors), ensure_ascii=False),
        e.killed,
        e.injured,
        e.evidence,
        int(e.background),
        e.article,
        known.anchor.isoformat() if known.anchor else None,
        now,
        now,
        int(e.reported),
    )


def _known_event(row: dict[str, Any]) -> KnownEvent:
    event = Event(
        type=row["type"],
        date=row["date"],
        place=row["place"],
        actors=tuple(json.loads(row["actors"])),
        killed=row["killed"],
        injured=row["injured"],
        evidence=row["evidence"],
        background=bool(row["background"]),
        article=row["article"],
        reported=bool(row["reported"]),
    )
    anchor = datetime.fromisoformat(row["anchor"]) if row["anchor"] else None
    return KnownEvent(uid=row["uid"], event=event, anchor=anchor)
