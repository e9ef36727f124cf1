"""Start-up: the real app opens a fresh data dir, fills the deck list and reports its timings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from flashcards.gui.app import create_gui, open_in_background


def test_collection_opens_in_background_and_fills_the_list(qtbot, tmp_path: Path, clock) -> None:  # noqa: ANN001
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    gui = create_gui(app, QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat), clock)
    qtbot.addWidget(gui.window)
    gui.window.show()
    assert gui.window.deck_list.tree.topLevelItemCount() == 0  # shown before the database
    ready = []
    open_in_background(gui, tmp_path / "data", None, lambda: ready.append(True))
    qtbot.waitUntil(lambda: bool(ready), timeout=30_000)
    assert gui.col is not None and gui.controller is not None
    # The shipped deck was loaded on first run and is selected (it has new cards).
    names = set(gui.col.decks.names().values())
    tree = gui.window.deck_list.tree
    shown = {tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())}
    assert shown == {n for n in names if "::" not in n}
    assert gui.window.deck_list.selected_deck() is not None
    gui.controller.close()
    gui.col.close()


def test_startup_probe_prints_timings(tmp_path: Path) -> None:
    env = dict(os.environ, FLASHCARDS_STARTUP_PROBE="1", QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "flashcards", "--data-dir", str(tmp_path / "data")],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stderr.splitlines() if x.startswith("flashcards-startup"))
    marks = dict(part.split("=") for part in line.split()[1:])
    assert float(marks["start"]) <= float(marks["window_shown"]) <= float(marks["deck_list"])
    assert (tmp_path / "data" / "collection.db").exists()


def test_existing_collection_is_painted_before_the_service_opens(
    qtbot,
    tmp_path: Path,
    clock,  # noqa: ANN001
) -> None:
    from flashcards.core.collection import open_collection
    from flashcards.core.paths import sqlite_url
    from flashcards.gui.app import fill_from_file

    data = tmp_path / "data"
    data.mkdir()
    col = open_collection(sqlite_url(data / "collection.db"))
    col.notes.add("Morning", "basic", "q", "a", clock())
    col.notes.add("Morning::Sub", "basic", "q2", "a", clock())
    col.close()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    gui = create_gui(app, QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat), clock)
    qtbot.addWidget(gui.window)
    gui.window.show()
    assert fill_from_file(gui, data, None)
    assert gui.col is None  # the service is not open yet, the list is already there
    tree = gui.window.deck_list.tree
    item = tree.topLevelItem(0)
    assert item is not None and item.text(0) == "Morning" and item.text(1) == "2"
    assert gui.window.deck_list.selected_deck() is not None
    assert not fill_from_file(gui, tmp_path / "first-run", None)  # no file yet: nothing shown
