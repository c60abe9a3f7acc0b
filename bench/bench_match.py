"""Benchmark: topic matching cost against the number of topics, and against a naive regex loop.

    .venv/bin/python bench/bench_match.py [--quick]

Reads the real articles of ../shared/corpus/articles (Tuổi Trẻ 2024, VietNews Libya/Haftar,
VietNamNet 2025), generates 1,000 realistic topics from the names of places, people and
organisations found in them (each topic: names that appear together in one article, acronyms as
exact_case, "<word before> <name>" ignore phrases, and exclude phrases), then matches the articles
with the first 10, 100 and 1,000 of those topics:

- monitor.topics.Matcher: one Aho-Corasick automaton for every topic;
- the baseline a user would write: one compiled regex per term (and per exclude phrase) over the
  NFC, case-folded text, in a loop over topics. It does less work than the Matcher (no offsets,
  no ignore phrases, no exact case) and is still the slow one.

Prints articles per second and the ratios the issue sets as targets: 1,000 topics cost at most 2x
what 10 topics cost, and at 1,000 topics the Matcher is at least 20x faster than the baseline.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import random
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.models import Topic  # noqa: E402
from monitor.topics import Matcher  # noqa: E402

ARTICLES = ROOT.parent / "shared" / "corpus" / "articles"
Fields = dict[str, str]

_UPPER = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_WORD = f"[{_UPPER}][\\w]*"
# 1 to 4 capitalised syllables, joined by spaces or hyphens, not at a sentence start.
_NAME = re.compile(f"(?<=[\\w,] )({_WORD}(?:[ -]{_WORD}){{0,3}})")
_BEFORE = re.compile(r"(\w+) $")
EXCLUDES = ["bóng đá", "xổ số", "hoa hậu", "showbiz", "tử vi", "khuyến mãi", "quảng cáo", "giá vàng",
            "bất động sản", "ca sĩ", "điện ảnh", "thời trang", "chứng khoán", "mỹ phẩm", "game"]


# --------------------------------------------------------------------------- corpus


def load_articles() -> list[Fields]:
    if not ARTICLES.exists():
        sys.exit(f"needs {ARTICLES} (the shared corpus, kept beside the repository as ../shared)")
    articles: list[Fields] = []
    with (ARTICLES / "tuoitre-2024.jsonl").open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            articles.append({"title": r["title"] or "", "summary": r["description"] or "", "text": r["content"] or ""})
    with (ARTICLES / "libya-haftar-vietnews.jsonl").open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            articles.append({"title": r["title"] or "", "summary": r["sapo"] or "", "text": r["text"] or ""})
    csv.field_size_limit(sys.maxsize)
    with (ARTICLES / "vietnamnet-2025.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            articles.append({"title": r["title"] or "", "summary": r["summary"] or "", "text": r["content"] or ""})
    return articles


def names_by_article(articles: Sequence[Fields]) -> list[list[str]]:
    """The names of each article, most frequent first.

    A name is a run of capitalised syllables that is not at a sentence start, stripped of leading
    ordinary words ("Theo Reuters" → "Reuters"), and written capitalised far more often than in
    lower case (so "Theo", "Ngày" or "Tòa" are not names but "Hà Nội", "Haftar", "NATO" are).
    """
    found_per_article = []
    capitalised: collections.Counter[str] = collections.Counter()
    for a in articles:
        text = unicodedata.normalize("NFC", " ".join(a.values()))
        found = collections.Counter(m.group(1) for m in _NAME.finditer(text))
        found_per_article.append(found)
        capitalised.update(found)
    lower: collections.Counter[str] = collections.Counter()
    for a in articles:
        lower.update(re.findall(r"\b[a-zà-ỹđ]+\b", unicodedata.normalize("NFC", " ".join(a.values()))))
    single = {w: c for w, c in capitalised.items() if " " not in w and "-" not in w}

    def clean(name: str) -> str | None:
        words = name.split(" ")
        while words and lower[words[0].lower()] > single.get(words[0], 0):
            words = words[1:]  # an ordinary word that happens to be capitalised here
        if not words or (len(words) == 1 and (len(words[0]) < 3 or capitalised[words[0]] < 3)):
            return None
        return " ".join(words)

    per_article = []
    for found in found_per_article:
        names = [clean(n) for n, c in found.most_common(15) if capitalised[n] >= 2]
        per_article.append(list(dict.fromkeys(n for n in names if n)))
    return per_article


def document_frequency(per_article: Sequence[Sequence[str]]) -> collections.Counter[str]:
    return collections.Counter(n for names in per_article for n in set(names))


def generate_topics(articles: Sequence[Fields], n: int, *, max_share: float | None, seed: int = 3) -> list[Topic]:
    """`n` topics, each a handful of names that occur together in one article of the corpus.

    As a careful user would write them: acronyms and one-syllable names as exact_case ("NATO",
    "Nga", "Trump"), longer names as terms; an ignore phrase "<word before> <name>" for a name or
    two; sometimes one or two exclude phrases. Every 20th topic folds accents, the first one
    included, so 10, 100 and 1,000 topics all pay for the folded pass, which any one
    fold_accents topic switches on.

    With `max_share`, only names found in at most that share of the articles are used: a watched
    topic is a subject ("Haftar", "Biển Đông", "Boeing"), not "Việt Nam" or "UBND", which are
    in half the articles (Libya is in 0.1% of the Tuổi Trẻ articles). Without it, the stress
    case: every topic holds some of the commonest names and matches a large share of articles.
    """
    rng = random.Random(seed)
    per_article = names_by_article(articles)
    if max_share is not None:
        df = document_frequency(per_article)
        per_article = [[x for x in names if df[x] <= max_share * len(articles)] for names in per_article]
    usable = [names for names in per_article if len(names) >= 2]
    text = unicodedata.normalize("NFC", " ".join(" ".join(a.values()) for a in rng.sample(list(articles), 200)))
    topics = []
    for i in range(n):
        names = rng.choice(usable)
        chosen = rng.sample(names, k=min(len(names), rng.randint(2, 6)))
        exact = [x for x in chosen if " " not in x and "-" not in x]
        terms = [x for x in chosen if x not in exact]
        ignore = [p for p in (_ignore_phrase(text, x) for x in chosen[:2]) if p]
        topics.append(Topic(
            id=f"t{i}", name=" / ".join(chosen), terms=tuple(terms), exact_case=tuple(exact),
            ignore=tuple(ignore), exclude=tuple(rng.sample(EXCLUDES, k=rng.choice((0, 0, 1, 2)))),
            fold_accents=i % 20 == 0,
        ))
    return topics


def _ignore_phrase(text: str, name: str) -> str | None:
    """"<word before> <name>" as seen in the corpus (like "Thị Nga" or "đường Trường Sa")."""
    at = text.find(" " + name)
    if at < 0:
        return None
    m = _BEFORE.search(text[max(0, at - 20):at + 1])
    return f"{m.group(1)} {name}" if m else None


# --------------------------------------------------------------------------- the two matchers


def matcher_fn(topics: Sequence[Topic]) -> Callable[[Fields], int]:
    matcher = Matcher(topics)
    return lambda fields: len(matcher.matching(fields))


def baseline_fn(topics: Sequence[Topic]) -> Callable[[Fields], int]:
    """One regex per term and per exclude phrase, tried topic by topic over the case-folded text."""
    def rx(phrase: str) -> re.Pattern[str]:
        return re.compile(r"\b" + re.escape(unicodedata.normalize("NFC", phrase).casefold()) + r"\b")

    compiled = [([rx(t) for t in (*topic.terms, *topic.exact_case)], [rx(x) for x in topic.exclude])
                for topic in topics]

    def run(fields: Fields) -> int:
        text = unicodedata.normalize("NFC", "\n".join(fields.values())).casefold()
        return sum(1 for terms, excludes in compiled
                   if any(r.search(text) for r in terms) and not any(r.search(text) for r in excludes))
    return run


def best_rates(fns: Sequence[Callable[[Fields], int]], articles: Sequence[Fields],
               min_seconds: float) -> list[tuple[float, int]]:
    """Articles per second of each function: the best of rounds in which each one runs in turn.

    Interleaving the rounds spreads any load from other processes over every function alike, so
    the ratios stay meaningful on a busy machine.
    """
    best = [0.0] * len(fns)
    matched = [0] * len(fns)
    spent = 0.0
    rounds = 0
    while spent < min_seconds * len(fns) or rounds < 2:
        for i, fn in enumerate(fns):
            start = time.process_time()  # CPU time: other processes on the machine do not count
            matched[i] = sum(fn(a) for a in articles)
            elapsed = time.process_time() - start
            spent += elapsed
            best[i] = max(best[i], len(articles) / elapsed)
        rounds += 1
    return list(zip(best, matched, strict=True))


def run_scenario(label: str, articles: Sequence[Fields], sample: Sequence[Fields], topics: Sequence[Topic],
                 min_seconds: float) -> tuple[float, float]:
    """Print one line per topic count; return (cost ratio 1,000 vs 10 topics, speed-up over the baseline)."""
    print(f"\n{label}: {sum(len(t.terms) + len(t.exact_case) for t in topics)} terms, "
          f"{sum(len(t.ignore) for t in topics)} ignore and {sum(len(t.exclude) for t in topics)} exclude "
          f"phrases in {len(topics)} topics; e.g. {topics[0].name!r}, {topics[1].name!r}")
    counts = (10, 100, 1000)
    builds, matchers = [], []
    for n in counts:
        start = time.perf_counter()
        matchers.append(matcher_fn(topics[:n]))
        builds.append(time.perf_counter() - start)
    ours = best_rates(matchers, articles, min_seconds)
    on_sample = best_rates(matchers, sample, min_seconds / 3)
    baseline = best_rates([baseline_fn(topics[:n]) for n in counts], sample, min_seconds / 3)
    for n, build, (rate, matched), (rate_sample, _), (base, base_matched) in zip(
            counts, builds, ours, on_sample, baseline, strict=True):
        print(f"{n:>5} topics: Matcher {rate:6.0f} articles/s ({matched / len(articles):5.1f} topics matched "
              f"per article; built in {build * 1000:3.0f} ms) | sample: {rate_sample:6.0f}/s, "
              f"baseline {base:7.1f}/s ({base_matched / len(sample):5.1f} per article): {rate_sample / base:5.0f}x")
    cost, speedup = ours[0][0] / ours[2][0], on_sample[2][0] / baseline[2][0]
    print(f"1,000 topics cost {cost:.2f}x 10 topics (target <= 2x); "
          f"Matcher {speedup:.0f}x faster than the baseline at 1,000 topics (target >= 20x)")
    return cost, speedup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer articles and shorter runs (a smoke test)")
    args = parser.parse_args()
    articles = load_articles()
    rng = random.Random(7)
    corpus = rng.sample(articles, 150) if args.quick else articles
    sample = corpus[:40] if args.quick else rng.sample(articles, 100)
    min_seconds = 0.5 if args.quick else 4.0
    chars = sum(len(v) for a in corpus for v in a.values())
    print(f"Matcher on {len(corpus)} articles ({chars / 1e6:.1f} M characters), best of repeated passes; "
          f"Matcher and baseline compared on a sample of {len(sample)}")
    run_scenario("realistic topics (names found in at most 2% of the articles)", corpus, sample,
                 generate_topics(articles, 1000, max_share=0.02), min_seconds)
    run_scenario("stress topics (any names, \"Việt Nam\" and \"UBND\" included)", corpus, sample,
                 generate_topics(articles, 1000, max_share=None), min_seconds)


if __name__ == "__main__":
    main()
