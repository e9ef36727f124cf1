"""The only module that touches ``fsrs``: our card rows <-> ``fsrs.Card``, previews, answers.

Answering applies exactly the previewed outcome: both run the same seeded computation, so a
button label never lies. Fuzz stays on (as in Anki) but is seeded by the card id and its review
count, so the same history always gives the same schedule.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import fsrs

from flashcards.core.enums import CardState

_STEP_RE = re.compile(r"^(\d+(?:\.\d+)?)([smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class SchedulerConfig:
    """The per-deck scheduling options that FSRS needs."""

    desired_retention: float = 0.9
    learning_steps: str = "1m 10m"
    relearning_steps: str = "10m"
    maximum_interval: int = 36500
    #: FSRS parameters (an Anki preset's); empty: FSRS's defaults.
    parameters: tuple[float, ...] = ()


@dataclass(frozen=True)
class Memory:
    """A card's scheduling state, as stored in its columns."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int = 0
    lapses: int = 0


@dataclass(frozen=True)
class Outcome:
    """What one rating does to a card: its new memory and the interval until it is due."""

    rating: int
    memory: Memory
    interval: timedelta


def parse_steps(text: str) -> tuple[timedelta, ...]:
    """Parse learning steps written like Anki's (``"1m 10m"``, ``"30s 1h 1d"``).

    Raises:
        ValueError: If a step is not a number followed by s, m, h or d.
    """
    steps = []
    for part in text.split():
        match = _STEP_RE.match(part.strip().lower())
        if not match:
            raise ValueError(f"'{part}' is not a step such as 1m, 10m, 1h or 1d")
        steps.append(timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2)]))
    return tuple(steps)


#: How many parameters FSRS-6 has (and Anki's ``fsrsParams6``).
PARAMETER_COUNT = len(fsrs.scheduler.DEFAULT_PARAMETERS)


def valid_parameters(parameters: tuple[float, ...]) -> bool:
    """Whether ``parameters`` are FSRS-6 parameters that fsrs accepts (count and bounds)."""
    if len(parameters) != PARAMETER_COUNT:
        return False
    try:
        fsrs.Scheduler(parameters=parameters)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=64)
def _scheduler(config: SchedulerConfig) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        parameters=config.parameters or fsrs.scheduler.DEFAULT_PARAMETERS,
        desired_retention=config.desired_retention,
        learning_steps=parse_steps(config.learning_steps),
        relearning_steps=parse_steps(config.relearning_steps),
        maximum_interval=config.maximum_interval,
        enable_fuzzing=True,
    )


@contextmanager
def _seeded_fuzz() -> Iterator[None]:
    # fsrs draws its fuzz from the module-level `random()`; seeding that generator inside this
    # block (and restoring its state after) makes the draw reproducible without touching fsrs.
    saved = random.getstate()
    try:
        yield
    finally:
        random.setstate(saved)


MAX_COUNT = 2**31 - 1
"""Review and lapse counts stop here (a 32-bit integer, as in Anki's card table)."""
MIN_STABILITY = 0.001
"""The smallest stability in days, as Anki's FSRS keeps it."""
MAX_STABILITY = 36500.0
"""The largest stability in days (100 years), as Anki's FSRS keeps it."""


def fuzz_seed(card_id: int, reps: int) -> int:
    """The fuzz seed of a card's next review: its id and how many times it was reviewed."""
    return card_id * 1_000_003 + reps


def _to_fsrs(card_id: int, memory: Memory) -> fsrs.Card:
    if memory.state == CardState.NEW:
        return fsrs.Card(card_id=card_id, state=fsrs.State.Learning, step=0, due=memory.due)
    return fsrs.Card(
        card_id=card_id,
        state=fsrs.State(memory.state),
        step=memory.step,
        stability=memory.stability,
        difficulty=memory.difficulty,
        due=memory.due,
        last_review=memory.last_review,
    )


def _review(
    scheduler: fsrs.Scheduler, card_id: int, memory: Memory, rating: int, now: datetime
) -> Outcome:
    # The caller has seeded the fuzz generator for this card and review.
    new, _log = scheduler.review_card(_to_fsrs(card_id, memory), fsrs.Rating(rating), now)
    lapses = min(
        MAX_COUNT,
        memory.lapses
        + (1 if memory.state == CardState.REVIEW and rating == fsrs.Rating.Again else 0),
    )
    result = Memory(
        state=int(new.state),
        step=new.step,
        # FSRS in Anki (fsrs-rs) keeps stability within [0.001, 36500] days; py-fsrs does not,
        # and a card already at the top would grow past it (and past what imports accept).
        stability=None
        if new.stability is None
        else min(max(new.stability, MIN_STABILITY), MAX_STABILITY),
        difficulty=new.difficulty,
        due=new.due,
        last_review=new.last_review,
        reps=min(MAX_COUNT, memory.reps + 1),
        lapses=lapses,
    )
    return Outcome(rating=rating, memory=result, interval=new.due - now)


def answer(
    card_id: int, memory: Memory, rating: int, config: SchedulerConfig, now: datetime
) -> Outcome:
    """Compute the outcome of answering a card with ``rating`` (1 Again .. 4 Easy) at ``now``."""
    now = now.astimezone(UTC)
    seed = fuzz_seed(card_id, memory.reps)
    with _seeded_fuzz():
        random.seed(seed)
        return _review(_scheduler(config), card_id, memory, rating, now)


def preview(
    card_id: int, memory: Memory, config: SchedulerConfig, now: datetime
) -> dict[int, Outcome]:
    """The four outcomes (Again, Hard, Good, Easy) of answering the card at ``now``.

    Each rating draws its fuzz from the same seed, so for a review card the fuzzed intervals
    keep the order of the unfuzzed ones (Hard <= Good <= Easy), which independent draws
    would not guarantee.
    """
    now = now.astimezone(UTC)
    scheduler = _scheduler(config)
    seed = fuzz_seed(card_id, memory.reps)
    outcomes = {}
    with _seeded_fuzz():
        for rating in (1, 2, 3, 4):
            random.seed(seed)
            outcomes[rating] = _review(scheduler, card_id, memory, rating, now)
    return outcomes


def retrievability(memory: Memory, config: SchedulerConfig, now: datetime) -> float | None:
    """The predicted probability of recall at ``now`` (None for a card never reviewed)."""
    if memory.state == CardState.NEW or memory.stability is None:
        return None
    return float(
        _scheduler(config).get_card_retrievability(_to_fsrs(0, memory), now.astimezone(UTC))
    )


_DECAY = -fsrs.scheduler.DEFAULT_PARAMETERS[20]
_FACTOR = 0.9 ** (1 / _DECAY) - 1


def forgetting_curve(elapsed_days: float, stability: float) -> float:
    """FSRS's probability of recall ``elapsed_days`` after a review, for a card's ``stability``.

    The same formula as ``fsrs.Scheduler.get_card_retrievability`` with the default parameters
    our decks use, without building an ``fsrs.Card`` per card (the stats read 100,000 of them).
    """
    return float((1 + _FACTOR * elapsed_days / stability) ** _DECAY)


def format_interval(interval: timedelta) -> str:
    """Label an interval as Anki's answer buttons do: ``<1m``, ``<10m``, ``4d``, ``1.2mo``."""
    seconds = interval.total_seconds()
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"<{round(seconds / 60)}m"
    if seconds < 86400:
        return f"<{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}".removesuffix(".0") + "mo"
    return f"{days / 365:.1f}".removesuffix(".0") + "y"
