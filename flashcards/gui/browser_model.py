"""The browser's table model: card ids from a search, rows fetched lazily in blocks.

The model reads the collection on the GUI thread, serialised with the executor
(:meth:`Ops.exclusive`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from flashcards.gui.clock import Clock
from flashcards.gui.i18n import interval_label, mark, translate
from flashcards.gui.plain import tooltip

if TYPE_CHECKING:
    from flashcards.core.card_info import BrowseExtra
    from flashcards.core.collection import Collection
    from flashcards.core.search import BrowseRow
    from flashcards.gui.ops import Ops

Index = QModelIndex | QPersistentModelIndex
#: The columns (title, key), in their logical order (titles marked, shown translated: see
#: :func:`column_title`); the window shows "Answer" second and hides those of
#: :data:`HIDDEN_BY_DEFAULT` until the learner asks for them (header menu).
COLUMNS = (
    (mark("CardTableModel", "Question"), "question"),
    (mark("CardTableModel", "Deck"), "deck"),
    (mark("CardTableModel", "Due"), "due"),
    (mark("CardTableModel", "Interval"), "interval"),
    (mark("CardTableModel", "Stability"), "stability"),
    (mark("CardTableModel", "Difficulty"), "difficulty"),
    (mark("CardTableModel", "Retrievability"), "retrievability"),
    (mark("CardTableModel", "Lapses"), "lapses"),
    (mark("CardTableModel", "Answer"), "answer"),
    (mark("CardTableModel", "Reviews"), "reviews"),
    (mark("CardTableModel", "Card"), "card"),
    (mark("CardTableModel", "Tags"), "tags"),
)
COLUMN_KEYS = tuple(key for _title, key in COLUMNS)
HIDDEN_BY_DEFAULT = ("reviews", "card", "tags")
#: Columns shown left-aligned (text); the others are numbers and dates, right-aligned.
TEXT_COLUMNS = frozenset(
    COLUMN_KEYS.index(k) for k in ("question", "deck", "answer", "card", "tags")
)
#: Rows are read this many at a time, so a screenful costs one query.
BLOCK = 128
#: Blocks kept in memory before the oldest are dropped.
MAX_BLOCKS = 64
#: The card states as the tooltips name them (marked, shown translated).
STATE_NAMES = {
    0: mark("CardTableModel", "new"),
    1: mark("CardTableModel", "learning"),
    2: mark("CardTableModel", "review"),
    3: mark("CardTableModel", "relearning"),
}
#: Anki's flags: their names (marked, shown translated: see :func:`flag_name`) and the colours
#: its browser tints a flagged card's row with.
FLAG_NAMES = {
    1: mark("Flag", "Red"),
    2: mark("Flag", "Orange"),
    3: mark("Flag", "Green"),
    4: mark("Flag", "Blue"),
    5: mark("Flag", "Pink"),
    6: mark("Flag", "Turquoise"),
    7: mark("Flag", "Purple"),
}
FLAG_COLOURS = {
    1: "#ff9b9b",
    2: "#ffb347",
    3: "#93e066",
    4: "#9dc4ff",
    5: "#f5a8eb",
    6: "#8be0d4",
    7: "#c7a5f2",
}
#: Anki's browser colours for the other distinct rows: suspended yellow, buried grey, marked
#: purple-ish. A flag wins over marked, marked over suspended, suspended over buried (as Anki).
SUSPENDED_COLOUR = "#f8e36a"
BURIED_COLOUR = "#a0a0a0"
MARKED_COLOUR = "#b8a2e8"
#: How strongly a row is tinted (of 255): the text stays readable in light and dark themes.
TINT_ALPHA = 110


def row_colour(row: BrowseRow, marked: bool) -> str | None:
    """The colour a row is tinted with, or None."""
    if row.flag in FLAG_COLOURS:
        return FLAG_COLOURS[row.flag]
    if marked:
        return MARKED_COLOUR
    if row.suspended:
        return SUSPENDED_COLOUR
    if row.buried:
        return BURIED_COLOUR
    return None


class CardTableModel(QAbstractTableModel):
    """Cards matching the current search; only the rows on screen are ever read.

    Args:
        col: The collection.
        ops: Serialises the model's reads with the executor.
        clock: Returns the current time.
    """

    def __init__(
        self, col: Collection, ops: Ops, clock: Clock, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._col = col
        self._ops = ops
        self._clock = clock
        self._ids: list[int] = []
        self._rows: dict[int, int] | None = None  # card id -> row, built when first asked
        self._blocks: dict[int, dict[int, tuple[BrowseRow, BrowseExtra | None]]] = {}
        self._now: datetime = clock()
        self.query = ""
        self.sort_column = -1
        self.descending = False

    # ------------------------------------------------------------------ searching

    def search(self, query: str) -> None:
        """Show the cards matching ``query``.

        Raises:
            InputError: If the query cannot be parsed (the model keeps its rows).
        """
        ids = self._find(query, self.sort_column, self.descending)
        self.query = query
        self._set_ids(ids)

    def _find(self, query: str, column: int, descending: bool) -> list[int]:
        from flashcards.core.search import SortKey, search_cards

        keys = {0: SortKey.FRONT, 1: SortKey.DECK, 2: SortKey.DUE, 3: SortKey.INTERVAL,
                4: SortKey.STABILITY, 5: SortKey.DIFFICULTY,
                7: SortKey.LAPSES}  # fmt: skip
        key = keys.get(column, SortKey.CREATED)
        with self._ops.exclusive():
            return search_cards(self._col, query, self._clock(), sort=key, descending=descending)

    def _set_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._rows = None
        self._blocks.clear()
        self._now = self._clock()
        self.endResetModel()

    def refresh(self) -> None:
        """Search again (after a change); rows keep their places when the ids are unchanged."""
        ids = self._find(self.query, self.sort_column, self.descending)
        if ids == self._ids:
            self._blocks.clear()
            self._now = self._clock()
            if ids:
                self.dataChanged.emit(self.index(0, 0), self.index(len(ids) - 1, len(COLUMNS) - 1))
        else:
            self._set_ids(ids)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column (done by the database)."""
        descending = order == Qt.SortOrder.DescendingOrder
        ids = self._find(self.query, column, descending)
        self.sort_column, self.descending = column, descending
        self.layoutAboutToBeChanged.emit()
        position = {card_id: row for row, card_id in enumerate(ids)}
        persistent = self.persistentIndexList()
        moved = []
        for index in persistent:
            card_id = self._ids[index.row()] if index.row() < len(self._ids) else None
            row = position.get(card_id, -1) if card_id is not None else -1
            moved.append(self.index(row, index.column()) if row >= 0 else QModelIndex())
        self._ids = ids
        self._rows = None
        self._blocks.clear()
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    # ------------------------------------------------------------------ access

    def card_id(self, row: int) -> int:
        """The card id at ``row``."""
        return self._ids[row]

    def card_ids_at(self, rows: list[int]) -> list[int]:
        """The card ids at ``rows``."""
        ids = self._ids
        return [ids[row] for row in rows]

    def row_of(self, card_id: int) -> int:
        """The row of a card, or -1."""
        return self.rows_of([card_id])[0]

    def rows_of(self, card_ids: list[int]) -> list[int]:
        """The rows of cards (-1 for a card not shown), from one id -> row table."""
        if self._rows is None:
            self._rows = {card_id: row for row, card_id in enumerate(self._ids)}
        rows = self._rows
        return [rows.get(card_id, -1) for card_id in card_ids]

    def browse_row(self, row: int) -> BrowseRow | None:
        """The fetched row at ``row`` (reading its block if needed)."""
        fetched = self._fetched(row)
        return fetched[0] if fetched is not None else None

    def extra(self, row: int) -> BrowseExtra | None:
        """The answer, card type, tags and mark of the card at ``row``."""
        fetched = self._fetched(row)
        return fetched[1] if fetched is not None else None

    def _fetched(self, row: int) -> tuple[BrowseRow, BrowseExtra | None] | None:
        block_no = row // BLOCK
        block = self._blocks.get(block_no)
        if block is None:
            from flashcards.core.card_info import browse_extras
            from flashcards.core.search import browse_rows

            ids = self._ids[block_no * BLOCK : (block_no + 1) * BLOCK]
            with self._ops.exclusive():
                rows = browse_rows(self._col, ids, self._now)
                extras = browse_extras(self._col, ids)
            block = {r.card_id: (r, extras.get(r.card_id)) for r in rows}
            if len(self._blocks) >= MAX_BLOCKS:
                self._blocks.pop(next(iter(self._blocks)))
            self._blocks[block_no] = block
        return block.get(self._ids[row])

    # ------------------------------------------------------------------ Qt model API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        """Number of cards (0 under any parent: this is a flat table)."""
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        """Number of columns."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802 (Qt API)
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return column_title(section)
            if role == Qt.ItemDataRole.ToolTipRole and section == 6:
                return self.tr("Predicted probability of recall now")
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text, alignment and colours."""
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.TextAlignmentRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.BackgroundRole,
        ):
            return None
        column = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column not in TEXT_COLUMNS:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        fetched = self._fetched(index.row())
        if fetched is None:
            return None
        row, extra = fetched
        marked = extra is not None and extra.marked
        if role == Qt.ItemDataRole.BackgroundRole:
            colour_name = row_colour(row, marked)
            if colour_name is None:
                return None
            from PySide6.QtGui import QBrush, QColor

            colour = QColor(colour_name)
            colour.setAlpha(TINT_ALPHA)
            return QBrush(colour)
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.buried and row_colour(row, marked) == BURIED_COLOUR:
                from PySide6.QtGui import QPalette
                from PySide6.QtWidgets import QApplication

                return QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                notes = (
                    self.tr(" (suspended)")
                    if row.suspended
                    else self.tr(" (buried)")
                    if row.buried
                    else ""
                )
                if row.flag in FLAG_NAMES:
                    notes += self.tr(", {flag} flag").format(flag=flag_name(row.flag).lower())
                if marked:
                    notes += self.tr(", marked")
                state = self.tr(STATE_NAMES[row.state]) if row.state in STATE_NAMES else ""
                return tooltip(f"{row.question}\n{state}{notes}")
            if column in (8, 11):
                return tooltip(cell_text(row, column, self._now, extra))
            return None
        return cell_text(row, column, self._now, extra)


def cell_text(row: BrowseRow, column: int, now: datetime, extra: BrowseExtra | None = None) -> str:
    """What a browser cell shows."""
    if column == 0:
        return row.question
    if column >= 8:
        if column == 9:
            return str(row.reps)
        if extra is None:
            return ""
        if column == 8:
            return extra.answer
        return extra.card_type if column == 10 else " ".join(extra.tags)
    if column == 1:
        return row.deck
    if column == 2:
        if row.state == 0:
            return translate("CardTableModel", "new")
        return row.due.astimezone().strftime("%Y-%m-%d" if row.state == 2 else "%m-%d %H:%M")
    if column == 3:
        return _days(row.interval_days) if row.interval_days is not None else ""
    if column == 4:
        return _days(row.stability) if row.stability is not None else ""
    if column == 5:
        return f"{row.difficulty:.1f}" if row.difficulty is not None else ""
    if column == 6:
        return f"{row.retrievability:.0%}" if row.retrievability is not None else ""
    return str(row.lapses)


def column_title(column: int) -> str:
    """A column's title in the interface's language."""
    return translate("CardTableModel", COLUMNS[column][0])


def flag_name(flag: int) -> str:
    """A flag's name ("Red") in the interface's language."""
    return translate("Flag", FLAG_NAMES[flag])


def _days(value: float) -> str:
    """A number of days as the core writes intervals (``10m``, ``3h``, ``4d``, ``1.2mo``)."""
    if value < 1:
        minutes = value * 1440
        text = f"{minutes:.0f}m" if minutes < 60 else f"{minutes / 60:.0f}h"
    elif value < 30:
        text = f"{value:.1f}d".replace(".0d", "d")
    elif value < 365:
        text = f"{value / 30:.1f}mo"
    else:
        text = f"{value / 365:.1f}y"
    return interval_label(text)
