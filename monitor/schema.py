"""The database schema: every change a migration, applied in order, never edited once released.

Tables: feeds (per-feed poll state and health), articles and their topic matches, events with
their blocking keys and mentions (GDELT's events-and-mentions model), article fingerprints and
their sampled index keys (near-duplicates), the alert outbox, cycles (for `status`), and seen
(identity hashes of pruned articles). `monitor.store` reads and writes them; nothing else does.
"""

from __future__ import annotations

import sqlite_utils

migrations = sqlite_utils.Migrations("monitor")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE feeds (
            url TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            first_poll_at REAL,
            last_poll_at REAL,
            last_success_at REAL,
            last_status INTEGER,
            last_error TEXT,
            last_error_at REAL,
            failing_since REAL,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            items_seen INTEGER NOT NULL DEFAULT 0,
            last_items INTEGER,
            next_poll_at REAL NOT NULL DEFAULT 0,
            warning TEXT
        );
        CREATE TABLE articles (
            key TEXT PRIMARY KEY,
            url TEXT,
            title TEXT NOT NULL,
            summary TEXT NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            published TEXT,
            feed TEXT NOT NULL,
            first_seen REAL NOT NULL
        );
        CREATE INDEX articles_first_seen ON articles(first_seen);
        CREATE TABLE matches (
            article TEXT NOT NULL REFERENCES articles(key) ON DELETE CASCADE,
            topic TEXT NOT NULL,
            terms TEXT NOT NULL,
            hits TEXT NOT NULL,
            at REAL NOT NULL,
            PRIMARY KEY (article, topic)
        );
        CREATE INDEX matches_topic_at ON matches(topic, at);
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            target TEXT NOT NULL,
            url_hash TEXT NOT NULL,
            topics TEXT NOT NULL,
            article TEXT,
            kind TEXT NOT NULL,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            body_format TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            created_at REAL NOT NULL,
            next_attempt_at REAL NOT NULL,
            sent_at REAL,
            last_error TEXT
        );
        CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
        CREATE TABLE seen (
            key TEXT PRIMARY KEY,
            at REAL NOT NULL
        );
        CREATE TABLE cycles (
            id INTEGER PRIMARY KEY,
            started_at REAL NOT NULL,
            finished_at REAL,
            feeds INTEGER NOT NULL DEFAULT 0,
            failed INTEGER NOT NULL DEFAULT 0,
            new_articles INTEGER NOT NULL DEFAULT 0,
            alerts INTEGER NOT NULL DEFAULT 0
        );
        """
    )


@migrations()
def m002_events(db: sqlite_utils.Database) -> None:
    """Events and their mentions (GDELT's model: one event, many sources), the blocking keys
    that make "known or new?" an index lookup, and article fingerprints for near-duplicates."""
    db.executescript(
        """
        CREATE TABLE events (
            uid TEXT PRIMARY KEY,
            type TEXT NOT NULL,
            date TEXT,
            place TEXT,
            actors TEXT NOT NULL,
            killed INTEGER,
            injured INTEGER,
            evidence TEXT NOT NULL,
            background INTEGER NOT NULL DEFAULT 0,
            article TEXT,
            anchor TEXT,
            first_seen REAL NOT NULL,
            updated_at REAL NOT NULL
        );
        CREATE INDEX events_first_seen ON events(first_seen);
        CREATE TABLE event_keys (
            key TEXT NOT NULL,
            event TEXT NOT NULL REFERENCES events(uid) ON DELETE CASCADE,
            PRIMARY KEY (key, event)
        ) WITHOUT ROWID;
        CREATE TABLE mentions (
            event TEXT NOT NULL REFERENCES events(uid) ON DELETE CASCADE,
            article TEXT NOT NULL,
            at REAL NOT NULL,
            PRIMARY KEY (event, article)
        ) WITHOUT ROWID;
        CREATE INDEX mentions_article ON mentions(article);
        CREATE TABLE fingerprints (
            article TEXT PRIMARY KEY,
            shingles BLOB NOT NULL,
            alerted_at REAL
        );
        CREATE INDEX fingerprints_alerted ON fingerprints(alerted_at);
        """
    )


@migrations()
def m003_delivery(db: sqlite_utils.Database) -> None:
    """Delivery shaping (issue 6): an alert's toll for urgent_if, why it is held and until when,
    the digest that carried it; and each feed's source-health episode."""
    db.executescript(
        """
        ALTER TABLE outbox ADD COLUMN killed INTEGER;
        ALTER TABLE outbox ADD COLUMN injured INTEGER;
        ALTER TABLE outbox ADD COLUMN hold TEXT;
        ALTER TABLE outbox ADD COLUMN digest INTEGER;
        CREATE INDEX outbox_channel ON outbox(target, url_hash, status, id);
        CREATE INDEX outbox_digest ON outbox(digest) WHERE digest IS NOT NULL;
        ALTER TABLE feeds ADD COLUMN health_problem TEXT;
        ALTER TABLE feeds ADD COLUMN health_detail TEXT;
        ALTER TABLE feeds ADD COLUMN health_since REAL;
        ALTER TABLE feeds ADD COLUMN health_polls INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE feeds ADD COLUMN health_seen_poll REAL;
        ALTER TABLE feeds ADD COLUMN health_alerted_at REAL;
        CREATE INDEX articles_feed_seen ON articles(feed, first_seen);
        """
    )


@migrations()
def m004_near_duplicate_index(db: sqlite_utils.Database) -> None:
    """Sampled shingle hashes of alerted articles, so a near-duplicate lookup reads a handful of
    candidates through an index instead of every fingerprint of the week."""
    db.executescript(
        """
        CREATE TABLE fingerprint_keys (
            key INTEGER NOT NULL,
            article TEXT NOT NULL,
            alerted_at REAL NOT NULL
        );
        CREATE INDEX fingerprint_keys_key ON fingerprint_keys(key, alerted_at);
        CREATE INDEX fingerprint_keys_article ON fingerprint_keys(article);
        """
    )


@migrations()
def m005_reported_dates(db: sqlite_utils.Database) -> None:
    """Whether an event's date is the day it was reported (a police statement), not its own:
    identity then takes it as "that day or up to a week before"."""
    db.executescript("ALTER TABLE events ADD COLUMN reported INTEGER NOT NULL DEFAULT 0;")
