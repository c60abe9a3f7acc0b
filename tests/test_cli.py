"""The command line as users call it: parse-feed, match, extract, extract-page, notify-test."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli
from tests.conftest import FIXTURES, shared_path
from tests.server import LocalServer, Response

ROOT = Path(__file__).resolve().parent.parent


def invoke(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.output


def test_parse_feed_json_one_line_per_source_with_plain_summaries_and_offsets() -> None:
    vne = shared_path("corpus", "feeds", "vnexpress_tin-moi-nhat_2019-02-14.xml")
    code, out = invoke("parse-feed", "--json", str(vne), str(FIXTURES / "feeds" / "tuoitre_the-gioi_gmt7.rss"),
                       "/nonexistent/feed.rss")
    assert code == 1  # one source failed
    first, second, third = (json.loads(line) for line in out.splitlines())
    assert first["source"] == str(vne) and first["error"] is None
    assert first["feed"] == {"title": "Tin mới nhất - VnExpress RSS", "link": "https://vnexpress.net/rss/tin-moi-nhat.rss"}
    assert len(first["entries"]) == 25
    entry = first["entries"][0]
    assert set(entry) == {"id", "link", "title", "summary", "published"}
    assert "<" not in entry["summary"] and entry["summary"].startswith("Cong Tri")  # plain text, no <img>
    assert datetime.fromisoformat(entry["published"]).utcoffset().total_seconds() == 7 * 3600
    assert all(datetime.fromisoformat(e["published"]).utcoffset().total_seconds() == 7 * 3600 for e in second["entries"])
    assert third["entries"] == [] and "cannot read /nonexistent/feed.rss" in third["error"]


def test_parse_feed_reads_a_url(http_server: LocalServer) -> None:
    http_server.routes["/f.rss"] = Response((FIXTURES / "feeds" / "dantri_the-gioi_bom.rss").read_bytes())
    code, out = invoke("parse-feed", "--json", http_server.url("/f.rss"))
    record = json.loads(out)
    assert code == 0 and record["error"] is None and record["entries"]  # the UTF-8 BOM is no obstacle
    assert record["source"] == http_server.url("/f.rss")


def test_match_command_reads_jsonl_and_reports_bad_lines(tmp_path: Path) -> None:
    lines = [
        {"id": "a", "title": "Tướng Haftar tiến vào Tripoli", "summary": "", "text": "", "published": None},
        {"id": "b", "title": "Biểu tình ở Tripoli, Li-băng", "summary": "", "text": "", "published": None},
    ]
    data = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\nnot json\n"
    code, out = invoke("match", "--config", str(ROOT / "config" / "monitor.toml"), "-", input=data)
    assert code == 0
    rows = [json.loads(x) for x in out.splitlines() if x.startswith("{")]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert rows[0]["topics"] == ["libya"] and rows[1]["topics"] == []
    hits = rows[0]["hits"]["libya"]
    assert {h["term"] for h in hits} == {"Haftar", "Tripoli"}
    assert all(lines[0]["title"][h["start"]:h["end"]] == h["term"] for h in hits)  # offsets into the input
    assert "line 3" in out and "1 malformed input lines skipped" in out


def test_match_explain_says_what_was_masked() -> None:
    data = json.dumps({"id": "b", "title": "Biểu tình ở Tripoli, Li-băng", "summary": "", "text": ""}, ensure_ascii=False)
    code, out = invoke("match", "--explain", "--config", str(ROOT / "config" / "monitor.toml"), "-", input=data)
    assert code == 0 and "Tripoli, Li-băng" in out and "libya" in out


def test_extract_command_on_the_seed_article() -> None:
    seed = shared_path("seed", "libya-haftar-2019.txt").read_text(encoding="utf-8")
    line = json.dumps({"id": "seed", "title": "", "summary": "", "text": seed, "published": "2019-04-07T08:00:00+07:00"},
                      ensure_ascii=False)
    code, out = invoke("extract", "--json", "-", input=line)
    assert code == 0
    events = json.loads(out.splitlines()[0])["events"]
    assert any(e["type"] == "capture" and e["date"] == "2019-04-06" for e in events)
    assert any(e["killed"] == 14 for e in events)
    code, table = invoke("extract", "-", input=line)
    assert code == 0 and "2019-04-06" in table


def test_extract_page_on_a_real_vnexpress_page() -> None:
    page = shared_path("corpus", "pages", "vnexpress_article_2019-02-18.html")
    code, out = invoke("extract-page", "--json", str(page))
    assert code == 0, out
    doc = json.loads(out)
    assert doc["paragraphs"] and doc["published"].endswith("+07:00") and doc["rule"]


def test_notify_test_reports_each_service(tmp_path: Path, http_server: LocalServer) -> None:
    config = tmp_path / "m.toml"
    config.write_text(
        '[monitor]\ndatabase = "m.db"\n'
        f'[[alert]]\nname = "chat"\nurls = ["json://127.0.0.1:{http_server.port}/hook", "json://127.0.0.1:1/down"]\n',
        encoding="utf-8",
    )
    code, out = invoke("notify-test", "--config", str(config))
    assert code == 1
    ok, failed = out.strip().splitlines()
    assert ok.startswith("chat: json://127.0.0.1:") and ok.endswith(": ok")
    assert "FAILED" in failed
    assert len(http_server.posts) == 1
    code, out = invoke("notify-test", "--config", str(config), "--target", "nope")
    assert code == 2 and "no [[alert]] named 'nope'" in out


def test_outbox_on_an_empty_database(tmp_path: Path) -> None:
    config = tmp_path / "m.toml"
    config.write_text('[monitor]\ndatabase = "m.db"\n', encoding="utf-8")
    code, out = invoke("outbox", "--config", str(config))
    assert code == 0 and "every alert was delivered" in out
    code, out = invoke("outbox", "--config", str(config), "retry")
    assert code == 0 and "0 alerts requeued" in out


def test_outbox_says_why_an_alert_waits(tmp_path: Path, http_server: LocalServer) -> None:
    from tests.test_end_to_end import HAFTAR, NOW, rfc822, rss

    http_server.routes["/feed.rss"] = rss([{**HAFTAR, "when": rfc822(NOW)}])
    config = tmp_path / "m.toml"
    config.write_text(
        f'[monitor]\ndatabase = "m.db"\n[[feed]]\nname = "F"\nurl = "{http_server.url("/feed.rss")}"\n'
        'fetch_articles = "none"\n[[topic]]\nid = "libya"\nname = "Libya"\nterms = ["Haftar"]\n'
        f'[[alert]]\nname = "morning"\nurls = ["json://127.0.0.1:{http_server.port}/hook"]\nmode = "digest"\nevery = "1d"\n',
        encoding="utf-8",
    )
    assert invoke("once", "--config", str(config))[0] == 0
    assert http_server.posts == []  # nothing yet: it waits for the digest
    code, out = invoke("outbox", "--config", str(config))
    assert code == 0 and "pending" in out and "waiting for the next digest (digest mode)" in out
