"""The browser: its model under qtbot's model tester, search, editing and actions."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from flashcards.core.exchange.deckfile_import import import_deck_file
from flashcards.gui.app import Gui
from flashcards.gui.browser_controller import BrowserController
from flashcards.gui.browser_model import CardTableModel
from tests.gui.conftest import OFFSCREEN_NOISE


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
    gui.col.sched.set_suspended([model.card_id(0)], True)
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
    note_id = col.notes.ids("LLM基礎")[0]
    assert col.notes.get(note_id).back == "分割の単位"

    browser.suspend_action.trigger()
    qtbot.waitUntil(lambda: col.cards.rows(controller.selected_card_ids())[0]["suspended"])
    controller.search("is:suspended")
    assert browser.model.rowCount() == 1

    controller.search("bad:query is:nothing")
    assert "Unknown search" in browser.count_label.text()
    assert browser.model.rowCount() == 1  # the table stays as it was

    controller.search("deck:English")
    assert browser.model.rowCount() == 2
    col.notes.move(col.notes.ids("English"), "Moved", clock())
    qtbot.waitUntil(lambda: browser.model.rowCount() == 0)
    controller.search("deck:Moved")
    assert browser.model.rowCount() == 2
    assert browser.model.data(browser.model.index(0, 1)) == "Moved"
    browser.close()


def _count_searches(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every search the browser runs (the core's search_cards)."""
    from flashcards.core import search

    queries: list[str] = []
    real = search.search_cards

    def counting(col, query, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        queries.append(query)
        return real(col, query, *args, **kwargs)

    monkeypatch.setattr(search, "search_cards", counting)
    return queries


# The offscreen platform cannot raise windows; the real one can.
@pytest.mark.qt_log_ignore(OFFSCREEN_NOISE, "This plugin does not support raise")
def test_a_hidden_browser_costs_no_search_per_answer(
    qtbot,
    gui: Gui,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    col, controller = gui.col, gui.controller
    assert col is not None and controller is not None
    gui.window.actions_.browse.trigger()
    browser = controller.browser
    assert browser is not None and browser.window.isVisible()
    browser.close()  # Browse open once, then closed (hidden, kept for next time)
    searches = _count_searches(monkeypatch)

    gui.window.activateWindow()
    controller._on_study(col.decks.id("LLM基礎"))
    answered = []
    for _ in range(3):
        card = controller.review.card
        assert card is not None
        answered.append(card.card_id)
        qtbot.keyClick(gui.app.focusWidget() or gui.window, Qt.Key.Key_Space)
        qtbot.keyClick(gui.app.focusWidget() or gui.window, "3")
    assert len(col.cards.rows(answered)) == 3
    assert searches == []  # three answers, no search
    assert browser.stale

    gui.window.actions_.browse.trigger()  # shown again: one search brings it up to date
    assert searches == [""]
    assert not browser.stale
    model = browser.model
    due = {model.card_id(r): model.data(model.index(r, 2)) for r in range(model.rowCount())}
    assert all(due[card_id] != "new" for card_id in answered)

    # While it is visible, a change made elsewhere is shown at once (one search per change).
    col.sched.set_suspended(answered[:1], True)
    assert searches == ["", ""]
    browser.close()


def test_suspend_restores_the_selection_in_one_step(qtbot, gui: Gui, clock, settings) -> None:  # noqa: ANN001
    col, ops = gui.col, gui.ops
    assert col is not None and ops is not None
    from flashcards.core.deckfile import DeckFile, NoteSpec

    import_deck_file(
        col,
        DeckFile("Many", notes=[NoteSpec(f"m/{i}", "basic", f"q{i}", "a") for i in range(600)]),
        clock(),
    )
    controller = BrowserController(col, ops, clock, settings)
    browser = controller.window
    qtbot.addWidget(browser)
    browser.show()
    controller.search("deck:Many")
    browser.table.selectAll()
    changes: list[int] = []
    browser.table.selectionModel().selectionChanged.connect(lambda *_: changes.append(1))
    selected = controller.selected_card_ids()
    assert len(selected) == 600

    browser.suspend_action.trigger()  # an operation on the executor
    qtbot.waitUntil(lambda: all(r["suspended"] for r in col.cards.rows(selected)))
    qtbot.waitUntil(lambda: "Suspended 600 cards." in browser.statusBar().currentMessage())
    assert controller.selected_card_ids() == selected  # the same rows, still selected
    assert len(changes) <= 1  # one selection change at most (it was one per row)

    # The rows change (the suspended ones leave the search): the rest is reselected at once.
    controller.search("is:suspended")
    browser.table.selectAll()
    keep = controller.selected_card_ids()[:100:2]  # every other card of the first hundred
    browser.select_rows(sorted(browser.model.rows_of(keep)))
    changes.clear()
    col.sched.set_suspended(keep[1::2], False)  # a change from elsewhere: half of them leave
    left = keep[::2]
    assert browser.model.rowCount() == 600 - len(keep[1::2])
    assert controller.selected_card_ids() == left
    assert len(changes) <= 2  # the reset clears the selection, one selection restores it
    browser.close()


def test_flags_as_in_anki(qtbot, gui: Gui, clock, settings: QSettings) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.ops is not None
    controller = BrowserController(col, gui.ops, clock, settings)
    browser = controller.window
    qtbot.addWidget(browser)
    browser.show()
    browser.select_rows([0, 1], current=0)
    ids = controller.selected_card_ids()
    keys = [a.shortcut().toString() for a in browser.flag_actions]
    assert keys == [f"Ctrl+{n}" for n in range(1, 8)]  # Anki's keys
    browser.flag_actions[2].trigger()  # Ctrl+3: green
    qtbot.waitUntil(lambda: [r["flags"] for r in col.cards.rows(ids)] == [3, 3])
    qtbot.waitUntil(lambda: "Flagged 2 cards green." in browser.statusBar().currentMessage())
    tint = browser.model.data(browser.model.index(0, 0), Qt.ItemDataRole.BackgroundRole)
    assert tint is not None and tint.color().green() > tint.color().red()
    assert "green flag" in browser.model.data(
        browser.model.index(0, 0), Qt.ItemDataRole.ToolTipRole
    )
    controller.search("flag:3")
    assert browser.model.rowCount() == 2
    browser.select_rows([0, 1], current=0)
    browser.flag_actions[2].trigger()  # Ctrl+3 again: the flag comes off
    qtbot.waitUntil(lambda: [r["flags"] for r in col.cards.rows(ids)] == [0, 0])
    browser.close()
