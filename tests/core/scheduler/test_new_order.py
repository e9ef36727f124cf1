"""Anki's new-card gather priority, sort order and insertion order, against the real Anki."""

from __future__ import annotations

from datetime import datetime, timedelta
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


def _properties_order(
    col: Collection, now: datetime, gather: int, sort: int
) -> dict[int, list[tuple[str, int]]]:
    """Our order on three days (0, 0 again later that day, 1, 2), by day offset (0.5: later)."""
    first = _our_order(
        col, now, DeckSettings(new_per_day=100, new_gather_order=gather, new_sort_order=sort)
    )
    cards = _cards(col)
    fronts = {n.id: n.front for n in col.notes.get_many(col.notes.ids())}

    def order(at: datetime) -> list[tuple[str, int]]:
        queued = col.sched.queue_order(at, "P")
        return [(fronts[cards[c][0]], cards[c][1]) for c, _kind in queued]

    return {
        0: first,
        5: order(now + timedelta(hours=5)),
        1: order(now + timedelta(days=1)),
        2: order(now + timedelta(days=2)),
    }


def _together(order: list[tuple[str, int]]) -> bool:
    """Whether each note's two cards come one after the other, in template order."""
    pairs = list(zip(order[::2], order[1::2], strict=True))
    return all(a[0] == b[0] and (a[1], b[1]) == (0, 1) for a, b in pairs)


EVERY = sorted((front, ord_) for _deck, front in NOTES for ord_ in (0, 1))
ADDED = [(front, ord_) for _deck, front in NOTES for ord_ in (0, 1)]


@pytest.mark.parametrize(
    "gather",
    [NewGather.RANDOM_NOTES, NewGather.RANDOM_CARDS, NewGather.DECK_THEN_RANDOM_NOTES],
)
def test_random_gathers_are_permutations_stable_within_a_day_and_new_each_day(
    col: Collection, now: datetime, gather: int
) -> None:
    days = _properties_order(col, now, gather, NewSort.NO_SORT)
    for order in days.values():
        assert sorted(order) == EVERY  # every card once
    assert days[5] == days[0]  # rebuilt later the same day: the same order
    assert days[0] != days[1] != days[2] != days[0]  # another day, another order
    for order in days.values():
        assert order != ADDED
        if gather == NewGather.RANDOM_CARDS:
            assert not _together(order)
        else:
            assert _together(order)  # Anki's random notes: a note's cards together, by template
        if gather == NewGather.DECK_THEN_RANDOM_NOTES:
            # Deck by deck in name order (P, P::A, P::B), notes shuffled within each.
            decks = [front[0] for front, _ord in order]
            assert decks == sorted(decks, key="pab".index)


@pytest.mark.parametrize(
    "sort",
    [NewSort.TEMPLATE_THEN_RANDOM, NewSort.RANDOM_NOTE_THEN_TEMPLATE, NewSort.RANDOM_CARD],
)
def test_random_sorts_are_permutations_stable_within_a_day_and_new_each_day(
    col: Collection, now: datetime, sort: int
) -> None:
    days = _properties_order(col, now, NewGather.DECK, sort)
    for order in days.values():
        assert sorted(order) == EVERY
    assert days[5] == days[0]
    assert days[0] != days[1] != days[2] != days[0]
    for order in days.values():
        templates = [ord_ for _front, ord_ in order]
        if sort == NewSort.TEMPLATE_THEN_RANDOM:
            # Every first card before every second one, each template's cards shuffled.
            assert templates == sorted(templates)
            firsts = [front for front, ord_ in order if ord_ == 0]
            assert firsts != [front for _deck, front in NOTES]
        elif sort == NewSort.RANDOM_NOTE_THEN_TEMPLATE:
            assert _together(order) and order != ADDED
        else:
            assert not _together(order) and templates != sorted(templates)


@pytest.mark.parametrize(("gather", "sort"), [(3, 1), (4, 1), (5, 1), (0, 2), (0, 3), (0, 4)])
def test_ankis_random_orders_have_the_same_properties(
    tmp_path: Path, gather: int, sort: int
) -> None:
    """Anki's own order with these options: what the tests above ask of ours holds for it."""
    order = _anki_order(tmp_path, gather, sort)
    assert sorted(order) == EVERY and order != ADDED
    if gather in (3, 5) or sort == 3:
        assert _together(order)
    if gather == 5:
        decks = [front[0] for front, _ord in order]
        assert decks == sorted(decks, key="pab".index)
    if sort == 2:
        templates = [ord_ for _front, ord_ in order]
        assert templates == sorted(templates)
    if gather == 4 or sort == 4:
        assert not _together(order)
