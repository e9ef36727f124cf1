"""The start screen: the deck tree with New / Learn / Due counts and today's line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from flashcards.gui.i18n import mark, translate
from flashcards.gui.plain import make_plain, tooltip

if TYPE_CHECKING:
    from flashcards.core.overview import DeckCounts

DECK_ID_ROLE = Qt.ItemDataRole.UserRole
#: The column of each deck's gear button (its menu: Options, Rename, Delete, Export).
GEAR_COLUMN = 4
#: What a deck's gear menu offers: the action's name (as :attr:`deck_action_requested`
#: says it) and its text.
DECK_ACTIONS = (
    ("options", mark("DeckListView", "&Options…")),
    ("rename", mark("DeckListView", "&Rename…")),
    ("delete", mark("DeckListView", "&Delete…")),
    ("export", mark("DeckListView", "&Export…")),
)


class DeckTree(QTreeWidget):
    """The deck tree; dropping a deck on another asks to nest it there (the tree is rebuilt).

    The drop only says what was asked (:attr:`nest_requested`): the controller renames the
    deck (``Parent::Child``) and the tree is filled again from the collection, so the tree
    never shows a move the collection did not make.
    """

    #: A deck was dropped: its id, and the id of its new parent (0 for the top level).
    nest_requested = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)

    def drop_target(self, item: QTreeWidgetItem | None, on_item: bool) -> int:
        """The new parent's id when a deck is dropped at ``item`` (0: the top level)."""
        if item is None:
            return 0
        target = item if on_item else item.parent()
        return 0 if target is None else int(target.data(0, DECK_ID_ROLE))

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt API)
        """Ask to nest the dragged deck where it was dropped (nothing moves by itself)."""
        dragged = self.currentItem()
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if dragged is None:
            return
        point = event.position().toPoint()
        item = self.itemAt(point)
        on_item = False
        if item is not None:  # the middle of a row: into it; its edges: beside it
            rect = self.visualItemRect(item)
            margin = rect.height() // 4
            on_item = rect.top() + margin < point.y() < rect.bottom() - margin
        parent = self.drop_target(item, on_item)
        deck_id = int(dragged.data(0, DECK_ID_ROLE))
        if parent != deck_id:
            self.nest_requested.emit(deck_id, parent)


class DeckListView(QWidget):
    """Lays out the deck tree, today's line and the main buttons; says what the user asked."""

    study_requested = Signal(int)
    #: Create Deck was clicked.
    create_requested = Signal()
    #: A deck's gear menu (or its context menu) asked for an action: its name, the deck's id.
    deck_action_requested = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deckList")
        self.title = QLabel(self.tr("Decks"))
        self.title.setObjectName("screenTitle")
        self.tree = DeckTree()
        self.tree.setObjectName("deckTree")
        self.tree.setColumnCount(5)
        self.tree.setHeaderLabels(
            [self.tr("Deck"), self.tr("New"), self.tr("Learn"), self.tr("Due"), ""]
        )
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
        header.setSectionResizeMode(GEAR_COLUMN, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(GEAR_COLUMN, 40)
        self.gears: dict[int, QToolButton] = {}
        self.today = make_plain(QLabel(self.tr("Opening your collection…")))
        self.today.setObjectName("todayLine")
        self.today.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.study_button = QPushButton(self.tr("Study now"))
        self.study_button.setObjectName("primaryButton")
        self.study_button.setEnabled(False)
        self.study_button.clicked.connect(self._on_study_clicked)
        self.create_button = QPushButton(self.tr("Create Deck…"))
        self.create_button.setObjectName("createDeck")
        self.create_button.clicked.connect(self.create_requested)
        self.tree.itemActivated.connect(self._on_item_activated)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.study_button)
        buttons.addWidget(self.create_button)
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
        self.gears = {}
        items: dict[str, QTreeWidgetItem] = {}
        for c in counts:
            parent_name, _, leaf = c.name.rpartition("::")
            parent = items.get(parent_name)
            item = QTreeWidgetItem([leaf, str(c.new), str(c.learn), str(c.review)])
            item.setData(0, DECK_ID_ROLE, c.deck_id)
            total = (self.tr("{n} card") if c.total == 1 else self.tr("{n} cards")).format(
                n=c.total
            )
            item.setToolTip(0, tooltip(f"{c.name}\n{total}"))
            names = (self.tr("{n} new"), self.tr("{n} learn"), self.tr("{n} review"))
            for column, name in zip((1, 2, 3), names, strict=True):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
                value = (c.new, c.learn, c.review)[column - 1]
                if value == 0:
                    item.setForeground(column, self.palette().placeholderText())
                else:
                    item.setData(column, Qt.ItemDataRole.AccessibleTextRole, name.format(n=value))
            if parent is None:
                self.tree.addTopLevelItem(item)
            else:
                parent.addChild(item)
            items[c.name] = item
        for item in self._items():
            item.setExpanded(first_fill or item.data(0, DECK_ID_ROLE) in expanded)
            self._add_gear(item, int(item.data(0, DECK_ID_ROLE)))
        if not counts:
            self.today.setText(
                self.tr("No decks yet: add a note, generate cards from an article or import.")
            )
        self.select_deck(select)

    def _add_gear(self, item: QTreeWidgetItem, deck_id: int) -> None:
        """The deck's gear button: a menu of what can be done with the deck, as in Anki."""
        gear = QToolButton()
        gear.setObjectName("deckGear")
        gear.setText("⚙")
        gear.setAutoRaise(True)
        gear.setToolTip(self.tr("Options, rename, delete, export"))
        gear.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(gear)
        for name, text in DECK_ACTIONS:
            action = menu.addAction(translate("DeckListView", text))
            action.triggered.connect(
                lambda _=False, n=name, d=deck_id: self.deck_action_requested.emit(n, d)
            )
        gear.setMenu(menu)
        self.tree.setItemWidget(item, GEAR_COLUMN, gear)
        self.gears[deck_id] = gear

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
    minute_text = f"{minutes:.0f}" if minutes >= 1 or minutes == 0 else "<1"
    line = (
        translate("DeckListView", "Studied {n} card in {minutes} min today")
        if reviews == 1
        else translate("DeckListView", "Studied {n} cards in {minutes} min today")
    ).format(n=reviews, minutes=minute_text)
    if streak:
        line += "  ·  " + translate("DeckListView", "{n}-day streak").format(n=streak)
    return line
