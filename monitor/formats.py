"""Message formats: which body format and length a target gets, the Jinja environment per format,
and the words the templates use. Part of the alerts stage; no apprise here.

    format_for(url) ─► "text" | "markdown" | "html"     (the URL's `?format=`, else FORMATS by scheme)
    limit_for(url)  ─► characters per message, or None for the console (LIMITS, else DEFAULT_LIMIT)
    environment(body_format) ─► jinja2.Environment over monitor/templates/*.j2, one per format
    labels(language), LABELS, EVENT_TYPES, DELIVERY_WORDS ─► monitor/templates/labels.toml, delivery.toml

Traps handled: every value a template prints passes the format's `finalize` (monitor.escape:
controls and bidi characters removed, URL schemes defanged, Markdown escaped; HTML is
autoescaped), so no template can forget to escape feed text; only markup built here (`bold`,
`link`, bullets) is trusted. Undefined template variables raise (StrictUndefined) instead of
printing nothing. An unknown format or language is a ValueError naming the valid ones. A title
that apprise would merge into a Markdown/HTML body unescaped (Telegram, IRC) is written here as an
escaped bold first line (`title_block`), and `title_cost` says how much of a limit it takes.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qsl

import jinja2
from markupsafe import Markup

from monitor.escape import clean, escape_markdown, plain

__all__ = [
    "DEFAULT_LIMIT", "DELIVERY_WORDS", "EVENT_TYPES", "FORMATS", "LABELS", "LIMITS", "TEMPLATES", "Format",
    "environment", "format_for", "format_of", "labels", "limit_for", "title_block", "title_cost",
]

FORMATS: Mapping[str, str] = MappingProxyType({
    "console": "text", "mailto": "text", "mailtos": "text", "irc": "text", "ircs": "text",
    "json": "text", "jsons": "text",
    "matrix": "markdown", "matrixs": "markdown", "tgram": "markdown",
})
"""Default body format per apprise scheme; anything else gets plain text."""

LIMITS: Mapping[str, int] = MappingProxyType({
    "tgram": 4096,  # Telegram's message limit
    "matrix": 16000, "matrixs": 16000,  # 64 KB per event, holding body and formatted_body, in UTF-8
    "irc": 380, "ircs": 380,  # one IRC line (512 bytes with the protocol prefix); apprise's own cap
    "discord": 2000, "ntfy": 3900, "ntfys": 3900,
    "mailto": 100_000, "mailtos": 100_000,
})
"""Characters per message (title included) by apprise scheme; others get DEFAULT_LIMIT."""

DEFAULT_LIMIT = 32768  # apprise's own default body_maxlen

TEMPLATES = jinja2.PackageLoader("monitor", "templates")


# ----------------------------------------------------------------------------- languages

def _load_labels() -> Mapping[str, Mapping[str, Any]]:
    """monitor/templates/labels.toml: the templates' words per language, and event type names."""
    text = resources.files("monitor").joinpath("templates", "labels.toml").read_text(encoding="utf-8")
    return MappingProxyType(tomllib.loads(text))


LABELS = _load_labels()
EVENT_TYPES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {lang: MappingProxyType(words["event_types"]) for lang, words in LABELS.items()}
)


def labels(language: str) -> Mapping[str, str]:
    """The templates' words in `language` (a ValueError names the languages there are)."""
    if language not in LABELS:
        raise ValueError(f"alerts: language must be one of {sorted(LABELS)}, not {language!r}")
    return LABELS[language]


# ----------------------------------------------------------------------------- formats


@dataclass(frozen=True)
class Format:
    """How one body format escapes printed values (`finalize`) and writes bold, links and bullets."""

    name: str
    finalize: Callable[[Any], Any]
    bold: Callable[[str], Markup]
    link: Callable[[str, str], Markup]
    bullet: Markup
    subbullet: Markup


def _finalize_text(value: Any) -> Any:
    return value if isinstance(value, Markup) else clean(value)


def _finalize_markdown(value: Any) -> Any:
    return value if isinstance(value, Markup) else Markup(escape_markdown(clean(value)))


_FORMATS: Mapping[str, Format] = MappingProxyType({
    "text": Format(
        "text", _finalize_text, lambda s: Markup(clean(s)), lambda url, label: Markup(url),
        Markup("• "), Markup("   – "),
    ),
    "markdown": Format(
        "markdown", _finalize_markdown, lambda s: Markup(f"**{escape_markdown(clean(s))}**"),
        lambda url, label: Markup(f"[{escape_markdown(plain(label))}](<{url}>)"),
        Markup("• "), Markup("   – "),
    ),
    "html": Format(
        "html", _finalize_text, lambda s: Markup("<b>{}</b>").format(clean(s)),
        lambda url, label: Markup('<a href="{}">{}</a>').format(url, plain(label)),
        Markup("• "), Markup("&nbsp;&nbsp;&nbsp;– "),
    ),
})


def format_of(body_format: str) -> Format:
    """The Format named "text", "markdown" or "html" (a ValueError for anything else)."""
    if body_format not in _FORMATS:
        raise ValueError(f"alerts: body_format must be one of {sorted(_FORMATS)}, not {body_format!r}")
    return _FORMATS[body_format]


@functools.cache
def environment(body_format: str) -> jinja2.Environment:
    """The Jinja environment of a format, built once: its finalize escapes every printed value."""
    fmt = format_of(body_format)
    return jinja2.Environment(
        loader=TEMPLATES, autoescape=body_format == "html", finalize=fmt.finalize,
        trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
    )


def _scheme(url: str) -> str:
    return url.split("://", 1)[0].lower() if "://" in url else ""


def format_for(url: str) -> str:
    """"text", "markdown" or "html" for an apprise URL: its `?format=` if given, else by scheme."""
    query = url.split("?", 1)[1] if "?" in url else ""
    asked = dict(parse_qsl(query)).get("format", "").lower()
    if asked in _FORMATS:
        return asked
    return FORMATS.get(_scheme(url), "text")


def limit_for(url: str) -> int | None:
    """The message length (characters, title included) the service takes; None for the console."""
    scheme = _scheme(url)
    if scheme == "console":
        return None
    return LIMITS.get(scheme, DEFAULT_LIMIT)


# ----------------------------------------------------------------------------- delivery words
# Digests, source-health and "delivery failed" notices take their words from delivery.toml.


def _load_delivery_words() -> Mapping[str, Mapping[str, str]]:
    text = resources.files("monitor").joinpath("templates", "delivery.toml").read_text(encoding="utf-8")
    return MappingProxyType(tomllib.loads(text))


DELIVERY_WORDS = _load_delivery_words()


# ----------------------------------------------------------------------------- titles


def title_block(title: str, body_format: str) -> str:
    """The title as the escaped bold first line of a body, for services that merge the two."""
    gap = "\n\n" if body_format == "markdown" else "<br>\n<br>\n" if body_format == "html" else "\n\n"
    return str(_FORMATS[body_format].bold(title)) + gap  # str: Markup + str would escape the body


def title_cost(title: str, body_format: str) -> int:
    """Characters the title takes from a service's limit (apprise may merge it into the body)."""
    return len(title_block(title, body_format)) if title else 0
