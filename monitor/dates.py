"""Read the dates that feeds and article pages write, into timezone-aware datetimes.

`parse_date(text)` never raises: it returns an aware datetime, or None when the text is not a
date it can read or the date is implausible. Forms read:

- RFC 822 / 1123 / 2822 (`Thu, 01 Jan 2004 19:48:21 GMT`), with a numeric zone (`+0700`,
  `+07:00`), a named zone (`GMT`, `UT`, `EST`, `ICT`, military letters), Tuổi Trẻ's
  `GMT+7` / `GMT+07:00`, two-digit years (`Sat, 27 Jan 24 14:15:00 +0700`: < 50 is 20xx, as
  RFC 2822 says), no weekday, no seconds, a trailing `(UTC)` comment, RFC 850
  (`Thursday, 01-Jan-04 ...`), extra whitespace;
- asctime and month-first forms (`Thu Jan  1 19:48:21 2004`, `Jan 01 2004 19:48:21 GMT`);
- W3CDTF / ISO 8601 (`2003-12-31T10:14:55Z`, offsets, fractions, no seconds, date only, year
  and month only, the basic form `20031231T101455Z`), and VnExpress' meta form
  `2026-10-07 07:49 + 07:00` (spaces inside the offset);
- Vietnamese bylines, day first: `Thứ hai, 18/2/2019, 21:05 (GMT+7)`, `06/04/2025 - 05:30`,
  `06-04-2025, 05:30`, `6.4.2025`.

`parse_byline(text)` is for an article page's byline, where anything goes around the date: it
tries `parse_date`, then finds a day-first (or ISO) date and a time anywhere in the text
(`06 - 04 - 2025 | 05h30`); `parse_epoch(text)` reads Unix seconds or milliseconds. Neither raises.

Traps handled: `email.utils` drops `GMT+7` and reads unknown zones as UTC (an unknown
alphabetic zone here means `default_tz`, the out-of-band knowledge RFC 2822 allows: these are
Vietnamese sources); no zone at all also means `default_tz` (Asia/Ho_Chi_Minh by default);
offsets of a day or more (also in a trailing comment, `(GMT+99)`), month 13 or 30 February
give None, not an exception; years before 1970 or after 2100 are rejected as implausible, and
so is the epoch instant itself (1970-01-01 00:00 UTC, a CMS's "no date"); future dates within
that range are kept (the caller decides what a post dated next week means).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

__all__ = ["ICT", "parse_byline", "parse_date", "parse_epoch", "to_iso"]

ICT = ZoneInfo("Asia/Ho_Chi_Minh")
MIN_YEAR = 1970
MAX_YEAR = 2100
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_LEN = 200  # longer input is not a date

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_NAMED_ZONES = {
    "z": 0, "ut": 0, "utc": 0, "gmt": 0, "wet": 0, "bst": 1, "cet": 1, "cest": 2, "eet": 2,
    "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
    "ict": 7, "jst": 9, "kst": 9, "hkt": 8, "sgt": 8, "awst": 8, "aest": 10, "ist": 5.5,
}
# RFC 822 military zones (their signs were defined backwards and are unreliable: RFC 2822
# says treat them as -0000, except Z).
_MILITARY = set("abcdefghiklmnopqrstuvwxy")

_ZONE = r"(?P<zone>[A-Za-z]{1,5}(?:\s*[+-]\s*\d{1,2}(?::?\d{2})?)?|[+-]\s*\d{1,2}(?:\s*:?\s*\d{2})?)?"
_TIME = r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?"
_RFC822 = re.compile(
    r"^(?:[A-Za-z]+,?\s*)?(?P<d>\d{1,2})[\s\-]+(?P<mo>[A-Za-z]{3,9})\.?[\s\-]+(?P<y>\d{2,4})"
    rf"(?:,?\s+{_TIME})?\s*{_ZONE}\s*$"
)
_MONTH_FIRST = re.compile(  # asctime `Thu Jan  1 19:48:21 2004`, `Jan 01 2004 19:48:21 GMT`
    r"^(?:[A-Za-z]+,?\s+)?(?P<mo>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2}),?\s+"
    rf"(?:(?P<y>\d{{4}})\s+{_TIME}|{_TIME.replace('?P<', '?P<t_')}\s+(?P<y2>\d{{4}}))?\s*{_ZONE}\s*$"
)
_ISO = re.compile(
    r"^(?P<y>\d{4})(?:-?(?P<mo>\d{2})(?:-?(?P<d>\d{2}))?)?"
    r"(?:(?:T|\s+)(?P<h>\d{2}):?(?P<mi>\d{2})(?::?(?P<s>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?P<zone>Z|UTC|GMT|[+-]\s*\d{2}(?:\s*:?\s*\d{2})?)?\s*$",
    re.IGNORECASE,
)
_DMY = re.compile(  # Vietnamese bylines: day first (/, - or .), time before or after, optional (GMT+7)
    r"(?:^|[^\d/.\-])(?P<d>\d{1,2})(?P<sep>[/.\-])(?P<mo>\d{1,2})(?P=sep)(?P<y>\d{4})(?:[^\d/.\-]|$)"
)
_DMY_TIME = re.compile(r"(?:^|\D)(?P<h>\d{1,2})(?::|h)(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:\D|$)")
_DMY_ZONE = re.compile(r"(?:GMT|UTC)\s*(?P<sign>[+-])\s*(?P<hh>\d{1,2})(?::?(?P<mm>\d{2}))?", re.I)
_OFFSET = re.compile(r"^(?P<sign>[+-])\s*(?P<hh>\d{1,2})(?:\s*:?\s*(?P<mm>\d{2}))?$")
_PAREN = re.compile(r"\s*\((?P<inner>[^)]*)\)\s*$")


_FAST_RFC822 = re.compile(  # what nearly every feed writes: `Sat, 27 Jan 2024 14:15:00 +0700`
    r"(?:[A-Z][a-z]{2}, )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-]\d{4}|GMT)"
)
_FAST_ZONES: dict[str, tzinfo] = {"GMT": UTC}


def parse_date(text: str, *, default_tz: tzinfo = ICT) -> datetime | None:
    """Parse a feed or page date; an aware datetime, or None when unreadable or implausible."""
    if not isinstance(text, str):
        return None
    m = _FAST_RFC822.fullmatch(text.strip())
    if m and m.group(2).lower() in _MONTHS:
        try:
            return _fast(m)
        except (ValueError, OverflowError):
            return None
    s = " ".join(text.split())
    if not s or len(s) > _MAX_LEN:
        return None
    s = _drop_comment(s)
    for reader in (_read_iso, _read_rfc822, _read_month_first, _read_dmy):
        try:
            dt = reader(s, default_tz)
        except (ValueError, OverflowError):
            dt = None
        if dt is not None:
            return dt if _plausible(dt) else None
    return None


def _fast(m: re.Match[str]) -> datetime | None:
    zone = m.group(7)
    tz = _FAST_ZONES.get(zone)
    if tz is None:
        tz = _offset(zone[0], zone[1:3], zone[3:])
        if len(_FAST_ZONES) < 256 and tz is not None:
            _FAST_ZONES[zone] = tz
    y = int(m.group(3))
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    dt = datetime(y, _MONTHS[m.group(2).lower()], int(m.group(1)), int(m.group(4)), int(m.group(5)),
                  min(int(m.group(6)), 59), tzinfo=tz)
    return dt if dt != _EPOCH else None


def _plausible(dt: datetime) -> bool:
    """Years 1970..2100, and not the Unix epoch itself (what a CMS writes for "no date")."""
    return MIN_YEAR <= dt.year <= MAX_YEAR and dt != _EPOCH


def to_iso(dt: datetime) -> str:
    """ISO 8601 instant with its offset (`2024-01-27T14:15:00+07:00`); naive means ICT."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=ICT)
    return dt.isoformat(timespec="seconds")


def _drop_comment(s: str) -> str:
    """`... +0000 (UTC)` -> `... +0000`; `21:05 (GMT+7)` keeps the zone when none precedes it."""
    m = _PAREN.search(s)
    if not m:
        return s
    head, inner = s[: m.start()], m.group("inner").strip()
    if _is_zone(inner) and _trailing_zone_missing(head):
        return f"{head} {inner}"
    return head


def _is_zone(text: str) -> bool:
    """Whether `text` names a zone; `GMT+99` does (out of range: the reader then gives None)."""
    try:
        return _zone(text) is not None
    except ValueError:
        return True


def _trailing_zone_missing(head: str) -> bool:
    return not re.search(r"(?:\s[A-Za-z]{1,5}|[+-]\s*\d{1,2}(?::?\d{2})?)$", head)


def _zone(text: str | None) -> tzinfo | None:
    """A tzinfo for a zone token; None when the token is not a zone at all."""
    if not text:
        return None
    t = text.strip()
    m = _OFFSET.match(t)
    if m:
        return _offset(m.group("sign"), m.group("hh"), m.group("mm"))
    m = re.match(r"^(?P<name>[A-Za-z]{1,5})\s*(?:(?P<sign>[+-])\s*(?P<hh>\d{1,2})(?::?(?P<mm>\d{2}))?)?$", t)
    if not m:
        return None
    name = m.group("name").lower()
    if m.group("sign"):  # GMT+7, UTC+07:00
        return _offset(m.group("sign"), m.group("hh"), m.group("mm")) if name in ("gmt", "utc", "ut") else None
    if name in _NAMED_ZONES:
        return timezone(timedelta(hours=_NAMED_ZONES[name]))
    if name in _MILITARY:
        return UTC
    return _UNKNOWN


class _Unknown(tzinfo):
    """Marker: an alphabetic zone we do not know; the caller substitutes default_tz."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return None


_UNKNOWN = _Unknown()


def _offset(sign: str, hh: str, mm: str | None) -> tzinfo | None:
    minutes = int(hh) * 60 + int(mm or 0)
    if int(mm or 0) >= 60 or minutes >= 24 * 60:
        raise ValueError("offset out of range")
    return timezone(timedelta(minutes=-minutes if sign == "-" else minutes))


def _build(
    y: int, mo: int, d: int, h: int, mi: int, s: int, zone: str | None, default_tz: tzinfo
) -> datetime | None:
    tz = _zone(zone) if zone else default_tz
    if tz is None:
        return None
    if tz is _UNKNOWN:
        tz = default_tz
    if s == 60:  # leap second
        s = 59
    return datetime(y, mo, d, h, mi, s, tzinfo=tz)


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:
        return 2000 + y if y < 50 else 1900 + y
    if len(text) == 3:
        return 1900 + y  # RFC 2822 obsolete three-digit years
    return y


def _month(name: str) -> int | None:
    return _MONTHS.get(name[:3].lower())


def _read_iso(s: str, default_tz: tzinfo) -> datetime | None:
    m = _ISO.match(s)
    if not m:
        return None
    g = m.groupdict()
    if g["mo"] is None and g["h"] is not None:
        return None
    return _build(
        int(g["y"]), int(g["mo"] or 1), int(g["d"] or 1),
        int(g["h"] or 0), int(g["mi"] or 0), int(g["s"] or 0), g["zone"], default_tz,
    )


def _read_rfc822(s: str, default_tz: tzinfo) -> datetime | None:
    m = _RFC822.match(s)
    if not m:
        return None
    g = m.groupdict()
    mo = _month(g["mo"])
    if mo is None:
        return None
    return _build(
        _year(g["y"]), mo, int(g["d"]),
        int(g["h"] or 0), int(g["mi"] or 0), int(g["s"] or 0), g["zone"], default_tz,
    )


def _read_month_first(s: str, default_tz: tzinfo) -> datetime | None:
    m = _MONTH_FIRST.match(s)
    if not m:
        return None
    g = m.groupdict()
    mo = _month(g["mo"])
    year = g["y"] or g["y2"]
    if mo is None or year is None:
        return None
    h, mi, sec = (g["h"], g["mi"], g["s"]) if g["y"] else (g["t_h"], g["t_mi"], g["t_s"])
    return _build(int(year), mo, int(g["d"]), int(h or 0), int(mi or 0), int(sec or 0), g["zone"], default_tz)


def _read_dmy(s: str, default_tz: tzinfo) -> datetime | None:
    m = _DMY.search(s)
    if not m:
        return None
    rest = s[: m.start()] + " " + s[m.end():]
    z = _DMY_ZONE.search(rest)
    zone = z.group(0) if z else None
    if z:
        rest = rest[: z.start()] + " " + rest[z.end():]
    t = _DMY_TIME.search(rest)
    h, mi, sec = (int(t.group("h")), int(t.group("mi")), int(t.group("s") or 0)) if t else (0, 0, 0)
    return _build(int(m.group("y")), int(m.group("mo")), int(m.group("d")), h, mi, sec, zone, default_tz)


# --------------------------------------------------------------------------- article-page bylines

_BYLINE_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")
_BYLINE_YMD = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_BYLINE_TIME = re.compile(r"(?<![\d/.-])(\d{1,2})\s*[:hH]\s*(\d{2})(?::(\d{2}))?(?!\d)")
_BYLINE_ZONE = re.compile(r"\b(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)


def parse_byline(text: str, *, default_tz: tzinfo = ICT) -> datetime | None:
    """A date from an article page's byline: `parse_date`, else a looser reading of what it
    leaves ("06 - 04 - 2025 | 05h30", "2025-04-06 lúc 05:30"). Never raises.

    Day/month/year (or year-month-day) and hour:minute in either order; "GMT+7" sets the offset
    when it is within ±14 h, else `default_tz`. Years 1970..2100 only.
    """
    return parse_date(text, default_tz=default_tz) or _loose_byline(text, default_tz)


def _loose_byline(text: str, default_tz: tzinfo) -> datetime | None:
    text = " ".join(text.replace("\u200b", "").replace("\ufeff", "").split())
    date = _BYLINE_DMY.search(text)
    if date:
        day, month, year = (int(g) for g in date.groups())
    elif ymd := _BYLINE_YMD.search(text):
        year, month, day = (int(g) for g in ymd.groups())
    else:
        return None
    clock = _BYLINE_TIME.search(text)
    hour, minute, second = (int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)) if clock else (0, 0, 0)
    tz = default_tz
    if zone := _BYLINE_ZONE.search(text):
        sign = -1 if zone.group(1) == "-" else 1
        hours, minutes = int(zone.group(2)), int(zone.group(3) or 0)
        if hours <= 14 and minutes < 60:
            tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    if not 1970 <= year <= 2100:
        return None
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except ValueError:
        return None


def parse_epoch(text: str) -> datetime | None:
    """Unix time in seconds or milliseconds ("1744007400", "1744007400000"), in Vietnam time; None
    for anything else or outside 1970..2100."""
    try:
        seconds = float(text)
    except ValueError:
        return None
    if seconds > 1e11:
        seconds /= 1000  # milliseconds
    if not 0 < seconds < 4102444800:  # 1970 to 2100, as dates.parse_date
        return None
    return datetime.fromtimestamp(seconds, tz=ICT)
