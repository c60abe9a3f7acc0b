"""Article pages and listing pages: bytes in, a `Page` or a `ParsedFeed` out.

    extract(html, url=...)            ─► Page (title, lead, paragraphs, dates, author, canonical URL)
    parse_listing(html, url=...)      ─► ParsedFeed (one Entry per article link of a listing page)
    decode_html(data, content_type)   ─► str (from monitor.charsets: HTTP charset, <meta>, detection)
    site_rule(host)                   ─► SiteRule | None (from monitor.sites, the loader of data/sites.toml)

How the body is found (monitor.pagebody): the host's site rule (selectors kept as data in
`data/sites.toml`, see docs/site-rules.md); when the rule's body selectors match nothing the
generic extractor runs and the Page carries a warning saying the rule needs updating. The generic
extractor tries `<article>` (and `[itemprop=articleBody]`), then JSON-LD `articleBody`, then the
densest block of `<p>`.

A page that is not an article (a home or listing page, an error page, a login wall, too little
text) raises `NotAnArticle`. Any bytes give either a Page or a ParseError, nothing else. No I/O
here: the caller fetches (monitor.fetch) and passes the bytes in. Reading the HTML (size and
depth caps, text, <meta> and JSON-LD) is monitor.htmldoc; dates come from monitor.dates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TextIO
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.charsets import decode_html
from monitor.dates import ICT, parse_byline, parse_date, parse_epoch
from monitor.errors import ParseError
from monitor.htmldoc import (
    Meta,
    absolute_url,
    clean_text,
    first_text,
    jsonld_value,
    node_attr,
    node_text,
    parse_html,
    read_meta,
    select_value,
    strip_site_name,
)
from monitor.models import Entry, Page, ParsedFeed
from monitor.pagebody import MAX_PARAGRAPHS, MIN_BODY_CHARS, generic_body, rule_body, total_chars
from monitor.sites import (
    ListingRule,
    SiteRule,
    host_of,
    listing_rule,
    rule_from_table,
    site_rule,
    split_spec,
)

__all__ = [
    "NotAnArticle",
    "decode_html",
    "extract",
    "page_to_dict",
    "parse_listing",
    "run_extract_page",
    "site_rule",
]

MIN_LISTING_ITEMS = 5
"""A page of a host with a rule whose listing selectors match this many items is a listing."""

_ERROR_PAGE = re.compile(
    r"\b404\b|không tìm thấy|không tồn tại|page not found|not found|trang bạn tìm|đã bị xóa|đã bị gỡ",
    re.IGNORECASE,
)
_LOGIN_WALL = re.compile(
    r"đăng nhập để (đọc|xem)|dành (riêng )?cho (thành viên|hội viên|bạn đọc đăng ký)|"
    r"đăng ký (gói|tài khoản) để (đọc|xem)|subscribe to (continue|read)|sign in to (continue|read)",
    re.IGNORECASE,
)


class NotAnArticle(ParseError):
    """The page is a listing, an error page, a login wall, or holds too little text."""


# --------------------------------------------------------------------------- title, lead, author


def _title(tree: LexborHTMLParser, rule: SiteRule | None, meta: Meta) -> str:
    title = first_text(tree, rule.title) if rule else ""
    if not title:
        title = jsonld_value(meta, "headline") or meta.tags.get("og:title", "")
    if not title:
        h1 = tree.css("h1")
        title = node_text(h1[0]) if len(h1) == 1 else meta.title
    return strip_site_name(clean_text(title), meta)


def _lead(tree: LexborHTMLParser, rule: SiteRule | None, meta: Meta) -> str:
    lead = first_text(tree, rule.lead) if rule else ""
    if not lead:
        lead = meta.tags.get("og:description") or meta.tags.get("description", "")
        lead = strip_site_name(lead, meta)
    if rule and rule.strip_lead_prefix:
        lead = re.sub(rule.strip_lead_prefix, "", lead, count=1).strip()
    return lead


def _author(tree: LexborHTMLParser, rule: SiteRule | None, meta: Meta, host: str | None) -> str | None:
    candidates: list[str] = []
    for sel in rule.author if rule else ():
        nodes = tree.css(sel)
        if nodes:
            candidates.append(node_text(nodes[-1]))  # VnExpress: the last right-aligned paragraph
    candidates += [jsonld_value(meta, "author"), meta.tags.get("author", ""), meta.tags.get("article:author", "")]
    site = (host or "").removeprefix("www.").split(".")[0]
    for name in candidates:
        name = name.strip(" -–—,.")
        squashed = name.lower().replace(" ", "")
        if name and len(name) <= 80 and not (site and site in squashed) and "http" not in squashed:
            return name
    return None


# --------------------------------------------------------------------------- dates

_META_PUBLISHED = ("article:published_time", "datepublished", "pubdate", "og:published_time",
                   "publishdate", "dc.date.issued", "date")
_META_UPDATED = ("article:modified_time", "datemodified", "lastmod", "og:updated_time", "last-modified")


def _as_vietnam_time(value: datetime) -> datetime:
    """The same wall-clock time in Asia/Ho_Chi_Minh, for a rule with `trust_offset = false`.

    A UTC time ("Z", +00:00) is a real instant written another way and is kept as it is.
    """
    if value.utcoffset() == timedelta(0):
        return value
    return value.replace(tzinfo=ICT)


def _date_from(source: str, tree: LexborHTMLParser, meta: Meta, keys: tuple[str, ...], ld_key: str,
               rule: SiteRule | None) -> datetime | None:
    """One date source: "meta", "jsonld", "time", or "epoch:|byline:|iso:" + "selector[@attr]"."""
    fix = (lambda v: v) if rule is None or rule.trust_offset else _as_vietnam_time
    if source == "meta":
        for key in keys:
            if value := parse_date(meta.tags.get(key, "")):
                return fix(value)
        return None
    if source == "jsonld":
        value = parse_date(jsonld_value(meta, ld_key))
        return fix(value) if value else None
    if source == "time":
        node = tree.css_first("time[datetime]")
        value = parse_date(node_attr(node, "datetime")) if node is not None else None
        return fix(value) if value else None
    kind, _, spec = source.partition(":")
    root = tree.root
    raw = select_value(root, spec) if root is not None and spec else ""
    if not raw:
        return None
    if kind == "epoch":
        return parse_epoch(raw)
    if kind == "byline":
        return parse_byline(raw)
    if kind == "iso":
        value = parse_date(raw)
        return fix(value) if value else None
    return None


def _dates(tree: LexborHTMLParser, rule: SiteRule | None, meta: Meta) -> tuple[datetime | None, datetime | None]:
    published_sources = rule.published if rule else ("meta", "jsonld", "time")
    updated_sources = rule.updated if rule else ("meta", "jsonld")
    published = updated = None
    for source in published_sources:
        if published := _date_from(source, tree, meta, _META_PUBLISHED, "datePublished", rule):
            break
    for source in updated_sources:
        if updated := _date_from(source, tree, meta, _META_UPDATED, "dateModified", rule):
            break
    return published, updated


# --------------------------------------------------------------------------- not an article


@dataclass(frozen=True)
class _Signals:
    """What tells a non-article page apart, read before the page is cleaned."""

    password: bool
    paywall: bool
    listing_items: int  # items of the rule's listing selector, or <article> elements when 10 or more
    website: bool  # og:type says "website" (home and section pages), not "article"
    heading: str


def _signals(tree: LexborHTMLParser, rule: SiteRule | None, meta: Meta) -> _Signals:
    items = len(tree.css(rule.listing.item)) if rule and rule.listing else 0
    if not items:
        articles = len(tree.css("article"))
        items = articles if articles >= 10 else 0
    return _Signals(
        password=tree.css_first("input[type=password]") is not None,
        paywall=tree.css_first("[class*=paywall i], [class*=login-wall i], [class*=premium-lock i]") is not None,
        listing_items=items,
        website=meta.tags.get("og:type", "").lower() == "website",
        heading=first_text(tree, ("h1", "title")),
    )


def _is_listing(paragraphs: list[str], signals: _Signals) -> bool:
    """Many article items and a body that is a teaser or two, or a page that calls itself a website."""
    if signals.listing_items < MIN_LISTING_ITEMS:
        return False
    return signals.website or (len(paragraphs) < 3 and total_chars(paragraphs) < 600)


def _is_signature(text: str) -> bool:
    """A closing byline: two to four capitalised words ("Võ Hải", "TRẦN PHƯƠNG"), maybe "(theo X)"."""
    name = re.sub(r"\s*\([^)]{1,40}\)$", "", text)
    words = name.split()
    return len(name) <= 40 and 2 <= len(words) <= 4 and all(w[0].isupper() and w.isalpha() for w in words)


def _check_article(paragraphs: list[str], signals: _Signals, title: str, source: str, *, generic: bool) -> None:
    """Raise NotAnArticle with the reason; a body found by a site rule is never taken for a listing."""
    chars = total_chars(paragraphs)
    walled = signals.password or signals.paywall or any(_LOGIN_WALL.search(p) for p in paragraphs[-3:])
    listing = generic and _is_listing(paragraphs, signals)
    if chars >= MIN_BODY_CHARS and not (walled and chars < 1500) and not listing:
        return
    where = f"{source}: " if source else ""
    if chars < MIN_BODY_CHARS and _ERROR_PAGE.search(f"{signals.heading} {title}"):
        reason = f"an error page ({signals.heading or title!r})"
    elif walled:
        reason = f"a login wall or paywall ({chars} characters of text before it)"
    elif listing or signals.listing_items >= MIN_LISTING_ITEMS:
        reason = f"a home or listing page ({signals.listing_items} article items, no article body)"
    else:
        reason = f"too little body text ({chars} characters; an article has at least {MIN_BODY_CHARS})"
    raise NotAnArticle(f"not an article: {where}{reason}", source=source or None)


# --------------------------------------------------------------------------- extract


def _body(tree: LexborHTMLParser, rule: SiteRule | None, meta: Meta) -> tuple[list[str], str, list[str]]:
    """(paragraphs, rule name or "generic", warnings)."""
    if rule is None or not rule.body:
        return generic_body(tree, meta, rule), "generic", []
    paragraphs = rule_body(tree, rule)
    if paragraphs:
        return paragraphs, rule.name, []
    warning = (f"site rule for {rule.name} matched no body; used the generic extractor"
               " — the rule needs updating")  # (a home page of the site is refused after this)
    return generic_body(tree, meta, rule), "generic", [warning]


def extract(
    html: bytes,
    *,
    url: str | None = None,
    content_type: str | None = None,
    rule_override: Mapping[str, Any] | None = None,
) -> Page:
    """Read an article page. Raises NotAnArticle (a ParseError) for anything that is not one.

    `rule_override` is a site-rule table as in sites.toml (a feed's `[feed.page_rule]`): its keys
    replace those of the host's built-in rule, or make a rule for a host that has none.
    """
    tree = parse_html(html, content_type, url)
    meta = read_meta(tree)
    canonical = absolute_url(meta.canonical, url)
    host = host_of(url) or host_of(canonical)
    rule = site_rule(host)
    if rule_override:
        rule = rule_from_table(rule.name if rule else host or "override", rule_override, base=rule)
    signals = _signals(tree, rule, meta)
    title, lead = _title(tree, rule, meta), _lead(tree, rule, meta)
    author = _author(tree, rule, meta, host)
    published, updated = _dates(tree, rule, meta)
    paragraphs, used, warnings = _body(tree, rule, meta)
    if used == "generic":  # the lead came from <meta>: the page's first paragraph may repeat it
        paragraphs = [p for p in paragraphs if p not in (title, author) and not (lead and p.endswith(lead))]
        if paragraphs and _is_signature(paragraphs[-1]):
            author = author or paragraphs[-1]  # "Võ Hải": the byline Vietnamese outlets end with
            paragraphs.pop()
    _check_article(paragraphs, signals, title, url or canonical or "", generic=used == "generic")
    return Page(
        url=url or canonical, title=title, lead=lead, paragraphs=tuple(paragraphs),
        published=published, updated=updated, author=author, canonical_url=canonical,
        rule=used, warnings=tuple(warnings),
    )


# --------------------------------------------------------------------------- listing pages

_ARTICLE_PATH = re.compile(r"(\.html?$|\d{5,})")


def _listing_entry(item: LexborNode, listing: ListingRule, url: str) -> Entry | None:
    link_node = item if item.tag == "a" else item.css_first(listing.link)
    link = absolute_url(node_attr(link_node, "href"), url)
    if link is None:
        return None
    title = select_value(item, listing.title) if listing.title else ""
    title = title or node_text(link_node) or node_attr(link_node, "title")
    return Entry(id=None, link=link, title=title, published=_listing_time(item, listing.time))


def _listing_time(item: LexborNode, spec: str | None) -> datetime | None:
    """The item's time; an element named without "@attr" gives its machine-readable `datetime`
    attribute first (<time datetime="..."> whose text says "2 giờ trước")."""
    if not spec:
        return None
    selector, attr = split_spec(spec)
    raw = select_value(item, spec)
    if attr is None:
        raw = node_attr(item.css_first(selector), "datetime") or raw
    return parse_epoch(raw) if raw.isdigit() else parse_byline(raw)


def _generic_listing(tree: LexborHTMLParser, url: str) -> list[Entry]:
    """Links to same-site pages that look like articles (long text, an id or .html in the path)."""
    host = host_of(url)
    entries = []
    for a in tree.css("a[href]")[:MAX_PARAGRAPHS]:
        link, title = absolute_url(node_attr(a, "href"), url), node_text(a) or node_attr(a, "title")
        if link and host_of(link) == host and len(title.split()) >= 4 and _ARTICLE_PATH.search(urlsplit(link).path):
            entries.append(Entry(id=None, link=link, title=title))
    return entries


def parse_listing(html: bytes, *, url: str, selectors: Mapping[str, str] | None = None) -> ParsedFeed:
    """Entries of a listing page (`[[feed]] type = "html"`), one per item, links made absolute.

    `selectors` (item, link, title, time) come from the feed's config and override the built-in
    listing rule of the host. A selector that matches nothing gives a warning, not an error.
    """
    tree = parse_html(html, None, url)
    listing = listing_rule(url, selectors)
    warnings: list[str] = []
    if listing is None:
        entries = _generic_listing(tree, url)
        warnings.append(f"listing: no listing selectors for {host_of(url)}; guessed article links"
                        " (give item/link/title selectors in the feed's config)")
    else:
        items = tree.css(listing.item)[:MAX_PARAGRAPHS]
        found = (_listing_entry(item, listing, url) for item in items)
        entries = list({e.link: e for e in reversed([e for e in found if e is not None])}.values())[::-1]
        if not entries:
            what = f"item selector {listing.item!r}" if not items else f"link selector {listing.link!r}"
            warnings.append(f"listing: {what} matched nothing on {url}; the listing selectors need updating")
    title = strip_site_name(node_text(tree.css_first("title")), read_meta(tree))
    return ParsedFeed(title=title, link=url, entries=tuple(entries), warnings=tuple(warnings))


# --------------------------------------------------------------------------- command line


def page_to_dict(page: Page) -> dict[str, Any]:
    """The JSON form printed by `news-monitor extract-page --json` (datetimes in ISO 8601)."""
    return {
        "url": page.url,
        "title": page.title,
        "lead": page.lead,
        "paragraphs": list(page.paragraphs),
        "published": page.published.isoformat() if page.published else None,
        "updated": page.updated.isoformat() if page.updated else None,
        "author": page.author,
        "canonical_url": page.canonical_url,
        "rule": page.rule,
        "warnings": list(page.warnings),
    }


def run_extract_page(source: str, data: bytes, out: TextIO, *, as_json: bool,
                     content_type: str | None = None) -> None:
    """`news-monitor extract-page URL|FILE [--json]`: print what extract() reads from the page.

    `source` is the URL fetched (pass the response's Content-Type too) or the file read; for a
    file the site rule is chosen from the page's canonical URL. Raises NotAnArticle like extract().
    """
    url = source if source.startswith(("http://", "https://")) else None
    page = extract(data, url=url, content_type=content_type)
    if as_json:
        json.dump(page_to_dict(page), out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    fields = page_to_dict(page)
    for key in ("url", "canonical_url", "rule", "title", "lead", "published", "updated", "author"):
        out.write(f"{key + ':':15}{fields[key] or '-'}\n")
    for warning in page.warnings:
        out.write(f"{'warning:':15}{warning}\n")
    out.write(f"\n{len(page.paragraphs)} paragraphs, {len(page.text)} characters:\n\n")
    for paragraph in page.paragraphs:
        out.write(f"{paragraph}\n\n")
