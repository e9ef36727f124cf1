"""Optimising FSRS parameters from the review log (Anki's Optimize), its filter and its CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select, update

from flashcards.core import scheduling
from flashcards.core.collection import Collection, open_collection
from flashcards.core.db import sqlite_url
from flashcards.core.deckfile import DeckFile, NoteSpec
from flashcards.core.enums import CardState
from flashcards.core.exchange.deckfile_import import import_deck_file
from flashcards.core.scheduler import fuzz
from flashcards.core.scheduler import optimize as opt
from flashcards.core.tables import CARD, LOG
from tools.fsrs_learner import TRUE_PARAMETERS, simulate_deck

NEW, LEARN, REVIEW, RELEARN = (int(s) for s in CardState)


# ------------------------------------------------------------------ the filter, as Anki's


def test_history_starts_at_the_last_run_of_learning_answers() -> None:
    # Learned, reviewed, reset (Forget) and learned again: only the second life counts.
    answers = [(3, NEW, 0), (3, REVIEW, 2), (1, NEW, 10), (3, LEARN, 10), (3, REVIEW, 13)]
    assert opt.card_history(answers, reset_after=False) == [(1, 0), (3, 0), (3, 3)]
    # The items: each answer on a later day than the one before, with what came before it.
    assert opt.training_items([(1, 0), (3, 0), (3, 3)]) == [2]


def test_cards_without_learning_answers_or_reset_since_are_left_out() -> None:
    assert opt.card_history([(3, REVIEW, 0), (3, REVIEW, 5)], reset_after=False) is None
    assert opt.card_history([(3, NEW, 0), (3, REVIEW, 5)], reset_after=True) is None


def test_relearning_answers_stay_and_ratings_outside_1_to_4_go() -> None:
    answers = [(3, NEW, 0), (1, REVIEW, 4), (3, RELEARN, 4), (0, REVIEW, 6), (3, REVIEW, 9)]
    assert opt.card_history(answers, reset_after=False) == [(3, 0), (1, 4), (3, 0), (3, 5)]


def test_relearning_steps_counted_within_a_day() -> None:
    assert opt.relearning_steps_in_a_day("10m") == 1
    assert opt.relearning_steps_in_a_day("10m 1h 1d") == 2
    assert opt.relearning_steps_in_a_day("") == 0


def _card(col: Collection, name: str) -> int:
    notes = [NoteSpec(f"{name}/1", "basic", "f", "b")]
    import_deck_file(col, DeckFile(name=name, notes=notes), T0)
    deck_id = col.decks.id(name)
    with col.engine.connect() as conn:
        return int(conn.execute(select(CARD.c.id).where(CARD.c.deck_id == deck_id)).one()[0])


T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def _log(col: Collection, card_id: int, answers: list[tuple[datetime, int, int]]) -> None:
    rows = [
        {"card_id": card_id, "deck_id": 1, "rating": r, "reviewed_at": at, "state_before": s,
         "state_after": REVIEW, "prev_due": at}
        for at, r, s in answers
    ]  # fmt: skip
    with col.engine.begin() as conn:
        conn.execute(insert(LOG), rows)
        conn.execute(update(CARD).where(CARD.c.id == card_id).values(state=REVIEW))


def test_days_are_learner_days_across_the_rollover(col: Collection) -> None:
    # Days start at 04:00 UTC here: 23:00 and 03:00 the next morning are the same learner day,
    # 03:59 and 04:01 are two; 24-hour periods would say otherwise.
    card = _card(col, "Days")
    day1 = datetime(2026, 1, 5, 23, 0, tzinfo=UTC)
    _log(
        col,
        card,
        [
            (day1, 3, NEW),
            (day1 + timedelta(hours=4), 3, REVIEW),  # 03:00: same learner day
            (datetime(2026, 1, 7, 3, 59, tzinfo=UTC), 3, REVIEW),  # 24.98 h later: 1 day
            (datetime(2026, 1, 7, 4, 1, tzinfo=UTC), 3, REVIEW),  # 2 minutes later: 1 day
        ],
    )
    history = opt.load_history(col, opt.find_scope(col, deck="Days"))
    assert history.cards[card] == [(3, 0), (3, 0), (3, 1), (3, 1)]
    assert [len(i) for i in history.items] == [3, 4]


def test_suspended_cards_are_left_out(col: Collection) -> None:
    card = _card(col, "Suspended")
    _log(col, card, [(T0, 3, NEW), (T0 + timedelta(days=3), 3, REVIEW)])
    scope = opt.find_scope(col, deck="Suspended")
    assert len(opt.load_history(col, scope).items) == 1
    col.sched.set_suspended([card], True)
    assert opt.load_history(col, scope).items == []


# ------------------------------------------------------------------ a simulated learner


@pytest.fixture(scope="module")
def learner(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A collection whose learner's memory follows FSRS with TRUE_PARAMETERS (3,000 cards)."""
    path = tmp_path_factory.mktemp("learner") / "collection.db"
    col = open_collection(sqlite_url(path), tz=UTC)
    simulate_deck(col, "Sim::Train", 2000, 200, seed=1)
    simulate_deck(col, "Sim::Held", 1000, 200, seed=2)
    simulate_deck(col, "Small", 40, 60, seed=3)
    made = datetime(2025, 1, 1, tzinfo=UTC)
    for name in ("Sim::Train", "Sim::Held", "Small"):  # parameters belong to presets
        preset = col.presets.add(name, made).value
        col.presets.set_for_decks([col.decks.id(name)], preset, made)
    col.close()
    return path


@pytest.fixture
def sim(learner: Path, tmp_path: Path) -> Iterator[Collection]:
    path = tmp_path / "collection.db"
    shutil.copy(learner, path)
    col = open_collection(sqlite_url(path), tz=UTC)
    yield col
    col.close()


def test_optimising_recovers_the_learners_parameters(sim: Collection) -> None:
    train = opt.find_scope(sim, deck="Sim::Train")
    held = opt.find_scope(sim, deck="Sim::Held")
    result = opt.optimize(sim, train).value
    assert result.changed and result.saved and result.reviews > 10_000
    assert result.after[1].log_loss < result.before[1].log_loss
    fitted = result.after[0]
    assert sim.decks.settings(sim.decks.id("Sim::Train")).fsrs_params == fitted
    assert sim.decks.settings(sim.decks.id("Sim::Held")).fsrs_params == ()
    on_held = {
        "fitted": opt.evaluate(sim, held, fitted).log_loss,
        "true": opt.evaluate(sim, held, TRUE_PARAMETERS).log_loss,
        "default": opt.evaluate(sim, held, ()).log_loss,
    }
    print(on_held)
    assert on_held["fitted"] <= on_held["true"] * 1.02
    assert on_held["fitted"] < on_held["default"]
    # Deterministic: the same history gives the same parameters.
    again = opt.fit_items(opt._items(opt.load_history(sim, train).items), ())
    assert again == fitted


def test_below_the_minimum_history_it_refuses_in_one_sentence(sim: Collection) -> None:
    scope = opt.find_scope(sim, deck="Small")
    with pytest.raises(opt.NotEnoughHistoryError) as refused:
        opt.optimize(sim, scope)
    message = str(refused.value)
    assert "at least 400" in message and message.count(".") == 1
    assert sim.decks.settings(sim.decks.id("Small")).fsrs_params == ()


def test_a_preset_is_every_deck_that_uses_it(sim: Collection) -> None:
    made = datetime(2025, 1, 1, tzinfo=UTC)
    shared = sim.presets.add("Shared", made).value
    sim.presets.set_for_decks(sim.decks.names(), shared, made)
    scope = opt.find_scope(sim, preset="Shared")
    assert len(scope.deck_ids) == len(sim.decks.names())
    result = opt.optimize(sim, scope).value
    assert all(s.fsrs_params == result.after[0] for s in sim.decks.all_settings().values())
    with pytest.raises(opt.NotFoundError):
        opt.find_scope(sim, preset="Nobody's")


def test_rescheduling_sets_memory_and_due_as_the_scheduler_would(
    sim: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLASHCARDS_NO_FUZZ", "1")
    scope = opt.find_scope(sim, deck="Sim::Train")
    result = opt.optimize(sim, scope, reschedule=True).value
    assert result.rescheduled == 2000
    params = result.after[0]
    history = opt.load_history(sim, scope)
    model = opt._model(params)
    with sim.engine.connect() as conn:
        cards = conn.execute(select(CARD).where(CARD.c.deck_id == scope.deck_ids[0])).all()
    settings = sim.decks.settings(scope.deck_ids[0])
    day = scheduling.LearnerDay(UTC, 4)
    for card in cards[:200]:
        state = model.memory_state(opt._items([history.cards[card.id]])[0])
        assert card.stability == pytest.approx(state.stability, abs=1e-3)
        assert card.difficulty == pytest.approx(state.difficulty, abs=1e-2)
        # The scheduler's rules at the last answer: the interval for the desired retention, not
        # shorter than the last one when it grew (fuzz off), from the learner day of that answer.
        last_at, previous = history.last[card.id]
        interval = model.next_interval(state.stability, settings.desired_retention, 3)
        least = fuzz.minimum_review_interval(interval, round(previous), 36500)
        days = fuzz.with_review_fuzz(None, interval, max(least, 1), 36500)
        assert card.due == day.start_after(last_at, days)
        assert card.due.hour == 4


def test_saving_without_rescheduling_recomputes_memory_and_keeps_due_days(
    sim: Collection,
) -> None:
    # Anki recomputes every card's memory state when a preset's parameters change.
    scope = opt.find_scope(sim, deck="Sim::Train")
    with sim.engine.connect() as conn:
        before = {r.id: r for r in conn.execute(select(CARD).where(CARD.c.deck_id == scope.source))}
    result = opt.optimize(sim, scope).value
    assert result.saved and result.rescheduled == 0 and result.recomputed == 2000
    history = opt.load_history(sim, scope)
    model = opt._model(result.after[0])
    with sim.engine.connect() as conn:
        after = {r.id: r for r in conn.execute(select(CARD).where(CARD.c.deck_id == scope.source))}
    for card_id in list(after)[:200]:
        state = model.memory_state(opt._items([history.cards[card_id]])[0])
        assert after[card_id].stability == pytest.approx(state.stability, abs=1e-3)
        assert after[card_id].due == before[card_id].due
    assert sum(after[c].stability != before[c].stability for c in after) > 1500


# ------------------------------------------------------------------ the command line


def _cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASHCARDS_")}
    cmd = [sys.executable, "-m", "flashcards", "--data-dir", str(data), *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)


def test_cli_prints_each_figure_on_its_own_line(learner: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(learner, data / "collection.db")
    done = _cli(data, "optimize", "--deck", "Sim::Train", "--reschedule")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    figures = {line.split(":")[0]: line.split(":")[1].strip() for line in lines if ":" in line}
    for name in ("Log loss before", "Log loss after", "RMSE (bins) before", "RMSE (bins) after"):
        assert name in figures
    assert float(figures["Log loss after"]) < float(figures["Log loss before"])
    assert "Rescheduled 2000 card(s)." in lines
    col = open_collection(sqlite_url(data / "collection.db"), tz=UTC)
    try:
        assert len(col.decks.settings(col.decks.id("Sim::Train")).fsrs_params) == 21
    finally:
        col.close()

    small = _cli(data, "optimize", "--deck", "Small")
    assert small.returncode == 1
    assert small.stderr.count("\n") == 1 and "at least 400" in small.stderr
    held = _cli(data, "optimize", "--preset", "Sim::Held")
    assert held.returncode == 0 and 'preset(s) of preset "Sim::Held" (1 deck(s))' in held.stdout
    col = open_collection(sqlite_url(data / "collection.db"), tz=UTC)
    try:
        fitted = col.presets.get(col.presets.find("Sim::Held")).settings.fsrs_params
        assert (
            len(fitted) == 21
            and fitted == col.decks.settings(col.decks.id("Sim::Held")).fsrs_params
        )
    finally:
        col.close()
    both = _cli(data, "optimize", "--deck", "Small", "--preset", "X")
    assert both.returncode == 2 and "not both" in both.stderr
