"""Bytes to text for feeds (`decode_xml`) and article pages (`decode_html`).

    decode_xml(data, content_type, warnings) ─► str   (RSS/Atom/sitemaps: monitor.feeds)
    decode_html(data, content_type)          ─► str   (article and listing pages: monitor.pages)

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

Traps handled for pages (as browsers read them, WHATWG labels: latin1 and us-ascii mean
windows-1252): BOM, then the HTTP charset, then `<meta charset>`/http-equiv, then detection
(UTF-16 by its NUL bytes, valid UTF-8, else windows-1258 or -1252 by which yields more
Vietnamese letters); a label from a hostile header is used only if it names a web charset (no
rot13, base64, zlib, idna, utf-7 ...); valid non-ASCII UTF-8 under a Latin-1 label is UTF-8,
and bytes under a UTF-8 label that are not UTF-8 are detected; a UTF-8 sequence cut by the
size cap is still UTF-8; windows-1258 text is NFC-normalised (it spells tones as combining marks).

The two decoders share the codec lookup and what a stale wide (UTF-16/32) label is; the rest
differs on purpose: a feed is XML (its declaration, UTF-32, stray-byte repair with warnings),
a page is HTML read the way browsers read it.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

__all__ = ["decode_html", "decode_xml"]


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


def _lookup(label: str) -> codecs.CodecInfo | None:
    """The codec Python has under `label`, or None (unknown, or a label lookup() refuses)."""
    try:
        return codecs.lookup(label)
    except (LookupError, ValueError):
        return None


def _codec(name: str | None) -> str | None:
    """A feed's charset label as a codec that is a character set, else None."""
    codec = _lookup(name.strip()) if name else None
    if codec is None or not getattr(codec, "_is_text_encoding", True) or codec.name in _NOT_CHARSETS:
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


# --------------------------------------------------------------------------- article pages

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]*)""", re.IGNORECASE)
_WHATWG_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252",
                   "ascii": "cp1252", "x-user-defined": "cp1252", "unicode": "utf-16", "windows-874": "cp874",
                   "utf-16le": "utf-16-le", "utf-16be": "utf-16-be"}
# Python codecs a web page may use (no rot13/base64/zlib/idna/undefined ... from a hostile header).
_WEB_CODECS = {"utf-8", "utf-16", "utf-16-le", "utf-16-be", "cp874", "cp866", "koi8-r", "koi8-u", "mac-roman",
               "gb2312", "gbk", "gb18030", "big5", "big5hkscs", "euc_jp", "shift_jis", "iso2022_jp", "euc_kr",
               *(f"cp{n}" for n in range(1250, 1259)), *(f"iso8859-{n}" for n in range(1, 17))}
_VIETNAMESE = set("ăâđêôơưĂÂĐÊÔƠƯ\u0300\u0301\u0303\u0309\u0323")


def _web_codec(label: str | None) -> str | None:
    """A page's charset label as a codec among _WEB_CODECS (WHATWG aliases first), else None."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    codec = _lookup(_WHATWG_ALIASES.get(label, label))
    return codec.name if codec is not None and codec.name in _WEB_CODECS else None


def _http_charset(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return _web_codec(value)
    return None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(data) - 3  # a sequence cut by the size cap is still UTF-8
    return True


def _detect(data: bytes) -> str:
    """UTF-16 by its NUL bytes, then valid UTF-8, else cp1258 or cp1252 by Vietnamese letters."""
    sample = data[:65536]
    if sample.count(b"\x00") > len(sample) // 4:
        return "utf-16-le" if sample[1::2].count(b"\x00") > sample[0::2].count(b"\x00") else "utf-16-be"
    if _is_utf8(data):
        return "utf-8"
    best, score = "cp1252", -1
    for name in ("cp1258", "cp1252"):
        hits = sum(ch in _VIETNAMESE for ch in sample.decode(name, errors="replace"))
        if hits > score:
            best, score = name, hits
    return best


def _declared(data: bytes, content_type: str | None) -> str | None:
    """The charset the HTTP header, else the document, declares (None: none, or not usable)."""
    declared = _http_charset(content_type)
    if declared is None:
        match = _META_CHARSET.search(data[:8192])
        declared = _web_codec(match.group(1).decode("ascii", "replace")) if match else None
        if declared and declared.startswith(_WIDE):
            declared = None  # a <meta> readable as ASCII is not UTF-16
    if declared in (None, "cp1252", "iso8859-1", "ascii") and not data.isascii() and _is_utf8(data):
        return "utf-8"  # valid non-ASCII UTF-8 under a Latin-1 label: the label is wrong
    if declared == "utf-8" and not _is_utf8(data):
        return None  # invalid UTF-8 under a UTF-8 label: detect instead of making U+FFFD soup
    return declared


def decode_html(data: bytes, content_type: str | None) -> str:
    """Decode a page: BOM, HTTP charset, `<meta charset>`/http-equiv, then detection.

    An empty or unknown `charset=` counts as none. Two wrong labels are corrected: valid non-ASCII
    UTF-8 declared windows-1252/iso-8859-1 is read as UTF-8, and bytes declared UTF-8 that are not
    UTF-8 are detected. Windows-1258 text is NFC-normalised (it spells tones as combining marks).
    """
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name, errors="replace").lstrip("\ufeff")
    name = _declared(data, content_type) or _detect(data)
    text = data.decode(name, errors="replace")
    return unicodedata.normalize("NFC", text) if name == "cp1258" else text
