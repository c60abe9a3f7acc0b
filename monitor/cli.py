"""The command line: each command parses its options, loads the Config, calls one function.

No SQL, HTTP or parsing lives here; MonitorError becomes a one-line message and exit status 1
(2 for a configuration error, so scripts can tell the two apart).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from monitor import __version__, alerts, events, feeds, logs, pages, scheduler, topics
from monitor.config import Config, default_config_path, load_config, parse_duration
from monitor.daemon import Daemon
from monitor.dates import to_iso
from monitor.errors import ConfigError, MonitorError
from monitor.fetch import Fetcher
from monitor.store import Store

log = logging.getLogger("monitor")

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Configuration file (default: $NEWS_MONITOR_CONFIG, else config/monitor.toml).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="news-monitor")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text", help="Log lines as text or JSON.")
@click.option("-v", "--verbose", is_flag=True, help="Log more (debug).")
@click.pass_context
def cli(ctx: click.Context, log_format: str, verbose: bool) -> None:
    """Watch Vietnamese news for topics, extract events, alert once per development."""
    ctx.obj = logs.setup(fmt=log_format, level=logging.DEBUG if verbose else logging.INFO)


def main() -> None:
    cli()


@contextmanager
def errors_reported() -> Iterator[None]:
    """MonitorError → one clear line on stderr; ConfigError exits 2, others 1."""
    try:
        yield
    except ConfigError as e:
        click.echo(f"error: {e}", err=True)
        raise SystemExit(2) from None
    except MonitorError as e:
        click.echo(f"error: {e}", err=True)
        raise SystemExit(1) from None


def _load(path: Path | None) -> Config:
    config = load_config(path or default_config_path())
    logs.add_secrets(config.secrets)
    for warning in config.warnings:
        log.warning("%s", warning)
    return config


# ---------------------------------------------------------------------------- the daemon


@cli.command()
@config_option
def run(config_path: Path | None) -> None:
    """Run the daemon: poll each feed on its interval, alert, until SIGTERM/SIGINT."""

    with errors_reported():
        config = _load(config_path)
        asyncio.run(Daemon(config, config_path=config.path).run())


@cli.command()
@config_option
def once(config_path: Path | None) -> None:
    """Run one full cycle over every feed (fetch, parse, match, store, alert), then exit.

    Exit status 0 when the cycle ran, even if some feeds failed (they are reported on stderr).
    """

    with errors_reported():
        config = _load(config_path)
        store = Store.open(config.database)
        tty = sys.stderr.isatty()
        started = time.monotonic()

        def progress(rep: scheduler.FeedReport, done: int, total: int) -> None:
            if tty:
                state = "ok" if rep.ok else f"FAILED: {rep.error}"
                click.echo(f"[{done}/{total}] {rep.feed}: {rep.items} items, {rep.new_articles} new, "
                           f"{rep.alerts} alerts — {state}", err=True)

        async def cycle() -> scheduler.CycleReport:
            ctx = scheduler.make_context(config, store)
            try:
                return await scheduler.run_cycle(ctx, progress=progress)
            finally:
                await ctx.fetcher.aclose()

        try:
            report = asyncio.run(cycle())
        finally:
            store.close()
        if not tty:
            for f in report.failed:
                click.echo(f"feed {f.feed!r} failed: {f.error}", err=True)
        click.echo(f"once: {report.summary()} in {time.monotonic() - started:.1f} s", err=True)


@cli.command()
@config_option
def check(config_path: Path | None) -> None:
    """Validate the configuration and print what would be polled (secrets are never shown)."""

    with errors_reported():
        config = _load(config_path)
        click.echo(f"configuration {config.path}: ok")
        click.echo(f"database: {config.database}")
        states = {}
        if config.database.exists():
            store = Store.open(config.database)
            states = {s.url: s for s in store.feed_states()}
            store.close()
        click.echo(f"{len(config.feeds)} feeds:")
        for f in config.feeds:
            line = f"  {f.name}  {config.redact(f.url)}  every {_human(f.interval)}"
            st = states.get(f.url)
            if st and st.last_error:
                line += f"  — failing ({st.consecutive_failures}x): {st.last_error}"
            elif st and st.last_success_at:
                line += f"  — ok, {st.items_seen} items seen"
            click.echo(line)
        click.echo(f"{len(config.topics)} topics:")
        for t in config.topics:
            click.echo(f"  {t.id}: {t.name} ({len(t.terms) + len(t.exact_case)} terms)")
        if config.alerts:
            click.echo(f"{len(config.alerts)} alert targets:")
            for a in config.alerts:
                routed = ", ".join(a.topics) if a.topics else "every topic"
                for u in a.urls:
                    click.echo(f"  {a.name}: {config.redact(alerts.redact_url(u))} ({routed})")
        else:
            click.echo("no [[alert]] targets: alerts are printed to the console")


def _human(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


# ---------------------------------------------------------------------------- tools for users


def _read_source(source: str) -> tuple[bytes, str | None, str]:
    """A URL is fetched (with the daemon's limits), anything else is read as a file."""
    if source.startswith(("http://", "https://")):

        async def get() -> Any:
            async with Fetcher() as f:
                return await f.get(source)

        result = asyncio.run(get())
        return result.content, result.content_type, result.final_url
    return Path(source).read_bytes(), None, source


@cli.command("parse-feed")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per source.")
@click.argument("sources", nargs=-1, required=True)
def parse_feed_cmd(sources: tuple[str, ...], as_json: bool) -> None:
    """Parse feeds (URLs or files) and print what was read."""

    failed = 0
    for source in sources:
        record: dict[str, Any] = {"source": source, "feed": None, "entries": [], "error": None}
        try:
            data, ctype, url = _read_source(source)
            parsed = feeds.parse_feed(data, url=url if url.startswith("http") else None, content_type=ctype)
            record["feed"] = {"title": parsed.title, "link": parsed.link}
            record["entries"] = [
                {"id": e.id, "link": e.link, "title": e.title, "summary": e.summary,
                 "published": to_iso(e.published) if e.published else None}
                for e in parsed.entries
            ]
        except (MonitorError, OSError) as e:
            record["error"] = str(e) if isinstance(e, MonitorError) else f"cannot read {source}: {e.strerror or e}"
            failed += 1
        _print_feed(record, as_json)
    if failed:
        raise SystemExit(1)


def _print_feed(record: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(record, ensure_ascii=False))
        return
    if record["error"]:
        click.echo(f"{record['source']}: error: {record['error']}", err=True)
        return
    click.echo(f"{record['source']}: {record['feed']['title']} — {len(record['entries'])} entries")
    for e in record["entries"]:
        click.echo(f"  {e['published'] or '(no date)':25}  {e['title']}\n  {'':25}  {e['link'] or e['id']}")


def _lines(path: str) -> Iterator[str]:
    if path == "-":
        yield from sys.stdin
        return
    with open(path, encoding="utf-8") as f:
        yield from f


def _run_lines(fn: Callable[..., int], path: str, **kwargs: Any) -> None:
    try:
        bad = fn(lines=_lines(path), out=sys.stdout, **kwargs)
    except OSError as e:
        raise click.ClickException(f"cannot read {path}: {e.strerror or e}") from None
    if bad:
        click.echo(f"{bad} malformed input lines skipped", err=True)


@cli.command()
@config_option
@click.option("--explain", is_flag=True, help="Say why each topic matched or not.")
@click.argument("file", default="-")
def match(config_path: Path | None, explain: bool, file: str) -> None:
    """Match JSON lines ({"id","title","summary","text","published"}) against the configured topics."""

    with errors_reported():
        config = _load(config_path)
        _run_lines(topics.run_match, file, topics=config.topics, explain=explain)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@click.argument("file", default="-")
def extract(as_json: bool, file: str) -> None:
    """Extract events from JSON lines ({"id","title","summary","text","published"})."""

    _run_lines(events.run_extract, file, as_json=as_json)


@cli.command("extract-page")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
@click.argument("source")
def extract_page(source: str, as_json: bool) -> None:
    """Extract the article from a page (URL or file), for users writing site rules."""

    with errors_reported():
        try:
            data, _ctype, url = _read_source(source)
        except OSError as e:
            raise click.ClickException(f"cannot read {source}: {e.strerror or e}") from None
        pages.run_extract_page(url, data, sys.stdout, as_json=as_json)


@cli.command()
@config_option
@click.option("--json", "as_json", is_flag=True, help="One JSON document.")
def status(config_path: Path | None, as_json: bool) -> None:
    """Per feed health, per topic activity, the outbox and the last cycle (reads the database,
    so it works while the daemon runs)."""

    with errors_reported():
        config = _load(config_path)
        if not config.database.exists():
            raise MonitorError(f"status: no database at {config.database} yet: run `news-monitor once` or the daemon")
        store = Store.open(config.database)
        now = time.time()
        report = store.status(now=now)
        store.close()
        configured = {f.url for f in config.feeds}
        report["feeds"] = [f for f in report["feeds"] if f["url"] in configured]
        report["now"] = now
        text = json.dumps(report, ensure_ascii=False, indent=2) if as_json else _status_text(report, now)
        click.echo(config.redact(text))


def _ago(ts: float | None, now: float) -> str:
    if ts is None:
        return "never"
    delta = now - ts
    sign, delta = ("in ", -delta) if delta < 0 else ("", delta)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if delta >= size:
            text = f"{int(delta // size)}{unit}"
            break
    else:
        text = f"{int(delta)}s"
    return f"{sign}{text}" if sign else f"{text} ago"


def _status_text(report: dict[str, Any], now: float) -> str:
    lines: list[str] = []
    _print_status(report, now, lines.append)
    return "\n".join(lines)


def _print_status(report: dict[str, Any], now: float, echo: Callable[[str], None]) -> None:
    echo(f"{len(report['feeds'])} feeds:")
    for f in report["feeds"]:
        state = "ok" if not f["last_error"] else f"FAILING x{f['consecutive_failures']}: {f['last_error']}"
        echo(f"  {f['name']}: {state}; last success {_ago(f['last_success_at'], now)}, "
                   f"{f['items_seen']} items seen, next poll {_ago(f['next_poll_at'], now)}")
        if f["warning"]:
            echo(f"    warning: {f['warning']}")
    echo("topics (last 24 h):")
    for t in report["topics"] or [{"topic": "(none)", "articles": 0, "events": 0}]:
        echo(f"  {t['topic']}: {t['articles']} articles, {t['events']} events")
    o = report["outbox"]
    echo(f"outbox: {o['pending']} pending, {o['failed']} failed, {o['sent_24h']} sent in 24 h")
    c = report["last_cycle"]
    if c:
        echo(f"last cycle: {_ago(c['finished_at'], now)}, {c['feeds']} feeds ({c['failed']} failed), "
                   f"{c['new_articles']} new articles, {c['alerts']} alerts")
    echo(f"database: {report['articles']} articles, {report['database_bytes'] / 2**20:.1f} MiB")


@cli.command()
@config_option
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup(config_path: Path | None, path: Path) -> None:
    """Copy the database to PATH with SQLite's online backup (safe while the daemon runs)."""

    with errors_reported():
        config = _load(config_path)
        store = Store.open(config.database)
        store.backup(path)
        store.close()
        click.echo(f"backup written to {path}")


@cli.command("events")
@config_option
@click.option("--topic", default=None, help="Only events reported by articles in this topic.")
@click.option("--since", default="2d", show_default=True, help="Events first seen within this duration.")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per event.")
def events_cmd(config_path: Path | None, topic: str | None, since: str, as_json: bool) -> None:
    """List events with their sources (articles and outlets)."""

    with errors_reported():
        config = _load(config_path)
        if topic and topic not in {t.id for t in config.topics}:
            raise ConfigError(f"no [[topic]] with id {topic!r} (known: {', '.join(t.id for t in config.topics)})")
        window = parse_duration(since, where="--since", key="--since")
        store = Store.open(config.database)
        rows = store.events(topic=topic, since=time.time() - window)
        store.close()
        if not rows and not as_json:
            click.echo(f"no events in the last {since}" + (f" for topic {topic!r}" if topic else ""))
        for known, sources in rows:
            e = known.event
            record = {"id": known.uid, "type": e.type, "date": e.date, "date_reported": e.reported,
                      "place": e.place, "actors": list(e.actors),
                      "killed": e.killed, "injured": e.injured, "evidence": e.evidence, "background": e.background,
                      "sources": [{"title": s["title"], "url": s["url"], "feed": s["feed"],
                                   "published": s["published"]} for s in sources]}
            if as_json:
                click.echo(json.dumps(record, ensure_ascii=False))
                continue
            label = alerts.EVENT_TYPES[config.language].get(e.type, e.type)
            toll = ", ".join(f"{n} {w}" for n, w in ((e.killed, "killed"), (e.injured, "injured")) if n is not None)
            flag = " (background)" if e.background else ""
            click.echo(f"{alerts.format_date(e.date) or 'undated':10}  {label:10} {e.place or '-'}  "
                       f"{', '.join(e.actors) or '-'}{'  ' + toll if toll else ''}{flag}")
            click.echo(f"            «{e.evidence}»")
            for s in sources:
                click.echo(f"            · {s['feed']}: {s['title']}  {s['url'] or ''}")


# ---------------------------------------------------------------------------- delivery


@cli.command("notify-test")
@config_option
@click.option("--target", default=None, help="Only this [[alert]] target.")
def notify_test(config_path: Path | None, target: str | None) -> None:
    """Send a test message to each alert target and report per service what happened."""
    with errors_reported():
        config = _load(config_path)
        targets = [a for a in config.alerts if target in (None, a.name)]
        if target and not targets:
            raise ConfigError(f"no [[alert]] named {target!r} (known: {', '.join(a.name for a in config.alerts)})")
        failures = 0
        for a in targets or []:
            for url in a.urls:
                result = alerts.send(url, alerts.render_test_message(language=a.language))
                state = "ok" if result.ok else f"FAILED: {config.redact(result.detail)}"
                click.echo(f"{a.name}: {config.redact(result.service)}: {state}")
                failures += not result.ok
        if not config.alerts:
            click.echo("no [[alert]] targets configured: alerts go to the console")
        if failures:
            raise SystemExit(1)


@cli.group(invoke_without_command=True)
@config_option
@click.option("--failed", is_flag=True, help="Only alerts that gave up.")
@click.pass_context
def outbox(ctx: click.Context, config_path: Path | None, failed: bool) -> None:
    """List pending and failed alerts."""
    ctx.ensure_object(dict)
    ctx.obj = {"config_path": config_path}
    if ctx.invoked_subcommand is not None:
        return

    with errors_reported():
        config = _load(config_path)
        store = Store.open(config.database)
        rows = store.outbox(statuses=("failed",) if failed else ("pending", "failed"))
        store.close()
        if not rows:
            click.echo("outbox is empty: every alert was delivered")
        for r in rows:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(r.created_at))
            err = f" — {r.last_error}" if r.last_error else ""
            held = f", waiting for the next digest ({HOLD_REASONS.get(r.hold, r.hold)})" if r.hold else ""
            click.echo(config.redact(
                f"#{r.id} {r.status:7} {when} {r.target}: {r.title} (attempts {r.attempts}{held}){err}"
            ))


HOLD_REASONS = {"digest": "digest mode", "quiet": "quiet hours", "cap": "max_per_hour reached"}


@outbox.command("retry")
@click.argument("item_id", type=int, required=False)
@click.pass_context
def outbox_retry(ctx: click.Context, item_id: int | None) -> None:
    """Requeue a failed alert (or all failed alerts); the daemon or `once` sends them."""

    with errors_reported():
        config = _load(ctx.obj["config_path"])
        store = Store.open(config.database)
        n = store.retry(item_id, now=time.time())
        store.close()
        click.echo(f"{n} alerts requeued")

