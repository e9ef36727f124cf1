"""What an import did, per deck, with every warning: the dialog shown after each import."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from flashcards.gui.i18n import mark, translate
from flashcards.gui.plain import make_plain

#: The table's columns: header (shown translated), and the report's outcome each counts.
COLUMNS = (
    (mark("ImportResultDialog", "Deck"), ""),
    (mark("ImportResultDialog", "Added"), "added"),
    (mark("ImportResultDialog", "Updated"), "updated"),
    (mark("ImportResultDialog", "Unchanged"), "unchanged"),
    (mark("ImportResultDialog", "Left (reviews)"), "refused"),
)


def per_deck(report: Any) -> list[tuple[str, dict[str, int]]]:
    """The report's counts per deck, sorted by deck; one row of totals when it has none."""
    decks: dict[str, dict[str, int]] = dict(getattr(report, "decks", {}) or {})
    if not decks:
        decks = {
            str(report.deck): {
                outcome: int(getattr(report, outcome, 0) or 0) for _, outcome in COLUMNS[1:]
            }
        }
    return sorted(decks.items())


class ImportResultDialog(QDialog):
    """The result of an import: a sentence, the counts per deck and the warnings.

    Args:
        summary: One sentence about the import (as the status bar shows it).
        report: The import's report (``decks``, counts, ``warnings``).
        notes: What the import could not do or left alone, one line each.
        parent: The window the dialog belongs to.
    """

    def __init__(
        self, summary: str, report: Any, notes: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import"))
        self.resize(560, 360)
        self.summary = make_plain(QLabel())
        self.summary.setText(summary)
        self.summary.setWordWrap(True)
        rows = per_deck(report)
        self.table = QTableWidget(len(rows), len(COLUMNS))
        self.table.setObjectName("importCounts")
        self.table.setHorizontalHeaderLabels(
            [translate("ImportResultDialog", title) for title, _ in COLUMNS]
        )
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        for r, (deck, counts) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(deck))
            for c, (_, outcome) in enumerate(COLUMNS[1:], start=1):
                self.table.setItem(r, c, QTableWidgetItem(str(counts.get(outcome, 0))))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.warnings = QPlainTextEdit()
        self.warnings.setObjectName("importWarnings")
        self.warnings.setReadOnly(True)
        self.warnings.setPlainText("\n".join(notes))
        self.warnings.setVisible(bool(notes))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.warnings, 1)
        layout.addWidget(buttons)
