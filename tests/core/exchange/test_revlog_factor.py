"""A review made here goes to Anki with the factor Anki's FSRS would have written for it.

Anki 26.09 with FSRS writes, in each review-log row, the card's difficulty after the answer
as ``100 + 1000 × (D − 1) / 9`` (measured: D 7.392 → 810, 6.49 → 710, 2.118 → 224). Reviews
that came from Anki go back with the factor they came with (see test_varied_round_trip).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from anki.collection import Collection as AnkiCollection
from exchange_helpers import anki_import
from sqlalchemy import select

from flashcards.core import exchange
from flashcards.core.collection import Collection
from flashcards.core.tables import LOG


def test_our_reviews_carry_anki_fsrs_factor(
    col: Collection, anki: Callable[[], AnkiCollection], now: datetime, tmp_path: Path
) -> None:
    col.notes.add("Factor", "basic", "自己注意", "self-attention", now)
    card_id = col.notes.get(col.notes.ids("Factor")[0]).card_ids[0]
    at = now
    for rating in (3, 3, 1, 3):
        col.sched.answer(card_id, rating, at)
        at += timedelta(days=2)
    with col.engine.connect() as conn:
        difficulties = [
            float(d)
            for (d,) in conn.execute(select(LOG.c.difficulty_after).order_by(LOG.c.reviewed_at))
        ]
    expected = [100 + round((d - 1) / 9 * 1000) for d in difficulties]
    assert all(100 <= f <= 1100 for f in expected) and len(set(expected)) > 1

    out = tmp_path / "factor.apkg"
    exchange.export_apkg(col, out, at, with_progress=True)
    acol = anki()
    anki_import(acol, out, scheduling=True)
    factors = acol.db.list("select factor from revlog order by id")
    assert factors == expected


def test_a_review_cards_interval_is_counted_in_learner_days(
    col: Collection, anki: Callable[[], AnkiCollection], now: datetime, tmp_path: Path
) -> None:
    """Answered late in the evening, a card's interval is its days to the due day (Anki's)."""
    col.notes.add("Evening", "basic", "推論", "inference", now)
    card_id = col.notes.get(col.notes.ids("Evening")[0]).card_ids[0]
    evening = now.replace(hour=22, minute=30)
    for rating in (3, 3, 3):  # learning, graduated, then a review some days later
        col.sched.answer(card_id, rating, evening)
        evening += timedelta(days=3)
    row = col.cards.rows([card_id])[0]
    day = col.config.learner_day
    expected = (day(row["due"]) - day(row["last_review"])).days
    out = tmp_path / "evening.apkg"
    exchange.export_apkg(col, out, evening, with_progress=True)
    acol = anki()
    anki_import(acol, out, scheduling=True)
    ivl, last_logged = acol.db.first(
        "select c.ivl, (select ivl from revlog r where r.cid = c.id order by id desc limit 1)"
        " from cards c"
    )
    assert ivl == expected == last_logged  # the card and its last log agree, as in Anki
