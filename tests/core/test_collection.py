"""The collection service on real SQLite files: queue, limits, bury, undo, imports, first run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from flashcards.core.collection import Change, Collection, DeckSettings, open_collection
from flashcards.core.db import sqlite_url
from flashcards.core.deckfile import DeckFile, NoteSource, NoteSpec, parse_deck_toml
from flashcards.core.errors import InputError, NotFoundError
from flashcards.core.models import CardState


def _deck(name: str, *specs: tuple[str, str, str, str]) -> DeckFile:
    return DeckFile(name=name, notes=[NoteSpec(i, k, f, b) for i, k, f, b in specs])


def test_queue_order_learning_then_review_then_new(col: Collection, now: datetime) -> None:
    for i in range(3):
        col.add_note("D", "basic", f"q{i}", f"a{i}", now)
    first = col.next_card(now)
    assert first is not None and first.faces.question == "q0"  # new cards in note order
    col.answer(first.card_id, 4, now)  # Easy: straight to review, due in days
    second = col.next_card(now)
    assert second is not None and second.faces.question == "q1"
    col.answer(second.card_id, 1, now)  # Again: learning, due in 1 minute
    later = now + timedelta(minutes=2)
    learning = col.next_card(later)
    assert learning is not None and learning.card_id == second.card_id
    review_day = col.card_rows([first.card_id])[0]["due"] + timedelta(hours=1)
    col.answer(learning.card_id, 4, later)
    queue = col.next_card(review_day)
    assert queue is not None and queue.state == CardState.REVIEW


def test_daily_new_limit_and_counts(col: Collection, now: datetime) -> None:
    for i in range(30):
        col.add_note("D", "basic", f"q{i}", "a", now)
    deck_id = col.deck_id("D")
    col.set_deck_settings(deck_id, DeckSettings(new_per_day=5))
    [counts] = col.deck_counts(now)
    assert (counts.new, counts.learn, counts.review, counts.total) == (5, 0, 0, 30)
    for _ in range(5):
        card = col.next_card(now)
        assert card is not None
        col.answer(card.card_id, 4, now)
    assert col.next_card(now) is None
    assert col.deck_counts(now)[0].new == 0
    tomorrow = now + timedelta(days=1)
    assert col.deck_counts(tomorrow)[0].new == 5


def test_parent_limit_caps_subdecks(col: Collection, now: datetime) -> None:
    for i in range(4):
        col.add_note("P::A", "basic", f"a{i}", "x", now)
        col.add_note("P::B", "basic", f"b{i}", "x", now)
    col.set_deck_settings(col.deck_id("P"), DeckSettings(new_per_day=3))
    counts = {c.name: c for c in col.deck_counts(now)}
    assert counts["P"].new == 3 and counts["P::A"].new == 4 and counts["P"].total == 8
    seen = 0
    while (card := col.next_card(now, "P")) is not None:
        col.answer(card.card_id, 4, now)
        seen += 1
    assert seen == 3


def test_siblings_are_buried_until_tomorrow_and_undo_unburies(
    col: Collection, now: datetime
) -> None:
    col.add_note("D", "basic+reversed", "LLM", "Large Language Model", now)
    card = col.next_card(now)
    assert card is not None and card.ord == 0
    col.answer(card.card_id, 4, now)
    assert col.next_card(now) is None
    assert col.deck_counts(now)[0].new == 0
    col.undo()
    assert col.deck_counts(now)[0].new == 2
    col.answer(card.card_id, 4, now)
    tomorrow = col.next_card(now + timedelta(days=1))
    assert tomorrow is not None and tomorrow.ord == 1


def test_suspended_cards_never_come(col: Collection, now: datetime) -> None:
    col.add_note("D", "basic", "q", "a", now)
    card = col.next_card(now)
    assert card is not None
    col.set_suspended([card.card_id], True)
    assert col.next_card(now) is None
    assert col.deck_counts(now)[0].new == 0
    col.set_suspended([card.card_id], False)
    assert col.next_card(now) is not None


def test_bury_hides_until_day_boundary(col: Collection, now: datetime) -> None:
    col.add_note("D", "basic", "q", "a", now)
    card = col.next_card(now)
    assert card is not None
    col.bury([card.card_id], now)
    assert col.next_card(now + timedelta(hours=18)) is None  # 03:00 next day: same learner day
    assert col.next_card(now + timedelta(hours=19, minutes=1)) is not None  # after 04:00


def test_undo_restores_exactly_and_removes_log(col: Collection, now: datetime) -> None:
    col.add_note("D", "basic", "q", "a", now)
    card = col.next_card(now)
    assert card is not None
    col.answer(card.card_id, 3, now)
    before = col.card_rows([card.card_id])[0]
    col.answer(card.card_id, 3, now + timedelta(minutes=11))
    assert col.undo() == card.card_id
    assert col.card_rows([card.card_id])[0] == before
    assert col.stats_summary(now + timedelta(minutes=12))["reviews_today"] == 1
    assert col.undo() == card.card_id
    assert col.undo() is None


def test_cloze_cards_one_per_deletion(col: Collection, now: datetime) -> None:
    note_id = col.add_note("D", "cloze", "{{c1::GPT}} uses the {{c2::Transformer}}.", "", now)
    assert len(col.note(note_id).card_ids) == 2
    card = col.next_card(now)
    assert card is not None
    assert card.faces.question == "[...] uses the Transformer."
    assert card.faces.answer == "GPT uses the Transformer."
    with pytest.raises(InputError):
        col.add_note("D", "cloze", "no deletion", "", now)


def test_edit_keeps_progress_and_kind_change_adds_cards(col: Collection, now: datetime) -> None:
    note_id = col.add_note("D", "basic", "q", "a", now)
    card = col.next_card(now)
    assert card is not None
    col.answer(card.card_id, 4, now)
    col.update_note(note_id, now, back="better answer", kind="basic+reversed", tags=["x"])
    view = col.note(note_id)
    assert view.back == "better answer" and view.tags == ("x",) and len(view.card_ids) == 2
    assert col.card_rows([card.card_id])[0]["reps"] == 1


def test_import_is_idempotent_keeps_progress_and_reports_missing(
    col: Collection, now: datetime
) -> None:
    deck = _deck("Imp", ("a", "basic", "A", "1"), ("b", "basic", "B", "2"))
    report = col.import_deck_file(deck, now)
    assert (report.added, report.updated, report.unchanged) == (2, 0, 0)
    card = col.next_card(now)
    assert card is not None
    col.answer(card.card_id, 4, now)
    again = col.import_deck_file(deck, now)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    edited = _deck("Imp", ("a", "basic", "A", "1 (edited)"))
    third = col.import_deck_file(edited, now)
    assert (third.added, third.updated, third.missing) == (0, 1, ["b"])
    assert col.card_rows([card.card_id])[0]["reps"] == 1
    assert len(col.note_ids("Imp")) == 2  # reported, not deleted


def test_first_run_loads_shipped_decks_once_and_picks_up_new_notes(
    tmp_path: Path, now: datetime
) -> None:
    shipped = tmp_path / "decks"
    shipped.mkdir()
    text = '[deck]\nname = "Shipped"\n[[notes]]\nid = "s1"\nfront = "F"\nback = "B"\n'
    (shipped / "s.toml").write_text(text, encoding="utf-8")
    url = sqlite_url(tmp_path / "c.db")
    col = open_collection(url, tz=UTC)
    col.load_shipped_decks(shipped, now)
    card = col.next_card(now)
    assert card is not None
    col.answer(card.card_id, 4, now)
    col.update_note(card.note_id, now, back="my own wording")
    col.close()
    for _ in range(2):  # later runs: nothing loaded twice, nothing overwritten
        col = open_collection(url, tz=UTC)
        assert col.load_shipped_decks(shipped, now) == []
        col.close()
    (shipped / "s.toml").write_text(
        text + '[[notes]]\nid = "s2"\nfront = "F2"\nback = "B2"\n', encoding="utf-8"
    )
    col = open_collection(url, tz=UTC)
    [report] = col.load_shipped_decks(shipped, now)
    assert report.added == 1
    assert [c.total for c in col.deck_counts(now)] == [2]
    assert col.note(card.note_id).back == "my own wording"
    assert col.card_rows([card.card_id])[0]["reps"] == 1
    col.close()


def test_data_survives_reopen(tmp_path: Path, now: datetime) -> None:
    url = sqlite_url(tmp_path / "c.db")
    col = open_collection(url, tz=UTC)
    col.add_note(
        "D::E",
        "basic",
        "q",
        "a",
        now,
        tags=["t1", "t2"],
        source=NoteSource("Title", "Sec", "Sentence."),
    )
    card = col.next_card(now)
    assert card is not None
    col.answer(card.card_id, 3, now)
    col.close()
    col = open_collection(url, tz=UTC)
    view = col.note(card.note_id)
    assert view.deck_name == "D::E" and view.tags == ("t1", "t2")
    assert view.source == NoteSource("Title", "Sec", "Sentence.")
    assert col.card_rows([card.card_id])[0]["state"] == CardState.LEARNING
    col.close()


def test_listeners_hear_changes(col: Collection, now: datetime) -> None:
    heard: list[Change] = []
    col.add_listener(heard.append)
    col.add_note("D", "basic", "q", "a", now)
    card = col.next_card(now)
    assert card is not None
    col.answer(card.card_id, 3, now)
    assert Change.NOTES in heard[0] and Change.REVIEWS in heard[-1]


def test_deck_rename_delete_and_errors(col: Collection, now: datetime) -> None:
    col.add_note("A::B", "basic", "q", "a", now)
    col.rename_deck(col.deck_id("A"), "Z", now)
    assert sorted(col.decks().values()) == ["Z", "Z::B"]
    with pytest.raises(NotFoundError):
        col.deck_id("A")
    with pytest.raises(InputError):
        col.add_deck("A:: ", now)
    assert col.delete_deck(col.deck_id("Z")) == 1
    assert col.decks() == {}


def test_naive_now_is_refused(col: Collection) -> None:
    with pytest.raises(ValueError):
        col.deck_counts(datetime(2026, 1, 1))


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
