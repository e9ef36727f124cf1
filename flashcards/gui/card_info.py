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

from flashcards.core.card_info import CardInfo
from flashcards.core.enums import RESET_RATING, CardState
from flashcards.gui.i18n import mark, translate
from flashcards.gui.note_editor import notetype_title
from flashcards.gui.plain import make_plain

#: The review log's columns.
LOG_COLUMNS = (
    mark("CardInfoDialog", "Date"),
    mark("CardInfoDialog", "Type"),
    mark("CardInfoDialog", "Rating"),
    mark("CardInfoDialog", "Interval"),
    mark("CardInfoDialog", "Stability"),
    mark("CardInfoDialog", "Difficulty"),
    mark("CardInfoDialog", "Time"),
)
_LOG_TYPES = {
    CardState.NEW: mark("CardInfoDialog", "Learn"),
    CardState.LEARNING: mark("CardInfoDialog", "Learn"),
    CardState.REVIEW: mark("CardInfoDialog", "Review"),
    CardState.RELEARNING: mark("CardInfoDialog", "Relearn"),
}
#: The type of a reset (Forget) in the log, as Anki's card info names it.
_MANUAL = mark("CardInfoDialog", "Manual")
#: The card states (the core names them in English).
_STATES = {
    CardState.NEW: mark("CardInfoDialog", "New"),
    CardState.LEARNING: mark("CardInfoDialog", "Learning"),
    CardState.REVIEW: mark("CardInfoDialog", "Review"),
    CardState.RELEARNING: mark("CardInfoDialog", "Relearning"),
}
#: The answer buttons' names (as the review's buttons).
_RATINGS = {
    1: mark("CardInfoDialog", "Again"),
    2: mark("CardInfoDialog", "Hard"),
    3: mark("CardInfoDialog", "Good"),
    4: mark("CardInfoDialog", "Easy"),
}


def _log_type(rating: int, state_before: int) -> str:
    """The log's Type column: Manual for a reset (Forget), else the kind of answer."""
    if rating == RESET_RATING:
        return _tr(_MANUAL)
    return _tr(_LOG_TYPES[CardState(state_before)]) if state_before in _LOG_TYPES else ""


def _rating(rating: int) -> str:
    """The log's Rating column: the button's name (none for a reset)."""
    if rating == RESET_RATING:
        return ""
    return _tr(_RATINGS[rating]) if rating in _RATINGS else str(rating)


def _tr(text: str) -> str:
    return translate("CardInfoDialog", text)


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
            return translate("CardInfoDialog", "{n} min").format(n=f"{minutes:.0f}")
        return translate("CardInfoDialog", "{n} h").format(n=f"{minutes / 60:.0f}")
    if days < 30:
        if round(days) == 1:
            return translate("CardInfoDialog", "{n} day").format(n=f"{days:.0f}")
        return translate("CardInfoDialog", "{n} days").format(n=f"{days:.0f}")
    if days < 365:
        return translate("CardInfoDialog", "{n} months").format(n=f"{days / 30:.1f}")
    return translate("CardInfoDialog", "{n} years").format(n=f"{days / 365:.1f}")


def _seconds(ms: int | None) -> str:
    if ms is None:
        return "—"
    seconds = ms / 1000
    if seconds < 60:
        return translate("CardInfoDialog", "{n} s").format(n=f"{seconds:.1f}")
    return translate("CardInfoDialog", "{n} min").format(n=f"{seconds / 60:.1f}")


def _difficulty(value: float | None) -> str:
    """FSRS difficulty (1-10) as Anki shows it: 0 % to 100 %."""
    return "—" if value is None else f"{(value - 1) / 9:.0%}"


def info_rows(info: CardInfo) -> list[tuple[str, str]]:
    """The dialog's lines (title, value), in Anki's order.

    The titles are English (the keys of :meth:`CardInfoDialog.value`), shown translated.
    """
    state = _tr(_STATES[CardState(info.state)]) if info.state in _STATES else ""
    if info.suspended:
        state += _tr(" (suspended)")
    elif info.buried:
        state += _tr(" (buried)")
    # A new card has no due date of its own (Anki shows its position in the new queue).
    due = "—" if info.state == CardState.NEW else _date(info.due, info.state != CardState.REVIEW)
    return [
        (mark("CardInfoDialog", "Added"), _date(info.added)),
        (mark("CardInfoDialog", "First Review"), _date(info.first_review)),
        (mark("CardInfoDialog", "Latest Review"), _date(info.last_review)),
        (mark("CardInfoDialog", "Due"), due),
        (mark("CardInfoDialog", "State"), state),
        (mark("CardInfoDialog", "Interval"), _span(info.interval_days)),
        (mark("CardInfoDialog", "Difficulty"), _difficulty(info.difficulty)),
        (mark("CardInfoDialog", "Stability"), _span(info.stability)),
        (
            mark("CardInfoDialog", "Retrievability"),
            "—" if info.retrievability is None else f"{info.retrievability:.0%}",
        ),
        (mark("CardInfoDialog", "Reviews"), str(info.reviews)),
        (mark("CardInfoDialog", "Lapses"), str(info.lapses)),
        (mark("CardInfoDialog", "Average Time"), _seconds(info.average_ms)),
        (mark("CardInfoDialog", "Total Time"), _seconds(info.total_ms)),
        (mark("CardInfoDialog", "Card Type"), info.card_type),
        (mark("CardInfoDialog", "Note Type"), notetype_title(info.note_type)),
        (mark("CardInfoDialog", "Deck"), info.deck),
        (mark("CardInfoDialog", "Card ID"), str(info.card_id)),
        (mark("CardInfoDialog", "Note ID"), str(info.note_id)),
    ]


class CardInfoDialog(QDialog):
    """The facts of one card and its review log (a table, newest first)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cardInfo")
        self.setWindowTitle(self.tr("Card Info"))
        self.question = make_plain(QLabel())
        self.question.setWordWrap(True)
        font = self.question.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.question.setFont(font)
        self.form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        self.log = QTableWidget(0, len(LOG_COLUMNS))
        self.log.setObjectName("reviewLog")
        self.log.setHorizontalHeaderLabels([_tr(title) for title in LOG_COLUMNS])
        self.log.verticalHeader().hide()
        self.log.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.log.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.log.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.log.horizontalHeader().setStretchLastSection(True)
        self.empty_log = make_plain(QLabel(self.tr("No reviews yet.")))
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
                self.form.addRow(_tr(title), label)
            label.setText(value)
        self.log.setRowCount(len(info.log))
        for row, entry in enumerate(info.log):
            cells = (
                _date(entry.reviewed_at, with_time=True),
                _log_type(entry.rating, entry.state_before),
                _rating(entry.rating),
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
