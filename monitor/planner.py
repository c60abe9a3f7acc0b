"""Deciding what to alert: pure functions over new articles, their topic matches and events.

The rules (issue 5 on top of issue 2):

- an article in a topic with at least one new, non-background event: one alert listing its
  new events, with the article's title and link;
- an article whose events are all known: no alert; it becomes a mention (a source) of them;
- a known event whose killed or injured count rises: one update alert naming the change,
  with the new source;
- an article with no extractable event, or only background ones: an article alert, unless it
  is a near-duplicate of an article alerted in the last 7 days;
- nothing is alerted for an item older than `max_age` (nor, on a feed's first poll, for an
  undated one), so adding a feed or a topic does not flood. Its events are still stored.

Known events come from a lookup function (the store's index on blocking keys), and events new
in this batch are looked up too, so two articles of one poll reporting one happening make one
event. No I/O happens here; the scheduler passes the lookups in and writes the plan.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from monitor import dedup
from monitor.models import Article, Event, KnownEvent, Match

NEAR_DUPLICATE_DAYS = 7


@dataclass
class ArticlePlan:
    article: Article
    matches: Sequence[Match]
    events: list[Event] = field(default_factory=list)  # everything extracted
    new: list[KnownEvent] = field(default_factory=list)  # new, non-background events
    updates: list[tuple[KnownEvent, dict[str, tuple[int | None, int]]]] = field(default_factory=list)
    known: list[str] = field(default_factory=list)  # uids of known events it mentions
    fingerprint: frozenset[int] = frozenset()
    kind: str | None = None  # "event", "article" or None (no alert)
    alertable: bool = True  # False for an item too old to alert (max_age): not even an update alert


@dataclass
class EventPlan:
    articles: list[ArticlePlan]
    new_events: list[tuple[KnownEvent, list[str]]]  # with their blocking keys
    mentions: list[tuple[str, str]]  # (event uid, article key)
    updated: dict[str, Event]  # uid -> merged event


def event_uid(event: Event, article_key: str) -> str:
    raw = f"{article_key}|{event.type}|{event.date}|{event.place}|{event.evidence}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:20]


def plan(
    items: Sequence[tuple[Article, Sequence[Match], list[Event]]],
    *,
    lookup: Callable[[list[str]], list[KnownEvent]],
    near_candidates: Callable[[frozenset[int]], list[frozenset[int]]],
    alertable: Callable[[Article], bool],
) -> EventPlan:
    """Decide, article by article, which events are new, which known, which updated, and which
    kind of alert (if any) each article produces."""
    out = EventPlan(articles=[], new_events=[], mentions=[], updated={})
    batch: list[tuple[KnownEvent, list[str]]] = []
    batch_prints: list[frozenset[int]] = []  # articles of this batch that alert
    for article, matches, events in items:
        ap = ArticlePlan(article, matches, events=events)
        ap.fingerprint = dedup.fingerprint("\n".join((article.title, article.summary, article.text)))
        for ev in events:
            _place_event(ap, ev, lookup, batch, out)
        out.articles.append(ap)
        if not matches:
            continue
        ap.kind = _alert_kind(ap, batch_prints, near_candidates, alertable(article))
        if ap.kind:
            batch_prints.append(ap.fingerprint)
    out.new_events = batch
    return out


def _place_event(
    ap: ArticlePlan, ev: Event, lookup: Callable[[list[str]], list[KnownEvent]],
    batch: list[tuple[KnownEvent, list[str]]], out: EventPlan,
) -> None:
    pub = ap.article.published
    keys = dedup.blocking_keys(ev, pub)
    candidates = lookup(keys) + [k for k, ks in batch if set(ks) & set(keys)]
    for cand in candidates:
        current = out.updated.get(cand.uid, cand.event)  # as merged earlier in this batch
        if dedup.same_event(current, cand.anchor, ev, pub):
            merged, changes = dedup.merge(current, ev)
            out.mentions.append((cand.uid, ap.article.key))
            ap.known.append(cand.uid)
            if merged != current:
                out.updated[cand.uid] = merged
            if changes and not ev.background:
                ap.updates.append((replace(cand, event=merged), changes))
            return
    known = KnownEvent(event_uid(ev, ap.article.key), replace(ev, article=ap.article.key), pub)
    batch.append((known, keys))
    out.mentions.append((known.uid, ap.article.key))
    if not ev.background:
        ap.new.append(known)


def _alert_kind(ap: ArticlePlan, batch: list[frozenset[int]],
                near_candidates: Callable[[frozenset[int]], list[frozenset[int]]], alertable: bool) -> str | None:
    """"event" (new news events), "article" (no news event, not a near-duplicate of one alerted
    in the last NEAR_DUPLICATE_DAYS days) or None: too old, or all its events already known."""
    ap.alertable = alertable
    if not alertable:
        return None
    if ap.new:
        return "event"
    if any(not e.background for e in ap.events):
        return None
    if any(dedup.near_duplicate(ap.fingerprint, fp) for fp in (*batch, *near_candidates(ap.fingerprint))):
        return None
    return "article"
