"""Alt+letter mnemonics are unique: in every menu, and in every window and dialog (issue 14).

Alt+T was both Text and Tags in the Add Note dialog. Every menu of the main window (and the
browser's) is walked, and every window and dialog that can be built here: two siblings that
underline the same letter fail the test, with both texts named.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QGroupBox,
    QLabel,
    QMainWindow,
    QMenu,
    QMenuBar,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from flashcards.gui.app import Gui
from flashcards.gui.check_media import CheckMediaDialog
from flashcards.gui.exchange_ops import ExportOptions
from flashcards.gui.generate_dialog import GenerateDialog
from flashcards.gui.note_controller import NoteController
from flashcards.gui.safety.restore_dialog import RestoreDialog
from flashcards.gui.settings_controller import SettingsController
from flashcards.gui.text_import_dialog import TextImportDialog
from tests.gui.conftest import OFFSCREEN_NOISE

_MNEMONIC = re.compile(r"&(.)")


def letter(text: str) -> str | None:
    """The letter ``text`` underlines (``&&`` is a literal ampersand), lower-cased."""
    found = _MNEMONIC.search(text.replace("&&", ""))
    return found[1].lower() if found else None


def _clashes(where: str, texts: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    clashes = []
    for text in texts:
        key = letter(text)
        if key is None:
            continue
        if key in seen:
            clashes.append(f"{where}: Alt+{key.upper()} is {seen[key]!r} and {text!r}")
        else:
            seen[key] = text
    return clashes


def menu_clashes(menu: QMenu | QMenuBar, where: str) -> list[str]:
    """Clashes among a menu's (or menu bar's) items, and inside each of its submenus."""
    actions = [a for a in menu.actions() if not a.isSeparator() and a.isVisible()]
    found = _clashes(where, [a.text() for a in actions])
    for action in actions:
        if (sub := action.menu()) is not None:
            found += menu_clashes(sub, f"{where} > {action.text()}")
    return found


def _texts(window: QWidget) -> list[str]:
    texts = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.window() is not window:
            continue
        if (
            isinstance(widget, QLabel)
            and widget.buddy() is not None
            or isinstance(widget, QAbstractButton)
        ):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())]
    if isinstance(window, QMainWindow):  # the menu titles answer Alt+letter too
        texts += [a.text() for a in window.menuBar().actions() if a.isVisible()]
    return texts


def _tab_pages(window: QWidget) -> Iterator[str]:
    """Show each page of each tab widget in turn (a hidden page's letters are inactive)."""
    yield ""
    for tabs in window.findChildren(QTabWidget):
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            yield f" [{tabs.tabText(index)}]"


def window_clashes(window: QWidget, where: str) -> list[str]:
    """Clashes among what a window shows at once, each tab page in turn; its menus too."""
    found = []
    for page in _tab_pages(window):
        found += _clashes(where + page, _texts(window))
    if isinstance(window, QMainWindow):
        found += menu_clashes(window.menuBar(), where)
    for widget in window.findChildren(QWidget):
        if widget.contextMenuPolicy().name == "ActionsContextMenu" and widget.actions():
            found += _clashes(f"{where} context menu", [a.text() for a in widget.actions()])
    return list(dict.fromkeys(found))


def test_letter() -> None:
    assert letter("&Tags") == "t" and letter("Te&xt") == "x" and letter("S&&P") is None
    assert letter("Q && &A") == "a"
    assert _clashes("x", ["&Text", "&Tags"]) == ["x: Alt+T is '&Text' and '&Tags'"]


@pytest.mark.qt_log_ignore(OFFSCREEN_NOISE, r"This plugin does not support raise\(\)")
def test_every_menu_and_dialog_has_unique_mnemonics(qtbot: QtBot, gui: Gui, tmp_path: Path) -> None:
    assert gui.col is not None and gui.ops is not None and gui.controller is not None
    col, ops, window = gui.col, gui.ops, gui.window
    found = window_clashes(window, "Main window")

    a = window.actions_
    a.browse.trigger()
    a.stats.trigger()
    controller = gui.controller
    assert controller.browser is not None and controller.stats is not None
    found += window_clashes(controller.browser.window, "Browse")
    found += window_clashes(controller.stats.window, "Statistics")

    # The Add Note dialog for each kind of note (Cloze names its fields Text and Extra).
    adding = NoteController(col, ops, gui.clock, deck="English", parent=window).dialog
    qtbot.addWidget(adding)
    form = adding.form
    for index in range(form.kind.count()):
        form.kind.setCurrentIndex(index)
        found += window_clashes(adding, f"Add Note ({form.kind.currentText()})")
    note_id = col.notes.ids("English")[0]
    editing = NoteController(col, ops, gui.clock, note_id=note_id, parent=window).dialog
    qtbot.addWidget(editing)
    found += window_clashes(editing, "Edit Note")

    text_file = tmp_path / "words.txt"
    text_file.write_text("front\tback\n", encoding="utf-8")
    others: list[tuple[str, QWidget]] = [
        ("Export", ExportOptions(["English"], window)),
        ("Generate", GenerateDialog(window)),
        ("Check Media", CheckMediaDialog(window)),
        ("Restore Backup", RestoreDialog([], tmp_path, window)),
        ("Import text", TextImportDialog(text_file, ["English"], window)),
    ]
    for name, dialog in others:
        qtbot.addWidget(dialog)
        found += window_clashes(dialog, name)

    assert found == []


# Deck options: Learning steps (L) and Relearnin&g steps (G), Maximum revie&ws/day (W) and
# E&valuate (V); the General tab's are unique too, in English and in Japanese ((&X) letters).
@pytest.mark.parametrize("language", ["en", "ja"])
def test_settings_has_unique_mnemonics(
    qtbot: QtBot, gui: Gui, tmp_path: Path, language: str
) -> None:
    from PySide6.QtCore import QSettings

    from flashcards.gui import i18n

    assert gui.col is not None and gui.ops is not None
    chosen = QSettings(str(tmp_path / "lang.ini"), QSettings.Format.IniFormat)
    chosen.setValue(i18n.LANGUAGE_SETTING, language)
    assert i18n.install_translator(gui.app, chosen) == language
    try:
        settings = SettingsController(
            gui.col, gui.ops, None, gui.window, gui.theme, gui.settings
        ).dialog
        qtbot.addWidget(settings)
        found = window_clashes(settings, "Settings")
    finally:
        i18n.remove_translators(gui.app)
    assert found == [], "\n".join(found)
