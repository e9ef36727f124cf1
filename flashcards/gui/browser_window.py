"""The browser window's layout: sidebar, search box, card table, note editor pane, the menus.

The table's header has a context menu to show and hide columns (remembered in the GUI
settings); Esc closes the window, as in Anki.

The view lays out and says what the user asked (signals); :mod:`browser_controller` decides.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QByteArray,
    QItemSelection,
    QItemSelectionModel,
    QPoint,
    QSettings,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from flashcards.gui.browser_model import (
    COLUMN_KEYS,
    COLUMNS,
    FLAG_NAMES,
    HIDDEN_BY_DEFAULT,
    CardTableModel,
    column_title,
    flag_name,
)
from flashcards.gui.browser_sidebar import BrowserSidebar
from flashcards.gui.note_editor import NoteForm
from flashcards.gui.plain import make_plain

SEARCH_DELAY_MS = 250
#: The GUI setting that lists the hidden columns (their keys).
HIDDEN_COLUMNS_SETTING = "browser/hiddenColumns"


class BrowserWindow(QMainWindow):
    """Lays out the browser; signals searches, the Cards menu and being shown or closed.

    Args:
        model: The card table's model.
        settings: Where the window geometry is kept.
    """

    #: The search to run (typed and paused, or Return).
    search_requested = Signal(str)
    delete_requested = Signal()
    suspend_requested = Signal()
    #: Ctrl+1..7: toggle that flag on the selected cards (as in Anki).
    flag_requested = Signal(int)
    change_deck_requested = Signal()
    save_requested = Signal()
    #: Card Info for the current card.
    info_requested = Signal()
    find_replace_requested = Signal()
    duplicates_requested = Signal()
    change_notetype_requested = Signal()
    #: The window was shown (a stale table is refreshed now).
    shown = Signal()
    #: The window is closing (a pending edit is saved now).
    closing = Signal()

    def __init__(
        self, model: CardTableModel, settings: QSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("browser")
        self.setWindowTitle(self.tr("Browse"))
        self._settings = settings

        self.search_box = QLineEdit()
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText(
            self.tr(
                "Search: words, deck:NAME, tag:NAME, is:new / is:due / is:suspended, "
                "flag:1  (Ctrl+F)"
            )
        )
        self.search_box.setClearButtonEnabled(True)
        self.count_label = make_plain(QLabel())  # a bad query is reported here, quoted
        self.model = model
        self.table = QTableView()
        self.table.setObjectName("cardTable")
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        # The column header paints each section as selected or not, and a column counts as
        # selected when every row of it is: after a select-all of 20,000 cards each paint asked
        # the model 160,000 times (0.45 s). Rows are selected here, never columns: the header
        # gets a selection of its own, always empty.
        header.setSelectionModel(QItemSelectionModel(model, header))
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(40)
        for column, width in enumerate((220, 130, 96, 64, 70, 70, 96, 56, 200, 64, 90, 120)):
            header.resizeSection(column, width)
        header.moveSection(header.visualIndex(COLUMN_KEYS.index("answer")), 1)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_menu)
        self._restore_hidden_columns()
        self.sidebar = BrowserSidebar()

        self.form = NoteForm()
        self.save_button = QPushButton(self.tr("Save note"))
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.setEnabled(False)
        self.editor_status = make_plain(QLabel())
        self.editor_status.setObjectName("errorLabel")
        self.editor_status.setWordWrap(True)
        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.addWidget(self.form)
        row = QHBoxLayout()
        row.addWidget(self.editor_status, 1)
        row.addWidget(self.save_button)
        editor_layout.addLayout(row)
        editor_layout.addStretch(1)
        self.form.setEnabled(False)

        top = QHBoxLayout()
        top.addWidget(self.search_box, 1)
        top.addWidget(self.count_label)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.table)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(left)
        self.splitter.addWidget(editor)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 1)
        self.splitter.setSizes([190, 760, 300])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.splitter)
        self.setCentralWidget(central)

        menu = self.menuBar().addMenu(self.tr("&Cards"))
        self.delete_action = self._action(menu, self.tr("&Delete Notes"), "Ctrl+Delete")
        self.suspend_action = self._action(menu, self.tr("&Toggle Suspend"), "Ctrl+J")
        self.deck_action = self._action(menu, self.tr("&Change Deck…"), "Ctrl+D")
        self.info_action = self._action(menu, self.tr("Card &Info…"), "Ctrl+Shift+I")
        flags = menu.addMenu(self.tr("F&lag"))
        self.flag_actions = [
            self._action(flags, flag_name(flag), f"Ctrl+{flag}") for flag in FLAG_NAMES
        ]
        for flag, action in enumerate(self.flag_actions, start=1):
            action.triggered.connect(lambda _checked=False, f=flag: self.flag_requested.emit(f))
        menu.addSeparator()
        self.find_action = self._action(menu, self.tr("&Find"), "Ctrl+F")
        self.save_action = self._action(menu, self.tr("&Save Note"), "Ctrl+S")
        self.close_action = self._action(menu, self.tr("Close"), QKeySequence.StandardKey.Close)
        self.close_action.setShortcuts(
            [*self.close_action.shortcuts(), QKeySequence(Qt.Key.Key_Escape)]
        )  # Esc closes, as in Anki
        notes = self.menuBar().addMenu(self.tr("&Notes"))
        self.find_replace_action = self._action(notes, self.tr("Find and &Replace…"), "Ctrl+Alt+F")
        self.duplicates_action = self._action(notes, self.tr("Find &Duplicates…"), "")
        self.notetype_action = self._action(notes, self.tr("Change &Note Type…"), "Ctrl+Shift+M")

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._on_search)
        self.search_box.textEdited.connect(self._on_search_edited)
        self.search_box.returnPressed.connect(self._on_search)
        self.delete_action.triggered.connect(self.delete_requested)
        self.suspend_action.triggered.connect(self.suspend_requested)
        self.deck_action.triggered.connect(self.change_deck_requested)
        self.find_action.triggered.connect(self._on_find)
        self.save_action.triggered.connect(self.save_requested)
        self.save_button.clicked.connect(self.save_requested)
        self.close_action.triggered.connect(self.close)
        self.info_action.triggered.connect(self.info_requested)
        self.find_replace_action.triggered.connect(self.find_replace_requested)
        self.duplicates_action.triggered.connect(self.duplicates_requested)
        self.notetype_action.triggered.connect(self.change_notetype_requested)

        self.resize(1100, 640)
        geometry = settings.value("browser/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))

    def _action(self, menu: QMenu, text: str, key: str | QKeySequence.StandardKey) -> QAction:
        action = QAction(text, self)
        if key:
            action.setShortcut(QKeySequence(key))
        menu.addAction(action)
        self.addAction(action)
        return action

    # ------------------------------------------------------------------ columns

    @Slot(QPoint)
    def _on_header_menu(self, pos: QPoint) -> None:
        header = self.table.horizontalHeader()
        self.column_menu().popup(header.viewport().mapToGlobal(pos))

    def column_menu(self) -> QMenu:
        """The header's menu: one checkable entry per column (the last shown one stays)."""
        menu = QMenu(self)
        menu.setObjectName("columnMenu")
        header = self.table.horizontalHeader()
        shown = [c for c in range(len(COLUMNS)) if not header.isSectionHidden(c)]
        for column in sorted(range(len(COLUMNS)), key=header.visualIndex):
            action = menu.addAction(column_title(column))
            action.setCheckable(True)
            action.setChecked(column in shown)
            action.setEnabled(shown != [column])
            action.toggled.connect(lambda on, c=column: self.set_column_shown(c, on))
        return menu

    def set_column_shown(self, column: int, shown: bool) -> None:
        """Show or hide a column and remember it."""
        header = self.table.horizontalHeader()
        header.setSectionHidden(column, not shown)
        if shown and header.sectionSize(column) < header.minimumSectionSize():
            header.resizeSection(column, 90)
        self._settings.setValue(HIDDEN_COLUMNS_SETTING, self.hidden_columns())

    def hidden_columns(self) -> list[str]:
        """The keys of the hidden columns."""
        header = self.table.horizontalHeader()
        return [key for column, key in enumerate(COLUMN_KEYS) if header.isSectionHidden(column)]

    def _restore_hidden_columns(self) -> None:
        value = self._settings.value(HIDDEN_COLUMNS_SETTING)
        if value is None:
            hidden = set(HIDDEN_BY_DEFAULT)
        elif isinstance(value, str):  # an INI file gives a one-item list as its item
            hidden = {value} if value else set()
        elif isinstance(value, list):
            hidden = {str(v) for v in value}
        else:
            hidden = set(HIDDEN_BY_DEFAULT)
        if hidden.issuperset(COLUMN_KEYS):
            hidden.discard(COLUMN_KEYS[0])
        header = self.table.horizontalHeader()
        for column, key in enumerate(COLUMN_KEYS):
            header.setSectionHidden(column, key in hidden)

    # ------------------------------------------------------------------ searching

    @Slot(str)
    def _on_search_edited(self, _text: str) -> None:
        self._search_timer.start()

    @Slot()
    def _on_search(self) -> None:
        self._search_timer.stop()
        self.search_requested.emit(self.search_box.text())

    @Slot()
    def _on_find(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def set_count(self, n: int) -> None:
        """Say how many cards the search found."""
        self.count_label.setText(
            (self.tr("{n} card") if n == 1 else self.tr("{n} cards")).format(n=f"{n:,}")
        )

    # ------------------------------------------------------------------ selection

    def selected_rows(self) -> list[int]:
        """The selected rows, in order (read from the selection's ranges, not row by row)."""
        rows: list[int] = []
        selection = self.table.selectionModel().selection()
        for i in range(selection.size()):
            span = selection.at(i)
            rows.extend(range(span.top(), span.bottom() + 1))
        return sorted(set(rows))

    def current_row(self) -> int:
        """The row of the current index, or -1."""
        index = self.table.selectionModel().currentIndex()
        return index.row() if index.isValid() else -1

    def has_selection(self) -> bool:
        """Whether any row is selected."""
        return self.table.selectionModel().hasSelection()

    def select_rows(self, rows: Sequence[int], current: int = -1) -> None:
        """Select ``rows`` (sorted) with one selection of row ranges; make ``current`` current.

        Selecting row by row costs a selection-changed signal per row; one
        :class:`QItemSelection` of contiguous ranges is one signal at most.
        """
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        start = previous = None
        for row in rows:
            if previous is not None and row == previous + 1:
                previous = row
                continue
            if start is not None and previous is not None:
                selection.select(self.model.index(start, 0), self.model.index(previous, last))
            start = previous = row
        if start is not None and previous is not None:
            selection.select(self.model.index(start, 0), self.model.index(previous, last))
        model = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        if current >= 0:
            model.setCurrentIndex(self.model.index(current, 0), flags.NoUpdate)
        model.select(selection, flags.ClearAndSelect | flags.Rows)

    def set_actions_enabled(self, enabled: bool) -> None:
        """Enable the actions on selected cards."""
        for action in (
            self.delete_action,
            self.suspend_action,
            self.deck_action,
            self.info_action,
        ):
            action.setEnabled(enabled)
        for action in self.flag_actions:
            action.setEnabled(enabled)

    # ------------------------------------------------------------------ the window

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        """Say that the window is shown (the controller refreshes a stale table)."""
        super().showEvent(event)
        self.shown.emit()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        """Let a pending edit be saved and remember the geometry."""
        self.closing.emit()
        self._settings.setValue("browser/geometry", self.saveGeometry())
        super().closeEvent(event)
