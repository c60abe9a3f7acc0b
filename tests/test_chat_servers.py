"""Chat alerts end to end against real chat servers started here on 127.0.0.1: a Synapse Matrix
homeserver, a miniircd IRC server and the json:// receiver. `news-monitor once` polls a local
feed, queues the alert in the outbox and delivers it; the test then reads it back as a user of
each service would (the Matrix client API, an IRC client socket) and checks the Vietnamese text.

Synapse is started once per module (about 3 s, plus 3 s to generate its configuration); the
tests skip, saying why, only when matrix-synapse or miniircd cannot be imported (`pip install -e
'.[test]'` installs both). No sleeps: every wait is a blocking read or a poll with a deadline.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from monitor import scheduler
from monitor.cli import cli
from tests.server import LocalServer
from tests.smtp import free_port
from tests.test_delivery import STORIES, run, story, target
from tests.test_delivery import setup as setup  # a fixture, used by name
from tests.test_end_to_end import rfc822, rss, write_config

ICT = ZoneInfo("Asia/Ho_Chi_Minh")
MITIGA = {
    "title": "Không kích sân bay Mitiga ở Tripoli, 4 người thiệt mạng", "link": "https://tuoitre.vn/mitiga.htm",
    "summary": "Máy bay của LNA đã không kích sân bay Mitiga ở thủ đô Tripoli, khiến 4 dân thường thiệt mạng.",
}
STARTUP_DEADLINE = 60.0


def wait_until_up(check: Any, proc: subprocess.Popen[bytes], log: Path, what: str) -> None:
    """Poll `check()` until it succeeds (a deadline, not a sleep-and-hope); fail with the server's log."""
    deadline = time.monotonic() + STARTUP_DEADLINE
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{what} exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            check()
            return
        except OSError:
            time.sleep(0.05)  # the server is still starting: poll again (startup, not a test's timing)
    pytest.fail(f"{what} did not start within {STARTUP_DEADLINE} s:\n{log.read_text(errors='replace')[-3000:]}")


# ---------------------------------------------------------------------------- Matrix (Synapse)


@dataclass
class Synapse:
    port: int
    secret: str
    reader_token: str = ""
    room_id: str = ""

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, method=method, data=data, headers=headers)
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    def register(self, user: str, password: str) -> str:
        """A user made with the shared-secret admin API (what register_new_matrix_user does)."""
        nonce = self.call("GET", "/_synapse/admin/v1/register")["nonce"]
        mac = hmac.new(self.secret.encode(), b"\x00".join([nonce.encode(), user.encode(), password.encode(),
                                                            b"notadmin"]), hashlib.sha1).hexdigest()
        body = {"nonce": nonce, "username": user, "password": password, "admin": False, "mac": mac}
        return str(self.call("POST", "/_synapse/admin/v1/register", body)["access_token"])

    def messages(self) -> list[dict[str, Any]]:
        chunk = self.call("GET", f"/_matrix/client/v3/rooms/{self.room_id}/messages?dir=f&limit=100", token=self.reader_token)
        return [e["content"] for e in chunk["chunk"] if e["type"] == "m.room.message"]


def _synapse_config(directory: Path, port: int) -> list[Path]:
    subprocess.run(
        [sys.executable, "-m", "synapse.app.homeserver", "--server-name", "localhost", "--config-path",
         str(directory / "homeserver.yaml"), "--data-directory", str(directory), "--generate-config",
         "--report-stats=no"], check=True, capture_output=True, timeout=120, cwd=directory)
    fast = "{per_second: 1000, burst_count: 1000}"
    (directory / "test.yaml").write_text(f"""
listeners:
  - port: {port}
    bind_addresses: ['127.0.0.1']
    type: http
    tls: false
    x_forwarded: false
    resources: [{{names: [client], compress: false}}]
trusted_key_servers: []
suppress_key_server_warning: true
federation_domain_whitelist: []
enable_registration: false
rc_message: {fast}
rc_registration: {fast}
rc_joins: {{local: {fast}, remote: {fast}}}
rc_login: {{address: {fast}, account: {fast}, failed_attempts: {fast}}}
""", encoding="utf-8")
    return [directory / "homeserver.yaml", directory / "test.yaml"]


@pytest.fixture(scope="module")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synapse]:
    pytest.importorskip("synapse", reason="needs matrix-synapse (pip install -e '.[test]') for a real Matrix server")
    directory = tmp_path_factory.mktemp("synapse")
    port = free_port()
    configs = _synapse_config(directory, port)
    secret = re.search(r'^registration_shared_secret: "(.*)"$', configs[0].read_text(), re.M)
    assert secret, "the generated homeserver.yaml has no registration_shared_secret"
    log = directory / "stdout.log"
    args = [a for c in configs for a in ("-c", str(c))]
    proc = subprocess.Popen([sys.executable, "-m", "synapse.app.homeserver", *args], stdout=log.open("wb"),
                            stderr=subprocess.STDOUT, cwd=directory)  # its homeserver.log lands there
    server = Synapse(port, secret.group(1))
    try:
        wait_until_up(lambda: server.call("GET", "/_matrix/client/versions"), proc, log, "Synapse")
        server.reader_token = server.register("reader", "reader-pass")
        server.register("monitor", "monitor-pass")
        room = {"room_alias_name": "tin-the-gioi", "preset": "public_chat", "name": "Tin thế giới"}
        server.room_id = server.call("POST", "/_matrix/client/v3/createRoom", room, server.reader_token)["room_id"]
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _feed(server: LocalServer) -> None:
    server.routes["/feed.rss"] = rss([{**MITIGA, "when": rfc822(datetime.now(ICT) - timedelta(hours=1))}])


def once(tmp_path: Path, server: LocalServer, alerts: str) -> str:
    config = write_config(tmp_path, server, feeds=[("Tuổi Trẻ – Thế giới", "/feed.rss")], alerts=alerts)
    result = CliRunner().invoke(cli, ["once", "--config", str(config)])
    assert result.exit_code == 0, result.output
    return result.output


def test_matrix_room_gets_the_alert_with_its_vietnamese_intact(synapse: Synapse, tmp_path: Path,
                                                              http_server: LocalServer) -> None:
    _feed(http_server)
    url = f"matrix://monitor:monitor-pass@127.0.0.1:{synapse.port}/%23tin-the-gioi:localhost?hsreq=no"
    output = once(tmp_path, http_server, f'[[alert]]\nname = "matrix"\nurls = ["{url}"]\n')
    assert "1 sent" in output, output
    (content,) = [m for m in synapse.messages() if "Mitiga" in m.get("body", "")]
    body = content["body"]
    assert "Sự kiện mới: không kích tại sân bay Mitiga" in body  # the title, as apprise shows it
    assert "Thiệt mạng: 4" in body and "Nguồn: Tuổi Trẻ – Thế giới" in body
    assert "Dẫn chứng: «Không kích sân bay Mitiga ở Tripoli, 4 người thiệt mạng»" in body
    assert 'href="https://tuoitre.vn/mitiga.htm"' in content["formatted_body"]  # Markdown became one link
    assert "monitor-pass" not in output


class Gate:
    """A TCP gate in front of a server: closed, it accepts and hangs up at once (the service is
    down); open, it forwards both ways. The outage is real to apprise; the server keeps its state."""

    def __init__(self, upstream: int) -> None:
        self.upstream = upstream
        self.open = False
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            server = socket.create_connection(("127.0.0.1", self.upstream))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.listener.close()


def which(text: str) -> int:
    """Which of STORIES a message (Markdown escapes removed) reports."""
    return story({"title": "", "message": text.replace("\\", "")})


def test_matrix_outage_then_every_alert_arrives_once_and_in_order(synapse: Synapse, setup: Any,
                                                                  http_server: LocalServer) -> None:
    gate = Gate(synapse.port)
    url = f"matrix://monitor:monitor-pass@127.0.0.1:{gate.port}/%23tin-the-gioi:localhost?hsreq=no"
    ctx, clock = setup(target("matrix", url, topics=["trieu-tien"]), feeds=[("Tuổi Trẻ – Thế giới", "/feed.rss")])
    items: list[dict[str, str]] = []
    try:
        for cycle in range(3):  # the homeserver is down for three polls, two new stories each
            for title, summary in STORIES[2 * cycle: 2 * cycle + 2]:
                items.insert(0, {"title": title, "summary": summary, "link": f"https://tuoitre.vn/m{len(items)}.htm",
                                 "when": rfc822(datetime.fromtimestamp(clock.t - 600, ICT))})
            http_server.routes["/feed.rss"] = rss(items)
            report = run(ctx, scheduler.run_cycle(ctx))
            assert (report.sent, report.delivery_failures) == (0, 1)  # only the oldest is tried
            clock.t += 15 * 60
        gate.open = True
        report = run(ctx, scheduler.run_cycle(ctx))
    finally:
        gate.close()
    created = [which(r.body) for r in ctx.store.outbox(statuses=("sent",))]
    arrived = [which(m["body"]) for m in synapse.messages() if any(t in m.get("body", "") for t, _ in STORIES)]
    assert arrived == created and len(set(arrived)) == len(arrived) >= 5  # once each, in creation order
    assert report.sent == len(created) and ctx.store.counts()["pending"] == 0


# ---------------------------------------------------------------------------- IRC (miniircd)


@pytest.fixture
def ircd(tmp_path: Path) -> Iterator[int]:
    pytest.importorskip("miniircd", reason="needs miniircd (pip install -e '.[test]') for a real IRC server")
    port = free_port()
    cmd = [sys.executable, "-m", "miniircd", "--listen", "127.0.0.1", "--ports", str(port)]
    if os.geteuid() == 0:
        cmd += ["--setuid", "root"]  # miniircd refuses to run as root otherwise
    log = tmp_path / "ircd.log"
    proc = subprocess.Popen(cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    try:
        wait_until_up(lambda: socket.create_connection(("127.0.0.1", port), timeout=1).close(), proc, log, "miniircd")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class IRCClient:
    def __init__(self, port: int, nick: str, channel: str) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.buffer = b""
        self.sock.sendall(f"NICK {nick}\r\nUSER {nick} 0 * :{nick}\r\nJOIN {channel}\r\n".encode())
        self.read_until(b" 366 ")  # end of NAMES: joined

    def read_until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            data = self.sock.recv(4096)
            if not data:
                break
            self.buffer += data
        return self.buffer


def test_irc_channel_gets_the_alert_with_its_vietnamese_intact(ircd: int, tmp_path: Path,
                                                              http_server: LocalServer) -> None:
    reader = IRCClient(ircd, "reader", "#tin-the-gioi")
    _feed(http_server)
    output = once(tmp_path, http_server,
                  f'[[alert]]\nname = "irc"\nurls = ["irc://news-monitor@127.0.0.1:{ircd}/%23tin-the-gioi"]\n')
    assert "1 sent" in output, output
    lines = reader.read_until(b" QUIT ").decode("utf-8").splitlines()
    said = [line.split(" :", 1)[1] for line in lines if " PRIVMSG #tin-the-gioi :" in line]
    text = "\n".join(said)
    assert "Sự kiện mới: không kích tại sân bay Mitiga" in text, text
    assert "Địa điểm: sân bay Mitiga" in text and "Bài báo: Không kích sân bay Mitiga ở Tripoli, 4 người thiệt mạng" in text
    assert "… (xem tiếp: https://tuoitre.vn/mitiga.htm)" in text  # cut at IRC's line limit, with the link


# ---------------------------------------------------------------------------- json://


def test_json_receiver_gets_the_alert_with_its_vietnamese_intact(tmp_path: Path, http_server: LocalServer) -> None:
    _feed(http_server)
    once(tmp_path, http_server, f'[[alert]]\nname = "hook"\nurls = ["json://127.0.0.1:{http_server.port}/hook"]\n')
    ((path, raw),) = http_server.posts
    message = json.loads(raw.decode("utf-8"))
    assert path == "/hook" and message["title"].endswith("Sự kiện mới: không kích tại sân bay Mitiga")
    assert "Dẫn chứng: «Không kích sân bay Mitiga ở Tripoli, 4 người thiệt mạng»" in message["message"]
