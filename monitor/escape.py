"""Text made safe for a message: feed text cleaned and escaped per format, bodies cut without
breaking markup, and apprise URLs stripped of their secrets. Pure string functions, used by
`monitor.alerts` (which alone imports apprise).

    plain(text) / clean(text)      one line, no control or bidi characters; clean() also defangs
                                   URL schemes (`http[:]//`) so that no client autolinks them
    escape_markdown(text)          every CommonMark markup character backslash-escaped
    safe_link(url)                 the article link if http(s), percent-encoded to stay inside
                                   a Markdown destination or an HTML attribute; else None
    layout(body, fmt) / cut(body, limit, marker, fmt)
                                   line breaks that survive the format; a body cut at a line break,
                                   never inside an escape, tag, entity or bold
    redact_url(url) / secrets_in(url) / scrub(text, secrets)
                                   an apprise URL with passwords and tokens masked; the secrets of
                                   a URL (raw and percent-decoded) removed from any text

Traps handled: bidi overrides and isolates (a title that reads backwards), C0/C1 controls, BOMs;
links smuggled into titles (`javascript:`, autolinked `https://`); Markdown injection (`[x](y)`,
`**`, tables, raw HTML); a cut that leaves a dangling backslash, half a tag or entity, or an
unclosed `**`/`<b>`; secrets in userinfo, as a host's `id:token`, as webhook path segments
(discord://ID/TOKEN, slack://A/B/C) and in query parameters named like pass/token/key/secret,
also when percent-encoded or with `+` for spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, unquote, urlsplit

__all__ = [
    "clean", "cut", "escape_markdown", "layout", "plain", "redact_url", "safe_link", "scrub", "secrets_in",
]

_INVISIBLE = re.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SCHEME = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{1,20}):(//)")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~<>&.-])")
_BACKSLASH_RUN = re.compile(r"(\\+)$")


def plain(text: object) -> str:
    """One line of text: no control or bidi characters, whitespace collapsed."""
    return " ".join(_INVISIBLE.sub("", str(text)).split())


def clean(text: object) -> str:
    """Feed text made safe for any format: `plain()`, and URL schemes defanged (`http[:]//`) so
    that no client turns them into links."""
    return _SCHEME.sub(r"\1[:]\2", plain(text))


def escape_markdown(text: str) -> str:
    """Backslash-escape every CommonMark markup character (links, emphasis, code, headings,
    lists, tables, raw HTML and autolinks); apprise converts the escapes for Telegram and Matrix."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def safe_link(url: str | None) -> str | None:
    """The article link if it is an absolute http(s) URL, percent-encoding what could break out
    of a Markdown destination or an HTML attribute; None otherwise (the message then has no link)."""
    if not url:
        return None
    url = _INVISIBLE.sub("", url).strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(url, safe="/:?#[]@!$&'*+,;=%~.-_")


def layout(body: str, body_format: str) -> str:
    """Line breaks that survive the format: hard breaks in Markdown, <br> in HTML."""
    body = re.sub(r"\n{3,}", "\n\n", body)
    if body_format == "markdown":
        return re.sub(r"(?<=\S)\n(?=[^\n])", "  \n", body)
    if body_format == "html":
        return body.replace("\n", "<br>\n")
    return body


def cut(body: str, limit: int, marker: str, body_format: str) -> str:
    """`body` if it fits in `limit` characters, else its head (at a line break when one is near,
    never inside an escape, tag or entity) followed by `marker`."""
    if len(body) <= limit:
        return body
    budget = max(0, limit - len(marker) - 1)
    head = body[:budget]
    newline = head.rfind("\n")
    if newline >= budget // 2:
        return head[:newline].rstrip() + "\n" + marker
    return _close_line(head, body_format).rstrip() + marker


def _close_line(head: str, body_format: str) -> str:
    """Make a head cut inside a line well-formed: no dangling backslash, tag, entity or bold."""
    if body_format == "markdown":
        run = _BACKSLASH_RUN.search(head)
        if run and len(run.group(1)) % 2:
            head = head[:-1]
        line = head.rsplit("\n", 1)[-1]
        if len(re.findall(r"(?<!\\)\*\*", line)) % 2:
            head += "**"
    elif body_format == "html":
        head = re.sub(r"<[^>]*$|&[#\w]*$", "", head)
        line = head.rsplit("\n", 1)[-1]
        if line.count("<b>") > line.count("</b>"):
            head += "</b>"
    return head


# --------------------------------------------------------------------------- secrets in URLs

_SECRET_KEY = re.compile(r"(?i)pass|pwd|secret|token|key|auth|sig|cred")
_USERINFO = re.compile(r"^(?P<user>[^:/@?#]*)(?::(?P<password>.*?))?@(?P<host>[^@/?#]*)(?P<rest>[/?#].*)?$", re.S)
_HOST_TOKEN = re.compile(r"^(?P<id>[^:/@?#]+):(?P<token>[^/@?#]*[^\d/@?#][^/@?#]*)(?P<rest>[/?#].*)?$", re.S)


def _split_url(url: str) -> tuple[str, str, str, str]:
    """(scheme, authority+path, query, fragment), without validating anything."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "", url, "", ""
    rest, _, fragment = rest.partition("#")
    rest, _, query = rest.partition("?")
    return scheme, rest, query, fragment


_TOKEN_PATH_SCHEMES = frozenset({"discord", "slack", "msteams", "gchat", "workflows", "mattermost", "rocket"})
"""Schemes whose path segments are webhook tokens (discord://ID/TOKEN, slack://A/B/C, ...)."""


def _path_tokens(scheme: str, rest: str) -> list[str]:
    if scheme.lower() not in _TOKEN_PATH_SCHEMES:
        return []
    return [seg for seg in rest.split("/")[1:] if len(seg) >= 8]


def secrets_in(url: str) -> list[str]:
    """The secret strings inside an apprise URL (raw and percent-decoded), longest first."""
    scheme, rest, query, _ = _split_url(url)
    found = _path_tokens(scheme, rest)
    if m := _USERINFO.match(rest):
        found.append(m.group("password") or (m.group("user") if len(m.group("user")) >= 20 else ""))
    elif m := _HOST_TOKEN.match(rest):
        found.append(m.group("token"))
    for part in query.split("&"):
        key, _, value = part.partition("=")
        if _SECRET_KEY.search(unquote(key)):
            found.append(value)
    values = {v for s in found if len(s) >= 3 for v in (s, unquote(s), unquote(s).replace("+", " "))}
    return sorted(values, key=len, reverse=True)


def redact_url(url: str) -> str:
    """The URL with passwords, tokens (in userinfo, as a host's `id:token`, as the path of a
    webhook scheme) and query parameters named like pass/password/token/key/secret masked."""
    scheme, rest, query, fragment = _split_url(url)
    for token in _path_tokens(scheme, rest):
        rest = rest.replace(f"/{token}", "/***", 1)
    if m := _USERINFO.match(rest):
        user = m.group("user")
        if m.group("password") is not None:
            user += ":***"
        elif len(user) >= 20:  # a bare token in the user part (matrix://token@host, ...)
            user = "***"
        rest = f"{user}@{m.group('host')}{m.group('rest') or ''}"
    elif m := _HOST_TOKEN.match(rest):
        rest = f"{m.group('id')}:***{m.group('rest') or ''}"
    if query:
        params = []
        for part in query.split("&"):
            key, eq, value = part.partition("=")
            params.append(f"{key}=***" if eq and _SECRET_KEY.search(unquote(key)) else part)
        query = "&".join(params)
    out = f"{scheme}://{rest}" if scheme else rest
    return out + (f"?{query}" if query else "") + (f"#{fragment}" if fragment else "")


def scrub(text: str, secrets: Iterable[str]) -> str:
    """`text` with every one of `secrets` (from secrets_in()) replaced by ***."""
    for secret in secrets:
        text = text.replace(secret, "***")
    return text
