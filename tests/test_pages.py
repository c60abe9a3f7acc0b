"""pages: article extraction per site rule and generic, dates, encodings, non-articles, listings."""

from __future__ import annotations

import ast
import io
import json
import re
import unicodedata
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor import htmldoc, pages, sites
from monitor.dates import ICT
from monitor.errors import ConfigError, ParseError
from monitor.pages import NotAnArticle, decode_html, extract, parse_listing, site_rule
from tests.conftest import FIXTURES, ROOT, shared_path
from tests.fixtures.pages import build as layouts

PAGES = FIXTURES / "pages"
SEVEN_HOURS = timedelta(hours=7)
SYNTHETIC = layouts.synthetic()
LEAKS = ("Tin liên quan", "ĐỌC NGAY", "Đọc tiếp", "Ảnh:", "Chia sẻ", "Bình luận", "Ý kiến", "©",
         "dataLayer", "googletag", *(title for title, _ in layouts.SIDEBAR), *(s for _, s in layouts.SIDEBAR))


def tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def overlap(got: str, truth: str) -> tuple[float, float]:
    """(recall, precision) of the tokens of `got` against `truth`."""
    g, t = tokens(got), tokens(truth)
    common = sum((g & t).values())
    return common / max(1, sum(t.values())), common / max(1, sum(g.values()))


def fixture(host: str) -> tuple[bytes, str]:
    built = layouts.build(host, SYNTHETIC)
    return (PAGES / f"{host}.html").read_bytes(), built.url


# --------------------------------------------------------------------------- site rules


@pytest.mark.parametrize("host", sorted(layouts.LAYOUTS))
def test_site_rule_reads_its_layout(host: str) -> None:
    html, url = fixture(host)
    page = extract(html, url=url)
    assert page.rule == host
    assert page.warnings == ()
    assert page.title == SYNTHETIC.title
    assert page.lead == SYNTHETIC.lead
    assert page.paragraphs == SYNTHETIC.paragraphs
    assert page.author == SYNTHETIC.author
    assert page.published == SYNTHETIC.published
    assert page.published is not None and page.published.utcoffset() == SEVEN_HOURS
    assert page.canonical_url == url
    text = "\n".join((page.lead, *page.paragraphs))
    assert not [leak for leak in LEAKS if leak in text]


def test_committed_fixture_pages_are_up_to_date() -> None:
    for host in layouts.LAYOUTS:
        html, _ = fixture(host)
        assert html == layouts.build(host, SYNTHETIC).html, f"rebuild: python -m tests.fixtures.pages.build ({host})"


def test_every_rule_has_a_fixture_layout() -> None:
    names = {rule.name for rule in sites.load_rules().values()}
    assert names == set(layouts.LAYOUTS)


def test_real_article_text_in_each_layout() -> None:
    corpus = shared_path("corpus")
    for i, (host, article) in enumerate(layouts.corpus_articles(corpus)):
        built = layouts.build(host, article, i)
        page = extract(built.html, url=built.url)
        recall, precision = overlap("\n".join((page.lead, *page.paragraphs)),
                                    "\n".join((article.lead, *article.paragraphs)))
        assert recall >= 0.95 and precision >= 0.95, (host, article.source, recall, precision)
        assert page.title == article.title and page.author == article.author, (host, article.source)
        assert page.published == article.published


def test_subdomains_and_aliases_find_the_rule() -> None:
    rule = site_rule("kinhdoanh.vnexpress.net")
    assert rule is not None and rule.name == "vnexpress.net"
    zing = site_rule("zingnews.vn")
    assert zing is not None and zing.name == "znews.vn"
    assert site_rule("www.tuoitre.vn") is site_rule("tuoitre.vn")
    assert site_rule("example.com") is None
    assert site_rule("") is None and site_rule("net") is None


def test_no_python_file_but_the_loader_names_an_outlet_domain() -> None:
    hosts = set(sites.load_rules())
    for path in sorted((ROOT / "monitor").glob("*.py")):
        if path.name == "sites.py":  # the loader
            continue
        strings = [n.value for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                   if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        named = {h for h in hosts for s in strings if h in s}
        assert not named, f"{path.name} names {sorted(named)}: put site knowledge in data/sites.toml"


def test_bad_rules_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="invalid CSS selector"):
        sites.load_rules('["x.vn"]\nbody = ["div[[["]\n')
    with pytest.raises(ConfigError, match="unknown site-rule keys"):
        sites.load_rules('["x.vn"]\nbodyy = ["div"]\n')
    with pytest.raises(ConfigError, match="sites.toml"):
        sites.load_rules('["x.vn"\n')
    with pytest.raises(ConfigError, match="unknown date source 'byline'"):
        sites.load_rules('["x.vn"]\npublished = ["byline"]\n')
    with pytest.raises(ConfigError, match="unknown date source 'rss:item'"):
        sites.load_rules('["x.vn"]\npublished = ["rss:item"]\n')
    with pytest.raises(ConfigError, match="strip_lead_prefix is not a regular expression"):
        sites.load_rules('["x.vn"]\nstrip_lead_prefix = "(Dân trí"\n')
    with pytest.raises(ConfigError, match="trust_offset must be true or false"):
        sites.load_rules('["x.vn"]\ntrust_offset = "no"\n')
    with pytest.raises(ConfigError, match="body must be a string or a list of strings"):
        sites.load_rules('["x.vn"]\nbody = 3\n')
    with pytest.raises(ConfigError, match="listing takes item, link, title and time"):
        sites.load_rules('["x.vn"]\nlisting = { items = "li" }\n')


# --------------------------------------------------------------------------- the real VnExpress pages


@pytest.mark.parametrize(
    ("name", "title", "published", "updated", "author", "count"),
    [
        ("vnexpress_article_2019-02-18.html", "Khu tưởng niệm 14 phi công Triều Tiên hy sinh ở Việt Nam",
         datetime(2019, 2, 18, 17, 34, 20, tzinfo=ICT), datetime(2019, 2, 18, 20, 40, 8, tzinfo=ICT), "Võ Hải", 18),
        ("vnexpress_article_2019-02-17.html", "17 dấu hiệu cho thấy sớm muộn bạn cũng trở thành triệu phú",
         datetime(2019, 2, 8, 17, 8, 25, tzinfo=ICT), datetime(2019, 2, 8, 19, 16, 6, tzinfo=ICT), "Bảo Ngọc", 36),
    ],
)
def test_real_vnexpress_pages(name: str, title: str, published: datetime, updated: datetime, author: str,
                              count: int) -> None:
    html = shared_path("corpus", "pages", name).read_bytes()
    page = extract(html)  # no URL: the rule is found from the canonical URL
    assert (page.rule, page.title, page.author, len(page.paragraphs)) == ("vnexpress.net", title, author, count)
    # JSON-LD and meta say +08:00 on the same wall-clock time; its_publication and the byline are right.
    assert page.published == published and page.published.utcoffset() == SEVEN_HOURS
    assert page.updated == updated
    assert page.canonical_url is not None and page.canonical_url.startswith("https://vnexpress.net/")
    assert page.lead and page.lead not in page.paragraphs
    assert all(p == " ".join(p.split()) for p in page.paragraphs)
    assert not any("Ảnh:" in p or p == author for p in page.paragraphs)


def test_vnexpress_meta_pubdate_with_spaces_in_the_offset() -> None:
    head = shared_path("corpus", "pages", "vnexpress_article_2026-10-07_HEAD_EXCERPT.html").read_bytes()
    body = "".join(f'<p class="Normal">{p}</p>' for p in SYNTHETIC.paragraphs)
    page = extract(head + f'<body><article class="fck_detail">{body}</article></body>'.encode())
    assert page.published == datetime(2026, 10, 7, 7, 49, tzinfo=ICT)
    assert page.title == "Cổ thụ đổ giữa đường, trung tâm TP HCM ùn tắc tứ phía"


# --------------------------------------------------------------------------- rule stopped matching, overrides


def renamed_vnexpress() -> tuple[bytes, str]:
    html, url = fixture("vnexpress.net")
    return html.replace(b'<article class="fck_detail ">', b'<article class="content-body">'), url


def test_rule_that_matches_no_body_falls_back_with_a_warning() -> None:
    html, url = renamed_vnexpress()
    page = extract(html, url=url)
    assert page.rule == "generic"
    assert page.warnings == ("site rule for vnexpress.net matched no body; used the generic extractor"
                             " — the rule needs updating",)
    assert page.paragraphs == SYNTHETIC.paragraphs
    assert page.published == SYNTHETIC.published  # the date sources of the rule still apply


def test_feed_override_fixes_the_rule() -> None:
    html, url = renamed_vnexpress()
    page = extract(html, url=url, rule_override={"body": ["article.content-body"]})
    assert (page.rule, page.warnings, page.paragraphs) == ("vnexpress.net", (), SYNTHETIC.paragraphs)


def test_override_makes_a_rule_for_an_unknown_host() -> None:
    html = ("<html><body><div class='x'><p>" + "</p><p>".join(SYNTHETIC.paragraphs) + "</p></div>"
            "<div class='when'>Chủ nhật, 06-04-2025, 05:30</div></body></html>").encode()
    override = {"body": "div.x", "published": ["byline:div.when"]}
    page = extract(html, url="https://baomoi.example/a.html", rule_override=override)
    assert page.rule == "baomoi.example"
    assert page.published == datetime(2025, 4, 6, 5, 30, tzinfo=ICT)
    with pytest.raises(ConfigError, match="invalid CSS selector"):
        extract(html, url="https://baomoi.example/a.html", rule_override={"body": "div[["})


# --------------------------------------------------------------------------- generic extractor

BODY = "".join(f"<p>{p}</p>" for p in SYNTHETIC.paragraphs)
OTHER = "".join(f"<div class='card'><a href='/t{i}.html'>{t}</a><p>{s}</p></div>"
                for i, (t, s) in enumerate(layouts.SIDEBAR))
META = (f'<meta property="og:title" content="{SYNTHETIC.title}"><meta property="article:published_time" '
        'content="2025-10-13T02:15:00Z"><meta name="author" content="Minh Hoàng">'
        f'<meta name="description" content="{SYNTHETIC.lead}">')
UNKNOWN_LAYOUTS = {
    "article": f"<html><head>{META}</head><body><nav>{OTHER}</nav><main><article><h1>{SYNTHETIC.title}</h1>"
               f"<p class='sapo'>{SYNTHETIC.lead}</p>{BODY}<div class='share'>Chia sẻ</div></article>"
               f"<aside>{OTHER}</aside></main></body></html>",
    "densest": f"<html><head>{META}</head><body><div id='top'>{OTHER}</div><div class='col'><div class='post'>"
               f"{BODY}</div><div class='related-posts'>{OTHER}</div></div><footer><p>Bản quyền © 2025 Báo"
               " điện tử ABC. Ghi rõ nguồn khi phát hành lại thông tin từ website này.</p></footer></body></html>",
    "jsonld": f"<html><head>{META}<script type='application/ld+json'>"
              + json.dumps({"@context": "https://schema.org", "@graph": [
                  {"@type": "WebPage"}, {"@type": "NewsArticle", "articleBody": "\n".join(SYNTHETIC.paragraphs)}]},
                  ensure_ascii=False)
              + f"</script></head><body><div id='app'>{OTHER}</div></body></html>",
}


@pytest.mark.parametrize("layout", sorted(UNKNOWN_LAYOUTS))
def test_generic_extractor_on_unknown_layouts(layout: str) -> None:
    page = extract(UNKNOWN_LAYOUTS[layout].encode(), url="https://news.example.com/a-123.html")
    assert (page.rule, page.warnings) == ("generic", ())
    assert page.paragraphs == SYNTHETIC.paragraphs
    assert page.title == SYNTHETIC.title and page.lead == SYNTHETIC.lead and page.author == "Minh Hoàng"
    assert page.published == SYNTHETIC.published  # 02:15Z is 09:15 in Hanoi


def test_generic_extractor_takes_the_closing_byline_as_author() -> None:
    html = f"<html><body><article>{BODY}<p><strong>Võ Hải</strong></p></article></body></html>"
    page = extract(html.encode(), url="https://news.example.com/a.html")
    assert (page.author, page.paragraphs) == ("Võ Hải", SYNTHETIC.paragraphs)
    html = f"<html><body><article>{BODY}<p>Theo ông, đây là trận lũ lớn.</p></article></body></html>"
    assert extract(html.encode(), url="https://news.example.com/a.html").author is None


BOILERPLATE_LINES = ("Đọc tiếp", "ĐỌC NGAY: Tướng Haftar tuyên bố tấn công", ">> Xem thêm: Giá vàng hôm nay",
                     "Tin liên quan", "Theo dõi Báo ABC trên Google News", "Ảnh: Võ Hải", "Quảng cáo",
                     "Người dân sơ tán khỏi khu vực ngập lụt. Ảnh: TTXVN")
BODY_LINES = ("Bình luận về vụ việc, người phát ngôn Bộ Ngoại giao cho biết Việt Nam theo dõi sát tình hình.",
              "Ảnh hưởng của cơn bão khiến hàng nghìn ngôi nhà bị tốc mái, nhiều tuyến đường bị chia cắt.",
              "Chia sẻ với báo chí, ông Nguyễn Văn A cho biết lực lượng cứu hộ đã tiếp cận hiện trường.")


def test_boilerplate_lines_go_and_body_lines_that_look_alike_stay() -> None:
    lines = (*SYNTHETIC.paragraphs[:3], *BOILERPLATE_LINES, *BODY_LINES)
    html = "<html><body><article>" + "".join(f"<p>{line}</p>" for line in lines) + "</article></body></html>"
    page = extract(html.encode(), url="https://news.example.com/a.html")
    assert page.paragraphs == (*SYNTHETIC.paragraphs[:3], *BODY_LINES)


def test_generic_extractor_on_the_outlet_layouts() -> None:
    for host in layouts.LAYOUTS:
        html, _ = fixture(host)
        page = extract(html, url="https://mirror.example.org/bai-viet.html")
        recall, precision = overlap(page.text, "\n".join(SYNTHETIC.paragraphs))
        assert page.rule == "generic" and recall >= 0.95 and precision >= 0.9, (host, recall, precision)


# --------------------------------------------------------------------------- dates

DATE_PAGE = "<html><head>{head}</head><body><article>{body}</article>{foot}</body></html>"


@pytest.mark.parametrize(
    ("head", "foot", "expected"),
    [
        ('<meta name="pubdate" content="2026-10-07 07:49 + 07:00">', "", datetime(2026, 10, 7, 7, 49, tzinfo=ICT)),
        ('<meta property="article:published_time" content="2025-04-05T22:30:00Z">', "",
         datetime(2025, 4, 6, 5, 30, tzinfo=ICT)),
        ("", '<time datetime="2025-04-06 05:30">Chủ Nhật, 06/04/2025 - 05:30</time>',
         datetime(2025, 4, 6, 5, 30, tzinfo=ICT)),
        ('<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2019-02-18T17:34:20+07:00"}'
         "</script>", "", datetime(2019, 2, 18, 17, 34, 20, tzinfo=ICT)),
        ('<meta name="pubdate" content="not a date">', "", None),
        ('<meta name="its_publication" content="1550486060">', "", None),  # an epoch only counts in a rule
    ],
)
def test_generic_date_sources(head: str, foot: str, expected: datetime | None) -> None:
    page = extract(DATE_PAGE.format(head=head, body=BODY, foot=foot).encode(), url="https://x.example/a")
    assert page.published == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("Thứ hai, 18/2/2019, 17:34 (GMT+7)", datetime(2019, 2, 18, 17, 34, tzinfo=ICT)),
        ("Chủ Nhật, 06/04/2025 - 05:30", datetime(2025, 4, 6, 5, 30, tzinfo=ICT)),
        ("Chủ nhật, 06-04-2025, 05:30", datetime(2025, 4, 6, 5, 30, tzinfo=ICT)),
        ("17:34 18/2/2019", datetime(2019, 2, 18, 17, 34, tzinfo=ICT)),
        ("18/02/2019 10:34 GMT+0", datetime(2019, 2, 18, 17, 34, tzinfo=ICT)),
        ("Cập nhật lúc 17h34", None),
        ("31/02/2019 17:34", None),
    ],
)
def test_byline_forms(byline: str, expected: datetime | None) -> None:
    html = DATE_PAGE.format(head="", body=BODY, foot=f"<span class='when'>{byline}</span>").encode()
    page = extract(html, url="https://x.example/a", rule_override={"published": ["byline:span.when"]})
    assert page.published == expected
    if expected is not None and "GMT" not in byline:
        assert page.published is not None and page.published.utcoffset() == SEVEN_HOURS


@pytest.mark.parametrize(("value", "expected"), [
    ("1550486060", datetime(2019, 2, 18, 17, 34, 20, tzinfo=ICT)),
    ("1550486060000", datetime(2019, 2, 18, 17, 34, 20, tzinfo=ICT)),  # milliseconds
    ("-5", None), ("99999999999999999", None), ("1e400", None), ("nan", None),
])
def test_epoch_source(value: str, expected: datetime | None) -> None:
    html = DATE_PAGE.format(head=f'<meta name="its_publication" content="{value}">', body=BODY, foot="").encode()
    page = extract(html, url="https://x.example/a", rule_override={"published": ["epoch:meta[name=its_publication]@content"]})
    assert page.published == expected


def test_untrusted_offsets_are_vietnam_time_but_utc_stays_utc() -> None:
    override = {"published": ["meta"], "trust_offset": False}
    for stamp, expected in (("2019-02-18T17:34:20+08:00", datetime(2019, 2, 18, 17, 34, 20, tzinfo=ICT)),
                            ("2019-02-18T10:34:20Z", datetime(2019, 2, 18, 17, 34, 20, tzinfo=ICT))):
        html = DATE_PAGE.format(head=f'<meta name="pubdate" content="{stamp}">', body=BODY, foot="").encode()
        assert extract(html, url="https://x.example/a", rule_override=override).published == expected


def test_vnexpress_wrong_offset_without_epoch_or_byline() -> None:
    """With only the +08:00 JSON-LD left, the rule reads its wall-clock time as Vietnam time."""
    html, url = fixture("vnexpress.net")
    html = re.sub(rb'<meta name="its_publication"[^>]*>', b"", html)
    html = re.sub(rb'<span class="date">[^<]*</span>', b"", html)
    page = extract(html, url=url)
    assert page.published == SYNTHETIC.published and page.published.utcoffset() == SEVEN_HOURS


# --------------------------------------------------------------------------- encodings

VI = "Tướng Haftar tuyên bố tấn công Tripoli, hàng trăm người phải sơ tán khỏi thủ đô Libya."


TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese legacy pages wrote it: base letters plus combining tone marks."""
    out = []
    for ch in text:
        decomposed = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
        out.append(base + "".join(c for c in decomposed if c in TONES))
    return "".join(out).encode("cp1258")


def doc(meta: str = "") -> str:
    return f"<html><head>{meta}<title>Tin</title></head><body><article><p>{VI}</p></article></body></html>"


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (doc('<meta charset="windows-1258">').encode("utf-8"), "text/html; charset=utf-8"),  # HTTP wins
        (cp1258(doc('<meta charset="utf-8">')), "text/html; charset=windows-1258"),
        (doc().encode("utf-8"), "text/html; charset="),  # empty charset= is no charset
        (doc().encode("utf-8"), 'text/html; charset=""'),
        (doc().encode("utf-8"), "text/html; charset=windows-1252"),  # a wrong label on UTF-8 bytes
        (doc('<meta charset="iso-8859-1">').encode("utf-8"), None),
        (cp1258(doc('<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">')), None),
        (cp1258(doc()), None),  # no label at all: detected
        (cp1258(doc()), "text/html; charset=x-no-such-charset"),
        (doc().encode("utf-8-sig"), "text/html; charset=windows-1258"),  # a BOM beats the header
        (doc().encode("utf-16"), None),
        (doc().encode("utf-16-le"), "text/html; charset=utf-16le"),
        (doc().encode("utf-16-le"), None),  # no BOM, no label: its NUL bytes give it away
        (cp1258(doc('<meta charset="utf-8">')), "text/html; charset=utf-8"),  # a label the bytes contradict
    ],
)
def test_encoding_traps(data: bytes, content_type: str | None) -> None:
    assert VI in decode_html(data, content_type)


@pytest.mark.parametrize("label", ["rot13", "base64", "zlib", "hex", "undefined", "idna", "punycode", "utf-7",
                                   "unicode_escape", "utf-8\x00", "x" * 300])
def test_hostile_charset_labels_are_ignored(label: str) -> None:
    assert VI in decode_html(doc().encode("utf-8"), f"text/html; charset={label}")
    assert VI in decode_html(doc(f'<meta charset="{label}">').encode("utf-8"), None)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.text(max_size=60))
def test_any_content_type_decodes(data: bytes, content_type: str) -> None:
    assert isinstance(decode_html(data, content_type), str)


def test_an_empty_charset_never_makes_mojibake_in_extract() -> None:
    page = extract(doc().replace(f"<p>{VI}</p>", BODY).encode(), url="https://x.example/", content_type="text/html; charset=")
    assert page.paragraphs == SYNTHETIC.paragraphs


# --------------------------------------------------------------------------- not an article


@pytest.mark.parametrize("name", ["vnexpress_homepage_saved_2022.html", "vnexpress_homepage_saved_2024.html"])
@pytest.mark.parametrize("url", ["https://vnexpress.net/", "https://mirror.example.org/"])  # rule, generic
def test_home_page_is_not_an_article(name: str, url: str) -> None:
    html = shared_path("corpus", "pages", name).read_bytes()
    with pytest.raises(NotAnArticle, match=f"^parse: not an article: {url}: a home or listing page"):
        extract(html, url=url)


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<html><head><title>404 - Không tìm thấy trang</title></head><body><nav>" + OTHER
         + "</nav><h1>Trang bạn tìm không tồn tại</h1><p>Vui lòng quay lại trang chủ.</p></body></html>",
         "an error page"),
        ("<html><body><article><h1>Bài viết dành cho hội viên</h1><p>" + SYNTHETIC.paragraphs[0]
         + "</p><form><input type='text' name='u'><input type='password' name='p'></form></article></body></html>",
         "a login wall"),
        ("<html><body><article><p>" + SYNTHETIC.paragraphs[0] + "</p><p>" + SYNTHETIC.paragraphs[1]
         + "</p><p>Vui lòng đăng nhập để đọc tiếp toàn bộ bài viết.</p></article></body></html>", "a login wall"),
        ("<html><body>" + "".join(f"<article><h3><a href='/a{i}.html'>Tin số {i}</a></h3></article>"
                                  for i in range(12)) + "</body></html>", "a home or listing page"),
        ("<html><body><p>Ngắn.</p></body></html>", "too little body text"),
        ("", "too little body text"),
    ],
)
def test_not_an_article(html: str, reason: str) -> None:
    with pytest.raises(NotAnArticle, match=f"^parse: not an article: https://x.example/a: {reason}"):
        extract(html.encode(), url="https://x.example/a")


# --------------------------------------------------------------------------- hostile input


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_any_bytes_give_a_page_or_a_parse_error(data: bytes) -> None:
    try:
        extract(data, url="https://vnexpress.net/x.html", content_type="text/html; charset=")
    except ParseError:
        pass


TAGS = st.sampled_from([
    '<p>', '</p>', '<h1>', '<title>404', '<input type=password>', "<link rel=canonical href='",
    "<time datetime='", "<div class='detail-content' data-role=content>", "<div class='singular-content'>",
    "<a href='", "<div class='fck_detail'>", '</div>', "<article class='fck_detail'>", '<script>',
    '</script>', '<table>', '<br>', "<meta charset='", '<!--', '&#x0;', '&',
    '<script type="application/ld+json">{"articleBody": "', "<p class='Normal'>",
    '<meta name="its_publication" content="9', 'Thứ hai, 31/2/2019, 25:61 (GMT+99)', "<span class='date'>",
    '\x00', '�', 'Tướng Haftar ',
])


HOSTS = st.sampled_from([None, "https://news.example.com/a", *(f"https://{h}/a.html" for h in layouts.LAYOUTS)])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(TAGS, st.text(max_size=20)), max_size=60), HOSTS)
def test_tag_soup_gives_a_page_or_a_parse_error(parts: list[str], url: str | None) -> None:
    data = "".join(parts).encode("utf-8", "surrogatepass")
    try:
        extract(data, url=url)
    except ParseError:
        pass
    parse_listing(data, url=url or "https://vnexpress.net/")


def test_huge_and_deep_pages_are_capped() -> None:
    deep = b"<div>" * 900 + BODY.encode() + b"</div>" * 900
    assert extract(deep, url="https://x.example/a").paragraphs == SYNTHETIC.paragraphs
    deeper = b"<div><ul><li>" * 100_000 + BODY.encode()  # lexbor would take minutes on this
    with pytest.raises(ParseError, match="nest more than 1000 deep"):
        extract(deeper, url="https://x.example/a")
    with pytest.raises(ParseError, match="nest more than 1000 deep"):
        parse_listing(deeper, url="https://x.example/")
    huge = b"<html><body><article>" + BODY.encode() + b"<p>" + b"x " * 4_000_000 + b"</p>"
    page = extract(huge, url="https://x.example/a")
    assert sum(map(len, page.paragraphs)) < htmldoc.MAX_PAGE_BYTES


# --------------------------------------------------------------------------- listing pages


@pytest.mark.parametrize(("name", "count"), [("vnexpress_homepage_saved_2022.html", 57),
                                             ("vnexpress_homepage_saved_2024.html", 58)])
def test_listing_from_the_saved_home_pages(name: str, count: int) -> None:
    html = shared_path("corpus", "pages", name).read_bytes()
    feed = parse_listing(html, url="https://vnexpress.net/")
    assert feed.warnings == ()
    assert len(feed.entries) == count
    links = [e.link for e in feed.entries]
    assert len(set(links)) == len(links)
    assert all(link and re.fullmatch(r"https://[a-z.]*vnexpress\.net/\S+", link) for link in links)
    assert sum(bool(re.search(r"-\d{6,}\.html$", link or "")) for link in links) >= count - 3
    assert all(len(e.title) > 10 and e.title == " ".join(e.title.split()) for e in feed.entries)


@pytest.mark.parametrize("host", sorted(layouts.LISTING_ITEMS))
def test_listing_rule_reads_its_layout(host: str) -> None:
    url, html, expected = layouts.build_listing(host)
    feed = parse_listing(html, url=url)
    assert feed.warnings == ()
    assert [(e.link, e.title) for e in feed.entries] == expected
    rule = site_rule(host)
    assert rule is not None and rule.listing is not None
    if rule.listing.time:
        assert all(e.published == datetime(2025, 4, 6, 5, 30, tzinfo=ICT) for e in feed.entries)


LISTING = ("<html><head><title>Thế giới - Báo ABC</title></head><body><ul class='news'>"
           + "".join(f"<li class='it'><a href='/the-gioi/tin-{i}.html'>Tin thế giới số {i}</a>"
                     f"<span class='t'>0{i}/04/2025 - 05:30</span></li>" for i in range(1, 6))
           + "<li class='it'><a href='javascript:void(0)'>Quảng cáo</a></li></ul></body></html>").encode()


def test_listing_with_selectors_from_the_feed_config() -> None:
    feed = parse_listing(LISTING, url="https://abc.example/the-gioi/",
                         selectors={"item": "li.it", "link": "a", "time": "span.t"})
    assert feed.title == "Thế giới" and feed.warnings == ()
    assert [e.link for e in feed.entries] == [f"https://abc.example/the-gioi/tin-{i}.html" for i in range(1, 6)]
    assert feed.entries[0].title == "Tin thế giới số 1"
    assert feed.entries[0].published == datetime(2025, 4, 1, 5, 30, tzinfo=ICT)


def test_listing_selectors_that_match_nothing_warn() -> None:
    feed = parse_listing(LISTING, url="https://abc.example/", selectors={"item": "div.gone"})
    assert feed.entries == ()
    assert feed.warnings == ("listing: item selector 'div.gone' matched nothing on https://abc.example/;"
                             " the listing selectors need updating",)
    feed = parse_listing("<html><body><p>Bảo trì</p></body></html>".encode(), url="https://vnexpress.net/")
    assert feed.entries == () and "matched nothing" in feed.warnings[0]


def test_listing_without_selectors_guesses_links_and_says_so() -> None:
    feed = parse_listing(LISTING, url="https://abc.example/the-gioi/")
    assert len(feed.entries) == 5
    assert "no listing selectors for abc.example" in feed.warnings[0]


def test_listing_config_errors() -> None:
    with pytest.raises(ConfigError, match="invalid CSS selector"):
        parse_listing(LISTING, url="https://abc.example/", selectors={"item": "li[["})
    with pytest.raises(ConfigError, match="unknown listing selector keys"):
        parse_listing(LISTING, url="https://abc.example/", selectors={"items": "li"})


# --------------------------------------------------------------------------- extract-page


def test_run_extract_page_json() -> None:
    html, url = fixture("tuoitre.vn")
    out = io.StringIO()
    pages.run_extract_page(url, html, out, as_json=True)
    data = json.loads(out.getvalue())
    assert list(data) == ["url", "title", "lead", "paragraphs", "published", "updated", "author",
                          "canonical_url", "rule", "warnings"]
    assert data["published"] == "2025-10-13T09:15:00+07:00" and data["rule"] == "tuoitre.vn"
    assert data["paragraphs"] == list(SYNTHETIC.paragraphs)


def test_run_extract_page_text_from_a_file(tmp_path: Path) -> None:
    html, url = renamed_vnexpress()
    out = io.StringIO()
    pages.run_extract_page(str(tmp_path / "saved.html"), html, out, as_json=False)
    text = out.getvalue()
    assert f"title:         {SYNTHETIC.title}\n" in text
    assert f"url:           {url}\n" in text  # from the page's canonical URL
    assert "rule:          generic\n" in text and "warning:       site rule for vnexpress.net" in text
    assert f"\n\n{SYNTHETIC.paragraphs[-1]}\n\n" in text


def test_listing_time_element_gives_its_datetime_attribute() -> None:
    html = ("<div class='story'><a class='t' href='/a-1.html'>Tin một</a>"
            "<time datetime='2026-11-28T07:30:00+07:00'>2 giờ trước</time></div>").encode()
    feed = parse_listing(html, url="https://example.vn/the-gioi",
                         selectors={"item": "div.story", "link": "a.t", "title": "a.t", "time": "time"})
    (entry,) = feed.entries
    assert entry.published is not None and entry.published.isoformat() == "2026-11-28T07:30:00+07:00"
