"""adaptive_interval: the poll interval follows the feed's publishing rate, within bounds, and
honours <ttl>, Cache-Control and Retry-After."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from monitor.polling import DAY, MAX_INTERVAL, WINDOW, adaptive_interval, estimated_rate

ICT = timezone(timedelta(hours=7))
BASE = 300.0
# Wednesday 10:00 in Vietnam: mid-morning, when outlets publish most.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ICT).timestamp()
GOLDEN = 0.6180339887498949


def every(gap: float, *, days: float = 7, now: float = NOW) -> list[float]:
    """One item every `gap` seconds on average, spread evenly over the times of day (a
    low-discrepancy sequence: no bursts, no gaps), over the last `days` days."""
    return sorted(now - days * DAY * ((i * GOLDEN) % 1.0) for i in range(1, int(days * DAY // gap) + 1))


def at_hours(hours: list[int], *, days: int = 7, now: float = NOW) -> list[float]:
    """One item a day at each of these local hours, over the last `days` days."""
    today = datetime.fromtimestamp(now, ICT).replace(hour=0, minute=0, second=0, microsecond=0)
    out = []
    for d in range(1, days + 1):
        for h in hours:
            out.append((today - timedelta(days=d) + timedelta(hours=h)).timestamp())
    return out


def test_a_busy_feed_is_polled_at_its_configured_interval() -> None:
    assert adaptive_interval(every(600), now=NOW, base=BASE) == BASE  # 6 an hour


def test_the_interval_grows_as_the_feed_gets_quieter_up_to_the_ceiling() -> None:
    hourly, four_hourly = (adaptive_interval(every(g * 3600), now=NOW, base=BASE) for g in (1, 4))
    assert hourly == BASE < four_hourly < MAX_INTERVAL
    evenings = at_hours([22])  # once a day, at 22:00; it is 10:00
    assert adaptive_interval(evenings, now=NOW, base=BASE) == MAX_INTERVAL
    # in proportion to the expected gap: the floor rate (a quarter of one a day) is one item in
    # 96 hours, twice a 48-hour busy gap
    assert adaptive_interval(evenings, now=NOW, base=BASE, busy_gap=48 * 3600) == pytest.approx(2 * BASE)


def test_a_silent_feed_is_polled_at_the_ceiling_never_abandoned() -> None:
    assert adaptive_interval([], now=NOW, base=BASE, observed_since=NOW - 30 * DAY) == MAX_INTERVAL


def test_a_new_feed_is_polled_at_its_configured_interval() -> None:
    assert adaptive_interval([], now=NOW, base=BASE, observed_since=NOW - 3600) == BASE
    assert estimated_rate([NOW - 60], now=NOW, observed_since=NOW - 3600) is None


def test_history_before_the_first_poll_does_not_count_as_silence() -> None:
    two_days = every(1800, days=2)
    assert adaptive_interval(two_days, now=NOW, base=BASE, observed_since=NOW - 2 * DAY) == BASE


def test_items_older_than_the_window_are_ignored() -> None:
    old = [NOW - WINDOW - 3600 * i for i in range(1, 200)]
    assert adaptive_interval(old, now=NOW, base=BASE, observed_since=NOW - 30 * DAY) == MAX_INTERVAL


def test_the_daily_cycle_polls_often_when_the_feed_usually_publishes() -> None:
    morning = at_hours([8, 9, 9, 10, 10, 10, 11, 11])  # eight items every morning
    at_ten = adaptive_interval(morning, now=NOW, base=BASE)
    at_three_am = adaptive_interval(morning, now=NOW - 7 * 3600, base=BASE)
    assert at_ten == BASE
    assert at_three_am > 4 * BASE


def test_a_burst_shortens_the_interval_at_once() -> None:
    quiet = every(12 * 3600)
    burst = quiet + [NOW - 60 * i for i in range(1, 6)]  # five items in the last minutes
    assert adaptive_interval(burst, now=NOW, base=BASE) == BASE < adaptive_interval(quiet, now=NOW, base=BASE)


def test_ttl_and_max_age_are_never_undercut_but_are_capped() -> None:
    busy = every(600)
    assert adaptive_interval(busy, now=NOW, base=BASE, ttl=1800) == 1800
    assert adaptive_interval(busy, now=NOW, base=BASE, max_age=900) == 900
    assert adaptive_interval(busy, now=NOW, base=BASE, ttl=7 * DAY) == MAX_INTERVAL
    assert adaptive_interval(busy, now=NOW, base=BASE, ttl=60) == BASE  # shorter than ours: ours wins


def test_retry_after_is_honoured_up_to_a_day() -> None:
    busy = every(600)
    assert adaptive_interval(busy, now=NOW, base=BASE, retry_after=7200) == 7200
    assert adaptive_interval(busy, now=NOW, base=BASE, retry_after=30 * DAY) == DAY


def test_the_configured_interval_is_the_floor_even_above_the_ceiling() -> None:
    assert adaptive_interval(every(600), now=NOW, base=6 * 3600) == 6 * 3600
    assert adaptive_interval([], now=NOW, base=6 * 3600, observed_since=NOW - 30 * DAY) == 6 * 3600


def test_bad_bounds_are_a_programming_error() -> None:
    with pytest.raises(ValueError):
        adaptive_interval([], now=NOW, base=0)
