"""Phase "lower bound": the bare cost of parsing the bytes our cold cycle fetched, and nothing else.

    python bench/lower.py '{"feeds": [...urls], "pages": [...urls]}'

The same feed documents and the same article pages (those our cold cycle fetched, as the server
logged them) are downloaded first, outside the measurement. Then, best of `passes` passes (3):

- floor: `lxml.etree.fromstring` on each feed (reading title, link and description of every
  item) and selectolax `LexborHTMLParser` on each page (reading the text of `article p`): what
  any pipeline must at least spend to get the text out of these bytes;
- parse only: the same without reading anything back;
- our parse stages on the same bytes: `monitor.feeds.parse_feed` and `monitor.pages.extract`,
  so the share of the end-to-end cost that is parsing is visible.

Prints one JSON line of CPU seconds (time.process_time).
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Callable
from typing import Any

from lxml import etree
from selectolax.lexbor import LexborHTMLParser

from bench.measure import phase_main
from monitor import feeds, pages
from monitor.errors import ParseError


def _download(urls: list[str]) -> list[tuple[str, bytes]]:
    out = []
    for url in urls:
        with urllib.request.urlopen(url, timeout=30) as r:
            out.append((url, r.read()))
    return out


def best(fn: Callable[[], object], passes: int = 3) -> float:
    best = float("inf")
    for _ in range(passes):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def lxml_read(docs: list[tuple[str, bytes]]) -> int:
    n = 0
    for _, data in docs:
        root = etree.fromstring(data)
        for item in root.iter("item"):
            n += len(item.findtext("title") or "") + len(item.findtext("link") or "")
            n += len(item.findtext("description") or "")
    return n


def lxml_parse(docs: list[tuple[str, bytes]]) -> None:
    for _, data in docs:
        etree.fromstring(data)


def lexbor_read(docs: list[tuple[str, bytes]]) -> int:
    return sum(len(" ".join(p.text() for p in LexborHTMLParser(data).css("article p"))) for _, data in docs)


def lexbor_parse(docs: list[tuple[str, bytes]]) -> None:
    for _, data in docs:
        LexborHTMLParser(data)


def our_feeds(docs: list[tuple[str, bytes]]) -> None:
    for url, data in docs:
        feeds.parse_feed(data, url=url, content_type="application/rss+xml; charset=utf-8")


def our_pages(docs: list[tuple[str, bytes]]) -> None:
    for url, data in docs:
        try:
            pages.extract(data, url=url, content_type="text/html; charset=utf-8")
        except ParseError:
            pass


def run(spec: dict[str, Any]) -> dict[str, Any]:
    feed_docs = _download(spec["feeds"])
    page_docs = _download(spec["pages"])
    passes = spec.get("passes", 3)

    def _best(fn: Callable[[], object]) -> float:
        return best(fn, passes)

    return {
        "feeds": len(feed_docs), "pages": len(page_docs),
        "feed_bytes": sum(len(d) for _, d in feed_docs), "page_bytes": sum(len(d) for _, d in page_docs),
        "lxml_read_s": _best(lambda: lxml_read(feed_docs)),
        "lxml_parse_s": _best(lambda: lxml_parse(feed_docs)),
        "selectolax_read_s": _best(lambda: lexbor_read(page_docs)),
        "selectolax_parse_s": _best(lambda: lexbor_parse(page_docs)),
        "our_parse_feed_s": _best(lambda: our_feeds(feed_docs)),
        "our_extract_s": _best(lambda: our_pages(page_docs)),
    }


if __name__ == "__main__":
    phase_main(run)
