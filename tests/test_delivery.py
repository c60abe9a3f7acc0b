"""Delivery (issue 6): order per channel through an outage, digests, quiet hours, the hourly cap,
urgent_if, fallback after give-up, per-target templates, source health, e-mail end to end.

Real servers on 127.0.0.1 (tests/server.py as feed server and json:// receiver, aiosmtpd), a real
SQLite file, and an injectable clock: time passes by setting `clock.t`, never by sleeping."""

from __future__ import annotations

import asyncio
import json
import tomllib
from collections.abc import Awaitable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from monitor import delivery, health, scheduler, shaping
from monitor.cli import cli
from monitor.config import AlertConfig, HealthConfig, load_config
from monitor.errors import ConfigError
from monitor.store import FeedState, OutboxItem, Store
from tests.server import LocalServer, Response, SilentPort
from tests.smtp import SMTPServer
from tests.test_end_to_end import rfc822, rss, write_config

T = TypeVar("T")
ICT = ZoneInfo("Asia/Ho_Chi_Minh")
ROOT = Path(__file__).resolve().parent.parent


def local(day: int, hour: int, minute: int = 0, second: int = 0) -> float:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=ICT).timestamp()


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def hook(server: LocalServer, path: str = "/hook") -> str:
    return f"json://127.0.0.1:{server.port}{path}"


def target(name: str, url: str, **settings: str | int | list[str]) -> str:
    lines = [f'[[alert]]\nname = "{name}"\nurls = ["{url}"]']
    lines += [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in settings.items()]
    return "\n".join(lines) + "\n"


def received(server: LocalServer, path: str = "/hook", start: int = 0) -> list[dict[str, str]]:
    return [json.loads(body) for p, body in server.posts[start:] if p == path]


LOOPS: dict[int, asyncio.AbstractEventLoop] = {}


def run(ctx: scheduler.Context, coro: Awaitable[T]) -> T:
    """Run on the context's own event loop (its HTTP client's connections belong to it)."""
    return LOOPS[id(ctx)].run_until_complete(coro)


@pytest.fixture
def setup(tmp_path: Path, http_server: LocalServer) -> Iterator[object]:
    """`setup(alerts, feeds=..., extra=...)` -> (Context, Clock) on a fresh database."""
    contexts: list[scheduler.Context] = []

    def make(alerts: str, *, feeds: list[tuple[str, str]] | None = None, extra: str = "",
             start: float = local(27, 9)) -> tuple[scheduler.Context, Clock]:
        path = write_config(tmp_path, http_server, feeds=feeds or [], alerts=alerts, extra=extra)
        config = load_config(path)
        clock = Clock(start)
        ctx = scheduler.make_context(config, Store.open(config.database), clock=clock)
        contexts.append(ctx)
        LOOPS[id(ctx)] = asyncio.new_event_loop()
        return ctx, clock

    yield make
    for ctx in contexts:
        run(ctx, ctx.fetcher.aclose())
        LOOPS.pop(id(ctx)).close()
        ctx.store.close()


def enqueue(ctx: scheduler.Context, clock: Clock, n: int, *, name: str = "chat", topic: str = "libya",
            killed: int | None = None, title: str | None = None) -> None:
    (t,) = [t for t in ctx.targets if t.name == name]
    uh = delivery.url_hash(t.urls[0])
    ctx.store.enqueue([OutboxItem(
        key=f"article|a{n}|{name}|{uh}", target=name, url_hash=uh, topics=(topic,), article=f"https://tuoitre.vn/a{n}.htm",
        kind="article", title=title or f"Tin {n}: Tướng Haftar ở Tripoli", body=f"Nội dung {n}", killed=killed,
    )], now=clock())


def deliver(ctx: scheduler.Context) -> tuple[int, int]:
    return run(ctx, delivery.deliver(ctx))


# ---------------------------------------------------------------------------- outage and order


STORIES = [
    ("Triều Tiên phóng tên lửa đạn đạo ra biển Nhật Bản", "Vụ phóng diễn ra lúc rạng sáng từ tỉnh Nam Hwanghae."),
    ("Kim Jong-un thị sát nhà máy thép ở Chongjin", "Ông yêu cầu tăng sản lượng trước mùa đông."),
    ("Hàn Quốc và Mỹ tập trận chung, Triều Tiên phản đối", "Bình Nhưỡng gọi cuộc tập trận là hành động khiêu khích."),
    ("Thượng đỉnh liên Triều có thể nối lại vào mùa xuân", "Các nhà ngoại giao Seoul lạc quan thận trọng."),
    ("Triều Tiên mở lại biên giới cho du khách Nga", "Đoàn khách đầu tiên đến Rason bằng tàu hỏa."),
    ("Lũ lớn ở Triều Tiên cuốn trôi hàng trăm ngôi nhà", "Cơ quan khí tượng cảnh báo mưa tiếp tục kéo dài."),
]


def story(message: dict[str, str]) -> int:
    """Which of STORIES a chat message reports."""
    (n,) = [n for n, (title, _) in enumerate(STORIES) if title in message["title"] + message["message"]]
    return n


def test_after_an_outage_every_alert_arrives_once_and_in_order(setup: object, http_server: LocalServer) -> None:
    ctx, clock = setup(target("chat", hook(http_server), topics=["trieu-tien"]),  # type: ignore[operator]
                       feeds=[("Tuổi Trẻ – Thế giới", "/feed.rss")])
    http_server.fail_posts(503)
    items: list[dict[str, str]] = []
    for cycle in range(3):  # three polls while the chat receiver is down, two new stories each
        for title, summary in STORIES[2 * cycle: 2 * cycle + 2]:
            items.insert(0, {"title": title, "summary": summary, "link": f"https://tuoitre.vn/{len(items)}.htm",
                             "when": rfc822(datetime.fromtimestamp(clock.t - 600, ICT))})
        http_server.routes["/feed.rss"] = rss(items)
        report = run(ctx, scheduler.run_cycle(ctx))
        assert report.sent == 0 and report.delivery_failures == 1  # only the oldest is tried; the rest wait
        clock.t += 15 * 60
    attempts = len(received(http_server))
    assert attempts == 3 and len({story(m) for m in received(http_server)}) == 1  # the oldest, tried each cycle

    http_server.fail_posts(200)
    report = run(ctx, scheduler.run_cycle(ctx))
    delivered = [story(m) for m in received(http_server, start=attempts)]
    created = [story({"title": row.title, "message": row.body}) for row in ctx.store.outbox(statuses=("sent",))]
    assert delivered == created and len(set(delivered)) == len(delivered) >= 5  # each once, in creation order
    assert report.sent == len(delivered)
    assert run(ctx, scheduler.run_cycle(ctx)).sent == 0
    assert ctx.store.counts() == {"articles": 6, "pending": 0, "failed": 0, "sent": len(delivered)}


def test_a_failing_channel_never_holds_back_another(setup: object, http_server: LocalServer) -> None:
    with LocalServer() as other:
        ctx, clock = setup(target("chat", hook(http_server)) + target("desk", hook(other)))  # type: ignore[operator]
        http_server.fail_posts(503)
        for n in range(3):
            enqueue(ctx, clock, n)
            enqueue(ctx, clock, n, name="desk")
        assert deliver(ctx) == (3, 1)
        assert [m["title"] for m in received(other)] == [f"Tin {n}: Tướng Haftar ở Tripoli" for n in range(3)]
        (retry,) = [it for it in ctx.store.outbox() if it.attempts]
        assert retry.target == "chat" and 30 * 0.8 <= retry.next_attempt_at - clock.t <= 30 * 1.2
        assert deliver(ctx) == (0, 0)  # not due yet: nothing is tried, nothing overtakes it


def test_a_hanging_service_costs_one_timeout_and_the_other_channel_still_delivers(
    setup: object, http_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "SEND_TIMEOUT", 1.0)
    with SilentPort() as silent:
        ctx, clock = setup(target("chat", hook(http_server)) + target("slow", f"json://127.0.0.1:{silent.port}/x"))  # type: ignore[operator]
        for n in range(2):
            enqueue(ctx, clock, n)
            enqueue(ctx, clock, n, name="slow")
        assert deliver(ctx) == (2, 1)  # the hanging channel stops at its first timeout
        assert len(received(http_server)) == 2


def test_two_deliveries_at_once_send_each_alert_once(setup: object, http_server: LocalServer) -> None:
    ctx, clock = setup(target("chat", hook(http_server)))  # type: ignore[operator]
    for n in range(3):
        enqueue(ctx, clock, n)

    async def both() -> list[tuple[int, int]]:
        return await asyncio.gather(delivery.deliver(ctx), delivery.deliver(ctx))

    assert sorted(run(ctx, both())) == [(0, 0), (3, 0)]
    assert len(received(http_server)) == 3


# ---------------------------------------------------------------------------- shaping


def test_digest_every_hour_is_one_message_grouped_by_topic_newest_first(setup: object, http_server: LocalServer) -> None:
    ctx, clock = setup(target("chat", hook(http_server), mode="digest", every="1h"), start=local(27, 9, 5))  # type: ignore[operator]
    for n, (minute, topic) in enumerate([(5, "libya"), (20, "trieu-tien"), (40, "libya")]):
        clock.t = local(27, 9, minute)
        enqueue(ctx, clock, n, topic=topic, title=f"Tin {n}")
        assert deliver(ctx) == (0, 0)
    clock.t = local(27, 9, 59, 59)
    assert deliver(ctx) == (0, 0)
    clock.t = local(27, 10, 0, 1)
    assert deliver(ctx) == (1, 0)
    (digest,) = received(http_server)
    assert digest["title"] == "Bản tin: 3 cảnh báo"
    body = digest["message"]
    assert body.index("Libya – tướng Haftar") < body.index("Triều Tiên – thượng đỉnh")  # group of the newest first
    assert body.index("09:40 Tin 2") < body.index("09:05 Tin 0")  # newest first inside a group
    assert ctx.store.counts()["pending"] == 0 and deliver(ctx) == (0, 0)
    assert {it.status for it in _all(ctx)} == {"sent"}


def test_digest_at_fixed_times_waits_for_the_next_one(setup: object, http_server: LocalServer) -> None:
    ctx, clock = setup(target("chat", hook(http_server), mode="digest", at=["07:30", "17:00"]),  # type: ignore[operator]
                       start=local(27, 17, 10))
    enqueue(ctx, clock, 1)
    deliver(ctx)
    clock.t = local(28, 7, 29)
    assert deliver(ctx) == (0, 0)
    clock.t = local(28, 7, 30, 1)
    assert deliver(ctx) == (1, 0)
    assert received(http_server)[0]["title"] == "Bản tin: 1 cảnh báo"


def test_quiet_hours_hold_alerts_for_one_digest_unless_urgent(setup: object, http_server: LocalServer) -> None:
    ctx, clock = setup(target("chat", hook(http_server), quiet_hours="22:00-06:30", urgent_if="killed >= 10"),  # type: ignore[operator]
                       start=local(27, 23))
    enqueue(ctx, clock, 1, killed=2, title="Giao tranh ở Tripoli, 2 người chết")
    assert deliver(ctx) == (0, 0)
    enqueue(ctx, clock, 2, killed=12, title="Không kích Mitiga, 12 người chết")
    assert deliver(ctx) == (1, 0)  # urgent: at once, in the night
    clock.t = local(27, 23, 30)
    enqueue(ctx, clock, 3, title="LNA tiến vào ngoại ô")
    clock.t = local(28, 6, 29)
    assert deliver(ctx) == (0, 0)
    clock.t = local(28, 6, 30, 1)
    assert deliver(ctx) == (1, 0)
    urgent, digest = received(http_server)
    assert urgent["title"] == "Không kích Mitiga, 12 người chết"
    assert digest["title"] == "Bản tin: 2 cảnh báo"
    assert "23:30 LNA tiến vào ngoại ô" in digest["message"] and "23:00 Giao tranh ở Tripoli" in digest["message"]
    clock.t = local(28, 9)
    enqueue(ctx, clock, 4)
    assert deliver(ctx) == (1, 0)  # daytime: instant again


def test_past_the_hourly_cap_alerts_fold_into_the_next_digest(setup: object, http_server: LocalServer) -> None:
    ctx, clock = setup(target("chat", hook(http_server), max_per_hour=2))  # type: ignore[operator]
    for n in range(5):
        enqueue(ctx, clock, n)
    assert deliver(ctx) == (2, 0)
    clock.t += 30 * 60
    enqueue(ctx, clock, 5)
    assert deliver(ctx) == (0, 0)  # nothing dropped, nothing sent: held
    clock.t = local(27, 10, 0, 1)  # an hour after the first send a slot frees: one digest
    assert deliver(ctx) == (1, 0)
    titles = [m["title"] for m in received(http_server)]
    assert titles[:2] == ["Tin 0: Tướng Haftar ở Tripoli", "Tin 1: Tướng Haftar ở Tripoli"]
    assert titles[2] == "Bản tin: 4 cảnh báo"
    assert all(f"Tin {n}:" in received(http_server)[2]["message"] for n in (2, 3, 4, 5))


def test_fallback_hears_once_when_a_target_gives_up(setup: object, http_server: LocalServer) -> None:
    with LocalServer() as ops:
        ctx, clock = setup(target("chat", hook(http_server), fallback="ops") + target("ops", hook(ops)))  # type: ignore[operator]
        http_server.fail_posts(503)
        enqueue(ctx, clock, 1, title="Không kích sân bay Mitiga")
        start = clock.t
        while clock.t < start + delivery.GIVE_UP_AFTER + 12 * 3600:  # the last backoff is 6 h ± 20%
            deliver(ctx)
            clock.t += 3600
        (failed,) = ctx.store.outbox(statuses=("failed",))
        assert failed.title == "Không kích sân bay Mitiga" and "503" in (failed.last_error or "")
        (notice,) = received(ops)
        assert notice["title"] == "Không gửi được cảnh báo tới chat"
        assert "Không kích sân bay Mitiga" in notice["message"] and "503" in notice["message"]
        assert 8 <= failed.attempts <= 20  # backoff: ~30 s doubling to 6 h, not one try an hour
        deliver(ctx)
        assert len(received(ops)) == 1
        http_server.fail_posts(200)  # the service is back; the operator requeues the failed alert
        assert ctx.store.retry(None, now=clock.t) == 1
        before = len(received(http_server))
        assert deliver(ctx) == (1, 0) and deliver(ctx) == (0, 0)
        assert [m["title"] for m in received(http_server, start=before)] == ["Không kích sân bay Mitiga"]


def test_a_target_template_replaces_the_built_in_one(tmp_path: Path, http_server: LocalServer) -> None:
    templates = {"title": "{{ kind }} · {{ topic }} · {{ article_title }}",
                 "body": "{% for ev in events %}{{ ev.type }} ({{ ev.killed }}){% endfor %} — {{ link }}"}
    http_server.routes["/feed.rss"] = rss([{
        "title": "Không kích sân bay Mitiga ở Tripoli, 4 người thiệt mạng", "link": "https://tuoitre.vn/mitiga.htm",
        "summary": "Máy bay của LNA đã không kích sân bay Mitiga ở thủ đô Tripoli, khiến 4 dân thường thiệt mạng.",
        "when": rfc822(datetime.now(ICT) - timedelta(hours=1))}])
    alerts = target("chat", hook(http_server)).replace(
        "\n", f"\ntemplates = {{ title = {json.dumps(templates['title'], ensure_ascii=False)}, "
              f"body = {json.dumps(templates['body'], ensure_ascii=False)} }}\n", 1)
    config = write_config(tmp_path, http_server, feeds=[("Tuổi Trẻ", "/feed.rss")], alerts=alerts)
    assert CliRunner().invoke(cli, ["once", "--config", str(config)]).exit_code == 0
    (msg,) = received(http_server)
    assert msg["title"] == "event · Libya – tướng Haftar · Không kích sân bay Mitiga ở Tripoli, 4 người thiệt mạng"
    assert msg["message"] == "không kích (4) — https://tuoitre.vn/mitiga.htm"
    (row,) = Store.open(tmp_path / "state" / "monitor.db").outbox(statuses=("sent",))
    assert row.killed == 4  # the figure urgent_if reads


def _all(ctx: scheduler.Context) -> list[OutboxItem]:
    return ctx.store.outbox(statuses=("pending", "failed", "sent", "folded"))


# ---------------------------------------------------------------------------- configuration


@pytest.mark.parametrize(("settings", "error"), [
    ('mode = "digest"', 'mode = "digest" needs every = "1h" or at'),
    ('every = "1h"', 'every and at schedule digests: add mode = "digest"'),
    ('mode = "daily"', "mode must be instant or digest"),
    ('mode = "digest"\nat = ["7h30"]', "at: '7h30' is not a time of day"),
    ('quiet_hours = "22:00"', "quiet_hours = '22:00' must be a window"),
    ('urgent_if = "__import__(\'os\')"', "must read FIELD OP NUMBER"),
    ('urgent_if = "dead >= 3"', "must read FIELD OP NUMBER"),
    ("max_per_hour = 0", "max_per_hour must be 1 or more"),
    ('templates = { body = "{% for x in %}" }', "templates.body does not compile"),
    ('templates = { title = "{{ articel_title }}" }', "templates.title uses 'articel_title'"),
    ('templates = { subject = "x" }', "templates holds title and body strings only"),
    ('fallback = "nobody"', "fallback names 'nobody', which is not another [[alert]]"),
    ('fallback = "chat"', "fallback names 'chat', which is not another [[alert]]"),
])
def test_alert_settings_are_checked_at_load(tmp_path: Path, settings: str, error: str) -> None:
    path = tmp_path / "m.toml"
    path.write_text(f'[[alert]]\nname = "chat"\nurls = ["json://127.0.0.1/x"]\n{settings}\n', encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert str(e.value).startswith(f"config: {path}: [[alert]] 'chat': ") and error in str(e.value)


def test_alert_and_health_settings_load(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text(
        '[health]\nfail_after_polls = 3\nfail_after = "30m"\ntarget = "ops"\n'
        '[[alert]]\nname = "chat"\nurls = ["json://127.0.0.1/x"]\nmode = "digest"\nat = ["17:00", "07:30"]\n'
        'quiet_hours = "22:00-06:30"\nurgent_if = "killed >= 10"\nfallback = "ops"\n'
        'templates = { title = "{{ title }}" }\n'
        '[[alert]]\nname = "ops"\nurls = ["json://127.0.0.1/y"]\nmax_per_hour = 5\n', encoding="utf-8")
    config = load_config(path)
    chat, ops = config.alerts
    assert (chat.mode, chat.at, chat.quiet_hours, chat.urgent_if, chat.fallback) == (
        "digest", (450, 1020), (1320, 390), ("killed", ">=", 10), "ops")
    assert ops.max_per_hour == 5 and ops.mode == "instant"
    assert config.health == HealthConfig(fail_after_polls=3, fail_after=1800.0, targets=("ops",))
    path.write_text('[health]\ntarget = "pager"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[health\]: target names 'pager', which no \[\[alert\]\] defines"):
        load_config(path)


def test_every_setting_is_in_the_readme() -> None:
    from monitor.config import ALERT_SETTINGS, HEALTH_SETTINGS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for s in (*ALERT_SETTINGS, *HEALTH_SETTINGS):
        assert f"| `{s.name}` |" in readme, s.name


def test_every_language_has_every_delivery_word() -> None:
    words = tomllib.loads((ROOT / "monitor" / "templates" / "delivery.toml").read_text(encoding="utf-8"))
    assert set(words) == {"vi", "en"} and set(words["vi"]) == set(words["en"])


# ---------------------------------------------------------------------------- source health

FEED = ("VnExpress – Thế giới", "/feed.rss")


def poll(ctx: scheduler.Context, clock: Clock, minutes: float) -> None:
    run(ctx, scheduler.run_cycle(ctx))
    clock.t += minutes * 60


def test_a_failing_feed_alerts_once_after_fail_after_and_once_on_recovery(setup: object, http_server: LocalServer) -> None:
    ctx, clock = setup(target("ops", hook(http_server)), feeds=[FEED], start=local(27, 8, 10))  # type: ignore[operator]
    http_server.routes["/feed.rss"] = Response(b"forbidden", status=403, content_type="text/html")
    for _ in range(5):  # 5 polls over 2 h: not yet (6 polls AND 2 h, whichever is later)
        poll(ctx, clock, 30)
    assert received(http_server) == []
    poll(ctx, clock, 30)  # the 6th poll, 2 h 30 after the first failure
    (alert,) = received(http_server)
    assert alert["title"] == "VnExpress – Thế giới: HTTP 403 từ 08:10"
    assert "không bị tắt" in alert["message"]  # the user learns it is still being retried
    for _ in range(4):
        poll(ctx, clock, 60)
    assert len(received(http_server)) == 1  # one episode, one alert
    http_server.routes["/feed.rss"] = rss([])
    poll(ctx, clock, 5)
    titles = [m["title"] for m in received(http_server)]
    assert titles[1] == "VnExpress – Thế giới: đã hoạt động lại"
    for _ in range(3):
        poll(ctx, clock, 5)
    assert len(received(http_server)) == 2
    state = ctx.store.feed_state(http_server.url("/feed.rss"))
    assert state.consecutive_failures == 0 and state.health_alerted_at is None


@pytest.mark.parametrize(("route", "feed_type", "says"), [
    (Response("<html><body><h1>Checking your browser…</h1></body></html>", content_type="text/html"), "rss",
     "VnExpress – Thế giới: an HTML page, not an RSS/Atom feed từ 09:00"),  # a bot wall served as 200: a failure, its own words
    (rss([]), "rss", "VnExpress – Thế giới: nguồn tin không có bài nào từ 09:00"),
    (Response("<html><body><div class='x'>Không có gì</div></body></html>", content_type="text/html"), "html",
     "VnExpress – Thế giới: quy tắc trích xuất không còn khớp từ 09:00"),
])
def test_bot_wall_empty_feed_and_dead_site_rule_are_alerted(setup: object, http_server: LocalServer, route: object,
                                                            feed_type: str, says: str) -> None:
    extra = '[health]\nfail_after_polls = 3\nfail_after = "25m"\n'
    selectors = ('\nselectors = { item = "article.story", link = "a", title = "h3" }\n' if feed_type == "html" else "")
    ctx, clock = setup(target("ops", hook(http_server)), feeds=[FEED], extra=extra)  # type: ignore[operator]
    http_server.routes["/feed.rss"] = route  # type: ignore[assignment]
    if selectors:
        _retype(ctx, http_server, selectors)
    for _ in range(3):
        poll(ctx, clock, 10)
    assert received(http_server) == []  # 3 polls but only 20 min: not yet
    poll(ctx, clock, 10)
    (alert,) = received(http_server)
    assert alert["title"].startswith(says), alert["title"]


def _retype(ctx: scheduler.Context, server: LocalServer, selectors: str) -> None:
    """Turn the test's feed into an HTML listing read with the given selectors."""
    path = ctx.config.path
    text = path.read_text(encoding="utf-8").replace('fetch_articles = "none"\n', 'fetch_articles = "none"\ntype = "html"' + selectors)
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    ctx.config = config


def test_health_alerts_go_only_to_the_health_target(setup: object, http_server: LocalServer) -> None:
    with LocalServer() as ops:
        ctx, clock = setup(target("chat", hook(http_server)) + target("ops", hook(ops)), feeds=[FEED],  # type: ignore[operator]
                           extra='[health]\ntarget = "ops"\nfail_after_polls = 1\nfail_after = "1m"\n')
        http_server.routes["/feed.rss"] = Response(b"", status=404, content_type="text/plain")
        poll(ctx, clock, 5)
        poll(ctx, clock, 5)
        assert received(http_server) == [] and len(received(ops)) == 1


def state(**kw: object) -> FeedState:
    return FeedState(url="u", name="n", **kw)  # type: ignore[arg-type]


DAY = 86400.0


def test_a_feed_gone_quiet_against_its_own_rate() -> None:
    now = 100 * DAY
    busy = state(first_poll_at=now - 10 * DAY, last_poll_at=now, last_items=50)
    assert health.assess(busy, now, (140, now - 3600)) is None  # 20 a day, last one an hour ago
    quiet = health.assess(busy, now, (140, now - 10 * 3600))
    assert quiet is not None and quiet.kind == "quiet" and quiet.since == now - 10 * 3600
    assert quiet.detail == "no new article for 10 h (usually one every 72 min)"
    assert health.assess(busy, now, (5, now - 3 * DAY)) is None  # too few articles to know its rate
    young = state(first_poll_at=now - DAY, last_poll_at=now, last_items=50)
    assert health.assess(young, now, (140, now - 10 * 3600)) is None  # watched for one day only


def test_episode_steps() -> None:
    settings = HealthConfig(fail_after_polls=6, fail_after=7200)
    failing = state(consecutive_failures=6, failing_since=0.0, last_status=403, last_poll_at=100.0)
    problem = health.assess(failing, 3 * 3600, None)
    assert problem == health.Problem("failing", "error", 0.0, cause="HTTP 403")
    early = health.step(failing, problem, 3600, settings)
    assert early.notices == () and early.alerted_at is None  # 6 polls, but only 1 h
    due = health.step(failing, problem, 3 * 3600, settings)
    assert [k for k, _ in due.notices] == ["open"] and due.alerted_at == 3 * 3600
    alerted = state(health_problem="failing", health_since=0.0, health_alerted_at=10800.0, last_poll_at=200.0)
    assert [k for k, _ in health.step(alerted, None, 4 * 3600, settings).notices] == ["recovered"]
    unalerted = state(health_problem="failing", health_since=0.0, last_poll_at=200.0)
    assert health.step(unalerted, None, 4 * 3600, settings).notices == ()  # never told: nothing to take back


def test_quiet_feed_through_the_store(setup: object, http_server: LocalServer) -> None:
    ctx, clock = setup(target("ops", hook(http_server)), feeds=[FEED], start=local(20, 0),  # type: ignore[operator]
                       extra='[health]\nfail_after_polls = 1\n')
    http_server.routes["/feed.rss"] = rss([])
    poll(ctx, clock, 0)  # the first poll
    for n in range(60):  # three a day for 5 days
        clock.t += 8 * 3600 / 3
        http_server.routes["/feed.rss"] = rss([{"title": f"Bài số {n} về kinh tế", "link": f"https://vnexpress.net/{n}.html",
                                               "summary": "Tin tức.", "when": rfc822(datetime.fromtimestamp(clock.t, ICT))}])
        poll(ctx, clock, 0)
    assert received(http_server) == []
    for _ in range(12):  # then nothing new for a day and a half, though the feed still answers
        clock.t += 3 * 3600
        poll(ctx, clock, 0)
    titles = [m["title"] for m in received(http_server)]
    assert len(titles) == 1 and titles[0].startswith("VnExpress – Thế giới: im lặng bất thường từ "), titles


# ---------------------------------------------------------------------------- e-mail, end to end


def _mitiga_feed(server: LocalServer) -> None:
    server.routes["/feed.rss"] = rss([{
        "title": "Không kích sân bay Mitiga ở Tripoli, 4 người thiệt mạng", "link": "https://tuoitre.vn/mitiga.htm",
        "summary": "Máy bay của LNA đã không kích sân bay Mitiga ở thủ đô Tripoli, khiến 4 dân thường thiệt mạng.",
        "when": rfc822(datetime.now(ICT) - timedelta(hours=1))}])


@pytest.mark.parametrize("tls", [False, True], ids=["plain", "starttls-login"])
def test_email_end_to_end_keeps_vietnamese_intact(tmp_path: Path, http_server: LocalServer, tls: bool,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # an ASCII password: smtplib encodes AUTH in ASCII, so apprise cannot log in with "mật khẩu"
    options = {"tls_dir": tmp_path, "user": "desk", "password": "correct horse 9"} if tls else {}
    with SMTPServer(**options) as smtp:  # type: ignore[arg-type]
        if tls:
            monkeypatch.setenv("SSL_CERT_FILE", str(smtp.cert_file))  # the self-signed cert is our only CA
            url = (f"mailto://desk:correct%20horse%209@127.0.0.1:{smtp.port}"
                   "?mode=starttls&from=monitor@example.test&to=desk@example.test")
        else:
            url = f"mailto://127.0.0.1:{smtp.port}?mode=insecure&from=monitor@example.test&to=desk@example.test"
        _mitiga_feed(http_server)
        config = write_config(tmp_path, http_server, feeds=[("Tuổi Trẻ – Thế giới", "/feed.rss")],
                              alerts=target("desk", url))
        result = CliRunner().invoke(cli, ["once", "--config", str(config)])
        assert result.exit_code == 0 and "1 sent" in result.output, result.output
        (mail,) = smtp.messages
    assert mail["Subject"] == "[Libya – tướng Haftar] Sự kiện mới: không kích tại sân bay Mitiga"
    body = mail.get_content()
    assert "Thiệt mạng: 4" in body and "Nguồn: Tuổi Trẻ – Thế giới" in body and "Địa điểm: sân bay Mitiga" in body
    assert "Dẫn chứng: «Không kích sân bay Mitiga ở Tripoli" in body and "https://tuoitre.vn/mitiga.htm" in body



# ---------------------------------------------------------------------------- the rules, on plain data


def alert_row(killed: int | None = None) -> OutboxItem:
    return OutboxItem(key="k", target="t", url_hash="h", topics=("libya",), article=None, kind="article", title="x",
                      body="y", killed=killed)


def test_shaping_rules_on_plain_data() -> None:
    night = AlertConfig(name="t", urls=("json://x",), quiet_hours=(22 * 60, 6 * 60 + 30), urgent_if=("killed", ">", 9),
                        max_per_hour=2)
    assert shaping.in_quiet(night, local(27, 23, 59), ICT) and shaping.in_quiet(night, local(28, 6, 29), ICT)
    assert not shaping.in_quiet(night, local(28, 6, 30), ICT) and not shaping.in_quiet(night, local(27, 21, 59), ICT)
    assert shaping.decide(night, alert_row(), local(27, 23), ICT, []) == shaping.Hold("quiet", local(28, 6, 30))
    assert shaping.decide(night, alert_row(killed=10), local(27, 23), ICT, []) is None  # urgent
    assert shaping.decide(night, alert_row(killed=9), local(27, 23), ICT, []) is not None  # "> 9"
    sends = [local(27, 9, 10), local(27, 9, 40)]
    assert shaping.decide(night, alert_row(), local(27, 9, 50), ICT, sends) == shaping.Hold("cap", local(27, 10, 10))
    assert shaping.decide(night, alert_row(), local(27, 21, 50), ICT, [local(27, 21, 30), local(27, 21, 40)]) == \
        shaping.Hold("cap", local(28, 6, 30))  # the slot frees inside quiet hours: wait for their end

    hourly = AlertConfig(name="t", urls=("json://x",), mode="digest", every=3600.0, quiet_hours=(22 * 60, 6 * 60))
    assert shaping.next_digest(hourly, local(27, 9, 0), ICT) == local(27, 10)  # strictly after
    assert shaping.next_digest(hourly, local(27, 9, 59, 59), ICT) == local(27, 10)
    assert shaping.next_digest(hourly, local(27, 21, 30), ICT) == local(28, 6)  # 22:00..05:00 fall in quiet hours
    daily = AlertConfig(name="t", urls=("json://x",), mode="digest", at=(7 * 60 + 30, 17 * 60))
    assert shaping.next_digest(daily, local(27, 17, 0), ICT) == local(28, 7, 30)
    assert shaping.next_digest(daily, local(27, 8, 0), ICT) == local(27, 17)


def test_health_messages_in_english_and_short_causes() -> None:
    from monitor import alerts

    since = datetime(2026, 11, 27, 8, 10, tzinfo=ICT)
    msg = alerts.render_health_alert("VnExpress – World", "failing", detail="fetch: HTTP 403 Forbidden", cause="HTTP 403",
                                     since=since, polls=6, language="en")
    assert msg.title == "VnExpress – World: HTTP 403 since 08:10"
    assert "Failed polls in a row: 6" in msg.body and "fetch: HTTP 403 Forbidden" in msg.body
    back = alerts.render_health_alert("VnExpress – World", "failing", detail="x", cause="HTTP 403", since=since,
                                      recovered_at=since + timedelta(hours=3), language="en")
    assert back.title == "VnExpress – World: working again" and "27/11/2026 08:10" in back.body
    assert health.short_cause(None, "fetch: timed out connecting to vnexpress.net after 10 s") == \
        "timed out connecting to vnexpress.net after 10 s"
    assert health.short_cause(503, "fetch: HTTP 503 Service Unavailable; retried") == "HTTP 503"


def test_a_site_rule_is_broken_while_every_page_read_says_so() -> None:
    broken = "site rule for vnexpress.net matched no body; used the generic extractor"
    assert scheduler._page_rule([broken, broken], None) == [broken]
    assert scheduler._page_rule([broken, None], None) == []  # one page still matched: the rule works
    assert scheduler._page_rule([], f"bare & repaired (2x); {broken}") == ["site rule for vnexpress.net matched no body"]
    assert scheduler._page_rule([], "bare & repaired (2x)") == []  # no page read: the last verdict stands
    problem = health.assess(state(warning=broken, last_items=30), 100.0, None)
    assert problem is not None and problem.kind == "rule"


def test_undelivered_alerts_follow_a_target_whose_one_url_changed(setup: object, http_server: LocalServer) -> None:
    ctx, clock = setup(target("chat", hook(http_server, "/old")) + target("desk", hook(http_server, "/desk")))  # type: ignore[operator]
    http_server.fail_posts(503)
    enqueue(ctx, clock, 1)
    enqueue(ctx, clock, 2)
    enqueue(ctx, clock, 3, name="desk")
    deliver(ctx)
    http_server.fail_posts(200)
    changed = replace(ctx.config, alerts=(AlertConfig(name="chat", urls=(hook(http_server, "/new"),)),
                                          AlertConfig(name="gone", urls=(hook(http_server, "/gone"),))))
    ctx.config = changed
    clock.t += 3600
    deliver(ctx)
    deliver(ctx)
    assert [m["title"] for m in received(http_server, "/new")] == [f"Tin {n}: Tướng Haftar ở Tripoli" for n in (1, 2)]
    (orphan,) = ctx.store.outbox(statuses=("failed",))  # "desk" was removed: its alert is kept, failed, listed
    assert orphan.target == "desk" and "no longer in the configuration" in (orphan.last_error or "")
    assert received(http_server, "/desk")[1:] == []  # only the attempt during the outage
