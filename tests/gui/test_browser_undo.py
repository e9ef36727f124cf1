"""What the browser does goes on the undo stack: Edit → Undo in the main window takes it back."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from flashcards.gui.app import Gui
from flashcards.gui.browser_controller import BrowserController


def test_browser_actions_are_undone_last_first(qtbot, gui: Gui, clock, settings: QSettings) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.ops is not None
    controller = BrowserController(col, gui.ops, clock, settings)
    browser = controller.window
    qtbot.addWidget(browser)
    browser.show()
    controller.search("トークン")
    browser.table.selectRow(0)
    card = controller.selected_card_ids()[0]
    undo = gui.window.actions_.undo

    browser.suspend_action.trigger()
    qtbot.waitUntil(lambda: col.cards.rows([card])[0]["suspended"])
    qtbot.waitUntil(lambda: undo.text() == "&Undo Suspend")
    browser.form.back.setPlainText("分割の単位")
    controller._on_save()
    note = col.notes.get(col.cards.rows([card])[0]["note_id"])
    assert note.back == "分割の単位" and undo.text() == "&Undo Edit Note"

    undo.trigger()  # the edit
    assert col.notes.get(note.id).back != "分割の単位"
    assert col.cards.rows([card])[0]["suspended"]  # the suspend is still there
    assert undo.text() == "&Undo Suspend"
    undo.trigger()
    qtbot.waitUntil(lambda: not col.cards.rows([card])[0]["suspended"])
    assert not undo.isEnabled()
    browser.close()


def test_the_edit_note_dialog_is_undone_by_edit_undo(qtbot, gui: Gui, clock) -> None:  # noqa: ANN001
    from flashcards.gui.note_controller import NoteController

    col = gui.col
    assert col is not None and gui.ops is not None and gui.controller is not None
    note_id = col.notes.ids("LLM基礎")[0]
    before = col.notes.get(note_id).back
    undo = gui.window.actions_.undo
    editing = NoteController(col, gui.ops, clock, note_id=note_id, parent=gui.window)
    qtbot.addWidget(editing.dialog)
    editing.dialog.form.back.setPlainText("分割の単位")
    editing.dialog.save_requested.emit()  # Save (Ctrl+Enter)
    assert editing.dialog.result() == editing.dialog.DialogCode.Accepted
    assert col.notes.get(note_id).back == "分割の単位"
    assert undo.isEnabled() and undo.text() == "&Undo Edit Note"

    undo.trigger()  # Edit → Undo Edit Note
    assert col.notes.get(note_id).back == before
    assert not undo.isEnabled()
