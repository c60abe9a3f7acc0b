"""An HTML page as a tree, its text and what it says about itself: the reading half of `pages`.

    parse_html(bytes, content_type, source) ─► LexborHTMLParser (capped, decoded by charsets.decode_html)
    read_meta(tree) ─► Meta (<meta> tags, JSON-LD Article objects, <title>, canonical URL)
    node_text / node_attr / select_value / first_text / clean_text / absolute_url / strip_site_name

Used by `monitor.pages` for article and listing pages. No I/O, no site knowledge (that is in
`monitor.sites`). Traps handled:

- size: only the first MAX_PAGE_BYTES are parsed;
- nesting: a page nested deeper than MAX_DEPTH is refused with a ParseError before lexbor
  builds it (tree building is quadratic in depth), measured without a Python loop per tag;
- text: zero-width spaces and stray BOMs removed, whitespace collapsed;
- JSON-LD: invalid JSON (or JSON nested deep enough for a RecursionError) is skipped; objects in
  `@graph` and in lists are found, at most 50 of them, and only Article-like ones kept; an author
  or publisher given as an object or a list gives its name;
- links: only absolute http(s) URLs without spaces, quotes or brackets come out;
- titles: the site's name after " - ", " | " or " – " is cut (`og:site_name`, or "Báo ...").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate
from operator import sub
from typing import Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.charsets import decode_html
from monitor.errors import ParseError
from monitor.sites import split_spec

__all__ = [
    "MAX_DEPTH",
    "MAX_PAGE_BYTES",
    "Meta",
    "absolute_url",
    "clean_text",
    "first_text",
    "jsonld_value",
    "node_attr",
    "node_text",
    "parse_html",
    "read_meta",
    "select_value",
    "strip_site_name",
]

MAX_PAGE_BYTES = 5 * 1024 * 1024
"""Bytes of a page that are parsed; the rest is ignored (a real article page is under 1 MiB)."""
MAX_DEPTH = 1000
"""Deepest element nesting parsed. Tree building (lexbor) and the nested-paragraph check are both
quadratic in depth: 40,000 nested <div> take seconds to parse, 4,900 nested <blockquote> seconds
to read. Real pages nest a few dozen deep (the saved VnExpress home page: 54)."""


# --------------------------------------------------------------------------- parsing

# Start and end tags of elements that nest (void and self-closing-by-sibling elements left out).
_NESTING_TAG = re.compile(
    rb"<(/?)(?!(?:p|li|br|img|meta|link|input|hr|td|tr|th|option|dt|dd|source|wbr|col|area|base|embed|param"
    rb"|track)[\s/>])[A-Za-z]",
    re.IGNORECASE,
)


def _nesting(data: bytes) -> int:
    """Deepest nesting of the markup (0 when it has too few tags to matter).

    The running depth, floored at 0 for stray end tags, is S[n] - min(S[0..n]) where S is the
    running sum of +1 (start) and -1 (end): computed with accumulate(), no Python loop per tag.
    """
    if data.count(b"<") <= MAX_DEPTH:
        return 0
    steps = map({b"": 1, b"/": -1}.__getitem__, _NESTING_TAG.findall(data))
    sums = list(accumulate(steps, initial=0))
    # operator.sub is typed (Any, Any) -> Any, hence the annotation; int.__sub__ would type itself but
    # is 2.5x slower in this map() over every tag of the page
    depth: int = max(map(sub, sums, accumulate(sums, min)))
    return depth


def parse_html(html: bytes, content_type: str | None, source: str | None) -> LexborHTMLParser:
    """Cap the bytes, refuse pathological nesting, decode and parse."""
    if not isinstance(html, bytes | bytearray | memoryview):
        raise TypeError(f"pages: want the page's bytes, not {type(html).__name__}")
    data = bytes(html[:MAX_PAGE_BYTES])
    if _nesting(data) > MAX_DEPTH:
        raise ParseError(f"{source or 'page'}: elements nest more than {MAX_DEPTH} deep; not parsed",
                         source=source)
    return LexborHTMLParser(decode_html(data, content_type))


# --------------------------------------------------------------------------- text helpers


def clean_text(text: str | None) -> str:
    """Whitespace collapsed, zero-width spaces and stray BOMs gone ("" for None)."""
    if not text:
        return ""
    return " ".join(text.replace("\u200b", "").replace("\ufeff", "").split())


def node_text(node: LexborNode | None) -> str:
    """The element's text, cleaned ("" for no element)."""
    return clean_text(node.text(deep=True, separator="")) if node is not None else ""


def node_attr(node: LexborNode | None, name: str) -> str:
    """An attribute's value, cleaned ("" when the element or the attribute is missing)."""
    if node is None:
        return ""
    value = node.attributes.get(name)
    return clean_text(value) if value else ""


def select_value(root: LexborNode, spec: str) -> str:
    """`spec` is "selector" (the element's text) or "selector@attr" (an attribute)."""
    selector, attr = split_spec(spec)
    node = root.css_first(selector)
    return node_attr(node, attr) if attr else node_text(node)


def first_text(tree: LexborHTMLParser | LexborNode, selectors: Iterable[str]) -> str:
    """The first non-empty text of an element the selectors match, tried in order."""
    for sel in selectors:
        for node in tree.css(sel):
            value = node_text(node)
            if value:
                return value
    return ""


# --------------------------------------------------------------------------- metadata


@dataclass
class Meta:
    """What the page says about itself: <meta> tags, JSON-LD objects, <title>, canonical URL."""

    tags: dict[str, str] = field(default_factory=dict)
    jsonld: list[dict[str, Any]] = field(default_factory=list)
    title: str = ""
    canonical: str = ""


def read_meta(tree: LexborHTMLParser) -> Meta:
    """<meta> tags (first of each name, lowercase keys), <title>, canonical URL and JSON-LD."""
    meta = Meta()
    for node in tree.css("meta[content]"):
        attrs = node.attributes
        key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
        if key and key.lower() not in meta.tags:
            meta.tags[key.lower()] = clean_text(attrs.get("content"))
    meta.title = node_text(tree.css_first("title"))
    canonical = tree.css_first("link[rel=canonical][href]")
    meta.canonical = node_attr(canonical, "href") or meta.tags.get("og:url", "")
    for node in tree.css("script[type='application/ld+json']")[:20]:
        meta.jsonld.extend(_jsonld_objects(node.text(deep=True)))
    return meta


def _jsonld_objects(raw: str) -> list[dict[str, Any]]:
    """The Article-like objects of one JSON-LD script (in lists and @graph too, at most 50)."""
    try:
        data = json.loads(raw, strict=False)
    except (ValueError, RecursionError):
        return []
    found: list[dict[str, Any]] = []
    stack = [data]
    while stack and len(found) < 50:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item[:50])
        elif isinstance(item, dict):
            found.append(item)
            if isinstance(item.get("@graph"), list):
                stack.extend(item["@graph"][:50])
    return [obj for obj in found if re.search(r"Article|Posting|Report", str(obj.get("@type", ""))) or "articleBody" in obj]


def jsonld_value(meta: Meta, key: str) -> str:
    """The first JSON-LD value of `key` (an object's or a list's first name), cleaned except articleBody."""
    for obj in meta.jsonld:
        value = obj.get(key)
        if isinstance(value, dict):
            value = value.get("name")
        elif isinstance(value, list) and value:
            value = value[0].get("name") if isinstance(value[0], dict) else value[0]
        if isinstance(value, str) and value.strip():
            return value if key == "articleBody" else clean_text(value)
    return ""


def strip_site_name(title: str, meta: Meta) -> str:
    """"Headline - Báo X" -> "Headline", when the tail is the site's name."""
    site = meta.tags.get("og:site_name", "")
    for sep in (" - ", " | ", " – "):
        head, _, tail = title.rpartition(sep)
        tail = tail.strip()
        if head and tail and ((site and (tail in site or site in tail)) or (tail.startswith("Báo ") and len(tail) <= 30)):
            return head.strip()
    return title


# --------------------------------------------------------------------------- links


def absolute_url(href: str, base: str | None) -> str | None:
    """`href` resolved against `base`; None unless http(s) and free of spaces, quotes and brackets."""
    href = href.strip()
    if not href or any(ch in href for ch in " '\"<>{}"):
        return None
    try:
        absolute = urljoin(base, href) if base else href
        scheme = urlsplit(absolute).scheme
    except ValueError:
        return None
    return absolute if scheme in ("http", "https") else None
