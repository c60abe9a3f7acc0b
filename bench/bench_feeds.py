"""Benchmark: monitor.feeds.parse_feed against bare lxml (the lower bound) and feedparser.

    .venv/bin/python bench/bench_feeds.py [--repeat N] [--quick]

Parses every recorded feed of ../shared/corpus/feeds plus a generated VietnamNet-sized feed
(1,000 items with CDATA HTML descriptions and Vietnamese text) N times with:

- bare lxml: `lxml.etree` in recover mode and `findtext()` for title/link/guid/description/pubDate
  of each item. No encoding repair, no entity or DOCTYPE handling, no HTML stripping, no date
  parsing: what any parser built on lxml has to pay at least;
- monitor.feeds.parse_feed: everything the daemon needs (plain-text summaries, aware dates, ...);
- feedparser.parse, the usual choice (installed with the `bench` extra).

Prints ms per feed for each and the ratios. Targets from the issue: parse_feed within about 3x
of bare lxml, and far faster than feedparser (measured there at about 30x lxml).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from monitor.feeds import parse_feed  # noqa: E402

try:
    import feedparser
except ImportError:  # the `bench` extra is not installed
    feedparser = None

CORPUS = ROOT.parent / "shared" / "corpus" / "feeds"


def generated_feed(items: int = 1000) -> bytes:
    """A VietnamNet-like world feed: Vietnamese titles, CDATA descriptions with an image link."""
    body = "".join(
        f"<item><title>Tình hình Libya: tướng Haftar và chính phủ Tripoli, bản tin số {i}</title>"
        f"<link>https://vietnamnet.vn/the-gioi/tinh-hinh-libya-ban-tin-{i}-{2290000 + i}.html</link>"
        f"<guid>https://vietnamnet.vn/the-gioi/tinh-hinh-libya-ban-tin-{i}-{2290000 + i}.html</guid>"
        f'<description><![CDATA[<a href="https://vietnamnet.vn/the-gioi/{i}.html"><img src="https://static'
        f'.vnncdn.net/w500/2025/04/06/{i}.jpg" /></a></br>Lực lượng của tướng Khalifa Haftar tiếp tục giao '
        f"tranh ở ngoại ô Tripoli, khiến hàng chục người thiệt mạng và hàng nghìn người phải sơ tán.]]>"
        f"</description><pubDate>Sun, 06 Apr 2025 {i % 24:02d}:{i % 60:02d}:00 +0700</pubDate></item>"
        for i in range(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Thế giới - VietNamNet'
        f"</title><link>https://vietnamnet.vn/the-gioi</link>{body}</channel></rss>"
    ).encode()


def bare_lxml(data: bytes) -> int:
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(data, parser)
    if root is None:
        return 0
    rows = [
        (it.findtext("title"), it.findtext("link"), it.findtext("guid"), it.findtext("description"),
         it.findtext("pubDate"))
        for it in root.iter("item")
    ]
    return len(rows)


def ours(data: bytes) -> int:
    return len(parse_feed(data).entries)


def with_feedparser(data: bytes) -> int:
    return len(feedparser.parse(data).entries)


def timed(fn: Callable[[bytes], int], data: bytes, repeat: int) -> float:
    """Best of three rounds of `repeat` calls, in ms per call."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeat):
            fn(data)
        best = min(best, (time.perf_counter() - start) / repeat)
    return best * 1000


def load() -> list[tuple[str, bytes]]:
    feeds = [("generated_vietnamnet_1000_items", generated_feed())]
    if CORPUS.exists():
        feeds += [(p.name, p.read_bytes()) for p in sorted(CORPUS.iterdir()) if p.is_file()]
    else:
        print(f"note: {CORPUS} absent (the shared corpus beside the repository); generated feed only\n")
    return feeds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=50, help="calls per round (default 50)")
    ap.add_argument("--quick", action="store_true", help="5 calls per round")
    args = ap.parse_args()
    repeat = 5 if args.quick else args.repeat
    runners: list[tuple[str, Callable[[bytes], int]]] = [("lxml", bare_lxml), ("ours", ours)]
    if feedparser is not None:
        runners.append(("feedparser", with_feedparser))
    else:
        print("note: feedparser not installed (pip install -e '.[bench]'); its column is empty\n")

    print(f"{'feed':52} {'items':>5} {'lxml':>5} {'lxml ms':>8} {'ours ms':>8} {'fp ms':>8} {'ours/lxml':>9} "
          f"{'fp/ours':>8}")
    totals = dict.fromkeys([name for name, _ in runners], 0.0)
    for name, data in load():
        row = {r: timed(fn, data, max(1, repeat // 10) if len(data) > 100_000 else repeat) for r, fn in runners}
        lxml_items = bare_lxml(data)
        if lxml_items:  # bare lxml reads nothing from a document with junk before the root: no lower bound
            for r, ms in row.items():
                totals[r] += ms
        fp = row.get("feedparser")
        ratio = f"{row['ours'] / row['lxml']:9.1f}" if lxml_items else f"{'(n/a)':>9}"
        print(f"{name[:52]:52} {ours(data):5d} {lxml_items:5d} {row['lxml']:8.2f} {row['ours']:8.2f} "
              f"{fp if fp is not None else float('nan'):8.2f} {ratio} "
              f"{fp / row['ours'] if fp else float('nan'):8.1f}")
    fp_total = totals.get("feedparser")
    print(f"{'TOTAL (feeds bare lxml can read)':52} {'':5} {'':5} {totals['lxml']:8.2f} {totals['ours']:8.2f} "
          f"{fp_total if fp_total is not None else float('nan'):8.2f} {totals['ours'] / totals['lxml']:9.1f} "
          f"{fp_total / totals['ours'] if fp_total else float('nan'):8.1f}")
    print("\ntargets: ours/lxml about 3 or less; feedparser far slower than ours (fp/ours >> 1)")


if __name__ == "__main__":
    main()
