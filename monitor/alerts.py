"""Alerts: render notifications from articles and events, and send them through apprise.

The only module that imports apprise. Rendering is pure (data in, `Message` out); `send()` does
the I/O for one apprise URL and reports what happened as a `SendResult`; it never raises.

    render_article_alert(article, [(topic, match)], body_format=format_for(url),
                         max_length=limit_for(url)) -> Message
    send(url, message) -> SendResult(ok, service, detail)

Formats. `format_for(url)` picks the body format from the URL's scheme (`FORMATS`): plain text
for e-mail, IRC, json:// and the console, Markdown (CommonMark) for Matrix and Telegram; a
target asks for another one with apprise's own `?format=html|markdown|text` parameter. The
formats, limits, Jinja environments and template words live in monitor.formats.

Escaping. Everything that comes from a feed (titles, summaries, snippets, outlet names, event
fields) passes through one filter per format before it reaches a template: control and bidi
characters are removed and whitespace collapsed; URL schemes are defanged (`http[:]//`) so
that no client autolinks them; then Markdown gets every markup character backslash-escaped and
HTML gets entity-escaped (Jinja2 autoescape). The article's own link (http/https only) is the
one link in a message. The string functions behind this, the cutting and URL redaction live in
monitor.escape (no apprise there). A service that merges the title into a Markdown body (Telegram) gets
it as an escaped bold first line, since apprise would merge it unescaped.

Length. `limit_for(url)` gives the service's limit (`LIMITS`); a render function given
`max_length` cuts the body at a line boundary and ends it with "… (xem tiếp: LINK)". `send()`
cuts anything still over the limit as a last resort (with a bare "…").

Sending. ok only when apprise reports success AND logged no ERROR; `detail` carries apprise's
warnings and errors plus the low-level cause it logs at DEBUG ("(535, b'5.7.8 Authentication
credentials invalid')", "Connection refused"), scrubbed of the URL's secrets. apprise's own log
records never reach the daemon's handlers (they may hold URLs and payloads).

Templates: monitor/templates/<kind>.j2, one per kind shared by the three formats, and the words
in monitor/templates/labels.toml (per language). A per-target override later only has to put a
FileSystemLoader before the package loader in `environment()`. Variables every template gets:
    t           the labels of the message's language (t.source, t.published, t.read, t.why, ...)
    bold(s)     bold markup for the format;  bullet, subbullet: list markers for the format
    link        the article's link as markup for the format, "" when it has no http(s) link
    feed        the outlet/feed name;  published: "07/04/2019 08:00 (GMT+7)" or "";  article_title
article.j2:  summary; topics: list of {name, terms: [str], hits: [{term, field (label), snippet}]}
event.j2:    topic (name); events: list of {type (label), date "dd/mm/yyyy", place, actors,
             killed, injured, evidence}
update.j2:   topic; changes: list of sentences ("số người thiệt mạng tăng từ 4 lên 11"); event
test.j2:     now
Strings are plain; the environment escapes them for the format on output.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

import apprise
import jinja2

from monitor.escape import (
    clean,
    cut,
    escape_markdown,
    layout,
    plain,
    redact_url,
    safe_link,
    scrub,
    secrets_in,
)
from monitor.formats import (
    DELIVERY_WORDS,
    EVENT_TYPES,
    FORMATS,
    LABELS,
    LIMITS,
    Format,
    environment,
    format_for,
    format_of,
    labels,
    limit_for,
    title_block,
    title_cost,
)
from monitor.models import Article, Event, Match, Message, Topic

__all__ = [
    "CONSOLE", "EVENT_TYPES", "FORMATS", "LABELS", "LIMITS", "Message", "SendResult", "describe_changes",
    "escape_markdown", "format_date", "format_for", "format_time", "limit_for", "redact_url",
    "render_article_alert", "render_event_alert", "render_test_message", "render_update_alert", "send",
]

CONSOLE = "console://"
"""Pseudo-URL: `send()` prints the message to stdout (the target used when no [[alert]] is set)."""

TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_HITS_PER_TOPIC = 5
SNIPPET_RADIUS = 60


# ----------------------------------------------------------------------------- rendering


def format_time(when: datetime | None) -> str:
    """"07/04/2019 08:00 (GMT+7)": the moment in Asia/Ho_Chi_Minh (a naive time is taken as UTC)."""
    if when is None:
        return ""
    local = (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(TIMEZONE)
    offset = local.utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset is not None else 0
    return f"{local:%d/%m/%Y %H:%M} (GMT{hours:+d})"


def format_date(iso: str | None) -> str:
    """"2019-04-07" -> "07/04/2019" (anything else is shown as given)."""
    if not iso:
        return ""
    try:
        return datetime.strptime(iso, "%Y-%m-%d").strftime("%d/%m/%Y")
    except ValueError:
        return iso


def _render(kind: str, title: str, context: dict[str, Any], *, link: str | None, body_format: str,
            language: str, max_length: int | None) -> Message:
    """Render monitor/templates/<kind>.j2 and shape the result for the format and length."""
    fmt, t = format_of(body_format), labels(language)
    url = safe_link(link)
    context = {**_base_context(fmt, t, url), **context}
    body = environment(body_format).get_template(f"{kind}.j2").render(context).strip()
    title = clean(title)
    body = _fit(body, title, url, t, body_format=body_format, max_length=max_length)
    return Message(title=title, body=body, body_format=body_format)


def _base_context(fmt: Format, t: Mapping[str, str], url: str | None) -> dict[str, Any]:
    """The variables every template gets (see the module docstring)."""
    return {"t": t, "bold": fmt.bold, "bullet": fmt.bullet, "subbullet": fmt.subbullet,
            "link": fmt.link(url, url) if url else ""}


def _fit(body: str, title: str, url: str | None, t: Mapping[str, str], *, body_format: str,
         max_length: int | None) -> str:
    """The rendered body laid out for the format and, given `max_length`, cut to fit with the title
    (ending "… (xem tiếp: LINK)" when there is a link)."""
    body = layout(body, body_format)
    if max_length is not None:
        marker = f"… ({t['more']}: {format_of(body_format).link(url, url)})" if url else "…"
        body = cut(body, max_length - title_cost(title, body_format), marker, body_format)
    return body


def _topic_names(matches: Sequence[tuple[Topic, Match]]) -> str:
    return ", ".join(dict.fromkeys(topic.name for topic, _ in matches))


def _snippet(article: Article, field: str, start: int, end: int) -> str:
    text = {"title": article.title, "summary": article.summary, "text": article.text}.get(field, "")
    if not text or end <= start:
        return ""
    lo, hi = max(0, start - SNIPPET_RADIUS), min(len(text), end + SNIPPET_RADIUS)
    return ("…" if lo else "") + text[lo:hi] + ("…" if hi < len(text) else "")


def _why(article: Article, matches: Sequence[tuple[Topic, Match]], t: Mapping[str, str]) -> list[dict[str, Any]]:
    """Per topic: its name, the matched terms and up to MAX_HITS_PER_TOPIC distinct snippets."""
    topics: list[dict[str, Any]] = []
    for topic, match in matches:
        hits: list[dict[str, str]] = []
        seen: set[tuple[str, str]] = set()
        for hit in match.hits:
            snippet = hit.snippet or _snippet(article, hit.field, hit.start, hit.end)
            if (hit.field, snippet) in seen or len(hits) >= MAX_HITS_PER_TOPIC:
                continue  # two terms in one sentence: the sentence is shown once (the terms are listed above)
            seen.add((hit.field, snippet))
            hits.append({"term": hit.term, "field": t.get(hit.field, hit.field), "snippet": snippet})
        topics.append({"name": topic.name, "terms": list(match.terms), "hits": hits})
    return topics


def _article_context(article: Article) -> dict[str, Any]:
    return {"feed": article.feed, "published": format_time(article.published), "article_title": article.title}


def render_article_alert(article: Article, matches: Sequence[tuple[Topic, Match]], *, body_format: str = "text",
                         language: str = "vi", max_length: int | None = None) -> Message:
    """The alert for a new article matching one or more topics (issue 2): title
    "[topic names] article title"; body: outlet, time (GMT+7), summary, link, and why it fired."""
    t = labels(language)
    title = f"[{_topic_names(matches)}] {article.title}" if matches else article.title
    context = {**_article_context(article), "summary": article.summary, "topics": _why(article, matches, t)}
    return _render("article", title, context, link=article.url, body_format=body_format, language=language,
                   max_length=max_length)


def _event_context(event: Event, language: str) -> dict[str, Any]:
    return {
        "type": EVENT_TYPES[language].get(event.type, event.type), "date": format_date(event.date),
        "place": event.place or "", "actors": list(event.actors), "killed": event.killed,
        "injured": event.injured, "evidence": event.evidence, "reported": event.reported,
    }


def render_event_alert(article: Article, topic: Topic, events: Sequence[Event], *, body_format: str = "text",
                       language: str = "vi", max_length: int | None = None) -> Message:
    """"Sự kiện mới": one message for the new events an article reports on a topic (issue 5/6)."""
    t = labels(language)
    shown = [_event_context(e, language) for e in events]
    if len(shown) == 1:
        ev = shown[0]
        # with no place, the article's title is what tells the reader which happening this is
        what = f"{t['event_new']}: {ev['type']}" + (f" {t['in']} {ev['place']}" if ev["place"] else f" — {article.title}")
    else:
        what = f"{len(shown)} {t['events_new']}: {article.title}"
    context = {**_article_context(article), "topic": topic.name, "events": shown}
    return _render("event", f"[{topic.name}] {what}", context, link=article.url, body_format=body_format,
                   language=language, max_length=max_length)


def describe_changes(changes: Mapping[str, tuple[int | None, int | None]], *, language: str = "vi") -> list[str]:
    """["số người thiệt mạng tăng từ 4 lên 11", ...] for changed counts (killed, injured, ...)."""
    t = labels(language)
    lines = []
    for name, (old, new) in changes.items():
        if old == new or new is None:
            continue
        what = t.get(f"{name}_change", name)
        how = t["now"] if old is None else t["up"] if new > old else t["down"]
        lines.append(f"{what} {how.format(old=old, new=new)}")
    return lines


def render_update_alert(article: Article, topic: Topic, event: Event,
                        changes: Mapping[str, tuple[int | None, int | None]], *, body_format: str = "text",
                        language: str = "vi", max_length: int | None = None) -> Message:
    """"Cập nhật: số người thiệt mạng tăng từ 4 lên 11": a known event's figures changed."""
    t = labels(language)
    lines = describe_changes(changes, language=language)
    title = f"[{topic.name}] {t['update']}: {'; '.join(lines) or _event_context(event, language)['type']}"
    context = {**_article_context(article), "topic": topic.name, "changes": lines,
               "event": _event_context(event, language)}
    return _render("update", title, context, link=article.url, body_format=body_format, language=language,
                   max_length=max_length)


def render_test_message(*, language: str = "vi", body_format: str = "text", now: datetime | None = None) -> Message:
    """What `news-monitor notify-test` sends to every target."""
    t = labels(language)
    context = {"now": format_time(now or datetime.now(UTC))}
    return _render("test", t["test_title"], context, link=None, body_format=body_format, language=language,
                   max_length=None)


# ----------------------------------------------------------------------------- sending


@dataclass(frozen=True)
class SendResult:
    """What one `send()` did. `service` and `detail` never contain secrets."""

    ok: bool
    service: str  # the URL with secrets redacted
    detail: str = ""  # apprise's warnings and errors (and the low-level cause); empty when it said nothing


_DETAIL_DEBUG = re.compile(r"(?i)exception:|response details")
_FAILED_LEVELS = frozenset({"ERROR", "CRITICAL"})


@functools.cache
def _own_apprise_logs() -> None:
    """Keep apprise's log records out of the daemon's log: they reach the user only through
    SendResult.detail, scrubbed of secrets. The logger stays at DEBUG so a failure's low-level
    cause ("Socket Exception: (535, ...)") can be captured per call (see send())."""
    logger = logging.getLogger("apprise")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logger.addHandler(logging.NullHandler())


def send(url: str, message: Message, *, timeout: float = 30.0) -> SendResult:
    """Deliver `message` to one apprise URL, blocking at most about `timeout` seconds.

    ok only when apprise reports success for the service AND logged no error. A success can
    still carry warnings in `detail` (a dropped recipient): log them. The capture is apprise's
    per-call one (AppriseResult.logs(), scoped by contextvars) plus a this-thread handler while
    the URL is parsed, so two sends in two threads never see each other's records."""
    service = redact_url(url)
    if url.strip().lower() == CONSOLE:
        print(f"{message.title}\n{message.body}\n", flush=True)
        return SendResult(ok=True, service=service)
    if timeout <= 0:
        raise ValueError(f"alerts: timeout must be positive, not {timeout!r}")
    _own_apprise_logs()
    secrets = secrets_in(url)
    with _ThreadCapture() as parsing:
        plugin = apprise.Apprise.instantiate(url)
    if plugin is None:
        return SendResult(ok=False, service=service, detail=f"apprise does not understand this URL: {service}")
    _bound_sockets(plugin, url, timeout)
    notifier = apprise.Apprise()
    notifier.add(plugin)
    merges_title = getattr(plugin, "title_maxlen", None) == 0
    title, body = _for_apprise(message, limit_for(url), merges_title=merges_title)
    result = notifier.notify(body=body, title=title, body_format=message.body_format, timeout=timeout,
                             log_level=logging.DEBUG)
    entries = parsing.entries + list(result.logs())
    ok = bool(result) and not any(e.level in _FAILED_LEVELS for e in entries)
    return SendResult(ok=ok, service=service, detail=scrub(_detail(entries, result, timeout), secrets))


@dataclass(frozen=True)
class _Entry:
    level: str
    message: str


class _ThreadCapture(logging.Handler):
    """apprise's WARNING+ records from this thread only, while parsing a URL (outside notify(),
    whose own capture does not see them): "Dropped invalid To email (x) specified." matters."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.entries: list[_Entry] = []
        self._thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self._thread:
            self.entries.append(_Entry(record.levelname, record.getMessage()))

    def __enter__(self) -> _ThreadCapture:
        logging.getLogger("apprise").addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger("apprise").removeHandler(self)


def _bound_sockets(plugin: Any, url: str, timeout: float) -> None:
    """No socket of this one plugin instance waits longer than the call may take, unless the
    URL sets its own `cto=`/`rto=`: the thread apprise abandons at `timeout` ends soon after."""
    query = dict(parse_qsl(url.split("?", 1)[1])) if "?" in url else {}
    for param, attr in (("cto", "socket_connect_timeout"), ("rto", "socket_read_timeout")):
        current = getattr(plugin, attr, None)
        if param not in query and isinstance(current, int | float) and current > timeout:
            setattr(plugin, attr, timeout)


def _for_apprise(message: Message, limit: int | None, *, merges_title: bool) -> tuple[str, str]:
    """(title, body) as handed to apprise. A service that merges the title into a Markdown or HTML
    body (Telegram, IRC: title_maxlen 0) gets it as an escaped bold first line instead, since
    apprise would merge it unescaped; others (Matrix, e-mail) show the plain title themselves. Anything
    still over the service's limit is cut (render with max_length to cut well)."""
    title, body = message.title, message.body
    if limit is not None:
        body = cut(body, max(1, limit - title_cost(title, message.body_format)), "…", message.body_format)
    if merges_title and title and message.body_format != "text":
        title, body = "", title_block(title, message.body_format) + body
    return title, body


def _detail(entries: Sequence[Any], result: Any, timeout: float) -> str:
    """Readable failure text: apprise's warnings and errors, plus the low-level cause it logs
    at DEBUG (SMTP reply, connection refused, HTTP response)."""
    lines = [
        e.message.strip() for e in entries
        if e.level not in ("DEBUG", "TRACE", "INFO") or _DETAIL_DEBUG.search(e.message)
    ]
    status = getattr(result, "status", None)
    if not lines and status is not None and status.name == "TIMEOUT":
        lines.append(f"no answer within {timeout:g} s")
    if not lines and not result:
        lines.append(f"apprise reported failure ({status.name.lower() if status is not None else 'no detail'})")
    return "; ".join(dict.fromkeys(line for line in lines if line))[:2000]


# ----------------------------------------------------------------------------- delivery messages (issue 6)
# Digests, source-health notices, "delivery failed" notices and per-target templates. Their words
# live in monitor/templates/delivery.toml; the templates get them as `w` (and `t` as usual).


@dataclass(frozen=True)
class DigestItem:
    """One alert inside a digest: the topic it is grouped under, its title, link and time."""

    topic: str
    title: str
    link: str | None
    at: datetime


def _clock_time(when: datetime, timezone: ZoneInfo) -> str:
    return f"{when.astimezone(timezone):%H:%M}"


def render_digest(items: Sequence[DigestItem], *, language: str = "vi", body_format: str = "text",
                  max_length: int | None = None, timezone: ZoneInfo = TIMEZONE) -> Message:
    """ONE message for the alerts a target held: grouped by topic, newest first (groups too,
    by their newest alert); each line the alert's time, title and link."""
    fmt, w = format_of(body_format), DELIVERY_WORDS[language]
    ordered = sorted(items, key=lambda i: i.at, reverse=True)
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in ordered:
        url = safe_link(item.link)
        groups.setdefault(item.topic or w["sources"], []).append(
            {"time": _clock_time(item.at, timezone), "title": item.title, "link": fmt.link(url, url) if url else ""})
    n = len(ordered)
    span = {"start": format_time(ordered[-1].at), "end": format_time(ordered[0].at)} if n else {"start": "", "end": ""}
    context = {"w": w, "intro": w["digest_intro"].format(n=n, **span),
               "groups": [{"name": name, "alerts": its} for name, its in groups.items()]}
    return _render("digest", w["digest_title"].format(n=n), context, link=None, body_format=body_format,
                   language=language, max_length=max_length)


def render_health_alert(feed: str, problem: str, *, detail: str, since: datetime, cause: str = "", polls: int = 0,
                        recovered_at: datetime | None = None, language: str = "vi", body_format: str = "text",
                        max_length: int | None = None, timezone: ZoneInfo = TIMEZONE) -> Message:
    """"VnExpress – Thế giới: HTTP 403 từ 08:10", or "...: đã hoạt động lại" when `recovered_at`.
    `problem` is failing (`cause` is then the short cause for the title, "HTTP 403"), empty, rule
    or quiet; `detail` the full text for the body."""
    w = DELIVERY_WORDS[language]
    start = _clock_time(since, timezone) if since.astimezone(timezone).date() == (recovered_at or since).astimezone(
        timezone).date() else format_time(since)
    headline = w[f"health_{problem}"].format(feed=plain(feed), problem=plain(cause or detail), since=start)
    if recovered_at is not None:
        title = w["health_recovered"].format(feed=plain(feed))
        note = w["health_back"].format(since=format_time(since), now=format_time(recovered_at))
        context = {"w": w, "headline": title, "detail": headline, "polls": 0, "note": note}
    else:
        title = headline
        context = {"w": w, "headline": headline, "detail": detail, "polls": polls, "note": w["health_hint"]}
    return _render("health", title, context, link=None, body_format=body_format, language=language,
                   max_length=max_length)


def render_delivery_failed(target: str, alert_title: str, *, error: str, since: datetime, attempts: int,
                           language: str = "vi", body_format: str = "text", max_length: int | None = None) -> Message:
    """What a fallback target receives when an alert to `target` gave up."""
    w = DELIVERY_WORDS[language]
    intro = w["failed_body"].format(target=target, attempts=attempts, since=format_time(since))
    context = {"w": w, "intro": intro, "alert_title": alert_title, "error": error}
    return _render("failed", w["failed_title"].format(target=target), context, link=None, body_format=body_format,
                   language=language, max_length=max_length)


def render_custom(templates: Mapping[str, str], default: Message, kind: str, article: Article, *,
                  matches: Sequence[tuple[Topic, Match]] = (), topic: Topic | None = None,
                  events: Sequence[Event] = (), event: Event | None = None,
                  changes: Mapping[str, tuple[int | None, int | None]] | None = None,
                  body_format: str = "text", language: str = "vi", max_length: int | None = None) -> Message:
    """A target's own `templates = {title = "...", body = "..."}` applied to an alert whose built-in
    rendering is `default`. The templates get every variable the built-in ones get (those a kind
    lacks are empty), plus `kind` and `title` (the built-in title), escaped the same way."""
    t = labels(language)
    url = safe_link(article.url)
    context = {
        **_base_context(format_of(body_format), t, url), **_article_context(article), "kind": kind,
        "title": default.title, "summary": article.summary, "topics": _why(article, matches, t),
        "topic": topic.name if topic else _topic_names(matches),
        "events": [_event_context(e, language) for e in events],
        "event": _event_context(event, language) if event else {},
        "changes": describe_changes(changes or {}, language=language),
    }
    try:
        title, body = default.title, default.body
        if "title" in templates:
            title = clean(environment("text").from_string(templates["title"]).render(context))
        if "body" in templates:
            body = environment(body_format).from_string(templates["body"]).render(context).strip()
            body = _fit(body, title, url, t, body_format=body_format, max_length=max_length)
    except jinja2.TemplateError as e:  # e.g. an attribute this kind lacks: the alert still goes, built-in
        logging.getLogger(__name__).warning("template of a target failed (%s); used the built-in one", e)
        return default
    return Message(title=title, body=body, body_format=body_format)
