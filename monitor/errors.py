"""One exception tree for news-monitor.

    MonitorError                 anything the user can act on; message starts with the stage
    ├── ConfigError              bad configuration: names the file, the key and the fix
    ├── FetchError               network: carries .url
    │   ├── FetchTimeout         connect/read timeout or total deadline exceeded
    │   ├── HTTPStatusError      non-2xx/304 answer: carries .status
    │   │   └── RateLimited      429/503: carries .retry_after (seconds or None)
    │   └── BodyTooLarge         decompressed body over the cap
    ├── ParseError               a document that is not what was expected (not a feed, not an article)
    ├── StoreError               SQLite trouble (disk full, locked too long)
    └── AlertError               a notification target failed

Misuse of the API still raises ValueError/TypeError.
"""

from __future__ import annotations


class MonitorError(Exception):
    """Base class: an error the user can understand and act on."""


class ConfigError(MonitorError):
    def __init__(self, message: str, *, path: str | None = None, key: str | None = None) -> None:
        self.path = path
        self.key = key
        where = ": ".join(p for p in (path, f"[{key}]" if key else None) if p)
        super().__init__(f"config: {where}: {message}" if where else f"config: {message}")


class FetchError(MonitorError):
    def __init__(self, message: str, *, url: str | None = None) -> None:
        self.url = url
        super().__init__(f"fetch: {message}")


class FetchTimeout(FetchError):
    pass


class HTTPStatusError(FetchError):
    def __init__(self, message: str, *, url: str | None = None, status: int = 0) -> None:
        self.status = status
        super().__init__(message, url=url)


class RateLimited(HTTPStatusError):
    def __init__(
        self, message: str, *, url: str | None = None, status: int = 429, retry_after: float | None = None
    ) -> None:
        self.retry_after = retry_after
        super().__init__(message, url=url, status=status)


class BodyTooLarge(FetchError):
    pass


class ParseError(MonitorError):
    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        super().__init__(f"parse: {message}")


class StoreError(MonitorError):
    def __init__(self, message: str) -> None:
        super().__init__(f"store: {message}")


class AlertError(MonitorError):
    def __init__(self, message: str, *, target: str | None = None) -> None:
        self.target = target
        super().__init__(f"alert: {message}")
