"""Anki's new-card options that the queue follows: gather priority and insertion order.

Which options are followed (the rest are refused by the options check, and an Anki preset
that has them comes here with Anki's defaults):

- gather priority "deck" (Anki's default: deck by deck in name order, each deck's cards in
  their position order), "ascending position" and "descending position" (across every deck of
  the studied one, each card still taking one from its deck's limits);
- sort order "card template" (Anki's default) and "no sort" (the gathered order), applied by
  :func:`flashcards.core.scheduler.study_queue.build`;
- insertion order "sequential" (the order the cards were added) and "random": a deck's new
  notes in a fixed random order, a note's cards together, as Anki's random positions give
  them. Here a card's position is the order it was added, so random insertion orders a deck's
  cards when they are gathered deck by deck, and positions across decks are those of addition.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Callable, Iterable, Iterator

from flashcards.core.presets import NewGather
from flashcards.core.scheduler.study_queue import Candidate

#: The new cards of a deck, in the order they were added.
NewCards = Callable[[int], Iterable[Candidate]]


def _note_rank(note_id: int) -> bytes:
    """A note's place in the random order: fixed for the note, unrelated to when it was added."""
    return hashlib.blake2b(note_id.to_bytes(8, "big", signed=True), digest_size=8).digest()


def shuffled(cards: Iterable[Candidate]) -> list[Candidate]:
    """A deck's new cards in Anki's random insertion order (a note's cards stay together)."""
    return sorted(cards, key=lambda c: (_note_rank(c.note_id), c.note_id, c.ord))


def _position(card: Candidate) -> tuple[object, int, int]:
    return card.due, card.note_id, card.ord


def gather(
    priority: int, decks_by_name: list[int], new_cards: NewCards
) -> Iterator[tuple[int, Iterable[Candidate]]]:
    """The new cards to gather, as :func:`study_queue.build` takes them.

    Deck by deck for Anki's "deck" priority; else one card at a time with its deck, by
    position over all the decks (ascending: merged lazily; descending: sorted).
    """
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
