"""Settings persist: deck options and day start in the collection, geometry in QSettings."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from flashcards.core.collection import open_collection
from flashcards.core.db import sqlite_url
from flashcards.gui.app import Gui, create_gui
from flashcards.gui.settings_controller import SettingsController


def test_deck_and_app_settings_persist(qtbot, gui: Gui, db_path: Path) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None
    llm = col.decks.id("LLM基礎")
    assert gui.ops is not None
    settings = SettingsController(col, gui.ops, llm, gui.window)
    dialog = settings.dialog
    qtbot.addWidget(dialog)
    assert dialog.deck.currentText() == "LLM基礎"
    dialog.retention.setValue(0.85)
    dialog.new_per_day.setValue(7)
    dialog.reviews_per_day.setValue(70)
    dialog.learning_steps.setText("2m 15m 1h")
    dialog.day_start.setValue(5)
    settings._on_save()
    assert dialog.result() == dialog.DialogCode.Accepted

    reopened = open_collection(sqlite_url(db_path))
    try:
        s = reopened.decks.settings(llm)
        assert (s.desired_retention, s.new_per_day, s.reviews_per_day, s.learning_steps) == (
            0.85, 7, 70, "2m 15m 1h",
        )  # fmt: skip
        assert reopened.config.day_start_hour == 5
        # English is on the same preset (Default): it has the options too, as in Anki.
        assert reopened.decks.settings(col.decks.id("English")).new_per_day == 7
    finally:
        reopened.close()
    # The deck list follows the new limit (3 new cards, limit 7: unchanged; limit 1: capped).
    settings = SettingsController(col, gui.ops, llm, gui.window)
    dialog = settings.dialog
    qtbot.addWidget(dialog)
    dialog.new_per_day.setValue(1)
    settings._on_save()
    qtbot.waitUntil(lambda: gui.window.deck_list.tree.topLevelItem(1).text(1) == "1")


def test_invalid_steps_are_refused_with_a_message(qtbot, gui: Gui) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.ops is not None
    settings = SettingsController(col, gui.ops, col.decks.id("English"), gui.window)
    dialog = settings.dialog
    qtbot.addWidget(dialog)
    dialog.learning_steps.setText("soon")
    settings._on_save()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "Invalid steps" in dialog.error.text()
    assert col.decks.settings(col.decks.id("English")).learning_steps == "1m 10m"


def test_window_geometry_is_remembered(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    path = str(tmp_path / "gui.ini")
    first = create_gui(app, QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(first.window)
    first.window.show()
    first.window.resize(700, 500)
    first.window.move(40, 30)
    qtbot.waitUntil(lambda: first.window.width() == 700)
    first.window.close()
    second = create_gui(app, QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(second.window)
    assert (second.window.width(), second.window.height()) == (700, 500)


def test_optimize_evaluate_and_reschedule_from_the_deck_options(qtbot, gui: Gui) -> None:  # noqa: ANN001
    from PySide6.QtCore import Qt
    from sqlalchemy import select

    from flashcards.core.scheduler.optimize import MIN_REVIEWS
    from flashcards.core.tables import CARD
    from tools.fsrs_learner import simulate_deck

    col = gui.col
    assert col is not None and gui.ops is not None
    simulate_deck(col, "Sim", 600, 150, seed=4)
    sim = col.decks.id("Sim")
    own = col.presets.add("Sim", gui.clock()).value  # parameters belong to presets
    col.presets.set_for_decks([sim], own, gui.clock())
    with col.engine.connect() as conn:
        dues = dict(conn.execute(select(CARD.c.id, CARD.c.due).where(CARD.c.deck_id == sim)).all())

    # Below the minimum history: one clear sentence, nothing changes.
    settings = SettingsController(col, gui.ops, col.decks.id("English"), gui.window)
    dialog = settings.dialog
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.optimize, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "needs at least" in dialog.fsrs_result.text())
    assert f"at least {MIN_REVIEWS}" in dialog.fsrs_result.text()
    assert dialog.fsrs_params.text() == "" and dialog.optimize.isEnabled()

    # Optimize: the figures before and after, the fitted parameters in the field.
    dialog.deck.setCurrentIndex(dialog.deck.findData(sim))
    assert dialog.fsrs_result.text() == ""
    qtbot.mouseClick(dialog.optimize, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Log loss:" in dialog.fsrs_result.text(), timeout=30_000)
    lines = dialog.fsrs_result.text().splitlines()
    assert lines[0].startswith("Log loss: ") and "→" in lines[0]
    assert lines[1].startswith("RMSE (bins): ") and "→" in lines[1]
    fitted = [float(p) for p in dialog.fsrs_params.text().split()]
    assert len(fitted) == 21

    # Evaluate: the parameters in the field, one figure each.
    qtbot.mouseClick(dialog.evaluate, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: "→" not in dialog.fsrs_result.text() and "Log loss:" in dialog.fsrs_result.text()
    )
    after = float(lines[0].split("→")[1])
    assert float(dialog.fsrs_result.text().splitlines()[0].split(":")[1]) == pytest.approx(
        after, abs=2e-4
    )

    # Save with Reschedule cards: the parameters are the deck's, the review cards re-dued.
    dialog.reschedule.setChecked(True)
    settings._on_save()
    assert dialog.result() == dialog.DialogCode.Accepted
    stored = col.decks.settings(sim).fsrs_params
    assert [round(p, 4) for p in stored] == fitted
    with col.engine.connect() as conn:
        now_dues = dict(
            conn.execute(select(CARD.c.id, CARD.c.due).where(CARD.c.deck_id == sim)).all()
        )
    assert sum(now_dues[c] != dues[c] for c in dues) > 100
    assert col.decks.settings(col.decks.id("English")).fsrs_params == ()


def test_the_language_setting_is_kept_and_applies_at_the_next_start(
    qtbot,  # noqa: ANN001
    gui: Gui,
    tmp_path: Path,
) -> None:
    from flashcards.gui import i18n

    assert gui.col is not None and gui.ops is not None
    stored = QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat)
    settings = SettingsController(gui.col, gui.ops, None, gui.window, gui.theme, stored)
    dialog = settings.dialog
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentIndex(1)  # General
    box = dialog.language
    assert [box.itemData(i) for i in range(box.count())] == ["system", "en", "ja"]
    assert [box.itemText(i) for i in range(box.count())] == ["System", "English", "日本語"]
    assert box.currentData() == "system" and box.isVisible()
    # "Applies on restart", beside the choice.
    assert dialog.language_hint.text() == "Applies on restart" and dialog.language_hint.isVisible()
    assert abs(dialog.language_hint.geometry().center().y() - box.geometry().center().y()) < 8
    assert dialog.language_hint.geometry().left() > box.geometry().right()

    box.setCurrentIndex(box.findData("ja"))
    settings._on_save()
    assert dialog.result() == dialog.DialogCode.Accepted
    reread = QSettings(str(tmp_path / "gui.ini"), QSettings.Format.IniFormat)
    assert reread.value(i18n.LANGUAGE_SETTING) == "ja"
    # Nothing changes until the next start: this window stays English.
    assert gui.window.actions_.settings.text() == "&Settings…"

    # The next start installs the translator before building the GUI (as run_app does).
    assert i18n.install_translator(gui.app, reread) == "ja"
    try:
        again = SettingsController(gui.col, gui.ops, None, gui.window, gui.theme, reread)
        qtbot.addWidget(again.dialog)
        assert again.dialog.language.currentData() == "ja"
        assert again.dialog.language.itemText(0) == "システム"
        assert again.dialog.language_hint.text() == "再起動後に反映されます"
        assert again.dialog.windowTitle() == "設定"
    finally:
        i18n.remove_translators(gui.app)


def test_without_gui_settings_the_language_row_is_off(qtbot, gui: Gui) -> None:  # noqa: ANN001
    assert gui.col is not None and gui.ops is not None
    dialog = SettingsController(gui.col, gui.ops, None, gui.window, gui.theme).dialog
    qtbot.addWidget(dialog)
    assert not dialog.language.isEnabled()


def _answer_name(text: str | None) -> None:
    """Type ``text`` into the preset name box when it opens and press OK (None: Cancel)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QInputDialog

    def fill() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QInputDialog):
            QTimer.singleShot(10, fill)
            return
        if text is None:
            box.reject()
        else:
            box.setTextValue(text)
            box.accept()

    QTimer.singleShot(0, fill)


def test_presets_are_chosen_added_cloned_renamed_and_deleted(qtbot, gui: Gui) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.ops is not None
    llm, english = col.decks.id("LLM基礎"), col.decks.id("English")
    decks = len(col.decks.names())
    settings = SettingsController(col, gui.ops, llm, gui.window, clock=gui.clock)
    dialog = settings.dialog
    qtbot.addWidget(dialog)
    assert dialog.preset.currentText() == "Default"
    assert dialog.preset_users.text() == f"Used by {decks} decks"
    assert not dialog.delete_preset.isEnabled()  # Default cannot be deleted

    # Add: a new preset with the default options, chosen for this deck.
    _answer_name("Fast")
    dialog.add_preset.trigger()
    assert dialog.preset.currentText() == "Fast" and dialog.preset_users.text() == "Used by 1 deck"
    assert dialog.new_per_day.value() == 20 and dialog.delete_preset.isEnabled()
    dialog.new_per_day.setValue(50)

    # Another deck shows its own preset; clone it, rename the clone, then delete it.
    dialog.deck.setCurrentIndex(dialog.deck.findData(english))
    assert dialog.preset.currentText() == "Default" and dialog.new_per_day.value() == 20
    assert dialog.preset_users.text() == f"Used by {decks - 1} decks"
    dialog.reviews_per_day.setValue(150)  # an edit of Default
    _answer_name("Copy")
    dialog.clone_preset.trigger()
    assert dialog.preset.currentText() == "Copy" and dialog.reviews_per_day.value() == 150
    _answer_name("Slow")
    dialog.rename_preset.trigger()
    assert dialog.preset.currentText() == "Slow"
    _answer_name(None)  # a cancelled name changes nothing
    dialog.rename_preset.trigger()
    assert dialog.preset.currentText() == "Slow"
    dialog.delete_preset.trigger()  # its deck goes back to Default
    assert dialog.preset.currentText() == "Default" and dialog.reviews_per_day.value() == 150
    assert [dialog.preset.itemText(i) for i in range(dialog.preset.count())] == ["Default", "Fast"]

    # Back to the first deck: its preset and edit are kept; choose Fast from the list too.
    dialog.deck.setCurrentIndex(dialog.deck.findData(llm))
    assert dialog.preset.currentText() == "Fast" and dialog.new_per_day.value() == 50
    assert col.presets.all()[0].name == "Default" and len(col.presets.all()) == 1  # not yet
    dialog.deck.setCurrentIndex(dialog.deck.findData(english))
    dialog.preset.setCurrentIndex(dialog.preset.findText("Fast"))
    assert dialog.new_per_day.value() == 50 and dialog.preset_users.text() == "Used by 2 decks"
    settings._on_save()
    assert dialog.result() == dialog.DialogCode.Accepted

    presets = {p.name: p for p in col.presets.all()}
    assert set(presets) == {"Default", "Fast"}  # Slow was made and deleted before Save
    assert presets["Fast"].deck_count == 2 and presets["Fast"].settings.new_per_day == 50
    assert col.presets.of_deck(llm) == col.presets.of_deck(english) == presets["Fast"].id
    assert presets["Default"].settings.reviews_per_day == 150

    # Deleting a saved preset: its decks go to Default on Save.
    again = SettingsController(col, gui.ops, english, gui.window, clock=gui.clock)
    qtbot.addWidget(again.dialog)
    assert again.dialog.preset.currentText() == "Fast"
    again.dialog.delete_preset.trigger()
    again._on_save()
    assert [p.name for p in col.presets.all()] == ["Default"]
    assert col.presets.of_deck(llm) == col.presets.of_deck(english) == 1


def test_cancel_leaves_the_presets_as_they_were(qtbot, gui: Gui) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.ops is not None
    settings = SettingsController(col, gui.ops, col.decks.id("English"), gui.window)
    dialog = settings.dialog
    qtbot.addWidget(dialog)
    _answer_name("Never")
    dialog.add_preset.trigger()
    dialog.new_per_day.setValue(1)
    dialog.reject()
    assert [p.name for p in col.presets.all()] == ["Default"]
    assert col.decks.settings(col.decks.id("English")).new_per_day == 20


def test_every_option_of_a_preset_is_shown_and_saved(qtbot, gui: Gui) -> None:  # noqa: ANN001
    from flashcards.core.presets import DeckSettings

    col = gui.col
    assert col is not None and gui.ops is not None
    english = col.decks.id("English")
    shown = DeckSettings(
        bury_reviews=True, leech_threshold=5, leech_suspend=True, new_gather_order=2
    )
    preset = col.presets.add("Mine", gui.clock(), shown).value
    col.presets.set_for_decks([english], preset, gui.clock())
    settings = SettingsController(col, gui.ops, english, gui.window, clock=gui.clock)
    dialog = settings.dialog
    qtbot.addWidget(dialog)
    # The form shows the preset's bury, leech and new-card options.
    assert (dialog.bury_new.isChecked(), dialog.bury_reviews.isChecked()) == (False, True)
    assert dialog.leech_threshold.value() == 5 and dialog.leech_action.currentData() is True
    assert dialog.new_gather.currentText() == "Descending position"
    assert dialog.new_sort.currentText() == "Card template"
    # Changed and saved: the preset has them.
    dialog.bury_new.setChecked(True)
    dialog.bury_interday.setChecked(True)
    dialog.leech_threshold.setValue(12)
    dialog.leech_action.setCurrentIndex(dialog.leech_action.findData(False))
    dialog.new_gather.setCurrentIndex(dialog.new_gather.findData(1))
    dialog.new_sort.setCurrentIndex(dialog.new_sort.findData(1))
    dialog.new_insert.setCurrentIndex(dialog.new_insert.findData(1))
    settings._on_save()
    assert dialog.result() == dialog.DialogCode.Accepted
    saved = col.presets.get(preset).settings
    assert (saved.bury_new, saved.bury_reviews, saved.bury_interday) == (True, True, True)
    assert (saved.leech_threshold, saved.leech_suspend) == (12, False)
    orders = (saved.new_gather_order, saved.new_sort_order, saved.new_insert_order)
    assert orders == (1, 1, 1)
    assert col.decks.settings(english) == saved
