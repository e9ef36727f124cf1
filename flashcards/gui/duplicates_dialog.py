"""The Find Duplicates dialog: notes whose chosen field holds the same text, in groups.

As Anki's: pick a field and optionally a search, press Search; each group lists how many notes
share which text, and clicking a group shows its notes in the browser (a ``nid:`` search). The
dialog asks and lists; the browser's controller finds (:func:`find_duplicates`) and searches.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from flashcards.core.find_replace import DuplicateGroup
from flashcards.gui.plain import make_plain, one_line

SEARCH_ROLE = Qt.ItemDataRole.UserRole


class DuplicatesDialog(QDialog):
    """Asks for a field and a search; lists the groups of duplicates found.

    Args:
        fields: The fields' names the notes have.
        search: The browser's current search (the dialog's starting "Optional limit").
    """

    #: Find duplicates of this field among the notes of this search.
    find_requested = Signal(str, str)
    #: Show a group's notes in the browser (its search).
    group_chosen = Signal(str)

    def __init__(
        self, fields: Sequence[str], search: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("findDuplicates")
        self.setWindowTitle(self.tr("Find Duplicates"))
        self.field = QComboBox()
        self.field.addItems(list(fields))
        self.search = QLineEdit(search)
        self.search.setPlaceholderText(self.tr("Optional: a search that limits the notes"))
        self.search_button = QPushButton(self.tr("&Search"))
        self.search_button.setDefault(True)
        self.summary = make_plain(QLabel())
        self.groups = QTreeWidget()
        self.groups.setObjectName("duplicateGroups")
        self.groups.setHeaderLabels([self.tr("Notes"), self.tr("Text")])
        self.groups.setRootIsDecorated(False)
        self.groups.setUniformRowHeights(True)
        self.groups.setColumnWidth(0, 70)
        form = QFormLayout()
        form.addRow(self.tr("Search in:"), self.field)
        form.addRow(self.tr("Optional limit:"), self.search)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.search_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.groups, 1)
        layout.addWidget(buttons)
        self.search_button.clicked.connect(self._on_search)
        self.search.returnPressed.connect(self._on_search)
        self.groups.itemClicked.connect(self._on_group)
        self.groups.itemActivated.connect(self._on_group)
        self.resize(560, 460)

    @Slot()
    def _on_search(self) -> None:
        self.find_requested.emit(self.field.currentText(), self.search.text())

    def set_groups(self, groups: Sequence[DuplicateGroup]) -> None:
        """List the groups found."""
        self.groups.clear()
        notes = sum(len(g.note_ids) for g in groups)
        if groups:
            sets = (
                self.tr("{n} set of duplicates")
                if len(groups) == 1
                else self.tr("{n} sets of duplicates")
            ).format(n=f"{len(groups):,}")
            self.summary.setText(
                self.tr("{sets}, {n} notes.").format(sets=sets, n=f"{notes:,}")
            )  # a set has two notes or more
        else:
            self.summary.setText(self.tr("No duplicates found."))
        for group in groups:
            item = QTreeWidgetItem([str(len(group.note_ids)), one_line(group.text, 120)])
            item.setData(0, SEARCH_ROLE, group.search)
            item.setTextAlignment(0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.groups.addTopLevelItem(item)

    def set_error(self, text: str) -> None:
        """Say why no search was made."""
        self.groups.clear()
        self.summary.setText(text)

    @Slot(QTreeWidgetItem, int)
    def _on_group(self, item: QTreeWidgetItem, _column: int) -> None:
        search = item.data(0, SEARCH_ROLE)
        if isinstance(search, str):
            self.group_chosen.emit(search)
