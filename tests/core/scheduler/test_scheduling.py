"""Scheduling on a fixed clock: FSRS memory, Anki's intervals and fuzz, labels never lie."""

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
from flashcards.core.scheduler import fuzz

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _one_card(col: Collection) -> int:
    col.notes.add("D", "basic", "front", "back", T0)
    card = col.sched.next_card(T0)
    assert card is not None
    return card.card_id


def test_memory_is_fsrs_with_days_counted_at_the_rollover(col: Collection) -> None:
    # FSRS's memory model (py-fsrs), told the elapsed days as Anki counts them: day rollovers
    # (4 a.m.) between the last review and now, not whole 24-hour periods.
    card_id = _one_card(col)
    history = [
        (3, 0),
        (3, 10),
        (3, 60 * 19),  # 04:10 the next day: 1 rollover, 19 hours
        (2, 60 * 24 * 5 - 60 * 2),  # 02:10: 4 rollovers, 4.9 days
        (1, 60 * 24 * 20),
        (3, 15),
        (4, 60 * 24 * 3),
    ]
    plain = fsrs.Scheduler(enable_fuzzing=False)
    stability: float | None = None
    difficulty: float | None = None
    last: datetime | None = None
    t = T0
    for rating, minutes in history:
        t += timedelta(minutes=minutes)
        col.sched.answer(card_id, rating, t)
        row = col.cards.rows([card_id])[0]
        if stability is None or difficulty is None or last is None:
            ref = fsrs.Card(card_id=1)
        else:
            days = scheduling.elapsed_days(last, t, scheduling.LearnerDay())
            ref = fsrs.Card(
                card_id=1,
                state=fsrs.State.Review,
                step=None,
                stability=stability,
                difficulty=difficulty,
                last_review=t - timedelta(days=days),
            )
        expected, _ = plain.review_card(ref, fsrs.Rating(rating), t)
        assert row["stability"] == pytest.approx(expected.stability, abs=1e-4)
        assert row["difficulty"] == pytest.approx(expected.difficulty, abs=1e-3)
        stability, difficulty, last = row["stability"], row["difficulty"], t


def test_elapsed_days_count_rollovers() -> None:
    day = scheduling.LearnerDay()  # 4 a.m. UTC
    evening = datetime(2026, 3, 2, 22, 0, tzinfo=UTC)
    assert scheduling.elapsed_days(evening, evening + timedelta(hours=7), day) == 1
    assert scheduling.elapsed_days(evening, evening + timedelta(hours=5), day) == 0
    assert scheduling.elapsed_days(T0, T0 + timedelta(days=5), day) == 5
    assert scheduling.elapsed_days(T0, T0 + timedelta(days=4, hours=20), day) == 5
    assert scheduling.elapsed_days(None, T0, day) == 0


def _review_memory(stability: float, previous_days: int) -> scheduling.Memory:
    # A review card answered at 09:00 `previous_days` days ago, due today (4 a.m. UTC days).
    last = T0 - timedelta(days=previous_days)
    due = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
    return scheduling.Memory(
        state=int(CardState.REVIEW),
        step=None,
        stability=stability,
        difficulty=5.0,
        due=due,
        last_review=last,
        reps=5,
    )


def test_review_intervals_are_ordered_and_due_at_the_day_start() -> None:
    config = scheduling.SchedulerConfig()
    for fuzzed in (False, True):
        for card_id in range(200):
            outcomes = scheduling.preview(
                card_id, _review_memory(3.0, 3), config, T0, fuzzed=fuzzed
            )
            hard, good, easy = (outcomes[r].interval.days for r in (2, 3, 4))
            assert outcomes[1].interval == timedelta(minutes=10)  # the relearning step
            assert good >= hard + 1 and easy >= good + 1
            assert good >= 3  # never shorter than the last interval when it grew
            for rating in (2, 3, 4):
                out = outcomes[rating]
                assert out.memory.due == datetime(2026, 3, 2, 4, tzinfo=UTC) + out.interval


def test_graduating_easy_is_a_day_longer_than_good() -> None:
    config = scheduling.SchedulerConfig()
    memory = scheduling.Memory(
        state=int(CardState.LEARNING),
        step=1,
        stability=0.5,
        difficulty=7.0,
        due=T0,
        last_review=T0 - timedelta(minutes=10),
        reps=2,
    )
    outcomes = scheduling.preview(7, memory, config, T0, fuzzed=False)
    assert outcomes[3].interval == timedelta(days=1)
    assert outcomes[4].interval == timedelta(days=2)


def test_a_learning_step_past_the_rollover_counts_in_days() -> None:
    memory = scheduling.Memory(
        state=int(CardState.NEW),
        step=None,
        stability=None,
        difficulty=None,
        due=T0,
        last_review=None,
    )
    late = datetime(2026, 3, 2, 3, 55, tzinfo=UTC)  # 5 minutes before the rollover
    outcomes = scheduling.preview(7, memory, scheduling.SchedulerConfig(), late, fuzzed=False)
    assert outcomes[1].interval == timedelta(minutes=1)
    assert outcomes[3].interval == timedelta(days=1)  # 10m: tomorrow, at the day start
    assert outcomes[3].memory.due == datetime(2026, 3, 2, 4, tzinfo=UTC)
    assert scheduling.format_interval(outcomes[3].interval) == "1d"


def test_learning_fuzz_is_at_most_a_quarter_and_five_minutes() -> None:
    memory = scheduling.Memory(
        state=int(CardState.NEW),
        step=None,
        stability=None,
        difficulty=None,
        due=T0,
        last_review=None,
    )
    config = scheduling.SchedulerConfig(learning_steps="1m 10m 1h")
    waits = set()
    for card_id in range(300):
        outcomes = scheduling.preview(card_id, memory, config, T0, fuzzed=True)
        for rating, step in ((1, 60), (3, 600)):
            wait = (outcomes[rating].memory.due - T0).total_seconds()
            assert step <= wait < step + min(step // 4, 300)
            waits.add((rating, wait))
    assert len(waits) > 20  # it does fuzz


def test_fuzz_ranges_are_ankis() -> None:
    # The figures of Anki's own tests (rslib/src/scheduler/states/fuzz.rs).
    cases = [
        (1.0, 1, 1000, (1, 1, 1)),
        (2.49, 1, 1000, (2, 2, 2)),
        (2.5, 1, 1000, (2, 3, 4)),
        (7.0, 1, 1000, (5, 7, 9)),
        (17.0, 1, 1000, (14, 17, 20)),
        (37.0, 1, 1000, (33, 37, 41)),
        (2.0, 3, 1000, (3, 4, 4)),
        (19.9, 3, 1000, (17, 20, 23)),
        (100.0, 101, 1000, (101, 105, 108)),
        (100.0, 1, 99, (92, 96, 99)),
        (100.0, 97, 103, (97, 100, 103)),
    ]
    for interval, low, high, expected in cases:
        got = tuple(fuzz.with_review_fuzz(f, interval, low, high) for f in (0.0, 0.5, 0.99))
        assert got == expected, (interval, low, high)
    assert fuzz.with_review_fuzz(None, 1.5, 1, 100) == 2
    assert fuzz.minimum_review_interval(2.7269483, 4, 36500) == 4
    assert fuzz.minimum_review_interval(2.7269483, 5, 36500) == 0
    assert fuzz.minimum_review_interval(4.591988, 4, 36500) == 5


def test_a_30_day_maximum_fuzzes_within_29_to_30_days() -> None:
    # Last interval 28 days, FSRS asking for far more: never shorter than 29, never past 30
    # (Good and Easy sit at the maximum, which caps "a day longer").
    config = scheduling.SchedulerConfig(maximum_interval=30)
    seen: dict[int, set[int]] = {2: set(), 3: set(), 4: set()}
    for card_id in range(200):
        outcomes = scheduling.preview(card_id, _review_memory(200.0, 28), config, T0, fuzzed=True)
        for rating in seen:
            seen[rating].add(outcomes[rating].interval.days)
    assert seen == {2: {29, 30}, 3: {30}, 4: {30}}
    assert scheduling.format_interval(timedelta(days=30)) == "30d"


def test_fuzz_leaves_the_process_random_state_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    random.seed(5)
    before = random.getstate()
    memory = _review_memory(10.0, 8)
    first = scheduling.preview(3, memory, scheduling.SchedulerConfig(), T0, fuzzed=True)
    assert random.getstate() == before
    again = scheduling.preview(3, memory, scheduling.SchedulerConfig(), T0, fuzzed=True)
    assert first == again
    monkeypatch.setenv("FLASHCARDS_NO_FUZZ", "1")
    plain = scheduling.preview(3, memory, scheduling.SchedulerConfig(), T0)
    assert plain == scheduling.preview(3, memory, scheduling.SchedulerConfig(), T0, fuzzed=False)


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
    assert f(timedelta(days=30)) == "30d"  # Anki: a month is 365/12 days
    assert f(timedelta(days=31)) == "1mo"
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
