"""How much and how often the fetcher asks each host: the queueing half of `fetch`.

    Politeness.slot(key, deadline, polite)  ─► one of the host's slots and one global slot
    Politeness.require_allowed(key, url)    ─► FetchError when the host's robots.txt disallows it
    Deadline.paused()                       ─► time spent queued is not on a fetch's deadline

- At most `per_host` requests at a time to one host and `max_in_flight` in all; the host slot
  is taken first, so a request waiting for a busy host never holds a global slot idle.
- A polite request (`get_page`) starts `min_host_delay` (or the host's robots.txt Crawl-delay,
  up to MAX_CRAWL_DELAY) after the previous one to the same host.
- robots.txt is read once per host (concurrent callers wait for the first) and cached for a day,
  an hour when it could not be read; the cache is bounded, and so is the table of hosts (idle
  hosts are forgotten), so months of new hosts cost no memory.

No httpx here: `fetch` names hosts by their key ("https://host:443") and passes in the coroutine
that downloads a robots.txt.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import urllib.robotparser
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from monitor.errors import FetchError

__all__ = [
    "HOST_TABLE_PRUNE_AT",
    "MAX_CRAWL_DELAY",
    "ROBOTS_CACHE_SIZE",
    "ROBOTS_FAILURE_TTL",
    "ROBOTS_TTL",
    "Deadline",
    "Politeness",
    "Robots",
]

ROBOTS_TTL = 24 * 3600.0
ROBOTS_FAILURE_TTL = 3600.0
ROBOTS_CACHE_SIZE = 1024
MAX_CRAWL_DELAY = 10.0
HOST_TABLE_PRUNE_AT = 512


class Deadline:
    """The total deadline of one fetch, paused while the fetch only waits in a queue."""

    def __init__(self, timeout: asyncio.Timeout, seconds: float) -> None:
        self._timeout = timeout
        self.seconds = seconds

    def remaining(self) -> float:
        when = self._timeout.when()
        return float("inf") if when is None else when - asyncio.get_running_loop().time()

    @contextlib.asynccontextmanager
    async def paused(self) -> AsyncIterator[None]:
        if self._timeout.expired():  # the cancellation is on its way; nothing to pause
            yield
            return
        left = self.remaining()
        self._timeout.reschedule(None)
        try:
            yield
        finally:
            self._timeout.reschedule(asyncio.get_running_loop().time() + left)


class _Host:
    """What is known about one host: its concurrency slots and when the last polite request started."""

    def __init__(self, per_host: int) -> None:
        self.slots = asyncio.Semaphore(per_host)
        self.last_start = float("-inf")
        self.users = 0

    async def wait_turn(self, delay: float) -> None:
        """Wait until `delay` seconds after the previous start; the turn is taken before sleeping,
        so concurrent callers line up one `delay` apart."""
        now = asyncio.get_running_loop().time()
        start = max(now, self.last_start + delay)
        self.last_start = start
        if start > now:
            await asyncio.sleep(start - now)


@dataclass(frozen=True)
class Robots:
    """A host's robots.txt as read at one time, and when to read it again."""

    parser: urllib.robotparser.RobotFileParser | None  # None: everything allowed
    expires: float

    @classmethod
    def read(cls, url: str, text: str) -> Robots:
        parser = urllib.robotparser.RobotFileParser(url)
        parser.parse(text.splitlines())
        return cls(parser, time.monotonic() + ROBOTS_TTL)

    @classmethod
    def allow_all(cls, *, failed: bool) -> Robots:
        """No rules: the host has no robots.txt (kept a day) or it could not be read (an hour)."""
        return cls(None, time.monotonic() + (ROBOTS_FAILURE_TTL if failed else ROBOTS_TTL))

    def crawl_delay(self, agent: str) -> float:
        delay = self.parser.crawl_delay(agent) if self.parser else None
        return min(float(delay), MAX_CRAWL_DELAY) if delay else 0.0


class Politeness:
    """The slots, request spacing and robots.txt cache of one Fetcher, keyed by "scheme://host:port"."""

    def __init__(
        self,
        *,
        per_host: int,
        max_in_flight: int,
        min_host_delay: float,
        user_agent: str,
        load_robots: Callable[[str], Awaitable[Robots]],
    ) -> None:
        self._per_host = per_host
        self._min_host_delay = min_host_delay
        self._user_agent = user_agent
        self._load_robots = load_robots
        self._in_flight = asyncio.Semaphore(max_in_flight)
        self._hosts: dict[str, _Host] = {}
        self._robots: OrderedDict[str, Robots] = OrderedDict()
        self._robots_locks: dict[str, asyncio.Lock] = {}

    @contextlib.asynccontextmanager
    async def slot(self, key: str, deadline: Deadline, polite: bool) -> AsyncIterator[None]:
        """Hold one of the host's slots and one global slot; waiting for them is not on the deadline."""
        host = self._host(key)
        host.users += 1
        try:
            async with contextlib.AsyncExitStack() as stack:
                async with deadline.paused():
                    await stack.enter_async_context(host.slots)  # host first: no global slot idles
                    if polite:
                        await host.wait_turn(self._delay_for(key))
                    await stack.enter_async_context(self._in_flight)
                yield
        finally:
            host.users -= 1

    def _host(self, key: str) -> _Host:
        host = self._hosts.get(key)
        if host is None:
            if len(self._hosts) >= HOST_TABLE_PRUNE_AT:  # forget idle hosts: months of new hosts
                since = asyncio.get_running_loop().time() - max(self._min_host_delay, MAX_CRAWL_DELAY)
                for idle in [k for k, h in self._hosts.items() if h.users == 0 and h.last_start < since]:
                    del self._hosts[idle]
            host = self._hosts[key] = _Host(self._per_host)
        return host

    def _delay_for(self, key: str) -> float:
        robots = self._robots.get(key)
        crawl_delay = robots.crawl_delay(self._user_agent) if robots else 0.0
        return max(self._min_host_delay, crawl_delay)

    async def require_allowed(self, key: str, url: str) -> None:
        robots = await self._robots_for(key)
        if robots.parser is not None and not robots.parser.can_fetch(self._user_agent, url):
            raise FetchError(f"{url} disallowed by robots.txt", url=url)

    async def _robots_for(self, key: str) -> Robots:
        """The host's robots.txt, fetched once (concurrent callers wait for the first) and cached."""
        cached = self._robots.get(key)
        if cached is not None and cached.expires > time.monotonic():
            return cached
        lock = self._robots_locks.setdefault(key, asyncio.Lock())
        async with lock:
            cached = self._robots.get(key)
            if cached is None or cached.expires <= time.monotonic():
                cached = await self._load_robots(key)
                self._robots[key] = cached
                self._robots.move_to_end(key)
                while len(self._robots) > ROBOTS_CACHE_SIZE:
                    self._robots.popitem(last=False)
        self._robots_locks.pop(key, None)
        return cached
