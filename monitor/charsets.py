"""Bytes to text for feeds (`decode_xml`) and article pages (`decode_html`).

    decode_xml(data, content_type, warnings) ─► str   (RSS/Atom/sitemaps: monitor.feeds)

Both read the charset the HTTP Content-Type names, then what the document declares, then what
the bytes say. Traps handled for feeds:

- BOMs (UTF-8 from Dân trí, UTF-16/32) and UTF-16/32 without BOM (Vietnambiz), told by where the
  zero bytes of ASCII markup fall; a wide charset that the bytes are not is a stale label;
- the HTTP charset wins over the document when it names a real codec; an empty or unknown
  `charset=` and codecs that are no character set (punycode, idna, utf-7 ...) are ignored;
- a declared encoding that lies: bytes that decode as UTF-8 are UTF-8 (with a warning);
- UTF-8 with a few stray cp1252 bytes keeps its UTF-8; cp1252 when nothing else fits
  ("demoronize": 0x92 is a right quote).
Every problem is a line in `warnings`; nothing raises for any bytes.
"""

from __future__ import annotations

import codecs
import re

__all__ = ["decode_xml"]

def _charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if it names a codec Python knows."""
    if not content_type:
        return None
    m = re.search(r"charset\s*=\s*[\"']?([^\"';,\s]*)", content_type, re.I)
    return _codec(m.group(1)) if m else None


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_XML_DECL_ENC = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:\-]*)[\"']")
_WIDE = ("utf-16", "utf-32")
# Codecs Python knows that are not character sets of a document (punycode is also quadratic).
_NOT_CHARSETS = frozenset(("punycode", "idna", "unicode-escape", "raw-unicode-escape", "undefined", "mbcs",
                           "oem", "utf-7"))


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip())
    except (LookupError, ValueError):
        return None
    if not getattr(codec, "_is_text_encoding", True) or codec.name in _NOT_CHARSETS:
        return None
    return codec.name


def decode_xml(data: bytes, content_type: str | None, warnings: list[str]) -> str:
    """Bytes to text: BOM, UTF-16/32 by shape, UTF-8 when the bytes are UTF-8, the declared charsets
    (HTTP first), UTF-8 with a few stray cp1252 bytes, cp1252."""
    http_charset = _charset(content_type)
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace")
    wide = _wide_encoding(data[:256])
    if wide:
        warnings.append(f"{wide.upper()} without byte order mark")
        return data.decode(wide, errors="replace")
    m = _XML_DECL_ENC.match(data)
    declared = _codec(m.group(1).decode("ascii")) if m else None
    declared = None if declared and declared.startswith(_WIDE) else declared  # stale: the bytes are not wide
    http_charset = None if http_charset and http_charset.startswith(_WIDE) else http_charset
    claimed = http_charset or declared
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        if claimed and claimed not in ("utf-8", "ascii") and not text.isascii():
            warnings.append(f"declared encoding {claimed} but bytes are UTF-8")
        return text
    for enc in dict.fromkeys(e for e in (http_charset, declared) if e and e != "utf-8"):
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            warnings.append(f"declared encoding {enc} does not fit the bytes")
    return _mixed_utf8(data, warnings)


def _wide_encoding(head: bytes) -> str | None:
    """UTF-16/32 without a BOM, told by where the zero bytes of ASCII markup fall."""
    if len(head) < 4:
        return None
    for prefix, enc in ((b"<\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00<", "utf-32-be")):
        if head.startswith(prefix):
            return enc
    half = len(head) // 2
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd >= half * 0.6 and even <= half * 0.1:
        return "utf-16-le"
    if even >= half * 0.6 and odd <= half * 0.1:
        return "utf-16-be"
    return None


def _stray_as_cp1252(err: UnicodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 are read as cp1252."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    return err.object[err.start : err.end].decode("cp1252", errors="replace"), err.end


codecs.register_error("monitor.charsets.cp1252", _stray_as_cp1252)  # once, at import


def _mixed_utf8(data: bytes, warnings: list[str]) -> str:
    """Mostly UTF-8 with a few bytes from another encoding: keep the UTF-8, read the strays as cp1252.
    Otherwise the whole document is cp1252 ("demoronize": 0x92 is a right quote)."""
    text = data.decode("utf-8", errors="monitor.charsets.cp1252")
    stray = len(data) - len(data.decode("utf-8", errors="ignore").encode("utf-8"))
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    if non_ascii - stray > stray:  # more real UTF-8 characters than stray bytes
        warnings.append(f"mixed encodings: {stray} bytes that are not UTF-8 read as cp1252")
        return text
    return data.decode("cp1252", errors="replace")
