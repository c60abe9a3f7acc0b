"""The [[alert]] section: one alert target, checked when the configuration loads.

    alert_from_table(table, i, ...) ─► AlertConfig: URLs (${VAR} expanded, every value a secret),
        topics routed, language, format, and how alerts are shaped: instant or digest (every /
        at), quiet_hours, urgent_if, max_per_hour, Jinja2 templates (compiled now, so a mistake is
        an error at load, not at 3 a.m.) and a fallback target
    check_fallbacks(alerts) ─► every fallback names another target

The keys and their types are ALERT_SETTINGS in monitor.settings; monitor.config calls these
for each [[alert]] table of every file and keeps AlertConfig importable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import jinja2
import jinja2.meta

from monitor.errors import ConfigError
from monitor.settings import (
    ALERT_MODES,
    ALERT_SETTINGS,
    TEMPLATE_KEYS,
    TEMPLATE_VARIABLES,
    URGENT_FIELDS,
    URGENT_OPS,
    check_keys,
    expand,
    parse_duration,
    redact,
    strings,
)

__all__ = ["AlertConfig", "alert_from_table", "check_fallbacks"]

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_URGENT = re.compile(r"^\s*(\w+)\s*(>=|>|==)\s*(\d+)\s*$")


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


def alert_from_table(table: Any, i: int, *, where: str, secrets: set[str], language: str) -> AlertConfig:
    label = f"[[alert]] #{i + 1}"
    if not isinstance(table, dict):
        raise ConfigError(f"{label} must be a table", path=where)
    v = check_keys(table, ALERT_SETTINGS, where=where, label=label)
    label = f"[[alert]] {v['name']!r}"
    raw = strings(v["urls"], where=where, label=label, key="urls")
    if not raw:
        raise ConfigError(f"{label}: urls is empty: give at least one apprise URL", path=where)
    urls = tuple(expand(u, where=where, key=f"{label}: urls", secrets=secrets) for u in raw)
    for u in urls:
        if "://" not in u:
            raise ConfigError(
                f"{label}: {redact(u, secrets)!r} is not an apprise URL (scheme://...)", path=where
            )
    lang = v["language"] or language
    if lang not in ("vi", "en"):
        raise ConfigError(f"{label}: language must be vi or en", path=where)
    if v["format"] not in (None, "text", "markdown", "html"):
        raise ConfigError(f"{label}: format must be text, markdown or html", path=where)
    topics = None if v["topics"] is None else strings(v["topics"], where=where, label=label, key="topics")
    return AlertConfig(
        name=v["name"],
        urls=urls,
        topics=topics,
        language=lang,
        format=v["format"],
        source=where,
        **_shaping(v, where=where, label=label),
    )


def _shaping(v: Mapping[str, Any], *, where: str, label: str) -> dict[str, Any]:
    """mode, every/at, quiet_hours, urgent_if, max_per_hour, templates and fallback of one target."""
    if v["mode"] not in ALERT_MODES:
        raise ConfigError(f"{label}: mode must be instant or digest, not {v['mode']!r}", path=where)
    every = None if v["every"] is None else parse_duration(v["every"], where=where, key=f"{label}: every")
    at = (
        ()
        if v["at"] is None
        else tuple(
            sorted(
                _clock(t, where=where, key=f"{label}: at")
                for t in strings(v["at"], where=where, label=label, key="at")
            )
        )
    )
    if v["mode"] == "digest" and not (every or at):
        raise ConfigError(f'{label}: mode = "digest" needs every = "1h" or at = ["07:30", ...]', path=where)
    if v["mode"] == "instant" and (every or at):
        raise ConfigError(f'{label}: every and at schedule digests: add mode = "digest"', path=where)
    if every and at:
        raise ConfigError(f"{label}: give every or at, not both", path=where)
    if every is not None and every < 60:
        raise ConfigError(f"{label}: every must be at least 1m", path=where)
    cap = v["max_per_hour"]
    if cap is not None and cap < 1:
        raise ConfigError(f"{label}: max_per_hour must be 1 or more", path=where)
    return {
        "mode": v["mode"],
        "every": every,
        "at": at,
        "max_per_hour": cap,
        "quiet_hours": None
        if v["quiet_hours"] is None
        else _quiet_hours(v["quiet_hours"], where=where, label=label),
        "urgent_if": None if v["urgent_if"] is None else _urgent(v["urgent_if"], where=where, label=label),
        "templates": _templates(v["templates"] or {}, where=where, label=label),
        "fallback": v["fallback"],
    }


def _clock(text: str, *, where: str, key: str) -> int:
    """ "07:30" -> minutes after midnight."""
    m = _CLOCK.match(text.strip())
    if not m:
        raise ConfigError(f'{key}: {text!r} is not a time of day: write HH:MM, e.g. "07:30"', path=where)
    return int(m.group(1)) * 60 + int(m.group(2))


def _quiet_hours(text: str, *, where: str, label: str) -> tuple[int, int]:
    start, sep, end = text.partition("-")
    if not sep:
        raise ConfigError(
            f'{label}: quiet_hours = {text!r} must be a window such as "22:00-06:30"', path=where
        )
    window = (
        _clock(start, where=where, key=f"{label}: quiet_hours"),
        _clock(end, where=where, key=f"{label}: quiet_hours"),
    )
    if window[0] == window[1]:
        raise ConfigError(f"{label}: quiet_hours starts and ends at the same time", path=where)
    return window


def _urgent(text: str, *, where: str, label: str) -> tuple[str, str, int]:
    m = _URGENT.match(text)
    if not m or m.group(1) not in URGENT_FIELDS:
        raise ConfigError(
            f"{label}: urgent_if = {text!r} must read FIELD OP NUMBER, with FIELD one of {', '.join(URGENT_FIELDS)} "
            f'and OP one of {" ".join(URGENT_OPS)}, e.g. "killed >= 10"',
            path=where,
        )
    return m.group(1), m.group(2), int(m.group(3))


def _templates(table: Mapping[str, Any], *, where: str, label: str) -> dict[str, str]:
    """Per-target Jinja2 templates, compiled now so a mistake is an error at load, not at 3 a.m."""
    out = {}
    for key, source in table.items():
        if key not in TEMPLATE_KEYS or not isinstance(source, str):
            raise ConfigError(
                f"{label}: templates.{key}: templates holds title and body strings only", path=where
            )
        try:
            names = jinja2.meta.find_undeclared_variables(jinja2.Environment().parse(source))
        except jinja2.TemplateSyntaxError as e:
            raise ConfigError(
                f"{label}: templates.{key} does not compile: {e.message} (line {e.lineno})", path=where
            ) from None
        unknown = sorted(names - set(TEMPLATE_VARIABLES) - set(jinja2.Environment().globals))
        if unknown:
            raise ConfigError(
                f"{label}: templates.{key} uses {unknown[0]!r}, which templates do not get "
                f"(they get {', '.join(TEMPLATE_VARIABLES)})",
                path=where,
            )
        out[key] = source
    return out


def check_fallbacks(alerts: list[AlertConfig]) -> None:
    names = [a.name for a in alerts]
    for a in alerts:
        if a.fallback is not None and (a.fallback not in names or a.fallback == a.name):
            raise ConfigError(
                f"[[alert]] {a.name!r}: fallback names {a.fallback!r}, which is not another [[alert]] "
                f"(known: {', '.join(n for n in names if n != a.name) or 'none'})",
                path=a.source,
            )
