"""The plain data passed between pipeline stages.

One article's way through the house:

    FeedConfig ─fetch─► FetchResult ─feeds.parse_feed─► ParsedFeed(Entry...)
      ─identity─► Article ─topics.Matcher.match─► Match(Hit...)
      ─pages.extract─► Page ─events.extract_events─► Event ─store─► outbox ─alerts─► apprise

Every class here is frozen: stages return new values, they never mutate what they receive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# --------------------------------------------------------------------------- fetch


@dataclass(frozen=True)
class FetchResult:
    """What one HTTP request produced (the body is already decompressed and size-capped)."""

    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int  # 200, or 304 when not modified
    content: bytes = b""
    content_type: str | None = None  # the Content-Type header, with any charset parameter
    etag: str | None = None
    last_modified: str | None = None
    cache_max_age: int | None = None  # seconds, from Cache-Control: max-age

    @property
    def not_modified(self) -> bool:
        return self.status == 304


# --------------------------------------------------------------------------- feeds


@dataclass(frozen=True)
class Entry:
    """One item of a feed, as read. Text fields are plain text (markup stripped, entities decoded)."""

    id: str | None  # guid / atom:id / rdf:about, as given (not normalised)
    link: str | None  # absolute URL (xml:base and the feed URL resolved)
    title: str = ""
    summary: str = ""
    published: datetime | None = None  # timezone-aware; None when absent or unparseable
    content: str = ""  # plain text of content:encoded / atom:content when the feed carries it


@dataclass(frozen=True)
class ParsedFeed:
    title: str = ""
    link: str | None = None
    entries: tuple[Entry, ...] = ()
    ttl: int | None = None  # minutes, from RSS <ttl>
    warnings: tuple[str, ...] = ()  # things recovered from (bare &, junk before root, ...)


# --------------------------------------------------------------------------- articles


@dataclass(frozen=True)
class Article:
    """An article as the pipeline knows it. `key` is its identity (canonical URL or content hash)."""

    key: str
    url: str | None
    title: str
    summary: str
    feed: str  # the feed's name, as configured
    published: datetime | None = None
    text: str = ""  # full text, once the page was fetched (or content:encoded)


@dataclass(frozen=True)
class Page:
    """What pages.extract() read from an article page."""

    url: str | None
    title: str = ""
    lead: str = ""  # sapo
    paragraphs: tuple[str, ...] = ()
    published: datetime | None = None
    updated: datetime | None = None
    author: str | None = None
    canonical_url: str | None = None
    rule: str | None = None  # the site rule used, or "generic"
    warnings: tuple[str, ...] = ()  # e.g. "site rule for vnexpress.net no longer matches"

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


# --------------------------------------------------------------------------- topics


@dataclass(frozen=True)
class Topic:
    """A watched topic, as written in a `[[topic]]` table (see README: "Writing topics")."""

    id: str
    name: str
    terms: tuple[str, ...] = ()  # case-insensitive, whole words, diacritics significant
    exact_case: tuple[str, ...] = ()  # match only with exactly this capitalisation
    ignore: tuple[str, ...] = ()  # phrases inside which an occurrence does not count
    exclude: tuple[str, ...] = ()  # an article containing one of these is never in the topic
    fold_accents: bool = False  # match without diacritics (and đ = d)
    fields: tuple[str, ...] = ("title", "summary", "text")


@dataclass(frozen=True)
class Hit:
    """One occurrence of a term. Offsets refer to the field's text as given (not normalised)."""

    term: str  # the term as the user wrote it in the topic
    field: str  # "title", "summary" or "text"
    start: int
    end: int
    snippet: str = ""


@dataclass(frozen=True)
class Match:
    topic: str  # topic id
    hits: tuple[Hit, ...]
    ignored: tuple[Hit, ...] = ()  # occurrences masked by an `ignore` phrase
    excluded_by: str | None = None  # the `exclude` phrase that vetoed, if any

    @property
    def matched(self) -> bool:
        return bool(self.hits) and self.excluded_by is None

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(h.term for h in self.hits))


# --------------------------------------------------------------------------- events


@dataclass(frozen=True)
class Event:
    type: str  # attack, airstrike, clash, capture, casualties, appeal, meeting, ...
    date: str | None  # YYYY-MM-DD, or None when the text gives no date in reach
    place: str | None
    actors: tuple[str, ...]
    killed: int | None
    injured: int | None
    evidence: str  # the sentence that asserts it
    background: bool = False  # history, not news: stored, never alerted
    article: str | None = None  # key of the article it came from
    # the date is the day it was reported ("Ngày 21-11, cảnh sát cho biết đã bắt giữ ..."), not its
    # own: it happened that day or up to a week before (identity compares it as such)
    reported: bool = False


@dataclass(frozen=True)
class KnownEvent:
    """An event as stored: its stable uid, its current state, and when its story began."""

    uid: str
    event: Event
    anchor: datetime | None  # publication time of the article that first reported it


# --------------------------------------------------------------------------- alerts


@dataclass(frozen=True)
class Message:
    """A rendered notification, ready for apprise."""

    title: str
    body: str
    body_format: str = "text"  # "text", "markdown" or "html"
    tags: tuple[str, ...] = field(default_factory=tuple)
