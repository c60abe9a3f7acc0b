"""Site rules: the loader of monitor/data/sites.toml, the one .py file allowed to name outlets.

    load_rules(text=None)           ─► {host: SiteRule} (the packaged sites.toml when text is None)
    site_rule(host)                 ─► SiteRule | None for a host or any parent domain of it
    rule_from_table(name, table, base=rule) ─► a feed's `page_rule` laid over the built-in rule
    listing_rule(url, selectors)    ─► ListingRule | None for a listing page (`type = "html"`)

A rule is data (selectors for title, lead, body, author, what to remove, where the dates are,
and a listing page's items), read by `monitor.pages`; see docs/site-rules.md. Everything is
checked when it is loaded, so a bad rule is a `ConfigError` naming the table at startup, never
an exception in the middle of a poll. Traps handled: a key that is misspelled (`bodyy`), a
selector lexbor cannot parse (`div[[[`), a date source that does not exist (`rss:item`, a bare
`byline` without its selector), a `strip_lead_prefix` that is not a regex, a string where a list
is meant (one selector is accepted as a list of one), a host written in any case or with a
subdomain (`kinhdoanh.vnexpress.net` finds the rule of `vnexpress.net`, the alias
`zingnews.vn` that of `znews.vn`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from monitor.errors import ConfigError

__all__ = [
    "PARAGRAPHS",
    "ListingRule",
    "SiteRule",
    "host_of",
    "listing_rule",
    "load_rules",
    "rule_from_table",
    "site_rule",
    "split_spec",
]

PARAGRAPHS = "p, h2, h3, h4, li, blockquote, pre"
"""What counts as a paragraph of an article body, unless a rule says otherwise."""

_ATTR_SPEC = re.compile(r"(.+)@([\w:.-]+)")


def split_spec(spec: str) -> tuple[str, str | None]:
    """"selector@attr" -> ("selector", "attr"); "selector" -> ("selector", None)."""
    match = _ATTR_SPEC.fullmatch(spec.strip())
    selector, attr = match.groups() if match else (spec, None)
    return selector.strip(), attr


@dataclass(frozen=True)
class ListingRule:
    """Selectors of a listing page: each `item` holds a `link` (href), a `title` and maybe a `time`."""

    item: str
    link: str = "a[href]"
    title: str = ""  # empty: the link's text, then its title attribute
    time: str = ""  # "selector" (text) or "selector@attr"


@dataclass(frozen=True)
class SiteRule:
    """Selectors for one outlet, read from one table of monitor/data/sites.toml."""

    name: str  # the table's key: the outlet's main host
    hosts: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    paragraphs: str = PARAGRAPHS
    author: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    published: tuple[str, ...] = ("meta", "jsonld", "time")
    updated: tuple[str, ...] = ("meta", "jsonld")
    trust_offset: bool = True  # false: read meta/JSON-LD times as Vietnam wall-clock time
    strip_lead_prefix: str = ""  # a regex removed from the start of the lead, e.g. "(Dân trí) - "
    listing: ListingRule | None = None


_TUPLE_FIELDS = ("hosts", "title", "lead", "body", "author", "remove", "published", "updated")
_KNOWN_KEYS = set(_TUPLE_FIELDS) | {"paragraphs", "trust_offset", "strip_lead_prefix", "listing"}
_DATE_KEYS = ("meta", "jsonld", "time")


def rule_from_table(name: str, table: Mapping[str, Any], *, base: SiteRule | None = None) -> SiteRule:
    """Build (or override `base` with) a rule from a TOML table; bad keys or selectors → ConfigError."""
    unknown = set(table) - _KNOWN_KEYS
    if unknown:
        raise ConfigError(f"unknown site-rule keys {sorted(unknown)}", key=name)
    rule = base or SiteRule(name=name, hosts=(name,))
    changes: dict[str, Any] = {}
    for key, value in table.items():
        if key in _TUPLE_FIELDS:
            value = (value,) if isinstance(value, str) else value
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{key} must be a string or a list of strings", key=name)
            value = tuple(value)
        elif key == "listing":
            value = _listing_from_table(name, value, rule.listing)
        elif not isinstance(value, bool if key == "trust_offset" else str):
            raise ConfigError(f"{key} must be {'true or false' if key == 'trust_offset' else 'a string'}", key=name)
        changes[key] = value
    rule = replace(rule, **changes)
    _check_rule(rule)
    return rule


def _listing_from_table(name: str, value: Any, base: ListingRule | None) -> ListingRule:
    if not isinstance(value, Mapping) or set(value) - {"item", "link", "title", "time"}:
        raise ConfigError("listing takes item, link, title and time selectors", key=name)
    fields = {"item": "", "link": "a[href]", "title": "", "time": ""}
    if base is not None:
        fields.update(item=base.item, link=base.link, title=base.title, time=base.time)
    fields.update({k: str(v) for k, v in value.items()})
    if not fields["item"]:
        raise ConfigError("a listing needs an `item` selector", key=name)
    return ListingRule(**fields)


_DATE_KINDS = ("epoch", "byline", "iso")


def _check_rule(rule: SiteRule) -> None:
    """Every selector parses, every date source is known, the lead prefix is a regex."""
    for source in (*rule.published, *rule.updated):
        kind, colon, spec = source.partition(":")
        if (colon and (kind not in _DATE_KINDS or not spec.strip())) or (not colon and source not in _DATE_KEYS):
            raise ConfigError(f"unknown date source {source!r} (use meta, jsonld, time, or "
                              f"{', '.join(k + ':SELECTOR' for k in _DATE_KINDS)})", key=rule.name)
    try:
        re.compile(rule.strip_lead_prefix)
    except re.error as exc:
        raise ConfigError(f"strip_lead_prefix is not a regular expression: {exc}", key=rule.name) from None
    _check_selectors(rule)


def _check_selectors(rule: SiteRule) -> None:
    probe = LexborHTMLParser("<p></p>")
    selectors = [*rule.title, *rule.lead, *rule.body, *rule.author, *rule.remove, rule.paragraphs]
    selectors += [s.split(":", 1)[1] for s in (*rule.published, *rule.updated) if ":" in s]
    if rule.listing:
        selectors += [rule.listing.item, rule.listing.link, rule.listing.title, rule.listing.time]
    for sel in selectors:
        sel = split_spec(sel)[0]
        if not sel:
            continue
        try:
            probe.css(sel)
        except SelectolaxError:
            raise ConfigError(f"invalid CSS selector {sel!r}", key=rule.name) from None


def load_rules(text: str | None = None) -> dict[str, SiteRule]:
    """Parse sites.toml (the packaged file when `text` is None) into {host: rule} for every host."""
    if text is None:
        text = resources.files("monitor").joinpath("data/sites.toml").read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"sites.toml: {exc}") from None
    rules: dict[str, SiteRule] = {}
    for name, table in data.items():
        if not isinstance(table, Mapping):
            raise ConfigError("each site rule is a table", key=name)
        rule = rule_from_table(name, table)
        for host in {name, *rule.hosts}:
            rules[host.lower()] = rule
    return rules


@cache
def _packaged_rules() -> dict[str, SiteRule]:
    return load_rules()


def site_rule(host: str | None) -> SiteRule | None:
    """The built-in rule for `host` or any parent domain of it ("kinhdoanh.vnexpress.net" → vnexpress.net)."""
    if not host:
        return None
    labels = host.lower().strip(".").split(".")
    rules = _packaged_rules()
    for i in range(len(labels) - 1):
        rule = rules.get(".".join(labels[i:]))
        if rule is not None:
            return rule
    return None


def listing_rule(url: str, selectors: Mapping[str, str] | None) -> ListingRule | None:
    """The feed's selectors over the host's built-in listing rule (either may be missing)."""
    rule = site_rule(host_of(url))
    base = rule.listing if rule else None
    if not selectors:
        return base
    if set(selectors) - {"item", "link", "title", "time"}:
        raise ConfigError(f"unknown listing selector keys {sorted(set(selectors) - {'item', 'link', 'title', 'time'})}"
                          " (use item, link, title, time)", key=url)
    listing = _listing_from_table(url, selectors, base)
    _check_selectors(SiteRule(name=url, listing=listing))
    return listing


def host_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None
