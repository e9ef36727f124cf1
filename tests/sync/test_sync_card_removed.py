"""A card a note's edit removes on one device is removed on the others, and stays removed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flashcards.core.sync.client import sync
from tests.sync.devices import T0, device, state


def test_a_kind_change_that_removes_a_card_reaches_the_other_device(
    tmp_path: Path, server_url: str
) -> None:
    a = device(tmp_path, "a")
    b = device(tmp_path, "b")
    note = a.notes.add("Words", "basic+reversed", "犬", "dog", T0).value
    sync(a, server_url, T0 + timedelta(minutes=1))
    sync(b, server_url, T0 + timedelta(minutes=2))
    assert len(b.notes.get(b.notes.ids()[0]).card_ids) == 2
    # On a: the note becomes basic; its reverse card (never answered) goes.
    a.notes.update(note, T0 + timedelta(minutes=3), kind="basic")
    assert len(a.notes.get(note).card_ids) == 1
    for col, minute in ((a, 4), (b, 5), (a, 6)):
        sync(col, server_url, T0 + timedelta(minutes=minute))
    assert len(a.notes.get(note).card_ids) == 1  # not brought back by the server
    assert len(b.notes.get(b.notes.ids()[0]).card_ids) == 1
    assert state(a) == state(b)
