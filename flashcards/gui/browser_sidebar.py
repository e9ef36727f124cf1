"""The browser's sidebar: saved searches, card states, flags, decks and tags; a click searches.

As Anki's browser sidebar: each item stands for a search (``deck:"LLM::Deep"``, ``is:new``,
``flag:1``, ``tag:marked``); decks and tags are trees by their ``::`` parts. Saved searches are
the learner's own, kept in the collection (see :func:`saved_searches`) so that they go with it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from flashcards.gui.browser_model import FLAG_COLOURS, FLAG_NAMES, flag_name
from flashcards.gui.i18n import mark, translate
from flashcards.gui.plain import tooltip

if TYPE_CHECKING:
    from flashcards.core.changes import OpResult
    from flashcards.core.collection import Collection

#: The collection setting that holds the saved searches (JSON: name -> search).
SAVED_SEARCHES_SETTING = "browser_saved_searches"
#: What an item holds: its search, and for a saved search its name.
SEARCH_ROLE = Qt.ItemDataRole.UserRole
SAVED_NAME_ROLE = Qt.ItemDataRole.UserRole + 1
#: The card states (title, search), as Anki's sidebar lists them.
STATES = (
    (mark("BrowserSidebar", "New"), "is:new"),
    (mark("BrowserSidebar", "Learning"), "is:learn"),
    (mark("BrowserSidebar", "Review"), "is:review"),
    (mark("BrowserSidebar", "Due today"), "is:due"),
    (mark("BrowserSidebar", "Suspended"), "is:suspended"),
    (mark("BrowserSidebar", "Buried"), "is:buried"),
    (mark("BrowserSidebar", "Marked"), "tag:marked"),
)
_PLAIN_RE = re.compile(r"[^\s\"'\\]+")


def term(field: str, value: str) -> str:
    """A search word ``field:value``, quoted when the value has spaces or quotes."""
    if _PLAIN_RE.fullmatch(value):
        return f"{field}:{value}"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{field}:{escaped}"'


def saved_searches(col: Collection) -> dict[str, str]:
    """The saved searches (name -> search) kept in the collection."""
    try:
        value = json.loads(col.config.get(SAVED_SEARCHES_SETTING, "{}"))
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items()}


def set_saved_searches(col: Collection, searches: Mapping[str, str]) -> OpResult[None]:
    """Keep these saved searches in the collection (one setting)."""
    text = json.dumps(dict(sorted(searches.items())), ensure_ascii=False)
    return col.config.set(SAVED_SEARCHES_SETTING, text)


class BrowserSidebar(QWidget):
    """The tree of searches beside the card table.

    Signals say what the learner asked; the controller searches and keeps saved searches.
    """

    #: An item was clicked (or activated with the keyboard): run its search.
    search_requested = Signal(str)
    #: Save the current search under a name (asked by the controller).
    save_requested = Signal()
    #: Delete the saved search of this name.
    delete_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("browserSidebar")
        self.tree = QTreeWidget()
        self.tree.setObjectName("sidebarTree")
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.save_button = QPushButton(self.tr("Save Current Search…"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        layout.addWidget(self.save_button)

        self.saved_root = self._section(self.tr("Saved Searches"))
        self.states_root = self._section(self.tr("Card State"))
        self.flags_root = self._section(self.tr("Flags"))
        self.decks_root = self._section(self.tr("Decks"))
        self.tags_root = self._section(self.tr("Tags"))
        self.notetypes_root = self._section(self.tr("Note Types"))
        self._add(self.saved_root, self.tr("All cards"), "")
        for title, search in STATES:
            self._add(self.states_root, self.tr(title), search)
        for flag in FLAG_NAMES:
            item = self._add(self.flags_root, flag_name(flag), f"flag:{flag}")
            item.setIcon(0, _dot(FLAG_COLOURS[flag]))
        self._add(self.flags_root, self.tr("No flag"), "flag:0")
        for root in (self.saved_root, self.states_root, self.flags_root, self.decks_root):
            root.setExpanded(True)

        self.tree.itemClicked.connect(self._on_item)
        self.tree.itemActivated.connect(self._on_item)
        self.tree.customContextMenuRequested.connect(self._on_context_menu)
        self.save_button.clicked.connect(self.save_requested)

    def _section(self, title: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree, [title])
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        return item

    @staticmethod
    def _add(parent: QTreeWidgetItem, title: str, search: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [title])
        item.setData(0, SEARCH_ROLE, search)
        item.setToolTip(0, tooltip(search or translate("BrowserSidebar", "Every card")))
        return item

    # ------------------------------------------------------------------ contents

    def set_saved(self, searches: Mapping[str, str]) -> None:
        """Show these saved searches (name -> search), after "All cards"."""
        while self.saved_root.childCount() > 1:
            self.saved_root.takeChild(1)
        for name, search in sorted(searches.items(), key=lambda kv: kv[0].lower()):
            item = self._add(self.saved_root, name, search)
            item.setData(0, SAVED_NAME_ROLE, name)

    def set_decks(self, names: Sequence[str]) -> None:
        """Show the deck tree."""
        self._set_tree(self.decks_root, names, "deck")

    def set_tags(self, tags: Sequence[str]) -> None:
        """Show the tag tree (``a::b`` under ``a``)."""
        self._set_tree(self.tags_root, tags, "tag")

    def set_notetypes(self, notetypes: Sequence[tuple[str, str]]) -> None:
        """Show the note types: (title shown, name searched as ``note:NAME``), in order."""
        self.notetypes_root.takeChildren()
        for title, name in notetypes:
            self._add(self.notetypes_root, title, term("note", name))

    def _set_tree(self, root: QTreeWidgetItem, names: Sequence[str], field: str) -> None:
        expanded = {
            str(item.data(0, SEARCH_ROLE)) for item in _descendants(root) if item.isExpanded()
        }
        root.takeChildren()
        items: dict[str, QTreeWidgetItem] = {}
        for name in sorted(names, key=lambda n: [p.lower() for p in n.split("::")]):
            parts = name.split("::")
            for depth in range(len(parts)):
                path = "::".join(parts[: depth + 1])
                if path.lower() in items:
                    continue
                parent = items.get("::".join(parts[:depth]).lower(), root)
                item = self._add(parent, parts[depth], term(field, path))
                items[path.lower()] = item
                if item.data(0, SEARCH_ROLE) in expanded:
                    item.setExpanded(True)

    def items(self) -> list[QTreeWidgetItem]:
        """Every item of the tree, sections included."""
        out: list[QTreeWidgetItem] = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top is not None:
                out.append(top)
                out.extend(_descendants(top))
        return out

    def item_for(self, search: str) -> QTreeWidgetItem | None:
        """The first item that runs ``search``, or None."""
        for item in self.items():
            if item.data(0, SEARCH_ROLE) == search:
                return item
        return None

    # ------------------------------------------------------------------ the learner

    @Slot(QTreeWidgetItem, int)
    def _on_item(self, item: QTreeWidgetItem, _column: int) -> None:
        search = item.data(0, SEARCH_ROLE)
        if isinstance(search, str):
            self.search_requested.emit(search)

    @Slot(QPoint)
    def _on_context_menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        menu = QMenu(self)
        name = item.data(0, SAVED_NAME_ROLE) if item is not None else None
        if isinstance(name, str):
            menu.addAction(self.tr("Delete Saved Search")).triggered.connect(
                lambda: self.delete_requested.emit(name)
            )
        menu.addAction(self.tr("Save Current Search…")).triggered.connect(self.save_requested)
        menu.popup(self.tree.viewport().mapToGlobal(pos))


def _descendants(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    out: list[QTreeWidgetItem] = []
    for i in range(item.childCount()):
        child = item.child(i)
        if child is not None:
            out.append(child)
            out.extend(_descendants(child))
    return out


def _dot(colour: str) -> QIcon:
    """A small round swatch of ``colour`` (a flag's icon)."""
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QBrush(QColor(colour)))
    painter.setPen(QColor(colour).darker(130))
    painter.drawEllipse(1, 1, 10, 10)
    painter.end()
    return QIcon(pixmap)
