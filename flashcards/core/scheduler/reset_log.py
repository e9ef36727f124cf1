"""The review-log row of a card reset to new (Forget), as Anki writes a Manual revlog entry.

A reset is a fact like an answer: written to the log, it travels with the reviews (sync sends
it, export writes it as Anki's Manual entry), and a replay of the log (sync's merge) starts the
card anew at it instead of bringing back the memory state the reset removed. It has no button
(:data:`~flashcards.core.enums.RESET_RATING`), so the statistics and the optimiser leave it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from flashcards.core.enums import RESET_RATING, CardState
from flashcards.core.tables import CARD, LOG


def log_resets(conn: Connection, card_ids: Sequence[int], now: datetime) -> int:
    """Log the reset of the cards that are not new (a new card has nothing to forget).

    Call before the cards' rows are reset: the row keeps the state before, as an answer's does.

    Returns:
        How many rows were written.
    """
    rows = []
    for start in range(0, len(card_ids), 500):
        chunk = list(card_ids[start : start + 500])
        found = conn.execute(
            select(CARD).where(CARD.c.id.in_(chunk), CARD.c.state != int(CardState.NEW))
        ).all()
        for card in found:
            rows.append(
                {
                    "card_id": card.id,
                    # The home deck of a card in a filtered deck, as for an answer.
                    "deck_id": card.original_deck_id or card.deck_id,
                    "rating": RESET_RATING,
                    "reviewed_at": now,
                    "duration_ms": 0,
                    "state_before": card.state,
                    "state_after": int(CardState.NEW),
                    "interval_days": 0.0,
                    "prev_step": card.step,
                    "prev_stability": card.stability,
                    "prev_difficulty": card.difficulty,
                    "prev_due": card.due,
                    "prev_last_review": card.last_review,
                    "prev_reps": card.reps,
                    "prev_lapses": card.lapses,
                }
            )
    if rows:
        conn.execute(insert(LOG), rows)
    return len(rows)
