"""Anki's bury options, manual and sibling burying, and card flags, on real SQLite files."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from flashcards.core.collection import Collection
from flashcards.core.decks import DeckSettings
from flashcards.core.enums import CardState
from flashcards.core.errors import InputError
from flashcards.core.search import browse_rows, search_cards


def _three_cards(col: Collection, now: datetime) -> list[int]:
    """A cloze note with three cards, in deck D."""
    note = col.notes.add("D", "cloze", "{{c1::a}} {{c2::b}} {{c3::c}}", "", now).value
    return col.notes.get(note).card_ids


def _buried(col: Collection, card_ids: list[int], now: datetime) -> list[bool]:
    return [r.buried for r in browse_rows(col, card_ids, now)]


def test_answering_buries_siblings_as_the_options_say(col: Collection, now: datetime) -> None:
    first, second, third = _three_cards(col, now)
    deck = col.decks.id("D")
    assert col.decks.settings(deck).bury_new is False  # Anki's default: nothing buried
    col.decks.set_settings(deck, replace(col.decks.settings(deck), bury_new=True))
    col.sched.answer(first, 4, now)
    assert _buried(col, [second, third], now) == [True, True]
    assert not any(r["buried_by_user"] for r in col.cards.rows([second, third]))
    tomorrow = now + timedelta(days=1)
    assert _buried(col, [second, third], tomorrow) == [False, False]  # the next learner day
    col.decks.set_settings(deck, replace(col.decks.settings(deck), bury_new=False))
    col.sched.answer(second, 4, tomorrow)
    assert _buried(col, [third], tomorrow) == [False]


def test_a_new_card_does_not_bury_review_siblings(col: Collection, now: datetime) -> None:
    # Anki gathers reviews before new cards, so answering a new card leaves its review
    # siblings alone; answering a review buries review siblings.
    first, second, third = _three_cards(col, now)
    deck = col.decks.id("D")
    options = replace(col.decks.settings(deck), bury_new=False, bury_reviews=True)
    col.decks.set_settings(deck, options)
    col.sched.answer(first, 4, now)
    col.sched.answer(second, 4, now)
    assert _buried(col, [first, second], now) == [False, False]
    later = max(r["due"] for r in col.cards.rows([first, second])) + timedelta(days=1)
    col.sched.answer(first, 3, later)
    assert _buried(col, [second, third], later) == [True, False]


def test_interday_learning_siblings(col: Collection, now: datetime) -> None:
    first, second, third = _three_cards(col, now)
    deck = col.decks.id("D")
    options = DeckSettings(learning_steps="1m 2d", bury_new=False, bury_interday=True)
    col.decks.set_settings(deck, options)
    col.sched.answer(second, 3, now)  # Good: on to the 2-day step (due on a later day)
    assert col.cards.rows([second])[0]["state"] == CardState.LEARNING
    col.sched.answer(first, 1, now)  # a new card does not bury it (gathered after it)
    assert _buried(col, [second], now) == [False]
    col.sched.answer(first, 1, now + timedelta(minutes=1))  # a learning card does
    assert _buried(col, [second, third], now) == [True, False]
    col.decks.set_settings(deck, replace(options, bury_interday=False))
    col.sched.answer(third, 1, now + timedelta(days=1))
    assert _buried(col, [first, second], now + timedelta(days=1)) == [False, False]


def test_manual_bury_is_told_apart_and_undo_unburies(col: Collection, now: datetime) -> None:
    first, second, third = _three_cards(col, now)
    col.sched.bury([third], now)
    col.sched.answer(first, 4, now)
    rows = col.cards.rows([second, third])
    assert [r["buried_by_user"] for r in rows] == [False, True]
    col.sched.undo()
    assert _buried(col, [second, third], now) == [False, True]


def test_flags(col: Collection, now: datetime) -> None:
    first, second, third = _three_cards(col, now)
    assert col.sched.set_flag([first, third], 7).value is None
    col.sched.set_flag([second], 1)
    assert search_cards(col, "flag:7", now) == [first, third]
    assert search_cards(col, "flag:1", now) == [second]
    assert search_cards(col, "-flag:0", now) == [first, second, third]
    assert [r.flag for r in browse_rows(col, [first, second], now)] == [7, 1]
    col.sched.set_flag([first], 0)
    assert search_cards(col, "flag:0", now) == [first]
    with pytest.raises(InputError):
        col.sched.set_flag([first], 8)
    with pytest.raises(InputError):
        search_cards(col, "flag:9", now)


def test_one_decks_options_leave_the_others_on_its_preset(col: Collection, now: datetime) -> None:
    _three_cards(col, now)
    deck, other = col.decks.id("D"), col.decks.add("E", now).value
    shared = col.presets.add("Japanese", now, DeckSettings(new_per_day=9)).value
    col.presets.set_for_decks([deck, other], shared, now)
    settings = col.decks.settings(deck)
    col.decks.set_settings(deck, settings, now)  # the same values: still the preset
    assert col.presets.of_deck(deck) == shared
    col.decks.set_settings(deck, replace(settings, new_per_day=3), now)
    own = col.presets.get(col.presets.of_deck(deck))
    assert own.id != shared and own.name == "D" and own.settings.new_per_day == 3
    assert col.decks.settings(other).new_per_day == 9  # the other deck keeps the preset
    col.decks.set_settings(deck, replace(settings, new_per_day=4), now)  # alone: edited
    assert col.presets.of_deck(deck) == own.id and col.decks.settings(deck).new_per_day == 4


def test_fsrs_parameters_are_checked_and_used(col: Collection, now: datetime) -> None:
    first, _, _ = _three_cards(col, now)
    deck = col.decks.id("D")
    with pytest.raises(InputError):
        col.decks.set_settings(deck, DeckSettings(fsrs_params=(1.0, 2.0)))
    default = col.sched.card_for_review(first, now).outcomes[3].memory.stability
    params = (0.5, 1.5, 4.0, 20.0, 7.0, 0.5, 2.0, 0.01, 1.5, 0.1, 1.0)
    params += (1.8, 0.1, 0.3, 2.0, 0.2, 3.0, 0.7, 0.3, 0.1, 0.2)
    col.decks.set_settings(deck, DeckSettings(fsrs_params=params))
    assert col.decks.settings(deck).fsrs_params == params
    custom = col.sched.card_for_review(first, now).outcomes[3].memory.stability
    assert custom == pytest.approx(4.0) and default != custom


def test_forget_makes_a_card_new_and_keeps_its_history(col: Collection, now: datetime) -> None:
    first, second, third = _three_cards(col, now)
    col.sched.answer(first, 3, now)
    col.sched.answer(first, 3, now + timedelta(minutes=2))
    col.sched.set_flag([first], 2)
    col.sched.bury([first], now)
    later = now + timedelta(minutes=5)
    assert col.sched.forget([first], later).value is None
    row = col.cards.rows([first])[0]
    assert row["state"] == CardState.NEW and row["stability"] is None
    assert row["last_review"] is None and row["buried_until"] is None
    assert row["reps"] == 2 and row["flags"] == 2  # counts and flag stay, as in Anki
    assert col.stats.summary(later)["reviews_today"] == 2  # the history stays
    assert col.sched.undo().value is None  # the answers before it are not undone
    assert col.cards.rows([first])[0]["state"] == CardState.NEW
    # Anki's default new-card order sorts by template: the first card of the note still
    # comes first (its position, after the others, only orders cards of the same template).
    tomorrow = now + timedelta(days=1)
    shown = []
    while (card := col.sched.next_card(tomorrow)) is not None and card.card_id not in shown:
        shown.append(card.card_id)
        col.sched.bury([card.card_id], tomorrow)
    assert shown == [first, second, third]
    col.sched.forget([first], later, reset_counts=True)
    assert col.cards.rows([first])[0]["reps"] == 0
