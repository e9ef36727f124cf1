"""The only module that touches ``fsrs``: previews and answers, as Anki's v3 scheduler with FSRS.

FSRS (py-fsrs) gives the memory model: stability and difficulty after a rating, given the
days elapsed as Anki counts them (day rollovers). Learning steps, graduation, relearning, the
maximum interval and fuzz follow Anki's rules (``flashcards.core.scheduler.fuzz``); each rule
and why is in docs/scheduling.md. Answering applies exactly the previewed outcome: both run the
same computation, fuzz drawn from a generator seeded by the card id and its review count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache

import fsrs

from flashcards.core import overview
from flashcards.core.enums import CardState
from flashcards.core.scheduler import fuzz, load_balance

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
    # Used only for FSRS's memory model (stability and difficulty after an answer) and for
    # retrievability; intervals, steps and fuzz follow Anki's rules below.
    return fsrs.Scheduler(
        parameters=config.parameters or fsrs.scheduler.DEFAULT_PARAMETERS,
        desired_retention=config.desired_retention,
        learning_steps=parse_steps(config.learning_steps),
        relearning_steps=parse_steps(config.relearning_steps),
        maximum_interval=config.maximum_interval,
        enable_fuzzing=False,
    )


MAX_COUNT = 2**31 - 1
"""Review and lapse counts stop here (a 32-bit integer, as in Anki's card table)."""
MIN_STABILITY = 0.001
"""The smallest stability in days, as Anki's FSRS keeps it."""
MAX_STABILITY = 36500.0
"""The largest stability in days (100 years), as Anki's FSRS keeps it."""

_DAY_SECONDS = 86_400


def fuzz_seed(card_id: int, reps: int) -> int:
    """The fuzz seed of a card's next review: its id and how many times it was reviewed."""
    return card_id * 1_000_003 + reps


@dataclass(frozen=True)
class LearnerDay:
    """How the learner's days run: they start at ``start_hour`` in ``tz`` (None: local time).

    The default, 4 a.m. UTC, is for callers that know no collection; the scheduler passes the
    collection's own (``Config.tz`` and ``Config.day_start_hour``).
    """

    tz: tzinfo | None = UTC
    start_hour: int = 4

    def bounds(self, moment: datetime) -> tuple[datetime, datetime]:
        """The UTC start and end (the next rollover) of the learner day containing ``moment``."""
        return overview.day_bounds(moment, self.tz, self.start_hour)

    def date_of(self, moment: datetime) -> date:
        """The learner day of ``moment``, as a calendar date."""
        local = moment.astimezone(self.tz) if self.tz is not None else moment.astimezone()
        return (local - timedelta(hours=self.start_hour)).date()

    def start_after(self, moment: datetime, days: int) -> datetime:
        """The UTC start of the learner day ``days`` after the one containing ``moment``."""
        start, _ = self.bounds(moment)
        return self.bounds(start + timedelta(days=days, hours=12))[0]


@dataclass(frozen=True)
class _Memory:
    """FSRS's memory state after one rating, and the interval it asks for (unrounded days)."""

    stability: float
    difficulty: float
    interval: float


def _next_memories(
    config: SchedulerConfig, memory: Memory, elapsed_days: int
) -> dict[int, _Memory]:
    """FSRS's memory state after each rating, ``elapsed_days`` learner days after the last one.

    py-fsrs computes the state (its model is Anki's); it is told the elapsed days as Anki counts
    them (day rollovers, not 24-hour periods) by placing the last review that many days back.
    """
    scheduler = _scheduler(config)
    if memory.stability is None or memory.difficulty is None or memory.last_review is None:
        card = fsrs.Card(card_id=1, state=fsrs.State.Learning, step=0, due=_EPOCH)
    else:
        card = fsrs.Card(
            card_id=1,
            state=fsrs.State.Review,
            step=None,
            stability=min(max(memory.stability, MIN_STABILITY), MAX_STABILITY),
            difficulty=min(max(memory.difficulty, 1.0), 10.0),
            due=_EPOCH,
            last_review=_EPOCH - timedelta(days=elapsed_days),
        )
    decay = -scheduler.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    scale = (config.desired_retention ** (1 / decay) - 1) / factor
    out = {}
    for rating in (1, 2, 3, 4):
        new, _log = scheduler.review_card(card, fsrs.Rating(rating), _EPOCH)
        assert new.stability is not None and new.difficulty is not None
        stability = min(max(new.stability, MIN_STABILITY), MAX_STABILITY)
        out[rating] = _Memory(stability, new.difficulty, stability * scale)
    return out


_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class _Next:
    """Where one rating leads: a (re)learning step in seconds, or a review in days."""

    state: int
    step: int | None = None
    seconds: int = 0
    days: int = 0


class _Steps:
    """Learning or relearning steps in whole seconds, read as Anki reads them."""

    def __init__(self, steps: tuple[timedelta, ...]) -> None:
        self.secs = [int(step.total_seconds()) for step in steps]

    def index(self, step: int | None) -> int:
        return max(0, min(step or 0, len(self.secs) - 1))

    def again(self) -> int | None:
        return self.secs[0] if self.secs else None

    def hard(self, step: int | None) -> int | None:
        if not self.secs:
            return None
        idx = self.index(step)
        if idx != 0:
            return self.secs[idx]
        first = self.secs[0]
        if len(self.secs) > 1:
            secs = (first + self.secs[1]) // 2
        else:
            secs = min(first * 3 // 2, first + _DAY_SECONDS)
        if secs > _DAY_SECONDS:  # beyond a day: whole days
            secs = fuzz.round_interval(secs / _DAY_SECONDS) * _DAY_SECONDS
        return secs

    def good(self, step: int | None) -> int | None:
        idx = self.index(step) + 1
        return self.secs[idx] if idx < len(self.secs) else None


def _short_term_allowed(config: SchedulerConfig) -> bool:
    # As Anki: FSRS may keep a card in (re)learning for less than a day without steps only if
    # its short-term parameters are positive (and only when the steps are empty).
    params = config.parameters or fsrs.scheduler.DEFAULT_PARAMETERS
    return params[17] > 0 and params[18] > 0


def _next_states(
    memory: Memory,
    config: SchedulerConfig,
    memories: dict[int, _Memory],
    previous_days: int,
    factor: float | None,
    balance: load_balance.DueDays | None = None,
) -> dict[int, _Next]:
    """Anki's v3 + FSRS rules: where each rating leads from the card's current state."""
    maximum = max(1, config.maximum_interval)
    learn = _Steps(parse_steps(config.learning_steps))
    relearn = _Steps(parse_steps(config.relearning_steps))
    short_term = _short_term_allowed(config)

    def fuzzed(interval: float, minimum: int) -> int:
        # As Anki's StateContext.with_review_fuzz: the load balancer picks the day when it
        # can (fuzz on, within 90 days), else the plain fuzz draw.
        if factor is not None and balance is not None:
            days = load_balance.find_interval(balance, factor, interval, minimum, maximum)
            if days is not None:
                return days
        return fuzz.with_review_fuzz(factor, interval, minimum, maximum)

    def review(interval: float, minimum: int = 1) -> _Next:
        minimum = min(max(minimum, 1), maximum)
        return _Next(int(CardState.REVIEW), days=fuzzed(interval, minimum))

    def graduate(rating: int, state: int, steps: _Steps, step: int | None) -> _Next:
        # Leaving (re)learning with Hard or Good: FSRS's interval, rounded, then fuzzed.
        interval = memories[rating].interval
        if short_term and not steps.secs and interval < 0.5:
            return _Next(state, steps.index(step), seconds=int(interval * _DAY_SECONDS))
        return review(max(fuzz.round_interval(interval), 1))

    def easy_from_learning() -> _Next:
        # Easy is at least a day longer than what Good would give (unrounded, fuzzed).
        good = fuzzed(memories[3].interval, 1)
        return review(max(fuzz.round_interval(memories[4].interval), 1), good + 1)

    def stepped(
        kind: int, steps: _Steps, step: int | None, again_step: int | None
    ) -> dict[int, _Next]:
        # A (re)learning card: each rating moves along the steps, or past them (graduates);
        # Again past empty steps graduates from ``again_step``.
        again, hard, good = steps.again(), steps.hard(step), steps.good(step)
        return {
            1: _Next(kind, 0, seconds=again)
            if again is not None
            else graduate(1, kind, steps, again_step),
            2: _Next(kind, steps.index(step), seconds=hard)
            if hard is not None
            else graduate(2, kind, steps, step),
            3: _Next(kind, steps.index(step) + 1, seconds=good)
            if good is not None
            else graduate(3, kind, steps, step),
            4: easy_from_learning(),
        }

    state = memory.state
    relearning = int(CardState.RELEARNING)
    if state in (CardState.NEW, CardState.LEARNING):
        step = 0 if state == CardState.NEW else memory.step
        return stepped(int(CardState.LEARNING), learn, step, step)
    if state == CardState.RELEARNING:
        return stepped(relearning, relearn, memory.step, 0)
    # A review card.
    out = {}
    again = relearn.again()
    failed = memories[1].interval
    if again is not None:
        out[1] = _Next(relearning, 0, seconds=again)
    elif short_term and failed < 0.5:
        out[1] = _Next(relearning, 0, seconds=int(failed * _DAY_SECONDS))
    else:
        # In FSRS a lapse without relearning steps is not fuzzed (Anki fuzzes on leaving
        # relearning).
        out[1] = _Next(int(CardState.REVIEW), days=max(fuzz.round_interval(failed), 1))
    lowest = 1
    for rating in (2, 3, 4):
        interval = memories[rating].interval
        least = fuzz.minimum_review_interval(interval, previous_days, maximum)
        out[rating] = review(interval, max(least, lowest))
        lowest = out[rating].days + 1  # Good >= Hard + 1, Easy >= Good + 1
    return out


def _previous_interval(memory: Memory, day: LearnerDay) -> int:
    """A review card's last scheduled interval in days, from its last review's day to its due day.

    Anki keeps it in the card; here it follows from the two dates.
    """
    if memory.last_review is None:
        return 0
    return max(0, (day.date_of(memory.due) - day.date_of(memory.last_review)).days)


def elapsed_days(last_review: datetime | None, now: datetime, day: LearnerDay) -> int:
    """Days since the last review as Anki counts them for FSRS (0 if never reviewed).

    Whole days from the last review to the end of today (the next rollover): the rollovers
    passed since, not whole 24-hour periods.
    """
    if last_review is None:
        return 0
    _, end = day.bounds(now)
    return max(0, int((end - last_review).total_seconds()) // _DAY_SECONDS)


def _outcomes(
    card_id: int,
    memory: Memory,
    config: SchedulerConfig,
    now: datetime,
    day: LearnerDay,
    fuzzed: bool | None,
    balance: load_balance.DueDays | None = None,
) -> dict[int, Outcome]:
    now = now.astimezone(UTC)
    if fuzzed is None:
        fuzzed = fuzz.fuzz_enabled()
    review_factor, learning_factor = fuzz.fuzz_factors(fuzz_seed(card_id, memory.reps))
    factor = review_factor if fuzzed else None
    step_factor = learning_factor if fuzzed else None
    new_card = memory.state == CardState.NEW or memory.stability is None
    elapsed = 0 if new_card else elapsed_days(memory.last_review, now, day)
    memories = _next_memories(config, memory, elapsed)
    previous = _previous_interval(memory, day) if memory.state == CardState.REVIEW else 0
    nexts = _next_states(memory, config, memories, previous, factor, balance)
    _, day_end = day.bounds(now)
    until_rollover = int((day_end - now).total_seconds())
    reps = min(MAX_COUNT, memory.reps + 1)
    outcomes = {}
    for rating, nxt in nexts.items():
        days = nxt.days
        if nxt.state != CardState.REVIEW and nxt.seconds >= until_rollover:
            # A step past the next rollover counts in days, as Anki's interday learning does.
            days = (nxt.seconds - until_rollover) // _DAY_SECONDS + 1
        if nxt.state == CardState.REVIEW or days:
            due = day.start_after(now, days)
            interval = timedelta(days=days)
        else:
            due = now + timedelta(seconds=fuzz.learning_fuzz(nxt.seconds, step_factor))
            interval = timedelta(seconds=nxt.seconds)
        lapse = memory.state == CardState.REVIEW and rating == 1
        mem = memories[rating]
        outcomes[rating] = Outcome(
            rating=rating,
            memory=Memory(
                state=nxt.state,
                step=None if nxt.state == CardState.REVIEW else nxt.step,
                # Stored as Anki stores them (4 and 3 decimals).
                stability=round(mem.stability, 4),
                difficulty=round(mem.difficulty, 3),
                due=due,
                last_review=now,
                reps=reps,
                lapses=min(MAX_COUNT, memory.lapses + (1 if lapse else 0)),
            ),
            interval=interval,
        )
    return outcomes


def answer(
    card_id: int,
    memory: Memory,
    rating: int,
    config: SchedulerConfig,
    now: datetime,
    day: LearnerDay | None = None,
    *,
    fuzzed: bool | None = None,
    balance: load_balance.DueDays | None = None,
) -> Outcome:
    """The outcome of answering a card with ``rating`` (1 Again .. 4 Easy) at ``now``.

    ``day`` says when the learner's days roll over (elapsed days and due days count them);
    ``fuzzed`` None means on unless ``FLASHCARDS_NO_FUZZ`` is set; ``balance``, the cards due
    on the days ahead, lets Anki's load balancer choose the fuzzed review day (None: off).
    """
    return preview(card_id, memory, config, now, day, fuzzed=fuzzed, balance=balance)[rating]


def preview(
    card_id: int,
    memory: Memory,
    config: SchedulerConfig,
    now: datetime,
    day: LearnerDay | None = None,
    *,
    fuzzed: bool | None = None,
    balance: load_balance.DueDays | None = None,
) -> dict[int, Outcome]:
    """The four outcomes (Again, Hard, Good, Easy) of answering the card at ``now``.

    All four use one fuzz draw (seeded by the card and its review count), and for a review card
    Hard < Good < Easy as in Anki: each at least a day longer than the one before. With
    ``balance`` (and fuzz on) the draw picks a day weighted by the cards due then.
    """
    return _outcomes(card_id, memory, config, now, day or LearnerDay(), fuzzed, balance)


def retrievability(memory: Memory, config: SchedulerConfig, now: datetime) -> float | None:
    """The predicted probability of recall at ``now`` (None for a card never reviewed)."""
    if memory.state == CardState.NEW or memory.stability is None:
        return None
    card = fsrs.Card(
        card_id=1,
        state=fsrs.State.Review,
        step=None,
        stability=memory.stability,
        difficulty=memory.difficulty,
        due=memory.due,
        last_review=memory.last_review,
    )
    return float(_scheduler(config).get_card_retrievability(card, now.astimezone(UTC)))


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
    if days < _MONTH_DAYS:  # as Anki: a month is a twelfth of a year, so 30 days is "30d"
        return f"{fuzz.round_interval(days)}d"
    if days < 365:
        return f"{days / _MONTH_DAYS:.1f}".removesuffix(".0") + "mo"
    return f"{days / 365:.1f}".removesuffix(".0") + "y"


_MONTH_DAYS = 365 / 12
