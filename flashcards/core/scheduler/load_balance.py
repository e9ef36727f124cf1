"""Anki's load balancer: the day a fuzzed review interval lands on, chosen by the workload.

Instead of drawing a day uniformly from the fuzz range, Anki weighs each day of the range by
how many cards of the same preset are already due then, and draws with those weights (its
``rslib/src/scheduler/states/load_balancer.rs``). The rules, and why we follow them, are in
docs/scheduling.md. Pure functions of numbers: the caller counts the cards due per day and
passes the card's own fuzz draw, so the choice is deterministic and preview equals answer.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from flashcards.core.scheduler import fuzz

#: Above this many days (the interval or its minimum) the workload is not balanced (Anki's
#: ``MAX_LOAD_BALANCE_INTERVAL``): far ahead, one more card a day hardly matters.
MAX_BALANCED_INTERVAL = 90
#: How many days from today the counts cover (Anki's ``LOAD_BALANCE_DAYS``: 10 % beyond 90,
#: so that the fuzz range of a 90-day interval fits).
DAYS = int(MAX_BALANCED_INTERVAL * 1.1)

#: Days around a day holding a sibling, and how much they weigh (Anki's sibling modifiers):
#: the sibling's own day almost nothing, a day further away a fifth more each.
_SIBLING_STEPS = (-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5)
_SIBLING_WEIGHTS = (1.0, 0.8, 0.6, 0.4, 0.2, 0.000001, 0.2, 0.4, 0.6, 0.8, 1.0)

#: Anki's easy-days loads: a day at 0 % (minimum) weighs almost nothing, at 100 % normally.
_MINIMUM_LOAD = 0.0001
_REDUCED_LOAD = 0.5


@dataclass(frozen=True)
class DueDays:
    """What the balancer knows of the days ahead when one card is answered.

    Attributes:
        today: The learner day of the answer (day 0).
        counts: Per day from today (``counts[i]`` is today + i), how many cards of the
            card's preset are due then (reviews and interday learning, suspended and buried
            ones too, as Anki's query counts every card with a due day).
        sibling_days: The days from today on which a card of the same note is due, when the
            preset buries review siblings (Anki then keeps siblings apart); else empty.
        easy_days: The preset's easy-days loads, Monday first (1.0 normal, 0.0 minimum,
            anything between reduced); empty: every day normal, Anki's default.
    """

    today: date
    counts: tuple[int, ...]
    sibling_days: frozenset[int] = frozenset()
    easy_days: tuple[float, ...] = field(default=())


def _easy_day_loads(
    easy_days: Sequence[float], weekdays: Sequence[int], counts: Sequence[int]
) -> list[float]:
    """Anki's ``calculate_easy_days_modifiers``: each day's weight factor from easy days.

    A reduced day is kept only while its count, doubled, stays within the average load the
    other days of the range would carry at their percentages.
    """
    if not easy_days:
        return [1.0] * len(weekdays)

    def load(value: float) -> float:
        return 1.0 if value == 1.0 else _MINIMUM_LOAD if value == 0.0 else _REDUCED_LOAD

    total_count = sum(counts)
    total_load = sum(load(easy_days[w]) for w in weekdays)
    out = []
    for weekday, count in zip(weekdays, counts, strict=True):
        value = easy_days[weekday]
        if value not in (0.0, 1.0):  # reduced
            others = total_load - _REDUCED_LOAD
            threshold = (total_count - count) / others if others else math.inf
            out.append(_MINIMUM_LOAD if count / _REDUCED_LOAD > threshold else 1.0)
        else:
            out.append(load(value))
    return out


def _sibling_factors(sibling_days: frozenset[int], lower: int, upper: int) -> list[float]:
    """Anki's ``calculate_sibling_modifiers``: days near a sibling's weigh less."""
    factors = [1.0] * (upper - lower + 1)
    for day in sibling_days:
        for step, weight in zip(_SIBLING_STEPS, _SIBLING_WEIGHTS, strict=True):
            index = day + step - lower
            if 0 <= index < len(factors):
                factors[index] *= weight
    return factors


def weights(due: DueDays, lower: int, upper: int) -> list[float]:
    """The weight of each day ``lower..upper`` days from today, as Anki weighs them.

    A day without cards weighs 1; a day with n cards ``(1/n)^2.15 * (1/days)^3`` times the
    sibling and easy-days factors, so the emptiest days win and, among equal ones, the
    earlier (Anki: without the interval term the choice leans towards later days).
    """
    days = range(lower, upper + 1)
    counts = [due.counts[d] if d < len(due.counts) else 0 for d in days]
    weekdays = [(due.today + timedelta(days=d)).weekday() for d in days]
    easy = _easy_day_loads(due.easy_days, weekdays, counts)
    siblings = _sibling_factors(due.sibling_days, lower, upper)
    return _weigh(days, counts, siblings, easy)


def _weigh(
    days: Sequence[int], counts: Sequence[int], siblings: Sequence[float], easy: Sequence[float]
) -> list[float]:
    # Anki's select_weighted_interval: the factors apply to days holding cards only.
    out = []
    for i, day in enumerate(days):
        count = counts[i]
        if count == 0:
            out.append(1.0)
        else:
            out.append((1.0 / count) ** 2.15 * (1.0 / day) ** 3 * siblings[i] * easy[i])
    return out


def _pick(days: Sequence[int], day_weights: Sequence[float], factor: float) -> int:
    """The day whose share of the summed weights the draw ``factor`` falls in."""
    target = factor * sum(day_weights)
    running = 0.0
    for day, weight in zip(days, day_weights, strict=True):
        running += weight
        if target < running:
            return day
    return days[-1]  # only if rounding left the draw at the very top


def find_interval(
    due: DueDays, factor: float, interval: float, minimum: int, maximum: int
) -> int | None:
    """The balanced interval in days within the fuzz range, or None to fuzz as usual.

    ``factor`` is the answer's fuzz draw in [0, 1): the day whose share of the summed
    weights it falls in (a weighted draw, as Anki's; deterministic given the draw). None when
    the interval or its minimum is over :data:`MAX_BALANCED_INTERVAL` days.
    """
    if int(interval) > MAX_BALANCED_INTERVAL or minimum > MAX_BALANCED_INTERVAL:
        return None
    lower, upper = fuzz.constrained_fuzz_bounds(interval, minimum, maximum)
    return _pick(range(lower, upper + 1), weights(due, lower, upper), factor)


@dataclass
class Workload:
    """A preset's review workload, for rescheduling all its cards at once (Anki's Rescheduler).

    Attributes:
        today: The learner day of the rescheduling.
        counts: Days from today (after it) -> review cards due then (not suspended); moved
            by :meth:`moved` as cards are rescheduled.
        today_load: Review cards due today or overdue, plus the cards reviewed today.
        easy_days: The preset's easy-days loads, Monday first (empty: all normal).
    """

    today: date
    counts: dict[int, int]
    today_load: int
    easy_days: tuple[float, ...] = ()

    def moved(self, before: int, after: int) -> None:
        """A review card due ``before`` days from today is now due ``after`` days from it."""
        if before > 0 and self.counts.get(before, 0) > 0:
            self.counts[before] -= 1
        if after > 0:
            self.counts[after] = self.counts.get(after, 0) + 1
        if before <= 0 < after:
            self.today_load = max(0, self.today_load - 1)
        elif after <= 0 < before:
            self.today_load += 1


def reschedule_interval(
    load: Workload, factor: float, interval: float, minimum: int, maximum: int, elapsed: int
) -> int | None:
    """Anki's rescheduler: a new interval weighted by each day's workload (None: plain fuzz).

    The interval counts from the card's last answer, ``elapsed`` days ago. As Anki's
    ``Rescheduler.find_interval``: no day before today (an interval under ``elapsed``), none
    at all when the whole range is past (None); today weighs by its reviews due and done, a
    later day by its reviews due; no 90-day limit, no siblings.
    """
    lower, upper = fuzz.constrained_fuzz_bounds(interval, minimum, maximum)
    if upper < elapsed:
        return None
    days = range(max(lower, elapsed), upper + 1)
    counts = [load.counts.get(d - elapsed, 0) if d > elapsed else load.today_load for d in days]
    weekdays = [(load.today + timedelta(days=d - elapsed)).weekday() for d in days]
    easy = _easy_day_loads(load.easy_days, weekdays, counts)
    return _pick(days, _weigh(days, counts, [1.0] * len(counts), easy), factor)


def preset_groups(presets: Mapping[int, Hashable]) -> dict[int, tuple[int, ...]]:
    """Per deck, the decks whose cards Anki's balancer counts with its cards (its preset).

    ``presets``: each deck's preset id (decks with the same key are one group).
    """
    by_preset: dict[Hashable, list[int]] = {}
    for deck_id, preset in presets.items():
        by_preset.setdefault(preset, []).append(deck_id)
    return {d: tuple(by_preset[p]) for d, p in presets.items()}
