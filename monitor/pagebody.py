"""The body of an article page: which paragraphs are the article's, and which are not.

    rule_body(tree, rule)          ─► paragraphs inside the first of the site rule's body
                                      containers that yields any (empty: the rule is stale)
    generic_body(tree, meta, rule) ─► `<article>`/`[itemprop=articleBody]`, then JSON-LD
                                      articleBody, then the densest block of `<p>`

Before paragraphs are read, JUNK_TAGS and the rule's `remove` selectors are taken out of the
container on every site, and JUNK_CLASSES too unless the element holds article-sized, mostly
unlinked text. Then boilerplate lines ("Đọc tiếp", "Tin liên quan", "Theo dõi ... trên Google
News"), short lines ending in a photo credit, paragraphs that are only a link, and repeats are
dropped. Used by monitor.pages.extract; no I/O, no site knowledge beyond the rule passed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.htmldoc import Meta, clean_text, jsonld_value, node_text
from monitor.sites import PARAGRAPHS, SiteRule

__all__ = [
    "JUNK",
    "JUNK_CLASSES",
    "JUNK_TAGS",
    "MAX_PARAGRAPHS",
    "MIN_BODY_CHARS",
    "generic_body",
    "rule_body",
    "total_chars",
]

MAX_PARAGRAPHS = 3000
"""Paragraph candidates examined per page: caps the work on huge or hostile pages."""
MIN_BODY_CHARS = 250
"""Below this much body text a page is not an article (a brief is about 300 characters)."""

# Removed from the body container before paragraphs are read, on every site. JUNK_TAGS always go;
# an element matched by a JUNK_CLASSES pattern goes unless it holds article-sized, unlinked text
# (VnExpress' body itself is `article.fck_detail.block_ads_connect`).
JUNK_TAGS = (
    "script, style, noscript, template, iframe, svg, canvas, object, embed, video, audio, "
    "button, input, select, textarea, nav, aside, figcaption, figure, picture, ins, "
    "p.Image, .desc_image, table.tplCaption"
)
JUNK_CLASSES = (
    "[class*=caption i], [class*=related i], [class*=relate i], [class*=lienquan i], [class*=share i], "
    "[class*=social i], [class*=banner i], [class*=advert i], [class*=quangcao i], .ads, .ad, [id*=ads i], "
    "[class*=ads-], [class*=ads_], [class*=comment i], [class*=tags i], [class*=keyword i], "
    "[class*=newsletter i], [class*=subscribe i], [class*=breadcrumb i], [class*=embed i]"
)
JUNK = (JUNK_TAGS, JUNK_CLASSES)

# A line that is only a boilerplate label, or a label then ":"/"»"/"-" and a link title.
_BOILERPLATE = re.compile(
    r"^\W{0,3}(?:(?:đọc tiếp|đọc thêm|đọc ngay|xem thêm|xem tiếp|xem ngay|tin liên quan|bài liên quan|"
    r"tin cùng chuyên mục|tin mới nhất|tin nổi bật|xem video|video đang được xem nhiều|video|clip|ảnh|"
    r"chia sẻ bài viết|chia sẻ|bình luận|từ khóa|từ khoá|tags?|quảng cáo|advertisement)"
    r"\s*(?:[:>»›|–-].*)?\W*"
    r"|theo dõi .{0,60}(?:google news|zalo|facebook|youtube|tiktok).*"
    r"|mời (?:bạn|quý vị) (?:đọc|xem|theo dõi) .{0,150})$",
    re.IGNORECASE,
)
_CAPTION_TAIL = re.compile(r"\(?\b(ảnh|nguồn ảnh|photo|video)\s*:\s*[^.:]{1,60}\.?\)?\s*$", re.IGNORECASE)


def _remove(container: LexborNode, selectors: Iterable[str]) -> None:
    """Decompose what the selectors match inside `container` (never the container itself).

    What JUNK_CLASSES matches is kept when it holds article-sized text with few links.
    """
    keep = container.mem_id
    for sel in selectors:
        guarded = sel is JUNK_CLASSES
        for node in reversed(container.css(sel)):  # innermost first: no freed node is touched
            if node.mem_id != keep and not (guarded and _is_body_sized(node)):
                node.decompose()


def _is_body_sized(node: LexborNode) -> bool:
    text = len(node_text(node))
    return text > 1500 and sum(len(node_text(a)) for a in node.css("a")) < 0.3 * text


def _is_boilerplate(node: LexborNode, text: str) -> bool:
    if len(text) < 200 and _BOILERPLATE.match(text):
        return True
    if len(text) < 250 and _CAPTION_TAIL.search(text):
        return True
    if len(text) < 300:
        linked = sum(len(node_text(a)) for a in node.css("a"))
        if linked >= 0.8 * len(text):
            return True  # a paragraph that is only a link: "related article" teaser
    return False


def _collect(container: LexborNode, selector: str) -> list[str]:
    """Paragraph texts under `container`, in document order, boilerplate and repeats dropped."""
    paragraphs: list[str] = []
    for br in container.css("br"):
        br.replace_with(" ")
    for node in container.css(selector)[:MAX_PARAGRAPHS]:
        if len(node.css(selector)) > 1:  # holds other paragraphs (css() includes the node itself)
            continue
        text = node_text(node)
        if text and not _is_boilerplate(node, text) and (not paragraphs or paragraphs[-1] != text):
            paragraphs.append(text)
    return paragraphs


def rule_body(tree: LexborHTMLParser, rule: SiteRule) -> list[str]:
    for sel in rule.body:
        container = tree.css_first(sel)
        if container is None:
            continue
        _remove(container, (*JUNK, *rule.remove))
        paragraphs = _collect(container, rule.paragraphs)
        if paragraphs:
            return paragraphs
    return []


def total_chars(paragraphs: Iterable[str]) -> int:
    return sum(len(p) for p in paragraphs)


def _densest(body: LexborNode) -> LexborNode | None:
    """The element whose child (and, at half weight, grandchild) paragraphs hold the most text."""
    scores: dict[int, float] = {}
    nodes: dict[int, LexborNode] = {}
    for p in body.css("p")[:MAX_PARAGRAPHS]:
        text = node_text(p)
        if len(text) < 25 or _is_boilerplate(p, text):
            continue
        weight = 1.0
        parent = p.parent
        while parent is not None and weight >= 0.5:
            scores[parent.mem_id] = scores.get(parent.mem_id, 0.0) + weight * len(text)
            nodes[parent.mem_id] = parent
            parent, weight = parent.parent, weight / 2
    if not scores:
        return None
    return nodes[max(scores, key=scores.__getitem__)]


def generic_body(tree: LexborHTMLParser, meta: Meta, rule: SiteRule | None) -> list[str]:
    """`<article>`/`[itemprop=articleBody]`, then JSON-LD articleBody, then the densest block."""
    body = tree.body
    if body is None:
        return []
    _remove(body, (*JUNK, "header, footer", *(rule.remove if rule else ())))
    best: list[str] = []
    for node in body.css("[itemprop=articleBody], article")[:200]:
        paragraphs = _collect(node, PARAGRAPHS)
        if total_chars(paragraphs) > total_chars(best):
            best = paragraphs
    if total_chars(best) >= MIN_BODY_CHARS:
        return best
    article_body = jsonld_value(meta, "articleBody")
    if len(article_body) >= MIN_BODY_CHARS:
        return [line for line in (clean_text(x) for x in article_body.splitlines()) if line]
    densest = _densest(body)
    return _collect(densest, PARAGRAPHS) if densest is not None else best
