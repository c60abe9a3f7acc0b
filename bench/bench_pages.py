"""Article extraction: quality (body recall/precision) and speed, ours against trafilatura and bs4.

    .venv/bin/python bench/bench_pages.py [--quick] [--json FILE]

Pages measured, all in one run:
- the real VnExpress article pages of ../shared/corpus/pages; their true body is read here by an
  independent BeautifulSoup pass (`p.description` + every `p` of `article.fck_detail` but the
  `p.Image` captions and the author's right-aligned line), so the truth does not come from the
  code under test;
- one page per outlet layout (tests/fixtures/pages/build.py) around the synthetic article, and
  two per outlet around real article text from ../shared/corpus/articles (skipped when absent).

Quality is token overlap (words, lower-cased, as multisets) of lead + body against the truth:
recall = shared / truth tokens, precision = shared / extracted tokens. Extractors:
- ours:    monitor.pages.extract with the host's site rule (what the daemon runs);
- generic: monitor.pages.extract on the same bytes with no rule (an unknown host's URL);
- trafilatura.extract (favor_precision off, no comments, no tables), the best-known open extractor;
- bs4:     a BeautifulSoup(lxml) densest-<p>-block extractor, the baseline a user would write.
Speed is the median wall time per page of each extractor on the same bytes, in the same process;
ratios are against ours. No result here is asserted by the test-suite.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402
from bs4 import BeautifulSoup  # noqa: E402

from monitor import pages  # noqa: E402
from tests.fixtures.pages import build as layouts  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpus"
UNKNOWN_URL = "https://mirror.example.org/bai-viet.html"


@dataclass(frozen=True)
class Case:
    group: str  # the outlet (host)
    name: str
    url: str
    html: bytes
    truth: str  # lead + body, one paragraph a line


# --------------------------------------------------------------------------- the pages


def vnexpress_truth(html: bytes) -> str:
    soup = BeautifulSoup(html, "lxml")
    lead = soup.select_one("p.description")
    body = [p for p in soup.select("article.fck_detail p")
            if "right" not in p.get("style", "") and "Image" not in p.get("class", [])]
    return "\n".join(" ".join(n.get_text(" ").split()) for n in ([lead] if lead else []) + body)


def cases(quick: bool) -> list[Case]:
    found: list[Case] = []
    for path in sorted((SHARED / "pages").glob("vnexpress_article_2019-*.html")):
        html = path.read_bytes()
        canonical = re.search(rb'rel="canonical" href="([^"]+)"', html)
        url = canonical.group(1).decode() if canonical else "https://vnexpress.net/"
        found.append(Case("vnexpress.net (real)", path.name, url, html, vnexpress_truth(html)))
    articles = [(host, layouts.synthetic()) for host in layouts.LAYOUTS]
    if (SHARED / "articles").is_dir():
        real = list(layouts.corpus_articles(SHARED))
        articles += real[::2] if quick else real
    else:
        print(f"note: {SHARED} absent: built pages use the synthetic article only", file=sys.stderr)
    for i, (host, article) in enumerate(articles):
        built = layouts.build(host, article, i)
        truth = "\n".join((article.lead, *article.paragraphs))
        found.append(Case(host, article.source, built.url, built.html, truth))
    return found


# --------------------------------------------------------------------------- the extractors


def ours(case: Case) -> str:
    page = pages.extract(case.html, url=case.url)
    return "\n".join((page.lead, *page.paragraphs))


def generic(case: Case) -> str:
    page = pages.extract(case.html, url=UNKNOWN_URL)
    return "\n".join((page.lead, *page.paragraphs))


def traf(case: Case) -> str:
    return trafilatura.extract(case.html, url=case.url, include_comments=False, include_tables=False) or ""


BS4_JUNK = ["script", "style", "noscript", "nav", "header", "footer", "aside", "figure", "figcaption", "form"]


def bs4_densest(case: Case) -> str:
    """What a user writes with BeautifulSoup: drop junk tags, keep the <p> of the densest parent."""
    soup = BeautifulSoup(case.html, "lxml")
    for tag in soup(BS4_JUNK):
        tag.decompose()
    scores: Counter[int] = Counter()
    parents = {}
    for p in soup.find_all("p"):
        parent = p.parent
        scores[id(parent)] += len(p.get_text())
        parents[id(parent)] = parent
    if not scores:
        return ""
    best = parents[scores.most_common(1)[0][0]]
    description = soup.find("meta", attrs={"name": "description"})
    lead = description.get("content", "") if description else ""
    return "\n".join([lead] + [" ".join(p.get_text(" ").split()) for p in best.find_all("p")])


EXTRACTORS: dict[str, Callable[[Case], str]] = {"ours": ours, "generic": generic, "trafilatura": traf,
                                                "bs4": bs4_densest}


# --------------------------------------------------------------------------- measures


def tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def overlap(got: str, truth: str) -> tuple[float, float]:
    g, t = tokens(got), tokens(truth)
    common = sum((g & t).values())
    return common / max(1, sum(t.values())), common / max(1, sum(g.values()))


def quality(all_cases: list[Case]) -> dict[str, dict[str, tuple[float, float]]]:
    """{group: {extractor: (mean recall, mean precision)}}, plus an "ALL" group."""
    sums: dict[str, dict[str, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))
    for case in all_cases:
        for name, fn in EXTRACTORS.items():
            try:
                score = overlap(fn(case), case.truth)
            except pages.ParseError:
                score = (0.0, 0.0)
            sums[case.group][name].append(score)
            sums["ALL"][name].append(score)
    return {group: {name: (statistics.fmean(r for r, _ in v), statistics.fmean(p for _, p in v))
                    for name, v in by.items()} for group, by in sums.items()}


def timing(all_cases: list[Case], repeat: int) -> dict[str, float]:
    """Median seconds per page for each extractor (each page timed `repeat` times)."""
    result = {}
    for name, fn in EXTRACTORS.items():
        per_page = []
        for case in all_cases:
            runs = []
            for _ in range(repeat):
                start = time.perf_counter()
                try:
                    fn(case)
                except pages.ParseError:
                    pass
                runs.append(time.perf_counter() - start)
            per_page.append(min(runs))
        result[name] = statistics.median(per_page)
    return result


def listing_timing(repeat: int) -> dict[str, float] | None:
    homes = sorted((SHARED / "pages").glob("vnexpress_homepage_saved_*.html"))
    if not homes:
        return None
    html = homes[-1].read_bytes()

    def bs4_listing() -> int:
        soup = BeautifulSoup(html, "lxml")
        return len([a["href"] for a in soup.select("article.item-news h3.title-news a[href]")])

    out = {}
    for name, fn in (("ours", lambda: len(pages.parse_listing(html, url="https://vnexpress.net/").entries)),
                     ("bs4", bs4_listing)):
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - start)
        out[name] = min(runs)
    return out


# --------------------------------------------------------------------------- report


def report(q: dict[str, dict[str, tuple[float, float]]], t: dict[str, dict[str, float]], listing: dict[str, float] | None,
           n: int) -> str:
    names = list(EXTRACTORS)
    lines = [f"Body recall / precision (lead + body tokens), {n} pages", ""]
    lines.append(f"{'outlet':24}" + "".join(f"{name:>18}" for name in names))
    for group in sorted(q, key=lambda g: (g == "ALL", g)):
        row = "".join(f"{q[group][name][0]:>9.3f} /{q[group][name][1]:.3f}" for name in names)
        lines.append(f"{group:24}{row}")
    for title, times in t.items():
        lines += ["", f"Time per page, {title} (median over pages of the best of the repeats)", ""]
        for name in names:
            lines.append(f"{name:12} {times[name] * 1000:8.2f} ms   {times[name] / times['ours']:6.1f}x ours")
    if listing:
        lines += ["", "Listing page (saved VnExpress home page, 1.4 MB)", ""]
        for name, seconds in listing.items():
            lines.append(f"{name:12} {seconds * 1000:8.2f} ms   {seconds / listing['ours']:6.1f}x ours")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="half the real-text pages, 3 repeats")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = parser.parse_args(argv)
    all_cases = cases(args.quick)
    repeat = 3 if args.quick else 15
    real = [case for case in all_cases if case.group.endswith("(real)")]
    t = {f"all {len(all_cases)} pages": timing(all_cases, repeat)}
    if real:
        t["the real VnExpress pages"] = timing(real, repeat * 3)
    q, listing = quality(all_cases), listing_timing(repeat)
    print(report(q, t, listing, len(all_cases)))
    if args.json:
        args.json.write_text(json.dumps({"quality": q, "seconds_per_page": t, "listing": listing}, indent=2))


if __name__ == "__main__":
    main()
