"""The long-running service: APScheduler drives a tick that polls the feeds that are due.

Why one tick job rather than one APScheduler job per feed: the due time of each feed lives in
SQLite (`feeds.next_poll_at`, with jitter, backoff and Retry-After), so feed state is in one place,
survives restarts, and `status` can read it while the daemon runs; a reload only has to swap the
Config, not reconcile hundreds of jobs; and one job every few seconds costs less than a job per
feed. APScheduler runs three jobs: the poll tick, outbox delivery, and housekeeping, each with
max_instances=1 so a slow cycle is never run twice at once.

Signals: the handlers only set events; the main task waits on them. SIGTERM/SIGINT: finish the work in flight, then exit
(a second signal exits at once). SIGHUP: reload the configuration; a bad file is rejected with
a log line and the running configuration stays.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from monitor import delivery, scheduler, sdnotify, web
from monitor.config import Config, load_config
from monitor.errors import MonitorError
from monitor.store import Store

log = logging.getLogger(__name__)

TICK_SECONDS = 5.0
DELIVERY_SECONDS = 10.0


class Daemon:
    def __init__(self, config: Config, *, config_path: Path, clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.config_path = config_path
        self.clock = clock
        self.store = Store.open(config.database)
        self.ctx = scheduler.make_context(config, self.store, clock=clock)
        self.notifier = sdnotify.Notifier()
        self.stopping = asyncio.Event()
        self.reload_requested = asyncio.Event()
        self.endpoint = web.Endpoint(config, self.store, clock=clock)
        self.busy = asyncio.Lock()
        self.last_summary = "starting"

    # ------------------------------------------------------------------ jobs

    async def tick(self) -> None:
        if self.stopping.is_set():
            return
        async with self.busy:
            try:
                report = await scheduler.run_cycle(self.ctx, only_due=True)
            except MonitorError as e:
                log.error("cycle failed: %s (will retry)", self.config.redact(str(e)))
                return
        if report.feeds:
            self.last_summary = report.summary()
            log.info("cycle: %s", self.last_summary)
            for f in report.failed:
                log.warning("feed=%r failed: %s", f.feed, f.error)
            self.notifier.status(self.last_summary)

    async def deliver(self) -> None:
        """Outside the poll lock: a slow target never stalls polling (delivery has its own lock)."""
        if self.stopping.is_set():
            return
        try:
            await delivery.deliver(self.ctx)
        except MonitorError as e:
            log.error("delivery failed: %s (will retry)", self.config.redact(str(e)))

    async def watchdog(self) -> None:
        try:
            self.store.ping()  # only a working daemon feeds the watchdog
        except MonitorError as e:
            log.error("watchdog: store not answering: %s", e)
            return
        self.notifier.watchdog()

    async def housekeeping(self) -> None:
        """Retention: prune articles, events and delivered alerts older than `retention`."""
        async with self.busy:
            try:
                counts = self.store.prune(before=self.clock() - self.config.retention)
            except MonitorError as e:
                log.error("pruning failed: %s (will retry)", e)
                return
        if any(counts.values()):
            log.info("pruned %(articles)d articles, %(events)d events, %(alerts)d delivered alerts", counts)

    async def reload(self) -> None:
        self.notifier.reloading()
        try:
            new = load_config(self.config_path)
        except MonitorError as e:
            log.error("reload rejected, keeping the running configuration: %s", e)
            self.notifier.ready()
            return
        async with self.busy:
            await self.ctx.fetcher.aclose()
            self.config = new
            self.ctx = scheduler.make_context(new, self.store, clock=self.clock)
            self.endpoint.config = new
        log.info("configuration reloaded: %d feeds, %d topics, %d alert targets",
                 len(new.feeds), len(new.topics), len(new.alerts))
        self.notifier.ready()

    # ------------------------------------------------------------------ lifecycle

    def _install_signals(self, loop: asyncio.AbstractEventLoop) -> None:
        def stop() -> None:
            if self.stopping.is_set():
                log.warning("second signal: exiting now")
                raise SystemExit(1)
            log.info("stopping: finishing the work in flight")
            self.stopping.set()

        def hup() -> None:
            self.reload_requested.set()

        loop.add_signal_handler(signal.SIGTERM, stop)
        loop.add_signal_handler(signal.SIGINT, stop)
        loop.add_signal_handler(signal.SIGHUP, hup)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        self._install_signals(loop)
        sched = AsyncIOScheduler(event_loop=loop)
        sched.add_job(self.tick, "interval", seconds=TICK_SECONDS, max_instances=1, coalesce=True,
                      next_run_time=_now_dt())
        sched.add_job(self.deliver, "interval", seconds=DELIVERY_SECONDS, max_instances=1, coalesce=True)
        sched.add_job(self.housekeeping, "interval", hours=6, max_instances=1, coalesce=True)
        server = await web.serve(self.endpoint, self.config.http) if self.config.http else None
        interval = self.notifier.watchdog_interval()
        if interval:
            sched.add_job(self.watchdog, "interval", seconds=max(0.5, interval), max_instances=1)
        sched.start()
        log.info("running: %d feeds, %d topics, database %s", len(self.config.feeds),
                 len(self.config.topics), self.config.database)
        self.notifier.ready()
        try:
            while not self.stopping.is_set():
                stop = asyncio.ensure_future(self.stopping.wait())
                hup = asyncio.ensure_future(self.reload_requested.wait())
                await asyncio.wait({stop, hup}, return_when=asyncio.FIRST_COMPLETED)
                stop.cancel()
                hup.cancel()
                if self.reload_requested.is_set() and not self.stopping.is_set():
                    self.reload_requested.clear()
                    await self.reload()
        finally:
            self.notifier.stopping()
            sched.shutdown(wait=False)
            if server is not None:
                server.close()
            async with self.busy, delivery.lock(self.store):  # wait for the cycle or send in flight
                pass
            await self.ctx.fetcher.aclose()
            self.store.close()
            log.info("stopped")


def _now_dt() -> datetime:
    return datetime.now().astimezone()
