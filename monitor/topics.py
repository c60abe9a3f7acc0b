"""Topic matching that understands Vietnamese: exact, explainable, and flat in the number of topics.

How a field of an article is matched (the semantics are in docs/topics.md):

1. ``text.normalize_with_map``: NFC, one tone placement ("hoà" = "hòa"), invisible characters
   removed, with a map back to the input so hits carry offsets into the text as given.
2. Case is folded without changing the length, and the text is cut into *tokens*: runs of
   letters, digits and combining marks. Everything else (space, hyphen, comma, brackets, "_" of
   word-segmented text) is a separator, so "Li-bi", "Li bi", "Li - bi" and "Li, bi" are the same
   two tokens, and "Tripoli (Li-băng)" equals the ignore phrase "Tripoli, Li-băng".
3. The tokens are joined by single spaces into a *canonical line* padded with spaces
   (" tướng haftar tấn công tripoli "). Every term, ignore and exclude phrase of every topic is
   compiled the same way (" haftar ") into ONE Aho-Corasick automaton, so one pass over the line
   finds all of them, whatever the number of topics. Because keys begin and end with a space,
   a key can only match whole tokens: "nga" never matches inside "ngang", "lna" never in "lnas".
   Diacritics are kept, so "nga" (Nga, nga) and "ngã" never meet.
4. Topics with ``fold_accents`` have their own automaton over the folded line ("duc"), because
   folding merges words Vietnamese keeps apart ("Đức"/"dục", "Nga"/"ngã").
5. Each raw occurrence is then checked per topic: the field is one the topic looks at, an
   ``exact_case`` term has exactly the user's capitalisation (see :func:`_case_ok` for sentence
   starts and ALL-CAPS headlines), it is not inside one of the topic's ``ignore`` phrases, and no
   ``exclude`` phrase occurs.

Traps: "Nga" is Russia and a common female name ("Nguyễn Thị Nga", "Hằng Nga": ignore phrases);
"Tripoli" is also Lebanon's second city ("Tripoli, Li-băng"); "Biển Đông" the sea against
"biển đông bắc" (exact_case); sentence-initial capitals make any word look like a name.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

import ahocorasick

from monitor.errors import ConfigError
from monitor.models import Hit, Match, Topic
from monitor.text import fold, fold_case, input_span, normalize, normalize_with_map

__all__ = ["Matcher", "explain", "run_match"]

SNIPPET_CONTEXT = 60
"""Characters of context on each side of a hit in its snippet."""

# Separators: anything but letters, digits and combining marks; "_" too (word-segmented text).
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_SEP = re.compile(f"(?:[^\\w{_MARKS}]|_)+")
_SPACE = re.compile(r"\s+")
# What may stand between a sentence end and the first word of the next sentence.
_SENTENCE_END = ".!?…:;\n"
_OPENERS = " \t\r\"'“”‘’«»([{-–—•*"

TERM, EXACT, IGNORE, EXCLUDE = "term", "exact_case", "ignore", "exclude"


@dataclass(frozen=True)
class _Pattern:
    """One term or phrase of one topic, compiled."""

    topic: int  # index into Matcher.topics
    kind: str  # TERM, EXACT, IGNORE or EXCLUDE
    text: str  # as the user wrote it
    ntokens: int
    tokens: tuple[str, ...]  # normalised, case kept: what exact_case compares against
    fields: frozenset[str]
    folded: bool


def canonical_tokens(normalised: str) -> list[str]:
    """The tokens of already-normalised text, case kept: "Li-bi (LNA)" → ["Li", "bi", "LNA"]."""
    return [t for t in _SEP.split(normalised) if t]


def _canonical_line(low: str) -> str:
    """" tok1 tok2 ... " from case-folded text: one space between tokens and at both ends."""
    return " " + _SEP.sub(" ", low).strip(" ") + " "


def _folded_line(line: str) -> str:
    """fold(line), keeping one token per token even when a token was only combining marks."""
    folded = fold(line)
    if len(folded) == len(line):
        return folded
    return " " + " ".join(fold(t) or "\u25cc" for t in line[1:-1].split(" ")) + " "


class _FieldView:
    """One field of one article, normalised once, with lazily computed token positions."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.norm, self.offsets = normalize_with_map(raw)
        self.low = fold_case(self.norm)
        self.line = _canonical_line(self.low)
        self._spans: list[tuple[int, int]] | None = None
        self._snippets: dict[tuple[int, int], str] = {}

    @property
    def spans(self) -> list[tuple[int, int]]:
        """(start, end) of every token in the normalised text, in order."""
        if self._spans is None:
            spans, prev = [], 0
            for m in _SEP.finditer(self.low):
                if m.start() > prev:
                    spans.append((prev, m.start()))
                prev = m.end()
            if prev < len(self.low):
                spans.append((prev, len(self.low)))
            self._spans = spans
        return self._spans

    def token(self, k: int) -> str:
        start, end = self.spans[k]
        return self.norm[start:end]

    def snippet(self, start: int, end: int) -> str:
        """About SNIPPET_CONTEXT characters each side of norm[start:end], cut at spaces, with ellipses."""
        key = (start, end)
        if key not in self._snippets:
            self._snippets[key] = _snippet(self.norm, start, end)
        return self._snippets[key]


def _snippet(text: str, start: int, end: int) -> str:
    left = max(0, start - SNIPPET_CONTEXT)
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if 0 <= space < start - SNIPPET_CONTEXT // 2 else left
    right = min(len(text), end + SNIPPET_CONTEXT)
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space > end + SNIPPET_CONTEXT // 2 else right
    body = _SPACE.sub(" ", text[left:right]).strip()
    return ("…" if left > 0 else "") + body + ("…" if right < len(text) else "")


@dataclass
class _Found:
    """Raw occurrences of one topic's patterns in one article, before ignore and exclude apply."""

    terms: list[tuple[str, int, int, _Pattern]] = field(default_factory=list)  # field, first, last token
    ignores: list[tuple[str, int, int]] = field(default_factory=list)
    excluded_by: str | None = None


class Matcher:
    """All topics compiled into one automaton (two when some topic folds accents). Build once."""

    def __init__(self, topics: Sequence[Topic]) -> None:
        self.topics: tuple[Topic, ...] = tuple(topics)
        keys: dict[bool, dict[str, list[_Pattern]]] = {False: {}, True: {}}
        for i, topic in enumerate(self.topics):
            for pattern, key in _compile_topic(i, topic):
                keys[pattern.folded].setdefault(key, []).append(pattern)
        self._plain = _automaton(keys[False])
        self._folded = _automaton(keys[True]) if keys[True] else None
        self._fields = frozenset(f for t in self.topics for f in t.fields)

    def match(self, fields: Mapping[str, str]) -> dict[str, Match]:
        """A Match for every topic with an occurrence of a term (counting, ignored, or vetoed).

        `fields` maps "title", "summary", "text" to text; ``Match.matched`` says whether the
        article is in the topic. Topics come in configuration order.
        """
        found: dict[int, _Found] = {}
        views: dict[str, _FieldView] = {}
        for name, raw in fields.items():
            if name not in self._fields or not raw:
                continue
            view = views[name] = _FieldView(raw)
            self._collect(name, view, self._plain, view.line, found)
            if self._folded is not None:
                self._collect(name, view, self._folded, _folded_line(view.line), found)
        return {self.topics[i].id: _build_match(self.topics[i].id, found[i], views)
                for i in sorted(found) if found[i].terms}

    def matching(self, fields: Mapping[str, str]) -> list[Match]:
        """Only the Matches of topics the article is in."""
        return [m for m in self.match(fields).values() if m.matched]

    def _collect(self, name: str, view: _FieldView, automaton: Any, line: str,
                 found: dict[int, _Found]) -> None:
        for first, patterns in _occurrences(automaton, line):
            for p in patterns:
                if name not in p.fields:
                    continue
                last = first + p.ntokens - 1
                if p.kind == IGNORE:
                    found.setdefault(p.topic, _Found()).ignores.append((name, first, last))
                elif p.kind == EXCLUDE:
                    f = found.setdefault(p.topic, _Found())
                    f.excluded_by = f.excluded_by or p.text
                elif p.kind == TERM or _case_ok(view, first, p):
                    found.setdefault(p.topic, _Found()).terms.append((name, first, last, p))


def _compile_topic(index: int, topic: Topic) -> Iterator[tuple[_Pattern, str]]:
    fields = frozenset(topic.fields)
    for kind, phrases in ((TERM, topic.terms), (EXACT, topic.exact_case), (IGNORE, topic.ignore),
                          (EXCLUDE, topic.exclude)):
        for phrase in phrases:
            tokens = tuple(canonical_tokens(normalize(phrase)))
            if not tokens:
                raise ConfigError(f"[[topic]] {topic.id!r}: {kind} {phrase!r} has no letters or digits: "
                                  "remove it or write the word")
            key = " " + fold_case(" ".join(tokens)) + " "
            if topic.fold_accents:
                key = fold(key)
            yield _Pattern(index, kind, phrase, len(tokens), tokens, fields, topic.fold_accents), key


def _automaton(keys: Mapping[str, list[_Pattern]]) -> Any:
    automaton = ahocorasick.Automaton()
    for key, patterns in keys.items():
        automaton.add_word(key, (len(key), tuple(patterns)))
    if keys:
        automaton.make_automaton()
    return automaton


def _occurrences(automaton: Any, line: str) -> Iterator[tuple[int, tuple[_Pattern, ...]]]:
    """(index of the first token, patterns) for every key found in the canonical line.

    The token index is the number of spaces before the key's first letter, minus one; it is
    counted incrementally because the automaton reports keys in order of their end.
    """
    if automaton.kind != ahocorasick.AHOCORASICK:
        return
    pos = spaces = 0
    for end, (length, patterns) in automaton.iter(line):
        target = end - length + 2  # just past the key's leading space
        if target >= pos:
            spaces += line.count(" ", pos, target)
        else:
            spaces -= line.count(" ", target, pos)
        pos = target
        yield spaces - 1, patterns


def _case_ok(view: _FieldView, first: int, p: _Pattern) -> bool:
    """Whether an occurrence of an exact_case term has the user's capitalisation.

    Exactly as written always counts. Two deliberate allowances:
    - at the start of a sentence the first letter may be capitalised ("biển Đông" written as
      "Biển Đông" after a full stop), since Vietnamese capitalises the first word;
    - in an ALL-CAPS run (a headline "NGA TẤN CÔNG...", or the term itself in capitals next to
      another capitalised word) the upper-case form counts, since capitals there say nothing.
    A lone upper-case word in ordinary text ("đội NGA") does not count.
    """
    words = [view.token(first + i) for i in range(p.ntokens)]
    wanted = p.tokens
    if p.folded:
        words, wanted = [fold(w) for w in words], tuple(fold(w) for w in wanted)
    if tuple(words) == wanted:
        return True
    if words[1:] == list(wanted[1:]) and words[0] == wanted[0][:1].upper() + wanted[0][1:]:
        return _sentence_start(view, first)
    if all(w == x.upper() and w != w.lower() for w, x in zip(words, wanted, strict=True)):
        return p.ntokens > 1 or _caps_neighbour(view, first)
    return False


def _sentence_start(view: _FieldView, k: int) -> bool:
    i = view.spans[k][0] - 1
    while i >= 0 and view.norm[i] in _OPENERS:
        i -= 1
    return i < 0 or view.norm[i] in _SENTENCE_END or "\n" in view.norm[i + 1:view.spans[k][0]]


def _caps_neighbour(view: _FieldView, k: int) -> bool:
    """Whether the nearest word (with letters) before or after token k is in capitals too."""
    neighbours = []
    for step in (-1, 1):
        j = k + step
        while 0 <= j < len(view.spans) and view.token(j).lower() == view.token(j).upper():
            j += step  # numbers and the like say nothing about case
        if 0 <= j < len(view.spans):
            neighbours.append(view.token(j))
    return not neighbours or any(len(w) > 1 and w.isupper() for w in neighbours)


def _build_match(topic_id: str, found: _Found, views: Mapping[str, _FieldView]) -> Match:
    """Turn raw occurrences into Hits: masked by ignore phrases or counting; longest first."""
    hits: list[Hit] = []
    ignored: list[Hit] = []
    seen: dict[str, int] = {}  # field -> last token covered by a kept occurrence
    rank = {name: i for i, name in enumerate(views)}
    for name, first, last, p in sorted(found.terms, key=lambda o: (rank[o[0]], o[1], -o[2])):
        if last <= seen.get(name, -1):
            continue  # same span found by another term, or inside a longer term ("Khalifa Haftar")
        seen[name] = last
        view = views[name]
        hit = _hit(p.text, name, view, first, last)
        masked = any(n == name and a <= first and last <= b for n, a, b in found.ignores)
        (ignored if masked else hits).append(hit)
    return Match(topic=topic_id, hits=tuple(hits), ignored=tuple(ignored), excluded_by=found.excluded_by)


def _hit(term: str, name: str, view: _FieldView, first: int, last: int) -> Hit:
    start, end = view.spans[first][0], view.spans[last][1]
    raw_start, raw_end = input_span(view.raw, view.offsets, start, end)
    return Hit(term=term, field=name, start=raw_start, end=raw_end, snippet=view.snippet(start, end))


# --------------------------------------------------------------------------- explaining


def explain(match: Match, topic: Topic) -> str:
    """Why the article is, or is not, in `topic`: what counted, what an ignore phrase masked, the veto.

    One line for the verdict, then one line per occurrence::

        libya (Libya – tướng Haftar): matched: 2 occurrences counted
          counted  'Haftar' in title [24:30]: Chiến sự Libya: Kịch bản thất bại của tướng Haftar…
          ignored  'Tripoli' in text [310:317], inside 'Tripoli, Li-băng': …thành phố Tripoli, Li-băng…
    """
    return _explanation(match, topic)


def _explanation(match: Match, topic: Topic) -> str:
    if match.excluded_by is not None:
        verdict = f"NOT matched: the exclude phrase {match.excluded_by!r} is in the article"
    elif match.hits:
        verdict = f"matched: {len(match.hits)} occurrence{'s' if len(match.hits) != 1 else ''} counted"
    else:
        verdict = "NOT matched: every occurrence is inside an ignore phrase"
    lines = [f"{topic.id} ({topic.name}): {verdict}"]
    for hit in match.hits:
        lines.append(f"  counted  {hit.term!r} in {hit.field} [{hit.start}:{hit.end}]: {hit.snippet}")
    for hit in match.ignored:
        phrase = _masking_phrase(hit, topic)
        inside = f", inside {phrase!r}" if phrase else ", inside an ignore phrase"
        lines.append(f"  ignored  {hit.term!r} in {hit.field} [{hit.start}:{hit.end}]{inside}: {hit.snippet}")
    return "\n".join(lines)


def _masking_phrase(hit: Hit, topic: Topic) -> str | None:
    """The ignore phrase of `topic` around `hit`, found again in the hit's snippet."""
    exact = hit.term in topic.exact_case and hit.term not in topic.terms
    probe = Topic(id="term", name="", terms=() if exact else (hit.term,), exact_case=(hit.term,) if exact else (),
                  fold_accents=topic.fold_accents, fields=("snippet",))
    phrases = Topic(id="ignore", name="", terms=topic.ignore, fold_accents=topic.fold_accents,
                    fields=("snippet",))
    found = Matcher([probe, phrases]).match({"snippet": hit.snippet})
    if "term" not in found or "ignore" not in found:
        return None
    middle = len(hit.snippet) / 2
    term_hits = sorted(found["term"].hits, key=lambda h: abs((h.start + h.end) / 2 - middle))
    for t in term_hits:
        for phrase in found["ignore"].hits:
            if phrase.start <= t.start and t.end <= phrase.end:
                return phrase.term
    return None


# --------------------------------------------------------------------------- news-monitor match


def run_match(topics: Sequence[Topic], lines: Iterable[str], out: TextIO, *, explain: bool) -> int:
    """`news-monitor match`: one JSON object a line in, one JSON line out per input line.

    Input: {"id", "title", "summary", "text", "published"} (missing text fields count as empty).
    Output: {"id": ..., "topics": [ids the article is in], "hits": {topic id: [{"term", "field",
    "start", "end", "snippet"}]}}; offsets refer to the field's text as given.

    With `explain`, each JSON line is followed by the explanation of every topic that had an
    occurrence (matched or not), each line prefixed with "# " so that ``grep -v '^#'`` gives back
    plain JSON lines.

    A malformed line (not JSON, not an object, a field that is not a string) is reported on
    stderr with its line number and skipped; blank lines are skipped silently. Returns the
    number of malformed lines.
    """
    matcher = Matcher(topics)
    by_id = {t.id: t for t in topics}
    bad = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = _article_fields(line)
        except ValueError as e:
            print(f"match: line {number}: {e}; skipped", file=sys.stderr)
            bad += 1
            continue
        article_id, fields = record
        matches = matcher.match(fields)
        print(json.dumps(_output(article_id, matches), ensure_ascii=False), file=out)
        if explain:
            for m in matches.values():
                for text in _explanation(m, by_id[m.topic]).splitlines():
                    print(f"# {text}", file=out)
    return bad


def _article_fields(line: str) -> tuple[Any, dict[str, str]]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as e:
        raise ValueError(f"not valid JSON ({e.msg} at column {e.colno})") from None
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    fields: dict[str, str] = {}
    for name in ("title", "summary", "text"):
        value = record.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ValueError(f"{name!r} must be a string, got {type(value).__name__}")
        fields[name] = value
    return record.get("id"), fields


def _output(article_id: Any, matches: Mapping[str, Match]) -> dict[str, Any]:
    matched = [m for m in matches.values() if m.matched]
    return {
        "id": article_id,
        "topics": [m.topic for m in matched],
        "hits": {m.topic: [{"term": h.term, "field": h.field, "start": h.start, "end": h.end,
                            "snippet": h.snippet} for h in m.hits] for m in matched},
    }
