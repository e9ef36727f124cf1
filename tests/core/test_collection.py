"""The collection on real SQLite files: notes, decks, deck-file imports, first run, reopening."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from flashcards.core.changes import Change
from flashcards.core.collection import Collection, open_collection
from flashcards.core.db import sqlite_url
from flashcards.core.deckfile import DeckFile, NoteSource, NoteSpec, parse_deck_toml
from flashcards.core.enums import CardState
from flashcards.core.errors import InputError, NotFoundError
from flashcards.core.exchange.deckfile_import import import_deck_file, load_shipped_decks


def _deck(name: str, *specs: tuple[str, str, str, str]) -> DeckFile:
    return DeckFile(name=name, notes=[NoteSpec(i, k, f, b) for i, k, f, b in specs])


def test_cloze_cards_one_per_deletion(col: Collection, now: datetime) -> None:
    note_id = col.notes.add(
        "D", "cloze", "{{c1::GPT}} uses the {{c2::Transformer}}.", "", now
    ).value
    assert len(col.notes.get(note_id).card_ids) == 2
    card = col.sched.next_card(now)
    assert card is not None
    assert card.faces.question == "[...] uses the Transformer."
    assert card.faces.answer == "GPT uses the Transformer."
    with pytest.raises(InputError):
        col.notes.add("D", "cloze", "no deletion", "", now)


def test_edit_keeps_progress_and_kind_change_adds_cards(col: Collection, now: datetime) -> None:
    note_id = col.notes.add("D", "basic", "q", "a", now).value
    card = col.sched.next_card(now)
    assert card is not None
    col.sched.answer(card.card_id, 4, now)
    col.notes.update(note_id, now, back="better answer", kind="basic+reversed", tags=["x"])
    view = col.notes.get(note_id)
    assert view.back == "better answer" and view.tags == ("x",) and len(view.card_ids) == 2
    assert col.cards.rows([card.card_id])[0]["reps"] == 1


def test_import_is_idempotent_keeps_progress_and_reports_missing(
    col: Collection, now: datetime
) -> None:
    deck = _deck("Imp", ("a", "basic", "A", "1"), ("b", "basic", "B", "2"))
    report = import_deck_file(col, deck, now).value
    assert (report.added, report.updated, report.unchanged) == (2, 0, 0)
    card = col.sched.next_card(now)
    assert card is not None
    col.sched.answer(card.card_id, 4, now)
    again = import_deck_file(col, deck, now).value
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    edited = _deck("Imp", ("a", "basic", "A", "1 (edited)"))
    third = import_deck_file(col, edited, now).value
    assert (third.added, third.updated, third.missing) == (0, 1, ["b"])
    assert col.cards.rows([card.card_id])[0]["reps"] == 1
    assert len(col.notes.ids("Imp")) == 2  # reported, not deleted


def test_first_run_loads_shipped_decks_once_and_picks_up_new_notes(
    tmp_path: Path, now: datetime
) -> None:
    shipped = tmp_path / "decks"
    shipped.mkdir()
    text = '[deck]\nname = "Shipped"\n[[notes]]\nid = "s1"\nfront = "F"\nback = "B"\n'
    (shipped / "s.toml").write_text(text, encoding="utf-8")
    url = sqlite_url(tmp_path / "c.db")
    col = open_collection(url, tz=UTC)
    load_shipped_decks(col, shipped, now)
    card = col.sched.next_card(now)
    assert card is not None
    col.sched.answer(card.card_id, 4, now)
    col.notes.update(card.note_id, now, back="my own wording")
    col.close()
    for _ in range(2):  # later runs: nothing loaded twice, nothing overwritten
        col = open_collection(url, tz=UTC)
        assert load_shipped_decks(col, shipped, now).value == []
        col.close()
    (shipped / "s.toml").write_text(
        text + '[[notes]]\nid = "s2"\nfront = "F2"\nback = "B2"\n', encoding="utf-8"
    )
    col = open_collection(url, tz=UTC)
    [report] = load_shipped_decks(col, shipped, now).value
    assert report.added == 1
    assert [c.total for c in col.sched.deck_counts(now)] == [2]
    assert col.notes.get(card.note_id).back == "my own wording"
    assert col.cards.rows([card.card_id])[0]["reps"] == 1
    col.close()


def test_data_survives_reopen(tmp_path: Path, now: datetime) -> None:
    url = sqlite_url(tmp_path / "c.db")
    col = open_collection(url, tz=UTC)
    col.notes.add(
        "D::E",
        "basic",
        "q",
        "a",
        now,
        tags=["t1", "t2"],
        source=NoteSource("Title", "Sec", "Sentence."),
    )
    card = col.sched.next_card(now)
    assert card is not None
    col.sched.answer(card.card_id, 3, now)
    col.close()
    col = open_collection(url, tz=UTC)
    view = col.notes.get(card.note_id)
    assert view.deck_name == "D::E" and view.tags == ("t1", "t2")
    assert view.source == NoteSource("Title", "Sec", "Sentence.")
    assert col.cards.rows([card.card_id])[0]["state"] == CardState.LEARNING
    col.close()


def test_listeners_hear_changes(col: Collection, now: datetime) -> None:
    heard: list[Change] = []
    col.add_listener(heard.append)
    col.notes.add("D", "basic", "q", "a", now)
    card = col.sched.next_card(now)
    assert card is not None
    col.sched.answer(card.card_id, 3, now)
    assert Change.NOTES in heard[0] and Change.REVIEWS in heard[-1]


def test_deck_rename_delete_and_errors(col: Collection, now: datetime) -> None:
    col.notes.add("A::B", "basic", "q", "a", now)
    col.decks.rename(col.decks.id("A"), "Z", now)
    assert sorted(col.decks.names().values()) == ["Z", "Z::B"]
    with pytest.raises(NotFoundError):
        col.decks.id("A")
    with pytest.raises(InputError):
        col.decks.add("A:: ", now)
    assert col.decks.delete(col.decks.id("Z")).value == 1
    assert col.decks.names() == {}


def test_renaming_into_a_parent_that_is_missing_makes_it(col: Collection, now: datetime) -> None:
    """As Anki: renaming Bar to Foo::Bar puts it in a deck Foo (made), not at the top."""
    col.notes.add("Bar::Baz", "basic", "q", "a", now)
    col.decks.rename(col.decks.id("Bar"), "Foo::Bar", now)
    assert sorted(col.decks.names().values()) == ["Foo", "Foo::Bar", "Foo::Bar::Baz"]
    tree = {d.name: d.deck_id for d in col.sched.deck_counts(now)}
    assert set(tree) >= {"Foo", "Foo::Bar", "Foo::Bar::Baz"}
    with pytest.raises(InputError, match="cannot go inside itself"):
        col.decks.rename(col.decks.id("Foo"), "Foo::Bar::Foo", now)
    assert sorted(col.decks.names().values()) == ["Foo", "Foo::Bar", "Foo::Bar::Baz"]


def test_naive_now_is_refused(col: Collection) -> None:
    with pytest.raises(ValueError):
        col.sched.deck_counts(datetime(2026, 1, 1))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not toml [",
        "[deck]\nname = ''\n",
        '[deck]\nname = "D"\n[[notes]]\nfront = "x"\nback = "y"\n',
        '[deck]\nname = "D"\n[[notes]]\nid = "a"\nkind = "weird"\nfront = "x"\nback = "y"\n',
        '[deck]\nname = "D"\n[[notes]]\nid = "a"\nkind = "cloze"\nfront = "x"\n',
        '[deck]\nname = "D"\n[[notes]]\nid = "a"\nfront = "x"\nback = "y"\n'
        '[[notes]]\nid = "a"\nfront = "x"\nback = "y"\n',
    ],
)
def test_bad_deck_files_are_refused_in_one_sentence(text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_deck_toml(text, "x.toml")
    assert "\n" not in str(info.value)
