"""The browser as Anki's (issue 14, item 11): distinct rows, Question/Answer, the column chooser,
Esc, the sidebar and saved searches, Card Info, Find and Replace and Find Duplicates.

Each test drives the real window over a real collection (the ``gui`` fixture's sample notes).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QInputDialog, QTreeWidget, QTreeWidgetItem

from flashcards.core.collection import Collection
from flashcards.gui.app import Gui
from flashcards.gui.browser_controller import BrowserController
from flashcards.gui.browser_model import (
    BURIED_COLOUR,
    COLUMN_KEYS,
    FLAG_COLOURS,
    MARKED_COLOUR,
    SUSPENDED_COLOUR,
)
from flashcards.gui.browser_sidebar import SAVED_SEARCHES_SETTING, SEARCH_ROLE
from flashcards.gui.browser_window import HIDDEN_COLUMNS_SETTING
from tests.gui.conftest import OFFSCREEN_NOISE

#: The offscreen platform cannot raise windows (the dialogs are raised when opened again).
no_raise = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE, "This plugin does not support raise")
ANSWER = COLUMN_KEYS.index("answer")
TAGS = COLUMN_KEYS.index("tags")


@pytest.fixture
def browser(qtbot, gui: Gui, clock, settings: QSettings) -> BrowserController:  # noqa: ANN001
    assert gui.col is not None and gui.ops is not None
    controller = BrowserController(gui.col, gui.ops, clock, settings)
    qtbot.addWidget(controller.window)
    controller.window.show()
    qtbot.waitExposed(controller.window)
    return controller


def _col(gui: Gui) -> Collection:
    assert gui.col is not None
    return gui.col


def _click(qtbot, tree: QTreeWidget, item: QTreeWidgetItem) -> None:  # noqa: ANN001
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_question_and_answer_columns_and_distinct_rows(
    qtbot,  # noqa: ANN001
    gui: Gui,
    clock,  # noqa: ANN001
    browser: BrowserController,
) -> None:
    col, window, model = _col(gui), browser.window, browser.model
    header = window.table.horizontalHeader()
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Question"
    assert model.headerData(ANSWER, Qt.Orientation.Horizontal) == "Answer"
    assert header.visualIndex(ANSWER) == 1  # beside the question, as Anki's
    browser.search("deck:English")  # one basic+reversed note: the reverse card asks the back
    cells = {(model.data(model.index(r, 0)), model.data(model.index(r, ANSWER))) for r in (0, 1)}
    assert cells == {("LLM", "Large Language Model"), ("Large Language Model", "LLM")}

    browser.search("")
    ids = [model.card_id(r) for r in range(model.rowCount())]
    plain, suspended, buried, flagged, marked = ids[:5]
    col.sched.set_suspended([suspended], True)
    col.sched.bury([buried], clock())
    col.sched.set_flag([flagged], 2)
    marked_note = col.cards.rows([marked])[0]["note_id"]
    col.notes.update(marked_note, clock(), tags=["marked"])

    def tint(card_id: int) -> str | None:
        brush = model.data(model.index(model.row_of(card_id), 0), Qt.ItemDataRole.BackgroundRole)
        return None if brush is None else brush.color().name()

    assert tint(plain) is None
    assert tint(suspended) == SUSPENDED_COLOUR
    assert tint(buried) == BURIED_COLOUR
    assert tint(flagged) == FLAG_COLOURS[2]
    assert tint(marked) == MARKED_COLOUR
    tip = model.data(model.index(model.row_of(marked), 0), Qt.ItemDataRole.ToolTipRole)
    assert "marked" in tip
    # What is painted: the suspended row is yellow, the plain one is not.
    window.table.clearSelection()
    image = window.table.viewport().grab().toImage()

    def pixel(card_id: int) -> tuple[int, int, int]:
        rect = window.table.visualRect(model.index(model.row_of(card_id), 0))
        colour = image.pixelColor(rect.right() - 4, rect.center().y())
        return colour.red(), colour.green(), colour.blue()

    red, green, blue = pixel(suspended)
    assert red > blue + 30 and green > blue + 30  # yellow
    assert pixel(plain) != pixel(suspended) != pixel(buried)
    # Searches for the states the rows show.
    browser.search("tag:marked")  # the marked note's two cards
    assert model.rowCount() == 2 and marked in {model.card_id(0), model.card_id(1)}


def test_column_chooser_is_remembered(qtbot, gui: Gui, clock, settings: QSettings) -> None:  # noqa: ANN001
    col = _col(gui)
    assert gui.ops is not None
    controller = BrowserController(col, gui.ops, clock, settings)
    window = controller.window
    qtbot.addWidget(window)
    window.show()
    header = window.table.horizontalHeader()
    assert header.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    assert header.isSectionHidden(TAGS)  # hidden until asked for
    menu = window.column_menu()
    titles = [a.text() for a in menu.actions()]
    assert titles[:2] == ["Question", "Answer"] and "Tags" in titles
    next(a for a in menu.actions() if a.text() == "Tags").trigger()
    next(a for a in menu.actions() if a.text() == "Lapses").trigger()
    assert not header.isSectionHidden(TAGS)
    assert header.isSectionHidden(COLUMN_KEYS.index("lapses"))
    controller.search("tag:llm")
    assert controller.model.data(controller.model.index(0, TAGS)) == "llm"
    window.close()
    assert "lapses" in settings.value(HIDDEN_COLUMNS_SETTING)

    again = BrowserController(col, gui.ops, clock, settings).window  # a new window: remembered
    qtbot.addWidget(again)
    again_header = again.table.horizontalHeader()
    assert not again_header.isSectionHidden(TAGS)
    assert again_header.isSectionHidden(COLUMN_KEYS.index("lapses"))
    # The last column shown cannot be hidden.
    for column in range(len(COLUMN_KEYS)):
        again.set_column_shown(column, column == 0)
    (question,) = [a for a in again.column_menu().actions() if a.isChecked()]
    assert question.text() == "Question" and not question.isEnabled()
    again.close()


def test_escape_closes_the_browser(qtbot, browser: BrowserController) -> None:  # noqa: ANN001
    window = browser.window
    window.search_box.setFocus()
    qtbot.keyClicks(window.search_box, "llm")  # typing a search: Esc still closes
    qtbot.keyClick(window.search_box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isVisible())


def test_sidebar_searches_and_saved_searches(
    qtbot,  # noqa: ANN001
    gui: Gui,
    browser: BrowserController,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    col, window = _col(gui), browser.window
    sidebar = window.sidebar
    tree = sidebar.tree
    titles = {item.text(0) for item in sidebar.items()}
    assert {"New", "Learning", "Review", "Suspended", "Buried", "Marked"} <= titles
    assert {"Red", "Purple", "LLM基礎", "応用", "English", "llm"} <= titles
    child = sidebar.item_for("deck:LLM基礎::応用")
    assert child is not None and child.text(0) == "応用"
    _click(qtbot, tree, child)
    assert window.search_box.text() == "deck:LLM基礎::応用"
    assert browser.model.rowCount() == 1

    col.sched.set_suspended([browser.model.card_id(0)], True)
    suspended = sidebar.item_for("is:suspended")
    assert suspended is not None
    _click(qtbot, tree, suspended)
    assert window.search_box.text() == "is:suspended" and browser.model.rowCount() == 1

    # A tag added elsewhere appears; a deck with a space is quoted in its search.
    note = col.notes.ids("English")[0]
    col.notes.update(note, gui.clock(), tags=["new::tag"], deck="My deck")
    assert sidebar.item_for("tag:new::tag") is not None
    my_deck = sidebar.item_for('"deck:My deck"')
    assert my_deck is not None
    _click(qtbot, tree, my_deck)
    assert browser.model.rowCount() == 2

    # Save the current search under a name: kept in the collection, listed, searchable.
    browser.search("tag:llm")
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("My tag", True))
    qtbot.mouseClick(sidebar.save_button, Qt.MouseButton.LeftButton)
    assert "My tag" in col.config.get(SAVED_SEARCHES_SETTING)
    saved = next(i for i in sidebar.items() if i.text(0) == "My tag")
    browser.search("")
    _click(qtbot, tree, saved)
    assert window.search_box.text() == "tag:llm" and browser.model.rowCount() == 1
    sidebar.delete_requested.emit("My tag")
    assert "My tag" not in col.config.get(SAVED_SEARCHES_SETTING)
    assert all(i.text(0) != "My tag" for i in sidebar.items())


def test_sidebar_lists_the_note_types(qtbot, browser: BrowserController) -> None:  # noqa: ANN001
    sidebar = browser.window.sidebar
    root = sidebar.notetypes_root
    listed = [root.child(i).text(0) for i in range(root.childCount())]
    assert listed == ["Basic", "Basic and reversed", "Cloze"]  # the shipped types
    rows = {}
    for index, title in enumerate(listed):
        item = root.child(index)
        sidebar.tree.expandItem(root)
        _click(qtbot, sidebar.tree, item)
        assert browser.window.search_box.text() == item.data(0, SEARCH_ROLE)
        rows[title] = browser.model.rowCount()
    # Two basic notes, one reversed note (two cards), one cloze note.
    assert rows == {"Basic": 2, "Basic and reversed": 2, "Cloze": 1}


@no_raise
def test_card_info_follows_the_current_card(
    qtbot,  # noqa: ANN001
    gui: Gui,
    clock,  # noqa: ANN001
    browser: BrowserController,
) -> None:
    col, window, model = _col(gui), browser.window, browser.model
    browser.search("Transformer")
    card_id = model.card_id(0)
    col.sched.answer(card_id, 1, clock(), duration_ms=6000)
    clock.advance(minutes=2)
    col.sched.answer(card_id, 3, clock(), duration_ms=4000)
    browser.search("")
    window.select_rows([model.row_of(card_id)], model.row_of(card_id))
    assert window.info_action.shortcut().toString() == "Ctrl+Shift+I"
    window.info_action.trigger()
    dialog = browser.card_info
    assert dialog is not None and dialog.isVisible()
    assert dialog.question.text() == "Transformer"
    assert dialog.value("Reviews") == "2" and dialog.value("Lapses") == "0"
    assert dialog.value("Average Time") == "5.0 s" and dialog.value("Total Time") == "10.0 s"
    assert dialog.value("Card ID") == str(card_id)
    assert dialog.value("Deck") == "LLM基礎" and dialog.value("Note Type") == "Basic"
    assert dialog.value("Stability") != "—" and dialog.value("Retrievability").endswith("%")
    assert dialog.log.rowCount() == 2
    assert [dialog.log.item(r, 2).text() for r in range(2)] == ["Good", "Again"]

    clock.advance(days=1)
    other = next(model.card_id(r) for r in range(model.rowCount()) if model.card_id(r) != card_id)
    window.select_rows([model.row_of(other)], model.row_of(other))
    assert dialog.value("Card ID") == str(other)
    assert dialog.value("Reviews") == "0" and dialog.log.isHidden()
    dialog.close()


@no_raise
def test_card_info_shows_a_forget_as_a_manual_entry(
    qtbot,  # noqa: ANN001
    gui: Gui,
    clock,  # noqa: ANN001
    browser: BrowserController,
) -> None:
    col, window, model = _col(gui), browser.window, browser.model
    browser.search("Transformer")
    card_id = model.card_id(0)
    col.sched.answer(card_id, 3, clock(), duration_ms=6000)
    clock.advance(minutes=2)
    col.sched.forget([card_id], clock())  # logged as Anki's Manual entry: no button
    browser.search("")
    window.select_rows([model.row_of(card_id)], model.row_of(card_id))
    window.info_action.trigger()
    dialog = browser.card_info
    assert dialog is not None and dialog.log.rowCount() == 2
    assert [dialog.log.item(0, c).text() for c in (1, 2)] == ["Manual", ""]
    assert [dialog.log.item(1, c).text() for c in (1, 2)] == ["Learn", "Good"]
    assert dialog.value("Average Time") == "6.0 s"  # the reset is no answer
    dialog.close()


def test_find_and_replace_in_selected_notes(
    qtbot,  # noqa: ANN001
    gui: Gui,
    browser: BrowserController,
) -> None:
    col, window, model = _col(gui), browser.window, browser.model
    col.notes.add("LLM基礎", "basic", "Transformer", "another model", gui.clock())
    browser.search("Transformer")
    assert model.rowCount() == 2
    window.select_rows([0], 0)  # one of the two notes
    window.find_replace_action.trigger()
    dialog = browser.find_replace
    assert dialog is not None and dialog.isVisible()
    assert [dialog.field.itemText(i) for i in range(dialog.field.count())] == [
        "All fields",
        "Front",
        "Back",
    ]
    assert dialog.selected_only.isChecked() and "(1)" in dialog.selected_only.text()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # nothing to find yet
    qtbot.keyClicks(dialog.find_text, "(trans)")
    dialog.regex.setChecked(True)
    dialog.ignore_case.setChecked(True)
    qtbot.keyClicks(dialog.replace_text, r"\1-")
    dialog.field.setCurrentText("Front")
    qtbot.keyClick(dialog.find_text, "[")  # not a valid expression now: the dialog says so
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "not valid" in dialog.error.text()
    qtbot.keyClick(dialog.find_text, Qt.Key.Key_Backspace)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "1 note updated." in window.statusBar().currentMessage())
    fronts = sorted(col.notes.get(n).front for n in col.notes.ids("LLM基礎"))
    assert "Trans-former" in fronts and "Transformer" in fronts  # only the selected note
    # The table shows the new text at once.
    browser.search("Trans-former")
    assert model.rowCount() == 1 and model.data(model.index(0, 0)) == "Trans-former"

    # Whole collection, every field, plain text.
    window.find_replace_action.trigger()
    dialog = browser.find_replace
    assert dialog is not None
    dialog.selected_only.setChecked(False)
    qtbot.keyClicks(dialog.find_text, "model")
    qtbot.keyClicks(dialog.replace_text, "MODEL")
    qtbot.keyClick(dialog.find_text, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "2 notes updated." in window.statusBar().currentMessage())
    assert col.notes.get(col.notes.ids("English")[0]).back == "Large Language MODEL"


@no_raise
def test_find_duplicates_and_show_a_group(
    qtbot,  # noqa: ANN001
    gui: Gui,
    browser: BrowserController,
) -> None:
    col, window, model = _col(gui), browser.window, browser.model
    now = gui.clock()
    first = int(col.notes.add("English", "basic", "トークン", "token", now).value)
    second = int(col.notes.add("Other", "basic", " トークン", "a unit", now + timedelta(1)).value)
    window.duplicates_action.trigger()
    dialog = browser.duplicates
    assert dialog is not None and dialog.isVisible()
    assert dialog.field.currentText() == "Front"
    qtbot.mouseClick(dialog.search_button, Qt.MouseButton.LeftButton)
    assert dialog.groups.topLevelItemCount() == 1
    group = dialog.groups.topLevelItem(0)
    assert group is not None and (group.text(0), group.text(1)) == ("3", "トークン")
    assert "1 set of duplicates, 3 notes." in dialog.summary.text()

    dialog.search.setText("-deck:LLM基礎")  # limited to a search: two of them
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    group = dialog.groups.topLevelItem(0)
    assert group is not None and group.text(0) == "2"
    _click(qtbot, dialog.groups, group)
    assert window.search_box.text() == f"nid:{first},{second}"
    assert {model.browse_row(r).note_id for r in range(model.rowCount())} == {first, second}  # type: ignore[union-attr]

    dialog.search.setText("is:nonsense")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert "Unknown search" in dialog.summary.text()
    dialog.field.setCurrentText("Back")
    dialog.search.clear()
    qtbot.mouseClick(dialog.search_button, Qt.MouseButton.LeftButton)
    assert dialog.summary.text() == "No duplicates found."
    dialog.close()


def test_change_note_type_from_the_notes_menu(qtbot, gui: Gui, browser: BrowserController) -> None:  # noqa: ANN001
    col = _col(gui)
    browser.search('"note:Flashcards Basic (and reversed card)"')  # LLM, two cards
    assert browser.model.rowCount() == 2
    browser.window.table.selectRow(0)
    browser.window.notetype_action.trigger()
    dialog = browser.notetype_dialog
    assert dialog is not None and dialog.isVisible()
    titles = [dialog.target.itemText(i) for i in range(dialog.target.count())]
    assert titles == ["Basic", "Basic and reversed", "Cloze"]
    dialog.target.setCurrentIndex(0)  # Basic: Front, Back, Sentence, Section, Article
    assert [box.currentText() for box in dialog.mapping] == [
        "Front", "Back", "Sentence", "Section", "Article",
    ]  # fmt: skip
    note_id = browser.model.browse_row(0).note_id  # type: ignore[union-attr]
    with qtbot.waitSignal(gui.ops.changed, timeout=10_000):  # type: ignore[union-attr]
        dialog.accept()
    qtbot.waitUntil(lambda: col.notes.get(note_id).kind == "basic", timeout=10_000)
    assert len(col.notes.get(note_id).card_ids) == 1  # the unanswered reverse card went
    # Edit → Undo puts the reverse card back.
    assert gui.ops is not None
    gui.ops.run_now(col.undo.undo)
    assert len(col.notes.get(note_id).card_ids) == 2
