"""Custom study's preview mode, as Anki's filtered decks without rescheduling."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from flashcards.core.collection import Collection
from flashcards.core.enums import CardState
from flashcards.core.scheduler import optimize, preview
from flashcards.core.scheduler.custom_study import SESSION_NAME, Kind
from flashcards.core.tables import CARD, LOG

DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)
#: A card's schedule: what a preview answer must leave as it was.
SCHEDULE = (
    CARD.c.state,
    CARD.c.step,
    CARD.c.stability,
    CARD.c.difficulty,
    CARD.c.due,
    CARD.c.last_review,
    CARD.c.reps,
    CARD.c.lapses,
)


def _schedule(col: Collection, card_id: int) -> tuple[Any, ...]:
    with col.engine.connect() as conn:
        return tuple(conn.execute(select(*SCHEDULE).where(CARD.c.id == card_id)).one())


def _home(col: Collection, card_id: int) -> tuple[int, int | None]:
    with col.engine.connect() as conn:
        row = conn.execute(
            select(CARD.c.deck_id, CARD.c.original_deck_id).where(CARD.c.id == card_id)
        ).one()
    return int(row[0]), row[1]


def _log(col: Collection, card_id: int) -> list[tuple[Any, ...]]:
    with col.engine.connect() as conn:
        rows = conn.execute(
            select(LOG.c.rating, LOG.c.preview, LOG.c.deck_id, LOG.c.state_before)
            .where(LOG.c.card_id == card_id)
            .order_by(LOG.c.id)
        ).all()
    return [tuple(r) for r in rows]


def _forgotten_card(col: Collection, now: datetime) -> int:
    """A review card answered Again two hours before ``now`` (then relearned to review)."""
    col.notes.add("D", "basic", "q", "a", now - 20 * DAY)
    card = col.sched.next_card(now - 20 * DAY, "D")
    assert card is not None
    col.sched.answer(card.card_id, 4, now - 20 * DAY)  # a review card
    col.sched.answer(card.card_id, 1, now - timedelta(hours=2))  # forgotten today
    col.sched.answer(card.card_id, 4, now - timedelta(hours=1))  # back in review
    return card.card_id


def test_forgotten_cards_are_previewed_and_keep_their_schedule(
    col: Collection, now: datetime
) -> None:
    card_id = _forgotten_card(col, now)
    home = col.decks.id("D")
    before = _schedule(col, card_id)
    assert before[0] == CardState.REVIEW
    col.sched.custom_study("D", Kind.FORGOT, now, days=1)
    session = col.decks.id(SESSION_NAME)
    card = col.sched.next_card(now, SESSION_NAME)
    assert card is not None and card.card_id == card_id and card.preview
    # Anki's preview buttons: Again 1 minute, Hard 10 minutes, Good and Easy end.
    assert [card.label(r) for r in (1, 2, 3, 4)] == ["1m", "10m", "(end)", "(end)"]
    answer = col.sched.answer(card_id, 1, now).value
    assert answer.interval == MINUTE
    assert _schedule(col, card_id) == before  # nothing of its schedule changed
    assert _home(col, card_id) == (session, home)  # still in the session
    # Shown again after a minute, not before (the learning queue holds it).
    assert col.sched.queue_counts(now + 30 * timedelta(seconds=1), SESSION_NAME) == (0, 1, 0)
    assert col.sched.next_card(now + 2 * MINUTE, SESSION_NAME) is not None
    hard = col.sched.answer(card_id, 2, now + 2 * MINUTE).value  # Hard: ten minutes
    assert hard.interval == 10 * MINUTE and hard.due == now + 12 * MINUTE
    with col.engine.connect() as conn:  # when the rebuilt queue shows it again
        assert preview.waiting(conn, session, [card_id]) == {card_id: now + 12 * MINUTE}
    # With nothing else due it comes early, as Anki's learn-ahead shows a waiting preview.
    again = col.sched.next_card(now + 5 * MINUTE, SESSION_NAME)
    assert again is not None and again.card_id == card_id
    col.sched.answer(card_id, 3, now + 5 * MINUTE)  # Good: home, as it was
    assert _home(col, card_id) == (home, None)
    assert _schedule(col, card_id) == before
    # Every answer is logged, the three previews marked, in the session's deck.
    previews = [row for row in _log(col, card_id) if row[1]]
    assert [(r[0], r[2]) for r in previews] == [(1, session), (2, session), (3, session)]
    assert all(r[3] == CardState.REVIEW for r in previews)


def test_a_previewed_new_card_stays_new_and_undo_removes_the_preview(
    col: Collection, now: datetime
) -> None:
    col.notes.add("D", "basic", "new", "a", now, tags=["t"])
    home = col.decks.id("D")
    col.sched.custom_study("D", Kind.TAG_ALL, now, include=["t"])
    card = col.sched.next_card(now, SESSION_NAME)
    assert card is not None and card.preview
    before = _schedule(col, card.card_id)
    col.sched.answer(card.card_id, 1, now)
    assert col.sched.undo().value == card.card_id
    assert _log(col, card.card_id) == [] and _schedule(col, card.card_id) == before
    card = col.sched.next_card(now, SESSION_NAME)
    assert card is not None
    col.sched.answer(card.card_id, 4, now)  # Easy: home, still new
    assert _home(col, card.card_id) == (home, None)
    assert _schedule(col, card.card_id) == before
    assert _schedule(col, card.card_id)[0] == CardState.NEW
    assert col.sched.queue_counts(now, "D")[0] == 1  # still a new card at home


def test_new_cards_added_lately_are_previewed_and_stay_new(col: Collection, now: datetime) -> None:
    col.notes.add("D", "basic", "older", "a", now - 10 * DAY)
    col.notes.add("D", "basic", "lately", "a", now - 2 * DAY)
    col.notes.add("D", "basic", "today", "a", now)
    col.sched.custom_study("D", Kind.PREVIEW_NEW, now, days=3)  # today and the two before
    shown = []
    while (card := col.sched.next_card(now, SESSION_NAME)) is not None:
        assert card.preview
        shown.append(card.front)
        before = _schedule(col, card.card_id)
        col.sched.answer(card.card_id, 3, now)  # Good: back home, still new
        assert _schedule(col, card.card_id) == before
    assert shown == ["lately", "today"]  # in the order added; the older one stays home
    assert col.sched.queue_counts(now, "D")[0] == 3


def test_the_other_custom_study_kinds_still_reschedule(col: Collection, now: datetime) -> None:
    col.notes.add("D", "basic", "new", "a", now, tags=["t"])
    col.sched.custom_study("D", Kind.TAG_NEW, now, include=["t"])
    card = col.sched.next_card(now, SESSION_NAME)
    assert card is not None and not card.preview
    col.sched.answer(card.card_id, 3, now)
    assert _schedule(col, card.card_id)[0] == CardState.LEARNING
    assert [r[1] for r in _log(col, card.card_id)] == [False]


def test_previews_are_left_out_of_fsrs_history_and_counted_as_anki_counts_them(
    col: Collection, now: datetime
) -> None:
    card_id = _forgotten_card(col, now)
    scope = optimize.Scope((col.decks.id("D"),), 'deck "D"', col.decks.id("D"))
    history = optimize.load_history(col, scope)
    report = col.stats.report(now)
    col.sched.custom_study("D", Kind.FORGOT, now, days=1)
    col.sched.next_card(now, SESSION_NAME)
    col.sched.answer(card_id, 1, now)
    col.sched.answer(card_id, 3, now + 2 * MINUTE)
    # The optimiser (and memory recompute, which reads the same history) sees no change.
    assert optimize.load_history(col, scope) == history
    # Statistics: two more reviews today, as learning answers (Anki's answer-button graph
    # buckets Filtered entries as learning); retention, of review answers only, unchanged.
    after = col.stats.report(now + 3 * MINUTE)
    assert after.reviews_today == report.reviews_today + 2
    assert after.buttons["learn"] == [
        a + b for a, b in zip(report.buttons["learn"], [1, 0, 1, 0], strict=True)
    ]
    assert after.retention == report.retention
