"""The Settings dialog's layout: deck options presets and app-wide options (day start, backups...).

The dialog lays out and says what the user asked; :mod:`settings_controller` reads and saves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from flashcards.core.models import DEFAULT_PRESET_ID
from flashcards.gui.easy_days import EasyDaysRow
from flashcards.gui.i18n import LANGUAGES, translate
from flashcards.gui.plain import make_plain

if TYPE_CHECKING:
    from flashcards.core.presets import DeckSettings


class SettingsDialog(QDialog):
    """Lays out a deck's preset and its options, and the app-wide ones; says what was asked."""

    save_requested = Signal()
    #: Fit the FSRS parameters to the deck's history / evaluate the ones in the field.
    optimize_requested = Signal()
    evaluate_requested = Signal()
    #: Another deck was picked (its options are shown by the controller).
    deck_changed = Signal()
    #: Another preset was picked for the deck shown.
    preset_changed = Signal()
    #: The preset menu's actions (as Anki's deck options: add, clone, rename, delete).
    add_preset_requested = Signal()
    clone_preset_requested = Signal()
    rename_preset_requested = Signal()
    delete_preset_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings"))

        self.deck = QComboBox()
        self.preset = QComboBox()
        self.preset.setObjectName("presetBox")
        self.preset.setToolTip(
            self.tr("The options preset this deck uses; decks on one preset share its options.")
        )
        self.add_preset = QAction(self.tr("Add Preset"), self)
        self.clone_preset = QAction(self.tr("Clone Preset"), self)
        self.rename_preset = QAction(self.tr("Rename Preset"), self)
        self.delete_preset = QAction(self.tr("Delete Preset"), self)
        preset_menu = QMenu(self)
        for action in (self.add_preset, self.clone_preset, self.rename_preset, self.delete_preset):
            preset_menu.addAction(action)
        self.add_preset.triggered.connect(self.add_preset_requested)
        self.clone_preset.triggered.connect(self.clone_preset_requested)
        self.rename_preset.triggered.connect(self.rename_preset_requested)
        self.delete_preset.triggered.connect(self.delete_preset_requested)
        self.preset_button = QToolButton()
        self.preset_button.setObjectName("presetMenuButton")
        self.preset_button.setText(self.tr("Presets"))
        self.preset_button.setMenu(preset_menu)
        self.preset_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.preset_users = QLabel()
        self.preset_users.setObjectName("presetUsers")
        preset_row = QHBoxLayout()
        preset_row.addWidget(self.preset, 1)
        preset_row.addWidget(self.preset_button)
        self.retention = QDoubleSpinBox()
        self.retention.setRange(0.70, 0.99)
        self.retention.setSingleStep(0.01)
        self.retention.setDecimals(2)
        self.retention.setToolTip(
            self.tr("The share of reviews you want to remember. Higher means more reviews.")
        )
        self.new_per_day = QSpinBox()
        self.new_per_day.setRange(0, 9999)
        self.reviews_per_day = QSpinBox()
        self.reviews_per_day.setRange(0, 99999)
        self.learning_steps = QLineEdit()
        self.learning_steps.setPlaceholderText(self.tr("e.g. 1m 10m"))
        self.relearning_steps = QLineEdit()
        self.relearning_steps.setPlaceholderText(self.tr("e.g. 10m"))
        self.max_interval = QSpinBox()
        self.max_interval.setRange(1, 36500)
        self.max_interval.valueChanged.connect(self._on_max_interval)
        self._on_max_interval(self.max_interval.value())

        self.deck_tab = QWidget()
        deck_form = QFormLayout(self.deck_tab)
        deck_form.addRow(self.tr("&Deck"), self.deck)
        preset_label = QLabel(self.tr("&Preset"))
        preset_label.setBuddy(self.preset)
        deck_form.addRow(preset_label, preset_row)
        deck_form.addRow("", self.preset_users)
        deck_form.addRow(self.tr("Desired &retention"), self.retention)
        deck_form.addRow(self.tr("&New cards/day"), self.new_per_day)
        deck_form.addRow(self.tr("Maximum revie&ws/day"), self.reviews_per_day)
        deck_form.addRow(self.tr("&Learning steps"), self.learning_steps)
        deck_form.addRow(self.tr("Relearnin&g steps"), self.relearning_steps)
        deck_form.addRow(self.tr("&Maximum interval"), self.max_interval)
        self._add_preset_rows(deck_form)
        self.fsrs_params = QLineEdit()
        self.fsrs_params.setObjectName("fsrsParams")
        self.fsrs_params.setPlaceholderText(self.tr("Default parameters"))
        self.fsrs_params.setToolTip(
            self.tr(
                "FSRS's 21 parameters, as Anki shows them. Press Optimize now and then to fit "
                "them to your own reviews; editing them by hand is not advised."
            )
        )
        self.optimize = QPushButton(self.tr("&Optimize"))
        self.optimize.setObjectName("optimizeButton")
        self.optimize.setToolTip(
            self.tr(
                "Fit the preset's parameters to the reviews of this deck and its subdecks "
                "(at least 400)."
            )
        )
        self.evaluate = QPushButton(self.tr("E&valuate"))
        self.evaluate.setObjectName("evaluateButton")
        self.evaluate.setToolTip(
            self.tr("How well the parameters above predict this deck's reviews.")
        )
        self.reschedule = QCheckBox(self.tr("Reschedule cards"))
        self.reschedule.setObjectName("rescheduleBox")
        self.reschedule.setToolTip(
            self.tr("On Save, recompute the cards' memory and due days with changed parameters.")
        )
        fsrs_row = QHBoxLayout()
        fsrs_row.addWidget(self.optimize)
        fsrs_row.addWidget(self.evaluate)
        fsrs_row.addWidget(self.reschedule)
        fsrs_row.addStretch(1)
        self.fsrs_result = make_plain(QLabel())
        self.fsrs_result.setObjectName("fsrsResult")
        self.fsrs_result.setWordWrap(True)
        deck_form.addRow(self.tr("&FSRS parameters"), self.fsrs_params)
        deck_form.addRow(fsrs_row)
        deck_form.addRow(self.fsrs_result)
        self.optimize.clicked.connect(self.optimize_requested)
        self.evaluate.clicked.connect(self.evaluate_requested)
        note = QLabel(
            self.tr(
                "Options belong to the preset: every deck that uses it has them. A deck's daily "
                "limits also cap its subdecks."
            )
        )
        note.setObjectName("hintLabel")
        deck_form.addRow(note)

        self.day_start = QSpinBox()
        self.day_start.setRange(0, 23)
        self.day_start.setSuffix(":00")
        self.day_start.setToolTip(
            self.tr("Cards due today stay due until this hour the next morning.")
        )
        self.backup_keep = QSpinBox()
        self.backup_keep.setRange(1, 999)
        self.backup_keep.setToolTip(
            self.tr(
                "Backups are taken when the app closes and every 30 minutes of use; "
                "older ones are deleted."
            )
        )
        self.autoplay_audio = QCheckBox(self.tr("Play audio &automatically"))
        self.autoplay_audio.setToolTip(
            self.tr("A card's sounds play when its question or answer shows; R plays them again.")
        )
        general_tab = QWidget()
        general_form = QFormLayout(general_tab)
        general_form.addRow(self.tr("Next day &starts at"), self.day_start)
        general_form.addRow(self.tr("&Backups to keep"), self.backup_keep)
        general_form.addRow(self.tr("Audio"), self.autoplay_audio)
        self.load_balancer = QCheckBox(self.tr("Load balancer"))
        self.load_balancer.setToolTip(
            self.tr(
                "Within the fuzz range of a review interval, prefer the days with fewer "
                "cards due, so that the daily workload stays even."
            )
        )
        general_form.addRow(self.tr("Reviews"), self.load_balancer)
        self.theme = add_theme_row(general_form)
        self.language, self.language_hint = add_language_row(general_form)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.deck_tab, self.tr("Deck options"))
        self.tabs.addTab(general_tab, self.tr("General"))
        self.error = make_plain(QLabel())  # errors quote deck names
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save_requested)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(460, 380)
        self.deck.currentIndexChanged.connect(self.deck_changed)
        self.preset.currentIndexChanged.connect(self.preset_changed)

    def set_decks(self, decks: list[tuple[int, str]], current: int | None) -> None:
        """Offer these ``(id, name)`` decks; pick ``current`` (without saying so)."""
        self.deck.blockSignals(True)
        for deck_id, name in decks:
            self.deck.addItem(name, deck_id)
        if current is not None and self.deck.findData(current) >= 0:
            self.deck.setCurrentIndex(self.deck.findData(current))
        self.deck.blockSignals(False)
        self.deck_tab.setEnabled(self.deck.count() > 0)

    def _add_preset_rows(self, form: QFormLayout) -> None:
        """The other options of a preset, as Anki's: bury, leech, new-card orders, easy days."""
        self.bury_new = QCheckBox(self.tr("New"))
        self.bury_reviews = QCheckBox(self.tr("Reviews"))
        self.bury_interday = QCheckBox(self.tr("Interday learning"))
        bury_row = QHBoxLayout()
        for box in (self.bury_new, self.bury_reviews, self.bury_interday):
            bury_row.addWidget(box)
        bury_row.addStretch(1)
        bury_label = QLabel(self.tr("Bury siblings"))
        bury_label.setToolTip(
            self.tr("Answering a card hides its siblings of these kinds until the next day.")
        )
        form.addRow(bury_label, bury_row)
        self.leech_threshold = QSpinBox()
        self.leech_threshold.setRange(0, 9999)
        self.leech_threshold.setToolTip(
            self.tr("Lapses after which a card is a leech (its note is tagged leech); 0: never.")
        )
        self.leech_action = QComboBox()
        self.leech_action.addItem(self.tr("Tag Only"), False)
        self.leech_action.addItem(self.tr("Suspend Card"), True)
        leech_row = QHBoxLayout()
        leech_row.addWidget(self.leech_threshold)
        leech_row.addWidget(self.leech_action)
        leech_row.addStretch(1)
        form.addRow(self.tr("Leech threshold"), leech_row)
        self.new_gather = QComboBox()
        for value, text in (
            (0, self.tr("Deck")),
            (5, self.tr("Deck, then random notes")),
            (1, self.tr("Ascending position")),
            (2, self.tr("Descending position")),
            (3, self.tr("Random notes")),
            (4, self.tr("Random cards")),
        ):
            self.new_gather.addItem(text, value)
        self.new_sort = QComboBox()
        for value, text in (
            (0, self.tr("Card template")),
            (1, self.tr("Order gathered")),
            (2, self.tr("Card template, then random")),
            (3, self.tr("Random note, then card template")),
            (4, self.tr("Random")),
        ):
            self.new_sort.addItem(text, value)
        self.new_insert = QComboBox()
        self.new_insert.addItem(self.tr("Sequential"), 0)
        self.new_insert.addItem(self.tr("Random"), 1)
        form.addRow(self.tr("New card gather order"), self.new_gather)
        form.addRow(self.tr("New card sort order"), self.new_sort)
        form.addRow(self.tr("New card insertion order"), self.new_insert)
        self.easy_days = EasyDaysRow()
        form.addRow(self.tr("Easy days"), self.easy_days)

    def set_presets(self, presets: list[tuple[int, str, int]], current: int) -> None:
        """Offer these ``(id, name, decks using it)`` presets; pick ``current`` silently."""
        self.preset.blockSignals(True)
        self.preset.clear()
        for preset_id, name, _users in presets:
            if preset_id == DEFAULT_PRESET_ID and name == "Default":  # the name it was given
                name = self.tr("Default")
            self.preset.addItem(name, preset_id)
        self.preset.setCurrentIndex(max(0, self.preset.findData(current)))
        self.preset.blockSignals(False)
        users = next((n for i, _name, n in presets if i == current), 0)
        self.preset_users.setText(
            self.tr("Used by {n} deck").format(n=users)
            if users == 1
            else self.tr("Used by {n} decks").format(n=users)
        )
        self.delete_preset.setEnabled(current != DEFAULT_PRESET_ID)

    def current_preset(self) -> int | None:
        """The id of the preset chosen for the deck shown."""
        data = self.preset.currentData()
        return int(data) if data is not None else None

    def ask_name(self, title: str, name: str = "") -> str | None:
        """A preset's name from the user (None: cancelled or empty)."""
        text, ok = QInputDialog.getText(self, title, self.tr("Name:"), text=name)
        text = text.strip()
        return text if ok and text else None

    def _on_max_interval(self, days: int) -> None:
        self.max_interval.setSuffix(self.tr(" day") if days == 1 else self.tr(" days"))

    def current_deck(self) -> int | None:
        """The id of the deck shown."""
        data = self.deck.currentData()
        return int(data) if data is not None else None

    def show_deck_settings(self, s: DeckSettings) -> None:
        """Fill the deck options."""
        self.retention.setValue(s.desired_retention)
        self.new_per_day.setValue(s.new_per_day)
        self.reviews_per_day.setValue(s.reviews_per_day)
        self.learning_steps.setText(s.learning_steps)
        self.relearning_steps.setText(s.relearning_steps)
        self.max_interval.setValue(s.maximum_interval)
        self.bury_new.setChecked(s.bury_new)
        self.bury_reviews.setChecked(s.bury_reviews)
        self.bury_interday.setChecked(s.bury_interday)
        self.leech_threshold.setValue(s.leech_threshold)
        self.leech_action.setCurrentIndex(1 if s.leech_suspend else 0)
        for box, value in (
            (self.new_gather, s.new_gather_order),
            (self.new_sort, s.new_sort_order),
            (self.new_insert, s.new_insert_order),
        ):
            box.setCurrentIndex(max(0, box.findData(value)))
        self.easy_days.set_easy_days(s.easy_days)
        self.fsrs_params.setText(" ".join(f"{p:.4f}" for p in s.fsrs_params))
        self.fsrs_params.setCursorPosition(0)
        self.fsrs_result.clear()

    def set_busy(self, busy: bool) -> None:
        """Optimize and Evaluate are off while one of them runs."""
        self.optimize.setEnabled(not busy)
        self.evaluate.setEnabled(not busy)

    def show_error(self, text: str) -> None:
        """Say why the settings were not saved."""
        self.error.setText(text)
        self.error.show()


def add_theme_row(form: QFormLayout) -> QComboBox:
    """The Theme row of the General tab: the same as the system, light or dark."""
    from flashcards.gui.theme import MODES

    box = QComboBox()
    box.setObjectName("themeBox")
    for value, text in MODES:
        box.addItem(translate("Theme", text), value)
    box.setToolTip(
        translate(
            "SettingsDialog",
            "Light or dark; the first follows your system's setting as it changes.",
        )
    )
    form.addRow(translate("SettingsDialog", "T&heme"), box)
    return box


def add_language_row(form: QFormLayout) -> tuple[QComboBox, QLabel]:
    """The Language row of the General tab (System, English, 日本語), applied on restart.

    Returns the combo box (each item's data is the setting's value) and the note beside it.
    """
    box = QComboBox()
    box.setObjectName("languageBox")
    for value, text in LANGUAGES:
        box.addItem(translate("i18n", text) if value == "system" else text, value)
    box.setToolTip(
        translate(
            "SettingsDialog",
            "The interface's language; System follows your system's language.",
        )
    )
    hint = QLabel(translate("SettingsDialog", "Applies on restart"))
    hint.setObjectName("languageHint")
    row = QHBoxLayout()
    row.addWidget(box)
    row.addWidget(hint)
    row.addStretch(1)
    label = QLabel(translate("SettingsDialog", "&Language"))
    label.setBuddy(box)
    form.addRow(label, row)
    return box, hint
