from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server import LocalServer

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(__import__("os").environ.get("NEWS_MONITOR_SHARED", ROOT.parent / "shared"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared_path(*parts: str) -> Path:
    """A path under ../shared; the calling test is skipped with a clear message when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (the shared corpus, kept beside the repository as ../shared)")
    return path


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    with LocalServer() as srv:
        yield srv
