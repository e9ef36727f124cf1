"""Deck management in sight, as in Anki: Create Deck, a gear per deck, drag a deck to nest it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QInputDialog, QTreeWidgetItem

from flashcards.gui.app import Gui
from flashcards.gui.deck_list import DECK_ID_ROLE, GEAR_COLUMN


def _answer_input(monkeypatch: pytest.MonkeyPatch, text: str) -> list[str]:
    """Qt's text input dialog answers ``text`` (the prompts asked are collected)."""
    asked: list[str] = []

    def get_text(
        _parent: object, title: str, label: str, *args: object, **kwargs: object
    ) -> tuple[str, bool]:  # noqa: E501
        asked.append(f"{title}: {label}")
        return text, True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    return asked


def _item(gui: Gui, name: str) -> QTreeWidgetItem:
    assert gui.col is not None
    deck_id = gui.col.decks.id(name)
    view = gui.window.deck_list
    found = next(i for i in view._items() if i.data(0, DECK_ID_ROLE) == deck_id)
    return found


def test_create_deck_button_makes_and_selects_it(
    qtbot,
    gui: Gui,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    col = gui.col
    assert col is not None
    asked = _answer_input(monkeypatch, "Japanese::Vocabulary")
    gui.window.deck_list.create_button.click()
    assert asked and "Create deck" in asked[0]
    assert {"Japanese", "Japanese::Vocabulary"} <= set(col.decks.names().values())
    assert gui.window.deck_list.selected_deck() == col.decks.id("Japanese::Vocabulary")


def test_each_deck_has_a_gear_with_its_actions(
    qtbot,
    gui: Gui,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    col = gui.col
    assert col is not None
    view = gui.window.deck_list
    english = col.decks.id("English")
    gear = view.tree.itemWidget(_item(gui, "English"), GEAR_COLUMN)
    assert gear is view.gears[english] and gear.isVisible()
    menu = gear.menu()
    assert [a.text() for a in menu.actions()] == [
        "&Options…", "&Rename…", "&Delete…", "&Export…",
    ]  # fmt: skip
    _answer_input(monkeypatch, "Languages::English")
    menu.actions()[1].trigger()  # Rename…, on that deck (whichever deck was selected)
    assert col.decks.names()[english] == "Languages::English"
    assert "Languages" in col.decks.names().values()  # the parent was made


def test_dropping_a_deck_on_another_nests_it(qtbot, gui: Gui) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None
    view = gui.window.deck_list
    tree = view.tree
    english = col.decks.id("English")
    tree.setCurrentItem(_item(gui, "English"))
    target = _item(gui, "LLM基礎")
    middle = tree.visualItemRect(target).center()
    mime = QMimeData()
    event = QDropEvent(
        QPointF(middle), Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    tree.dropEvent(event)
    assert col.decks.names()[english] == "LLM基礎::English"
    qtbot.waitUntil(lambda: _item(gui, "LLM基礎::English").parent() is not None)

    # Dropped below everything (no deck there): back to the top level.
    tree.setCurrentItem(_item(gui, "LLM基礎::English"))
    below = QPoint(10, tree.viewport().height() - 2)
    event = QDropEvent(
        QPointF(below), Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    tree.dropEvent(event)
    assert col.decks.names()[english] == "English"
