"""A cancelled import changes nothing: at every safe point, the collection and the temp folder.

The package is real (20,200 notes exported by our own exporter, some of them already in the
target with older text), and so is the target (notes of every kind with review history).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from exchange_helpers import fill, snapshot, study

from flashcards.core import exchange
from flashcards.core.collection import Collection, open_collection
from flashcards.core.db import sqlite_url
from flashcards.core.errors import InputError
from flashcards.core.exchange.importer import CANCELLED_MESSAGE, ImportCancelled

NOTES = 20_000
OLD = 200  # notes the target already has (50 of them edited later in the package)


@dataclass
class Packages:
    small: Path  # the first OLD notes, as the target already imported them
    big: Path  # those (50 edited) and NOTES more
    text: Path  # NOTES rows of an Anki text file


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Packages]:
    from datetime import UTC

    folder = tmp_path_factory.mktemp("cancel")
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    source = open_collection(sqlite_url(folder / "source.db"), tz=UTC)
    try:
        ids = [source.notes.add("Big", "basic", f"q{i}", f"a{i}", now).value for i in range(OLD)]
        small = folder / "small.apkg"
        exchange.export_apkg(source, small, now, with_progress=True)
        later = now + timedelta(days=1)
        for note_id in ids[:50]:
            source.notes.update(note_id, later, back="edited")
        text = folder / "big.txt"
        text.write_text(
            "#separator:tab\n#html:false\n"
            + "".join(f"question {i}\tanswer {i}\n" for i in range(NOTES)),
            encoding="utf-8",
        )
        exchange.import_file(source, text, later, deck="Big::Sub")
        big = folder / "big.apkg"
        exchange.export_apkg(source, big, later, with_progress=True)
    finally:
        source.close()
    yield Packages(small, big, text)


@pytest.fixture
def target(col: Collection, now: datetime, packages: Packages) -> Collection:
    """A collection with history that already holds the package's first notes."""
    fill(col, now)
    study(col, now)
    exchange.import_file(col, packages.small, now)
    return col


@pytest.fixture
def temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where tempfile puts its folders during the test (a folder of the test's own)."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def state(col: Collection) -> tuple[object, ...]:
    """Every row of every table, and the schema (indexes a bulk insert drops and rebuilds)."""
    with col.engine.connect() as conn:
        schema = tuple(conn.exec_driver_sql("SELECT * FROM sqlite_master ORDER BY name").all())
    return (*snapshot(col), schema)


def work_folders(col: Collection, temp: Path) -> list[Path]:
    """Where an import into ``col`` makes its work folder: beside its media folder, or temp."""
    return [temp] if col.media.folder is None else [temp, col.media.folder.parent]


def cancel_after(calls: int, folders: list[Path]) -> tuple[Callable[[], bool], list[bool]]:
    """A ``cancelled`` that turns true on its ``calls``-th call.

    It notes whether a work folder existed at each call.
    """
    seen: list[bool] = []

    def cancelled() -> bool:
        seen.append(any(any(f.glob("flashcards-import-*")) for f in folders))
        return len(seen) >= calls

    return cancelled, seen


def count_calls(path: Path, now: datetime, folder: Path) -> int:
    """How often a full import of ``path`` asks, into a copy of nothing (a fresh collection)."""
    from datetime import UTC

    col = open_collection(sqlite_url(folder / f"count-{path.stem}.db"), tz=UTC)
    try:
        calls = [0]

        def cancelled() -> bool:
            calls[0] += 1
            return False

        exchange.import_file(col, path, now, cancelled=cancelled)
        return calls[0]
    finally:
        col.close()


def test_import_cancelled_is_an_input_error_with_one_sentence() -> None:
    exc = ImportCancelled()
    assert isinstance(exc, InputError)
    assert str(exc) == CANCELLED_MESSAGE == "The import was cancelled; nothing was changed."


@pytest.mark.parametrize("where", [1, 2, 3, 0.1, 0.5, 0.9, 1.0])
def test_cancelling_a_package_changes_nothing(
    target: Collection, packages: Packages, now: datetime, tmp_path: Path, temp_folder: Path,
    where: float,
) -> None:  # fmt: skip
    """Cancelled at any point, the collection is the same and no work folder is left.

    The points: the start, while unpacking, while reading, while writing, the last check.
    """
    total = count_calls(packages.big, now, tmp_path)
    assert total > 50  # it is asked often: every chunk, every thousand rows, every batch
    calls = where if isinstance(where, int) else max(1, round(total * where))
    before = state(target)
    folders = work_folders(target, temp_folder)
    cancelled, seen = cancel_after(calls, folders)
    with pytest.raises(ImportCancelled, match="^The import was cancelled; nothing was changed"):
        exchange.import_file(target, packages.big, now, cancelled=cancelled)
    assert len(seen) == calls  # it stopped at the first true
    assert state(target) == before
    for folder in folders:  # the work folder is gone
        assert list(folder.glob("flashcards-import-*")) == []
    if 1 < calls < total:
        assert any(seen)  # (it was cancelled while the package was unpacked or read)

    # The collection still works: the same import, not cancelled, then goes through.
    report = exchange.import_file(target, packages.big, now, cancelled=lambda: False).value
    assert report.added == NOTES and report.updated > 0  # (the edited notes)
    with target.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    for folder in folders:
        assert list(folder.glob("flashcards-import-*")) == []


@pytest.mark.parametrize("where", [1, 0.5, 1.0])
def test_cancelling_a_text_file_changes_nothing(
    target: Collection, packages: Packages, now: datetime, tmp_path: Path, where: float
) -> None:
    total = count_calls(packages.text, now, tmp_path)
    assert total >= NOTES // 2000
    calls = where if isinstance(where, int) else max(1, round(total * where))
    before = state(target)
    cancelled, _seen = cancel_after(calls, [tmp_path])
    with pytest.raises(ImportCancelled):
        exchange.import_file(target, packages.text, now, deck="Text", cancelled=cancelled)
    assert state(target) == before
    assert "Text" not in target.decks.names().values()


def test_an_import_nobody_cancels_asks_and_goes_through(
    target: Collection, packages: Packages, now: datetime
) -> None:
    asked = [0]

    def cancelled() -> bool:
        asked[0] += 1
        return False

    report = exchange.import_file(target, packages.big, now, cancelled=cancelled).value
    assert report.added == NOTES and asked[0] > 50
