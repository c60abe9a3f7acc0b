"""monitor.feeds: the recorded Vietnamese feeds, one synthetic fixture per quirk, hostile input, fuzzing."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.errors import ParseError
from monitor.feeds import MAX_SUMMARY, MAX_TITLE, NotAFeed, parse_feed, parse_sitemap
from monitor.models import ParsedFeed
from tests.conftest import FIXTURES, shared_path

FEEDS = FIXTURES / "feeds"
ICT_OFFSET = timezone(timedelta(hours=7))


def fixture(name: str, **kwargs: str) -> ParsedFeed:
    return parse_feed((FEEDS / name).read_bytes(), **kwargs)


def corpus(name: str) -> ParsedFeed:
    return parse_feed(shared_path("corpus", "feeds", name).read_bytes(), url="https://vnexpress.net/rss/x.rss")


def ict(*args: int) -> datetime:
    return datetime(*args, tzinfo=ICT_OFFSET)


def all_text(feed: ParsedFeed) -> str:
    parts = [feed.title, feed.link or "", *feed.warnings]
    for e in feed.entries:
        parts += [e.id or "", e.link or "", e.title, e.summary, e.content]
    return "\n".join(parts)


# --------------------------------------------------------------------------- the recorded corpus

VNEXPRESS = [
    ("vnexpress_tin-moi-nhat_2019-02-14.xml",
     "Vietnam designer’s collection at New York Fashion Week garners global attention",
     "https://e.vnexpress.net/news/life/style/vietnam-designer-s-collection-at-new-york-fashion-week-garners-global-attention-3880956.html",
     ict(2019, 2, 14, 13, 34, 15)),
    ("vnexpress_tin-moi-nhat_2019-02-18.xml",
     "Ngộ độc rượu, bệnh nhân thấy ảo giác 'bị ma quỷ truy đuổi'",
     "https://vnexpress.net/suc-khoe/ngo-doc-ruou-benh-nhan-thay-ao-giac-bi-ma-quy-truy-duoi-3882905.html",
     ict(2019, 2, 18, 20, 35, 51)),
    ("vnexpress_tin-moi-nhat_2017-04-19.xml",
     "Ủy ban Tài chính: Chi 65 tỷ đồng mua quà tặng thành lập tỉnh là quá lãng phí",
     "http://vnexpress.net/tin-tuc/thoi-su/uy-ban-tai-chinh-chi-65-ty-dong-mua-qua-tang-thanh-lap-tinh-la-qua-lang-phi-3572838.html",
     ict(2017, 4, 19, 19, 45, 55)),
    ("vnexpress_tin-moi-nhat_2017-07-26.xml",
     "Một tuần Hà Nội có 1.400 người bệnh sốt xuất huyết vào viện",
     "http://suckhoe.vnexpress.net/tin-tuc/suc-khoe/mot-tuan-ha-noi-co-1-400-nguoi-benh-sot-xuat-huyet-vao-vien-3618863.html",
     ict(2017, 7, 26, 19, 41, 14)),
    ("vnexpress_tin-moi-nhat_2017-08-30.xml",
     "Bể bơi dát vàng trong biệt thự nơi tổng thống Putin nghỉ dưỡng",
     "http://dulich.vnexpress.net/tin-tuc/anh-video/be-boi-dat-vang-trong-biet-thu-noi-tong-thong-putin-nghi-duong-3634646.html",
     ict(2017, 8, 30, 20, 3, 0)),
    ("vnexpress_tin-moi-nhat_2017-11-14_chromeview_MALFORMED.xml",
     "Con hẻm trăm tuổi ở Sài Gòn nhiều lần lên phim TVB 4",
     "https://dulich.vnexpress.net/tin-tuc/test-folder/con-hem-tram-tuoi-o-sai-gon-nhieu-lan-len-phim-tvb-4-3670446.html",
     ict(2017, 11, 14, 17, 42, 1)),
]


@pytest.mark.parametrize(("name", "title", "link", "published"), VNEXPRESS, ids=[v[0] for v in VNEXPRESS])
def test_vnexpress_feeds_read_completely(name: str, title: str, link: str, published: datetime) -> None:
    feed = corpus(name)
    assert feed.title == "Tin mới nhất - VnExpress RSS"
    assert len(feed.entries) == 25
    first = feed.entries[0]
    assert (first.title, first.link, first.id) == (title, link, link)
    assert first.published == published
    assert first.published.utcoffset() == timedelta(hours=7)
    dated = [e for e in feed.entries if e.published is not None]
    assert all(e.published.utcoffset() == timedelta(hours=7) for e in dated)
    for e in feed.entries:  # summaries are plain text: the <a><img></a></br> prefix is gone
        assert "<" not in e.summary and "img" not in e.summary and "vnecdn" not in e.summary
        assert e.link is None or (e.link.startswith("http") and e.link == e.link.strip() and "\n" not in e.link)


def test_vnexpress_summary_is_the_text_after_the_image() -> None:
    first = corpus("vnexpress_tin-moi-nhat_2017-07-26.xml").entries[0]
    assert first.summary == (
        "Từ ngày 17-23/7, Hà Nội ghi nhận 1.400 ca sốt xuất huyết, hai người tử vong do kèm bệnh lý "
        "tiểu đường, tăng huyết áp."
    )


def test_two_2019_feeds_share_no_item() -> None:
    a = {e.id for e in corpus("vnexpress_tin-moi-nhat_2019-02-14.xml").entries}
    b = {e.id for e in corpus("vnexpress_tin-moi-nhat_2019-02-18.xml").entries}
    assert len(a) == len(b) == 25 and not a & b


def test_malformed_chrome_copy_finds_all_25_items_and_says_so() -> None:
    feed = corpus("vnexpress_tin-moi-nhat_2017-11-14_chromeview_MALFORMED.xml")
    assert len(feed.entries) == 25
    assert "junk before root element skipped" in feed.warnings
    assert feed.entries[-1].title == "Dương Hoàng Yến và Hà Anh hát trên phố đi bộ Nguyễn Huệ"


def test_bare_ampersand_in_enclosure_keeps_the_item() -> None:
    feed = corpus("vnexpress_the-gioi_2025-02-06_excerpt.xml")
    assert feed.title == "Thế giới - VnExpress RSS"
    [entry] = feed.entries
    assert entry.title == "Israel nối gót Mỹ rời Hội đồng Nhân quyền LHQ"
    assert entry.published == ict(2025, 2, 6, 20, 30, 48)
    assert any(w.startswith("bare & repaired") for w in feed.warnings)


def test_thanhnien_fragment_cdata_entities_and_two_digit_year() -> None:
    [entry] = corpus("thanhnien_item_fragment_2024-01-27.xml").entries
    assert entry.title == "Đầu năm 2024 đã có 5.000 nhân viên ngành game mất việc"
    assert entry.published == ict(2024, 1, 27, 14, 15)
    assert entry.link == "https://thanhnien.vn/dau-nam-2024-da-co-5000-nhan-vien-nganh-game-mat-viec-185240127092524316.htm"
    assert entry.summary.startswith("Làn sóng sa thải trong ngành game")


def test_dantri_fragment_broken_html_and_undeclared_dc_prefix() -> None:
    feed = corpus("dantri_item_fragment_2024-01-27.xml")
    [entry] = feed.entries
    assert entry.title == "Pixel 8a lộ diện dù chưa ra mắt"
    assert entry.summary.startswith("(Dân trí) - Mới đây, trên một hội nhóm Facebook")
    assert entry.published == ict(2024, 1, 27, 13, 46, 59)
    assert "<item> fragment without a channel, wrapped" in feed.warnings


# --------------------------------------------------------------------------- outlets' quirks (synthetic fixtures)


def test_tuoitre_gmt_plus_7_dates() -> None:
    feed = fixture("tuoitre_the-gioi_gmt7.rss")
    assert feed.ttl == 10
    first, second = feed.entries
    assert first.published == ict(2025, 7, 16, 9, 30)
    assert second.published == ict(2025, 7, 15, 20, 15)
    assert first.link == "https://tuoitre.vn/tuong-haftar-gap-tong-thong-nga-tai-moskva-20250716093000123.htm"
    assert first.summary.startswith("TTO - Chỉ huy Quân đội quốc gia Libya (LNA)")
    assert second.id is None and second.link  # no guid: the link still identifies it


def test_tuoitre_mismatched_date_tags_keep_both_items() -> None:
    data = (
        "<rss><channel><title>Tuổi Trẻ</title><lastBuildDate>Wed, 16 Jul 2025 10:00:00 GMT+7</pubDate>"
        "<item><title>Một</title><pubDate>Wed, 16 Jul 2025 09:30:00 GMT+7</lastBuildDate>"
        "<link>https://tuoitre.vn/mot.htm</link></item>"
        "<item><title>Hai</title><link>https://tuoitre.vn/hai.htm</link>"
        "<pubDate>Wed, 16 Jul 2025 08:30:00 GMT+7</pubDate></item></channel></rss>"
    ).encode()
    feed = parse_feed(data)
    assert [(e.title, e.link, e.published) for e in feed.entries] == [
        ("Một", "https://tuoitre.vn/mot.htm", ict(2025, 7, 16, 9, 30)),
        ("Hai", "https://tuoitre.vn/hai.htm", ict(2025, 7, 16, 8, 30)),
    ]


def test_dantri_utf8_bom() -> None:
    feed = fixture("dantri_the-gioi_bom.rss")
    assert feed.title == "Thế giới - Dân trí"
    assert feed.entries[0].summary == "(Dân trí) - Liên Hợp Quốc kêu gọi các bên ở Libya ngừng bắn ngay lập tức."


@pytest.mark.parametrize("name", ["vietnambiz_quoc-te_utf16_bom.rss", "vietnambiz_quoc-te_utf16le_nobom.rss"])
def test_vietnambiz_utf16(name: str) -> None:
    feed = fixture(name)
    assert feed.title == "Quốc tế - Vietnambiz"
    assert feed.entries[0].title == "Giá dầu tăng sau căng thẳng ở Libya"
    assert feed.entries[0].published == ict(2024, 1, 27, 10)


def test_utf16_big_endian_without_bom() -> None:
    text = (FEEDS / "vietnambiz_quoc-te_utf16_bom.rss").read_bytes().decode("utf-16")
    feed = parse_feed(text.encode("utf-16-be"))
    assert feed.entries[0].title == "Giá dầu tăng sau căng thẳng ở Libya"
    assert "UTF-16-BE without byte order mark" in feed.warnings


def test_baochinhphu_items_without_dates_are_kept() -> None:
    feed = fixture("baochinhphu_quoc-te_nodate.rss")
    assert [e.title for e in feed.entries] == ["Thủ tướng tiếp Đại sứ Libya", "Việt Nam và Ai Cập thúc đẩy hợp tác"]
    assert all(e.published is None and e.link for e in feed.entries)


def test_valid_but_empty_channel_is_a_feed_with_no_entries() -> None:
    feed = fixture("baodautu_quoc-te_empty.rss")
    assert feed.title == "Quốc tế - Báo Đầu tư"
    assert feed.entries == ()
    assert feed.warnings == ()


def test_vietnamnet_sized_feed_of_1000_items() -> None:
    items = "".join(
        f"<item><title>Tin thế giới số {i}: Libya và Haftar</title>"
        f"<link>https://vietnamnet.vn/the-gioi/tin-{i}-{2290000 + i}.html</link>"
        f"<guid>https://vietnamnet.vn/the-gioi/tin-{i}-{2290000 + i}.html</guid>"
        f"<description><![CDATA[<img src='https://static.vnncdn.net/{i}.jpg'/>Tóm tắt bài {i}.]]></description>"
        f"<pubDate>Sun, 06 Apr 2025 {i % 24:02d}:{i % 60:02d}:00 +0700</pubDate></item>"
        for i in range(1000)
    )
    data = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Thế giới - VietNamNet</title>{items}</channel></rss>'
    feed = parse_feed(data.encode())
    assert len(feed.entries) == 1000
    assert len({e.id for e in feed.entries}) == 1000
    last = feed.entries[-1]
    assert last.title == "Tin thế giới số 999: Libya và Haftar"
    assert last.summary == "Tóm tắt bài 999."
    assert last.published == ict(2025, 4, 6, 999 % 24, 999 % 60)


def test_thanhnien_entities_inside_cdata_title_are_decoded() -> None:
    entry = fixture("thanhnien_cdata_entities.rss").entries[0]
    assert entry.title == 'Ngôi sao & "ngài" Haftar'
    assert entry.summary == "Tình hình Libya còn căng thẳng."
    assert entry.link == "https://thanhnien.vn/ngoi-sao-va-ngai-haftar-185240127.htm"  # newlines around it gone


def test_bare_ampersands_repaired_without_losing_items() -> None:
    feed = fixture("vnexpress_bare_amp.rss")
    assert [e.title for e in feed.entries] == ["Mỹ & Nga đàm phán về Libya", "Hội đồng Bảo an họp khẩn"]
    assert feed.entries[0].summary == "Ngoại trưởng hai nước thảo luận về lệnh ngừng bắn & viện trợ."
    assert feed.entries[1].link == "https://vnexpress.net/hoi-dong-bao-an-hop-khan-4846601.html?utm_source=rss&utm_medium=feed"
    assert "bare & repaired (8x)" in feed.warnings


def test_junk_full_of_angle_brackets_and_comments_before_root() -> None:
    data = b"<<< >> <3 " * 50_000 + b"<!-- <rss> -->" * 1000 + b"<rss><channel><title>Tin</title></channel></rss>"
    feed = parse_feed(data)
    assert feed.title == "Tin"
    assert "junk before root element skipped" in feed.warnings


def test_php_warning_markup_before_the_feed() -> None:
    data = (
        "<br />\n<b>Warning</b>:  mysql_connect(): Too many connections in <b>/var/www/rss.php</b> on line "
        '<b>12</b><br />\n<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin</title>'
        "<item><title>Hà Nội</title></item></channel></rss>"
    ).encode()
    feed = parse_feed(data)
    assert [e.title for e in feed.entries] == ["Hà Nội"]
    assert "junk before root element skipped" in feed.warnings


def test_junk_before_root() -> None:
    feed = fixture("junk_before_root.rss")
    assert [e.title for e in feed.entries] == ["Bão số 3 đổ bộ vào Quảng Ninh", "Hà Nội mưa lớn"]
    assert "junk before root element skipped" in feed.warnings


def test_declared_latin1_but_utf8_bytes_reads_vietnamese_right() -> None:
    feed = fixture("lying_encoding_latin1.rss")
    assert feed.title == "Thời sự - Người Lao Động"
    assert feed.entries[0].title == "Đồng bằng sông Cửu Long hạn mặn"
    assert "declared encoding iso8859-1 but bytes are UTF-8" in feed.warnings


# --------------------------------------------------------------------------- encodings and HTTP charset

VI_FEED = (
    '<?xml version="1.0" encoding="{enc}"?><rss version="2.0"><channel><title>{title}</title>'
    "<item><title>{title}</title></item></channel></rss>"
)


def test_http_charset_wins_over_the_declaration() -> None:
    data = VI_FEED.format(enc="iso-8859-1", title="Москва").encode("cp1251")
    assert parse_feed(data, content_type="application/rss+xml; charset=windows-1251").title == "Москва"


def test_http_latin1_does_not_garble_utf8_vietnamese() -> None:
    data = VI_FEED.format(enc="utf-8", title="Biển Đông").encode()
    assert parse_feed(data, content_type="text/xml; charset=ISO-8859-1").title == "Biển Đông"


@pytest.mark.parametrize("ctype", ["text/xml; charset=", "text/xml; charset=\"\"", "text/xml; charset=bogus-42", "text/xml"])
def test_empty_or_unknown_http_charset_is_ignored(ctype: str) -> None:
    data = VI_FEED.format(enc="utf-8", title="Hòa bình ở Tripoli").encode()
    assert parse_feed(data, content_type=ctype).title == "Hòa bình ở Tripoli"


def test_cp1252_bytes_without_declaration() -> None:
    data = b'<rss><channel><title>Libya\x92s \x93oil\x94 \x80</title></channel></rss>'
    assert parse_feed(data).title == "Libya’s “oil” €"


def test_declared_legacy_encoding_is_used_when_bytes_are_not_utf8() -> None:
    title = unicodedata.normalize("NFD", "Hoa Kỳ")  # cp1258 writes tone marks as combining characters
    data = VI_FEED.format(enc="windows-1258", title=title).encode("cp1258", errors="strict")
    assert parse_feed(data).title == title


# --------------------------------------------------------------------------- formats


def test_atom_links_dates_and_text_constructs() -> None:
    feed = fixture("atom_vi.xml")
    assert feed.title == "Thế giới <24h>"  # type="html" holding an escaped &lt;: one decoding, no more
    assert feed.link == "https://baoquocte.vn/"  # rel=alternate, not rel=self
    first, second = feed.entries
    assert first.link == "https://baoquocte.vn/the-gioi/libya-ai-cap-ky-thoa-thuan-250001.html"  # xml:base
    assert first.id == "tag:baoquocte.vn,2024:250001"
    assert first.title == "Libya & Ai Cập ký thỏa thuận"
    assert first.summary == "Hai nước ký thỏa thuận về an ninh biên giới."
    assert first.content == "Đoạn một.\nĐoạn hai <không phải thẻ>."
    assert first.published == ict(2024, 1, 27, 8)  # published wins over updated
    assert second.published == datetime(2024, 1, 26, 7, 30, tzinfo=UTC)  # only updated: use it


def test_rss_1_0_rdf() -> None:
    feed = fixture("rdf_vi.rdf")
    assert feed.title == "Thế giới - Nhân Dân"
    [entry] = feed.entries
    assert entry.id == "https://nhandan.vn/bai-1.html"  # rdf:about
    assert entry.title == "Hội nghị hòa bình về Libya tại Berlin"
    assert entry.published == datetime(2020, 1, 19, 17, 0, tzinfo=UTC)  # dc:date with +01:00


def test_google_news_sitemap() -> None:
    data = (FEEDS / "sitemap_news_vi.xml").read_bytes()
    feed = parse_sitemap(data, url="https://vietnamnet.vn/sitemap-news.xml")
    first, second = feed.entries
    assert (first.id, first.link) == ("https://vietnamnet.vn/tuong-haftar-tham-moskva-2290001.html",) * 2
    assert first.title == "Tướng Haftar thăm Moskva"
    assert first.published == ict(2025, 4, 6, 5, 30)
    assert second.link == "https://vietnamnet.vn/the-gioi/nga-libya-2290002.html"  # relative <loc> resolved
    assert second.title == "Nga & Libya"
    assert second.published == ict(2025, 4, 6)  # date only: midnight in Vietnam
    assert parse_feed(data, url="https://vietnamnet.vn/sitemap-news.xml").entries == feed.entries


def test_parse_sitemap_refuses_an_rss_feed() -> None:
    with pytest.raises(NotAFeed, match="not a news sitemap"):
        parse_sitemap((FEEDS / "tuoitre_the-gioi_gmt7.rss").read_bytes())


def test_guid_rules_and_relative_links() -> None:
    data = (
        b'<rss version="2.0"><channel><link>https://vnexpress.net/</link>'
        b'<item><guid isPermaLink="false">4846612</guid></item>'
        b"<item><guid>https://vnexpress.net/a-1.html</guid></item>"
        b"<item><link>/the-gioi/b-2.html</link><guid>https://vnexpress.net/ignored.html</guid></item>"
        b"<item><link>javascript:alert(1)</link></item>"
        b"</channel></rss>"
    )
    a, b, c, d = parse_feed(data, url="https://vnexpress.net/rss/the-gioi.rss").entries
    assert (a.id, a.link) == ("4846612", None)
    assert (b.id, b.link) == ("https://vnexpress.net/a-1.html", "https://vnexpress.net/a-1.html")
    assert c.link == "https://vnexpress.net/the-gioi/b-2.html"
    assert d.link is None  # only http(s) links ever leave the parser


def test_undeclared_prefixes_still_mean_their_usual_namespaces() -> None:
    data = (
        "<rss><channel><item><title>Tin</title><dc:date>2024-01-27T14:15:00+07:00</dc:date>"
        "<content:encoded><![CDATA[<p>Toàn văn.</p>]]></content:encoded></item></channel></rss>"
    ).encode()
    [entry] = parse_feed(data).entries
    assert entry.published == ict(2024, 1, 27, 14, 15)
    assert entry.content == "Toàn văn."


def test_content_encoded_is_plain_text_and_feeds_the_summary_when_missing() -> None:
    data = (
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><item>'
        "<title>Bài dài</title><content:encoded><![CDATA[<p>Đoạn <b>một</b>.</p><script>alert(1)</script>"
        "<p>Đoạn hai.</p>]]></content:encoded></item></channel></rss>"
    ).encode()
    [entry] = parse_feed(data).entries
    assert entry.content == "Đoạn một.\nĐoạn hai."
    assert entry.summary == "Đoạn một. Đoạn hai."


# --------------------------------------------------------------------------- hostile input


def test_doctype_entity_bomb_is_never_expanded() -> None:
    feed = fixture("doctype_entity_bomb.rss")
    assert feed.title == "Bom thực thể &lol9;"
    assert feed.entries[0].title == "Tin thật vẫn đọc được &lol9;"
    assert "lollol" not in all_text(feed)
    assert len(all_text(feed)) < 1000
    assert "DOCTYPE removed (entities in it are never expanded)" in feed.warnings


def test_external_entity_never_reads_local_files() -> None:
    feed = fixture("xxe_file_passwd.rss")
    text = all_text(feed)
    assert "root:" not in text and "/bin/" not in text
    assert feed.entries[0].summary == "Nội dung &xxe; hết."
    passwd = Path("/etc/passwd")
    if passwd.exists():
        first_line = passwd.read_text(errors="replace").splitlines()[0]
        assert first_line not in text


def test_internal_entity_declared_in_doctype_is_not_expanded() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY secret "EXPANDED">]>'
        b"<rss><channel><title>a &secret; b</title></channel></rss>"
    )
    assert parse_feed(data).title == "a &secret; b"


def test_html_page_is_not_a_feed_and_offers_its_alternates() -> None:
    with pytest.raises(NotAFeed) as info:
        fixture("vnexpress_homepage_alternate.html", url="https://vnexpress.net/")
    assert info.value.alternates == (
        "https://vnexpress.net/rss/tin-moi-nhat.rss",
        "https://vnexpress.net/rss/the-gioi.rss?a=1&b=2",
    )
    assert "HTML page" in str(info.value) and "use one as the feed URL" in str(info.value)
    assert isinstance(info.value, ParseError)


def test_real_vnexpress_homepage_is_not_a_feed() -> None:
    page = shared_path("corpus", "pages", "vnexpress_homepage_saved_2024.html").read_bytes()
    with pytest.raises(NotAFeed, match="HTML page") as info:
        parse_feed(page, url="https://vnexpress.net/", content_type="text/html; charset=utf-8")
    assert info.value.alternates == ()  # its rel=alternate links are hreflang pages, not feeds


def test_broken_html_page_still_yields_its_feed_links() -> None:
    page = b"<html><head><link rel=alternate type=application/atom+xml href=/atom.xml><body><p>x<p>y & z</div>"
    with pytest.raises(NotAFeed) as info:
        parse_feed(page, url="https://baoquocte.vn/the-gioi/")
    assert info.value.alternates == ("https://baoquocte.vn/atom.xml",)


def test_html_page_without_feed_links_says_what_to_do() -> None:
    page = "<!DOCTYPE html><html><head><title>Dân trí</title></head><body><p>Tin &nbsp;mới</body></html>"
    with pytest.raises(NotAFeed, match="advertises no RSS/Atom feed") as info:
        parse_feed(page.encode(), url="https://dantri.com.vn/")
    assert info.value.alternates == ()


def test_misuse_is_a_type_error_not_a_parse_error() -> None:
    with pytest.raises(TypeError):
        parse_feed("<rss/>")  # type: ignore[arg-type]


def test_mixed_encodings_keep_the_utf8_and_read_stray_bytes_as_cp1252() -> None:
    data = "<rss><channel><title>Hà Nội – Libya’s</title></channel></rss>".encode().replace(b"\xe2\x80\x99", b"\x92")
    feed = parse_feed(data)
    assert feed.title == "Hà Nội – Libya’s"
    assert "mixed encodings: 1 bytes that are not UTF-8 read as cp1252" in feed.warnings


def test_utf16_without_bom_after_leading_whitespace() -> None:
    data = "\n  <rss><channel><title>Hà Nội</title></channel></rss>".encode("utf-16-le")
    assert parse_feed(data).title == "Hà Nội"


def test_a_declared_codec_that_is_no_charset_is_ignored() -> None:
    data = b'<?xml version="1.0" encoding="punycode"?><rss><channel><title>caf\xe9</title></channel></rss>'
    assert parse_feed(data).title == "café"


@pytest.mark.parametrize(
    ("data", "what"),
    [
        ((FEEDS / "not_a_feed.json").read_bytes(), "JSON"),
        ((FEEDS / "logo.png").read_bytes(), "PNG"),
        (b"", "empty"),
        (b"   \r\n\t ", "empty"),
        (b"\xef\xbb\xbf", "empty"),
        (b"just some text", "no XML element"),
        (b"<note><to>Tove</to></note>", "root <note>, not an RSS/Atom feed"),
    ],
)
def test_not_a_feed(data: bytes, what: str) -> None:
    with pytest.raises(NotAFeed, match=what) as info:
        parse_feed(data, url="https://example.vn/rss")
    assert info.value.alternates == ()
    assert info.value.source == "https://example.vn/rss"


def test_control_and_bidi_override_characters_are_dropped() -> None:
    data = "<rss><channel><item><title>Tin\x07 nóng \u202egnóh\u202c \u2066x\u2069 \u200fok</title></item></channel></rss>"
    assert parse_feed(data.encode()).entries[0].title == "Tin nóng gnóh x \u200fok"


def test_nul_bytes_are_removed_and_reported() -> None:
    data = "<rss><channel><item><title>Hà\x00 Nội</title></item></channel></rss>".encode()
    feed = parse_feed(data)
    assert feed.entries[0].title == "Hà Nội"
    assert "control characters removed" in feed.warnings


def test_five_megabyte_title_is_capped() -> None:
    data = ("<rss><channel><title>" + "Tin " * 1_300_000 + "</title><item><description>"
            + "Ă" * 3_000_000 + "</description></item></channel></rss>").encode()
    feed = parse_feed(data)
    assert 0 < len(feed.title) <= MAX_TITLE
    assert 0 < len(feed.entries[0].summary) <= MAX_SUMMARY
    assert any("truncated" in w for w in feed.warnings)


def test_ten_thousand_items() -> None:
    items = "".join(f"<item><title>Tin {i}</title><link>https://e.vn/{i}</link></item>" for i in range(10_000))
    feed = parse_feed(f"<rss><channel>{items}</channel></rss>".encode())
    assert len(feed.entries) == 10_000
    assert feed.entries[9_999].link == "https://e.vn/9999"


def test_truncated_body_keeps_complete_items() -> None:
    data = (FEEDS / "tuoitre_the-gioi_gmt7.rss").read_bytes()
    feed = parse_feed(data[: data.index(b"Giao tranh")])
    assert feed.entries[0].title == "Tướng Haftar gặp Tổng thống Nga tại Moskva"
    assert feed.entries[0].published == ict(2025, 7, 16, 9, 30)
    assert any(w.startswith("not well-formed XML") for w in feed.warnings)


def test_unclosed_tags_recover_the_items() -> None:
    data = "<rss><channel><title>Tin</title><item><title>Một</item><item><title>Hai</title></item>".encode()
    assert [e.title for e in parse_feed(data).entries][-1] == "Hai"


def test_references_to_quotes_inside_attributes_do_not_break_the_item() -> None:
    data = (
        '<rss><channel><item><title>Tin &QUOT;nóng&QUOT; &#34;x&#34; &LT;b&GT;</title>'
        '<enclosure url="https://e.vn/a&#34;b&QUOT;.jpg" type="image/jpeg"/>'
        "<link>https://e.vn/a.html</link></item></channel></rss>"
    ).encode()
    [entry] = parse_feed(data).entries
    assert entry.title == 'Tin "nóng" "x"'  # &LT;b&GT; is escaped HTML in an RSS title: a tag, dropped
    assert entry.link == "https://e.vn/a.html"


def test_numeric_references_to_c1_code_points_mean_cp1252() -> None:
    data = b"<rss><channel><title>don&#146;t &#x93;x&#x94; &#0; &#xD800;</title></channel></rss>"
    assert parse_feed(data).title == "don’t “x” \ufffd"


# --------------------------------------------------------------------------- fuzzing

SEEDS = [p.read_bytes() for p in sorted(FEEDS.iterdir()) if p.suffix in (".rss", ".xml", ".rdf", ".html")]


def _parse_or_parse_error(data: bytes, **kwargs: str) -> None:
    try:
        feed = parse_feed(data, **kwargs)
    except ParseError:
        return
    assert isinstance(feed, ParsedFeed)
    for e in feed.entries:
        assert len(e.title) <= MAX_TITLE and len(e.summary) <= MAX_SUMMARY
        assert e.published is None or e.published.tzinfo is not None
        assert e.link is None or e.link.startswith(("http://", "https://"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_fuzz_random_bytes(data: bytes) -> None:
    _parse_or_parse_error(data)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SEEDS), st.data())
def test_fuzz_mutated_real_feeds(seed: bytes, data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, len(seed)))
    junk = data.draw(st.binary(max_size=40) | st.sampled_from(
        [b"&", b"<", b"]]>", b"<![CDATA[", b"\x00", b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"&#0;", b"\xff\xfe"]))
    end = data.draw(st.integers(cut, len(seed)))
    ctype = data.draw(st.sampled_from(["", "text/xml; charset=", "text/xml; charset=utf-16", "text/html; charset=koi8-r"]))
    _parse_or_parse_error(seed[:cut] + junk + seed[end:], content_type=ctype)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(SEEDS), st.integers(0, 4000), st.binary(max_size=20))
def test_fuzz_sitemap_parser(seed: bytes, cut: int, junk: bytes) -> None:
    try:
        feed = parse_sitemap(seed[:cut] + junk + seed[cut:], url="https://vietnamnet.vn/sitemap.xml")
    except ParseError:
        return
    assert all(e.link and e.link.startswith(("http://", "https://")) for e in feed.entries)


XMLISH = st.text(alphabet=st.sampled_from(list("<>/&;#x!?[]=\"' \nabcrsitemlnkfdgCDATAđĐá") + ["\u202e", "\x00"]),
                 max_size=400)


@settings(max_examples=300, deadline=None)
@given(XMLISH, st.sampled_from(["utf-8", "utf-16", "utf-16-le", "cp1252", "utf-8-sig"]))
def test_fuzz_xmlish_text(text: str, encoding: str) -> None:
    _parse_or_parse_error(("<rss><channel><item>" + text).encode(encoding, errors="replace"))
    _parse_or_parse_error(text.encode(encoding, errors="replace"))

