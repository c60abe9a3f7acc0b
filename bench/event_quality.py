"""Event extraction quality on the labelled set, split by split, with the errors when asked.

    .venv/bin/python bench/event_quality.py [--split dev|holdout|all] [--errors] [--labels FILE]

Scores as tests/test_events.py does (micro-averaged over required gold events; optional and
background ones count neither way). `--errors` prints, per article, the required gold events
missed and the news events found that match no gold event. Do not run `--errors` on the
holdout: it is the honest estimate only while nobody studies it error by error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.events import extract_events  # noqa: E402
from tests.test_events import evaluate, load_dev_set, match_gold  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=("dev", "holdout", "all"))
    parser.add_argument("--errors", action="store_true", help="print each article's misses and extras")
    parser.add_argument("--labels", type=Path, help="a labels file other than tests/data/events_dev.jsonl")
    parser.add_argument("--unknown-dates-match", action="store_true",
                        help="also score with a date unknown on either side matching any: how much is dating alone")
    args = parser.parse_args()
    cases = [c for c in load_dev_set(args.labels) if args.split in ("all", c.split)]
    s = evaluate(cases)
    print(f"{args.split}: {len(cases)} articles, {s['tp'] + s['fn']} required events: "
          f"P {s['precision']:.2f}  R {s['recall']:.2f}  F1 {s['f1']:.2f}  "
          f"casualties {s['casualty_accuracy']:.2f} ({s['casualty_events']})  "
          f"tp {s['tp']} fp {s['fp']} fn {s['fn']}")  # fmt: skip
    if args.unknown_dates_match:
        u = evaluate(cases, unknown_dates_match=True)
        print(f"  an unknown date matching any: P {u['precision']:.2f}  R {u['recall']:.2f}  F1 {u['f1']:.2f}  "
              f"tp {u['tp']} fp {u['fp']} fn {u['fn']}")  # fmt: skip
    if not args.errors:
        return
    for case in cases:
        found = extract_events(title=case.title, summary=case.summary, text=case.text, published=case.published)
        m = match_gold(case.gold, found)
        extra = [e for e in m.extra if not e.background]
        if not (m.missed or extra):
            continue
        print(f"\n== {case.ref}  [{case.published:%Y-%m-%d %a}]  {case.title[:90]}")
        for g in m.missed:
            print(f"  MISSED {g['type']:10} {g.get('date')}  killed={g.get('killed')}  «{g.get('cue')}»")
        for e in extra:
            print(f"  EXTRA  {e.type:10} {e.date}  killed={e.killed}  «{e.evidence[:160]}»")
        for g, e in m.pairs:
            if (g.get("killed"), g.get("injured")) != (e.killed, e.injured) and any(
                v is not None for v in (g.get("killed"), g.get("injured"), e.killed, e.injured)
            ):
                print(f"  COUNT  {g['type']:10} gold {g.get('killed')}/{g.get('injured')} "
                      f"found {e.killed}/{e.injured}  «{e.evidence[:120]}»")  # fmt: skip


if __name__ == "__main__":
    main()
