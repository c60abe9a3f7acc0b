"""Fetch failures in words: the one place that turns httpx exceptions and HTTP statuses into
monitor.errors, for `fetch`.

    map_errors(url, ...)          context manager: httpx/ssl/socket exceptions ─► FetchError,
                                  FetchTimeout, or Retryable(FetchError) when trying again may help
    status_error(status, url, ...) ─► HTTPStatusError, or RateLimited (429/503) with its Retry-After

Every message names the problem and the address ("fetch: connection refused by 127.0.0.1:8080
(http://...)"); text from the server or the TLS library is clipped and made printable first.
A name that does not resolve or a certificate that is not trusted is final; a refused or lost
connection, a timeout or a broken response is worth a retry.
"""

from __future__ import annotations

import contextlib
import http
import socket
import ssl
from collections.abc import Iterator

import httpx

from monitor.errors import FetchError, FetchTimeout, HTTPStatusError, RateLimited

__all__ = ["RATE_LIMIT_STATUSES", "Retryable", "clip", "human_size", "map_errors", "netloc", "status_error"]

RATE_LIMIT_STATUSES = frozenset({429, 503})


class Retryable(Exception):
    """Internal to fetch: a FetchError that may go away if tried again (never leaves `fetch`)."""

    def __init__(self, error: FetchError, retry_after: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


def clip(text: str, limit: int = 200) -> str:
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def netloc(url: httpx.URL) -> str:
    port = url.port or (443 if url.scheme == "https" else 80)
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{host}:{port}"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, its causes and contexts, and the members of exception groups among them."""
    todo, seen = [exc], set()
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            todo.extend(current.exceptions)
        todo.extend(e for e in (current.__cause__, current.__context__) if e is not None)


def _connect_error(exc: httpx.ConnectError, url: str) -> tuple[FetchError, bool]:
    """The error for a failed connection, and whether trying again soon may help."""
    u = httpx.URL(url)
    for cause in _causes(exc):
        if isinstance(cause, socket.gaierror):  # the name does not resolve: fail fast
            return FetchError(f"DNS lookup failed for host {u.host} ({url})", url=url), False
        if isinstance(cause, ConnectionRefusedError):
            return FetchError(f"connection refused by {netloc(u)} ({url})", url=url), True
        if isinstance(cause, ssl.SSLCertVerificationError):
            why = clip(cause.verify_message or str(cause))
            return FetchError(f"TLS certificate of {u.host} not trusted: {why} ({url})", url=url), False
        if isinstance(cause, ssl.SSLError):
            why = clip(str(cause))
            return FetchError(f"TLS handshake with {netloc(u)} failed: {why} ({url})", url=url), False
    return FetchError(f"could not connect to {netloc(u)}: {clip(str(exc))} ({url})", url=url), True


def _timeout_error(exc: httpx.TimeoutException, url: str, connect: float, read: float) -> FetchTimeout:
    where = netloc(httpx.URL(url))
    if isinstance(exc, httpx.ConnectTimeout):
        what = f"timed out connecting to {where} after {connect:g} s"
    elif isinstance(exc, httpx.ReadTimeout):
        what = f"no data from {where} for {read:g} s (read timeout)"
    elif isinstance(exc, httpx.PoolTimeout):
        what = f"no free connection to {where} within {connect:g} s"
    else:
        what = f"timed out sending the request to {where}"
    return FetchTimeout(f"{what} ({url})", url=url)


@contextlib.contextmanager
def map_errors(url: str, *, connect_timeout: float, read_timeout: float) -> Iterator[None]:
    """Translate what httpx (and the sockets under it) raise into monitor.errors, in one place.

    A transient failure comes out as Retryable; the timeouts are named in the messages.
    """
    try:
        yield
    except httpx.TimeoutException as exc:
        raise Retryable(_timeout_error(exc, url, connect_timeout, read_timeout)) from exc
    except httpx.ConnectError as exc:
        error, transient = _connect_error(exc, url)
        raise (Retryable(error) if transient else error) from exc
    except (httpx.ReadError, httpx.WriteError, httpx.CloseError) as exc:
        where = netloc(httpx.URL(url))
        raise Retryable(FetchError(f"connection to {where} lost: {clip(str(exc))} ({url})", url=url)) from exc
    except httpx.RemoteProtocolError as exc:
        where = netloc(httpx.URL(url))
        message = f"the server at {where} broke the HTTP protocol: {clip(str(exc))} ({url})"
        raise Retryable(FetchError(message, url=url)) from exc
    except httpx.UnsupportedProtocol as exc:
        raise FetchError(f"not an http or https address: {clip(url)}", url=url) from exc
    except (httpx.InvalidURL, UnicodeError) as exc:
        raise FetchError(f"invalid address {clip(url)}: {clip(str(exc))}", url=url) from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"{clip(str(exc)) or type(exc).__name__} ({url})", url=url) from exc
    except OSError as exc:  # anything the layers below let through
        raise Retryable(FetchError(f"network error: {clip(str(exc))} ({url})", url=url)) from exc


def human_size(n: int) -> str:
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= factor:
            return f"{n / factor:.4g} {unit}"
    return f"{n} bytes"


def status_error(status: int, url: str, origin: str, retry_after: float | None = None) -> HTTPStatusError:
    try:
        phrase = " " + http.HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    message = f"HTTP {status}{phrase} from {url}"
    if url != origin:
        message += f" (redirected from {origin})"
    if status in RATE_LIMIT_STATUSES:
        wait = f"retry after {retry_after:g} s" if retry_after is not None else "no Retry-After given"
        return RateLimited(f"{message} ({wait})", url=url, status=status, retry_after=retry_after)
    return HTTPStatusError(message, url=url, status=status)
