"""Easy days in the deck options: a row that sums them up and a dialog that sets them.

Anki's easy days give each weekday a share of the usual review load (normal, reduced or
minimum); the load balancer then leans reviews away from the lighter days. The row shows the
days that are not normal ("Sat: reduced, Sun: minimum"); Edit… opens a weekday-by-weekday
choice. A share that is none of the three levels (set in Anki with its slider) is offered as
itself, so that opening the dialog and pressing OK changes nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from flashcards.core.presets import EASY_DAY_LEVELS
from flashcards.gui.i18n import translate
from flashcards.gui.plain import make_plain

#: Every day normal: what an empty choice means (Anki's default).
ALL_NORMAL = (1.0,) * 7


def _level_text(share: float) -> str:
    """An easy-day level's name (a share of no level: its percentage)."""
    names = {
        1.0: translate("EasyDays", "Normal"),
        0.5: translate("EasyDays", "Reduced"),
        0.0: translate("EasyDays", "Minimum"),
    }
    return names.get(share, f"{share:.0%}")


def _day_name(weekday: int, short: bool) -> str:
    """Monday is 0 (as Anki counts easy days), in the interface's language."""
    form = QLocale.FormatType.ShortFormat if short else QLocale.FormatType.LongFormat
    return QLocale().standaloneDayName(weekday + 1, form)


class EasyDaysDialog(QDialog):
    """One choice per weekday: normal, reduced or minimum."""

    def __init__(self, easy_days: tuple[float, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Easy Days"))
        shares = easy_days or ALL_NORMAL
        hint = make_plain(
            QLabel(self.tr("Fewer reviews fall on reduced and minimum days; the others take them."))
        )
        hint.setWordWrap(True)
        form = QFormLayout()
        self.days: list[QComboBox] = []
        for weekday, share in enumerate(shares):
            box = QComboBox()
            box.setObjectName(f"easyDay{weekday}")
            for level in EASY_DAY_LEVELS:
                box.addItem(_level_text(level), level)
            if box.findData(share) < 0:  # a share set in Anki with its slider: kept as it is
                box.addItem(_level_text(share), share)
            box.setCurrentIndex(box.findData(share))
            form.addRow(_day_name(weekday, short=False), box)
            self.days.append(box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def easy_days(self) -> tuple[float, ...]:
        """The shares chosen, Monday first; empty when every day is normal."""
        shares = tuple(float(box.currentData()) for box in self.days)
        return () if shares == ALL_NORMAL else shares


class EasyDaysRow(QWidget):
    """The deck options' row: what the easy days are, and Edit… to change them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._easy_days: tuple[float, ...] = ()
        self.summary = make_plain(QLabel())
        self.summary.setObjectName("easyDaysSummary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.edit = QPushButton(self.tr("Edit…"))
        self.edit.setObjectName("easyDaysEdit")
        self.edit.setToolTip(self.tr("Days on which you want fewer reviews (as Anki's easy days)."))
        self.edit.clicked.connect(self._on_edit)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.summary, 1)
        row.addWidget(self.edit)
        self.dialog: EasyDaysDialog | None = None
        self.set_easy_days(())

    def easy_days(self) -> tuple[float, ...]:
        """The shares shown, Monday first (empty: every day normal)."""
        return self._easy_days

    def set_easy_days(self, easy_days: tuple[float, ...]) -> None:
        """Show these shares."""
        self._easy_days = () if easy_days == ALL_NORMAL else tuple(easy_days)
        lighter = [
            self.tr("{day}: {level}").format(
                day=_day_name(weekday, short=True), level=_level_text(share).lower()
            )
            for weekday, share in enumerate(self._easy_days)
            if share != 1.0
        ]
        self.summary.setText(", ".join(lighter) if lighter else self.tr("Every day normal"))

    def _on_edit(self) -> None:
        self.dialog = EasyDaysDialog(self._easy_days, self)
        self.dialog.accepted.connect(lambda: self._chosen(self.dialog))
        self.dialog.open()

    def _chosen(self, dialog: EasyDaysDialog | None) -> None:
        if dialog is not None:
            self.set_easy_days(dialog.easy_days())
