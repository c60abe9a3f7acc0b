"""feedparser's own entry-level tests as a conformance suite for monitor.feeds.parse_feed.

Each of the 346 cases in ../shared/conformance/feedparser/cases.json names a document, a value
(`feed.title`, `entries[0].title|link|id|summary|published`) and what feedparser reads there.

One difference of contract is translated, not skipped: our text fields are plain text, while
feedparser returns inline XHTML (`<title type="xhtml">`) as serialised markup. For those
documents feedparser's `History of the &lt;blink&gt; tag` is, as plain text, `History of the
<blink> tag`; the test compares against that plain text (and checks that the document really is
inline XHTML, so no other case can slip through this door).
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from monitor.feeds import parse_feed
from tests.conftest import SHARED, shared_path

CONFORMANCE = SHARED / "conformance" / "feedparser"


def _cases() -> list[dict[str, Any]]:
    path = CONFORMANCE / "cases.json"
    if not path.exists():
        return []
    return json.loads(path.read_text(encoding="utf-8"))


CASES = _cases()
# Without ../shared, one placeholder case makes the test skip with shared_path's clear message.
PARAMS = CASES or [{"file": "cases.json", "check": "feed.title", "expected": None, "bozo_ok": False}]


def _value(feed: Any, check: str) -> Any:
    if check == "feed.title":
        return feed.title
    assert feed.entries, "no entry read from the document"
    return getattr(feed.entries[0], check.removeprefix("entries[0]."))


def _expected(case: dict[str, Any], document: bytes) -> Any:
    expected = case["expected"]
    if case["check"].endswith(".published"):
        return datetime.fromisoformat(expected.replace("Z", "+00:00")).astimezone(UTC)
    if case["check"].endswith(".title") and re.search(rb'<title[^>]*type="xhtml"', document):
        return html.unescape(re.sub(r"<[^>]+>", "", expected))  # feedparser's markup -> our plain text
    return expected


def test_the_suite_is_complete() -> None:
    cases_file = shared_path("conformance", "feedparser", "cases.json")
    cases = json.loads(cases_file.read_text(encoding="utf-8"))
    assert len(cases) == 346
    assert all((CONFORMANCE / c["file"]).is_file() for c in cases)


@pytest.mark.parametrize("case", PARAMS, ids=[f"{c['file']}:{c['check']}" for c in PARAMS])
def test_conformance(case: dict[str, Any]) -> None:
    document = shared_path("conformance", "feedparser", case["file"]).read_bytes()
    feed = parse_feed(document, url="http://conformance.test/feed.xml")
    got = _value(feed, case["check"])
    if case["check"].endswith(".published"):
        assert got is not None, "no publication date read"
        got = got.astimezone(UTC)
    assert got == _expected(case, document)


def test_xhtml_translation_applies_to_exactly_the_inline_xhtml_cases() -> None:
    """The plain-text translation above touches 2 cases, both `type="xhtml"` titles, nothing else."""
    shared_path("conformance", "feedparser", "cases.json")
    translated = [
        c["file"] for c in CASES
        if _expected(c, (CONFORMANCE / c["file"]).read_bytes()) != c["expected"]
        and not c["check"].endswith(".published")
    ]
    assert translated == [
        "wellformed/atom10/entry_title_inline_markup_2.xml",
        "wellformed/atom10/feed_title_inline_markup_2.xml",
    ]

