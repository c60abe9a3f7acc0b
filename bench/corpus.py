"""The benchmark's material: real Vietnamese articles turned into feeds, pages and topics.

Everything is deterministic (seeded) so the server process and the benchmark process build the
same documents independently:

- `load_articles()`: the 1,479 real articles of ../shared/corpus/articles (Tuổi Trẻ 2024,
  VietNamNet 2025, the VietNews Libya/Haftar set) as title, summary, paragraphs.
- `feed_bytes(i, ...)`: feed number i, an RSS 2.0 document in the VnExpress manner (CDATA
  description holding an image link, then the summary; RFC 822 dates in +0700), 50 items by
  default, each item a real article under a unique address.
- `page_bytes(article)`: a real-sized article page, the saved VnExpress page of 2019-02-18
  (68 KB: header, menus, scripts, related links) with its title, lead and body replaced by the
  article's.
- `topics()`: config/topics/libya.toml plus 19 topics generated from names found in the corpus
  (names that appear together in one article, acronyms as exact_case).

The corpus text stays in ../shared (it has no licence to be copied into the repository).
"""

from __future__ import annotations

import collections
import csv
import html
import json
import random
import re
import sys
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
ARTICLES = SHARED / "articles"
PAGE_TEMPLATE = SHARED / "pages" / "vnexpress_article_2019-02-18.html"
ICT = timezone(timedelta(hours=7))
ITEMS_PER_FEED = 50
SEED = 2024

_UPPER = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_WORD = f"[{_UPPER}][\\w]*"
_NAME = re.compile(f"(?<=[\\w,] )({_WORD}(?:[ -]{_WORD}){{0,3}})")  # capitalised, not sentence-initial
_PARA = re.compile(r"\s{2,}|\n+")
_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[A-ZĐ\"“])")


@dataclass(frozen=True)
class Article:
    title: str
    summary: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def require_corpus() -> None:
    if not ARTICLES.exists():
        sys.exit(f"bench: needs the shared corpus at {SHARED} (kept beside the repository as ../shared)")


def _paragraphs(text: str) -> tuple[str, ...]:
    """Paragraphs as the outlet printed them: double spaces/newlines in the dumps, else ~3 sentences."""
    text = unicodedata.normalize("NFC", text or "").replace("\u200b", "")
    parts = [p.strip() for p in _PARA.split(text) if p.strip()]
    if len(parts) <= 2 and len(text) > 1200:
        sentences = _SENTENCE.split(text)
        parts = [" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)]
    return tuple(parts)


@cache
def load_articles() -> tuple[Article, ...]:
    require_corpus()
    out: list[Article] = []
    with (ARTICLES / "tuoitre-2024.jsonl").open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            out.append(Article(r["title"] or "", r["description"] or "", _paragraphs(r["content"])))
    with (ARTICLES / "libya-haftar-vietnews.jsonl").open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            out.append(Article(r["title"] or "", r["sapo"] or "", _paragraphs(r["text"])))
    csv.field_size_limit(sys.maxsize)
    with (ARTICLES / "vietnamnet-2025.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            out.append(Article(r["title"] or "", r["summary"] or "", _paragraphs(r["content"])))
    return tuple(a for a in out if a.title and a.paragraphs)


# --------------------------------------------------------------------------- feeds


def item_article(feed: int, item: int) -> int:
    """Which corpus article item `item` of feed `feed` carries (each feed a different mix)."""
    n = len(load_articles())
    return (feed * 7919 + item * 104729) % n


def item_path(feed: int, item: int) -> str:
    return f"/a/{feed}/{item}-{item_article(feed, item)}.htm"


def feed_path(feed: int) -> str:
    return f"/f/{feed}.rss"


def item_time(feed: int, item: int, now: float) -> datetime:
    """Newest first, spread over the last ~36 hours (all inside the 2-day max_age: they alert)."""
    rng = random.Random(feed * 1_000_003 + item)
    age = item * 2400 + rng.uniform(0, 1200) + 60
    return datetime.fromtimestamp(now - age, ICT)


def _cdata(text: str) -> str:
    return text.replace("]]>", "]]]]><![CDATA[>")


def feed_bytes(feed: int, base_url: str, now: float, items: int = ITEMS_PER_FEED) -> bytes:
    articles = load_articles()
    out = []
    for j in range(items):
        a = articles[item_article(feed, j)]
        link = base_url + item_path(feed, j)
        desc = f'<a href="{link}"><img width="130" height="100" src="{base_url}/i/{feed}-{j}.jpg"></a></br>{a.summary}'
        out.append(
            f"<item><title>{html.escape(a.title, quote=False)}</title>"
            f"<description><![CDATA[{_cdata(desc)}]]></description>"
            f"<pubDate>{format_datetime(item_time(feed, j, now))}</pubDate>"
            f"<link>{link}</link><guid>{link}</guid></item>"
        )
    doc = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>Báo số {feed} – Thế giới</title><link>{base_url}/</link>"
        "<description>Tin tức thế giới</description><language>vi</language>"
        + "\n".join(out) + "</channel></rss>"
    )
    return doc.encode("utf-8")


# --------------------------------------------------------------------------- pages


@cache
def _template() -> tuple[str, str, str]:
    page = PAGE_TEMPLATE.read_text(encoding="utf-8")
    start = page.index('<h1 class="title_news_detail mb10">')
    body_end = page.index("</article>", start) + len("</article>")
    head = re.sub(r"<title>.*?</title>", "<title>{TITLE}</title>", page[:start], count=1, flags=re.S)
    return head, page[body_end:], page[start:body_end]


def page_bytes(index: int) -> bytes:
    """Article `index` of the corpus in the VnExpress page layout (real header, menus, scripts)."""
    a = load_articles()[index]
    head, tail, _ = _template()
    title = html.escape(a.title)
    body = "".join(f'<p class="Normal">\n{html.escape(p, quote=False)}</p>' for p in a.paragraphs)
    article = (
        f'<h1 class="title_news_detail mb10">\n{title} </h1>\n'
        f'<p class="description">{html.escape(a.summary, quote=False)}</p>\n'
        f'<article class="content_detail fck_detail width_common block_ads_connect">\n{body} </article>'
    )
    return (head.replace("{TITLE}", title, 1) + article + tail).encode("utf-8")


# --------------------------------------------------------------------------- topics


def _names(articles: tuple[Article, ...]) -> tuple[list[list[str]], collections.Counter[str]]:
    counts: collections.Counter[str] = collections.Counter()
    per_article = []
    for a in articles:
        found = collections.Counter(m.group(1) for m in _NAME.finditer(f"{a.title}. {a.summary} {a.text}"))
        counts.update(found)
        per_article.append([n for n, _ in found.most_common(10)])
    return per_article, counts


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


def generated_topics_toml(n: int = 19, seed: int = SEED) -> str:
    """`n` [[topic]] tables, each 3-6 names that appear together in one corpus article."""
    rng = random.Random(seed)
    per_article, counts = _names(load_articles())
    def specific(name: str) -> bool:  # a user's term: a multi-syllable name or an acronym, not a common word
        return 3 <= counts[name] <= 80 and (" " in name or "-" in name or (name.isupper() and len(name) >= 3))

    usable = [[x for x in names if specific(x)] for names in per_article]
    usable = [names for names in usable if len(names) >= 3]
    tables = []
    for i in range(n):
        names = rng.choice(usable)
        chosen = rng.sample(names, k=min(len(names), rng.randint(3, 6)))
        exact = [x for x in chosen if x.isupper() and len(x) <= 6]
        terms = [x for x in chosen if x not in exact]
        tables.append(
            f'[[topic]]\nid = "bench-{i}"\nname = {json.dumps(" / ".join(chosen[:3]), ensure_ascii=False)}\n'
            f"terms = {_toml_list(terms)}\nexact_case = {_toml_list(exact)}\n"
        )
    return "\n".join(tables)


@cache
def topic_terms() -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    """(id, terms, exact_case) of the 20 topics, for the baseline's regexes."""
    import tomllib

    docs = [tomllib.loads((ROOT / "config" / "topics" / "libya.toml").read_text(encoding="utf-8")),
            tomllib.loads(generated_topics_toml())]
    return tuple((t["id"], tuple(t.get("terms", ())), tuple(t.get("exact_case", ())))
                 for d in docs for t in d["topic"])
