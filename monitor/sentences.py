"""One sentence's events (issue 5): which happenings a sentence asserts, with their dates,
places, actors and counts. `monitor.events` folds them into an article's events.

    split_sentences(text)                  sentences, never inside "5.300" or "TP. HCM"
    scan(text, published, aliases, key)    every sentence's events, each with how it names them
                                           (asserted, only named, a scene, a running toll, ...)

Which date is an event's (`_pick_date`): its own clause's; the report's date ("X ngày D cho
biết ...") only when the happening has none. Which sentences assert nothing (`_opinion`,
`monitor.triggers.is_asserted`): questions, opinions and analyses, plans, conditions, denials.
Appeals and meetings need an actor. Pure functions; nothing here raises on any text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from monitor.aliases import Aliases, Mention
from monitor.models import Event
from monitor.text import normalize, split_sentences
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

__all__ = ["TOLL_TYPES", "VIOLENT", "WHEN", "DateSpan", "Found", "scan", "split_sentences"]

# --------------------------------------------------------------------------- one sentence

VIOLENT = ("attack", "airstrike", "clash", "capture", "disaster", "arrest", "protest")
TOLL_TYPES = ("attack", "airstrike", "clash", "capture", "disaster", "protest")  # an arrest kills no one
_NEEDS_ACTOR = ("appeal", "meeting", "agreement")  # "yêu cầu các phương tiện chuyển hướng" (a road sign) is no diplomacy
_SKIP_LINE = re.compile(r"(?i)^\W*(?:xem thêm|đọc thêm|tin liên quan|video:)")
_FRESH = re.compile(
    r"(?i)^\W*(?:trong (?:một )?diễn biến khác|trước đó cùng ngày|sau đó cùng ngày|cũng trong ngày)"
    r"|(?<!\w)(?:cũng|còn|lại) xảy ra (?:một |hai |ba )?(?:vụ|trận|cuộc)(?!\w)"  # "Tại TP Tân Uyên ... cũng xảy ra một vụ"
)

DateSpan = tuple[int, int, str | None, bool]


@dataclass(frozen=True)
class Found:
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
    r"loan tin|báo cáo|nói|tiết lộ|thừa nhận|(?<!theo )(?<!các )(?<!những )thông tin)(?!\w)"
)
_INVESTIGATING = re.compile(
    r"(?i)(?<!\w)(?:điều tra|làm rõ|xác minh|thụ lý|xôn xao về|liên quan(?: đến| tới)?|phá (?:thành công )?)\s+"
    r"(?:(?:làm rõ|nguyên nhân)\s+)?vụ(?: việc| án)?(?!\w)"
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


def _inquiry_date(sentence: str, d: DateSpan, t: Trigger, triggers: list[Trigger]) -> bool:
    """"Ngày 24-11, công an đang điều tra vụ nhà một người dân ... bị tấn công": the day of the
    inquiry into the case the trigger is in."""
    return any(r.start() - d[1] <= 80 and not any(d[1] <= o.start < r.start() for o in triggers)
               for r in _INVESTIGATING.finditer(sentence, d[1], t.start))  # fmt: skip


def _pick_date(dates: list[DateSpan], triggers: list[Trigger], i: int, sentence: str) -> tuple[str | None, bool]:
    """The trigger's own clause; else the last date before it; else a later date that belongs
    to no other trigger's clause ("..., theo tuyên bố của GNA hôm 2/6"). The date of the report
    ("X cho biết hôm 7/4 rằng ... ngày 5/4", "Theo NATO ngày 22-11, ... hôm 21-11") gives way to
    the happening's own date, and is used only when there is no other; a happening only named
    ("lệnh cấm vận") takes a date from its own clause only. Also says whether the date is the report's."""
    t = triggers[i]
    cs = clause_start(sentence, t.start)
    if t.nominal and any(not o.nominal and cs <= o.start < t.start for o in triggers):
        # "Ngày 6/4, cảnh sát bắt giữ ba nghi phạm trong vụ sát hại ...": a date before both is the
        # arrest's; "tạm giữ sau khi gây ra vụ tông liên hoàn ... vào đêm 14-11": one after is its own
        dates = [d for d in dates if d[0] > t.start]
    # the day of an inquiry into the case the trigger is in is a report's date too (saying it is
    # the happening for a speech act: _report_date)
    inquiry = [d for d in dates if d[2] and _inquiry_date(sentence, d, t, triggers)]
    reports = inquiry if t.type not in _SPEECH_ACTS else []
    own = [d for d in dates if d[2] and d not in reports and not _report_date(sentence, d, t, triggers)]
    generic = t.nominal and bool(_GENERIC.search(sentence, max(0, t.start - 24), t.start))
    if generic:  # "các cuộc tấn công khủng bố", "lệnh cấm vận": its own clause's date or none
        cs, ce = clause_start(sentence, t.start), clause_end(sentence, t.end)
        return next((d[2] for d in own if cs <= d[0] < ce), None), False
    day = _pick_from(own, triggers, i, sentence)
    # the report's date is the best estimate there is; for a case only named, only an inquiry's
    # ("đang làm rõ nguyên nhân vụ tai nạn khiến 1 người chết")
    if day is None and (t.setting or not t.nominal or inquiry) and len(own) < len([d for d in dates if d[2]]):
        day = _pick_from(dates, triggers, i, sentence)  # only the report's date: the best estimate there is
        return day, day is not None
    return day, False


_INCIDENT_DATE = re.compile(r"(?i)(?<!\w)(?:vụ|sự việc|vụ việc)\s[^,.;]{0,60}?(?:xảy ra|diễn ra)\s+(?:vào\s+)?(?:[^\s,.;]+\s+){0,3}$")


def _pick_from(dates: list[DateSpan], triggers: list[Trigger], i: int, sentence: str) -> str | None:
    t = triggers[i]
    cs, ce = clause_start(sentence, t.start), clause_end(sentence, t.end)
    inside = [d for d in dates if cs <= d[0] < ce and d[2]]
    # "kêu gọi ... phản ứng nhanh với cuộc tấn công của Nga hôm 21-11": the date right after
    # another trigger is that one's
    inside = [d for d in inside if not any(j != i and o.type != t.type and abs(d[0] - t.start) > abs(d[0] - o.end) and 0 <= d[0] - o.end <= 15
                                           for j, o in enumerate(triggers))]  # fmt: skip
    # "bắt tạm giam ... liên quan đến vụ ẩu đả xảy ra vào rạng sáng 24-11": the incident's date
    inside = [d for d in inside if not (d[0] > t.end and _INCIDENT_DATE.search(sentence, t.end, d[0]))]
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


# where someone lives or where a road leads is not where it happened: "(sinh năm 1983, trú xã
# Khánh Dương, huyện Yên Mô, Ninh Bình)", "hướng Hải Phòng - Hà Nội", "quê Cà Mau"
_ELSEWHERE = re.compile(
    r"(?i)(?:\([^()]*?(?<!\w)(?:trú|ngụ|quê|sinh|SN|tuổi)(?!\w)|(?<!\w)(?:trú|ngụ|quê|thường trú|tạm trú|hướng|hướng đi|đến từ)(?!\w))"
    r"[^().;]*$"
)


def _here(mentions: list[Mention], sentence: str) -> list[Mention]:
    return [m for m in mentions if m.role != "place" or not _ELSEWHERE.search(sentence, max(0, m.start - 80), m.start)]


def _actors(mentions: list[Mention], type_: str, spans: list[tuple[int, int]], at: int) -> list[Mention]:
    """Who acts. An appeal's actor is who speaks, before the verb: in "NATO kêu gọi Nga có động
    thái nghiêm túc" Russia is addressed, and would join NATO's appeal to Zelensky's of that day."""
    picked = _pick(mentions, "actor", spans)
    if type_ == "appeal":
        speakers = [m for m in picked if m.start < at]
        return speakers or picked
    return picked


def _best_place(places: list[Mention], aliases: Aliases) -> str | None:
    return max(places, key=lambda m: aliases.place_depth(m.name)).name if places else None



_ANALYST = re.compile(
    r"(?i)(?<!\w)(?:giới phân tích|nhà phân tích|chuyên gia|giới quan sát|nhà quan sát|giới chuyên gia|nhà nghiên cứu)"
    r"(?:\s+[^\s,]+){0,4}\s*$"
)
_QUOTED_QUESTION = re.compile(r"\?\s*[\"”’]")
_OPINION = re.compile(
    r"(?i)(?<!\w)(?:nhận định|cho rằng|đánh giá|(?<!bản tin )(?<!trung tâm )(?<!đài )(?<!trang )dự báo|dự đoán|phân tích|bình luận|(?<!đưa )(?<!loan )(?<!thông )(?<!nguồn )tin rằng|nghĩ rằng|lo ngại|e ngại|"
    r"lo sợ|nghi ngờ|bị (?:cáo )?buộc tội|bị cáo buộc|với cáo buộc|bị kết tội|kết tội|bị kết án|tuyên án|tội danh|xét xử|truy tố|cáo trạng|kết luận điều tra)(?!\w)"
)


def _opinion(sentence: str, t: Trigger) -> bool:
    """A question ("Vì sao ...?", "... sẽ thất bại?"), or a happening inside an opinion, an
    analysis or an accusation ("Giới quan sát nhận định ...", "Mỹ cho rằng ..."): not asserted
    by the article. Appeals are speech themselves and stay."""
    if t.type == "appeal":  # speech itself, unless an analyst's: "Giới phân tích cảnh báo rằng ..."
        return bool(_ANALYST.search(sentence[clause_start(sentence, 0) : t.start]))
    if sentence.rstrip(" \"”’)").endswith("?"):
        return True
    if (q := _QUOTED_QUESTION.search(sentence)) and t.start < q.start():  # "Nếu ... ám sát ...?", X dẫn lời
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
        near = [i for i, t in enumerate(triggers) if t.type in TOLL_TYPES and not t.since and lo <= t.start < hi]
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
    last = next((d[2] for d in reversed(dates) if d[2]), None) or previous
    mentions = _here(aliases.find(sentence), sentence)
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
    out = [o for o in out if (o[0].type not in _NEEDS_ACTOR or _has_actor(sentence, o[0], triggers, mentions))
           and not _future(o[0].date, pub)]  # fmt: skip
    if -1 in counts and not _STATISTIC.search(sentence):
        day = _casualty_date(dates, casualties)
        ev = Event("casualties", day, _best_place(_pick(mentions, "place", []), aliases),
                   tuple(dict.fromkeys(m.name for m in mentions if m.role == "actor")),
                   counts[-1].get("killed"), counts[-1].get("injured"), sentence.strip(),
                   is_background(day, any(d[3] for d in dates) or bool(_ERA.search(sentence)), local_day(pub)),
                   article)  # fmt: skip
        first = min(c.start for c in casualties if c.count is not None)
        out.append((ev, _named_toll(sentence, first), False, False))
    return out, last


# "Liên quan đến vụ án mạng khiến một cô gái tử vong", "sau vụ 2 học sinh đâm bạn trọng thương":
# the toll of a case the sentence names, not a happening it reports (events._fold_body keeps it
# only as the toll of an event already told)
_CASE_NAMED = re.compile(r"(?i)(?<!\w)vụ(?: việc| án(?: mạng)?)?(?!\w)[^,;.:]*$")


def _named_toll(sentence: str, pos: int) -> bool:
    return bool(_CASE_NAMED.search(sentence, clause_start(sentence, pos, HARD_BREAK_RE), pos))


# a rate or an estimate over a period: "135.000 ca tử vong ... mỗi năm", "bình quân mỗi năm có gần
# 70.000 ca tử vong", "từ năm 2020-2023 ... 270.000 ca tử vong": a statistic, no happening
_STATISTIC = re.compile(
    r"(?i)(?<!\w)(?:mỗi (?:năm|tháng|tuần|ngày)|hằng năm|hàng năm|bình quân|tỷ lệ|tỉ lệ|từ năm \d{4}|trên toàn cầu|trên thế giới)(?!\w)|/(?:năm|tháng)(?!\w)"
)


# the kinds a body reports with their date: undated there, they are context (events._context)
CONTEXT_KINDS = ("attack", "disaster", "meeting", "election", "capture")
_CONTINUES = re.compile(
    r"(?i)^\W*(?:khi|lúc|lúc này|lúc đó|sau đó|ngay sau đó|ngay lúc đó|tới|đến khi|đến nơi|tại đây|thời điểm (?:này|đó)"
    r"|kết thúc|tiếp đó|tiếp theo|trong đó|cụ thể|theo đó|trong quá trình|trong lúc|ngay lập tức|lập tức|ngay tức khắc)(?!\w)"
)
_ALSO = re.compile(r"(?i)(?<!\w)(?:cũng|sau đó|tiếp đó)(?!\w)")  # "Thủ tướng Singapore cũng kêu gọi ...": on the occasion just told
# an era named: "do bom mìn chưa phát nổ từ thời chiến tranh Việt Nam" is history with no year
_ERA = re.compile(
    r"(?i)(?<!\w)(?:từ thời|thời chiến tranh|chiến tranh (?:Việt Nam|thế giới|Triều Tiên|Vùng Vịnh|lạnh)|"
    r"Thế chiến|thời Liên Xô|thời Xô viết|thời Gaddafi|dưới thời|năm xưa|hồi đó|thời điểm đó|lúc bấy giờ)(?!\w)"
)


# who speaks or meets for an institution, when the alias table does not know the name
_OFFICIAL = re.compile(
    r"(?<!\w)(?:Tổng thống|Thủ tướng|Chủ tịch|Bộ trưởng|Ngoại trưởng|Tổng thư ký|Người phát ngôn|người phát ngôn|"
    r"Phát ngôn viên|phát ngôn viên|Đại sứ|Quốc vương|Nhà vua|Tổng Bí thư|Bộ (?:Ngoại giao|Quốc phòng)|Nhà Trắng|"
    r"Điện Kremlin|Lầu Năm Góc|Hội Chữ thập đỏ|Hội Trăng lưỡi liềm đỏ|Tổ chức [A-ZĐ]|Liên đoàn [A-ZĐ]|Hội đồng [A-ZĐ])"
)


def _has_actor(sentence: str, ev: Event, triggers: list[Trigger], mentions: list[Mention]) -> bool:
    """A known actor, or an official the table does not know; an appeal's must speak, before the
    verb: in "Giám đốc chiến lược của Northvolt cảnh báo rằng châu Âu và Mỹ có nguy cơ tụt hậu"
    or "Flick yêu cầu các cầu thủ ... trước Monaco" the countries named are the appeal's content."""
    if ev.type != "appeal":
        return bool(ev.actors) or _official(sentence, ev, triggers)
    first = min((t.start for t in triggers if t.type == ev.type), default=0)
    if any(m.role == "actor" and m.start < first for m in mentions) or _official(sentence, ev, triggers):
        return True
    # "Ông Kim kêu gọi ...", "Ông cũng thúc giục đối thoại với Nga": a person the table does not know
    return bool(ev.actors) and bool(_PERSON.search(sentence, clause_start(sentence, first, HARD_BREAK_RE), first))


_PERSON = re.compile(r"(?<!\w)(?:[Ôô]ng|[Bb]à|[Hh]ọ)(?!\w)")


def _official(sentence: str, ev: Event, triggers: list[Trigger]) -> bool:
    first = min((t.start for t in triggers if t.type == ev.type), default=0)
    return bool(_OFFICIAL.search(sentence, clause_start(sentence, first, HARD_BREAK_RE), first))


def _future(day: str | None, pub: datetime | None) -> bool:
    """Dated after publication (a day's grace for time zones): a plan, not a happening
    ("cú hích 24 giờ vào ngày 20-1-2025 ... trong quá trình tranh cử")."""
    published = local_day(pub)
    if not day or published is None:
        return False
    try:
        return day > (published + timedelta(days=1)).isoformat()
    except OverflowError:  # published on 9999-12-31: nothing comes after
        return False


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
        _history_before(sentence, dates, triggers[i].start) or _ERA.search(sentence, *spans[k])
        for k, i in enumerate(idxs)
    )
    killed = max((counts.get(i, {}).get("killed", -1) for i in idxs), default=-1)
    injured = max((counts.get(i, {}).get("injured", -1) for i in idxs), default=-1)
    ev = Event(
        type=type_, date=day, place=_best_place(_pick(mentions, "place", spans), aliases),
        actors=tuple(dict.fromkeys(m.name for m in _actors(mentions, type_, spans, triggers[idxs[0]].start))),
        killed=killed if killed >= 0 else None, injured=injured if injured >= 0 else None,
        evidence=sentence.strip(), background=is_background(day, history, local_day(pub)), article=article,
    )  # fmt: skip
    nominal = all(triggers[i].nominal or triggers[i].since for i in idxs)
    return ev, nominal, any(triggers[i].setting for i in idxs), reported



WHEN = "_when"  # internal: a sentence that only dates the happening just reported


def _teaser(sentence: str) -> bool:
    """A related article's title glued to its summary, as VietNamNet bodies end ("... kêu gọi dân
    Mỹ kiên địnhTổng thống Mỹ ..."): a Vietnamese word running into a capitalised one."""
    for word in sentence.split():
        if word.isascii() or word[1:-1].islower():
            continue  # "YouTube", "McCright", "iPhone"; no capital inside
        for i in range(1, len(word) - 1):
            if word[i].isupper() and word[i - 1].islower() and word[i + 1].islower():  # "MỹĐiện đàm"
                return True
    return False


_INCIDENT = re.compile(
    r"(?i)^\W*(?:theo [^,;]{3,60},\s*)?(?:vụ việc|sự việc|vụ án|sự cố)(?:\s+\w+){0,3}\s+(?:xảy ra|diễn ra)(?!\w)"
)


_CLOSED = re.compile(r"[.!?…:;\"”’)\]]\s*$")
_BLOCK_GAP = re.compile(r"\n[^\S\n]*\n(?:[^\S\n]*\n)+")


def _drop_teasers(text: str) -> str:
    """Related-article cards after the body, as VietNamNet ends its articles: blocks set apart
    by blank lines, each a headline with no full stop and its one-sentence summary ("Tai nạn
    liên hoàn trên cao tốc Phan Thiết - Dầu Giây, ùn tắc 7km\n6 ô tô tông liên hoàn ...")."""
    blocks = _BLOCK_GAP.split(text)
    if len(blocks) < 2:
        return text
    kept = [blocks[0]]
    for block in blocks[1:]:
        lines = [line for line in block.splitlines() if line.strip()]
        if not (len(lines) == 2 and not _CLOSED.search(lines[0])):
            kept.append(block)
    return "\n\n".join(kept)


def scan(
    text: str, published: datetime | None, aliases: Aliases, article: str | None, *, body: bool = False
) -> list[Found]:
    """Every sentence's events. In an article's `body` of several paragraphs, a line with no
    closing punctuation is a heading, a caption or a related article's title ("Tai nạn liên hoàn
    trên cao tốc Phan Thiết - Dầu Giây, ùn tắc 7km"): not the article's own news."""
    found: list[Found] = []
    previous: str | None = None
    # the last date the narrative named, and whether the sentence just before named it: it carries
    # to a sentence that goes on with the story ("Sau đó, người đàn ông này dùng kéo tấn công"); a
    # "cũng" takes it further only for kinds that are news undated (an undated strike, accident or
    # meeting in a body is context: events._context). Dev (315): tp 179 -> 183, fp 59 -> 60;
    # carrying it to every "cũng" gave tp 186, fp 64, and dated a quoted "các cuộc tấn công".
    carry: str | None = None
    just_told = False
    text = normalize(text or "")
    if body:
        text = _drop_teasers(text)
    lines = [line for line in text.splitlines() if line.strip()]
    if body and len(lines) >= 3:
        text = "\n".join(line for line in lines if _CLOSED.search(line))
    for index, sentence in enumerate(split_sentences(text)):
        if _SKIP_LINE.match(sentence) or _teaser(sentence):
            continue
        before = previous
        events, previous = _sentence_events(sentence, published, previous, aliases, article)
        opens = bool(_CONTINUES.match(sentence))
        if carry and (opens or _ALSO.search(sentence)):  # "Khi đi đến km3, ô tô xảy ra va chạm": the time just told
            pub_day = local_day(published)
            events = [(replace(ev, date=carry, background=is_background(carry, False, pub_day)), nominal, scene, rep)
                      if ev.date is None and not ev.background and (just_told or opens or ev.type not in CONTEXT_KINDS)
                      else (ev, nominal, scene, rep)
                      for ev, nominal, scene, rep in events]  # fmt: skip
        just_told = previous != before
        carry = previous if just_told else carry
        incident = _INCIDENT.match(sentence)  # "Theo tờ Straits Times ngày 26-11, vụ việc xảy ra vào hôm 24-11"
        if not events and incident and (day := resolve_date(sentence[incident.end() :], published, None)):
            # "Vụ việc xảy ra vào lúc 22h44 ngày 29/3": the date of the happening just reported
            found.append(Found(Event(WHEN, day, None, (), None, None, sentence), False, index))
            continue
        fresh, cumulative = bool(_FRESH.search(sentence)), bool(CUMULATIVE.search(sentence))
        found.extend(
            Found(ev, nominal, index, fresh=fresh, scene=scene, cumulative=cumulative, reported=reported)
            for ev, nominal, scene, reported in events
        )
    return found


