"""The Find and Replace dialog, as Anki's: what to find, what to put, where, and how to match.

The dialog only asks; the browser's controller runs
:func:`flashcards.core.find_replace.find_and_replace` when it is accepted. A regular expression
that does not compile is reported in the dialog, which stays open.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from flashcards.gui.i18n import mark
from flashcards.gui.plain import make_plain

#: The first choice of "In" (marked; shown translated).
ALL_FIELDS = mark("FindReplaceDialog", "All fields")


@dataclass(frozen=True)
class FindReplaceRequest:
    """What the learner asked to replace, and where."""

    find: str
    replacement: str
    #: The field's name, or None for every field.
    field: str | None
    selected_only: bool
    regex: bool
    match_case: bool


class FindReplaceDialog(QDialog):
    """Asks what to find and replace in the notes' fields.

    Args:
        fields: The fields' names the notes have (the "In" choices after "All fields").
        selected: How many notes are selected (0: only the whole collection can be searched).
    """

    def __init__(self, fields: Sequence[str], selected: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findReplace")
        self.setWindowTitle(self.tr("Find and Replace"))
        self.find_text = QLineEdit()
        self.find_text.setObjectName("findText")
        self.replace_text = QLineEdit()
        self.replace_text.setObjectName("replaceText")
        self.field = QComboBox()
        self.field.addItem(self.tr(ALL_FIELDS))
        self.field.addItems(list(fields))
        self.selected_only = QCheckBox(
            self.tr("Selected notes only ({n})").format(n=f"{selected:,}")
        )
        self.selected_only.setChecked(selected > 0)
        self.selected_only.setEnabled(selected > 0)
        self.ignore_case = QCheckBox(self.tr("Ignore case"))
        self.ignore_case.setChecked(True)
        self.regex = QCheckBox(self.tr("Treat input as regular expression"))
        self.regex.setToolTip(
            self.tr("Python syntax: \\1 or \\g<name> in the replacement for a group")
        )
        self.error = make_plain(QLabel())
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("&Find:"), self.find_text)
        form.addRow(self.tr("Replace &With:"), self.replace_text)
        form.addRow(self.tr("&In:"), self.field)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        for box in (self.selected_only, self.ignore_case, self.regex):
            layout.addWidget(box)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.find_text.textChanged.connect(self._on_changed)
        self._on_changed()
        self.resize(460, self.sizeHint().height())

    def _on_changed(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.find_text.text()))
        self.error.clear()

    def request(self) -> FindReplaceRequest:
        """What the dialog asks for."""
        field = self.field.currentText()
        return FindReplaceRequest(
            find=self.find_text.text(),
            replacement=self.replace_text.text(),
            field=None if self.field.currentIndex() == 0 else field,
            selected_only=self.selected_only.isChecked(),
            regex=self.regex.isChecked(),
            match_case=not self.ignore_case.isChecked(),
        )

    def accept(self) -> None:
        """Close with the request, unless the expression is not valid (then say so)."""
        if not self.find_text.text():
            return
        if self.regex.isChecked():
            try:
                re.compile(self.find_text.text())
            except re.error as exc:
                self.error.setText(
                    self.tr("The regular expression is not valid: {error}.").format(error=exc)
                )
                return
        super().accept()
