"""The warm cycle alone: what a poll that brings nothing new (304 Not Modified) costs, per feed.

    .venv/bin/python bench/warm.py                     # 500 feeds, 3 warm cycles
    .venv/bin/python bench/warm.py --feeds 500 --cycles 5 --profile /tmp/warm.prof

Starts bench/server.py with N feeds, runs one cold `once` cycle on a fresh database (fetch,
parse, store; article pages are not fetched, `fetch_articles = "none"`, to keep it short) and the outbox drained, then
`--cycles` warm `once` cycles in which every feed answers 304 to its ETag, each measured as
bench/e2e.py measures its warm cycle (load_config, Store.open, make_context, run_cycle: CPU time
of this process, the server is another one). With `--profile`, the last warm cycle also runs
under cProfile: the 25 costliest functions by own time, then ours (and sqlite3, httpx) by
cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.e2e import _drain, _once  # noqa: E402
from bench.measure import Server, measured, write_config  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--profile", type=Path, help="write a cProfile of one more warm cycle here")
    args = parser.parse_args()
    server = Server(feeds=args.feeds, hosts=20, now=time.time())
    try:
        with tempfile.TemporaryDirectory(prefix="news-monitor-warm-") as tmp:
            config = write_config(Path(tmp), server, range(args.feeds), fetch_articles="none")
            with measured() as cold:
                report = _once(config)
                _drain(config)  # as bench/e2e.py does: the warm cycle has no alert left to send
            print(f"cold: {len(report.feeds)} feeds, {len(report.failed)} failed, "
                  f"{sum(f.new_articles for f in report.feeds)} articles, CPU {cold.cpu_s:.1f} s", flush=True)
            per_feed = []
            for i in range(args.cycles):
                server.reset()
                with measured() as m:
                    report = _once(config)
                stats = server.stats()
                assert stats["requests"].get("feed_304") == args.feeds, stats
                per_feed.append(1000 * m.cpu_s / len(report.feeds))
                print(f"warm {i + 1}: {len(report.feeds)} feeds, {len(report.failed)} failed, "
                      f"wall {m.wall_s:.3f} s, CPU {m.cpu_s:.3f} s = {per_feed[-1]:.3f} ms per feed", flush=True)
            print(json.dumps({"feeds": args.feeds, "cpu_ms_per_feed": [round(x, 3) for x in per_feed],
                              "median": round(statistics.median(per_feed), 3)}))
            if args.profile:
                prof = cProfile.Profile(time.process_time)  # CPU time: waiting on the server is not cost
                prof.enable()
                _once(config)
                prof.disable()
                prof.dump_stats(args.profile)
                stats = pstats.Stats(prof)
                stats.sort_stats("tottime").print_stats(25)
                stats.sort_stats("cumulative").print_stats(r"monitor/|sqlite3|httpx/_client", 30)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
