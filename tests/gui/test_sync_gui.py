"""Sync from the window (issue 15): its settings, Sync against a real PostgreSQL, one sentence.

The server is the throwaway PostgreSQL cluster of tests/sync (started once per session).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog

from flashcards.core.sync.client import sync
from flashcards.gui.app import Gui
from flashcards.gui.sync_controller import AUTO_SETTING, URL_SETTING, SyncController
from tests.sync.conftest import pg_cluster, server_url  # noqa: F401 (the server fixtures)
from tests.sync.devices import device


def _controller(gui: Gui, clock, settings: QSettings) -> SyncController:  # noqa: ANN001
    assert gui.col is not None and gui.ops is not None
    return SyncController(gui.col, gui.ops, clock, settings, gui.window)


def test_sync_sends_the_collection_and_says_what_moved(
    qtbot,
    gui: Gui,
    clock,
    settings: QSettings,
    server_url: str,  # noqa: F811
    tmp_path: Path,  # noqa: ANN001
) -> None:
    col = gui.col
    assert col is not None
    controller = _controller(gui, clock, settings)
    settings.setValue(URL_SETTING, server_url)
    notes = len(col.notes.ids())
    with qtbot.waitSignal(controller.message, timeout=60_000) as said:
        controller.sync()
    assert said.args[0].startswith("Synced: sent ") and f"{notes} notes" in said.args[0]
    assert not controller.running
    # Another device gets what the window sent.
    other = device(tmp_path, "other")
    report = sync(other, server_url, clock() + timedelta(minutes=1))
    assert report.received["note"] == notes
    assert sorted(v.front for v in other.notes.get_many(other.notes.ids())) == sorted(
        v.front for v in col.notes.get_many(col.notes.ids())
    )


def test_sync_settings_keep_a_usable_url_only(qtbot, gui: Gui, clock, settings: QSettings) -> None:  # noqa: ANN001
    controller = _controller(gui, clock, settings)
    dialog = controller.ask_settings()  # no URL yet: Sync would open these too
    dialog.url.setText("http://example.org/not-a-database")
    dialog.done(QDialog.DialogCode.Accepted)
    assert dialog.error.isVisibleTo(dialog) and "PostgreSQL URL" in dialog.error.text()
    assert not settings.value(URL_SETTING)
    dialog.url.setText("postgresql://learner@127.0.0.1/flashcards")
    dialog.automatic.setChecked(True)
    dialog.done(QDialog.DialogCode.Accepted)
    assert settings.value(URL_SETTING) == "postgresql://learner@127.0.0.1/flashcards"
    assert settings.value(AUTO_SETTING) == "true" and controller.automatic()


def test_y_syncs_and_without_a_server_asks_for_one(
    qtbot,
    gui: Gui,
    monkeypatch,  # noqa: ANN001
) -> None:
    monkeypatch.delenv("FLASHCARDS_SYNC_URL", raising=False)
    assert gui.controller is not None
    sync = gui.window.actions_.sync
    assert sync.shortcut().toString() == "Y" and sync.text() == "S&ync"
    sync.trigger()  # no server yet: the settings open instead
    dialog = gui.controller.sync.dialog
    assert dialog is not None and dialog.isVisible() and dialog.url.text() == ""
    dialog.reject()
