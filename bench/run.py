"""The benchmark harness: every figure of docs/performance.md, measured side by side in one run.

    make bench-quick        # .venv/bin/python bench/run.py --quick   (under a minute, same shape)
    make bench              # .venv/bin/python bench/run.py           (minutes)

Starts the loopback server (bench/server.py, its own process), writes a monitor.toml, then runs
each phase in its own child process so that its CPU time and peak memory are its own:

    e2e        our pipeline: cold `once` cycle on a fresh database, outbox drained, warm cycle (304s)
    baseline   feedparser + BeautifulSoup + a regex per term + sqlite3 + apprise, same feeds
    lower      bare lxml / selectolax parsing of the very bytes our cold cycle fetched
    growth     process_feed per article against an empty and a full database
    latency    fixed vs adaptive polling in a simulated week (no server)

and, with --stages (always in the full run), the per-stage benchmarks bench/bench_*.py --quick.
Prints a table of figures and ratios against the targets of issue 9 and writes
bench/results/latest.json. Never compares with figures from another run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import corpus  # noqa: E402
from bench.measure import BENCH, ROOT, Server, run_phase, write_config  # noqa: E402

RESULTS = BENCH / "results"
STAGES = ("bench_feeds", "bench_match", "bench_pages", "bench_events")
HOSTS = 20
BUDGET_SHARE = 0.5  # capacity is stated at half of one core: the daemon is one Python process (one core
# under the GIL); the other core and the other half are headroom for bursts, SQLite, backups, the OS.

SIZES = {
    "quick": {"feeds": 100, "baseline_feeds": 12, "lower_passes": 1, "stored": 100_000, "events": 10_000,
              "growth_feeds": 8, "sim_feeds": 40, "sim_days": 3, "sim_warmup": 4},
    "full": {"feeds": 1000, "baseline_feeds": 200, "lower_passes": 3, "stored": 1_000_000, "events": 100_000,
             "growth_feeds": 40, "sim_feeds": 300, "sim_days": 7, "sim_warmup": 7},
}


# --------------------------------------------------------------------------- the machine


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    dirty = subprocess.run(["git", "status", "--porcelain", "monitor"], capture_output=True, text=True, cwd=ROOT)
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gib": mem, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "platform": platform.platform(),
            "commit": commit.stdout.strip(), "monitor_modified": bool(dirty.stdout.strip()),
            "load_avg_at_start": os.getloadavg()}


# --------------------------------------------------------------------------- phases


def stage_benchmarks() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in STAGES:
        script = BENCH / f"{name}.py"
        if not script.exists():
            continue
        start = time.perf_counter()
        try:
            proc = subprocess.run([sys.executable, str(script), "--quick"], capture_output=True, text=True,
                                  timeout=600, cwd=ROOT)
            out[name] = {"exit": proc.returncode, "seconds": round(time.perf_counter() - start, 1),
                         "output": proc.stdout.strip() or proc.stderr.strip()[-2000:]}
        except subprocess.TimeoutExpired:
            out[name] = {"exit": None, "output": "timed out after 600 s"}
    return out


def page_urls(server: Server, paths: list[str]) -> list[str]:
    return [server.base_url(int(p.split("/")[2])) + p for p in paths]


def run(mode: str, with_stages: bool) -> dict[str, Any]:
    size = SIZES[mode]
    started = time.perf_counter()
    n = size["feeds"]
    result: dict[str, Any] = {"mode": mode, "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                              "machine": machine(), "sizes": size}
    corpus.require_corpus()
    server = Server(feeds=n, hosts=HOSTS, now=time.time())
    try:
        with tempfile.TemporaryDirectory(prefix="news-monitor-bench-") as tmp:
            work = Path(tmp)
            config = write_config(work / "ours", server, range(n))
            step("e2e: our cold and warm cycles")
            ours = run_phase("e2e", {"config": str(config), "stats_port": server.ports[0]})
            pages = ours.pop("page_paths")
            result["ours"] = ours

            step("baseline: feedparser + BeautifulSoup + regexes + sqlite3 + apprise")
            result["baseline"] = run_phase("baseline", {
                "feeds": [server.feed_url(i) for i in range(size["baseline_feeds"])],
                "database": str(work / "baseline.db"), "alert": server.hook, "topics": corpus.topic_terms(),
            })

            step("lower bound: bare lxml and selectolax on the same bytes")
            result["lower"] = run_phase("lower", {"feeds": [server.feed_url(i) for i in range(n)],
                                                  "pages": page_urls(server, pages),
                                                  "passes": size["lower_passes"]})

            step(f"growth: empty database vs {size['stored']:,} articles and {size['events']:,} events")
            k = size["growth_feeds"]
            growth_config = write_config(work / "growth", server, range(2 * k))
            result["growth"] = run_phase("growth", {"config": str(growth_config), "dir": str(work / "growth"),
                                                    "stored": size["stored"], "events": size["events"], "feeds": k})
    finally:
        server.stop()

    step("latency: fixed vs adaptive polling, simulated")
    result["latency"] = run_phase("latency", {"feeds": size["sim_feeds"], "days": size["sim_days"],
                                              "warmup_days": size["sim_warmup"]})
    if with_stages:
        step("stage benchmarks: bench/bench_*.py --quick")
        result["stages"] = stage_benchmarks()
    result["summary"] = summarise(result)
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["phase_seconds"] = step_seconds(time.perf_counter())
    return result


_STEPS: list[tuple[str, float]] = []


def step(text: str) -> None:
    """Announce a phase on stderr; the time between announcements goes into the results."""
    _STEPS.append((text.split(":")[0], time.perf_counter()))
    print(f"… {text}", file=sys.stderr, flush=True)


def step_seconds(end: float) -> dict[str, float]:
    ends = [t for _, t in _STEPS[1:]] + [end]
    return {name: round(e - t, 1) for (name, t), e in zip(_STEPS, ends, strict=True)}


# --------------------------------------------------------------------------- ratios


def summarise(r: dict[str, Any]) -> dict[str, Any]:
    ours, base, low, growth, lat = r["ours"], r["baseline"], r["lower"], r["growth"], r["latency"]
    cold, drain, warm = ours["cold"], ours["drain"], ours["warm"]
    articles = cold["articles"]
    ours_cpu = cold["cpu_s"] + drain["cpu_s"]  # every alert delivered, as the baseline does
    ours_ms = 1000 * ours_cpu / articles
    alerts_ours = cold["alerts_sent"] + drain["alerts_sent"]
    alert_ms = drain["cpu_ms_per_alert"] or base["cold"]["cpu_ms_per_alert"]
    ours_noalert_ms = 1000 * (ours_cpu - alerts_ours * alert_ms / 1000) / articles
    bc = base["cold"]
    base_ms = bc["cpu_ms_per_article"]
    base_noalert_ms = 1000 * (bc["cpu_s"] - bc["alert_cpu_s"]) / bc["articles"]
    floor_s = low["lxml_read_s"] + low["selectolax_read_s"]
    floor_ms = 1000 * floor_s / articles
    parse_only_ms = 1000 * (low["lxml_parse_s"] + low["selectolax_parse_s"]) / articles
    our_parse_ms = 1000 * (low["our_parse_feed_s"] + low["our_extract_s"]) / articles
    s: dict[str, Any] = {
        "articles": articles,
        "ours_cpu_ms_per_article": ours_ms,
        "ours_cpu_ms_per_article_without_alerts": ours_noalert_ms,
        "baseline_cpu_ms_per_article": base_ms,
        "baseline_cpu_ms_per_article_without_alerts": base_noalert_ms,
        "vs_baseline": base_ms / ours_ms,
        "vs_baseline_without_alerts": base_noalert_ms / ours_noalert_ms,
        "floor_cpu_ms_per_article": floor_ms,
        "parse_only_cpu_ms_per_article": parse_only_ms,
        "our_parse_stages_cpu_ms_per_article": our_parse_ms,
        "vs_floor": ours_ms / floor_ms,
        "vs_floor_without_alerts": ours_noalert_ms / floor_ms,
        "parse_stages_vs_floor": our_parse_ms / floor_ms,
        "growth_ratio": growth["ratio"],
        "db_bytes_per_article": r["ours"]["database"]["bytes_per_article"],
        "full_db_bytes_per_article": growth["build"]["bytes_per_article"],
        "adaptive_request_ratio": lat["request_ratio"],
        "adaptive_bound": lat["bound"]["request_ratio"],
        "warm_cpu_ms_per_feed": warm["cpu_ms_per_feed"],
        "baseline_warm_cpu_ms_per_feed": base["warm"]["cpu_ms_per_feed"],
    }
    s["capacity"] = capacity(r, ours_ms / 1000, growth["full_cpu_ms_per_article"] / growth["empty_cpu_ms_per_article"])
    return s


PRESS_FEEDS = 1000
PRESS_ARTICLES = 30_000
"""The whole Vietnamese press, as a load (an estimate, not a measurement): about 20 major outlets
publish some 300-500 articles a day each (6,000-10,000), the other ~800 licensed press agencies far
less each; 30,000 new articles a day over 1,000 feeds (each outlet's category feeds) is a generous
round figure for all of it."""


def capacity(r: dict[str, Any], cpu_per_article: float, growth: float) -> dict[str, Any]:
    """Load a day, from the measured costs at the full database's cost per article.

    Per feed and day: `polls` requests (adaptive polling at 5 min, from the simulation), of which
    one per new item returns a changed feed (parsed whole: our parse cost per feed document) and
    the rest 304 (the warm cycle's cost per feed); each new item costs the cold cycle's CPU per
    article (pages of the matching ones fetched, events extracted, alerts delivered) times the
    growth ratio. Returns the CPU share of one core the whole press needs, and how many feeds and
    articles half a core sustains."""
    lat, warm, low = r["latency"], r["ours"]["warm"], r["lower"]
    items = lat["items_per_feed_day"]
    polls = lat["adaptive"]["requests_per_feed_day"]
    per_304 = warm["cpu_s"] / warm["feeds"]
    per_changed = low["our_parse_feed_s"] / low["feeds"] + per_304
    article = cpu_per_article * growth

    def day(feeds: float, articles: float) -> float:
        changed = min(articles / feeds, polls)
        return feeds * ((polls - changed) * per_304 + changed * per_changed) + articles * article

    press = day(PRESS_FEEDS, PRESS_ARTICLES)
    budget = 86400 * BUDGET_SHARE
    feeds = budget / day(1, items)
    return {"cpu_s_per_article": article, "cpu_s_per_poll_304": per_304, "cpu_s_per_poll_changed": per_changed,
            "polls_per_feed_day": polls, "items_per_feed_day": items,
            "press_feeds": PRESS_FEEDS, "press_articles_per_day": PRESS_ARTICLES, "press_cpu_s_per_day": press,
            "press_share_of_one_core": press / 86400,
            "half_core_feeds": feeds, "half_core_articles_per_day": feeds * items,
            "articles_per_day_at_full_core": 86400 / article}


# --------------------------------------------------------------------------- output


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def table(r: dict[str, Any]) -> str:
    s, ours, base, low, g, lat = r["summary"], r["ours"], r["baseline"], r["lower"], r["growth"], r["latency"]
    cold, warm = ours["cold"], ours["warm"]
    m = r["machine"]
    cap = s["capacity"]
    rows = [
        f"news-monitor benchmark ({r['mode']}) — {m['nproc']} × {m['cpu']}, {m['memory_gib']} GiB, "
        f"Python {m['python']}, SQLite {m['sqlite']}, commit {m['commit']}"
        + (" (+ uncommitted changes in monitor/)" if m["monitor_modified"] else ""),
        "",
        f"End to end: {cold['feeds']} feeds × 50 items = {cold['articles']:,} articles, 20 topics, "
        f"{cold['pages_fetched']} article pages fetched, {cold['alerts_queued']} alerts",
        f"  cold `once`       wall {cold['wall_s']:6.2f} s  CPU {cold['cpu_s']:6.2f} s  peak RSS "
        f"{cold['peak_rss_mib']:5.0f} MiB  fetched {cold['server']['bytes_fetched'] / 1e6:6.1f} MB "
        f"in {cold['server']['http_requests']} requests",
        f"  outbox drained    wall {ours['drain']['wall_s']:6.2f} s  CPU {ours['drain']['cpu_s']:6.2f} s  "
        f"({ours['drain']['alerts_sent']} more alerts, {ours['drain']['cpu_ms_per_alert']:.2f} ms CPU each)",
        f"  warm `once` (304) wall {warm['wall_s']:6.2f} s  CPU {warm['cpu_s']:6.2f} s  "
        f"fetched {warm['server']['bytes_fetched'] / 1e3:6.1f} kB  ({warm['cpu_ms_per_feed']:.2f} ms CPU per feed)",
        f"  database          {ours['database']['bytes'] / 1e6:.1f} MB, {s['db_bytes_per_article']:.0f} bytes "
        "per article",
        "",
        f"{'CPU per article (ms)':44} {'ours':>8} {'reference':>10} {'ratio':>8}   target",
        f"{'baseline (' + str(base['cold']['articles']) + ' articles of the same feeds)':44} "
        f"{s['ours_cpu_ms_per_article']:8.3f} {s['baseline_cpu_ms_per_article']:10.3f} "
        f"{s['vs_baseline']:7.1f}x   >= 10x less: {verdict(s['vs_baseline'] >= 10)}",
        f"{'  same, alert delivery left out of both':44} {s['ours_cpu_ms_per_article_without_alerts']:8.3f} "
        f"{s['baseline_cpu_ms_per_article_without_alerts']:10.3f} {s['vs_baseline_without_alerts']:7.1f}x",
        f"{'lower bound: bare lxml + selectolax':44} {s['ours_cpu_ms_per_article']:8.3f} "
        f"{s['floor_cpu_ms_per_article']:10.3f} {s['vs_floor']:7.1f}x   within 3x: {verdict(s['vs_floor'] <= 3)}",
        f"{'  our parse stages alone vs the same floor':44} {s['our_parse_stages_cpu_ms_per_article']:8.3f} "
        f"{s['floor_cpu_ms_per_article']:10.3f} {s['parse_stages_vs_floor']:7.1f}x",
        f"{'growth: ' + format(g['build']['articles'], ',') + ' stored vs empty':44} "
        f"{g['full_cpu_ms_per_article']:8.3f} {g['empty_cpu_ms_per_article']:10.3f} "
        f"{s['growth_ratio']:7.2f}x   <= 1.5x: {verdict(s['growth_ratio'] <= 1.5)}",
        f"  full database: {g['build']['bytes'] / 1e6:.0f} MB, {s['full_db_bytes_per_article']:.0f} bytes per "
        f"stored article (built in {g['build']['build_s']:.0f} s)",
        "",
        f"Polling, simulated: {lat['feeds']} feeds × {lat['days']} days ({lat['items_per_feed_day']:.0f} items per "
        f"feed a day, 3/day to 6/hour, daily cycle)",
        f"  {'policy':34} {'p50 min':>8} {'p95 min':>8} {'requests/feed/day':>18}",
    ]
    for name, v in lat["fixed"].items():
        rows.append(f"  {'fixed ' + name:34} {v['p50_min']:8.1f} {v['p95_min']:8.1f} {v['requests_per_feed_day']:18.0f}")
    fs = lat["fixed_same_p95"]
    rows += [
        f"  {'adaptive (floor ' + format(lat['base_min'], 'g') + ' min)':34} {lat['adaptive']['p50_min']:8.1f} "
        f"{lat['adaptive']['p95_min']:8.1f} {lat['adaptive']['requests_per_feed_day']:18.0f}",
        f"  {'fixed ' + format(fs['interval_min'], '.1f') + ' min (same p95)':34} {fs['p50_min']:8.1f} "
        f"{fs['p95_min']:8.1f} {fs['requests_per_feed_day']:18.0f}",
        f"  requests saved at the same p95: {s['adaptive_request_ratio']:.2f}x   target >= 2x: "
        f"{verdict(s['adaptive_request_ratio'] >= 2)}  (best possible policy in this world: "
        f"{s['adaptive_bound']:.2f}x)",
        "",
        f"Capacity (CPU at the full database's cost per article, adaptive polling at 5 min): the whole "
        f"Vietnamese press (est. {cap['press_feeds']:,} feeds, {cap['press_articles_per_day']:,} articles a day) "
        f"needs {cap['press_cpu_s_per_day'] / 3600:.1f} CPU-hours a day = {cap['press_share_of_one_core']:.1%} of "
        f"one core; half a core sustains {cap['half_core_feeds']:,.0f} feeds of "
        f"{cap['items_per_feed_day']:.0f} items a day ({cap['half_core_articles_per_day']:,.0f} articles a day)",
        f"Lower bound detail: lxml {low['lxml_read_s']:.3f} s on {low['feed_bytes'] / 1e6:.1f} MB of feeds, selectolax "
        f"{low['selectolax_read_s']:.3f} s on {low['page_bytes'] / 1e6:.1f} MB of pages; our parse_feed "
        f"{low['our_parse_feed_s']:.3f} s, extract {low['our_extract_s']:.3f} s",
        f"Run took {r['seconds']:.0f} s ("
        + ", ".join(f"{k} {v:g}" for k, v in r.get("phase_seconds", {}).items()) + "); figures in bench/results/latest.json",
    ]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the under-a-minute subset (same shape)")
    parser.add_argument("--stages", action="store_true", help="also run bench/bench_*.py --quick (always in full)")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args()
    mode = "quick" if args.quick else "full"
    result = run(mode, with_stages=args.stages or mode == "full")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(result))
    for name, stage in result.get("stages", {}).items():
        print(f"\n--- bench/{name}.py --quick ({stage.get('seconds', '?')} s)\n{stage['output']}")


if __name__ == "__main__":
    main()
