"""The Generate dialog's layout: the article (a file, a web address or pasted text), the preview.

The preview table is editable and each card has a checkbox, so only reviewed cards reach the
collection. The dialog lays out and says what the user asked; :mod:`generate_controller`
generates on the executor and imports.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from flashcards.gui.i18n import mark, translate
from flashcards.gui.plain import make_plain, plain_label, quote, tooltip

if TYPE_CHECKING:
    from flashcards.core.deckfile import DeckFile

#: The kinds of the proposed cards (shown translated).
KIND_TEXT = {
    "basic": mark("GenerateDialog", "Basic"),
    "basic+reversed": mark("GenerateDialog", "Basic + reversed"),
    "cloze": mark("GenerateDialog", "Cloze"),
}


class GenerateDialog(QDialog):
    """Lays out the article, the options and the preview; says when to generate or import."""

    generate_requested = Signal()
    import_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("generateDialog")
        self.setWindowTitle(self.tr("Generate Cards from an Article"))
        self.path: Path | None = None

        self.notice = plain_label()
        self.notice.setObjectName("noticeLabel")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.file_label = plain_label(
            self.tr("No file chosen: choose a file, type a web address or paste the text below.")
        )
        self.file_label.setWordWrap(True)
        self.choose_button = QPushButton(self.tr("Choose File…"))
        self.choose_button.clicked.connect(self._on_choose_file)
        self.url = QLineEdit()
        self.url.setObjectName("articleUrl")
        self.url.setPlaceholderText(self.tr("…or a web address: https://… (a page or a PDF)"))
        self.url.setClearButtonEnabled(True)
        self.url.textEdited.connect(self._on_url_edited)
        self.text = QPlainTextEdit()
        self.text.setObjectName("articleText")
        self.text.setPlaceholderText(self.tr("…or paste the article here (Japanese or English)."))
        self.text.setMaximumHeight(110)
        self.text.textChanged.connect(self._on_text_changed)
        self.deck_name = QLineEdit()
        self.deck_name.setPlaceholderText(self.tr("default: the article's title"))
        self.lang = QComboBox()
        for value, label in (
            ("auto", self.tr("Detect")),
            ("ja", self.tr("Japanese")),
            ("en", self.tr("English")),
        ):
            self.lang.addItem(label, value)
        self.max_cards = QSpinBox()
        self.max_cards.setRange(0, 1000)
        self.max_cards.setSpecialValueText(self.tr("no limit"))
        self.generate_button = QPushButton(self.tr("&Generate"))
        self.generate_button.clicked.connect(self.generate_requested)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.status = plain_label()
        self.status.setObjectName("statusLabel")
        self.status.setWordWrap(True)

        self.table = QTableWidget(0, 3)
        self.table.setObjectName("previewTable")
        self.table.setHorizontalHeaderLabels([self.tr("Front"), self.tr("Back"), self.tr("Kind")])
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 220)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(self._on_item_changed)
        self.select_all = QPushButton(self.tr("Select all"))
        self.select_none = QPushButton(self.tr("Select none"))
        self.select_all.clicked.connect(self._on_select_all)
        self.select_none.clicked.connect(self._on_select_none)
        self.chosen_label = make_plain(QLabel())

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(
            self.tr("&Import Selected"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setEnabled(False)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.import_requested)
        self.buttons.rejected.connect(self.reject)

        source = QHBoxLayout()
        source.addWidget(self.file_label, 1)
        source.addWidget(self.choose_button)
        options = QFormLayout()
        options.addRow(self.tr("&Deck"), self.deck_name)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Language")))
        row.addWidget(self.lang)
        row.addSpacing(12)
        row.addWidget(QLabel(self.tr("At most")))
        row.addWidget(self.max_cards)
        row.addStretch(1)
        row.addWidget(self.generate_button)
        options.addRow(row)
        picks = QHBoxLayout()
        picks.addWidget(self.select_all)
        picks.addWidget(self.select_none)
        picks.addStretch(1)
        picks.addWidget(self.chosen_label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addLayout(source)
        layout.addWidget(self.url)
        layout.addWidget(self.text)
        layout.addLayout(options)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addLayout(picks)
        layout.addWidget(self.buttons)
        self.resize(860, 660)

    # ------------------------------------------------------------------ source

    def set_path(self, path: Path | None) -> None:
        """Use this article file."""
        self.path = path
        self.file_label.setText(str(path) if path else self.tr("No file chosen."))
        if path is not None:
            self.url.clear()
            if not self.deck_name.text():
                self.deck_name.setPlaceholderText(self.tr("default: the article's title"))

    def web_address(self) -> str:
        """The web address typed, trimmed ("" if none)."""
        return self.url.text().strip()

    def show_notice(self, path: Path) -> None:
        """Say that ``path``, given to File → Import, is generated from as an article."""
        self.notice.setText(
            self.tr(
                "{name} reads as an article, not as an Anki text file, so cards are "
                "generated from it instead: keep the ones you want and import them (a table to "
                "import as it is needs a .csv or .tsv name)."
            ).format(name=quote(path.name))
        )
        self.notice.show()

    @Slot()
    def _on_choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose an article"),
            "",
            self.tr(
                "Articles (*.txt *.md *.markdown *.html *.htm *.xhtml *.pdf);;"
                "Web pages (*.html *.htm *.xhtml);;PDF (*.pdf);;All files (*)"
            ),
        )
        if name:
            self.set_path(Path(name))
            self.text.blockSignals(True)
            self.text.clear()
            self.text.blockSignals(False)

    @Slot()
    def _on_text_changed(self) -> None:
        if self.text.toPlainText().strip() and (self.path is not None or self.web_address()):
            self.set_path(None)
            self.url.clear()
            self.file_label.setText(self.tr("Using the pasted text."))

    @Slot(str)
    def _on_url_edited(self, text: str) -> None:
        # A typed address is the article: the file and the pasted text give way to it.
        if text.strip() and (self.path is not None or self.text.toPlainText().strip()):
            self.set_path(None)
            self.text.blockSignals(True)
            self.text.clear()
            self.text.blockSignals(False)
            self.file_label.setText(self.tr("Using the web address."))

    # ------------------------------------------------------------------ generating

    def show_running(self) -> None:
        """Generating: the buttons wait, the progress starts."""
        self.generate_button.setEnabled(False)
        self.import_button.setEnabled(False)
        self.progress.setValue(0)
        self.status.setText(self.tr("Generating…"))

    def show_progress(self, done: int, total: int) -> None:
        """Show how far generating is (total 0: unknown)."""
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        else:
            self.progress.setRange(0, 0)

    def show_generated(self, deck_file: DeckFile) -> None:
        """Show the proposed cards, all ticked."""
        self.progress.setRange(0, 100)
        self.progress.setValue(100)
        self.generate_button.setEnabled(True)
        if not self.deck_name.text().strip():
            self.deck_name.setText(deck_file.name)
        self._fill(deck_file)
        n = len(deck_file.notes)
        if not n:
            self.status.setText(self.tr("No definitions found in this text."))
            return
        self.status.setText(
            (
                self.tr(
                    "{n} card proposed. Uncheck the ones you do not want; "
                    "double-click a cell to edit it."
                )
                if n == 1
                else self.tr(
                    "{n} cards proposed. Uncheck the ones you do not want; "
                    "double-click a cell to edit it."
                )
            ).format(n=n)
        )

    def show_failed(self, text: str) -> None:
        """Say why nothing was generated."""
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.generate_button.setEnabled(True)
        self.status.setText(text)

    def _fill(self, deck_file: DeckFile) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(deck_file.notes))
        for row, note in enumerate(deck_file.notes):
            front = QTableWidgetItem(note.front)
            front.setFlags(front.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            front.setCheckState(Qt.CheckState.Checked)
            front.setToolTip(tooltip(note.source.sentence))
            back = QTableWidgetItem(note.back)
            back.setToolTip(tooltip(note.back))
            kind_text = KIND_TEXT.get(note.kind)
            kind = QTableWidgetItem(
                translate("GenerateDialog", kind_text) if kind_text else note.kind
            )
            kind.setFlags(kind.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, 0, front)
            self.table.setItem(row, 1, back)
            self.table.setItem(row, 2, kind)
        self.table.blockSignals(False)
        self.table.resizeRowsToContents()
        self._update_chosen()

    # ------------------------------------------------------------------ choosing

    @Slot()
    def _on_select_all(self) -> None:
        self._check_all(True)

    @Slot()
    def _on_select_none(self) -> None:
        self._check_all(False)

    def _check_all(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            self._item(row, 0).setCheckState(state)
        self.table.blockSignals(False)
        self._update_chosen()

    @Slot(QTableWidgetItem)
    def _on_item_changed(self, _item: QTableWidgetItem) -> None:
        self._update_chosen()

    def mark_existing(self, found: dict[str, str]) -> None:
        """Untick the proposed cards whose front a note of the collection has already.

        ``found``: each such front with the deck of that note. The learner can tick them
        again (a second note is then added, as asked).
        """
        if not found:
            return
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            front = self._item(row, 0)
            deck = found.get(front.text())
            if deck is None:
                continue
            front.setCheckState(Qt.CheckState.Unchecked)
            note = self.tr("Already in the collection (deck “{deck}”): unticked.").format(deck=deck)
            for column in range(self.table.columnCount()):
                self._item(row, column).setToolTip(tooltip(note))  # a deck name is text
            where = self.tr("in “{deck}”").format(deck=deck)
            self._item(row, 2).setText(f"{self._item(row, 2).text()} · {where}")
        self.table.blockSignals(False)
        self._update_chosen()
        n = len(found)
        self.status.setText(
            (
                self.tr(
                    "{n} of the {total} proposed card is in the collection already and was "
                    "unticked; tick it to add it again."
                )
                if n == 1
                else self.tr(
                    "{n} of the {total} proposed cards are in the collection already and were "
                    "unticked; tick them to add them again."
                )
            ).format(n=n, total=self.table.rowCount())
        )

    def _update_chosen(self) -> None:
        n = len(self.chosen_rows())
        self.chosen_label.setText(
            self.tr("{n} of {total} selected").format(n=n, total=self.table.rowCount())
        )
        self.import_button.setEnabled(n > 0)

    def _item(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        assert item is not None
        return item

    def chosen_rows(self) -> list[int]:
        """Rows whose checkbox is ticked."""
        return [
            r
            for r in range(self.table.rowCount())
            if self._item(r, 0).checkState() == Qt.CheckState.Checked
        ]

    def chosen_deck(self, deck_file: DeckFile) -> DeckFile:
        """The ticked notes of ``deck_file``, edited as in the table, under the name typed."""
        notes = []
        for row in self.chosen_rows():
            note = deck_file.notes[row]
            front = self._item(row, 0).text().strip()
            back = self._item(row, 1).text().strip()
            notes.append(dataclasses.replace(note, front=front, back=back))
        name = self.deck_name.text().strip() or deck_file.name
        return dataclasses.replace(deck_file, name=name, notes=notes)
