"""Scheduling on a fixed clock: our intervals are py-fsrs's, labels never lie, properties hold."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import fsrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashcards.core import scheduling
from flashcards.core.collection import Collection, open_collection
from flashcards.core.enums import CardState

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _one_card(col: Collection) -> int:
    col.notes.add("D", "basic", "front", "back", T0)
    card = col.sched.next_card(T0)
    assert card is not None
    return card.card_id


def test_intervals_equal_py_fsrs_for_the_same_history(col: Collection) -> None:
    card_id = _one_card(col)
    history = [
        (3, 0),
        (3, 10),
        (3, 60 * 24),
        (2, 60 * 24 * 5),
        (1, 60 * 24 * 20),
        (3, 15),
        (4, 60 * 24 * 3),
    ]
    plain = fsrs.Scheduler(enable_fuzzing=False)
    fuzzed = fsrs.Scheduler(enable_fuzzing=True)
    ref = fsrs.Card(card_id=card_id)
    t = T0
    for reps, (rating, minutes) in enumerate(history):
        t += timedelta(minutes=minutes)
        result = col.sched.answer(card_id, rating, t).value
        random.seed(scheduling.fuzz_seed(card_id, reps))
        expected, _ = fuzzed.review_card(ref, fsrs.Rating(rating), t)
        unfuzzed, _ = plain.review_card(ref, fsrs.Rating(rating), t)
        row = col.cards.rows([card_id])[0]
        assert result.due == expected.due == row["due"]
        assert row["state"] == int(expected.state)
        assert row["stability"] == pytest.approx(unfuzzed.stability)
        assert row["difficulty"] == pytest.approx(unfuzzed.difficulty)
        if expected.state == fsrs.State.Review:
            # fuzz keeps the interval near the unfuzzed one (within fsrs's fuzz range)
            days = (expected.due - t) / timedelta(days=1)
            base = (unfuzzed.due - t) / timedelta(days=1)
            assert abs(days - base) <= max(1.0, 0.25 * base)
        ref = expected


def test_default_options_are_ankis(col: Collection) -> None:
    deck_id = col.decks.add("D", T0).value
    opts = col.decks.settings(deck_id)
    assert (opts.desired_retention, opts.new_per_day, opts.reviews_per_day) == (0.9, 20, 200)
    assert scheduling.parse_steps(opts.learning_steps) == (
        timedelta(minutes=1),
        timedelta(minutes=10),
    )
    assert scheduling.parse_steps(opts.relearning_steps) == (timedelta(minutes=10),)
    assert opts.maximum_interval == 36500
    assert col.config.day_start_hour == 4


def test_new_card_labels_match_anki(col: Collection) -> None:
    _one_card(col)
    card = col.sched.next_card(T0)
    assert card is not None
    assert [card.label(r) for r in (1, 2, 3)] == ["<1m", "<6m", "<10m"]
    assert card.label(4).endswith("d")


def test_answer_applies_exactly_the_preview(col: Collection) -> None:
    card_id = _one_card(col)
    t = T0
    for rating in (3, 3, 3, 3):
        shown = col.sched.card_for_review(card_id, t)
        result = col.sched.answer(
            card_id, rating, t + timedelta(seconds=7), shown_at=shown.shown_at
        ).value
        assert result.due == shown.outcomes[rating].memory.due
        assert scheduling.format_interval(result.interval) == shown.label(rating)
        t = result.due + timedelta(hours=1)


def test_fuzz_is_reproducible(tmp_path) -> None:
    dues = []
    for name in ("a", "b"):
        col = open_collection(f"sqlite:///{tmp_path / name}.db", tz=UTC)
        card_id = _one_card(col)
        t = T0
        for _ in range(6):
            t = col.sched.answer(card_id, 3, t).value.due + timedelta(hours=2)
        dues.append(col.cards.rows([card_id])[0]["due"])
        col.close()
    assert dues[0] == dues[1]


def test_format_interval() -> None:
    f = scheduling.format_interval
    assert f(timedelta(seconds=30)) == "<1m"
    assert f(timedelta(minutes=10)) == "<10m"
    assert f(timedelta(hours=3)) == "<3h"
    assert f(timedelta(days=4)) == "4d"
    assert f(timedelta(days=36)) == "1.2mo"
    assert f(timedelta(days=400)) == "1.1y"


def test_parse_steps_rejects_garbage() -> None:
    with pytest.raises(ValueError):
        scheduling.parse_steps("1m ten")


answers = st.lists(
    st.tuples(st.integers(1, 4), st.integers(0, 60 * 24 * 40), st.booleans()),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seq=answers)
def test_properties_over_any_answer_sequence(seq: list[tuple[int, int, bool]]) -> None:
    col = open_collection("sqlite://", tz=UTC)
    col.notes.add("D", "basic+reversed", "front", "back", T0)
    col.notes.add("D::Sub", "basic", "other", "back", T0)
    t = T0
    for rating, minutes, undo in seq:
        t += timedelta(minutes=minutes)
        card = col.sched.next_card(t)
        if card is None:
            continue
        if card.state == CardState.REVIEW:
            ivals = [card.outcomes[r].interval for r in (1, 2, 3, 4)]
            assert ivals == sorted(ivals), ivals
        before = col.cards.rows([card.card_id])[0]
        result = col.sched.answer(card.card_id, rating, t).value
        assert result.due >= t
        if undo:
            assert col.sched.undo().value == card.card_id
            assert col.cards.rows([card.card_id])[0] == before
        for counts in col.sched.deck_counts(t):
            assert min(counts.new, counts.learn, counts.review, counts.total) >= 0
    col.close()


def test_stability_stays_within_ankis_bounds() -> None:
    # A card at the top (as an import clamps it) answered Easy long after: py-fsrs alone would
    # give 36,502 days; Anki's FSRS keeps stability within [0.001, 36,500].
    memory = scheduling.Memory(
        state=int(CardState.REVIEW),
        step=None,
        stability=36_500.0,
        difficulty=1.0,
        due=T0,
        last_review=T0 - timedelta(days=36_500),
        reps=9,
    )
    for rating in (1, 2, 3, 4):
        outcome = scheduling.answer(7, memory, rating, scheduling.SchedulerConfig(), T0)
        assert outcome.memory.stability is not None
        assert scheduling.MIN_STABILITY <= outcome.memory.stability <= scheduling.MAX_STABILITY
    easy = scheduling.answer(7, memory, 4, scheduling.SchedulerConfig(), T0)
    assert easy.memory.stability == scheduling.MAX_STABILITY


def test_counts_stop_at_a_32_bit_integer() -> None:
    # An imported card can carry reps = 2**31 - 1 (the import clamps to that); answering it once
    # more must not store a count no 32-bit column (or Anki) can hold.
    top = scheduling.MAX_COUNT
    memory = scheduling.Memory(
        state=int(CardState.REVIEW),
        step=None,
        stability=10.0,
        difficulty=5.0,
        due=T0,
        last_review=T0 - timedelta(days=10),
        reps=top,
        lapses=top,
    )
    outcome = scheduling.answer(7, memory, 1, scheduling.SchedulerConfig(), T0)
    assert outcome.memory.reps == top and outcome.memory.lapses == top
