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
    "Aliases",
    "default_aliases",
    "event_to_json",
    "extract_events",
    "find_dates",
    "is_asserted",
    "local_day",
    "parse_count",
    "resolve_date",
    "run_extract",
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
    | (?i:(?:ngày\s+)?hôm\s+(?P<rel1>qua|nay|kia)|{_PART}\s+(?P<rel2>qua|nay)|ngày\s+(?P<rel3>mai))
    | (?i:(?P<same>cùng\s+ngày|cùng\s+hôm|trong\s+ngày)(?!\s+(?:\d|hôm|thứ|chủ|qua|mai)))
    | (?i:(?P<off>{_NUMWORD})\s+ngày\s+(?P<dir>sau|trước)(?P<that>\s+đó)?)
    | (?i:(?:ngày\s+)?hôm\s+(?P<next>sau|trước))
    | (?i:năm\s+(?P<year>(?:19|20)\d\d))(?![\d/-])
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
        if g["year"]:
            old = pub is not None and (pub - date(int(g["year"]), 12, 31)).days > BACKGROUND_DAYS
            out.append((m.start(), m.end(), None, old))
            continue
        try:
            day = _resolve(g, pub, prev)
        except (OverflowError, ValueError, KeyError):
            day = None
        if day is not None:
            prev = day
        out.append((m.start(), m.end(), day.isoformat() if day else None, False))
    return out


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
    | (?P<words>(?i:{_WORDS_ALT})(?:\s+(?i:{_WORDS_ALT}))*)
    )(?!{_W})""",
    re.VERBOSE,
)
_NOT_A_COUNT = re.compile(r"(?i)^(?:một\s+(?:số|vài|cách|phần|loạt|trong|nửa|lần)|năm\s+(?:\d|nay|ngoái|qua))")


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
                role = "place" if before and before[-1].lower() in _LOCATIVE else "actor"
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


def actors_compatible(a: Iterable[str], b: Iterable[str], aliases: Aliases) -> bool:
    """Overlapping (through `member_of`: Lavrov speaks for Nga), or one side unknown."""
    sa = set().union(*(aliases.actor_closure(x) for x in a)) if a else set()
    sb = set().union(*(aliases.actor_closure(x) for x in b)) if b else set()
    return not sa or not sb or bool(sa & sb)


# --------------------------------------------------------------------------- triggers

# The trigger list. Lookarounds keep the common non-event senses out ("chiếm 30%" is
# a share, "họp báo" a press conference, "bùng nổ" a boom, "thư ký" a secretary).
TRIGGERS: dict[str, tuple[str, ...]] = {
    "attack": ("tấn công", "tiến công", "tiến quân", "phản công", "pháo kích", "nã pháo", "bắn phá",
               "bắn hạ", "phục kích", "đánh bom", "nổ bom", "ám sát", "bắt cóc",
               r"mở (?:một )?(?:cuộc )?chiến dịch(?= quân sự| tấn công| chiếm| giành| nhằm vào)"),
    "airstrike": ("không kích", "oanh tạc", "tấn công từ trên không", "ném bom",
                  r"tấn công bằng (?:máy bay không người lái|UAV|drone)"),
    "clash": ("giao tranh", "đụng độ", "đấu súng", "chạm súng", "xung đột vũ trang"),
    "capture": ("chiếm được", "đánh chiếm", r"giành (?:được )?quyền kiểm soát", "kiểm soát được", "tiếp quản",
                r"chiếm(?! được| \d| khoảng| gần| hơn| tới| phần| đa| ưu| thị| đoạt| dụng| hữu| lĩnh| trọn| vị| top| tỷ| tỉ| một| hai| ba)",
                r"giải phóng(?! mặt bằng| con tin| tù| năng lượng| khỏi)"),
    "appeal": ("kêu gọi", r"(?<!theo )(?<!các )(?<!những )(?<!đáp ứng )(?<!một )yêu cầu(?! của)", "cảnh báo",
               r"(?<!lời )đề nghị", "hối thúc", "thúc giục", "lên án"),
    "meeting": (r"họp(?! báo)", "hội nghị", "hội đàm", "hội kiến", "điện đàm", "đàm phán", "thảo luận",
                r"gặp(?= gỡ| người đồng cấp| ông | bà | lãnh đạo|(?-i: [A-ZĐÂĂÊÔƠƯ]))"),
    "agreement": ("ký kết", r"ký(?= (?:hiệp|thỏa|văn kiện|bản ghi nhớ|hợp đồng|tuyên bố))",
                  "đạt được thỏa thuận", r"nhất trí(?! sẽ)", "thỏa thuận ngừng bắn", "hiệp định",
                  "tuyên bố ngừng bắn"),
    "sanction": ("trừng phạt", "cấm vận", "đóng băng tài sản"),
    "protest": ("biểu tình", "xuống đường", "tuần hành", "bạo loạn", "đình công"),
    "disaster": ("động đất", "lũ lụt", "lũ quét", "mưa lũ", "trận lũ", "đợt lũ", "nước lũ", r"bão(?! hòa| giá)",
                 "sạt lở", r"(?<!đốt )cháy(?! hàng| vé| túi| nắng| máy)", "hỏa hoạn", r"(?<!bùng )(?<!tiếng )nổ(?! ra| súng| lực)",
                 "chìm tàu", "rơi máy bay", "máy bay rơi", "tai nạn"),
    "election": ("bầu cử", "bỏ phiếu", "tranh cử", "trưng cầu dân ý"),
    "arrest": ("bắt giữ", "bắt giam", r"bị bắt(?! cóc| buộc| gặp| nguồn| đầu)", "tạm giữ", "dẫn độ"),
}
_TRIGGER_TYPES: list[str] = []


def _trigger_regex() -> re.Pattern[str]:
    rows = sorted(((normalize(p), t) for t, ps in TRIGGERS.items() for p in ps), key=lambda r: -len(r[0]))
    alts = []
    for i, (pattern, type_) in enumerate(rows):
        _TRIGGER_TYPES.append(type_)
        alts.append(f"(?P<t{i}>{pattern})")
    return re.compile(rf"(?i)(?<!{_W})(?:{'|'.join(alts)})(?!{_W})")


_TRIGGER_RE = _trigger_regex()
_CLAUSE_BREAK = re.compile(r"[,;:–]|\s-\s|\b(?:nhưng|song|tuy nhiên|trong khi|trong khi đó)\b")
_NON_NEGATING = re.compile(
    r"(?i)không (?:quân|phận|gian|chỉ|lâu|ngừng|rõ|xác định|người lái|kích|những|hề hấn)|có thể thấy|chưa từng có"
)
_NEG_MODAL = re.compile(
    r"(?i)(?<!\w)(?:không|chưa|chẳng|phủ nhận|bác bỏ|sẽ|có thể|dự kiến|nếu|có nguy cơ|nguy cơ|nhằm|"
    r"mục tiêu|định|dự định|kế hoạch|muốn|để|sắp|chuẩn bị|khả năng|liệu|tránh|ngăn chặn|đe dọa|"
    r"cam kết|hy vọng|mong|tiếp tục tìm cách)(?!\w)"
)
_NOMINAL = re.compile(r"(?i)(?:cuộc|vụ|trận|đợt|loạt|hoạt động)\s+$")


def _clause_start(sentence: str, pos: int) -> int:
    start = 0
    for m in _CLAUSE_BREAK.finditer(sentence, 0, pos):
        start = m.end()
    return start


def _clause_end(sentence: str, pos: int) -> int:
    m = _CLAUSE_BREAK.search(sentence, pos)
    return m.start() if m else len(sentence)


def is_asserted(sentence: str, start: int, end: int, type_: str = "") -> bool:
    """False when the words before the trigger (in its clause, last 6 syllables) negate it or
    make it hypothetical: không, chưa, phủ nhận, sẽ, có thể, dự kiến, nếu, có nguy cơ, nhằm...
    A following "sẽ" ("nhất trí sẽ") also makes it a plan; a warning is an appeal even so."""
    window = " ".join(sentence[_clause_start(sentence, start) : start].split()[-6:])
    if _NEG_MODAL.search(_NON_NEGATING.sub(" ", window)):
        return False
    return type_ == "appeal" or not re.match(r"\s+(?:sẽ|có thể)\b", sentence[end : end + 12])


@dataclass(frozen=True)
class Trigger:
    type: str
    start: int
    end: int
    nominal: bool  # "cuộc không kích": names a happening rather than asserting one


def find_triggers(sentence: str) -> list[Trigger]:
    """Asserted event triggers, in order; negated or hypothetical ones are left out."""
    out = []
    for m in _TRIGGER_RE.finditer(sentence):
        type_ = _TRIGGER_TYPES[int((m.lastgroup or "t0")[1:])]
        if is_asserted(sentence, m.start(), m.end(), type_):
            nominal = bool(_NOMINAL.search(sentence[max(0, m.start() - 20) : m.start()]))
            out.append(Trigger(type_, m.start(), m.end(), nominal))
    return out


# --------------------------------------------------------------------------- casualties

_CASUALTY_RE = re.compile(
    r"(?i)(?<!\w)(?:(?P<k>thiệt mạng|tử vong|tử nạn|bị giết(?: chết| hại)?|giết(?: chết| hại)?|sát hại|"
    r"(?<!cái )chết(?! chóc)|mất mạng|bỏ mạng|hy sinh)|(?P<i>bị thương|trọng thương)|(?P<m>thương vong|mất tích|cái chết))(?!\w)"
)
_COUNT_STOP = re.compile(r"(?i)^\s*(?:năm|tuổi|giờ|phút|ngày|tháng|tuần|km|lần|%|USD|đô|triệu USD|tỷ|tấn|m\b|kg)")
_FORWARD_CUE = re.compile(r"(?i)(?:làm|khiến|gây|khiến cho|làm cho)\s*$")
_TOLL_CUE = re.compile(r"(?i)số\s+(?:người|nạn nhân|binh sĩ|dân thường|thường dân|ca)?\s*(?:bị\s+)?$")


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
        before = sentence[max(0, m.start() - 30) : m.start()]
        if re.search(r"(?i)(?<!\w)(?:không|chưa|chẳng)(?!\w)", before) and not re.search(r"(?i)không (?:quân|kích)", before):
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
WINDOW_DAYS = 3  # the story's window: an undated event is taken to happen near publication


@dataclass(frozen=True)
class _Found:
    event: Event
    nominal: bool  # only named ("cuộc không kích nói trên"), not asserted afresh
    index: int  # sentence number within its section


def _pick_date(dates: list[tuple[int, int, str | None, bool]], cs: int, ce: int, pos: int) -> str | None:
    inside = [d for d in dates if cs <= d[0] < ce and d[2]]
    if inside:
        return min(inside, key=lambda d: abs(d[0] - pos))[2]
    before = [d for d in dates if d[1] <= pos and d[2]]
    return before[-1][2] if before else None


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


def _attach_counts(casualties: list[Casualty], triggers: list[Trigger]) -> dict[int, dict[str, int]]:
    """Counts per trigger index (nearest violent trigger), or under -1 when none is violent."""
    out: dict[int, dict[str, int]] = {}
    violent = [i for i, t in enumerate(triggers) if t.type in _VIOLENT]
    for c in casualties:
        if c.count is None:
            continue
        key = min(violent, key=lambda i: abs(triggers[i].start - c.start)) if violent else -1
        slot = out.setdefault(key, {})
        slot[c.kind] = max(slot.get(c.kind, 0), c.count)
    return out


def _sentence_events(
    sentence: str, pub: datetime | None, previous: str | None, aliases: Aliases, article: str | None
) -> tuple[list[tuple[Event, bool]], str | None]:
    """The events one sentence asserts, each with its "nominal" flag; and the last date named."""
    dates = find_dates(sentence, pub, previous)
    last = next((d[2] for d in reversed(dates) if d[2]), previous)
    triggers = find_triggers(sentence)
    casualties = find_casualties(sentence, [(s, e) for s, e, *_ in dates])
    if not triggers and not any(c.count is not None for c in casualties):
        return [], last
    counts = _attach_counts(casualties, triggers)
    mentions = aliases.find(sentence)
    pub_day = local_day(pub)
    groups: dict[str, list[int]] = {}
    for i, t in enumerate(triggers):
        groups.setdefault(t.type, []).append(i)
    if -1 in counts:
        groups["casualties"] = [-1]
    out = []
    for type_, idxs in groups.items():
        spans = [(_clause_start(sentence, triggers[i].start), _clause_end(sentence, triggers[i].end))
                 for i in idxs] if idxs != [-1] else [(0, len(sentence))]  # fmt: skip
        poss = [triggers[i].start for i in idxs] if idxs != [-1] else [len(sentence)]
        day = next((d for (cs, ce), p in zip(spans, poss, strict=True) if (d := _pick_date(dates, cs, ce, p))), None)
        history = any(h and any(cs <= s < ce for cs, ce in spans) for s, _e, _d, h in dates)
        actors = tuple(dict.fromkeys(m.name for m in _pick(mentions, "actor", spans)))
        killed = max((counts.get(i, {}).get("killed", -1) for i in idxs), default=-1)
        injured = max((counts.get(i, {}).get("injured", -1) for i in idxs), default=-1)
        ev = Event(
            type=type_, date=day, place=_best_place(_pick(mentions, "place", spans), aliases), actors=actors,
            killed=killed if killed >= 0 else None, injured=injured if injured >= 0 else None,
            evidence=sentence.strip(), background=_is_background(day, history, pub_day), article=article,
        )  # fmt: skip
        out.append((ev, idxs != [-1] and all(triggers[i].nominal for i in idxs)))
    return out, last


# --------------------------------------------------------------------------- one article


def same_in_article(a: Event, b: Event, published: datetime | None, aliases: Aliases) -> bool:
    """The identity rule of dedup.same_event for two events of one article (one publication)."""
    if a.type != b.type:
        return False
    da, db = _parse_iso(a.date), _parse_iso(b.date)
    pub = local_day(published)
    if da and db and da != db:
        return False
    known = da or db
    if known and not (da and db) and pub and abs((known - pub).days) > WINDOW_DAYS:
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


def _fold_body(found: list[_Found], published: datetime | None, aliases: Aliases) -> list[Event]:
    """One article's body: a named ("cuộc tấn công này"), casualty-only or same-dated repeat
    adds to the happening already reported; anything else is a new event."""
    events: list[Event] = []
    where: list[int] = []  # sentence index of each event's last mention
    for f in found:
        ev = f.event
        target = None
        if ev.type == "casualties":
            recent = [i for i, e in enumerate(events) if e.type in _VIOLENT and f.index - where[i] <= 2]
            target = recent[-1] if recent else None
            if target is not None:
                ev = replace(ev, type=events[target].type)
        else:
            for i in range(len(events) - 1, -1, -1):
                if same_in_article(events[i], ev, published, aliases) and (
                    f.nominal or (ev.date is not None and ev.date == events[i].date)
                ):
                    target = i
                    break
        if target is None:
            events.append(ev)
            where.append(f.index)
        else:
            events[target] = combine(events[target], ev, aliases)
            where[target] = f.index
    return events


def _scan(text: str, published: datetime | None, aliases: Aliases, article: str | None) -> list[_Found]:
    found: list[_Found] = []
    previous: str | None = None
    for index, sentence in enumerate(split_sentences(normalize(text or ""))):
        events, previous = _sentence_events(sentence, published, previous, aliases, article)
        found.extend(_Found(ev, nominal, index) for ev, nominal in events)
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
            extra.append(ev)
        else:
            body[match] = combine(body[match], ev, table)
    return extra + body


# --------------------------------------------------------------------------- the CLI's work


def event_to_json(ev: Event) -> dict[str, object]:
    """The `extract --json` shape of one event."""
    return {
        "type": ev.type, "date": ev.date, "place": ev.place, "actors": list(ev.actors),
        "killed": ev.killed, "injured": ev.injured, "evidence": ev.evidence, "background": ev.background,
    }  # fmt: skip


def _read_line(line: str) -> tuple[dict[str, object], datetime | None]:
    obj = json.loads(line)
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    raw = obj.get("published")
    published = datetime.fromisoformat(raw) if isinstance(raw, str) and raw.strip() else None
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
