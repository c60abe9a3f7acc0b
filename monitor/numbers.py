"""Counts in Vietnamese news text (issue 5): "5.300" → 5300, "hơn 3.400" → 3400, number words
("hai mươi mốt" → 21), and ACLED's convention for vague counts ("hàng chục" → 10, "hàng trăm" →
100, "hàng nghìn" → 1000, "hàng chục nghìn" → 10000). A date ("ngày 4/4") is never a count."""

from __future__ import annotations

import re
from collections.abc import Iterator

from monitor.vndates import find_dates

_W = r"[^\W_]"  # a letter or digit (Unicode)

__all__ = ["counts", "parse_count"]

_DIGITS = {"một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "sáu": 6,
           "bảy": 7, "tám": 8, "chín": 9}  # fmt: skip
_NUMBER_WORDS = set(_DIGITS) | {"mười", "mươi", "trăm", "nghìn", "ngàn", "triệu", "linh", "lẻ"}
_SCALE = {"nghìn": 1000, "ngàn": 1000, "triệu": 1_000_000, "tỷ": 1_000_000_000, "tỉ": 1_000_000_000}
_VAGUE = {"chục": 10, "trăm": 100, "nghìn": 1000, "ngàn": 1000, "triệu": 1_000_000}
_WORDS_ALT = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_COUNT_RE = re.compile(
    rf"""(?<!{_W})(?:
      (?i:hàng|vài)\s+(?P<v1>chục|trăm|nghìn|ngàn|triệu)(?:\s+(?P<v2>nghìn|ngàn|triệu))?
    | (?<![\d.,])(?P<num>\d{{1,3}}(?:\.\d{{3}})+|\d+)(?:,(?P<frac>\d+))?(?:\s+(?P<scale>nghìn|ngàn|triệu|tỷ|tỉ))?(?![.,/:-]?\d|\s*%)
    | (?<!lâu\s)(?<!nhiều\s)(?<!mỗi\s)(?<!các\s)(?<!những\s)(?<!cả\s)(?P<words>(?i:{_WORDS_ALT})(?:\s+(?i:{_WORDS_ALT}))*)
    )(?!{_W})""",
    re.VERBOSE,
)
_NOT_A_COUNT = re.compile(r"(?i)(?:một\s+(?:số|vài|cách|phần|loạt|trong|nửa|lần)|năm\s+(?:\d|nay|ngoái|qua))")


def _words_value(words: list[str]) -> int | None:
    total, group, last = 0, 0, 0
    for w in words:
        if w in _DIGITS:
            last = _DIGITS[w]
            group += last
        elif w == "mười":
            group += 10
        elif w == "mươi":
            group += last * 9
        elif w == "trăm":
            group += last * 99
        elif w in ("nghìn", "ngàn"):
            total, group = total + max(group, 1) * 1000, 0
        elif w == "triệu":
            total, group = (total + max(group, 1)) * 1_000_000, 0
    value = total + group
    return value or None


def _count_value(m: re.Match[str]) -> int | None:
    g = m.groupdict()
    if g["v1"]:
        return _VAGUE[g["v1"].lower()] * (_VAGUE[g["v2"].lower()] if g["v2"] else 1)
    if g["num"]:
        value = float(g["num"].replace(".", "") + ("." + g["frac"] if g["frac"] else ""))
        return int(value * _SCALE.get((g["scale"] or "").lower(), 1))
    if _NOT_A_COUNT.match(m.string, m.start()):
        return None
    if g["words"].lower().startswith("năm") and _AFTER_NUMBER.search(m.string, max(0, m.start() - 12), m.start()):
        return None  # "8 năm tù", "17 năm": years, not five
    return _words_value(g["words"].lower().split())


_AFTER_NUMBER = re.compile(r"(?i)(?:\d|(?<!\w)(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|mươi|mấy|vài|nhiều))\s+$")


_ORDINAL = re.compile(r"(?i)(?<!\w)(?:thứ|hạng|top)\s*$")  # "đứng hàng thứ 2", "xếp hạng 3": a rank, no count


def counts(text: str) -> Iterator[tuple[int, int, int]]:
    for m in _COUNT_RE.finditer(text):
        value = _count_value(m)
        if value is not None and not _ORDINAL.search(text, max(0, m.start() - 8), m.start()):
            yield m.start(), m.end(), value


def parse_count(text: str) -> int | None:
    """The first count in `text`: "5.300" → 5300, "hơn 3.400" → 3400, "hai mươi" → 20,
    "hàng chục nghìn" → 10000 (ACLED's convention for vague counts). None if there is none."""
    try:
        dates = [(s, e) for s, e, *_ in find_dates(text, None)]
        for start, _end, value in counts(text or ""):
            if not any(s <= start < e for s, e in dates):
                return value
    except (ValueError, OverflowError, RecursionError):
        return None
    return None

