"""When may an alert to a target go out: digest windows, quiet hours, the hourly cap, urgent_if.

Pure functions of a target's settings, an alert's figures, `now` and the time zone; `delivery`
applies them. Times of day in the configuration are local (`[monitor] timezone`); instants are
epoch seconds, so a test passes any clock it likes.

    decide(target, item, now, tz, recent_sends) -> Hold | None   # None: send it now
    next_digest(target, after, tz) -> float                       # the next digest of a target

Rules, in order: an alert meeting `urgent_if` goes at once; a digest target holds every alert
until its next digest (`every` from local midnight, or the `at` times), and a digest due inside
quiet hours waits for their end; an instant target holds alerts during `quiet_hours` until the
window ends, and past `max_per_hour` messages in the last hour until a slot frees. Held alerts
go out together as one digest message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from monitor.config import AlertConfig
from monitor.store import OutboxItem

HOUR = 3600.0
_OPS = {">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "==": lambda a, b: a == b}


@dataclass(frozen=True)
class Hold:
    reason: str  # "digest", "quiet" or "cap"
    until: float  # when the digest carrying it is due


def urgent(target: AlertConfig, item: OutboxItem) -> bool:
    if target.urgent_if is None:
        return False
    field, op, number = target.urgent_if
    value = item.killed if field == "killed" else item.injured
    return value is not None and _OPS[op](value, number)


def decide(target: AlertConfig, item: OutboxItem, now: float, tz: ZoneInfo, recent: Sequence[float]) -> Hold | None:
    """Hold the alert for a digest, or None to send it now. `recent`: when the channel's messages
    of the last hour went out, oldest first."""
    if item.kind == "digest" or urgent(target, item):
        return None
    if target.mode == "digest":
        return Hold("digest", next_digest(target, now, tz))
    if in_quiet(target, now, tz):
        return Hold("quiet", quiet_end(target, now, tz))
    cap = target.max_per_hour
    if cap is not None and len(recent) >= cap:
        return Hold("cap", _out_of_quiet(target, max(now, recent[-cap] + HOUR), tz))
    return None


def next_digest(target: AlertConfig, after: float, tz: ZoneInfo) -> float:
    """The first digest time strictly after `after`, moved to the end of quiet hours if inside them."""
    if target.at:
        when = _next_clock(target.at, after, tz)
    elif target.every:
        offset = _offset(after, tz)
        when = ((after + offset) // target.every + 1) * target.every - offset
    else:
        when = after
    return _out_of_quiet(target, when, tz)


def in_quiet(target: AlertConfig, when: float, tz: ZoneInfo) -> bool:
    if target.quiet_hours is None:
        return False
    start, end = target.quiet_hours
    local = datetime.fromtimestamp(when, tz)
    minute = local.hour * 60 + local.minute + local.second / 60
    return start <= minute < end if start < end else minute >= start or minute < end


def quiet_end(target: AlertConfig, when: float, tz: ZoneInfo) -> float:
    """The end of the quiet window `when` falls in (the next time its end comes round)."""
    assert target.quiet_hours is not None
    return _next_clock((target.quiet_hours[1],), when, tz)


def _out_of_quiet(target: AlertConfig, when: float, tz: ZoneInfo) -> float:
    return quiet_end(target, when, tz) if in_quiet(target, when, tz) else when


def _next_clock(minutes: Sequence[int], after: float, tz: ZoneInfo) -> float:
    """The first local time of day among `minutes` strictly after `after`."""
    day = datetime.fromtimestamp(after, tz).date()
    for d in range(3):
        for m in sorted(minutes):
            local = datetime.combine(day + timedelta(days=d), time(m // 60, m % 60), tz)
            if local.timestamp() > after:
                return local.timestamp()
    raise AssertionError("unreachable: a time of day comes round within two days")


def _offset(when: float, tz: ZoneInfo) -> float:
    offset = datetime.fromtimestamp(when, tz).utcoffset()
    return offset.total_seconds() if offset is not None else 0.0
