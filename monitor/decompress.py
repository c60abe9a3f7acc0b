"""Content-Encoding decoding within a size limit: gzip, deflate and brotli, one bounded step at a time.

    decoders(content_encoding) ─► [decoder...] ─ decode(decoders, chunk) / flush(decoders) ─► bytes pieces

`monitor.fetch` streams the raw body through these and counts the DECOMPRESSED bytes; no piece
is larger than STEP (zlib `max_length`, brotli `output_buffer_limit`), so a gzip or brotli bomb
never occupies more than the caller's cap plus one step. No httpx here: only `fetch` and
`fetcherrors` import it. Traps handled:

- gzip with several members (each decoded), and junk after a complete gzip stream (ignored, as
  browsers do);
- deflate sent raw, without the zlib header (some servers do), and bytes after a deflate stream;
- stacked encodings (`Content-Encoding: gzip, br` is undone last first);
- names that are no encoding (`identity`, `none`, `utf-8` from misconfigured servers) are ignored;
  zstd and compress, which we never ask for, raise DecodeError;
- brotli older than 1.2 cannot bound its output: then `br` is not offered (ACCEPT_ENCODING) and
  a server that sends it anyway gets DecodeError instead of a bomb decoded whole.

Everything a decoder rejects comes out as `DecodeError`; the caller names the URL.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import brotli

__all__ = ["ACCEPT_ENCODING", "BROTLI_BOUNDED", "STEP", "DecodeError", "decode", "decoders", "flush"]

STEP = 64 * 1024  # most bytes one decompression step may produce


def _brotli_is_bounded() -> bool:
    try:
        brotli.Decompressor().process(b"", output_buffer_limit=1)
    except TypeError:  # brotli < 1.2 cannot bound its output: a bomb would be decoded whole
        return False
    return True


BROTLI_BOUNDED = _brotli_is_bounded()
ACCEPT_ENCODING = "gzip, deflate, br" if BROTLI_BOUNDED else "gzip, deflate"


class DecodeError(Exception):
    """The body does not decode as its Content-Encoding says (the message says why)."""


class _Zlib:
    """gzip (every member) or deflate (zlib-wrapped, or raw as some servers send), STEP bytes at a time."""

    def __init__(self, gzip: bool) -> None:
        self._wbits = zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS
        self._d = zlib.decompressobj(self._wbits)
        self._fresh = True  # nothing decoded yet by the current decompressor
        self._members = 0  # gzip members completed
        self._done = False

    def _undecodable(self, exc: zlib.error) -> None:
        if self._fresh and self._wbits == zlib.MAX_WBITS:  # deflate without the zlib header
            self._wbits = -zlib.MAX_WBITS
            self._d = zlib.decompressobj(self._wbits)
        elif self._fresh and self._members:  # junk after a complete gzip stream: ignored, as browsers do
            self._done = True
        else:
            raise DecodeError(str(exc)) from exc

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data and not self._done:
            try:
                out = self._d.decompress(data, STEP)
            except zlib.error as exc:
                self._undecodable(exc)
                continue
            self._fresh = False
            data = self._d.unconsumed_tail
            if self._d.eof:
                data, self._members = self._d.unused_data, self._members + 1
                if self._wbits & 16 and self._wbits > 0:  # another gzip member may follow
                    self._d, self._fresh = zlib.decompressobj(self._wbits), True
                else:
                    self._done = True  # deflate: one stream, trailing bytes ignored
            yield out

    def flush(self) -> Iterator[bytes]:
        if not self._done and not self._fresh:
            yield self._d.flush()


class _Brotli:
    def __init__(self) -> None:
        if not BROTLI_BOUNDED:
            raise DecodeError("the installed brotli (< 1.2) cannot decode within a size limit")
        self._d = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            out = self._d.process(data, output_buffer_limit=STEP)
            while out:
                yield out
                out = self._d.process(b"", output_buffer_limit=STEP)
        except brotli.error as exc:
            raise DecodeError(str(exc)) from exc

    def flush(self) -> Iterator[bytes]:
        yield from ()


_Decoder = _Zlib | _Brotli


def decoders(content_encoding: str | None) -> list[_Decoder]:
    """Decoders for a Content-Encoding header, in the order to apply them (last encoding first)."""
    found: list[_Decoder] = []
    for name in reversed([e.strip().lower() for e in (content_encoding or "").split(",") if e.strip()]):
        if name in ("gzip", "x-gzip"):
            found.append(_Zlib(gzip=True))
        elif name == "deflate":
            found.append(_Zlib(gzip=False))
        elif name == "br":
            found.append(_Brotli())
        elif name in ("zstd", "compress", "x-compress"):
            raise DecodeError(f"Content-Encoding {name} was not asked for and cannot be decoded")
        # anything else ("identity", "none", "utf-8" from misconfigured servers) is no encoding
    return found


def decode(decoders: list[_Decoder], data: bytes) -> Iterator[bytes]:
    if not decoders:
        yield data
        return
    for piece in decoders[0].feed(data):
        yield from decode(decoders[1:], piece)


def flush(decoders: list[_Decoder]) -> Iterator[bytes]:
    for i, decoder in enumerate(decoders):
        for piece in decoder.flush():
            yield from decode(decoders[i + 1 :], piece)
