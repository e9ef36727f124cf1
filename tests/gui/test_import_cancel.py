"""File → Import's progress dialog has a Cancel button: one sentence, and nothing changed."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from flashcards.core import exchange
from flashcards.core.collection import Collection, open_collection
from flashcards.core.db import sqlite_url
from flashcards.gui.app import Gui
from flashcards.gui.exchange_ops import IMPORT_CANCELLED

NOTES = 20_000


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real package of 20,000 notes, written by our exporter."""
    folder = tmp_path_factory.mktemp("gui-cancel")
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    text = folder / "big.txt"
    text.write_text(
        "#separator:tab\n" + "".join(f"q{i}\ta{i}\n" for i in range(NOTES)), encoding="utf-8"
    )
    source = open_collection(sqlite_url(folder / "source.db"), tz=UTC)
    try:
        exchange.import_file(source, text, now, deck="Big")
        path = folder / "big.apkg"
        exchange.export_apkg(source, path, now, with_progress=True)
    finally:
        source.close()
    return path


def rows(col: Collection) -> tuple[object, ...]:
    with col.engine.connect() as conn:
        return tuple(
            tuple(conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1").all())
            for table in ("deck", "note", "card", "reviewlog", "sqlite_master")
        )


def test_cancel_button_stops_the_import(qtbot, gui: Gui, package: Path) -> None:  # noqa: ANN001
    col, controller, executor = gui.col, gui.controller, gui.executor
    assert col is not None and controller is not None
    exchange_ui = controller.exchange
    before = rows(col)
    said: list[str] = []
    exchange_ui.message.connect(said.append)

    # The worker is busy with an earlier job, so the click surely comes before the import ends.
    gate = threading.Event()
    executor.submit(lambda _report: gate.wait(20), uses_collection=False)
    exchange_ui.import_file(package)
    dialog = exchange_ui._progress
    button = exchange_ui._cancel_button
    assert dialog is not None and button is not None and dialog.isVisible()
    assert button.text() == "Cancel" and button.isEnabled()

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and not button.isEnabled()  # it waits for the rollback
    assert dialog.labelText() == "Cancelling…"
    gate.set()
    qtbot.waitUntil(lambda: said != [], timeout=30_000)

    assert said == [IMPORT_CANCELLED] == ["The import was cancelled; nothing was changed."]
    assert exchange_ui._progress is None
    assert rows(col) == before
    assert "Big" not in col.decks.names().values()


def test_cancel_while_the_import_runs(qtbot, gui: Gui, package: Path) -> None:  # noqa: ANN001
    """Clicked shortly after the import started (the worker is on it): the same outcome."""
    col, controller = gui.col, gui.controller
    assert col is not None and controller is not None
    exchange_ui = controller.exchange
    before = rows(col)
    said: list[str] = []
    exchange_ui.message.connect(said.append)

    exchange_ui.import_file(package)
    button = exchange_ui._cancel_button
    assert button is not None
    qtbot.wait(50)  # the import takes about a second: the click lands while it runs
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: said != [], timeout=30_000)

    assert said == [IMPORT_CANCELLED]
    assert rows(col) == before


def test_import_without_cancel_still_reports(qtbot, gui: Gui, package: Path) -> None:  # noqa: ANN001
    controller = gui.controller
    assert controller is not None and gui.col is not None
    exchange_ui = controller.exchange
    with qtbot.waitSignal(exchange_ui.message, timeout=60_000) as said:
        exchange_ui.import_file(package)
    assert said.args == [f"Deck “Big”: {NOTES} added, 0 updated, 0 unchanged."]
    assert exchange_ui._progress is None and exchange_ui._cancel_button is None
