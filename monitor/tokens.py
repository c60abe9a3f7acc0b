"""One field of an article as canonical tokens: what the topic automaton reads, and the way
back from a token to the text as given.

    FieldView(name, raw)      .line / .cased_line: " tok1 tok2 ... " (case folded / as written)
                              .span(k), .token(k): token k in the normalised text
                              .hit(term, first, last) ─► Hit with offsets into `raw` and a snippet
    canonical_tokens(text)    "Li-bi (LNA)" ─► ["Li", "bi", "LNA"]
    sentence_start(view, k), caps_neighbour(view, k): the context exact_case looks at
    FoldCache                 token ─► fold(token), each distinct token folded once

A token is a run of letters, digits and combining marks; everything else ("_" of word-segmented
text too) separates tokens. Used by monitor.topics (see its docstring for how matching works);
no I/O, no knowledge of topics.
"""

from __future__ import annotations

import itertools
import re

from monitor.models import Hit
from monitor.text import MARKS, fold, fold_case, input_span, normalize_with_sparse_map

__all__ = [
    "SNIPPET_CONTEXT",
    "FieldView",
    "FoldCache",
    "canonical_tokens",
    "caps_neighbour",
    "sentence_start",
]

SNIPPET_CONTEXT = 60
"""Characters of context on each side of a hit in its snippet."""

# Separators: anything but letters, digits and combining marks; "_" too (word-segmented text),
# which is replaced by a space first (a single character class keeps the regex fast).
_SEP = re.compile(f"[^\\w{MARKS}]+")
_SEP_SPLIT = re.compile(f"([^\\w{MARKS}]+)")
# What may stand between a sentence end and the first word of the next sentence.
_SENTENCE_END = ".!?…:;\n"
_OPENERS = " \t\r\"'“”‘’«»([{-–—•*"


def canonical_tokens(normalised: str) -> list[str]:
    """The tokens of already-normalised text, case kept: "Li-bi (LNA)" → ["Li", "bi", "LNA"]."""
    return [t for t in _SEP.split(normalised.replace("_", " ")) if t]


class FieldView:
    """One field of one article, normalised once; token positions and hits computed on demand."""

    def __init__(self, name: str, raw: str) -> None:
        self.name = name
        self.raw = raw
        self.norm, self.offsets = normalize_with_sparse_map(raw)
        # token, separator, token, ..., token (the first and last token may be empty)
        self.parts = _SEP_SPLIT.split(self.norm.replace("_", " "))
        # the canonical line: " tok1 tok2 ... ", token k preceded by exactly k + 1 spaces; the
        # cased line has the same layout and keeps the capitals that exact_case looks at
        self.cased_line = " " + " ".join(self.parts[0::2]) + " "
        self.line = fold_case(self.cased_line)
        self._starts: list[int] | None = None
        self._hits: dict[tuple[str, int, int], Hit] = {}
        self.case_ok: dict[tuple[int, tuple[str, ...], bool], bool] = {}  # see topics._scan

    def span(self, k: int) -> tuple[int, int]:
        """(start, end) of token k in the normalised text."""
        if self._starts is None:
            self._starts = list(itertools.accumulate(map(len, self.parts), initial=0))
        start = self._starts[2 * k]
        return start, start + len(self.parts[2 * k])

    def token(self, k: int) -> str:
        start, end = self.span(k)
        return self.norm[start:end]

    def hit(self, term: str, first: int, last: int) -> Hit:
        """The Hit for tokens first..last, built once per article even when many topics share it."""
        key = (term, first, last)
        hit = self._hits.get(key)
        if hit is None:
            start, end = self.span(first)[0], self.span(last)[1]
            raw_start, raw_end = input_span(self.raw, self.offsets, start, end)
            hit = Hit(
                term=term,
                field=self.name,
                start=raw_start,
                end=raw_end,
                snippet=_snippet(self.norm, start, end),
            )
            self._hits[key] = hit
        return hit


def _snippet(text: str, start: int, end: int) -> str:
    left = max(0, start - SNIPPET_CONTEXT)
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if 0 <= space < start - SNIPPET_CONTEXT // 2 else left
    right = min(len(text), end + SNIPPET_CONTEXT)
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space > end + SNIPPET_CONTEXT // 2 else right
    body = " ".join(text[left:right].split())
    return ("…" if left > 0 else "") + body + ("…" if right < len(text) else "")


class FoldCache(dict[str, str]):
    """token → fold(token). Folding a whole text costs more than matching it; its words repeat
    (Vietnamese has about 7,000 syllables), so folding each distinct token once is cheap."""

    LIMIT = 200_000

    def __missing__(self, token: str) -> str:
        if len(self) >= self.LIMIT:
            self.clear()  # bounded memory for a daemon that runs for months
        folded = self[token] = fold(token)
        return folded


def sentence_start(view: FieldView, k: int) -> bool:
    """Whether token k begins a sentence: only openers (quotes, brackets, dashes) between it and
    the start of the field, a sentence end or a line break."""
    start = view.span(k)[0]
    i = start - 1
    while i >= 0 and view.norm[i] in _OPENERS:
        i -= 1
    return i < 0 or view.norm[i] in _SENTENCE_END or "\n" in view.norm[i + 1 : start]


def caps_neighbour(view: FieldView, k: int) -> bool:
    """Whether the nearest word (with letters) before or after token k is in capitals too."""
    neighbours = []
    count = len(view.parts) // 2 + 1
    for step in (-1, 1):
        j = k + step
        while 0 <= j < count and view.token(j).lower() == view.token(j).upper():
            j += step  # numbers, and the empty token at either end, say nothing about case
        if 0 <= j < count:
            neighbours.append(view.token(j))
    return not neighbours or any(len(w) > 1 and w.isupper() for w in neighbours)
