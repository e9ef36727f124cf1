"""Every mutation returns what it changed: its old value, and exactly the flags it announced."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import reduce
from operator import or_
from pathlib import Path
from typing import Any

import pytest

from flashcards.core import exchange
from flashcards.core.changes import NO_CHANGE, Change, OpResult
from flashcards.core.collection import Collection
from flashcards.core.deckfile import DeckFile, NoteSpec
from flashcards.core.decks import DeckSettings
from flashcards.core.errors import InputError
from flashcards.core.exchange.deckfile_import import import_deck_file, load_shipped_decks
from flashcards.core.exchange.importer import ExchangeReport
from flashcards.core.exchange.report import ImportReport
from flashcards.core.scheduler.service import AnswerResult

#: What adding notes (and the decks they need) touches.
ADDED = Change.DECKS | Change.NOTES | Change.CARDS


class Bus:
    """Listens to the collection's change bus and runs mutations one at a time."""

    def __init__(self, col: Collection) -> None:
        self.heard: list[Change] = []
        col.add_listener(self.heard.append)

    def run(self, mutation: Callable[[], OpResult[Any]]) -> tuple[Any, Change]:
        """The mutation's value and changes, checked to be what its listeners heard."""
        self.heard.clear()
        result = mutation()
        assert isinstance(result, OpResult)
        assert result.changes == reduce(or_, self.heard, NO_CHANGE)
        return result.value, result.changes


@pytest.fixture
def bus(col: Collection) -> Bus:
    return Bus(col)


def test_config_setters_change_options(col: Collection, bus: Bus) -> None:
    assert bus.run(lambda: col.config.set("theme", "dark")) == (None, Change.OPTIONS)
    assert bus.run(lambda: col.config.set_day_start_hour(6)) == (None, Change.OPTIONS)
    assert bus.run(lambda: col.config.set_backup_keep(3)) == (None, Change.OPTIONS)
    assert col.config.get("theme") == "dark"
    assert (col.config.day_start_hour, col.config.backup_keep) == (6, 3)


def test_deck_mutations(col: Collection, bus: Bus, now: datetime) -> None:
    deck_id, changes = bus.run(lambda: col.decks.add("A::B", now, description="d"))
    assert (deck_id, changes) == (col.decks.id("A::B"), Change.DECKS)
    settings = DeckSettings(new_per_day=5)
    # On Default: the deck gets a preset of its own (the deck row changes too).
    own = Change.OPTIONS | Change.DECKS
    assert bus.run(lambda: col.decks.set_settings(deck_id, settings, now)) == (None, own)
    assert col.decks.settings(deck_id) == settings
    alone = DeckSettings(new_per_day=6)  # alone on that preset now: the preset changes
    assert bus.run(lambda: col.decks.set_settings(deck_id, alone, now)) == (None, Change.OPTIONS)
    assert bus.run(lambda: col.decks.rename(deck_id, "A::C", now)) == (None, Change.DECKS)
    col.notes.add("A::C", "basic", "q", "a", now)
    col.notes.add("A", "basic", "q2", "a2", now)
    assert bus.run(lambda: col.decks.delete(col.decks.id("A"))) == (2, ADDED)
    assert col.decks.names() == {}


def test_preset_mutations(col: Collection, bus: Bus, now: datetime) -> None:
    deck_id = col.decks.add("A", now).value
    presets = col.presets
    made, changes = bus.run(lambda: presets.add("Fast", now, DeckSettings(new_per_day=50)))
    assert changes == Change.OPTIONS and presets.get(made).settings.new_per_day == 50
    copy, changes = bus.run(lambda: presets.clone(made, "Fast 2", now))
    assert changes == Change.OPTIONS and presets.get(copy).settings.new_per_day == 50
    assert bus.run(lambda: presets.rename(copy, "Slow", now)) == (None, Change.OPTIONS)
    moved = Change.OPTIONS | Change.DECKS
    assert bus.run(lambda: presets.set_for_decks([deck_id], copy, now)) == (None, moved)
    slow = DeckSettings(new_per_day=2)
    assert bus.run(lambda: presets.update(copy, slow, now)) == (None, Change.OPTIONS)
    assert col.decks.settings(deck_id) == slow  # the deck reads its preset's options
    assert bus.run(lambda: presets.delete(copy, now)) == (None, moved)
    assert presets.of_deck(deck_id) == 1 and col.decks.settings(deck_id) == DeckSettings()
    with pytest.raises(InputError):
        bus.run(lambda: presets.delete(1, now))


def test_note_mutations(col: Collection, bus: Bus, now: datetime) -> None:
    note_id, changes = bus.run(lambda: col.notes.add("D", "basic", "q", "a", now, tags=["t"]))
    assert (col.notes.ids(), changes) == ([note_id], ADDED)
    edited = Change.NOTES | Change.CARDS | Change.DECKS
    assert bus.run(lambda: col.notes.update(note_id, now, back="b", deck="E")) == (None, edited)
    assert (col.notes.get(note_id).back, col.notes.get(note_id).deck_name) == ("b", "E")
    assert bus.run(lambda: col.notes.move([note_id], "F", now)) == (None, edited)
    assert col.notes.get(note_id).deck_name == "F"
    assert bus.run(lambda: col.notes.delete([note_id])) == (None, edited)
    assert col.notes.ids() == []


def test_scheduler_mutations(col: Collection, bus: Bus, now: datetime) -> None:
    col.notes.add("D", "basic+reversed", "q", "a", now)
    card = col.sched.next_card(now)
    assert card is not None
    result, changes = bus.run(lambda: col.sched.answer(card.card_id, 3, now))
    assert isinstance(result, AnswerResult) and result.card_id == card.card_id
    assert changes == Change.REVIEWS | Change.CARDS
    assert bus.run(col.sched.undo) == (card.card_id, Change.REVIEWS | Change.CARDS)
    # Nothing left to undo: no value, no change, nothing announced.
    assert bus.run(col.sched.undo) == (None, NO_CHANGE) and bus.heard == []
    assert bus.run(lambda: col.sched.bury([card.card_id], now)) == (None, Change.CARDS)
    ids = list(col.notes.get(card.note_id).card_ids)
    assert bus.run(lambda: col.sched.set_suspended(ids, True)) == (None, Change.CARDS)
    assert col.sched.next_card(now + timedelta(days=2)) is None


def test_importing_a_file(col: Collection, bus: Bus, now: datetime, tmp_path: Path) -> None:
    path = tmp_path / "animals.txt"
    path.write_text("犬\tdog\n猫\tcat\n", encoding="utf-8")
    report, changes = bus.run(lambda: exchange.import_file(col, path, now))
    assert isinstance(report, ExchangeReport) and report.added == 2
    assert changes == ADDED | Change.REVIEWS


def test_importing_a_deck_file(col: Collection, bus: Bus, now: datetime) -> None:
    deck = DeckFile(name="Deck", notes=[NoteSpec("n1", "basic", "q", "a")])
    report, changes = bus.run(lambda: import_deck_file(col, deck, now))
    assert isinstance(report, ImportReport) and (report.deck, report.added) == ("Deck", 1)
    assert changes == ADDED


def test_loading_the_shipped_decks(
    col: Collection, bus: Bus, now: datetime, tmp_path: Path
) -> None:
    (tmp_path / "s.toml").write_text(
        '[deck]\nname = "Shipped"\n[[notes]]\nid = "s1"\nfront = "F"\nback = "B"\n',
        encoding="utf-8",
    )
    reports, changes = bus.run(lambda: load_shipped_decks(col, tmp_path, now))
    assert [(r.deck, r.added) for r in reports] == [("Shipped", 1)]
    assert changes == ADDED | Change.OPTIONS  # the notes, and the setting that remembers the file
    # Loaded before: nothing to load, nothing changed, nothing announced.
    assert bus.run(lambda: load_shipped_decks(col, tmp_path, now)) == ([], NO_CHANGE)
    assert bus.heard == []


def test_a_refused_mutation_raises_and_announces_nothing(
    col: Collection, bus: Bus, now: datetime
) -> None:
    with pytest.raises(InputError):
        col.config.set_day_start_hour(24)
    with pytest.raises(InputError):
        col.notes.add("D", "basic", "", "empty front", now)
    assert bus.heard == []
