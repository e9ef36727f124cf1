"""Anki's new-card gather priority, sort order and insertion order, against the real Anki."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from flashcards.core.collection import Collection
from flashcards.core.presets import DeckSettings, NewGather, NewInsert, NewSort
from flashcards.core.tables import CARD

anki_collection = pytest.importorskip("anki.collection")

#: Notes added in this order (two cards each, Basic and reversed): the decks interleaved.
NOTES = [(deck, f"{deck[-1].lower()}{i}") for i in range(5) for deck in ("P::B", "P::A", "P")]


def _anki_order(tmp_path: Path, gather: int, sort: int) -> list[tuple[str, int]]:
    """The new cards Anki's v3 queue shows when studying P, as (front, template) pairs."""
    col = anki_collection.Collection(str(tmp_path / f"anki-{gather}-{sort}.anki2"))
    try:
        model = col.models.by_name("Basic (and reversed card)")
        for deck, front in NOTES:
            note = col.new_note(model)
            note["Front"], note["Back"] = front, "back"
            col.add_note(note, col.decks.id(deck))
        conf = col.decks.get_config(1)
        conf["new"]["perDay"] = 100
        conf["newGatherPriority"] = gather
        conf["newSortOrder"] = sort
        col.decks.update_config(conf)
        col.decks.select(col.decks.id("P"))
        queued = col.sched.get_queued_cards(fetch_limit=100)
        order = []
        for entry in queued.cards:
            card = col.get_card(entry.card.id)
            order.append((card.note()["Front"], card.ord))
        return order
    finally:
        col.close()


def _cards(col: Collection) -> dict[int, tuple[int, int]]:
    """Card id -> (note id, template)."""
    with col.engine.connect() as conn:
        rows = conn.execute(select(CARD.c.id, CARD.c.note_id, CARD.c.ord)).all()
    return {int(r[0]): (int(r[1]), int(r[2])) for r in rows}


def _our_order(col: Collection, now: datetime, settings: DeckSettings) -> list[tuple[str, int]]:
    rows = {}
    for deck, front in NOTES:
        note_id = col.notes.add(deck, "basic+reversed", front, "back", now).value
        rows[note_id] = front
    col.presets.update(1, settings, now)
    cards = _cards(col)
    return [
        (rows[cards[card_id][0]], cards[card_id][1])
        for card_id, _kind in col.sched.queue_order(now, "P")
    ]


@pytest.mark.parametrize(
    "gather", [NewGather.DECK, NewGather.LOWEST_POSITION, NewGather.HIGHEST_POSITION]
)
@pytest.mark.parametrize("sort", [NewSort.TEMPLATE, NewSort.NO_SORT])
def test_new_cards_come_in_ankis_order(
    col: Collection, now: datetime, tmp_path: Path, gather: int, sort: int
) -> None:
    settings = DeckSettings(new_per_day=100, new_gather_order=gather, new_sort_order=sort)
    ours = _our_order(col, now, settings)
    assert len(ours) == 2 * len(NOTES)
    assert ours == _anki_order(tmp_path, gather, sort)


def test_random_insertion_shuffles_notes_and_keeps_their_cards_together(
    col: Collection, now: datetime
) -> None:
    fronts = [f"n{i}" for i in range(30)]
    for front in fronts:
        col.notes.add("R", "basic+reversed", front, "back", now)
    random_order = DeckSettings(
        new_per_day=100, new_insert_order=NewInsert.RANDOM, new_sort_order=NewSort.NO_SORT
    )
    col.presets.update(1, random_order, now)
    cards = _cards(col)
    notes = {n.id: n.front for n in col.notes.get_many(col.notes.ids())}

    def order() -> list[str]:
        return [notes[cards[c][0]] for c, _kind in col.sched.queue_order(now, "R")]

    shown = order()
    assert shown[::2] == shown[1::2]  # a note's two cards one after the other
    assert sorted(shown[::2]) == sorted(fronts) and shown[::2] != fronts  # shuffled, all there
    assert order() == shown  # the same order every time the queue is built
    col.presets.update(1, DeckSettings(new_per_day=100, new_sort_order=NewSort.NO_SORT), now)
    assert order()[::2] == fronts  # sequential: the order they were added
