"""monitor.text: one normalisation for terms and text, offsets back into the input, folding."""

from __future__ import annotations

import json
import unicodedata

import pytest

from monitor.text import fold, fold_case, input_span, normalize, normalize_with_map
from tests.conftest import shared_path


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


# Pairs that must normalise to the same string (the left one is what we print).
SAME = [
    # both tone placements of open oa / oe / uy syllables
    ("hòa bình", "hoà bình"),
    ("Hòa", "Hoà"),
    ("HÒA", "HOÀ"),
    ("thủy điện", "thuỷ điện"),
    ("Thủy", "Thuỷ"),
    ("khỏe mạnh", "khoẻ mạnh"),
    ("sức khỏe.", "sức khoẻ."),
    ("tòa án", "toà án"),
    ("hóa chất", "hoá chất"),
    ("ủy ban", "uỷ ban"),
    ("Ủy ban", "Uỷ ban"),
    ("Thúy", "Thuý"),
    ("xòe", "xoè"),
    ("ma túy", "ma tuý"),
    ("Hòa-Bình", "Hoà-Bình"),
    # NFC and NFD
    ("Nga", nfd("Nga")),
    ("ngã ba", nfd("ngã ba")),
    ("Đức", nfd("Đức")),
    ("Biển Đông", nfd("Biển Đông")),
    ("hòa bình", nfd("hoà bình")),
    ("Nguyễn Thị Nga", nfd("Nguyễn Thị Nga")),
    # invisible characters
    ("Libya", "Li\u200bbya"),
    ("Libya", "\ufeffLibya"),
    ("Libya", "Lib\u00adya"),
    ("Haftar", "Haf\u200c\u200dtar\u2060"),
    ("Libya", nfd("Li\u200bbya")),
    # Unicode spaces
    ("tướng Haftar", "tướng\u00a0Haftar"),
    ("tướng Haftar", "tướng\u202fHaftar"),
    ("tướng Haftar", "tướng\u2009Haftar"),
    ("tướng Haftar", "tướng\u3000Haftar"),
]


@pytest.mark.parametrize(("canonical", "variant"), SAME)
def test_variants_normalise_alike(canonical: str, variant: str) -> None:
    assert normalize(variant) == normalize(canonical) == canonical


# Words whose tone mark must not move: closed syllables, "uyê", the "qu" cluster, triphthongs.
UNCHANGED = [
    "hoàn thành", "Hoàng Sa", "thuyền", "Huỳnh", "huỳnh", "quý", "Quý", "QUÝ", "quỳ", "Quỳnh",
    "khuỷu tay", "ngoài", "khoảng", "hoặc", "xoăn", "toàn", "thuộc", "Nga", "ngã", "ngà", "nga",
    "Ngang", "LNA", "Libya", "Tripoli, Li-băng", "giáo dục", "Đức", "Hà Nội", "hoa", "tuy", "Huy",
]


@pytest.mark.parametrize("word", UNCHANGED)
def test_words_left_alone(word: str) -> None:
    assert normalize(word) == word
    assert normalize(nfd(word)) == word


@pytest.mark.parametrize(("a", "b"), [("Nga", "ngã"), ("Nga", "ngà"), ("ngã", "ngà"), ("Nga", "nga"),
                                      ("Đức", "dục"), ("hòa", "hoàn"), ("Biển Đông", "biển đông")])
def test_distinct_words_stay_distinct(a: str, b: str) -> None:
    assert normalize(a) != normalize(b)


def test_case_is_preserved_and_casefold_works_after() -> None:
    assert normalize("NGA TẤN CÔNG") == "NGA TẤN CÔNG"
    assert normalize(nfd("NGA TẤN CÔNG")).casefold() == "nga tấn công"
    assert normalize("HOÀ BÌNH").casefold() == normalize("hòa bình")


@pytest.mark.parametrize("s", [
    nfd("Tướng Haftar tấn công Tripoli, thủ đô của Libya"),
    "Li\u200bbya\u00a0và\u00adNga",
    nfd("Hoà\u200b bình ở Li\u200b-bi"),
    "plain ascii text",
    "",
])
def test_map_points_into_the_input(s: str) -> None:
    text, offsets = normalize_with_map(s)
    assert text == normalize(s)
    assert len(offsets) == len(text) + 1
    assert offsets[-1] == len(s)
    assert offsets == sorted(offsets)
    for i, ch in enumerate(text):
        # each normalised character comes from a cluster of the input that normalises to it
        source = s[offsets[i]:offsets[i + 1]] if offsets[i + 1] > offsets[i] else s[offsets[i]]
        assert fold(normalize(source)).casefold().startswith(fold(ch).casefold()) or ch == " "


def test_input_span_of_a_word_in_nfd_text() -> None:
    s = nfd("Ở Thủ đô Hà Nội, tướng Haftar")
    text, offsets = normalize_with_map(s)
    i = text.index("Hà Nội")
    start, end = input_span(s, offsets, i, i + len("Hà Nội"))
    assert s[start:end] == nfd("Hà Nội")
    assert len(s[start:end]) > len("Hà Nội")  # NFD is longer: the offsets are the input's


def test_input_span_leaves_out_trailing_invisible_characters() -> None:
    s = "về Libya\u200b\u200b hôm qua"
    text, offsets = normalize_with_map(s)
    i = text.index("Libya")
    start, end = input_span(s, offsets, i, i + 5)
    assert s[start:end] == "Libya"


def test_hangul_nfd_composes_like_nfc() -> None:
    assert normalize(nfd("한국어 Hà Nội")) == unicodedata.normalize("NFC", "한국어 Hà Nội")


@pytest.mark.parametrize(("s", "folded"), [
    ("Đức", "Duc"),
    ("giáo dục", "giao duc"),
    ("Nga ngã ngà", "Nga nga nga"),
    ("Biển Đông", "Bien Dong"),
    ("Thổ Nhĩ Kỳ", "Tho Nhi Ky"),
    ("Ả Rập Xê-út", "A Rap Xe-ut"),
    (nfd("Hà Nội"), "Ha Noi"),
    ("Lê Thị Ngọc Ánh", "Le Thi Ngoc Anh"),
])
def test_fold(s: str, folded: str) -> None:
    assert fold(s) == folded


def test_fold_keeps_the_length_of_nfc_text() -> None:
    s = "Quân đội Quốc gia Libya (LNA) do tướng Khalifa Haftar dẫn đầu"
    assert len(fold(s)) == len(s)


@pytest.mark.parametrize("s", ["Straße", "İstanbul", "NGA", "Đức", "ǅ"])
def test_fold_case_keeps_length(s: str) -> None:
    assert len(fold_case(s)) == len(s)
    assert fold_case("NGA TẤN CÔNG") == "nga tấn công"


@pytest.mark.parametrize("s", ["", " ", nfd("Hà Nội  hòa "), " " + nfd("ộ") + " x", nfd("Nguyễn Thị Nga\nHà Nội"),
                               nfd("Li\u200b-bi\u00a0 Hoà") + "  ", "Ω\u2126 A\u030a\u212b"])
def test_map_of_non_nfc_text_word_by_word(s: str) -> None:
    text, offsets = normalize_with_map(s)
    assert text == normalize(s)
    assert len(offsets) == len(text) + 1 and offsets[-1] == len(s)
    assert offsets == sorted(offsets)
    spaces = [i for i, c in enumerate(text) if c == " "]
    assert all(s[offsets[i]] in " \u00a0" for i in spaces)


def test_normalize_is_idempotent_and_nfd_proof_on_the_corpus() -> None:
    with shared_path("corpus", "articles", "libya-haftar-vietnews.jsonl").open(encoding="utf-8") as f:
        texts = [json.loads(line)["text"] or "" for line in f][:40]
    for text in texts:
        once = normalize(text)
        assert normalize(once) == once
        assert normalize(nfd(text)) == once
        assert unicodedata.is_normalized("NFC", once)
        assert "\u200b" not in once
