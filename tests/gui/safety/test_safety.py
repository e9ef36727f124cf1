"""Crash safety on screen: one instance, automatic backups, restoring, damaged files, card text."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from flashcards.core.backup import create_backup, list_backups
from flashcards.core.collection import Collection, open_collection
from flashcards.core.db import sqlite_url
from flashcards.gui.app import (
    Gui,
    create_gui,
    open_in_background,
    setup_recovery,
    take_closing_backup,
)
from flashcards.gui.main_window import Screen
from flashcards.gui.safety import (
    RestoreDialog,
    SingleInstance,
    bring_to_front,
    claim_instance,
)
from flashcards.gui.settings_controller import SettingsController

HOSTILE = '<img src="file:///etc/passwd"><script>alert(1)</script><a href="http://x">x</a>'


# ---------------------------------------------------------------------------- helpers


class App:
    """The app as ``run_app`` wires it (safety included), without entering ``app.exec``."""

    def __init__(self, data_dir: Path, clock) -> None:  # noqa: ANN001
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        settings = QSettings(str(data_dir / "gui.ini"), QSettings.Format.IniFormat)
        self.gui: Gui = create_gui(app, settings, clock, data_dir / "logs")
        self.exits: list[int] = []
        self.ready: list[int] = []
        self.recovery = setup_recovery(
            self.gui, data_dir, None, self._ready, quit=self.exits.append
        )
        self.data_dir = data_dir
        self.gui.window.show()

    def _ready(self) -> None:
        self.ready.append(1)

    def open(self) -> None:
        open_in_background(self.gui, self.data_dir, None, self._ready)

    def close(self) -> None:
        gui = self.gui
        if gui.controller is not None:
            gui.controller.close()
        gui.executor.wait()
        if gui.backups is not None:
            gui.backups.stop()
        if gui.col is not None:
            gui.col.close()
        gui.window.close()
        gui.window.deleteLater()
        gui.executor.shutdown()


@pytest.fixture
def running(tmp_path: Path, clock) -> Iterator[App]:  # noqa: ANN001
    built = App(tmp_path, clock)
    yield built
    built.close()


def _make_collection(path: Path, clock, fronts: list[str]) -> None:  # noqa: ANN001
    col = open_collection(sqlite_url(path))
    try:
        for front in fronts:
            col.notes.add("Safety", "basic", front, "back", clock())
    finally:
        col.close()


def _fronts(col: Collection) -> set[str]:
    return {n.front for n in col.notes.get_many(col.notes.ids("Safety"))}


def _box_button(box: QMessageBox, text: str):  # noqa: ANN202
    return next(b for b in box.buttons() if b.text().replace("&", "") == text)


# ---------------------------------------------------------------------------- one instance


# The offscreen test platform cannot raise windows; under X the window really comes to the front.
@pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)")
def test_second_launch_raises_the_running_window(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    first = claim_instance(tmp_path, None)
    assert isinstance(first, SingleInstance)
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setWindowTitle("first")
    raised: list[int] = []
    first.raise_requested.connect(lambda: raised.append(1))
    first.raise_requested.connect(lambda: bring_to_front(window))
    window.showMinimized()
    try:
        # A real second launch of the app: it must hand over and exit 0 without a window.
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        code = (
            "import sys, pathlib; from flashcards.gui.app import run_app; "
            "sys.exit(run_app(pathlib.Path(sys.argv[1])))"
        )
        second = subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path)], env=env, stderr=subprocess.PIPE
        )
        qtbot.waitUntil(lambda: second.poll() is not None, timeout=20000)
        assert second.returncode == 0, second.stderr.read() if second.stderr else ""
        qtbot.waitUntil(lambda: bool(raised))
        assert window.isVisible() and not window.isMinimized()

        # In the same process too (a second lock on the folder is refused by the OS).
        assert claim_instance(tmp_path, None) == 0
        qtbot.waitUntil(lambda: len(raised) == 2)

        # A running instance that does not answer: the launch says why and exits 1.
        first.server.close()
        told: list[str] = []
        assert claim_instance(tmp_path, None, tell=told.append) == 1
        assert told and "already running" in told[0] and str(tmp_path) in told[0]
    finally:
        first.release()
    # Released on quit: the next launch takes the folder at once (its socket name is reused).
    again = claim_instance(tmp_path, None)
    assert isinstance(again, SingleInstance)
    again.release()


# ---------------------------------------------------------------------------- backups


def test_backups_every_half_hour_of_use_and_on_close(qtbot, running: App, clock) -> None:  # noqa: ANN001
    _make_collection(running.data_dir / "collection.db", clock, ["one"])
    running.open()
    qtbot.waitUntil(lambda: running.ready == [1], timeout=10000)
    gui = running.gui
    auto = gui.backups
    assert gui.col is not None and auto is not None
    db = running.data_dir / "collection.db"
    assert gui.window.actions_.restore.isEnabled()

    clock.advance(minutes=45)
    assert not auto.tick()  # nothing changed: no backup
    gui.col.notes.add("Safety", "basic", "two", "back", clock())
    clock.advance(minutes=10)
    assert auto.tick()  # changed, and 55 minutes since opening
    qtbot.waitUntil(lambda: not auto.busy)
    backups = list_backups(db)
    assert len(backups) == 1
    assert "Backed up" in gui.window.statusBar().currentMessage()
    gui.col.notes.add("Safety", "basic", "three", "back", clock())
    clock.advance(minutes=5)
    assert not auto.tick()  # changed, but only 5 minutes since the last one

    # "Backups to keep" is the backup_keep setting; it applies from the next backup on.
    assert gui.ops is not None
    options = SettingsController(gui.col, gui.ops, None, gui.window)
    dialog = options.dialog
    qtbot.addWidget(dialog)
    assert dialog.backup_keep.value() == 20
    dialog.backup_keep.setValue(1)
    options._on_save()
    assert gui.col.config.get("backup_keep") == "1"

    take_closing_backup(gui)  # the closing backup: the change made since the last one
    after = list_backups(db)
    assert len(after) == 1 and after[0].path != backups[0].path
    saved = open_collection(sqlite_url(after[0].path))
    try:
        assert _fronts(saved) == {"one", "two", "three"}
    finally:
        saved.close()


# ---------------------------------------------------------------------------- restoring


def test_restore_dialog_lists_backups_and_restores(qtbot, running: App, clock) -> None:  # noqa: ANN001
    db = running.data_dir / "collection.db"
    _make_collection(db, clock, ["kept"])
    backup = create_backup(db, clock())
    running.open()
    qtbot.waitUntil(lambda: running.ready == [1], timeout=10000)
    gui, safety = running.gui, running.recovery
    assert gui.col is not None
    gui.col.notes.add("Safety", "basic", "after the backup", "back", clock())
    old_window = gui.window

    gui.window.actions_.restore.trigger()
    dialog = safety.prompt
    assert isinstance(dialog, RestoreDialog)
    assert dialog.list.topLevelItemCount() == 1
    row = dialog.list.topLevelItem(0)
    assert row is not None and row.text(0) == backup.name
    assert row.text(1) and row.text(2).endswith(" KB")
    assert dialog.chosen == backup
    dialog.restore_button.click()

    qtbot.waitUntil(lambda: running.ready == [1, 1], timeout=10000)
    assert gui.window is not old_window and gui.window.isVisible()
    assert gui.col is not None and _fronts(gui.col) == {"kept"}
    aside = [p for p in db.parent.iterdir() if ".before-restore-" in p.name and p.suffix == ".db"]
    assert len(aside) == 1
    notice = safety.prompt
    assert isinstance(notice, QMessageBox)
    assert f"Restored {backup.name}." in notice.text() and str(aside[0]) in notice.text()
    notice.close()
    kept = open_collection(sqlite_url(aside[0]))
    try:
        assert _fronts(kept) == {"kept", "after the backup"}  # the old file, untouched
    finally:
        kept.close()
    # The fresh window works: the menu opens the dialog again (now listing the one backup).
    gui.window.actions_.restore.trigger()
    assert isinstance(safety.prompt, RestoreDialog)
    safety.prompt.reject()


def test_damaged_collection_offers_the_newest_good_backup(qtbot, running: App, clock) -> None:  # noqa: ANN001
    db = running.data_dir / "collection.db"
    _make_collection(db, clock, ["safe"])
    good = create_backup(db, clock())
    clock.advance(minutes=1)
    bad = create_backup(db, clock())
    bad.write_bytes(b"not a database" * 100)  # the newest backup is damaged too
    damaged = b"SQLite format 3\x00" + b"\xff" * 5000
    db.write_bytes(damaged)

    running.open()
    qtbot.waitUntil(lambda: isinstance(running.recovery.prompt, QMessageBox), timeout=10000)
    box = running.recovery.prompt
    assert isinstance(box, QMessageBox)
    text = box.text()
    assert text.startswith(f"The collection {db} is damaged")
    assert f"Restore the newest good backup, {good.name} (" in text
    assert text.endswith("? The damaged file is kept aside.")
    _box_button(box, "Restore").click()

    qtbot.waitUntil(lambda: running.ready == [1], timeout=10000)
    gui = running.gui
    assert gui.col is not None and _fronts(gui.col) == {"safe"}
    aside = [p for p in db.parent.iterdir() if ".before-restore-" in p.name]
    assert len(aside) == 1 and aside[0].read_bytes() == damaged  # kept, byte for byte
    assert running.exits == []
    assert isinstance(running.recovery.prompt, QMessageBox)
    running.recovery.prompt.close()


def test_damaged_collection_without_a_backup_says_so(qtbot, running: App) -> None:  # noqa: ANN001
    db = running.data_dir / "collection.db"
    db.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    running.open()
    qtbot.waitUntil(lambda: isinstance(running.recovery.prompt, QMessageBox), timeout=10000)
    box = running.recovery.prompt
    assert isinstance(box, QMessageBox)
    assert "damaged" in box.text() and "No good backup was found in" in box.text()
    assert [b.text().replace("&", "") for b in box.buttons()] == ["Quit"]
    _box_button(box, "Quit").click()
    assert running.exits == [1]
    assert db.read_bytes() == b"SQLite format 3\x00" + b"\x00" * 100


# ---------------------------------------------------------------------------- card text


def test_card_markup_is_shown_as_literal_text(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.controller is not None
    col.notes.add("Hostile", "basic", HOSTILE, HOSTILE, clock())
    gui.controller.review.start("Hostile")
    assert gui.window.current_screen == Screen.REVIEW
    view = gui.window.review
    gui.controller.review._reveal()
    for label in (view.question, view.answer):
        shown = label.text()
        assert "<img" not in shown and "<script" not in shown and "<a " not in shown
        doc = QTextDocument()
        doc.setHtml(shown)
        assert HOSTILE in doc.toPlainText()  # every character is there, as text
        assert not label.openExternalLinks()
        flags = label.textInteractionFlags()
        assert not flags & Qt.TextInteractionFlag.LinksAccessibleByMouse
        assert not flags & Qt.TextInteractionFlag.LinksAccessibleByKeyboard
    assert view.counts.deck.textFormat() == Qt.TextFormat.PlainText
