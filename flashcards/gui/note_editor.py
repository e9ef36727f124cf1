"""Adding and editing notes: the fields form (shared with the browser) and its dialog.

The form and the dialog lay out; :mod:`note_controller` reads and saves the note. Notes of
the shipped note types are edited as plain-text front and back; a note in one of the
collection's Anki note types as one rich-text box per field of its note type
(:mod:`field_edit`), once :meth:`NoteForm.set_anki_fields` is called. When adding, the note
type chooser offers the shipped types and, after them, the collection's Anki note types
(:meth:`NoteForm.add_notetypes`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from flashcards.core.shipped_notetypes import NAMES
from flashcards.gui.field_edit import FieldsEditor, MediaPath
from flashcards.gui.i18n import mark, translate
from flashcards.gui.plain import make_plain, message_box, plain_label

#: The shipped note types the form adds, by kind (marked for translation; shown translated).
KINDS = (
    ("basic", mark("NoteForm", "Basic")),
    ("basic+reversed", mark("NoteForm", "Basic and reversed")),
    ("cloze", mark("NoteForm", "Cloze")),
)
_CLOZE_NUMBER = re.compile(r"\{\{c(\d+)::")


def notetype_title(name: str) -> str:
    """A note type's name as shown: a shipped type's translated, any other as it is.

    The core names a shipped type as Anki sees it (``Flashcards Basic``).
    """
    titles = {NAMES[kind]: label for kind, label in KINDS}
    return translate("NoteForm", titles[name]) if name in titles else name


def offer_notetypes(
    box: QComboBox, notetypes: Sequence[tuple[int, str, Sequence[str]]]
) -> dict[int, tuple[str, ...]]:
    """Add Anki note types (id, name, field names) to a chooser after the shipped ones.

    Returns:
        Each offered type's field names by its id (see :func:`chosen_anki_type`).
    """
    if notetypes:
        box.insertSeparator(box.count())
    for type_id, name, _names in notetypes:
        box.addItem(name, type_id)
    return {type_id: tuple(names) for type_id, _name, names in notetypes}


def chosen_anki_type(box: QComboBox, offered: Mapping[int, object]) -> int | None:
    """The Anki note type chosen in ``box`` (one of ``offered``); None for a shipped type."""
    data = box.currentData()
    return data if isinstance(data, int) and data in offered else None


@dataclass(frozen=True)
class NoteFields:
    """What the form holds."""

    kind: str
    front: str
    back: str
    tags: tuple[str, ...]
    deck: str


class NoteForm(QWidget):
    """Note type, front, back, tags and deck of one note; or each field of an Anki-typed note."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = QComboBox()
        for value, text in KINDS:
            self.kind.addItem(self.tr(text), value)
        self.deck = QComboBox()
        self.deck.setEditable(True)
        self.deck.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.front = QPlainTextEdit()
        self.front.setObjectName("frontEdit")
        self.back = QPlainTextEdit()
        self.back.setObjectName("backEdit")
        for edit in (self.front, self.back):
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(70)
            edit.textChanged.connect(self.edited)
        self.tags = QLineEdit()
        self.tags.setPlaceholderText(self.tr("space-separated, e.g. llm basics"))
        self.tags.textEdited.connect(self.edited)
        self.front_label = QLabel(self.tr("&Front"))
        self.front_label.setBuddy(self.front)
        self.back_label = QLabel(self.tr("&Back"))
        self.back_label.setBuddy(self.back)
        self.cloze_button = QPushButton(self.tr("[…] Cloze"))
        self.cloze_button.setToolTip(
            self.tr("Make the selected text a cloze deletion (Ctrl+Shift+C)")
        )
        self.cloze_button.clicked.connect(self._on_cloze)
        QShortcut(QKeySequence("Ctrl+Shift+C"), self, self._on_cloze)
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.kind.currentIndexChanged.connect(self.edited)
        self.deck.currentTextChanged.connect(self.edited)
        self.notetype = plain_label()
        self.notetype.setObjectName("notetypeLabel")
        self.fields_editor = FieldsEditor()
        self.fields_editor.setObjectName("fieldsEditor")
        self.fields_editor.edited.connect(self.edited)
        # The field names of each Anki note type the chooser offers, by id.
        self._type_fields: dict[int, tuple[str, ...]] = {}
        self._media_path: MediaPath | None = None

        form = QFormLayout(self)
        self._form = form
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Note t&ype"), self.kind)
        form.addRow(self.tr("Note type"), self.notetype)
        form.addRow(self.tr("&Deck"), self.deck)
        form.addRow(self.front_label, self.front)
        form.addRow("", self.cloze_button)
        form.addRow(self.back_label, self.back)
        form.addRow(self.fields_editor)
        form.addRow(self.tr("&Tags"), self.tags)
        self._anki = False
        self._show_anki(False)
        self._on_kind_changed()

    @property
    def anki_typed(self) -> bool:
        """Whether the form shows the fields of a note from Anki (see :meth:`set_anki_fields`)."""
        return self._anki

    def set_anki_fields(
        self, notetype: str, names: Sequence[str], values: Sequence[str], media_path: MediaPath
    ) -> None:
        """Show one rich-text box per field of a note from Anki instead of front and back.

        Call after :meth:`set_fields` (which shows front and back again).

        Args:
            notetype: The note type's name.
            names: Its field names.
            values: Each field's HTML.
            media_path: Resolves an image name to a file of the media folder.
        """
        self.notetype.setText(notetype)
        self.fields_editor.set_fields(names, values, media_path)
        self._show_anki(True)

    def add_notetypes(
        self, notetypes: Sequence[tuple[int, str, Sequence[str]]], media_path: MediaPath
    ) -> None:
        """Offer the collection's Anki note types after the shipped ones, for adding.

        Choosing one shows a rich-text box per field (empty) instead of front and back.

        Args:
            notetypes: Each note type's id, name and field names, in the order shown.
            media_path: Resolves an image name to a file of the media folder.
        """
        self._media_path = media_path
        self._type_fields = offer_notetypes(self.kind, notetypes)

    def choose_notetype(self, value: str) -> None:
        """Select a shipped type by its kind, or an Anki type by its id (as text); else keep."""
        data: str | int = int(value) if value.isdigit() else value
        index = self.kind.findData(data)
        if value and index >= 0:
            self.kind.setCurrentIndex(index)

    def chosen_notetype(self) -> int | None:
        """The Anki note type chosen for a new note; None for a shipped type."""
        return chosen_anki_type(self.kind, self._type_fields)

    def anki_values(self) -> list[str] | None:
        """Each field's HTML of a note from Anki; None when the form shows front and back."""
        return self.fields_editor.values() if self._anki else None

    def focus_text(self) -> None:
        """Put the cursor in the first box of text."""
        if self._anki:
            self.fields_editor.focus_first()
        else:
            self.front.setFocus()

    def _show_anki(self, anki: bool, *, chosen: bool = False) -> None:
        """Show the fields of an Anki-typed note (``chosen``: its type picked for adding)."""
        self._anki = anki
        form = self._form
        for widget in (self.front, self.back):
            form.setRowVisible(widget, not anki)
        form.setRowVisible(self.kind, not anki or chosen)
        form.setRowVisible(self.cloze_button, not anki and self.kind.currentData() == "cloze")
        form.setRowVisible(self.notetype, anki and not chosen)
        form.setRowVisible(self.fields_editor, anki)

    def set_decks(self, names: list[str], current: str = "") -> None:
        """Offer these deck names (a new name may be typed)."""
        self.deck.blockSignals(True)
        self.deck.clear()
        self.deck.addItems(sorted(names, key=lambda n: n.split("::")))
        self.deck.setCurrentText(current or (names[0] if names else "Default"))
        self.deck.blockSignals(False)

    def set_fields(self, fields: NoteFields) -> None:
        """Show a note's fields."""
        for widget in (self.kind, self.front, self.back, self.tags, self.deck):
            widget.blockSignals(True)
        index = self.kind.findData(fields.kind)
        self.kind.setCurrentIndex(max(0, index))
        self.front.setPlainText(fields.front)
        self.back.setPlainText(fields.back)
        self.tags.setText(" ".join(fields.tags))
        self.deck.setCurrentText(fields.deck)
        for widget in (self.kind, self.front, self.back, self.tags, self.deck):
            widget.blockSignals(False)
        self._show_anki(False)
        self._on_kind_changed()

    def fields(self) -> NoteFields:
        """The fields as typed."""
        return NoteFields(
            kind=str(self.kind.currentData()),
            front=self.front.toPlainText().strip(),
            back=self.back.toPlainText().strip(),
            tags=tuple(self.tags.text().split()),
            deck=self.deck.currentText().strip(),
        )

    def clear_text(self) -> None:
        """Empty the fields for the next note (note type, deck and tags stay)."""
        self.front.clear()
        self.back.clear()
        chosen = self.chosen_notetype()
        if chosen is not None:
            self._show_chosen(chosen)
        self.focus_text()

    def _show_chosen(self, type_id: int) -> None:
        names = self._type_fields[type_id]
        assert self._media_path is not None  # set with the note types
        self.fields_editor.set_fields(names, [""] * len(names), self._media_path)
        self._show_anki(True, chosen=True)

    @Slot()
    def _on_kind_changed(self) -> None:
        chosen = self.chosen_notetype()
        if chosen is not None:
            self._show_chosen(chosen)
            return
        if self._anki and self._type_fields:  # back from an Anki type to a shipped one
            self._show_anki(False)
        cloze = self.kind.currentData() == "cloze"
        self.front_label.setText(self.tr("Te&xt") if cloze else self.tr("&Front"))  # Alt+T is Tags
        self.back_label.setText(self.tr("&Extra") if cloze else self.tr("&Back"))
        self._form.setRowVisible(self.cloze_button, cloze and not self._anki)

    @Slot()
    def _on_cloze(self) -> None:
        if self._anki:  # the focus is outside the fields (in one, the field takes the key)
            self.fields_editor.cloze()
            return
        if self.kind.currentData() != "cloze":
            self.kind.setCurrentIndex(self.kind.findData("cloze"))
        cursor = self.front.textCursor()
        numbers = [int(n) for n in _CLOZE_NUMBER.findall(self.front.toPlainText())]
        number = max(numbers, default=0) + 1
        selected = cursor.selectedText()
        cursor.insertText(f"{{{{c{number}::{selected}}}}}")
        if not selected:
            cursor.movePosition(cursor.MoveOperation.Left, n=2)
            self.front.setTextCursor(cursor)
        self.front.setFocus()


class NoteDialog(QDialog):
    """Lays out the form for adding notes (it stays open for the next one) or editing one.

    Esc, Close or the title bar's button ask before discarding what was typed since the note
    was shown or last saved (the controller calls :meth:`mark_saved` then).

    Args:
        editing: Editing one note (Save closes) rather than adding notes (Add keeps it open).
    """

    save_requested = Signal()

    def __init__(self, editing: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Edit Note") if editing else self.tr("Add Note"))
        self.form = NoteForm()
        self.error = make_plain(QLabel())
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            self.tr("Save") if editing else self.tr("Add"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setToolTip("Ctrl+Enter")
        self.save_button.setDefault(False)
        self.save_button.setAutoDefault(False)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self.save_requested)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.save_requested.emit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(560, 440)
        self._saved: tuple[object, ...] = self._snapshot()
        #: The box asking whether to discard the changes, while it is open.
        self.discard_box: QMessageBox | None = None

    def _snapshot(self) -> tuple[object, ...]:
        return (self.form.fields(), self.form.anki_values())

    def mark_saved(self) -> None:
        """What the form holds now is saved (or was just shown): closing it loses nothing."""
        self._saved = self._snapshot()

    def has_changes(self) -> bool:
        """Whether the form holds something typed since :meth:`mark_saved`."""
        return self._snapshot() != self._saved

    def reject(self) -> None:
        """Close (Esc, Close, the title bar's button), after asking when there are changes."""
        if self.has_changes():
            box = message_box(
                self,
                QMessageBox.Icon.Question,
                self.windowTitle(),
                self.tr("Discard the changes to this note?"),
                QMessageBox.StandardButton.NoButton,
            )
            discard = box.addButton(self.tr("&Discard"), QMessageBox.ButtonRole.DestructiveRole)
            keep = box.addButton(self.tr("&Keep Editing"), QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(keep)
            box.setEscapeButton(keep)
            self.discard_box = box
            box.exec()
            self.discard_box = None
            if box.clickedButton() is not discard:
                return
        super().reject()

    def show_error(self, text: str) -> None:
        """Say why the note was not saved."""
        self.error.setText(text)
        self.error.show()

    def show_added(self, count: int) -> None:
        """A note was added: count it and clear the text for the next one."""
        self.error.hide()
        self.setWindowTitle(self.tr("Add Note ({n} added)").format(n=count))
        self.form.clear_text()
        self.mark_saved()
