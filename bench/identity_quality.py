"""Duplicate alerts and wrong merges: cross-article identity measured against people's grouping.

    .venv/bin/python bench/identity_quality.py [--errors]

Tuổi Trẻ's 196 world-news articles and 353 law and news-section articles of the corpus (Nov
2024) go through the real pipeline in publication order: `extract_events`, then `planner.plan`
(the daemon's known-or-new decision, `dedup.same_event` against each stored event's merged
state). Every event it stores is one alert. `tests/data/identity_groups.jsonl` says, for each
event extracted when it was made (keyed by article, type and a hash of its evidence sentence), which
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
import hashlib
import itertools
import json
import sys
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.events import extract_events  # noqa: E402
from monitor.models import Article, Hit, Match  # noqa: E402
from monitor.planner import plan  # noqa: E402
from tests.conftest import shared_path  # noqa: E402

LABELS = ROOT / "tests" / "data" / "identity_groups.jsonl"
SECTIONS = {"Thế giới": "world", "Pháp luật": "domestic", "Thời sự": "domestic"}


def evidence_key(evidence: str) -> str:
    """The labels name an evidence sentence by its hash (and its first words, for people): the
    corpus's text stays in ../shared, not in this repository."""
    return hashlib.sha1(evidence.encode("utf-8")).hexdigest()[:16]


def run() -> tuple[list[dict], int]:
    """Each extracted news event with its stored event (uid) and its label, in publication order."""
    labels = {(r["article"], r["type"], r["evidence_sha1"]): r for r in map(json.loads, LABELS.read_text("utf-8").splitlines())}
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
            label = labels.get((article.key, ev.type, evidence_key(ev.evidence)))
            if label is None:
                unknown += 1
                continue
            out.append({**label, "uid": uid, "date": ev.date, "published": article.published, "section": section[article.key]})
    return out, unknown


def measure(events: list[dict]) -> dict[str, Any]:
    """The figures for labelled events (see the module's docstring)."""
    real = [e for e in events if e["real"]]
    by_unit: dict[tuple[str, str], set[str]] = defaultdict(set)
    by_uid: dict[str, set[str]] = defaultdict(set)
    first: dict[str, str] = {}
    for e in real:
        by_unit[(e["group"], e["type"])].add(e["uid"])
        by_uid[e["uid"]].add(e["group"])
        first.setdefault(e["uid"], e["article"])
    # alerts are per article: a happening split into two events of one article is one alert listing both
    by_articles: dict[tuple[str, str], set[str]] = defaultdict(set)
    for e in real:
        by_articles[(e["group"], e["type"])].add(first[e["uid"]])
    repeats = sum(len(u) - 1 for u in by_unit.values())
    tp = fp = fn = 0
    for a, b in itertools.combinations(real, 2):
        if a["type"] != b["type"]:
            continue
        same, gold = a["uid"] == b["uid"], a["group"] == b["group"]
        tp, fp, fn = tp + (same and gold), fp + (same and not gold), fn + (gold and not same)
    duplicates = sum(len(a) - 1 for a in by_articles.values())
    return {
        "events": len(events), "real": len(real), "units": len(by_unit), "stored": len(by_uid),
        "duplicate_alerts": duplicates, "in_alert": repeats - duplicates,
        "wrong_merges": sum(len(g) - 1 for g in by_uid.values()),
        "precision": tp / max(1, tp + fp), "recall": tp / max(1, tp + fn), "pairs": (tp, fp, fn),
        "by_unit": by_unit, "by_uid": by_uid, "real_events": real,
    }  # fmt: skip


def report(m: dict[str, Any], name: str, unknown: int = 0) -> None:
    tp, fp, fn = m["pairs"]
    print(f"{name}: {m['events']} labelled news events ({m['real']} real; {unknown} the labels do not know), "
          f"{m['units']} happenings by type, {m['stored']} events stored: duplicate alerts {m['duplicate_alerts']}, "
          f"listed twice in one alert {m['in_alert']}, wrong merges {m['wrong_merges']}; same-event pairs "
          f"precision {m['precision']:.2f} recall {m['recall']:.2f} (right {tp}, wrong {fp}, missed {fn})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="print each happening alerted twice and each wrong merge")
    args = parser.parse_args()
    events, unknown = run()
    for name in ("world", "domestic"):
        report(measure([e for e in events if e["section"] == name]), name)
    m = measure(events)
    report(m, "all", unknown)
    if not args.errors:
        return
    real, by_unit, by_uid = m["real_events"], m["by_unit"], m["by_uid"]
    for (group, type_), uids in sorted(by_unit.items()):
        if len(uids) > 1:
            print(f"\n== {group} {type_}: alerted {len(uids)} times")
            for e in (e for e in real if (e["group"], e["type"]) == (group, type_)):
                print(f"   {e['uid'][:6]} {e['published']:%m-%d} date={e['date']}  «{e['cue']} ...»")
    for uid, groups in by_uid.items():
        if len(groups) > 1:
            print(f"\n== one event, {len(groups)} happenings: {sorted(groups)}")
            for e in (e for e in real if e["uid"] == uid):
                print(f"   {e['group']} {e['published']:%m-%d} date={e['date']}  «{e['cue']} ...»")


if __name__ == "__main__":
    main()
