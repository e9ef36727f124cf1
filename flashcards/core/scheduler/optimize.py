"""Optimise FSRS parameters from the learner's own review history (Anki's "Optimize").

The review log of a deck, a preset or the whole collection becomes FSRS training items as
Anki's ``fsrs_items_for_training`` makes them: per card, its answers in time order from the
first answer of its last run of learning answers (earlier ones predate a reset), each item
being the history up to an answer given on a later learner day than the one before it; days
count learner days across the rollover. Cards with no learning answer in the log (imported
half-way), suspended cards (Anki's default search has ``-is:suspended``) and cards reset to
new after their last answer (Anki's Forget) are left out. The optimiser is ``fsrs-rs-python``,
the Rust FSRS that Anki's engine uses; it is run once per call with a fixed seed, so the same
log gives the same parameters.

Fitted parameters replace the current ones only when their log loss on the same reviews is
lower (as Anki: otherwise the current ones are already optimal). Rescheduling recomputes each
card's memory state from its history with the new parameters and sets a review card's due day
as the scheduler would at its last answer: the interval for the desired retention, fuzzed with
the same draw, counted from the learner day of that answer. Parameters saved without
rescheduling still recompute every card's memory state (due days kept), as Anki does
whenever a preset's parameters change (:func:`update_memory_states`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import fsrs_rs_python as rs
from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Connection

from flashcards.core import queue, scheduling
from flashcards.core.changes import NO_CHANGE, Change, OpResult
from flashcards.core.deck_names import subdeck_ids
from flashcards.core.enums import CardState
from flashcards.core.errors import InputError, NotFoundError
from flashcards.core.scheduler import fuzz, load_balance
from flashcards.core.tables import CARD, DECK, LOG, PRESET

if TYPE_CHECKING:
    from flashcards.core.collection import Collection

#: Anki's minimum: "You must have at least 400 reviews for this operation" (counted after
#: filtering, as the training items).
MIN_REVIEWS = 400
#: Anki's training run: fsrs-rs's defaults with 8 epochs.
EPOCHS = 8
_LEARNING_KINDS = (int(CardState.NEW), int(CardState.LEARNING))
_MINUTES_PER_DAY = 1440
_QUARTER_MS = 900_000


class NotEnoughHistoryError(InputError):
    """Too few reviews to learn parameters from."""


@dataclass(frozen=True)
class Evaluation:
    """How well parameters predict the reviews: log loss and RMSE over bins, as Anki shows."""

    log_loss: float
    rmse: float


@dataclass(frozen=True)
class Scope:
    """The decks whose cards' history is used and whose options get the parameters.

    Attributes:
        deck_ids: The decks.
        label: How to name them in a sentence (``deck "Japanese"``).
        source: The deck whose options give the current parameters and relearning steps.
    """

    deck_ids: tuple[int, ...]
    label: str
    source: int


@dataclass(frozen=True)
class History:
    """The training items of a scope, and each card's filtered history.

    Attributes:
        items: One per usable review: the card's answers up to it as (rating, days since the
            previous answer), in the order the reviews were made.
        card_ids: The card of each item.
        cards: Each usable card's whole filtered history, for its memory state.
        last: Each usable card's last answer: (time, interval before it in days).
    """

    items: list[list[tuple[int, int]]]
    card_ids: list[int]
    cards: dict[int, list[tuple[int, int]]]
    last: dict[int, tuple[datetime, float]]


@dataclass(frozen=True)
class OptimizeResult:
    """What optimising did.

    Attributes:
        scope: The decks.
        reviews: The reviews learned from (training items).
        before: The current parameters (empty: FSRS's defaults) and their evaluation.
        after: The parameters kept, and their evaluation.
        changed: Whether the parameters changed (False: the current ones were already best).
        saved: Whether they were stored in the decks' options.
        rescheduled: Cards whose memory state (and, for review cards, due day) was recomputed.
        recomputed: Without rescheduling, cards whose memory state was recomputed because the
            parameters saved changed (their due days stay).
    """

    scope: Scope
    reviews: int
    before: tuple[tuple[float, ...], Evaluation]
    after: tuple[tuple[float, ...], Evaluation]
    changed: bool
    saved: bool
    rescheduled: int
    recomputed: int = 0


def find_scope(col: Collection, deck: str | None = None, preset: str | None = None) -> Scope:
    """The decks to optimise: a deck and its subdecks, the decks of a preset, or all decks.

    Raises:
        InputError: If both a deck and a preset are given, or there is no deck.
        NotFoundError: If no deck has that name, or none uses that preset.
    """
    names = col.decks.names()
    if deck is not None and preset is not None:
        raise InputError("Optimise a deck or a preset, not both.")
    if deck is not None:
        source = col.decks.id(deck)
        return Scope(tuple(sorted(subdeck_ids(names, deck))), f'deck "{deck}"', source)
    if preset is not None:
        with col.engine.connect() as conn:
            rows = conn.execute(
                select(DECK.c.id)
                .join(PRESET, PRESET.c.id == DECK.c.preset_id)
                .where(PRESET.c.name == preset)
            )
            ids = sorted(int(r[0]) for r in rows if int(r[0]) in names)
        if not ids:
            raise NotFoundError(f"No deck uses a preset called {preset!r}.")
        return Scope(tuple(ids), f'preset "{preset}"', ids[0])
    if not names:
        raise InputError("There are no decks to optimise.")
    ordered = sorted(names, key=lambda i: names[i].split("::"))
    return Scope(tuple(sorted(names)), "the collection", ordered[0])


def deck_scope(col: Collection, deck_id: int) -> Scope:
    """The scope of one deck (and its subdecks), as the Settings dialog optimises it."""
    names = col.decks.names()
    if deck_id not in names:
        raise NotFoundError(f"There is no deck with id {deck_id}.")
    return find_scope(col, deck=names[deck_id])


def card_history(
    answers: Sequence[tuple[int, int, int]], reset_after: bool
) -> list[tuple[int, int]] | None:
    """A card's answers as FSRS reviews, filtered as Anki filters them for training.

    Args:
        answers: (rating, state before, learner day number) per answer, in time order.
        reset_after: The card was reset to new after its last answer.

    Returns:
        (rating, learner days since the previous answer) from the first answer of the card's
        last run of learning answers; None when nothing is usable (no learning answer, or
        reset since).
    """
    if reset_after:
        return None
    start = None
    for index in range(len(answers) - 1, -1, -1):
        if answers[index][1] in _LEARNING_KINDS:
            start = index
        elif start is not None:
            break
    if start is None:
        return None
    kept = [a for a in answers[start:] if 1 <= a[0] <= 4]
    out = []
    previous = None
    for rating, _state, day in kept:
        out.append((rating, 0 if previous is None else max(0, day - previous)))
        previous = day
    return out


def training_items(history: Sequence[tuple[int, int]]) -> list[int]:
    """The indexes of a card's answers that are training items (Anki: not the first, delta > 0)."""
    return [i for i in range(1, len(history)) if history[i][1] > 0]


def load_history(col: Collection, scope: Scope) -> History:
    """The training items of the cards in ``scope`` (suspended cards left out)."""
    day = scheduling.LearnerDay(col.config.tz, col.config.day_start_hour)
    with col.engine.connect() as conn:
        return _read_history(conn, day, scope.deck_ids, suspended=False)


def _read_history(
    conn: Connection, day: scheduling.LearnerDay, deck_ids: Sequence[int], *, suspended: bool
) -> History:
    """The history of the cards of ``deck_ids``, suspended ones too if ``suspended``.

    A card visiting a filtered deck counts at home, as Anki's deck search matches it.
    """
    in_decks = or_(CARD.c.deck_id.in_(deck_ids), CARD.c.original_deck_id.in_(deck_ids))
    wanted = in_decks if suspended else and_(in_decks, CARD.c.suspended.is_(False))
    card_rows = conn.execute(select(CARD.c.id, CARD.c.state).where(wanted)).all()
    states = {int(r[0]): int(r[1]) for r in card_rows}
    rows = conn.execute(
        select(
            LOG.c.card_id,
            LOG.c.rating,
            LOG.c.state_before,
            LOG.c.reviewed_ms,
            LOG.c.prev_interval_days,
        )
        .select_from(LOG.join(CARD, CARD.c.id == LOG.c.card_id))
        # Preview answers (Anki's Filtered rows with factor 0) are left out, as Anki's
        # training and memory states leave them out: they changed nothing.
        .where(wanted, LOG.c.preview.is_(False))
        .order_by(LOG.c.card_id, LOG.c.reviewed_ms, LOG.c.id)
    ).all()
    day_numbers: dict[int, int] = {}

    def day_number(ms: int) -> int:
        # The learner day of a review, as an ordinal; cached per quarter hour (every time
        # zone's offset is a whole number of them): 100,000 reviews fall in a few thousand.
        quarter = ms // _QUARTER_MS
        found = day_numbers.get(quarter)
        if found is None:
            moment = datetime.fromtimestamp(quarter * _QUARTER_MS / 1000, UTC)
            found = day_numbers[quarter] = day.date_of(moment).toordinal()
        return found

    cards: dict[int, list[tuple[int, int]]] = {}
    last: dict[int, tuple[datetime, float]] = {}
    keyed: list[tuple[int, int, list[tuple[int, int]]]] = []
    times: dict[int, list[int]] = {}
    index = 0
    while index < len(rows):
        card_id = int(rows[index][0])
        end = index
        while end < len(rows) and int(rows[end][0]) == card_id:
            end += 1
        group = rows[index:end]
        index = end
        answers = [(int(r[1]), int(r[2]), day_number(int(r[3]))) for r in group]
        filtered = card_history(answers, states.get(card_id) == CardState.NEW)
        if filtered is None:
            continue
        cards[card_id] = filtered
        stamps = [int(r[3]) for r in group if 1 <= int(r[1]) <= 4][-len(filtered) :]
        times[card_id] = stamps
        last[card_id] = (
            datetime.fromtimestamp(int(group[-1][3]) / 1000, UTC),
            float(group[-1][4]),
        )
        for i in training_items(filtered):
            keyed.append((stamps[i], card_id, filtered[: i + 1]))
    keyed.sort(key=lambda k: (k[0], k[1]))
    return History([k[2] for k in keyed], [k[1] for k in keyed], cards, last)


def _items(history: Iterable[Sequence[tuple[int, int]]]) -> list[rs.FSRSItem]:
    return [rs.FSRSItem([rs.FSRSReview(r, d) for r, d in reviews]) for reviews in history]


def _model(params: Sequence[float]) -> rs.FSRS:
    return rs.FSRS(list(params) if params else list(rs.DEFAULT_PARAMETERS))


def evaluate_items(items: Sequence[rs.FSRSItem], params: Sequence[float]) -> Evaluation:
    """Log loss and RMSE (bins) of ``params`` (empty: defaults) on training items."""
    result = _model(params).evaluate(items)
    return Evaluation(float(result.log_loss), float(result.rmse_bins))


def relearning_steps_in_a_day(steps: str) -> int:
    """How many relearning steps fit in the first day, as Anki counts them for the optimiser."""
    count = 0
    total = 0.0
    for step in scheduling.parse_steps(steps):
        total += step.total_seconds() / 60
        if total >= _MINUTES_PER_DAY:
            break
        count += 1
    return count


def fit_items(
    items: Sequence[rs.FSRSItem],
    current: Sequence[float],
    relearning_steps: int = 1,
) -> tuple[float, ...]:
    """Parameters fitted to training items (fsrs-rs, Anki's training settings).

    No card ids are passed: with this binding, items carrying their card's id (repeated for
    each review of a card) fitted a simulated learner worse than without (held-out log loss
    0.3538 against 0.3514; the true parameters' 0.3513), and fsrs-rs needs them for nothing
    else here.

    Raises:
        InputError: If the optimiser refuses the data.
    """
    try:
        fitted = _model(current).compute_parameters(
            list(items),
            None,
            True,
            relearning_steps,
            rs.TrainingConfig(num_epochs=EPOCHS),
        )
    except (ValueError, RuntimeError) as exc:
        raise InputError(f"The optimiser could not use this history: {exc}.") from None
    return tuple(float(p) for p in fitted)


def _refuse(scope: Scope, count: int) -> None:
    if count < MIN_REVIEWS:
        found = "1 usable review was" if count == 1 else f"{count} usable reviews were"
        raise NotEnoughHistoryError(
            f"Only {found} found in {scope.label}, and optimising needs at least {MIN_REVIEWS}."
        )


def evaluate(col: Collection, scope: Scope, params: Sequence[float] | None = None) -> Evaluation:
    """Log loss and RMSE of ``params`` (None: the scope's current ones) on its history.

    Raises:
        NotEnoughHistoryError: If there is no usable review.
    """
    history = load_history(col, scope)
    if not history.items:
        raise NotEnoughHistoryError(f"There are no usable reviews in {scope.label} to evaluate.")
    if params is None:
        params = col.decks.settings(scope.source).fsrs_params
    return evaluate_items(_items(history.items), params)


def optimize(
    col: Collection,
    scope: Scope,
    *,
    save: bool = True,
    reschedule: bool = False,
    current: Sequence[float] | None = None,
    now: datetime | None = None,
) -> OpResult[OptimizeResult]:
    """Fit FSRS parameters to the history of ``scope``; store them and optionally reschedule.

    Args:
        col: The collection.
        scope: The decks (:func:`find_scope`).
        save: Store the parameters in the preset of every deck of the scope (parameters
            belong to presets, as in Anki: other decks on those presets get them too).
        reschedule: Recompute the cards' memory states and due days with them.
        current: The parameters to compare with (None: those of the scope's options); the
            Settings dialog passes the ones in its field.
        now: The time: the presets' modified time when the parameters are saved, and the
            rescheduling's, for the load balancer (None: the presets keep their time, and
            rescheduling uses fuzz alone).

    Returns:
        What was done; the changes: ``OPTIONS`` when saved, ``CARDS`` when rescheduled.

    Raises:
        NotEnoughHistoryError: Below :data:`MIN_REVIEWS` usable reviews.
    """
    settings = col.decks.settings(scope.source)
    history = load_history(col, scope)
    _refuse(scope, len(history.items))
    items = _items(history.items)
    if current is None:
        current = settings.fsrs_params
    current = tuple(current)
    fitted = fit_items(items, current, relearning_steps_in_a_day(settings.relearning_steps))
    before = evaluate_items(items, current)
    after = evaluate_items(items, fitted)
    changed = after.log_loss < before.log_loss and scheduling.valid_parameters(fitted)
    kept = fitted if changed else current
    changes = NO_CHANGE
    saved = False
    affected: list[int] = []  # every deck on the presets that got the parameters
    if save and changed:
        presets = {col.presets.of_deck(d) for d in scope.deck_ids}
        for preset_id in sorted(presets):
            old = col.presets.get(preset_id).settings
            if old.fsrs_params != kept:
                update = col.presets.update(preset_id, replace(old, fsrs_params=kept), now)
                changes |= update.changes
        affected = sorted(d for d, p in col.decks.presets().items() if p in presets)
        saved = True
    rescheduled = recomputed = 0
    if reschedule:
        rescheduled = reschedule_cards(col, scope, history, now)
        others = [d for d in affected if d not in scope.deck_ids]
        if others:  # decks on the same presets outside the scope: memory states only
            recomputed = _update(col, others, reschedule=False)
    elif saved:
        # New parameters give every card a new memory state (Anki recomputes them whenever
        # a preset's parameters change), due days kept.
        recomputed = _update(col, affected, reschedule=False)
    if rescheduled or recomputed:
        changes |= Change.CARDS
        col.notify(Change.CARDS)
    result = OptimizeResult(
        scope,
        len(history.items),
        (current, before),
        (kept, after if changed else before),
        changed,
        saved,
        rescheduled,
        recomputed,
    )
    return OpResult(result, changes)


def reschedule_cards(
    col: Collection,
    scope: Scope,
    history: History | None = None,
    now: datetime | None = None,
) -> int:
    """Recompute memory states with each deck's parameters, and re-due review cards.

    :func:`update_memory_states` with ``reschedule``, over the decks of ``scope``; the caller
    announces ``CARDS``.

    Returns:
        The number of cards updated.
    """
    del history  # read again with suspended cards, whose memory Anki updates too
    return _update(col, scope.deck_ids, reschedule=True, now=now)


def update_memory_states(
    col: Collection,
    deck_ids: Sequence[int],
    *,
    reschedule: bool = False,
    now: datetime | None = None,
) -> OpResult[int]:
    """Recompute the memory states of the cards of ``deck_ids`` from their review history.

    As Anki does whenever a preset's FSRS parameters change: each card's stability and
    difficulty become those its history gives with its home deck's current parameters (its
    filtered history, as for training, same-day answers included); suspended cards too. Its
    due day stays unless ``reschedule`` ("reschedule cards on change"): then a review card
    that is not suspended is due on the learner day of its last answer plus the interval the
    scheduler would give for the new stability (desired retention, maximum interval, the fuzz
    drawn at that answer, not shorter than the last interval when it grew). Cards without a
    usable history (no learning answer in the log, or reset since) keep theirs. One
    transaction. Rescheduling at ``now`` with fuzz and the load balancer on chooses each
    day within the fuzz range by the workload of the card's preset, as Anki's rescheduler
    (:func:`load_balance.reschedule_interval`); without ``now``, by the fuzz draw alone.

    Returns:
        The number of cards updated; the changes: ``CARDS`` (announced) if any.
    """
    updated = _update(col, deck_ids, reschedule=reschedule, now=now)
    if not updated:
        return OpResult(0, NO_CHANGE)
    col.notify(Change.CARDS)
    return OpResult(updated, Change.CARDS)


def _workloads(
    conn: Connection, groups: dict[int, tuple[int, ...]], day: scheduling.LearnerDay, now: datetime
) -> dict[tuple[int, ...], load_balance.Workload]:
    """Per preset, Anki's rescheduler's workload: reviews due per day, and today's load."""
    today = day.date_of(now)
    loads = {g: load_balance.Workload(today, {}, 0) for g in set(groups.values())}
    home = func.coalesce(CARD.c.original_deck_id, CARD.c.deck_id)
    due = conn.execute(
        select(home, CARD.c.due, func.count())
        .where(CARD.c.state == int(CardState.REVIEW), CARD.c.suspended.is_(False))
        .group_by(home, CARD.c.due)
    )
    for deck_id, when, count in due:
        load = loads.get(groups.get(int(deck_id), ()))
        if load is None:
            continue
        offset = (day.date_of(when) - today).days
        if offset <= 0:
            load.today_load += int(count)
        else:
            load.counts[offset] = load.counts.get(offset, 0) + int(count)
    reviewed = conn.execute(
        select(home, func.count(func.distinct(LOG.c.card_id)))
        .select_from(LOG.join(CARD, CARD.c.id == LOG.c.card_id))
        .where(LOG.c.reviewed_at >= day.bounds(now)[0])
        .group_by(home)
    )
    for deck_id, count in reviewed:
        load = loads.get(groups.get(int(deck_id), ()))
        if load is not None:
            load.today_load += int(count)
    return loads


def _update(
    col: Collection, deck_ids: Sequence[int], *, reschedule: bool, now: datetime | None = None
) -> int:
    day = scheduling.LearnerDay(col.config.tz, col.config.day_start_hour)
    fuzzed = fuzz.fuzz_enabled()
    with col.engine.begin() as conn:
        history = _read_history(conn, day, deck_ids, suspended=True)
        if not history.cards:
            return 0
        loads: dict[tuple[int, ...], load_balance.Workload] = {}
        groups: dict[int, tuple[int, ...]] = {}
        if reschedule and fuzzed and now is not None and col.config.load_balancer:
            groups = load_balance.preset_groups(col.decks.presets())
            loads = _workloads(conn, groups, day, now)
        rows = conn.execute(select(CARD).where(CARD.c.id.in_(list(history.cards)))).all()
        by_deck: dict[int, list[Any]] = {}
        for row in rows:
            home = row.original_deck_id if row.original_deck_id is not None else row.deck_id
            by_deck.setdefault(int(home), []).append(row)
        updates: list[dict[str, Any]] = []
        for deck_id, deck_rows in sorted(by_deck.items()):
            settings = col.decks.settings(deck_id)
            model = _model(settings.fsrs_params)
            items = _items(history.cards[int(r.id)] for r in deck_rows)
            states = model.memory_state_batch(items)
            maximum = max(1, settings.maximum_interval)
            for row, state in zip(deck_rows, states, strict=True):
                card_id = int(row.id)
                stability = min(
                    max(float(state.stability), scheduling.MIN_STABILITY),
                    scheduling.MAX_STABILITY,
                )
                memory = scheduling.Memory(
                    state=int(row.state),
                    step=row.step,
                    # Stored as the scheduler stores them (4 and 3 decimals, as Anki).
                    stability=round(stability, 4),
                    difficulty=round(min(max(float(state.difficulty), 1.0), 10.0), 3),
                    due=row.due,
                    last_review=row.last_review,
                    reps=int(row.reps),
                    lapses=int(row.lapses),
                )
                if reschedule and memory.state == CardState.REVIEW and not row.suspended:
                    last_at, previous = history.last[card_id]
                    interval = float(model.next_interval(stability, settings.desired_retention, 3))
                    least = fuzz.minimum_review_interval(interval, round(previous), maximum)
                    seed = scheduling.fuzz_seed(card_id, max(0, memory.reps - 1))
                    factor = fuzz.fuzz_factors(seed)[0] if fuzzed else None
                    load = loads.get(groups.get(deck_id, ()))
                    days = None
                    if load is not None and factor is not None:
                        elapsed = (load.today - day.date_of(last_at)).days
                        days = load_balance.reschedule_interval(
                            load, factor, interval, max(least, 1), maximum, elapsed
                        )
                    if days is None:
                        days = fuzz.with_review_fuzz(factor, interval, max(least, 1), maximum)
                    if load is not None:  # the next cards see this one on its new day
                        before = (day.date_of(memory.due) - load.today).days
                        load.moved(before, (day.date_of(last_at) - load.today).days + days)
                    memory = replace(memory, due=day.start_after(last_at, days))
                updates.append(queue.memory_params(card_id, memory))
        conn.execute(queue.UPDATE_MEMORY, updates)
    return len(updates)
