"""Events end to end: several outlets' reports of one happening are one event with all its sources,
one alert; a later report that raises the toll is one update alert; a copy adds nothing."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from click.testing import CliRunner

from monitor.cli import cli
from monitor.store import Store
from tests.server import LocalServer
from tests.test_end_to_end import chat_messages, rfc822, rss, write_config

ICT = ZoneInfo("Asia/Ho_Chi_Minh")
PUB = datetime.now(ICT).replace(microsecond=0) - timedelta(hours=2)
DAY = f"{PUB.day}/{PUB.month}"

TUOITRE = {"title": "Không kích sân bay Mitiga ở Tripoli, 4 người thiệt mạng",
           "summary": f"Máy bay của LNA đã không kích sân bay Mitiga ở thủ đô Tripoli ngày {DAY}, khiến 4 dân thường thiệt mạng.",
           "link": "https://tuoitre.vn/khong-kich-mitiga.htm"}
VNEXPRESS = {"title": "Sân bay duy nhất còn hoạt động của Tripoli bị oanh tạc",
             "summary": f"Sân bay Mitiga ở Tripoli bị máy bay của LNA oanh tạc hôm {DAY}, 4 người chết.",
             "link": "https://vnexpress.net/san-bay-tripoli-bi-oanh-tac.html"}
COPY = {**TUOITRE, "link": "https://baoquocte.vn/khong-kich-mitiga-ban-sao.html"}  # syndicated verbatim
RISE = {"title": "Số người chết trong vụ không kích sân bay Mitiga ở Tripoli tăng lên 11",
        "summary": f"Ít nhất 11 người đã thiệt mạng trong vụ không kích của LNA nhằm vào sân bay Mitiga ở Tripoli ngày {DAY}.",
        "link": "https://dantri.com.vn/so-nguoi-chet-tang.htm"}


def dated(item: dict[str, str], hours: int = 0) -> dict[str, str]:
    return {**item, "when": rfc822(PUB + timedelta(hours=hours))}


def test_one_happening_many_outlets_one_event_one_alert_then_an_update(tmp_path: Path, http_server: LocalServer) -> None:
    http_server.routes["/tt.rss"] = rss([dated(TUOITRE)])
    http_server.routes["/vne.rss"] = rss([dated(VNEXPRESS, 1)])
    http_server.routes["/bqt.rss"] = rss([dated(COPY, 1)])
    config = write_config(
        tmp_path, http_server, feeds=[("Tuổi Trẻ", "/tt.rss"), ("VnExpress", "/vne.rss"), ("Báo Quốc tế", "/bqt.rss")],
        alerts=f'[[alert]]\nname = "chat"\nurls = ["json://127.0.0.1:{http_server.port}/hook"]\n',
    )
    runner = CliRunner()
    assert runner.invoke(cli, ["once", "--config", str(config)]).exit_code == 0
    messages = chat_messages(http_server)
    assert len(messages) == 1, messages  # one happening, one alert, whichever outlet came first
    assert "không kích" in messages[0]

    store = Store.open(tmp_path / "state" / "monitor.db")
    news = [(k, s) for k, s in store.events() if not k.event.background]
    airstrikes = [(k, s) for k, s in news if k.event.type == "airstrike"]
    assert len(airstrikes) == 1
    known, sources = airstrikes[0]
    assert known.event.killed == 4
    assert {s["url"] for s in sources} == {TUOITRE["link"], VNEXPRESS["link"], COPY["link"]}

    # a later report raises the toll: one update alert naming the change and the new source
    http_server.routes["/dt.rss"] = rss([dated(RISE, 3)])
    config.write_text(config.read_text(encoding="utf-8") + f'\n[[feed]]\nname = "Dân trí"\nurl = "{http_server.url("/dt.rss")}"\nfetch_articles = "none"\n',
                      encoding="utf-8")
    assert runner.invoke(cli, ["once", "--config", str(config)]).exit_code == 0
    messages = chat_messages(http_server)
    assert len(messages) == 2, messages
    assert "từ 4 lên 11" in messages[1] and RISE["link"] in messages[1]
    (updated,) = [k for k, _ in Store.open(tmp_path / "state" / "monitor.db").events() if k.uid == known.uid]
    assert updated.event.killed == 11

    # nothing new: nothing sent
    assert runner.invoke(cli, ["once", "--config", str(config)]).exit_code == 0
    assert len(chat_messages(http_server)) == 2


def test_events_command_lists_events_with_their_sources(tmp_path: Path, http_server: LocalServer) -> None:
    http_server.routes["/tt.rss"] = rss([dated(TUOITRE)])
    http_server.routes["/vne.rss"] = rss([dated(VNEXPRESS, 1)])
    config = write_config(tmp_path, http_server, feeds=[("Tuổi Trẻ", "/tt.rss"), ("VnExpress", "/vne.rss")])
    runner = CliRunner()
    runner.invoke(cli, ["once", "--config", str(config)])
    out = runner.invoke(cli, ["events", "--config", str(config), "--topic", "libya", "--json"])
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.output.splitlines() if line.startswith("{")]
    (strike,) = [r for r in rows if r["type"] == "airstrike"]
    assert strike["killed"] == 4 and len(strike["sources"]) == 2
    assert strike["date_reported"] is False  # "ngày {DAY}" is the strike's own day, not a report's
    assert {s["feed"] for s in strike["sources"]} == {"Tuổi Trẻ", "VnExpress"}
    text = runner.invoke(cli, ["events", "--config", str(config), "--since", "2d"])
    assert "không kích" in text.output and "Tuổi Trẻ" in text.output
    none = runner.invoke(cli, ["events", "--config", str(config), "--topic", "trieu-tien"])
    assert "no events" in none.output


COMMENTARY = ("Nhiều nhà phân tích nhận định cuộc khủng hoảng chính trị ở Libya bắt nguồn từ sự chia rẽ giữa "
              "hai chính quyền đối địch ở miền đông và miền tây, cùng với sự can dự của các cường quốc nước ngoài "
              "vào nguồn dầu mỏ của quốc gia Bắc Phi này. Các chuyên gia cho rằng tiến trình hòa giải dân tộc "
              "vẫn còn nhiều trở ngại, khi các nhóm vũ trang địa phương nắm giữ quyền lực thực tế ở nhiều thành "
              "phố và người dân phải chịu cảnh thiếu điện, thiếu nhiên liệu trong nhiều tháng liền.")


def test_a_republished_or_truncated_copy_of_an_alerted_article_stays_quiet(tmp_path: Path,
                                                                            http_server: LocalServer) -> None:
    """An article with no event alerts as an article; a syndicated copy or a truncated
    republication found later under another address (and another headline) does not."""
    original = {"title": "Libya: bế tắc chính trị kéo dài", "summary": COMMENTARY,
                "link": "https://tuoitre.vn/libya-be-tac.htm"}
    copy = {"title": "Bế tắc chính trị ở Libya", "summary": COMMENTARY,
            "link": "https://baoquocte.vn/be-tac-libya.html"}
    truncated = {"title": "Libya vẫn bế tắc", "summary": COMMENTARY[: len(COMMENTARY) * 2 // 3],
                 "link": "https://nhandan.vn/libya-van-be-tac.html"}
    other = {"title": "Libya mở lại các mỏ dầu phía nam", "summary": "Sản lượng dầu của Libya dự kiến tăng trong "
             "năm tới nhờ các mỏ ở phía nam được mở lại sau thời gian dài đóng cửa vì bất ổn.",
             "link": "https://vnexpress.net/libya-mo-dau.html"}
    http_server.routes["/tt.rss"] = rss([dated(original)])
    config = write_config(tmp_path, http_server, feeds=[("Tuổi Trẻ", "/tt.rss")],
                          alerts=f'[[alert]]\nname = "chat"\nurls = ["json://127.0.0.1:{http_server.port}/hook"]\n')
    runner = CliRunner()
    assert runner.invoke(cli, ["once", "--config", str(config)]).exit_code == 0
    assert len(chat_messages(http_server)) == 1
    http_server.routes["/tt.rss"] = rss([dated(original), dated(copy, 1), dated(truncated, 2), dated(other, 3)])
    assert runner.invoke(cli, ["once", "--config", str(config)]).exit_code == 0
    messages = chat_messages(http_server)
    assert len(messages) == 2, messages  # the copies stay quiet; the different story alerts
    assert other["title"] in messages[1]
