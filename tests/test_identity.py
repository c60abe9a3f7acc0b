"""An article is its canonical URL: the same article from several feeds is one article."""

from __future__ import annotations

import unicodedata

import pytest

from monitor.identity import article_key, canonical_url
from monitor.models import Entry


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://vnexpress.net/tuong-haftar-4882.html", "http://VnExpress.net/tuong-haftar-4882.html"),
        ("https://vnexpress.net/a-1.html?utm_source=rss&utm_medium=feed", "https://vnexpress.net/a-1.html"),
        ("https://vnexpress.net/a-1.html#box_comment", "https://vnexpress.net/a-1.html"),
        ("https://www.vietnamplus.vn/a-1.vnp", "https://vietnamplus.vn/a-1.vnp"),
        ("https://tuoitre.vn/a-1.htm?fbclid=IwAR0x&gclid=1", "https://tuoitre.vn/a-1.htm"),
        ("https://tuoitre.vn:443/a-1.htm", "https://tuoitre.vn/a-1.htm"),
        ("  https://tuoitre.vn/a-1.htm\n", "https://tuoitre.vn/a-1.htm"),
    ],
)
def test_same_article_same_identity(a: str, b: str) -> None:
    assert canonical_url(a) == canonical_url(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://vnexpress.net/a-1.html", "https://vnexpress.net/a-2.html"),
        ("https://vnexpress.net/search?q=libya", "https://vnexpress.net/search?q=haftar"),
        ("https://vnexpress.net/a.html", "https://e.vnexpress.net/a.html"),
    ],
)
def test_different_articles_stay_apart(a: str, b: str) -> None:
    assert canonical_url(a) != canonical_url(b)


def test_key_prefers_link_then_guid_then_text() -> None:
    feed = "https://baochinhphu.vn/quoc-te.rss"
    linked = Entry(id="123", link="https://baochinhphu.vn/a-1.htm?utm_campaign=x", title="T")
    assert article_key(linked, feed_url=feed) == "https://baochinhphu.vn/a-1.htm"
    guid_only = Entry(id="123", link=None, title="T")
    assert article_key(guid_only, feed_url=feed) == "guid:https://baochinhphu.vn/quoc-te.rss#123"
    assert article_key(guid_only, feed_url="https://other.vn/rss") != article_key(guid_only, feed_url=feed)
    bare = Entry(id=None, link=None, title="Tướng Haftar tiến quân", summary="Tripoli")
    nfd = Entry(id=None, link=None, title=unicodedata.normalize("NFD", bare.title), summary="Tripoli")
    assert article_key(bare, feed_url=feed).startswith("sha256:")
    assert article_key(bare, feed_url=feed) == article_key(nfd, feed_url=feed)
    assert article_key(bare, feed_url=feed) != article_key(Entry(None, None, "Khác", "Tripoli"), feed_url=feed)
