"""alerts: what users read (Vietnamese labels, GMT+7 times, why it fired), what a hostile feed
cannot do to a message, and what send() reports, against real servers on 127.0.0.1:
aiosmtpd (plain SMTP, and STARTTLS + AUTH LOGIN with a self-signed certificate) and an HTTP
receiver for apprise's json:// (tests/server.py)."""

from __future__ import annotations

import html.parser
import json
import logging
import socket
import threading
import tomllib
from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import pytest
from apprise.conversion import markdown_to_html
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor import alerts, escape, formats
from monitor.alerts import (
    CONSOLE,
    SendResult,
    format_for,
    limit_for,
    redact_url,
    render_article_alert,
    render_event_alert,
    render_test_message,
    render_update_alert,
    send,
)
from monitor.models import Article, Event, Hit, Match, Message, Topic
from tests.server import LocalServer
from tests.smtp import SMTPServer, free_port

LINK = "https://vnexpress.net/tuong-haftar-tien-quan-vao-tripoli-3905166.html"
LIBYA = Topic(id="libya", name="Libya – tướng Haftar", terms=("Haftar", "Tripoli"))
ARTICLE = Article(
    key=LINK, url=LINK, title="Tướng Haftar tiến quân vào Tripoli",
    summary="Lực lượng của tướng Haftar được lệnh tiến về thủ đô Tripoli của Libya.",
    feed="VnExpress – Thế giới", published=datetime(2019, 4, 7, 1, 0, tzinfo=UTC),
)
MATCH = Match(topic="libya", hits=(
    Hit("Haftar", "title", 6, 12, snippet="Tướng Haftar tiến quân vào Tripoli"),
    Hit("Tripoli", "summary", 59, 66),
))
EVENT = Event(
    type="airstrike", date="2019-04-07", place="Tripoli", actors=("LNA", "GNA"), killed=4, injured=12,
    evidence="Máy bay của LNA không kích sân bay Mitiga ở Tripoli, khiến 4 người chết.", article=LINK,
)
HOSTILE = Article(
    key="evil", url=LINK, feed="Evil <b>feed</b>",
    title="Haftar [click](http://evil.example) <script>alert(1)</script> *bold* _it_ `code` ~s~ # ! |",
    summary="Tin **nóng** <https://evil.example/x> <img src=x onerror=alert(1)> www ![img](http://evil.example/p.png)"
            "\x1b[31m đỏ \u202ebidi\u202c xuống\ndòng",
)


def article_alert(**kwargs: object) -> Message:
    return render_article_alert(ARTICLE, [(LIBYA, MATCH)], **kwargs)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- rendering


def test_article_alert_in_vietnamese() -> None:
    msg = article_alert()
    assert msg.title == "[Libya – tướng Haftar] Tướng Haftar tiến quân vào Tripoli"
    assert msg.body_format == "text"
    assert msg.body == (
        "Nguồn: VnExpress – Thế giới\n"
        "Thời gian: 07/04/2019 08:00 (GMT+7)\n\n"
        "Lực lượng của tướng Haftar được lệnh tiến về thủ đô Tripoli của Libya.\n\n"
        f"Đọc bài: {LINK}\n\n"
        "Vì sao có cảnh báo:\n"
        "• Libya – tướng Haftar — từ khóa: Haftar, Tripoli\n"
        "   – tiêu đề: «Tướng Haftar tiến quân vào Tripoli»\n"
        "   – tóm tắt: «Lực lượng của tướng Haftar được lệnh tiến về thủ đô Tripoli của Libya.»"
    )


def test_article_alert_in_english() -> None:
    msg = article_alert(language="en")
    assert msg.title == "[Libya – tướng Haftar] Tướng Haftar tiến quân vào Tripoli"
    for line in ("Source: VnExpress – Thế giới", "Published: 07/04/2019 08:00 (GMT+7)", f"Read: {LINK}",
                 "Why this alert:", "— terms: Haftar, Tripoli", "– title: «Tướng Haftar"):
        assert line in msg.body


def test_article_alert_names_every_topic_and_its_own_terms() -> None:
    haftar = Topic(id="haftar", name="Haftar", terms=("Haftar",))
    msg = render_article_alert(ARTICLE, [(LIBYA, MATCH), (haftar, Match("haftar", MATCH.hits[:1]))])
    assert msg.title == "[Libya – tướng Haftar, Haftar] Tướng Haftar tiến quân vào Tripoli"
    assert "• Haftar — từ khóa: Haftar\n   – tiêu đề: «Tướng Haftar tiến quân vào Tripoli»" in msg.body


def test_snippet_is_cut_from_the_text_when_the_hit_has_none() -> None:
    long_text = "Mở đầu. " * 20 + "Quân của Haftar đã vào Tripoli. " + "Kết thúc. " * 20
    start = long_text.index("Haftar")
    art = Article(key="k", url=LINK, title="t", summary="", feed="f", text=long_text)
    msg = render_article_alert(art, [(LIBYA, Match("libya", (Hit("Haftar", "text", start, start + 6),)))])
    line = next(x for x in msg.body.splitlines() if "nội dung" in x)
    assert "Quân của Haftar đã vào Tripoli" in line
    assert line.startswith("   – nội dung: «…") and line.endswith("…»")
    assert len(line) < 200


@pytest.mark.parametrize(("published", "shown"), [
    (datetime(2019, 4, 7, 8, 0, tzinfo=timezone(timedelta(hours=7))), "07/04/2019 08:00 (GMT+7)"),
    (datetime(2019, 4, 7, 9, 0, tzinfo=timezone(timedelta(hours=8))), "07/04/2019 08:00 (GMT+7)"),
    (datetime(2019, 4, 6, 20, 30, tzinfo=UTC), "07/04/2019 03:30 (GMT+7)"),
    (datetime(2019, 4, 6, 20, 30), "07/04/2019 03:30 (GMT+7)"),  # naive: taken as UTC
])
def test_published_time_is_shown_in_vietnam_time(published: datetime, shown: str) -> None:
    art = Article(key="k", url=LINK, title="t", summary="s", feed="f", published=published)
    assert f"Thời gian: {shown}\n" in render_article_alert(art, [(LIBYA, MATCH)]).body


def test_article_without_date_or_link_still_renders() -> None:
    art = Article(key="k", url=None, title="Không ngày", summary="", feed="Báo Chính phủ")
    msg = render_article_alert(art, [(LIBYA, MATCH)], body_format="markdown")
    assert "Thời gian" not in msg.body and "](" not in msg.body
    assert msg.body.startswith("Nguồn: Báo Chính phủ")


def test_event_alert_in_vietnamese() -> None:
    msg = render_event_alert(ARTICLE, LIBYA, [EVENT])
    assert msg.title == "[Libya – tướng Haftar] Sự kiện mới: không kích tại Tripoli"
    assert msg.body == (
        "Sự kiện mới: không kích\n"
        "Ngày: 07/04/2019\n"
        "Địa điểm: Tripoli\n"
        "Các bên: LNA, GNA\n"
        "Thiệt mạng: 4\n"
        "Bị thương: 12\n"
        "Dẫn chứng: «Máy bay của LNA không kích sân bay Mitiga ở Tripoli, khiến 4 người chết.»\n\n"
        "Chủ đề: Libya – tướng Haftar\n"
        "Bài báo: Tướng Haftar tiến quân vào Tripoli\n"
        "Nguồn: VnExpress – Thế giới · 07/04/2019 08:00 (GMT+7)\n\n"
        f"Đọc bài: {LINK}"
    )


def test_a_date_that_is_only_the_reports_says_so() -> None:
    arrest = Event(type="arrest", date="2019-04-07", place=None, actors=(), killed=None, injured=None,
                   evidence="Ngày 7-4, công an cho biết đã bắt giữ nghi phạm.", reported=True)
    assert "Ngày: 07/04/2019 (ngày được thông báo; sự việc có thể xảy ra trước đó)\n" in render_event_alert(
        ARTICLE, LIBYA, [arrest]).body
    english = render_event_alert(ARTICLE, LIBYA, [arrest], language="en").body
    assert "Date: 07/04/2019 (the day it was reported; it may have happened days before)\nEvidence:" in english


VI_TYPES = {
    "attack": "tấn công", "airstrike": "không kích", "clash": "giao tranh", "capture": "chiếm giữ",
    "casualties": "thương vong", "appeal": "kêu gọi", "meeting": "họp/hội đàm", "agreement": "thỏa thuận",
    "sanction": "trừng phạt", "protest": "biểu tình", "disaster": "thảm họa", "election": "bầu cử",
    "arrest": "bắt giữ",
}


@pytest.mark.parametrize(("kind", "label"), sorted(VI_TYPES.items()))
def test_every_event_type_has_its_vietnamese_label(kind: str, label: str) -> None:
    event = Event(type=kind, date=None, place=None, actors=(), killed=None, injured=None, evidence="")
    msg = render_event_alert(ARTICLE, LIBYA, [event])
    assert msg.title == f"[Libya – tướng Haftar] Sự kiện mới: {label} — {ARTICLE.title}"  # no place: the headline
    assert msg.body.startswith(f"Sự kiện mới: {label}\n\nChủ đề:")  # no empty date/place/count lines


def test_several_events_in_one_alert_and_in_english() -> None:
    other = Event(type="appeal", date=None, place=None, actors=("UN",), killed=None, injured=None,
                  evidence="Liên Hợp Quốc kêu gọi ngừng bắn.")
    msg = render_event_alert(ARTICLE, LIBYA, [EVENT, other], language="en")
    assert msg.title == "[Libya – tướng Haftar] 2 new events: Tướng Haftar tiến quân vào Tripoli"
    assert "New event: airstrike\nDate: 07/04/2019\nPlace: Tripoli\nActors: LNA, GNA\nKilled: 4" in msg.body
    assert "\n\nNew event: appeal\nActors: UN\nEvidence: «Liên Hợp Quốc kêu gọi ngừng bắn.»" in msg.body


def test_update_alert_says_how_the_toll_changed() -> None:
    msg = render_update_alert(ARTICLE, LIBYA, EVENT, {"killed": (4, 11)})
    assert msg.title == "[Libya – tướng Haftar] Cập nhật: số người thiệt mạng tăng từ 4 lên 11"
    assert msg.body.startswith("số người thiệt mạng tăng từ 4 lên 11\n\nSự kiện: không kích — Tripoli (07/04/2019)")
    assert msg.body.endswith(f"Đọc bài: {LINK}")
    both = render_update_alert(ARTICLE, LIBYA, EVENT, {"killed": (None, 11), "injured": (30, 25)})
    assert both.title.endswith("Cập nhật: số người thiệt mạng là 11; số người bị thương giảm từ 30 xuống 25")
    en = render_update_alert(ARTICLE, LIBYA, EVENT, {"killed": (4, 11)}, language="en")
    assert en.title == "[Libya – tướng Haftar] Update: death toll rose from 4 to 11"


def test_test_message() -> None:
    msg = render_test_message(now=datetime(2026, 11, 28, 1, 0, tzinfo=UTC))
    assert msg.title == "news-monitor: tin nhắn thử"
    assert msg.body.endswith("Gửi lúc: 28/11/2026 08:00 (GMT+7)")
    assert render_test_message(language="en").title == "news-monitor: test message"


def test_every_language_has_every_label() -> None:
    text = resources.files("monitor").joinpath("templates", "labels.toml").read_text(encoding="utf-8")
    labels = tomllib.loads(text)
    keys = {lang: set(words) for lang, words in labels.items()}
    assert keys["en"] == keys["vi"]
    assert set(labels["en"]["event_types"]) == set(labels["vi"]["event_types"]) == set(VI_TYPES)


def test_unknown_language_or_format_is_a_misuse() -> None:
    with pytest.raises(ValueError, match="language"):
        article_alert(language="fr")
    with pytest.raises(ValueError, match="body_format"):
        article_alert(body_format="rtf")


# ----------------------------------------------------------------------------- escaping


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(markup: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(markup)
    return parser.tags


def hostile(body_format: str) -> Message:
    topic = Topic(id="x", name="Chủ đề [x](http://evil.example)", terms=("Haftar",))
    match = Match("x", (Hit("Haftar", "title", 0, 6, snippet=HOSTILE.title),))
    return render_article_alert(HOSTILE, [(topic, match)], body_format=body_format)


def test_markdown_from_a_hostile_feed_renders_one_link_and_no_markup() -> None:
    title, body = alerts._for_apprise(hostile("markdown"), None, merges_title=True)  # what Telegram gets
    rendered = markdown_to_html(body, extensions=())  # what apprise makes of it for Matrix
    tags = tags_of(rendered)
    assert [attrs["href"] for tag, attrs in tags if tag == "a"] == [LINK]
    assert {tag for tag, _ in tags} <= {"p", "br", "strong", "a"}  # ours: paragraphs, bold, the link
    assert "<script" not in rendered and "<img" not in rendered and "onerror=alert(1)" in rendered
    assert "[click](http[:]//evil.example)" in rendered  # shown as text, defanged
    assert "*bold* _it_ `code` ~s~ # ! |" in rendered  # markup characters arrive as themselves
    assert "http://evil" not in rendered and "https://evil" not in rendered
    assert title == ""  # the title travels, escaped, as the body's first line


def test_a_merged_html_title_is_escaped_too() -> None:
    title, body = alerts._for_apprise(hostile("html"), None, merges_title=True)  # Telegram ?format=html
    assert title == ""
    assert body.startswith("<b>[Chủ đề [x](http[:]//evil.example)] Haftar [click](http[:]//evil.example) "
                           "&lt;script&gt;alert(1)&lt;/script&gt;")
    assert [a["href"] for t, a in tags_of(body) if t == "a"] == [LINK]


def test_html_from_a_hostile_feed_is_escaped() -> None:
    msg = hostile("html")
    tags = tags_of(msg.body)
    assert [attrs["href"] for tag, attrs in tags if tag == "a"] == [LINK]
    assert {tag for tag, _ in tags} <= {"br", "b", "a"}
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in msg.body
    assert "Evil &lt;b&gt;feed&lt;/b&gt;" in msg.body


def test_text_strips_control_characters_and_defangs_urls() -> None:
    msg = hostile("text")
    assert not any(ch in msg.body + msg.title for ch in "\x1b\u202e\u202c")
    assert "[31m đỏ bidi xuống dòng" in msg.body  # the newline inside the summary is a space
    assert "http://evil" not in msg.body + msg.title and "https://evil" not in msg.body
    assert "http[:]//evil.example" in msg.title
    assert f"Đọc bài: {LINK}" in msg.body


FEED_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80) | st.sampled_from([
    "[x](http://evil.example)", "<script>alert(1)</script>", "*a* _b_ `c` ~d~", "<http://evil.example>",
    "![i](http://evil.example/p.png)", "&lt;b&gt;", "\\[x\\](y)", "# h", "1. li", "- li", "> q", "| a | b |",
    "[x]: http://evil.example", "www.evil.example", "javascript:alert(1)", "**", "\\", "<!-- c -->",
])


@settings(max_examples=300, deadline=None)
@given(title=FEED_TEXT, summary=FEED_TEXT, snippet=FEED_TEXT, feed=FEED_TEXT)
def test_no_feed_text_makes_markup_or_links(title: str, summary: str, snippet: str, feed: str) -> None:
    art = Article(key="k", url=LINK, title=title, summary=summary, feed=feed)
    match = Match("libya", (Hit("Haftar", "title", 0, 1, snippet=snippet),))
    md = render_article_alert(art, [(LIBYA, match)], body_format="markdown")
    rendered = markdown_to_html(alerts._for_apprise(md, None, merges_title=True)[1], extensions=())
    md_tags = tags_of(rendered)
    assert [a.get("href") for t, a in md_tags if t in ("a", "img")] == [LINK]
    assert {t for t, _ in md_tags} <= {"p", "br", "strong", "a"}
    html_body = render_article_alert(art, [(LIBYA, match)], body_format="html").body
    html_tags = tags_of(html_body)
    assert [a.get("href") for t, a in html_tags if t in ("a", "img")] == [LINK]
    assert {t for t, _ in html_tags} <= {"br", "b", "a"}


@settings(max_examples=200, deadline=None)
@given(password=st.text(st.characters(codec="ascii", min_codepoint=33, max_codepoint=126), min_size=6, max_size=30))
def test_no_password_survives_redaction(password: str) -> None:
    password = "Pw~" + password  # never a word of the URL itself
    encoded = quote(password, safe="")
    for url in (f"mailtos://user:{encoded}@smtp.example.com?to=desk@example.com",
                f"json://127.0.0.1/x?token={encoded}&format=text"):
        shown = redact_url(url)
        assert encoded not in shown and "***" in shown
        assert escape.scrub(f"error with {password} and {encoded}", escape.secrets_in(url)).count("***") == 2


def test_only_http_links_are_links() -> None:
    art = Article(key="k", url="javascript:alert(1)", title="t", summary="", feed="f")
    for fmt in ("markdown", "html"):
        body = render_article_alert(art, [(LIBYA, MATCH)], body_format=fmt).body
        assert "](" not in body and "href" not in body
    assert "javascript" not in render_article_alert(art, [(LIBYA, MATCH)]).body


def test_a_link_cannot_break_out_of_its_markup() -> None:
    art = Article(key="k", url='https://x.example/a>b"c d)<', title="t", summary="", feed="f")
    md = render_article_alert(art, [(LIBYA, MATCH)], body_format="markdown").body
    assert "(<https://x.example/a%3Eb%22c%20d%29%3C>)" in md
    html_body = render_article_alert(art, [(LIBYA, MATCH)], body_format="html").body
    assert [a["href"] for t, a in tags_of(html_body) if t == "a"] == ["https://x.example/a%3Eb%22c%20d%29%3C"]


# ----------------------------------------------------------------------------- length


@pytest.mark.parametrize(("url", "fmt"), [
    ("tgram://123456789:AAbbCC/-100123", "markdown"),
    ("irc://news-monitor@irc.example.net/#desk", "text"),
    ("matrixs://bot:pw@matrix.example.org/#desk:example.org", "markdown"),
    ("mailtos://u:p@smtp.example.com?to=desk@example.com&format=html", "html"),
])
def test_long_alerts_are_cut_at_the_service_limit_with_a_link(url: str, fmt: str) -> None:
    long = Article(key="k", url=LINK, title=ARTICLE.title, summary="Tin dài [x] *y* <z> & " * 5000,
                   feed="f", published=ARTICLE.published)
    limit = limit_for(url)
    assert limit is not None and format_for(url) == fmt
    msg = render_article_alert(long, [(LIBYA, MATCH)], body_format=fmt, max_length=limit)
    title, body = alerts._for_apprise(msg, limit, merges_title=True)
    assert len(title) + len(body) <= limit
    last = body.splitlines()[-1]
    assert "… (xem tiếp: " in last and LINK in last
    if fmt == "markdown":
        assert LINK in [a["href"] for t, a in tags_of(markdown_to_html(body, extensions=())) if t == "a"]


def test_short_alerts_are_not_cut() -> None:
    assert article_alert(max_length=4096) == article_alert()


def test_send_cuts_what_was_rendered_without_a_limit() -> None:
    msg = Message("t", "x" * 10_000)
    title, body = alerts._for_apprise(msg, 380, merges_title=False)
    assert len(title) + len(body) <= 380 and body.endswith("…")


# ----------------------------------------------------------------------------- formats and redaction


@pytest.mark.parametrize(("url", "fmt"), [
    ("mailto://u:p@127.0.0.1:2525?to=a@b.c", "text"), ("mailtos://u:p@smtp.example.com", "text"),
    ("irc://bot@irc.libera.chat/#desk", "text"), ("console://", "text"), ("json://127.0.0.1/x", "text"),
    ("matrixs://u:p@matrix.org/#room", "markdown"), ("tgram://1:abc/2", "markdown"),
    ("mailtos://u:p@smtp.example.com?format=html", "html"), ("matrix://u:p@h/#r?format=text", "text"),
    ("ntfy://topic", "text"),
])
def test_format_for(url: str, fmt: str) -> None:
    assert format_for(url) == fmt


def test_limit_for() -> None:
    assert limit_for("tgram://1:abc/2") == 4096
    assert limit_for("irc://bot@irc.libera.chat/#desk") == 380
    assert limit_for(CONSOLE) is None
    assert limit_for("json://127.0.0.1/x") == formats.DEFAULT_LIMIT


@pytest.mark.parametrize(("url", "redacted"), [
    ("mailtos://user:hunter2@smtp.example.com?to=desk@example.com",
     "mailtos://user:***@smtp.example.com?to=desk@example.com"),
    ("mailto://user:p%40ss/w:rd@smtp.example.com:587/desk@example.com?mode=starttls",
     "mailto://user:***@smtp.example.com:587/desk@example.com?mode=starttls"),
    ("json://127.0.0.1:8080/hook?token=abc123&+X-Api-Key=k3y&+Authorization=Bearer%20xyz&format=text",
     "json://127.0.0.1:8080/hook?token=***&+X-Api-Key=***&+Authorization=***&format=text"),
    ("ntfys://ntfy.example.com/alerts?password=pw123&user=bob", "ntfys://ntfy.example.com/alerts?password=***&user=bob"),
    ("tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/-100123",
     "tgram://123456789:***/-100123"),
    ("matrixs://syt_dGVzdA_abcdefghijklmnop_1a2b3c@matrix.example.org/#desk",
     "matrixs://***@matrix.example.org/#desk"),
    ("mailto://127.0.0.1:2525?from=a@x.test&to=b@x.test", "mailto://127.0.0.1:2525?from=a@x.test&to=b@x.test"),
    ("irc://bot@irc.libera.chat:6697/#desk", "irc://bot@irc.libera.chat:6697/#desk"),
    ("discord://1234567890/AbCdEfGhIjKlMnOpQrStUvWxYz-0123456789", "discord://1234567890/***"),
    ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#news", "slack://T1JJ3T3L2/***/***/#news"),
    ("console://", "console://"),
    ("not a url", "not a url"),
])
def test_redact_url(url: str, redacted: str) -> None:
    assert redact_url(url) == redacted


# ----------------------------------------------------------------------------- send: e-mail


def received_text(msg: EmailMessage) -> str:
    return msg.get_content().replace("\r\n", "\n").strip()


def test_email_arrives_with_vietnamese_subject_and_body_intact() -> None:
    msg = article_alert()
    with SMTPServer() as smtp:
        result = send(f"mailto://127.0.0.1:{smtp.port}?mode=insecure&from=monitor@x.test&to=desk@x.test", msg)
        assert result == SendResult(
            ok=True, service=f"mailto://127.0.0.1:{smtp.port}?mode=insecure&from=monitor@x.test&to=desk@x.test"
        )
        [mail] = smtp.messages
    assert smtp.envelopes == [("monitor@x.test", ["desk@x.test"])]
    assert mail["Subject"] == "[Libya – tướng Haftar] Tướng Haftar tiến quân vào Tripoli"
    assert mail.get_content_type() == "text/plain"
    assert received_text(mail) == msg.body


def test_raw_subject_is_rfc2047_encoded() -> None:
    with SMTPServer() as smtp:
        assert send(f"mailto://127.0.0.1:{smtp.port}?from=a@x.test&to=b@x.test", article_alert()).ok
        raw = smtp.messages[0].as_bytes()
    headers = raw.split(b"\n\n", 1)[0].replace(b"\n ", b" ")
    subject = next(line for line in headers.splitlines() if line.startswith(b"Subject:"))
    assert subject.isascii() and b"=?utf-8?" in subject.lower()


def test_html_email_when_the_target_asks() -> None:
    url_tail = "from=a@x.test&to=b@x.test&format=html"
    with SMTPServer() as smtp:
        msg = hostile(format_for(f"mailto://127.0.0.1?{url_tail}"))
        assert send(f"mailto://127.0.0.1:{smtp.port}?{url_tail}", msg).ok
        [mail] = smtp.messages
    html_part = mail.get_body(("html",))
    assert html_part is not None
    content = html_part.get_content()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content and "<script" not in content
    assert [a["href"] for t, a in tags_of(content) if t == "a"] == [LINK]


def test_a_success_still_reports_what_apprise_warned_about() -> None:
    with SMTPServer() as smtp:
        result = send(f"mailto://127.0.0.1:{smtp.port}/desk@x.test/not-an-address?from=a@x.test", article_alert())
    assert smtp.envelopes == [("a@x.test", ["desk@x.test"])]
    assert result.ok  # delivered to the one valid recipient; the user still learns of the other
    assert result.detail == "Dropped invalid To email (not-an-address) specified."


def test_markdown_email_keeps_its_subject() -> None:
    with SMTPServer() as smtp:
        assert send(f"mailto://127.0.0.1:{smtp.port}?from=a@x.test&to=b@x.test&format=markdown",
                    article_alert(body_format="markdown")).ok
        [mail] = smtp.messages
    assert mail["Subject"] == "[Libya – tướng Haftar] Tướng Haftar tiến quân vào Tripoli"
    html_part = mail.get_body(("html",))
    assert html_part is not None
    assert [a["href"] for t, a in tags_of(html_part.get_content()) if t == "a"] == [LINK]


@pytest.fixture
def tls_smtp(tmp_path: Path) -> object:
    with SMTPServer(tls_dir=tmp_path, user="alice", password="correct horse") as smtp:
        yield smtp


def test_starttls_with_login_and_a_trusted_certificate(tls_smtp: SMTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_smtp.cert_file))  # the server's cert is our only CA
    url = f"mailto://alice:correct%20horse@127.0.0.1:{tls_smtp.port}?mode=starttls&from=a@x.test&to=b@x.test"
    result = send(url, article_alert())
    assert result.ok, result.detail
    assert result.service == f"mailto://alice:***@127.0.0.1:{tls_smtp.port}?mode=starttls&from=a@x.test&to=b@x.test"
    assert tls_smtp.messages[0]["Subject"] == article_alert().title
    assert received_text(tls_smtp.messages[0]) == article_alert().body


def test_starttls_refuses_an_untrusted_certificate_unless_told(tls_smtp: SMTPServer) -> None:
    base = f"mailto://alice:correct%20horse@127.0.0.1:{tls_smtp.port}?mode=starttls&from=a@x.test&to=b@x.test"
    refused = send(base, article_alert())
    assert not refused.ok and "CERTIFICATE_VERIFY_FAILED" in refused.detail
    assert send(base + "&verify=no", article_alert()).ok
    assert len(tls_smtp.messages) == 1


def test_wrong_password_fails_readably_without_the_password(tls_smtp: SMTPServer) -> None:
    url = f"mailto://alice:Wr0ng-S3cret@127.0.0.1:{tls_smtp.port}?mode=starttls&verify=no&from=a@x.test&to=b@x.test"
    result = send(url, article_alert())
    assert not result.ok
    assert "535" in result.detail and "Authentication credentials invalid" in result.detail
    assert "Wr0ng-S3cret" not in result.detail + result.service
    assert tls_smtp.messages == []


def test_server_down_fails_readably_without_the_password() -> None:
    url = f"mailto://alice:Wr0ng-S3cret@127.0.0.1:{free_port()}?mode=insecure&from=a@x.test&to=b@x.test"
    result = send(url, article_alert())
    assert not result.ok
    assert "Connection refused" in result.detail
    assert "Wr0ng-S3cret" not in result.detail + result.service


def test_a_server_that_never_answers_times_out() -> None:
    with socket.socket() as silent:  # accepts connections (backlog) and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        port = silent.getsockname()[1]
        result = send(f"mailto://127.0.0.1:{port}?from=a@x.test&to=b@x.test", article_alert(), timeout=1)
    assert not result.ok
    assert "timed out" in result.detail or "did not finish within" in result.detail  # socket or apprise first


# ----------------------------------------------------------------------------- send: json://, console, bad URLs


def test_json_receiver_gets_title_and_body_intact(http_server: LocalServer) -> None:
    msg = article_alert()
    result = send(f"json://127.0.0.1:{http_server.port}/hooks/desk", msg)
    assert result.ok, result.detail
    [(path, body)] = http_server.posts
    assert path == "/hooks/desk"
    assert json.loads(body)["title"] == msg.title
    assert json.loads(body)["message"] == msg.body


def test_markdown_keeps_a_plain_title_where_the_service_shows_titles_itself(http_server: LocalServer) -> None:
    msg = hostile("markdown")
    assert send(f"json://127.0.0.1:{http_server.port}/x?format=markdown", msg).ok
    [(_, body)] = http_server.posts
    post = json.loads(body)
    assert post["title"] == msg.title == (
        "[Chủ đề [x](http[:]//evil.example)] Haftar [click](http[:]//evil.example) <script>alert(1)</script> "
        "*bold* _it_ `code` ~s~ # ! |"
    )
    assert post["message"] == msg.body


def test_receiver_error_is_a_failure_with_its_answer_and_no_secret(http_server: LocalServer) -> None:
    http_server.fail_posts(500)
    result = send(f"json://127.0.0.1:{http_server.port}/x?+X-Api-Key=s3cr3t-key", article_alert())
    [headers] = [h for method, _, h in http_server.requests if method == "POST"]
    assert headers["X-Api-Key"] == "s3cr3t-key"
    assert not result.ok
    assert "500" in result.detail and "receiver says no" in result.detail
    assert "s3cr3t-key" not in result.detail + result.service


def test_an_url_apprise_does_not_understand() -> None:
    result = send("mailtoo://user:hunter2@example.com", article_alert())
    assert result == SendResult(
        ok=False, service="mailtoo://user:***@example.com",
        detail="apprise does not understand this URL: mailtoo://user:***@example.com",
    )


def test_console_prints_the_message(capsys: pytest.CaptureFixture[str]) -> None:
    msg = article_alert()
    assert send(CONSOLE, msg) == SendResult(ok=True, service="console://")
    out = capsys.readouterr().out
    assert out.startswith(msg.title + "\n" + msg.body)


def test_concurrent_sends_keep_their_own_logs(http_server: LocalServer) -> None:
    down = f"json://127.0.0.1:{free_port()}/down"
    results: dict[str, SendResult] = {}
    up = f"json://127.0.0.1:{http_server.port}/up"

    def run(name: str, url: str) -> None:
        results[name] = send(url, article_alert())

    threads = [threading.Thread(target=run, args=(f"{n}{i}", u)) for i in range(4) for n, u in (("up", up), ("down", down))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.ok and r.detail == "" for n, r in results.items() if n.startswith("up"))
    assert all(not r.ok and "Connection refused" in r.detail for n, r in results.items() if n.startswith("down"))


def test_apprise_logs_stay_out_of_the_daemon_log() -> None:
    """The daemon's handlers sit on the root logger; apprise's records (URLs, payloads) never
    reach them: they come back only through SendResult.detail, scrubbed."""
    seen: list[logging.LogRecord] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = seen.append  # type: ignore[method-assign]
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        send(f"json://127.0.0.1:{free_port()}/x?token=s3cr3t-token", article_alert())
    finally:
        root.removeHandler(handler)
    assert [r for r in seen if r.name.startswith("apprise")] == []


def test_public_names() -> None:
    assert sorted(alerts.__all__) == [
        "CONSOLE", "EVENT_TYPES", "FORMATS", "LABELS", "LIMITS", "Message", "SendResult", "describe_changes",
        "escape_markdown", "format_date", "format_for", "format_time", "limit_for", "redact_url",
        "render_article_alert", "render_event_alert", "render_test_message", "render_update_alert", "send",
    ]
    assert all(hasattr(alerts, name) for name in alerts.__all__)


def test_a_sentence_with_two_matched_terms_is_shown_once() -> None:
    from monitor.models import Article, Hit, Match, Topic

    title = "Haftar tuyên bố về Tripoli"
    article = Article(key="k", url="https://example.vn/a.html", title=title, summary="", feed="F")
    match = Match("libya", (Hit("Haftar", "title", 0, 6, title), Hit("Tripoli", "title", 19, 26, title)))
    body = render_article_alert(article, [(Topic("libya", "Libya", terms=("Haftar", "Tripoli")), match)]).body
    assert body.count(f"«{title}»") == 1
    assert "Haftar, Tripoli" in body
