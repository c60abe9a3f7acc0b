"""Logging set-up, done once by the CLI: stderr, journald-friendly, JSON on request, secrets redacted.

Under systemd (`$JOURNAL_STREAM` set) lines carry a `<N>` priority prefix and no timestamp
(journald adds its own); on a terminal they carry a short timestamp; `--log-format json` gives
one JSON object a line for log shippers. Every line passes through a filter that replaces the
configuration's secrets by `***`, whatever module logged it (apprise included).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Iterable
from typing import TextIO

from monitor.config import redact

_PRIORITY = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3, logging.CRITICAL: 2}


class RedactingFilter(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            record.msg, record.args = redact(record.getMessage(), self.secrets), None
        return True


class JournalFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"<{_PRIORITY.get(record.levelno, 6)}>{record.name}: {super().format(record)}"


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        doc = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(record.created)),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False)


class _StderrHandler(logging.StreamHandler[TextIO]):
    """The handler setup() installs: its class marks it, so a second setup() replaces it."""


_filter = RedactingFilter()


def setup(*, fmt: str = "text", level: int = logging.INFO) -> RedactingFilter:
    """Install one stderr handler on the root logger (replacing any earlier one of ours)."""
    root = logging.getLogger()
    for h in list(root.handlers):
        if isinstance(h, _StderrHandler):
            root.removeHandler(h)
    handler = _StderrHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JSONFormatter())
    elif os.environ.get("JOURNAL_STREAM"):
        handler.setFormatter(JournalFormatter("%(message)s"))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
    handler.addFilter(_filter)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "asyncio"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    return _filter


def add_secrets(secrets: Iterable[str]) -> None:
    _filter.secrets.update(s for s in secrets if s)
