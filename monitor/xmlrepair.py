"""XML repair for feeds: decoded text in, text lxml can parse (in recover mode) out.

    repair(text, warnings) ─► text without prolog junk, DOCTYPE, undefined entities or control bytes

`monitor.feeds` decodes the bytes (monitor.charsets), calls `repair()`, then parses with
lxml's recover mode, which never resolves entities, loads DTDs or touches the network. Each
repair appends one line to `warnings`. Traps handled:

- DOCTYPE and its internal subset cut out (quoted `>` and `]` inside it included), so a
  billion-laughs bomb or an external entity (`file:///etc/passwd`) never reaches the parser;
- junk before the root element: a browser banner, PHP warnings with `<br/>` markup, comments
  and processing instructions; a feed root found later in the text is where the document starts;
- HTML named entities XML does not define (`&eacute;`, `&ocirc;`, `&nbsp;`) become characters
  (HTML 4 meanings first, as feedparser: `&lang;` is U+2329); unknown names
  (`&doesnotexist;`) and bare `&` (VnExpress enclosure URLs) are escaped so no item is lost;
  numeric references to C1 code points (`&#146;`) mean cp1252, invalid ones U+FFFD; a
  character from a reference is written back escaped, so it cannot end a tag or an attribute;
  CDATA sections are left alone;
- NUL and other control characters (not allowed in XML 1.0) removed;
- `<item>` or `<entry>` fragments with no channel or feed around them are wrapped.

Every regex is linear: megabytes of hostile input cost about a second.
"""

from __future__ import annotations

import re
from html.entities import html5, name2codepoint

__all__ = ["repair", "root_name"]

_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CDATA_SPLIT = re.compile(r"(<!\[CDATA\[.*?(?:\]\]>|$))", re.S)
_AMP = re.compile(  # every & except the five XML entities, which need no repair
    r"&(?!(?:amp|lt|gt|quot|apos);)(?:#([0-9]{1,8});|#[xX]([0-9a-fA-F]{1,8});|([A-Za-z][A-Za-z0-9]{0,31});)?")
_BARE_AMP = re.compile(r"&(?![A-Za-z#])")
_NEEDS_FIX = re.compile(r"&(?!(?:amp|lt|gt|quot|apos);)")  # anything else: HTML entity, bare &, char ref
_XML_ENTITIES = frozenset(("amp", "lt", "gt", "quot", "apos"))
_ROOT_NAMES = ("item", "entry")


def repair(text: str, warnings: list[str]) -> str:
    """Make lxml's life easy: no prolog junk, no DOCTYPE, no undefined entities, no control bytes."""
    if _BAD_CHARS.search(text):
        text = _BAD_CHARS.sub("", text)
        warnings.append("control characters removed")
    text = _strip_prolog(text, warnings)
    if "&" in text and _NEEDS_FIX.search(text):
        text = _fix_entities(text, warnings)
    m = re.match(r"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)", text)
    if m and m.group(2).lower() in _ROOT_NAMES:
        wrapper = ("<rss><channel>", "</channel></rss>") if m.group(2).lower() == "item" else ("<feed>", "</feed>")
        text = wrapper[0] + text + wrapper[1]
        warnings.append(f"<{m.group(2)}> fragment without a channel, wrapped")
    return text


_PROLOG_ITEM = re.compile(r"<(\?|!--|!doctype|[^\W\d])", re.I)
_ELEMENT_NAME = re.compile(r"<([^\W\d][\w.:\-]*)")
_KNOWN_ROOTS = frozenset(("rss", "rdf", "feed", "channel", "urlset", "item", "entry", "html"))
_FEED_ROOT = re.compile(r"<\?xml\s|<(?:[A-Za-z_][\w.\-]*:)?(?:rss|rdf|feed|urlset)[\s>/]", re.I)


def _strip_prolog(text: str, warnings: list[str]) -> str:
    """Drop everything before the root element: declaration, comments, PIs, DOCTYPE, junk."""
    i, n, junk = 0, len(text), False
    while i < n:
        m = _PROLOG_ITEM.search(text, i)
        if m is None:
            return ""
        j = m.start()
        if not junk and text[i:j].strip():
            junk = True
        kind = m.group(1)
        if kind == "?":
            k = text.find("?>", j)
            i = n if k < 0 else k + 2
        elif kind == "!--":
            k = text.find("-->", j)
            i = n if k < 0 else k + 3
        elif kind.startswith("!"):
            i = _doctype_end(text, j)
            warnings.append("DOCTYPE removed (entities in it are never expanded)")
        else:
            later = None if _is_known_root(text, j) else _FEED_ROOT.search(text, j + 1)
            if later is None:
                i = j
                break
            junk, i = True, later.start()  # `<br/><b>Warning</b>: ...` from PHP before the feed
    if junk:
        warnings.append("junk before root element skipped")
    return text[i:] if i < n else ""


def root_name(text: str, at: int = 0) -> str | None:
    """The lowercase local name of the element that starts at `at` (`<rdf:RDF` -> "rdf"), if one does."""
    m = _ELEMENT_NAME.match(text, at)
    return m.group(1).rsplit(":", 1)[-1].lower() if m else None


def _is_known_root(text: str, at: int) -> bool:
    return root_name(text, at) in _KNOWN_ROOTS


def _doctype_end(text: str, start: int) -> int:
    """Index just past a DOCTYPE, internal subset included (quoted strings may hold `>` or `]`)."""
    i, n, depth, quote = start + 9, len(text), 0, ""
    while i < n:
        c = text[i]
        if quote:
            if c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "[":
            depth += 1
        elif c == "]":
            depth = max(0, depth - 1)
        elif c == ">" and depth == 0:
            return i + 1
        i += 1
    return n


def _fix_entities(text: str, warnings: list[str]) -> str:
    """HTML named entities to characters, bare or unknown `&` to `&amp;`; CDATA left alone."""
    bare, unknown = 0, set()

    def fix(m: re.Match[str]) -> str:
        nonlocal bare
        dec, hexa, name = m.group(1), m.group(2), m.group(3)
        if name is not None:
            if name in _XML_ENTITIES:
                return m.group(0)
            char = _named_entity(name)
            if char is not None:
                return _xml_escape(char)
            unknown.add(m.group(0))
            return "&amp;" + m.group(0)[1:]
        if dec is not None or hexa is not None:
            return _xml_escape(_char_ref(int(dec) if dec is not None else int(hexa, 16)))
        bare += 1
        return "&amp;"

    parts = _CDATA_SPLIT.split(text) if "<![CDATA[" in text else [text]
    for k in range(0, len(parts), 2):
        if "&" in parts[k]:
            part, count = _BARE_AMP.subn("&amp;", parts[k])  # the common repair, without a callback
            bare += count
            parts[k] = _AMP.sub(fix, part)
    if bare:
        warnings.append(f"bare & repaired ({bare}x)")
    if unknown:
        warnings.append(f"undefined entities kept as text: {' '.join(sorted(unknown)[:5])}")
    return "".join(parts)


def _named_entity(name: str) -> str | None:
    """HTML 4 meaning first (as feedparser: `&lang;` is U+2329), then the HTML5 table."""
    code = name2codepoint.get(name)
    return chr(code) if code is not None else html5.get(name + ";")


def _char_ref(code: int) -> str:
    """A numeric character reference as HTML5 reads it: C1 means cp1252, invalid means U+FFFD."""
    if 0x80 <= code <= 0x9F:
        return bytes([code]).decode("cp1252", errors="replace")
    if code in (9, 10, 13) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF:
        return chr(code)
    return "" if code < 0x20 else "\ufffd"


_XML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"}


def _xml_escape(char: str) -> str:
    """A character from a reference, written back so it cannot end a tag or an attribute value."""
    return _XML_ESCAPES.get(char, char)
