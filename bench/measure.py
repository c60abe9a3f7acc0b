"""What every benchmark phase shares: the server process, the configuration, and the meters.

Each phase (ours, baseline, lower bound, growth) runs in its own child process started by
bench/run.py, so its CPU time (time.process_time: every thread of the process, nothing of the
server's) and its peak memory (VmHWM, reset after the imports) are its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
T = TypeVar("T")


# --------------------------------------------------------------------------- meters


def _status_kib(field: str) -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def reset_peak_memory() -> None:
    """Linux: make VmHWM (peak resident set) start again from the current RSS."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


@dataclass
class Measure:
    wall_s: float = 0.0
    cpu_s: float = 0.0
    rss_before_mib: float = 0.0
    peak_rss_mib: float = 0.0


@contextmanager
def measured() -> Iterator[Measure]:
    """Wall time, CPU time of this process (all its threads) and peak RSS of the block."""
    m = Measure()
    reset_peak_memory()
    m.rss_before_mib = _status_kib("VmRSS") / 1024
    wall, cpu = time.perf_counter(), time.process_time()
    yield m
    m.cpu_s = time.process_time() - cpu
    m.wall_s = time.perf_counter() - wall
    m.peak_rss_mib = _status_kib("VmHWM") / 1024


def as_dict(m: Measure) -> dict[str, float]:
    return {k: round(v, 4) for k, v in asdict(m).items()}


# --------------------------------------------------------------------------- the server


class Server:
    """bench/server.py in its own process; `ports[i % hosts]` serves feed i."""

    def __init__(self, *, feeds: int, hosts: int, now: float) -> None:
        self.now = now
        self.proc = subprocess.Popen(
            [sys.executable, str(BENCH / "server.py"), "--feeds", str(feeds), "--hosts", str(hosts), "--now", repr(now)],
            stdout=subprocess.PIPE, text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().split()
        if not line or line[0] != "READY":
            self.stop()
            raise SystemExit("bench: the benchmark server did not start")
        self.ports = [int(p) for p in line[1:]]

    def base_url(self, feed: int) -> str:
        return f"http://127.0.0.1:{self.ports[feed % len(self.ports)]}"

    def feed_url(self, feed: int) -> str:
        return f"{self.base_url(feed)}/f/{feed}.rss"

    @property
    def hook(self) -> str:
        return f"json://127.0.0.1:{self.ports[0]}/hook"

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.ports[0]}{path}", timeout=30) as r:
            return json.loads(r.read())

    def reset(self) -> None:
        self.get("/_reset")

    def stats(self) -> dict[str, Any]:
        return with_totals(self.get("/_stats"))

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def with_totals(stats: dict[str, Any]) -> dict[str, Any]:
    """Server counters plus what the client fetched (feeds, pages, robots.txt; not alerts or control)."""
    kinds = ("feed_200", "feed_304", "page", "robots")
    return {**stats, "bytes_fetched": sum(v for k, v in stats["bytes"].items() if k in kinds),
            "http_requests": sum(v for k, v in stats["requests"].items() if k in kinds)}


# --------------------------------------------------------------------------- configuration


def write_config(folder: Path, server: Server, feeds: range, *, alerts: bool = True, database: str = "monitor.db",
                 fetch_articles: str = "matched") -> Path:
    """A monitor.toml as a user writes it: the feeds, config/topics/libya.toml and 19 topics
    generated from the corpus, one json:// alert target."""
    from bench import corpus

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "topics.toml").write_text(corpus.generated_topics_toml(), encoding="utf-8")
    libya = (ROOT / "config" / "topics" / "libya.toml").as_posix()
    lines = [
        "[monitor]", f'database = "{database}"', 'max_age = "2d"', f'include = ["{libya}", "topics.toml"]',
        'interval = "5m"', 'deadline = "60s"', "",
    ]
    for i in feeds:
        lines += ["[[feed]]", f'name = "Báo {i} – Thế giới"', f'url = "{server.feed_url(i)}"',
                  f'fetch_articles = "{fetch_articles}"', ""]
    if alerts:
        lines += ["[[alert]]", 'name = "chat"', f'urls = ["{server.hook}"]', ""]
    path = folder / "monitor.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- phases as child processes


def run_phase(module: str, spec: dict[str, Any], *, timeout: float = 3600) -> dict[str, Any]:
    """Run `python bench/<module>.py SPEC.json` and return the JSON it prints on its last line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as f:
        json.dump(spec, f)
        f.flush()
        proc = subprocess.run([sys.executable, str(BENCH / f"{module}.py"), f.name], capture_output=True, text=True,
                              timeout=timeout, env=env, cwd=ROOT)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"bench: phase {module} failed (exit {proc.returncode})")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def phase_main(fn: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """The child side of run_phase."""
    import logging

    logging.basicConfig(level=logging.ERROR)
    arg = sys.argv[1]
    spec = json.loads(Path(arg).read_text(encoding="utf-8") if arg.endswith(".json") else arg)
    print(json.dumps(fn(spec)))


def per(value: float, count: int) -> float | None:
    return value / count if count else None
