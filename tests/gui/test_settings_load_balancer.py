"""Settings → General → Load balancer: shown as stored, saved to the collection."""

from __future__ import annotations

from pathlib import Path

from flashcards.core.collection import open_collection
from flashcards.core.db import sqlite_url
from flashcards.gui.app import Gui
from flashcards.gui.settings_controller import SettingsController


def test_the_load_balancer_checkbox_reads_and_saves_the_setting(
    qtbot,  # noqa: ANN001
    gui: Gui,
    db_path: Path,
) -> None:
    col = gui.col
    assert col is not None and gui.ops is not None
    settings = SettingsController(col, gui.ops, None, gui.window)
    qtbot.addWidget(settings.dialog)
    box = settings.dialog.load_balancer
    assert box.isChecked()  # Anki's default: on
    box.setChecked(False)
    settings._on_save()
    assert settings.dialog.result() == settings.dialog.DialogCode.Accepted
    reopened = open_collection(sqlite_url(db_path))
    try:
        assert not reopened.config.load_balancer
    finally:
        reopened.close()
    # Shown as stored the next time, and turned back on.
    settings = SettingsController(col, gui.ops, None, gui.window)
    qtbot.addWidget(settings.dialog)
    assert not settings.dialog.load_balancer.isChecked()
    settings.dialog.load_balancer.setChecked(True)
    settings._on_save()
    assert col.config.load_balancer
