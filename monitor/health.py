"""Source health: tell the user once when a feed breaks or goes quiet, and once when it recovers.

Feeds are never disabled: a failing feed keeps being polled with backoff (scheduler). What this
module adds is the telling. Problems, the worst first:

    failing  fetch or parse errors, a bot-wall page served as 200 included ("HTTP 403 since 08:10")
    rule     a site rule or the listing selectors stopped matching (the feed's parse warning)
    empty    the feed parses but has no items
    quiet    no new article for far longer than the feed's own usual rate (articles.first_seen)

An *episode* is one problem from the poll it was first seen until a poll without it. Its alert
goes out once the problem has lasted `[health] fail_after_polls` polls AND `fail_after` time
(whichever is later), and a recovery notice when it ends (only if the alert went out). Both go
through the outbox (kind "health") with the episode's start in the idempotency key: one episode,
one alert. `check(ctx)` runs after the feeds of each cycle and looks only at feeds polled since.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from monitor import alerts
from monitor.config import HealthConfig
from monitor.delivery import url_hash
from monitor.errors import MonitorError
from monitor.store import FeedState, OutboxItem

if TYPE_CHECKING:  # only for annotations: scheduler imports this module
    from monitor.scheduler import Context

log = logging.getLogger(__name__)

QUIET_WINDOW = 7 * 86400.0  # the publishing rate is measured over the last week ...
QUIET_MIN_ARTICLES = 20  # ... from at least this many articles ...
QUIET_MIN_OBSERVED = 2 * 86400.0  # ... seen over at least two days
QUIET_FACTOR = 8.0  # quiet: silent for 8 times the usual gap between articles ...
QUIET_FLOOR = 6 * 3600.0  # ... and at least 6 hours (nights are quiet)
_RULE = re.compile(r"\brule\b|matched nothing|need(?:s)? updating", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    kind: str  # failing, rule, empty, quiet
    detail: str
    since: float
    cause: str = ""  # for failing: the short cause shown in the title ("HTTP 403")


@dataclass(frozen=True)
class Episode:
    """A feed's health columns after one look, and the notices to send: "open" and/or "recovered"."""

    problem: Problem | None
    polls: int
    alerted_at: float | None
    notices: tuple[tuple[str, Problem], ...] = ()


def assess(state: FeedState, now: float, rate: tuple[int, float | None] | None) -> Problem | None:
    """The feed's worst current problem, from its stored state (pure). `rate`: (articles in the
    last QUIET_WINDOW after the first poll, latest first_seen), or None to skip the quiet test."""
    if state.consecutive_failures:
        detail = (state.last_error or "error")[:500]
        since = now if state.failing_since is None else state.failing_since
        return Problem("failing", detail, since, cause=short_cause(state.last_status, detail))
    since = now if state.health_since is None else state.health_since
    if state.warning and _RULE.search(state.warning):
        return Problem("rule", state.warning[:300], since if state.health_problem == "rule" else now)
    if state.last_items == 0:
        return Problem("empty", "0 items", since if state.health_problem == "empty" else now)
    return _quiet(state, now, rate) if rate else None


def short_cause(status: int | None, error: str) -> str:
    """"HTTP 403"; or the error without its stage, URL and advice ("an HTML page, not an RSS/Atom feed")."""
    if status is not None and status >= 400:
        return f"HTTP {status}"
    text = re.sub(r"^[a-z]+: ", "", error)
    text = re.sub(r"^https?://\S+?: ", "", text)
    return text.split("; ", 1)[0][:120]


def _quiet(state: FeedState, now: float, rate: tuple[int, float | None]) -> Problem | None:
    recent, latest = rate
    if state.first_poll_at is None or latest is None:
        return None
    observed = now - max(state.first_poll_at, now - QUIET_WINDOW)
    if observed < QUIET_MIN_OBSERVED or recent < QUIET_MIN_ARTICLES:
        return None
    gap = observed / recent
    silence = now - latest
    if silence <= max(QUIET_FLOOR, QUIET_FACTOR * gap):
        return None
    detail = f"no new article for {silence / 3600:.0f} h (usually one every {gap / 60:.0f} min)"
    return Problem("quiet", detail, latest)


def step(state: FeedState, problem: Problem | None, now: float, settings: HealthConfig) -> Episode:
    """The episode after one more poll (pure): count it, open the alert when due, close on recovery."""
    previous = None
    if state.health_problem is not None:
        since = now if state.health_since is None else state.health_since
        previous = Problem(state.health_problem, state.health_detail or "", since)
    notices: list[tuple[str, Problem]] = []
    if previous is not None and (problem is None or problem.kind != previous.kind) and state.health_alerted_at is not None:
        notices.append(("recovered", previous))
    if problem is None:
        return Episode(None, 0, None, tuple(notices))
    same = previous is not None and previous.kind == problem.kind
    polls = state.consecutive_failures if problem.kind == "failing" else (state.health_polls + 1 if same else 1)
    alerted = state.health_alerted_at if same else None
    if alerted is None and polls >= settings.fail_after_polls and now - problem.since >= settings.fail_after:
        notices.append(("open", problem))
        alerted = now
    return Episode(problem, polls, alerted, tuple(notices))


def check(ctx: Context) -> int:
    """Look at every feed polled since the last look; queue its health notices. Returns how many."""
    settings = ctx.config.health
    if not settings.enabled:
        return 0
    names = {f.url: f.name for f in ctx.config.feeds}
    queued = 0
    try:
        for state in ctx.store.feed_states():
            if state.url in names and state.last_poll_at is not None and state.last_poll_at != state.health_seen_poll:
                queued += _look(ctx, state, names[state.url], settings)
    except MonitorError as e:  # health is advisory: a store hiccup must not stop delivery
        log.error("health check failed: %s (will retry)", e)
    return queued


def _look(ctx: Context, state: FeedState, name: str, settings: HealthConfig) -> int:
    now = ctx.clock()
    rate = None
    if settings.quiet and not state.consecutive_failures:
        rate = ctx.store.publishing(name, since=now - QUIET_WINDOW, after=state.first_poll_at or now)
    episode = step(state, assess(state, now, rate), now, settings)
    rows = [row for kind, p in episode.notices for row in _notices(ctx, name, state.url, kind, p, episode.polls, now)]
    p = episode.problem
    ctx.store.record_health(
        state.url, problem=p.kind if p else None, detail=p.detail if p else None, since=p.since if p else None,
        polls=episode.polls, seen_poll=state.last_poll_at, alerted_at=episode.alerted_at, alerts=rows, now=now,
    )
    for kind, problem in episode.notices:
        log.warning("feed=%r health %s: %s %s", name, kind, problem.kind, problem.detail)
    return len(rows)


def _notices(ctx: Context, feed: str, url: str, kind: str, problem: Problem, polls: int, now: float) -> list[OutboxItem]:
    wanted = ctx.config.health.targets
    tz = ZoneInfo(ctx.config.timezone)
    rows = []
    for target in ctx.targets:
        if wanted is not None and target.name not in wanted:
            continue
        for u in target.urls:
            message = alerts.render_health_alert(
                feed, problem.kind, detail=problem.detail, cause=problem.cause, since=_dt(problem.since), polls=polls,
                recovered_at=_dt(now) if kind == "recovered" else None, language=target.language,
                body_format=target.format or alerts.format_for(u), max_length=alerts.limit_for(u), timezone=tz,
            )
            uh = url_hash(u)
            rows.append(OutboxItem(
                key=f"health|{url}|{problem.kind}|{problem.since:.0f}|{kind}|{target.name}|{uh}", target=target.name,
                url_hash=uh, topics=(), article=None, kind="health", title=message.title, body=message.body,
                body_format=message.body_format,
            ))
    return rows


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)
