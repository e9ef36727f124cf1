"""The start screen: the deck tree with New / Learn / Due counts and today's line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from flashcards.gui.plain import make_plain, tooltip

if TYPE_CHECKING:
    from flashcards.core.overview import DeckCounts

DECK_ID_ROLE = Qt.ItemDataRole.UserRole


class DeckListView(QWidget):
    """Lays out the deck tree, today's line and the main buttons; says what the user asked."""

    study_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deckList")
        self.title = QLabel("Decks")
        self.title.setObjectName("screenTitle")
        self.tree = QTreeWidget()
        self.tree.setObjectName("deckTree")
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["Deck", "New", "Learn", "Due"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, 72)
            self.tree.headerItem().setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
        self.today = make_plain(QLabel("Opening your collection…"))
        self.today.setObjectName("todayLine")
        self.today.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.study_button = QPushButton("Study now")
        self.study_button.setObjectName("primaryButton")
        self.study_button.setEnabled(False)
        self.study_button.clicked.connect(self._on_study_clicked)
        self.tree.itemActivated.connect(self._on_item_activated)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.study_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(self.title)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.today)

    # ------------------------------------------------------------------ filling

    def show_counts(self, counts: Sequence[DeckCounts], select: int | None) -> None:
        """Rebuild the tree from the deck counts and select deck ``select`` (if given)."""
        expanded = {
            item.data(0, DECK_ID_ROLE)
            for item in self._items()
            if item.isExpanded() or item.childCount() == 0
        }
        first_fill = self.tree.topLevelItemCount() == 0
        self.tree.clear()
        items: dict[str, QTreeWidgetItem] = {}
        for c in counts:
            parent_name, _, leaf = c.name.rpartition("::")
            parent = items.get(parent_name)
            item = QTreeWidgetItem([leaf, str(c.new), str(c.learn), str(c.review)])
            item.setData(0, DECK_ID_ROLE, c.deck_id)
            item.setToolTip(0, tooltip(f"{c.name}\n{c.total} card{'s' if c.total != 1 else ''}"))
            for column, name in ((1, "new"), (2, "learn"), (3, "review")):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
                value = (c.new, c.learn, c.review)[column - 1]
                if value == 0:
                    item.setForeground(column, self.palette().placeholderText())
                else:
                    item.setData(column, Qt.ItemDataRole.AccessibleTextRole, f"{value} {name}")
            if parent is None:
                self.tree.addTopLevelItem(item)
            else:
                parent.addChild(item)
            items[c.name] = item
        for item in self._items():
            item.setExpanded(first_fill or item.data(0, DECK_ID_ROLE) in expanded)
        if not counts:
            self.today.setText(
                "No decks yet: add a note, generate cards from an article or import."
            )
        self.select_deck(select)

    def _items(self) -> list[QTreeWidgetItem]:
        out: list[QTreeWidgetItem] = []
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            if item is not None:
                out.append(item)
                stack.extend(item.child(i) for i in range(item.childCount()))
        return out

    def select_deck(self, deck_id: int | None) -> None:
        """Select and focus the deck with ``deck_id``."""
        for item in self._items():
            if item.data(0, DECK_ID_ROLE) == deck_id:
                self.tree.setCurrentItem(item)
                break
        self.study_button.setEnabled(self.tree.currentItem() is not None)

    def selected_deck(self) -> int | None:
        """The id of the selected deck, or None."""
        item = self.tree.currentItem()
        return None if item is None else int(item.data(0, DECK_ID_ROLE))

    def set_today(self, text: str) -> None:
        """Show today's line (cards studied, minutes, streak)."""
        self.today.setText(text)

    # ------------------------------------------------------------------ slots

    @Slot(QTreeWidgetItem, int)
    def _on_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        self.study_requested.emit(int(item.data(0, DECK_ID_ROLE)))

    @Slot()
    def _on_study_clicked(self) -> None:
        deck_id = self.selected_deck()
        if deck_id is not None:
            self.study_requested.emit(deck_id)


def first_due_deck(counts: Sequence[DeckCounts]) -> int | None:
    """The first deck in list order with something to study (top-level decks first)."""
    due = [c for c in counts if c.new + c.learn + c.review > 0]
    top = [c for c in due if c.depth == 0]
    pick = (top or due or list(counts))[:1]
    return pick[0].deck_id if pick else None


def today_text(reviews: int, minutes: float, streak: int) -> str:
    """The line under the deck list: ``Studied 12 cards in 4 min today · 3-day streak``."""
    card_word = "card" if reviews == 1 else "cards"
    minute_text = f"{minutes:.0f}" if minutes >= 1 or minutes == 0 else "<1"
    line = f"Studied {reviews} {card_word} in {minute_text} min today"
    if streak:
        line += f"  ·  {streak}-day streak"
    return line
