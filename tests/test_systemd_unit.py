"""systemd/news-monitor.service: the settings users rely on, and systemd's own verdict on the file.

The unit is parsed by lines, not configparser: systemd keys repeat (SystemCallFilter=) and an
empty assignment (CapabilityBoundingSet=) resets a list, both of which matter here.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "systemd" / "news-monitor.service"
CHECK = ROOT / ".ci" / "systemd-check"


def parse_unit(text: str) -> dict[str, dict[str, list[str]]]:
    """{section: {key: [every value, in order]}}, comments and blank lines skipped."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"line {number} is outside any section: {raw!r}"
        assert "=" in line and not line.endswith("\\"), f"line {number}: not a plain key=value: {raw!r}"
        key, value = line.split("=", 1)
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


@pytest.fixture(scope="module")
def service() -> dict[str, list[str]]:
    return parse_unit(UNIT.read_text(encoding="utf-8"))["Service"]


def last(service: dict[str, list[str]], key: str) -> str:
    assert key in service, f"{key}= missing from {UNIT.name}"
    return service[key][-1]


def test_sections() -> None:
    sections = parse_unit(UNIT.read_text(encoding="utf-8"))
    assert set(sections) == {"Unit", "Service", "Install"}
    assert sections["Install"]["WantedBy"] == ["multi-user.target"]
    assert "network-online.target" in sections["Unit"]["After"][-1].split()


def test_lifecycle(service: dict[str, list[str]]) -> None:
    assert last(service, "Type") == "notify"
    assert last(service, "ExecStart") == (
        "/opt/news-monitor/venv/bin/news-monitor run --config /etc/news-monitor/monitor.toml"
    )
    assert last(service, "ExecReload") == "/bin/kill -HUP $MAINPID"
    assert last(service, "WatchdogSec") not in ("", "0", "infinity")
    assert last(service, "Restart") == "on-failure"
    assert last(service, "KillSignal") == "SIGTERM"
    assert last(service, "TimeoutStopSec") == "30"


def test_identity_and_directories(service: dict[str, list[str]]) -> None:
    assert last(service, "DynamicUser") == "yes" or last(service, "User") not in ("", "root", "0")
    assert last(service, "StateDirectory") == "news-monitor"
    assert last(service, "ConfigurationDirectory") == "news-monitor"
    assert last(service, "UMask") == "0077"


def test_secrets(service: dict[str, list[str]]) -> None:
    # ${SMTP_PASSWORD} falls back to the credential smtp-password (monitor.sdnotify.secret)
    assert "smtp-password:/etc/news-monitor/credentials/smtp-password" in service["LoadCredential"]
    assert not any(v.startswith("-") for v in service["LoadCredential"]), "'-' would become part of the name"
    # the default when the source file is missing: a lone newline, which credential() reads as unset
    assert "smtp-password:\\n" in service["SetCredential"]
    assert last(service, "EnvironmentFile") == "-/etc/news-monitor/environment"


def test_hardening(service: dict[str, list[str]]) -> None:
    assert last(service, "ProtectSystem") == "strict"
    assert last(service, "ProtectHome") == "yes"
    for key in (
        "NoNewPrivileges", "PrivateTmp", "PrivateDevices", "PrivateUsers", "ProtectKernelTunables",
        "ProtectKernelModules", "ProtectKernelLogs", "ProtectControlGroups", "ProtectClock",
        "ProtectHostname", "RestrictNamespaces", "RestrictRealtime", "RestrictSUIDSGID",
        "LockPersonality", "MemoryDenyWriteExecute",
    ):  # fmt: skip
        assert last(service, key) == "yes", key
    assert last(service, "CapabilityBoundingSet") == ""  # empty: no capabilities at all
    assert last(service, "AmbientCapabilities") == ""
    assert last(service, "ProtectProc") == "invisible"
    assert last(service, "ProcSubset") == "pid"
    assert last(service, "DevicePolicy") == "closed"
    assert last(service, "SystemCallArchitectures") == "native"


def test_network_families_allow_the_client(service: dict[str, list[str]]) -> None:
    families = set(last(service, "RestrictAddressFamilies").split())
    assert families == {
        "AF_UNIX",
        "AF_INET",
        "AF_INET6",
    }  # feeds over IPv4/6, journald and sd_notify over AF_UNIX
    # an IP allow list or a private network would cut the daemon off from the feeds
    assert "IPAddressDeny" not in service
    assert service.get("PrivateNetwork", ["no"])[-1] == "no"


def test_syscall_filter(service: dict[str, list[str]]) -> None:
    filters = service["SystemCallFilter"]
    assert filters[0] == "@system-service"  # the allow list comes first, deny lists narrow it
    denied = {name for f in filters[1:] for name in f.lstrip("~").split()}
    assert all(f.startswith("~") for f in filters[1:])
    assert {"@privileged", "@resources"} <= denied


def test_parser_sees_repeated_and_empty_keys() -> None:
    parsed = parse_unit("[Service]\nA=1\nA=2\nB=\n# c=3\n")
    assert parsed == {"Service": {"A": ["1", "2"], "B": [""]}}


# --------------------------------------------------------------------------- systemd's verdict


def _run_check(*args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("systemd-analyze") is None:
        pytest.skip(
            "systemd-analyze not installed (apt-get install systemd); .ci/systemd-check installs it in CI"
        )
    return subprocess.run(["bash", str(CHECK), *args], capture_output=True, text=True, timeout=120)


def test_systemd_check_passes() -> None:
    result = _run_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok: systemd-analyze verify news-monitor.service: no warnings" in result.stdout
    assert "ok: exposure " in result.stdout


def test_systemd_check_fails_on_any_verify_output(tmp_path: Path) -> None:
    unit = tmp_path / "news-monitor.service"
    unit.write_text(UNIT.read_text().replace("ProtectSystem=strict", "ProtectSystm=strict"))
    result = _run_check(str(unit))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Unknown key 'ProtectSystm'" in result.stdout  # systemd-analyze itself exits 0 on this


def test_systemd_check_fails_above_exposure_2(tmp_path: Path) -> None:
    weak = [
        line
        for line in UNIT.read_text().splitlines()
        if not line.startswith(("Protect", "Private", "Restrict", "SystemCall", "DynamicUser"))
    ]
    unit = tmp_path / "news-monitor.service"
    unit.write_text("\n".join(weak) + "\n")
    result = _run_check(str(unit))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAIL: exposure " in result.stdout and "> 2.0" in result.stdout
