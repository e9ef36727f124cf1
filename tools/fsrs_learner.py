"""A simulated learner whose memory follows FSRS with known parameters, for the optimiser.

Writes cards and their review log straight into a collection (no scheduler in the loop, so a
100,000-review history takes seconds): each card is first studied on some day (Again is
followed by Good ten minutes later, as a learning step), then reviewed on later learner days
at FSRS's interval for 90 % retention stretched or shrunk at random (so that reviews meet a
spread of retrievabilities); whether the card is recalled is drawn with the retrievability
the *true* parameters predict, and a lapse is followed by a relearning Good the same day.
Reviews fall at any time of the learner day, after midnight too, so learner days (not
calendar days) must be counted. One seeded generator: the same arguments give the same log.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import fsrs_rs_python as rs
from sqlalchemy import bindparam, insert, update

from flashcards.core.deckfile import DeckFile, NoteSpec
from flashcards.core.enums import CardState
from flashcards.core.exchange.deckfile_import import import_deck_file
from flashcards.core.tables import CARD, LOG

if TYPE_CHECKING:
    from flashcards.core.collection import Collection

#: Parameters unlike FSRS's defaults (a learner who forgets new cards fast and long-known
#: ones slowly, with a steeper forgetting curve), for recovery tests.
TRUE_PARAMETERS: tuple[float, ...] = (
    0.1, 1.9, 4.6, 11.6, 6.2, 0.7, 2.6, 0.004, 1.3, 0.16, 1.15,
    1.6, 0.07, 0.3, 1.4, 0.45, 2.3, 0.55, 0.12, 0.08, 0.32,
)  # fmt: skip
FIRST_RATINGS = (0.25, 0.10, 0.55, 0.10)
PASS_RATINGS = (0.10, 0.80, 0.10)
START = datetime(2025, 1, 6, tzinfo=UTC)
DAY_START_HOUR = 4


@dataclass(frozen=True)
class SimulatedDeck:
    """What was written: the deck's name, its card ids and the number of answers."""

    name: str
    card_ids: list[int]
    reviews: int


def _recall(elapsed: float, stability: float, decay: float) -> float:
    factor = 0.9 ** (-1 / decay) - 1
    return float((1 + factor * elapsed / stability) ** -decay)


def _moment(rng: random.Random, day: int) -> datetime:
    # Any time of the learner day (it starts at 04:00 UTC), past midnight included.
    return START + timedelta(days=day, hours=DAY_START_HOUR, minutes=rng.uniform(5, 23.5 * 60))


def simulate_deck(
    col: Collection,
    name: str,
    cards: int,
    days: int,
    *,
    params: Sequence[float] = TRUE_PARAMETERS,
    seed: int = 1,
) -> SimulatedDeck:
    """Add ``cards`` cards to deck ``name`` and ``days`` days of their reviews.

    New cards are introduced evenly over the first half of the period; each card's state at
    the end (review or relearning, memory by the true parameters) is written to it too.
    """
    rng = random.Random(seed)
    notes = [NoteSpec(f"{name}/{i}", "basic", f"{name} front {i}", "back") for i in range(cards)]
    import_deck_file(col, DeckFile(name=name, notes=notes), START)
    deck_id = col.decks.id(name)
    with col.engine.connect() as conn:
        card_ids = [
            int(r[0])
            for r in conn.execute(
                CARD.select().with_only_columns(CARD.c.id).where(CARD.c.deck_id == deck_id)
            )
        ]
    model = rs.FSRS(list(params))
    decay = float(params[20])
    log: list[dict[str, Any]] = []
    finals: list[dict[str, Any]] = []
    for n, card_id in enumerate(sorted(card_ids)):
        day = n * max(1, days // 2) // max(1, cards)
        at = _moment(rng, day)
        rating = rng.choices((1, 2, 3, 4), FIRST_RATINGS)[0]
        entries = [(at, rating, CardState.NEW)]
        state = model.next_states(None, 0.9, 0)
        memory = _pick(state, rating)
        if rating == 1:
            at += timedelta(minutes=10)
            entries.append((at, 3, CardState.LEARNING))
            memory = model.next_states(memory, 0.9, 0).good.memory
        last_day = day
        reps = len(entries)
        lapses = 0
        card_state = CardState.REVIEW
        while True:
            ivl = model.next_interval(memory.stability, 0.9, 3)
            wait = max(1, round(ivl * rng.uniform(0.5, 1.8)))
            day = last_day + wait
            if day >= days:
                break
            at = _moment(rng, day)
            recalled = rng.random() < _recall(wait, memory.stability, decay)
            rating = rng.choices((2, 3, 4), PASS_RATINGS)[0] if recalled else 1
            entries.append((at, rating, CardState.REVIEW))
            memory = _pick(model.next_states(memory, 0.9, wait), rating)
            if rating == 1:
                lapses += 1
                at += timedelta(minutes=10)
                entries.append((at, 3, CardState.RELEARNING))
                memory = model.next_states(memory, 0.9, 0).good.memory
            last_day = day
        reps = len(entries)
        for when, r, before in entries:
            log.append(
                {
                    "card_id": card_id,
                    "deck_id": deck_id,
                    "rating": r,
                    "reviewed_at": when,
                    "state_before": int(before),
                    "state_after": int(CardState.REVIEW),
                    "prev_due": when,
                }
            )
        due = START + timedelta(
            days=last_day + max(1, round(model.next_interval(memory.stability, 0.9, 3))),
            hours=DAY_START_HOUR,
        )
        finals.append(
            {
                "b_id": card_id,
                "b_stability": round(float(memory.stability), 4),
                "b_difficulty": round(float(memory.difficulty), 3),
                "b_last": entries[-1][0],
                "b_due": due,
                "b_reps": reps,
                "b_lapses": lapses,
                "b_state": int(card_state),
            }
        )
    with col.engine.begin() as conn:
        for start in range(0, len(log), 20_000):
            conn.execute(insert(LOG), log[start : start + 20_000])

        conn.execute(
            update(CARD)
            .where(CARD.c.id == bindparam("b_id"))
            .values(
                state=bindparam("b_state"),
                stability=bindparam("b_stability"),
                difficulty=bindparam("b_difficulty"),
                last_review=bindparam("b_last"),
                due=bindparam("b_due"),
                reps=bindparam("b_reps"),
                lapses=bindparam("b_lapses"),
            ),
            finals,
        )
    return SimulatedDeck(name, sorted(card_ids), len(log))


def _pick(states: rs.NextStates, rating: int) -> rs.MemoryState:
    chosen = (states.again, states.hard, states.good, states.easy)[rating - 1]
    return chosen.memory
