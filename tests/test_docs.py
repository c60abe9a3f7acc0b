"""The README documents every setting and every command (sqlite-utils' test_docs habit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor import config
from monitor.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
README_VI = (Path(__file__).resolve().parent.parent / "README.vi.md").read_text(encoding="utf-8")
TABLES = {"MONITOR_SETTINGS": "[monitor]", "FEED_SETTINGS": "[[feed]]", "TOPIC_SETTINGS": "[[topic]]",
          "ALERT_SETTINGS": "[[alert]]"}


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_setting_is_documented(table: str) -> None:
    for setting in getattr(config, table):
        row = f"| `{setting.name}` |"
        assert row in README, f"README.md: {TABLES[table]} table has no row for {setting.name}"
        if table != "ALERT_SETTINGS":
            assert row in README_VI, f"README.vi.md: {TABLES[table]} table has no row for {setting.name}"


def test_every_command_is_documented_and_has_help() -> None:
    for name, command in cli.commands.items():
        assert f"`{name}" in README, f"README.md does not mention the command {name}"
        assert command.help, f"command {name} has no help text"
