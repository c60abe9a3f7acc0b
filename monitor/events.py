"""Events: what happened, read from one article's sentences (issue 5).

    text ─normalize─► split_sentences ─► per sentence: triggers, dates, counts, places, actors
         ─► sentence events ─► folded into the article's events (lead + body = one happening)

The stages live in small modules: `monitor.sentences` (one sentence's events), `monitor.triggers`
(trigger words, assertion, casualty counts), `monitor.vndates` (Vietnamese dates),
`monitor.numbers` (counts), `monitor.aliases` (actors and places). This module folds one article's
sentence events into its events (`extract_events`) and serves `news-monitor extract`
(`run_extract`). Everything is a pure function of its arguments: the publication time is passed
in, and the only file read is the packaged alias table, loaded once. No NER. The extractor never
raises on any text.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import TextIO

from monitor.aliases import Aliases, actors_compatible, actors_overlap, default_aliases, places_compatible
from monitor.models import Event
from monitor.sentences import CONTEXT_KINDS, TOLL_TYPES, WHEN, Found, scan, split_sentences
from monitor.text import normalize
from monitor.triggers import CUMULATIVE
from monitor.vndates import is_background, local_day, resolve_date
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


HOME = "Việt Nam"  # the press's own country: several happenings a day in one province, many districts
WINDOW_DAYS = 3  # the story's window: an undated event is taken to happen near publication
REPORT_LAG_DAYS = 7  # how long before a police report the happening it tells may be


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
    return places_compatible(_province(a.place, aliases), _province(b.place, aliases), aliases) and actors_compatible(
        a.actors, b.actors, aliases
    )


def _province(place: str | None, aliases: Aliases) -> str | None:
    """Within one article a Vietnamese place counts by its province: the police of one district
    ("Công an huyện Sóc Sơn") report a happening in another, and it is one story."""
    while place is not None and aliases.place_depth(place) > 1 and aliases.place_within(place, HOME):
        place = aliases.place_parent.get(place)
    return place


def combine(old: Event, new: Event, aliases: Aliases) -> Event:
    """`old` completed by `new`: first known date, the more precise place, all actors, the highest counts."""
    place = old.place
    if new.place and (not place or aliases.place_depth(new.place) > aliases.place_depth(place)):
        place = new.place
    return replace(
        old,
        date=old.date or new.date,
        reported=old.reported if old.date else new.reported,
        place=place,
        actors=tuple(dict.fromkeys(old.actors + new.actors)),
        killed=_max(old.killed, new.killed),
        injured=_max(old.injured, new.injured),
        background=old.background and new.background,
    )


def _max(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


def _conflicting_counts(old: Event, new: Event) -> bool:
    return any(
        a is not None and b is not None and a != b for a, b in ((old.killed, new.killed), (old.injured, new.injured))
    )


def _within(part: Event, whole: Event) -> bool:
    """Every count `part` gives is at most `whole`'s: part of that toll, not another one."""
    return all(
        p is None or (w is not None and p <= w) for p, w in ((part.killed, whole.killed), (part.injured, whole.injured))
    )


def _repeats(old: Event, new: Event, aliases: Aliases) -> bool:
    """`new` (one date unknown) is `old` again: it shares an actor or a place below country
    level, or it adds nothing (no date, no count, no new place or actor)."""
    shared_actor = actors_overlap(old.actors, new.actors, aliases)
    shared_place = bool(old.place and new.place and max(aliases.place_depth(old.place), aliases.place_depth(new.place)))
    # a count completes a dated happening ("đã giết hai mẹ con" after the murder "sáng 31/3"); two
    # undated ones, one with a toll, may be two strikes
    nothing_new = (
        new.date is None and (old.date is not None or (new.killed is None and new.injured is None))
        and (new.place is None or old.place is not None)
        and set(new.actors) <= aliases.closure(old.actors)
    )  # fmt: skip
    # "... vừa xảy ra một vụ tai nạn khiến 1 người chết. Vụ tai nạn xảy ra khoảng 7h20 cùng ngày":
    # a later mention that only dates the undated happening
    dates_it = (
        old.date is None and new.date is not None
        and (new.place is None or new.place == old.place) and set(new.actors) <= aliases.closure(old.actors)
    )  # fmt: skip
    return shared_actor or shared_place or nothing_new or dates_it


def _target(events: list[Event], f: Found, published: datetime | None, aliases: Aliases) -> int | None:
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
        partial = f.nominal and ev.date is None and _within(ev, old)  # "Vụ tai nạn khiến ... 2 người bị thương"
        if not same_in_article(old, ev, published, aliases) or (_conflicting_counts(old, ev) and not partial):
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


def _recalls(old: Event, f: Found, published: datetime | None, aliases: Aliases) -> bool:
    """An undated mention recalling an older, dated happening of the article ("Trước đó, Haftar
    đã phát động một cuộc tấn công" after "cuộc tấn công vào ngày 4/4")."""
    ev = f.event
    return (
        ev.date is None and old.date is not None and not f.fresh
        and same_in_article(old, ev, published, aliases, background_ok=True)
        and _repeats(old, ev, aliases) and not _conflicting_counts(old, ev)
    )  # fmt: skip


def _is_strike_again(old: Event, f: Found) -> bool:
    """An airstrike is an attack: a later, asserted "tấn công" may be the same strike again."""
    ev = f.event
    ground = re.search(r"(?i)tên lửa|pháo|rocket|súng|\bdao\b", ev.evidence)  # a missile strike is not an air raid
    return old.type == "airstrike" and ev.type == "attack" and not f.nominal and "tấn công" in ev.evidence and not ground


_THE_INCIDENT = re.compile(r"(?i)^\W*(?:vụ việc|sự việc|sự cố|vụ (?:tai nạn|tấn công|cháy|nổ|án|sạt lở|lật xe|đắm tàu))(?: (?:này|trên|nói trên|kể trên))?(?: đã)? (?:khiến|làm)(?!\w)")


def _toll_target(events: list[Event], where: list[int], f: Found) -> int | None:
    """The recent event (two sentences back at most) a casualty-only sentence completes: of one
    sentence's events, the first named ("đã tấn công ... và đụng độ đã xảy ra": the attack)."""
    ev = f.event
    reach = f.index if _THE_INCIDENT.match(ev.evidence) else 2  # "Vụ việc đã khiến ...": however far back
    fits = []
    for i in range(len(events) - 1, -1, -1):
        old = events[i]
        if f.index - where[i] > reach or where[i] == f.index:
            continue  # too far back; or the sentence's own events, which got their counts already
        if old.type not in TOLL_TYPES and old.type != "casualties":
            continue
        if (f.cumulative and old.type != "casualties") or (old.date and ev.date and old.date != ev.date):
            continue
        if not _conflicting_counts(old, ev):
            fits.append(i)
    latest = max((where[i] for i in fits), default=None)
    return min((i for i in fits if where[i] == latest), default=None)


def _fold_body(found: list[Found], published: datetime | None, aliases: Aliases) -> list[Event]:
    """One article's sentences folded into its events: a named ("cuộc tấn công này"), repeated
    or casualty-only mention adds to the happening already reported; a mention naming nothing
    reported before, with no date and no count, is dropped (it refers to the story, not news)."""
    events: list[Event] = []
    where: list[int] = []  # sentence index of each event's last mention
    told: list[bool] = []  # each event's date is only its report's ("Ngày 27-11, công an cho biết ...")
    opening: Found | None = None  # "Vụ việc xảy ra vào hôm 24-11" opening the body, before any event
    for f in found:
        ev = f.event
        if ev.type == WHEN:
            if events:
                _date_last(events, where, told, f, published)
            elif f.index == 0:
                opening = f
            continue
        if opening and not events and ev.date is None and not ev.background and f.index - opening.index <= 4:
            ev = replace(ev, date=opening.event.date, background=is_background(opening.event.date, False, local_day(published)))
            f = replace(f, event=ev)
        if ev.type == "casualties":
            target = _toll_target(events, where, f)
        else:
            target = _target(events, f, published, aliases)
        undated = ev.date is None and ev.killed is None and ev.injured is None
        scene = f.scene and ev.type != "election"  # "trong cuộc bầu cử" recalls the election, it is no news
        recalled = ev.type == "election"  # "sau chiến thắng trong cuộc bầu cử ngày 5-11": named, even dated
        named_toll = ev.type == "casualties"  # "sau vụ 2 học sinh đâm bạn trọng thương": a toll with no event of its own
        if target is None and f.nominal and not scene and (undated or recalled or named_toll or _ANAPHORA.search(ev.evidence)):
            continue
        if target is None and _absorbs_toll(events, where, f):
            events[-1] = combine(ev, events[-1], aliases)  # "5 người chết. ... X tấn công": one happening
            where[-1] = f.index
            continue
        if target is None and (earlier := _told_before(events, told, f, published, aliases)) is not None:
            # "Ngày 27-11, công an cho biết ... tạt nước sôi vào bé" then "Ngày 21-11, bà P. đã dùng
            # nước sôi tạt vào ...": the happening's own day replaces its report's
            events[earlier] = combine(replace(events[earlier], date=None), ev, aliases)
            told[earlier], where[earlier] = False, f.index
            continue
        if target is None:
            events.append(ev)
            where.append(f.index)
            told.append(f.reported)
        else:
            told[target] = told[target] and (f.reported or ev.date is None or ev.date == events[target].date)
            events[target] = combine(events[target], ev, aliases)
            where[target] = f.index
    return [replace(e, reported=t and _police_report(e)) for e, t in zip(events, told, strict=True)]


def _police_report(ev: Event) -> bool:
    """A crime, an arrest or an accident dated by the day the police told it: it may have happened
    days before. Strikes in a war follow one another daily, so there a report's day is kept."""
    return ev.date is not None and ev.type in (*_OWN_DAY_KINDS, "arrest") and not _WAR.search(ev.evidence)


_OWN_DAY_KINDS = ("attack", "disaster", "casualties")  # violent crime and accidents, told by the police
_WAR = re.compile(r"(?i)tên lửa|UAV|drone|máy bay không người lái|pháo|không kích|quân đội|binh sĩ|lực lượng vũ trang")


def _told_before(events: list[Event], told: list[bool], f: Found, published: datetime | None, aliases: Aliases) -> int | None:
    """The event of the same kind an earlier sentence dated only by its report, which this
    own-dated mention (a few days before that report) tells again."""
    ev = f.event
    if f.reported or f.nominal or ev.date is None or ev.type not in _OWN_DAY_KINDS or _WAR.search(ev.evidence):
        return None  # strikes in a war follow one another: "ATACMS hôm 19-11" is not "Storm Shadow ngày 20-11"
    for i in range(len(events) - 1, -1, -1):
        old = events[i]
        if not told[i] or old.type != ev.type or old.date is None or not (0 < _days(ev.date, old.date) <= REPORT_LAG_DAYS):
            continue
        if same_in_article(replace(old, date=None), ev, published, aliases) and not _conflicting_counts(old, ev):
            return i
    return None


def _days(earlier: str, later: str) -> int:
    a, b = _parse_iso(earlier), _parse_iso(later)
    return (b - a).days if a and b else -1


_ANAPHORA = re.compile(r"(?i)(?<!\w)(?:nói trên|kể trên|trên đây)(?!\w)")  # "vụ tấn công nói trên": named before


def _date_last(events: list[Event], where: list[int], told: list[bool], f: Found, published: datetime | None) -> None:
    """Give an "incident took place on D" sentence's date to the event just before it, undated
    or dated only by its report ("Ngày 24-11, công an đang điều tra vụ ... bị tấn công. Vụ việc
    xảy ra lúc 19h tối 22-11")."""
    if not events or events[-1].background or f.index - where[-1] > 3:
        return
    last, day = events[-1], f.event.date
    if last.date is None or (told[-1] and day and 0 < _days(day, last.date) <= REPORT_LAG_DAYS):
        events[-1] = replace(last, date=day, background=is_background(day, False, local_day(published)))
        told[-1] = False


def _absorbs_toll(events: list[Event], where: list[int], f: Found) -> bool:
    """A violent event right after a casualty-only sentence is the happening that toll belongs to."""
    if not events or events[-1].type != "casualties" or f.event.type not in TOLL_TYPES or f.index - where[-1] > 1 or f.nominal:
        return False
    last, ev = events[-1], f.event
    if CUMULATIVE.search(last.evidence):
        return False
    return ev.killed is None and (last.date is None or ev.date is None or last.date == ev.date)


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
    body = _fold_body(scan(text, published, table, article, body=True), published, table)
    lead = _fold_body(scan(f"{title}\n{summary}", published, table, article), published, table)
    extra, led = [], set()
    for ev in lead:
        match = next((i for i, b in enumerate(body) if same_in_article(b, ev, published, table)), None)
        if match is None:
            match = next((i for i, b in enumerate(body) if _lead_repeats(b, ev, published, table)), None)
        if match is None:
            match = next((i for i, b in enumerate(body) if _lead_fits(b, ev, table)), None)
        if match is None:
            extra.append(ev)
            continue
        led.add(match)
        if body[match].type == "casualties" or (body[match].date is None and ev.date is not None):
            body[match] = combine(replace(ev, evidence=body[match].evidence), body[match], table)
        else:
            body[match] = combine(body[match], ev, table)
    body = [b for i, b in enumerate(body) if i in led or not _context(b)]  # the lead's own news stays
    lead_day = _lead_day(summary, text, published)
    events = _fold_tolls(_fold_title(extra + body, title, lead_day, table), table)
    pub = local_day(published)  # a merged mention may have brought an old date ("bị bắt từ ngày 21-12-2023")
    return [replace(e, background=is_background(e.date, e.background, pub)) if e.date else e for e in events]


def _context(ev: Event) -> bool:
    """A strike, an accident, a meeting, an election or a capture that only the body mentions,
    with no date and no toll, is context the article recalls ("các vụ tai nạn", a meeting of
    some other day), not its news: a body reporting such a happening says when. On the dev set
    (216 articles), 34 of 55 such events matched no required gold event and 9 did. A strike or
    an accident stays context even with a toll: a trial retelling a killing of 43 years ago
    ("Giết xong 4 người, cả nhóm ...") has counts but no date (on 315 dev articles: 3 extra
    events fewer, 1 true one lost). The title's and summary's happenings are the article's
    news, dated or not, and stay."""
    if ev.date is not None or ev.background:
        return False
    tollless = ev.killed is None and ev.injured is None
    return ev.type in ("attack", "disaster") or (ev.type in CONTEXT_KINDS and tollless)


def _lead_day(summary: str, text: str, published: datetime | None) -> str | None:
    """The news day the lead states: the first date of the summary's (else the body's) first
    sentence, if within the story's window before publication ("Ngày 22-11, ...")."""
    pub = local_day(published)
    for section in (summary, text):
        head = (section or "").lstrip()[:2000]  # the first sentence is all it needs
        first = next(iter(split_sentences(normalize(head))), "")
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
        toll.type == "casualties" and other.type in TOLL_TYPES and not CUMULATIVE.search(toll.evidence)
    )
    return kin and not _conflicting_counts(body, lead) and same_in_article(replace(lead, type=body.type), body, published, aliases)


def _fold_tolls(events: list[Event], aliases: Aliases) -> list[Event]:
    """A same-day casualty report whose figures the article's violent event already carries (or
    lacks) is that event's toll, not another happening; running totals ("kể từ ...") stay apart."""
    out = list(events)
    for c in [e for e in events if e.type == "casualties" and e.date and not CUMULATIVE.search(e.evidence)]:
        for i, v in enumerate(out):
            fits = v.type in TOLL_TYPES and v.date == c.date and not _conflicting_counts(v, c)
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


