"""Settings persist: deck options and day start in the collection, geometry in QSettings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from flashcards.core.collection import open_collection
from flashcards.core.db import sqlite_url
from flashcards.gui.app import Gui, create_gui
from flashcards.gui.settings_controller import SettingsController


def test_deck_and_app_settings_persist(qtbot, gui: Gui, db_path: Path) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None
    llm = col.decks.id("LLM基礎")
    assert gui.ops is not None
    settings = SettingsController(col, gui.ops, llm, gui.window)
    dialog = settings.dialog
    qtbot.addWidget(dialog)
    assert dialog.deck.currentText() == "LLM基礎"
    dialog.retention.setValue(0.85)
    dialog.new_per_day.setValue(7)
    dialog.reviews_per_day.setValue(70)
    dialog.learning_steps.setText("2m 15m 1h")
    dialog.day_start.setValue(5)
    settings._on_save()
    assert dialog.result() == dialog.DialogCode.Accepted

    reopened = open_collection(sqlite_url(db_path))
    try:
        s = reopened.decks.settings(llm)
        assert (s.desired_retention, s.new_per_day, s.reviews_per_day, s.learning_steps) == (
            0.85, 7, 70, "2m 15m 1h",
        )  # fmt: skip
        assert reopened.config.day_start_hour == 5
        assert reopened.decks.settings(col.decks.id("English")).new_per_day == 20
    finally:
        reopened.close()
    # The deck list follows the new limit (3 new cards, limit 7: unchanged; limit 1: capped).
    settings = SettingsController(col, gui.ops, llm, gui.window)
    dialog = settings.dialog
    qtbot.addWidget(dialog)
    dialog.new_per_day.setValue(1)
    settings._on_save()
    qtbot.waitUntil(lambda: gui.window.deck_list.tree.topLevelItem(1).text(1) == "1")


def test_invalid_steps_are_refused_with_a_message(qtbot, gui: Gui) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.ops is not None
    settings = SettingsController(col, gui.ops, col.decks.id("English"), gui.window)
    dialog = settings.dialog
    qtbot.addWidget(dialog)
    dialog.learning_steps.setText("soon")
    settings._on_save()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "Invalid steps" in dialog.error.text()
    assert col.decks.settings(col.decks.id("English")).learning_steps == "1m 10m"


def test_window_geometry_is_remembered(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    path = str(tmp_path / "gui.ini")
    first = create_gui(app, QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(first.window)
    first.window.show()
    first.window.resize(700, 500)
    first.window.move(40, 30)
    qtbot.waitUntil(lambda: first.window.width() == 700)
    first.window.close()
    second = create_gui(app, QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(second.window)
    assert (second.window.width(), second.window.height()) == (700, 500)
