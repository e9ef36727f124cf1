"""Generate from an article: pick a file or paste text, preview the cards, import the chosen.

Generation runs in a worker thread with a progress bar; the preview table is editable and each
card has a checkbox, so only reviewed cards reach the collection.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
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

from flashcards.gui.clock import Clock
from flashcards.gui.exchange_ops import describe_import
from flashcards.gui.plain import make_plain, one_sentence, plain_label, quote, tooltip
from flashcards.gui.workers import Report, TaskRunner, progress_adapter

if TYPE_CHECKING:
    from flashcards.core.collection import Collection
    from flashcards.core.deckfile import DeckFile

KIND_TEXT = {"basic": "Basic", "basic+reversed": "Basic + reversed", "cloze": "Cloze"}


def generate_from_source(
    path: Path | None, text: str, deck_name: str | None, lang: str, max_cards: int | None,
    report: Report,
) -> DeckFile:  # fmt: skip
    """Read the article (file or pasted text) and run the generator (in a worker thread).

    Raises:
        InputError: If the article cannot be read or nothing was given.
        RuntimeError: If the generator is not available in this build.
    """
    try:
        from flashcards.core.generate import decode_article, generate_deck, read_article
    except ImportError as exc:
        raise RuntimeError(f"The article generator is not available ({exc}).") from None
    from flashcards.core.errors import InputError

    if path is not None:
        article = read_article(path)
    elif text.strip():
        article = decode_article(text.encode("utf-8"), "pasted.txt")
    else:
        raise InputError("Choose an article file or paste its text first.")
    return generate_deck(
        article, deck_name=deck_name or None, lang=lang, max_cards=max_cards,
        progress=progress_adapter(report),
    )  # fmt: skip


class GenerateDialog(QDialog):
    """Pick an article, generate, review the proposed cards, import the checked ones."""

    generated = Signal()
    imported = Signal(object)

    def __init__(
        self, col: Collection, clock: Clock, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("generateDialog")
        self.setWindowTitle("Generate Cards from an Article")
        self._col = col
        self._clock = clock
        self._runner = runner
        self.path: Path | None = None
        self.deck_file: DeckFile | None = None
        #: A generation is running in a worker (its result comes back to this dialog).
        self.running = False
        self._dispose_when_done = False

        self.notice = plain_label()
        self.notice.setObjectName("noticeLabel")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.file_label = plain_label("No file chosen: paste the text below or choose a file.")
        self.file_label.setWordWrap(True)
        self.choose_button = QPushButton("Choose File…")
        self.choose_button.clicked.connect(self._on_choose_file)
        self.text = QPlainTextEdit()
        self.text.setObjectName("articleText")
        self.text.setPlaceholderText("…or paste the article here (Japanese or English).")
        self.text.setMaximumHeight(110)
        self.text.textChanged.connect(self._on_text_changed)
        self.deck_name = QLineEdit()
        self.deck_name.setPlaceholderText("default: the article's title")
        self.lang = QComboBox()
        for value, label in (("auto", "Detect"), ("ja", "Japanese"), ("en", "English")):
            self.lang.addItem(label, value)
        self.max_cards = QSpinBox()
        self.max_cards.setRange(0, 1000)
        self.max_cards.setSpecialValueText("no limit")
        self.generate_button = QPushButton("&Generate")
        self.generate_button.clicked.connect(self._on_generate)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.status = plain_label()
        self.status.setObjectName("statusLabel")
        self.status.setWordWrap(True)

        self.table = QTableWidget(0, 3)
        self.table.setObjectName("previewTable")
        self.table.setHorizontalHeaderLabels(["Front", "Back", "Kind"])
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 220)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(self._on_item_changed)
        self.select_all = QPushButton("Select all")
        self.select_none = QPushButton("Select none")
        self.select_all.clicked.connect(lambda: self._check_all(True))
        self.select_none.clicked.connect(lambda: self._check_all(False))
        self.chosen_label = make_plain(QLabel())

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(
            "&Import Selected", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setEnabled(False)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_import)
        self.buttons.rejected.connect(self.reject)

        source = QHBoxLayout()
        source.addWidget(self.file_label, 1)
        source.addWidget(self.choose_button)
        options = QFormLayout()
        options.addRow("&Deck", self.deck_name)
        row = QHBoxLayout()
        row.addWidget(QLabel("Language"))
        row.addWidget(self.lang)
        row.addSpacing(12)
        row.addWidget(QLabel("At most"))
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
        self.file_label.setText(str(path) if path else "No file chosen.")
        if path is not None and not self.deck_name.text():
            self.deck_name.setPlaceholderText("default: the article's title")

    def start_from_import(self, path: Path) -> None:
        """Generate from ``path``, a file File → Import was given that reads as an article."""
        self.notice.setText(
            f"{quote(path.name)} reads as an article, not as an Anki text file, so cards are "
            "generated from it instead: keep the ones you want and import them (a table to "
            "import as it is needs a .csv or .tsv name)."
        )
        self.notice.show()
        self.set_path(path)
        self._on_generate()

    def _on_choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose an article", "", "Articles (*.txt *.md *.markdown);;All files (*)"
        )
        if name:
            self.set_path(Path(name))
            self.text.blockSignals(True)
            self.text.clear()
            self.text.blockSignals(False)

    def _on_text_changed(self) -> None:
        if self.text.toPlainText().strip() and self.path is not None:
            self.set_path(None)
            self.file_label.setText("Using the pasted text.")

    # ------------------------------------------------------------------ generating

    def _on_generate(self) -> None:
        path, text = self.path, self.text.toPlainText()
        deck = self.deck_name.text().strip() or None
        lang = str(self.lang.currentData())
        limit = self.max_cards.value() or None
        self.generate_button.setEnabled(False)
        self.import_button.setEnabled(False)
        self.progress.setValue(0)
        self.status.setText("Generating…")
        self.running = True

        def work(report: Report) -> DeckFile:
            return generate_from_source(path, text, deck, lang, limit, report)

        self._runner.start(work, self._on_generated, self._on_failed, self._on_progress)

    def _on_progress(self, done: int, total: int) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        else:
            self.progress.setRange(0, 0)

    def dispose(self) -> None:
        """Delete the dialog once no generation is running (its result would find it gone)."""
        if self.running:
            self._dispose_when_done = True
        else:
            self.deleteLater()

    def _finished_running(self) -> bool:
        """Mark the generation finished; True if the dialog was disposed of meanwhile."""
        self.running = False
        if self._dispose_when_done:
            self.deleteLater()
            return True
        return False

    def _on_generated(self, deck_file: DeckFile) -> None:
        if self._finished_running():
            return
        self.deck_file = deck_file
        self.progress.setRange(0, 100)
        self.progress.setValue(100)
        self.generate_button.setEnabled(True)
        if not self.deck_name.text().strip():
            self.deck_name.setText(deck_file.name)
        self._fill(deck_file)
        n = len(deck_file.notes)
        self.status.setText(
            f"{n} card{'s' if n != 1 else ''} proposed. Uncheck the ones you do not want; "
            "double-click a cell to edit it."
            if n
            else "No definitions found in this text."
        )
        self.generated.emit()

    def _on_failed(self, exc: Exception) -> None:
        if self._finished_running():
            return
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.generate_button.setEnabled(True)
        self.status.setText(one_sentence(exc, "No cards could be generated"))

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
            kind = QTableWidgetItem(KIND_TEXT.get(note.kind, note.kind))
            kind.setFlags(kind.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, 0, front)
            self.table.setItem(row, 1, back)
            self.table.setItem(row, 2, kind)
        self.table.blockSignals(False)
        self.table.resizeRowsToContents()
        self._update_chosen()

    def _check_all(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            self._item(row, 0).setCheckState(state)
        self.table.blockSignals(False)
        self._update_chosen()

    def _on_item_changed(self, _item: QTableWidgetItem) -> None:
        self._update_chosen()

    def _update_chosen(self) -> None:
        n = len(self.chosen_rows())
        self.chosen_label.setText(f"{n} of {self.table.rowCount()} selected")
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

    def chosen_deck(self) -> DeckFile | None:
        """The deck file to import: the ticked notes, with the edits made in the table."""
        if self.deck_file is None:
            return None
        notes = []
        for row in self.chosen_rows():
            note = self.deck_file.notes[row]
            front = self._item(row, 0).text().strip()
            back = self._item(row, 1).text().strip()
            notes.append(dataclasses.replace(note, front=front, back=back))
        name = self.deck_name.text().strip() or self.deck_file.name
        return dataclasses.replace(self.deck_file, name=name, notes=notes)

    # ------------------------------------------------------------------ importing

    def _on_import(self) -> None:
        from flashcards.core.errors import FlashcardsError

        deck = self.chosen_deck()
        if deck is None or not deck.notes:
            return
        try:
            report = self._col.import_deck_file(deck, self._clock())
        except FlashcardsError as exc:
            self.status.setText(
                one_sentence(exc, "The cards could not be imported", always_lead=True)
            )
            return
        self.imported.emit(report)
        self.accept()


__all__ = ["GenerateDialog", "describe_import", "generate_from_source"]
