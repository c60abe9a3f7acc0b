"""The baseline: the pipeline a user would assemble in an afternoon, over the same feeds and topics.

    python bench/baseline.py '{"feeds": [...urls], "database": "...", "alert": "json://..."}'

For each feed, in turn: GET with httpx (sending back the ETag and Last-Modified it stored, so the
warm cycle gets 304s like ours), `feedparser.parse`, and for each entry not yet in the database:
the summary's HTML stripped with BeautifulSoup, one case-insensitive regex per term tried over
title + summary; for a match, the article page fetched and read with BeautifulSoup (the
paragraphs of <article>), the regexes tried again over the full text; a plain sqlite3 INSERT;
and for a match, one apprise notification to the same json:// receiver. One commit per feed.

It does less than monitor: no Vietnamese normalisation (NFC/NFD, tone placement), no ignore or
exclude phrases, no event extraction, no near-duplicate check, no outbox, no politeness or size
limits. It is the cost a user would compare us with. Runs a cold cycle (fresh database) and a
warm one (everything seen, 304s); prints one JSON line.
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import apprise
import feedparser
import httpx
from bs4 import BeautifulSoup

from bench.measure import as_dict, measured, per, phase_main

SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (url TEXT PRIMARY KEY, etag TEXT, modified TEXT);
CREATE TABLE IF NOT EXISTS articles (link TEXT PRIMARY KEY, title TEXT, summary TEXT, text TEXT,
                                     published TEXT, topics TEXT, seen REAL);
"""

Topics = list[tuple[str, list[re.Pattern[str]]]]


def compile_topics(topics: list[tuple[str, list[str], list[str]]]) -> Topics:
    """One regex per term: \\bterm\\b, case-insensitive (exact_case terms case-sensitive)."""
    return [
        (tid, [re.compile(r"\b" + re.escape(t) + r"\b", re.IGNORECASE) for t in terms]
         + [re.compile(r"\b" + re.escape(t) + r"\b") for t in exact])
        for tid, terms, exact in topics
    ]


def matching(topics: Topics, text: str) -> list[str]:
    return [tid for tid, patterns in topics if any(p.search(text) for p in patterns)]


def page_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    body = soup.find("article") or soup.body or soup
    return "\n".join(p.get_text(" ", strip=True) for p in body.find_all("p"))


class Counters:
    def __init__(self) -> None:
        self.articles = self.pages = self.alerts = self.not_modified = 0
        self.alert_cpu = 0.0


def poll(url: str, db: sqlite3.Connection, client: httpx.Client, notifier: apprise.Apprise, topics: Topics,
         c: Counters) -> None:
    row = db.execute("SELECT etag, modified FROM feeds WHERE url = ?", (url,)).fetchone()
    headers = {}
    if row and row[0]:
        headers["If-None-Match"] = row[0]
    if row and row[1]:
        headers["If-Modified-Since"] = row[1]
    response = client.get(url, headers=headers)
    if response.status_code == 304:
        c.not_modified += 1
        return
    feed = feedparser.parse(response.content)
    for e in feed.entries:
        link = e.get("link")
        if db.execute("SELECT 1 FROM articles WHERE link = ?", (link,)).fetchone():
            continue
        title = e.get("title", "")
        summary = BeautifulSoup(e.get("summary", ""), "html.parser").get_text(" ", strip=True)
        text = ""
        found = matching(topics, f"{title}\n{summary}")
        if found and link:
            text = page_text(client.get(link).text)
            c.pages += 1
            found = matching(topics, f"{title}\n{summary}\n{text}")
        db.execute("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (link, title, summary, text, e.get("published"), ",".join(found), time.time()))
        c.articles += 1
        if found:
            start = time.process_time()
            notifier.notify(title=f"[{found[0]}] {title}", body=f"{summary}\n{link}")
            c.alert_cpu += time.process_time() - start
            c.alerts += 1
    db.execute("INSERT OR REPLACE INTO feeds VALUES (?, ?, ?)",
               (url, response.headers.get("etag"), response.headers.get("last-modified")))
    db.commit()


def cycle(spec: dict[str, Any], topics: Topics) -> Counters:
    c = Counters()
    db = sqlite3.connect(spec["database"])
    db.executescript(SCHEMA)
    notifier = apprise.Apprise()
    notifier.add(spec["alert"])
    with httpx.Client(timeout=30) as client:
        for url in spec["feeds"]:
            poll(url, db, client, notifier, topics, c)
    db.close()
    return c


def run(spec: dict[str, Any]) -> dict[str, Any]:
    topics = compile_topics(spec["topics"])
    Path(spec["database"]).unlink(missing_ok=True)
    out: dict[str, Any] = {}
    with measured() as m:
        c = cycle(spec, topics)
    out["cold"] = {**as_dict(m), "feeds": len(spec["feeds"]), "articles": c.articles, "pages_fetched": c.pages,
                   "alerts_sent": c.alerts, "alert_cpu_s": round(c.alert_cpu, 4),
                   "cpu_ms_per_article": 1000 * (per(m.cpu_s, c.articles) or 0),
                   "cpu_ms_per_alert": 1000 * (per(c.alert_cpu, c.alerts) or 0)}
    with measured() as m:
        c = cycle(spec, topics)
    out["warm"] = {**as_dict(m), "feeds": len(spec["feeds"]), "not_modified": c.not_modified,
                   "cpu_ms_per_feed": 1000 * (per(m.cpu_s, len(spec["feeds"])) or 0)}
    return out


if __name__ == "__main__":
    phase_main(run)
