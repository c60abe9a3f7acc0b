"""The daemon as systemd runs it: a real process, a fake notify socket, signals, the HTTP endpoint."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from tests.server import LocalServer
from tests.smtp import free_port
from tests.test_end_to_end import NOW, chat_messages, rfc822, rss, write_config

CAPTURE = {"title": "LNA chiếm được sân bay quốc tế Tripoli",
           "summary": "Lực lượng của tướng Haftar đã chiếm được sân bay quốc tế Tripoli sau nhiều giờ giao tranh.",
           "link": "https://tuoitre.vn/lna-chiem-san-bay-tripoli.htm"}


class NotifySocket:
    """What systemd listens on for sd_notify: a Unix datagram socket."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.received: list[str] = []

    def wait_for(self, prefix: str, timeout: float = 20.0) -> str:
        """Block until a datagram starting with `prefix` arrives (not a sleep: it returns at once)."""
        deadline = time.monotonic() + timeout
        for message in self.received:
            if message.startswith(prefix):
                self.received.remove(message)
                return message
        while (left := deadline - time.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                message = self.sock.recv(4096).decode()
            except TimeoutError:
                break
            if message.startswith(prefix):
                return message
            self.received.append(message)
        raise AssertionError(f"no {prefix!r} from the daemon within {timeout} s; got {self.received}")


@pytest.fixture
def daemon_setup(tmp_path: Path, http_server: LocalServer) -> Iterator[tuple[Path, NotifySocket, int]]:
    http_server.routes["/feed.rss"] = rss([{**CAPTURE, "when": rfc822(NOW)}])
    port = free_port()
    config = write_config(
        tmp_path, http_server, feeds=[("Tuổi Trẻ", "/feed.rss")],
        alerts=f'[[alert]]\nname = "chat"\nurls = ["json://127.0.0.1:{http_server.port}/hook"]\n',
    )
    config.write_text(config.read_text(encoding="utf-8").replace("[monitor]\n", f'[monitor]\nhttp = "127.0.0.1:{port}"\n', 1),
                      encoding="utf-8")
    notify = NotifySocket(tmp_path / "notify.sock")
    yield config, notify, port
    notify.sock.close()


def start(config: Path, notify: NotifySocket, tmp_path: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "NOTIFY_SOCKET": str(notify.path), "WATCHDOG_USEC": "1000000", "JOURNAL_STREAM": "8:1"}
    env.pop("WATCHDOG_PID", None)
    return subprocess.Popen([sys.executable, "-m", "monitor", "run", "--config", str(config)], env=env,
                            stderr=open(tmp_path / "stderr.log", "w"), text=True)  # noqa: SIM115


def get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_daemon_speaks_sd_notify_reloads_serves_http_and_stops_cleanly(
    daemon_setup: tuple[Path, NotifySocket, int], http_server: LocalServer, tmp_path: Path
) -> None:
    config, notify, port = daemon_setup
    proc = start(config, notify, tmp_path)
    try:
        notify.wait_for("READY=1")
        status = notify.wait_for("STATUS=")
        assert "1/1 feeds ok, 1 new articles, 1 alerts queued, 1 sent" in status
        notify.wait_for("WATCHDOG=1")
        assert len(chat_messages(http_server)) == 1

        code, body = get(port, "/healthz")
        assert (code, body) == (200, "ok\n")
        code, metrics = get(port, "/metrics")
        assert code == 200 and 'news_monitor_feed_consecutive_failures{feed="Tuổi Trẻ"} 0' in metrics
        assert 'news_monitor_outbox_alerts{status="pending"} 0' in metrics
        code, atom = get(port, "/topics/libya.atom")
        assert code == 200 and "<entry>" in atom and "capture" in atom and CAPTURE["link"] in atom
        assert get(port, "/topics/nope.atom")[0] == 404

        out = CliRunner().invoke(cli, ["status", "--json", "--config", str(config)])
        report = json.loads(out.output)
        (feed,) = report["feeds"]
        assert feed["name"] == "Tuổi Trẻ" and feed["consecutive_failures"] == 0 and feed["items_seen"] == 1
        assert feed["next_poll_at"] > report["now"]
        assert report["outbox"]["pending"] == 0 and report["last_cycle"]["new_articles"] == 1
        assert {t["topic"] for t in report["topics"]} == {"libya"} and report["database_bytes"] > 0

        good = config.read_text(encoding="utf-8")
        config.write_text(good + "\n[[feed]]\nname = 'broken\n", encoding="utf-8")  # a bad edit
        proc.send_signal(signal.SIGHUP)
        notify.wait_for("RELOADING=1")
        notify.wait_for("READY=1")
        assert proc.poll() is None  # still running, on the old configuration
        http_server.routes["/new.rss"] = rss([])
        config.write_text(good + f'\n[[feed]]\nname = "New"\nurl = "{http_server.url("/new.rss")}"\n', encoding="utf-8")
        proc.send_signal(signal.SIGHUP)
        notify.wait_for("RELOADING=1")
        notify.wait_for("READY=1")
        notify.wait_for("STATUS=")  # the new feed is due at once
        assert any(path == "/new.rss" for _, path, _ in http_server.requests)

        proc.send_signal(signal.SIGTERM)
        notify.wait_for("STOPPING=1")
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    log = (tmp_path / "stderr.log").read_text()
    assert "<3>monitor.daemon: reload rejected, keeping the running configuration: config:" in log
    assert "<6>monitor.daemon: configuration reloaded: 2 feeds" in log
    assert "<6>monitor.daemon: stopped" in log


def test_pruning_keeps_identities(tmp_path: Path, http_server: LocalServer) -> None:
    from monitor.store import Store

    http_server.routes["/feed.rss"] = rss([{**CAPTURE, "when": rfc822(NOW)}])
    config = write_config(tmp_path, http_server, feeds=[("Tuổi Trẻ", "/feed.rss")],
                          alerts=f'[[alert]]\nname = "chat"\nurls = ["json://127.0.0.1:{http_server.port}/hook"]\n')
    runner = CliRunner()
    runner.invoke(cli, ["once", "--config", str(config)])
    store = Store.open(tmp_path / "state" / "monitor.db")
    counts = store.prune(before=time.time() + 1)  # everything is older than the cut
    assert counts["articles"] == 1 and counts["alerts"] == 1 and counts["events"] >= 1
    assert store.counts()["articles"] == 0
    # the pruned article comes back in the feed: it is not new, no alert
    http_server.routes["/feed.rss"] = rss([{**CAPTURE, "link": CAPTURE["link"] + "?utm_source=x", "when": rfc822(NOW)}])
    runner.invoke(cli, ["once", "--config", str(config)])
    assert len(chat_messages(http_server)) == 1
    assert store.counts()["articles"] == 0

    backup = tmp_path / "backup.db"
    assert runner.invoke(cli, ["backup", "--config", str(config), str(backup)]).exit_code == 0
    assert Store.open(backup).known_keys([CAPTURE["link"]]) == {CAPTURE["link"]}
