"""The scheduler on real SQLite files: queue order, daily limits, bury, suspend, undo."""

from __future__ import annotations

from datetime import datetime, timedelta

from flashcards.core.collection import Collection
from flashcards.core.decks import DeckSettings
from flashcards.core.enums import CardState


def test_queue_order_learning_then_review_then_new(col: Collection, now: datetime) -> None:
    for i in range(3):
        col.notes.add("D", "basic", f"q{i}", f"a{i}", now)
    first = col.sched.next_card(now)
    assert first is not None and first.faces.question == "q0"  # new cards in note order
    col.sched.answer(first.card_id, 4, now)  # Easy: straight to review, due in days
    second = col.sched.next_card(now)
    assert second is not None and second.faces.question == "q1"
    col.sched.answer(second.card_id, 1, now)  # Again: learning, due in 1 minute
    later = now + timedelta(minutes=2)
    # As in Anki, a learning card that fell due after the last answer waits for the next one.
    third = col.sched.next_card(later)
    assert third is not None and third.faces.question == "q2"
    col.sched.answer(third.card_id, 4, later)
    learning = col.sched.next_card(later)
    assert learning is not None and learning.card_id == second.card_id
    review_day = col.cards.rows([first.card_id])[0]["due"] + timedelta(hours=1)
    col.sched.answer(learning.card_id, 4, later)
    queue = col.sched.next_card(review_day)
    assert queue is not None and queue.state == CardState.REVIEW


def test_daily_new_limit_and_counts(col: Collection, now: datetime) -> None:
    for i in range(30):
        col.notes.add("D", "basic", f"q{i}", "a", now)
    deck_id = col.decks.id("D")
    col.decks.set_settings(deck_id, DeckSettings(new_per_day=5))
    [counts] = col.sched.deck_counts(now)
    assert (counts.new, counts.learn, counts.review, counts.total) == (5, 0, 0, 30)
    for _ in range(5):
        card = col.sched.next_card(now)
        assert card is not None
        col.sched.answer(card.card_id, 4, now)
    assert col.sched.next_card(now) is None
    assert col.sched.deck_counts(now)[0].new == 0
    tomorrow = now + timedelta(days=1)
    assert col.sched.deck_counts(tomorrow)[0].new == 5


def test_parent_limit_caps_subdecks(col: Collection, now: datetime) -> None:
    for i in range(4):
        col.notes.add("P::A", "basic", f"a{i}", "x", now)
        col.notes.add("P::B", "basic", f"b{i}", "x", now)
    col.decks.set_settings(col.decks.id("P"), DeckSettings(new_per_day=3))
    counts = {c.name: c for c in col.sched.deck_counts(now)}
    assert counts["P"].new == 3 and counts["P::A"].new == 4 and counts["P"].total == 8
    seen = 0
    while (card := col.sched.next_card(now, "P")) is not None:
        col.sched.answer(card.card_id, 4, now)
        seen += 1
    assert seen == 3


def test_siblings_are_buried_until_tomorrow_and_undo_unburies(
    col: Collection, now: datetime
) -> None:
    col.notes.add("D", "basic+reversed", "LLM", "Large Language Model", now)
    deck = col.decks.id("D")
    col.decks.set_settings(deck, DeckSettings(bury_new=True, bury_reviews=True))
    card = col.sched.next_card(now)
    assert card is not None and card.ord == 0
    col.sched.answer(card.card_id, 4, now)
    assert col.sched.next_card(now) is None
    assert col.sched.deck_counts(now)[0].new == 0
    col.sched.undo()
    assert col.sched.deck_counts(now)[0].new == 2
    col.sched.answer(card.card_id, 4, now)
    tomorrow = col.sched.next_card(now + timedelta(days=1))
    assert tomorrow is not None and tomorrow.ord == 1


def test_suspended_cards_never_come(col: Collection, now: datetime) -> None:
    col.notes.add("D", "basic", "q", "a", now)
    card = col.sched.next_card(now)
    assert card is not None
    col.sched.set_suspended([card.card_id], True)
    assert col.sched.next_card(now) is None
    assert col.sched.deck_counts(now)[0].new == 0
    col.sched.set_suspended([card.card_id], False)
    assert col.sched.next_card(now) is not None


def test_bury_hides_until_day_boundary(col: Collection, now: datetime) -> None:
    col.notes.add("D", "basic", "q", "a", now)
    card = col.sched.next_card(now)
    assert card is not None
    col.sched.bury([card.card_id], now)
    assert (
        col.sched.next_card(now + timedelta(hours=18)) is None
    )  # 03:00 next day: same learner day
    assert col.sched.next_card(now + timedelta(hours=19, minutes=1)) is not None  # after 04:00


def test_undo_restores_exactly_and_removes_log(col: Collection, now: datetime) -> None:
    col.notes.add("D", "basic", "q", "a", now)
    card = col.sched.next_card(now)
    assert card is not None
    col.sched.answer(card.card_id, 3, now)
    before = col.cards.rows([card.card_id])[0]
    col.sched.answer(card.card_id, 3, now + timedelta(minutes=11))
    assert col.sched.undo().value == card.card_id
    assert col.cards.rows([card.card_id])[0] == before
    assert col.stats.summary(now + timedelta(minutes=12))["reviews_today"] == 1
    assert col.sched.undo().value == card.card_id
    assert col.sched.undo().value is None
