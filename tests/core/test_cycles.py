"""The cycle collector is paused during an import and comes back as it was, whatever happens."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from flashcards.core import exchange
from flashcards.core.collection import Collection
from flashcards.core.cycles import cycle_collection_paused
from flashcards.core.errors import InputError


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_paused_and_restored_also_after_an_error() -> None:
    with pytest.raises(ValueError, match="boom"), cycle_collection_paused():
        assert not gc.isenabled()
        raise ValueError("boom")
    assert gc.isenabled()
    gc.disable()  # off before (the app's GUI keeps it off): still off after
    with cycle_collection_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_an_import_runs_with_the_collector_paused(
    col: Collection, now: datetime, tmp_path: Path
) -> None:
    path = tmp_path / "words.txt"
    path.write_text("#separator:tab\nq1\ta1\nq2\ta2\n", encoding="utf-8")
    seen: list[bool] = []

    def cancelled() -> bool:
        seen.append(gc.isenabled())
        return False

    assert exchange.import_file(col, path, now, cancelled=cancelled).value.added == 2
    assert seen[0] and not any(seen[1:])  # the first question comes before the work
    assert gc.isenabled()
    bad = tmp_path / "bad.apkg"
    bad.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(InputError):
        exchange.import_file(col, bad, now)
    assert gc.isenabled()
