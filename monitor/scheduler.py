"""The orchestrator: one feed's way from fetch to outbox, a cycle over all feeds, delivery, the daemon.

`process_feed` reads top to bottom as the pipeline (like Miniflux's RefreshFeed):
conditional GET → parse → identity → only new articles → match topics → article pages for the
matched ones → match again on full text → plan alerts → one transaction → next poll time.
It is the only place that catches every exception: one feed's failure is recorded on that feed
and never touches another.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from monitor import alerts, delivery, events, feeds, health, identity, pages, planner, polling
from monitor.config import AlertConfig, Config, FeedConfig
from monitor.delivery import url_hash
from monitor.errors import FetchError, HTTPStatusError, MonitorError, ParseError, RateLimited
from monitor.fetch import Fetcher, FetchLimits
from monitor.models import Article, Entry, Event, Match, ParsedFeed, Topic
from monitor.store import FeedResults, FeedState, OutboxItem, Store
from monitor.topics import Matcher

log = logging.getLogger(__name__)

CONSOLE_TARGET = AlertConfig(name="console", urls=(alerts.CONSOLE,))
MAX_BACKOFF = 6 * 3600.0  # a failing feed is retried at least every 6 hours, never abandoned


@dataclass
class FeedReport:
    feed: str
    ok: bool
    items: int = 0
    new_articles: int = 0
    alerts: int = 0
    error: str | None = None
    warning: str | None = None


@dataclass
class CycleReport:
    feeds: list[FeedReport] = field(default_factory=list)
    sent: int = 0
    delivery_failures: int = 0

    @property
    def failed(self) -> list[FeedReport]:
        return [f for f in self.feeds if not f.ok]

    def summary(self) -> str:
        new = sum(f.new_articles for f in self.feeds)
        queued = sum(f.alerts for f in self.feeds)
        text = (
            f"{len(self.feeds) - len(self.failed)}/{len(self.feeds)} feeds ok, {new} new articles, "
            f"{queued} alerts queued, {self.sent} sent"
        )
        if self.delivery_failures:
            text += f", {self.delivery_failures} delivery failures (see `news-monitor outbox`)"
        return text


@dataclass
class Context:
    """What a cycle needs, built once from a Config and passed explicitly."""

    config: Config
    store: Store
    fetcher: Fetcher
    matcher: Matcher
    clock: Callable[[], float] = time.time

    @property
    def targets(self) -> tuple[AlertConfig, ...]:
        return self.config.alerts or (CONSOLE_TARGET,)


def make_context(config: Config, store: Store, *, clock: Callable[[], float] = time.time) -> Context:
    limits = FetchLimits(max_bytes=config.max_body, deadline=config.deadline)
    fetcher = Fetcher(limits=limits, per_host=config.per_host, max_in_flight=config.max_in_flight)
    store.sync_feeds((f.url, f.name) for f in config.feeds)
    return Context(config, store, fetcher, Matcher(config.topics), clock)


# ---------------------------------------------------------------------------- one feed


async def process_feed(ctx: Context, feed: FeedConfig) -> FeedReport:
    state = ctx.store.feed_state(feed.url)
    now = ctx.clock()
    try:
        result = await ctx.fetcher.get(feed.url, etag=state.etag, last_modified=state.last_modified)
        if result.not_modified:
            when = next_poll_unchanged(feed, state, now, max_age=result.cache_max_age)
            ctx.store.record_not_modified(feed.url, now=now, next_poll_at=when)
            return FeedReport(feed.name, ok=True)
        parsed = parse_document(feed, result.content, result.final_url, result.content_type)
        entries = _dedup_entries(parsed.entries, feed.url)
        known = ctx.store.known_keys(entries)
        fresh = [article_from(feed, e, key) for key, e in entries.items() if key not in known]
        matched = [(a, ctx.matcher.matching(fields_of(a))) for a in fresh]
        matched, page_warnings = await _enrich(ctx, feed, matched, previous=state.warning)
        decided = decide(ctx, matched, first_poll=state.first_poll_at is None, now=now)
        warning = "; ".join([*parsed.warnings, *page_warnings]) or None
        results = FeedResults(
            url=feed.url, status=result.status, etag=result.etag, last_modified=result.last_modified,
            items=len(parsed.entries), articles=fresh,
            matches=[(a.key, m) for a, ms in matched for m in ms], alerts=plan_outbox(ctx, decided),
            next_poll_at=next_poll(feed, now, entries=parsed.entries, first_poll_at=state.first_poll_at,
                                   ttl_minutes=parsed.ttl, max_age=result.cache_max_age),
            warning=warning, new_events=decided.new_events, updated_events=decided.updated,
            mentions=decided.mentions,
            fingerprints=[(ap.article.key, ap.fingerprint, ap.kind is not None) for ap in decided.articles],
        )
        created = ctx.store.save_results(results, now=now)
        return FeedReport(feed.name, True, len(parsed.entries), len(fresh), created, warning=warning)
    except MonitorError as e:
        return _failed(ctx, feed, state.consecutive_failures, now, e)
    except Exception as e:  # the per-feed guard: a bug in one stage must not stop the other feeds
        log.exception("feed=%r internal error", feed.name)
        return _failed(ctx, feed, state.consecutive_failures, now, e)


def _failed(ctx: Context, feed: FeedConfig, failures: int, now: float, error: Exception) -> FeedReport:
    text = ctx.config.redact(describe(error))
    retry_after = error.retry_after if isinstance(error, RateLimited) else None
    status = error.status if isinstance(error, HTTPStatusError) else None
    when = failure_backoff(feed, now, failures + 1, retry_after)
    try:
        ctx.store.record_failure(feed.url, text, now=now, next_poll_at=when, status=status)
    except MonitorError as e:
        log.error("feed=%r could not record its failure: %s", feed.name, e)
    log.debug("feed=%r failed: %s", feed.name, text)  # reported by the caller (once, the daemon's tick)
    return FeedReport(feed.name, ok=False, error=text)


def describe(error: Exception) -> str:
    if isinstance(error, MonitorError):
        return str(error)
    return f"internal error ({type(error).__name__}: {error}); please report it"


def parse_document(feed: FeedConfig, content: bytes, url: str, content_type: str | None) -> ParsedFeed:
    if feed.type == "html":
        return pages.parse_listing(content, url=url, selectors=feed.selectors or None)
    if feed.type == "sitemap":
        return feeds.parse_sitemap(content, url=url)
    try:
        return feeds.parse_feed(content, url=url, content_type=content_type)
    except feeds.NotAFeed as e:
        if e.alternates:
            raise ParseError(
                f"{url} is a web page, not a feed; it announces these feeds: {', '.join(e.alternates)} "
                "— put one of them in the feed's url",
                source=url,
            ) from e
        raise


def _dedup_entries(entries: Sequence[Entry], feed_url: str) -> dict[str, Entry]:
    """Key each entry by its identity; the first of several entries with one identity wins."""
    out: dict[str, Entry] = {}
    for e in entries:
        out.setdefault(identity.article_key(e, feed_url=feed_url), e)
    return out


def article_from(feed: FeedConfig, entry: Entry, key: str) -> Article:
    return Article(
        key=key, url=entry.link, title=entry.title, summary=entry.summary, feed=feed.name,
        published=entry.published, text=entry.content,
    )


def fields_of(article: Article) -> dict[str, str]:
    return {"title": article.title, "summary": article.summary, "text": article.text}


async def _enrich(
    ctx: Context, feed: FeedConfig, matched: list[tuple[Article, list[Match]]], *, previous: str | None = None
) -> tuple[list[tuple[Article, list[Match]]], list[str]]:
    """Fetch the page of each new article that matched (or of every one, for fetch_articles = "all")
    and match again on the full text: a topic may appear only in the body. Also returns the
    site-rule warning of the pages (see _page_rule), for source health."""
    if feed.fetch_articles == "none":
        return matched, []
    wanted = [i for i, (a, ms) in enumerate(matched) if a.url and (ms or feed.fetch_articles == "all")]
    pages_read = await asyncio.gather(*(_read_page(ctx, feed, matched[i][0]) for i in wanted))
    out = list(matched)
    for i, page in zip(wanted, pages_read, strict=True):
        if page and page[0]:
            article = replace(matched[i][0], text=page[0])
            out[i] = (article, ctx.matcher.matching(fields_of(article)))
    return out, _page_rule([p[1] for p in pages_read if p is not None], previous)


async def _read_page(ctx: Context, feed: FeedConfig, article: Article) -> tuple[str, str | None] | None:
    """(text, the page's site-rule warning or None); None when the page could not be read."""
    assert article.url
    try:
        result = await ctx.fetcher.get_page(article.url)
        page = pages.extract(result.content, url=result.final_url, content_type=result.content_type,
                             rule_override=feed.page_rule or None)
    except (FetchError, ParseError) as e:
        log.info("article=%s page not read: %s", article.url, ctx.config.redact(str(e)))
        return None
    rule = next((w for w in page.warnings if w.startswith("site rule")), None)
    return "\n".join(p for p in (page.lead, page.text) if p), rule


def _page_rule(read: list[str | None], previous: str | None) -> list[str]:
    """A site rule counts as broken while every article page read says so; a poll that reads no
    page keeps the last verdict, so a source-health episode does not flap between polls."""
    if not read:
        return [w for w in (previous or "").split("; ") if w.startswith("site rule")]
    first = read[0]
    return [first] if first is not None and all(read) else []


# ---------------------------------------------------------------------------- alerts


def decide(
    ctx: Context, matched: Sequence[tuple[Article, Sequence[Match]]], *, first_poll: bool, now: float
) -> planner.EventPlan:
    """Extract the events of each new article in a topic and decide what is new, known or updated."""
    items = [
        (a, ms, events.extract_events(title=a.title, summary=a.summary, text=a.text, published=a.published,
                                      article=a.key))
        for a, ms in matched
        if ms
    ]
    return planner.plan(
        items,
        lookup=ctx.store.candidate_events,
        near_candidates=lambda fp: ctx.store.near_candidates(fp, since=now - planner.NEAR_DUPLICATE_DAYS * 86400),
        alertable=lambda a: not _too_old(a, now, ctx.config.max_age, first_poll),
    )


def _too_old(article: Article, now: float, max_age: float, first_poll: bool) -> bool:
    """Old items never alert: dated more than max_age ago, or undated on a feed's first poll."""
    if article.published is None:
        return first_poll
    return article.published.timestamp() < now - max_age


def plan_outbox(ctx: Context, decided: planner.EventPlan) -> list[OutboxItem]:
    """One outbox row per (alert, target, apprise URL): the new events of an article, each rise
    in a known event's toll, or the article itself when it has no news event of its own."""
    topics = {t.id: t for t in ctx.config.topics}
    items: list[OutboxItem] = []
    for ap in decided.articles:
        for target in ctx.targets:
            routed = [(topics[m.topic], m) for m in ap.matches if target.routes(m.topic)]
            if not routed:
                continue
            if ap.kind:
                items.extend(_rows(ap.kind, ap, routed, target))
            if ap.updates and ap.alertable:
                items.extend(_rows("update", ap, routed, target))
    return items


Figures = tuple[int | None, int | None]


def _render(kind: str, ap: planner.ArticlePlan, routed: list[tuple[Topic, Match]], url: str,
            target: AlertConfig) -> list[tuple[str, alerts.Message, Figures]]:
    """(idempotency subject, message, (killed, injured) for urgent_if) for one URL of a target;
    the target's own templates, if it has any, replace the built-in ones."""
    opts: dict[str, Any] = {"body_format": target.format or alerts.format_for(url), "language": target.language,
                            "max_length": alerts.limit_for(url)}
    topic = routed[0][0]

    def own(msg: alerts.Message, **context: Any) -> alerts.Message:
        if not target.templates:
            return msg
        return alerts.render_custom(target.templates, msg, kind, ap.article, matches=routed, **context, **opts)

    if kind == "event":
        evs = [k.event for k in ap.new]
        msg = alerts.render_event_alert(ap.article, topic, evs, **opts)
        return [(f"event|{ap.article.key}", own(msg, topic=topic, events=evs), _figures(evs))]
    if kind == "update":
        return [
            (f"update|{known.uid}|" + ",".join(f"{k}={v[1]}" for k, v in sorted(changes.items())),
             own(alerts.render_update_alert(ap.article, topic, known.event, changes, **opts), topic=topic,
                 event=known.event, changes=changes), _figures([known.event]))
            for known, changes in ap.updates
        ]
    return [(f"article|{ap.article.key}", own(alerts.render_article_alert(ap.article, routed, **opts)), (None, None))]


def _figures(evs: Sequence[Event]) -> Figures:
    """The highest killed and injured counts among events (None when none reports one)."""
    killed = [e.killed for e in evs if e.killed is not None]
    injured = [e.injured for e in evs if e.injured is not None]
    return max(killed, default=None), max(injured, default=None)


def _rows(kind: str, ap: planner.ArticlePlan, routed: list[tuple[Topic, Match]], target: AlertConfig) -> list[OutboxItem]:
    rows = []
    for url in target.urls:
        uhash = url_hash(url)
        for subject, msg, (killed, injured) in _render(kind, ap, routed, url, target):
            rows.append(OutboxItem(
                key=f"{subject}|{target.name}|{uhash}", target=target.name, url_hash=uhash,
                topics=tuple(t.id for t, _ in routed), article=ap.article.key, kind=kind,
                title=msg.title, body=msg.body, body_format=msg.body_format, killed=killed, injured=injured,
            ))
    return rows


# ---------------------------------------------------------------------------- timing


def next_poll(feed: FeedConfig, now: float, *, entries: Sequence[Entry], first_poll_at: float | None,
              ttl_minutes: int | None = None, max_age: int | None = None) -> float:
    """Adaptive polling (monitor/polling.py): the interval follows the feed's own publishing rate,
    read from the dates of the items in the document, never shorter than the configured interval
    nor longer than 4 hours, and honours <ttl> and Cache-Control; ±10% jitter. A feed is polled
    at its configured interval for its first day, whatever its items' dates say."""
    times = [e.published.timestamp() for e in entries if e.published is not None]
    interval = polling.adaptive_interval(
        times, now=now, base=feed.interval, observed_since=now if first_poll_at is None else first_poll_at,
        ttl=ttl_minutes * 60 if ttl_minutes else None, max_age=max_age,
    )
    return now + interval * random.uniform(0.9, 1.1)


def next_poll_unchanged(feed: FeedConfig, state: FeedState, now: float, *, max_age: int | None) -> float:
    """After a 304 the feed's rate is unchanged: keep the interval last chosen (within bounds)."""
    last = state.next_poll_at - state.last_poll_at if state.last_poll_at else feed.interval
    interval = min(max(last, feed.interval, max_age or 0), max(feed.interval, polling.MAX_INTERVAL))
    return now + interval * random.uniform(0.95, 1.05)


def failure_backoff(feed: FeedConfig, now: float, failures: int, retry_after: float | None) -> float:
    """Exponential backoff from the feed's interval, capped at 6 h; Retry-After wins when later."""
    delay = min(MAX_BACKOFF, feed.interval * 2.0 ** min(failures - 1, 10)) * random.uniform(0.9, 1.1)
    if retry_after is not None:  # the server's word is a floor: jitter never brings the poll earlier
        delay = max(delay, min(retry_after, 24 * 3600.0))
    return now + delay


# ---------------------------------------------------------------------------- cycles


async def run_cycle(
    ctx: Context, *, only_due: bool = False, progress: Callable[[FeedReport, int, int], None] | None = None
) -> CycleReport:
    """Poll every feed (or only those due), then deliver what is due in the outbox."""
    now = ctx.clock()
    feeds_to_poll = list(ctx.config.feeds)
    if only_due:
        due = set(ctx.store.due_feeds([f.url for f in feeds_to_poll], now))
        feeds_to_poll = [f for f in feeds_to_poll if f.url in due]
    report = CycleReport()
    if not feeds_to_poll and only_due:
        report.sent, report.delivery_failures = await delivery.deliver(ctx)
        return report
    cycle = ctx.store.start_cycle(now)

    async def one(feed: FeedConfig) -> None:
        rep = await process_feed(ctx, feed)
        report.feeds.append(rep)
        if progress:
            progress(rep, len(report.feeds), len(feeds_to_poll))

    await asyncio.gather(*(one(f) for f in feeds_to_poll))
    health.check(ctx)
    report.sent, report.delivery_failures = await delivery.deliver(ctx)
    ctx.store.finish_cycle(
        cycle, now=ctx.clock(), feeds=len(report.feeds), failed=len(report.failed),
        new_articles=sum(f.new_articles for f in report.feeds), alerts=sum(f.alerts for f in report.feeds),
    )
    return report
