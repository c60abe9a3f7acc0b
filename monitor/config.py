"""Load and validate the TOML configuration into a frozen `Config`.

Every key is declared once in the tables below (name, type, default, help); the loader checks
each file against them, so a typo is an error that names the file, the table and the key rather
than a setting silently ignored. `${VAR}` in strings is expanded from the environment, then from
systemd credentials (`$CREDENTIALS_DIRECTORY/VAR`); every expanded value is a secret and is
redacted from logs, errors and `check` output.
"""

from __future__ import annotations

import glob
import os
import re
import stat
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jinja2
import jinja2.meta

from monitor import sites
from monitor.errors import ConfigError
from monitor.models import Topic
from monitor.sdnotify import secret

DEFAULT_CONFIG = "config/monitor.toml"
ENV_CONFIG = "NEWS_MONITOR_CONFIG"
DEFAULT_INTERVAL = 300.0  # seconds between polls of a feed when it names none
MIN_INTERVAL = 1.0


REQUIRED = object()  # a Setting default meaning "the user must give it"


@dataclass(frozen=True)
class Setting:
    name: str
    type: type | tuple[type, ...]
    default: Any
    help: str


MONITOR_SETTINGS = (
    Setting("database", str, "state/monitor.db", "SQLite file; relative paths resolve against the config file"),
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
    Setting("http", str, "", "address of the /healthz, /metrics and Atom endpoint, e.g. 127.0.0.1:9108; empty: off"),
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
    Setting("at", list, None, "for mode = digest: local times of the digests, e.g. [\"07:30\", \"17:00\"]"),
    Setting("quiet_hours", str, None, "local window, e.g. \"22:00-06:30\": alerts wait and go out as one digest"),
    Setting("urgent_if", str, None, "e.g. \"killed >= 10\": such an alert ignores quiet hours, digests and the cap"),
    Setting("max_per_hour", int, None, "past this many messages an hour, alerts fold into the next digest"),
    Setting("templates", dict, None, "Jinja2 {title = \"...\", body = \"...\"} replacing the built-in ones"),
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
TEMPLATE_VARIABLES = ("kind", "title", "t", "bold", "bullet", "subbullet", "link", "feed", "published", "article_title",
                      "summary", "topics", "topic", "events", "event", "changes")
FETCH_ARTICLE_MODES = ("matched", "all", "none")
FEED_TYPES = ("rss", "html", "sitemap")
TOPIC_FIELDS = ("title", "summary", "text")

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)")
_DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"b": 1, "kb": 1000, "kib": 1024, "mb": 10**6, "mib": 2**20, "gb": 10**9, "gib": 2**30}
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_URGENT = re.compile(r"^\s*(\w+)\s*(>=|>|==)\s*(\d+)\s*$")


@dataclass(frozen=True)
class FeedConfig:
    name: str
    url: str
    interval: float
    type: str = "rss"
    fetch_articles: str = "matched"
    selectors: Mapping[str, str] = field(default_factory=dict)
    page_rule: Mapping[str, Any] = field(default_factory=dict)
    enabled: bool = True
    source: str = ""  # the file it was defined in


@dataclass(frozen=True)
class AlertConfig:
    name: str
    urls: tuple[str, ...]
    topics: tuple[str, ...] | None = None  # None: every topic
    language: str = "vi"
    format: str | None = None
    source: str = ""
    mode: str = "instant"  # "instant" or "digest"
    every: float | None = None  # digest every this many seconds (from local midnight)
    at: tuple[int, ...] = ()  # digest at these local minutes of the day
    quiet_hours: tuple[int, int] | None = None  # (start, end) local minutes of the day
    urgent_if: tuple[str, str, int] | None = None  # (field, op, number)
    max_per_hour: int | None = None
    templates: Mapping[str, str] = field(default_factory=dict)  # "title"/"body" -> Jinja2 source
    fallback: str | None = None

    def routes(self, topic: str) -> bool:
        return self.topics is None or topic in self.topics


@dataclass(frozen=True)
class HealthConfig:
    """[health]: when a broken or silent source is worth an alert, and to whom."""

    fail_after_polls: int = 6
    fail_after: float = 2 * 3600.0
    targets: tuple[str, ...] | None = None  # None: every [[alert]] target
    quiet: bool = True
    enabled: bool = True


@dataclass(frozen=True)
class Config:
    path: Path
    database: Path
    max_age: float
    feeds: tuple[FeedConfig, ...]
    topics: tuple[Topic, ...]
    alerts: tuple[AlertConfig, ...]
    timezone: str = "Asia/Ho_Chi_Minh"
    language: str = "vi"
    max_body: int = 15 * 2**20
    deadline: float = 60.0
    per_host: int = 2
    max_in_flight: int = 16
    retention: float = 90 * 86400.0
    http: str = ""
    health: HealthConfig = field(default_factory=HealthConfig)
    secrets: frozenset[str] = frozenset()
    warnings: tuple[str, ...] = ()

    def redact(self, text: str) -> str:
        return redact(text, self.secrets)


def default_config_path() -> Path:
    return Path(os.environ.get(ENV_CONFIG) or DEFAULT_CONFIG)


def redact(text: str, secrets: frozenset[str] | set[str]) -> str:
    """Replace every secret value in `text` by `***` (longest first, so overlaps cannot leak)."""
    for value in sorted(secrets, key=len, reverse=True):
        if value:
            text = text.replace(value, "***")
    return text


def parse_duration(value: str | int | float, *, where: str, key: str) -> float:
    """"90s", "5m", "1h30m", "2d", or a number of seconds."""
    if isinstance(value, bool):
        raise ConfigError(f"{key} must be a duration such as \"5m\", not {value!r}", path=where)
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        text = value.strip().replace(" ", "")
        parts = _DURATION.findall(text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise ConfigError(
                f"{key} = {value!r} is not a duration: write a number with a unit, such as \"90s\", \"5m\", \"2h\" or \"2d\"",
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
        raise ConfigError(f"{key} = {value!r} is not a size: write e.g. \"15MiB\"", path=where)
    return int(float(m.group(1)) * _SIZE_UNITS[(m.group(2) or "b").lower()])


def _expand(value: str, *, where: str, key: str, secrets: set[str]) -> str:
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


def _check_keys(table: Mapping[str, Any], settings: tuple[Setting, ...], *, where: str, label: str) -> dict[str, Any]:
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


def _strings(values: Any, *, where: str, label: str, key: str) -> tuple[str, ...]:
    if not all(isinstance(v, str) and v.strip() for v in values):
        raise ConfigError(f"{label}: every item of {key} must be a non-empty string", path=where)
    return tuple(v.strip() for v in values)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(
            "file not found: create it (see config/monitor.toml in the repository) or pass --config PATH",
            path=str(path),
        ) from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"not valid TOML: {e}", path=str(path)) from None
    except OSError as e:
        raise ConfigError(f"cannot read: {e.strerror}", path=str(path)) from None


def _feed(table: Any, i: int, *, where: str, default_interval: float, secrets: set[str]) -> FeedConfig:
    label = f"[[feed]] #{i + 1}"
    if not isinstance(table, dict):
        raise ConfigError(f"{label} must be a table", path=where)
    v = _check_keys(table, FEED_SETTINGS, where=where, label=label)
    label = f"[[feed]] {v['name']!r}"
    url = _expand(v["url"].strip(), where=where, key=f"{label}: url", secrets=secrets)  # e.g. an API key
    if not re.match(r"^https?://[^/\s]+", url, re.IGNORECASE):
        raise ConfigError(f"{label}: url {redact(url, secrets)!r} must start with http:// or https://", path=where)
    if v["type"] not in FEED_TYPES:
        raise ConfigError(f"{label}: type must be one of {', '.join(FEED_TYPES)}", path=where)
    if v["fetch_articles"] not in FETCH_ARTICLE_MODES:
        raise ConfigError(f"{label}: fetch_articles must be one of {', '.join(FETCH_ARTICLE_MODES)}", path=where)
    interval = default_interval
    if table.get("interval") is not None:
        interval = max(MIN_INTERVAL, parse_duration(v["interval"], where=where, key=f"{label}: interval"))
    return FeedConfig(
        name=v["name"].strip(),
        url=url,
        interval=interval,
        type=v["type"],
        fetch_articles=v["fetch_articles"],
        selectors={str(k): str(s) for k, s in v["selectors"].items()},
        page_rule=_page_rule(v["page_rule"], url, where=where, label=label),
        enabled=v["enabled"],
        source=where,
    )


def _page_rule(table: dict[str, Any], url: str, *, where: str, label: str) -> dict[str, Any]:
    """A feed's override of the site rule for its article pages, checked now (bad keys, bad CSS)
    rather than when the first page is read."""
    if table:
        try:
            sites.rule_from_table(sites.host_of(url) or "page_rule", table, base=sites.site_rule(sites.host_of(url)))
        except ConfigError as e:
            detail = str(e).removeprefix("config: ").removeprefix(f"[{e.key}]: " if e.key else "")
            raise ConfigError(f"{label}: page_rule: {detail}", path=where) from None
    return table


def _topic(table: Any, i: int, *, where: str) -> Topic:
    label = f"[[topic]] #{i + 1}"
    if not isinstance(table, dict):
        raise ConfigError(f"{label} must be a table", path=where)
    v = _check_keys(table, TOPIC_SETTINGS, where=where, label=label)
    label = f"[[topic]] {v['id']!r}"
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", v["id"]):
        raise ConfigError(f"{label}: id may hold only letters, digits, '-', '_' and '.'", path=where)
    lists = {k: _strings(v[k], where=where, label=label, key=k) for k in ("terms", "exact_case", "ignore", "exclude")}
    if not lists["terms"] and not lists["exact_case"]:
        raise ConfigError(f"{label}: give at least one of terms or exact_case", path=where)
    fields = _strings(v["fields"], where=where, label=label, key="fields")
    bad = [f for f in fields if f not in TOPIC_FIELDS]
    if bad or not fields:
        raise ConfigError(f"{label}: fields may hold only {', '.join(TOPIC_FIELDS)}", path=where)
    return Topic(id=v["id"], name=v["name"].strip(), fold_accents=v["fold_accents"], fields=fields, **lists)


def _alert(table: Any, i: int, *, where: str, secrets: set[str], language: str) -> AlertConfig:
    label = f"[[alert]] #{i + 1}"
    if not isinstance(table, dict):
        raise ConfigError(f"{label} must be a table", path=where)
    v = _check_keys(table, ALERT_SETTINGS, where=where, label=label)
    label = f"[[alert]] {v['name']!r}"
    raw = _strings(v["urls"], where=where, label=label, key="urls")
    if not raw:
        raise ConfigError(f"{label}: urls is empty: give at least one apprise URL", path=where)
    urls = tuple(_expand(u, where=where, key=f"{label}: urls", secrets=secrets) for u in raw)
    for u in urls:
        if "://" not in u:
            raise ConfigError(f"{label}: {redact(u, secrets)!r} is not an apprise URL (scheme://...)", path=where)
    lang = v["language"] or language
    if lang not in ("vi", "en"):
        raise ConfigError(f"{label}: language must be vi or en", path=where)
    if v["format"] not in (None, "text", "markdown", "html"):
        raise ConfigError(f"{label}: format must be text, markdown or html", path=where)
    topics = None if v["topics"] is None else _strings(v["topics"], where=where, label=label, key="topics")
    return AlertConfig(name=v["name"], urls=urls, topics=topics, language=lang, format=v["format"], source=where,
                       **_shaping(v, where=where, label=label))


def _shaping(v: Mapping[str, Any], *, where: str, label: str) -> dict[str, Any]:
    """mode, every/at, quiet_hours, urgent_if, max_per_hour, templates and fallback of one target."""
    if v["mode"] not in ALERT_MODES:
        raise ConfigError(f"{label}: mode must be instant or digest, not {v['mode']!r}", path=where)
    every = None if v["every"] is None else parse_duration(v["every"], where=where, key=f"{label}: every")
    at = () if v["at"] is None else tuple(sorted(
        _clock(t, where=where, key=f"{label}: at") for t in _strings(v["at"], where=where, label=label, key="at")))
    if v["mode"] == "digest" and not (every or at):
        raise ConfigError(f"{label}: mode = \"digest\" needs every = \"1h\" or at = [\"07:30\", ...]", path=where)
    if v["mode"] == "instant" and (every or at):
        raise ConfigError(f"{label}: every and at schedule digests: add mode = \"digest\"", path=where)
    if every and at:
        raise ConfigError(f"{label}: give every or at, not both", path=where)
    if every is not None and every < 60:
        raise ConfigError(f"{label}: every must be at least 1m", path=where)
    cap = v["max_per_hour"]
    if cap is not None and cap < 1:
        raise ConfigError(f"{label}: max_per_hour must be 1 or more", path=where)
    return {
        "mode": v["mode"], "every": every, "at": at, "max_per_hour": cap,
        "quiet_hours": None if v["quiet_hours"] is None else _quiet_hours(v["quiet_hours"], where=where, label=label),
        "urgent_if": None if v["urgent_if"] is None else _urgent(v["urgent_if"], where=where, label=label),
        "templates": _templates(v["templates"] or {}, where=where, label=label),
        "fallback": v["fallback"],
    }


def _clock(text: str, *, where: str, key: str) -> int:
    """"07:30" -> minutes after midnight."""
    m = _CLOCK.match(text.strip())
    if not m:
        raise ConfigError(f"{key}: {text!r} is not a time of day: write HH:MM, e.g. \"07:30\"", path=where)
    return int(m.group(1)) * 60 + int(m.group(2))


def _quiet_hours(text: str, *, where: str, label: str) -> tuple[int, int]:
    start, sep, end = text.partition("-")
    if not sep:
        raise ConfigError(f"{label}: quiet_hours = {text!r} must be a window such as \"22:00-06:30\"", path=where)
    window = (_clock(start, where=where, key=f"{label}: quiet_hours"), _clock(end, where=where, key=f"{label}: quiet_hours"))
    if window[0] == window[1]:
        raise ConfigError(f"{label}: quiet_hours starts and ends at the same time", path=where)
    return window


def _urgent(text: str, *, where: str, label: str) -> tuple[str, str, int]:
    m = _URGENT.match(text)
    if not m or m.group(1) not in URGENT_FIELDS:
        raise ConfigError(
            f"{label}: urgent_if = {text!r} must read FIELD OP NUMBER, with FIELD one of {', '.join(URGENT_FIELDS)} "
            f"and OP one of {' '.join(URGENT_OPS)}, e.g. \"killed >= 10\"", path=where)
    return m.group(1), m.group(2), int(m.group(3))


def _templates(table: Mapping[str, Any], *, where: str, label: str) -> dict[str, str]:
    """Per-target Jinja2 templates, compiled now so a mistake is an error at load, not at 3 a.m."""
    out = {}
    for key, source in table.items():
        if key not in TEMPLATE_KEYS or not isinstance(source, str):
            raise ConfigError(f"{label}: templates.{key}: templates holds title and body strings only", path=where)
        try:
            names = jinja2.meta.find_undeclared_variables(jinja2.Environment().parse(source))
        except jinja2.TemplateSyntaxError as e:
            raise ConfigError(f"{label}: templates.{key} does not compile: {e.message} (line {e.lineno})",
                              path=where) from None
        unknown = sorted(names - set(TEMPLATE_VARIABLES) - set(jinja2.Environment().globals))
        if unknown:
            raise ConfigError(f"{label}: templates.{key} uses {unknown[0]!r}, which templates do not get "
                              f"(they get {', '.join(TEMPLATE_VARIABLES)})", path=where)
        out[key] = source
    return out


def _health(table: Any, *, where: str, names: list[str]) -> HealthConfig:
    if not isinstance(table, dict):
        raise ConfigError("[health] must be a table", path=where)
    v = _check_keys(table, HEALTH_SETTINGS, where=where, label="[health]")
    if v["fail_after_polls"] < 1:
        raise ConfigError("[health]: fail_after_polls must be 1 or more", path=where)
    targets = v["target"]
    if isinstance(targets, str):
        targets = [targets]
    if targets is not None:
        targets = _strings(targets, where=where, label="[health]", key="target")
        for t in targets:
            if t not in names:
                raise ConfigError(f"[health]: target names {t!r}, which no [[alert]] defines "
                                  f"(known: {', '.join(names) or 'none'})", path=where)
    return HealthConfig(
        fail_after_polls=v["fail_after_polls"], quiet=v["quiet"], enabled=v["enabled"], targets=targets,
        fail_after=parse_duration(v["fail_after"], where=where, key="[health]: fail_after"),
    )


def _check_fallbacks(alerts: list[AlertConfig]) -> None:
    names = [a.name for a in alerts]
    for a in alerts:
        if a.fallback is not None and (a.fallback not in names or a.fallback == a.name):
            raise ConfigError(
                f"[[alert]] {a.name!r}: fallback names {a.fallback!r}, which is not another [[alert]] "
                f"(known: {', '.join(n for n in names if n != a.name) or 'none'})", path=a.source)


def _collect(
    tables: list[tuple[str, dict[str, Any]]], key: str, build: Callable[[Any, int, str], Any]
) -> list[Any]:
    out = []
    for where, doc in tables:
        items = doc.get(key, [])
        if not isinstance(items, list):
            raise ConfigError(f"{key} must be written as [[{key}]] tables", path=where)
        out.extend(build(item, i, where) for i, item in enumerate(items))
    return out


def _unique(items: list[Any], attr: str, kind: str) -> None:
    seen: dict[str, str] = {}
    for item in items:
        value = getattr(item, attr)
        if value in seen:
            raise ConfigError(
                f"[[{kind}]] {attr} {value!r} is defined twice (also in {seen[value]}): {attr}s must be unique",
                path=item.source if hasattr(item, "source") else None,
            )
        seen[value] = getattr(item, "source", "")


def _permissions_warning(path: Path, secrets: set[str]) -> list[str]:
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    holds_secret = any(s and s in text for s in secrets) or bool(re.search(r"://[^/\s:@]+:[^@\s$]+@", text))
    if holds_secret and mode & (stat.S_IROTH | stat.S_IWOTH):
        return [f"{path}: holds a secret and is readable by other users: run `chmod 600 {path}`"]
    return []


def _http_address(value: str, *, where: str) -> str:
    if not value:
        return ""
    if not re.fullmatch(r"[A-Za-z0-9.\-\[\]:]*:\d{1,5}", value) or int(value.rpartition(":")[2]) > 65535:
        raise ConfigError(f"[monitor]: http = {value!r} must be HOST:PORT, e.g. \"127.0.0.1:9108\"", path=where)
    return value


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read the main file and its includes; raise ConfigError naming the file and key on any problem."""
    main = Path(path) if path is not None else default_config_path()
    doc = _read_toml(main)
    where = str(main)
    unknown = set(doc) - {"monitor", "feed", "topic", "alert", "health"}
    if unknown:
        raise ConfigError(
            f"unknown table {sorted(unknown)[0]!r}: the file may hold [monitor], [[feed]], [[topic]], [[alert]] "
            "and [health]",
            path=where,
        )
    m = _check_keys(doc.get("monitor", {}), MONITOR_SETTINGS, where=where, label="[monitor]")
    base = main.parent
    tables = [(where, doc)]
    for pattern in _strings(m["include"], where=where, label="[monitor]", key="include"):
        for inc in sorted(glob.glob(str(base / pattern))):
            sub = _read_toml(Path(inc))
            extra = set(sub) - {"feed", "topic", "alert"}
            if extra:
                raise ConfigError(
                    f"an included file may hold only [[feed]], [[topic]] and [[alert]], not {sorted(extra)[0]!r}",
                    path=inc,
                )
            tables.append((inc, sub))
    interval = max(MIN_INTERVAL, parse_duration(m["interval"], where=where, key="[monitor]: interval"))
    if m["language"] not in ("vi", "en"):
        raise ConfigError("[monitor]: language must be vi or en", path=where)
    try:
        ZoneInfo(m["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"[monitor]: timezone {m['timezone']!r} is not a known IANA zone (e.g. Asia/Ho_Chi_Minh)", path=where
        ) from None
    secrets: set[str] = set()
    feeds = _collect(tables, "feed", lambda t, i, w: _feed(t, i, where=w, default_interval=interval, secrets=secrets))
    topics = _collect(tables, "topic", lambda t, i, w: _topic(t, i, where=w))
    alerts = _collect(
        tables, "alert", lambda t, i, w: _alert(t, i, where=w, secrets=secrets, language=m["language"])
    )
    _unique(feeds, "url", "feed")
    _unique(feeds, "name", "feed")
    _unique(alerts, "name", "alert")
    ids = [t.id for t in topics]
    for dup in {i for i in ids if ids.count(i) > 1}:
        raise ConfigError(f"[[topic]] id {dup!r} is defined twice: topic ids must be unique", path=where)
    for a in alerts:
        for t in a.topics or ():
            if t not in ids:
                raise ConfigError(
                    f"[[alert]] {a.name!r}: topics names {t!r}, which no [[topic]] defines (known: {', '.join(ids) or 'none'})",
                    path=a.source,
                )
    _check_fallbacks(alerts)
    health = _health(doc.get("health", {}), where=where, names=[a.name for a in alerts])
    warnings = [w for p in (main, *(Path(w) for w, _ in tables[1:])) for w in _permissions_warning(p, secrets)]
    db = Path(m["database"]).expanduser()
    if not db.is_absolute():  # under systemd, state lives in StateDirectory, not beside the config
        db = Path(os.environ["STATE_DIRECTORY"].split(":")[0]) / db.name if os.environ.get("STATE_DIRECTORY") else base / db
    return Config(
        path=main,
        database=db,
        max_age=parse_duration(m["max_age"], where=where, key="[monitor]: max_age"),
        feeds=tuple(f for f in feeds if f.enabled),
        topics=tuple(topics),
        alerts=tuple(alerts),
        timezone=m["timezone"],
        language=m["language"],
        max_body=parse_size(m["max_body"], where=where, key="[monitor]: max_body"),
        deadline=parse_duration(m["deadline"], where=where, key="[monitor]: deadline"),
        per_host=m["per_host"],
        max_in_flight=m["max_in_flight"],
        retention=parse_duration(m["retention"], where=where, key="[monitor]: retention"),
        http=_http_address(m["http"], where=where),
        health=health,
        secrets=frozenset(secrets),
        warnings=tuple(warnings),
    )
