"""An article's identity: its canonical URL, or a hash of its text when it has no address.

The same article reaches us through several category feeds, with `utm_*` and other tracking
parameters, http or https, upper-case hosts and fragments; all of those are one article.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from monitor.models import Entry

TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid", "zarsrc", "zrsrc",
     "ref", "ref_src", "source", "cmpid", "_ga", "spm", "vn_source", "vn_medium", "vn_campaign"}
)
_SPACE = re.compile(r"\s+")


def canonical_url(url: str) -> str:
    """Scheme and host lower-cased, https for http, default port, tracking parameters and fragment dropped."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        return url.strip()
    if not host:
        return url.strip()
    if host.startswith("www."):
        host = host[4:]
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS
    ]
    scheme = "https" if parts.scheme.lower() in ("http", "https") else parts.scheme.lower()
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def text_key(title: str, summary: str) -> str:
    """A stable key for an item with neither link nor guid: hash of its normalised title and summary."""
    text = unicodedata.normalize("NFC", f"{title}\n{summary}").casefold()
    digest = hashlib.sha256(_SPACE.sub(" ", text).strip().encode("utf-8")).hexdigest()
    return f"sha256:{digest[:32]}"


def article_key(entry: Entry, *, feed_url: str) -> str:
    """Canonical link; else the guid (canonicalised when it is a URL, else scoped to its feed);
    else a hash of the text."""
    if entry.link and re.match(r"(?i)^https?://", entry.link):
        return canonical_url(entry.link)
    if entry.id and entry.id.strip():
        ident = entry.id.strip()
        if re.match(r"(?i)^https?://", ident):
            return canonical_url(ident)
        return f"guid:{canonical_url(feed_url)}#{ident}"
    return text_key(entry.title, entry.summary)
