"""The app as a whole: Quit, zoom, the theme switch, About, export's default deck (issue 14)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QMessageBox, QTextBrowser, QWidget
from pytestqt.qtbot import QtBot

from flashcards.core.backup import list_backups
from flashcards.gui.app import Gui, create_gui, open_in_background, setup_recovery, shutdown
from flashcards.gui.exchange_ops import ExportOptions
from flashcards.gui.note_controller import NoteController
from flashcards.gui.note_editor import NoteDialog
from flashcards.gui.safety import SingleInstance, claim_instance
from flashcards.gui.settings_controller import SettingsController
from flashcards.gui.theme import Theme
from tests.gui.conftest import OFFSCREEN_NOISE, FakeClock

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def restore_look(gui: Gui) -> Iterator[Gui]:
    """Put the shared application's theme and zoom back as they were after the test."""
    yield gui
    gui.theme.set_mode("system")
    gui.theme.reset_zoom()


def _window_is_dark() -> bool:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app.palette().window().color().lightness() < 128


def test_theme_switch_in_settings_applies_and_is_remembered(
    qtbot,
    restore_look: Gui,
    settings: QSettings,  # noqa: ANN001
) -> None:
    gui = restore_look
    assert gui.col is not None and gui.ops is not None
    assert gui.theme.mode == "system" and not _window_is_dark()
    changed: list[int] = []
    gui.theme.changed.connect(lambda: changed.append(1))

    for mode, dark in (("dark", True), ("light", False), ("system", False)):
        options = SettingsController(gui.col, gui.ops, None, gui.window, gui.theme)
        dialog = options.dialog
        qtbot.addWidget(dialog)
        box = dialog.theme
        assert [box.itemText(i) for i in range(box.count())] == [
            "Same as the system", "Light", "Dark",
        ]  # fmt: skip
        box.setCurrentIndex(box.findData(mode))
        options._on_save()  # what Save does
        assert not dialog.isVisible()
        assert gui.theme.mode == mode and gui.theme.dark is dark
        assert _window_is_dark() is dark
        assert settings.value("view/theme") == mode
        if mode == "dark":
            # The next start reads the choice back, and the dialog shows it.
            again = SettingsController(gui.col, gui.ops, None, gui.window, gui.theme)
            qtbot.addWidget(again.dialog)
            assert again.dialog.theme.currentData() == "dark"
            app = QApplication.instance()
            assert isinstance(app, QApplication)
            next_start = Theme(app, settings)
            assert next_start.mode == "dark"
            next_start.deleteLater()
    assert changed


# ---------------------------------------------------------------------------- Quit


def _open_windows() -> list[QWidget]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if w.isVisible() and w.windowType() in (Qt.WindowType.Window, Qt.WindowType.Dialog)
    ]


@pytest.mark.qt_log_ignore(OFFSCREEN_NOISE, r"This plugin does not support raise\(\)")
@pytest.mark.parametrize("where", ["main", "browser"])
def test_quit_closes_every_window_takes_the_backup_and_frees_the_lock(
    qtbot: QtBot, tmp_path: Path, clock: FakeClock, where: str
) -> None:
    # The app as run_app wires it: the lock, recovery and backups, the collection opened
    # in the background; then Browse and Statistics opened from the menu.
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    data = tmp_path / "data"
    data.mkdir()
    instance = claim_instance(data, None)
    assert isinstance(instance, SingleInstance)
    settings = QSettings(str(data / "gui.ini"), QSettings.Format.IniFormat)
    gui = create_gui(app, settings, clock, data / "logs")
    gui.instance = instance
    ready: list[int] = []
    setup_recovery(gui, data, None, lambda: ready.append(1), quit=lambda _code: None)
    gui.window.show()
    qtbot.addWidget(gui.window)
    open_in_background(gui, data, None, lambda: ready.append(1))
    qtbot.waitUntil(lambda: bool(ready), timeout=30000)
    assert gui.col is not None and gui.backups is not None and gui.controller is not None
    db = data / "collection.db"
    before = list_backups(db)
    gui.col.notes.add("Quit", "basic", "front", "back", clock())  # something to back up

    a = gui.window.actions_
    a.browse.trigger()
    a.stats.trigger()
    controller = gui.controller
    assert controller.browser is not None and controller.stats is not None
    browser = controller.browser.window
    qtbot.waitExposed(browser)
    qtbot.waitExposed(controller.stats.window)
    assert len(_open_windows()) >= 3

    # Ctrl+Q, pressed in the browser (the shortcut is the app's) or in the main window.
    target = browser if where == "browser" else gui.window
    target.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is target)
    # What run_app does when its event loop ends (app.exec cannot run inside the tests).
    ended: list[int] = []
    gui.end_loop = lambda: (ended.append(1), shutdown(gui))  # type: ignore[func-returns-value]
    qtbot.keyClick(target, Qt.Key.Key_Q, CTRL)
    assert ended == [1]

    assert _open_windows() == []
    assert gui.shut_down
    after = list_backups(db)
    assert len(after) == len(before) + 1  # the closing backup
    assert not instance.lock.held
    again = claim_instance(data, None)  # the next launch takes the folder at once
    assert isinstance(again, SingleInstance)
    again.release()


QUIT_SCRIPT = r"""
import sys, pathlib
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from flashcards.gui.app import run_app
from flashcards.gui.main_window import MainWindow

app = QApplication(sys.argv[:1])

def step():
    shown = [w for w in app.topLevelWidgets() if w.isVisible() and w.isWindow()]
    main = next((w for w in shown if isinstance(w, MainWindow)), None)
    if main is not None and len(shown) < 3:
        main.actions_.browse.trigger()
        main.actions_.stats.trigger()
    others = [w for w in shown if w is not main and w.windowTitle()]
    if main is None or len(others) < 2:
        QTimer.singleShot(200, step)  # the collection is still opening
        return
    browser = next(w for w in others if w.objectName() == "browser")
    browser.activateWindow()
    ctrl = Qt.KeyboardModifier.ControlModifier
    QTimer.singleShot(100, lambda: QTest.keyClick(browser, Qt.Key.Key_Q, ctrl))
    sys.stderr.write("quit sent with %d windows open\n" % len(shown))

QTimer.singleShot(0, step)
sys.exit(run_app(pathlib.Path(sys.argv[1])))
"""


def test_ctrl_q_in_the_browser_ends_the_process(tmp_path: Path) -> None:
    """The real app in its own process: Ctrl+Q with Browse and Statistics open exits."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("FLASHCARDS_DATA_DIR", None)
    data = tmp_path / "data"
    result = subprocess.run(
        [sys.executable, "-c", QUIT_SCRIPT, str(data)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "quit sent with 3 windows open" in result.stderr
    assert "Traceback" not in result.stderr
    # The lock is free: the command line can use the collection at once.
    decks = subprocess.run(
        [sys.executable, "-m", "flashcards", "--data-dir", str(data), "decks", "--json"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert decks.returncode == 0, decks.stderr


# ---------------------------------------------------------------------------- zoom


def test_zoom_keys_scale_the_card_text_and_the_app_font(
    qtbot: QtBot, restore_look: Gui, settings: QSettings
) -> None:
    gui = restore_look
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = gui.window
    window.actions_.study.trigger()
    question = window.review.findChild(QTextBrowser, "question")
    assert question is not None and question.isVisible()
    card, ui = question.font().pixelSize(), app.font().pointSizeF()
    assert card == 26

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_Equal, CTRL)  # Ctrl+= as Ctrl++ without Shift
    qtbot.keyClick(window, Qt.Key.Key_Plus, CTRL)
    assert gui.theme.zoom == 1.25
    assert question.font().pixelSize() == round(26 * 1.25)
    assert app.font().pointSizeF() == pytest.approx(ui * 1.25, abs=0.1)
    assert float(str(settings.value("view/zoom"))) == 1.25
    qtbot.keyClick(window, Qt.Key.Key_Minus, CTRL)
    assert gui.theme.zoom == 1.1
    qtbot.keyClick(window, Qt.Key.Key_0, CTRL)
    assert gui.theme.zoom == 1.0
    assert question.font().pixelSize() == card and app.font().pointSizeF() == ui
    # The View menu says it, with its keys.
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert [a.text() for a in view.actions()] == ["Zoom &In", "Zoom &Out", "&Actual Size"]


# ---------------------------------------------------------------------------- export


def test_export_offers_the_selected_deck_and_shows_its_result(
    qtbot: QtBot, gui: Gui, tmp_path: Path
) -> None:
    assert gui.col is not None and gui.controller is not None
    gui.window.deck_list.select_deck(gui.col.decks.id("English"))
    offered: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ExportOptions)
        offered.append(dialog.deck.currentText())
        dialog.reject()

    QTimer.singleShot(0, answer)
    gui.window.actions_.export.trigger()  # File → Export…
    assert offered == ["English"]

    # Its result stays in a box until it is read, as an import's does.
    exchange = gui.controller.exchange
    target = tmp_path / "english.txt"
    exchange.export(target, "csv", "English", with_progress=False)
    qtbot.waitUntil(lambda: exchange.export_box is not None and exchange.export_box.isVisible())
    box = exchange.export_box
    assert box is not None
    assert box.text() == f"Exported 1 note to “{target}”."
    box.close()


# ---------------------------------------------------------------------------- About

ROOT = Path(__file__).resolve().parents[2]


def test_about_credits_the_article_as_the_readme_does_and_states_the_code_licence(
    qtbot: QtBot, gui: Gui
) -> None:
    gui.window.actions_.about.trigger()  # Help → About Flashcards
    boxes = [b for b in gui.window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    box = boxes[0]
    assert box.windowTitle() == "About Flashcards"
    document = QTextDocument()
    document.setHtml(box.text())
    shown = " ".join(document.toPlainText().split())

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Licence and attribution", 1)[1].split("\n## ", 1)[0]
    section = " ".join(section.split())
    # Every part of the README's attribution, word for word: title, author, course, licence.
    attribution = (
        "「今更聞けないLLM解説まとめ①LLMって何ぞ」 by それなニキ, based on the Matsuo Lab LLM "
        "course (松尾研 LLM講座), licensed under"
    )
    assert attribution in section and attribution in shown
    assert "[CC BY-NC-SA 4.0](https://creativecommons.org/licenses/by-nc-sa/4.0/)" in section
    assert "CC BY-NC-SA 4.0 (attribution, non-commercial, share-alike)" in shown
    assert 'href="https://creativecommons.org/licenses/by-nc-sa/4.0/"' in box.text()
    # The code's licence, as the LICENSE file names it.
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8").splitlines()[0].strip()
    assert licence == "MIT License" and f"under the {licence}" in shown
    box.close()


# ---------------------------------------------------------------------------- note editor Esc


def _forget_changes(dialog: QWidget) -> None:
    assert isinstance(dialog, NoteDialog)
    dialog.mark_saved()  # a failed test must not wait for an answer as it closes


def _answer_discard_box(dialog: NoteDialog, button: str, asked: list[str]) -> None:
    box = dialog.discard_box
    assert box is not None and box.isVisible()
    asked.append(box.text())
    next(b for b in box.buttons() if b.text().replace("&", "") == button).click()


def test_esc_in_the_note_editor_asks_before_discarding_changes(qtbot: QtBot, gui: Gui) -> None:
    assert gui.col is not None and gui.ops is not None
    col = gui.col
    before = len(col.notes.ids("English"))
    adding = NoteController(col, gui.ops, gui.clock, deck="English", parent=gui.window)
    dialog = adding.dialog
    qtbot.addWidget(dialog, before_close_func=_forget_changes)
    dialog.show()
    qtbot.waitExposed(dialog)
    asked: list[str] = []

    qtbot.keyClick(dialog.form.front, Qt.Key.Key_Escape)  # nothing typed: closes at once
    assert not dialog.isVisible() and asked == []

    dialog.show()
    qtbot.keyClicks(dialog.form.front, "unsaved words")
    QTimer.singleShot(0, lambda: _answer_discard_box(dialog, "Keep Editing", asked))
    qtbot.keyClick(dialog.form.front, Qt.Key.Key_Escape)
    assert asked == ["Discard the changes to this note?"]
    assert dialog.isVisible() and dialog.form.front.toPlainText() == "unsaved words"

    # Added notes are saved: Esc after Add closes without asking.
    qtbot.keyClicks(dialog.form.back, "back")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # Add
    assert len(col.notes.ids("English")) == before + 1
    qtbot.keyClick(dialog.form.front, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and len(asked) == 1

    # Editing: a change then Esc, Discard: the note keeps its text.
    note_id = col.notes.ids("English")[0]
    front = col.notes.get(note_id).front
    editing = NoteController(col, gui.ops, gui.clock, note_id=note_id, parent=gui.window)
    edit = editing.dialog
    qtbot.addWidget(edit, before_close_func=_forget_changes)
    edit.show()
    qtbot.waitExposed(edit)
    qtbot.keyClicks(edit.form.tags, " extra")
    QTimer.singleShot(0, lambda: _answer_discard_box(edit, "Discard", asked))
    qtbot.keyClick(edit.form.tags, Qt.Key.Key_Escape)
    assert len(asked) == 2 and not edit.isVisible()
    assert col.notes.get(note_id).front == front and "extra" not in col.notes.get(note_id).tags
