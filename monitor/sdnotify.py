"""Talking to systemd: the sd_notify protocol and service credentials, in the standard library.

Under ``Type=notify`` systemd passes ``$NOTIFY_SOCKET``, the address of a Unix datagram
socket (a path, or ``@name`` for the abstract namespace). A message is one datagram of
``KEY=VALUE`` lines: ``READY=1``, ``STATUS=...``, ``WATCHDOG=1``, ``STOPPING=1``,
``RELOADING=1``. That is the whole protocol (sd_notify(3)); ``systemd-python`` does not build
here and the ``sdnotify`` package is unmaintained, so it lives in this file.

Outside systemd (a terminal, the tests, a container) every call is a no-op that returns
False. A missing or broken socket is never an error: the daemon's work matters more than
telling systemd about it, and systemd notices a daemon that stops talking (the start-up
timeout, the watchdog).

Only the main process may notify (systemd's default ``NotifyAccess=main``): threads are fine,
forked children are not.

Credentials (``LoadCredential=`` in the unit) arrive as files in ``$CREDENTIALS_DIRECTORY``;
:func:`credential` and :func:`secret` read them (see :func:`secret` for the contract the
config loader relies on).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Mapping
from pathlib import Path

from monitor.errors import ConfigError

__all__ = ["Notifier", "credential", "notify", "secret"]

log = logging.getLogger(__name__)


def notify(message: str, *, environ: Mapping[str, str] | None = None) -> bool:
    """Send one sd_notify datagram; True when it was sent, False when not under systemd or it failed."""
    env = os.environ if environ is None else environ
    address = env.get("NOTIFY_SOCKET", "")
    if address.startswith("@"):
        address = "\0" + address[1:]  # abstract namespace
    elif not address.startswith("/"):
        return False  # unset, or a transport we do not speak (vsock:, ...)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(message.encode("utf-8"))
    except OSError as exc:
        log.debug("sd_notify failed socket=%s error=%s", env.get("NOTIFY_SOCKET"), exc)
        return False
    return True


class Notifier:
    """The daemon's side of ``Type=notify``: start-up, status, watchdog, reload and stop.

    Every method returns what :func:`notify` returned and never raises. ``environ`` defaults to
    ``os.environ``, read at each call.
    """

    def __init__(self, *, environ: Mapping[str, str] | None = None) -> None:
        self._environ = environ

    def _send(self, message: str) -> bool:
        return notify(message, environ=self._environ)

    def ready(self) -> bool:
        """Start-up (or a reload) is complete: ``systemctl start``/``reload`` returns now."""
        return self._send("READY=1")

    def status(self, text: str) -> bool:
        """One line shown by ``systemctl status`` (line breaks become spaces)."""
        return self._send("STATUS=" + " ".join(text.splitlines()))

    def stopping(self) -> bool:
        """Shutdown has begun (send it when SIGTERM is received, before finishing in-flight work)."""
        return self._send("STOPPING=1")

    def reloading(self) -> bool:
        """A reload (SIGHUP) has begun; call :meth:`ready` when it is done, whether it succeeded or not.

        ``MONOTONIC_USEC`` (CLOCK_MONOTONIC, µs) is what ``Type=notify-reload`` (systemd ≥ 253)
        requires to match the reply to its signal; ``Type=notify`` (our unit, systemd 252 on
        Debian 12) ignores the extra field and keeps the unit "reloading" until READY=1.
        """
        return self._send(f"RELOADING=1\nMONOTONIC_USEC={time.monotonic_ns() // 1000}")

    def watchdog(self) -> bool:
        """Keep-alive for ``WatchdogSec=``: call it only after checking the daemon is healthy."""
        return self._send("WATCHDOG=1")

    def watchdog_interval(self) -> float | None:
        """Seconds between :meth:`watchdog` pings: half of ``$WATCHDOG_USEC``, as sd_watchdog_enabled(3) advises.

        None when the watchdog is off, the value is not a positive integer, or ``$WATCHDOG_PID``
        names another process (the variables were inherited, not meant for us).
        """
        env = os.environ if self._environ is None else self._environ
        pid = env.get("WATCHDOG_PID")
        if pid is not None and pid.strip() != str(os.getpid()):
            return None
        try:
            usec = int(env.get("WATCHDOG_USEC", ""))
        except ValueError:
            return None
        return usec / 2_000_000 if usec > 0 else None


def credential(name: str, *, environ: Mapping[str, str] | None = None) -> str | None:
    """The systemd credential ``name`` (``LoadCredential=name:path``), without its trailing newline.

    None when ``$CREDENTIALS_DIRECTORY`` is unset, the file is absent, or it holds nothing but
    line breaks: the unit declares ``SetCredential=name:\\n`` as the default systemd uses when
    the ``LoadCredential=`` source file is missing, and that means "not set". An unreadable or
    non-UTF-8 file raises ConfigError: a secret that exists but cannot be used must not look
    like one that was never set.
    """
    if not name or "/" in name or name in (".", ".."):
        raise ValueError(f"not a credential name: {name!r}")
    env = os.environ if environ is None else environ
    directory = env.get("CREDENTIALS_DIRECTORY")
    if not directory:
        return None
    path = Path(directory, name)
    try:
        value = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read credential {name!r} from {path}: {exc}", key=name) from exc
    return value.rstrip("\r\n") or None


def secret(variable: str, *, environ: Mapping[str, str] | None = None) -> str | None:
    """The value of ``${variable}`` in the configuration: the environment first, then a credential.

    The contract the config loader relies on for ``${VAR}`` expansion:

    1. ``$VAR`` from the environment (also set by the unit's ``EnvironmentFile=``), when set,
       even to the empty string;
    2. else the credential named exactly ``VAR``;
    3. else the credential named ``VAR`` lowercased with ``_`` turned into ``-``
       (``${SMTP_PASSWORD}`` → ``LoadCredential=smtp-password:...``);
    4. else None: the loader reports the variable as unset, naming both places to set it.

    systemd reads the environment file and the credential sources only when the service
    starts: after changing a secret, restart; a reload (SIGHUP) does not pick it up.
    """
    env = os.environ if environ is None else environ
    if variable in env:
        return env[variable]
    value = credential(variable, environ=env)
    if value is None:
        value = credential(variable.lower().replace("_", "-"), environ=env)
    return value
