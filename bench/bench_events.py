"""Benchmark: event extraction speed, and the cost of deciding "known or new" as the store grows.

    .venv/bin/python bench/bench_events.py [--quick]

1. Extraction over the real corpus in ../shared/corpus/articles (VietNews Libya articles,
   the conflicts set, Tuổi Trẻ 2024): articles/s and events/s; and the two per-sentence scans
   run on every sentence (`vndates.find_dates`, `Aliases.find`), in µs per sentence.
2. Known-or-new: a new event is compared with the stored events that share one of its
   `dedup.blocking_keys` (an in-memory dict index, as the store keeps in SQLite), against a
   linear scan of every stored event. Synthetic stores of 100 and 100,000 events arrive at a
   steady rate (5 a day: 100 events span 20 days, 100,000 about 55 years); the new
   events fall in the middle of the stored period, where both stores have the same density.
   The target (issue 5): with 100,000 stored, at most 1.5x the cost with 100.

Timings are ratios against a baseline measured in the same process; nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.aliases import default_aliases  # noqa: E402
from monitor.dedup import blocking_keys, same_event  # noqa: E402
from monitor.events import extract_events, split_sentences  # noqa: E402
from monitor.models import Event  # noqa: E402
from monitor.text import normalize  # noqa: E402
from monitor.vndates import find_dates  # noqa: E402

ARTICLES = ROOT.parent / "shared" / "corpus" / "articles"
ICT = timezone(timedelta(hours=7))
TYPES = ("attack", "airstrike", "clash", "capture", "casualties", "appeal", "meeting", "agreement",
         "sanction", "protest", "disaster", "election", "arrest")  # fmt: skip
PLACES = (None, "Tripoli", "Benghazi", "Kiev", "Gaza", "Beirut", "Kharkov", "sân bay quốc tế Tripoli", "Sirte")
ACTORS = ((), ("LNA",), ("GNA",), ("Nga",), ("Ukraine",), ("Israel",), ("Hamas",), ("Haftar",), ("Sergei Lavrov",))
PER_DAY = 5  # a few watched topics; 100 events then span 20 days, well beyond the 7-day blocking window


def corpus(limit: int | None) -> Iterator[tuple[str, str, str, datetime | None]]:
    """(title, summary, text, published) for the real articles."""
    fallback = datetime(2019, 4, 20, 8, tzinfo=ICT)  # the VietNews rows carry no date
    files = [("libya-haftar-vietnews.jsonl", "sapo", "text", None),
             ("conflicts-casualties.jsonl", "description", "text", "published"),
             ("tuoitre-2024.jsonl", "description", "content", "date")]  # fmt: skip
    n = 0
    for name, summary, text, date_key in files:
        with (ARTICLES / name).open(encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                try:
                    published = datetime.fromisoformat(row[date_key]) if date_key else fallback
                except (ValueError, TypeError):
                    published = fallback
                yield row.get("title") or "", row.get(summary) or "", row.get(text) or "", published
                n += 1
                if limit and n >= limit:
                    return


def bench_extraction(limit: int | None) -> tuple[int, int, float]:
    articles = list(corpus(limit))
    start = time.perf_counter()
    events = sum(len(extract_events(title=t, summary=s, text=x, published=p)) for t, s, x, p in articles)
    return len(articles), events, time.perf_counter() - start


def bench_scans(limit: int | None) -> tuple[int, float, float]:
    """Sentences of the lead and body of each article (as extraction splits them), and the best of
    three passes of find_dates and of Aliases.find over all of them, in seconds."""
    sentences = [(s, p) for t, su, x, p in corpus(limit) for part in (f"{t}\n{su}", x)
                 for s in split_sentences(normalize(part))]  # fmt: skip
    table = default_aliases()
    t_dates = t_aliases = float("inf")
    for _round in range(3):
        start = time.perf_counter()
        for s, p in sentences:
            find_dates(s, p)
        t_dates = min(t_dates, time.perf_counter() - start)
        start = time.perf_counter()
        for s, _p in sentences:
            table.find(s)
        t_aliases = min(t_aliases, time.perf_counter() - start)
    return len(sentences), t_dates, t_aliases


def synthetic(n: int, rng: random.Random, end: datetime) -> list[tuple[Event, datetime]]:
    """n stored events arriving PER_DAY a day up to `end`; a quarter undated."""
    out = []
    for i in range(n):
        published = end - timedelta(days=(n - i) / PER_DAY, minutes=rng.randint(0, 600))
        day = None if rng.random() < 0.25 else (published - timedelta(days=rng.randint(0, 2))).date().isoformat()
        ev = Event(rng.choice(TYPES), day, rng.choice(PLACES), rng.choice(ACTORS), None, None, "...")
        out.append((ev, published))
    return out


def index_of(stored: list[tuple[Event, datetime]]) -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for i, (ev, published) in enumerate(stored):
        for key in blocking_keys(ev, published):
            index.setdefault(key, []).append(i)
    return index


def known_by_index(ev: Event, published: datetime, stored: list, index: dict[str, list[int]]) -> tuple[bool, int]:
    cands = {i for key in blocking_keys(ev, published) for i in index.get(key, ())}
    return any(same_event(stored[i][0], stored[i][1], ev, published) for i in cands), len(cands)


def known_by_scan(ev: Event, published: datetime, stored: list) -> bool:
    return any(same_event(old, old_pub, ev, published) for old, old_pub in stored)


def bench_lookup(n: int, queries: int, scan_queries: int) -> dict[str, float]:
    rng = random.Random(n)
    end = datetime(2024, 11, 28, 12, tzinfo=ICT)
    stored = synthetic(n, rng, end)
    index = index_of(stored)
    # new events in the middle of the stored period, so both stores surround them with the same
    # density (at the edge, the small store would look emptier than it is)
    middle = end - timedelta(days=n / PER_DAY / 2)
    new = [(replace(ev, date=None if ev.date is None else (pub - timedelta(days=rng.randint(0, 2))).date().isoformat()), pub)
           for ev, _p in synthetic(queries, rng, end)
           for pub in [middle + timedelta(minutes=rng.randint(-720, 720))]]  # fmt: skip
    t_index, cands = float("inf"), 0
    for _round in range(5):  # best of five: the first round also warms caches
        start = time.perf_counter()
        cands = sum(known_by_index(ev, pub, stored, index)[1] for ev, pub in new)
        t_index = min(t_index, (time.perf_counter() - start) / queries)
    start = time.perf_counter()
    for ev, pub in new[:scan_queries]:
        known_by_scan(ev, pub, stored)
    t_scan = (time.perf_counter() - start) / scan_queries
    return {"n": n, "index_us": t_index * 1e6, "scan_us": t_scan * 1e6, "candidates": cands / queries}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer articles and queries (a few seconds)")
    args = parser.parse_args()
    if not ARTICLES.exists():
        sys.exit(f"bench: needs {ARTICLES} (the shared corpus beside the repository)")
    n_art, n_ev, secs = bench_extraction(150 if args.quick else None)
    print(f"extraction: {n_art} articles, {n_ev} events in {secs:.2f} s "
          f"= {n_art / secs:.0f} articles/s, {n_ev / secs:.0f} events/s")  # fmt: skip
    n_sent, t_dates, t_aliases = bench_scans(150 if args.quick else None)
    print(f"per sentence ({n_sent} sentences): find_dates {t_dates / n_sent * 1e6:.1f} µs, "
          f"Aliases.find {t_aliases / n_sent * 1e6:.1f} µs")  # fmt: skip
    queries, scan_queries = (300, 5) if args.quick else (2000, 20)
    rows = [bench_lookup(n, queries, scan_queries) for n in (100, 100_000)]
    print(f"\n{'stored':>8} {'index µs/query':>15} {'candidates':>11} {'scan µs/query':>14}")
    for r in rows:
        print(f"{r['n']:>8} {r['index_us']:>15.1f} {r['candidates']:>11.1f} {r['scan_us']:>14.0f}")
    small, big = rows
    print(f"\nknown-or-new, 100,000 vs 100 stored: index {big['index_us'] / small['index_us']:.2f}x (target ≤ 1.5x), "
          f"scan {big['scan_us'] / small['scan_us']:.0f}x")  # fmt: skip
    print(f"index vs scan at 100,000 stored: {big['scan_us'] / big['index_us']:.0f}x faster")


if __name__ == "__main__":
    main()
