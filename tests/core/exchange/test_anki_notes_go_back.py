"""Notes that came from Anki go back as the same Anki note type (issue 12, data loss 4).

Anki -> here (edited and reviewed) -> Anki: the original collection takes the edits, reports
no conflict, and keeps every field, template and formatting of its notes (before the fix every
note was "conflicting" and skipped, and merging note types blanked its extra fields).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from anki.collection import Collection as AnkiCollection
from anki.collection import ExportAnkiPackageOptions
from exchange_helpers import anki_import, anki_sample

from flashcards.core import exchange
from flashcards.core.collection import Collection

Anki = Callable[[], AnkiCollection]


def _anki_notes(acol: AnkiCollection) -> dict[str, tuple[int, list[str], str]]:
    out = {}
    for nid in acol.find_notes(""):
        note = acol.get_note(nid)
        out[note.guid] = (note.mid, list(note.fields), " ".join(sorted(note.tags)))
    return out


@pytest.mark.parametrize("legacy", [True, False], ids=["legacy", "current"])
def test_anki_notes_edited_and_reviewed_here_go_back_without_conflict(
    col: Collection, tmp_path: Path, anki: Anki, legacy: bool
) -> None:
    acol = anki()
    anki_sample(acol)
    # A custom note type: four fields, two templates.
    model = acol.models.new("Vocab 4")
    for name in ("Word", "Meaning", "Reading", "Example"):
        acol.models.add_field(model, acol.models.new_field(name))
    for name, q, a in (
        ("Recognise", "{{Word}}", "{{FrontSide}}<hr id=answer>{{Meaning}}<br>{{Reading}}"),
        ("Recall", "{{Meaning}}", "{{FrontSide}}<hr id=answer>{{Word}}<br>{{Example}}"),
    ):
        template = acol.models.new_template(name)
        template["qfmt"], template["afmt"] = q, a
        acol.models.add_template(model, template)
    model["css"] = ".card { color: navy; }"
    acol.models.add(model)
    note = acol.new_note(acol.models.by_name("Vocab 4"))
    note["Word"], note["Meaning"] = "<b>猫</b>", "cat"
    note["Reading"], note["Example"] = "ねこ", "猫が好き"
    acol.add_note(note, acol.decks.id("Anki::Nested"))
    before = _anki_notes(acol)
    revlog_before = acol.db.scalar("select count() from revlog")
    package = tmp_path / "from_anki.apkg"
    acol.export_anki_package(
        out_path=str(package),
        options=ExportAnkiPackageOptions(with_scheduling=True, legacy=legacy, with_media=False),
        limit=None,
    )

    now = datetime.now(UTC) + timedelta(minutes=1)
    exchange.import_file(col, package, now)
    # Edit one note here and review every card once.
    ids = {col.notes.get(i).front: i for i in col.notes.ids()}
    col.notes.update(ids["犬"], now, back="dog (edited here)")
    answered = 0
    while (card := col.sched.next_card(now)) is not None and answered < 20:
        col.sched.answer(card.card_id, 3, now)
        answered += 1
    assert answered
    back = tmp_path / "back.apkg"
    exchange.export_apkg(col, back, now + timedelta(minutes=1), with_progress=True)

    log = anki_import(acol, back, scheduling=True)
    assert not list(log.conflicting)
    assert not list(log.missing_notetype)
    after = _anki_notes(acol)
    assert set(after) == set(before)  # no note added, none lost
    for guid, (mid, fields, tags) in before.items():
        new_mid, new_fields, new_tags = after[guid]
        assert new_mid == mid, "the note went back as another note type"
        assert len(new_fields) == len(fields)
        assert new_tags == tags
        if fields[0] == "犬":
            assert new_fields[1] == "dog (edited here)"
        else:
            assert new_fields == fields, "an unedited note lost content or formatting"
    # Anki's package importer adds cards it lacks and their reviews, and never touches a card
    # it already has ("TODO: could update existing card" in rslib's apkg/import/cards.rs):
    # reviews made here of Anki's own cards cannot enter the original collection this way.
    assert acol.db.scalar("select count() from revlog") == revlog_before
    assert acol.models.by_name("Vocab 4")["css"] == ".card { color: navy; }"
