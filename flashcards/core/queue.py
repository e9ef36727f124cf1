"""The queries behind the deck list and the review queue, built once and reused.

Statements are prebuilt with bound parameters so that answering and fetching the next card
costs a few indexed lookups and no SQL construction. Counts are bounded by the daily limits
(a deck with 50,000 new cards and a limit of 20 counts at most 20 rows), as Anki's are.
"""

from __future__ import annotations

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
    null,
    or_,
    select,
)
from sqlalchemy.engine import Connection

from flashcards.core.enums import CardState
from flashcards.core.models import AnkiNoteType, Card, Note, ReviewLog, table_of

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


def _pick(mode: str, tag: str, *conds: Any) -> Any:
    """The earliest-due visible card matching ``conds`` in a set of decks, as a subquery.

    ``mode`` says how the decks are filtered: ``all`` (no filter: every deck is in scope),
    ``one`` (an equality, the common case of a leaf deck), ``many`` (an IN list), or ``none``
    (the queue is closed today: no card).
    """
    if mode == "none":
        return null()
    query = select(CARD.c.id).where(_visible(), *conds)
    if mode == "one":
        query = query.where(CARD.c.deck_id == bindparam(f"deck_{tag}"))
    elif mode == "many":
        query = query.where(CARD.c.deck_id.in_(bindparam(f"decks_{tag}", expanding=True)))
    return query.order_by(CARD.c.due).limit(1).scalar_subquery()


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
    NOTETYPE.c.config.label("anki_config"),
)


def card_with_note() -> Select[Any]:
    """Cards with :data:`CARD_WITH_NOTE_COLUMNS` (add a ``where``)."""
    return (
        select(CARD, *CARD_WITH_NOTE_COLUMNS)
        .join(NOTE, NOTE.c.id == CARD.c.note_id)
        .outerjoin(NOTETYPE, NOTETYPE.c.id == NOTE.c.anki_notetype_id)
    )


_next_cache: dict[tuple[str, str, str], Any] = {}


def _mode(decks: Sequence[int], every: int) -> str:
    if not decks:
        return "none"
    if len(decks) == every:
        return "all"
    return "one" if len(decks) == 1 else "many"


def next_card_row(
    conn: Connection,
    *,
    now: datetime,
    cutoff: datetime,
    day_end: datetime,
    every: int,
    learn_decks: Sequence[int],
    review_decks: Sequence[int],
    new_decks: Sequence[int],
) -> Any:
    """The next card with its note, in one statement, or None.

    The first learning card due by ``cutoff``, else the first review due today, else the first
    new card, each looked for among its own decks (``every`` is the number of decks in all).
    New cards are due at their creation time, so "earliest due" is note order.
    """
    key = (_mode(learn_decks, every), _mode(review_decks, every), _mode(new_decks, every))
    statement = _next_cache.get(key)
    if statement is None:
        first = func.coalesce(
            _pick(key[0], "l", CARD.c.state.in_(_LEARNING), CARD.c.due <= bindparam("cutoff")),
            _pick(
                key[1],
                "r",
                CARD.c.state == int(CardState.REVIEW),
                CARD.c.due < bindparam("day_end"),
            ),
            _pick(key[2], "n", CARD.c.state == int(CardState.NEW)),
        )
        statement = card_with_note().where(CARD.c.id == first)
        _next_cache[key] = statement
    params: dict[str, Any] = {"now": now, "cutoff": cutoff, "day_end": day_end}
    for tag, decks, mode in zip("lrn", (learn_decks, review_decks, new_decks), key, strict=True):
        if mode == "one":
            params[f"deck_{tag}"] = decks[0]
        elif mode == "many":
            params[f"decks_{tag}"] = list(decks)
    return conn.execute(statement, params).first()


CARD_FOR_REVIEW = card_with_note().where(CARD.c.id == bindparam("card_id"))

CARD_FOR_ANSWER = (
    select(CARD, NOTE.c.kind)
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
