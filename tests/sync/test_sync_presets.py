"""Option presets sync as objects of their own; a deck's preset choice travels with the deck."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update

from flashcards.core.collection import Collection
from flashcards.core.presets import DeckSettings
from flashcards.core.sync import server
from flashcards.core.sync.client import sync
from flashcards.core.tables import PRESET
from tests.sync.conftest import ADMIN, Cluster
from tests.sync.devices import T0, device, state

#: What an Anki preset keeps that we do not model (schema 12): it must reach every device.
ANKI_OPTIONS = {"reviewOrder": 3, "newMix": 1, "maxTaken": 90, "timer": 1}


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


def _keep_anki_options(col: Collection, preset_id: int, at: datetime) -> None:
    # As an import from Anki leaves it (exchange/anki_presets.py keeps the preset's config).
    with col.engine.begin() as conn:
        conn.execute(
            update(PRESET)
            .where(PRESET.c.id == preset_id)
            .values(anki_config=json.dumps(ANKI_OPTIONS), modified=at)
        )


def _anki_options(col: Collection, name: str) -> dict[str, object]:
    with col.engine.connect() as conn:
        kept = conn.execute(select(PRESET.c.anki_config).where(PRESET.c.name == name)).scalar()
    loaded: dict[str, object] = json.loads(str(kept))
    return loaded


def test_the_anki_options_of_a_preset_reach_the_other_device(
    tmp_path: Path, server_url: str
) -> None:
    a, b = device(tmp_path, "a"), device(tmp_path, "b")
    a.notes.add("Words", "basic", "front", "back", T0)
    kept = a.presets.add("From Anki", T0, DeckSettings(new_per_day=30)).value
    a.presets.set_for_decks([a.decks.id("Words")], kept, T0)
    _keep_anki_options(a, kept, T0 + timedelta(seconds=1))
    sync(a, server_url, T0 + timedelta(minutes=1))
    sync(b, server_url, T0 + timedelta(minutes=2))
    assert _anki_options(b, "From Anki") == ANKI_OPTIONS
    assert state(a) == state(b)


def test_a_schema_6_server_gains_the_anki_options_column(
    tmp_path: Path, pg_cluster: Cluster
) -> None:
    name = pg_cluster.new_server()
    a = device(tmp_path, "a")
    a.notes.add("Words", "basic", "front", "back", T0)
    sync(a, pg_cluster.url(name), T0 + timedelta(minutes=1))
    with pg_cluster.admin(name) as conn:  # the server as schema 6 left it
        conn.execute("ALTER TABLE sync_preset DROP COLUMN anki_config")
        conn.execute("UPDATE sync_server SET value = '6' WHERE key = 'schema'")
    # A sync as the admin (who may change the schema; nothing of a's is waiting) brings it up
    # to schema 7; then the learner's options go up into the new column.
    sync(a, pg_cluster.url(name, ADMIN), T0 + timedelta(minutes=2))
    with pg_cluster.admin(name) as conn:
        assert conn.execute("SELECT value FROM sync_server WHERE key = 'schema'").fetchone() == (
            str(server.SERVER_SCHEMA),
        )
    _keep_anki_options(a, 1, T0 + timedelta(minutes=2, seconds=30))
    sync(a, pg_cluster.url(name), T0 + timedelta(minutes=3))
    b = device(tmp_path, "b")
    sync(b, pg_cluster.url(name), T0 + timedelta(minutes=4))
    assert _anki_options(b, "Default") == ANKI_OPTIONS
