"""A secret in the configuration never appears in logs, errors, check, status or outbox output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.server import LocalServer, Response
from tests.smtp import free_port
from tests.test_end_to_end import HAFTAR, NOW, rfc822, rss

FEED_KEY = "feedkey-7Hq2ZpX9"
SMTP_PASSWORD = "smtp-pässwörd-9x!"


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "monitor", *args], capture_output=True, text=True, env=env, timeout=120)


def test_secrets_never_leak(tmp_path: Path, http_server: LocalServer) -> None:
    http_server.routes["/good.rss"] = rss([{**HAFTAR, "when": rfc822(NOW)}])
    http_server.routes[f"/private.rss?key={FEED_KEY}"] = Response("denied", status=403, content_type="text/plain")
    config = tmp_path / "monitor.toml"
    config.write_text(
        '[monitor]\ndatabase = "m.db"\ndeadline = "3s"\n'
        f'[[feed]]\nname = "Private"\nurl = "{http_server.url("/private.rss")}?key=${{NM_FEED_KEY}}"\n'
        f'[[feed]]\nname = "Good"\nurl = "{http_server.url("/good.rss")}"\nfetch_articles = "none"\n'
        '[[topic]]\nid = "libya"\nname = "Libya"\nterms = ["Haftar"]\n'
        f'[[alert]]\nname = "desk"\nurls = ["mailto://desk:${{NM_SMTP_PASSWORD}}@127.0.0.1:{free_port()}'
        '?mode=insecure&from=a@example.test&to=b@example.test"]\n',
        encoding="utf-8",
    )
    config.chmod(0o600)
    env = {**os.environ, "NM_FEED_KEY": FEED_KEY, "NM_SMTP_PASSWORD": SMTP_PASSWORD}
    outputs = []
    for args in (["-v", "once"], ["check"], ["status"], ["status", "--json"], ["outbox"], ["notify-test"],
                 ["--log-format", "json", "-v", "once"]):
        proc = run(*args, "--config", str(config), env=env)
        outputs.append(proc.stdout + proc.stderr)
    everything = "\n".join(outputs)
    assert "HTTP 403" in everything  # the feed's failure is reported ...
    assert "desk" in everything and "failed" in everything.lower()  # ... and so is the undeliverable alert
    for secret in (FEED_KEY, SMTP_PASSWORD):
        assert secret not in everything
    assert "***" in everything
