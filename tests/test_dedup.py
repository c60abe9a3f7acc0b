"""monitor.dedup: one event across outlets, blocking keys, merge, near-duplicate articles."""

from __future__ import annotations

import importlib.util
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from types import ModuleType

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.dedup import (
    blocking_keys,
    fingerprint,
    lsh_keys,
    merge,
    minhash,
    near_duplicate,
    same_event,
    similarity,
)
from monitor.events import extract_events
from monitor.models import Event
from tests.conftest import ROOT, shared_path

ICT = timezone(timedelta(hours=7))
PUB = datetime(2019, 4, 8, 9, 0, tzinfo=ICT)


def ev(type_: str = "airstrike", day: str | None = "2019-04-07", place: str | None = "Tripoli",
       actors: tuple[str, ...] = (), killed: int | None = None, injured: int | None = None) -> Event:  # fmt: skip
    return Event(type_, day, place, actors, killed, injured, evidence="...")


# --------------------------------------------------------------------------- the identity rule


def test_same_event_dates() -> None:
    assert same_event(ev(), PUB, ev(), PUB)
    assert not same_event(ev(day="2019-04-06"), PUB, ev(day="2019-04-07"), PUB)  # two explicit dates
    assert same_event(ev(day=None), PUB, ev(day="2019-04-06"), PUB)  # undated: its publication, in window
    assert not same_event(ev(day=None), PUB + timedelta(days=10), ev(day="2019-04-06"), PUB)
    assert same_event(ev(day=None), PUB, ev(day=None), PUB + timedelta(days=2))
    assert not same_event(ev(type_="attack"), PUB, ev(type_="airstrike"), PUB)


def test_same_event_places_by_hierarchy_and_containment() -> None:
    airport, tripoli = ev(place="sân bay quốc tế Tripoli"), ev(place="Tripoli")
    assert same_event(airport, PUB, tripoli, PUB)
    assert same_event(airport, PUB, ev(place="Libya"), PUB)
    assert same_event(ev(place="khu Wadi Rabie"), PUB, ev(place="Wadi Rabie"), PUB)  # text containment
    assert same_event(ev(place=None, actors=("LNA",)), PUB, ev(place="Tripoli", actors=("Haftar",)), PUB)  # one unknown
    assert not same_event(ev(place=None), PUB, tripoli, PUB)  # ... but then something else must agree
    assert not same_event(tripoli, PUB, ev(place="Benghazi"), PUB)  # places that exclude each other


def test_same_event_actors() -> None:
    lavrov, haftar = ev("appeal", actors=("Sergei Lavrov",)), ev("appeal", actors=("Haftar",))
    assert not same_event(lavrov, PUB, haftar, PUB)  # disjoint known actors: two appeals
    assert same_event(lavrov, PUB, ev("appeal", actors=("Nga",)), PUB)  # Lavrov speaks for Nga
    assert same_event(haftar, PUB, ev("appeal", actors=("LNA", "GNA")), PUB)
    assert same_event(ev("attack", actors=("Haftar",)), PUB, ev("attack"), PUB)  # one side unknown
    assert not same_event(haftar, PUB, ev("appeal"), PUB)  # ... but an appeal is known by who made it
    nowhere = ev("appeal", day=None, place=None)
    assert not same_event(nowhere, PUB, nowhere, PUB)  # nothing in common: no actor, place or date


def test_a_shared_country_alone_is_not_enough() -> None:
    a = ev("meeting", day=None, place=None, actors=("Mỹ", "Nga"))
    b = ev("meeting", day=None, place=None, actors=("Mỹ", "Triều Tiên"))
    assert not same_event(a, PUB, b, PUB)
    # a strike on the same explicit day with a shared country: yes; a meeting needs more than "Mỹ"
    assert same_event(replace(a, type="attack", date="2019-04-07"), PUB, replace(b, type="attack", date="2019-04-07"), PUB)
    assert not same_event(replace(a, date="2019-04-07"), PUB, replace(b, date="2019-04-07"), PUB)
    # one shared person is not enough for undated meetings (Trump is in every other story) ...
    trump, summit = replace(a, actors=("Donald Trump",)), replace(b, actors=("Donald Trump", "Kim Jong-un"))
    assert not same_event(trump, PUB, summit, PUB)
    # ... two are, and so is one on the same explicit day
    assert same_event(replace(trump, actors=("Donald Trump", "Kim Jong-un")), PUB, summit, PUB)
    assert same_event(replace(trump, date="2019-04-07"), PUB, replace(summit, date="2019-04-07"), PUB)


def test_one_sentence_reprinted_in_two_articles_is_one_event() -> None:
    said = "Chủ tịch Tập Cận Bình đầu tháng này đã yêu cầu lực lượng vũ trang quét sạch tệ tham nhũng."
    a = replace(ev("appeal", day=None, place=None, actors=("Tập Cận Bình",)), evidence=said)
    assert same_event(a, PUB, replace(a), PUB + timedelta(days=1))  # one local actor, undated: only the sentence agrees
    assert not same_event(a, PUB, replace(a, evidence="Ông Tập Cận Bình yêu cầu quân đội sẵn sàng chiến đấu."), PUB)
    assert not same_event(a, PUB, replace(a), PUB + timedelta(days=5))  # outside the story's window


def test_a_suspects_full_name_in_both_reports_is_something_to_agree_on() -> None:
    # domestic crime news: no alias table lists the driver, and "Bình Dương" alone is too coarse
    a = replace(ev("arrest", place=None), evidence="Tài xế Hà Việt Hùng, 43 tuổi, đã bị Công an TP Thủ Dầu Một tạm giữ.")
    b = replace(ev("arrest", place="Bình Dương"), evidence="Tài xế Hà Việt Hùng (43 tuổi) đã bị công an tạm giữ sau vụ tông xe.")
    assert same_event(a, PUB, b, PUB)
    assert not same_event(a, PUB, replace(b, evidence="Tài xế Lê Văn Tám (43 tuổi) đã bị công an tạm giữ."), PUB)
    # a street or a city named after a person is no one's name
    street = "Nghi phạm bị bắt trên đường Trần Hưng Đạo, TP Hồ Chí Minh."
    assert not same_event(replace(a, evidence=street), PUB, replace(b, evidence=street.replace("Nghi", "Một nghi")), PUB)


def test_a_police_reports_day_bounds_the_happening_from_above() -> None:
    # "Ngày 9-4, cảnh sát cho biết đã bắt giữ ..." and another outlet's "bị bắt hôm 8-4": one arrest
    told = ev("arrest", day="2019-04-09", place="Thủ Đức", actors=("Hamas",))
    told = replace(told, reported=True)
    own = ev("arrest", day="2019-04-08", place="Thủ Đức", actors=("Hamas",))
    assert same_event(told, PUB, own, PUB) and same_event(own, PUB, told, PUB)
    assert not same_event(replace(told, reported=False), PUB, own, PUB)  # two explicit own days: two arrests
    assert not same_event(told, PUB, replace(own, date="2019-04-10"), PUB)  # after its report: another one
    assert not same_event(told, PUB, replace(own, date="2019-03-31"), PUB)  # more than a week before
    assert set(blocking_keys(told, PUB)) & set(blocking_keys(own, PUB))
    merged, _ = merge(told, own)  # the own day replaces the report's
    assert (merged.date, merged.reported) == ("2019-04-08", False)
    # a country alone agrees only on the same day: two arrests in Norway within a week are two
    norway = replace(told, place=None, actors=("Na Uy",))
    assert not same_event(norway, PUB, replace(own, place=None, actors=("Na Uy",)), PUB)
    assert same_event(norway, PUB, replace(own, place=None, actors=("Na Uy",), date="2019-04-09"), PUB)


def test_strikes_agree_through_a_place_diplomacy_does_not() -> None:
    strike, again = ev("airstrike", day=None, place="Kiev"), ev("airstrike", day=None, place="Kiev")
    assert same_event(strike, PUB, again, PUB)
    assert not same_event(replace(strike, type="appeal"), PUB, replace(again, type="appeal"), PUB)


def test_a_changed_toll_never_splits() -> None:
    assert same_event(ev(killed=4), PUB, ev(killed=11), PUB + timedelta(days=1))


def test_unanchored_events_match_only_each_other() -> None:
    assert not same_event(ev(day=None), None, ev(), PUB)
    assert same_event(ev(day=None), None, ev(day=None), None)
    assert blocking_keys(ev(day=None), None) == ["airstrike|undated"]


# --------------------------------------------------------------------------- blocking keys

_DAY0 = date(2019, 4, 1)
_events = st.builds(
    lambda e, reported: replace(e, reported=reported and e.date is not None),
    st.builds(
        ev,
        type_=st.sampled_from(["attack", "airstrike"]),
        day=st.one_of(st.none(), st.integers(0, 12).map(lambda d: (_DAY0 + timedelta(days=d)).isoformat())),
    ),
    st.booleans(),
)
_published = st.one_of(st.none(), st.integers(0, 12 * 24).map(
    lambda h: datetime(2019, 4, 1, tzinfo=ICT) + timedelta(hours=h)))  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(a=_events, ap=_published, b=_events, bp=_published)
def test_blocking_keys_never_separate_the_same_event(a: Event, ap: datetime | None, b: Event, bp: datetime | None) -> None:
    if same_event(a, ap, b, bp):
        assert set(blocking_keys(a, ap)) & set(blocking_keys(b, bp))


def test_blocking_keys_at_the_ends_of_the_calendar() -> None:
    assert blocking_keys(ev(day=None), datetime(9999, 12, 31, 12))[-1] == "airstrike|9999-12-31"
    assert blocking_keys(ev(day=None), datetime(1, 1, 1))[0] == "airstrike|0001-01-01"
    assert not same_event(ev(day="9999-12-31"), None, ev(day="0001-01-01"), None)


def test_blocking_keys_are_few_and_short() -> None:
    assert blocking_keys(ev(), PUB) == ["airstrike|2019-04-07"]
    keys = blocking_keys(ev(day=None), PUB)
    assert len(keys) == 7 and keys[0] == "airstrike|2019-04-05" and keys[-1] == "airstrike|2019-04-11"


# --------------------------------------------------------------------------- merge


def test_merge_keeps_the_highest_toll_and_reports_the_rise() -> None:
    old = ev(place="Tripoli", actors=("LNA",), killed=4)
    merged, changes = merge(old, ev(place="sân bay quốc tế Tripoli", actors=("Haftar",), killed=11, injured=20))
    assert (merged.killed, merged.injured, merged.place) == (11, 20, "sân bay quốc tế Tripoli")
    assert merged.actors == ("LNA",) and merged.evidence == old.evidence  # the first report's actors
    assert changes == {"killed": (4, 11), "injured": (None, 20)}
    lower, changes = merge(merged, ev(killed=6))
    assert lower.killed == 11 and changes == {}


# --------------------------------------------------------------------------- near-duplicate articles


def test_republished_and_truncated_copies_of_the_seed() -> None:
    text = shared_path("seed", "libya-haftar-2019.txt").read_text(encoding="utf-8")
    copy = unicodedata.normalize("NFD", text).replace("hòa", "hoà").replace(" ", "\u00a0", 40)
    copy = "(Dân trí) - " + copy + "\nTheo Reuters"
    a, b = fingerprint(text), fingerprint(copy)
    assert similarity(a, b)[0] >= 0.79 and near_duplicate(a, b)
    truncated = fingerprint(text[: len(text) // 2])
    jaccard, containment = similarity(a, truncated)
    assert jaccard < 0.6 and containment >= 0.95 and near_duplicate(a, truncated)
    assert set(lsh_keys(minhash(a))) & set(lsh_keys(minhash(b)))
    assert set(lsh_keys(minhash(a))) & set(lsh_keys(minhash(truncated)))


def test_different_articles_are_not_near_duplicates() -> None:
    a = fingerprint("Lực lượng LNA đã không kích sân bay quốc tế Tripoli hôm 7/4, khiến 4 người thiệt mạng.")
    b = fingerprint("Máy bay của Quân đội Quốc gia Libya ngày 7-4 oanh tạc sân bay Tripoli, làm 4 người chết.")
    assert not near_duplicate(a, b)
    assert fingerprint("") == frozenset() and similarity(frozenset(), a) == (0.0, 0.0)


# --------------------------------------------------------------------------- several outlets, one happening

OUTLETS = [  # (article key, published, title, text): three outlets' own wording, then a verbatim copy
    ("vnexpress/1", datetime(2019, 4, 8, 9, 0, tzinfo=ICT), "Không kích sân bay Tripoli, 4 người thiệt mạng",
     "Lực lượng của tướng Haftar hôm 7/4 đã không kích sân bay quốc tế Tripoli, khiến 4 người thiệt mạng, "
     "theo Bộ Y tế của Chính phủ Hiệp định Quốc gia (GNA). Sân bay này đã ngừng hoạt động từ năm 2014."),
    ("tuoitre/2", datetime(2019, 4, 8, 11, 30, tzinfo=ICT), "Libya: sân bay Tripoli bị oanh tạc",
     "Máy bay của Quân đội Quốc gia Libya (LNA) ngày 7-4 oanh tạc sân bay Tripoli, làm 4 người chết. "
     "Giới chức Tripoli cho biết các chuyến bay dân sự đã bị hủy."),
    ("thanhnien/3", datetime(2019, 4, 9, 7, 0, tzinfo=ICT), "Số người chết ở sân bay Tripoli tăng lên 11",
     "Số người thiệt mạng trong vụ không kích nhằm vào sân bay quốc tế Tripoli hôm 7/4 đã tăng lên 11, "
     "giới chức y tế Libya cho biết. Các tay súng thân Haftar bị cáo buộc đứng sau vụ tấn công từ trên không."),
]  # fmt: skip


@dataclass
class MemoryStore:
    """The store's job in miniature: events indexed by blocking key, mentions, article fingerprints."""

    events: list[tuple[Event, datetime | None]] = field(default_factory=list)
    sources: list[list[str]] = field(default_factory=list)
    index: dict[str, list[int]] = field(default_factory=dict)
    articles: dict[str, frozenset[int]] = field(default_factory=dict)

    def add(self, event: Event, published: datetime | None) -> tuple[str, dict]:
        keys = blocking_keys(event, published)
        for i in sorted({i for k in keys for i in self.index.get(k, [])}):
            old, old_pub = self.events[i]
            if same_event(old, old_pub, event, published):
                merged, changes = merge(old, event)
                self.events[i] = (merged, old_pub)
                self.sources[i].append(event.article or "")
                return ("update" if changes else "known"), changes
        self.events.append((event, published))
        self.sources.append([event.article or ""])
        for k in keys:
            self.index.setdefault(k, []).append(len(self.events) - 1)
        return "new", {}

    def copy_of(self, text: str) -> str | None:
        fp = fingerprint(text)
        return next((key for key, other in self.articles.items() if near_duplicate(fp, other)), None)


def test_three_outlets_and_a_copy_make_one_event_with_one_update() -> None:
    store, outcomes = MemoryStore(), []
    copy = ("vnexpress-copy/4", datetime(2019, 4, 8, 10, 0, tzinfo=ICT), OUTLETS[0][2],
            unicodedata.normalize("NFD", OUTLETS[0][3]))  # fmt: skip
    for key, published, title, text in [*OUTLETS, copy]:
        copy_of = store.copy_of(text)
        store.articles[key] = fingerprint(text)
        found = extract_events(title=title, summary="", text=text, published=published, article=key)
        assert [(e.type, e.date) for e in found] == [("airstrike", "2019-04-07")], key
        outcomes.append((key, copy_of, [store.add(e, published) for e in found]))
    assert outcomes == [
        ("vnexpress/1", None, [("new", {})]),
        ("tuoitre/2", None, [("known", {})]),
        ("thanhnien/3", None, [("update", {"killed": (4, 11)})]),
        ("vnexpress-copy/4", "vnexpress/1", [("known", {})]),
    ]
    ((event, _pub),) = store.events
    assert (event.killed, event.place) == (11, "sân bay quốc tế Tripoli")
    assert store.sources == [["vnexpress/1", "tuoitre/2", "thanhnien/3", "vnexpress-copy/4"]]


def test_merge_is_a_pure_function() -> None:
    old = ev(killed=4)
    merge(old, replace(old, killed=11))
    assert old.killed == 4


def test_places_of_the_table_compare_by_hierarchy_not_by_letters() -> None:
    """"Thanh Hóa" holds the letters of "Anh", "Thủ Đức" the word "Đức", "Lào Cai" the word "Lào":
    none is in the other. A place the table does not know is in a known one by whole words."""
    from monitor.aliases import default_aliases, places_compatible

    table = default_aliases()
    for a, b in [("Thanh Hóa", "Anh"), ("Thủ Đức", "Đức"), ("Lào Cai", "Lào"), ("Romania", "Oman")]:
        assert not places_compatible(a, b, table), (a, b)
    assert places_compatible("sân bay quốc tế Tripoli", "Libya", table)  # the hierarchy
    assert places_compatible("nhà máy điện ở Tripoli", "Tripoli", table)  # words, for an unknown place
    assert not places_compatible("Tripolitania", "Tripoli", table)


# --------------------------------------------------------------------------- measured against people


def _identity_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("identity_quality", ROOT / "bench" / "identity_quality.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_duplicate_alerts_and_wrong_merges_stay_under_their_ceilings() -> None:
    """549 Tuổi Trẻ articles through the daemon's own known-or-new decision, scored against how
    people grouped their events into happenings (bench/identity_quality.py; docs/events.md).
    Ceilings a little above what it reaches: a wrong "known" silences an alert, so it has the
    tighter one."""
    bench = _identity_bench()
    events, unknown = bench.run()
    assert unknown <= 5, "the labels no longer know these events: regroup them (bench/identity_quality.py)"
    m = bench.measure(events)
    assert m["duplicate_alerts"] <= 38, m["duplicate_alerts"]  # 36 at the end of the fifth session, 39 before it
    assert m["in_alert"] <= 22, m["in_alert"]  # 21, 25 before
    assert m["wrong_merges"] <= 11, m["wrong_merges"]  # 10, 10 before
