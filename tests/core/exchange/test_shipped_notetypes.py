"""Every note is in a note type: the shipped three and the collection's Anki types (issue 12).

The shipped types export exactly as our note types always did (so old packages come back as
the same types), make the cards our kinds make, and sit in one catalog with the Anki note
types the collection keeps; a note can be added in any of them, and one added here in an Anki
type goes back to a real Anki as that type (the real ``anki`` library reads it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import genanki
import pytest
from anki.collection import Collection as AnkiCollection
from anki.collection import ExportAnkiPackageOptions
from exchange_helpers import add_anki_note_type, anki_import, snapshot

from flashcards.core import exchange
from flashcards.core.collection import Collection
from flashcards.core.deckfile import NoteSource
from flashcards.core.errors import InputError
from flashcards.core.exchange.export import guid_of
from flashcards.core.exchange.our_notetypes import build_model
from flashcards.core.notetypes import card_ords
from flashcards.core.search import search_cards
from flashcards.core.shipped_notetypes import (
    KIND_OF_MODEL,
    MODEL_IDS,
    NAMES,
    config,
    fields_of_columns,
    spec,
)
from flashcards.core.template_render import card_ordinals, fields_by_name

Anki = Callable[[], AnkiCollection]
NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
SOURCE = NoteSource("An article", "A section", "A sentence with a term.")


def test_the_shipped_types_export_as_our_note_types_always_did() -> None:
    # The model our export wrote before the shipped types existed, field for field.
    for kind, mid in MODEL_IDS.items():
        before = genanki.Model(
            mid,
            NAMES[kind],
            fields=[{"name": f["name"], "id": f["id"]} for f in config(kind)["flds"]],
            templates=[
                {k: t[k] for k in ("name", "qfmt", "afmt", "id")} for t in config(kind)["tmpls"]
            ],
            css=config(kind)["css"],
            model_type=genanki.Model.CLOZE if kind == "cloze" else genanki.Model.FRONT_BACK,
        )
        assert build_model(kind).to_json(1.0, 1) == before.to_json(1.0, 1)


@pytest.mark.parametrize(
    ("kind", "front", "back"),
    [
        ("basic", "LLM", "A large language model"),
        ("basic+reversed", "犬", "dog"),
        ("cloze", "{{c1::Paris}} is in {{c2::France}}", ""),
        ("cloze", "{{c3::a::hint}} and {{c3::b}} then {{c5::c}}", "extra"),
    ],
)
def test_the_templates_make_the_cards_our_kinds_make(kind: str, front: str, back: str) -> None:
    fields = fields_of_columns(front, back, SOURCE)
    by_template = card_ordinals(spec(kind), fields_by_name(spec(kind), fields))
    assert by_template == card_ords(kind, front)


def _anki_types_package(acol: AnkiCollection, path: Path) -> Path:
    """A real Anki package with a custom two-template type and Anki's optional reversed type."""
    words = acol.decks.id("Words")
    assert words is not None
    word = add_anki_note_type(
        acol,
        "Word",
        ("Word", "Reading", "Meaning"),
        (
            ("Recognise", "{{Word}}", "{{FrontSide}}<hr id=answer>{{Meaning}}"),
            ("Read", "{{#Reading}}{{Reading}}{{/Reading}}", "{{FrontSide}}<hr id=answer>{{Word}}"),
        ),
    )
    note = acol.new_note(word)
    note.fields[:] = ["猫", "ねこ", "cat"]
    acol.add_note(note, words)
    optional = acol.models.by_name("Basic (optional reversed card)")
    assert optional is not None
    note = acol.new_note(optional)
    note.fields[:] = ["one way", "片道", ""]
    acol.add_note(note, words)
    acol.export_anki_package(
        out_path=str(path),
        options=ExportAnkiPackageOptions(with_scheduling=True, legacy=True, with_media=False),
        limit=None,
    )
    return path


def test_the_catalog_lists_the_shipped_types_then_the_collections(
    col: Collection, tmp_path: Path, anki: Anki
) -> None:
    shipped = [t.id for t in col.notes.notetypes()]
    assert shipped == list(MODEL_IDS.values())
    assert [t.kind for t in col.notes.notetypes()] == ["basic", "basic+reversed", "cloze"]

    # A package of ours: its copies of the shipped types add nothing to the catalog.
    col.notes.add("Ours", "basic", "front", "back", NOW, source=SOURCE)
    exchange.export_apkg(col, tmp_path / "ours.apkg", NOW)
    exchange.import_file(col, tmp_path / "ours.apkg", NOW + timedelta(hours=1))
    assert [t.id for t in col.notes.notetypes()] == shipped

    acol = anki()
    exchange.import_file(col, _anki_types_package(acol, tmp_path / "types.apkg"), NOW)
    listed = col.notes.notetypes()
    assert [t.id for t in listed[:3]] == shipped
    assert [(t.name, t.field_names, t.shipped) for t in listed[3:]] == [
        ("Basic (optional reversed card)", ("Front", "Back", "Add Reverse"), False),
        ("Word", ("Word", "Reading", "Meaning"), False),
    ]
    assert all(t.id not in KIND_OF_MODEL for t in listed[3:])


def test_a_note_added_in_an_anki_type_makes_its_cards_and_goes_back_to_anki(
    col: Collection, tmp_path: Path, anki: Anki
) -> None:
    acol = anki()
    exchange.import_file(col, _anki_types_package(acol, tmp_path / "types.apkg"), NOW)
    types = {t.name: t for t in col.notes.notetypes()}
    word, optional = types["Word"], types["Basic (optional reversed card)"]

    # The templates decide: no reading, no "Read" card; Add Reverse filled, two cards.
    fish = col.notes.add_fields("Words", word.id, ["魚", "", "<b>fish</b>"], NOW).value
    bird = col.notes.add_fields("Words", word.id, ["鳥", "とり", "bird"], NOW).value
    both = col.notes.add_fields("Words", optional.id, ["both", "両方", "y"], NOW, tags=["t"])
    assert [len(col.notes.get(n).card_ids) for n in (fish, bird, both.value)] == [1, 2, 2]
    assert col.notes.anki_fields(fish) is not None
    assert col.notes.anki_fields(fish).html == ("魚", "", "<b>fish</b>")  # type: ignore[union-attr]
    card = col.sched.card_for_review(col.notes.get(fish).card_ids[0], NOW)
    assert card.faces.question == "魚"
    assert "fish" in card.faces.answer

    # To a fresh Anki: the same note types, fields as typed, the same cards per note.
    package = tmp_path / "back.apkg"
    exchange.export_apkg(col, package, NOW + timedelta(minutes=1))
    fresh = anki()
    log = anki_import(fresh, package)
    assert not list(log.conflicting) and not list(log.missing_notetype)
    for note_id, fields, cards, notetype_id in (
        (fish, ["魚", "", "<b>fish</b>"], 1, word.id),
        (bird, ["鳥", "とり", "bird"], 2, word.id),
        (both.value, ["both", "両方", "y"], 2, optional.id),
    ):
        guid = guid_of(col.notes.get(note_id).uid)
        (anki_note,) = (n for n in map(fresh.get_note, fresh.find_notes("")) if n.guid == guid)
        assert anki_note.fields == fields
        assert len(anki_note.cards()) == cards
        assert anki_note.mid == notetype_id  # the same note type as in the original Anki

    # The original Anki takes the new notes as notes of its own types, no conflict.
    log = anki_import(acol, package)
    assert not list(log.conflicting) and len(list(log.new)) == 3
    assert acol.note_count() == 5


def test_a_note_added_in_a_shipped_type_is_one_of_our_notes(col: Collection) -> None:
    basic = MODEL_IDS["basic"]
    fields = ["<b>LLM</b>", "A large<br>language model", "The sentence.", "Intro", "Article"]
    note_id = col.notes.add_fields("Deck", basic, fields, NOW).value
    note = col.notes.get(note_id)
    assert (note.kind, note.front, note.back) == ("basic", "LLM", "A large\nlanguage model")
    assert note.source == NoteSource("Article", "Intro", "The sentence.")
    assert note.anki_notetype_id is None and col.notes.anki_fields(note_id) is None
    texts = ["{{c1::x}} {{c2::y}}", "", "", "", ""]
    cloze = col.notes.add_fields("Deck", MODEL_IDS["cloze"], texts, NOW)
    assert len(col.notes.get(cloze.value).card_ids) == 2


def test_a_note_that_would_make_no_card_is_refused_and_nothing_changes(
    col: Collection, tmp_path: Path, anki: Anki
) -> None:
    exchange.import_file(col, _anki_types_package(anki(), tmp_path / "types.apkg"), NOW)
    word = next(t for t in col.notes.notetypes() if t.name == "Word")
    before = snapshot(col)
    with pytest.raises(InputError, match="no card"):
        col.notes.add_fields("Words", word.id, ["", "", "meaning only"], NOW)
    with pytest.raises(InputError, match="has 3 fields, not 2"):
        col.notes.add_fields("Words", word.id, ["猫", "ねこ"], NOW)
    with pytest.raises(InputError, match="no note type"):
        col.notes.add_fields("Words", 12345, ["猫"], NOW)
    with pytest.raises(InputError, match="needs a front"):
        col.notes.add_fields("Words", MODEL_IDS["basic"], [""] * 5, NOW)
    assert snapshot(col) == before


def test_search_by_note_type_finds_shipped_and_anki_typed_notes(
    col: Collection, tmp_path: Path, anki: Anki
) -> None:
    exchange.import_file(col, _anki_types_package(anki(), tmp_path / "types.apkg"), NOW)
    col.notes.add("Ours", "basic", "LLM", "A model", NOW)
    col.notes.add("Ours", "cloze", "{{c1::GPT}} and {{c2::BERT}}", "", NOW)

    def fronts(query: str) -> list[str]:
        cards = set(search_cards(col, query, NOW))
        notes = col.notes.get_many(col.notes.ids())
        return sorted(n.front for n in notes if cards & set(n.card_ids))

    assert fronts('"note:Flashcards Basic"') == ["LLM"]
    assert fronts("note:word") == ["猫"]  # case-insensitive, as Anki's
    assert fronts("note:Basic*") == ["one way"]  # Anki's optional reversed type
    assert fronts("note:*basic*") == ["LLM", "one way"]  # and our Basic
    assert fronts("note:*cloze") == ["{{c1::GPT}} and {{c2::BERT}}"]
    assert fronts("-note:word deck:Words") == ["one way"]
    assert fronts("note:nothing") == []


def test_change_note_type_into_an_anki_type_and_back_keeps_history(
    col: Collection, tmp_path: Path, anki: Anki
) -> None:
    exchange.import_file(col, _anki_types_package(anki(), tmp_path / "types.apkg"), NOW)
    word = next(t for t in col.notes.notetypes() if t.name == "Word")
    note_id = col.notes.add("Ours", "basic", "猫", "cat", NOW, source=SOURCE).value
    (card,) = col.notes.get(note_id).card_ids
    col.sched.answer(card, 3, NOW)
    later = NOW + timedelta(minutes=5)

    # Into Word: Front -> Word, Back -> Meaning, Reading empty (no "Read" card).
    col.notes.change_notetype([note_id], word.id, [0, None, 1], later)
    fields = col.notes.anki_fields(note_id)
    assert fields is not None and fields.notetype == "Word"
    assert fields.html == ("猫", "", "cat")
    assert col.notes.get(note_id).card_ids == (card,)  # the same card, its history kept
    assert col.cards.rows([card])[0]["reps"] == 1

    # A reading makes the second card; back into the shipped Basic, the reviewed first card
    # stays and the unreviewed second goes.
    col.notes.update_fields(note_id, ["猫", "ねこ", "cat"], later)
    assert len(col.notes.get(note_id).card_ids) == 2
    basic = MODEL_IDS["basic"]
    col.notes.change_notetype([note_id], basic, [0, 2, None, None, None], later)
    note = col.notes.get(note_id)
    assert (note.kind, note.front, note.back, note.card_ids) == ("basic", "猫", "cat", (card,))
    assert note.anki_notetype_id is None and col.notes.anki_fields(note_id) is None

    # Exported, it is one of our notes again; a fresh Anki takes it.
    package = tmp_path / "back.apkg"
    exchange.export_apkg(col, package, later, with_progress=True)
    log = anki_import(anki(), package, scheduling=True)
    assert not list(log.conflicting)


def test_change_note_type_never_removes_a_card_with_history(col: Collection) -> None:
    note_id = col.notes.add("Ours", "basic+reversed", "犬", "dog", NOW).value
    first, second = col.notes.get(note_id).card_ids
    col.sched.answer(second, 3, NOW)
    before = snapshot(col)
    with pytest.raises(InputError, match="review history"):
        col.notes.change_notetype([note_id], MODEL_IDS["basic"], [0, 1, 2, 3, 4], NOW)
    with pytest.raises(InputError, match="has 5 fields, not 2"):
        col.notes.change_notetype([note_id], MODEL_IDS["basic"], [0, 1], NOW)
    assert snapshot(col) == before
    # The reverse card never answered goes; the answered one stays.
    other = col.notes.add("Ours", "basic+reversed", "猿", "monkey", NOW).value
    kept, unreviewed = col.notes.get(other).card_ids
    col.sched.answer(kept, 3, NOW)
    col.notes.change_notetype([other], MODEL_IDS["basic"], [0, 1, 2, 3, 4], NOW)
    assert col.notes.get(other).card_ids == (kept,)
    assert first in col.notes.get(note_id).card_ids
