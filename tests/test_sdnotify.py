"""monitor.sdnotify against a real notify socket: an AF_UNIX datagram socket bound here, as systemd binds one."""

from __future__ import annotations

import os
import select
import socket
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.errors import ConfigError
from monitor.sdnotify import Notifier, credential, notify, secret

UNIX_PATH_MAX = 107  # sun_path is 108 bytes, NUL included


class NotifySocket:
    """The service manager's end: receives the datagrams the daemon sends."""

    def __init__(self, sock: socket.socket, address: str) -> None:
        self.sock = sock
        self.address = address  # as systemd writes it into $NOTIFY_SOCKET

    def receive(self) -> str:
        return self.sock.recv(4096).decode("utf-8")

    def pending(self) -> bool:
        readable, _, _ = select.select([self.sock], [], [], 0)
        return bool(readable)


@pytest.fixture
def path_socket(tmp_path: Path) -> Iterator[NotifySocket]:
    path = tmp_path / "notify"
    if len(str(path)) > UNIX_PATH_MAX:  # a deep tmp_path; sun_path is short
        path = Path(tempfile.mkdtemp(prefix="nm-", dir="/tmp")) / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        sock.settimeout(5)
        yield NotifySocket(sock, str(path))
    path.unlink(missing_ok=True)


@pytest.fixture
def abstract_socket() -> Iterator[NotifySocket]:
    name = f"news-monitor-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        sock.settimeout(5)
        yield NotifySocket(sock, "@" + name)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No systemd variables inherited from whoever runs the tests (CI may itself run under systemd)."""
    for var in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "CREDENTIALS_DIRECTORY"):
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


# --------------------------------------------------------------------------- notify


@pytest.mark.parametrize("kind", ["path_socket", "abstract_socket"])
def test_lifecycle_messages_arrive(
    kind: str, request: pytest.FixtureRequest, clean_env: pytest.MonkeyPatch
) -> None:
    server: NotifySocket = request.getfixturevalue(kind)
    clean_env.setenv("NOTIFY_SOCKET", server.address)
    notifier = Notifier()

    assert notifier.ready() is True
    assert server.receive() == "READY=1"
    assert notifier.status("cycle ok: 12 feeds, 3 new events, 0 errors") is True
    assert server.receive() == "STATUS=cycle ok: 12 feeds, 3 new events, 0 errors"
    assert notifier.watchdog() is True
    assert server.receive() == "WATCHDOG=1"
    assert notifier.stopping() is True
    assert server.receive() == "STOPPING=1"
    assert not server.pending()


def test_status_is_one_line_and_utf8(path_socket: NotifySocket, clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("NOTIFY_SOCKET", path_socket.address)
    assert Notifier().status("Biển Đông: 2 sự kiện\nREADY=1") is True
    # a newline would have smuggled a second assignment into the datagram
    assert path_socket.receive() == "STATUS=Biển Đông: 2 sự kiện READY=1"


def test_reloading_carries_monotonic_timestamp(
    path_socket: NotifySocket, clean_env: pytest.MonkeyPatch
) -> None:
    clean_env.setenv("NOTIFY_SOCKET", path_socket.address)
    before = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
    assert Notifier().reloading() is True
    after = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
    first, second = path_socket.receive().split("\n")
    assert first == "RELOADING=1"
    key, value = second.split("=")
    assert key == "MONOTONIC_USEC"
    assert before <= int(value) <= after


def test_explicit_environ_overrides_process_environment(
    path_socket: NotifySocket, clean_env: pytest.MonkeyPatch
) -> None:
    assert notify("READY=1", environ={"NOTIFY_SOCKET": path_socket.address}) is True
    assert path_socket.receive() == "READY=1"
    assert Notifier(environ={}).ready() is False


@pytest.mark.parametrize(
    "address",
    [
        None,  # not under systemd
        "",
        "relative/notify",  # not an address systemd gives
        "vsock:2:1234",  # a transport we do not speak
        "/nonexistent/dir/notify",  # socket gone
        "@news-monitor-nobody-listens",  # abstract name with no listener
    ],
)
def test_no_usable_socket_is_false_not_an_error(address: str | None, clean_env: pytest.MonkeyPatch) -> None:
    if address is not None:
        clean_env.setenv("NOTIFY_SOCKET", address)
    notifier = Notifier()
    assert notify("READY=1") is False
    assert notifier.ready() is False
    assert notifier.status("x") is False
    assert notifier.watchdog() is False
    assert notifier.reloading() is False
    assert notifier.stopping() is False


def test_broken_sockets_are_false(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "stale"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(stale))
    # the listener closed but its file remains (systemd was restarted): connect is refused
    clean_env.setenv("NOTIFY_SOCKET", str(stale))
    assert notify("READY=1") is False
    clean_env.setenv("NOTIFY_SOCKET", str(tmp_path))  # a directory
    assert notify("READY=1") is False
    regular = tmp_path / "file"
    regular.write_text("")
    clean_env.setenv("NOTIFY_SOCKET", str(regular))
    assert notify("READY=1") is False


# --------------------------------------------------------------------------- watchdog


def test_watchdog_interval_is_half_of_watchdog_usec(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("WATCHDOG_USEC", "60000000")  # WatchdogSec=60
    assert Notifier().watchdog_interval() == 30.0
    clean_env.setenv("WATCHDOG_PID", str(os.getpid()))
    assert Notifier().watchdog_interval() == 30.0
    clean_env.setenv("WATCHDOG_USEC", "500000")
    assert Notifier().watchdog_interval() == 0.25


def test_watchdog_for_another_process_is_ignored(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("WATCHDOG_USEC", "60000000")
    clean_env.setenv("WATCHDOG_PID", str(os.getpid() + 1))  # inherited from a parent, not ours
    assert Notifier().watchdog_interval() is None


@pytest.mark.parametrize("value", [None, "", "0", "-5", "sixty", "1.5e6"])
def test_watchdog_off_or_malformed(value: str | None, clean_env: pytest.MonkeyPatch) -> None:
    if value is not None:
        clean_env.setenv("WATCHDOG_USEC", value)
    assert Notifier().watchdog_interval() is None


def test_watchdog_interval_with_explicit_environ() -> None:
    env = {"WATCHDOG_USEC": "20000000", "WATCHDOG_PID": str(os.getpid())}
    assert Notifier(environ=env).watchdog_interval() == 10.0
    assert Notifier(environ={**env, "WATCHDOG_PID": "1"}).watchdog_interval() is None


# --------------------------------------------------------------------------- credentials


@pytest.fixture
def credentials(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "credentials"
    directory.mkdir()
    (directory / "smtp-password").write_text("s3cret pass\n")  # as `echo` writes it
    (directory / "crlf").write_bytes(b"token\r\n")
    (directory / "empty").write_text("")
    (directory / "default").write_text("\n")  # SetCredential=default:\n, when the source file is missing
    (directory / "MATRIX_TOKEN").write_text("syt_abc")
    (directory / "binary").write_bytes(b"\xff\xfe")
    clean_env.setenv("CREDENTIALS_DIRECTORY", str(directory))
    return directory


def test_credential_read_without_trailing_newline(credentials: Path) -> None:
    assert credential("smtp-password") == "s3cret pass"
    assert credential("crlf") == "token"
    assert credential("MATRIX_TOKEN") == "syt_abc"


def test_credential_absent_or_empty_is_none(credentials: Path) -> None:
    assert credential("nope") is None
    assert credential("empty") is None
    assert credential("default") is None


def test_credential_outside_systemd_is_none(clean_env: pytest.MonkeyPatch) -> None:
    assert credential("smtp-password") is None


def test_credential_unusable_is_a_config_error(credentials: Path) -> None:
    with pytest.raises(ConfigError, match=r"^config: \[binary\]: cannot read credential 'binary'"):
        credential("binary")
    (credentials / "adir").mkdir()
    with pytest.raises(ConfigError, match="cannot read credential 'adir'"):
        credential("adir")


@pytest.mark.parametrize("name", ["", "../etc/passwd", "a/b", ".", ".."])
def test_credential_name_must_be_a_file_name(name: str, credentials: Path) -> None:
    with pytest.raises(ValueError, match="not a credential name"):
        credential(name)


def test_secret_environment_wins_then_credentials(credentials: Path, clean_env: pytest.MonkeyPatch) -> None:
    assert secret("SMTP_PASSWORD") == "s3cret pass"  # credential smtp-password
    assert secret("MATRIX_TOKEN") == "syt_abc"  # credential named exactly like the variable
    assert secret("TELEGRAM_TOKEN") is None
    clean_env.setenv("SMTP_PASSWORD", "from-env")
    assert secret("SMTP_PASSWORD") == "from-env"
    clean_env.setenv("SMTP_PASSWORD", "")  # set but empty is still set
    assert secret("SMTP_PASSWORD") == ""


def test_secret_with_explicit_environ(credentials: Path) -> None:
    env = {"CREDENTIALS_DIRECTORY": str(credentials)}
    assert secret("SMTP_PASSWORD", environ=env) == "s3cret pass"
    assert secret("SMTP_PASSWORD", environ={}) is None
