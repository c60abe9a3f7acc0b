"""Vietnamese dates in news text, resolved against the article's publication (issue 5).

    find_dates(sentence, published, previous) → [(start, end, YYYY-MM-DD | None, is_history)]
    resolve_date(sentence, published, previous) → the first date named, or None

Forms: "ngày 4/4", "hôm 6/4", "sáng 5/4", "đêm 16/4", "4/4/2019", "ngày 12 tháng 4 năm 2019",
"ngày 23-11", "hôm qua/nay/kia", "sáng nay", "tối qua", weekdays ("thứ Hai", "Chủ nhật"),
"cùng ngày" / "trong ngày" (the date just mentioned), "hai ngày sau", "một ngày trước đó", a
day alone ("rạng sáng ngày 25"). A day and month with no year is the latest such date not after
publication, in Asia/Ho_Chi_Minh. Pure functions; nothing here raises on any text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone, tzinfo

from monitor.text import lower_for_scan

__all__ = ["BACKGROUND_DAYS", "VN_TZ", "find_dates", "is_background", "local_day", "parse_iso", "resolve_date"]


def _vietnam_tz() -> tzinfo:
    try:
        from zoneinfo import ZoneInfo  # optional: the system tz database may be absent

        return ZoneInfo("Asia/Ho_Chi_Minh")
    except Exception:  # noqa: BLE001 - no tz database: Vietnam has kept +07:00 since 1975
        return timezone(timedelta(hours=7), "ICT")


VN_TZ = _vietnam_tz()
BACKGROUND_DAYS = 30  # an event dated more than this before publication is history
_W = r"[^\W_]"  # a letter or digit (Unicode)

_PART = r"(?:rạng\s+sáng|sáng\s+sớm|sáng|trưa|chiều\s+tối|chiều|tối|đêm|khuya)"
_PREFIX = rf"(?:(?:vào\s+)?(?:{_PART}\s+)?(?:ngày\s+hôm|ngày|hôm)|{_PART})"
_WD_NAMES = {"hai": 0, "ba": 1, "tư": 2, "năm": 3, "sáu": 4, "bảy": 5}
_WEEKDAY = r"(?:[Tt]hứ\s+(?P<wd>Hai|Ba|Tư|Năm|Sáu|Bảy|[2-7])|(?P<sun>[Cc]hủ\s+[Nn]hật))"
_WEEKDAY_NC = r"(?:[Tt]hứ\s+(?:Hai|Ba|Tư|Năm|Sáu|Bảy|[2-7])|[Cc]hủ\s+[Nn]hật|(?i:thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật)(?=\s*\(\d))"
_NUMWORD = r"một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|\d{1,2}"
_DATE_RE = re.compile(
    rf"""
    (?<!{_W})(?:
      (?P<fd>\d{{1,2}})(?P<fs>[/-])(?P<fm>\d{{1,2}})(?P=fs)(?P<fy>\d{{4}})(?!\d)
    | (?:(?i:{_PREFIX})\s+)?(?P<td>\d{{1,2}})\s+(?i:tháng)\s+(?P<tm>\d{{1,2}})(?:\s+(?i:năm)\s+(?P<ty>\d{{4}}))?(?!\d)
    | (?i:{_PREFIX})\s+(?:{_WEEKDAY_NC}\s*,?\s*)?\(?(?P<pd>\d{{1,2}})(?P<ps>[/.-])(?P<pm>\d{{1,2}})
        (?:(?P=ps)(?P<py>\d{{4}}))?(?![\d.,]\d)
    | (?:(?i:{_PREFIX})\s+)?{_WEEKDAY}(?:\s*,?\s*(?:\(|(?i:ngày)\s+)(?P<wdd>\d{{1,2}})[/-](?P<wdm>\d{{1,2}})(?![\d.,]\d))?
    | (?i:(?:ngày\s+)?hôm\s+(?P<rel1>qua|nay|kia)|(?:{_PART}|sớm)\s+(?P<rel2>qua|nay)|ngày\s+(?P<rel3>mai))
    | (?i:(?:vào\s+)?(?:{_PART}\s+)?(?:ngày|hôm|đêm))\s+(?P<dd>\d{{1,2}})(?![\d/:-]|[.,]\d|\s*(?:tháng|giờ|h\b|ngày|tuần|năm|lần|người|%))
    | (?i:(?P<same>cùng\s+ngày|cùng\s+hôm|trong\s+ngày)(?!\s+(?:\d|hôm|thứ|chủ|qua|mai)))
    | (?i:(?P<off>{_NUMWORD})\s+ngày\s+(?P<dir>sau|trước)(?P<that>\s+đó)?(?!\s+(?:khi|lúc|ngày|sự kiện|cuộc|vụ)(?!\w)))
    | (?i:(?:ngày\s+)?hôm\s+(?P<next>sau|trước))
    | (?i:năm\s+(?P<year>(?:19|20)\d\d))(?![\d/-])
    | (?i:tháng\s+(?P<mon>\d{{1,2}})(?:(?:\s+năm\s+|[/-])(?P<mony>\d{{4}}))?)(?![\d/-])
    | (?i:(?P<lastyear>năm\s+ngoái|năm\s+trước))
    )(?!{_W})
    """,
    re.VERBOSE,
)
# Where a `_DATE_RE` match can start: a digit, or the first word of one of its branches followed by
# a space (a time of day, "vào", "ngày", "hôm", a weekday, "cùng", "trong", a number word, "năm",
# "tháng"). `find_dates` tries `_DATE_RE` only there, and finds what `_DATE_RE.finditer` finds,
# 4-5x faster: the leading lookbehind keeps the regex engine from skipping ahead, so `finditer`
# tries all the branches at every character of every sentence. Keep the words in step with
# `_DATE_RE` (tests/test_dates.py compares the two on generated text).
_HEAD_WORDS = ("vào", "rạng", "sáng", "sớm", "trưa", "chiều", "tối", "đêm", "khuya", "ngày", "hôm",
               "thứ", "chủ", "cùng", "trong", "tháng", "năm",
               "một", "hai", "ba", "bốn", "sáu", "bảy", "tám", "chín", "mười")  # fmt: skip
_DIGIT_RUN = re.compile(r"\d+")
# case-sensitive, over the lowered sentence, grouped by first letter: the engine then skips ahead
# to a candidate letter and rejects the other groups on their first letter
_WORD_HEAD = re.compile(
    "(?:"
    + "|".join(
        re.escape(first) + "(?:" + "|".join(re.escape(w[1:]) for w in _HEAD_WORDS if w[0] == first) + ")"
        for first in dict.fromkeys(w[0] for w in _HEAD_WORDS)
    )
    + r")\s"
)
_OFFSETS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10}


def local_day(published: datetime | None) -> date | None:
    if published is None:
        return None
    try:
        if published.tzinfo is None:  # naive: taken as Vietnamese local time
            return published.date()
        return published.astimezone(VN_TZ).date()
    except (OverflowError, ValueError):
        return None


def _ymd(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _day_month(d: int, m: int, y: int | None, pub: date | None) -> date | None:
    """A day and month; with no year, the latest such date not after publication."""
    if y is not None:
        return _ymd(y, m, d)
    if pub is None or not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    for year in range(pub.year, pub.year - 8, -1):
        day = _ymd(year, m, d)
        if day is not None and day <= pub:
            return day
    return None


def _day_only(d: int, pub: date | None) -> date | None:
    if pub is None or not 1 <= d <= 31:
        return None
    year, month = pub.year, pub.month
    for _ in range(3):
        day = _ymd(year, month, d)
        if day is not None and day <= pub:
            return day
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return None


def _weekday(g: dict[str, str | None], pub: date | None) -> date | None:
    if pub is None:
        return None
    wd = g["wd"]
    target = 6 if g["sun"] else (int(wd) - 2 if wd and wd.isdigit() else _WD_NAMES[(wd or "").lower()])
    return pub - timedelta(days=(pub.weekday() - target) % 7)


def _resolve(g: dict[str, str | None], pub: date | None, prev: date | None) -> date | None:
    """The date one `_DATE_RE` match names (see find_dates)."""
    if g["fd"]:
        return _ymd(int(g["fy"] or 0), int(g["fm"] or 0), int(g["fd"]))
    if g["td"]:
        return _day_month(int(g["td"]), int(g["tm"] or 0), int(g["ty"]) if g["ty"] else None, pub)
    if g["pd"]:
        return _day_month(int(g["pd"]), int(g["pm"] or 0), int(g["py"]) if g["py"] else None, pub)
    if g["dd"]:  # "rạng sáng ngày 25": the latest 25th not after publication
        return _day_only(int(g["dd"]), pub)
    if g["wdd"]:
        return _day_month(int(g["wdd"]), int(g["wdm"] or 0), None, pub)
    if g["wd"] or g["sun"]:
        return _weekday(g, pub)
    rel = (g["rel1"] or g["rel2"] or g["rel3"] or "").lower()
    if rel:
        shift = {"nay": 0, "qua": -1, "kia": -2, "mai": 1}[rel]
        return pub + timedelta(days=shift) if pub else None
    if g["same"]:
        return prev
    if g["off"]:
        word = g["off"].lower()
        n = int(word) if word.isdigit() else _OFFSETS[word]
        sign = 1 if (g["dir"] or "").lower() == "sau" else -1
        base = prev if (sign > 0 or g["that"]) else pub
        return base + timedelta(days=sign * n) if base else None
    if g["next"]:
        return prev + timedelta(days=1 if g["next"].lower() == "sau" else -1) if prev else None
    return None


def find_dates(
    sentence: str, published: datetime | None, previous: str | None = None
) -> list[tuple[int, int, str | None, bool]]:
    """Every date expression: (start, end, YYYY-MM-DD or None, is_history).

    `is_history` marks a bare past year ("năm 2011"): not a day, but evidence of background.
    `previous` is the date mentioned just before (for "cùng ngày", "hai ngày sau"); each date
    found becomes the previous one for the next.
    """
    pub = local_day(published)
    prev = _parse_iso(previous)
    out: list[tuple[int, int, str | None, bool]] = []
    for m in _date_matches(sentence):
        g = m.groupdict()
        if g["year"] or g["mon"] or g["lastyear"]:
            out.append((m.start(), m.end(), None, _period_is_history(g, pub)))
            continue
        try:
            day = _resolve(g, pub, prev)
        except (OverflowError, ValueError, KeyError):
            day = None
        if day is not None:
            prev = day
        out.append((m.start(), m.end(), day.isoformat() if day else None, False))
    return out


def _date_matches(sentence: str) -> Iterator[re.Match[str]]:
    """`_DATE_RE.finditer(sentence)`, tried only at a digit or a `_HEAD_WORDS` word. A head is a
    run of digits or letters and one space, so no match can start inside it but at its start."""
    low = lower_for_scan(sentence)
    if low is None:  # "ſáng" matches (?i:sáng), "İ" lowers to two characters: the plain scan
        yield from _DATE_RE.finditer(sentence)
        return
    starts = [m.start() for m in _DIGIT_RUN.finditer(sentence)]
    starts += [m.start() for m in _WORD_HEAD.finditer(low)]
    starts.sort()
    end = 0
    for start in starts:
        if start >= end and (m := _DATE_RE.match(sentence, start)):
            end = m.end()
            yield m


def _period_is_history(g: dict[str, str | None], pub: date | None) -> bool:
    """A bare year or month ("năm 2011", "tháng 10 năm nay") that ended over 30 days before publication."""
    if pub is None:
        return False
    if g["lastyear"]:
        return True
    if g["year"]:
        return (pub - date(int(g["year"]), 12, 31)).days > BACKGROUND_DAYS
    month = int(g["mon"] or 0)
    if not 1 <= month <= 12:
        return False
    year = int(g["mony"]) if g["mony"] else (pub.year if month <= pub.month else pub.year - 1)
    try:
        end = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    except (ValueError, OverflowError):  # "tháng 5/0000", or past year 9999
        return False
    return (pub - end).days > BACKGROUND_DAYS


def resolve_date(sentence: str, published: datetime | None, previous: str | None = None) -> str | None:
    """The first date the sentence names, as YYYY-MM-DD, resolved in Asia/Ho_Chi_Minh; else None.

    >>> resolve_date("Hôm 6/4, ...", datetime(2019, 4, 7, 8, tzinfo=VN_TZ))
    '2019-04-06'
    """
    for _s, _e, day, _old in find_dates(sentence, published, previous):
        if day:
            return day
    return None


def _parse_iso(day: str | None) -> date | None:
    try:
        return date.fromisoformat(day) if day else None
    except ValueError:
        return None



def is_background(day: str | None, history: bool, pub: date | None) -> bool:
    """Dated more than BACKGROUND_DAYS before publication; undated: `history` (a bare past year)."""
    d = _parse_iso(day)
    if d is not None and pub is not None:
        return (pub - d).days > BACKGROUND_DAYS
    return history


parse_iso = _parse_iso
