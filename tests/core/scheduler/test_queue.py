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


def _reviews_due(col: Collection, now: datetime, count: int) -> datetime:
    """``count`` basic notes in deck D made review cards; returns a moment they are all due."""
    ids = []
    for i in range(count):
        note = col.notes.add("D", "basic", f"r{i}", "a", now).value
        ids += col.notes.get(note).card_ids
    for card_id in ids:
        col.sched.answer(card_id, 4, now)  # Easy: a review card, due in days
    return max(r["due"] for r in col.cards.rows(ids)) + timedelta(hours=1)


def test_the_review_limit_caps_new_cards(col: Collection, now: datetime) -> None:
    # Anki's v3 limits: 8 reviews due, review limit 5 -> 5 reviews and no new card.
    later = _reviews_due(col, now, 8)
    for i in range(10):
        col.notes.add("D", "basic", f"n{i}", "a", later)
    deck = col.decks.id("D")
    col.decks.set_settings(deck, DeckSettings(new_per_day=10, reviews_per_day=5))
    assert col.sched.queue_counts(later, "D") == (0, 0, 5)
    [counts] = col.sched.deck_counts(later)
    assert (counts.new, counts.review) == (0, 5)
    # With room left after the reviews, new cards take what the review limit leaves.
    col.decks.set_settings(deck, DeckSettings(new_per_day=10, reviews_per_day=12))
    assert col.sched.queue_counts(later, "D") == (4, 0, 8)
    kinds = [kind for _, kind in col.sched.queue_order(later, "D")]
    assert kinds[:3] == ["review", "new", "review"]  # new cards mixed among the reviews


def test_learning_cards_due_within_20_minutes_count(col: Collection, now: datetime) -> None:
    col.notes.add("D", "basic", "q", "a", now)
    card = col.sched.next_card(now)
    assert card is not None
    col.sched.answer(card.card_id, 3, now)  # Good on the first step: the 10-minute step
    assert col.sched.deck_counts(now)[0].learn == 1  # learn-ahead: due within 20 minutes
    assert col.sched.queue_counts(now, "D") == (0, 1, 0)
    shown = col.sched.next_card(now)
    assert shown is not None and shown.card_id == card.card_id


def test_a_card_reaching_8_lapses_is_a_leech(col: Collection, now: datetime) -> None:
    note = col.notes.add("D", "basic", "q", "a", now).value
    deck = col.decks.id("D")
    card_id = col.notes.get(note).card_ids[0]
    moment = now
    tags: list[tuple[str, ...]] = []
    for _ in range(8):
        col.sched.answer(card_id, 4, moment)  # back to review
        moment = col.cards.rows([card_id])[0]["due"] + timedelta(hours=1)
        col.sched.answer(card_id, 1, moment)  # a lapse
        tags.append(col.notes.get(note).tags)
    assert col.cards.rows([card_id])[0]["lapses"] == 8
    assert [("leech" in t) for t in tags] == [False] * 7 + [True]
    assert not col.cards.rows([card_id])[0]["suspended"]  # Anki's default: tag only
    # The option to suspend: the next leech threshold is 12 (every half threshold after 8).
    col.decks.set_settings(deck, DeckSettings(leech_suspend=True))
    for _ in range(4):
        col.sched.answer(card_id, 4, moment)
        moment = col.cards.rows([card_id])[0]["due"] + timedelta(hours=1)
        col.sched.answer(card_id, 1, moment)
    assert col.cards.rows([card_id])[0]["suspended"]
