"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd in a thread), collecting what it receives.

    with SMTPServer() as srv:                      # plain SMTP, no TLS, no AUTH
        send(f"mailto://127.0.0.1:{srv.port}?mode=insecure&from=a@x.test&to=b@x.test", msg)
        srv.messages[0]["Subject"]                 # an email.message.EmailMessage, decoded

    with SMTPServer(tls_dir=tmp_path, user="alice", password="s3cret") as srv:
        ...                                        # STARTTLS required, then AUTH LOGIN/PLAIN

The STARTTLS variant generates a self-signed certificate for 127.0.0.1 with the `openssl` CLI at
start (`srv.cert_file`); a client must either trust that file (SSL_CERT_FILE) or skip verification.
"""

from __future__ import annotations

import email
import email.policy
import shutil
import socket
import ssl
import subprocess
import threading
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port nobody listens on right now (for 'server down' tests and for the controller)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def make_self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """Write cert.pem/key.pem for CN and SAN 127.0.0.1; skip the test when openssl is absent."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("needs the openssl command to make a self-signed certificate")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={HOST}",
         "-addext", f"subjectAltName=IP:{HOST}"],
        check=True, capture_output=True,
    )
    return cert, key


class _Collector:
    """aiosmtpd handler: parse each DATA into an EmailMessage and keep the envelope."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.received = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append(msg)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.received.set()
        return "250 OK"


class SMTPServer:
    """Context manager running aiosmtpd on a free loopback port."""

    def __init__(self, *, tls_dir: Path | None = None, user: str | None = None, password: str | None = None) -> None:
        self.port = free_port()
        self.user, self.password = user, password
        self.cert_file: Path | None = None
        self._collector = _Collector()
        self._controller = Controller(self._collector, hostname=HOST, port=self.port, **self._options(tls_dir))

    def _options(self, tls_dir: Path | None) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if tls_dir is not None:
            self.cert_file, key = make_self_signed_cert(tls_dir)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.cert_file, key)
            options.update(tls_context=context, require_starttls=True)
        if self.user is not None:
            options.update(authenticator=self._authenticate, auth_require_tls=tls_dir is not None)
        return options

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == (
            self.user, self.password)
        return AuthResult(success=ok, handled=False)

    @property
    def messages(self) -> list[EmailMessage]:
        return self._collector.messages

    @property
    def envelopes(self) -> list[tuple[str, list[str]]]:
        return self._collector.envelopes

    def __enter__(self) -> SMTPServer:
        self._controller.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._controller.stop()
