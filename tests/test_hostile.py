"""Hostile sources, end to end (issue 8): each case is served on loopback next to a good feed.

For every case: `once` finishes within its deadline, the good feed's alert is delivered, the
problem is recorded on the hostile feed in words a user understands (or the feed is read as
well as it can be), nothing from a local file ever reaches the database or an alert, and the
database passes PRAGMA integrity_check. The README's table "Hostile input" lists these cases.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import brotli
import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.store import Store
from tests.server import LocalServer, Response
from tests.smtp import free_port
from tests.test_end_to_end import HAFTAR, NOW, chat_messages, rfc822, rss

DEADLINE = 2.0
PASSWD = b"root:x:0:0"


def item(n: int, title: str | None = None, **extra: str) -> dict[str, str]:
    return {"title": title or f"Tin thế giới số {n}", "summary": "Tóm tắt.", "link": f"https://example.vn/tin-{n}.html",
            "when": rfc822(NOW - timedelta(minutes=n)), **extra}


def feed_bytes(*items: dict[str, str]) -> bytes:
    return rss(list(items)).encode("utf-8")


def raw(data: bytes) -> Callable[[Any], None]:
    """A server that writes these bytes as its whole answer (status line included)."""
    def handler(h: Any) -> None:
        h.wfile.write(data)
        h.wfile.flush()
        h.close_connection = True
    return handler


def trickle(h: Any) -> None:
    h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n")
    try:
        for _ in range(15):
            h.wfile.write(b"<")
            h.wfile.flush()
            time.sleep(2)  # the hostile server's pace, not the test's
    except OSError:
        pass


def hang(h: Any) -> None:
    time.sleep(DEADLINE * 4)


def endless(h: Any) -> None:
    h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n<rss><channel>")
    chunk = b"<item><title>x</title></item>" * 1000
    try:
        for _ in range(100_000):
            h.wfile.write(chunk)
    except OSError:
        pass


def bomb(encoding: str) -> Response:
    body = b"<rss>" + b" " * (40 * 2**20)
    packed = gzip.compress(body, 9) if encoding == "gzip" else brotli.compress(body, quality=5)
    return Response(packed, headers={"Content-Encoding": encoding}, content_type="application/rss+xml")


def redirect(location: str, status: int = 302) -> Response:
    return Response(b"", status=status, headers={"Location": location}, content_type=None)


def status_page(status: int, retry_after: str | None = None) -> Response:
    headers = {"Retry-After": retry_after} if retry_after else {}
    return Response(f"<html><body>{status}</body></html>", status=status, headers=headers, content_type="text/html")


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
                  + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10) for i in range(8))
                  + b']><rss version="2.0"><channel><title>&i;</title><item><title>Bom &i;</title>'
                  b"<link>https://example.vn/bom.html</link></item></channel></rss>")
XXE = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       '<rss version="2.0"><channel><title>XXE</title><item><title>Lộ &xxe; mật khẩu</title>'
       "<description>&xxe;</description><link>https://example.vn/xxe.html</link></item></channel></rss>").encode()
VN_TITLE = "Tướng Haftar tuyên bố ngừng bắn"


@dataclass(frozen=True)
class Case:
    name: str
    route: Any
    error: str | None = None  # a substring of the error recorded on the feed; None: the feed is read
    items: int | None = None  # how many items must be stored when the feed is read
    check: Callable[[Store, str], None] | None = None


def title_is(expected: str) -> Callable[[Store, str], None]:
    def check(store: Store, _url: str) -> None:
        titles = [r["title"] for r in store._rows("SELECT title FROM articles WHERE url LIKE 'https://example.vn/%'")]
        assert expected in titles, titles
    return check


def clean_titles(store: Store, _url: str) -> None:
    for (title,) in store.db.conn.execute("SELECT title FROM articles WHERE url LIKE 'https://example.vn/%'"):
        assert not any(ord(c) < 32 or 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 for c in title), title
        assert len(title) <= 2000


def retry_after_honoured(seconds: float) -> Callable[[Store, str], None]:
    def check(store: Store, url: str) -> None:
        state = store.feed_state(url)
        assert state.next_poll_at - state.last_poll_at >= seconds * 0.99
    return check


UTF8_DECLARED_LATIN1 = ('<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>T</title>'
                        f"<item><title>{VN_TITLE}</title><link>https://example.vn/a.html</link></item></channel></rss>").encode()
HTTP_DATE_SOON = format_datetime(datetime.now(UTC) + timedelta(hours=2), usegmt=True)

CASES = [
    Case("bare ampersand", feed_bytes(item(1, "Mỹ & Nga hội đàm")).replace(b"&amp;", b"&"), items=1,
         check=title_is("Mỹ & Nga hội đàm")),
    Case("unclosed tags", feed_bytes(item(1), item(2)).replace(b"</title>", b"", 1), items=2),
    Case("junk before root", b"Warning: mysql_connect()\n<br/>\n" + feed_bytes(item(1), item(2)), items=2),
    Case("truncated body", feed_bytes(item(1), item(2), item(3))[:-200], items=3),  # cut after item 3's link
    Case("declared latin-1, bytes UTF-8", UTF8_DECLARED_LATIN1, items=1, check=title_is(VN_TITLE)),
    Case("no encoding declaration, cp1252 bytes",
         b'<rss version="2.0"><channel><item><title>Caf\xe9 \x93quotes\x94</title><link>https://example.vn/c.html</link>'
         b"</item></channel></rss>", items=1, check=title_is("Café “quotes”")),
    Case("mixed encodings", feed_bytes(item(1, VN_TITLE)) .replace(b"</channel>",
         b"<item><title>Caf\xe9</title><link>https://example.vn/m.html</link></item></channel>"), items=2,
         check=title_is(VN_TITLE)),
    Case("UTF-16 without BOM", rss([item(1, VN_TITLE)]).replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16-le"),
         items=1, check=title_is(VN_TITLE)),
    Case("NUL bytes", feed_bytes(item(1, "Tin\x00 NUL"), item(2)), items=2, check=clean_titles),
    Case("entity expansion bomb", BILLION_LAUGHS, items=1),
    Case("external entity file:///etc/passwd", XXE, items=1),
    Case("endless body", endless, error="larger than"),
    Case("gzip bomb", bomb("gzip"), error="larger than"),
    Case("brotli bomb", bomb("br"), error="larger than"),
    Case("trickles one byte every two seconds", trickle, error="timed out"),
    Case("accepts and never answers", hang, error="timed out"),
    Case("redirect loop", redirect("/hostile.rss"), error="redirect"),
    Case("redirect to file:", redirect("file:///etc/passwd"), error="redirect to a non-HTTP address"),
    Case("redirect to ftp:", redirect("ftp://example.vn/feed.rss"), error="redirect to a non-HTTP address"),
    Case("redirect to data:", redirect("data:text/xml,<rss/>"), error="redirect to a non-HTTP address"),
    Case("301/302/307/308 chain", {"/hostile.rss": redirect("/r1", 301), "/r1": redirect("/r2", 302),
                                   "/r2": redirect("/r3", 307), "/r3": redirect("/real.rss", 308),
                                   "/real.rss": feed_bytes(item(1), item(2))}, items=2),
    Case("304 without validators", Response(b"", status=304, content_type=None), error="304"),
    Case("401", status_page(401), error="HTTP 401"),
    Case("403 (bot wall)", status_page(403), error="HTTP 403"),
    Case("404", status_page(404), error="HTTP 404"),
    Case("410", status_page(410), error="HTTP 410"),
    Case("429 without Retry-After", status_page(429), error="HTTP 429"),
    Case("429 Retry-After seconds", status_page(429, "3600"), error="HTTP 429", check=retry_after_honoured(3600)),
    Case("503 Retry-After HTTP-date", status_page(503, HTTP_DATE_SOON), error="HTTP 503",
         check=retry_after_honoured(3600)),
    Case("500", status_page(500), error="HTTP 500"),
    Case("HTML page where a feed was expected",
         Response('<html><head><link rel="alternate" type="application/rss+xml" href="/real.rss"></head><body>Trang chủ'
                  "</body></html>", content_type="text/html"), error="is a web page, not a feed"),
    Case("JSON document", Response(b'{"items": []}', content_type="application/json"), error="JSON"),
    Case("image", Response(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, content_type="image/png"), error="not a feed"),
    Case("empty 200", Response(b"", content_type="application/rss+xml"), error="empty"),
    Case("items with no link and no guid", rss([{"title": "Không có link", "summary": "a", "link": ""},
                                                 {"title": "Cũng không", "summary": "b", "link": ""}])
         .replace("<link></link><guid></guid>", "").encode(), items=2),
    Case("duplicate guids", feed_bytes(item(1), item(1), item(2)), items=2),
    Case("dates in the future, in 1970 and unparseable",
         feed_bytes(item(1, when="Sat, 01 Jan 2101 00:00:00 +0700"), item(2, when="Thu, 01 Jan 1970 00:00:00 GMT"),
                    item(3, when="hôm qua lúc 5 giờ")), items=3),
    Case("a 5 MB title", feed_bytes(item(1, "Dài " * (5 * 2**20 // 4))), items=1, check=clean_titles),
    Case("10,000 items", feed_bytes(*(item(n) for n in range(10_000))), items=10_000),
    Case("control characters and right-to-left marks",
         feed_bytes(item(1, "Tin\x07 \u202egnal\u202c giả \x1b[31mđỏ")), items=1, check=clean_titles),
    Case("connection refused", None, error="connection refused"),
    Case("DNS failure", None, error="DNS lookup failed"),
]


def setup_routes(server: LocalServer, case: Case) -> str:
    if isinstance(case.route, dict):
        server.routes.update(case.route)
    elif case.route is not None:
        server.routes["/hostile.rss"] = case.route
    if case.name == "connection refused":
        return f"http://127.0.0.1:{free_port()}/feed.rss"
    if case.name == "DNS failure":
        return "http://news-monitor-test.invalid/feed.rss"
    return server.url("/hostile.rss")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_source(case: Case, tmp_path: Path, http_server: LocalServer) -> None:
    http_server.routes["/good.rss"] = rss([{**HAFTAR, "when": rfc822(NOW)}])
    url = setup_routes(http_server, case)
    config = tmp_path / "monitor.toml"
    config.write_text(
        f'[monitor]\ndatabase = "m.db"\ndeadline = "{DEADLINE}s"\nmax_age = "30d"\n'
        f'[[feed]]\nname = "Hostile"\nurl = "{url}"\nfetch_articles = "none"\n'
        f'[[feed]]\nname = "Good"\nurl = "{http_server.url("/good.rss")}"\nfetch_articles = "none"\n'
        '[[topic]]\nid = "libya"\nname = "Libya"\nterms = ["Haftar", "Tripoli"]\n'
        f'[[alert]]\nname = "chat"\nurls = ["json://127.0.0.1:{http_server.port}/hook"]\n',
        encoding="utf-8",
    )
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["once", "--config", str(config)])
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert elapsed < DEADLINE * 3 + 10, f"once took {elapsed:.1f} s"  # bounded by the deadline, not the server
    assert any(HAFTAR["title"] in m for m in chat_messages(http_server))  # the good feed is untouched

    store = Store.open(tmp_path / "m.db")
    assert store.integrity_ok()
    state = store.feed_state(url)
    if case.error:
        assert state.last_error and case.error in state.last_error, state.last_error
        assert state.consecutive_failures == 1 and state.next_poll_at > state.last_poll_at
        assert "Traceback" not in (state.last_error or "") and "internal error" not in (state.last_error or "")
    else:
        assert state.last_error is None, state.last_error
        stored = store.db.conn.execute("SELECT COUNT(*) FROM articles WHERE feed = 'Hostile'").fetchone()[0]
        assert stored == case.items
    if case.check:
        case.check(store, url)
    store.close()
    assert PASSWD not in (tmp_path / "m.db").read_bytes()
    assert all(PASSWD not in body for _, body in http_server.posts)


def test_guids_that_change_on_every_poll_do_not_repeat_alerts(tmp_path: Path, http_server: LocalServer) -> None:
    polls = iter(range(100))

    def fresh_guids(_h: Any) -> Response:
        n = next(polls)
        return Response(rss([{**HAFTAR, "when": rfc822(NOW)}]).replace(f"<guid>{HAFTAR['link']}</guid>",
                                                                      f"<guid>urn:random:{n}</guid>"))

    http_server.routes["/feed.rss"] = fresh_guids
    config = tmp_path / "monitor.toml"
    config.write_text(
        f'[monitor]\ndatabase = "m.db"\n[[feed]]\nname = "F"\nurl = "{http_server.url("/feed.rss")}"\n'
        'fetch_articles = "none"\n[[topic]]\nid = "libya"\nname = "Libya"\nterms = ["Haftar"]\n'
        f'[[alert]]\nname = "chat"\nurls = ["json://127.0.0.1:{http_server.port}/hook"]\n', encoding="utf-8")
    for _ in range(3):
        assert CliRunner().invoke(cli, ["once", "--config", str(config)]).exit_code == 0
    assert len(chat_messages(http_server)) == 1


def test_feed_autodiscovery_names_the_feed_to_use(tmp_path: Path, http_server: LocalServer) -> None:
    http_server.routes["/"] = Response(
        '<html><head><link rel="alternate" type="application/rss+xml" title="Thế giới" href="/rss/the-gioi.rss">'
        "</head><body>Trang chủ</body></html>", content_type="text/html; charset=utf-8")
    out = CliRunner().invoke(cli, ["parse-feed", "--json", http_server.url("/")])
    record = json.loads(out.output)
    assert record["entries"] == [] and http_server.url("/rss/the-gioi.rss") in record["error"]
