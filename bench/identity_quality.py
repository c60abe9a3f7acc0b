"""Duplicate alerts and wrong merges: cross-article identity measured against people's grouping.

    .venv/bin/python bench/identity_quality.py [--errors]

Tuổi Trẻ's 196 world-news articles and 353 law and news-section articles of the corpus (Nov
2024) go through the real pipeline in publication order: `extract_events`, then `planner.plan`
(the daemon's known-or-new decision, `dedup.same_event` against each stored event's merged
state). Every event it stores is one alert. `tests/data/identity_groups.jsonl` says, for each
event extracted when it was made (keyed by article, type and evidence sentence), which
real-world happening it reports and whether it reports one at all. People grouped the events
blind: two grouped the 236 world events and agreed at pairwise F1 0.99; one grouped the 172
domestic ones.

Scored over real events, by happening and type (the identity rule never joins two types):
- duplicate alerts: a happening alerted more than once (a wrong "new");
- wrong merges: a happening hidden inside another's event (a wrong "known": a silenced alert);
- pairwise precision and recall of "same event" over pairs of one type.
Events the labels do not know (the extractor changed since) are counted and left out.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections import defaultdict
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.events import extract_events  # noqa: E402
from monitor.models import Article, Hit, Match  # noqa: E402
from monitor.planner import plan  # noqa: E402
from tests.conftest import shared_path  # noqa: E402

LABELS = ROOT / "tests" / "data" / "identity_groups.jsonl"
SECTIONS = {"Thế giới": "world", "Pháp luật": "domestic", "Thời sự": "domestic"}


def run() -> tuple[list[dict], int]:
    """Each extracted news event with its stored event (uid) and its label, in publication order."""
    labels = {(r["article"], r["type"], r["evidence"]): r for r in map(json.loads, LABELS.read_text("utf-8").splitlines())}
    rows = [json.loads(line) for line in shared_path("corpus", "articles", "tuoitre-2024.jsonl").open(encoding="utf-8")]
    rows = sorted((r for r in rows if r["category"] in SECTIONS), key=lambda r: r["date"])
    section = {r["postId"]: SECTIONS[r["category"]] for r in rows}
    items = []
    for r in rows:
        published = datetime.fromisoformat(r["date"])
        article = Article(r["postId"], None, r["title"], r["description"], "tuoitre", published, r["content"])
        events = extract_events(title=article.title, summary=article.summary, text=article.text, published=published)
        items.append((article, [Match("world", (Hit("x", "title", 0, 1),))], events))
    result = plan(items, lookup=lambda keys: [], near_candidates=lambda fp: [], alertable=lambda a: True)
    mentions = iter(result.mentions)  # one per extracted event, in order
    out, unknown = [], 0
    for article, _, events in items:
        for ev in events:
            uid, _ = next(mentions)
            if ev.background:
                continue
            label = labels.get((article.key, ev.type, ev.evidence))
            if label is None:
                unknown += 1
                continue
            out.append({**label, "uid": uid, "date": ev.date, "published": article.published, "section": section[article.key]})
    return out, unknown


def score(events: list[dict], unknown: int, name: str) -> tuple[list[dict], dict, dict]:
    real = [e for e in events if e["real"]]
    alerts = {e["uid"] for e in real}
    by_unit: dict[tuple[str, str], set[str]] = defaultdict(set)
    by_uid: dict[str, set[str]] = defaultdict(set)
    for e in real:
        by_unit[(e["group"], e["type"])].add(e["uid"])
        by_uid[e["uid"]].add(e["group"])
    dups = sum(len(u) - 1 for u in by_unit.values())
    wrong = sum(len(g) - 1 for g in by_uid.values())
    # alerts are per article: a happening split into two events of one article is one alert listing both
    first = {}
    for e in real:
        first.setdefault(e["uid"], e["article"])
    by_articles: dict[tuple[str, str], set[str]] = defaultdict(set)
    for e in real:
        by_articles[(e["group"], e["type"])].add(first[e["uid"]])
    repeats = sum(len(a) - 1 for a in by_articles.values())
    tp = fp = fn = 0
    for a, b in itertools.combinations(real, 2):
        if a["type"] != b["type"]:
            continue
        same, gold = a["uid"] == b["uid"], a["group"] == b["group"]
        tp, fp, fn = tp + (same and gold), fp + (same and not gold), fn + (gold and not same)
    print(f"{name}: {len(events)} labelled news events ({len(real)} real; {unknown} the labels do not know), "
          f"{len(by_unit)} happenings by type, {len(alerts)} events stored: {dups} repeat a happening "
          f"({repeats} in another article's alert, {dups - repeats} in the same alert), wrong merges {wrong}; "
          f"same-event pairs precision "
          f"{tp / max(1, tp + fp):.2f} recall {tp / max(1, tp + fn):.2f} (right {tp}, wrong {fp}, missed {fn})")  # fmt: skip
    return real, by_unit, by_uid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="print each happening alerted twice and each wrong merge")
    args = parser.parse_args()
    events, unknown = run()
    for name in ("world", "domestic"):
        score([e for e in events if e["section"] == name], 0, name)
    real, by_unit, by_uid = score(events, unknown, "all")
    if not args.errors:
        return
    for (group, type_), uids in sorted(by_unit.items()):
        if len(uids) > 1:
            print(f"\n== {group} {type_}: alerted {len(uids)} times")
            for e in (e for e in real if (e["group"], e["type"]) == (group, type_)):
                print(f"   {e['uid'][:6]} {e['published']:%m-%d} date={e['date']}  «{e['evidence'][:100]}»")
    for uid, groups in by_uid.items():
        if len(groups) > 1:
            print(f"\n== one event, {len(groups)} happenings: {sorted(groups)}")
            for e in (e for e in real if e["uid"] == uid):
                print(f"   {e['group']} {e['published']:%m-%d} date={e['date']}  «{e['evidence'][:100]}»")


if __name__ == "__main__":
    main()
