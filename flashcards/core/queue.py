"""The queries behind the deck list and the review queue, built once and reused.

Statements are prebuilt with bound parameters so that answering and fetching the next card
costs a few indexed lookups and no SQL construction. Counts are bounded by the daily limits
(a deck with 50,000 new cards and a limit of 20 counts at most 20 rows), as Anki's are.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Select,
    and_,
    bindparam,
    false,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.engine import Connection

from flashcards.core.enums import CardState
from flashcards.core.models import AnkiNoteType, Card, Note, ReviewLog, table_of
from flashcards.core.scheduling import Memory

CARD, NOTE, LOG, NOTETYPE = (table_of(m) for m in (Card, Note, ReviewLog, AnkiNoteType))

# Inline literals, not bound values: an IN list of bound values is re-rendered ("expanded")
# on every execution, which costs more than the query itself.
_LEARNING: tuple[Any, ...] = (
    literal_column(str(int(CardState.LEARNING))),
    literal_column(str(int(CardState.RELEARNING))),
)


def _visible() -> Any:
    return and_(
        CARD.c.suspended == false(),
        or_(CARD.c.buried_until.is_(None), CARD.c.buried_until <= bindparam("now")),
    )


#: What showing a card needs of its note (and of the note's own Anki note type, if any; see
#: :func:`flashcards.core.render.faces_of_row`), besides the card's columns.
CARD_WITH_NOTE_COLUMNS = (
    NOTE.c.uid,
    NOTE.c.kind,
    NOTE.c.front,
    NOTE.c.back,
    NOTE.c.tags,
    NOTE.c.source_title,
    NOTE.c.source_section,
    NOTE.c.source_sentence,
    NOTE.c.anki_fields,
    NOTE.c.anki_notetype_id,
    NOTETYPE.c.config.label("anki_config"),
)


def card_with_note() -> Select[Any]:
    """Cards with :data:`CARD_WITH_NOTE_COLUMNS` (add a ``where``)."""
    return (
        select(CARD, *CARD_WITH_NOTE_COLUMNS)
        .join(NOTE, NOTE.c.id == CARD.c.note_id)
        .outerjoin(NOTETYPE, NOTETYPE.c.id == NOTE.c.anki_notetype_id)
    )


_CANDIDATE = (CARD.c.id, CARD.c.note_id, CARD.c.deck_id, CARD.c.due, CARD.c.reps, CARD.c.ord)
_IN_SCOPE = CARD.c.deck_id.in_(bindparam("decks", expanding=True))

#: The study queue's candidates (see flashcards.core.scheduler.study_queue): learning cards
#: due today (with their last review, to tell interday steps), reviews due today, and the new
#: cards of one deck in the order they were added.
DUE_LEARNING = select(*_CANDIDATE, CARD.c.last_review).where(
    _visible(), _IN_SCOPE, CARD.c.state.in_(_LEARNING), CARD.c.due < bindparam("day_end")
)
DUE_REVIEWS = select(*_CANDIDATE).where(
    _visible(),
    _IN_SCOPE,
    CARD.c.state == int(CardState.REVIEW),
    CARD.c.due < bindparam("day_end"),
)
NEW_IN_DECK = (
    select(*_CANDIDATE)
    .where(
        _visible(),
        CARD.c.deck_id == bindparam("deck_id"),
        CARD.c.state == int(CardState.NEW),
    )
    .order_by(CARD.c.due, CARD.c.note_id, CARD.c.ord)
)

CARD_FOR_REVIEW = card_with_note().where(CARD.c.id == bindparam("card_id"))

CARD_FOR_ANSWER = (
    select(CARD, NOTE.c.kind, NOTE.c.anki_notetype_id)
    .join(NOTE, NOTE.c.id == CARD.c.note_id)
    .where(CARD.c.id == bindparam("card_id"))
)

UPDATE_MEMORY = (
    CARD.update()
    .where(CARD.c.id == bindparam("b_id"))
    .values(
        state=bindparam("b_state"),
        step=bindparam("b_step"),
        stability=bindparam("b_stability"),
        difficulty=bindparam("b_difficulty"),
        due=bindparam("b_due", type_=CARD.c.due.type),
        last_review=bindparam("b_last_review", type_=CARD.c.last_review.type),
        reps=bindparam("b_reps"),
        lapses=bindparam("b_lapses"),
    )
)


def memory_params(card_id: int, memory: Memory) -> dict[str, Any]:
    """The parameters of :data:`UPDATE_MEMORY` that give card ``card_id`` this memory."""
    return {
        "b_id": card_id,
        "b_state": memory.state,
        "b_step": memory.step,
        "b_stability": memory.stability,
        "b_difficulty": memory.difficulty,
        "b_due": memory.due,
        "b_last_review": memory.last_review,
        "b_reps": memory.reps,
        "b_lapses": memory.lapses,
    }


# The same, only while the row is still as the card was shown (see Collection.answer).
UPDATE_MEMORY_IF_UNCHANGED = UPDATE_MEMORY.where(
    CARD.c.reps == bindparam("old_reps"),
    CARD.c.state == bindparam("old_state"),
    CARD.c.due == bindparam("old_due", type_=CARD.c.due.type),
)

# The visible siblings of a card that burying may hide; which of them depends on the deck's
# bury options (see Scheduler.answer).
SIBLINGS = select(CARD.c.id, CARD.c.state, CARD.c.due, CARD.c.last_review).where(
    CARD.c.note_id == bindparam("note_id"),
    CARD.c.id != bindparam("card_id"),
    _visible(),
)

INSERT_LOG = LOG.insert()
LOG_BY_ID = select(LOG).where(LOG.c.id == bindparam("review_id"))


# The load balancer's counts (see flashcards.core.scheduler.load_balance): cards with a due
# day in a range (reviews and interday learning; suspended and buried ones too, as Anki's
# query ignores the queue), per due time, of some decks; and the due times of a note's cards.
_DUE_STATES = (*_LEARNING, literal_column(str(int(CardState.REVIEW))))
_IN_RANGE = and_(
    CARD.c.state.in_(_DUE_STATES),
    CARD.c.due >= bindparam("first", type_=CARD.c.due.type),
    CARD.c.due < bindparam("last", type_=CARD.c.due.type),
)
DUE_PER_TIME = (
    select(CARD.c.due, func.count())
    .where(
        _IN_SCOPE,
        # Both values, so that the (deck, suspended, state, due) index covers the query.
        CARD.c.suspended.in_((literal_column("0"), literal_column("1"))),
        _IN_RANGE,
    )
    .group_by(CARD.c.due)
)
NOTE_DUES = select(CARD.c.due).where(
    CARD.c.note_id == bindparam("note_id"),
    CARD.c.original_deck_id.is_(None),  # a card in a filtered deck has no due day of its own
    _IN_RANGE,
)


def due_per_day(
    conn: Connection, decks: Sequence[int], starts: Sequence[datetime]
) -> tuple[int, ...]:
    """How many cards of ``decks`` are due on each day that starts at ``starts[i]``.

    ``starts`` holds one more start than days (the end of the last day). One indexed query,
    grouped by due time (reviews are due at a day's start, so it returns a row per day).
    """
    counts = [0] * (len(starts) - 1)
    params = {"decks": list(decks), "first": starts[0], "last": starts[-1]}
    for due, count in conn.execute(DUE_PER_TIME, params):
        counts[bisect_right(starts, due) - 1] += int(count)
    return tuple(counts)


def note_due_days(conn: Connection, note_id: int, starts: Sequence[datetime]) -> frozenset[int]:
    """The days (indexes into ``starts``) on which a card of the note is due."""
    params = {"note_id": note_id, "first": starts[0], "last": starts[-1]}
    return frozenset(bisect_right(starts, due) - 1 for (due,) in conn.execute(NOTE_DUES, params))
