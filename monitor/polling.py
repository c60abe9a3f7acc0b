"""When to poll a feed next: an interval that follows the feed's own publishing rate.

A pure function, no I/O (the scheduler passes in what the store knows):

    adaptive_interval(seen, now=..., observed_since=..., base=feed.interval, ttl=..., max_age=...,
                      retry_after=...)  ->  seconds until the next poll (before jitter)

Like Miniflux's entry-frequency scheduler, the interval follows the feed's publishing rate, within
[base, max_interval]: `base`, the interval the user configured, is the latency they asked for, so
a feed is never polled faster than that. While the feed is expected to publish at least once
every `busy_gap` (2 hours) it is polled at `base`; quieter than that, the interval grows in
proportion to the expected gap between its items (a feed expected to publish every 8 hours is
polled at 4 x base), up to `max_interval` (4 hours).

The rate is the fastest of three estimates from the publication times of the items seen in the
last `window` (7 days):

- the rate at this time of day: items published within ±90 minutes of the current local time
  of day, on the past days of the window. News has a daily cycle (Vietnamese outlets publish
  little between midnight and 5 a.m. and most in the morning), so a feed is polled at `base`
  when it usually publishes and rarely when it usually sleeps;
- the rate of the last two hours (from its second item), so a burst (breaking news) brings the
  interval back at once;
- a quarter of the feed's average rate, a floor for a feed that sometimes publishes at night.

With under a day of history the feed is polled at `base`. Then the publisher's wishes are
honoured: never sooner than `<ttl>` or Cache-Control `max-age` (each capped at `max_interval`,
so a feed announcing a week is still polled), nor than `Retry-After` (capped at a day, as
`scheduler.failure_backoff` does).

The caller adds its usual ±10% jitter. What the scheduler needs from the store, per feed: the
publication times (first-seen times for undated items) of its articles first seen in the last
7 days, and when the feed was first polled. bench/latency.py measures this policy against fixed
intervals (publication-to-alert latency and requests made).
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["BUSY_GAP", "DAY", "MAX_INTERVAL", "WINDOW", "adaptive_interval", "estimated_rate"]

DAY = 86400.0
WINDOW = 7 * DAY
"""History considered: a week, so each weekday and hour is seen several times."""
BUSY_GAP = 2 * 3600.0
"""A feed expected to publish at least once in this time is polled at its configured interval."""
MAX_INTERVAL = 4 * 3600.0
"""Never leave a feed unpolled longer than this, however quiet it is."""
MAX_RETRY_AFTER = DAY
TIME_OF_DAY_SPAN = 3 * 3600.0  # ±90 minutes around the current time of day
RECENT_SPAN = 2 * 3600.0
VIETNAM_OFFSET = 7 * 3600.0  # Asia/Ho_Chi_Minh has no daylight saving time


def estimated_rate(
    seen: Iterable[float], *, now: float, observed_since: float | None = None, window: float = WINDOW,
    utc_offset: float = VIETNAM_OFFSET,
) -> float | None:
    """Items per second the feed is expected to publish around `now`, or None with under a day of history."""
    start = now - window if observed_since is None else max(now - window, observed_since)
    span = now - start
    if span < DAY:
        return None
    tod_now = (now + utc_offset) % DAY
    half = TIME_OF_DAY_SPAN / 2
    total = same_time = recent = 0
    for t in seen:
        if not start <= t <= now:
            continue
        total += 1
        if now - t <= RECENT_SPAN:
            recent += 1
        gap = abs((t + utc_offset) % DAY - tod_now)
        if min(gap, DAY - gap) <= half:
            same_time += 1
    days = span / DAY
    # A single recent item is no burst (a feed publishing every 4 hours often has one): count from the second.
    return max(same_time / (days * TIME_OF_DAY_SPAN), max(recent - 1, 0) / RECENT_SPAN, total / span / 4)


def adaptive_interval(
    seen: Iterable[float],
    *,
    now: float,
    base: float,
    observed_since: float | None = None,
    max_interval: float = MAX_INTERVAL,
    busy_gap: float = BUSY_GAP,
    window: float = WINDOW,
    utc_offset: float = VIETNAM_OFFSET,
    ttl: float | None = None,
    max_age: float | None = None,
    retry_after: float | None = None,
) -> float:
    """Seconds until the feed's next poll.

    seen: publication times (epoch seconds; first-seen times for undated items) of the feed's
        items, at least those of the last `window`; older ones are ignored.
    base: the feed's configured interval: the shortest interval, and the one used while there
        is under a day of history.
    observed_since: when the feed was first polled (no items before it is not a quiet feed).
    ttl, max_age, retry_after: seconds, from the last response's <ttl> (minutes x 60),
        Cache-Control max-age and Retry-After; None when absent.
    """
    if base <= 0 or max_interval <= 0 or busy_gap <= 0:
        raise ValueError("adaptive_interval: base, max_interval and busy_gap must be positive")
    ceiling = max(base, max_interval)
    rate = estimated_rate(seen, now=now, observed_since=observed_since, window=window, utc_offset=utc_offset)
    if rate is None:
        interval = base
    elif rate <= 0:
        interval = ceiling
    else:
        interval = min(max(base, base * (1 / rate) / busy_gap), ceiling)
    hint = max(ttl or 0.0, max_age or 0.0)
    if hint > interval:
        interval = min(hint, ceiling)
    if retry_after is not None:
        interval = max(interval, min(retry_after, MAX_RETRY_AFTER))
    return interval
