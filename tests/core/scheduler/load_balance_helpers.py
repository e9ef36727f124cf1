"""Collections with known due counts, for the load balancer's tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from flashcards.core.collection import Collection
from flashcards.core.enums import CardState
from flashcards.core.scheduling import LearnerDay
from flashcards.core.tables import CARD


def _card_of(col: Collection, note_id: int) -> int:
    with col.engine.connect() as conn:
        return int(conn.execute(select(CARD.c.id).where(CARD.c.note_id == note_id)).scalar_one())


def crowd(col: Collection, now: datetime, counts: dict[int, int], deck: str = "D") -> None:
    """Review cards due ``d`` days from today, ``counts[d]`` of them."""
    day = LearnerDay()
    for d, n in counts.items():
        ids = [
            _card_of(col, col.notes.add(deck, "basic", f"{deck} {d}-{i}", "a", now).value)
            for i in range(n)
        ]
        with col.engine.begin() as conn:
            conn.execute(
                update(CARD)
                .where(CARD.c.id.in_(ids))
                .values(
                    state=int(CardState.REVIEW),
                    stability=30.0,
                    difficulty=5.0,
                    due=day.start_after(now, d),
                    last_review=now - timedelta(days=3),
                    reps=3,
                )
            )


def target(col: Collection, now: datetime) -> int:
    """A review card due today, last seen 10 days ago, stability 20."""
    card_id = _card_of(col, col.notes.add("D", "basic", "target", "a", now).value)
    with col.engine.begin() as conn:
        conn.execute(
            update(CARD)
            .where(CARD.c.id == card_id)
            .values(
                state=int(CardState.REVIEW),
                stability=20.0,
                difficulty=5.0,
                due=LearnerDay().bounds(now)[0],
                last_review=now - timedelta(days=10),
                reps=4,
            )
        )
    return card_id
