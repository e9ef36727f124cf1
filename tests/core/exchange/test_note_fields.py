"""Every field of a note from Anki is edited as HTML and goes back to Anki as edited (issue 12).

The note editor edits any note type, one box per field, with rich text: the core stores each
field's HTML as given (``notes.update_fields``), keeps ``front``/``back`` as the importer makes
them, gives the note the cards its templates now make and never loses a card with reviews.
Each test builds a real Anki collection with the real ``anki`` library and imports its package.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from anki.collection import Collection as AnkiCollection
from anki.collection import ExportAnkiPackageOptions
from exchange_helpers import add_anki_note_type, anki_import
from sqlalchemy import func, select

from flashcards.core import exchange
from flashcards.core.collection import Collection
from flashcards.core.errors import InputError
from flashcards.core.exchange.export import guid_of
from flashcards.core.html_text import html_to_text
from flashcards.core.tables import CARD, LOG

Anki = Callable[[], AnkiCollection]

FIELDS = ("Word", "Meaning", "Reading", "Example")
TEMPLATES = (
    ("Recognise", "{{Word}}", "{{FrontSide}}<hr id=answer>{{Meaning}}"),
    ("Recall", "{{Meaning}}", "{{FrontSide}}<hr id=answer>{{Word}}"),
    ("Read", "{{Reading}}", "{{FrontSide}}<hr id=answer>{{Word}}"),
)
CAT = ("<b>猫</b>", "cat", "ねこ", '<i>猫が好き</i> <img src="neko.png">')
DOG = ("犬", "dog&nbsp;<u>friend</u>", "", "")  # no reading: Anki gives it no "Read" card


def _package(acol: AnkiCollection, path: Path) -> tuple[Path, dict[str, int]]:
    """A custom note type with two notes (every card answered once) and an Anki cloze note."""
    vocab = add_anki_note_type(acol, "Vocab 4", FIELDS, TEMPLATES)
    ids = {}
    for key, values in (("cat", CAT), ("dog", DOG)):
        note = acol.new_note(vocab)  # type: ignore[arg-type]
        for index, value in enumerate(values):
            note.fields[index] = value
        acol.add_note(note, acol.decks.id("Words") or 1)
        ids[key] = int(note.id)
    for cid in acol.find_cards(""):
        card = acol.get_card(cid)
        card.start_timer()
        acol.sched.answerCard(card, 3)
    cloze = acol.new_note(acol.models.by_name("Cloze"))  # type: ignore[arg-type]
    cloze.fields[0] = "{{c1::Paris}} is in France"
    acol.add_note(cloze, acol.decks.id("Words") or 1)
    ids["cloze"] = int(cloze.id)
    acol.export_anki_package(
        out_path=str(path),
        options=ExportAnkiPackageOptions(
            with_scheduling=True, legacy=True, with_media=False
        ),
        limit=None,
    )  # fmt: skip
    return path, ids


def _now() -> datetime:
    # Anki stamps its answers with the real clock: the import comes just after them.
    return datetime.now(UTC) + timedelta(minutes=1)


def _imported(col: Collection, acol: AnkiCollection, tmp_path: Path) -> dict[str, int]:
    """Import the package; our note id per key (cat, dog, cloze)."""
    package, anki_ids = _package(acol, tmp_path / "vocab.apkg")
    exchange.import_file(col, package, _now())
    by_guid = {guid_of(col.notes.get(n).uid): n for n in col.notes.ids()}
    return {key: by_guid[acol.get_note(nid).guid] for key, nid in anki_ids.items()}  # type: ignore[arg-type]


def _counts(col: Collection) -> tuple[int, int]:
    with col.engine.connect() as conn:
        cards = conn.execute(select(func.count()).select_from(CARD)).scalar_one()
        reviews = conn.execute(select(func.count()).select_from(LOG)).scalar_one()
    return int(cards), int(reviews)


def test_the_editor_gets_every_field_name_and_its_html(
    col: Collection, tmp_path: Path, anki: Anki
) -> None:
    ids = _imported(col, anki(), tmp_path)
    fields = col.notes.anki_fields(ids["cat"])
    assert fields is not None
    assert fields.notetype == "Vocab 4"
    assert fields.names == FIELDS
    assert fields.html == CAT
    cloze = col.notes.anki_fields(ids["cloze"])
    assert cloze is not None and cloze.names == ("Text", "Back Extra")
    # One of our own notes is edited as its plain front and back.
    own = col.notes.add("Mine", "basic", "front", "back", _now()).value
    assert col.notes.anki_fields(own) is None


def test_update_fields_stores_the_html_and_keeps_front_and_back_in_step(
    col: Collection, tmp_path: Path, anki: Anki
) -> None:
    ids = _imported(col, anki(), tmp_path)
    dog = ids["dog"]
    before = col.notes.get(dog)
    assert _counts(col) == (6, 5)  # 5 answered cards of two notes, the cloze note's new card
    later = _now() + timedelta(days=3)
    edited = [
        '<b>犬</b> <span style="color:#ff0000;">dog</span>',
        DOG[1],  # untouched: byte for byte as it was
        "いぬ",  # a reading now: the "Read" template makes a card
        "<ul><li>one</li><li>two</li></ul>",
    ]
    result = col.notes.update_fields(dog, edited, later, tags=["edited"], deck="Words::Dogs")
    assert result.value is None
    assert result.changes  # announced like every mutation

    after = col.notes.get(dog)
    fields = col.notes.anki_fields(dog)
    assert fields is not None and list(fields.html) == edited
    assert fields.html[1] == DOG[1]
    assert after.front == html_to_text(edited[0]) == "犬 dog"
    assert after.back == html_to_text(DOG[1])
    assert after.modified == later > before.modified
    assert after.tags == ("edited",)
    assert after.deck_name == "Words::Dogs"
    assert len(after.card_ids) == 3  # gained the "Read" card, kept both answered ones
    assert set(before.card_ids) < set(after.card_ids)
    assert _counts(col) == (7, 5)


def test_emptied_fields_never_delete_a_reviewed_card(
    col: Collection, tmp_path: Path, anki: Anki
) -> None:
    ids = _imported(col, anki(), tmp_path)
    cat = ids["cat"]
    cards = col.notes.get(cat).card_ids
    assert len(cards) == 3
    # Every template now renders empty: the cards and their reviews stay, as in Anki.
    col.notes.update_fields(cat, ["", "", "", ""], _now())
    assert col.notes.get(cat).card_ids == cards
    assert _counts(col) == (6, 5)
    assert col.notes.get(cat).front == ""


def test_a_new_cloze_number_makes_its_card(col: Collection, tmp_path: Path, anki: Anki) -> None:
    ids = _imported(col, anki(), tmp_path)
    note = ids["cloze"]
    assert len(col.notes.get(note).card_ids) == 1
    col.notes.update_fields(
        note, ["{{c1::Paris}} is in {{c2::<b>France</b>}}", "<i>capital</i>"], _now()
    )
    view = col.notes.get(note)
    assert len(view.card_ids) == 2
    assert view.kind == "cloze"
    assert view.front == "{{c1::Paris}} is in {{c2::France}}"


def test_wrong_notes_and_field_counts_are_refused(
    col: Collection, tmp_path: Path, anki: Anki
) -> None:
    ids = _imported(col, anki(), tmp_path)
    with pytest.raises(InputError, match="4 fields"):
        col.notes.update_fields(ids["cat"], ["one", "two"], _now())
    own = col.notes.add("Mine", "basic", "front", "back", _now()).value
    with pytest.raises(InputError, match="no Anki note type"):
        col.notes.update_fields(own, ["a", "b"], _now())
    assert col.notes.anki_fields(ids["cat"]) is not None
    assert col.notes.anki_fields(ids["cat"]).html == CAT  # type: ignore[union-attr]


def test_a_plain_text_edit_still_replaces_only_its_field(
    col: Collection, tmp_path: Path, anki: Anki
) -> None:
    ids = _imported(col, anki(), tmp_path)
    cat = ids["cat"]
    col.notes.update_fields(cat, ["<b>猫</b>", "<i>cat</i>", "ねこ", "x"], _now())
    # The browser's form edits the back as text: that field becomes the text, the rest stay.
    col.notes.update(cat, _now() + timedelta(seconds=1), back="a cat & more")
    fields = col.notes.anki_fields(cat)
    assert fields is not None
    assert fields.html == ("<b>猫</b>", "a cat &amp; more", "ねこ", "x")


def test_html_edited_here_arrives_in_anki_as_edited(
    col: Collection, tmp_path: Path, anki: Anki
) -> None:
    acol = anki()
    ids = _imported(col, acol, tmp_path)
    cat = ids["cat"]
    edited = [
        "<b>猫</b> <i>neko</i>",
        '<span style="color:#0000ff;">cat</span><br><a href="https://example.org/cat">more</a>',
        CAT[2],
        '<ol><li>猫が好き</li></ol><img src="neko.png">',
    ]
    now = _now() + timedelta(days=1)
    col.notes.update_fields(cat, edited, now)
    guid = guid_of(col.notes.get(cat).uid)
    back = tmp_path / "back.apkg"
    exchange.export_apkg(col, back, now + timedelta(minutes=1), with_progress=True)

    # The Anki the note came from takes the edit: no conflict, the same note type.
    log = anki_import(acol, back, scheduling=True)
    assert not list(log.conflicting)
    assert not list(log.missing_notetype)
    note = acol.get_note(acol.db.scalar("select id from notes where guid = ?", guid))
    assert list(note.fields) == edited
    assert acol.models.get(note.mid)["name"] == "Vocab 4"  # type: ignore[index]
    # The notes not edited here are as Anki had them.
    dog_guid = guid_of(col.notes.get(ids["dog"]).uid)
    dog = acol.get_note(acol.db.scalar("select id from notes where guid = ?", dog_guid))
    assert list(dog.fields) == list(DOG)

    # A fresh Anki gets the edited HTML too.
    fresh = anki()
    anki_import(fresh, back, scheduling=True)
    fresh_id = fresh.db.scalar("select id from notes where guid = ?", guid)
    assert list(fresh.get_note(fresh_id).fields) == edited
