"""Anki's new-card options that the queue follows: gather priority, sort and insertion order.

Every order of Anki's is followed:

- gather priority "deck" (Anki's default: deck by deck in name order, each deck's cards in
  their position order), "deck, then random notes" (deck by deck, each deck's notes in a
  random order, a note's cards together in template order), "ascending position" and
  "descending position", "random notes" and "random cards" (across every deck of the studied
  one, each card still taking one from its deck's limits);
- sort order "card template" (Anki's default), "no sort" (the gathered order), "card template,
  then random", "random note, then card template" and "random" (:func:`sort_new`);
- insertion order "sequential" (the order the cards were added) and "random": a deck's new
  notes in a fixed random order, a note's cards together, as Anki's random positions give
  them. Here a card's position is the order it was added, so random insertion orders a deck's
  cards when they are gathered deck by deck, and positions across decks are those of addition.

The random orders of gathering and sorting are Anki's: they change from day to day and stay
the same within a day (the queue rebuilt after an answer keeps its order). Anki hashes the
note or card id with a salt from the day; here a hash of our own (BLAKE2b) of the day and the
id: deterministic, never the process-wide ``random``.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Callable, Iterable, Iterator

from flashcards.core.presets import NewGather, NewSort
from flashcards.core.scheduler.study_queue import Candidate

#: The new cards of a deck, in the order they were added.
NewCards = Callable[[int], Iterable[Candidate]]


def _note_rank(note_id: int) -> bytes:
    """A note's place in the random order: fixed for the note, unrelated to when it was added."""
    return hashlib.blake2b(note_id.to_bytes(8, "big", signed=True), digest_size=8).digest()


def shuffled(cards: Iterable[Candidate]) -> list[Candidate]:
    """A deck's new cards in Anki's random insertion order (a note's cards stay together)."""
    return sorted(cards, key=lambda c: (_note_rank(c.note_id), c.note_id, c.ord))


def day_rank(day: int, object_id: int) -> bytes:
    """A note's or card's place in a day's random order: fixed within the day, new each day."""
    key = day.to_bytes(8, "big", signed=True) + object_id.to_bytes(8, "big", signed=True)
    return hashlib.blake2b(key, digest_size=8, person=b"new-order").digest()


def _random_notes(day: int) -> Callable[[Candidate], tuple[bytes, int, int]]:
    """The key of Anki's random note order: the notes shuffled, a note's cards by template."""
    return lambda c: (day_rank(day, c.note_id), c.note_id, c.ord)


def _random_cards(day: int) -> Callable[[Candidate], tuple[bytes, int]]:
    return lambda c: (day_rank(day, c.card_id), c.card_id)


def sort_new(order: int, day: int, cards: list[Candidate]) -> list[Candidate]:
    """The gathered new cards in the preset's sort order (Anki's ``NewCardSortOrder``).

    Args:
        order: A :class:`NewSort` value.
        day: The learner's day (the salt of the random orders).
        cards: The new cards in the order they were gathered.
    """
    if order == NewSort.NO_SORT:
        return cards
    if order == NewSort.TEMPLATE_THEN_RANDOM:
        shuffled_cards = _random_cards(day)
        return sorted(cards, key=lambda c: (c.ord, shuffled_cards(c)))
    if order == NewSort.RANDOM_NOTE_THEN_TEMPLATE:
        return sorted(cards, key=_random_notes(day))
    if order == NewSort.RANDOM_CARD:
        return sorted(cards, key=_random_cards(day))
    return sorted(cards, key=lambda c: c.ord)  # stable: the gathered order within a template


def _position(card: Candidate) -> tuple[object, int, int]:
    return card.due, card.note_id, card.ord


def gather(
    priority: int, decks_by_name: list[int], new_cards: NewCards, day: int = 0
) -> Iterator[tuple[int, Iterable[Candidate]]]:
    """The new cards to gather, as :func:`study_queue.build` takes them.

    Deck by deck for Anki's "deck" priorities; else one card at a time with its deck, over all
    the decks (ascending position: merged lazily; the others sorted). ``day`` (the learner's
    day) salts the random orders.
    """
    if priority == NewGather.DECK_THEN_RANDOM_NOTES:
        for deck_id in decks_by_name:
            yield deck_id, sorted(new_cards(deck_id), key=_random_notes(day))
        return
    if priority in (NewGather.RANDOM_NOTES, NewGather.RANDOM_CARDS):
        every = [card for d in decks_by_name for card in new_cards(d)]
        key = _random_notes(day) if priority == NewGather.RANDOM_NOTES else _random_cards(day)
        for card in sorted(every, key=key):
            yield card.deck_id, (card,)
        return
    if priority == NewGather.LOWEST_POSITION:
        for card in heapq.merge(*(new_cards(d) for d in decks_by_name), key=_position):
            yield card.deck_id, (card,)
    elif priority == NewGather.HIGHEST_POSITION:
        every = [card for d in decks_by_name for card in new_cards(d)]
        # The highest position first; a note's cards still by template, as Anki has them.
        every.sort(key=lambda c: c.ord)
        for card in sorted(every, key=lambda c: (c.due, c.note_id), reverse=True):
            yield card.deck_id, (card,)
    else:
        for deck_id in decks_by_name:
            yield deck_id, new_cards(deck_id)
