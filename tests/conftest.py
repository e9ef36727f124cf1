"""Shared fixtures: a real SQLite collection in a temporary folder and a fixed clock."""

from __future__ import annotations

import os

# Qt must not look for a display in CI; set before any QApplication exists.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

from flashcards.core.collection import Collection, open_collection  # noqa: E402
from flashcards.core.db import sqlite_url  # noqa: E402

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

# CI runs the property tests on the same examples every time (a red run can be re-run and
# read); a developer's run draws new ones and so keeps looking for what CI has not tried.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def now() -> datetime:
    """A fixed clock: 2026-03-02 09:00 UTC (a day starts at 04:00 UTC in these tests)."""
    return NOW


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "collection.db"


@pytest.fixture
def col(db_path: Path) -> Iterator[Collection]:
    """A fresh collection in a real SQLite file, days counted in UTC."""
    collection = open_collection(sqlite_url(db_path), tz=UTC)
    yield collection
    collection.close()
