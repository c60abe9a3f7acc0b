"""Delivery: send the outbox, in order per channel, shaped per target, and never lose an alert.

A *channel* is one apprise URL of one `[[alert]]` target. `deliver(ctx)` walks every channel with
undelivered alerts, all channels at once, each send in a worker thread (`asyncio.to_thread`), so
a slow or dead service never holds back polling or another channel. Within a channel:

1. held alerts whose digest is due are folded into ONE digest row (`store.fold`: the digest and
   the "carried by" marks are one transaction);
2. the alerts in line go out oldest first. `shaping.decide` may take one out of line to wait for
   a digest (digest mode, quiet hours, the hourly cap; `urgent_if` overrides all three);
3. a failed send schedules a retry with exponential backoff and jitter (`DELIVERY_BACKOFF`) and
   stops the channel: the alerts behind it wait, so after an outage they arrive once and in
   order. Past `GIVE_UP_AFTER` the alert is marked failed (never deleted; `news-monitor outbox
   retry` requeues it) and, if the target names a `fallback`, one "delivery failed" notice is
   queued for the fallback target in the same transaction.

Guarantees. Alerts are written to the outbox in the transaction that records their cause, and a
row changes state only after the fact it records: a crash at any point loses no alert. A row is
marked sent only after apprise reported success and logged no error, so a crash between a
successful send and that record means the alert is sent again after the restart: a duplicate
is possible only then, at most one per crash (per channel being sent at that moment).
Two `deliver` calls on one store never overlap: the second returns at once (a per-store lock).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from monitor import alerts, shaping
from monitor.config import AlertConfig
from monitor.store import OutboxItem, Store

if TYPE_CHECKING:  # only for annotations: scheduler imports this module
    from monitor.scheduler import Context

log = logging.getLogger(__name__)

DELIVERY_BACKOFF = (30.0, 6 * 3600.0)  # first retry after ~30 s, doubling up to 6 h
GIVE_UP_AFTER = 2 * 86400.0  # an undeliverable alert is marked failed (still visible) after 2 days
SEND_TIMEOUT = 30.0  # seconds one send may take

_LOCKS: weakref.WeakKeyDictionary[Store, asyncio.Lock] = weakref.WeakKeyDictionary()


@dataclass
class Tally:
    sent: int = 0
    failed: int = 0


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def lock(store: Store) -> asyncio.Lock:
    """The lock a delivery holds on `store` (the daemon waits on it before closing the store)."""
    return _LOCKS.setdefault(store, asyncio.Lock())


async def deliver(ctx: Context, *, limit: int = 100) -> tuple[int, int]:
    """Send what is due in every channel; returns (sent, failed attempts). Returns (0, 0) at once
    when another delivery on this store is running (it sends the same rows)."""
    running = lock(ctx.store)
    if running.locked():
        return 0, 0
    async with running:
        targets = {t.name: t for t in ctx.targets}
        urls = {(t.name, url_hash(u)): u for t in ctx.targets for u in t.urls}
        channels = ctx.store.channels()
        tallies = await asyncio.gather(*(
            _channel(ctx, targets.get(name), urls.get((name, uh)), name, uh, limit) for name, uh in channels
        ))
    return sum(t.sent for t in tallies), sum(t.failed for t in tallies)


async def _channel(ctx: Context, target: AlertConfig | None, url: str | None, name: str, uh: str,
                   limit: int) -> Tally:
    """One channel: fold a due digest, then send in order until the first failure."""
    if target is not None and url is None and len(target.urls) == 1:  # its one URL changed (a new password?)
        ctx.store.reroute(name, uh, url_hash(target.urls[0]))
        log.info("target=%r: its URL changed; its undelivered alerts follow the new one", name)
        return Tally()  # the new URL's channel sends them (now or on the next delivery), in order, once
    if target is None or url is None:
        return _orphaned(ctx, name, uh)
    tz = ZoneInfo(ctx.config.timezone)
    _fold_due(ctx, target, url, uh, tz)
    tally = Tally()
    recent = ctx.store.sent_since(name, uh, ctx.clock() - shaping.HOUR)
    for item in ctx.store.queue(name, uh, limit=limit):
        assert item.id is not None
        now = ctx.clock()
        if item.next_attempt_at > now:
            break  # the oldest alert waits for its retry; the ones behind it wait with it
        hold = shaping.decide(target, item, now, tz, recent)
        if hold is not None:
            ctx.store.hold(item.id, hold.reason, until=hold.until)
            continue
        outcome = await _send(ctx, target, url, item)
        if outcome == "sent":
            tally.sent += 1
            recent.append(now)
            continue
        tally.failed += 1
        if outcome == "retry":
            break
    return tally


def _orphaned(ctx: Context, name: str, uh: str) -> Tally:
    """Alerts for a target (or URL) no longer in the configuration: failed, kept, listed by `outbox`."""
    items = ctx.store.queue(name, uh, limit=1000) + [it for it, _ in ctx.store.held(name, uh)]
    for item in items:
        assert item.id is not None
        ctx.store.give_up(item.id, f"target {name!r} (or this URL of it) is no longer in the configuration", [],
                          now=ctx.clock())
    return Tally(failed=len(items))


async def _send(ctx: Context, target: AlertConfig, url: str, item: OutboxItem) -> str:
    """One attempt; records and returns "sent", "retry" or "failed" (gave up; fallback notice queued)."""
    assert item.id is not None
    message = alerts.Message(item.title, item.body, item.body_format)
    result = await asyncio.to_thread(alerts.send, url, message, timeout=SEND_TIMEOUT)
    now = ctx.clock()
    if result.ok:
        ctx.store.mark_sent(item.id, now=now)
        if result.detail:
            log.info("alert=%d target=%r delivered with warnings: %s", item.id, target.name,
                     ctx.config.redact(result.detail))
        return "sent"
    detail = ctx.config.redact(result.detail or "delivery failed")
    retry_at = delivery_retry_at(item.attempts + 1, item.created_at, now)
    if retry_at is None:
        ctx.store.give_up(item.id, detail, _fallback(ctx, target, item, detail), now=now)
        log.error("alert=%d target=%r gave up after %d attempts: %s", item.id, target.name, item.attempts + 1, detail)
        return "failed"
    ctx.store.mark_failed_attempt(item.id, detail, next_attempt_at=retry_at)
    log.warning("alert=%d target=%r not delivered (attempt %d): %s", item.id, target.name, item.attempts + 1, detail)
    return "retry"


def delivery_retry_at(attempts: int, created_at: float, now: float) -> float | None:
    """When to try again after `attempts` failures: exponential backoff with ±20% jitter; None
    (give up) once the alert is GIVE_UP_AFTER old."""
    if now - created_at >= GIVE_UP_AFTER:
        return None
    base, cap = DELIVERY_BACKOFF
    delay = min(cap, base * 2.0 ** min(attempts - 1, 30))  # capped exponent: no float overflow
    return now + delay * random.uniform(0.8, 1.2)


# ---------------------------------------------------------------------------- digests and fallback


def _fold_due(ctx: Context, target: AlertConfig, url: str, uh: str, tz: ZoneInfo) -> None:
    """When the earliest held alert's digest is due, every held alert of the channel goes into one
    digest row, queued like any alert (oldest first among what is in line after it)."""
    held = ctx.store.held(target.name, uh)
    now = ctx.clock()
    if not held or min(it.next_attempt_at for it, _ in held) > now:
        return
    names = {t.id: t.name for t in ctx.config.topics}
    items = [
        alerts.DigestItem(topic=names.get(it.topics[0], it.topics[0]) if it.topics else "", title=it.title,
                          link=link, at=datetime.fromtimestamp(it.created_at, UTC))
        for it, link in held
    ]
    message = alerts.render_digest(items, language=target.language, body_format=target.format or alerts.format_for(url),
                                   max_length=alerts.limit_for(url), timezone=tz)
    ids = [it.id for it, _ in held if it.id is not None]
    digest = OutboxItem(
        key=f"digest|{ids[0]}-{ids[-1]}|{target.name}|{uh}", target=target.name, url_hash=uh,
        topics=tuple(dict.fromkeys(t for it, _ in held for t in it.topics)), article=None, kind="digest",
        title=message.title, body=message.body, body_format=message.body_format,
    )
    digest_id = ctx.store.fold(ids, digest, now=now)
    log.info("target=%r digest=%d carries %d alerts", target.name, digest_id, len(ids))


def _fallback(ctx: Context, target: AlertConfig, item: OutboxItem, error: str) -> list[OutboxItem]:
    """The one "delivery failed" notice per URL of the target's fallback (none for a notice itself)."""
    fallback = next((t for t in ctx.targets if t.name == target.fallback), None)
    if fallback is None or item.kind == "fallback":
        return []
    rows = []
    for url in fallback.urls:
        message = alerts.render_delivery_failed(
            target.name, item.title, error=error, since=datetime.fromtimestamp(item.created_at, UTC),
            attempts=item.attempts + 1, language=fallback.language,
            body_format=fallback.format or alerts.format_for(url), max_length=alerts.limit_for(url),
        )
        uh = url_hash(url)
        rows.append(OutboxItem(
            key=f"fallback|{item.id}|{fallback.name}|{uh}", target=fallback.name, url_hash=uh, topics=item.topics,
            article=item.article, kind="fallback", title=message.title, body=message.body,
            body_format=message.body_format,
        ))
    return rows
