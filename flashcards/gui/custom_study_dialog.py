"""Custom Study, as Anki's dialog: more new cards or reviews today, or a custom study session.

Five choices: increase today's new card limit, increase today's review limit, review
forgotten cards, review ahead, study by card state or tag; one number (cards or days) and,
for the last, which cards and the tags. Accepting runs the core's operation on the executor
(:meth:`Ops.run`); on success :attr:`study_requested` names the deck to study (the deck itself
after a limit change, "Custom Study Session" otherwise) and the dialog closes. A refusal (no
card matched) is shown in the dialog, which stays open, as Anki's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from flashcards.core.collection import Collection
from flashcards.core.errors import FlashcardsError
from flashcards.core.scheduler.custom_study import NO_LIMIT, Kind
from flashcards.gui.clock import Clock
from flashcards.gui.ops import Ops

NEW, REVIEW, FORGOT, AHEAD, PREVIEW, TAGS = range(6)
#: "Study by card state or tag": the card kinds, in Anki's order.
TAG_KINDS = (Kind.TAG_NEW, Kind.TAG_DUE, Kind.TAG_REVIEW, Kind.TAG_ALL)


class CustomStudyDialog(QDialog):
    """The Custom Study dialog of one deck.

    Args:
        col: The collection.
        ops: Runs the operation.
        clock: The current time.
        deck: The deck studied (its full name).
        parent: The window it belongs to.
    """

    #: The deck to study once the operation is done.
    study_requested = Signal(str)

    def __init__(
        self, col: Collection, ops: Ops, clock: Clock, deck: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("customStudy")
        self.setWindowTitle(self.tr("Custom Study"))
        self._col = col
        self._ops = ops
        self._clock = clock
        self.deck = deck
        with ops.exclusive():
            self.defaults = col.sched.custom_study_defaults(deck, clock())
        self.group = QButtonGroup(self)
        self.choices: dict[int, QRadioButton] = {}
        layout = QVBoxLayout(self)
        for index, text in (
            (NEW, self.tr("Increase today's new card limit")),
            (REVIEW, self.tr("Increase today's review card limit")),
            (FORGOT, self.tr("Review forgotten cards")),
            (AHEAD, self.tr("Review ahead")),
            (PREVIEW, self.tr("Preview new cards")),
            (TAGS, self.tr("Study by card state or tag")),
        ):
            button = QRadioButton(text)
            self.group.addButton(button, index)
            self.choices[index] = button
            layout.addWidget(button)
        self.title = QLabel()
        self.title.setObjectName("customStudyAvailable")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.title)
        row = QHBoxLayout()
        self.before = QLabel()
        self.spin = QSpinBox()
        self.spin.setObjectName("customStudyNumber")
        self.after = QLabel()
        row.addWidget(self.before)
        row.addWidget(self.spin)
        row.addWidget(self.after)
        row.addStretch(1)
        layout.addLayout(row)
        self.card_kind = QComboBox()
        self.card_kind.setObjectName("customStudyCardKind")
        self.card_kind.addItems(
            [
                self.tr("New cards only"),
                self.tr("Due cards only"),
                self.tr("All review cards in random order"),
                self.tr("All cards in random order"),
            ]
        )
        layout.addWidget(self.card_kind)
        self.tags_label = QLabel(self.tr("Only cards with one of these tags (none: any):"))
        layout.addWidget(self.tags_label)
        self.tags = QListWidget()
        self.tags.setObjectName("customStudyTags")
        for tag in self.defaults.tags:
            item = QListWidgetItem(tag)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.tags.addItem(item)
        layout.addWidget(self.tags)
        self.error = QLabel()
        self.error.setObjectName("customStudyError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.group.idClicked.connect(self._on_choice)
        self.spin.valueChanged.connect(self._on_number)
        self.choices[NEW].setChecked(True)
        self._on_choice(NEW)

    def choice(self) -> int:
        """The chosen option (NEW, REVIEW, FORGOT, AHEAD, PREVIEW or TAGS)."""
        return self.group.checkedId()

    def _on_choice(self, index: int) -> None:
        d = self.defaults
        tags = index == TAGS
        self.card_kind.setVisible(tags)
        self.tags_label.setVisible(tags)
        self.tags.setVisible(tags)
        self.error.hide()
        self.title.setVisible(index in (NEW, REVIEW))
        if index == NEW:
            self.title.setText(self.tr("New cards available: {n}").format(n=d.available_new))
            self.before.setText(self.tr("Increase today's new card limit by"))
            self.spin.setRange(-NO_LIMIT, NO_LIMIT)
            self.spin.setValue(d.extend_new or 10)
        elif index == REVIEW:
            self.title.setText(self.tr("Review cards available: {n}").format(n=d.available_review))
            self.before.setText(self.tr("Increase today's review limit by"))
            self.spin.setRange(-NO_LIMIT, NO_LIMIT)
            self.spin.setValue(d.extend_review or 50)
        elif index == FORGOT:
            self.before.setText(self.tr("Review cards forgotten in the last"))
            self.spin.setRange(1, 30)
            self.spin.setValue(1)
        elif index == AHEAD:
            self.before.setText(self.tr("Review ahead by"))
            self.spin.setRange(1, NO_LIMIT)
            self.spin.setValue(1)
        elif index == PREVIEW:
            self.before.setText(self.tr("Preview new cards added in the last"))
            self.spin.setRange(1, NO_LIMIT)
            self.spin.setValue(1)
        else:
            self.before.setText(self.tr("Select"))
            self.spin.setRange(1, NO_LIMIT)
            self.spin.setValue(100)
        self._on_number(self.spin.value())

    def _on_number(self, value: int) -> None:
        index = self.choice()
        if index in (NEW, REVIEW):
            text = self.tr("card") if abs(value) == 1 else self.tr("cards")
        elif index in (FORGOT, AHEAD, PREVIEW):
            text = self.tr("day") if value == 1 else self.tr("days")
        else:
            text = self.tr("card from the deck") if value == 1 else self.tr("cards from the deck")
        self.after.setText(text)

    def checked_tags(self) -> list[str]:
        """The tags ticked in the list."""
        out = []
        for row in range(self.tags.count()):
            item = self.tags.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.text())
        return out

    def operation(self) -> Callable[[], Any]:
        """The core operation of the chosen option (returns an OpResult)."""
        col, deck, now, n = self._col, self.deck, self._clock(), self.spin.value()
        index = self.choice()
        if index == NEW:
            return lambda: col.sched.extend_limits(deck, now, new=n)
        if index == REVIEW:
            return lambda: col.sched.extend_limits(deck, now, review=n)
        if index in (FORGOT, AHEAD, PREVIEW):
            kind = {FORGOT: Kind.FORGOT, AHEAD: Kind.AHEAD, PREVIEW: Kind.PREVIEW_NEW}[index]
            return lambda: col.sched.custom_study(deck, kind, now, days=n)
        kind = TAG_KINDS[self.card_kind.currentIndex()]
        tags = self.checked_tags()
        return lambda: col.sched.custom_study(deck, kind, now, limit=n, include=tags)

    def accept(self) -> None:
        """Run the operation on the executor; close when it is done, stay open on a refusal."""
        op = self.operation()
        target = self.deck if self.choice() in (NEW, REVIEW) else None
        self.buttons.setEnabled(False)

        def done(value: Any) -> None:
            self.buttons.setEnabled(True)
            self.study_requested.emit(target or str(value))
            super(CustomStudyDialog, self).accept()

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            if not isinstance(exc, FlashcardsError):
                self._ops.report_error(exc, self.tr("Custom study failed."))
                return
            self.error.setText(str(exc))
            self.error.show()

        self._ops.run(lambda _report: op(), initiator=self, on_done=done, on_error=failed)
