"""Notes in Anki note types of their own keep every card and review (issue 12, data loss).

Before the fix an Anki note type with more templates than our kinds lost cards silently: a
note type of three templates, three notes answered once each in Anki (9 cards, 9 reviews)
imported as 3 cards and 3 reviews. Each test builds a real Anki collection with the real
``anki`` library, exports it as Anki does, imports it here, and checks that every card comes
with its scheduling and its history, is shown as Anki shows it, survives edits here, and goes
back to Anki with nothing lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from anki.collection import Collection as AnkiCollection
from anki.collection import ExportAnkiPackageOptions
from exchange_helpers import add_anki_note_type, anki_import, snapshot
from sqlalchemy import func, select

from flashcards.core import anki_types, exchange
from flashcards.core.collection import Collection
from flashcards.core.exchange.export import guid_of
from flashcards.core.sanitize import sanitize_html
from flashcards.core.search import browse_rows
from flashcards.core.tables import CARD, LOG, NOTE
from flashcards.core.template_render import render_card_text

Anki = Callable[[], AnkiCollection]

THREE_CSS = ".card { color: navy; } .meaning { font-style: italic; }"
#: Word, Reading, Meaning; one card per field, the last one's answer with furigana.
THREE_TEMPLATES = (
    ("Recognise", "{{Word}}", "{{FrontSide}}<hr id=answer><div class=meaning>{{Meaning}}</div>"),
    (
        "Read",
        "{{Reading}}",
        "{{FrontSide}}<hr id=answer>{{Word}}{{#Meaning}}: {{Meaning}}{{/Meaning}}",
    ),
    (
        "Recall",
        "<div class=meaning>{{Meaning}}</div>",
        "{{FrontSide}}<hr id=answer>{{furigana:Word}}",
    ),
)
THREE_NOTES = (
    ("猫", "ねこ", "cat"),
    ("犬", "いぬ", "<b>dog</b>"),
    ("鳥", "とり", "bird"),
)


def _add(acol: AnkiCollection, model: dict[str, Any], values: Sequence[str], deck: str) -> int:
    note = acol.new_note(model)  # type: ignore[arg-type]
    for index, value in enumerate(values):
        note.fields[index] = value
    acol.add_note(note, acol.decks.id(deck) or 1)
    return int(note.id)


def _answer_all(acol: AnkiCollection) -> None:
    """Answer every card of the collection once (Good), as a learner would."""
    for cid in acol.find_cards(""):
        card = acol.get_card(cid)
        card.start_timer()
        acol.sched.answerCard(card, 3)


def _export(acol: AnkiCollection, path: Path, *, legacy: bool = True) -> Path:
    acol.export_anki_package(
        out_path=str(path),
        options=ExportAnkiPackageOptions(with_scheduling=True, legacy=legacy, with_media=False),
        limit=None,
    )
    return path


def _three(acol: AnkiCollection) -> dict[str, Any]:
    model = add_anki_note_type(
        acol, "Three", ("Word", "Reading", "Meaning"), THREE_TEMPLATES, THREE_CSS
    )
    for values in THREE_NOTES:
        _add(acol, model, values, "Words")
    return model


def _counts(col: Collection) -> tuple[int, int]:
    with col.engine.connect() as conn:
        cards = conn.execute(select(func.count()).select_from(CARD)).scalar_one()
        reviews = conn.execute(select(func.count()).select_from(LOG)).scalar_one()
    return int(cards), int(reviews)


def _our_cards(col: Collection) -> dict[str, dict[int, tuple[int, int, int]]]:
    """Per Anki GUID: card ordinal -> (card id, Anki card id, reviews logged)."""
    out: dict[str, dict[int, tuple[int, int, int]]] = {}
    with col.engine.connect() as conn:
        reviews = dict(
            conn.execute(select(LOG.c.card_id, func.count()).group_by(LOG.c.card_id)).all()
        )
        for cid, ord_, anki_id, uid in conn.execute(
            select(CARD.c.id, CARD.c.ord, CARD.c.anki_id, NOTE.c.uid).join(
                NOTE, NOTE.c.id == CARD.c.note_id
            )
        ):
            out.setdefault(guid_of(uid), {})[int(ord_)] = (
                int(cid),
                int(anki_id or 0),
                int(reviews.get(cid, 0)),
            )
    return out


def _anki_cards(acol: AnkiCollection) -> dict[str, dict[int, tuple[int, int]]]:
    """Per GUID: card ordinal -> (Anki card id, reviews in its log)."""
    out: dict[str, dict[int, tuple[int, int]]] = {}
    for cid in acol.find_cards(""):
        card = acol.get_card(cid)
        logged = acol.db.scalar("select count() from revlog where cid = ?", cid)
        out.setdefault(card.note().guid, {})[card.ord] = (cid, int(logged))
    return out


def _now() -> datetime:
    # Anki's answers are stamped with the real clock: our import comes just after them.
    return datetime.now(UTC) + timedelta(minutes=1)


def _card(col: Collection, guid: str, ord_: int) -> int:
    return _our_cards(col)[guid][ord_][0]


def test_three_templates_keep_all_nine_cards_and_reviews(
    col: Collection, tmp_path: Path, anki: Anki
) -> None:
    acol = anki()
    _three(acol)
    _answer_all(acol)
    assert acol.card_count() == 9
    assert acol.db.scalar("select count() from revlog") == 9
    package = _export(acol, tmp_path / "three.apkg")

    now = _now()
    report = exchange.import_file(col, package, now).value
    assert report.added == 3
    assert _counts(col) == (9, 9)
    expected = _anki_cards(acol)
    ours = _our_cards(col)
    assert set(ours) == set(expected)
    for guid, cards in expected.items():
        assert {o: (a, n) for o, (_, a, n) in ours[guid].items()} == cards
    # Every card kept its scheduling: none is new, each is due after its one answer.
    with col.engine.connect() as conn:
        states = conn.execute(select(CARD.c.state, CARD.c.reps)).all()
    assert all(state != 0 and reps == 1 for state, reps in states)

    # A card of the third template is reviewed like any other.
    guid = next(iter(expected))
    third = _card(col, guid, 2)
    shown = col.sched.card_for_review(third, now)
    assert shown.ord == 2
    later = now + timedelta(days=30)
    result = col.sched.answer(third, 3, later).value
    assert result.card_id == third
    assert _counts(col) == (9, 10)


@pytest.mark.parametrize("legacy", [True, False], ids=["legacy", "current"])
def test_each_card_is_shown_as_anki_shows_it(
    col: Collection, tmp_path: Path, anki: Anki, legacy: bool
) -> None:
    acol = anki()
    _three(acol)
    _answer_all(acol)
    exchange.import_file(col, _export(acol, tmp_path / "three.apkg", legacy=legacy), _now())
    ours = _our_cards(col)
    compared = 0
    with col.engine.connect() as conn:
        notes = {
            guid_of(r.uid): r
            for r in conn.execute(
                select(
                    NOTE.c.uid,
                    NOTE.c.front,
                    NOTE.c.back,
                    NOTE.c.anki_fields,
                    NOTE.c.anki_notetype_id,
                )
            )
        }
        for guid, cards in _anki_cards(acol).items():
            row = notes[guid]
            notetype = anki_types.load_notetype(conn, row.anki_notetype_id)
            assert notetype is not None
            fields = anki_types.fields_of(notetype, row.anki_fields, row.front, row.back)
            assert fields is not None
            for ord_, (anki_id, _) in cards.items():
                card = acol.get_card(anki_id)
                question, answer = card.question(reload=True), card.answer()
                rendered = render_card_text(notetype, fields, ord_, deck="Words", card_id=anki_id)
                style = f"<style>{rendered.css}</style>"
                assert question == style + rendered.question_html
                assert answer == style + rendered.answer_html
                # The review screen shows the same, sanitised, with the note type's style.
                faces = col.sched.card_for_review(ours[guid][ord_][0], _now()).faces
                assert faces.question_html == sanitize_html(question.removeprefix(style))
                assert faces.answer_html == sanitize_html(answer.removeprefix(style))
                assert faces.anki_css == THREE_CSS
                compared += 1
    assert compared == 9


def test_faces_are_the_template_not_our_kind(col: Collection, tmp_path: Path, anki: Anki) -> None:
    """Plain-text faces (terminal, browser) come from the same rendering."""
    acol = anki()
    _three(acol)
    exchange.import_file(col, _export(acol, tmp_path / "three.apkg"), _now())
    cat = next(n for n in col.notes.ids() if col.notes.get(n).front == "猫")
    faces = {
        card.ord: card.faces
        for card in (col.sched.card_for_review(c, _now()) for c in col.notes.get(cat).card_ids)
    }
    assert [(f.question, f.answer) for _, f in sorted(faces.items())] == [
        ("猫", "cat"),
        ("ねこ", "猫: cat"),
        ("cat", "猫"),
    ]
    assert '<div class="meaning">cat</div>' in faces[2].question_html
    from flashcards.core.search import browse_rows

    rows = browse_rows(col, list(col.notes.get(cat).card_ids), _now())
    assert sorted(r.question for r in rows) == sorted(["猫", "ねこ", "cat"])


def test_four_fields_two_templates(col: Collection, tmp_path: Path, anki: Anki) -> None:
    acol = anki()
    model = add_anki_note_type(
        acol,
        "Vocab 4",
        ("Word", "Meaning", "Reading", "Example"),
        (
            ("Recognise", "{{Word}}", "{{FrontSide}}<hr id=answer>{{Meaning}}<br>{{Reading}}"),
            ("Recall", "{{Meaning}}", "{{FrontSide}}<hr id=answer>{{Word}}<br>{{Example}}"),
        ),
        ".card { color: navy; }",
    )
    _add(acol, model, ("<b>猫</b>", "cat", "ねこ", "猫が好き"), "Vocab")
    _add(acol, model, ("犬", "dog", "いぬ", "犬が走る"), "Vocab")
    _answer_all(acol)
    exchange.import_file(col, _export(acol, tmp_path / "vocab.apkg"), _now())
    assert _counts(col) == (4, 4)
    cat = next(n for n in col.notes.ids() if col.notes.get(n).front == "猫")
    cards = {
        c.ord: c
        for c in (col.sched.card_for_review(i, _now()) for i in col.notes.get(cat).card_ids)
    }
    assert cards[0].faces.question == "猫"
    assert cards[0].faces.answer == "cat\nねこ"
    assert "<b>猫</b>" in cards[0].faces.question_html  # the field's formatting is kept
    # The second card asks the meaning and answers with the word and the fourth field.
    assert cards[1].faces.question == "cat"
    assert cards[1].faces.answer == "猫\n猫が好き"


def test_optional_reversed_keeps_one_or_two_cards(
    col: Collection, tmp_path: Path, anki: Anki
) -> None:
    acol = anki()
    model = acol.models.by_name("Basic (optional reversed card)")
    assert model is not None
    both = _add(acol, dict(model), ("both ways", "両方", "y"), "Optional")
    one = _add(acol, dict(model), ("one way", "片方", ""), "Optional")
    _answer_all(acol)
    exchange.import_file(col, _export(acol, tmp_path / "optional.apkg"), _now())
    ours = _our_cards(col)
    guids = {acol.get_note(both).guid: 2, acol.get_note(one).guid: 1}  # type: ignore[arg-type]
    assert {g: len(ours[g]) for g in guids} == guids
    assert _counts(col) == (3, 3)
    # Editing the one-card note here does not make its reverse (Add Reverse is still empty)
    # nor lose its card.
    note_id = next(n for n in col.notes.ids() if col.notes.get(n).front == "one way")
    col.notes.update(note_id, _now(), front="one way (edited)")
    assert len(col.notes.get(note_id).card_ids) == 1
    assert _counts(col) == (3, 3)


def test_reimporting_the_same_package_changes_nothing(
    col: Collection, tmp_path: Path, anki: Anki
) -> None:
    acol = anki()
    _three(acol)
    _answer_all(acol)
    package = _export(acol, tmp_path / "three.apkg")
    now = _now()
    exchange.import_file(col, package, now)
    before = snapshot(col)
    report = exchange.import_file(col, package, now + timedelta(hours=1)).value
    assert (report.added, report.updated, report.unchanged) == (0, 0, 3)
    assert snapshot(col) == before


def test_reimport_repairs_a_note_that_lost_cards(
    col: Collection, tmp_path: Path, anki: Anki
) -> None:
    """A collection imported before the fix (one card per note) gets the missing cards."""
    acol = anki()
    _three(acol)
    _answer_all(acol)
    package = _export(acol, tmp_path / "three.apkg")
    now = _now()
    exchange.import_file(col, package, now)
    with col.engine.begin() as conn:  # what the import before the fix left
        gone = select(CARD.c.id).where(CARD.c.ord > 0)
        conn.execute(LOG.delete().where(LOG.c.card_id.in_(gone)))
        conn.execute(CARD.delete().where(CARD.c.ord > 0))
    assert _counts(col) == (3, 3)
    exchange.import_file(col, package, now + timedelta(hours=1))
    assert _counts(col) == (9, 9)


def test_export_gives_anki_every_card_with_its_reviews(
    col: Collection, tmp_path: Path, anki: Anki
) -> None:
    acol = anki()
    model = _three(acol)
    # A note without a reading: Anki gives it no "Read" card.
    _add(acol, model, ("魚", "", "fish"), "Words")
    _answer_all(acol)
    assert acol.card_count() == 11
    exchange.import_file(col, _export(acol, tmp_path / "three.apkg"), _now())
    assert _counts(col) == (11, 11)
    original = _anki_cards(acol)

    # Here: the fish gets its reading, which makes its "Read" card; every card is answered.
    now = _now() + timedelta(days=5)
    fish = next(n for n in col.notes.ids() if col.notes.get(n).front == "魚")
    col.notes.update(fish, now, back="さかな")
    assert len(col.notes.get(fish).card_ids) == 3
    for note_id in col.notes.ids():
        for card_id in col.notes.get(note_id).card_ids:
            col.sched.answer(card_id, 3, now)
    assert _counts(col) == (12, 23)
    back = tmp_path / "back.apkg"
    exchange.export_apkg(col, back, now + timedelta(minutes=1), with_progress=True)

    # A fresh Anki gets the same cards per note and every review.
    fresh = anki()
    log = anki_import(fresh, back, scheduling=True)
    assert not list(log.conflicting)
    got = _anki_cards(fresh)
    ours = _our_cards(col)
    assert {g: sorted(c) for g, c in got.items()} == {g: sorted(c) for g, c in ours.items()}
    assert {g: {o: n for o, (_, n) in c.items()} for g, c in got.items()} == {
        g: {o: n for o, (_, _, n) in c.items()} for g, c in ours.items()
    }
    assert fresh.models.by_name("Three") is not None
    assert {fresh.get_note(fresh.get_card(c).nid).mid for c in fresh.find_cards("")} == {
        acol.models.id_for_name("Three")
    }

    # The original Anki: no conflict, nothing lost; the new card arrives with its review
    # (Anki's importer never updates a card it has: see the README).
    revlog_before = acol.db.scalar("select count() from revlog")
    log = anki_import(acol, back, scheduling=True)
    assert not list(log.conflicting)
    assert not list(log.missing_notetype)
    after = _anki_cards(acol)
    fish_guid = guid_of(col.notes.get(fish).uid)
    for guid, cards in original.items():
        assert {o: c for o, (c, _) in after[guid].items() if o in cards} == {
            o: c for o, (c, _) in cards.items()
        }
    assert sorted(after[fish_guid]) == [0, 1, 2]
    assert after[fish_guid][1][1] == 1  # the review made here of the card Anki lacked
    assert acol.db.scalar("select count() from revlog") == revlog_before + 1
    assert acol.get_note(acol.get_card(after[fish_guid][1][0]).nid)["Reading"] == "さかな"


def test_edit_that_empties_a_front_keeps_the_card(
    col: Collection, tmp_path: Path, anki: Anki
) -> None:
    acol = anki()
    _three(acol)
    _answer_all(acol)
    exchange.import_file(col, _export(acol, tmp_path / "three.apkg"), _now())
    cat = next(n for n in col.notes.ids() if col.notes.get(n).front == "猫")
    cards = col.notes.get(cat).card_ids
    # The reading (the second field, our back) is the only field of the "Read" front.
    col.notes.update(cat, _now(), back="")
    assert col.notes.get(cat).card_ids == cards
    assert _counts(col) == (9, 9)
    read = col.sched.card_for_review(_card(col, guid_of(col.notes.get(cat).uid), 1), _now())
    assert re.search("empty", read.faces.question)  # shown as Anki shows an empty front


def test_note_with_an_empty_first_field_keeps_its_cards(
    col: Collection, tmp_path: Path, anki: Anki
) -> None:
    """Our kinds need a front; a note of Anki's own type is kept whatever its first field."""
    acol = anki()
    model = _three(acol)
    _add(acol, model, ("", "みず", "water"), "Words")
    _answer_all(acol)
    assert acol.card_count() == 11
    report = exchange.import_file(col, _export(acol, tmp_path / "three.apkg"), _now()).value
    assert report.added == 4 and not report.warnings
    assert _counts(col) == (11, 11)
    water = next(n for n in col.notes.ids() if col.notes.get(n).back == "みず")
    faces = [col.sched.card_for_review(c, _now()).faces for c in col.notes.get(water).card_ids]
    assert [f.question for f in faces] == ["みず", "water"]
    col.notes.update(water, _now(), tags=["edited"])  # an empty front is no error for it


def _three_imported(col: Collection, acol: AnkiCollection, tmp_path: Path) -> AnkiCollection:
    """:func:`_three` in ``acol``, exported and imported here; returns ``acol``."""
    _three(acol)
    exchange.import_file(col, _export(acol, tmp_path / "three.apkg"), _now())
    return acol


def _text_export(acol: AnkiCollection, path: Path) -> Path:
    """Anki's "Notes in Plain Text" of the Words deck: HTML, tags, deck, note type, GUID."""
    from anki.collection import DeckIdLimit

    acol.export_note_csv(
        out_path=str(path), limit=DeckIdLimit(acol.decks.id("Words") or 1), with_html=True,
        with_tags=True, with_deck=True, with_notetype=True, with_guid=True,
    )  # fmt: skip
    return path


@pytest.mark.parametrize("shown_first", [True, False])
def test_bury_options_bury_the_siblings_of_a_three_template_note(
    col: Collection, tmp_path: Path, anki: Anki, shown_first: bool
) -> None:
    # Found in review: the answer path skipped the sibling query for a note of kind basic,
    # which is what the import makes of a note of a three-template type (9 cards, 3 notes).
    _three_imported(col, anki(), tmp_path)
    deck = col.decks.id("Words")
    col.decks.set_settings(deck, replace(col.decks.settings(deck), bury_new=True))
    note = col.notes.get(col.notes.ids()[0])
    first, *siblings = note.card_ids
    assert len(siblings) == 2
    now = _now()
    if shown_first:  # the review screen's path: the card was shown, then answered
        col.sched.card_for_review(first, now)
    col.sched.answer(first, 3, now)
    assert [r.buried for r in browse_rows(col, siblings, now)] == [True, True]


def test_anki_text_export_over_imported_notes_keeps_every_card(
    col: Collection, tmp_path: Path, anki: Anki
) -> None:
    # Found in review (data loss): Anki's "Notes in Plain Text" export of notes this collection
    # has from a package (GUIDs, note type column) matched them, and an edited one was rewritten
    # as a basic note of ours: it lost two of its three cards.
    acol = _three_imported(col, anki(), tmp_path)
    assert _counts(col) == (9, 0)
    before = {col.notes.get(n).front: col.notes.anki_fields(n) for n in col.notes.ids()}
    cat = acol.get_note(acol.find_notes("Word:猫")[0])
    cat["Word"], cat["Meaning"] = "<b>猫</b> (edited)", "a cat (edited)"
    acol.update_note(cat)
    text = _text_export(acol, tmp_path / "notes.txt")
    report = exchange.import_file(col, text, _now() + timedelta(minutes=5)).value
    assert (report.added, report.updated) == (0, 1)
    assert _counts(col) == (9, 0)  # every card still there
    for note_id in col.notes.ids():
        note = col.notes.get(note_id)
        fields = col.notes.anki_fields(note_id)
        assert fields is not None and len(note.card_ids) == 3
        if note.front.startswith("猫"):
            # Every field as edited in Anki, in the same note type.
            assert fields.html == ("<b>猫</b> (edited)", "ねこ", "a cat (edited)")
        else:
            assert fields == before[note.front]


def test_a_text_row_without_its_note_type_edits_the_first_two_fields_only(
    col: Collection, tmp_path: Path, anki: Anki
) -> None:
    # A file that names no note type (front, back and a GUID): the matched note of an Anki
    # type keeps its type, kind, cards and other fields; the row edits its first two fields.
    acol = _three_imported(col, anki(), tmp_path)
    cat = acol.get_note(acol.find_notes("Word:猫")[0])
    text = tmp_path / "rows.txt"
    text.write_text(f"#separator:tab\n#guid column:1\n{cat.guid}\t猫 (edited)\tねこ\n", "utf-8")
    report = exchange.import_file(col, text, _now() + timedelta(minutes=5)).value
    assert (report.added, report.updated) == (0, 1)
    assert _counts(col) == (9, 0)
    note_id = next(n for n in col.notes.ids() if col.notes.get(n).front == "猫 (edited)")
    fields = col.notes.anki_fields(note_id)
    assert fields is not None and fields.notetype == "Three"
    assert fields.html == ("猫 (edited)", "ねこ", "cat")
    assert len(col.notes.get(note_id).card_ids) == 3


def test_a_text_file_adds_notes_in_a_kept_note_type_with_every_field(
    col: Collection, tmp_path: Path, anki: Anki
) -> None:
    _three_imported(col, anki(), tmp_path)
    text = tmp_path / "more.txt"
    text.write_text(
        "#separator:tab\n#html:true\n#notetype:Three\n#deck:Words\n"
        "魚\t\t<i>fish</i>\n"  # no reading: no "Read" card, as Anki decides
        "鳥\tとり\tbird\n",
        "utf-8",
    )
    # Rows that are not the type's three fields: a front and a back, as before.
    few = tmp_path / "few.txt"
    few.write_text("#separator:tab\n#notetype:Three\n#deck:Words\ntoo\tfew\n", "utf-8")
    later = _now() + timedelta(minutes=5)
    assert exchange.import_file(col, text, later).value.added == 2
    assert exchange.import_file(col, few, later).value.added == 1
    added = {col.notes.get(n).front: n for n in col.notes.ids()}
    fish, bird, two = (col.notes.anki_fields(added[w]) for w in ("魚", "鳥", "too"))
    assert fish is not None and fish.notetype == "Three" and fish.html == ("魚", "", "<i>fish</i>")
    assert bird is not None and bird.html == ("鳥", "とり", "bird")
    assert two is None and col.notes.get(added["too"]).back == "few"
    assert [len(col.notes.get(added[w]).card_ids) for w in ("魚", "鳥", "too")] == [2, 3, 1]


def test_anki_text_export_imported_twice_changes_nothing_the_second_time(
    col: Collection, tmp_path: Path, anki: Anki
) -> None:
    acol = _three_imported(col, anki(), tmp_path)
    text = _text_export(acol, tmp_path / "notes.txt")
    before = snapshot(col)
    first = exchange.import_file(col, text, _now() + timedelta(minutes=5)).value
    assert (first.added, first.updated, first.unchanged) == (0, 0, 3)
    assert snapshot(col) == before
