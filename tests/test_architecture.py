"""The house rules that keep I/O at the edges (STYLE.md): one module per library boundary."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "monitor"
# library -> the modules that may import it: the client and its error translator for httpx, the
# store and the tables it mixes in (outbox, eventstore) plus the migrations for SQLite
BOUNDARIES = {
    "httpx": {"fetch", "fetcherrors"},
    "sqlite_utils": {"store", "schema"},
    "apprise": {"alerts"},
    "sqlite3": {"store", "outbox", "eventstore"},
}
PURE_STAGES = (
    "feeds",
    "feedtext",
    "pages",
    "pagebody",
    "text",
    "topics",
    "tokens",
    "events",
    "dedup",
    "planner",
    "identity",
    "dates",
)
IO_MODULES = (
    "httpx",
    "sqlite_utils",
    "sqlite3",
    "apprise",
    "monitor.store",
    "monitor.outbox",
    "monitor.eventstore",
    "monitor.fetch",
    "monitor.fetcherrors",
    "monitor.politeness",
    "monitor.alerts",
)
MAX_MODULE_LINES = 500  # STYLE.md, "What we avoid": no module over about 500 lines


def imports(module: Path) -> set[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0] if not node.module.startswith("monitor.") else node.module)
    return names


@pytest.mark.parametrize("library", sorted(BOUNDARIES))
def test_each_library_is_imported_by_one_module(library: str) -> None:
    users = {m.stem for m in PACKAGE.glob("*.py") if library in imports(m)}
    assert users <= BOUNDARIES[library], f"{library} is imported by {sorted(users - BOUNDARIES[library])}"


@pytest.mark.parametrize("stage", PURE_STAGES)
def test_pure_stages_do_no_io(stage: str) -> None:
    found = imports(PACKAGE / f"{stage}.py")
    for io in IO_MODULES:
        assert io not in found, f"monitor/{stage}.py imports {io}: pure stages take data and return data"


@pytest.mark.parametrize("module", sorted(p.name for p in PACKAGE.glob("*.py")))
def test_every_module_stays_under_500_lines(module: str) -> None:
    lines = len((PACKAGE / module).read_text(encoding="utf-8").splitlines())
    assert lines < MAX_MODULE_LINES, (
        f"monitor/{module} has {lines} lines: split it along a seam (one job per module, as "
        "fetch/politeness/fetcherrors or store/outbox/eventstore) rather than raise the limit"
    )
