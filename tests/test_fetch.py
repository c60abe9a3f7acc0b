"""monitor.fetch against real HTTP servers on 127.0.0.1 (tests/server.py), hostile ones included.

No mocks, except httpx.MockTransport where no real counterpart can run here (a public host).
Deadlines are set to a few seconds so the hostile cases end quickly; timing bounds are loose.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import logging
import os
import shutil
import ssl
import subprocess
import threading
import time
import tracemalloc
import zlib
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import cache
from pathlib import Path
from typing import TypeVar

import brotli
import httpx
import pytest

from monitor import USER_AGENT
from monitor.errors import BodyTooLarge, FetchError, FetchTimeout, HTTPStatusError, RateLimited
from monitor.fetch import Fetcher, FetchLimits, parse_max_age, parse_retry_after
from monitor.models import FetchResult
from tests.server import (
    LocalServer,
    QuickLocalServer,
    Response,
    SilentPort,
    TLSLocalServer,
    closed_port,
    endless,
    hang,
    headers_then_hang,
    raw,
    sequence,
    timed,
    trickle,
)

T = TypeVar("T")
FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
QUICK = FetchLimits(deadline=3.0, backoff=0.01, connect_timeout=2.0, read_timeout=2.0)


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    """conftest's fixture, shutting down in 50 ms rather than 0.5 s (this file starts ~90 servers)."""
    with QuickLocalServer() as srv:
        yield srv


def run(work: Callable[[Fetcher], Awaitable[T]], **options: object) -> T:
    """Run `work(fetcher)` on a fresh event loop with a fresh Fetcher (QUICK limits unless given)."""
    options.setdefault("limits", QUICK)

    async def main() -> T:
        async with Fetcher(**options) as fetcher:  # type: ignore[arg-type]
            return await work(fetcher)

    return asyncio.run(main())


def fetch(url: str, **options: object) -> FetchResult:
    return run(lambda f: f.get(url), **options)


def fails(url: str, error: type[FetchError] = FetchError, **options: object) -> FetchError:
    with pytest.raises(error) as caught:
        fetch(url, **options)
    return caught.value


def paths(srv: LocalServer) -> list[str]:
    return [path for _method, path, _headers in srv.requests]


# --------------------------------------------------------------------------- the ordinary case


def test_user_agent_accept_and_encodings_sent(http_server: LocalServer) -> None:
    http_server.routes["/feed"] = FEED
    result = fetch(http_server.url("/feed"))
    assert result.status == 200 and result.content == FEED
    headers = {k.lower(): v for k, v in http_server.requests[0][2].items()}
    assert headers["user-agent"] == USER_AGENT
    assert headers["accept-encoding"] == "gzip, deflate, br"
    assert "application/rss+xml" in headers["accept"]
    assert "if-none-match" not in headers and "cookie" not in headers


def test_etag_gives_304_on_the_conditional_second_request(http_server: LocalServer) -> None:
    def feed(handler: object) -> Response:
        if handler.headers.get("If-None-Match") == '"v1"':  # type: ignore[attr-defined]
            return Response(b"", status=304, headers={"ETag": '"v1"'})
        return Response(FEED, headers={"ETag": '"v1"'})

    http_server.routes["/feed"] = feed
    url = http_server.url("/feed")

    async def twice(f: Fetcher) -> tuple[FetchResult, FetchResult]:
        first = await f.get(url)
        return first, await f.get(url, etag=first.etag)

    first, second = run(twice)
    assert (first.status, first.etag, first.not_modified) == (200, '"v1"', False)
    assert second.not_modified and second.content == b"" and second.etag == '"v1"'


def test_last_modified_gives_304(http_server: LocalServer) -> None:
    stamp = "Sat, 28 Nov 2026 08:00:00 GMT"

    def feed(handler: object) -> Response:
        if handler.headers.get("If-Modified-Since") == stamp:  # type: ignore[attr-defined]
            return Response(b"", status=304)
        return Response(FEED, headers={"Last-Modified": stamp})

    http_server.routes["/feed"] = feed
    first = fetch(http_server.url("/feed"))
    assert first.last_modified == stamp
    second = run(lambda f: f.get(http_server.url("/feed"), last_modified=first.last_modified))
    assert second.status == 304
    assert second.last_modified == stamp  # the 304 carried no validators: ours are kept


def test_304_without_validators_keeps_the_ones_sent(http_server: LocalServer) -> None:
    http_server.routes["/feed"] = Response(b"", status=304, content_type=None)
    result = run(
        lambda f: f.get(http_server.url("/feed"), etag='"abc"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT")
    )
    assert result.not_modified
    assert (result.etag, result.last_modified) == ('"abc"', "Mon, 01 Jan 2024 00:00:00 GMT")


def test_304_to_an_unconditional_request_is_an_error(http_server: LocalServer) -> None:
    http_server.routes["/feed"] = Response(b"", status=304, content_type=None)
    error = fails(http_server.url("/feed"), HTTPStatusError)
    assert error.status == 304 and "not conditional" in str(error)


def test_unclean_validators_are_not_sent_back(http_server: LocalServer) -> None:
    http_server.routes["/feed"] = FEED
    result = run(lambda f: f.get(http_server.url("/feed"), etag='"é"', last_modified="x\x00y"))
    assert result.status == 200
    headers = {k.lower() for k in http_server.requests[0][2]}
    assert "if-none-match" not in headers and "if-modified-since" not in headers


def test_cache_control_max_age_and_content_type_kept_as_given(http_server: LocalServer) -> None:
    http_server.routes["/feed"] = Response(
        FEED, content_type="text/xml; charset=windows-1258", headers={"Cache-Control": "public, max-age=300"}
    )
    result = fetch(http_server.url("/feed"))
    assert result.cache_max_age == 300
    assert result.content_type == "text/xml; charset=windows-1258"
    assert result.url == result.final_url == http_server.url("/feed")


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("max-age=60", 60),
        ("no-cache, MAX-AGE = 5", 5),
        ('max-age="30"', 30),
        ("s-maxage=100", None),
        ("private", None),
        ("max-age=-1", None),
        ("max-age=" + "9" * 40, 31536000),
        (None, None),
    ],
)
def test_parse_max_age(header: str | None, seconds: int | None) -> None:
    assert parse_max_age(header) == seconds


def test_parse_retry_after() -> None:
    now = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 0 ") == 0.0
    assert parse_retry_after(format_datetime(now + timedelta(hours=1), usegmt=True), now) == 3600.0
    assert parse_retry_after("Sunday, 29-Nov-26 08:00:00 GMT", now) == 86400.0  # RFC 850
    assert parse_retry_after("Sun Nov 29 08:00:00 2026", now) == 86400.0  # asctime
    assert parse_retry_after(format_datetime(now - timedelta(hours=1), usegmt=True), now) == 0.0
    assert parse_retry_after("9" * 400) == 365 * 24 * 3600.0
    for junk in (None, "", "soon", "-5", "1.5", "²", "Mon, 99 Foo 2026 99:99:99 GMT"):
        assert parse_retry_after(junk, now) is None


# --------------------------------------------------------------------------- servers that stall


def test_trickle_one_byte_every_two_seconds_is_cut_by_the_deadline(http_server: LocalServer) -> None:
    reply = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 1000
    http_server.routes["/slow"] = trickle(reply, interval=2.0)
    started = time.monotonic()
    error = fails(http_server.url("/slow"), FetchTimeout, limits=FetchLimits(deadline=3.0))
    elapsed = time.monotonic() - started
    assert 2.5 < elapsed < 5.0, elapsed
    assert str(error) == f"fetch: timed out after 3 s (total deadline) fetching {http_server.url('/slow')}"


def test_accept_and_never_answer_is_cut_by_the_deadline() -> None:
    with SilentPort() as silent:
        started = time.monotonic()
        error = fails(silent.url("/feed"), FetchTimeout, limits=FetchLimits(deadline=1.5))
    assert time.monotonic() - started < 3.5
    assert "timed out after 1.5 s (total deadline)" in str(error)


def test_read_timeout_is_retried_and_named(http_server: LocalServer) -> None:
    http_server.routes["/feed"] = hang
    limits = FetchLimits(deadline=5.0, read_timeout=0.3, retries=1, backoff=0.01)
    error = fails(http_server.url("/feed"), FetchTimeout, limits=limits)
    assert "no data from 127.0.0.1:" in str(error) and "for 0.3 s (read timeout)" in str(error)
    assert paths(http_server) == ["/feed", "/feed"]


def test_waiting_for_a_slot_does_not_count_against_the_deadline(http_server: LocalServer) -> None:
    log: list[tuple[str, float, float]] = []
    http_server.routes["/feed"] = timed(FEED, log, hold=0.8)
    url = http_server.url("/feed")

    async def three(f: Fetcher) -> list[FetchResult]:
        return list(await asyncio.gather(f.get(url), f.get(url), f.get(url)))

    # one at a time, 0.8 s each: the third waits 1.6 s in the queue, longer than its 1.2 s deadline
    results = run(three, per_host=1, limits=FetchLimits(deadline=1.2))
    assert [r.status for r in results] == [200, 200, 200]


# --------------------------------------------------------------------------- bodies that do not end


def test_endless_body_is_cut_at_the_cap(http_server: LocalServer) -> None:
    http_server.routes["/feed"] = endless()
    error = fails(
        http_server.url("/feed"), BodyTooLarge, limits=FetchLimits(max_bytes=256 * 1024, deadline=5)
    )
    assert str(error) == f"fetch: response body larger than 256 KiB from {http_server.url('/feed')}"


def test_default_cap_message_names_15_mib(http_server: LocalServer) -> None:
    http_server.routes["/feed"] = headers_then_hang(b"HTTP/1.1 200 OK\r\nContent-Length: 16000000\r\n\r\n")
    error = fails(http_server.url("/feed"), BodyTooLarge, limits=FetchLimits(deadline=3))
    assert str(error).startswith("fetch: response body larger than 15 MiB from http://127.0.0.1:")


def test_content_length_over_the_cap_is_refused_before_reading(http_server: LocalServer) -> None:
    http_server.routes["/feed"] = headers_then_hang(
        b"HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\n"
    )
    started = time.monotonic()
    fails(http_server.url("/feed"), BodyTooLarge, limits=FetchLimits(max_bytes=1024, deadline=3))
    assert time.monotonic() - started < 2.0  # did not wait for a body that never comes


@cache
def bomb(encoding: str) -> bytes:
    """20 MiB of zeros, compressed to a few KB (gzip) or a few bytes (brotli)."""
    zeros = bytes(20 * 1024 * 1024)
    return gzip.compress(zeros) if encoding == "gzip" else brotli.compress(zeros, quality=5)


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_compression_bomb_is_cut_on_decompressed_bytes_within_memory(
    http_server: LocalServer, encoding: str
) -> None:
    body = bomb(encoding)
    assert len(body) < 64 * 1024
    http_server.routes["/feed"] = Response(body, headers={"Content-Encoding": encoding})
    tracemalloc.start()
    try:
        fails(http_server.url("/feed"), BodyTooLarge, limits=FetchLimits(max_bytes=1024 * 1024, deadline=5))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 6 * 1024 * 1024, peak  # decoding it whole would take 20 MiB at once


def test_endless_stream_of_empty_gzip_members_is_cut_on_raw_bytes(http_server: LocalServer) -> None:
    empty_member = gzip.compress(b"")
    http_server.routes["/feed"] = Response(empty_member * 20000, headers={"Content-Encoding": "gzip"})
    fails(http_server.url("/feed"), BodyTooLarge, limits=FetchLimits(max_bytes=64 * 1024, deadline=5))


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("gzip", gzip.compress(FEED)),
        ("x-gzip", gzip.compress(FEED)),
        ("gzip", gzip.compress(FEED[:20]) + gzip.compress(FEED[20:])),  # two members
        ("gzip", gzip.compress(FEED) + b"\0\0\0junk"),  # junk after the stream, as some servers send
        ("deflate", zlib.compress(FEED)),
        ("deflate", zlib.compress(FEED)[2:-4]),  # raw deflate without the zlib wrapper
        ("br", brotli.compress(FEED)),
        ("gzip, br", brotli.compress(gzip.compress(FEED))),
        ("identity", FEED),
        ("UTF-8", FEED),  # a misconfigured server naming a charset: no encoding
    ],
)
def test_content_encodings_decoded(http_server: LocalServer, encoding: str, body: bytes) -> None:
    http_server.routes["/feed"] = Response(body, headers={"Content-Encoding": encoding})
    assert fetch(http_server.url("/feed")).content == FEED


def test_corrupt_gzip_is_a_clear_error(http_server: LocalServer) -> None:
    http_server.routes["/feed"] = Response(
        b"\x1f\x8b\x08\x00garbage-garbage", headers={"Content-Encoding": "gzip"}
    )
    error = fails(http_server.url("/feed"))
    assert "could not be decoded (Content-Encoding gzip)" in str(error)


# --------------------------------------------------------------------------- redirects


def test_301_302_307_308_chain_ends_at_200_with_the_final_url(http_server: LocalServer) -> None:
    with QuickLocalServer() as other:
        other.routes["/feed.rss"] = FEED
        http_server.routes["/a"] = Response(status=301, headers={"Location": "/b"})
        http_server.routes["/b"] = Response(status=302, headers={"Location": "c?x=1"})  # relative
        http_server.routes["/c"] = Response(status=307, headers={"Location": other.url("/d#frag")})
        other.routes["/d"] = Response(status=308, headers={"Location": f"//127.0.0.1:{other.port}/feed.rss"})
        result = fetch(http_server.url("/a"))
    assert result.status == 200 and result.content == FEED
    assert result.url == http_server.url("/a")
    assert result.final_url == other.url("/feed.rss")
    assert paths(http_server) == ["/a", "/b", "/c?x=1"]


def test_redirect_loop_is_detected(http_server: LocalServer) -> None:
    http_server.routes["/a"] = Response(status=302, headers={"Location": "/b"})
    http_server.routes["/b"] = Response(status=301, headers={"Location": "/a"})
    error = fails(http_server.url("/a"), limits=FetchLimits(max_redirects=50))
    assert "redirect loop" in str(error)
    assert paths(http_server) == ["/a", "/b"]


def test_redirect_setting_a_cookie_may_come_back_once(http_server: LocalServer) -> None:
    def gate(handler: object) -> Response:
        if "seen=1" in (handler.headers.get("Cookie") or ""):  # type: ignore[attr-defined]
            return Response(FEED)
        return Response(status=302, headers={"Location": "/feed", "Set-Cookie": "seen=1; Path=/"})

    http_server.routes["/feed"] = gate
    assert fetch(http_server.url("/feed")).content == FEED

    async def again(f: Fetcher) -> FetchResult:  # the cookie lived for one fetch only
        await f.get(http_server.url("/feed"))
        return await f.get(http_server.url("/feed"))

    run(again)
    assert "Cookie" not in http_server.requests[-2][2]


@pytest.mark.parametrize(
    "location",
    ["file:///etc/passwd", "ftp://example.com/feed.rss", "data:text/xml,<rss/>", "javascript:alert(1)"],
)
def test_redirect_to_a_non_http_address_is_refused(http_server: LocalServer, location: str) -> None:
    http_server.routes["/feed"] = Response(status=302, headers={"Location": location})
    error = fails(http_server.url("/feed"))
    assert str(error).startswith(f"fetch: redirect to a non-HTTP address ({location}) refused")
    assert paths(http_server) == ["/feed"]


def test_too_many_redirects(http_server: LocalServer) -> None:
    for i in range(10):
        http_server.routes[f"/r{i}"] = Response(status=301, headers={"Location": f"/r{i + 1}"})
    error = fails(http_server.url("/r0"))
    assert str(error) == f"fetch: too many redirects (6) starting at {http_server.url('/r0')}"
    assert len(http_server.requests) == 6


def test_exactly_max_redirects_is_fine(http_server: LocalServer) -> None:
    for i in range(5):
        http_server.routes[f"/r{i}"] = Response(status=301, headers={"Location": f"/r{i + 1}"})
    http_server.routes["/r5"] = FEED
    assert fetch(http_server.url("/r0")).final_url == http_server.url("/r5")


def test_redirect_without_location(http_server: LocalServer) -> None:
    http_server.routes["/feed"] = Response(status=301)
    assert "redirect without a Location header" in str(fails(http_server.url("/feed")))


def test_public_host_may_not_redirect_to_a_local_address() -> None:
    # no public host can run here: this is the one case that needs httpx.MockTransport
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})

    error = fails("https://news.example.com/rss", transport=httpx.MockTransport(handler))
    assert "redirect from a public address to a local one" in str(error)


# --------------------------------------------------------------------------- status codes


@pytest.mark.parametrize(
    ("status", "phrase"), [(401, "Unauthorized"), (403, "Forbidden"), (404, "Not Found"), (410, "Gone")]
)
def test_client_errors_are_not_retried(http_server: LocalServer, status: int, phrase: str) -> None:
    http_server.routes["/feed"] = Response(b"no", status=status, content_type="text/plain")
    error = fails(http_server.url("/feed"), HTTPStatusError)
    assert error.status == status and not isinstance(error, RateLimited)
    assert str(error) == f"fetch: HTTP {status} {phrase} from {http_server.url('/feed')}"
    assert len(http_server.requests) == 1


@pytest.mark.parametrize("status", [500, 502, 504])
def test_server_errors_are_retried_then_reported(http_server: LocalServer, status: int) -> None:
    http_server.routes["/feed"] = Response(b"oops", status=status)
    error = fails(http_server.url("/feed"), HTTPStatusError)
    assert error.status == status
    assert len(http_server.requests) == 3  # the first try and two retries


def test_500_then_200_succeeds_on_retry(http_server: LocalServer) -> None:
    http_server.routes["/feed"] = sequence(Response(b"oops", status=500), FEED)
    assert fetch(http_server.url("/feed")).content == FEED
    assert len(http_server.requests) == 2


def test_429_with_retry_after_seconds_beyond_the_deadline(http_server: LocalServer) -> None:
    http_server.routes["/feed"] = Response(b"slow down", status=429, headers={"Retry-After": "120"})
    error = fails(http_server.url("/feed"), RateLimited)
    assert (error.status, error.retry_after) == (429, 120.0)
    assert (
        str(error) == f"fetch: HTTP 429 Too Many Requests from {http_server.url('/feed')} (retry after 120 s)"
    )
    assert len(http_server.requests) == 1  # not retried: the scheduler postpones the feed


def test_429_with_retry_after_http_date(http_server: LocalServer) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
    http_server.routes["/feed"] = Response(b"", status=429, headers={"Retry-After": when})
    error = fails(http_server.url("/feed"), RateLimited)
    assert error.retry_after is not None and 3590 < error.retry_after <= 3600


def test_429_without_retry_after(http_server: LocalServer) -> None:
    http_server.routes["/feed"] = Response(b"", status=429)
    error = fails(http_server.url("/feed"), RateLimited)
    assert error.retry_after is None and "no Retry-After given" in str(error)
    assert len(http_server.requests) == 1


def test_503_without_retry_after_is_retried_then_rate_limited(http_server: LocalServer) -> None:
    http_server.routes["/feed"] = Response(b"", status=503)
    error = fails(http_server.url("/feed"), RateLimited)
    assert (error.status, error.retry_after) == (503, None)
    assert len(http_server.requests) == 3


def test_503_with_a_retry_after_that_fits_the_deadline_is_waited_out(http_server: LocalServer) -> None:
    http_server.routes["/feed"] = sequence(Response(b"", status=503, headers={"Retry-After": "0"}), FEED)
    assert fetch(http_server.url("/feed")).content == FEED


# --------------------------------------------------------------------------- connections that fail


def test_connection_refused() -> None:
    port = closed_port()
    error = fails(f"http://127.0.0.1:{port}/feed")
    assert str(error) == f"fetch: connection refused by 127.0.0.1:{port} (http://127.0.0.1:{port}/feed)"
    assert error.url == f"http://127.0.0.1:{port}/feed"


def test_dns_failure_fails_fast() -> None:
    started = time.monotonic()
    error = fails("http://nonexistent.invalid/", limits=FetchLimits(deadline=10, backoff=1))
    assert time.monotonic() - started < 2.0  # no retries, no backoff: the name does not exist
    assert str(error).startswith("fetch: DNS lookup failed for host nonexistent.invalid")


@pytest.mark.parametrize("url", ["ftp://example.com/feed", "file:///etc/passwd", "not a url", "http://"])
def test_not_an_http_address(url: str) -> None:
    assert "http" in str(fails(url))


@pytest.mark.parametrize(
    "reply",
    [
        b"SSH-2.0-OpenSSH_9.6\r\n",  # not HTTP at all
        b"",  # hangs up at once
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort",  # body cut short
        b"HTTP/1.1 999\r\n\r\n",  # a status no one defined
        b"HTTP/1.1 200 OK\r\nX-Junk: " + b"a" * 200_000 + b"\r\n\r\n",  # a 200 KB header
        b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
    ],
)
def test_broken_replies_become_fetch_errors(http_server: LocalServer, reply: bytes) -> None:
    http_server.routes["/feed"] = raw(reply)
    error = fails(http_server.url("/feed"))
    assert type(error) in (FetchError, HTTPStatusError)
    assert http_server.url("/feed") in str(error)


# --------------------------------------------------------------------------- limits on load


def overlap(log: list[tuple[str, float, float]]) -> int:
    """The most requests the server was handling at once."""
    events = sorted([(start, 1) for _, start, _ in log] + [(end, -1) for _, _, end in log])
    current = most = 0
    for _, step in events:
        current += step
        most = max(most, current)
    return most


def test_per_host_concurrency_observed_at_the_server(http_server: LocalServer) -> None:
    log: list[tuple[str, float, float]] = []
    http_server.routes["/feed"] = timed(FEED, log, hold=0.25)

    async def many(f: Fetcher) -> None:
        await asyncio.gather(*(f.get(http_server.url("/feed")) for _ in range(6)))

    run(many, per_host=2)
    assert len(log) == 6 and overlap(log) == 2


def test_global_cap_on_requests_in_flight(http_server: LocalServer) -> None:
    log: list[tuple[str, float, float]] = []
    with QuickLocalServer() as other:
        for srv in (http_server, other):
            srv.routes["/feed"] = timed(FEED, log, hold=0.25)

        async def many(f: Fetcher) -> None:
            urls = [srv.url("/feed") for srv in (http_server, other) for _ in range(4)]
            await asyncio.gather(*(f.get(url) for url in urls))

        run(many, per_host=4, max_in_flight=3)
    assert len(log) == 8 and overlap(log) == 3


# --------------------------------------------------------------------------- article pages


ROBOTS = "User-agent: *\nDisallow: /private/\n\nUser-agent: otherbot\nDisallow: /\n"


def test_robots_txt_disallow_and_one_robots_request_for_many_pages(http_server: LocalServer) -> None:
    http_server.routes["/robots.txt"] = Response(ROBOTS, content_type="text/plain")
    for name in ("a", "b", "c"):
        http_server.routes[f"/news/{name}.html"] = Response(f"<p>{name}</p>", content_type="text/html")

    async def pages(f: Fetcher) -> list[FetchResult | BaseException]:
        urls = [http_server.url(f"/news/{n}.html") for n in "abc"] + [http_server.url("/private/x.html")]
        return await asyncio.gather(*(f.get_page(u) for u in urls), return_exceptions=True)

    results = run(pages)
    assert [r.status for r in results[:3]] == [200, 200, 200]  # type: ignore[union-attr]
    assert isinstance(results[3], FetchError) and not isinstance(results[3], HTTPStatusError)
    assert str(results[3]) == f"fetch: {http_server.url('/private/x.html')} disallowed by robots.txt"
    assert paths(http_server).count("/robots.txt") == 1
    assert "/private/x.html" not in paths(http_server)


def test_robots_rules_for_our_agent(http_server: LocalServer) -> None:
    http_server.routes["/robots.txt"] = Response(
        "User-agent: news-monitor\nDisallow: /\n", content_type="text/plain"
    )
    http_server.routes["/a.html"] = "<p>a</p>"
    with pytest.raises(FetchError, match="disallowed by robots.txt"):
        run(lambda f: f.get_page(http_server.url("/a.html")))


def test_feeds_do_not_consult_robots(http_server: LocalServer) -> None:
    http_server.routes["/robots.txt"] = Response("User-agent: *\nDisallow: /\n", content_type="text/plain")
    http_server.routes["/feed"] = FEED
    assert fetch(http_server.url("/feed")).status == 200
    assert paths(http_server) == ["/feed"]


def test_robots_404_allows_all(http_server: LocalServer) -> None:
    http_server.routes["/a.html"] = "<p>a</p>"
    # one slot in all: the robots.txt request and the page must not wait for each other
    assert run(lambda f: f.get_page(http_server.url("/a.html")), per_host=1, max_in_flight=1).status == 200
    assert paths(http_server) == ["/robots.txt", "/a.html"]


def test_robots_failure_allows_and_logs(http_server: LocalServer, caplog: pytest.LogCaptureFixture) -> None:
    http_server.routes["/robots.txt"] = Response(b"", status=500)
    http_server.routes["/a.html"] = "<p>a</p>"
    with caplog.at_level(logging.WARNING, logger="monitor.fetch"):
        assert run(lambda f: f.get_page(http_server.url("/a.html"))).status == 200
    assert "robots.txt unavailable" in caplog.text and "HTTP 500" in caplog.text


def test_robots_checked_on_a_redirect_to_another_host(http_server: LocalServer) -> None:
    with QuickLocalServer() as other:
        other.routes["/robots.txt"] = Response("User-agent: *\nDisallow: /\n", content_type="text/plain")
        other.routes["/article.html"] = "<p>x</p>"
        http_server.routes["/go"] = Response(status=302, headers={"Location": other.url("/article.html")})
        with pytest.raises(FetchError, match="disallowed by robots.txt"):
            run(lambda f: f.get_page(http_server.url("/go")))
        assert "/article.html" not in paths(other)


def test_min_host_delay_between_request_starts(http_server: LocalServer) -> None:
    log: list[tuple[str, float, float]] = []
    http_server.routes["/robots.txt"] = timed(Response("", content_type="text/plain"), log)
    for name in "abc":
        http_server.routes[f"/{name}.html"] = timed("<p>x</p>", log)

    async def pages(f: Fetcher) -> None:
        await asyncio.gather(*(f.get_page(http_server.url(f"/{n}.html")) for n in "abc"))

    run(pages, min_host_delay=0.3, per_host=2)
    starts = sorted(start for _, start, _ in log)
    assert len(starts) == 4  # robots.txt and three pages
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert min(gaps) > 0.2, gaps  # 0.3 s apart at the client; the server sees them a little jittered


# --------------------------------------------------------------------------- misuse


def test_misuse_raises_value_and_runtime_errors(http_server: LocalServer) -> None:
    with pytest.raises(ValueError):
        FetchLimits(max_bytes=0)
    with pytest.raises(ValueError):
        Fetcher(per_host=0)

    async def after_close() -> None:
        fetcher = Fetcher()
        await fetcher.aclose()
        await fetcher.get(http_server.url("/feed"))

    with pytest.raises(RuntimeError):
        asyncio.run(after_close())


# --------------------------------------------------------------------------- more hostile servers


def test_endless_informational_responses_are_cut_by_the_deadline(http_server: LocalServer) -> None:
    def continue_forever(handler: object) -> None:
        handler.close_connection = True  # type: ignore[attr-defined]
        try:
            while True:
                handler.wfile.write(b"HTTP/1.1 102 Processing\r\n\r\n")  # type: ignore[attr-defined]
                handler.wfile.flush()  # type: ignore[attr-defined]
                time.sleep(0.05)
        except OSError:
            pass

    http_server.routes["/feed"] = continue_forever
    started = time.monotonic()
    fails(http_server.url("/feed"), FetchTimeout, limits=FetchLimits(deadline=1.0))
    assert time.monotonic() - started < 2.5


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a self-signed certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def test_tls_certificate_is_verified(self_signed: tuple[Path, Path]) -> None:
    with TLSLocalServer(*self_signed) as srv:
        srv.routes["/feed"] = FEED
        error = fails(srv.url("/feed"))
        assert str(error).startswith(
            "fetch: TLS certificate of 127.0.0.1 not trusted: self-signed certificate"
        )
        assert fetch(srv.url("/feed"), verify=False).content == FEED  # the same server, unverified


@pytest.mark.parametrize(
    "exc",
    [
        OSError(24, "Too many open files"),
        ssl.SSLError("bad record mac"),
        httpx.ProxyError("proxy said no"),
        httpx.LocalProtocolError("illegal header value"),
        httpx.ConnectError("unknown failure"),
    ],
)
def test_nothing_but_fetch_errors_escape(exc: Exception) -> None:
    # raising exactly these at will needs a transport that fails on demand: httpx.MockTransport
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    error = fails("http://127.0.0.1:9/feed", transport=httpx.MockTransport(handler))
    assert type(error) is FetchError and "http://127.0.0.1:9/feed" in str(error)


def test_password_in_the_url_never_reaches_a_message(http_server: LocalServer) -> None:
    http_server.routes["/feed"] = Response(b"", status=401)
    error = fails(f"http://desk:s3cr%40t@127.0.0.1:{http_server.port}/feed", HTTPStatusError)
    assert "s3cr" not in str(error) and "s3cr" not in (error.url or "")
    assert f"http://desk:***@127.0.0.1:{http_server.port}/feed" in str(error)
    port = closed_port()
    error = fails(f"http://desk:s3cr%40t@127.0.0.1:{port}/feed")
    assert "s3cr" not in str(error) and "connection refused" in str(error)
    http_server.routes["/one"] = Response(b"", status=401)  # a one-letter password: only it is hidden
    error = fails(f"http://desk:1@127.0.0.1:{http_server.port}/one", HTTPStatusError)
    assert str(error) == f"fetch: HTTP 401 Unauthorized from http://desk:***@127.0.0.1:{http_server.port}/one"


@pytest.mark.parametrize(
    "location",
    ["http://127.0.0.1/admin", "http://2130706433/", "http://0x7f.1/", "http://[::1]/", "http://localhost:8080/",
     "http://10.0.0.1/", "http://[::ffff:127.0.0.1]/"],
)  # fmt: skip
def test_every_spelling_of_a_local_address_is_refused_as_a_redirect_target(location: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers={"Location": location})

    error = fails("https://news.example.com/rss", transport=httpx.MockTransport(handler))
    assert "redirect from a public address to a local one" in str(error)


def test_public_redirects_are_followed_through_an_injected_transport() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "old.example.com":
            return httpx.Response(301, headers={"Location": "https://new.example.com/rss"})
        return httpx.Response(200, content=FEED, headers={"Content-Type": "application/rss+xml"})

    result = fetch("http://old.example.com/rss", transport=httpx.MockTransport(handler))
    assert (result.final_url, result.content) == ("https://new.example.com/rss", FEED)


def test_robots_crawl_delay_spaces_requests(http_server: LocalServer) -> None:
    log: list[tuple[str, float, float]] = []
    http_server.routes["/robots.txt"] = timed(
        Response("User-agent: *\nCrawl-delay: 1\n", content_type="text/plain"), log
    )
    http_server.routes["/a.html"] = timed("<p>a</p>", log)
    run(lambda f: f.get_page(http_server.url("/a.html")))
    (_, robots_start, _), (_, page_start, _) = sorted(log, key=lambda entry: entry[1])
    assert page_start - robots_start > 0.8


# --------------------------------------------------------------------------- months of running


def test_many_fetches_over_few_slots_all_finish(http_server: LocalServer) -> None:
    with QuickLocalServer() as second, QuickLocalServer() as third:
        servers = (http_server, second, third)
        for srv in servers:
            srv.routes["/feed"] = FEED

        async def many(f: Fetcher) -> list[FetchResult]:
            return list(
                await asyncio.gather(*(f.get(srv.url("/feed")) for srv in servers for _ in range(20)))
            )

        results = run(many, per_host=2, max_in_flight=3)
    assert len(results) == 60 and {r.status for r in results} == {200}


def test_a_cancelled_fetch_gives_its_slots_back(http_server: LocalServer) -> None:
    arrived = threading.Event()

    def hold(handler: object) -> None:
        arrived.set()
        hang(handler)  # type: ignore[arg-type]

    http_server.routes["/hang"] = hold
    http_server.routes["/feed"] = FEED

    async def cancel_then_fetch(f: Fetcher) -> FetchResult:
        stuck = asyncio.create_task(f.get(http_server.url("/hang")))
        assert await asyncio.to_thread(arrived.wait, 5)  # the server holds the request
        stuck.cancel()
        with pytest.raises(asyncio.CancelledError):
            await stuck
        return await f.get(http_server.url("/feed"))  # one slot per host, one in all: must be free

    assert run(cancel_then_fetch, per_host=1, max_in_flight=1).status == 200


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="counts open descriptors in /proc")
def test_failed_fetches_leave_no_descriptors_behind(http_server: LocalServer) -> None:
    http_server.routes["/big"] = endless()
    http_server.routes["/gone"] = Response(b"", status=410)
    http_server.routes["/evil"] = Response(status=302, headers={"Location": "file:///etc/passwd"})
    http_server.routes["/feed"] = FEED
    limits = FetchLimits(max_bytes=128 * 1024, deadline=3, backoff=0.01)

    async def rounds(f: Fetcher) -> list[int]:
        counts = []
        for _ in range(6):
            for path in ("/big", "/gone", "/evil", "/feed"):
                with contextlib.suppress(FetchError):
                    await f.get(http_server.url(path))
            counts.append(len(os.listdir("/proc/self/fd")))
        return counts

    counts = run(rounds, limits=limits)
    assert counts[-1] - counts[0] <= 2, counts


def test_public_names_are_pinned() -> None:
    import monitor.fetch

    assert set(monitor.fetch.__all__) == {
        "FEED_ACCEPT", "PAGE_ACCEPT", "FetchLimits", "Fetcher", "parse_max_age", "parse_retry_after",
    }  # fmt: skip


def test_deadline_message_tells_what_happened_before(http_server: LocalServer) -> None:
    http_server.routes["/feed"] = sequence(Response(b"", status=502), hang)
    error = fails(http_server.url("/feed"), FetchTimeout, limits=FetchLimits(deadline=1.0, backoff=0.01))
    url = http_server.url("/feed")
    assert str(error) == (
        f"fetch: timed out after 1 s (total deadline) fetching {url}; before that: HTTP 502 Bad Gateway from {url}"
    )
