"""Fixtures of the exchange tests: a sample collection and fresh collections of the real Anki."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

pytest.importorskip("anki.collection")

from anki.collection import Collection as AnkiCollection  # noqa: E402
from exchange_helpers import fill  # noqa: E402

from flashcards.core.collection import Collection  # noqa: E402


@pytest.fixture
def sample(col: Collection, now: datetime) -> dict[str, int]:
    return fill(col, now)


@pytest.fixture
def anki(tmp_path: Path) -> Iterator[Callable[[], AnkiCollection]]:
    """A factory of fresh Anki collections (the real client) in the test's folder."""
    opened: list[AnkiCollection] = []

    def make() -> AnkiCollection:
        a = AnkiCollection(str(tmp_path / f"anki{len(opened)}" / "collection.anki2"))
        opened.append(a)
        return a

    for folder in range(8):
        (tmp_path / f"anki{folder}").mkdir()
    yield make
    for a in opened:
        a.close()
