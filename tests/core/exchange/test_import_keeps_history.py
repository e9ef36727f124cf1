"""An import never deletes a card that has review history (issue 16 High 3, issue 12 data loss 2).

Each test gives a collection real review history, then imports a real file that matches its
notes but would change them so that reviewed cards go: another note type in an Anki package,
a CSV with a GUID column, a CSV written by Anki over an earlier ``.apkg`` import, a deck file
reusing another deck's note ids. The notes are left as they were and the report says so.
"""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from anki.collection import Collection as AnkiCollection
from anki.collection import ExportAnkiPackageOptions
from exchange_helpers import anki_sample, fill, snapshot, study
from sqlalchemy import func, select

from flashcards.core import exchange
from flashcards.core.collection import Collection
from flashcards.core.deckfile import parse_deck_toml, read_deck_file
from flashcards.core.errors import InputError
from flashcards.core.exchange.deckfile_import import import_deck_file, load_shipped_decks
from flashcards.core.exchange.export import guid_of
from flashcards.core.paths import shipped_decks_dir
from flashcards.core.tables import CARD, LOG

Anki = Callable[[], AnkiCollection]


def _counts(col: Collection) -> tuple[int, int]:
    with col.engine.connect() as conn:
        cards = conn.execute(select(func.count()).select_from(CARD)).scalar_one()
        reviews = conn.execute(select(func.count()).select_from(LOG)).scalar_one()
    return int(cards), int(reviews)


def _deck_names(col: Collection) -> set[str]:
    return set(col.decks.names().values())


def test_package_changing_note_type_keeps_reviewed_cards(
    col: Collection, now: datetime, tmp_path: Path
) -> None:
    """Same GUIDs, a later modification time and the Basic note type: nothing is deleted."""
    ids = fill(col, now)
    at = study(col, now)
    before = _counts(col)
    package = tmp_path / "ours.apkg"
    exchange.export_apkg(col, package, at, with_progress=True)
    # Rewrite the package as another program would: every note now Basic, edited later.
    changed = tmp_path / "changed.apkg"
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(changed, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "collection.anki2":
                db_file = tmp_path / "c.anki2"
                db_file.write_bytes(data)
                db = sqlite3.connect(db_file)
                basic = db.execute(
                    "SELECT mid FROM notes WHERE guid = ?",
                    (guid_of(col.notes.get(ids["basic"]).uid),),
                ).fetchone()[0]
                db.execute("UPDATE notes SET mid = ?, mod = mod + 86400", (basic,))
                db.commit()
                db.close()
                data = db_file.read_bytes()
            dst.writestr(info, data)
    report = exchange.import_file(col, changed, at + timedelta(days=2)).value
    assert report.refused == 2  # the reversed note and the cloze note
    assert any("review history" in w for w in report.warnings)
    assert _counts(col) == before
    assert col.notes.get(ids["reversed"]).kind == "basic+reversed"
    assert col.notes.get(ids["cloze"]).kind == "cloze"


def test_csv_with_guid_column_keeps_reviewed_cards(
    col: Collection, now: datetime, tmp_path: Path
) -> None:
    ids = fill(col, now)
    at = study(col, now)
    before = _counts(col)
    rows = ["#separator:tab", "#html:false", "#guid column:1", "#notetype column:2"]
    for name in ("reversed", "cloze", "basic"):
        note = col.notes.get(ids[name])
        rows.append(f"{guid_of(note.uid)}\tBasic\t{note.front.splitlines()[0]}\tnew back")
    path = tmp_path / "notes.txt"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = exchange.import_file(col, path, at).value
    assert report.refused == 2
    assert report.updated == 1  # the basic note keeps its one card: its text may change
    assert col.notes.get(ids["basic"]).back == "new back"
    assert _counts(col) == before


def test_anki_csv_over_an_earlier_apkg_import_deletes_nothing(
    col: Collection, now: datetime, tmp_path: Path, anki: Anki
) -> None:
    """Anki's notes imported as a package, reviewed here, then Anki's CSV of the same notes."""
    acol = anki()
    anki_sample(acol)
    package = tmp_path / "anki.apkg"
    acol.export_anki_package(
        out_path=str(package),
        options=ExportAnkiPackageOptions(with_scheduling=True, legacy=True, with_media=False),
        limit=None,
    )
    exchange.import_file(col, package, now)
    at = study(col, now)
    before = _counts(col)
    csv = tmp_path / "anki.txt"
    acol.export_note_csv(
        out_path=str(csv),
        limit=None,
        with_html=True,
        with_tags=True,
        with_deck=True,
        with_notetype=False,  # without it every note reads as Basic
        with_guid=True,
    )
    report = exchange.import_file(col, csv, at + timedelta(days=1)).value
    # The notes are in Anki's note types here: a row of a front and a back is an edit of their
    # first two fields (these rows change nothing), never a change of kind that drops cards.
    assert (report.refused, report.updated, report.unchanged) == (0, 0, 5)
    assert _counts(col) == before


def test_deck_file_reusing_another_decks_note_ids_is_refused(
    col: Collection, now: datetime
) -> None:
    load_shipped_decks(col, shipped_decks_dir(), now)
    study(col, now, rounds=1)
    shipped = read_deck_file(next(shipped_decks_dir().glob("*.toml")))
    shipped.name = "Someone else's deck"
    before = snapshot(col)
    decks = _deck_names(col)
    with pytest.raises(InputError, match="reuses"):
        import_deck_file(col, shipped, now + timedelta(days=1))
    assert snapshot(col) == before
    assert _deck_names(col) == decks


def test_deck_file_import_is_one_transaction(col: Collection, now: datetime) -> None:
    """A note that fails late (a cloze number too large to store) leaves everything as it was."""
    load_shipped_decks(col, shipped_decks_dir(), now)
    shipped = read_deck_file(next(shipped_decks_dir().glob("*.toml")))
    before = snapshot(col)
    text = (
        f'format = 1\n[deck]\nname = "{shipped.name}"\ndescription = "overwritten"\n'
        '[[notes]]\nid = "fresh-1"\nkind = "basic"\nfront = "a"\nback = "b"\n'
        '[[notes]]\nid = "fresh-2"\nkind = "cloze"\n'
        'front = "{{c99999999999999999999::x}}"\nback = ""\n'
    )
    with pytest.raises(InputError):
        import_deck_file(col, parse_deck_toml(text), now)
    assert snapshot(col) == before


def test_deck_file_changing_kind_keeps_reviewed_cards(col: Collection, now: datetime) -> None:
    load_shipped_decks(col, shipped_decks_dir(), now)
    at = study(col, now, rounds=1)
    shipped = read_deck_file(next(shipped_decks_dir().glob("*.toml")))
    reversed_ = [n for n in shipped.notes if n.kind == "basic+reversed"]
    assert reversed_
    before = _counts(col)
    shipped.notes = [replace(n, kind="basic") if n in reversed_ else n for n in shipped.notes]
    report = import_deck_file(col, shipped, at).value
    assert report.refused == len(reversed_)
    assert _counts(col) == before


def test_import_adding_nothing_creates_no_deck(
    col: Collection, now: datetime, tmp_path: Path
) -> None:
    fill(col, now)
    package = tmp_path / "ours.apkg"
    exchange.export_apkg(col, package, now)
    col.decks.rename(col.decks.id("Other"), "Elsewhere", now)
    decks = _deck_names(col)
    report = exchange.import_file(col, package, now + timedelta(hours=1)).value
    assert report.added == 0
    assert _deck_names(col) == decks
