"""Settings declared once: every key the configuration may hold, and the checks of a value.

    MONITOR_SETTINGS, FEED_SETTINGS, TOPIC_SETTINGS, ALERT_SETTINGS, HEALTH_SETTINGS
        one Setting(name, type, default, help) per key of [monitor], [[feed]], [[topic]],
        [[alert]] and [health]; tests/test_docs.py checks the README against them
    check_keys(table, settings, ...)  ─► the table's values, defaults filled in; an unknown key
        (with a "did you mean" hint), a missing required key or a wrong type is a ConfigError
    parse_duration, parse_size, expand (${VAR}), strings, redact: the checks every section shares

monitor.config builds the frozen Config from these; the values a key may take beyond its type
(ALERT_MODES, FEED_TYPES, ...) are here too, next to the keys they belong to. No I/O but the
environment and systemd credentials that `${VAR}` reads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from monitor.errors import ConfigError
from monitor.sdnotify import secret

__all__ = [
    "ALERT_MODES",
    "ALERT_SETTINGS",
    "FEED_SETTINGS",
    "FEED_TYPES",
    "FETCH_ARTICLE_MODES",
    "HEALTH_SETTINGS",
    "MONITOR_SETTINGS",
    "REQUIRED",
    "TEMPLATE_KEYS",
    "TEMPLATE_VARIABLES",
    "TOPIC_FIELDS",
    "TOPIC_SETTINGS",
    "URGENT_FIELDS",
    "URGENT_OPS",
    "Setting",
    "check_keys",
    "expand",
    "parse_duration",
    "parse_size",
    "redact",
    "strings",
]

REQUIRED = object()  # a Setting default meaning "the user must give it"


@dataclass(frozen=True)
class Setting:
    name: str
    type: type | tuple[type, ...]
    default: Any
    help: str


MONITOR_SETTINGS = (
    Setting(
        "database", str, "state/monitor.db", "SQLite file; relative paths resolve against the config file"
    ),
    Setting("max_age", (str, int), "2d", "on a feed's first poll, older items are stored without alerts"),
    Setting("include", list, [], "globs of more files holding [[feed]], [[topic]] and [[alert]] tables"),
    Setting("interval", (str, int), "5m", "default poll interval of a feed"),
    Setting("timezone", str, "Asia/Ho_Chi_Minh", "time zone of alert times"),
    Setting("language", str, "vi", "language of alerts: vi or en"),
    Setting("max_body", (str, int), "15MiB", "cap on a decompressed response body"),
    Setting("deadline", (str, int), "60s", "total time one fetch may take, retries included"),
    Setting("per_host", int, 2, "requests at a time to one host"),
    Setting("max_in_flight", int, 16, "requests at a time overall"),
    Setting("retention", (str, int), "90d", "articles and events older than this are pruned"),
    Setting(
        "http",
        str,
        "",
        "address of the /healthz, /metrics and Atom endpoint, e.g. 127.0.0.1:9108; empty: off",
    ),
)
FEED_SETTINGS = (
    Setting("name", str, REQUIRED, "shown in alerts and status"),
    Setting("url", str, REQUIRED, "feed address (http or https)"),
    Setting("interval", (str, int), None, "time between polls, e.g. 5m"),
    Setting("type", str, "rss", "rss (also Atom/RDF), html (a listing page) or sitemap"),
    Setting("fetch_articles", str, "matched", "fetch article pages: matched, all or none"),
    Setting("selectors", dict, {}, "for type = html: item, link, title, time CSS selectors"),
    Setting("page_rule", dict, {}, "overrides of the built-in site rule for this feed's article pages"),
    Setting("enabled", bool, True, "false keeps the feed in the file but does not poll it"),
)
TOPIC_SETTINGS = (
    Setting("id", str, REQUIRED, "short stable identifier, used in routing and the database"),
    Setting("name", str, REQUIRED, "shown in alerts"),
    Setting("terms", list, [], "matched case-insensitively, whole words, diacritics significant"),
    Setting("exact_case", list, [], "matched only with exactly this capitalisation"),
    Setting("ignore", list, [], "phrases inside which an occurrence does not count"),
    Setting("exclude", list, [], "an article containing one of these is never in the topic"),
    Setting("fold_accents", bool, False, "match without regard to diacritics (and đ = d)"),
    Setting("fields", list, ["title", "summary", "text"], "where to look"),
)
ALERT_SETTINGS = (
    Setting("name", str, REQUIRED, "the target's name, used in logs and `notify-test --target`"),
    Setting("urls", list, REQUIRED, "apprise URLs; ${VAR} is expanded from the environment"),
    Setting("topics", list, None, "topic ids routed here; default every topic"),
    Setting("language", str, None, "vi or en; default [monitor] language"),
    Setting("format", str, None, "text, markdown or html; default per service"),
    Setting("mode", str, "instant", "instant (each alert at once) or digest (one message per window)"),
    Setting("every", (str, int), None, "for mode = digest: a digest every this long, e.g. 1h"),
    Setting("at", list, None, 'for mode = digest: local times of the digests, e.g. ["07:30", "17:00"]'),
    Setting(
        "quiet_hours", str, None, 'local window, e.g. "22:00-06:30": alerts wait and go out as one digest'
    ),
    Setting(
        "urgent_if", str, None, 'e.g. "killed >= 10": such an alert ignores quiet hours, digests and the cap'
    ),
    Setting("max_per_hour", int, None, "past this many messages an hour, alerts fold into the next digest"),
    Setting("templates", dict, None, 'Jinja2 {title = "...", body = "..."} replacing the built-in ones'),
    Setting("fallback", str, None, "another target told when an alert to this one gives up"),
)
HEALTH_SETTINGS = (
    Setting("fail_after_polls", int, 6, "a feed is reported after failing this many polls in a row ..."),
    Setting("fail_after", (str, int), "2h", "... and for at least this long (whichever is later)"),
    Setting("target", (str, list), None, "[[alert]] target(s) of source-health alerts; default every target"),
    Setting("quiet", bool, True, "also report a feed that has gone quiet compared with its usual rate"),
    Setting("enabled", bool, True, "false: no source-health alerts at all"),
)
ALERT_MODES = ("instant", "digest")
URGENT_FIELDS = ("killed", "injured")
URGENT_OPS = (">=", ">", "==")
TEMPLATE_KEYS = ("title", "body")
TEMPLATE_VARIABLES = (
    "kind",
    "title",
    "t",
    "bold",
    "bullet",
    "subbullet",
    "link",
    "feed",
    "published",
    "article_title",
    "summary",
    "topics",
    "topic",
    "events",
    "event",
    "changes",
)
FETCH_ARTICLE_MODES = ("matched", "all", "none")
FEED_TYPES = ("rss", "html", "sitemap")
TOPIC_FIELDS = ("title", "summary", "text")

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)")
_DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"b": 1, "kb": 1000, "kib": 1024, "mb": 10**6, "mib": 2**20, "gb": 10**9, "gib": 2**30}
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def redact(text: str, secrets: frozenset[str] | set[str]) -> str:
    """Replace every secret value in `text` by `***` (longest first, so overlaps cannot leak)."""
    for value in sorted(secrets, key=len, reverse=True):
        if value:
            text = text.replace(value, "***")
    return text


def parse_duration(value: str | int | float, *, where: str, key: str) -> float:
    """ "90s", "5m", "1h30m", "2d", or a number of seconds."""
    if isinstance(value, bool):
        raise ConfigError(f'{key} must be a duration such as "5m", not {value!r}', path=where)
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        text = value.strip().replace(" ", "")
        parts = _DURATION.findall(text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise ConfigError(
                f'{key} = {value!r} is not a duration: write a number with a unit, such as "90s", "5m", "2h" or "2d"',
                path=where,
            )
        seconds = sum(float(n) * _DURATION_UNITS[u] for n, u in parts)
    if seconds <= 0:
        raise ConfigError(f"{key} must be longer than zero", path=where)
    return seconds


def parse_size(value: str | int, *, where: str, key: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    m = _SIZE.match(str(value))
    if not m:
        raise ConfigError(f'{key} = {value!r} is not a size: write e.g. "15MiB"', path=where)
    return int(float(m.group(1)) * _SIZE_UNITS[(m.group(2) or "b").lower()])


def expand(value: str, *, where: str, key: str, secrets: set[str]) -> str:
    def substitute(m: re.Match[str]) -> str:
        name = m.group(1)
        found = secret(name)
        if found is None:
            raise ConfigError(
                f"{key} uses ${{{name}}}, which is not set: export {name} in the environment "
                f"(or the EnvironmentFile), or provide it as a systemd credential named {name} "
                f"or {name.lower().replace('_', '-')}",
                path=where,
            )
        secrets.add(found)
        return found

    return _VAR.sub(substitute, value)


def check_keys(
    table: Mapping[str, Any], settings: tuple[Setting, ...], *, where: str, label: str
) -> dict[str, Any]:
    known = {s.name: s for s in settings}
    for key in table:
        if key not in known:
            close = [k for k in known if k.replace("_", "") == key.replace("_", "").replace("-", "")]
            hint = f" (did you mean {close[0]!r}?)" if close else f"; known keys: {', '.join(known)}"
            raise ConfigError(f"{label}: unknown key {key!r}{hint}", path=where)
    values: dict[str, Any] = {}
    for s in settings:
        if s.name not in table:
            if s.default is REQUIRED:
                raise ConfigError(f"{label}: {s.name} is missing ({s.help})", path=where)
            values[s.name] = s.default
            continue
        value = table[s.name]
        if not isinstance(value, s.type) or (isinstance(value, bool) and s.type in (int, (str, int))):
            want = " or ".join(t.__name__ for t in (s.type if isinstance(s.type, tuple) else (s.type,)))
            raise ConfigError(f"{label}: {s.name} must be a {want}, not {value!r}", path=where)
        values[s.name] = value
    return values


def strings(values: Any, *, where: str, label: str, key: str) -> tuple[str, ...]:
    if not all(isinstance(v, str) and v.strip() for v in values):
        raise ConfigError(f"{label}: every item of {key} must be a non-empty string", path=where)
    return tuple(v.strip() for v in values)
