"""The Change Note Type dialog, as Anki's: the new note type and what each of its fields takes.

The dialog only asks; the browser's controller runs
:meth:`flashcards.core.notes.NoteManager.change_notetype` when it is accepted.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from flashcards.gui.plain import make_plain

#: A note type offered: its id, the name shown and its field names.
Offered = tuple[int, str, Sequence[str]]


class ChangeNotetypeDialog(QDialog):
    """Choose the new note type of some notes and what each of its fields takes.

    Args:
        current: The notes' note type (its name shown and its field names).
        count: How many notes change.
        targets: Every note type the notes can go into.
        parent: The window the dialog belongs to.
    """

    def __init__(
        self,
        current: tuple[str, Sequence[str]],
        count: int,
        targets: Sequence[Offered],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Change Note Type"))
        self._old = list(current[1])
        self._targets = list(targets)
        summary = make_plain(QLabel())
        summary.setWordWrap(True)
        summary.setText(
            (
                self.tr("1 note of the note type {name}.")
                if count == 1
                else self.tr("{n} notes of the note type {name}.")
            ).format(n=count, name=current[0])
        )
        self.target = QComboBox()
        for type_id, title, _fields in self._targets:
            self.target.addItem(title, type_id)
        self.fields_form = QFormLayout()
        self.mapping: list[QComboBox] = []
        note = make_plain(QLabel())
        note.setWordWrap(True)
        note.setText(
            self.tr(
                "A card the new note type does not make is removed if it was never"
                " reviewed; a change that would remove a card with review history is refused."
            )
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Change"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        top = QFormLayout()
        top.addRow(self.tr("New note type"), self.target)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addLayout(top)
        layout.addLayout(self.fields_form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.target.currentIndexChanged.connect(self._on_target)
        self._on_target()

    @Slot()
    def _on_target(self) -> None:
        """Offer, for each field of the chosen type, the old field of the same name (or place)."""
        while self.fields_form.rowCount():
            self.fields_form.removeRow(0)
        self.mapping = []
        fields = self._targets[self.target.currentIndex()][2] if self._targets else ()
        for index, name in enumerate(fields):
            box = QComboBox()
            for number, old in enumerate(self._old):
                box.addItem(old, number)
            box.addItem(self.tr("(nothing)"), None)
            same = self._old.index(name) if name in self._old else None
            default = same if same is not None else (index if index < len(self._old) else None)
            box.setCurrentIndex(box.findData(default) if default is not None else len(self._old))
            self.mapping.append(box)
            label = make_plain(QLabel())
            label.setText(name)
            self.fields_form.addRow(label, box)

    def request(self) -> tuple[int, list[int | None]]:
        """The new note type's id and, for each of its fields, the old field it takes."""
        type_id = int(self.target.currentData())
        return type_id, [box.currentData() for box in self.mapping]
