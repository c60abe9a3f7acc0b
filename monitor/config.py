"""Load and validate the TOML configuration into a frozen `Config`.

Every key is declared once in the tables of monitor.settings (name, type, default, help; they
stay importable from here), and the loader checks each file against them, so a typo is an error
that names the file, the table and the key rather than a setting silently ignored. `${VAR}` in
strings is expanded from the environment, then from systemd credentials
(`$CREDENTIALS_DIRECTORY/VAR`); every expanded value is a secret and is redacted from logs,
errors and `check` output. Each [[alert]] table is read by monitor.alertconfig.
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

from monitor import sites
from monitor.alertconfig import AlertConfig, alert_from_table, check_fallbacks
from monitor.errors import ConfigError
from monitor.models import Topic
from monitor.settings import (
    ALERT_SETTINGS,
    FEED_SETTINGS,
    FEED_TYPES,
    FETCH_ARTICLE_MODES,
    HEALTH_SETTINGS,
    MONITOR_SETTINGS,
    TOPIC_FIELDS,
    TOPIC_SETTINGS,
    check_keys,
    expand,
    parse_duration,
    parse_size,
    redact,
    strings,
)

__all__ = [
    "ALERT_SETTINGS",
    "DEFAULT_CONFIG",
    "ENV_CONFIG",
    "FEED_SETTINGS",
    "HEALTH_SETTINGS",
    "MONITOR_SETTINGS",
    "TOPIC_SETTINGS",
    "AlertConfig",
    "Config",
    "FeedConfig",
    "HealthConfig",
    "default_config_path",
    "load_config",
    "parse_duration",
    "parse_size",
    "redact",
]

DEFAULT_CONFIG = "config/monitor.toml"
ENV_CONFIG = "NEWS_MONITOR_CONFIG"
DEFAULT_INTERVAL = 300.0  # seconds between polls of a feed when it names none
MIN_INTERVAL = 1.0


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
    v = check_keys(table, FEED_SETTINGS, where=where, label=label)
    label = f"[[feed]] {v['name']!r}"
    url = expand(v["url"].strip(), where=where, key=f"{label}: url", secrets=secrets)  # e.g. an API key
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
    v = check_keys(table, TOPIC_SETTINGS, where=where, label=label)
    label = f"[[topic]] {v['id']!r}"
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", v["id"]):
        raise ConfigError(f"{label}: id may hold only letters, digits, '-', '_' and '.'", path=where)
    lists = {k: strings(v[k], where=where, label=label, key=k) for k in ("terms", "exact_case", "ignore", "exclude")}
    if not lists["terms"] and not lists["exact_case"]:
        raise ConfigError(f"{label}: give at least one of terms or exact_case", path=where)
    fields = strings(v["fields"], where=where, label=label, key="fields")
    bad = [f for f in fields if f not in TOPIC_FIELDS]
    if bad or not fields:
        raise ConfigError(f"{label}: fields may hold only {', '.join(TOPIC_FIELDS)}", path=where)
    return Topic(id=v["id"], name=v["name"].strip(), fold_accents=v["fold_accents"], fields=fields, **lists)


def _health(table: Any, *, where: str, names: list[str]) -> HealthConfig:
    if not isinstance(table, dict):
        raise ConfigError("[health] must be a table", path=where)
    v = check_keys(table, HEALTH_SETTINGS, where=where, label="[health]")
    if v["fail_after_polls"] < 1:
        raise ConfigError("[health]: fail_after_polls must be 1 or more", path=where)
    targets = v["target"]
    if isinstance(targets, str):
        targets = [targets]
    if targets is not None:
        targets = strings(targets, where=where, label="[health]", key="target")
        for t in targets:
            if t not in names:
                raise ConfigError(f"[health]: target names {t!r}, which no [[alert]] defines "
                                  f"(known: {', '.join(names) or 'none'})", path=where)
    return HealthConfig(
        fail_after_polls=v["fail_after_polls"], quiet=v["quiet"], enabled=v["enabled"], targets=targets,
        fail_after=parse_duration(v["fail_after"], where=where, key="[health]: fail_after"),
    )


def _collect(
    tables: list[tuple[str, dict[str, Any]]], key: str, build: Callable[[Any, int, str], Any]
) -> list[Any]:
    out: list[Any] = []
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


def _includes(patterns: Any, base: Path, *, where: str) -> list[tuple[str, dict[str, Any]]]:
    """(file, its tables) of every file the [monitor] include globs name, in sorted order."""
    tables = []
    for pattern in strings(patterns, where=where, label="[monitor]", key="include"):
        for inc in sorted(glob.glob(str(base / pattern))):
            sub = _read_toml(Path(inc))
            extra = set(sub) - {"feed", "topic", "alert"}
            if extra:
                raise ConfigError(
                    f"an included file may hold only [[feed]], [[topic]] and [[alert]], not {sorted(extra)[0]!r}",
                    path=inc,
                )
            tables.append((inc, sub))
    return tables


def _check_topic_ids(topics: list[Topic], alerts: list[AlertConfig], *, where: str) -> None:
    """Topic ids are unique, and every topic an [[alert]] routes is defined."""
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


def _database(value: str, base: Path) -> Path:
    db = Path(value).expanduser()
    if not db.is_absolute():  # under systemd, state lives in StateDirectory, not beside the config
        db = Path(os.environ["STATE_DIRECTORY"].split(":")[0]) / db.name if os.environ.get("STATE_DIRECTORY") else base / db
    return db


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
    m = check_keys(doc.get("monitor", {}), MONITOR_SETTINGS, where=where, label="[monitor]")
    base = main.parent
    tables = [(where, doc), *_includes(m["include"], base, where=where)]
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
        tables, "alert", lambda t, i, w: alert_from_table(t, i, where=w, secrets=secrets, language=m["language"])
    )
    _unique(feeds, "url", "feed")
    _unique(feeds, "name", "feed")
    _unique(alerts, "name", "alert")
    _check_topic_ids(topics, alerts, where=where)
    check_fallbacks(alerts)
    health = _health(doc.get("health", {}), where=where, names=[a.name for a in alerts])
    warnings = [w for p in (main, *(Path(w) for w, _ in tables[1:])) for w in _permissions_warning(p, secrets)]
    return Config(
        path=main,
        database=_database(m["database"], base),
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
