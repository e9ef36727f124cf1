"""Custom study, as Anki's: today's extra limits, and a filtered deck whose cards return home."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from flashcards.core.collection import Collection
from flashcards.core.decks import DeckSettings
from flashcards.core.enums import CardState
from flashcards.core.errors import InputError
from flashcards.core.scheduler.custom_study import SESSION_NAME, Kind
from flashcards.core.tables import CARD, LOG

DAY = timedelta(days=1)


def _cards(col: Collection) -> dict[int, tuple[int, int | None]]:
    """Every card: (deck id, home deck id)."""
    with col.engine.connect() as conn:
        rows = conn.execute(select(CARD.c.id, CARD.c.deck_id, CARD.c.original_deck_id)).all()
    return {int(r[0]): (int(r[1]), r[2]) for r in rows}


def _review_cards(col: Collection, deck: str, count: int, answered: datetime) -> list[int]:
    """``count`` cards of ``deck`` answered Easy at ``answered`` (review cards due later)."""
    ids = []
    for i in range(count):
        col.notes.add(deck, "basic", f"{deck} q{i}", "a", answered)
    while (card := col.sched.next_card(answered, deck)) is not None:
        col.sched.answer(card.card_id, 4, answered)
        ids.append(card.card_id)
    return ids


def _study_all(col: Collection, deck: str, now: datetime, rating: int = 3) -> list[int]:
    seen = []
    while (card := col.sched.next_card(now, deck)) is not None:
        col.sched.answer(card.card_id, rating, now)
        seen.append(card.card_id)
        assert len(seen) < 1000
    return seen


def test_more_new_cards_today_raises_the_limit_until_the_rollover(
    col: Collection, now: datetime
) -> None:
    for i in range(40):
        col.notes.add("D", "basic", f"q{i}", "a", now)
    assert col.sched.queue_counts(now, "D") == (20, 0, 0)
    for _ in range(20):
        card = col.sched.next_card(now, "D")
        assert card is not None
        col.sched.answer(card.card_id, 4, now)  # Easy: straight to review
    assert col.sched.queue_counts(now, "D") == (0, 0, 0)
    col.sched.extend_limits("D", now, new=5)
    assert col.sched.queue_counts(now, "D") == (5, 0, 0)
    assert col.sched.deck_counts(now)[0].new == 5
    col.sched.extend_limits("D", now, new=2)  # the same day: added
    assert col.sched.queue_counts(now, "D") == (7, 0, 0)
    assert col.sched.custom_study_defaults("D", now).extend_new == 7
    assert len(_study_all(col, "D", now, rating=4)) == 7
    # The next day: the deck's own limit again (no cards reviewed yet: 20 new).
    tomorrow = now + DAY
    assert col.sched.queue_counts(tomorrow, "D")[0] == 13  # the 13 new cards left
    assert col.sched.custom_study_defaults("D", tomorrow).extend_new == 0
    for i in range(40, 60):
        col.notes.add("D", "basic", f"q{i}", "a", tomorrow)
    assert col.sched.queue_counts(tomorrow, "D")[0] == 20


def test_more_reviews_today_raises_the_review_limit_today_only(
    col: Collection, now: datetime
) -> None:
    week_ago = now - 7 * DAY
    _review_cards(col, "D", 12, week_ago)
    deck_id = col.decks.id("D")
    col.decks.set_settings(deck_id, DeckSettings(new_per_day=0, reviews_per_day=3))
    later = now + 30 * DAY  # every review is due
    assert col.sched.queue_counts(later, "D") == (0, 0, 3)
    col.sched.extend_limits("D", later, review=4)
    assert col.sched.queue_counts(later, "D") == (0, 0, 7)
    assert [c.review for c in col.sched.deck_counts(later)] == [7]
    _study_all(col, "D", later)
    assert col.sched.queue_counts(later, "D") == (0, 0, 0)
    # Back to the deck's limit at the rollover.
    assert col.sched.queue_counts(later + DAY, "D") == (0, 0, 3)


def test_extending_a_subdeck_leaves_its_parents_limit(col: Collection, now: datetime) -> None:
    for i in range(10):
        col.notes.add("P::A", "basic", f"q{i}", "a", now)
    col.decks.set_settings(col.decks.id("P::A"), DeckSettings(new_per_day=2))
    col.sched.extend_limits("P::A", now, new=3)
    assert col.sched.queue_counts(now, "P::A") == (5, 0, 0)
    counts = {c.name: c.new for c in col.sched.deck_counts(now)}
    assert counts == {"P": 5, "P::A": 5}


def test_review_ahead_studies_cards_due_in_the_next_days_and_sends_them_home(
    col: Collection, now: datetime
) -> None:
    ids = _review_cards(col, "D", 6, now)
    home = col.decks.id("D")
    due = {r["id"]: r["due"] for r in col.cards.rows(ids)}
    tomorrow = now + DAY
    assert col.sched.queue_counts(tomorrow, "D") == (0, 0, 0)  # nothing due yet
    _, day_end = col.config.day_bounds(tomorrow)
    # Due on a day up to today + 7 (Anki's prop:due<=7): before the rollover 7 days on.
    horizon = day_end + 7 * DAY
    expected = {i for i, d in due.items() if d < horizon}
    assert expected and expected != set(ids)
    name = col.sched.custom_study("D", Kind.AHEAD, tomorrow, days=7).value
    assert name == SESSION_NAME
    session = col.decks.id(SESSION_NAME)
    cards = _cards(col)
    assert {i for i, (deck, _) in cards.items() if deck == session} == expected
    assert all(cards[i] == (session, home) for i in expected)
    # The filtered deck shows them all now (no limits), in due order.
    assert col.sched.queue_counts(tomorrow, SESSION_NAME) == (0, 0, len(expected))
    assert [c.review for c in col.sched.deck_counts(tomorrow) if c.name == SESSION_NAME] == [
        len(expected)
    ]
    order = [i for i, _ in col.sched.queue_order(tomorrow, SESSION_NAME)]
    assert set(order) == expected and [due[i] for i in order] == sorted(due[i] for i in order)
    studied = _study_all(col, SESSION_NAME, tomorrow)
    assert set(studied) == expected
    after = _cards(col)
    assert all(after[i] == (home, None) for i in ids)  # home, answered (Good: review)
    for row in col.cards.rows(list(expected)):
        assert row["state"] == CardState.REVIEW and row["due"] > due[row["id"]]
    # Rescheduled with the home deck's options, logged in the deck they were answered in
    # (as Anki charges the filtered deck's counts, not the home deck's).
    with col.engine.connect() as conn:
        rows = conn.execute(select(LOG.c.deck_id).where(LOG.c.reviewed_at >= tomorrow))
        decks = [int(r[0]) for r in rows]
    assert decks == [session] * len(expected)


def test_answers_in_the_session_leave_the_home_deck_limits(col: Collection, now: datetime) -> None:
    # Anki's v3: an answer in a filtered deck counts against that deck and its parents,
    # never against the home deck (rslib answering: update_deck_stats(card's deck)).
    for i in range(8):
        col.notes.add("D", "basic", f"n{i}", "a", now, tags=["T"] if i < 3 else [])
    home = col.decks.id("D")
    col.decks.set_settings(home, DeckSettings(new_per_day=2))
    col.sched.custom_study("D", Kind.TAG_NEW, now, limit=3, include=["T"])
    studied = _study_all(col, SESSION_NAME, now, rating=4)  # Easy: each goes home at once
    assert len(studied) == 3
    assert all(deck == home for deck, _ in _cards(col).values())  # all went home
    # The home deck still offers its 2 new cards today, as in Anki.
    assert col.sched.queue_counts(now, "D") == (2, 0, 0)
    assert [c.new for c in col.sched.deck_counts(now) if c.name == "D"] == [2]


def test_review_forgotten_cards_of_the_last_days(col: Collection, now: datetime) -> None:
    ids = _review_cards(col, "D", 5, now - 20 * DAY)
    two_days_ago, today = now - 2 * DAY, now
    col.sched.answer(ids[0], 1, two_days_ago)  # Again two days ago
    col.sched.answer(ids[1], 1, today - timedelta(hours=2))  # Again today
    col.sched.answer(ids[2], 3, today - timedelta(hours=2))  # Good today: not forgotten
    col.sched.custom_study("D", Kind.FORGOT, today, days=1)
    session = col.decks.id(SESSION_NAME)
    assert {i for i, (d, _) in _cards(col).items() if d == session} == {ids[1]}
    col.sched.custom_study("D", Kind.FORGOT, today, days=3)  # replaces the session
    assert {i for i, (d, _) in _cards(col).items() if d == session} == {ids[0], ids[1]}
    with pytest.raises(InputError):
        col.sched.custom_study("D", Kind.FORGOT, today + 10 * DAY, days=1)
    # Nothing changed by the refused session.
    assert {i for i, (d, _) in _cards(col).items() if d == session} == {ids[0], ids[1]}


def test_study_by_tag_ignores_the_home_limits_and_keeps_learning_cards(
    col: Collection, now: datetime
) -> None:
    for i in range(6):
        tags = ["verb"] if i % 2 == 0 else ["noun"]
        col.notes.add("D", "basic", f"q{i}", "a", now, tags=tags)
    col.notes.add("D", "basic", "sub", "a", now, tags=["verb::past"])
    home = col.decks.id("D")
    col.decks.set_settings(home, DeckSettings(new_per_day=0))
    assert col.sched.queue_counts(now, "D") == (0, 0, 0)
    defaults = col.sched.custom_study_defaults("D", now)
    assert defaults.tags == ["noun", "verb", "verb::past"] and defaults.available_new == 7
    col.sched.custom_study("D", Kind.TAG_NEW, now, limit=3, include=["VERB"])
    session = col.decks.id(SESSION_NAME)
    assert col.sched.queue_counts(now, SESSION_NAME) == (3, 0, 0)
    moved = [i for i, (d, _) in _cards(col).items() if d == session]
    fronts = {r["id"]: r for r in col.cards.rows(moved)}
    assert len(moved) == 3 and len(fronts) == 3
    card = col.sched.next_card(now, SESSION_NAME)
    assert card is not None and card.deck_name == SESSION_NAME and card.home_deck_id == home
    col.sched.answer(card.card_id, 1, now)  # Again: learning, stays in the session
    assert _cards(col)[card.card_id] == (session, home)
    col.sched.answer(card.card_id, 4, now + timedelta(minutes=2))  # Easy: review, home
    assert _cards(col)[card.card_id] == (home, None)
    # Excluding tags: "verb" excluded leaves the nouns.
    col.sched.custom_study("D", Kind.TAG_ALL, now, include=[], exclude=["verb"])
    moved = [i for i, (d, _) in _cards(col).items() if d == session]
    assert len(moved) == 3
    assert all(deck == home for i, (deck, _) in _cards(col).items() if i not in moved)


def test_deleting_the_filtered_deck_keeps_every_card_and_its_reviews(
    col: Collection, now: datetime
) -> None:
    ids = _review_cards(col, "D", 4, now - 10 * DAY)
    col.notes.add("D", "basic", "new one", "a", now)
    home = col.decks.id("D")
    col.sched.custom_study("D", Kind.TAG_ALL, now)
    session = col.decks.id(SESSION_NAME)
    card = col.sched.next_card(now, SESSION_NAME)
    assert card is not None
    col.sched.answer(card.card_id, 1, now)  # stays in the session, in relearning or learning
    before = _cards(col)
    assert sum(1 for deck, _ in before.values() if deck == session) == 5
    with col.engine.connect() as conn:
        reviews = conn.execute(select(LOG.c.id, LOG.c.card_id)).all()
    assert col.decks.delete(session).value == 0  # no note deleted
    after = _cards(col)
    assert set(after) == set(before) and all(v == (home, None) for v in after.values())
    with col.engine.connect() as conn:
        assert conn.execute(select(LOG.c.id, LOG.c.card_id)).all() == reviews
    assert SESSION_NAME not in col.decks.names().values()
    assert col.sched.filtered_deck() is None
    # A new session makes the deck again.
    col.sched.custom_study("D", Kind.TAG_REVIEW, now)
    assert len(ids) == sum(
        1 for deck, _ in _cards(col).values() if deck == col.decks.id(SESSION_NAME)
    )


def test_empty_and_rebuild_return_cards_home(col: Collection, now: datetime) -> None:
    _review_cards(col, "D", 3, now - 10 * DAY)
    home = col.decks.id("D")
    col.sched.custom_study("D", Kind.TAG_DUE, now)
    session = col.decks.id(SESSION_NAME)
    assert col.sched.empty_filtered(session).value == 3
    assert all(v == (home, None) for v in _cards(col).values())
    assert SESSION_NAME in col.decks.names().values()
    assert col.sched.queue_counts(now, SESSION_NAME) == (0, 0, 0)
    assert col.sched.rebuild_filtered(session, now).value == 3
    assert col.sched.queue_counts(now, SESSION_NAME) == (0, 0, 3)
    # Deleting the home deck deletes its notes wherever their cards are.
    col.decks.delete(home)
    assert _cards(col) == {}


def test_a_normal_deck_with_the_sessions_name_is_refused(col: Collection, now: datetime) -> None:
    col.notes.add("D", "basic", "q", "a", now)
    col.decks.add(SESSION_NAME, now)
    with pytest.raises(InputError):
        col.sched.custom_study("D", Kind.TAG_ALL, now)
    with pytest.raises(InputError):
        col.sched.custom_study("D", Kind.AHEAD, now, days=0)
