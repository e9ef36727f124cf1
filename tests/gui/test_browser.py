"""The browser: its model under qtbot's model tester, search, editing and actions."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt

from flashcards.gui.app import Gui
from flashcards.gui.browser_controller import BrowserController
from flashcards.gui.browser_model import CardTableModel


def test_model_passes_model_tester(qtmodeltester, gui: Gui, clock) -> None:  # noqa: ANN001
    assert gui.col is not None and gui.ops is not None
    model = CardTableModel(gui.col, gui.ops, clock)
    model.search("")
    assert model.rowCount() == 5
    qtmodeltester.check(model, force_py=True)
    # The tester stays connected and checks every reset, layout change and data change.
    model.search("deck:LLM基礎")
    assert model.rowCount() == 3
    model.sort(2, Qt.SortOrder.DescendingOrder)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert model.data(model.index(0, 0)) == "Transformer"
    gui.col.set_suspended([model.card_id(0)], True)
    model.refresh()
    assert model.data(model.index(0, 2)) == "new"
    assert model.rowCount() == 3


def test_browser_search_edit_suspend_move(qtbot, gui: Gui, clock, settings: QSettings) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.ops is not None
    controller = BrowserController(col, gui.ops, clock, settings)
    browser = controller.window
    qtbot.addWidget(browser)
    browser.show()
    assert browser.model.rowCount() == 5
    browser.search_box.setText("トークン")  # QTest types ASCII only
    qtbot.keyClick(browser.search_box, Qt.Key.Key_Return)
    assert browser.model.rowCount() == 1
    assert browser.model.data(browser.model.index(0, 0)) == "トークン"
    assert browser.form.front.toPlainText() == "トークン"

    browser.form.back.setPlainText("分割の単位")
    controller._on_save()
    note_id = col.note_ids("LLM基礎")[0]
    assert col.note(note_id).back == "分割の単位"

    browser.suspend_action.trigger()
    qtbot.waitUntil(lambda: col.card_rows(controller.selected_card_ids())[0]["suspended"])
    controller.search("is:suspended")
    assert browser.model.rowCount() == 1

    controller.search("bad:query is:nothing")
    assert "Unknown search" in browser.count_label.text()
    assert browser.model.rowCount() == 1  # the table stays as it was

    controller.search("deck:English")
    assert browser.model.rowCount() == 2
    col.move_notes(col.note_ids("English"), "Moved", clock())
    qtbot.waitUntil(lambda: browser.model.rowCount() == 0)
    controller.search("deck:Moved")
    assert browser.model.rowCount() == 2
    assert browser.model.data(browser.model.index(0, 1)) == "Moved"
    browser.close()
