"""Settings and scheduling: the load balancer setting; new FSRS parameters saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from flashcards.core.collection import open_collection
from flashcards.core.db import sqlite_url
from flashcards.core.scheduler import optimize
from flashcards.core.tables import CARD
from flashcards.gui.app import Gui
from flashcards.gui.settings_controller import SettingsController
from tools.fsrs_learner import simulate_deck


def test_the_load_balancer_checkbox_reads_and_saves_the_setting(
    qtbot,  # noqa: ANN001
    gui: Gui,
    db_path: Path,
) -> None:
    col = gui.col
    assert col is not None and gui.ops is not None
    settings = SettingsController(col, gui.ops, None, gui.window)
    qtbot.addWidget(settings.dialog)
    box = settings.dialog.load_balancer
    assert box.isChecked()  # Anki's default: on
    box.setChecked(False)
    settings._on_save()
    assert settings.dialog.result() == settings.dialog.DialogCode.Accepted
    reopened = open_collection(sqlite_url(db_path))
    try:
        assert not reopened.config.load_balancer
    finally:
        reopened.close()
    # Shown as stored the next time, and turned back on.
    settings = SettingsController(col, gui.ops, None, gui.window)
    qtbot.addWidget(settings.dialog)
    assert not settings.dialog.load_balancer.isChecked()
    settings.dialog.load_balancer.setChecked(True)
    settings._on_save()
    assert col.config.load_balancer


def test_easy_days_are_set_weekday_by_weekday_and_saved(qtbot, gui: Gui) -> None:  # noqa: ANN001
    col = gui.col
    assert col is not None and gui.ops is not None
    deck = col.decks.id("LLM基礎")
    settings = SettingsController(col, gui.ops, deck, gui.window)
    qtbot.addWidget(settings.dialog)
    row = settings.dialog.easy_days
    assert row.summary.text() == "Every day normal"
    row.edit.click()
    dialog = row.dialog
    assert dialog is not None and dialog.isVisible()
    assert [box.currentText() for box in dialog.days] == ["Normal"] * 7
    dialog.days[5].setCurrentIndex(dialog.days[5].findData(0.5))  # Saturday
    dialog.days[6].setCurrentIndex(dialog.days[6].findData(0.0))  # Sunday
    dialog.accept()
    assert row.summary.text() == "Sat: reduced, Sun: minimum"
    settings._on_save()
    easy = (1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.0)
    assert col.presets.get(col.presets.of_deck(deck)).settings.easy_days == easy
    # Shown as stored the next time; Cancel in the dialog changes nothing; all normal again.
    settings = SettingsController(col, gui.ops, deck, gui.window)
    qtbot.addWidget(settings.dialog)
    row = settings.dialog.easy_days
    assert row.summary.text() == "Sat: reduced, Sun: minimum"
    row.edit.click()
    assert row.dialog is not None
    row.dialog.days[5].setCurrentIndex(0)
    row.dialog.reject()
    assert row.easy_days() == easy
    row.edit.click()
    for box in row.dialog.days:
        box.setCurrentIndex(box.findData(1.0))
    row.dialog.accept()
    settings._on_save()
    assert col.presets.get(col.presets.of_deck(deck)).settings.easy_days == ()


@pytest.mark.parametrize("reschedule", [False, True])
def test_new_parameters_saved_recompute_memory_states(
    qtbot,  # noqa: ANN001
    gui: Gui,
    reschedule: bool,
) -> None:
    col = gui.col
    assert col is not None and gui.ops is not None
    simulate_deck(col, "Sim", 60, 40, seed=3)
    sim = col.decks.id("Sim")
    query = select(CARD.c.id, CARD.c.stability, CARD.c.due).where(CARD.c.deck_id == sim)
    with col.engine.connect() as conn:
        before = {r[0]: (r[1], r[2]) for r in conn.execute(query)}
    settings = SettingsController(col, gui.ops, sim, gui.window)
    dialog = settings.dialog
    qtbot.addWidget(dialog)
    params = [0.5, 1.5, 4.0, 12.0, 6.5, 0.6, 1.8, 0.01, 1.5, 0.15, 0.95, 1.9, 0.1, 0.3, 2.2]
    params += [0.25, 2.9, 0.5, 0.3, 0.1, 0.15]
    dialog.fsrs_params.setText(" ".join(map(str, params)))
    dialog.reschedule.setChecked(reschedule)
    settings._on_save()
    assert dialog.result() == dialog.DialogCode.Accepted
    with col.engine.connect() as conn:
        after = {r[0]: (r[1], r[2]) for r in conn.execute(query)}
    # Every card's memory is what its history gives with the new parameters (as Anki).
    history = optimize.load_history(col, optimize.deck_scope(col, sim))
    model = optimize._model(col.decks.settings(sim).fsrs_params)
    assert len(history.cards) == len(after)
    for card_id, reviews in history.cards.items():
        state = model.memory_state(optimize._items([reviews])[0])
        assert after[card_id][0] == pytest.approx(state.stability, abs=1e-3)
    moved = sum(after[c][1] != before[c][1] for c in before)
    assert (moved > 0) == reschedule  # due days move only when rescheduling was asked
