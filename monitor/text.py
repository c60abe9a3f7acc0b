"""Vietnamese text normalisation: one function for the user's terms and the article text alike.

The traps this module exists for (see "Vietnamese text" in DESIGN.md):

* **NFC vs NFD.** The same word arrives precomposed ("à" = U+00E0) or decomposed ("a" + U+0300).
  Python compares code points, so "Hà Nội" in NFD never equals "Hà Nội" in NFC. We compose (NFC).
* **Two tone-mark placements.** In an *open* syllable ending in the vowel pairs oa / oe / uy the tone
  mark sits on either vowel: "hòa"/"hoà", "khỏe"/"khoẻ", "thủy"/"thuỷ", "Thúy"/"Thuý". Both are in
  everyday use. We rewrite to one canonical form: the mark on the *first* vowel ("hòa", "khỏe",
  "thủy"), the form most outlets print (in the shared corpus "hòa" outnumbers "hoà" 806 to 90).
  Closed syllables are left alone: in "hoàn", "huỳnh", "khuỷu" the mark position is not in question,
  and "thuyền" has the vowel "uyê". The "qu" cluster is left alone too: in "quý" the "u" belongs to
  the consonant, so the "y" is the only vowel and carries the mark.
* **Invisible characters.** Zero-width spaces/joiners (U+200B..U+200D, U+2060), BOM (U+FEFF) and
  soft hyphens (U+00AD) hide inside words ("Li\\u200bbya") and are removed; NBSP and the other
  Unicode spaces become an ordinary space.
* **Case is kept.** "Nga" (Russia) and "nga" differ, "Biển Đông" (the sea) and "biển đông" (an
  eastern sea) too; callers that want caseless text use ``normalize(s).casefold()``.
* **Diacritics carry meaning.** "Nga" ≠ "ngã" ≠ "ngà", and "Đức" (Germany) folds to "Duc" as in
  "giáo dục". :func:`fold` removes them (and maps đ → d, which NFD does not decompose) only for
  callers that ask, e.g. topics with ``fold_accents = true``.

:func:`normalize_with_map` also returns, for every character of the normalised text, where it came
from in the input, so a match found in normalised text is reported at its offsets in the text as the
user or the feed gave it (:func:`normalize_with_sparse_map` returns None for an identity map, the
usual case). Normalisation is cheap when the input is already NFC and clean: the tone-placement
and space rewrites keep the length, and the slow cluster-by-cluster composition runs only on the
words that are not NFC.

:func:`split_sentences` cuts normalised text into sentences, the unit events are read from.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata

__all__ = [
    "MARKS", "fold", "fold_case", "input_span", "lower_for_scan", "normalize", "normalize_with_map",
    "normalize_with_sparse_map", "split_sentences",
]  # fmt: skip

# Zero-width space, ZWNJ, ZWJ, word joiner, BOM / zero-width no-break space, soft hyphen.
_REMOVED = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_REMOVED_RE = re.compile(f"[{_REMOVED}]+")
# NBSP, ogham space, en quad .. hair space, narrow NBSP, medium math space, ideographic space.
_SPACES = "\u00a0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B)) + "\u202f\u205f\u3000"
_SPACES_RE = re.compile(f"[{_SPACES}]")

# --------------------------------------------------------------------------- tone placement

_TONED_A = "àáảãạ"
_TONED_E = "èéẻẽẹ"
_TONED_Y = "ỳýỷỹỵ"
_TONED_O = "òóỏõọ"
_TONED_U = "ùúủũụ"


def _tone_pairs() -> dict[str, str]:
    """Map every "new style" pair ("oà", "uỷ", in all case mixes) to the "old style" one ("òa", "ủy")."""
    pairs: dict[str, str] = {}
    for first, marked_firsts, second, marked_seconds in (("o", _TONED_O, "a", _TONED_A),
                                                         ("o", _TONED_O, "e", _TONED_E),
                                                         ("u", _TONED_U, "y", _TONED_Y)):
        for marked_first, marked_second in zip(marked_firsts, marked_seconds, strict=True):
            for case1, case2 in itertools.product((str.lower, str.upper), repeat=2):
                pairs[case1(first) + case2(marked_second)] = case1(marked_first) + case2(second)
    return pairs


_TONE_PAIRS = _tone_pairs()
_SECONDS = "".join(sorted({p[1] for p in _TONE_PAIRS}))
# The pair ends the syllable (no letter follows) and is not the "qu" cluster ("quý", "QUÝ").
# (The look-behind comes after the pair so that the regex engine can skip ahead to an o/u.)
_TONE_RE = re.compile(f"[oOuU][{_SECONDS}](?<![qQ]..)(?![^\\W\\d_])")


def _fix_tones(s: str) -> str:
    """Move the tone mark of open oa/oe/uy syllables to the first vowel (length-preserving)."""
    if not _TONE_RE.search(s):
        return s
    return _TONE_RE.sub(lambda m: _TONE_PAIRS.get(m.group(), m.group()), s)


# --------------------------------------------------------------------------- NFC with a map


@functools.cache
def _composes_backwards() -> frozenset[str]:
    """Characters with combining class 0 that NFC may still merge into the preceding character.

    These are the second halves of two-character canonical decompositions (Indic vowel signs such
    as U+0BBE, and a few others) plus the Hangul medial and final jamo, which compose
    algorithmically. Computed once, on the first input that is not already NFC.
    """
    chars = {chr(c) for c in range(0x1161, 0x1176)} | {chr(c) for c in range(0x11A8, 0x11C3)}
    for code in range(0x12000):
        decomposition = unicodedata.decomposition(chr(code)).split()
        if len(decomposition) == 2 and not decomposition[0].startswith("<"):
            second = chr(int(decomposition[1], 16))
            if unicodedata.combining(second) == 0:
                chars.add(second)
    return frozenset(chars)


def _nfc_with_map(s: str) -> tuple[str, list[int]]:
    """NFC word by word, keeping each character's offset.

    A space never composes with its neighbours, so words can be composed separately, and only
    the words that are not NFC already need the slow cluster-by-cluster pass.
    """
    out: list[str] = []
    offsets: list[int] = []
    pos = 0
    for word in s.split(" "):
        if word.isascii() or unicodedata.is_normalized("NFC", word):
            out.append(word)
            offsets.extend(range(pos, pos + len(word) + 1))  # the word and the space after it
        else:
            composed, word_offsets = _nfc_clusters(word)
            out.append(composed)
            offsets.extend(pos + i for i in word_offsets)
        pos += len(word) + 1
    offsets[-1] = len(s)  # there is no space after the last word
    return " ".join(out), offsets


def _nfc_clusters(s: str) -> tuple[str, list[int]]:
    """NFC cluster by cluster (a starter and the marks that follow it); offsets as in normalize_with_map."""
    joins = _composes_backwards()
    out: list[str] = []
    offsets: list[int] = []
    start = 0
    for i in range(1, len(s) + 1):
        if i < len(s) and (unicodedata.combining(s[i]) or s[i] in joins):
            continue
        chunk = unicodedata.normalize("NFC", s[start:i])
        out.append(chunk)
        offsets.extend([start] * len(chunk))
        start = i
    offsets.append(len(s))
    return "".join(out), offsets


def _remove_with_map(s: str) -> tuple[str, list[int]]:
    """Drop zero-width characters and soft hyphens, keeping each remaining character's offset."""
    out: list[str] = []
    offsets: list[int] = []
    prev = 0
    for m in _REMOVED_RE.finditer(s):
        out.append(s[prev:m.start()])
        offsets.extend(range(prev, m.start()))
        prev = m.end()
    out.append(s[prev:])
    offsets.extend(range(prev, len(s) + 1))
    return "".join(out), offsets


def normalize_with_map(s: str) -> tuple[str, list[int]]:
    """Normalise `s` (see :func:`normalize`) and map each normalised character back to `s`.

    Returns ``(text, offsets)`` with ``len(offsets) == len(text) + 1``: ``offsets[i]`` is the index
    in `s` where the character ``text[i]`` comes from, and ``offsets[len(text)] == len(s)``. Use
    :func:`input_span` to turn a span of `text` into the span of `s` that a user would highlight.
    """
    text, offsets = normalize_with_sparse_map(s)
    return text, list(range(len(s) + 1)) if offsets is None else offsets


def normalize_with_sparse_map(s: str) -> tuple[str, list[int] | None]:
    """Like :func:`normalize_with_map`, but the map is None when it is the identity.

    It is the identity whenever nothing was removed or composed (most text: NFC, no zero-width
    characters), which spares building a list as long as the text for every article.
    """
    offsets: list[int] | None = None
    text = s
    if _REMOVED_RE.search(text):
        text, offsets = _remove_with_map(text)
    if not unicodedata.is_normalized("NFC", text):
        text, nfc_offsets = _nfc_with_map(text)
        offsets = nfc_offsets if offsets is None else [offsets[i] for i in nfc_offsets]
    if _SPACES_RE.search(text):
        text = _SPACES_RE.sub(" ", text)
    return _fix_tones(text), offsets


def normalize(s: str) -> str:
    """The one normalisation for terms and text: NFC, one tone placement, no invisible characters.

    - NFC ("Nga" typed in NFD equals "Nga" in NFC);
    - open oa/oe/uy syllables carry the tone on the first vowel: "hoà" → "hòa", "thuỷ" → "thủy",
      "khoẻ" → "khỏe"; "hoàn", "thuyền", "huỳnh" and "quý" are unchanged;
    - zero-width characters (U+200B..U+200D, U+2060, U+FEFF) and soft hyphens removed;
    - NBSP and the other Unicode spaces become " ".

    Case is preserved; use ``normalize(s).casefold()`` to compare without case.
    """
    return normalize_with_sparse_map(s)[0]


def input_span(s: str, offsets: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """The span of the original `s` covering ``text[start:end]`` of ``normalize_with_map(s)``.

    `offsets` may be None (the identity, from :func:`normalize_with_sparse_map`). Invisible
    characters removed just before the end of the span are not included.
    """
    if offsets is None:
        return start, end
    if end <= start:
        return offsets[start], offsets[start]
    first, last = offsets[start], offsets[end]
    while last > first and s[last - 1] in _REMOVED:
        last -= 1
    return first, last


# --------------------------------------------------------------------------- folding


def fold_case(s: str) -> str:
    """``s.casefold()``, but never changing the length (so offsets stay valid).

    Only a handful of characters grow under casefold ("ß" → "ss", "İ" → "i̇"); those are lowered
    instead (or kept). Vietnamese text is never affected.
    """
    folded = s.casefold()
    if len(folded) == len(s):
        return folded
    return "".join(_fold_case_char(c) for c in s)


def lower_for_scan(s: str) -> str | None:
    """``s.lower()``, when a case-sensitive regex over it finds what ``(?i)`` finds in ``s``, offset
    for offset; else None. ``re`` folds "ı" and "ſ", which ``str.lower`` keeps, and ``lower`` may
    change a length ("İ" lowers to two characters)."""
    low = s.lower()
    if len(low) != len(s) or "ı" in s or "ſ" in s:
        return None
    return low


def _fold_case_char(c: str) -> str:
    for candidate in (c.casefold(), c.lower()):
        if len(candidate) == 1:
            return candidate
    return c


# Combining diacritics (Latin, Greek, Cyrillic and their extensions); other scripts' marks, such
# as Indic vowel signs, are letters in all but name and are kept.
MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_MARKS_RE = re.compile(f"[{MARKS}]+")


def fold(s: str) -> str:
    """Remove diacritics (and map đ → d, Đ → D): "Đức" → "Duc", "giáo dục" → "giao duc".

    Meant for topics with ``fold_accents = true`` only: folding merges words that Vietnamese keeps
    apart ("Nga"/"ngã"/"ngà" all become "nga"). The result is NFC; for NFC text of Latin script it
    has the same length as the input.
    """
    for letter, plain in (("đ", "d"), ("Đ", "D"), ("ð", "d"), ("Ð", "D")):
        if letter in s:
            s = s.replace(letter, plain)
    return unicodedata.normalize("NFC", _MARKS_RE.sub("", unicodedata.normalize("NFD", s)))


# --------------------------------------------------------------------------- sentences

_ABBREV = frozenset(
    ["tp", "ts", "ths", "pgs", "gs", "bs", "ks", "ls", "mr", "mrs", "ms", "dr", "st", "jr", "sr", "no", "vs", "v.v", "tr", "q", "p", "tt", "ncs", "ctv", "ubnd", "hđnd", "mt"]
)
_SPLIT = re.compile(r"(?<=[.!?…])(?P<close>[\"”’)\]]*)\s+(?=\S)")


# a sentence end glued to the next sentence, as in a related-articles strip ("... càng ác
# liệt?Quân đội Nga ...", "... trong máu.Từ những phân tích ..."): split when the word before is
# lower case, so "TP.HCM", "1Cash.Info" and "Ath.Bilbao" stay whole
_GLUED = re.compile(r"[.?!](?<=\w[.?!])(?=[^\W\d_]{2})")  # the mark first: 4x faster than a lookbehind first
_WORD_BEFORE = re.compile(r"[\w.]+$")


def _unglue(m: re.Match[str]) -> str:
    before = _WORD_BEFORE.search(m.string, max(0, m.start() - 40), m.start())
    word, after = before.group() if before else "", m.string[m.end() : m.end() + 2]
    if word.isalpha() and word.islower() and len(word) > 1 and after[0].isupper() and after[1].islower():
        return f"{m.group()} "
    return m.group()


def split_sentences(text: str) -> list[str]:
    """Sentences of `text`: paragraphs (lines) split after . ! ? … before a capital or digit.

    Never inside "5.300", "1,2" or "TP.HCM" (no space follows the dot), nor after an
    abbreviation ("TP. HCM", "ông J. Smith", "v.v.").
    """
    out: list[str] = []
    for para in (text or "").splitlines():
        para = _GLUED.sub(_unglue, para)
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
