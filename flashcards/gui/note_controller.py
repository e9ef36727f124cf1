"""Adding and editing notes: reads the note into the dialog and saves what was typed.

A note from Anki in a note type of its own is edited field by field as HTML
(``col.notes.update_fields``); the images pasted, dropped or chosen in its fields are stored in
the collection's media folder here, on the GUI thread (the name goes in the field at once).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QWidget

from flashcards.gui.clock import Clock
from flashcards.gui.i18n import translate
from flashcards.gui.note_editor import NoteDialog, NoteFields, NoteForm
from flashcards.gui.ops import Ops
from flashcards.gui.plain import one_sentence

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from flashcards.core.changes import OpResult
    from flashcards.core.collection import Collection


#: The collection setting that keeps the note type of the last note added.
LAST_NOTETYPE_SETTING = "add_notetype"


def add_images(
    ops: Ops,
    form: NoteForm,
    index: int,
    adds: Sequence[Callable[[], str]],
    initiator: object,
) -> str | None:
    """Store images in the media folder and put each stored name in field ``index``.

    Shared by the Edit Note dialog and the browser's editor.

    Returns:
        None, or the sentence to show when a picture could not be stored (no media folder,
        an unreadable file, a full disk); the pictures before it are in.
    """
    from flashcards.core.errors import FlashcardsError

    for add in adds:
        try:
            stored = ops.run_now(add, initiator=initiator)
        except FlashcardsError as exc:
            return one_sentence(exc, translate("NoteController", "The picture was not added"))
        form.fields_editor.insert_image(index, stored)
    return None


class NoteController(QObject):
    """Add notes (the dialog stays open for the next one) or edit one note.

    Args:
        col: The collection.
        ops: Saves the note (at once, on the GUI thread) and announces the change.
        clock: Returns the current time.
        note_id: The note to edit, or None to add notes.
        deck: The deck preselected when adding.
        parent: The window the dialog belongs to.
    """

    def __init__(
        self,
        col: Collection,
        ops: Ops,
        clock: Clock,
        note_id: int | None = None,
        deck: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        dialog = NoteDialog(note_id is not None, parent)
        super().__init__(dialog)
        self.dialog = dialog
        self._col = col
        self._ops = ops
        self._clock = clock
        self.note_id = note_id
        self.added = 0
        with ops.exclusive():
            names = list(col.decks.names().values())
            note = col.notes.get(note_id) if note_id is not None else None
            anki = col.notes.anki_fields(note_id) if note_id is not None else None
            notetypes = col.notes.notetypes() if note_id is None else []
            self._last_type = col.config.get(LAST_NOTETYPE_SETTING) if note_id is None else ""
        form = dialog.form
        if note is not None:
            form.set_decks(names, note.deck_name)
            form.set_fields(NoteFields(note.kind, note.front, note.back, note.tags, note.deck_name))
            if anki is not None:
                form.set_anki_fields(anki.notetype, anki.names, anki.html, col.media.path)
                dialog.resize(max(dialog.width(), 720), max(dialog.height(), 640))
        else:
            form.set_decks(names, deck or "")
            form.add_notetypes(
                [(t.id, t.name, t.field_names) for t in notetypes if not t.shipped],
                col.media.path,
            )
            form.choose_notetype(self._last_type)  # the type of the last note added, as Anki
        form.focus_text()
        dialog.mark_saved()  # Esc closes at once until something is typed
        form.fields_editor.image_pasted.connect(self._on_image_pasted)
        form.fields_editor.image_files_chosen.connect(self._on_image_files)
        dialog.save_requested.connect(self._on_save)

    def _remember_type(self, value: str) -> None:
        """Keep the note type of the note just added for the next Add (a kind or a type id)."""
        if value != self._last_type:
            self._ops.run_now(lambda: self._col.config.set(LAST_NOTETYPE_SETTING, value))
            self._last_type = value

    def exec(self) -> int:
        """Show the dialog and wait for it to close."""
        return self.dialog.exec()

    @Slot(int, bytes, str)
    def _on_image_pasted(self, index: int, data: bytes, name: str) -> None:
        adds = [lambda: self._col.media.add_bytes(name, data)]
        self._show_image_error(add_images(self._ops, self.dialog.form, index, adds, self))

    @Slot(int, list)
    def _on_image_files(self, index: int, paths: list[str]) -> None:
        adds = [partial(self._col.media.add_file, Path(p)) for p in paths]
        self._show_image_error(add_images(self._ops, self.dialog.form, index, adds, self))

    def _show_image_error(self, error: str | None) -> None:
        if error is None:
            self.dialog.error.hide()
        else:
            self.dialog.show_error(error)

    @Slot()
    def _on_save(self) -> None:
        from flashcards.core.errors import FlashcardsError, InputError

        fields = self.dialog.form.fields()
        anki_values = self.dialog.form.anki_values()
        note_id, now = self.note_id, self._clock()
        chosen = self.dialog.form.chosen_notetype()
        try:
            if not fields.deck:
                raise InputError(self.tr("Choose or type a deck."))
            if note_id is None and chosen is not None and anki_values is not None:
                self._ops.run_now(
                    lambda: self._col.notes.add_fields(
                        fields.deck, chosen, anki_values, now, tags=fields.tags
                    ),
                    initiator=self,
                )
            elif note_id is None:
                self._ops.run_now(
                    lambda: self._col.notes.add(
                        fields.deck, fields.kind, fields.front, fields.back, now,
                        tags=fields.tags,
                    ),
                    initiator=self,
                )  # fmt: skip
            else:

                def update() -> OpResult[None]:
                    # One step of Edit → Undo ("Undo Edit Note"), as the browser's editor.
                    with self._col.undo.notes("Edit Note", [note_id]):
                        if anki_values is not None:
                            return self._col.notes.update_fields(
                                note_id, anki_values, now, tags=fields.tags, deck=fields.deck
                            )
                        return self._col.notes.update(
                            note_id, now, front=fields.front, back=fields.back, kind=fields.kind,
                            tags=fields.tags, deck=fields.deck,
                        )  # fmt: skip

                self._ops.run_now(update, initiator=self)
        except FlashcardsError as exc:
            self.dialog.show_error(one_sentence(exc, self.tr("The note was not saved")))
            return
        if note_id is None:
            self._remember_type(str(chosen) if chosen is not None else fields.kind)
            self.added += 1
            self.dialog.show_added(self.added)
        else:
            self.dialog.error.hide()
            self.dialog.accept()
