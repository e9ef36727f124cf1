"""Card Info: one card's dates, memory state, counts and review log, as Anki's Card Info.

The dialog shows a :class:`flashcards.core.card_info.CardInfo`; the browser's controller reads
it and calls :meth:`CardInfoDialog.show_info` again when the current card changes.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from flashcards.core.card_info import STATE_NAMES, CardInfo
from flashcards.core.enums import CardState, Rating
from flashcards.gui.plain import make_plain

#: The review log's columns.
LOG_COLUMNS = ("Date", "Type", "Rating", "Interval", "Stability", "Difficulty", "Time")
_LOG_TYPES = {
    CardState.NEW: "Learn",
    CardState.LEARNING: "Learn",
    CardState.REVIEW: "Review",
    CardState.RELEARNING: "Relearn",
}


def _date(value: datetime | None, with_time: bool = False) -> str:
    if value is None:
        return "—"
    return value.astimezone().strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def _span(days: float | None) -> str:
    """A duration in days as Anki writes it: 10 minutes, 3 days, 1.5 months, 2 years."""
    if days is None:
        return "—"
    if days < 1:
        minutes = days * 1440
        if minutes < 60:
            return f"{minutes:.0f} min"
        return f"{minutes / 60:.0f} h"
    if days < 30:
        return f"{days:.0f} day" + ("" if round(days) == 1 else "s")
    if days < 365:
        return f"{days / 30:.1f} months"
    return f"{days / 365:.1f} years"


def _seconds(ms: int | None) -> str:
    if ms is None:
        return "—"
    seconds = ms / 1000
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{seconds / 60:.1f} min"


def _difficulty(value: float | None) -> str:
    """FSRS difficulty (1-10) as Anki shows it: 0 % to 100 %."""
    return "—" if value is None else f"{(value - 1) / 9:.0%}"


def info_rows(info: CardInfo) -> list[tuple[str, str]]:
    """The dialog's lines (title, value), in Anki's order."""
    state = STATE_NAMES.get(CardState(info.state), "")
    if info.suspended:
        state += " (suspended)"
    elif info.buried:
        state += " (buried)"
    # A new card has no due date of its own (Anki shows its position in the new queue).
    due = "—" if info.state == CardState.NEW else _date(info.due, info.state != CardState.REVIEW)
    return [
        ("Added", _date(info.added)),
        ("First Review", _date(info.first_review)),
        ("Latest Review", _date(info.last_review)),
        ("Due", due),
        ("State", state),
        ("Interval", _span(info.interval_days)),
        ("Difficulty", _difficulty(info.difficulty)),
        ("Stability", _span(info.stability)),
        (
            "Retrievability",
            "—" if info.retrievability is None else f"{info.retrievability:.0%}",
        ),
        ("Reviews", str(info.reviews)),
        ("Lapses", str(info.lapses)),
        ("Average Time", _seconds(info.average_ms)),
        ("Total Time", _seconds(info.total_ms)),
        ("Card Type", info.card_type),
        ("Note Type", info.note_type),
        ("Deck", info.deck),
        ("Card ID", str(info.card_id)),
        ("Note ID", str(info.note_id)),
    ]


class CardInfoDialog(QDialog):
    """The facts of one card and its review log (a table, newest first)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cardInfo")
        self.setWindowTitle("Card Info")
        self.question = make_plain(QLabel())
        self.question.setWordWrap(True)
        font = self.question.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.question.setFont(font)
        self.form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        self.log = QTableWidget(0, len(LOG_COLUMNS))
        self.log.setObjectName("reviewLog")
        self.log.setHorizontalHeaderLabels(list(LOG_COLUMNS))
        self.log.verticalHeader().hide()
        self.log.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.log.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.log.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.log.horizontalHeader().setStretchLastSection(True)
        self.empty_log = make_plain(QLabel("No reviews yet."))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addLayout(self.form)
        layout.addWidget(self.log, 1)
        layout.addWidget(self.empty_log)
        layout.addWidget(buttons)
        self.resize(620, 640)

    def show_info(self, info: CardInfo) -> None:
        """Show one card."""
        self.question.setText(info.question)
        for title, value in info_rows(info):
            label = self.values.get(title)
            if label is None:
                label = make_plain(QLabel())
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.values[title] = label
                self.form.addRow(title, label)
            label.setText(value)
        self.log.setRowCount(len(info.log))
        for row, entry in enumerate(info.log):
            cells = (
                _date(entry.reviewed_at, with_time=True),
                _LOG_TYPES.get(CardState(entry.state_before), ""),
                Rating(entry.rating).label if entry.rating in (1, 2, 3, 4) else str(entry.rating),
                _span(entry.interval_days),
                _span(entry.stability),
                _difficulty(entry.difficulty),
                _seconds(entry.duration_ms),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 3:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.log.setItem(row, column, item)
        self.log.setVisible(bool(info.log))
        self.empty_log.setVisible(not info.log)

    def value(self, title: str) -> str:
        """The text shown for a line (``"Reviews"``), for tests."""
        return self.values[title].text()
