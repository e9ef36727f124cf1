"""The browser's controller: searches, the sidebar, the note in the editor pane, the menus.

The Cards menu has Card Info (a dialog that follows the current card); the Notes menu has Find
and Replace and Find Duplicates (dialogs that ask; the core does the work). The sidebar's saved
searches are kept in the collection (:func:`browser_sidebar.saved_searches`).

Bulk actions (suspend, delete, change deck) are operations on the executor; saving the note in
the editor pane runs at once. After any change the table is searched again, but only while the
window is visible: a hidden browser marks itself stale and searches when it is shown again, so
reviewing with the browser closed costs no search. The selection is restored with one
:class:`QItemSelection` (see :meth:`BrowserWindow.select_rows`).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QObject, QSettings, Slot
from PySide6.QtWidgets import QDialog, QInputDialog

from flashcards.core.changes import Change
from flashcards.gui.browser_model import CardTableModel, flag_name
from flashcards.gui.browser_sidebar import saved_searches, set_saved_searches
from flashcards.gui.browser_window import BrowserWindow
from flashcards.gui.card_info import CardInfoDialog
from flashcards.gui.clock import Clock
from flashcards.gui.duplicates_dialog import DuplicatesDialog
from flashcards.gui.executor import Report
from flashcards.gui.find_replace_dialog import FindReplaceDialog, FindReplaceRequest
from flashcards.gui.note_controller import add_images
from flashcards.gui.note_editor import NoteFields, notetype_title
from flashcards.gui.ops import Ops
from flashcards.gui.plain import ask, one_sentence, warn

if TYPE_CHECKING:
    from flashcards.core.changes import OpResult
    from flashcards.core.collection import Collection

#: The changes that can change what the table shows.
TABLE_CHANGES = Change.CARDS | Change.NOTES | Change.DECKS
#: The changes that can change what the sidebar lists (decks, tags, saved searches).
SIDEBAR_CHANGES = Change.NOTES | Change.DECKS | Change.OPTIONS


class BrowserController(QObject):
    """Decides what the browser window shows and what its actions do.

    Args:
        col: The collection.
        ops: Runs operations on it and announces their changes.
        clock: Returns the current time.
        settings: Where the window geometry is kept.
    """

    def __init__(self, col: Collection, ops: Ops, clock: Clock, settings: QSettings) -> None:
        model = CardTableModel(col, ops, clock)
        window = BrowserWindow(model, settings)
        model.setParent(window)
        super().__init__(window)  # the controller and the model go with their window
        self.model = model
        self.window = window
        self._col = col
        self._ops = ops
        self._clock = clock
        self._note_id: int | None = None
        self._dirty = False
        self._saving = False
        self._restoring = False
        #: The table may show old rows: searched again when the window is shown.
        self.stale = False
        #: The sidebar may list old decks or tags: read again when the window is shown.
        self._sidebar_stale = False
        self.card_info: CardInfoDialog | None = None
        self.find_replace: FindReplaceDialog | None = None
        self.notetype_dialog: QDialog | None = None
        self.duplicates: DuplicatesDialog | None = None

        w = self.window
        w.search_requested.connect(self._on_search_requested)
        w.delete_requested.connect(self._on_delete)
        w.suspend_requested.connect(self._on_toggle_suspend)
        w.flag_requested.connect(self._on_flag)
        w.change_deck_requested.connect(self._on_change_deck)
        w.save_requested.connect(self._on_save)
        w.info_requested.connect(self._on_info)
        w.find_replace_requested.connect(self._on_find_replace)
        w.duplicates_requested.connect(self._on_duplicates)
        w.change_notetype_requested.connect(self._on_change_notetype)
        w.sidebar.search_requested.connect(self.search)
        w.sidebar.save_requested.connect(self._on_save_search)
        w.sidebar.delete_requested.connect(self._on_delete_saved_search)
        w.shown.connect(self._on_shown)
        w.closing.connect(self._on_closing)
        w.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        w.form.edited.connect(self._on_form_edited)
        w.form.fields_editor.image_pasted.connect(self._on_image_pasted)
        w.form.fields_editor.image_files_chosen.connect(self._on_image_files)
        ops.changed.connect(self._on_collection_changed)

        self._update_decks()
        self._update_sidebar()
        self.search("")
        self._update_actions()

    # ------------------------------------------------------------------ the window

    def show(self) -> None:
        """Show the window in front."""
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()

    def close(self) -> None:
        """Close (hide) the window; a pending edit is saved."""
        self.window.close()

    @Slot()
    def _on_shown(self) -> None:
        if self._sidebar_stale:
            self._update_sidebar()
        if self.stale:
            self._refresh()

    @Slot()
    def _on_closing(self) -> None:
        self._save_if_dirty()

    # ------------------------------------------------------------------ searching

    def search(self, query: str) -> None:
        """Search and show the results (a bad query is reported, the table stays)."""
        from flashcards.core.errors import FlashcardsError

        w = self.window
        w.search_box.setText(query)
        try:
            self.model.search(query)
        except FlashcardsError as exc:
            w.count_label.setText(one_sentence(exc, self.tr("The search could not be run")))
            return
        self.stale = False
        w.set_count(self.model.rowCount())
        if self.model.rowCount():
            w.table.selectRow(0)
        else:
            self._show_note(None)

    @Slot(str)
    def _on_search_requested(self, query: str) -> None:
        self.search(query)

    # ------------------------------------------------------------------ the sidebar

    def _update_sidebar(self) -> None:
        from flashcards.core.card_info import all_tags

        self._sidebar_stale = False
        with self._ops.exclusive():
            decks = list(self._col.decks.names().values())
            tags = all_tags(self._col)
            saved = saved_searches(self._col)
            notetypes = self._col.notes.notetypes()
        sidebar = self.window.sidebar
        sidebar.set_notetypes([(notetype_title(t.name), t.name) for t in notetypes])
        sidebar.set_decks(decks)
        sidebar.set_tags(tags)
        sidebar.set_saved(saved)

    @Slot()
    def _on_save_search(self) -> None:
        query = self.model.query
        name, ok = QInputDialog.getText(
            self.window,
            self.tr("Save Current Search"),
            self.tr("Name for the search {query}:").format(query=f"“{query}”")
            if query
            else self.tr("Name for the search “all cards”:"),
        )
        if ok and name.strip():
            self.save_search(name.strip(), query)

    def save_search(self, name: str, query: str) -> None:
        """Keep ``query`` under ``name`` in the collection (replacing one of that name)."""

        def save() -> object:
            searches = saved_searches(self._col)
            searches[name] = query
            return set_saved_searches(self._col, searches)

        self._ops.run_now(save, initiator=self)
        self._update_sidebar()

    @Slot(str)
    def _on_delete_saved_search(self, name: str) -> None:
        def delete() -> object:
            searches = saved_searches(self._col)
            searches.pop(name, None)
            return set_saved_searches(self._col, searches)

        self._ops.run_now(delete, initiator=self)
        self._update_sidebar()

    # ------------------------------------------------------------------ Card Info

    @Slot()
    def _on_info(self) -> None:
        row = self.window.current_row()
        if not 0 <= row < self.model.rowCount():
            rows = self.window.selected_rows()
            if not rows:
                return
            row = rows[0]
        if self.card_info is None:
            self.card_info = CardInfoDialog(self.window)
        self._show_card_info(self.model.card_id(row))
        self.card_info.show()
        self.card_info.raise_()

    def _show_card_info(self, card_id: int) -> None:
        from flashcards.core.card_info import card_info
        from flashcards.core.errors import NotFoundError

        if self.card_info is None:
            return
        try:
            with self._ops.exclusive():
                info = card_info(self._col, card_id, self._clock())
        except NotFoundError:
            return
        self.card_info.show_info(info)

    def _follow_card_info(self) -> None:
        """Card Info shows the current card while it is open."""
        if self.card_info is None or not self.card_info.isVisible():
            return
        row = self.window.current_row()
        if 0 <= row < self.model.rowCount():
            self._show_card_info(self.model.card_id(row))

    # ------------------------------------------------------------------ the Notes menu

    def _all_note_ids(self) -> list[int]:
        with self._ops.exclusive():
            return self._col.notes.ids()

    @Slot()
    def _on_find_replace(self) -> None:
        from flashcards.core.find_replace import field_names

        self._save_if_dirty()
        selected = self._selected_notes()
        with self._ops.exclusive():
            fields = field_names(self._col, selected or None)
        dialog = FindReplaceDialog(fields, len(selected), self.window)
        self.find_replace = dialog
        dialog.accepted.connect(lambda: self._replace(dialog.request(), selected))
        dialog.open()

    def _replace(self, request: FindReplaceRequest, selected: list[int]) -> None:
        from flashcards.core.find_replace import find_and_replace

        notes = selected if request.selected_only and selected else self._all_note_ids()
        now = self._clock()
        self._dirty = False

        def done(count: int) -> None:
            self._status(
                (
                    self.tr("{n} note updated.") if count == 1 else self.tr("{n} notes updated.")
                ).format(n=count)
            )

        def replace(_report: Report) -> OpResult[int]:
            with self._col.undo.notes("Find and Replace", notes):
                return find_and_replace(
                    self._col, notes, request.find, request.replacement, now,
                    field=request.field, regex=request.regex, match_case=request.match_case,
                )  # fmt: skip

        self._ops.run(
            replace,
            initiator=self,
            on_done=done,
            on_error=self._on_replace_failed,
        )  # fmt: skip

    @Slot()
    def _on_change_notetype(self) -> None:
        from flashcards.gui.notetype_change_dialog import ChangeNotetypeDialog

        self._save_if_dirty()
        selected = self._selected_notes()
        if not selected:
            self._status(self.tr("Select the notes to change first."))
            return
        with self._ops.exclusive():
            catalog = {t.id: t for t in self._col.notes.notetypes()}
            current = self._col.notes.notetype_ids(selected)
        if len(current) != 1 or next(iter(current)) not in catalog:
            warn(
                self.window,
                self.tr("Change Note Type"),
                self.tr("Select notes of one note type."),
            )
            return
        old = catalog[next(iter(current))]
        targets = [(t.id, notetype_title(t.name), t.field_names) for t in catalog.values()]
        dialog = ChangeNotetypeDialog(
            (notetype_title(old.name), old.field_names), len(selected), targets, self.window
        )
        self.notetype_dialog = dialog
        dialog.accepted.connect(lambda: self._change_notetype(selected, *dialog.request()))
        dialog.open()

    def _change_notetype(
        self, notes: list[int], notetype_id: int, field_map: list[int | None]
    ) -> None:
        now = self._clock()

        def change(_report: Report) -> OpResult[None]:
            with self._col.undo.notes("Change Note Type", notes):
                return self._col.notes.change_notetype(notes, notetype_id, field_map, now)

        def failed(exc: BaseException) -> None:
            warn(
                self.window,
                self.tr("Change Note Type"),
                one_sentence(exc, self.tr("No note was changed")),
            )

        self._ops.run(change, initiator=self, on_error=failed)

    def _on_replace_failed(self, exc: BaseException) -> None:
        warn(
            self.window,
            self.tr("Find and Replace"),
            one_sentence(exc, self.tr("Nothing was replaced")),
        )

    @Slot()
    def _on_duplicates(self) -> None:
        from flashcards.core.find_replace import field_names

        if self.duplicates is None:
            with self._ops.exclusive():
                fields = field_names(self._col)
            self.duplicates = DuplicatesDialog(fields, self.model.query, self.window)
            self.duplicates.find_requested.connect(self.find_duplicates)
            self.duplicates.group_chosen.connect(self.search)
        self.duplicates.show()
        self.duplicates.raise_()

    @Slot(str, str)
    def find_duplicates(self, field: str, query: str) -> None:
        """List in the Find Duplicates dialog the duplicates of ``field`` among ``query``'s."""
        from flashcards.core.errors import FlashcardsError
        from flashcards.core.find_replace import find_duplicates, note_ids_of_search

        dialog = self.duplicates
        if dialog is None:
            return
        try:
            with self._ops.exclusive():
                notes = note_ids_of_search(self._col, query, self._clock()) if query else None
                groups = find_duplicates(self._col, field, notes)
        except FlashcardsError as exc:
            dialog.set_error(one_sentence(exc, self.tr("The search could not be run")))
            return
        dialog.set_groups(groups)

    # ------------------------------------------------------------------ selection and editor

    def selected_card_ids(self) -> list[int]:
        """The ids of the selected cards, in table order."""
        return self.model.card_ids_at(self.window.selected_rows())

    def _selected_notes(self, limit: int | None = None) -> list[int]:
        """The distinct notes of the selected rows, in table order (stop at ``limit``)."""
        ids: list[int] = []
        for row in self.window.selected_rows():
            browse = self.model.browse_row(row)
            if browse is not None and browse.note_id not in ids:
                ids.append(browse.note_id)
                if limit is not None and len(ids) >= limit:
                    break
        return ids

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        if self._restoring:
            return
        self._save_if_dirty()
        self._show_selected_note()
        self._update_actions()
        self._follow_card_info()

    def _show_selected_note(self) -> None:
        # The editor shows a note when the selection holds one note (two are enough to know).
        notes = self._selected_notes(limit=2)
        row = self.window.current_row()
        browse = self.model.browse_row(row) if 0 <= row < self.model.rowCount() else None
        note_id = browse.note_id if browse is not None and len(notes) <= 1 else None
        self._show_note(note_id if note_id is not None else (notes[0] if len(notes) == 1 else None))

    def _show_note(self, note_id: int | None) -> None:
        w = self.window
        self._note_id = note_id
        self._dirty = False
        w.save_button.setEnabled(False)
        w.editor_status.clear()
        if note_id is None:
            w.form.setEnabled(False)
            w.form.set_fields(NoteFields("basic", "", "", (), ""))
            return
        with self._ops.exclusive():
            note = self._col.notes.get(note_id)
            anki = self._col.notes.anki_fields(note_id)
        w.form.setEnabled(True)
        w.form.set_fields(NoteFields(note.kind, note.front, note.back, note.tags, note.deck_name))
        if anki is not None:  # a note from Anki: one box per field of its note type
            w.form.set_anki_fields(anki.notetype, anki.names, anki.html, self._col.media.path)
        self._dirty = False  # showing a note is no edit

    @Slot(int, bytes, str)
    def _on_image_pasted(self, index: int, data: bytes, name: str) -> None:
        adds = [lambda: self._col.media.add_bytes(name, data)]
        self.window.editor_status.setText(
            add_images(self._ops, self.window.form, index, adds, self) or ""
        )

    @Slot(int, list)
    def _on_image_files(self, index: int, paths: list[str]) -> None:
        adds = [partial(self._col.media.add_file, Path(p)) for p in paths]
        self.window.editor_status.setText(
            add_images(self._ops, self.window.form, index, adds, self) or ""
        )

    @Slot()
    def _on_form_edited(self) -> None:
        if self._note_id is not None:
            self._dirty = True
            self.window.save_button.setEnabled(True)

    def _save_if_dirty(self) -> None:
        if self._dirty and self._note_id is not None:
            self._on_save()

    @Slot()
    def _on_save(self) -> None:
        from flashcards.core.errors import FlashcardsError

        note_id = self._note_id
        if note_id is None or not self._dirty:
            return
        w = self.window
        fields = w.form.fields()
        anki_values = w.form.anki_values()
        now = self._clock()
        self._saving = True
        try:

            def save() -> OpResult[None]:
                with self._col.undo.notes("Edit Note", [note_id]):
                    if anki_values is not None:
                        return self._col.notes.update_fields(
                            note_id, anki_values, now, tags=fields.tags, deck=fields.deck or None
                        )
                    return self._col.notes.update(
                        note_id, now, front=fields.front, back=fields.back, kind=fields.kind,
                        tags=fields.tags, deck=fields.deck or None,
                    )  # fmt: skip

            self._ops.run_now(save, initiator=self)
        except FlashcardsError as exc:
            w.editor_status.setText(one_sentence(exc, self.tr("The note was not saved")))
            return
        finally:
            self._saving = False
        self._dirty = False
        w.save_button.setEnabled(False)
        w.editor_status.setText("")
        w.statusBar().showMessage(self.tr("Note saved."), 3000)

    def _update_actions(self) -> None:
        self.window.set_actions_enabled(self.window.has_selection())

    # ------------------------------------------------------------------ the Cards menu

    @Slot()
    def _on_delete(self) -> None:
        notes = self._selected_notes()
        if not notes:
            return
        if ask(
            self.window,
            self.tr("Delete notes"),
            (
                self.tr("Delete {n} note with its cards and review history?")
                if len(notes) == 1
                else self.tr("Delete {n} notes with their cards and review history?")
            ).format(n=len(notes)),
        ):
            self._dirty = False

            def delete(_report: Report) -> OpResult[None]:
                with self._col.undo.notes("Delete Note", notes):
                    return self._col.notes.delete(notes)

            self._ops.run(
                delete,
                initiator=self,
                on_done=lambda _none: self._status(
                    (
                        self.tr("Deleted {n} note.")
                        if len(notes) == 1
                        else self.tr("Deleted {n} notes.")
                    ).format(n=len(notes))
                ),
                lead=self.tr("The notes were not deleted"),
            )

    @Slot()
    def _on_toggle_suspend(self) -> None:
        rows = self.window.selected_rows()
        ids = self.model.card_ids_at(rows)
        if not ids:
            return
        # Suspend unless every selected card is suspended. The first row usually decides; if
        # it is suspended, the operation asks for the suspended cards once (reading each
        # selected row here took 0.85 s for 20,000 cards).
        first = self.model.browse_row(rows[0])
        known = True if first is None or not first.suspended else None
        now = self._clock()

        def toggle(_report: Report) -> bool:
            from flashcards.core.search import search_cards

            suspend = known
            if suspend is None:
                suspended = set(search_cards(self._col, "is:suspended", now))
                suspend = not suspended.issuperset(ids)
            with self._col.undo.cards("Suspend" if suspend else "Unsuspend", ids):
                self._col.sched.set_suspended(ids, suspend)
            return suspend

        def done(suspended: bool) -> None:
            n = len(ids)
            if suspended:
                text = self.tr("Suspended {n} card.") if n == 1 else self.tr("Suspended {n} cards.")
            else:
                text = (
                    self.tr("Unsuspended {n} card.")
                    if n == 1
                    else self.tr("Unsuspended {n} cards.")
                )
            self._status(text.format(n=n))

        self._ops.run(
            toggle, initiator=self, on_done=done, lead=self.tr("The cards were not changed")
        )

    @Slot(int)
    def _on_flag(self, flag: int) -> None:
        rows = self.window.selected_rows()
        ids = self.model.card_ids_at(rows)
        if not ids:
            return
        # As in Anki: the flag goes on, or comes off if the current card already has it.
        current = self.model.browse_row(rows[0])
        value = 0 if current is not None and current.flag == flag else flag

        def done(_none: None) -> None:
            name, n = flag_name(flag).lower(), len(ids)
            if value:
                text = (
                    self.tr("Flagged {n} card {name}.")
                    if n == 1
                    else self.tr("Flagged {n} cards {name}.")
                )
            else:
                text = (
                    self.tr("Removed the {name} flag from {n} card.")
                    if n == 1
                    else self.tr("Removed the {name} flag from {n} cards.")
                )
            self._status(text.format(n=n, name=name))

        def set_flag(_report: Report) -> OpResult[None]:
            with self._col.undo.cards("Flag", ids):
                return self._col.sched.set_flag(ids, value)

        self._ops.run(
            set_flag,
            initiator=self,
            on_done=done,
            lead=self.tr("The cards were not changed"),
        )

    @Slot()
    def _on_change_deck(self) -> None:
        notes = self._selected_notes()
        if not notes:
            return
        with self._ops.exclusive():
            names = sorted(self._col.decks.names().values(), key=lambda n: n.split("::"))
        name, ok = QInputDialog.getItem(
            self.window,
            self.tr("Change deck"),
            (
                self.tr("Move {n} note to deck:")
                if len(notes) == 1
                else self.tr("Move {n} notes to deck:")
            ).format(n=len(notes)),
            names,
            0,
            True,
        )
        if ok and name.strip():
            self._save_if_dirty()
            deck, now = name.strip(), self._clock()

            def move(_report: Report) -> OpResult[None]:
                with self._col.undo.notes("Change Deck", notes):
                    return self._col.notes.move(notes, deck, now)

            self._ops.run(
                move,
                initiator=self,
                on_error=self._on_move_failed,
            )

    def _on_move_failed(self, exc: BaseException) -> None:
        warn(
            self.window,
            self.tr("Change deck"),
            one_sentence(exc, self.tr("The notes were not moved")),
        )

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 3000)

    # ------------------------------------------------------------------ collection changes

    @Slot(object, object)
    def _on_collection_changed(self, changes: Change, _initiator: object) -> None:
        if changes & (Change.DECKS | Change.OPTIONS):
            self._update_decks()
        if changes & SIDEBAR_CHANGES and _initiator is not self:
            if self.window.isVisible():
                self._update_sidebar()
            else:
                self._sidebar_stale = True
        if not changes & TABLE_CHANGES:
            return
        if self._saving:  # our own note edit: the rows change, the editor stays as typed
            with self._ops.exclusive():
                self.model.refresh()
            return
        if not self.window.isVisible():
            self.stale = True  # searched again when shown
            return
        self._refresh()

    def _refresh(self) -> None:
        """Search again and restore the selection and the current row (one selection)."""
        self.stale = False
        w = self.window
        selected = self.selected_card_ids()
        row = w.current_row()
        current = self.model.card_id(row) if 0 <= row < self.model.rowCount() else None
        self._restoring = True
        try:
            self.model.refresh()
            w.set_count(self.model.rowCount())
            rows = sorted(r for r in self.model.rows_of(selected) if r >= 0)
            w.select_rows(rows, self.model.row_of(current) if current is not None else -1)
        finally:
            self._restoring = False
        if not w.has_selection():
            self._show_note(None)
        elif not self._dirty:  # an edit being typed stays; otherwise the fields are reread
            self._show_selected_note()
        self._update_actions()

    def _update_decks(self) -> None:
        form = self.window.form
        with self._ops.exclusive():
            names = list(self._col.decks.names().values())
        form.set_decks(names, form.deck.currentText())
