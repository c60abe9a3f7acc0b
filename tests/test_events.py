"""monitor.events: sentences, dates, counts, negation, triggers, the seed article, the dev set."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.aliases import Aliases, default_aliases
from monitor.events import extract_events, run_extract, same_in_article, split_sentences
from monitor.feeds import parse_feed
from monitor.models import Event
from monitor.numbers import parse_count
from monitor.triggers import find_casualties, find_triggers
from monitor.vndates import resolve_date
from tests.conftest import ROOT, shared_path

# --------------------------------------------------------------------------- scoring against gold


@dataclass
class GoldMatch:
    pairs: list[tuple[dict, Event]] = field(default_factory=list)  # required gold ↔ found
    optional: list[tuple[dict, Event]] = field(default_factory=list)
    missed: list[dict] = field(default_factory=list)  # required, not found
    extra: list[Event] = field(default_factory=list)  # found, matching no gold event


def _words(s: str) -> set[str]:
    return set(re.findall(r"\w+", unicodedata.normalize("NFC", s).casefold()))


def _overlap(gold: dict, ev: Event) -> float:
    cue = _words(gold.get("cue") or gold.get("evidence") or "")
    return len(cue & _words(ev.evidence)) / len(cue) if cue else 0.0


def match_gold(gold: list[dict], found: list[Event], *, unknown_dates_match: bool = False) -> GoldMatch:
    """Required gold events first: same type and date, best evidence overlap; then optional ones
    (same type, or a cue in the evidence); what is left over is extra. With
    `unknown_dates_match`, a date unknown on either side matches any (the identity rule's
    leniency, to measure how much of the error is dating alone)."""
    result, free = GoldMatch(), list(found)

    def dates_match(g: dict, e: Event) -> bool:
        return e.date == g.get("date") or (unknown_dates_match and (e.date is None or g.get("date") is None))

    for g in sorted((g for g in gold if not g.get("optional")), key=lambda g: g.get("date") is None):
        cands = [e for e in free if e.type == g["type"] and dates_match(g, e)]
        if not cands:
            result.missed.append(g)
            continue
        best = max(cands, key=lambda e: (e.date == g.get("date"), _overlap(g, e), e.killed == g.get("killed")))
        free.remove(best)
        result.pairs.append((g, best))
    for g in (g for g in gold if g.get("optional")):
        cands = [e for e in free if e.type == g["type"] and (e.date == g.get("date") or _overlap(g, e) >= 0.5)]
        if cands:
            best = max(cands, key=lambda e: _overlap(g, e))
            free.remove(best)
            result.optional.append((g, best))
    result.extra = free
    return result


@dataclass
class DevCase:
    ref: str
    title: str
    summary: str
    text: str
    published: datetime | None
    gold: list[dict]
    split: str = "dev"  # "dev": tuned on; "holdout": labelled after tuning, never tuned on


def _load_rows(source: str) -> list[dict]:
    path = shared_path(*source.split("/"))
    if path.suffix == ".xml":  # corpus/feeds: a recorded feed, read by the project's parser: leads only
        feed = parse_feed(path.read_bytes(), url="https://vnexpress.net/rss/tin-moi-nhat.rss")
        return [{"link": e.link, "title": e.title, "summary": e.summary, "text": e.content} for e in feed.entries]
    with path.open(encoding="utf-8", newline="") as f:
        if path.suffix == ".csv":  # vietnamnet-2025.csv: one 617 KB row
            csv.field_size_limit(max(csv.field_size_limit(), 1 << 24))
            return list(csv.DictReader(f))
        if path.suffix == ".json":  # hieupham_*.json: one JSON array
            return list(json.load(f))
        return [json.loads(line) for line in f if line.strip()]


def load_dev_set(labels: Path | None = None) -> list[DevCase]:
    """tests/data/events_dev.jsonl: labels only; the articles are read from ../shared/corpus."""
    cases, cache = [], {}
    for line in (labels or ROOT / "tests" / "data" / "events_dev.jsonl").read_text(encoding="utf-8").splitlines():
        label = json.loads(line)
        if label["source"] not in cache:  # not setdefault: that would read the file for every label
            cache[label["source"]] = _load_rows(label["source"])
        rows = cache[label["source"]]
        row = rows[label["value"]] if label["key"] == "line" else next(r for r in rows if r[label["key"]] == label["value"])
        published = label["published"] or row.get("date") or row.get("published")
        cases.append(DevCase(
            ref=f'{label["source"]}#{label["value"]}', title=row.get("title") or "",
            summary=row.get("sapo") or row.get("description") or row.get("summary") or "",
            text=row.get("text") or row.get("content") or "",
            published=datetime.fromisoformat(published), gold=label["events"], split=label.get("split", "dev"),
        ))  # fmt: skip
    return cases


def evaluate(cases: list[DevCase], *, unknown_dates_match: bool = False) -> dict[str, float]:
    """Micro-averaged precision, recall, F1 over the required gold events (optional and background
    ones count neither way), and casualty accuracy: matched events whose gold or found killed /
    injured is set, and where both agree."""
    tp = fp = fn = cas_total = cas_ok = 0
    for case in cases:
        found = extract_events(title=case.title, summary=case.summary, text=case.text, published=case.published)
        m = match_gold(case.gold, found, unknown_dates_match=unknown_dates_match)
        tp, fn = tp + len(m.pairs), fn + len(m.missed)
        fp += sum(1 for e in m.extra if not e.background)
        for g, e in m.pairs:
            if any(v is not None for v in (g.get("killed"), g.get("injured"), e.killed, e.injured)):
                cas_total += 1
                cas_ok += (g.get("killed"), g.get("injured")) == (e.killed, e.injured)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {
        "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "casualty_accuracy": cas_ok / cas_total if cas_total else 1.0,
        "tp": tp, "fp": fp, "fn": fn, "casualty_events": cas_total,
    }  # fmt: skip


ICT = timezone(timedelta(hours=7))
PUB = datetime(2019, 4, 7, 8, 0, tzinfo=ICT)  # a Sunday


# --------------------------------------------------------------------------- sentences


def test_split_sentences_keeps_numbers_abbreviations_and_quotes() -> None:
    text = 'Có 5.300 người chết ở TP.HCM. Tỷ lệ 1,2 triệu. Ông J. Smith nói. TP. HCM mưa. Mỹ nói "ổn." Sau đó'
    assert split_sentences(text) == [
        "Có 5.300 người chết ở TP.HCM.",
        "Tỷ lệ 1,2 triệu.",
        "Ông J. Smith nói.",
        "TP. HCM mưa.",
        'Mỹ nói "ổn."',
        "Sau đó",
    ]


def test_split_sentences_where_a_related_articles_strip_glues_them() -> None:
    text = "Đàm phán hay giao tranh càng ác liệt?Quân đội Nga tiến lên. Nồng độ cồn trong máu.Từ đó, tòa xử. Trang 1Cash.Info nói."
    assert split_sentences(text) == [
        "Đàm phán hay giao tranh càng ác liệt?",
        "Quân đội Nga tiến lên.",
        "Nồng độ cồn trong máu.",
        "Từ đó, tòa xử.",
        "Trang 1Cash.Info nói.",
    ]


def test_split_sentences_on_word_segmented_text_and_paragraphs() -> None:
    assert split_sentences("Libya : Giao tranh ở Tripoli . Hôm nay yên .\nĐoạn hai") == [
        "Libya : Giao tranh ở Tripoli .",
        "Hôm nay yên .",
        "Đoạn hai",
    ]


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("ngày 4/4", "2019-04-04"),
        ("hôm 6/4", "2019-04-06"),
        ("sáng 5/4", "2019-04-05"),
        ("đêm 16/4", "2018-04-16"),  # no year: the latest 16 April not after publication
        ("4/4/2019", "2019-04-04"),
        ("ngày 12 tháng 4 năm 2019", "2019-04-12"),
        ("hôm qua", "2019-04-06"),
        ("hôm nay", "2019-04-07"),
        ("sáng nay", "2019-04-07"),
        ("tối qua", "2019-04-06"),
        ("đêm qua", "2019-04-06"),
        ("hôm kia", "2019-04-05"),
        ("thứ Hai", "2019-04-01"),
        ("Chủ nhật", "2019-04-07"),
        ("hôm thứ Bảy (6/4)", "2019-04-06"),
        ("vào hôm thứ ba (2/4)", "2019-04-02"),  # lowercase weekday: only with its date
        ("ngày 23-11", "2018-11-23"),
        ("hôm 7-4", "2019-04-07"),
        ("ngày 11.4", "2018-04-11"),
        ("Vào sáng ngày 4/4, lực lượng", "2019-04-04"),
        ("rạng sáng ngày 6, Kiev", "2019-04-06"),  # day only: the latest 6th not after publication
        ("đêm 30, quân đội", "2019-03-30"),
        ("mỗi ngày 3 lần", None),
        ("tỷ lệ 4.5", None),
        ("11.4", None),
        ("lần thứ ba", None),
        ("1/3 dân số", None),
        ("năm 2011", None),
        ("không có ngày nào", None),
    ],
)
def test_resolve_date(phrase: str, expected: str | None) -> None:
    assert resolve_date(phrase, PUB, None) == expected


def test_resolve_date_relative_to_the_previous_date() -> None:
    assert resolve_date("cùng ngày", PUB, "2019-04-05") == "2019-04-05"
    assert resolve_date("trong ngày", PUB, "2019-04-05") == "2019-04-05"
    assert resolve_date("hai ngày sau", PUB, "2019-04-03") == "2019-04-05"
    assert resolve_date("một ngày trước đó", PUB, "2019-04-05") == "2019-04-04"
    assert resolve_date("cùng ngày", PUB, None) is None  # nothing in reach: never invented


def test_resolve_date_uses_vietnamese_local_time() -> None:
    utc_evening = datetime(2019, 4, 6, 20, 0, tzinfo=UTC)  # 03:00 on 7 April in Hà Nội
    assert resolve_date("hôm nay", utc_evening, None) == "2019-04-07"
    assert resolve_date("ngày 7/4", utc_evening, None) == "2019-04-07"
    assert resolve_date("hôm qua", None, None) is None


# --------------------------------------------------------------------------- counts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5.300", 5300),
        ("hơn 3.400", 3400),
        ("ít nhất 14", 14),
        ("một", 1),
        ("mười", 10),
        ("hai mươi", 20),
        ("hai mươi mốt", 21),
        ("mười lăm", 15),
        ("một trăm hai mươi", 120),
        ("hàng chục", 10),
        ("hàng trăm", 100),
        ("hàng nghìn", 1000),
        ("hàng chục nghìn", 10000),
        ("1,2 triệu", 1_200_000),
        ("một số người", None),
        ("năm 2011", None),
        ("30%", None),
        ("tỷ lệ 4.5", None),
        ("ngày 4/4 có 5 người", 5),
        ("", None),
    ],
)
def test_parse_count(text: str, expected: int | None) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    ("sentence", "killed", "injured"),
    [
        ("ít nhất đã có 14 binh sĩ LNA thiệt mạng trong các cuộc giao tranh", 14, None),
        ("vụ nổ làm thiệt mạng ít nhất 10 người và làm bị thương hàng chục người khác", 10, 10),
        ("số người chết trong trận động đất đã tăng lên 5.300", 5300, None),
        ("khiến 3 người chết, 20 người bị thương", 3, 20),
        ("không có thương vong", None, None),
        ("không có ai thiệt mạng trong vụ việc", None, None),
        ("ung thư là nguyên nhân gây tử vong đứng hàng thứ 2 ở nam giới", None, None),  # a rank, no count
        ("vụ tai nạn thứ 3 trong tháng khiến 2 người tử vong", 2, None),
        ("tổng số 300 người thiệt mạng", 300, None),
        ("có 1,2 triệu ca nhiễm và 135.000 ca tử vong", 135000, None),  # the infected are not dead
        ("tuyên phạt bị cáo 8 năm tù về tội giết người", None, None),  # "năm" after a number is years; a crime's name
        ("5 năm sau, 2 người chết", 2, None),
        ("bị đề nghị truy tố hành vi giết người", None, None),
        # a hypothetical toll, however far back its modal word
        ('Mỹ - Triều có thể đã đi đến "một cuộc chiến hạt nhân khiến hàng triệu người thiệt mạng"', None, None),
        ("Chúng tôi không thể để hàng chục ngàn người dân của mình phải bỏ mạng", None, None),
        ("Nếu xung đột lan rộng, hàng nghìn dân thường ở khu vực này sẽ thiệt mạng", None, None),
        ("Nga có thể tấn công, sau khi 5 binh sĩ thiệt mạng", 5, None),  # the modal's scope ends at "sau khi"
    ],
)
def test_casualty_counts(sentence: str, killed: int | None, injured: int | None) -> None:
    found = find_casualties(sentence, [])
    got = {c.kind: c.count for c in found if c.kind != "mention"}
    assert (got.get("killed"), got.get("injured")) == (killed, injured)


# --------------------------------------------------------------------------- triggers and negation


@pytest.mark.parametrize(
    ("sentence", "types"),
    [
        ("Lực lượng GNA đã tấn công từ trên không vào căn cứ", ["airstrike"]),
        ("Israel sẽ không kích Beirut", []),
        ("Quân đội có thể tấn công Tripoli", []),
        ("Dự kiến hai bên sẽ hội đàm vào tuần sau", []),
        ("Nga phủ nhận đã tấn công bệnh viện", []),
        ("Hai bên chưa đạt được thỏa thuận", []),
        ("Nếu giao tranh tiếp diễn, dân thường sẽ chịu thiệt", []),
        ("Mục tiêu của ông này là nhằm giải phóng thủ đô", []),
        ("Các nước G7 đã nhất trí sẽ gây sức ép", []),
        ("Italy cảnh báo rằng nếu chiến dịch không dừng lại thì sẽ trừng phạt", ["appeal"]),
        ("Máy bay không người lái Nga tấn công Kiev", ["airstrike"]),  # a UAV attack is an airstrike
        ("Người Hồi giáo chiếm 30% dân số", []),
        ("Bộ Ngoại giao tổ chức họp báo", []),
        ("Kinh tế bùng nổ", []),
        ("Tổng thư ký Liên Hợp Quốc lên án vụ đánh bom", ["appeal", "attack"]),
        ("Cảnh sát đã bắt giữ 3 nghi phạm", ["arrest"]),
        ("Một nhóm sinh viên Mỹ đã phá kỷ lục khi phóng tên lửa tự chế xa hơn", []),  # an amateur rocket
        ("Nọc độc của rắn mamba đen đủ giết chết một người trong vòng 15 phút", []),  # what it could do
        # a condition scopes over its whole list, past the commas
        ("Nga có thể đáp trả nếu nhận được tin về một vụ triển khai máy bay, hoặc phóng tên lửa nhằm vào lãnh thổ Nga", []),
        ("Quân đội đã tấn công Tripoli, nếu tin này đúng", ["attack"]),
    ],
)
def test_triggers_respect_negation_and_modality(sentence: str, types: list[str]) -> None:
    assert [t.type for t in find_triggers(sentence)] == types


def test_no_casualties_is_not_an_event() -> None:
    text = "Một quả tên lửa rơi xuống cánh đồng ở Kherson ngày 5/4. Không có thương vong."
    assert extract_events(title="", summary="", text=text, published=PUB) == []


def test_casualty_sentence_attaches_to_the_event_just_reported() -> None:
    text = "Ngày 5/4, Israel không kích miền nam Lebanon. Ít nhất 7 người thiệt mạng."
    events = extract_events(title="", summary="", text=text, published=PUB)
    assert [(e.type, e.date, e.killed) for e in events] == [("airstrike", "2019-04-05", 7)]


def test_casualties_alone_make_a_casualties_event() -> None:
    text = "Hơn 3.400 người đã thiệt mạng ở Sudan kể từ đầu năm, theo Liên Hợp Quốc."
    (event,) = extract_events(title="", summary="", text=text, published=PUB)
    assert (event.type, event.killed, event.place) == ("casualties", 3400, "Sudan")


def test_background_when_dated_long_before_publication() -> None:
    text = "Ngày 20/10/2011, phiến quân đánh chiếm Sirte. Hôm qua, IS tấn công Sirte."
    events = extract_events(title="", summary="", text=text, published=PUB)
    assert [(e.type, e.date, e.background) for e in events] == [
        ("capture", "2011-10-20", True),
        ("attack", "2019-04-06", False),
    ]


def test_an_incident_sentence_dates_the_happening_just_reported() -> None:
    text = "Một chiếc xe tải lao vào chợ, khiến 3 người thiệt mạng. Vụ việc xảy ra vào lúc 22h ngày 5/4 tại Benghazi."
    events = extract_events(title="", summary="", text=text, published=PUB)
    assert [(e.type, e.date, e.killed) for e in events] == [("casualties", "2019-04-05", 3)]


def test_an_incident_sentence_hedged_and_three_sentences_on_still_dates_it() -> None:
    text = (
        "Sau đó, người đàn ông dùng kéo tấn công, khiến tài xế bị thương. Người này bỏ đi. "
        "Tài xế được băng bó vết thương. Vụ việc được cho là xảy ra vào chiều ngày 5/4 tại quận 1."
    )
    events = extract_events(title="", summary="", text=text, published=PUB)
    assert [(e.type, e.date) for e in events] == [("attack", "2019-04-05")]


def test_orders_and_threats_to_kill_are_no_toll() -> None:
    text = "Bà nói đã thuê một sát thủ để giết tổng thống nếu bà bị hại. Một vụ tai nạn chết người khác xảy ra năm 2015."
    events = extract_events(title="", summary="", text=text, published=PUB)
    assert [(e.type, e.killed, e.background) for e in events] == [("disaster", None, True)]


def _kinds(title: str = "", summary: str = "", text: str = "", published: datetime = PUB) -> list[tuple]:
    events = extract_events(title=title, summary=summary, text=text, published=published)
    return [(e.type, e.date, e.killed, e.background) for e in events]


@pytest.mark.parametrize(
    "text",
    [
        "Giới quan sát nhận định Haftar tấn công Tripoli để gây sức ép.",  # analysis
        "Ngân hàng Nhà nước đã nhiều lần cảnh báo về rủi ro khi mua bán tiền mã hóa.",  # a habit, no one happening
        "Vì sao tướng Haftar tấn công Tripoli?",  # a question (an explainer's headline)
        "Haftar sẽ tấn công Tripoli nếu đàm phán thất bại.",  # future, conditional
        "Nga tuyên bố sẽ trả đũa các quốc gia NATO hỗ trợ Ukraine tấn công lãnh thổ Nga.",  # 'sẽ' scopes the clause
        "Israel phủ nhận đã không kích Gaza.",  # denial
        "Khi đến gần công trình, nơi yêu cầu các phương tiện phải chuyển hướng, xe đã dừng.",  # no actor: no appeal
        "Tướng Haftar cần phải tấn công Tripoli.",  # deontic
        "Quốc vương sẽ có các cuộc hội đàm, hội kiến với lãnh đạo Việt Nam.",  # a coordinated plan
        "Tuần trước, Nga phóng thử tên lửa đạn đạo mới.",  # a test launch
        "Cú hích vào ngày 20-4-2019 đã được vận động ngay trong quá trình tranh cử.",  # dated after publication
        "Các đợt cao điểm tấn công, trấn áp tội phạm được triển khai.",  # a crackdown
        "Sau khi bà Sararat bị bắt giữ, một người phụ nữ khác đã lên tiếng.",  # presupposed, recalled
        "Ngành du lịch dễ bị ảnh hưởng bởi bão và hạn hán.",  # generic
        "Chính quyền Gaddafi không kích động bạo lực bằng hành vi đàn áp người biểu tình.",  # incite; protesters
        "Nguồn thu dầu mỏ vốn chiếm đến 90% ngân sách, hai bên giao tranh đều thận trọng.",  # a share; the sides
    ],
)
def test_clauses_that_assert_no_happening(text: str) -> None:
    assert [k for k in _kinds(text=text) if k[0] != "appeal"] == []


@pytest.mark.parametrize(
    "text",
    [
        # the countries named are what the appeal is about, not who speaks
        "Giám đốc chiến lược Patrik Andreasson của Northvolt đã cảnh báo rằng châu Âu và Mỹ có nguy cơ tụt hậu.",
        "Flick yêu cầu các cầu thủ chấp nhận thất bại trước Monaco, phục hồi và chuẩn bị tốt cho La Liga.",
    ],
)
def test_an_appeal_needs_a_speaker_before_its_verb(text: str) -> None:
    """Or a person the alias table does not know ("Ông Kim kêu gọi ..."), when the sentence
    names an actor at all."""
    assert _kinds(text=text) == []
    assert [k[0] for k in _kinds(text="Ngày 6/4, " + text.replace("Giám đốc chiến lược", "Ngoại trưởng Mỹ")
                                 .replace("Flick", "Tổng thống Pháp"))] == ["appeal"]
    assert [k[0] for k in _kinds(text="Ông Kim kêu gọi Hàn Quốc và Mỹ ngừng tập trận.")] == ["appeal"]




@pytest.mark.parametrize(
    "text",
    [
        "Đại sứ quán Mỹ ở Ukraine khuyến cáo công dân Mỹ trú ẩn trong trường hợp có cảnh báo không kích.",
        "Nga cảnh báo.",  # no addressee, nothing asked
        "Nhà Trắng đã ra tuyên bố, theo một quan chức đề nghị giấu tên.",
    ],
)
def test_no_appeal_without_addressee_or_request(text: str) -> None:
    assert _kinds(text=text) == []


def test_headings_and_related_titles_in_a_body_are_no_news() -> None:
    text = ("Ngày 5/4, Israel không kích miền nam Lebanon.\nẢnh minh họa\n"
            "Tai nạn liên hoàn trên cao tốc, 3 người chết\nGiới chức Lebanon cho biết đang điều tra.")  # fmt: skip
    assert _kinds(text=text) == [("airstrike", "2019-04-05", None, False)]


def test_a_threat_of_retaliation_is_an_appeal() -> None:
    assert [k[0] for k in _kinds(text="Nga tuyên bố sẽ trả đũa các quốc gia NATO hỗ trợ Ukraine.")] == ["appeal"]


def test_a_headline_without_da_asserts_like_the_body() -> None:
    """Headlines drop "đã": "Tướng Haftar ra lệnh tiến quân vào thủ đô Tripoli" is the attack the
    seed's body reports as "đã ra lệnh cho ... LNA tiến quân vào Tripoli vào ngày 4/4" (gold: attack).
    Only a marker of the future or of doubt (sẽ, sắp, dự kiến, có thể, "?") makes a headline no news."""
    summary = "Ngày 4/4, tướng Haftar đã ra lệnh cho LNA tiến quân vào Tripoli."
    assert _kinds(title="Tướng Haftar ra lệnh tiến quân vào thủ đô Tripoli", summary=summary) == [
        ("attack", "2019-04-04", None, False)
    ]
    assert _kinds(title="Tướng Haftar ra lệnh tiến quân vào thủ đô Tripoli") == [("attack", None, None, False)]
    assert _kinds(title="Tướng Haftar sắp tiến quân vào thủ đô Tripoli") == []


def test_a_title_folds_into_the_summary_event_however_old() -> None:
    """Mitiga is `in = "Tripoli"`: the title's undated strike on Tripoli's airport is the summary's."""
    title = "Sân bay duy nhất còn hoạt động của Tripoli bị oanh tạc"
    summary = "Sân bay Mitiga ở Tripoli bị máy bay của LNA oanh tạc hôm 28/11, 4 người chết."
    for published in (datetime(2019, 11, 29, 8, tzinfo=ICT), datetime(2019, 12, 9, 8, tzinfo=ICT)):
        events = extract_events(title=title, summary=summary, text="", published=published)
        assert [(e.type, e.date, e.place, e.killed) for e in events] == [("airstrike", "2019-11-28", "sân bay Mitiga", 4)]


def test_a_title_event_nothing_repeats_takes_the_leads_news_day() -> None:
    events = _kinds(title="Nga - Ukraine đạt thỏa thuận trao trả dân thường",
                    text="Ngày 6/4, 46 cư dân đã trở về Nga từ Ukraine.")  # fmt: skip
    assert events == [("agreement", "2019-04-06", None, False)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the happening's own date, not the report's
        ("Quân đội Libya cho biết hôm 6/4 rằng lực lượng Haftar đã tấn công Tripoli ngày 5/4.", ("attack", "2019-04-05")),
        ("Theo thông tin từ NATO ngày 6/4, ông Rutte đã gặp ông Trump tại Florida vào hôm 5/4.", ("meeting", "2019-04-05")),
        # with no date of its own, the report's date is the best estimate there is
        ("Hãng tin AFP dẫn tờ Laos Post ngày 6/4 cho biết cảnh sát Lào đã bắt giữ 8 người.", ("arrest", "2019-04-06")),
        # what is said is the happening: the date of saying it
        ("Ngoại trưởng Nga Sergei Lavrov ngày 6/4 cho biết Nga kêu gọi các bên kiềm chế.", ("appeal", "2019-04-06")),
    ],
)
def test_report_dates_give_way_to_the_happenings_own(text: str, expected: tuple[str, str]) -> None:
    assert [k[:2] for k in _kinds(text=text)] == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # domestic news: road, river and building accidents, violent crime, arrests, receptions
        ("Tối 5/4, xe tải tông trúng 3 xe máy khiến 2 người chết.", [("disaster", "2019-04-05", 2, False)]),
        ("Hôm 6/4, chiếc xe khách lao xuống vực ở đèo Bảo Lộc, 5 người tử vong.", [("disaster", "2019-04-06", 5, False)]),
        ("Sáng 6/4, cầu Ngòi Móng bị sập.", [("disaster", "2019-04-06", None, False)]),
        ("Rạng sáng 31/3, Tài đã sát hại hai mẹ con tại nhà riêng.", [("attack", "2019-03-31", 2, False)]),
        ("Ngày 6/4, Công an tỉnh Vĩnh Long đã bắt khẩn cấp nghi phạm.", [("arrest", "2019-04-06", None, False)]),
        ("Chiều 6/4, Tổng Bí thư Tô Lâm tiếp Tổng thống Bulgaria Rumen Radev.", [("meeting", "2019-04-06", None, False)]),
        # the arrest procedure's own words; an extended order is no new arrest
        ("Ngày 6/4, Công an huyện Thạch Thất đã khởi tố bị can và ra lệnh tạm giam 3 tháng đối với Nguyễn Văn A.",
         [("arrest", "2019-04-06", None, False)]),
        ("Ngày 6/4, công an ra quyết định khởi tố bị can, lệnh bắt bị can để tạm giam đối với Nguyễn Thị H.",
         [("arrest", "2019-04-06", None, False)]),
        ("Ngày 6/4, cơ quan điều tra áp dụng biện pháp tạm giam đối với Ngô Quang C.", [("arrest", "2019-04-06", None, False)]),
        ("Viện kiểm sát đã gia hạn lệnh tạm giam đối với bị can.", []),
        ("Ngày 6/4, công an thi hành lệnh bắt tạm giam 4 tháng đối với Lê Quốc T.", [("arrest", "2019-04-06", None, False)]),
        # a modal word is looked for in the last eight syllables, but read with the word before them:
        # "quyết định" cut to "định" is no intent, and "Cần Thơ" is no "need"
        ("Ngày 6/4, công an cho biết đã tống đạt quyết định khởi tố bị can và thi hành lệnh bắt tạm giam đối với Lê Quốc T.",
         [("arrest", "2019-04-06", None, False)]),
        ("Ngày 6/4, Cơ quan Cảnh sát điều tra Công an TP Cần Thơ đã ra lệnh giữ người trong trường hợp khẩn cấp đối với Đạt.",
         [("arrest", "2019-04-06", None, False)]),
        ("Công an khuyến cáo người dân cần bắt giữ kẻ trộm khi phát hiện.", []),
        # nor are names read as modal words: "Bình Định", "Nam Định", the GNA's "Hiệp định", MSF's "không"
        ("Ngày 6/4, Công an tỉnh Bình Định đã bắt giữ 3 đối tượng.", [("arrest", "2019-04-06", None, False)]),
        ("Ngày 6/4, Công an huyện Tiểu Cần (Trà Vinh) bắt giữ 2 người.", [("arrest", "2019-04-06", None, False)]),
        ("Ngày 6/4, lực lượng Chính phủ Hiệp định Quốc gia tấn công Tripoli.", [("attack", "2019-04-06", None, False)]),
        ("Ngày 6/4, tổ chức Bác sĩ không biên giới cho biết bệnh viện bị không kích.", [("airstrike", "2019-04-06", None, False)]),
        ("Hamas dự định tấn công Israel.", []),
        ("Ngày 6/4, theo tài liệu cảnh sát công bố hàng nghìn người đã biểu tình ở thủ đô.", [("protest", "2019-04-06", None, False)]),
        ("Hiệp định giữa hai nước về việc dẫn độ tội phạm.", []),
        # names that hold a trigger word: Hạ Long's Bãi Cháy, an association, an islet, a forecasting centre
        ("Ngày 6/4, đường đua đi qua cầu Bãi Cháy.", []),
        ("Ngày 6/4, chủ tịch Hội Kiến trúc sư Khánh Hòa cho biết.", []),
        ("Ngày 6/4, nước dâng tại các cồn Tân Lập, Nhất Trí, Ngọc Thảo.", []),
        ("Ngày 6/4, Trung tâm Bão Nhiệt đới Tokyo cho biết.", []),
        ("Ngày 6/4, đám cháy bùng phát tại một khách sạn ở Bãi Cháy.", [("disaster", "2019-04-06", None, False)]),
        ("Ngày 6/4, tài xế xe tải đã bị công an tạm giữ.", [("arrest", "2019-04-06", None, False)]),
        # goods and vehicles held, a crime's name and what a law provides are no arrest
        ("Ngày 6/4, hai xe đầu kéo trên đã bị cảnh sát giao thông tạm giữ.", []),
        ("Ngày 6/4, công an phát hiện 26 khách dương tính với ma túy, đồng thời tạm giữ một số tang vật.", []),
        ('Bảo có 2 tiền án về các tội "bắt giữ người trái pháp luật", "đánh bạc".', []),
        ("Ngày 6/4, công an khởi tố, bắt tạm giam Trần Thanh N. về tội “Giết người”.", [("arrest", "2019-04-06", None, False)]),
        ("Ngày 6/4, Luật mới cũng quy định rõ việc chế áp, tạm giữ máy bay không người lái.", []),
        # the toll of a case the sentence only names: no happening of its own
        ("Ngày 6/4, tin từ UBND tỉnh cho biết sau vụ 2 học sinh cấp 2 đâm bạn trọng thương, tỉnh có chỉ đạo khẩn.", []),
        ("Liên quan đến vụ án mạng khiến một cô gái tử vong và nhiều người bị thương, công an đã khám nghiệm.", []),
        # two vehicles colliding; an animal counted is no toll
        ("Ngày 6/4, xe khách tông nhau trên cao tốc Vĩnh Hảo - Phan Thiết, 2 người tử vong.", [("disaster", "2019-04-06", 2, False)]),
        ("Bà Sơn là chủ hai con chó béc giê cắn chết bé gái 5 tuổi.", []),
        # bullying, brain death, a venue's name, a family asking for anonymity, adultery, chess, a yearly figure
        ("Bị bắt quả tang ngoại tình với tài xế trên ô tô, người vợ bình thản đối mặt chồng", []),
        ("Ngày 6/4, hai kỳ thủ đã đụng độ bốn ván cờ nhanh chớp.", []),
        ("Ngày 6/4, thuyền trưởng U17 Việt Nam đưa ra yêu cầu rất khắt khe với các cầu thủ.", []),
        ("Ngày 6/4, cô dâu đeo vàng trong ngày cưới gây 'bão mạng'.", []),
        ("Hằng năm số vụ phạm tội về ma túy được phát hiện, bắt giữ tại khu vực biên giới tăng trên 3%.", []),
        ("Số vụ phạm tội về ma túy xuyên quốc gia được phát hiện, bắt giữ tăng trên 3%.", []),  # a trend
        ("Ngày 6/4, công an cho biết số đối tượng bị bắt giữ trong đợt cao điểm là 12 người.", [("arrest", "2019-04-06", None, False)]),
        ("Ngày 6/4, bệnh viện cứu sống một du khách người Hàn Quốc (gia đình yêu cầu không nêu tên) bị xuất huyết não.", []),
        ("Cô bé có suy nghĩ tự tử từ năm 9 tuổi, bị bắt nạt và không có bạn bè.", []),
        ("Trong hơn 2 tháng đầu năm 2025, 21 ca đồng ý hiến tạng sau chết não.", []),
        ("Sáng 6/4, tại Trung tâm hội nghị quốc gia, Sở Giáo dục tổ chức lễ kỷ niệm 70 năm thành lập ngành.", []),
        # a stabbing named by its weapon
        ("Ngày 6/4, em U. dùng vật sắc nhọn như dao đâm em T. khoảng 7 - 8 nhát.", [("attack", "2019-04-06", None, False)]),
        # a missile fired at a target is a strike; a test launch or an interception is not
        ("Ngày 6/4, Anh đã lần đầu tiên bắn tên lửa tầm xa Storm Shadow vào Nga.", [("attack", "2019-04-06", None, False)]),
        ("Ngày 6/4, Triều Tiên bắn thử tên lửa đạn đạo.", []),
        # words that name no happening: works against landslides, a time reference, seized goods, an alert level
        ("Ngày 6/4, công an điều tra sai phạm trong nghiệm thu công trình xử lý sạt lở bờ sông Hậu.", []),
        ("Từ tháng 5-2024 đến khi bị bắt, các đường dây này đã tổ chức đánh bạc.", []),
        ("Đồn biên phòng lập biên bản tạm giữ, niêm phong số thảo mộc trên.", []),
        ("Ngày 6/4, cơ quan điều tra tạm giữ, kê biên và cấm giao dịch các tài sản của công ty.", []),
        ("Ngày 6/4, WHO quyết định duy trì mức cảnh báo cao nhất đối với dịch mpox.", []),
        ("Ngày 6/4, VASEP cho biết đơn hàng đã được ký kết cho năm 2025 ước đạt 38.500 tấn.", []),
        ("Ngày 6/4, hai công ty ký kết hợp đồng mua bán gạo.", []),
        ("Bắt bị can giết người, ra nước ngoài trốn truy nã 17 năm", [("arrest", None, None, False)]),
        # a session's programme, a pursuit, a recommendation to prosecute
        ("Theo chương trình kỳ họp, hôm nay (6-4), Quốc hội sẽ nghe và thảo luận về các báo cáo.", []),
        ("Việc truy bắt đối tượng bỏ trốn ra nước ngoài còn gặp nhiều khó khăn.", []),
        ("Ngày 6/4, cơ quan điều tra cho biết đã đề nghị truy tố 11 vụ án với 57 bị can.", []),
        # football fixtures are not officials meeting
        ("Ngày 6/4, trận đấu thứ 2 gặp U17 Nhật Bản được kỳ vọng nhiều hơn.", []),
        ("Gặp U17 Nhật Bản chắc chắn là một trận đấu khó đối với U17 Việt Nam.", []),
        # a rank taken, and statistics over a period
        ("Ngày 6/4, Bangladesh là nước chiếm lấy vị trí thứ 7 của Việt Nam.", []),
        ("Theo WHO, từ năm 2020-2023 Việt Nam có gần 270.000 ca tử vong do kháng kháng sinh.", []),
        ("CDC ước tính có 1,2 triệu ca nhiễm và 135.000 ca tử vong bởi bệnh này mỗi năm.", []),
        ("Tổng cộng là 104.300 ca tử vong/năm vì các bệnh có liên quan đến thuốc lá.", []),
        ("Vi khuẩn kháng thuốc góp phần gây ra 4,95 triệu ca tử vong trên toàn cầu.", []),
        # a reporter's request for comment, a call answered, the time of an accident
        ("Ngày 6/4, trả lời câu hỏi của phóng viên đề nghị cho biết phản ứng của Việt Nam, người phát ngôn nói.", []),
        ("Ngày 6/4, Thủ tướng hưởng ứng Lời kêu gọi hành động cải cách thể chế toàn cầu.", []),
        ("Như vậy, tại thời điểm xảy ra tai nạn cả 3 phương tiện đều còn hạn đăng kiểm.", []),
        # the date of the incident an arrest is about is not the arrest's: the report's day is the estimate
        ("Ngày 6/4, công an cho biết đã bắt tạm giam 5 thanh niên liên quan đến vụ ẩu đả xảy ra vào rạng sáng 3/4.",
         [("arrest", "2019-04-06", None, False)]),
        # other senses: a contract, fire prevention, explosives, an assault brigade, a near miss
        ("Ngày 6/4, hai bên đăng ký kết hôn.", []),
        ("Ngày 6/4, đoàn kiểm tra công tác phòng cháy chữa cháy tại chợ.", []),
        ("Ngày 6/4, công an thu giữ 5 kg thuốc nổ.", []),
        ("Ngày 6/4, cậu bé cứu được một em bé suýt đuối nước.", []),
        ("Dự báo ngày 7/4, Hà Nội có khả năng xảy ra lốc, sét, mưa đá.", []),
        # a crowd spilling onto the road to shop is no protest
        ("Sáng 6/4, hàng trăm người dân chen lấn tràn xuống đường để mua heo quay.", []),
        ("Chiều 6/4, lửa bùng phát từ kho phế liệu rộng hàng nghìn mét vuông.", [("disaster", "2019-04-06", None, False)]),
    ],
)
def test_domestic_news_happenings_and_other_senses(text: str, expected: list[tuple]) -> None:
    assert _kinds(text=text) == expected


def test_the_accident_named_again_with_part_of_its_toll_is_the_same_accident() -> None:
    text = (
        "Ngày 6/4, công an đang làm rõ nguyên nhân vụ tai nạn khiến 1 người chết và 3 người bị thương. "
        "Vụ tai nạn khiến tài xế và hai vợ chồng du khách đến từ Hà Nội bị thương, còn cháu bé tử vong."
    )
    assert _kinds(text=text) == [("disaster", "2019-04-06", 1, False)]


def test_the_incidents_toll_told_paragraphs_later_is_that_incidents() -> None:
    text = (
        "Sáng 6/4, một thanh niên cầm hung khí tấn công nhiều người tại chung cư. Nghi phạm sau đó bị khống chế. "
        "Người dân kể lại giây phút hoảng loạn. Nhiều người đã chạy khỏi tòa nhà. "
        "Vụ việc đã khiến một cô gái tử vong và 9 người khác bị thương."
    )
    events = extract_events(title="", summary="", text=text, published=PUB)
    assert [(e.type, e.date, e.killed, e.injured) for e in events] == [("attack", "2019-04-06", 1, 9)]


def test_a_narratives_time_carries_to_the_next_sentence() -> None:
    text = ("Trước đó, khoảng 19h tối 4/4, ông Thủy điều khiển ô tô từ Vinh về Hưng Nguyên. "
            "Khi đi đến km3, ô tô xảy ra va chạm với xe máy khiến 1 người chết.")  # fmt: skip
    assert _kinds(text=text) == [("disaster", "2019-04-04", 1, False)]


def test_a_report_dated_happening_takes_its_own_day_told_later() -> None:
    text = ("Ngày 6/4, cơ quan chức năng cho biết các bác sĩ đang điều trị cho người phụ nữ bị tai nạn giao thông. "
            "Theo báo cáo ban đầu, vụ tai nạn xảy ra vào 11h35 ngày 5/4 tại bến phà Trà Ôn.")  # fmt: skip
    assert [(k[0], k[1]) for k in _kinds(text=text)] == [("disaster", "2019-04-05")]
    # strikes in a war follow one another: a report of one is not an earlier one again
    war = ("Hãng tin Bloomberg ngày 6/4 đưa tin Ukraine đã lần đầu tiên bắn tên lửa Storm Shadow vào Nga. "
           "Một ngày trước đó (5/4), Kiev cũng đã tấn công sâu vào lãnh thổ Nga với tên lửa ATACMS.")  # fmt: skip
    assert sorted(k[1] for k in _kinds(text=war)) == ["2019-04-05", "2019-04-06"]


def test_a_police_reports_day_is_marked_as_such() -> None:
    police = "Ngày 6/4, Công an TP Hà Nội cho biết đã bắt giữ nghi phạm trộm cắp tài sản."
    (arrest,) = extract_events(title="", summary="", text=police, published=PUB)
    assert (arrest.date, arrest.reported) == ("2019-04-06", True)  # it may have happened days before
    (own,) = extract_events(title="", summary="", text="Ngày 5/4, công an bắt giữ nghi phạm trộm cắp tài sản.", published=PUB)
    assert (own.date, own.reported) == ("2019-04-05", False)
    # strikes in a war follow one another daily: a report's day stays that strike's
    war = "Hãng tin Bloomberg ngày 6/4 đưa tin Ukraine đã bắn tên lửa Storm Shadow vào Nga."
    assert [e.reported for e in extract_events(title="", summary="", text=war, published=PUB)] == [False]


def test_an_official_who_thong_tin_tells_a_report_not_the_happenings_day() -> None:
    text = ("Tối 6/4, ông Nguyễn Văn Tám, chủ tịch UBND huyện, thông tin cây cầu bị sập khi ô tô tải chạy qua. "
            "Trước đó, khoảng 14h ngày 5/4, ô tô tải chở 30 tấn gạch chạy qua cầu thì cầu bị sập nhịp giữa.")  # fmt: skip
    assert [(k[0], k[1]) for k in _kinds(text=text)] == [("disaster", "2019-04-05")]


def test_the_day_of_an_inquiry_gives_way_to_the_incidents_own() -> None:
    text = ("Ngày 6/4, Công an tỉnh Vĩnh Long đang điều tra vụ nhà một người dân bị nhóm khoảng 15 thanh "
            "thiếu niên tấn công bằng hung khí. Vụ việc xảy ra lúc 19h tối 4/4, nhóm thanh thiếu niên xông vào nhà.")  # fmt: skip
    assert [(k[0], k[1]) for k in _kinds(text=text)] == [("attack", "2019-04-04")]


def test_a_narratives_time_carries_through_trong_qua_trinh() -> None:
    text = ("Chiều 4/4, nam sinh viên P. có tiết học thực hành. Sau đó, các sinh viên được chia nhóm. "
            "Trong quá trình học thì xảy ra sự cố khiến nam sinh P. té xuống sàn, nghi bị điện giật.")  # fmt: skip
    assert [(k[0], k[1]) for k in _kinds(text=text)] == [("disaster", "2019-04-04")]


def test_an_arrest_made_at_once_takes_the_time_of_the_find() -> None:
    text = ("Ngày 7/4, Bộ đội biên phòng cho biết vừa bắt giữ Trần Văn T. khi người này vận chuyển ma túy. "
            "Khoảng 8h ngày 4/4, đồn biên phòng phát hiện T. đang nhập cảnh có biểu hiện nghi vấn. "
            "Kiểm tra thì phát hiện T. vận chuyển 2 bánh heroin. Ngay lập tức T. bị bắt giữ để điều tra.")  # fmt: skip
    assert sorted(k[1] for k in _kinds(text=text) if k[0] == "arrest") == ["2019-04-04", "2019-04-07"]


def test_a_narratives_time_carries_on_until_a_new_date_is_named() -> None:
    text = ("Sáng 5/4, một tài xế ô tô dừng xe trên đường Nguyễn Huệ. Một người đàn ông tiến đến gõ cửa xe. "
            "Sau đó, người đàn ông này dùng kéo tấn công, khiến tài xế bị thương.")  # fmt: skip
    assert _kinds(text=text) == [("attack", "2019-04-05", None, False)]
    text = ("Ngày 5/4, Công an tỉnh Bình Phước cho biết đã triệt phá đường dây đánh bạc, khởi tố 11 người. "
            "Các đối tượng khai nhận tổ chức đánh bạc qua mạng. "
            "Trong đó, công an áp dụng biện pháp tạm giam đối với Ngô Quang C.")  # fmt: skip
    assert _kinds(text=text) == [("arrest", "2019-04-05", None, False)]
    # a "cũng" carries it only to kinds that are news undated: this strike stays context
    text = ("Ngày 5/4, Thủ tướng tiếp Đại sứ Nhật Bản. Hai bên trao đổi về hợp tác. "
            "Thủ tướng cũng đề nghị Nhật Bản tăng đầu tư. Ông cũng nhắc lại các cuộc tấn công khiến 5 người chết.")  # fmt: skip
    assert [k[:2] for k in _kinds(text=text)] == [("meeting", "2019-04-05"), ("appeal", "2019-04-05")]


def test_related_article_cards_after_the_body_are_not_its_news() -> None:
    """VietNamNet ends a body with cards: a headline with no full stop and its one-line summary."""
    body = ("Ngày 6/4, CSGT phạt 5 người đi bộ sai luật.\nNgười đi bộ phải đi trên vỉa hè.\n\n\n\n"
            "Tai nạn liên hoàn trên cao tốc, ùn tắc 7km\n6 ô tô tông liên hoàn trên cao tốc sáng 5/4 khiến 2 người chết.\n\n\n")  # fmt: skip
    assert _kinds(text=body) == []
    assert _kinds(text=body.replace("\n\n\n\n", "\n")) != []  # the same words in the body are news


def test_a_past_year_opening_the_sentence_is_history() -> None:
    assert _kinds(text="Năm 2011, NATO không kích Libya.") == [("airstrike", None, None, True)]
    assert _kinds(text="Kể từ khi ra mắt năm 2011, hãng ghi nhận một vụ tai nạn hôm qua.")[0][3] is False


def test_a_list_of_counts_adds_up_and_an_arrest_kills_no_one() -> None:
    text = "Hôm 2/4, hai công dân Đan Mạch, hai công dân Úc, một người Mỹ và một người Anh đã tử vong."
    assert _kinds(text=text) == [("casualties", "2019-04-02", 6, False)]
    text = "Ngày 6/4, cảnh sát bắt giữ ba nghi phạm trong vụ sát hại giáo sĩ Zvi Kogan."
    assert _kinds(text=text) == [("arrest", "2019-04-06", None, False)]


def test_lead_and_body_repeating_one_happening_are_one_event() -> None:
    events = extract_events(
        title="Israel không kích Beirut, 12 người thiệt mạng",
        summary="",
        text="Hôm 6/4, quân đội Israel không kích thủ đô Beirut của Lebanon khiến 12 người thiệt mạng.",
        published=PUB,
    )
    assert [(e.type, e.date, e.place, e.killed) for e in events] == [("airstrike", "2019-04-06", "Beirut", 12)]


def test_normalisation_nfd_text_gives_the_same_events() -> None:
    text = "Hôm 6/4, quân đội Israel không kích thủ đô Beirut khiến 12 người thiệt mạng."
    nfc = extract_events(title="", summary="", text=text, published=PUB)
    nfd = extract_events(title="", summary="", text=unicodedata.normalize("NFD", text), published=PUB)
    assert [(e.type, e.date, e.place, e.killed) for e in nfc] == [(e.type, e.date, e.place, e.killed) for e in nfd]


# --------------------------------------------------------------------------- actors and places


def test_aliases_separate_countries_as_places_and_actors_and_skip_names() -> None:
    found = default_aliases().find("Ngoại trưởng Nga Sergei Lavrov gặp bà Nguyễn Thị Nga ở Libya")
    assert [(m.name, m.role) for m in found] == [("Nga", "actor"), ("Sergei Lavrov", "actor"), ("Libya", "place")]


def test_anh_before_a_name_is_mister_not_britain() -> None:
    def names(sentence: str) -> list[str]:
        return [m.name for m in default_aliases().find(sentence)]

    assert names("Anh Nguyên kể lại lúc đó ông T. ở tầng dưới") == []
    assert names("Anh Q. bị thương nhẹ") == []
    assert names("Anh cảnh báo Nga") == ["Anh", "Nga"]
    assert names("Thủ tướng Anh Keir Starmer nói") == ["Anh", "Keir Starmer"]
    assert names("Anh Keir Starmer nói") == ["Anh", "Keir Starmer"]
    # a country named after "chị", "bà", "cháu" ... is a person; a leader after "ông" stays the leader
    assert names("Theo chị Nga, lửa bốc lên từ tầng 1") == []
    assert names("cháu Ý bị thương nhẹ") == []
    assert names("thầy Nhật bày tỏ, cậu Nga kể lại") == []
    assert names("ông Trump cảnh báo Nga") == ["Donald Trump", "Nga"]
    # a country's syllable opening a Vietnamese place name is that place; a foreign given name
    # or a second country's syllable after it keeps the country
    assert names("Công an huyện Đức Thọ cho biết") == ["huyện Đức Thọ"]  # the district, not Germany
    assert names("thảm sát Mỹ Lai, huyện Anh Sơn, xã Ý Yên") == ["huyện Anh Sơn"]
    assert names("Tổng thống Mỹ Donald Trump nói") == ["Mỹ", "Donald Trump"]
    assert names("Thủ tướng Ý Giorgia Meloni") == ["Italy", "Giorgia Meloni"]
    assert names("quan hệ Mỹ Trung căng thẳng") == ["Mỹ"]
    # a language is not its country
    assert names("đưa tiếng Anh trở thành ngôn ngữ thứ 2, học tiếng Nga") == []
    assert names("phụ huynh và lãnh đạo Trung tâm Anh ngữ Thiên Lập Nhân") == []
    # a newspaper that opens with a place is not that place (nor, for a capital, its government)
    assert names("Nga tấn công, theo báo New York Times, Bangkok Post và Kyiv Independent") == ["Nga"]
    # a capitalised word before a comma is no family name: the country after it stands alone
    assert names("Theo Reuters, Nga và Trung Quốc, Canada, Mexico phản đối") == ["Nga", "Trung Quốc", "Canada", "Mexico"]


def test_vietnams_districts_are_places_inside_their_provinces() -> None:
    table = default_aliases()
    found = table.find("Công an huyện Sóc Sơn bắt giữ nghi phạm ở quận 1 và TP Thủ Dầu Một")
    assert [m.name for m in found] == ["huyện Sóc Sơn", "quận 1", "Thủ Dầu Một"]
    assert table.place_within("huyện Sóc Sơn", "Hà Nội") and table.place_depth("huyện Sóc Sơn") == 2
    # a bare district name is as often a person or a word; a road's name is not where on it
    assert table.find("bà Hoàng Mai kể, tuổi Thanh Xuân") == []
    assert [m.name for m in table.find("tai nạn trên cao tốc Phan Thiết - Dầu Giây, đoạn qua huyện Cẩm Mỹ")] == ["huyện Cẩm Mỹ"]
    # one article's police of one district report a happening in another: one story
    a = Event("arrest", None, "huyện Sóc Sơn", (), None, None, "...")
    assert same_in_article(a, replace(a, place="huyện Đông Anh"), PUB, table)
    assert not same_in_article(a, replace(a, place="huyện Cẩm Mỹ"), PUB, table)  # another province


def test_a_capital_outside_a_locative_names_its_government() -> None:
    found = default_aliases().find("Kiev đã yêu cầu Washington, còi báo động vang lên ở Kiev và thủ đô Kiev")
    assert [(m.name, m.role) for m in found] == [("Ukraine", "actor"), ("Mỹ", "actor"), ("Kiev", "place"), ("Kiev", "place")]


def test_aliases_extend_per_topic() -> None:
    extra = '[[place]]\nname = "Wadi Dawn"\nin = "Tripoli"\naliases = ["Wadi Dawn"]\n'
    table = default_aliases().extended(extra)
    assert isinstance(table, Aliases)
    assert table.place_within("Wadi Dawn", "Libya")
    assert [m.name for m in table.find("giao tranh ở Wadi Dawn")] == ["Wadi Dawn"]


# --------------------------------------------------------------------------- the seed article


def _seed() -> tuple[str, dict]:
    text = shared_path("seed", "libya-haftar-2019.txt").read_text(encoding="utf-8")
    gold = json.loads(shared_path("seed", "libya-haftar-2019.events.json").read_text(encoding="utf-8"))
    return text, gold


def test_seed_article_every_required_event_and_nothing_else_as_news() -> None:
    text, gold = _seed()
    events = extract_events(title="", summary="", text=text, published=datetime.fromisoformat(gold["published"]))
    result = match_gold(gold["events"], events)
    assert result.missed == [], f"required gold events not found: {result.missed}"
    assert [e for e in result.extra if not e.background] == []
    killed = sorted((g["type"], g["killed"], e.killed) for g, e in result.pairs if g.get("killed"))
    assert killed == [("airstrike", 4, 4), ("clash", 14, 14)]
    dates = {(g["type"], g["date"]) for g, e in result.pairs if g["date"] == e.date}
    assert len(dates) == len({(g["type"], g["date"]) for g in gold["events"] if not g.get("optional")})
    # the 2011 uprising is history: absent or background
    assert not any("2011" in e.evidence and not e.background for e in events)


# --------------------------------------------------------------------------- the labelled dev set

# Floors a little below what the extractor reaches (see docs/events.md): a regression fails.
# "dev" was tuned on; "holdout" was labelled after tuning and is the honest estimate.
FLOORS = {
    "dev": {"precision": 0.68, "recall": 0.66, "f1": 0.67, "casualty_accuracy": 0.74},
    "holdout": {"precision": 0.52, "recall": 0.52, "f1": 0.52, "casualty_accuracy": 0.20},  # 4 casualty events
}


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_labelled_set_quality_floor(split: str) -> None:
    cases = [c for c in load_dev_set() if c.split == split]
    assert len(cases) >= (25 if split == "dev" else 10)
    scores = evaluate(cases)
    for name, floor in FLOORS[split].items():
        assert scores[name] >= floor, f"{split}: {name} {scores[name]:.3f} fell below {floor} ({scores})"


# --------------------------------------------------------------------------- the CLI's work


def test_run_extract_json_and_bad_lines(capsys: pytest.CaptureFixture[str]) -> None:
    lines = [
        json.dumps({"id": "a1", "title": "", "summary": "", "text": "Hôm qua, IS tấn công Sirte.",
                    "published": "2019-04-07T08:00:00+07:00"}),
        "{not json",
        json.dumps(["a list"]),
        "",
        json.dumps({"id": "a2", "text": "Trời đẹp.", "published": None}),
        json.dumps({"id": "a3", "text": "Trời đẹp.", "published": "hôm qua"}),
    ]  # fmt: skip
    out = io.StringIO()
    assert run_extract(lines, out, as_json=True) == 3
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert rows[0] == {"id": "a1", "events": [{
        "type": "attack", "date": "2019-04-06", "place": "Sirte", "actors": ["IS"], "killed": None,
        "injured": None, "evidence": "Hôm qua, IS tấn công Sirte.", "background": False}]}  # fmt: skip
    assert rows[1] == {"id": "a2", "events": []}
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "extract: line 2: skipped, not valid JSON (Expecting property name enclosed in double quotes at column 2)",
        "extract: line 3: skipped, not a JSON object",
        "extract: line 6: skipped, \"published\" is not an ISO 8601 date: 'hôm qua'",
    ]


def test_run_extract_table() -> None:
    out = io.StringIO()
    line = json.dumps({"id": "a1", "text": "Hôm qua, IS tấn công Sirte khiến 3 người chết.",
                       "published": "2019-04-07T08:00:00+07:00"})  # fmt: skip
    assert run_extract([line], out, as_json=False) == 0
    assert out.getvalue().splitlines()[:2] == [
        "== a1: 1 event(s)",
        "  attack     2019-04-06  Sirte | IS killed=3",
    ]


# --------------------------------------------------------------------------- never raise

_VI = st.text(alphabet=st.sampled_from(list("0123456789./-, ()ngàyhôm thứHaiBảyqua sáng tháng năm hàngchục nghìn"
                                            "mườimươi một hai baLibyaTripoli tấn công thiệt mạng không kích\n.")))


@pytest.mark.parametrize("text", ["tháng 5/0000 tấn công", "tháng 12/9999 tấn công", "ngày 31/12/9999 tấn công",
                                  "hôm qua tấn công", "thứ Hai tấn công", "ngày 1 tấn công", "hai ngày sau tấn công"])  # fmt: skip
@pytest.mark.parametrize("published", [datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59), datetime(9999, 12, 31, tzinfo=ICT)])
def test_never_raises_at_the_ends_of_the_calendar(text: str, published: datetime) -> None:
    for ev in extract_events(title="", summary="", text=text, published=published):
        assert ev.type == "attack"


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(), _VI), days=st.integers(min_value=-40000, max_value=40000))
def test_never_raises(text: str, days: int) -> None:
    published = datetime(2019, 4, 7, tzinfo=ICT) + timedelta(days=days)
    resolve_date(text, published, "2019-04-05")
    resolve_date(text, None, "not a date")
    parse_count(text)
    events = extract_events(title=text[:20], summary=text[20:40], text=text, published=published)
    assert all(isinstance(e, Event) for e in events)


def test_an_undated_accident_only_the_body_recalls_is_context_not_news() -> None:
    """A body reporting a strike, an accident or a meeting says when; one it mentions with no
    date and no toll is context. The title's happening is the article's news, dated or not."""
    body = "Ngày 6/4, công an bắt giữ tài xế xe tải. Trên tuyến đường này, một xe khách bị lật."
    assert [k[0] for k in _kinds(text=body)] == ["arrest"]
    assert [k[0] for k in _kinds(text=body.replace("bị lật", "bị lật hôm 2/4"))] == [
        "arrest",
        "disaster",
    ]
    assert [k[:2] for k in _kinds(title="Xe khách gặp tai nạn trên đèo Bảo Lộc", text="Các hành khách đã được đưa đi cấp cứu.")] == [
        ("disaster", None)
    ]
    # a trial retelling an old killing: counts, but no date
    trial = "Ngày 6/4, tòa tuyên án tử hình bị cáo Việt. Giết xong 4 người, cả nhóm lục lấy tài sản rồi đào hố chôn xác."
    assert [k[0] for k in _kinds(text=trial)] == []
