"""Topic matching that understands Vietnamese: exact, explainable, and flat in the number of topics.

How a field of an article is matched (the semantics are in docs/topics.md):

1. ``text.normalize_with_map``: NFC, one tone placement ("hoà" = "hòa"), invisible characters
   removed, with a map back to the input so hits carry offsets into the text as given.
2. Case is folded without changing the length, and the text is cut into *tokens*
   (``monitor.tokens.FieldView``, which also maps tokens back to offsets and snippets): runs of
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
5. Each raw occurrence is then checked: the field is one the topic looks at, and an
   ``exact_case`` term has exactly the user's capitalisation (see :func:`_case_ok` for sentence
   starts and ALL-CAPS headlines). Topics that share a phrase with the same check share one
   ``_Group``, so the check runs once per occurrence, not once per topic.
6. Per topic: occurrences nested in a longer term's are dropped ("Haftar" in "Khalifa Haftar"),
   those inside one of the topic's ``ignore`` phrases are set apart, and the first listed
   ``exclude`` phrase found vetoes the article.

Traps: "Nga" is Russia and a common female name ("Nguyễn Thị Nga", "Hằng Nga": ignore phrases);
"Tripoli" is also Lebanon's second city ("Tripoli, Li-băng"); "Biển Đông" the sea against
"biển đông bắc" (exact_case); sentence-initial capitals make any word look like a name.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

import ahocorasick

from monitor.errors import ConfigError
from monitor.models import Hit, Match, Topic
from monitor.text import fold, fold_case, normalize
from monitor.tokens import FieldView, FoldCache, canonical_tokens, caps_neighbour, sentence_start

__all__ = ["Matcher", "canonical_tokens", "explain", "run_match"]

TERM, EXACT, IGNORE, EXCLUDE = "term", "exact_case", "ignore", "exclude"


@dataclass(eq=False, slots=True)
class _Group:
    """One key of the automaton with one check, shared by every topic that uses it.

    Topics often share terms ("Việt Nam", "Nga"): an occurrence is verified once per group, not
    once per topic, and the Hits built for it are shared too.
    """

    kind: str  # TERM, EXACT, IGNORE or EXCLUDE
    ntokens: int
    tokens: tuple[str, ...]  # normalised, case kept
    folded: bool
    wanted: tuple[str, ...]  # what exact_case compares the text's words against (folded if `folded`)
    fields: frozenset[str]
    members: list[tuple[int, int, str]] = field(default_factory=list)  # topic, order in topic, text


# Where a group occurred in one article: (field, index of the first token), in text order.
_Seen = dict[_Group, list[tuple[str, int]]]


class Matcher:
    """All topics compiled into one automaton (two when some topic folds accents). Build once."""

    def __init__(self, topics: Sequence[Topic]) -> None:
        self.topics: tuple[Topic, ...] = tuple(topics)
        keys: dict[bool, dict[str, dict[tuple[Any, ...], _Group]]] = {False: {}, True: {}}
        for i, topic in enumerate(self.topics):
            fields = frozenset(topic.fields)
            for order, (kind, phrase, tokens, key) in enumerate(_compile_topic(topic)):
                check = (kind, tokens if kind == EXACT else None, fields)
                groups = keys[topic.fold_accents].setdefault(key, {})
                if check not in groups:
                    wanted = tuple(fold(t) for t in tokens) if topic.fold_accents else tokens
                    groups[check] = _Group(kind, len(tokens), tokens, topic.fold_accents, wanted, fields)
                groups[check].members.append((i, order, phrase))
        self._plain = _automaton(keys[False])
        self._folded = _automaton(keys[True]) if keys[True] else None
        self._fields = frozenset(f for t in self.topics for f in t.fields)
        self._fold_cache = FoldCache()

    def match(self, fields: Mapping[str, str]) -> dict[str, Match]:
        """A Match for every topic with an occurrence of a term (counting, ignored, or vetoed).

        `fields` maps "title", "summary", "text" to text; ``Match.matched`` says whether the
        article is in the topic. Topics come in configuration order, hits in field then text order.
        """
        seen: _Seen = {}
        views: dict[str, FieldView] = {}
        for name, raw in fields.items():
            if name not in self._fields or not raw:
                continue
            view = views[name] = FieldView(name, raw)
            _scan(view, self._plain, view.line, seen)
            if self._folded is not None:
                # A token made only of marks folds to "": two spaces in a row, which neither
                # matches a key nor changes the count of spaces before a token.
                folded = " ".join(map(self._fold_cache.__getitem__, view.line[1:-1].split(" ")))
                _scan(view, self._folded, f" {folded} ", seen, self._fold_cache.__getitem__)
        by_topic = _by_topic(seen)
        shared: dict[tuple[_Group, str], tuple[Hit, ...]] = {}
        return {self.topics[i].id: _build_match(self.topics[i].id, by_topic[i], seen, views, shared)
                for i in sorted(by_topic)}

    def matching(self, fields: Mapping[str, str]) -> list[Match]:
        """Only the Matches of topics the article is in."""
        return [m for m in self.match(fields).values() if m.matched]


def _scan(view: FieldView, automaton: Any, line: str, seen: _Seen,
          fold_word: Callable[[str], str] = fold) -> None:
    """Record in `seen` every occurrence that passes its group's field and case checks."""
    name = view.name
    verdicts = view.case_ok  # exact_case verdicts, shared by groups with the same words
    for first, start, end, groups in _occurrences(automaton, line):
        for g in groups:
            if name not in g.fields:
                continue
            if g.kind == EXACT:
                key = (first, g.wanted, g.folded)
                ok = verdicts.get(key)
                if ok is None:
                    words = view.cased_line[start:end].split(" ")
                    ok = verdicts[key] = _case_ok(view, first, words, g, fold_word)
                if not ok:
                    continue
            where = seen.get(g)
            if where is None:
                seen[g] = [(name, first)]
            else:
                where.append((name, first))


def _by_topic(seen: _Seen) -> dict[int, list[tuple[_Group, int, str]]]:
    """The groups that occurred, per topic with at least one term occurrence.

    Ignore and exclude phrases matter only to topics whose terms occur: common phrases ("quảng
    cáo") must not cost anything for the many topics that merely list them.
    """
    by_topic: dict[int, list[tuple[_Group, int, str]]] = {}
    phrases = []
    for group in seen:
        if group.kind == IGNORE or group.kind == EXCLUDE:
            phrases.append(group)
            continue
        for topic, order, text in group.members:
            found = by_topic.get(topic)
            if found is None:
                by_topic[topic] = [(group, order, text)]
            else:
                found.append((group, order, text))
    for group in phrases:
        for topic, order, text in group.members:
            found = by_topic.get(topic)
            if found is not None:
                found.append((group, order, text))
    return by_topic


def _compile_topic(topic: Topic) -> Iterator[tuple[str, str, tuple[str, ...], str]]:
    """(kind, phrase as written, its tokens, its automaton key) for every phrase of `topic`."""
    for kind, phrases in ((TERM, topic.terms), (EXACT, topic.exact_case), (IGNORE, topic.ignore),
                          (EXCLUDE, topic.exclude)):
        for phrase in phrases:
            tokens = tuple(canonical_tokens(normalize(phrase)))
            if not tokens:
                raise ConfigError(f"[[topic]] {topic.id!r}: {kind} {phrase!r} has no letters or digits: "
                                  "remove it or write the word")
            low = [fold_case(t) for t in tokens]
            if topic.fold_accents:
                low = [fold(t) for t in low]
                if not all(low):
                    raise ConfigError(f"[[topic]] {topic.id!r}: {kind} {phrase!r} has a word made only of "
                                      "accents, which fold_accents removes: write the word")
            yield kind, phrase, tokens, " " + " ".join(low) + " "


def _automaton(keys: Mapping[str, Mapping[Any, _Group]]) -> Any:
    automaton = ahocorasick.Automaton()
    for key, groups in keys.items():
        automaton.add_word(key, (len(key), tuple(groups.values())))
    if keys:
        automaton.make_automaton()
    return automaton


def _occurrences(automaton: Any, line: str) -> Iterator[tuple[int, int, int, tuple[_Group, ...]]]:
    """(index of the first token, start and end of the words in the line, groups) for every key found.

    The token index is the number of spaces before the key's first letter, minus one; it is
    counted incrementally because the automaton reports keys in order of their end.
    """
    if automaton.kind != ahocorasick.AHOCORASICK:
        return
    pos = spaces = 0
    for end, (length, groups) in automaton.iter(line):
        target = end - length + 2  # just past the key's leading space
        if target >= pos:
            spaces += line.count(" ", pos, target)
        else:
            spaces -= line.count(" ", target, pos)
        pos = target
        yield spaces - 1, target, end, groups


def _case_ok(view: FieldView, first: int, words: list[str], p: _Group, fold_word: Callable[[str], str]) -> bool:
    """Whether an occurrence of an exact_case term, `words` as written, has the user's capitals.

    Exactly as written always counts. Two deliberate allowances:
    - at the start of a sentence the first letter may be capitalised ("biển Đông" written as
      "Biển Đông" after a full stop), since Vietnamese capitalises the first word;
    - in an ALL-CAPS run (a headline "NGA TẤN CÔNG...", or the term itself in capitals next to
      another capitalised word) the upper-case form counts, since capitals there say nothing.
    A lone upper-case word in ordinary text ("đội NGA") does not count.
    """
    if p.folded:
        words = [fold_word(w) for w in words]
    wanted = list(p.wanted)
    if words == wanted:
        return True
    if words[1:] == wanted[1:] and words[0] == wanted[0][:1].upper() + wanted[0][1:]:
        return sentence_start(view, first)
    if all(w == x.upper() and w != w.lower() for w, x in zip(words, wanted, strict=True)):
        return p.ntokens > 1 or caps_neighbour(view, first)
    return False


def _build_match(topic_id: str, found: list[tuple[_Group, int, str]], seen: _Seen,
                 views: Mapping[str, FieldView], shared: dict[tuple[_Group, str], tuple[Hit, ...]]) -> Match:
    """The Match of one topic from the groups of its phrases that occurred (a term among them)."""
    if len(found) == 1:  # the usual case: one term occurred, nothing else; hits shared with other topics
        g, _, text = found[0]
        return Match(topic=topic_id, hits=_shared_hits(g, text, seen, views, shared))
    terms: list[tuple[_Group, int, str]] = []
    ignores: list[_Group] = []
    exclude: tuple[int, str] | None = None  # the first one listed that occurs
    for g, order, text in found:
        if g.kind == TERM or g.kind == EXACT:
            terms.append((g, order, text))
        elif g.kind == IGNORE:
            ignores.append(g)
        elif exclude is None or order < exclude[0]:
            exclude = (order, text)
    excluded_by = exclude[1] if exclude else None
    if len(terms) == 1 and not ignores:
        g, _, text = terms[0]
        return Match(topic=topic_id, hits=_shared_hits(g, text, seen, views, shared), excluded_by=excluded_by)
    occurrences = _outermost(terms, seen, views, shared)
    if not ignores:
        return Match(topic=topic_id, hits=tuple(hit for _, _, _, hit in occurrences), excluded_by=excluded_by)
    counted: list[Hit] = []
    ignored: list[Hit] = []
    masks = _masks(ignores, seen)
    reach = max(g.ntokens for g in ignores)
    for name, first, last, hit in occurrences:
        masked = False
        for start in range(first - reach + 1, first + 1):
            if masks.get((name, start), -1) >= last:
                masked = True
                break
        (ignored if masked else counted).append(hit)
    return Match(topic=topic_id, hits=tuple(counted), ignored=tuple(ignored), excluded_by=excluded_by)


def _shared_hits(g: _Group, text: str, seen: _Seen, views: Mapping[str, FieldView],
                 shared: dict[tuple[_Group, str], tuple[Hit, ...]]) -> tuple[Hit, ...]:
    """The Hits of one term's occurrences, built once per article for all the topics listing it."""
    hits = shared.get((g, text))
    if hits is None:
        hits = shared[g, text] = tuple(views[name].hit(text, first, first + g.ntokens - 1)
                                       for name, first in seen[g])
    return hits


def _masks(ignores: list[_Group], seen: _Seen) -> dict[tuple[str, int], int]:
    """(field, first token of an ignore occurrence) → the last token it covers (the furthest)."""
    masks: dict[tuple[str, int], int] = {}
    for g in ignores:
        for name, first in seen[g]:
            last = first + g.ntokens - 1
            if masks.get((name, first), -1) < last:
                masks[name, first] = last
    return masks


def _outermost(terms: list[tuple[_Group, int, str]], seen: _Seen, views: Mapping[str, FieldView],
               shared: dict[tuple[_Group, str], tuple[Hit, ...]]) -> list[tuple[str, int, int, Hit]]:
    """(field, first token, last token, Hit) of several terms' occurrences, in field and text order,
    without those nested in another.

    "Khalifa Haftar" hides the "Haftar" inside it; when two terms cover the same words ("Li-bi"
    and "Li bi"), the one listed first in the topic reports them.
    """
    rank = {name: i for i, name in enumerate(views)}
    occurrences = []
    for g, order, text in terms:
        hits = _shared_hits(g, text, seen, views, shared)
        for i, (name, first) in enumerate(seen[g]):
            # (i, hits) are never compared: (field, first, last, order) differ for any two entries
            occurrences.append((rank[name], first, -(first + g.ntokens - 1), order, i, hits, name))
    occurrences.sort()
    kept: list[tuple[str, int, int, Hit]] = []
    for _, first, negative_last, _, i, hits, name in occurrences:
        last = -negative_last
        if kept and kept[-1][0] == name and last <= kept[-1][2]:
            continue
        kept.append((name, first, last, hits[i]))
    return kept


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
