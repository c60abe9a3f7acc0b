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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TextIO

from monitor.aliases import (
    Aliases,
    Mention,
    actors_compatible,
    actors_overlap,
    default_aliases,
    places_compatible,
)
from monitor.models import Event
from monitor.text import normalize
from monitor.triggers import (
    CUMULATIVE,
    HARD_BREAK_RE,
    Casualty,
    Trigger,
    clause_end,
    clause_start,
    find_casualties,
    find_triggers,
)
from monitor.vndates import find_dates, is_background, local_day, resolve_date
from monitor.vndates import parse_iso as _parse_iso

__all__ = [
    "WINDOW_DAYS",
    "combine",
    "event_to_json",
    "extract_events",
    "run_extract",
    "same_in_article",
    "split_sentences",
]


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


# --------------------------------------------------------------------------- one sentence

_VIOLENT = ("attack", "airstrike", "clash", "capture", "disaster", "arrest", "protest")
_TOLL_TYPES = ("attack", "airstrike", "clash", "capture", "disaster", "protest")  # an arrest kills no one
_NEEDS_ACTOR = ("appeal", "meeting")  # "yêu cầu các phương tiện chuyển hướng" (a road sign) is no diplomacy
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
    reported: bool = False  # dated only by its report ("Theo CNN, ngày 19-11, ... đã bị bắt"): may repeat an earlier day


# Who said it: "X ngày D cho biết ... đã bắt giữ": D is when it was reported, not when it happened.
_REPORTING = re.compile(
    r"(?i)(?<!\w)(?:cho biết|cho hay|đưa tin|thông báo|xác nhận|tuyên bố|công bố|khẳng định|dẫn lời|trích lời|"
    r"loan tin|báo cáo|nói|tiết lộ|thừa nhận)(?!\w)"
)
_ATTRIBUTION = re.compile(r"(?i)^\W*theo(?!\w)")  # "Theo thông tin từ NATO ngày 22-11, ...": a report date
_GENERIC = re.compile(r"(?i)(?<!\w)(?:(?:các|những|nhiều)\s+(?:cuộc|vụ|trận|đợt)|lệnh|biện pháp)\s+$")
_SPEECH_ACTS = ("appeal", "agreement", "sanction", "election")  # saying it is the happening: its date is the event's


def _report_date(sentence: str, d: DateSpan, t: Trigger, triggers: list[Trigger]) -> bool:
    """A date that belongs to the report of a happening, not to the happening: in a "Theo ..."
    attribution, before a reporting verb that introduces the trigger ("Laos Post ngày 26-11 cho
    biết cảnh sát đã bắt giữ"), or right after one ("cho biết hôm 7/4 rằng ... ngày 5/4")."""
    if t.type in _SPEECH_ACTS:
        return False
    cs = clause_start(sentence, d[0])
    if _ATTRIBUTION.match(sentence, cs) and d[1] <= t.start:
        return True
    head = sentence[:cs]  # "Theo Đài CNN, ngày 19-11, ...": the date right after the attribution
    if _ATTRIBUTION.match(head) and head.count(",") == 1 and not sentence[cs : d[0]].strip() and d[1] <= t.start:
        return True
    for r in _REPORTING.finditer(sentence, 0, t.start):
        between = [o for o in triggers if d[1] <= o.start < r.start()]
        if d[1] <= r.start() and r.start() - d[1] <= 80 and not between:
            return True
        if r.end() <= d[0] and len(sentence[r.end() : d[0]].split()) <= 3 and re.match(r"\W*rằng(?!\w)", sentence[d[1] :]):
            return True
    return False


def _pick_date(dates: list[DateSpan], triggers: list[Trigger], i: int, sentence: str) -> tuple[str | None, bool]:
    """The trigger's own clause; else the last date before it; else a later date that belongs
    to no other trigger's clause ("..., theo tuyên bố của GNA hôm 2/6"). The date of the report
    ("X cho biết hôm 7/4 rằng ... ngày 5/4", "Theo NATO ngày 22-11, ... hôm 21-11") gives way to
    the happening's own date, and is used only when there is no other; a happening only named
    ("lệnh cấm vận") takes a date from its own clause only. Also says whether the date is the report's."""
    t = triggers[i]
    own = [d for d in dates if d[2] and not _report_date(sentence, d, t, triggers)]
    generic = t.nominal and bool(_GENERIC.search(sentence, max(0, t.start - 24), t.start))
    if generic:  # "các cuộc tấn công khủng bố", "lệnh cấm vận": its own clause's date or none
        cs, ce = clause_start(sentence, t.start), clause_end(sentence, t.end)
        return next((d[2] for d in own if cs <= d[0] < ce), None), False
    day = _pick_from(own, triggers, i, sentence)
    if day is None and (t.setting or not t.nominal) and len(own) < len([d for d in dates if d[2]]):
        day = _pick_from(dates, triggers, i, sentence)  # only the report's date: the best estimate there is
        return day, day is not None
    return day, False


def _pick_from(dates: list[DateSpan], triggers: list[Trigger], i: int, sentence: str) -> str | None:
    t = triggers[i]
    cs, ce = clause_start(sentence, t.start), clause_end(sentence, t.end)
    inside = [d for d in dates if cs <= d[0] < ce and d[2]]
    if inside:
        return min(inside, key=lambda d: abs(d[0] - t.start))[2]
    if t.since:
        return None
    before = [d for d in dates if d[1] <= t.start and d[2]]
    if before:
        return before[-1][2]
    others = [(clause_start(sentence, o.start), clause_end(sentence, o.end)) for j, o in enumerate(triggers) if j != i]
    after = [d for d in dates if d[0] >= ce and d[2] and not any(s <= d[0] < e for s, e in others)]
    return after[0][2] if after else None


def _pick(mentions: list[Mention], role: str, spans: list[tuple[int, int]]) -> list[Mention]:
    own = [m for m in mentions if m.role == role and any(s <= m.start < e for s, e in spans)]
    return own or [m for m in mentions if m.role == role]


def _best_place(places: list[Mention], aliases: Aliases) -> str | None:
    return max(places, key=lambda m: aliases.place_depth(m.name)).name if places else None



_OPINION = re.compile(
    r"(?i)(?<!\w)(?:nhận định|cho rằng|đánh giá|dự báo|dự đoán|phân tích|bình luận|(?<!đưa )(?<!loan )(?<!thông )(?<!nguồn )tin rằng|nghĩ rằng|lo ngại|e ngại|"
    r"lo sợ|nghi ngờ|bị (?:cáo )?buộc tội|bị cáo buộc|với cáo buộc)(?!\w)"
)


def _opinion(sentence: str, t: Trigger) -> bool:
    """A question ("Vì sao ...?", "... sẽ thất bại?"), or a happening inside an opinion, an
    analysis or an accusation ("Giới quan sát nhận định ...", "Mỹ cho rằng ..."): not asserted
    by the article. Appeals are speech themselves and stay."""
    if t.type == "appeal":
        return False
    if sentence.rstrip(" \"”’)").endswith("?"):
        return True
    head = sentence[clause_start(sentence, 0) : t.start]
    m = next(reversed(list(_OPINION.finditer(head))), None)
    return m is not None and not HARD_BREAK_RE.search(sentence, m.end(), t.start)


def _attach_counts(casualties: list[Casualty], triggers: list[Trigger], sentence: str) -> dict[int, dict[str, int]]:
    """Counts per trigger index: the nearest violent trigger in the same stretch of the sentence
    (not across "trong khi", "nhưng"; not a "kể từ khi" reference), else under -1: no event."""
    out: dict[int, dict[str, int]] = {}
    for c in casualties:
        if c.count is None:
            continue
        lo, hi = clause_start(sentence, c.start, HARD_BREAK_RE), clause_end(sentence, c.start, HARD_BREAK_RE)
        near = [i for i, t in enumerate(triggers) if t.type in _TOLL_TYPES and not t.since and lo <= t.start < hi]
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
) -> tuple[list[tuple[Event, bool, bool, bool]], str | None]:
    """The events one sentence asserts, each with its "nominal" and "scene" flags; and the last date named."""
    dates = find_dates(sentence, pub, previous)
    last = next((d[2] for d in reversed(dates) if d[2]), previous)
    mentions = aliases.find(sentence)
    triggers = [t for t in find_triggers(sentence, [(m.start, m.end) for m in mentions]) if not _opinion(sentence, t)]
    casualties = find_casualties(sentence, [(s, e) for s, e, *_ in dates])
    if not triggers and not any(c.count is not None for c in casualties):
        return [], last
    counts = _attach_counts(casualties, triggers, sentence)
    groups: dict[str, list[int]] = {}
    for i, t in enumerate(triggers):
        groups.setdefault(t.type, []).append(i)
    out = [_group_event(sentence, type_, idxs, triggers, dates, mentions, counts, pub, aliases, article)
           for type_, idxs in groups.items()]  # fmt: skip
    out = [o for o in out if o[0].type not in _NEEDS_ACTOR or o[0].actors]
    if -1 in counts:
        day = _casualty_date(dates, casualties)
        ev = Event("casualties", day, _best_place(_pick(mentions, "place", []), aliases),
                   tuple(dict.fromkeys(m.name for m in mentions if m.role == "actor")),
                   counts[-1].get("killed"), counts[-1].get("injured"), sentence.strip(),
                   is_background(day, any(d[3] for d in dates), local_day(pub)), article)  # fmt: skip
        out.append((ev, False, False, False))
    return out, last


def _history_before(sentence: str, dates: list[DateSpan], pos: int) -> bool:
    """"Năm 2011, NATO không kích Libya": a past year opening the stretch of the sentence that
    holds the trigger dates it, unless a day is named in between."""
    for start, e, _d, h in dates:
        since = re.search(r"(?i)(?<!\w)(?:kể từ|từ khi|từ|sau khi|trước khi)(?!\w)", sentence[clause_start(sentence, start) : start])
        if h and e <= pos and not since and not HARD_BREAK_RE.search(sentence, e, pos):
            return not any(e <= s2 < pos and d2 for s2, _e2, d2, _h2 in dates)
    return False


def _group_event(
    sentence: str, type_: str, idxs: list[int], triggers: list[Trigger], dates: list[DateSpan],
    mentions: list[Mention], counts: dict[int, dict[str, int]], pub: datetime | None, aliases: Aliases,
    article: str | None,
) -> tuple[Event, bool, bool, bool]:  # fmt: skip
    """One event from the triggers of one type in a sentence (they name one happening)."""
    spans = [(clause_start(sentence, triggers[i].start), clause_end(sentence, triggers[i].end)) for i in idxs]
    day, reported = next((p for i in idxs if (p := _pick_date(dates, triggers, i, sentence))[0]), (None, False))
    history = any(h and any(cs <= s < ce for cs, ce in spans) for s, _e, _d, h in dates) or any(
        _history_before(sentence, dates, triggers[i].start) for i in idxs
    )
    killed = max((counts.get(i, {}).get("killed", -1) for i in idxs), default=-1)
    injured = max((counts.get(i, {}).get("injured", -1) for i in idxs), default=-1)
    ev = Event(
        type=type_, date=day, place=_best_place(_pick(mentions, "place", spans), aliases),
        actors=tuple(dict.fromkeys(m.name for m in _pick(mentions, "actor", spans))),
        killed=killed if killed >= 0 else None, injured=injured if injured >= 0 else None,
        evidence=sentence.strip(), background=is_background(day, history, local_day(pub)), article=article,
    )  # fmt: skip
    nominal = all(triggers[i].nominal or triggers[i].since for i in idxs)
    return ev, nominal, any(triggers[i].setting for i in idxs), reported


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
    """The earlier event a new sentence's event adds to, if any. A date that is only the
    report's does not keep a mention apart from the happening reported before."""
    first = replace(f.event, date=None) if f.reported else f.event
    ev = first
    for i in range(len(events) - 1, -1, -1):
        old = events[i]
        if old.background and not ev.background:
            continue  # history is not what a new mention names
        if _is_strike_again(old, f):  # "đã tấn công khu vực quân sự của sân bay" after the airstrike on it
            ev = replace(first, type=old.type)
        if not same_in_article(old, ev, published, aliases) or _conflicting_counts(old, ev):
            ev = first
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
    """The recent event (two sentences back at most) a casualty-only sentence completes: of one
    sentence's events, the first named ("đã tấn công ... và đụng độ đã xảy ra": the attack)."""
    ev = f.event
    fits = []
    for i in range(len(events) - 1, -1, -1):
        old = events[i]
        if f.index - where[i] > 2 or where[i] == f.index:
            continue  # too far back; or the sentence's own events, which got their counts already
        if old.type not in _TOLL_TYPES and old.type != "casualties":
            continue
        if (f.cumulative and old.type != "casualties") or (old.date and ev.date and old.date != ev.date):
            continue
        if not _conflicting_counts(old, ev):
            fits.append(i)
    latest = max((where[i] for i in fits), default=None)
    return min((i for i in fits if where[i] == latest), default=None)


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
        undated = ev.date is None and ev.killed is None and ev.injured is None
        if target is None and f.nominal and not f.scene and (undated or _ANAPHORA.search(ev.evidence)):
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


_ANAPHORA = re.compile(r"(?i)(?<!\w)(?:nói trên|kể trên|trên đây)(?!\w)")  # "vụ tấn công nói trên": named before
_WHEN = "_when"  # internal: a sentence that only dates the happening just reported


def _date_last(events: list[Event], where: list[int], f: _Found, published: datetime | None) -> None:
    """Give an "incident took place on D" sentence's date to the undated event just before it."""
    if events and events[-1].date is None and not events[-1].background and f.index - where[-1] <= 2:
        day = f.event.date
        events[-1] = replace(events[-1], date=day, background=is_background(day, False, local_day(published)))


def _absorbs_toll(events: list[Event], where: list[int], f: _Found) -> bool:
    """A violent event right after a casualty-only sentence is the happening that toll belongs to."""
    if not events or events[-1].type != "casualties" or f.event.type not in _TOLL_TYPES or f.index - where[-1] > 1 or f.nominal:
        return False
    last, ev = events[-1], f.event
    if CUMULATIVE.search(last.evidence):
        return False
    return ev.killed is None and (last.date is None or ev.date is None or last.date == ev.date)


def _teaser(sentence: str) -> bool:
    """A related article's title glued to its summary, as VietNamNet bodies end ("... kêu gọi dân
    Mỹ kiên địnhTổng thống Mỹ ..."): a Vietnamese word running into a capitalised one."""
    for word in sentence.split():
        if word.isascii():
            continue  # "YouTube", "McCright", "iPhone"
        for i in range(2, len(word) - 1):
            if word[i].isupper() and word[i - 1].islower() and word[i - 2].islower() and word[i + 1].islower():
                return True
    return False


_INCIDENT = re.compile(r"(?i)^\W*(?:vụ việc|sự việc|vụ án|sự cố)(?:\s+\w+){0,2}\s+(?:xảy ra|diễn ra)(?!\w)")


def _scan(text: str, published: datetime | None, aliases: Aliases, article: str | None) -> list[_Found]:
    found: list[_Found] = []
    previous: str | None = None
    for index, sentence in enumerate(split_sentences(normalize(text or ""))):
        if _SKIP_LINE.match(sentence) or _teaser(sentence):
            continue
        events, previous = _sentence_events(sentence, published, previous, aliases, article)
        if not events and _INCIDENT.match(sentence) and (day := resolve_date(sentence, published, None)):
            # "Vụ việc xảy ra vào lúc 22h44 ngày 29/3": the date of the happening just reported
            found.append(_Found(Event(_WHEN, day, None, (), None, None, sentence), False, index))
            continue
        fresh, cumulative = bool(_FRESH.match(sentence)), bool(CUMULATIVE.search(sentence))
        found.extend(
            _Found(ev, nominal, index, fresh=fresh, scene=scene, cumulative=cumulative, reported=reported)
            for ev, nominal, scene, reported in events
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
            match = next((i for i, b in enumerate(body) if _lead_fits(b, ev, table)), None)
        if match is None:
            extra.append(ev)
        elif body[match].type == "casualties" or (body[match].date is None and ev.date is not None):
            body[match] = combine(replace(ev, evidence=body[match].evidence), body[match], table)
        else:
            body[match] = combine(body[match], ev, table)
    lead_day = _lead_day(summary, text, published)
    return _fold_tolls(_fold_title(extra + body, title, lead_day, table), table)


def _lead_day(summary: str, text: str, published: datetime | None) -> str | None:
    """The news day the lead states: the first date of the summary's (else the body's) first
    sentence, if within the story's window before publication ("Ngày 22-11, ...")."""
    pub = local_day(published)
    for section in (summary, text):
        first = next(iter(split_sentences(normalize(section or ""))), "")
        day = _parse_iso(resolve_date(first, published, None)) if first else None
        if day is not None and pub is not None and 0 <= (pub - day).days <= WINDOW_DAYS:
            return day.isoformat()
    return None


def _fold_title(lead: list[Event], title: str, lead_day: str | None, aliases: Aliases) -> list[Event]:
    """A title event the summary repeats is the summary's event: "Sân bay duy nhất còn hoạt động
    của Tripoli bị oanh tạc" (undated, Tripoli) and "Sân bay Mitiga ở Tripoli bị máy bay của LNA
    oanh tạc hôm 28/11" are one airstrike, however long ago the 28th was. A title event nothing
    repeats happened on the news day the lead states, if it states one."""
    head = normalize(title or "").strip()
    out = list(lead)
    for ev in [e for e in lead if e.evidence == head]:
        match = next((i for i, o in enumerate(out) if o is not ev and _lead_fits(o, ev, aliases)), None)
        if match is not None:
            out[match] = combine(out[match], ev, aliases)
            out.remove(ev)
        elif ev.date is None and lead_day is not None and not ev.background:
            out[out.index(ev)] = replace(ev, date=lead_day)
    return out


def _lead_fits(body: Event, lead: Event, aliases: Aliases) -> bool:
    """The lead names the body's happening in fewer words: same type, no two dates, compatible
    places, no contradicting counts, and no two different actors below country level (a title's
    "Mỹ" or "Nga" is often an adjective: "nữ ca sĩ Mỹ"). No 3-day window: an article's title
    names its own story, however old."""
    if body.type != lead.type or _conflicting_counts(body, lead) or body.background != lead.background:
        return False
    if body.date and lead.date and body.date != lead.date:
        return False
    local_b = [a for a in body.actors if a not in aliases.countries]
    local_l = [a for a in lead.actors if a not in aliases.countries]
    actors_ok = not local_b or not local_l or actors_overlap(local_b, local_l, aliases)
    return actors_ok and places_compatible(body.place, lead.place, aliases)


def _lead_repeats(body: Event, lead: Event, published: datetime | None, aliases: Aliases) -> bool:
    """The body reports the lead's happening: same event, or the same strike called an attack
    in the title, or the body's bare toll of the lead's violent event."""
    if same_in_article(body, lead, published, aliases):
        return True
    toll, other = (body, lead) if body.type == "casualties" else (lead, body)
    blast = body.type == "attack" and lead.type == "disaster" and bool(re.search(r"(?i)bom|nổ", body.evidence))
    kin = blast or (body.type == "airstrike" and lead.type == "attack") or (
        toll.type == "casualties" and other.type in _TOLL_TYPES and not CUMULATIVE.search(toll.evidence)
    )
    return kin and not _conflicting_counts(body, lead) and same_in_article(replace(lead, type=body.type), body, published, aliases)


def _fold_tolls(events: list[Event], aliases: Aliases) -> list[Event]:
    """A same-day casualty report whose figures the article's violent event already carries (or
    lacks) is that event's toll, not another happening; running totals ("kể từ ...") stay apart."""
    out = list(events)
    for c in [e for e in events if e.type == "casualties" and e.date and not CUMULATIVE.search(e.evidence)]:
        for i, v in enumerate(out):
            fits = v.type in _TOLL_TYPES and v.date == c.date and not _conflicting_counts(v, c)
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

