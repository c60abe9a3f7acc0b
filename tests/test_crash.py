"""Crashes and resource faults (issue 8): SIGKILL at random points, a database that cannot grow,
a database locked by another process. Alerts flow to a real receiver on loopback throughout."""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli
from tests.server import LocalServer, Response
from tests.test_end_to_end import NOW, rfc822, rss

_VOCABULARY = ("Tripoli Benghazi Misrata Sirte Tobruk Derna Sabha Zawiya Sabratha Zintan Brega Jufra Kufra Ajdabiya "
         "nghị viện dầu mỏ cảng biển ngân hàng trung ương điện lực nước sạch trường học bệnh viện giá bánh mì "
         "xăng dầu hàng không du lịch di cư biên giới ngoại giao kinh tế văn hóa bóng chuyền")
WORDS = _VOCABULARY.split()


def libya_items(n: int) -> list[dict[str, str]]:
    """Distinct Libya articles with no event in them: each is one article alert."""
    rnd = random.Random(n)
    out = []
    for i in range(n):
        words = " ".join(rnd.sample(WORDS, 12))
        out.append({"title": f"Libya số {i}: {words}", "summary": f"Bình luận {i} về {words}.",
                    "link": f"https://example.vn/libya-{i}.html", "when": rfc822(NOW - timedelta(minutes=i))})
    return out


def growing_feed(server: LocalServer, total: int) -> None:
    """Each request shows a few more items, so alerts keep flowing across restarts."""
    items = libya_items(total)
    hits = iter(range(10_000))
    server.routes["/feed.rss"] = lambda _h: Response(rss(items[: min(total, 10 + 4 * next(hits))]))


def write_config(tmp: Path, server: LocalServer, hook: str = "/hook") -> Path:
    path = tmp / "monitor.toml"
    path.write_text(
        f'[monitor]\ndatabase = "m.db"\nmax_age = "30d"\ndeadline = "5s"\n'
        f'[[feed]]\nname = "F"\nurl = "{server.url("/feed.rss")}"\ninterval = "1s"\nfetch_articles = "none"\n'
        '[[topic]]\nid = "libya"\nname = "Libya"\nterms = ["Libya"]\n'
        f'[[alert]]\nname = "chat"\nurls = ["json://127.0.0.1:{server.port}{hook}"]\n',
        encoding="utf-8",
    )
    return path


def delivered(server: LocalServer) -> Counter[str]:
    return Counter(json.loads(body)["title"] for path, body in server.posts if path == "/hook")


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def test_sigkill_at_random_points_loses_no_alert(tmp_path: Path, http_server: LocalServer) -> None:
    total, kills = 90, 30
    growing_feed(http_server, total)
    config = write_config(tmp_path, http_server)
    rnd = random.Random(2026)
    for _ in range(kills):
        proc = subprocess.Popen([sys.executable, "-m", "monitor", "run", "--config", str(config)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0.4, 2.0))  # the random point of the kill: that is what this test is about
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert integrity(tmp_path / "m.db") == "ok"
    while CliRunner().invoke(cli, ["once", "--config", str(config)]).exit_code == 0:  # drain what is due
        if len(delivered(http_server)) == total:
            break
    got = delivered(http_server)
    expected = {f"[Libya] {it['title']}" for it in libya_items(total)}
    assert set(got) == expected  # every alert due was delivered: none lost
    duplicates = sum(n - 1 for n in got.values())
    print(f"{kills} kills, {len(got)} alerts delivered, {duplicates} duplicates")
    assert duplicates <= kills  # only a kill between a send and its record duplicates, once
    assert integrity(tmp_path / "m.db") == "ok"


def test_database_that_cannot_grow_loses_nothing_once_space_returns(tmp_path: Path, http_server: LocalServer) -> None:
    http_server.routes["/feed.rss"] = rss(libya_items(40))
    config = write_config(tmp_path, http_server)
    assert CliRunner().invoke(cli, ["check", "--config", str(config)]).exit_code == 0
    subprocess.run([sys.executable, "-c", "from monitor.store import Store; Store.open(r'%s').close()" % (tmp_path / "m.db")],
                   check=True)
    size = (tmp_path / "m.db").stat().st_size

    def small_files() -> None:  # the disk is (nearly) full: the database cannot grow
        resource.setrlimit(resource.RLIMIT_FSIZE, (size + 8192, resource.RLIM_INFINITY))

    proc = subprocess.Popen([sys.executable, "-m", "monitor", "run", "--config", str(config)],
                            stderr=subprocess.PIPE, text=True, preexec_fn=small_files)
    try:
        deadline = time.monotonic() + 30
        lines: list[str] = []
        while time.monotonic() < deadline and not any("cannot grow" in ln for ln in lines):
            lines.append(proc.stderr.readline())  # type: ignore[union-attr]
        assert any("cannot grow" in ln for ln in lines), lines
        assert proc.poll() is None  # it keeps running
        resource.prlimit(proc.pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        while time.monotonic() < deadline + 30 and len(delivered(http_server)) < 40:
            proc.stderr.readline()  # type: ignore[union-attr]  # wait for the next cycle's log line
        assert len(delivered(http_server)) == 40 and max(delivered(http_server).values()) == 1
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    assert integrity(tmp_path / "m.db") == "ok"


def test_locked_database_makes_the_cycle_wait_not_crash(tmp_path: Path, http_server: LocalServer) -> None:
    http_server.routes["/feed.rss"] = rss(libya_items(3))
    config = write_config(tmp_path, http_server)
    CliRunner().invoke(cli, ["check", "--config", str(config)])
    subprocess.run([sys.executable, "-c", "from monitor.store import Store; Store.open(r'%s').close()" % (tmp_path / "m.db")],
                   check=True)
    shell = sqlite3.connect(tmp_path / "m.db", isolation_level=None, check_same_thread=False)
    shell.execute("BEGIN EXCLUSIVE")  # a user's backup or sqlite3 shell
    threading.Timer(2.0, lambda: shell.execute("COMMIT")).start()
    result = subprocess.run([sys.executable, "-m", "monitor", "once", "--config", str(config)], capture_output=True,
                            text=True, timeout=120, env={**os.environ})
    assert result.returncode == 0, result.stderr
    assert "1/1 feeds ok, 3 new articles" in result.stderr
    assert len(delivered(http_server)) == 3
