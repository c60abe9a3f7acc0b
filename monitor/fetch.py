"""Fetching over HTTP: with monitor.fetcherrors, the only modules that import httpx.

`Fetcher.get(url)` returns a `FetchResult` or raises a `monitor.errors.FetchError` (or one of its
subclasses); nothing else escapes: no httpx, ssl, zlib or OSError. Every server is hostile until
its answer is parsed. The defences, in the order a response meets them:

- Limits on waiting: httpx connect and read timeouts, plus a total deadline per fetch
  (`asyncio.timeout`, retries and backoff included), so a server that trickles a byte every two
  seconds, or accepts and never answers, holds a feed for `deadline` seconds at most. Time spent
  queued for a free slot (global cap, per-host limit, politeness delay, robots.txt) is not
  counted: one slow host cannot make the feeds queued behind it time out.
- Limits on load: at most `per_host` requests at a time to one host and `max_in_flight` in all
  (httpx's pool degrades past about 20); `get_page` also spaces request starts to one host by
  `min_host_delay` (or the host's robots.txt Crawl-delay, up to 10 s) and honours robots.txt,
  fetched once per host and cached for a day. The slots, spacing and robots.txt cache are
  monitor.politeness (no httpx there).
- Limits on size: the body is streamed raw and decompressed in bounded steps (monitor.decompress:
  zlib `max_length`, brotli `output_buffer_limit`), counting DECOMPRESSED bytes; past `max_bytes` the
  fetch ends with BodyTooLarge. A gzip or brotli bomb never occupies more than the cap plus one
  64 KiB step; compressed bytes are capped too (an endless stream of empty gzip members), and a
  Content-Length over the cap is refused before reading.
- Redirects followed by hand: http/https targets only (file:, ftp:, data:, javascript: refused),
  relative Location resolved, at most `max_redirects`, loops detected, and a public host may not
  send us to a loopback/private address literal. Cookies live for one fetch only (a redirect that
  sets a cookie works; nothing accumulates over months).
- Retries only for transient failures (connection errors, timeouts, 408/500/502/504/52x), with
  exponential backoff and jitter, never past the deadline. 429/503 raise RateLimited with
  Retry-After parsed (seconds or HTTP-date); a Retry-After that fits in what is left of the
  deadline is waited out (it counts as a retry), a longer one is raised at once for the scheduler
  to postpone the feed. 401/403/404/410 and other 4xx raise HTTPStatusError at once.
- TLS verified. Validators sent back (ETag, Last-Modified) are dropped if they are not clean ASCII.
- One translator, monitor.fetcherrors.map_errors, turns httpx exceptions into messages that
  name the stage, the problem and the URL ("fetch: connection refused by 127.0.0.1:8080 (http://...)").
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import logging
import random
import re
import socket
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx

from monitor import USER_AGENT, decompress
from monitor.errors import BodyTooLarge, FetchError, FetchTimeout, HTTPStatusError
from monitor.fetcherrors import (
    RATE_LIMIT_STATUSES,
    Retryable,
    clip,
    human_size,
    map_errors,
    netloc,
    status_error,
)
from monitor.models import FetchResult
from monitor.politeness import Deadline, Politeness, Robots

__all__ = ["FEED_ACCEPT", "PAGE_ACCEPT", "FetchLimits", "Fetcher", "parse_max_age", "parse_retry_after"]

log = logging.getLogger(__name__)

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
ROBOTS_ACCEPT = "text/plain, */*;q=0.1"

TRANSIENT_STATUSES = frozenset({408, 500, 502, 504, 520, 521, 522, 523, 524})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_RETRY_AFTER = 365 * 24 * 3600.0  # a Retry-After beyond a year is read as a year
ROBOTS_MAX_BYTES = 512 * 1024


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int = 15 * 1024 * 1024  # cap on the DECOMPRESSED body (Miniflux uses 15 MiB)
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 60.0  # total wall time for one fetch, retries included (time queued for a slot is not)
    max_redirects: int = 5
    retries: int = 2  # transient failures only, with backoff
    backoff: float = 0.5  # seconds, doubled per retry, with jitter

    def __post_init__(self) -> None:
        if self.max_bytes <= 0 or self.max_redirects < 0 or self.retries < 0:
            raise ValueError("FetchLimits: max_bytes must be > 0, max_redirects and retries >= 0")
        if min(self.connect_timeout, self.read_timeout, self.deadline) <= 0 or self.backoff < 0:
            raise ValueError("FetchLimits: timeouts and deadline must be > 0, backoff >= 0")


# --------------------------------------------------------------------------- header parsing


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or HTTP-date); None if absent or junk.

    A date in the past gives 0.0; anything beyond a year is read as a year.
    """
    if value is None or not value.strip():
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9]+", value):
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000": UTC with no claim about the local zone
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return min(max(0.0, (when - now).total_seconds()), MAX_RETRY_AFTER)


def parse_max_age(value: str | None) -> int | None:
    """max-age seconds from a Cache-Control header, or None (s-maxage and junk are ignored)."""
    if not value:
        return None
    found = re.search(r"(?:^|[,\s])max-age\s*=\s*\"?([0-9]+)", value, re.IGNORECASE)
    if not found:
        return None
    digits = found.group(1)
    return int(digits) if len(digits) <= 10 else int(MAX_RETRY_AFTER)


def _clean_header(value: str | None) -> str | None:
    """A validator to send back, or None when it is empty or not clean printable ASCII."""
    if not value or not value.isascii() or not value.isprintable():
        return None
    return value


def _host_key(url: httpx.URL) -> str:
    return f"{url.scheme}://{netloc(url)}"


def _is_local(host: str) -> bool:
    """Whether a URL's host names this machine or a private network (literals only, no DNS)."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        try:  # the forms the resolver also reads as IPv4: 2130706433, 0x7f.1, 127.1
            ip = ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return False
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_unspecified


def _checked_address(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise FetchError(f"invalid address {clip(url)}: {clip(str(exc))}", url=url) from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise FetchError(f"not an http or https address: {clip(url)}", url=url)
    return parsed


def _redirect_target(response: httpx.Response, current: str) -> str | None:
    """Where a redirect points, checked; None when the response is not a redirect."""
    status = response.status_code
    if status not in REDIRECT_STATUSES:
        return None
    location = response.headers.get("location", "").strip()
    if not location:
        raise FetchError(f"HTTP {status} redirect without a Location header from {current}", url=current)
    shown = clip(location)
    try:
        target = httpx.URL(current).join(location).copy_with(fragment=None)
    except (httpx.InvalidURL, ValueError) as exc:
        raise FetchError(
            f"redirect to an invalid address ({shown}) refused (from {current})", url=current
        ) from exc
    if target.scheme not in ("http", "https") or not target.host:
        raise FetchError(f"redirect to a non-HTTP address ({shown}) refused (from {current})", url=current)
    if _is_local(target.host) and not _is_local(httpx.URL(current).host):
        message = f"redirect from a public address to a local one ({shown}) refused (from {current})"
        raise FetchError(message, url=current)
    return str(target)


async def _vet_redirect(response: httpx.Response) -> None:
    """Response hook: check a redirect before httpx prepares its `next_request` (which raises on
    Locations such as `javascript:alert(1)`, losing the response)."""
    _redirect_target(response, str(response.request.url))


def _visit(url: str, cookies: httpx.Cookies) -> tuple[str, tuple[tuple[str, str, str], ...]]:
    """A visited address; the same address with new cookies is a new visit (cookie handshakes)."""
    return url, tuple(sorted((c.domain, c.name, c.value or "") for c in cookies.jar))


@dataclass(frozen=True)
class _Request:
    url: str
    headers: Mapping[str, str]
    polite: bool  # space request starts to a host (get_page)
    robots: bool  # honour robots.txt at every address visited (get_page)
    max_bytes: int

    def redact(self, text: str) -> str:
        """`text` with the URL's password (http://user:password@host/) replaced by ***."""
        try:
            secret = urllib.parse.urlsplit(self.url).password
        except ValueError:
            return text
        return text.replace(f":{secret}@", ":***@") if secret else text


# --------------------------------------------------------------------------- the fetcher


class Fetcher:
    """Fetches feeds (`get`) and article pages (`get_page`): one per process.

    `async with Fetcher() as fetcher: result = await fetcher.get(url, etag=...)`
    """

    def __init__(
        self,
        *,
        limits: FetchLimits = FetchLimits(),  # noqa: B008 - frozen, shared safely
        per_host: int = 2,
        max_in_flight: int = 16,
        user_agent: str = USER_AGENT,
        transport: httpx.AsyncBaseTransport | None = None,
        min_host_delay: float = 0.0,
        verify: bool = True,
    ) -> None:
        if per_host < 1 or max_in_flight < 1 or min_host_delay < 0:
            raise ValueError("Fetcher: per_host and max_in_flight must be >= 1, min_host_delay >= 0")
        self._limits = limits
        self._politeness = Politeness(
            per_host=per_host,
            max_in_flight=max_in_flight,
            min_host_delay=min_host_delay,
            user_agent=user_agent,
            load_robots=self._load_robots,
        )
        self._closed = False
        self._client = httpx.AsyncClient(
            transport=transport,
            verify=verify,
            timeout=httpx.Timeout(
                connect=limits.connect_timeout,
                read=limits.read_timeout,
                write=limits.read_timeout,
                pool=limits.connect_timeout,
            ),
            limits=httpx.Limits(max_connections=max_in_flight, max_keepalive_connections=max_in_flight),
            follow_redirects=False,
            event_hooks={"response": [_vet_redirect]},
            headers={"User-Agent": user_agent, "Accept-Encoding": decompress.ACCEPT_ENCODING},
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),  # keep no cookies
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        self._closed = True
        await self._client.aclose()

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
    ) -> FetchResult:
        """GET a feed, conditionally when validators are given (a 304 gives FetchResult(status=304))."""
        headers = {"Accept": accept}
        if sent := _clean_header(etag):
            headers["If-None-Match"] = sent
        if sent := _clean_header(last_modified):
            headers["If-Modified-Since"] = sent
        return await self._fetch(_Request(url, headers, False, False, self._limits.max_bytes))

    async def get_page(self, url: str) -> FetchResult:
        """GET an article page politely: robots.txt honoured, request starts to a host spaced."""
        request = _Request(url, {"Accept": PAGE_ACCEPT}, True, True, self._limits.max_bytes)
        return await self._fetch(request)

    async def _fetch(self, request: _Request) -> FetchResult:
        if self._closed:
            raise RuntimeError("Fetcher is closed")
        try:
            return await self._within_deadline(request)
        except FetchError as exc:  # a password in the URL never reaches a message
            exc.args = tuple(request.redact(str(arg)) for arg in exc.args)
            exc.url = request.redact(exc.url) if exc.url else exc.url
            raise

    async def _within_deadline(self, request: _Request) -> FetchResult:
        _checked_address(request.url)
        seconds = self._limits.deadline
        errors: list[FetchError] = []
        try:
            async with asyncio.timeout(seconds) as timeout:
                return await self._with_retries(request, Deadline(timeout, seconds), errors)
        except TimeoutError:
            last = f"; before that: {str(errors[-1]).removeprefix('fetch: ')}" if errors else ""
            message = f"timed out after {seconds:g} s (total deadline) fetching {request.url}{last}"
            raise FetchTimeout(message, url=request.url) from None

    async def _with_retries(
        self, request: _Request, deadline: Deadline, errors: list[FetchError]
    ) -> FetchResult:
        attempt = 0
        while True:
            try:
                return await self._follow(request, deadline)
            except Retryable as retry:
                errors.append(retry.error)
                wait = retry.retry_after
                if wait is None:
                    wait = self._limits.backoff * 2**attempt * random.uniform(0.75, 1.25)
                if attempt >= self._limits.retries or wait >= deadline.remaining():
                    raise retry.error from retry.__cause__
                log.info(
                    "fetch retry url=%s attempt=%d wait=%.2fs error=%s",
                    request.redact(request.url),
                    attempt + 1,
                    wait,
                    request.redact(str(retry.error)),
                )
                await asyncio.sleep(wait)
                attempt += 1

    async def _follow(self, request: _Request, deadline: Deadline) -> FetchResult:
        """One attempt: the request and the redirects it leads to, each hop checked."""
        limits, current, cookies, seen = self._limits, request.url, httpx.Cookies(), set()
        for _hop in range(limits.max_redirects + 1):
            if request.robots:
                async with deadline.paused():
                    await self._politeness.require_allowed(_host_key(httpx.URL(current)), current)
            seen.add(_visit(current, cookies))  # with the cookies it is asked with
            async with self._politeness.slot(_host_key(httpx.URL(current)), deadline, request.polite):
                with map_errors(
                    current, connect_timeout=limits.connect_timeout, read_timeout=limits.read_timeout
                ):
                    outgoing = self._client.build_request("GET", current, headers=request.headers)
                    cookies.set_cookie_header(outgoing)
                    response = await self._client.send(outgoing, stream=True)
                    try:
                        cookies.extract_cookies(response)
                        target = _redirect_target(response, current)
                        if target is None:
                            return await self._result(request, current, response)
                    finally:
                        await response.aclose()
            if _visit(target, cookies) in seen:
                raise FetchError(
                    f"redirect loop: {target} visited twice (starting at {request.url})", url=request.url
                )
            current = target
        count = limits.max_redirects + 1
        raise FetchError(f"too many redirects ({count}) starting at {request.url}", url=request.url)

    async def _result(self, request: _Request, current: str, response: httpx.Response) -> FetchResult:
        status, headers = response.status_code, response.headers
        if status == 304:
            return self._not_modified(request, current, response)
        if 200 <= status < 300:
            return FetchResult(
                url=request.url,
                final_url=current,
                status=status,
                content=await self._read_body(response, current, request.max_bytes),
                content_type=headers.get("content-type"),
                etag=headers.get("etag"),
                last_modified=headers.get("last-modified"),
                cache_max_age=parse_max_age(headers.get("cache-control")),
            )
        retry_after = parse_retry_after(headers.get("retry-after")) if status in RATE_LIMIT_STATUSES else None
        error = status_error(status, current, request.url, retry_after)
        if status in TRANSIENT_STATUSES or (status == 503 and retry_after is None):
            raise Retryable(error)
        if retry_after is not None:
            raise Retryable(error, retry_after=retry_after)  # waited out only if it fits the deadline
        raise error

    def _not_modified(self, request: _Request, current: str, response: httpx.Response) -> FetchResult:
        sent_etag = request.headers.get("If-None-Match")
        sent_modified = request.headers.get("If-Modified-Since")
        if not (sent_etag or sent_modified):
            message = f"HTTP 304 Not Modified from {current} to a request that was not conditional"
            raise HTTPStatusError(message + " (the server misbehaves)", url=current, status=304)
        headers = response.headers
        return FetchResult(
            url=request.url,
            final_url=current,
            status=304,
            content_type=headers.get("content-type"),
            etag=headers.get("etag") or sent_etag,  # a 304 without validators keeps ours
            last_modified=headers.get("last-modified") or sent_modified,
            cache_max_age=parse_max_age(headers.get("cache-control")),
        )

    async def _read_body(self, response: httpx.Response, url: str, max_bytes: int) -> bytes:
        too_large = BodyTooLarge(f"response body larger than {human_size(max_bytes)} from {url}", url=url)
        declared = response.headers.get("content-length", "").strip()
        if re.fullmatch(r"[0-9]+", declared) and (len(declared) > 15 or int(declared) > max_bytes):
            raise too_large
        if response.is_stream_consumed:  # built in memory (httpx.MockTransport): already decoded
            if len(response.content) > max_bytes:
                raise too_large
            return response.content
        encoding = response.headers.get("content-encoding")
        body, raw = bytearray(), 0
        try:
            decoders = decompress.decoders(encoding)
            async for chunk in response.aiter_raw():
                raw += len(chunk)
                if raw > max_bytes:  # compressed bytes are capped too
                    raise too_large
                for piece in decompress.decode(decoders, chunk):
                    if len(body) + len(piece) > max_bytes:
                        raise too_large
                    body += piece
            for piece in decompress.flush(decoders):
                if len(body) + len(piece) > max_bytes:
                    raise too_large
                body += piece
        except decompress.DecodeError as exc:
            what = f"Content-Encoding {clip(str(encoding))}"
            raise FetchError(
                f"response body from {url} could not be decoded ({what}): {exc}", url=url
            ) from exc
        return bytes(body)

    # ----------------------------------------------------------------------- robots.txt

    async def _load_robots(self, key: str) -> Robots:
        """The host's robots.txt, for `Politeness` to cache; rules only when it could be read."""
        url = f"{key}/robots.txt"
        request = _Request(url, {"Accept": ROBOTS_ACCEPT}, True, False, ROBOTS_MAX_BYTES)
        try:
            result = await self._fetch(request)
        except HTTPStatusError as exc:
            if 400 <= exc.status < 500 and exc.status != 429:  # RFC 9309: no robots.txt, no rules
                log.debug("robots.txt absent url=%s status=%d: all allowed", url, exc.status)
                return Robots.allow_all(failed=False)
            log.warning("robots.txt unavailable url=%s error=%s: allowed until it can be read", url, exc)
            return Robots.allow_all(failed=True)
        except FetchError as exc:
            log.warning("robots.txt unavailable url=%s error=%s: allowed until it can be read", url, exc)
            return Robots.allow_all(failed=True)
        return Robots.read(url, result.content.decode("utf-8-sig", "replace"))
