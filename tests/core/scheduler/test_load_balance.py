"""Anki's load balancer: the rule on numbers, and on a real collection with known due counts.

The expected days are computed here from the rule as docs/scheduling.md states it (weights
``1`` for an empty day, ``(1/n)^2.15 * (1/days)^3`` otherwise, a draw with the card's fuzz
factor over the summed weights), not by the code under test.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from flashcards.core import scheduling
from flashcards.core.collection import Collection
from flashcards.core.decks import DeckSettings
from flashcards.core.errors import InputError
from flashcards.core.scheduler import fuzz, load_balance
from flashcards.core.scheduler.due_load import DueLoad
from flashcards.core.scheduling import LearnerDay
from flashcards.core.tables import PRESET
from tests.core.scheduler.load_balance_helpers import crowd, target

TODAY = date(2026, 3, 2)


def _expected(counts: dict[int, int], lower: int, upper: int, factor: float) -> int:
    """The rule: the day whose share of the summed weights the draw falls in."""
    days = list(range(lower, upper + 1))
    weights = [
        1.0 if counts.get(d, 0) == 0 else (1 / counts[d]) ** 2.15 * (1 / d) ** 3 for d in days
    ]
    target, running = factor * sum(weights), 0.0
    for day, weight in zip(days, weights, strict=True):
        running += weight
        if target < running:
            return day
    return upper


def _due(counts: dict[int, int], **kw: object) -> load_balance.DueDays:
    row = tuple(counts.get(d, 0) for d in range(load_balance.DAYS))
    return load_balance.DueDays(TODAY, row, **kw)  # type: ignore[arg-type]


def test_an_empty_day_wins_over_crowded_ones() -> None:
    # Interval 10: fuzz range 8..12 (Anki's); every day holds cards but day 11.
    assert fuzz.constrained_fuzz_bounds(10.0, 1, 36500) == (8, 12)
    counts = {8: 40, 9: 35, 10: 50, 12: 30}
    # (Only a draw within a millionth of 0 or of 1 reaches a crowded day.)
    for factor in (0.001, 0.3, 0.6, 0.999):
        assert load_balance.find_interval(_due(counts), factor, 10.0, 1, 36500) == 11


@pytest.mark.parametrize("factor", [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999])
def test_the_choice_follows_the_weights(factor: float) -> None:
    counts = {8: 4, 9: 9, 10: 2, 11: 6, 12: 3}
    got = load_balance.find_interval(_due(counts), factor, 10.0, 1, 36500)
    assert got == _expected(counts, 8, 12, factor)


def test_fewer_cards_and_earlier_days_weigh_more() -> None:
    w = load_balance.weights(_due({8: 4, 9: 4, 10: 2}), 8, 10)
    assert w[0] > w[1]  # same count: the earlier day
    assert w[2] > w[0]  # fewer cards
    assert w[0] == pytest.approx((1 / 4) ** 2.15 / 8**3)


def test_no_counts_is_the_plain_fuzz_draw() -> None:
    # Every weight 1: the same day as the uniform draw (Anki falls back to it then too).
    for factor in (0.0, 0.2, 0.5, 0.95):
        for interval in (3.0, 10.0, 45.0, 90.0):
            balanced = load_balance.find_interval(_due({}), factor, interval, 1, 36500)
            assert balanced == fuzz.with_review_fuzz(factor, interval, 1, 36500)


def test_beyond_ninety_days_is_not_balanced() -> None:
    assert load_balance.find_interval(_due({}), 0.5, 91.0, 1, 36500) is None
    assert load_balance.find_interval(_due({}), 0.5, 30.0, 91, 36500) is None
    assert load_balance.find_interval(_due({}), 0.5, 90.9, 1, 36500) is not None


def test_range_respects_minimum_and_maximum() -> None:
    counts = {d: 5 for d in range(1, 99)}
    for factor in (0.0, 0.5, 0.99):
        got = load_balance.find_interval(_due(counts), factor, 10.0, 11, 12)
        assert got is not None and 11 <= got <= 12


def test_siblings_days_weigh_less() -> None:
    # Anki: the sibling's day x0.000001, a day away x0.2, two days x0.4 (crowded days only).
    w = load_balance.weights(_due({8: 3, 9: 3, 10: 3}, sibling_days=frozenset({9})), 8, 10)
    plain = load_balance.weights(_due({8: 3, 9: 3, 10: 3}), 8, 10)
    assert w[1] == pytest.approx(plain[1] * 0.000001)
    assert w[0] == pytest.approx(plain[0] * 0.2) and w[2] == pytest.approx(plain[2] * 0.2)


def test_easy_days() -> None:
    # 2026-03-02 is a Monday: day 8 is a Tuesday, 9 Wednesday, 10 Thursday.
    counts = {8: 3, 9: 3, 10: 3}
    minimum_wednesday = (1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0)
    w = load_balance.weights(_due(counts, easy_days=minimum_wednesday), 8, 10)
    plain = load_balance.weights(_due(counts), 8, 10)
    assert w[1] == pytest.approx(plain[1] * 0.0001) and w[0] == plain[0]
    # Reduced (50 %): kept while its count, doubled, is within the others' average load.
    reduced = (1.0, 1.0, 0.5, 1.0, 1.0, 1.0, 1.0)
    light = load_balance.weights(_due({8: 4, 9: 1, 10: 4}, easy_days=reduced), 8, 10)
    assert light[1] == pytest.approx((1 / 1) ** 2.15 / 9**3)
    heavy = load_balance.weights(_due({8: 4, 9: 3, 10: 4}, easy_days=reduced), 8, 10)
    assert heavy[1] == pytest.approx((1 / 3) ** 2.15 / 9**3 * 0.0001)


# -- on a real collection ------------------------------------------------------------------


def _expected_outcomes(
    card_id: int, memory: scheduling.Memory, counts: dict[int, int], now: datetime
) -> dict[int, int]:
    """Hard, Good, Easy by the rule: each balanced within its range, each > the one before."""
    unbalanced = scheduling.preview(card_id, memory, scheduling.SchedulerConfig(), now)
    factor = fuzz.fuzz_factors(scheduling.fuzz_seed(card_id, memory.reps))[0]
    previous = 10  # from the last review to the due day
    out, lowest = {}, 1
    for rating in (2, 3, 4):
        stability = unbalanced[rating].memory.stability
        assert stability is not None
        raw = stability  # desired retention 0.9: FSRS's interval is the stability
        least = previous + 1 if fuzz.round_interval(raw) > previous else previous
        lower, upper = fuzz.constrained_fuzz_bounds(raw, max(least, lowest), 36500)
        out[rating] = _expected(counts, lower, upper, factor)
        lowest = out[rating] + 1
    return out


def test_a_crowded_day_is_avoided_and_preview_equals_answer(
    col: Collection, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLASHCARDS_NO_FUZZ", "")
    card_id = target(col, now)
    shown = col.sched.card_for_review(card_id, now)
    # Every day of the next 60 crowded, differently, but two: the balancer must take them.
    good_raw = shown.outcomes[3].memory.stability
    assert good_raw is not None
    hole = fuzz.constrained_fuzz_bounds(good_raw, 11, 36500)[1]  # Good's range's last day
    counts = {d: 2 + (d * 7) % 5 for d in range(1, 61) if d != hole}
    crowd(col, now, counts)
    shown = col.sched.card_for_review(card_id, now)
    expected = _expected_outcomes(card_id, shown.memory, counts, now)
    got = {r: shown.outcomes[r].interval.days for r in (2, 3, 4)}
    assert got == expected
    assert got[3] == hole  # the one empty day of Good's range
    # Answering applies the previewed day, and that day now counts the card.
    result = col.sched.answer(card_id, 3, now, shown_at=now).value
    assert result.due == LearnerDay().start_after(now, hole)
    # Off: the plain fuzz draw, whatever is due.
    col.config.set_load_balancer(False)
    plain = col.sched.card_for_review(card_id, now + timedelta(days=hole))
    again = scheduling.preview(card_id, plain.memory, plain.config, plain.shown_at)
    assert {r: plain.outcomes[r].interval for r in (2, 3, 4)} == {
        r: again[r].interval for r in (2, 3, 4)
    }


def test_only_decks_on_the_same_preset_count(
    col: Collection, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLASHCARDS_NO_FUZZ", "")
    card_id = target(col, now)
    good_raw = col.sched.card_for_review(card_id, now).outcomes[3].memory.stability
    assert good_raw is not None
    lower, upper = fuzz.constrained_fuzz_bounds(good_raw, 11, 36500)
    # Another deck on another preset crowds every day but one: not counted (Anki: per preset).
    crowd(col, now, {d: 9 for d in range(1, 61) if d != upper}, deck="Other")
    col.decks.set_settings(col.decks.id("Other"), DeckSettings(desired_retention=0.85))
    shown = col.sched.card_for_review(card_id, now)
    plain = scheduling.preview(card_id, shown.memory, shown.config, now)
    assert shown.outcomes[3].interval == plain[3].interval
    # On the same preset (Default, as the card's deck): counted.
    col.presets.set_for_decks([col.decks.id("Other")], 1, now)
    assert col.sched.card_for_review(card_id, now).outcomes[3].interval.days == upper


def test_fuzz_off_means_no_balancing(
    col: Collection, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLASHCARDS_NO_FUZZ", "1")
    card_id = target(col, now)
    crowd(col, now, {d: 5 for d in range(1, 40)})
    shown = col.sched.card_for_review(card_id, now)
    assert shown.balance is None
    plain = scheduling.preview(card_id, shown.memory, shown.config, now)
    assert shown.outcomes == plain


def test_setting_defaults_on_and_persists(col: Collection) -> None:
    assert col.config.load_balancer  # Anki's default
    col.config.set_load_balancer(False)
    assert not col.config.load_balancer
    assert col.config.get("load_balancer") == "0"


def test_counts_kept_through_answers_equal_a_fresh_count(
    col: Collection, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Read once, then moved by each answer (as Anki's balancer is told of answers): after
    # every answer the counts used equal a count made afresh from the cards' rows.
    monkeypatch.setenv("FLASHCARDS_NO_FUZZ", "")
    crowd(col, now, {d: 1 + d % 3 for d in range(1, 30)})
    for _ in range(6):
        target(col, now)
    for i in range(4):
        col.notes.add("D", "basic", f"new {i}", "a", now)
    deck = col.decks.id("D")
    answered = 0
    t = now
    while (card := col.sched.next_card(t, "D")) is not None and answered < 40:
        assert card.balance is not None
        with col.engine.connect() as conn:
            fresh = DueLoad(LearnerDay(), t).due_days(conn, [deck], None)
        assert card.balance.counts == fresh.counts
        col.sched.answer(card.card_id, (3, 4, 1, 2, 3)[answered % 5], t, shown_at=t)
        answered += 1
        t += timedelta(minutes=3)
    assert answered >= 15


# -- Anki's rescheduler (new parameters, "reschedule cards on change") ---------------------


def _workload(counts: dict[int, int], today_load: int = 0) -> load_balance.Workload:
    return load_balance.Workload(TODAY, dict(counts), today_load)


def test_rescheduling_takes_the_emptiest_day_counted_from_the_last_answer() -> None:
    # Last answer 4 days ago, interval 10: range 8..12 from then, i.e. 4..8 days from today.
    load = _workload({4: 30, 5: 30, 6: 0, 7: 30, 8: 30})
    for factor in (0.001, 0.5, 0.999):
        assert load_balance.reschedule_interval(load, factor, 10.0, 1, 36500, 4) == 10
    # The choice follows Anki's weights with the days counted from the last answer.
    counts = {4: 3, 5: 8, 6: 2, 7: 5, 8: 1}
    for factor in (0.1, 0.4, 0.8):
        got = load_balance.reschedule_interval(_workload(counts), factor, 10.0, 1, 36500, 4)
        expected = _expected({d + 4: n for d, n in counts.items()}, 8, 12, factor)
        assert got == expected


def test_rescheduling_never_into_the_past_and_not_when_overdue() -> None:
    # Range 8..12, last answer 10 days ago: only 10 (today) .. 12; today weighs by its load.
    load = _workload({1: 5, 2: 5}, today_load=0)
    assert load_balance.reschedule_interval(load, 0.5, 10.0, 1, 36500, 10) == 10
    busy = _workload({1: 0, 2: 5}, today_load=50)
    assert load_balance.reschedule_interval(busy, 0.5, 10.0, 1, 36500, 10) == 11
    # The whole range already past: Anki leaves it to the plain fuzz.
    assert load_balance.reschedule_interval(load, 0.5, 10.0, 1, 36500, 13) is None


def test_workload_moves_with_each_card() -> None:
    load = _workload({3: 1}, today_load=2)
    load.moved(3, 5)
    assert load.counts == {3: 0, 5: 1} and load.today_load == 2
    load.moved(0, 4)  # was due today: today lighter
    assert load.counts[4] == 1 and load.today_load == 1
    load.moved(4, -1)  # now due in the past (overdue): today heavier
    assert load.counts[4] == 0 and load.today_load == 2


def test_preset_groups_are_the_decks_on_one_preset() -> None:
    groups = load_balance.preset_groups({1: 1, 2: 7, 3: 1})  # deck -> preset id
    assert groups == {1: (1, 3), 2: (2,), 3: (1, 3)}


def test_the_presets_easy_days_steer_the_balancer(
    col: Collection, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLASHCARDS_NO_FUZZ", "")
    card_id = target(col, now)
    good_raw = col.sched.card_for_review(card_id, now).outcomes[3].memory.stability
    assert good_raw is not None
    lower, upper = fuzz.constrained_fuzz_bounds(good_raw, 11, 36500)
    assert lower < upper
    crowd(col, now, {d: 3 for d in range(1, 61)})  # every day equally crowded
    today = LearnerDay().date_of(now)
    for day in (lower, lower + 1):
        # Easy days (as Settings sets them): every weekday minimum but that day's.
        weekday = (today + timedelta(days=day)).weekday()
        easy = tuple(1.0 if d == weekday else 0.0 for d in range(7))
        col.presets.update(1, replace(col.presets.get(1).settings, easy_days=easy), now)
        with col.engine.connect() as conn:  # kept where Anki keeps them, to go there
            kept = conn.execute(select(PRESET.c.anki_config).where(PRESET.c.id == 1)).scalar()
        assert json.loads(kept)["easyDaysPercentages"] == list(easy)
        good = col.sched.card_for_review(card_id, now).outcomes[3].interval.days
        assert lower <= good <= upper and (today + timedelta(days=good)).weekday() == weekday


@pytest.mark.parametrize("easy", [(1.0,) * 6, (1.0,) * 6 + (1.5,), (1.0,) * 6 + (-0.5,)])
def test_easy_days_that_are_not_seven_shares_are_refused(
    col: Collection, now: datetime, easy: tuple[float, ...]
) -> None:
    before = col.presets.get(1).settings
    with pytest.raises(InputError, match="Easy days must be seven shares"):
        col.presets.update(1, replace(before, easy_days=easy), now)
    assert col.presets.get(1).settings == before
