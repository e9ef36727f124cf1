"""Option presets sync as objects of their own; a deck's preset choice travels with the deck."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flashcards.core.collection import Collection
from flashcards.core.presets import DeckSettings
from flashcards.core.sync.client import sync
from tests.sync.devices import T0, device, state


def _preset(col: Collection, deck: str) -> tuple[str, DeckSettings]:
    found = col.presets.get(col.presets.of_deck(col.decks.id(deck)))
    return found.name, found.settings


def test_a_preset_its_edits_and_its_deletion_reach_the_other_device(
    tmp_path: Path, server_url: str
) -> None:
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    for deck in ("Words", "Kanji", "Other"):
        a.notes.add(deck, "basic", f"{deck} front", "back", T0)
    fast = a.presets.add("Fast", T0, DeckSettings(new_per_day=50, leech_threshold=4)).value
    a.presets.set_for_decks([a.decks.id("Words"), a.decks.id("Kanji")], fast, T0)
    report = sync(a, server_url, T0 + timedelta(minutes=1))
    assert report.sent["preset"] == 2  # Default and Fast
    sync(b, server_url, T0 + timedelta(minutes=2))
    assert state(a) == state(b)
    # One preset on b too, shared by the same two decks, with every option.
    shared = b.presets.of_deck(b.decks.id("Words"))
    assert shared == b.presets.of_deck(b.decks.id("Kanji")) != 1
    assert _preset(b, "Words") == ("Fast", DeckSettings(new_per_day=50, leech_threshold=4))
    assert b.presets.of_deck(b.decks.id("Other")) == 1
    assert [p.name for p in b.presets.all()] == ["Default", "Fast"]

    # Both edit the preset offline: the later edit wins everywhere (last writer wins).
    a.presets.update(fast, DeckSettings(new_per_day=70), T0 + timedelta(hours=1))
    b.presets.update(shared, DeckSettings(new_per_day=60), T0 + timedelta(hours=2))
    # And b moves a deck to Default: the choice travels with the deck.
    b.presets.set_for_decks([b.decks.id("Kanji")], 1, T0 + timedelta(hours=2))
    for col, minute in ((a, 1), (b, 2), (a, 3), (b, 4)):
        sync(col, server_url, T0 + timedelta(hours=3, minutes=minute))
    assert state(a) == state(b)
    assert _preset(a, "Words") == ("Fast", DeckSettings(new_per_day=60))
    assert a.presets.of_deck(a.decks.id("Kanji")) == 1

    # A preset deleted on one device: gone on the other, its decks on Default, no card lost.
    a.presets.delete(fast, T0 + timedelta(hours=5))
    for col, minute in ((a, 1), (b, 2)):
        sync(col, server_url, T0 + timedelta(hours=6, minutes=minute))
    assert state(a) == state(b)
    assert [p.name for p in b.presets.all()] == ["Default"]
    assert b.presets.of_deck(b.decks.id("Words")) == 1
    assert len(b.notes.ids()) == 3
    # Nothing left to send: a second round changes nothing.
    again = sync(b, server_url, T0 + timedelta(hours=7))
    assert again.sent == {} and again.received == {}
