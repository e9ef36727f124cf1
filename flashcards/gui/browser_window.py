"""The browser window: search box, card table, note editor pane; delete, suspend, change deck."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QItemSelection, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
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

from flashcards.gui.bridge import CollectionSignals
from flashcards.gui.browser_model import CardTableModel
from flashcards.gui.clock import Clock
from flashcards.gui.note_editor import NoteFields, NoteForm
from flashcards.gui.plain import ask, make_plain, one_sentence, warn

if TYPE_CHECKING:
    from flashcards.core.collection import Collection

SEARCH_DELAY_MS = 250


class BrowserWindow(QMainWindow):
    """Lays out the browser and runs its actions against the collection."""

    def __init__(
        self,
        col: Collection,
        clock: Clock,
        signals: CollectionSignals,
        settings: QSettings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("browser")
        self.setWindowTitle("Browse")
        self._col = col
        self._clock = clock
        self._settings = settings
        self._note_id: int | None = None
        self._dirty = False
        self._saving = False

        self.search_box = QLineEdit()
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText(
            "Search: words, deck:NAME, tag:NAME, is:new / is:due / is:suspended  (Ctrl+F)"
        )
        self.search_box.setClearButtonEnabled(True)
        self.count_label = make_plain(QLabel())  # a bad query is reported here, quoted
        self.model = CardTableModel(col, clock, self)
        self.table = QTableView()
        self.table.setObjectName("cardTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(40)
        for column, width in enumerate((240, 130, 96, 64, 70, 70, 96, 56)):
            header.resizeSection(column, width)

        self.form = NoteForm()
        self.save_button = QPushButton("Save note")
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
        self.splitter.addWidget(left)
        self.splitter.addWidget(editor)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([880, 320])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.splitter)
        self.setCentralWidget(central)

        menu = self.menuBar().addMenu("&Cards")
        self.delete_action = self._action(menu, "&Delete Notes", "Ctrl+Delete", self._on_delete)
        self.suspend_action = self._action(
            menu, "&Toggle Suspend", "Ctrl+J", self._on_toggle_suspend
        )
        self.deck_action = self._action(menu, "&Change Deck…", "Ctrl+D", self._on_change_deck)
        menu.addSeparator()
        self._action(menu, "&Find", "Ctrl+F", self._on_focus_search)
        self._action(menu, "&Save Note", "Ctrl+S", self._on_save)
        self._action(menu, "Close", QKeySequence.StandardKey.Close, self.close)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._on_search)
        self.search_box.textEdited.connect(self._on_search_edited)
        self.search_box.returnPressed.connect(self._on_search)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.form.edited.connect(self._on_form_edited)
        self.save_button.clicked.connect(self._on_save)
        signals.cards_changed.connect(self._on_collection_changed)
        signals.notes_changed.connect(self._on_collection_changed)
        signals.decks_changed.connect(self._on_decks_changed)

        self.resize(1100, 640)
        geometry = settings.value("browser/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        self._on_decks_changed()
        self.search("")
        self._update_actions()

    def _action(
        self, menu: QMenu, text: str, key: str | QKeySequence.StandardKey, slot: Callable[[], Any]
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(key))
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)
        return action

    # ------------------------------------------------------------------ searching

    def search(self, query: str) -> None:
        """Search and show the results (a bad query is reported, the table stays)."""
        from flashcards.core.errors import FlashcardsError

        self.search_box.setText(query)
        try:
            self.model.search(query)
        except FlashcardsError as exc:
            self.count_label.setText(one_sentence(exc, "The search could not be run"))
            return
        self._update_count()
        if self.model.rowCount():
            self.table.selectRow(0)
        else:
            self._show_note(None)

    def _update_count(self) -> None:
        n = self.model.rowCount()
        self.count_label.setText(f"{n:,} card{'s' if n != 1 else ''}")

    def _on_search_edited(self, _text: str) -> None:
        self._search_timer.start()

    def _on_search(self) -> None:
        self._search_timer.stop()
        self.search(self.search_box.text())

    def _on_focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    # ------------------------------------------------------------------ selection and editor

    def selected_card_ids(self) -> list[int]:
        """The ids of the selected cards, in table order."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.card_id(r) for r in rows]

    def _selected_note_ids(self) -> list[int]:
        ids: list[int] = []
        for row in sorted({i.row() for i in self.table.selectionModel().selectedRows()}):
            browse = self.model.browse_row(row)
            if browse is not None and browse.note_id not in ids:
                ids.append(browse.note_id)
        return ids

    def _on_selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self._save_if_dirty()
        current = self.table.selectionModel().currentIndex()
        notes = self._selected_note_ids()
        row = current.row() if current.isValid() else -1
        browse = self.model.browse_row(row) if 0 <= row < self.model.rowCount() else None
        note_id = browse.note_id if browse is not None and len(notes) <= 1 else None
        self._show_note(note_id if note_id is not None else (notes[0] if len(notes) == 1 else None))
        self._update_actions()

    def _show_note(self, note_id: int | None) -> None:
        self._note_id = note_id
        self._dirty = False
        self.save_button.setEnabled(False)
        self.editor_status.clear()
        if note_id is None:
            self.form.setEnabled(False)
            self.form.set_fields(NoteFields("basic", "", "", (), ""))
            return
        note = self._col.note(note_id)
        self.form.setEnabled(True)
        self.form.set_fields(
            NoteFields(note.kind, note.front, note.back, note.tags, note.deck_name)
        )

    def _on_form_edited(self) -> None:
        if self._note_id is not None:
            self._dirty = True
            self.save_button.setEnabled(True)

    def _save_if_dirty(self) -> None:
        if self._dirty and self._note_id is not None:
            self._on_save()

    def _on_save(self) -> None:
        from flashcards.core.errors import FlashcardsError

        if self._note_id is None or not self._dirty:
            return
        fields = self.form.fields()
        self._saving = True
        try:
            self._col.update_note(
                self._note_id, self._clock(), front=fields.front, back=fields.back,
                kind=fields.kind, tags=fields.tags, deck=fields.deck or None,
            )  # fmt: skip
        except FlashcardsError as exc:
            self.editor_status.setText(one_sentence(exc, "The note was not saved"))
            return
        finally:
            self._saving = False
        self._dirty = False
        self.save_button.setEnabled(False)
        self.editor_status.setText("")
        self.statusBar().showMessage("Note saved.", 3000)

    def _update_actions(self) -> None:
        has = bool(self.table.selectionModel().selectedRows())
        for action in (self.delete_action, self.suspend_action, self.deck_action):
            action.setEnabled(has)

    # ------------------------------------------------------------------ actions

    def _on_delete(self) -> None:
        notes = self._selected_note_ids()
        if not notes:
            return
        if ask(
            self,
            "Delete notes",
            f"Delete {len(notes)} note(s) with their cards and review history?",
        ):
            self._dirty = False
            self._col.delete_notes(notes)
            self.statusBar().showMessage(f"Deleted {len(notes)} note(s).", 3000)

    def _on_toggle_suspend(self) -> None:
        ids = self.selected_card_ids()
        rows = [self.model.browse_row(self.model.row_of(i)) for i in ids]
        suspend = not all(r is not None and r.suspended for r in rows)
        self._col.set_suspended(ids, suspend)
        word = "Suspended" if suspend else "Unsuspended"
        self.statusBar().showMessage(f"{word} {len(ids)} card(s).", 3000)

    def _on_change_deck(self) -> None:
        notes = self._selected_note_ids()
        if not notes:
            return
        names = sorted(self._col.decks().values(), key=lambda n: n.split("::"))
        name, ok = QInputDialog.getItem(
            self, "Change deck", f"Move {len(notes)} note(s) to deck:", names, 0, True
        )
        if ok and name.strip():
            from flashcards.core.errors import FlashcardsError

            self._save_if_dirty()
            try:
                self._col.move_notes(notes, name.strip(), self._clock())
            except FlashcardsError as exc:
                warn(self, "Change deck", one_sentence(exc, "The notes were not moved"))

    # ------------------------------------------------------------------ collection changes

    def _on_collection_changed(self) -> None:
        if self._saving:
            self.model.refresh()
            return
        selected = self.selected_card_ids()
        self.model.refresh()
        self._update_count()
        selection = self.table.selectionModel()
        for card_id in selected:
            row = self.model.row_of(card_id)
            if row >= 0:
                selection.select(
                    self.model.index(row, 0),
                    selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
                )
        if not self.table.selectionModel().selectedRows():
            self._show_note(None)
        elif self._note_id is not None and not self._dirty:
            self._show_note(self._note_id)
        self._update_actions()

    def _on_decks_changed(self) -> None:
        current = self.form.deck.currentText()
        self.form.set_decks(list(self._col.decks().values()), current)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        """Save a pending edit and remember the geometry."""
        self._save_if_dirty()
        self._settings.setValue("browser/geometry", self.saveGeometry())
        super().closeEvent(event)
