"""The options of a text (CSV/TSV) import, as Anki's: separator, columns, note type, deck...

The note type is a shipped one (the columns give the front and the back) or one of the
collection's Anki note types (each column may give one of its fields).

The dialog reads the first rows of the file (:func:`flashcards.core.exchange.text.preview_text`)
and shows them as they will be read; every change of separator, encoding or header row reads
them again. It only collects choices: :meth:`TextImportDialog.options` and
:meth:`TextImportDialog.deck` are what the import is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from flashcards.core.enums import NoteKind
from flashcards.core.errors import InputError
from flashcards.core.exchange.our_notetypes import NAMES
from flashcards.core.exchange.text import (
    ENCODINGS,
    Column,
    Duplicates,
    TextOptions,
    TextPreview,
    preview_text,
)
from flashcards.gui.i18n import mark, translate
from flashcards.gui.note_editor import chosen_anki_type, notetype_title, offer_notetypes
from flashcards.gui.plain import make_plain

# The choices' texts are shown translated (context "TextImportDialog").
SEPARATORS = (
    (mark("TextImportDialog", "Detect"), None),
    (mark("TextImportDialog", "Tab"), "tab"),
    (mark("TextImportDialog", "Comma"), "comma"),
    (mark("TextImportDialog", "Semicolon"), "semicolon"),
    (mark("TextImportDialog", "Space"), "space"),
    (mark("TextImportDialog", "Pipe (|)"), "pipe"),
    (mark("TextImportDialog", "Colon"), "colon"),
)
ROLES = (
    (mark("TextImportDialog", "Front"), Column.FRONT),
    (mark("TextImportDialog", "Back"), Column.BACK),
    (mark("TextImportDialog", "Tags"), Column.TAGS),
    (mark("TextImportDialog", "Deck"), Column.DECK),
    (mark("TextImportDialog", "Nothing"), Column.IGNORE),
)
EXISTING = (
    (mark("TextImportDialog", "Update them"), Duplicates.UPDATE),
    (mark("TextImportDialog", "Leave them as they are"), Duplicates.SKIP),
    (mark("TextImportDialog", "Keep both (add as new notes)"), Duplicates.KEEP_BOTH),
)


def _tr(text: str) -> str:
    return translate("TextImportDialog", text)


#: Header names that say what their column holds (a spreadsheet's "Tags" column).
HEADER_ROLES = {
    "tags": Column.TAGS,
    "tag": Column.TAGS,
    "タグ": Column.TAGS,
    "deck": Column.DECK,
    "デッキ": Column.DECK,
}
#: The most columns the mapping offers (a wider file maps the rest to nothing).
MAX_COLUMNS = 12


class TextImportDialog(QDialog):
    """Choose how a text file is imported; shows its first rows as they will be read.

    Args:
        path: The file.
        decks: The collection's deck names (the deck box offers them).
        parent: The window the dialog belongs to.
        notetypes: The collection's Anki note types (id, name, field names), offered after
            the shipped ones.
    """

    def __init__(
        self,
        path: Path,
        decks: list[str],
        parent: QWidget | None = None,
        notetypes: Sequence[tuple[int, str, Sequence[str]]] = (),
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.setWindowTitle(self.tr("Import {name}").format(name=path.name))
        self.resize(720, 560)
        self.preview: TextPreview | None = None

        self.separator = QComboBox()
        for text, value in SEPARATORS:
            self.separator.addItem(_tr(text), value)
        self.encoding = QComboBox()
        for name in ENCODINGS:
            self.encoding.addItem(self.tr("Detect") if name == "auto" else name, name)
        self.header_row = QCheckBox(self.tr("The first row names the columns"))
        self.html = QCheckBox(self.tr("Fields are HTML"))
        self.kind = QComboBox()
        for kind in (NoteKind.BASIC, NoteKind.REVERSED, NoteKind.CLOZE):
            self.kind.addItem(notetype_title(NAMES[kind]), kind.value)  # as Add Note shows it
        # The field names of each Anki note type offered, by id.
        self._type_fields = offer_notetypes(self.kind, notetypes)
        self.deck_box = QComboBox()
        self.deck_box.setEditable(True)
        self.deck_box.addItems(sorted(decks))
        self.deck_box.setEditText(path.stem)
        self.tags = QLineEdit()
        self.tags.setPlaceholderText(self.tr("tags for every note, separated by spaces"))
        self.existing = QComboBox()
        for text, value in EXISTING:
            self.existing.addItem(_tr(text), value)
        self.error = make_plain(QLabel())
        self.error.setObjectName("importError")
        self.error.setWordWrap(True)
        self.error.hide()

        file_form = QFormLayout()
        file_form.addRow(self.tr("Field separator"), self.separator)
        file_form.addRow(self.tr("Encoding"), self.encoding)
        file_form.addRow("", self.header_row)
        file_form.addRow("", self.html)
        file_box = QGroupBox(self.tr("File"))
        file_box.setLayout(file_form)

        self.mapping_form = QFormLayout()
        self.mapping: list[QComboBox] = []
        # What the learner picked per column: a role, or a field number of the Anki type.
        self._chosen: dict[int, Column | int] = {}
        mapping_box = QGroupBox(self.tr("Columns"))
        mapping_box.setLayout(self.mapping_form)

        notes_form = QFormLayout()
        notes_form.addRow(self.tr("Note type"), self.kind)
        notes_form.addRow(self.tr("Deck"), self.deck_box)
        notes_form.addRow(self.tr("Tags"), self.tags)
        notes_form.addRow(self.tr("Notes the collection has"), self.existing)
        notes_box = QGroupBox(self.tr("Notes"))
        notes_box.setLayout(notes_form)

        self.table = QTableWidget()
        self.table.setObjectName("importPreview")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText(self.tr("Import"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(file_box)
        top.addWidget(mapping_box)
        top.addWidget(notes_box)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

        for box in (self.separator, self.encoding):
            box.currentIndexChanged.connect(self._on_file_changed)
        self.header_row.toggled.connect(self._on_file_changed)
        self.kind.currentIndexChanged.connect(self._on_type_changed)
        self._on_file_changed()

    def _file_options(self) -> TextOptions:
        return TextOptions(
            separator=self.separator.currentData(),
            header_row=self.header_row.isChecked(),
            encoding=str(self.encoding.currentData()),
        )

    @Slot()
    def _on_file_changed(self) -> None:
        """Read the first rows again and rebuild the column mapping and the preview."""
        try:
            preview = preview_text(self.path, self._file_options())
        except InputError as exc:
            self.preview = None
            self.error.setText(str(exc))
            self.error.show()
            self.import_button.setEnabled(False)
            self.table.clear()
            return
        self.error.hide()
        self.import_button.setEnabled(True)
        first_time = self.preview is None
        self.preview = preview
        if first_time and preview.headers.get("html", "").strip().lower() == "true":
            self.html.setChecked(True)
        self._rebuild_mapping(preview)
        self._fill_table(preview)

    def _names(self, preview: TextPreview) -> list[str]:
        first = preview.rows[0] if preview.rows and self.header_row.isChecked() else []
        return [
            (
                first[i]
                if i < len(first) and first[i].strip()
                else self.tr("Column {n}").format(n=i + 1)
            )
            for i in range(preview.width)
        ]

    def chosen_notetype(self) -> int | None:
        """The Anki note type chosen; None for a shipped one."""
        return chosen_anki_type(self.kind, self._type_fields)

    @Slot()
    def _on_type_changed(self) -> None:
        """Another note type: the columns are offered its fields, picked afresh."""
        self._chosen = {}
        if self.preview is not None:
            self._rebuild_mapping(self.preview)

    def _rebuild_mapping(self, preview: TextPreview) -> None:
        while self.mapping_form.rowCount():
            self.mapping_form.removeRow(0)
        self.mapping = []
        named = self.header_row.isChecked()
        type_fields = self._type_fields.get(self.chosen_notetype() or 0)
        for index, name in enumerate(self._names(preview)[:MAX_COLUMNS]):
            box = QComboBox()
            default: Column | int
            if type_fields is None:
                for text, role in ROLES:
                    box.addItem(_tr(text), role)
                default = (Column.FRONT, Column.BACK)[index] if index < 2 else Column.IGNORE
            else:  # the Anki type's fields in order, then what the shipped types offer too
                for number, field_name in enumerate(type_fields):
                    box.addItem(field_name, number)
                for text, role in ROLES[2:]:
                    box.addItem(_tr(text), role)
                default = index if index < len(type_fields) else Column.IGNORE
            if named and name.strip().casefold() in HEADER_ROLES:  # a column called "Tags"
                default = HEADER_ROLES[name.strip().casefold()]
            wanted = self._chosen.get(index, default)  # what the learner picked stays
            box.setCurrentIndex(max(0, box.findData(wanted)))
            box.activated.connect(lambda _=0, i=index, b=box: self._on_mapped(i, b))
            self.mapping.append(box)
            label = make_plain(QLabel())
            label.setText(name[:40])
            self.mapping_form.addRow(label, box)

    def _on_mapped(self, index: int, box: QComboBox) -> None:
        """The learner chose what column ``index`` holds (kept when the rows are read again)."""
        data = box.currentData()
        self._chosen[index] = data if isinstance(data, int) else Column(str(data))

    def _fill_table(self, preview: TextPreview) -> None:
        rows = preview.rows[1:] if self.header_row.isChecked() else preview.rows
        self.table.clear()
        self.table.setColumnCount(preview.width)
        self.table.setRowCount(len(rows))
        self.table.setHorizontalHeaderLabels(self._names(preview))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(value[:200]))
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for column in range(preview.width):  # readable, but no column wider than a third
            header.resizeSection(column, min(header.sectionSize(column), self.width() // 3))
        header.setStretchLastSection(True)

    def options(self) -> TextOptions:
        """The choices, as the import takes them."""
        chosen = [box.currentData() for box in self.mapping]
        columns = tuple(Column.FIELD if isinstance(d, int) else Column(str(d)) for d in chosen)
        notetype = self.chosen_notetype()
        field_columns: tuple[int | None, ...] = ()
        if notetype is not None:  # each field from the first column chosen for it
            field_columns = tuple(
                next((c for c, d in enumerate(chosen) if d == number), None)
                for number in range(len(self._type_fields[notetype]))
            )
        return TextOptions(
            separator=self.separator.currentData(),
            header_row=self.header_row.isChecked(),
            columns=columns or None,
            kind=None if notetype is not None else str(self.kind.currentData()),
            notetype=notetype,
            field_columns=field_columns,
            tags=tuple(self.tags.text().split()),
            duplicates=Duplicates(str(self.existing.currentData())),
            encoding=str(self.encoding.currentData()),
            html=self.html.isChecked(),
        )

    def deck(self) -> str | None:
        """The deck chosen (None: the file's deck column decides, with the file name else)."""
        if any(box.currentData() == Column.DECK for box in self.mapping):
            return None
        return self.deck_box.currentText().strip() or None
