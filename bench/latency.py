"""Phase "latency": fixed intervals against adaptive polling, in a simulation with its own clock.

    python bench/latency.py '{"feeds": 200, "days": 7, "warmup_days": 7, "seed": 1}'

No server and no sleeping: time is a number the simulation advances. The world:

- each feed publishes as a Poisson process whose rate is drawn log-uniformly between 3 items a
  day and 6 an hour (a provincial paper's world page to VnExpress' latest news), modulated by a
  daily cycle in Vietnam time (little between midnight and 5 a.m., a morning peak, a quieter
  evening: PROFILE below);
- 3% of the feeds announce `<ttl>` 15 minutes, 5% send Cache-Control max-age 5 minutes, and 3%
  answer 2% of their polls with 429 and Retry-After one hour (both policies honour all three;
  heavier hints spend the 5% of late items that p95 allows on their own, for any policy);
- a feed lists its 50 newest items (more published between two polls are lost, and counted).

Each feed is polled for `warmup_days` (the adaptive policy learns) and then `days` measured: an
item's latency is the time from its publication to the first poll that sees it (alerts are sent
within the cycle). Policies, both with ±10% jitter:

- fixed: `monitor.scheduler.next_poll` (the feed's interval, stretched by ttl/max-age up to 4x)
  and `failure_backoff` for Retry-After — today's scheduler — at several intervals;
- adaptive: `monitor.polling.adaptive_interval` fed the publication times the store would hold,
  with the same configured interval (`base_minutes`, 5 as in config/monitor.toml) as its floor.

Reports p50/p95 latency and requests per feed per day for each, the fixed interval that gives the
same p95 as adaptive (found by bisection), the ratio of their requests, and `bound`: the ratio
the best possible policy (one that knows every feed's true rate hour by hour) would reach at the
same p95 in this world, to tell a weak policy from an unreachable target.
"""

from __future__ import annotations

import bisect
import math
import random
import statistics
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.measure import phase_main
from monitor.config import FeedConfig
from monitor.polling import MAX_INTERVAL, WINDOW, adaptive_interval
from monitor.scheduler import failure_backoff

DAY = 86400.0
ICT = 7 * 3600.0
# Relative publishing intensity per hour of the day, Vietnam time (mean 1).
_RAW = [0.15, 0.1, 0.1, 0.1, 0.15, 0.4, 1.0, 1.6, 1.9, 1.9, 1.8, 1.6, 1.3, 1.2, 1.4, 1.5, 1.4, 1.2, 1.0,
        0.9, 0.9, 0.8, 0.6, 0.3]
PROFILE = [x * 24 / sum(_RAW) for x in _RAW]
PEAK = max(PROFILE)
LISTED = 50


@dataclass(frozen=True)
class SimFeed:
    rate_per_day: float
    pubs: tuple[float, ...]
    ttl: float | None
    max_age: float | None
    throttled: bool


def world(n: int, days: float, seed: int) -> list[SimFeed]:
    rng = random.Random(seed)
    feeds = []
    for _ in range(n):
        rate = math.exp(rng.uniform(math.log(3), math.log(144)))  # items per day
        peak_rate = rate * PEAK / DAY
        t, pubs = 0.0, []
        while True:  # thinning: candidates at the peak rate, kept with profile/peak
            t += rng.expovariate(peak_rate)
            if t >= days * DAY:
                break
            if rng.random() < PROFILE[int(((t + ICT) % DAY) // 3600)] / PEAK:
                pubs.append(t)
        kind = rng.random()
        feeds.append(SimFeed(rate, tuple(pubs), 900.0 if kind < 0.03 else None,
                             300.0 if 0.03 <= kind < 0.08 else None, 0.08 <= kind < 0.11))
    return feeds


Policy = Callable[[SimFeed, float, deque[float], float | None, random.Random], float]


def fixed(interval: float) -> Policy:
    config = FeedConfig(name="f", url="http://f", interval=interval)

    def policy(feed: SimFeed, now: float, seen: deque[float], retry_after: float | None, rng: random.Random) -> float:
        if retry_after is not None:
            return failure_backoff(config, now, 1, retry_after) - now
        # the fixed policy: the configured interval, stretched (never past 4x) by <ttl> or max-age
        hint = max(feed.ttl or 0.0, feed.max_age or 0.0)
        stretched = min(hint, 4 * interval) if hint > interval else interval
        return stretched * rng.uniform(0.9, 1.1)

    return policy


def adaptive(base: float) -> Policy:
    def policy(feed: SimFeed, now: float, seen: deque[float], retry_after: float | None, rng: random.Random) -> float:
        interval = adaptive_interval(seen, now=now, base=base, observed_since=0.0, ttl=feed.ttl,
                                     max_age=feed.max_age, retry_after=retry_after)
        return interval * rng.uniform(0.9, 1.1)

    return policy


def bound(feeds: list[SimFeed], base: float, max_interval: float = MAX_INTERVAL) -> dict[str, float]:
    """What any policy knowing the true rates could save at the p95 of fixed `base` (about 0.95 x base).

    Minimising requests under "95% of items within T" puts every (feed, hour) cell either at T
    (none of its items late) or at the longest interval (its items spend the 5% budget), the
    quietest cells first. Returns the share of cells slowed and the request ratio it gives."""
    cells = sorted(f.rate_per_day * p for f in feeds for p in PROFILE)
    total, acc, slowed = sum(cells), 0.0, 0
    for c in cells:
        acc += c
        if acc > 0.05 * total:
            break
        slowed += 1
    share = slowed / len(cells)
    return {"cells_slowed": share, "request_ratio": 0.95 / ((1 - share) + 0.95 * share * base / max_interval)}


def run_feed(feed: SimFeed, policy: Policy, *, measure_from: float, end: float,
             rng: random.Random) -> tuple[list[float], int, int]:
    """(latencies of items published after measure_from, requests after measure_from, items lost)."""
    pubs = feed.pubs
    t = rng.uniform(0, 300)
    seen: deque[float] = deque()
    latencies: list[float] = []
    requests = lost = done = 0
    while t < end:
        if t >= measure_from:
            requests += 1
        if feed.throttled and rng.random() < 0.02:
            t += policy(feed, t, seen, 3600.0, rng)
            continue
        j = bisect.bisect_right(pubs, t)
        first = max(done, j - LISTED)
        lost += first - done
        for p in pubs[first:j]:
            if p >= measure_from:
                latencies.append(t - p)
            seen.append(p)
        done = j
        while seen and seen[0] < t - WINDOW:
            seen.popleft()
        t += policy(feed, t, seen, None, rng)
    return latencies, requests, lost


def evaluate(feeds: list[SimFeed], policy: Policy, *, warmup: float, days: float, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    lat: list[float] = []
    requests = lost = 0
    for f in feeds:
        la, rq, lo = run_feed(f, policy, measure_from=warmup * DAY, end=(warmup + days) * DAY, rng=rng)
        lat += la
        requests += rq
        lost += lo
    lat.sort()
    q = statistics.quantiles(lat, n=100, method="inclusive") if len(lat) > 1 else [0.0] * 99
    return {"p50_min": q[49] / 60, "p95_min": q[94] / 60, "mean_min": statistics.fmean(lat) / 60 if lat else 0.0,
            "requests_per_feed_day": requests / len(feeds) / days, "items": len(lat), "lost": lost}


def run(spec: dict[str, Any]) -> dict[str, Any]:
    n, days, warmup, seed = spec["feeds"], spec["days"], spec["warmup_days"], spec.get("seed", 1)
    base = spec.get("base_minutes", 5) * 60.0
    feeds = world(n, warmup + days, seed)
    out: dict[str, Any] = {"feeds": n, "days": days, "warmup_days": warmup, "base_min": base / 60,
                           "items_per_feed_day": sum(len(f.pubs) for f in feeds) / n / (warmup + days)}

    def ev(policy: Policy) -> dict[str, Any]:
        return evaluate(feeds, policy, warmup=warmup, days=days, seed=seed)

    out["adaptive"] = ev(adaptive(base))
    out["fixed"] = {f"{m:g}m": ev(fixed(m * 60.0)) for m in spec.get("fixed_minutes", (base / 60,))}
    target = out["adaptive"]["p95_min"]
    lo, hi = base / 2, 8 * base  # the fixed interval whose p95 equals adaptive's, by bisection
    for _ in range(spec.get("bisect_steps", 7)):
        mid = (lo + hi) / 2
        if ev(fixed(mid))["p95_min"] > target:
            hi = mid
        else:
            lo = mid
    same = ev(fixed(lo))
    out["fixed_same_p95"] = {**same, "interval_min": lo / 60}
    out["request_ratio"] = same["requests_per_feed_day"] / out["adaptive"]["requests_per_feed_day"]
    out["bound"] = bound(feeds, base)
    return out


if __name__ == "__main__":
    phase_main(run)
