"""The text of a feed element as plain text: the text-construct half of `feeds`.

    element_text(el, atom=..., cap=...) ─► plain text of one title, summary or content element
    first_text(els, ...)                ─► the first of several candidates that has text
    plain(raw, is_html=...)             ─► markup stripped, entities decoded, spaces collapsed
    clip(text, cap), itertext(el)

Atom's `type`/`mode` attributes decide whether an element holds text, HTML or inline XHTML;
RSS text is HTML. CDATA holding HTML (`<a><img></a></br>summary`) becomes its text, entities
inside CDATA are decoded, C0 controls and bidi overrides/isolates are dropped, C1 controls read
as cp1252, and a text longer than its cap is cut at a word boundary with a warning. Every regex
is linear, so megabytes of hostile markup cost about a second.
"""

from __future__ import annotations

import html
import re

from lxml import etree

__all__ = ["clip", "element_text", "first_text", "itertext", "plain"]


def itertext(el: etree._Element) -> str:
    """All text inside `el` (lxml yields str for documents parsed from bytes with an encoding)."""
    if len(el) == 0:
        return el.text or ""
    return "".join(el.itertext())


def first_text(
    els: list[etree._Element] | None, *, atom: bool, cap: int, warnings: list[str], multiline: bool = False
) -> str:
    for el in els or ():
        text = element_text(el, atom=atom, cap=cap, warnings=warnings, multiline=multiline)
        if text:
            return text
    return ""


def element_text(el: etree._Element, *, atom: bool, cap: int, warnings: list[str], multiline: bool) -> str:
    """Plain text of a text construct: Atom `type`/`mode` decide text, HTML or XHTML; RSS is HTML."""
    kind = (el.get("type") or "").strip().lower()
    mode = (el.get("mode") or "").strip().lower()
    xhtml = kind == "xhtml" or kind.endswith("xhtml+xml") or (mode == "xml" and "html" in kind)
    if len(el) == 0:
        raw = el.text or ""
    elif xhtml:  # inline XHTML: serialise the markup again, then read it as HTML (keeps block breaks)
        raw = html.escape(el.text or "", quote=False) + "".join(
            etree.tostring(c, encoding="unicode", with_tail=True) for c in el
        )
    else:
        raw = itertext(el)
    if len(raw) > cap * 8:
        raw = raw[: cap * 8]
    if xhtml:
        is_html = len(el) > 0  # markup serialised above; a lone text node is literal text
    elif kind in ("html", "text/html") or mode == "escaped":
        is_html = True
    elif kind in ("text", "text/plain") or (atom and not kind):
        is_html = False
    else:
        is_html = True
    text = plain(raw, is_html=is_html, multiline=multiline)
    if len(text) > cap:
        warnings.append(f"text longer than {cap} characters truncated")
        text = clip(text, cap)
    return text


_SCRIPT = re.compile(r"<(script|style|noscript|template)\b.*?(?:</\1\s*>|$)", re.S | re.I)
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_BLOCK = re.compile(
    r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|section|article|header|footer|figure"
    r"|figcaption|pre|hr|dt|dd)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>?",
    re.I,
)
_TAG = re.compile(r"</?[A-Za-z][^\s/>\"']*(?:[^>\"']|\"[^\"]*\"|'[^']*')*>?|<![^>]*>?|<\?[^>]*>?")
_CTRL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CTRL_MAP: dict[int, str | None] = {
    c: None for c in [*range(0x00, 0x20), 0x7F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
}
_CTRL_MAP.update({c: bytes([c]).decode("cp1252", errors="ignore") or None for c in range(0x80, 0xA0)})
_CTRL_MAP.update({9: " ", 10: "\n", 13: "\n", 12: " ", 11: " "})
_SPACES = re.compile(r"[\t\r\n\f\v][ \t\r\n\f\v]*| [ \t\r\n\f\v]+")  # runs that are not one space
_H_SPACES = re.compile(r"[ \t\f\v]+")
_NEWLINES = re.compile(r" ?(?:\r\n?|\n)[ \t\r\n\f\v]*")


def plain(raw: str, *, is_html: bool, multiline: bool = False) -> str:
    """Markup stripped (when HTML), entities decoded, controls and bidi overrides gone, spaces collapsed.

    Only ASCII whitespace collapses: a no-break or em space from `&nbsp;`/`&emsp;` stays (the text
    normaliser decides about those), as do the directional marks U+200E/U+200F.
    """
    s = raw
    if is_html and ("<" in s or "&" in s):
        if "<" in s:
            low = s.lower()
            if "<script" in low or "<style" in low or "<noscript" in low or "<template" in low:
                s = _SCRIPT.sub(" ", s)
            if "<!--" in s:
                s = _HTML_COMMENT.sub(" ", s)
            s = _TAG.sub("", _BLOCK.sub("\n", s))
        if "&" in s:
            s = html.unescape(s)
    if _CTRL.search(s):
        s = s.translate(_CTRL_MAP)
    if multiline:
        s = _NEWLINES.sub("\n", _H_SPACES.sub(" ", s))
        return s.strip(" \n")
    return _SPACES.sub(" ", s).strip(" ")


def clip(text: str, cap: int) -> str:
    """At most `cap` characters, cut at a word boundary when one is near, never inside a surrogate pair."""
    if len(text) <= cap:
        return text
    cut = text.rfind(" ", cap - 200, cap)
    return text[: cut if cut > 0 else cap].rstrip()
