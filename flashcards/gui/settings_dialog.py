"""Settings: per-deck options (retention, limits, steps) and app-wide ones (day start, backups)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from flashcards.gui.plain import make_plain, one_sentence

if TYPE_CHECKING:
    from flashcards.core.collection import Collection, DeckSettings


class SettingsDialog(QDialog):
    """Edit a deck's options and the app-wide day start hour.

    Args:
        col: The collection.
        deck_id: The deck shown first (None: the first deck).
    """

    def __init__(
        self, col: Collection, deck_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self._col = col
        self._edited: dict[int, DeckSettings] = {}
        self._current: int | None = None

        self.deck = QComboBox()
        decks = sorted(col.decks().items(), key=lambda item: item[1].split("::"))
        for i, name in decks:
            self.deck.addItem(name, i)
        self.retention = QDoubleSpinBox()
        self.retention.setRange(0.70, 0.99)
        self.retention.setSingleStep(0.01)
        self.retention.setDecimals(2)
        self.retention.setToolTip(
            "The share of reviews you want to remember. Higher means more reviews."
        )
        self.new_per_day = QSpinBox()
        self.new_per_day.setRange(0, 9999)
        self.reviews_per_day = QSpinBox()
        self.reviews_per_day.setRange(0, 99999)
        self.learning_steps = QLineEdit()
        self.learning_steps.setPlaceholderText("e.g. 1m 10m")
        self.relearning_steps = QLineEdit()
        self.relearning_steps.setPlaceholderText("e.g. 10m")
        self.max_interval = QSpinBox()
        self.max_interval.setRange(1, 36500)
        self.max_interval.setSuffix(" days")

        deck_tab = QWidget()
        deck_form = QFormLayout(deck_tab)
        deck_form.addRow("&Deck", self.deck)
        deck_form.addRow("Desired &retention", self.retention)
        deck_form.addRow("&New cards/day", self.new_per_day)
        deck_form.addRow("Maximum re&views/day", self.reviews_per_day)
        deck_form.addRow("&Learning steps", self.learning_steps)
        deck_form.addRow("Re&learning steps", self.relearning_steps)
        deck_form.addRow("&Maximum interval", self.max_interval)
        note = QLabel("Each deck has its own options; a deck's daily limits also cap its subdecks.")
        note.setObjectName("hintLabel")
        deck_form.addRow(note)

        self.day_start = QSpinBox()
        self.day_start.setRange(0, 23)
        self.day_start.setSuffix(":00")
        self.day_start.setValue(col.day_start_hour)
        self.day_start.setToolTip("Cards due today stay due until this hour the next morning.")
        from flashcards.core.backup import DEFAULT_KEEP, KEEP_SETTING, keep_setting

        self._keep = keep_setting(col.get_setting(KEEP_SETTING, str(DEFAULT_KEEP)))
        self.backup_keep = QSpinBox()
        self.backup_keep.setRange(1, 999)
        self.backup_keep.setValue(self._keep)
        self.backup_keep.setToolTip(
            "Backups are taken when the app closes and every 30 minutes of use; "
            "older ones are deleted."
        )
        theme = QLabel("Light or dark follows your system's setting.")
        theme.setObjectName("hintLabel")
        general_tab = QWidget()
        general_form = QFormLayout(general_tab)
        general_form.addRow("Next day &starts at", self.day_start)
        general_form.addRow("&Backups to keep", self.backup_keep)
        general_form.addRow("Theme", theme)

        self.tabs = QTabWidget()
        self.tabs.addTab(deck_tab, "Deck options")
        self.tabs.addTab(general_tab, "General")
        self.error = make_plain(QLabel())  # errors quote deck names
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(460, 380)

        self.deck.currentIndexChanged.connect(self._on_deck_changed)
        if deck_id is not None and self.deck.findData(deck_id) >= 0:
            self.deck.setCurrentIndex(self.deck.findData(deck_id))
        self._on_deck_changed()
        if self.deck.count() == 0:
            deck_tab.setEnabled(False)

    def _form_settings(self) -> DeckSettings:
        from flashcards.core.collection import DeckSettings

        assert self._current is not None
        base = self._edited.get(self._current) or self._col.deck_settings(self._current)
        return DeckSettings(
            desired_retention=round(self.retention.value(), 2),
            new_per_day=self.new_per_day.value(),
            reviews_per_day=self.reviews_per_day.value(),
            learning_steps=self.learning_steps.text().strip(),
            relearning_steps=self.relearning_steps.text().strip(),
            maximum_interval=self.max_interval.value() or base.maximum_interval,
        )

    def _on_deck_changed(self) -> None:
        if self._current is not None:
            self._edited[self._current] = self._form_settings()
        data = self.deck.currentData()
        self._current = int(data) if data is not None else None
        if self._current is None:
            return
        s = self._edited.get(self._current) or self._col.deck_settings(self._current)
        self.retention.setValue(s.desired_retention)
        self.new_per_day.setValue(s.new_per_day)
        self.reviews_per_day.setValue(s.reviews_per_day)
        self.learning_steps.setText(s.learning_steps)
        self.relearning_steps.setText(s.relearning_steps)
        self.max_interval.setValue(s.maximum_interval)

    def _on_save(self) -> None:
        from flashcards.core.errors import FlashcardsError

        if self._current is not None:
            self._edited[self._current] = self._form_settings()
        names = self._col.decks()
        try:
            for deck_id, settings in self._edited.items():
                if settings != self._col.deck_settings(deck_id):
                    try:
                        self._col.set_deck_settings(deck_id, settings)
                    except FlashcardsError as exc:
                        raise type(exc)(f"{names.get(deck_id, '')}: {exc}") from None
            if self.day_start.value() != self._col.day_start_hour:
                self._col.set_day_start_hour(self.day_start.value())
            if self.backup_keep.value() != self._keep:
                from flashcards.core.backup import KEEP_SETTING

                self._col.set_setting(KEEP_SETTING, str(self.backup_keep.value()))
        except FlashcardsError as exc:
            self.error.setText(one_sentence(exc, "The settings were not saved"))
            self.error.show()
            return
        self.accept()
