"""Configuration: every kind of error names the file, the key and what to do; secrets never leak."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from monitor.config import load_config, parse_duration
from monitor.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent

GOOD = """
[monitor]
database = "state/test.db"
max_age = "3d"
include = ["topics/*.toml"]

[[feed]]
name = "VnExpress – Thế giới"
url = "https://vnexpress.net/rss/the-gioi.rss"
interval = "5m"

[[feed]]
name = "Tuổi Trẻ – Thế giới"
url = "https://tuoitre.vn/rss/the-gioi.rss"

[[alert]]
name = "desk"
urls = ["mailtos://user:${NM_TEST_SMTP_PASSWORD}@smtp.example.com?to=desk@example.com"]
topics = ["libya"]
"""

TOPIC = """
[[topic]]
id = "libya"
name = "Libya – tướng Haftar"
terms = ["Libya", "Li-bi", "Haftar", "Tripoli"]
exact_case = ["LNA", "GNA"]
ignore = ["Tripoli, Li-băng"]
exclude = ["bóng đá"]
"""


def write(tmp_path: Path, main: str, topic: str | None = TOPIC) -> Path:
    (tmp_path / "topics").mkdir(exist_ok=True)
    if topic is not None:
        (tmp_path / "topics" / "libya.toml").write_text(topic, encoding="utf-8")
    path = tmp_path / "monitor.toml"
    path.write_text(main, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def secret_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NM_TEST_SMTP_PASSWORD", "s3cr3t-pässwörd")
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)


def test_good_config_is_read_with_includes_and_relative_database(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    assert [f.name for f in config.feeds] == ["VnExpress – Thế giới", "Tuổi Trẻ – Thế giới"]
    assert config.feeds[0].interval == 300
    assert config.feeds[1].interval == 300  # the default
    assert config.database == tmp_path / "state/test.db"
    assert config.max_age == 3 * 86400
    (topic,) = config.topics
    assert topic.id == "libya" and topic.exact_case == ("LNA", "GNA") and topic.ignore == ("Tripoli, Li-băng",)
    (alert,) = config.alerts
    assert alert.urls == ("mailtos://user:s3cr3t-pässwörd@smtp.example.com?to=desk@example.com",)
    assert alert.routes("libya") and not alert.routes("bien-dong")
    assert "s3cr3t-pässwörd" in config.secrets
    assert config.redact(alert.urls[0]) == "mailtos://user:***@smtp.example.com?to=desk@example.com"


def test_shipped_default_config_is_valid() -> None:
    config = load_config(ROOT / "config" / "monitor.toml")
    hosts = {f.url.split("/")[2] for f in config.feeds}
    for outlet in ("vnexpress.net", "tuoitre.vn", "thanhnien.vn", "dantri.com.vn", "www.vietnamplus.vn",
                   "vietnamnet.vn", "znews.vn", "nhandan.vn", "baoquocte.vn", "tienphong.vn"):
        assert outlet in hosts
    assert "tienphong.vn/rss/the-gioi-5.rss" in " ".join(f.url for f in config.feeds)
    assert any(t.id == "libya" for t in config.topics)
    assert config.alerts == ()  # console alerts by default


@pytest.mark.parametrize(
    ("main", "topic", "expected"),
    [
        ("[monitor]\ndatabase = 3\n", None, "monitor.toml: [monitor]: database must be a str, not 3"),
        ("[monitor]\ndatabse = 'x.db'\n", None, "[monitor]: unknown key 'databse'"),
        ("[[feed]]\nname = 'A'\n", None, "[[feed]] #1: url is missing"),
        ("[[feed]]\nname = 'A'\nurl = 'ftp://x.org/feed'\n", None, "[[feed]] 'A': url 'ftp://x.org/feed' must start with http:// or https://"),
        ("[[feed]]\nname = 'A'\nurl = 'https://a.vn/r'\ninterval = 'often'\n", None, "[[feed]] 'A': interval = 'often' is not a duration"),
        ("[[feed]]\nname = 'A'\nurl = 'https://a.vn/r'\ntype = 'json'\n", None, "[[feed]] 'A': type must be one of rss, html, sitemap"),
        ("[[feed]]\nname = 'A'\nurl = 'https://a.vn/r'\n[[feed]]\nname = 'B'\nurl = 'https://a.vn/r'\n", None, "url 'https://a.vn/r' is defined twice"),
        ("[[topic]]\nid = 'x'\nname = 'X'\n", None, "[[topic]] 'x': give at least one of terms or exact_case"),
        ("[[topic]]\nid = 'x'\nname = 'X'\nterms = ['a', 3]\n", None, "every item of terms must be a non-empty string"),
        ("[[topic]]\nid = 'x'\nname = 'X'\nterms = ['a']\nfields = ['body']\n", None, "fields may hold only title, summary, text"),
        ("[[topic]]\nid = 'x y'\nname = 'X'\nterms = ['a']\n", None, "id may hold only letters"),
        ("[[alert]]\nname = 'd'\nurls = ['json://h/p']\ntopics = ['nope']\n", None, "[[alert]] 'd': topics names 'nope', which no [[topic]] defines"),
        ("[[alert]]\nname = 'd'\nurls = []\n", None, "urls is empty"),
        ("[[alert]]\nname = 'd'\nurls = ['mailto://u:${NM_UNSET_VAR}@h']\n", None, "uses ${NM_UNSET_VAR}, which is not set"),
        ("[feeds]\nx = 1\n", None, "unknown table 'feeds'"),
        ("[monitor\n", None, "not valid TOML"),
        ("[monitor]\ninclude = ['topics/*.toml']\n", "[monitor]\nmax_age = '1d'\n", "libya.toml: an included file may hold only"),
        ("[monitor]\nmax_age = '-1d'\n", None, "max_age = '-1d' is not a duration"),
        ("[monitor]\ntimezone = 'Mars/Olympus'\n", None, "timezone 'Mars/Olympus' is not a known IANA zone"),
        ("[[feed]]\nname = 'A'\nurl = 'https://vnexpress.net/rss'\npage_rule = { body = 'p[[' }\n", None,
         "[[feed]] 'A': page_rule: invalid CSS selector 'p[['"),
        ("[[feed]]\nname = 'A'\nurl = 'https://vnexpress.net/rss'\npage_rule = { bodi = 'p' }\n", None,
         "[[feed]] 'A': page_rule: unknown site-rule keys ['bodi']"),
    ],
)
def test_each_error_names_file_and_key(tmp_path: Path, main: str, topic: str | None, expected: str) -> None:
    path = write(tmp_path, main, topic)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert message.startswith("config: ")
    assert expected in message
    assert str(path.name) in message or (topic and "libya.toml" in message)


def test_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"file not found: create it .* or pass --config PATH"):
        load_config(tmp_path / "nope.toml")


def test_secret_comes_from_systemd_credential(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NM_TEST_SMTP_PASSWORD")
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "nm-test-smtp-password").write_text("from-credential\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(creds))
    config = load_config(write(tmp_path, GOOD))
    assert "from-credential" in config.alerts[0].urls[0]
    assert "from-credential" in config.secrets


def test_error_message_never_contains_a_secret(tmp_path: Path) -> None:
    bad = GOOD.replace("mailtos://user:${NM_TEST_SMTP_PASSWORD}@", "user:${NM_TEST_SMTP_PASSWORD}@")
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, bad))
    assert "is not an apprise URL" in str(err.value)
    assert "s3cr3t" not in str(err.value)


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_world_readable_file_with_a_secret_warns(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("${NM_TEST_SMTP_PASSWORD}", "inline-password"))
    path.chmod(0o644)
    config = load_config(path)
    assert any("readable by other users" in w and "chmod 600" in w for w in config.warnings)
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert load_config(path).warnings == ()


@pytest.mark.parametrize(("text", "seconds"), [("90s", 90), ("5m", 300), ("1h30m", 5400), ("2d", 172800), (45, 45)])
def test_durations(text: str | int, seconds: float) -> None:
    assert parse_duration(text, where="f", key="k") == seconds


def test_disabled_feed_is_not_polled(tmp_path: Path) -> None:
    main = GOOD + "\n[[feed]]\nname = 'Off'\nurl = 'https://off.vn/rss'\nenabled = false\n"
    assert "Off" not in [f.name for f in load_config(write(tmp_path, main)).feeds]


def test_relative_database_goes_to_the_systemd_state_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATE_DIRECTORY", "/var/lib/news-monitor")
    assert load_config(write(tmp_path, GOOD)).database == Path("/var/lib/news-monitor/test.db")
    monkeypatch.delenv("STATE_DIRECTORY")
    assert load_config(write(tmp_path, GOOD)).database == tmp_path / "state" / "test.db"
