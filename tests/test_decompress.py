"""monitor.decompress on plain bytes (the fetch tests cover it behind a real HTTP server)."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest

from monitor import decompress

BODY = b"<rss><channel><title>x</title></channel></rss>" * 1000


def undo(content_encoding: str, data: bytes, chunk: int = 1000) -> list[bytes]:
    decoders = decompress.decoders(content_encoding)
    pieces = [p for i in range(0, len(data), chunk) for p in decompress.decode(decoders, data[i : i + chunk])]
    return pieces + list(decompress.flush(decoders))


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        ("gzip", gzip.compress(BODY)),
        ("x-gzip", gzip.compress(BODY[:10]) + gzip.compress(BODY[10:])),  # two members
        ("gzip", gzip.compress(BODY) + b"trailing junk"),
        ("deflate", zlib.compress(BODY)),
        ("deflate", zlib.compress(BODY)[2:-4]),  # raw deflate, no zlib header
        ("br", brotli.compress(BODY)),
        ("gzip, br", brotli.compress(gzip.compress(BODY))),
        ("identity", BODY),
        ("", BODY),
    ],
)
def test_decodes(encoding: str, data: bytes) -> None:
    assert b"".join(undo(encoding, data)) == BODY


def test_no_piece_is_larger_than_a_step() -> None:
    bomb = gzip.compress(bytes(20 * decompress.STEP))
    pieces = undo("gzip", bomb, chunk=len(bomb))
    assert max(map(len, pieces)) <= decompress.STEP and sum(map(len, pieces)) == 20 * decompress.STEP


@pytest.mark.parametrize("encoding", ["zstd", "compress"])
def test_encodings_never_asked_for_are_refused(encoding: str) -> None:
    with pytest.raises(decompress.DecodeError, match=encoding):
        decompress.decoders(encoding)


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_garbage_is_a_decode_error(encoding: str) -> None:
    with pytest.raises(decompress.DecodeError):
        undo(encoding, b"\x1f\x8b not really compressed at all" * 10)
