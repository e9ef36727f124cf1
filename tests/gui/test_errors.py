"""The error boundary: an error is told in one plain sentence and its traceback is logged.

The errors are real: the collection's database refuses writes (every new connection is
``query_only``, as a read-only file would), and the real window answers with a key press.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QMessageBox
from sqlalchemy import event, select

from flashcards.core.collection import Collection
from flashcards.core.tables import LOG
from flashcards.gui.app import Gui
from flashcards.gui.errors import ErrorBoundary, log_dir_for
from flashcards.gui.main_window import Screen

READ_ONLY = (
    "The collection could not be used because the collection file or its folder is read-only; "
    "what was saved before is safe."
)


def _read_only(col: Collection) -> None:
    """Every connection the collection opens from now on refuses to write."""

    def refuse_writes(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA query_only=ON")

    event.listen(col.engine, "connect", refuse_writes)
    col.engine.dispose()  # the open connections go; new ones refuse writes


def _reviews(col: Collection) -> int:
    with col.engine.connect() as conn:
        return len(conn.execute(select(LOG.c.id)).all())


@pytest.fixture
def boundary(gui: Gui) -> Iterator[ErrorBoundary]:
    gui.errors.install()
    yield gui.errors
    gui.errors.uninstall()
    if gui.errors.box is not None:
        gui.errors.box.close()


@pytest.mark.qt_no_exception_capture
def test_an_error_while_answering_is_told_in_one_sentence_and_logged(
    qtbot,
    gui: Gui,
    boundary: ErrorBoundary,  # noqa: ANN001
) -> None:
    col, controller = gui.col, gui.controller
    assert col is not None and controller is not None
    controller._on_study(col.decks.id("English"))
    review = controller.review
    card = review.card
    assert card is not None and gui.window.current_screen == Screen.REVIEW
    qtbot.keyClick(gui.app.focusWidget() or gui.window, Qt.Key.Key_Space)
    assert gui.window.review.answer_shown
    _read_only(col)

    qtbot.keyClick(gui.app.focusWidget() or gui.window, "3")  # Good: the write is refused

    qtbot.waitUntil(lambda: boundary.box is not None and boundary.box.isVisible())
    box = boundary.box
    assert box is not None
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert box.text() == READ_ONLY  # the core's own sentence, as it is
    assert box.icon() == QMessageBox.Icon.Warning
    # The card is still on screen, answer side up: nothing was saved, nothing was lost.
    assert review.card is not None and review.card.card_id == card.card_id
    assert gui.window.review.answer_shown
    assert _reviews(col) == 0
    log = boundary.log_file.read_text(encoding="utf-8")
    assert "Traceback" in log and "CollectionError" in log and "read-only" in log

    # A second error while the box is on screen (it holds the keyboard: the menu action) is
    # logged, not shown in a second box.
    gui.window.actions_.rate[3].trigger()
    qtbot.waitUntil(lambda: boundary.unshown == 1)
    assert boundary.box is box
    entries = [line for line in boundary.log_file.read_text(encoding="utf-8").splitlines()
               if line.startswith("--- ")]  # fmt: skip
    assert len(entries) == 2
    box.button(QMessageBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: boundary.box is None)


@pytest.mark.qt_no_exception_capture
def test_an_unexpected_error_names_the_log_file(qtbot, gui: Gui, boundary: ErrorBoundary) -> None:  # noqa: ANN001
    def broken() -> None:
        raise ZeroDivisionError("division by zero\nsecond line")

    QTimer.singleShot(0, broken)  # a slot that fails, called by Qt's event loop
    qtbot.waitUntil(lambda: boundary.box is not None)
    box = boundary.box
    assert box is not None
    assert box.text() == "Something went wrong: division by zero."
    assert box.informativeText() == f"The details are in {boundary.log_file}."
    informative = box.findChild(QLabel, "qt_msgbox_informativelabel")
    assert informative is not None and informative.textFormat() == Qt.TextFormat.PlainText
    assert box.icon() == QMessageBox.Icon.Critical
    assert "ZeroDivisionError" in boundary.log_file.read_text(encoding="utf-8")
    box.close()


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_thread_is_shown_on_the_gui_thread(
    qtbot,
    gui: Gui,
    boundary: ErrorBoundary,  # noqa: ANN001
) -> None:
    def fail() -> None:
        raise OSError("No space left on device")

    thread = threading.Thread(target=fail)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: boundary.box is not None)
    assert boundary.box is not None
    assert boundary.box.text() == "Something went wrong: No space left on device."
    assert "OSError" in boundary.log_file.read_text(encoding="utf-8")
    boundary.box.close()


def test_an_operation_error_is_shown_the_same_way(qtbot, gui: Gui, tmp_path: Path) -> None:  # noqa: ANN001
    assert gui.controller is not None
    exchange = gui.controller.exchange
    target = tmp_path / "missing folder" / "out.apkg"
    exchange.export(target, "apkg", None, False)
    qtbot.waitUntil(lambda: gui.errors.box is not None, timeout=10_000)
    box = gui.errors.box
    assert box is not None and box.textFormat() == Qt.TextFormat.PlainText
    assert box.text().startswith("The export to “out.apkg” failed")
    assert "\n" not in box.text()
    assert exchange._progress is None  # the progress dialog closed first
    box.close()


def test_the_log_goes_to_the_data_dir_when_one_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FLASHCARDS_DATA_DIR", raising=False)
    assert log_dir_for(tmp_path) == tmp_path / "logs"
    monkeypatch.setenv("FLASHCARDS_DATA_DIR", str(tmp_path / "env"))
    assert log_dir_for(None) == tmp_path / "env" / "logs"
    monkeypatch.delenv("FLASHCARDS_DATA_DIR")
    assert log_dir_for(None).name in ("log", "Logs", "logs")  # the platform's user log dir
