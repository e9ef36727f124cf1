"""Fuzz as Anki applies it: to review intervals, and to learning steps.

Review intervals fall within a range that widens with the interval; learning steps are
lengthened by up to a quarter (at most five minutes).

Pure functions of numbers; the fuzz itself is a number in [0, 1) drawn by the caller from its
own seeded generator (see :func:`fuzz_factors`), never from the process-wide ``random`` state.
See docs/scheduling.md for the rules and why.
"""

from __future__ import annotations

import math
import os
import random

#: (start, end, share): each day of the interval between start and end widens the range by
#: ``share`` days on each side, on top of one day (intervals under 2.5 days get no fuzz).
FUZZ_RANGES: tuple[tuple[float, float, float], ...] = (
    (2.5, 7.0, 0.15),
    (7.0, 20.0, 0.10),
    (20.0, math.inf, 0.05),
)

#: A learning step is lengthened by at most this share of it, and at most by LEARNING_FUZZ_CAP.
LEARNING_FUZZ_SHARE = 0.25
LEARNING_FUZZ_CAP = 300

NO_FUZZ_VARIABLE = "FLASHCARDS_NO_FUZZ"
"""Set (to anything but "" or "0") to turn fuzz off, as Anki's ANKI_TEST_MODE does."""


def fuzz_enabled() -> bool:
    """Whether fuzz is on (it is unless ``FLASHCARDS_NO_FUZZ`` is set)."""
    return os.environ.get(NO_FUZZ_VARIABLE, "") in ("", "0")


def fuzz_factors(seed: int) -> tuple[float, float]:
    """The fuzz of one answer, each in [0, 1): for a review interval and for a learning step.

    The first two draws of a generator of its own seeded with ``seed`` (thread-safe, and the
    process-wide ``random`` state is left alone).
    """
    generator = random.Random(seed)
    return generator.random(), generator.random()


def fuzz_delta(interval: float) -> float:
    """How many days the range reaches on each side of ``interval``."""
    if interval < 2.5:
        return 0.0
    delta = 1.0
    for start, end, share in FUZZ_RANGES:
        delta += share * max(min(interval, end) - start, 0.0)
    return delta


def _round(value: float) -> int:
    # Half away from zero, as Rust's f32::round (Python's round() goes to even).
    return int(math.floor(value + 0.5)) if value >= 0 else -int(math.floor(-value + 0.5))


def fuzz_bounds(interval: float) -> tuple[int, int]:
    """The unconstrained range of fuzzed intervals for ``interval`` days."""
    delta = fuzz_delta(interval)
    return _round(interval - delta), _round(interval + delta)


def constrained_fuzz_bounds(interval: float, minimum: int, maximum: int) -> tuple[int, int]:
    """The range of fuzzed intervals, kept within ``[minimum, maximum]``.

    A range narrowed to one day above 2 days gets a second day when the maximum allows it.
    """
    minimum = min(minimum, maximum)
    interval = min(max(interval, float(minimum)), float(maximum))
    lower, upper = fuzz_bounds(interval)
    lower = min(max(lower, minimum), maximum)
    upper = min(max(upper, minimum), maximum)
    if upper == lower and 2 < upper < maximum:
        upper = lower + 1
    return lower, upper


def with_review_fuzz(factor: float | None, interval: float, minimum: int, maximum: int) -> int:
    """A review interval in whole days: fuzzed by ``factor`` within its range, or (None) rounded.

    Either way the result lies within ``[minimum, maximum]``.
    """
    if factor is None:
        return min(max(_round(interval), minimum), maximum)
    lower, upper = constrained_fuzz_bounds(interval, minimum, maximum)
    return int(math.floor(lower + factor * (1 + upper - lower)))


def minimum_review_interval(interval: float, previous: int, maximum: int) -> int:
    """The least interval a passing review may get, given the card's previous interval.

    Longer than the previous one if the new interval grew; not shorter if it shrank only within
    its fuzz range; no bound (0) if it shrank beyond that (changed parameters or retention).
    """
    _, upper = constrained_fuzz_bounds(interval, 1, maximum)
    if round_interval(interval) > previous:
        return previous + 1
    if previous <= upper:
        return previous
    return 0


def round_interval(interval: float) -> int:
    """Round days half away from zero, as Anki does."""
    return _round(interval)


def learning_fuzz(seconds: int, factor: float | None) -> int:
    """A learning step lengthened by ``factor`` of its fuzz (up to 25 %, at most 5 minutes)."""
    upper = seconds + int(math.floor(min(seconds * LEARNING_FUZZ_SHARE, LEARNING_FUZZ_CAP)))
    if factor is None or upper <= seconds:
        return seconds
    return seconds + int(factor * (upper - seconds))
