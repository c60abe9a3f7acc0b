"""The daemon end to end: recorded and synthetic feeds on a local HTTP server, a real SMTP server,
a json:// chat receiver, a real SQLite file, and the real command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result

from monitor.cli import cli
from monitor.identity import canonical_url
from monitor.store import Store
from tests.conftest import shared_path
from tests.server import LocalServer, Response
from tests.smtp import SMTPServer

ROOT = Path(__file__).resolve().parent.parent
ICT = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.now(ICT).replace(microsecond=0)


def rss(items: list[dict[str, str]], *, title: str = "Thế giới", date_suffix: str = "+0700") -> str:
    """An RSS 2.0 document in the VnExpress manner (CDATA descriptions holding an image link)."""
    out = []
    for it in items:
        when = it.get("when")
        pub = f"<pubDate>{when}</pubDate>" if when else ""
        out.append(
            f"<item><title>{it['title']}</title>"
            f"<description><![CDATA[<a href=\"{it['link']}\"><img src=\"/i.jpg\"></a></br>{it.get('summary', '')}]]></description>"
            f"{pub}<link>{it['link']}</link><guid>{it['link']}</guid></item>"
        )
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>https://example.vn/</link>{''.join(out)}</channel></rss>")


def rfc822(dt: datetime) -> str:
    return format_datetime(dt)


def tuoitre_date(dt: datetime) -> str:
    """Tuổi Trẻ writes `GMT+7`, which is not RFC 822."""
    return dt.astimezone(ICT).strftime("%a, %d %b %Y %H:%M:%S GMT+7")


HAFTAR = {"title": "Tướng Haftar ra lệnh tiến quân vào thủ đô Tripoli",
          "summary": "Quân đội Quốc gia Libya (LNA) tiến về phía thủ đô sau nhiều năm xung đột.",
          "link": "https://tuoitre.vn/tuong-haftar-tien-quan-20190404.htm"}
CLASHES = {"title": "Giao tranh ác liệt ở ngoại ô thủ đô Li-bi, hàng nghìn người sơ tán",
           "summary": "Liên Hợp Quốc kêu gọi ngừng bắn.",
           "link": "https://tuoitre.vn/giao-tranh-li-bi-20190406.htm"}
STORM = {"title": "Bão số 5 đổ bộ miền Trung", "summary": "Hàng nghìn hộ dân được sơ tán.",
         "link": "https://tuoitre.vn/bao-so-5.htm"}
LEBANON = {"title": "Biểu tình ở Tripoli, Li-băng phản đối giá bánh mì", "summary": "Người dân xuống đường.",
           "link": "https://tuoitre.vn/bieu-tinh-tripoli-li-bang.htm"}
AIRPORT = {"title": "Sân bay quốc tế rơi vào tay LNA", "summary": "Lực lượng miền đông giành quyền kiểm soát.",
           "link": "https://dantri.com.vn/the-gioi/san-bay-20190406.htm"}


def world_feeds(server: LocalServer) -> None:
    """Two outlets; Dân trí repeats Tuổi Trẻ's Haftar story with a tracking parameter."""
    t = NOW - timedelta(hours=3)
    server.routes["/tuoitre/the-gioi.rss"] = rss(
        [{**HAFTAR, "when": tuoitre_date(t)}, {**CLASHES, "when": tuoitre_date(t + timedelta(hours=1))},
         {**STORM, "when": tuoitre_date(t)}, {**LEBANON, "when": tuoitre_date(t)}]
    )
    dupe = {**HAFTAR, "link": HAFTAR["link"] + "?utm_source=dantri&utm_medium=rss", "when": rfc822(t)}
    server.routes["/dantri/the-gioi.rss"] = Response(
        "\ufeff" + rss([dupe, {**AIRPORT, "when": rfc822(t)}]), content_type="application/rss+xml"
    )


def write_config(tmp: Path, server: LocalServer, *, feeds: list[tuple[str, str]], alerts: str = "",
                 max_age: str = "2d", extra: str = "") -> Path:
    feed_tables = "".join(
        f'\n[[feed]]\nname = "{name}"\nurl = "{server.url(path)}"\ninterval = "5m"\nfetch_articles = "none"\n'
        for name, path in feeds
    )
    libya = (ROOT / "config" / "topics" / "libya.toml").as_posix()
    text = f"""
[monitor]
database = "state/monitor.db"
max_age = "{max_age}"
include = ["{libya}"]
deadline = "10s"
{feed_tables}
[[topic]]
id = "trieu-tien"
name = "Triều Tiên – thượng đỉnh"
terms = ["Triều Tiên", "thượng đỉnh", "Kim Jong-un"]
{extra}
{alerts}
"""
    path = tmp / "monitor.toml"
    path.write_text(text, encoding="utf-8")
    return path


def json_alert(server: LocalServer, smtp: SMTPServer, topics: str = "") -> str:
    routing = f"topics = [{topics}]\n" if topics else ""
    return (
        '[[alert]]\nname = "chat"\n'
        f'urls = ["json://127.0.0.1:{server.port}/hook"]\n{routing}'
        '[[alert]]\nname = "desk"\n'
        f'urls = ["mailto://127.0.0.1:{smtp.port}?mode=insecure&from=monitor@example.test&to=desk@example.test"]\n'
    )


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def chat_titles(server: LocalServer) -> list[str]:
    return [json.loads(body)["title"] for path, body in server.posts if path == "/hook"]


def chat_messages(server: LocalServer) -> list[str]:
    return [json.loads(body)["message"] for path, body in server.posts if path == "/hook"]


def alerted(server: LocalServer, *articles: dict[str, str]) -> list[str]:
    """For each chat message, the one article (of those given) whose title it reports."""
    found = []
    for message in chat_messages(server):
        (title,) = [a["title"] for a in articles if a["title"] in message]
        found.append(title)
    return sorted(found)


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    with SMTPServer() as srv:
        yield srv


def test_once_alerts_each_new_matching_article_once_by_chat_and_email(
    tmp_path: Path, http_server: LocalServer, smtp: SMTPServer
) -> None:
    world_feeds(http_server)
    config = write_config(tmp_path, http_server, feeds=[("Tuổi Trẻ – Thế giới", "/tuoitre/the-gioi.rss"),
                                                        ("Dân trí – Thế giới", "/dantri/the-gioi.rss")],
                          alerts=json_alert(http_server, smtp))
    result = run_cli("once", "--config", str(config))
    assert result.exit_code == 0, result.output

    titles = chat_titles(http_server)
    # Haftar's story once although two outlets carried it; the storm and Lebanon's Tripoli never.
    assert alerted(http_server, HAFTAR, CLASHES, AIRPORT, STORM, LEBANON) == sorted(
        [HAFTAR["title"], CLASHES["title"], AIRPORT["title"]]
    )
    assert all(t.startswith("[Libya – tướng Haftar] ") for t in titles)
    body = next(m for m in chat_messages(http_server) if HAFTAR["title"] in m)
    assert "Tuổi Trẻ – Thế giới" in body or "Dân trí – Thế giới" in body  # the outlet
    assert "(GMT+7)" in body and HAFTAR["link"] in body  # when, in Vietnam time, and where to read it
    capture = next(m for m in chat_messages(http_server) if AIRPORT["title"] in m)
    assert "Sự kiện mới: chiếm giữ" in capture  # what happened, as an event

    subjects = sorted(m["Subject"] for m in smtp.messages)
    assert subjects == sorted(titles)  # the Vietnamese subject arrives intact
    mail = next(m for m in smtp.messages if AIRPORT["title"] in m.get_content())
    assert "Lực lượng miền đông giành quyền kiểm soát." in mail.get_content()  # the evidence, intact

    assert "once: 2/2 feeds ok, 5 new articles, 6 alerts queued, 6 sent" in result.output
    # unchanged feeds: nothing is sent again
    again = run_cli("once", "--config", str(config))
    assert again.exit_code == 0
    assert len(chat_titles(http_server)) == 3 and len(smtp.messages) == 3
    assert "0 alerts queued, 0 sent" in again.output

    store = Store.open(tmp_path / "state" / "monitor.db")
    assert store.integrity_ok()
    assert store.counts() == {"articles": 5, "pending": 0, "failed": 0, "sent": 6}


def test_recorded_vnexpress_feeds_yield_exactly_the_expected_alerts(tmp_path: Path, http_server: LocalServer,
                                                                     smtp: SMTPServer) -> None:
    for day in ("14", "18"):
        http_server.serve_file(f"/vne-{day}.rss", shared_path("corpus", "feeds", f"vnexpress_tin-moi-nhat_2019-02-{day}.xml"))
    config = write_config(tmp_path, http_server, feeds=[("VnExpress 14/2", "/vne-14.rss"), ("VnExpress 18/2", "/vne-18.rss")],
                          alerts=json_alert(http_server, smtp, topics='"trieu-tien"'), max_age="100000d")
    assert run_cli("once", "--config", str(config)).exit_code == 0
    summit = {"title": "Những lần Singapore 'nín thở' khi tổ chức thượng đỉnh Trump - Kim"}
    talks = {"title": "Tiến trình đàm phán căng thẳng cho thượng đỉnh Mỹ - Triều ở Singapore"}
    assert alerted(http_server, summit, talks) == sorted([summit["title"], talks["title"]])
    assert all(t.startswith("[Triều Tiên – thượng đỉnh] ") for t in chat_titles(http_server))
    store = Store.open(tmp_path / "state" / "monitor.db")
    assert store.counts()["articles"] == 50  # every item is stored, alerted or not
    assert run_cli("once", "--config", str(config)).exit_code == 0
    assert len(chat_titles(http_server)) == 2


def test_not_modified_feed_is_asked_conditionally_and_sends_nothing(tmp_path: Path, http_server: LocalServer) -> None:
    body = rss([{**HAFTAR, "when": rfc822(NOW)}]).encode()

    def conditional(handler):  # type: ignore[no-untyped-def]
        if handler.headers.get("If-None-Match") == '"v1"':
            return Response(b"", status=304, content_type=None, headers={"ETag": '"v1"'})
        return Response(body, headers={"ETag": '"v1"', "Last-Modified": "Sun, 07 Apr 2019 01:00:00 GMT"})

    http_server.routes["/feed.rss"] = conditional
    config = write_config(tmp_path, http_server, feeds=[("Tuổi Trẻ", "/feed.rss")],
                          alerts=f'[[alert]]\nname = "chat"\nurls = ["json://127.0.0.1:{http_server.port}/hook"]\n')
    run_cli("once", "--config", str(config))
    run_cli("once", "--config", str(config))
    gets = [h for method, path, h in http_server.requests if method == "GET" and path == "/feed.rss"]
    assert len(gets) == 2 and gets[1].get("If-None-Match") == '"v1"'
    assert gets[1].get("If-Modified-Since") == "Sun, 07 Apr 2019 01:00:00 GMT"
    assert len(chat_titles(http_server)) == 1
    state = Store.open(tmp_path / "state" / "monitor.db").feed_state(http_server.url("/feed.rss"))
    assert state.last_status == 304 and state.consecutive_failures == 0


def test_a_failing_feed_never_touches_the_others(tmp_path: Path, http_server: LocalServer) -> None:
    world_feeds(http_server)
    http_server.routes["/gone.rss"] = Response(b"gone", status=410, content_type="text/plain")
    http_server.routes["/page.html"] = Response(
        '<html><head><link rel="alternate" type="application/rss+xml" href="/tuoitre/the-gioi.rss"></head>'
        "<body>Trang chủ</body></html>", content_type="text/html; charset=utf-8")
    config = write_config(
        tmp_path, http_server,
        feeds=[("Gone", "/gone.rss"), ("Home page", "/page.html"), ("Tuổi Trẻ", "/tuoitre/the-gioi.rss")],
        alerts=f'[[alert]]\nname = "chat"\nurls = ["json://127.0.0.1:{http_server.port}/hook"]\n',
    )
    result = CliRunner().invoke(cli, ["once", "--config", str(config)])
    assert result.exit_code == 0
    assert len(chat_titles(http_server)) == 2  # Tuổi Trẻ's two Libya stories
    assert "feed 'Gone' failed: fetch: HTTP 410" in result.output
    assert "is a web page, not a feed" in result.output and "/tuoitre/the-gioi.rss" in result.output

    check = run_cli("check", "--config", str(config))
    assert "Gone" in check.output and "failing (1x): fetch: HTTP 410" in check.output
    state = Store.open(tmp_path / "state" / "monitor.db").feed_state(http_server.url("/gone.rss"))
    assert state.consecutive_failures == 1 and state.last_status == 410 and state.next_poll_at > state.last_poll_at


def test_first_poll_stores_old_items_without_alerting(tmp_path: Path, http_server: LocalServer) -> None:
    old = NOW - timedelta(days=10)
    http_server.routes["/feed.rss"] = rss([{**HAFTAR, "when": rfc822(old)}, {**CLASHES}])  # one old, one undated
    config = write_config(tmp_path, http_server, feeds=[("Tuổi Trẻ", "/feed.rss")],
                          alerts=f'[[alert]]\nname = "chat"\nurls = ["json://127.0.0.1:{http_server.port}/hook"]\n')
    run_cli("once", "--config", str(config))
    assert chat_titles(http_server) == []
    assert Store.open(tmp_path / "state" / "monitor.db").counts()["articles"] == 2
    # a new item on a later poll alerts, dated or not
    http_server.routes["/feed.rss"] = rss([{**HAFTAR, "when": rfc822(old)}, {**CLASHES}, {**AIRPORT}])
    run_cli("once", "--config", str(config))
    assert alerted(http_server, HAFTAR, CLASHES, AIRPORT) == [AIRPORT["title"]]


def test_article_page_is_read_when_the_topic_is_only_in_the_body(tmp_path: Path, http_server: LocalServer) -> None:
    page = (
        "<html><head><title>Thế giới</title></head><body><article>"
        "<h1>Xung đột leo thang ở Bắc Phi</h1>"
        + "".join(f"<p>Đoạn {i}: lực lượng của tướng Haftar tiếp tục pháo kích các vị trí phía nam thủ đô, "
                  "người dân phải rời bỏ nhà cửa trong đêm.</p>" for i in range(6))
        + "</article></body></html>"
    )
    http_server.routes["/a/xung-dot.html"] = Response(page, content_type="text/html; charset=utf-8")
    http_server.routes["/robots.txt"] = Response("User-agent: *\nAllow: /\n", content_type="text/plain")
    item = {"title": "Xung đột leo thang ở Bắc Phi", "summary": "Tình hình căng thẳng.",
            "link": http_server.url("/a/xung-dot.html"), "when": rfc822(NOW)}
    http_server.routes["/feed.rss"] = rss([item])
    config = write_config(tmp_path, http_server, feeds=[("Nhân Dân", "/feed.rss")],
                          alerts=f'[[alert]]\nname = "chat"\nurls = ["json://127.0.0.1:{http_server.port}/hook"]\n')
    config.write_text(config.read_text(encoding="utf-8").replace('fetch_articles = "none"', 'fetch_articles = "matched"'),
                      encoding="utf-8")
    run_cli("once", "--config", str(config))
    assert chat_titles(http_server) == []  # "matched": the page of an article that did not match is not read
    config.write_text(config.read_text(encoding="utf-8").replace('"matched"', '"all"'), encoding="utf-8")
    http_server.routes["/feed.rss"] = rss([{**item, "link": http_server.url("/a/xung-dot.html?v=2")}])
    http_server.routes["/a/xung-dot.html?v=2"] = Response(page, content_type="text/html; charset=utf-8")
    run_cli("once", "--config", str(config))
    (post,) = [json.loads(body) for path, body in http_server.posts if path == "/hook"]
    assert item["title"] in post["title"] + post["message"]  # an article or an event alert, once
    assert "Haftar" in post["message"]  # the body, read from the page, is what matched


def test_console_alerts_when_no_target_is_configured(tmp_path: Path, http_server: LocalServer) -> None:
    http_server.routes["/feed.rss"] = rss([{**HAFTAR, "when": rfc822(NOW)}])
    config = write_config(tmp_path, http_server, feeds=[("Tuổi Trẻ", "/feed.rss")])
    result = run_cli("once", "--config", str(config))
    assert "Tướng Haftar ra lệnh tiến quân vào thủ đô Tripoli" in result.output
    assert "1 sent" in result.output


def test_python_m_monitor_runs_the_real_entry_point(tmp_path: Path, http_server: LocalServer) -> None:
    http_server.routes["/feed.rss"] = rss([{**HAFTAR, "when": rfc822(NOW)}])
    config = write_config(tmp_path, http_server, feeds=[("Tuổi Trẻ", "/feed.rss")])
    env = {**os.environ, "NEWS_MONITOR_CONFIG": str(config)}
    proc = subprocess.run([sys.executable, "-m", "monitor", "once"], capture_output=True, text=True, env=env,
                          timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Tướng Haftar" in proc.stdout  # the console alert
    assert proc.stderr.strip().splitlines()[-1].startswith("once: 1/1 feeds ok, 1 new articles, 1 alerts queued, 1 sent")

    bad = tmp_path / "bad.toml"
    bad.write_text("[[feed]]\nname = 'x'\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "monitor", "once", "--config", str(bad)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: config: {bad}: [[feed]] #1: url is missing (feed address (http or https))"


def test_sources_without_a_feed_listing_page_and_news_sitemap(tmp_path: Path, http_server: LocalServer) -> None:
    """QĐND publishes no feed: a listing page read with selectors, and a Google News sitemap,
    go through the same identity and alerting as RSS."""
    when = NOW.isoformat()
    http_server.routes["/the-gioi"] = Response(
        "<html><body><nav><a href='/'>Trang chủ</a></nav><div class='list'>"
        f"<div class='story'><a class='t' href='/the-gioi/haftar-1.html'>{HAFTAR['title']}</a><time datetime='{when}'></time></div>"
        f"<div class='story'><a class='t' href='/the-gioi/bao-2.html'>{STORM['title']}</a><time datetime='{when}'></time></div>"
        "</div></body></html>", content_type="text/html; charset=utf-8")
    http_server.routes["/sitemap.xml"] = Response(
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://vietnamnet.vn/li-bi-1.html</loc>'
        f"<news:news><news:publication_date>{when}</news:publication_date><news:title>{CLASHES['title']}</news:title>"
        "</news:news></url></urlset>", content_type="application/xml")
    config = write_config(tmp_path, http_server, feeds=[],
                          alerts=f'[[alert]]\nname = "chat"\nurls = ["json://127.0.0.1:{http_server.port}/hook"]\n')
    config.write_text(config.read_text(encoding="utf-8") + f"""
[[feed]]
name = "QĐND – Quốc tế"
url = "{http_server.url('/the-gioi')}"
type = "html"
fetch_articles = "none"
selectors = {{ item = "div.story", link = "a.t", title = "a.t", time = "time@datetime" }}

[[feed]]
name = "VietNamNet sitemap"
url = "{http_server.url('/sitemap.xml')}"
type = "sitemap"
fetch_articles = "none"
""", encoding="utf-8")
    result = run_cli("once", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert alerted(http_server, HAFTAR, CLASHES, STORM) == sorted([HAFTAR["title"], CLASHES["title"]])
    store = Store.open(tmp_path / "state" / "monitor.db")
    keys = [canonical_url(http_server.url("/the-gioi/haftar-1.html")), "https://vietnamnet.vn/li-bi-1.html"]
    assert store.known_keys(keys) == set(keys)  # the same identity rules as RSS
    # the listing's layout changes: its selectors match nothing, and the feed says so
    http_server.routes["/the-gioi"] = Response("<html><body><ul><li><a href='/x'>Khác</a></li></ul></body></html>",
                                               content_type="text/html; charset=utf-8")
    run_cli("once", "--config", str(config))
    state = store.feed_state(http_server.url("/the-gioi"))
    assert state.warning and "match" in state.warning
