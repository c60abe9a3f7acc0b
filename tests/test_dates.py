"""monitor.dates: the forms Vietnamese feeds and pages write, plausibility, and fuzzing; and the fast
scans of monitor.vndates and monitor.aliases against their plain regexes."""

from __future__ import annotations

import functools
import re
import sys
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor import triggers, vndates
from monitor.aliases import _W, Aliases, default_aliases, word_alternation
from monitor.dates import ICT, parse_byline, parse_date, parse_epoch, to_iso
from monitor.text import lower_for_scan


def tz(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))


VN = tz(7)

READ = [
    # RFC 822 / 1123 as feeds write it
    ("Thu, 01 Jan 2004 19:48:21 GMT", datetime(2004, 1, 1, 19, 48, 21, tzinfo=UTC)),
    ("Mon, 18 Feb 2019 21:05:27 +0700", datetime(2019, 2, 18, 21, 5, 27, tzinfo=VN)),
    ("Mon, 18 Feb 2019 21:05:27 -0330", datetime(2019, 2, 18, 21, 5, 27, tzinfo=tz(-3.5))),
    ("Mon, 18 Feb 2019 21:05:27 +07:00", datetime(2019, 2, 18, 21, 5, 27, tzinfo=VN)),
    # Tuổi Trẻ
    ("Wed, 16 Jul 2025 09:30:00 GMT+7", datetime(2025, 7, 16, 9, 30, tzinfo=VN)),
    ("Wed, 16 Jul 2025 09:30:00 GMT+07:00", datetime(2025, 7, 16, 9, 30, tzinfo=VN)),
    ("Wed, 16 Jul 2025 09:30:00 GMT+0700", datetime(2025, 7, 16, 9, 30, tzinfo=VN)),
    ("Wed, 16 Jul 2025 09:30:00 UTC-5", datetime(2025, 7, 16, 9, 30, tzinfo=tz(-5))),
    # Thanh Niên's two-digit year, and the RFC 2822 century rule
    ("Sat, 27 Jan 24 14:15:00 +0700", datetime(2024, 1, 27, 14, 15, tzinfo=VN)),
    ("Sat, 27 Jan 99 14:15:00 +0700", datetime(1999, 1, 27, 14, 15, tzinfo=VN)),
    # missing weekday, missing seconds, extra whitespace, named zones, trailing comment
    ("27 Jan 2024 14:15:00 +0700", datetime(2024, 1, 27, 14, 15, tzinfo=VN)),
    ("Sat, 27 Jan 2024 14:15 +0700", datetime(2024, 1, 27, 14, 15, tzinfo=VN)),
    ("  Sat,   27  Jan 2024\n14:15:00   +0700 ", datetime(2024, 1, 27, 14, 15, tzinfo=VN)),
    ("Sat, 27 Jan 2024 14:15:00 EST", datetime(2024, 1, 27, 14, 15, tzinfo=tz(-5))),
    ("Sat, 27 Jan 2024 14:15:00 ICT", datetime(2024, 1, 27, 14, 15, tzinfo=VN)),
    ("Sat, 27 Jan 2024 14:15:00 Z", datetime(2024, 1, 27, 14, 15, tzinfo=UTC)),
    ("Sat, 27 Jan 2024 14:15:00 +0000 (UTC)", datetime(2024, 1, 27, 14, 15, tzinfo=UTC)),
    ("Saturday, 27-Jan-24 14:15:00 GMT", datetime(2024, 1, 27, 14, 15, tzinfo=UTC)),
    ("Sat, 27 January 2024 14:15:00 +0700", datetime(2024, 1, 27, 14, 15, tzinfo=VN)),
    # asctime and month-first
    ("Sat Jan 27 14:15:00 2024", datetime(2024, 1, 27, 14, 15, tzinfo=ICT)),
    ("Jan 27 2024 14:15:00 GMT", datetime(2024, 1, 27, 14, 15, tzinfo=UTC)),
    # W3CDTF / ISO 8601
    ("2003-12-31T10:14:55Z", datetime(2003, 12, 31, 10, 14, 55, tzinfo=UTC)),
    ("2003-12-31T10:14:55.123-08:00", datetime(2003, 12, 31, 10, 14, 55, tzinfo=tz(-8))),
    ("2003-12-31T10:14Z", datetime(2003, 12, 31, 10, 14, tzinfo=UTC)),
    ("2003-12-31T10:14:55+0700", datetime(2003, 12, 31, 10, 14, 55, tzinfo=VN)),
    ("2003-12-31 10:14:55", datetime(2003, 12, 31, 10, 14, 55, tzinfo=ICT)),
    ("2003-12-31", datetime(2003, 12, 31, tzinfo=ICT)),
    ("2003-12", datetime(2003, 12, 1, tzinfo=ICT)),
    ("20031231T101455Z", datetime(2003, 12, 31, 10, 14, 55, tzinfo=UTC)),
    # VnExpress meta: spaces inside the offset
    ("2026-10-07 07:49 + 07:00", datetime(2026, 10, 7, 7, 49, tzinfo=VN)),
    # Vietnamese bylines, day first
    ("Thứ hai, 18/2/2019, 21:05 (GMT+7)", datetime(2019, 2, 18, 21, 5, tzinfo=VN)),
    ("Chủ Nhật, 06/04/2025 - 05:30", datetime(2025, 4, 6, 5, 30, tzinfo=ICT)),
    ("05:30 06/04/2025", datetime(2025, 4, 6, 5, 30, tzinfo=ICT)),
    ("06-04-2025, 05:30", datetime(2025, 4, 6, 5, 30, tzinfo=ICT)),
    ("Thứ Bảy, 6.4.2025 08:15 GMT+7", datetime(2025, 4, 6, 8, 15, tzinfo=VN)),
]


@pytest.mark.parametrize(("text", "expected"), READ, ids=[r[0] for r in READ])
def test_reads(text: str, expected: datetime) -> None:
    got = parse_date(text)
    assert got is not None
    assert got == expected
    assert got.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "text",
    [
        "", "   ", "garbage", "không có ngày", "Thu, 31 Feb 2004 19:48:21 GMT", "2004-13-01",
        "2004-01-01T25:00:00Z", "2004-01-01T10:00:00+25:00", "Thu, 01 Jan 1960 19:48:21 GMT",
        "1969-12-31T23:59:59Z", "Thu, 01 Jan 1970 00:00:00 GMT", "1970-01-01T07:00:00+07:00", "0001-01-01", "9999-12-31T23:59:59-05:00", "Sat, 27 Foo 2024 14:15:00 +0700",
        "2024-01-01" + " " * 300 + "x", "32/13/2024", "06/04-2025",
        "Thứ hai, 31/2/2019, 25:61 (GMT+99)", "Thứ hai, 18/2/2019, 21:05 (GMT+99)", "18/2/2019 (UTC+24:00)",
    ],
)
def test_unreadable_or_implausible_is_none(text: str) -> None:
    assert parse_date(text) is None


def test_1970_other_than_the_epoch_instant_is_kept() -> None:
    assert parse_date("Thu, 01 Jan 1970 00:00:01 GMT") == datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC)


def test_future_dates_are_kept() -> None:
    assert parse_date("2031-01-01T00:00:00Z") == datetime(2031, 1, 1, tzinfo=UTC)


def test_no_zone_means_default_tz() -> None:
    assert parse_date("2024-01-27 14:15").tzinfo is ICT
    assert parse_date("2024-01-27 14:15", default_tz=UTC) == datetime(2024, 1, 27, 14, 15, tzinfo=UTC)
    # an unknown alphabetic zone in a Vietnamese feed: the default zone, not UTC
    assert parse_date("Sat, 27 Jan 2024 14:15:00 XYZ") == datetime(2024, 1, 27, 14, 15, tzinfo=ICT)


def test_non_string_is_none() -> None:
    assert parse_date(None) is None  # type: ignore[arg-type]
    assert parse_date(1706339700) is None  # type: ignore[arg-type]


def test_to_iso() -> None:
    assert to_iso(datetime(2024, 1, 27, 14, 15, tzinfo=VN)) == "2024-01-27T14:15:00+07:00"
    assert to_iso(datetime(2024, 1, 27, 7, 15, tzinfo=UTC)) == "2024-01-27T07:15:00+00:00"
    assert to_iso(datetime(2024, 1, 27, 14, 15)) == "2024-01-27T14:15:00+07:00"  # naive means Vietnam


# --------------------------------------------------------------------------- properties

AWARE = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(2099, 12, 30),
    timezones=st.sampled_from([UTC, VN, tz(-5), tz(5.5), tz(-9.5), ICT]),
).map(lambda d: d.replace(microsecond=0)).filter(
    # not a wall-clock time repeated or skipped by a zone change (Saigon, 13 June 1975): Python never
    # finds such a time equal to the same instant in another zone
    lambda d: d.replace(fold=1 - d.fold).utcoffset() == d.utcoffset())


@settings(max_examples=300, deadline=None)
@given(AWARE)
def test_round_trips_iso(dt: datetime) -> None:
    got = parse_date(to_iso(dt))
    assert got == dt and got.utcoffset() == dt.utcoffset()


@settings(max_examples=300, deadline=None)
@given(AWARE)
def test_round_trips_rfc_2822(dt: datetime) -> None:
    assert parse_date(format_datetime(dt)) == dt


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=80) | st.from_regex(r"[A-Za-z]{0,4},? ?\d{1,4}[ /-][A-Za-z0-9]{1,4}[ /-]\d{1,4} [\d:]{0,9} ?[A-Z+\- :0-9]{0,9}")
       | st.from_regex(r"\d{1,2}/\d{1,2}/\d{4},? \d{1,2}:\d{2} \((?:GMT|UTC) ?[+-]\d{1,3}(?::?\d{2,3})?\)", fullmatch=True))
def test_fuzz_never_raises(text: str) -> None:
    got = parse_date(text)
    assert got is None or (got.tzinfo is not None and got.utcoffset() is not None and 1970 <= got.year <= 2100)


# --------------------------------------------------------------------------- bylines and epochs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thứ hai, 18/2/2019, 21:05 (GMT+7)", datetime(2019, 2, 18, 21, 5, tzinfo=VN)),  # parse_date reads it
        ("06 - 04 - 2025 | 05h30", datetime(2025, 4, 6, 5, 30, tzinfo=VN)),
        ("Cập nhật: 2025-04-06 lúc 05:30", datetime(2025, 4, 6, 5, 30, tzinfo=VN)),
        ("05:30 ngày 06/04/2025 GMT+8", datetime(2025, 4, 6, 5, 30, tzinfo=tz(8))),
        ("06/04/2025 05:30 GMT+99", datetime(2025, 4, 6, 5, 30, tzinfo=VN)),  # no such zone: Vietnam time
    ],
)
def test_parse_byline(text: str, expected: datetime) -> None:
    got = parse_byline(text)
    assert got == expected and got is not None and got.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("text", ["", "không có ngày", "31/02/2025 05:30", "06/04/1900", "Thứ hai, 31/2/2019, 25:61 (GMT+99)"])
def test_parse_byline_unreadable_is_none(text: str) -> None:
    assert parse_byline(text) is None


def test_parse_epoch() -> None:
    assert parse_epoch("1744007400") == parse_epoch("1744007400000") == datetime(2025, 4, 7, 6, 30, tzinfo=UTC)
    assert parse_epoch("1744007400").tzinfo is ICT
    assert [parse_epoch(t) for t in ("0", "-5", "abc", "nan", "1e400", "5000000000")] == [None] * 6


# --------------------------------------------------------------------------- the fast scans
# monitor.vndates and monitor.aliases try their big regexes only where a match can start (a date's
# first word, an alias's first character); these check that they find what a plain finditer finds.

_DATE_WORDS = (
    "ngày", "hôm", "Hôm", "NGÀY", "sáng", "Sáng", "rạng", "sớm", "trưa", "chiều", "tối", "Tối", "đêm",
    "khuya", "vào", "Vào", "thứ", "Thứ", "hai", "Hai", "ba", "Ba", "tư", "Tư", "năm", "Năm", "sáu",
    "Sáu", "bảy", "Bảy", "chủ", "Chủ", "nhật", "Nhật", "qua", "nay", "kia", "mai", "cùng", "trong",
    "sau", "trước", "đó", "khi", "tháng", "Tháng", "ngoái", "một", "mười", "bốn", "tám", "chín", "giờ",
    "người", "lần", "4/4", "6/4", "16/4", "4/4/2019", "23-11", "7-4", "11.4", "4.5", "1/3", "2011",
    "2019", "12", "3", "25", "30", "5.300", "٣", "２", "ſáng", "chıều", "İ", "ı", "Ngày5", "5ngày", "x",
)
_SEPARATORS = (" ", " ", " ", "", ", ", "  ", "-", "/", "\n", "(", ")", ".")


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(_DATE_WORDS), st.sampled_from(_SEPARATORS)), max_size=14)
    | st.text(max_size=60)
)
def test_date_scan_finds_what_finditer_finds(parts: list[tuple[str, str]] | str) -> None:
    text = parts if isinstance(parts, str) else "".join(w + sep for w, sep in parts)
    fast = [m.span() for m in vndates._date_matches(text)]
    assert fast == [m.span() for m in vndates._DATE_RE.finditer(text)]


_DATE_PREFIXES = ("", "vào ", "sáng ", "rạng sáng ", "sáng sớm ", "trưa ", "chiều tối ", "chiều ", "tối ",
                  "đêm ", "khuya ", "ngày ", "hôm ", "ngày hôm ", "vào sáng ngày ", "vào hôm ", "sớm ")  # fmt: skip
_DATE_CORES = ("4/4", "4/4/2019", "6.4", "23-11", "12 tháng 4", "12 tháng 4 năm 2019", "thứ Hai", "thứ 7",
               "Chủ nhật", "thứ hai (2/4)", "thứ Bảy, ngày 6/4", "qua", "nay", "kia", "mai", "30", "sau", "trước",
               "cùng ngày", "cùng hôm", "trong ngày", "một ngày trước đó", "hai ngày sau", "ba ngày sau",
               "bốn ngày trước", "năm ngày sau", "sáu ngày trước", "bảy ngày sau", "tám ngày trước",
               "chín ngày sau", "mười ngày trước", "3 ngày sau", "năm 2011", "tháng 5", "tháng 5/2024",
               "tháng 5 năm 2024", "năm ngoái", "năm trước")  # fmt: skip


def test_date_scan_finds_every_form() -> None:
    """Every branch of _DATE_RE, after every prefix, in every case: each starts with a head."""
    for prefix in _DATE_PREFIXES:
        for core in _DATE_CORES:
            phrase = prefix + core
            for text in (phrase, phrase.upper(), phrase.title(), f"x ({phrase}), y"):
                got = [m.span() for m in vndates._date_matches(text)]
                assert got == [m.span() for m in vndates._DATE_RE.finditer(text)], text
    for core in _DATE_CORES:  # the forms are real: a date, after some prefix
        ends = [m.end() - len(prefix) for prefix in _DATE_PREFIXES if (m := vndates._DATE_RE.match(prefix + core))]
        assert any(end > 0 for end in ends), core


@pytest.mark.parametrize("heads", ["dates", "triggers"])
def test_date_scan_case_folds_are_listed(heads: str) -> None:
    """The date and trigger head words are looked for in the lowered sentence: every character
    `re` matches case-insensitively with one of their letters must lower to that letter (and be
    a letter), or lower to two characters, or be one `text.lower_for_scan` refuses (then the
    plain finditer runs)."""
    words = vndates._HEAD_WORDS if heads == "dates" else triggers._HEADS
    letters = set("".join(words))
    any_letter = re.compile("(?i)[" + re.escape("".join(sorted(letters))) + "]")
    for c in map(chr, range(sys.maxunicode + 1)):
        low = c.lower()
        if len(low) == 1 and low in letters:
            assert c.isalnum(), repr(c)
        if any_letter.fullmatch(c) and len(low) == 1 and lower_for_scan(c) is not None:
            assert all(low == x for x in letters if re.fullmatch("(?i)" + re.escape(x), c)), repr(c)


_ALIAS_TOML = """
place = [
  { name = "Libya", kind = "country", aliases = ["Libya", "Li-bi", "Li bi a"] },
  { name = "Tripoli", kind = "city", in = "Libya", aliases = ["Tripoli", "thủ đô Tripoli", "sân bay Tripoli"] },
  { name = "TP.HCM", kind = "city", aliases = ["TP.HCM", "TP. HCM", "HCM", "(Sài Gòn)"] },
  { name = "Ý", kind = "country", aliases = ["Ý", "Italia"] },
]
actor = [
  { name = "Nga", kind = "country", aliases = ["Nga", "Liên bang Nga", "Nga x", "5 Sao"] },
  { name = "al-Qaeda", kind = "group", aliases = ["al-Qaeda", "al - Qaeda", "Al Qaeda"] },
]
"""
_ALIAS_WORDS = (
    "Libya", "Li", "bi", "a", "Tripoli", "thủ", "đô", "sân", "bay", "TP.HCM", "TP.", "HCM", "(Sài",
    "Gòn)", "Ý", "Italia", "Nga", "Liên", "bang", "x", "5", "Sao", "al", "Qaeda", "Al", "LibyaX",
    "xNga", "Ngà", "ở", "tại",
)


@functools.cache
def _alias_regexes() -> list[tuple[re.Pattern[str], re.Pattern[str]]]:
    """(fast, plain) for a small table of awkward aliases and for the packaged one."""
    out = []
    for table in (Aliases.parse(_ALIAS_TOML), default_aliases()):
        keys = sorted(table.surface, key=len, reverse=True)
        alts = "|".join(r"[\s-]+".join(re.escape(s) for s in k.split(" ")) for k in keys)
        out.append((word_alternation(keys), re.compile(rf"(?<!{_W})(?:{alts})(?!{_W})")))
    return out


@pytest.mark.parametrize(
    "text",
    ["Nga x.", "Nga x", "Nga xa", "Liên bang Nga", "Li bi a", "Li-bi a", "Li bi", "thủ đô Tripoli", "TP. HCM", "TP.HCM",
     "(Sài Gòn)", "al - Qaeda", "Al Qaeda", "LibyaX Libya", "xNga Nga", "Ý, Italia", "5 Sao", "ở Quân đội Quốc gia Libya"],
)  # fmt: skip
def test_alias_scan_prefers_the_longer_alias(text: str) -> None:
    for fast, plain in _alias_regexes():
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_ALIAS_WORDS), st.sampled_from(_SEPARATORS)), max_size=12))
def test_alias_scan_finds_what_the_plain_regex_finds(parts: list[tuple[str, str]]) -> None:
    text = "".join(w + sep for w, sep in parts)
    for fast, plain in _alias_regexes():
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]
