"""Events: what happened, read from one article's sentences (issue 5).

    text ─normalize─► split_sentences ─► per sentence: triggers, dates, counts, places, actors
         ─► sentence events ─► folded into the article's events (lead + body = one happening)

Everything here is a pure function of its arguments: the publication time is passed in, and
the only file read is the packaged alias table (`monitor/data/aliases.toml`), loaded once.
No NER: actors and places come from the alias table (see `Aliases`), event types from the
trigger table below, copied from the issue. The extractor never raises on any text.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from importlib import resources
from typing import TextIO

from monitor.models import Event
from monitor.text import normalize

__all__ = [
    "BACKGROUND_DAYS",
    "TRIGGERS",
    "WINDOW_DAYS",
    "Aliases",
    "Casualty",
    "Mention",
    "Trigger",
    "actors_compatible",
    "actors_overlap",
    "combine",
    "default_aliases",
    "event_to_json",
    "extract_events",
    "find_casualties",
    "find_dates",
    "find_triggers",
    "is_asserted",
    "local_day",
    "parse_count",
    "places_compatible",
    "resolve_date",
    "run_extract",
    "same_in_article",
    "split_sentences",
]


def _vietnam_tz() -> tzinfo:
    try:
        from zoneinfo import ZoneInfo  # optional: the system tz database may be absent

        return ZoneInfo("Asia/Ho_Chi_Minh")
    except Exception:  # noqa: BLE001 - no tz database: Vietnam has kept +07:00 since 1975
        return timezone(timedelta(hours=7), "ICT")


VN_TZ = _vietnam_tz()
BACKGROUND_DAYS = 30  # an event dated more than this before publication is history
_W = r"[^\W_]"  # a letter or digit (Unicode)

# --------------------------------------------------------------------------- sentences

_ABBREV = frozenset(
    ["tp", "ts", "ths", "pgs", "gs", "bs", "ks", "ls", "mr", "mrs", "ms", "dr", "st", "jr", "sr", "no", "vs", "v.v", "tr", "q", "p", "tt", "ncs", "ctv", "ubnd", "hđnd", "mt"]
)
_SPLIT = re.compile(r"(?<=[.!?…])(?P<close>[\"”’)\]]*)\s+(?=\S)")


def split_sentences(text: str) -> list[str]:
    """Sentences of `text`: paragraphs (lines) split after . ! ? … before a capital or digit.

    Never inside "5.300", "1,2" or "TP.HCM" (no space follows the dot), nor after an
    abbreviation ("TP. HCM", "ông J. Smith", "v.v.").
    """
    out: list[str] = []
    for para in (text or "").splitlines():
        start = 0
        for m in _SPLIT.finditer(para):
            cut = m.start() + len(m.group("close"))
            nxt = para[m.end() : m.end() + 3].lstrip("\"“‘([")[:1]
            if not (nxt.isupper() or nxt.isdigit()):
                continue
            head = para[start : m.start()].rstrip()
            last = head.rsplit(None, 1)[-1] if head.split() else ""
            word = last.rstrip(".").lower()
            if word in _ABBREV or (len(word) == 1 and word.isalpha()) or re.fullmatch(r"(?:\w\.)+\w?", word):
                continue
            out.append(para[start:cut].strip())
            start = m.end()
        out.append(para[start:].strip())
    return [s for s in out if s]


# --------------------------------------------------------------------------- dates

_PART = r"(?:rạng\s+sáng|sáng\s+sớm|sáng|trưa|chiều\s+tối|chiều|tối|đêm|khuya)"
_PREFIX = rf"(?:(?:vào\s+)?(?:{_PART}\s+)?(?:ngày\s+hôm|ngày|hôm)|{_PART})"
_WD_NAMES = {"hai": 0, "ba": 1, "tư": 2, "năm": 3, "sáu": 4, "bảy": 5}
_WEEKDAY = r"(?:[Tt]hứ\s+(?P<wd>Hai|Ba|Tư|Năm|Sáu|Bảy|[2-7])|(?P<sun>[Cc]hủ\s+[Nn]hật))"
_WEEKDAY_NC = r"(?:[Tt]hứ\s+(?:Hai|Ba|Tư|Năm|Sáu|Bảy|[2-7])|[Cc]hủ\s+[Nn]hật)"
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
    | (?i:(?P<off>{_NUMWORD})\s+ngày\s+(?P<dir>sau|trước)(?P<that>\s+đó)?)
    | (?i:(?:ngày\s+)?hôm\s+(?P<next>sau|trước))
    | (?i:năm\s+(?P<year>(?:19|20)\d\d))(?![\d/-])
    | (?i:tháng\s+(?P<mon>\d{{1,2}})(?:(?:\s+năm\s+|[/-])(?P<mony>\d{{4}}))?)(?![\d/-])
    | (?i:(?P<lastyear>năm\s+ngoái|năm\s+trước))
    )(?!{_W})
    """,
    re.VERBOSE,
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
    for m in _DATE_RE.finditer(sentence):
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


# --------------------------------------------------------------------------- numbers

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
    return _words_value(g["words"].lower().split())


def _counts(text: str) -> Iterator[tuple[int, int, int]]:
    for m in _COUNT_RE.finditer(text):
        value = _count_value(m)
        if value is not None:
            yield m.start(), m.end(), value


def parse_count(text: str) -> int | None:
    """The first count in `text`: "5.300" → 5300, "hơn 3.400" → 3400, "hai mươi" → 20,
    "hàng chục nghìn" → 10000 (ACLED's convention for vague counts). None if there is none."""
    try:
        dates = [(s, e) for s, e, *_ in find_dates(text, None)]
        for start, _end, value in _counts(text or ""):
            if not any(s <= start < e for s, e in dates):
                return value
    except (ValueError, OverflowError, RecursionError):
        return None
    return None


# --------------------------------------------------------------------------- actors and places

_LOCATIVE = frozenset(["ở", "tại", "vào", "đến", "tới", "khỏi", "khắp", "miền", "phía", "quanh", "sang", "trên", "thuộc", "gần", "khơi", "hướng"])


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    name: str  # canonical
    role: str  # "place" or "actor"


@dataclass(frozen=True)
class Aliases:
    """The alias table: canonical places (with their enclosing place) and actors (with the
    actor they belong to), and every written form of each. Build with `parse`/`default_aliases`;
    extend per topic with `extended(toml_text)`."""

    place_parent: dict[str, str | None]
    actor_parent: dict[str, str | None]
    countries: frozenset[str]
    surface: dict[str, tuple[str, str]]  # normalised alias → (role, canonical)
    not_followed_by: dict[str, frozenset[str]]  # canonical → syllables that veto a match
    _regex: list[re.Pattern[str]] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def parse(cls, toml_text: str, base: Aliases | None = None) -> Aliases:
        data = tomllib.loads(toml_text)
        place_parent = dict(base.place_parent) if base else {}
        actor_parent = dict(base.actor_parent) if base else {}
        countries = set(base.countries) if base else set()
        surface = dict(base.surface) if base else {}
        stops = dict(base.not_followed_by) if base else {}
        for role, rows, parents, up in (("place", data.get("place", []), place_parent, "in"),
                                        ("actor", data.get("actor", []), actor_parent, "member_of")):
            for row in rows:
                name = normalize(str(row["name"]))
                parents[name] = normalize(row[up]) if row.get(up) else None
                if row.get("kind") == "country":
                    countries.add(name)
                if row.get("not_followed_by"):
                    stops[name] = frozenset(normalize(s) for s in row["not_followed_by"])
                for alias in [row["name"], *row.get("aliases", [])]:
                    surface[_alias_key(normalize(alias))] = (role, name)
        return cls(place_parent, actor_parent, frozenset(countries), surface, stops)

    def extended(self, toml_text: str) -> Aliases:
        """This table plus the rows of another (a topic's own actors and places)."""
        return Aliases.parse(toml_text, base=self)

    def _pattern(self) -> re.Pattern[str]:
        if not self._regex:
            keys = sorted(self.surface, key=len, reverse=True)
            alts = "|".join(r"[\s-]+".join(re.escape(s) for s in k.split(" ")) for k in keys)
            self._regex.append(re.compile(rf"(?<!{_W})(?:{alts})(?!{_W})"))
        return self._regex[0]

    def find(self, sentence: str) -> list[Mention]:
        """Places and actors named in a (normalised) sentence, longest alias first."""
        out: list[Mention] = []
        for m in self._pattern().finditer(sentence):
            role, name = self.surface.get(_alias_key(m.group()), ("", ""))
            before = sentence[: m.start()].split()
            after = sentence[m.end() :].split()[:1]
            if not name or (after and after[0] in self.not_followed_by.get(name, ())):
                continue
            if " " not in m.group() and len(before) > 1 and before[-1][:1].isupper():
                continue  # "Nguyễn Thị Nga": part of a person's name
            if name in self.countries:
                topic = sentence[m.end() : m.end() + 2].strip().startswith(":")  # "Libya: giao tranh ..."
                role = "place" if topic or (before and before[-1].lower() in _LOCATIVE) else "actor"
            out.append(Mention(m.start(), m.end(), name, role))
        return out

    def place_depth(self, place: str) -> int:
        depth, seen = 0, set()
        while place in self.place_parent and place not in seen:
            seen.add(place)
            parent = self.place_parent[place]
            if parent is None:
                break
            place, depth = parent, depth + 1
        return depth

    def place_within(self, inner: str, outer: str) -> bool:
        """True when `inner` is `outer` or lies inside it in the hierarchy."""
        seen: set[str] = set()
        place: str | None = inner
        while place is not None and place not in seen:
            if place == outer:
                return True
            seen.add(place)
            place = self.place_parent.get(place)
        return False

    def actor_closure(self, actor: str) -> set[str]:
        out: set[str] = set()
        name: str | None = actor
        while name is not None and name not in out:
            out.add(name)
            name = self.actor_parent.get(name)
        return out


def _alias_key(s: str) -> str:
    return re.sub(r"[\s-]+", " ", s).strip()


@lru_cache(maxsize=1)
def default_aliases() -> Aliases:
    """The packaged table (monitor/data/aliases.toml), read once."""
    text = resources.files("monitor").joinpath("data/aliases.toml").read_text(encoding="utf-8")
    return Aliases.parse(text)


def places_compatible(a: str | None, b: str | None, aliases: Aliases) -> bool:
    """Equal, one inside the other (hierarchy or text containment), or one unknown."""
    if not a or not b or a == b:
        return True
    la, lb = a.casefold(), b.casefold()
    return la in lb or lb in la or aliases.place_within(a, b) or aliases.place_within(b, a)


def actors_overlap(a: Iterable[str], b: Iterable[str], aliases: Aliases) -> bool:
    """Some actor of one side is an actor of the other or one it belongs to (Lavrov → Nga,
    Haftar → LNA → Libya). Two members of one country (GNA, LNA) do not overlap by that."""
    sa, sb = set(a), set(b)
    return any(x in sb or sb & aliases.actor_closure(x) for x in sa) or any(sa & aliases.actor_closure(y) for y in sb)


def actors_compatible(a: Iterable[str], b: Iterable[str], aliases: Aliases) -> bool:
    """Overlapping (see `actors_overlap`), or one side unknown."""
    sa, sb = tuple(a), tuple(b)
    return not sa or not sb or actors_overlap(sa, sb, aliases)


# --------------------------------------------------------------------------- triggers

# The trigger list. Lookarounds keep the common non-event senses out ("chiếm 30%" is
# a share, "họp báo" a press conference, "bùng nổ" a boom, "còi báo động không kích" a siren).
TRIGGERS: dict[str, tuple[str, ...]] = {
    "attack": (r"(?<!nhóm )(?<!kẻ )tấn công", "tiến công", "tiến quân", "phản công", "pháo kích", "nã pháo",
               "bắn phá", "bắn hạ", "phục kích", "đánh bom", "nổ bom", r"bom (?:đã )?(?:phát )?nổ", "ám sát",
               "bắt cóc", r"mở (?:một )?(?:cuộc )?chiến dịch(?= quân sự| tấn công| chiếm| giành| nhằm vào)",
               # beyond the list, each seen in the dev set: an advance on, a shoot-down, a
               # missile launch at a target, a hijacking
               "tiến đánh", "bắn rơi", r"(?<!thử )phóng (?:[^\s,.]+ ){0,3}?tên lửa(?! thử)", "cướp máy bay",
               "vụ không tặc"),
    "airstrike": (r"(?<!báo động )không kích", "oanh tạc", r"tấn công (?:[^\s,.]+ ){0,5}từ trên không", "ném bom",
                  r"tấn công bằng (?:máy bay không người lái|UAV|drone)",
                  r"phóng (?:[^\s,.]+ ){0,3}?(?:UAV|drone|máy bay không người lái)"),
    "clash": ("giao tranh", "đụng độ", "đấu súng", "chạm súng", "xung đột vũ trang"),
    "capture": ("chiếm được", "đánh chiếm", r"giành (?:được )?quyền kiểm soát", "kiểm soát được", "tiếp quản",
                r"chiếm(?! được| \d| khoảng| gần| hơn| tới| phần| đa| ưu| thị| đoạt| dụng| hữu| lĩnh| trọn| vị| top"
                r"| tỷ| tỉ| một| hai| ba)",
                r"giải phóng(?! mặt bằng| con tin| tù| năng lượng| khỏi)"),
    "appeal": ("kêu gọi", r"(?<!theo )(?<!các )(?<!những )(?<!đáp ứng )(?<!một )yêu cầu(?! của| bị| được| này| đó)", "cảnh báo",
               r"(?<!lời )đề nghị", "hối thúc", "thúc giục", "lên án"),
    "meeting": (r"họp(?! báo)", "hội nghị", "hội đàm", "hội kiến", "điện đàm", "đàm phán", "thảo luận",
                r"gặp(?= gỡ| người đồng cấp| ông | bà | lãnh đạo|(?-i: [A-ZĐÂĂÊÔƠƯ]))"),
    "agreement": ("ký kết", r"ký(?= (?:hiệp|thỏa|văn kiện|bản ghi nhớ|hợp đồng|tuyên bố))",
                  r"đạt (?:được )?thỏa thuận", r"nhất trí(?! sẽ)", "thỏa thuận ngừng bắn", "hiệp định",
                  "tuyên bố ngừng bắn"),
    "sanction": ("trừng phạt", "cấm vận", "đóng băng tài sản"),
    "protest": ("biểu tình", "xuống đường", "tuần hành", "bạo loạn", "đình công"),
    "disaster": ("động đất", "lũ lụt", "lũ quét", "mưa lũ", "trận lũ", "đợt lũ", "nước lũ", r"bão(?! hòa| giá)",
                 "sạt lở", r"(?<!đốt )cháy(?! hàng| vé| túi| nắng| máy)", "hỏa hoạn",
                 r"(?<!bùng )(?<!tiếng )nổ(?! ra| súng| lực)", "chìm tàu", "rơi máy bay", "máy bay rơi", "tai nạn",
                 "đắm tàu", "bị đắm", "tàu đắm", "tàu chìm"),
    "election": ("bầu cử", "bỏ phiếu", "tranh cử", "trưng cầu dân ý"),
    "arrest": ("bắt giữ", "bắt giam", r"bắt (?:nghi phạm|nghi can|đối tượng)", r"bị bắt(?! cóc| buộc| gặp| nguồn| đầu| lửa)", "tạm giữ", "dẫn độ"),
}
_TRIGGER_TYPES: list[str] = []


def _trigger_regex() -> re.Pattern[str]:
    def literal_length(pattern: str) -> int:  # longest phrase first, lookarounds not counted
        return len(re.sub(r"\(\?<?[!=](?:[^()]|\([^()]*\))*\)", "", pattern))

    rows = sorted(((normalize(p), t) for t, ps in TRIGGERS.items() for p in ps), key=lambda r: -literal_length(r[0]))
    alts = []
    for i, (pattern, type_) in enumerate(rows):
        _TRIGGER_TYPES.append(type_)
        alts.append(f"(?P<t{i}>{pattern})")
    return re.compile(rf"(?i)(?<!{_W})(?:{'|'.join(alts)})(?!{_W})")


_TRIGGER_RE = _trigger_regex()


def _head_regex() -> re.Pattern[str]:
    """The first syllables of all triggers: a cheap scan for where a trigger may start."""
    heads = set()
    for pattern in (normalize(p) for ps in TRIGGERS.values() for p in ps):
        bare = re.sub(r"\(\?<?[!=](?:[^()]|\([^()]*\))*\)", "", pattern)
        heads.add(re.match(r"[^\W\d_]+", bare.lstrip("(?:")).group())  # type: ignore[union-attr]
    return re.compile(rf"(?i)(?<!{_W})(?:{'|'.join(sorted(heads, key=len, reverse=True))})(?!{_W})")


_TRIGGER_HEAD = _head_regex()


def _trigger_matches(sentence: str) -> Iterator[re.Match[str]]:
    """`_TRIGGER_RE.finditer`, tried only where a trigger's first syllable stands (5x faster)."""
    end = 0
    for head in _TRIGGER_HEAD.finditer(sentence):
        if head.start() < end:
            continue
        m = _TRIGGER_RE.match(sentence, head.start())
        if m:
            end = m.end()
            yield m
_HARD_BREAK = r";|\b(?:nhưng|song|tuy nhiên|trong khi|trong khi đó)\b"
_CLAUSE_BREAK = re.compile(rf"[,:–]|\s-\s|{_HARD_BREAK}")
_HARD_BREAK_RE = re.compile(_HARD_BREAK)
_NON_NEGATING = re.compile(
    r"(?i)không (?:quân|phận|gian|chỉ|lâu|ngừng|rõ|xác định|người lái|kích|những|hề hấn)|có thể thấy|chưa từng có"
)
_NEG_MODAL = re.compile(
    r"(?i)(?<!\w)(?:không|chưa|chẳng|phủ nhận|bác bỏ|sẽ|có thể|dự kiến|nếu|có nguy cơ|nguy cơ|nhằm|"
    r"mục tiêu|mục đích|định|dự định|kế hoạch|muốn|để|sắp|chuẩn bị|khả năng|liệu|tránh|ngăn chặn|đe dọa|"
    r"dọa|cam kết|hy vọng|mong|tìm cách|cố gắng|nỗ lực|âm mưu|phải|đòi|phê duyệt|cho phép|bật đèn xanh|sẵn sàng)(?!\w)"
)
_PERMISSION = re.compile(r"(?i)(?<!\w)(?:cho phép|chấp thuận|phê duyệt|phê chuẩn|bật đèn xanh)(?!\w)")
_TYPE_VETO = {"capture": re.compile(r"(?i)chiến dịch|tấn công|\bđể\b")}  # "chiến dịch giành quyền kiểm soát": a goal
_NOMINAL = re.compile(r"(?i)(?<!\w)(?:cuộc|vụ|trận|đợt|loạt|hoạt động|đám|sự cố|lệnh|khu vực|vùng|kẻ|tên|chiến dịch|tầm)\s+$")
# "tiến hành các cuộc không kích", "các cuộc đụng độ vẫn diễn ra": named, but asserted all the same
_LIGHT_VERB = re.compile(
    r"(?i)(?:tiến hành|thực hiện|mở|phát động|tung ra|mở màn)\s+(?:một\s+|các\s+|những\s+|nhiều\s+|hàng loạt\s+)?"
    r"(?:cuộc|vụ|đợt|loạt)\s+$"
)
_TOOK_PLACE = re.compile(r"(?i)[^;.]{0,40}?(?<!\w)(?:diễn ra|tiếp diễn|nổ ra|bùng phát|xảy ra)(?!\w)")
_SETTING = re.compile(r"(?i)(?<!\w)trong\s+(?:một\s+|các\s+|những\s+)?(?:cuộc|vụ|trận|đợt)\s+$")
_APPEAL_HEAD = re.compile(r"(?i)(?<!\w)(?:kêu gọi|yêu cầu|đề nghị|hối thúc|thúc giục|cảnh báo)(?!\w)")
_SINCE = re.compile(r"(?i)(?<!\w)(?:kể từ khi|kể từ|từ khi)\s")
_UAV = re.compile(r"(?i)UAV|drone|máy bay không người lái|thiết bị bay không người lái|Shahed")
WINDOW_SYLLABLES = 8  # how far back a negation or modal word reaches, within the clause


def _clause_start(sentence: str, pos: int, pattern: re.Pattern[str] = _CLAUSE_BREAK) -> int:
    start = 0
    for m in pattern.finditer(sentence, 0, pos):
        start = m.end()
    return start


def _clause_end(sentence: str, pos: int, pattern: re.Pattern[str] = _CLAUSE_BREAK) -> int:
    m = pattern.search(sentence, pos)
    return m.start() if m else len(sentence)


def is_asserted(sentence: str, start: int, end: int, type_: str = "") -> bool:
    """False when the words before the trigger (in its clause, last 8 syllables) negate it or
    make it hypothetical: không, chưa, phủ nhận, sẽ, có thể, dự kiến, nếu, có nguy cơ, nhằm...
    A following "sẽ" ("nhất trí sẽ") also makes it a plan; a warning is an appeal even so."""
    clause = sentence[_clause_start(sentence, start) : start]
    window = _NON_NEGATING.sub(" ", " ".join(clause.split()[-WINDOW_SYLLABLES:]))
    if _NEG_MODAL.search(window) or (type_ in _TYPE_VETO and _TYPE_VETO[type_].search(window)):
        return False
    if _PERMISSION.search(clause):  # "cho phép Ukraine sử dụng tên lửa tầm xa tấn công ...": allowed, not done
        return False
    return type_ == "appeal" or not re.match(r"\s+(?:sẽ|có thể)\b", sentence[end : end + 12])


@dataclass(frozen=True)
class Trigger:
    type: str
    start: int
    end: int
    nominal: bool  # "cuộc không kích": names a happening rather than asserting one
    since: bool = False  # "kể từ khi cuộc tấn công bắt đầu": a time reference, counts are not its own
    setting: bool = False  # "trong cuộc họp tại Paris": named as the scene of what is reported


def find_triggers(sentence: str, masked: Iterable[tuple[int, int]] = ()) -> list[Trigger]:
    """Asserted event triggers, in order; negated or hypothetical ones are left out, and so is
    what an appeal asks for ("kêu gọi các bên đàm phán") and any trigger inside a name in
    `masked` ("Chính phủ Hiệp định Quốc gia")."""
    spans = list(masked)
    appeal_at = next((m.start() for m in _APPEAL_HEAD.finditer(sentence)), len(sentence))
    out = []
    for m in _trigger_matches(sentence):
        type_ = _TRIGGER_TYPES[int((m.lastgroup or "t0")[1:])]
        if any(s < m.end() and m.start() < e for s, e in spans) or not is_asserted(sentence, m.start(), m.end(), type_):
            continue
        head = sentence[max(0, m.start() - 24) : m.start()]
        took_place = bool(_TOOK_PLACE.match(sentence, m.end()))
        named = bool(_NOMINAL.search(head))
        nominal = named and not (_LIGHT_VERB.search(head) or took_place)
        if type_ != "appeal" and m.start() > appeal_at and not (named or took_place):
            continue  # the content of an appeal, not a happening
        cs = _clause_start(sentence, m.start())
        if type_ == "attack" and m.group().lower().endswith("công") and _UAV.search(sentence, cs, m.end() + 30):
            type_ = "airstrike"  # "UAV ... tấn công": an attack from the air
        since = bool(_SINCE.search(sentence[cs : m.start()]))
        out.append(Trigger(type_, m.start(), m.end(), nominal, since, bool(_SETTING.search(head))))
    return out


# --------------------------------------------------------------------------- casualties

_CASUALTY_RE = re.compile(
    r"(?i)(?<!\w)(?:(?P<k>thiệt mạng|tử vong|tử nạn|bị giết(?: chết| hại)?|giết(?: chết| hại)?|sát hại|"
    r"(?<!cái )chết(?! chóc| người)|mất mạng|bỏ mạng|hy sinh)|(?P<i>bị thương|trọng thương)|(?P<m>thương vong|mất tích|cái chết))(?!\w)"
)
_COUNT_STOP = re.compile(
    r"(?i)^\s*(?:năm|tuổi|giờ|phút|ngày|tháng|tuần|km|lần|%|USD|đô|triệu USD|tỷ|tấn|m\b|kg|vụ|cuộc|trận|đợt|chiếc|quả|"
    r"tòa|căn|ngôi|sát thủ)(?!\w)"
)
_FORWARD_CUE = re.compile(r"(?i)(?:làm|khiến|gây|khiến cho|làm cho)\s*$")
_TOLL_CUE = re.compile(r"(?i)số\s+(?:người|nạn nhân|binh sĩ|dân thường|thường dân|ca)?\s*(?:bị\s+)?$")
_CASUALTY_VETO = re.compile(
    r"(?i)(?<!\w)(?:không|chưa|chẳng|có thể|sẽ|nếu|nguy cơ|đe dọa|dọa|âm mưu|muốn|tránh|thuê|chỉ thị|ra lệnh|sẵn sàng)(?!\w)"
)
CUMULATIVE = re.compile(r"(?i)(?<!\w)(?:kể từ|từ khi|tính đến|từ đầu|tổng cộng)(?!\w)")


@dataclass(frozen=True)
class Casualty:
    kind: str  # "killed", "injured" or "mention" (no usable number)
    start: int
    count: int | None


def _count_before(sentence: str, pos: int, taken: list[tuple[int, int]]) -> int | None:
    best = None
    for start, end, value in _counts(sentence[:pos]):
        gap = sentence[end:pos]
        if any(s <= start < e for s, e in taken) or len(gap) > 45 or re.search(r"[\d,;:.]", gap):
            continue
        if _COUNT_STOP.match(gap) or _CASUALTY_RE.search(gap) or re.search(r"(?i)tỷ lệ\s*$", sentence[:start]):
            continue
        best = value
    return best


def _count_after(sentence: str, end: int, reach: int, taken: list[tuple[int, int]]) -> int | None:
    tail = sentence[end : end + reach]
    for start, stop, value in _counts(tail):
        if re.search(r"[.;]", tail[:start]) or any(s <= end + start < e for s, e in taken):
            return None
        if not _COUNT_STOP.match(tail[stop:]):
            return value
    return None


def find_casualties(sentence: str, dates: list[tuple[int, int]]) -> list[Casualty]:
    """Killed and injured counts, each read next to its verb ("14 binh sĩ LNA thiệt mạng",
    "làm thiệt mạng 10 người", "số người chết đã tăng lên 5.300"); negated ones are dropped."""
    out = []
    for m in _CASUALTY_RE.finditer(sentence):
        before = _NON_NEGATING.sub(" ", sentence[max(0, m.start() - 30) : m.start()])
        if _CASUALTY_VETO.search(before):
            continue
        kind = "killed" if m.group("k") else "injured" if m.group("i") else "mention"
        count = None
        if kind != "mention":
            head = sentence[: m.start()]
            if _TOLL_CUE.search(head):
                count = _count_after(sentence, m.end(), 90, dates)
            elif _FORWARD_CUE.search(head) or m.group().lower().startswith(("giết", "sát")):
                count = _count_after(sentence, m.end(), 30, dates) or _count_before(sentence, m.start(), dates)
            else:
                count = _count_before(sentence, m.start(), dates)
        out.append(Casualty(kind if count is not None else "mention", m.start(), count))
    return out


# --------------------------------------------------------------------------- one sentence

_VIOLENT = ("attack", "airstrike", "clash", "capture", "disaster", "arrest", "protest")
_SKIP_LINE = re.compile(r"(?i)^\W*(?:xem thêm|đọc thêm|tin liên quan|video:)")
_FRESH = re.compile(r"(?i)^\W*(?:trong (?:một )?diễn biến khác|trước đó cùng ngày|sau đó cùng ngày|cũng trong ngày)")
WINDOW_DAYS = 3  # the story's window: an undated event is taken to happen near publication

DateSpan = tuple[int, int, str | None, bool]


@dataclass(frozen=True)
class _Found:
    event: Event
    nominal: bool  # only named ("cuộc không kích nói trên"), not asserted afresh
    index: int  # sentence number within its section
    fresh: bool = False  # the sentence opens a new development ("Trong một diễn biến khác, ...")
    scene: bool = False  # named as a scene ("trong cuộc họp"): kept even with no date or count
    cumulative: bool = False  # a running toll ("kể từ khi ..."), never another event's count


def _pick_date(dates: list[DateSpan], triggers: list[Trigger], i: int, sentence: str) -> str | None:
    """The trigger's own clause; else the last date before it; else a later date that belongs
    to no other trigger's clause ("..., theo tuyên bố của GNA hôm 2/6")."""
    t = triggers[i]
    cs, ce = _clause_start(sentence, t.start), _clause_end(sentence, t.end)
    inside = [d for d in dates if cs <= d[0] < ce and d[2]]
    if inside:
        return min(inside, key=lambda d: abs(d[0] - t.start))[2]
    if t.since:
        return None
    before = [d for d in dates if d[1] <= t.start and d[2]]
    if before:
        return before[-1][2]
    others = [(_clause_start(sentence, o.start), _clause_end(sentence, o.end)) for j, o in enumerate(triggers) if j != i]
    after = [d for d in dates if d[0] >= ce and d[2] and not any(s <= d[0] < e for s, e in others)]
    return after[0][2] if after else None


def _pick(mentions: list[Mention], role: str, spans: list[tuple[int, int]]) -> list[Mention]:
    own = [m for m in mentions if m.role == role and any(s <= m.start < e for s, e in spans)]
    return own or [m for m in mentions if m.role == role]


def _best_place(places: list[Mention], aliases: Aliases) -> str | None:
    return max(places, key=lambda m: aliases.place_depth(m.name)).name if places else None


def _is_background(day: str | None, history: bool, pub: date | None) -> bool:
    d = _parse_iso(day)
    if d is not None and pub is not None:
        return (pub - d).days > BACKGROUND_DAYS
    return history


def _attach_counts(casualties: list[Casualty], triggers: list[Trigger], sentence: str) -> dict[int, dict[str, int]]:
    """Counts per trigger index: the nearest violent trigger in the same stretch of the sentence
    (not across "trong khi", "nhưng"; not a "kể từ khi" reference), else under -1: no event."""
    out: dict[int, dict[str, int]] = {}
    for c in casualties:
        if c.count is None:
            continue
        lo, hi = _clause_start(sentence, c.start, _HARD_BREAK_RE), _clause_end(sentence, c.start, _HARD_BREAK_RE)
        near = [i for i, t in enumerate(triggers) if t.type in _VIOLENT and not t.since and lo <= t.start < hi]
        key = min(near, key=lambda i: abs(triggers[i].start - c.start)) if near else -1
        slot = out.setdefault(key, {})
        slot[c.kind] = max(slot.get(c.kind, 0), c.count)
    return out


def _casualty_date(dates: list[DateSpan], casualties: list[Casualty]) -> str | None:
    first = min((c.start for c in casualties if c.count is not None), default=0)
    before = [d for d in dates if d[1] <= first and d[2]]
    return before[-1][2] if before else None


def _sentence_events(
    sentence: str, pub: datetime | None, previous: str | None, aliases: Aliases, article: str | None
) -> tuple[list[tuple[Event, bool, bool]], str | None]:
    """The events one sentence asserts, each with its "nominal" and "scene" flags; and the last date named."""
    dates = find_dates(sentence, pub, previous)
    last = next((d[2] for d in reversed(dates) if d[2]), previous)
    mentions = aliases.find(sentence)
    triggers = find_triggers(sentence, [(m.start, m.end) for m in mentions])
    casualties = find_casualties(sentence, [(s, e) for s, e, *_ in dates])
    if not triggers and not any(c.count is not None for c in casualties):
        return [], last
    counts = _attach_counts(casualties, triggers, sentence)
    groups: dict[str, list[int]] = {}
    for i, t in enumerate(triggers):
        groups.setdefault(t.type, []).append(i)
    out = [_group_event(sentence, type_, idxs, triggers, dates, mentions, counts, pub, aliases, article)
           for type_, idxs in groups.items()]  # fmt: skip
    if -1 in counts:
        day = _casualty_date(dates, casualties)
        ev = Event("casualties", day, _best_place(_pick(mentions, "place", []), aliases),
                   tuple(dict.fromkeys(m.name for m in mentions if m.role == "actor")),
                   counts[-1].get("killed"), counts[-1].get("injured"), sentence.strip(),
                   _is_background(day, any(d[3] for d in dates), local_day(pub)), article)  # fmt: skip
        out.append((ev, False, False))
    return out, last


def _group_event(
    sentence: str, type_: str, idxs: list[int], triggers: list[Trigger], dates: list[DateSpan],
    mentions: list[Mention], counts: dict[int, dict[str, int]], pub: datetime | None, aliases: Aliases,
    article: str | None,
) -> tuple[Event, bool, bool]:  # fmt: skip
    """One event from the triggers of one type in a sentence (they name one happening)."""
    spans = [(_clause_start(sentence, triggers[i].start), _clause_end(sentence, triggers[i].end)) for i in idxs]
    day = next((d for i in idxs if (d := _pick_date(dates, triggers, i, sentence))), None)
    history = any(h and any(cs <= s < ce for cs, ce in spans) for s, _e, _d, h in dates)
    killed = max((counts.get(i, {}).get("killed", -1) for i in idxs), default=-1)
    injured = max((counts.get(i, {}).get("injured", -1) for i in idxs), default=-1)
    ev = Event(
        type=type_, date=day, place=_best_place(_pick(mentions, "place", spans), aliases),
        actors=tuple(dict.fromkeys(m.name for m in _pick(mentions, "actor", spans))),
        killed=killed if killed >= 0 else None, injured=injured if injured >= 0 else None,
        evidence=sentence.strip(), background=_is_background(day, history, local_day(pub)), article=article,
    )  # fmt: skip
    return ev, all(triggers[i].nominal or triggers[i].since for i in idxs), any(triggers[i].setting for i in idxs)


# --------------------------------------------------------------------------- one article


def same_in_article(
    a: Event, b: Event, published: datetime | None, aliases: Aliases, *, background_ok: bool = False
) -> bool:
    """The identity rule of dedup.same_event for two events of one article (one publication).
    With `background_ok`, an undated mention may also name a dated happening outside the
    3-day window (an article recalling "the offensive" launched two weeks earlier)."""
    if a.type != b.type:
        return False
    da, db = _parse_iso(a.date), _parse_iso(b.date)
    pub = local_day(published)
    if da and db and da != db:
        return False
    known = da or db
    if known and not (da and db) and pub and abs((known - pub).days) > WINDOW_DAYS and not background_ok:
        return False
    return places_compatible(a.place, b.place, aliases) and actors_compatible(a.actors, b.actors, aliases)


def combine(old: Event, new: Event, aliases: Aliases) -> Event:
    """`old` completed by `new`: first known date, the more precise place, all actors, the highest counts."""
    place = old.place
    if new.place and (not place or aliases.place_depth(new.place) > aliases.place_depth(place)):
        place = new.place
    return replace(
        old,
        date=old.date or new.date,
        place=place,
        actors=tuple(dict.fromkeys(old.actors + new.actors)),
        killed=_max(old.killed, new.killed),
        injured=_max(old.injured, new.injured),
        background=old.background and new.background,
    )


def _max(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


def _closure(actors: Iterable[str], aliases: Aliases) -> set[str]:
    return set().union(*(aliases.actor_closure(a) for a in actors)) if actors else set()


def _conflicting_counts(old: Event, new: Event) -> bool:
    return any(
        a is not None and b is not None and a != b for a, b in ((old.killed, new.killed), (old.injured, new.injured))
    )


def _repeats(old: Event, new: Event, aliases: Aliases) -> bool:
    """`new` (one date unknown) is `old` again: it shares an actor or a place below country
    level, or it adds nothing (no date, no count, no new place or actor)."""
    shared_actor = actors_overlap(old.actors, new.actors, aliases)
    shared_place = bool(old.place and new.place and max(aliases.place_depth(old.place), aliases.place_depth(new.place)))
    nothing_new = (
        new.date is None and new.killed is None and new.injured is None
        and (new.place is None or old.place is not None)
        and set(new.actors) <= _closure(old.actors, aliases)
    )  # fmt: skip
    return shared_actor or shared_place or nothing_new


def _target(events: list[Event], f: _Found, published: datetime | None, aliases: Aliases) -> int | None:
    """The earlier event a new sentence's event adds to, if any."""
    ev = f.event
    for i in range(len(events) - 1, -1, -1):
        old = events[i]
        if old.background and not ev.background:
            continue  # history is not what a new mention names
        if _is_strike_again(old, f):  # "đã tấn công khu vực quân sự của sân bay" after the airstrike on it
            ev = replace(f.event, type=old.type)
        if not same_in_article(old, ev, published, aliases) or _conflicting_counts(old, ev):
            ev = f.event
            continue
        if f.fresh:
            return None
        if f.nominal:
            return i
        if ev.date is not None and ev.date == old.date:
            return i
        if (ev.date is None or old.date is None) and _repeats(old, ev, aliases):
            return i
    return next((i for i in range(len(events) - 1, -1, -1) if _recalls(events[i], f, published, aliases)), None)


def _recalls(old: Event, f: _Found, published: datetime | None, aliases: Aliases) -> bool:
    """An undated mention recalling an older, dated happening of the article ("Trước đó, Haftar
    đã phát động một cuộc tấn công" after "cuộc tấn công vào ngày 4/4")."""
    ev = f.event
    return (
        ev.date is None and old.date is not None and not f.fresh
        and same_in_article(old, ev, published, aliases, background_ok=True)
        and _repeats(old, ev, aliases) and not _conflicting_counts(old, ev)
    )  # fmt: skip


def _is_strike_again(old: Event, f: _Found) -> bool:
    """An airstrike is an attack: a later, asserted "tấn công" may be the same strike again."""
    ev = f.event
    ground = re.search(r"(?i)tên lửa|pháo|rocket|súng|\bdao\b", ev.evidence)  # a missile strike is not an air raid
    return old.type == "airstrike" and ev.type == "attack" and not f.nominal and "tấn công" in ev.evidence and not ground


def _toll_target(events: list[Event], where: list[int], f: _Found) -> int | None:
    """The recent event (two sentences back at most) a casualty-only sentence completes."""
    ev = f.event
    for i in range(len(events) - 1, -1, -1):
        old = events[i]
        if f.index - where[i] > 2:
            break
        if where[i] == f.index:
            continue  # the sentence's own events got their counts already
        if old.type not in _VIOLENT and old.type != "casualties":
            continue
        if (f.cumulative and old.type != "casualties") or (old.date and ev.date and old.date != ev.date):
            continue
        if not _conflicting_counts(old, ev):
            return i
    return None


def _fold_body(found: list[_Found], published: datetime | None, aliases: Aliases) -> list[Event]:
    """One article's sentences folded into its events: a named ("cuộc tấn công này"), repeated
    or casualty-only mention adds to the happening already reported; a mention naming nothing
    reported before, with no date and no count, is dropped (it refers to the story, not news)."""
    events: list[Event] = []
    where: list[int] = []  # sentence index of each event's last mention
    for f in found:
        ev = f.event
        if ev.type == _WHEN:
            _date_last(events, where, f, published)
            continue
        if ev.type == "casualties":
            target = _toll_target(events, where, f)
        else:
            target = _target(events, f, published, aliases)
        if target is None and f.nominal and not f.scene and ev.date is None and ev.killed is None and ev.injured is None:
            continue
        if target is None and _absorbs_toll(events, where, f):
            events[-1] = combine(ev, events[-1], aliases)  # "5 người chết. ... X tấn công": one happening
            where[-1] = f.index
            continue
        if target is None:
            events.append(ev)
            where.append(f.index)
        else:
            events[target] = combine(events[target], ev, aliases)
            where[target] = f.index
    return events


_WHEN = "_when"  # internal: a sentence that only dates the happening just reported


def _date_last(events: list[Event], where: list[int], f: _Found, published: datetime | None) -> None:
    """Give an "incident took place on D" sentence's date to the undated event just before it."""
    if events and events[-1].date is None and not events[-1].background and f.index - where[-1] <= 2:
        day = f.event.date
        events[-1] = replace(events[-1], date=day, background=_is_background(day, False, local_day(published)))


def _absorbs_toll(events: list[Event], where: list[int], f: _Found) -> bool:
    """A violent event right after a casualty-only sentence is the happening that toll belongs to."""
    if not events or events[-1].type != "casualties" or f.event.type not in _VIOLENT or f.index - where[-1] > 1 or f.nominal:
        return False
    last, ev = events[-1], f.event
    if CUMULATIVE.search(last.evidence):
        return False
    return ev.killed is None and (last.date is None or ev.date is None or last.date == ev.date)


_INCIDENT = re.compile(r"(?i)^\W*(?:vụ việc|sự việc|vụ án|sự cố)(?:\s+\w+){0,2}\s+(?:xảy ra|diễn ra)(?!\w)")


def _scan(text: str, published: datetime | None, aliases: Aliases, article: str | None) -> list[_Found]:
    found: list[_Found] = []
    previous: str | None = None
    for index, sentence in enumerate(split_sentences(normalize(text or ""))):
        if _SKIP_LINE.match(sentence):
            continue
        events, previous = _sentence_events(sentence, published, previous, aliases, article)
        if not events and _INCIDENT.match(sentence) and (day := resolve_date(sentence, published, None)):
            # "Vụ việc xảy ra vào lúc 22h44 ngày 29/3": the date of the happening just reported
            found.append(_Found(Event(_WHEN, day, None, (), None, None, sentence), False, index))
            continue
        fresh, cumulative = bool(_FRESH.match(sentence)), bool(CUMULATIVE.search(sentence))
        found.extend(
            _Found(ev, nominal, index, fresh=fresh, scene=scene, cumulative=cumulative) for ev, nominal, scene in events
        )
    return found


def extract_events(
    *,
    title: str,
    summary: str,
    text: str,
    published: datetime | None,
    article: str | None = None,
    aliases: Aliases | None = None,
) -> list[Event]:
    """The events an article asserts, lead (title, summary) and body folded into one list.

    A lead event that the body repeats is the body's event (the body has the date and the
    detail); a lead event the body does not repeat is kept, first.
    """
    table = aliases or default_aliases()
    body = _fold_body(_scan(text, published, table, article), published, table)
    lead = _fold_body(_scan(f"{title}\n{summary}", published, table, article), published, table)
    extra = []
    for ev in lead:
        match = next((i for i, b in enumerate(body) if same_in_article(b, ev, published, table)), None)
        if match is None:
            match = next((i for i, b in enumerate(body) if _lead_repeats(b, ev, published, table)), None)
        if match is None:
            extra.append(ev)
        elif body[match].type == "casualties" or (body[match].date is None and ev.date is not None):
            body[match] = combine(replace(ev, evidence=body[match].evidence), body[match], table)
        else:
            body[match] = combine(body[match], ev, table)
    return _fold_tolls(extra + body, table)


def _lead_repeats(body: Event, lead: Event, published: datetime | None, aliases: Aliases) -> bool:
    """The body reports the lead's happening: same event, or the same strike called an attack
    in the title, or the body's bare toll of the lead's violent event."""
    if same_in_article(body, lead, published, aliases):
        return True
    toll, other = (body, lead) if body.type == "casualties" else (lead, body)
    blast = body.type == "attack" and lead.type == "disaster" and bool(re.search(r"(?i)bom|nổ", body.evidence))
    kin = blast or (body.type == "airstrike" and lead.type == "attack") or (
        toll.type == "casualties" and other.type in _VIOLENT and not CUMULATIVE.search(toll.evidence)
    )
    return kin and not _conflicting_counts(body, lead) and same_in_article(replace(lead, type=body.type), body, published, aliases)


def _fold_tolls(events: list[Event], aliases: Aliases) -> list[Event]:
    """A same-day casualty report whose figures the article's violent event already carries (or
    lacks) is that event's toll, not another happening; running totals ("kể từ ...") stay apart."""
    out = list(events)
    for c in [e for e in events if e.type == "casualties" and e.date and not CUMULATIVE.search(e.evidence)]:
        for i, v in enumerate(out):
            fits = v.type in _VIOLENT and v.date == c.date and not _conflicting_counts(v, c)
            if fits and places_compatible(v.place, c.place, aliases):
                out[i] = combine(v, c, aliases)
                out.remove(c)
                break
    return out


# --------------------------------------------------------------------------- the CLI's work


def event_to_json(ev: Event) -> dict[str, object]:
    """The `extract --json` shape of one event."""
    return {
        "type": ev.type, "date": ev.date, "place": ev.place, "actors": list(ev.actors),
        "killed": ev.killed, "injured": ev.injured, "evidence": ev.evidence, "background": ev.background,
    }  # fmt: skip


def _read_line(line: str) -> tuple[dict[str, object], datetime | None]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    raw = obj.get("published")
    try:
        published = datetime.fromisoformat(raw) if isinstance(raw, str) and raw.strip() else None
    except ValueError:
        raise ValueError(f'"published" is not an ISO 8601 date: {raw!r}') from None
    for key in ("title", "summary", "text"):
        if not isinstance(obj.get(key) or "", str):
            raise ValueError(f'"{key}" is not a string')
    return obj, published


def _table_rows(article_id: object, events: list[Event]) -> Iterator[str]:
    yield f"== {article_id}: {len(events)} event(s)"
    for ev in events:
        dead = "" if ev.killed is None else f" killed={ev.killed}"
        hurt = "" if ev.injured is None else f" injured={ev.injured}"
        bg = " [background]" if ev.background else ""
        who = ", ".join(ev.actors) or "-"
        yield f"  {ev.type:<10} {ev.date or '????-??-??'}  {ev.place or '-'} | {who}{dead}{hurt}{bg}"
        yield f"      « {ev.evidence[:160]}{'…' if len(ev.evidence) > 160 else ''} »"


def run_extract(lines: Iterable[str], out: TextIO, *, as_json: bool) -> int:
    """`news-monitor extract`: one JSON line (or a table block) per input line.

    Malformed lines are reported on stderr with their line number and skipped; returns how many.
    """
    bad = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj, published = _read_line(line)
        except (ValueError, TypeError) as exc:  # json.JSONDecodeError is a ValueError
            bad += 1
            print(f"extract: line {number}: skipped, {exc}", file=sys.stderr)
            continue
        events = extract_events(
            title=str(obj.get("title") or ""), summary=str(obj.get("summary") or ""),
            text=str(obj.get("text") or ""), published=published, article=str(obj.get("id") or "") or None,
        )  # fmt: skip
        if as_json:
            row = {"id": obj.get("id"), "events": [event_to_json(e) for e in events]}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            out.write("\n".join(_table_rows(obj.get("id"), events)) + "\n")
    return bad
