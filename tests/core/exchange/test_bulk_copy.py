"""New notes copied inside SQLite get the rows the one-by-one reader gives them (issue 12).

The packages are written by the real Anki: notes of Basic, reversed (with and without a back),
optional reversed, cloze (with deletions, and one whose deletions were removed), a custom
three-template type; HTML, entities, repeated tags; a new card pulled into a filtered deck;
and notes the copy must leave to the reader: reviewed, flagged, suspended, buried, a GUID two
notes share. Each package is imported twice into fresh collections, once with the copy
(``known`` given to the reader, as ``import_file`` does) and once reading every note, and
every row of every table is compared.
"""

from __future__ import annotations

import sqlite3
import tempfile
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from anki.collection import AddNoteRequest
from anki.collection import Collection as AnkiCollection
from anki.decks import DeckId
from exchange_helpers import snapshot
from hostile_build import anki_package, rewrite
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from flashcards.core import exchange
from flashcards.core.collection import Collection, open_collection
from flashcards.core.db import sqlite_url
from flashcards.core.exchange.ankidb import read_collection
from flashcards.core.exchange.archive import open_package
from flashcards.core.exchange.bulk import FIELDS_JSON, NOTES_TABLE, anki_fields_json
from flashcards.core.exchange.common import Incoming, fields_json
from flashcards.core.exchange.importer import ExchangeReport, ImportCancelled, apply_incoming
from flashcards.core.exchange.package_media import stage_media

Anki = Callable[[], AnkiCollection]

#: The notes the reader must read one by one, by their first field (see ``_build``).
UNUSUAL = {"reviewed", "flagged", "suspended", "buried", "twin one", "twin two"}


def _build(acol: AnkiCollection) -> None:
    """Notes of every kind (see the module docstring); a png named by one of them."""
    models = acol.models
    words = acol.decks.id("Words::Nouns")
    assert words is not None

    def add(model: str, values: list[str], tags: list[str] | None = None) -> int:
        found = models.by_name(model)
        assert found is not None
        note = acol.new_note(found)
        for i, value in enumerate(values):
            note.fields[i] = value
        note.tags = tags or []
        acol.add_note(note, words)
        return int(note.id)

    add("Basic", ["reviewed", "reviewed back"])  # the first: the queue gives it first
    add("Basic", ["<b>bold</b> &amp; <i>it</i>", "<div>one</div><div>two</div>"], ["x", "y"])
    add("Basic", ["plain", 'an <img src="pic.png"> image'])
    add("Basic (and reversed card)", ["front side", "back side"])
    add("Basic (and reversed card)", ["no back", ""])
    add("Basic (optional reversed card)", ["optional", "reverse", "y"])
    add("Cloze", ["{{c1::Tokyo}} is in {{c2::Japan}}", "extra"])
    add("Cloze", ["{{c1::gone}} later", ""])
    custom = models.new("Three")
    for name in ("Word", "Reading", "Meaning"):
        models.add_field(custom, models.new_field(name))
    for i, (front, back) in enumerate((("{{Word}}", "{{Meaning}}"), ("{{Meaning}}", "{{Word}}"))):
        template = models.new_template(f"Card {i + 1}")
        template["qfmt"], template["afmt"] = front, back
        models.add_template(custom, template)
    third = models.new_template("Card 3")
    third["qfmt"], third["afmt"] = "{{Reading}}", "{{Word}}"
    models.add_template(custom, third)
    models.add_dict(custom)
    add("Three", ["語", "ご", "word"], ["jp"])
    for name in ("flagged", "suspended", "buried", "twin one", "twin two", "puller"):
        add("Basic", [name, f"{name} back"])
    for i in range(30):
        add("Basic", [f"many {i}", f"back {i}"], ["many"])
    acol.decks.select(words)
    card = acol.sched.getCard()
    assert card is not None and card.note()["Front"] == "reviewed"
    ids = {acol.get_note(acol.get_card(c).nid).fields[0]: c for c in acol.find_cards("")}
    card.start_timer()
    acol.sched.answerCard(card, 3)
    acol.set_user_flag_for_cards(3, [ids["flagged"]])
    acol.sched.suspend_cards([ids["suspended"]])
    acol.sched.bury_cards([ids["buried"]])
    filtered = acol.sched.get_or_create_filtered_deck(deck_id=DeckId(0))
    filtered.name = "Pulled"
    filtered.config.search_terms[0].search = '"Front:puller"'
    acol.sched.add_or_update_filtered_deck(filtered)
    media = Path(acol.media.dir())
    media.joinpath("pic.png").write_bytes(b"the package's picture")


def _package(anki: Anki, folder: Path, name: str, sql: list[str], *, legacy: bool) -> Path:
    """The notes of :func:`_build` in a package by the real Anki, ``sql`` run on its database."""
    acol = anki()
    _build(acol)
    plain = anki_package(acol, folder / f"{name}-plain.apkg", legacy=legacy)
    return rewrite(plain, folder / f"{name}.apkg", sql, folder)


@pytest.fixture(params=["legacy", "current"])
def package(request: pytest.FixtureRequest, anki: Anki, tmp_path: Path) -> Path:
    # Two notes share a GUID (the last one wins, as in Anki), tags repeat, a cloze note has
    # lost its deletions.
    return _package(
        anki,
        tmp_path,
        request.param,
        [
            "UPDATE notes SET guid = (SELECT guid FROM notes WHERE flds LIKE 'twin one%')"
            " WHERE flds LIKE 'twin two%'",
            "UPDATE notes SET tags = ' many  extra many '"
            " WHERE flds = 'many 1' || char(31) || 'back 1'",
            "UPDATE notes SET flds = replace(flds, '{{c1::gone}}', 'gone')"
            " WHERE flds LIKE '%gone%'",
            # A note's cards in two decks: the note goes where its first card is.
            "UPDATE cards SET did = 1 WHERE ord = 0"
            " AND nid = (SELECT id FROM notes WHERE flds LIKE 'front side%')",
            # Fields JSON must escape (quoted by Python), and some it need not (by SQLite).
            *(
                f"UPDATE notes SET flds = {value} WHERE flds = 'many {i}' || char(31) || 'back {i}'"
                for i, value in enumerate(
                    (
                        """'many "hi"' || char(31) || 'a\\b'""",
                        "'many line' || char(10) || 'two' || char(9) || 'tab' || char(31) || 'x'",
                        "'many nul' || char(0) || 'inside' || char(31) || 'y'",
                        "'many record' || char(30) || 'mark' || char(31) || 'z'",
                        "'many emoji ' || char(128512) || char(31) || 'ü & ] [ * ?'",
                        "'many with one field'",
                        "'many three' || char(31) || 'fields' || char(31) || 'here'",
                    ),
                    start=2,
                )
            ),
        ],
        legacy=request.param == "legacy",
    )


def _import(
    col: Collection, path: Path, now: datetime, known: set[str] | None
) -> tuple[ExchangeReport, Incoming]:
    """Read the package (with the copy when ``known`` is given) and apply it, as import_file."""
    with tempfile.TemporaryDirectory(dir=path.parent) as work:
        with open_package(path, Path(work)) as opened:
            incoming = read_collection(opened.collection, path.name, now, None, known=known)
            stage_media(col.media, opened, incoming, Path(work), lambda: None)
        report = apply_incoming(col, incoming, now).value
    return report, incoming


def _tables(col: Collection) -> dict[str, list[tuple[Any, ...]]]:
    """Every row the import writes; cards and reviews by (note, ordinal), not their ids."""
    queries = {
        "note": "SELECT * FROM note ORDER BY id",
        "card": "SELECT c.note_id, c.ord, c.deck_id, c.position, c.state, c.step, c.stability,"
        " c.difficulty, c.due, c.last_review, c.reps, c.lapses, c.suspended, c.buried_until,"
        " c.anki_id, c.flags, c.buried_by_user, c.anki_data, c.original_deck_id"
        " FROM card c ORDER BY c.note_id, c.ord",
        "review": "SELECT c.note_id, c.ord, l.rating, l.reviewed_at, l.duration_ms,"
        " l.state_before, l.state_after, l.interval_days, l.anki_factor, l.preview"
        " FROM reviewlog l JOIN card c ON c.id = l.card_id ORDER BY c.note_id, c.ord, l.id",
        "deck": "SELECT id, name, description, preset_id, uid FROM deck ORDER BY id",
        "notetype": "SELECT id, name, config FROM ankinotetype ORDER BY id",
    }
    with col.engine.connect() as conn:
        return {name: [tuple(r) for r in conn.execute(text(q))] for name, q in queries.items()}


def _fresh(folder: Path) -> Collection:
    folder.mkdir()
    return open_collection(sqlite_url(folder / "collection.db"), tz=UTC)


def test_copied_notes_get_the_rows_the_reader_gives(
    package: Path, tmp_path: Path, now: datetime
) -> None:
    copied, read = _fresh(tmp_path / "copied"), _fresh(tmp_path / "read")
    try:
        report, incoming = _import(copied, package, now, set())
        expected, every = _import(read, package, now, None)
        assert every.bulk is None
        assert incoming.bulk is not None
        # What the copy left to the reader: the unusual notes; everything else was copied.
        assert {n.front for n in incoming.notes} == UNUSUAL
        assert len(incoming.bulk.rows) == len(every.notes) - len(UNUSUAL)
        assert len(every.notes) == 45
        assert report == expected
        assert report.added == 44 and report.skipped == 1  # a twin: the last one kept
        ours, theirs = _tables(copied), _tables(read)
        for table in ours:
            assert ours[table] == theirs[table], table
        kinds = {r[4]: r[3] for r in ours["note"]}
        assert kinds["front side"] == "basic+reversed" and kinds["no back"] == "basic"
        assert (
            kinds["{{c1::Tokyo}} is in {{c2::Japan}}"] == "cloze" and kinds["gone later"] == "basic"
        )
        assert {r[4]: r[6] for r in ours["note"]}["many 1"] == "many extra"
        # Two of the reversed, optional reversed and cloze notes, three of the custom one.
        assert len(ours["card"]) == 44 + 1 + 1 + 1 + 2
    finally:
        copied.close()
        read.close()


def test_a_second_import_of_copied_notes_changes_nothing(
    package: Path, col: Collection, now: datetime
) -> None:
    first = exchange.import_file(col, package, now).value
    before = snapshot(col)
    again = exchange.import_file(col, package, now).value
    assert first.added == 44
    assert (again.added, again.updated, again.unchanged) == (0, 0, 44)
    assert snapshot(col) == before


def test_notes_the_collection_has_are_not_copied(
    package: Path, col: Collection, now: datetime
) -> None:
    """Half of the notes arrive new, half are the collection's: each is where it belongs."""
    first = exchange.import_file(col, package, now).value
    with col.engine.begin() as conn:  # the collection forgets the many ones
        conn.execute(
            text(
                "DELETE FROM card WHERE note_id IN (SELECT id FROM note WHERE front LIKE 'many %')"
            )
        )
        conn.execute(text("DELETE FROM note WHERE front LIKE 'many %'"))
    again = exchange.import_file(col, package, now).value
    assert first.added == 44
    assert (again.added, again.unchanged) == (30, 14)
    with col.engine.connect() as conn:
        fronts = [str(r[0]) for r in conn.execute(text("SELECT front FROM note"))]
    assert len(fronts) == len(set(fronts)) == 44


def test_a_copied_note_names_a_media_file_stored_under_another_name(
    package: Path, tmp_path: Path, now: datetime
) -> None:
    """The collection has another pic.png: both ways store the package's under Anki's hashed
    name and rewrite the fields that name it."""
    copied, read = _fresh(tmp_path / "copied"), _fresh(tmp_path / "read")
    try:
        for col in (copied, read):
            assert col.media.folder is not None
            col.media.folder.mkdir(parents=True, exist_ok=True)
            (col.media.folder / "pic.png").write_bytes(b"another picture")
        report, incoming = _import(copied, package, now, set())
        _import(read, package, now, None)
        assert incoming.bulk is not None and incoming.bulk.renamed
        fields = {r[4]: r[13] for r in _tables(copied)["note"]}
        assert (
            "pic.png" not in fields["plain"] and incoming.bulk.renamed["pic.png"] in fields["plain"]
        )
        assert _tables(copied) == _tables(read)
    finally:
        copied.close()
        read.close()


def test_text_that_is_not_utf8_is_read_one_by_one(
    anki: Anki, tmp_path: Path, col: Collection, now: datetime
) -> None:
    bad = _package(
        anki,
        tmp_path,
        "bad",
        [
            "UPDATE notes SET flds = CAST(X'6d616e792031ff1f6261636b2031' AS TEXT)"
            " WHERE flds = 'many 1' || char(31) || 'back 1'"
        ],
        legacy=True,
    )
    report = exchange.import_file(col, bad, now).value
    assert report.added == 45 and not report.warnings
    with col.engine.connect() as conn:
        assert (
            conn.execute(text("SELECT count(*) FROM note WHERE front = 'many 1\ufffd'")).scalar()
            == 1
        )


def test_a_cancel_while_notes_are_copied_changes_nothing(
    anki: Anki, col: Collection, now: datetime, tmp_path: Path
) -> None:
    """Cancelled at every safe point, those inside the copy's statements included."""
    acol = anki()
    _build(acol)
    basic = acol.models.by_name("Basic")
    assert basic is not None
    requests = []
    for i in range(3000):
        note = acol.new_note(basic)
        note["Front"], note["Back"] = f"more {i}", f"<b>back</b> {i}"
        requests.append(AddNoteRequest(note=note, deck_id=DeckId(1)))
    acol.add_notes(requests)
    package = anki_package(acol, tmp_path / "big.apkg", legacy=False)
    places: list[bool] = []  # at each check: whether it was asked while notes were copied

    def counting() -> bool:
        places.append(any(f.name == "copy_bulk" for f in traceback.extract_stack()))
        return False

    probe = open_collection(sqlite_url(tmp_path / "probe.db"), tz=UTC)
    try:
        assert exchange.import_file(probe, package, now, cancelled=counting).value.added == 3045
    finally:
        probe.close()
    inside = [stop for stop, copying in enumerate(places, 1) if copying]
    assert len(inside) >= 3  # SQLite asked while it copied
    before = snapshot(col)
    for stop in sorted({1, len(places)} | set(inside) | set(range(1, len(places), 7))):
        calls = [0]

        def cancelled(stop: int = stop, calls: list[int] = calls) -> bool:
            calls[0] += 1
            return calls[0] >= stop

        with pytest.raises(ImportCancelled):
            exchange.import_file(col, package, now, cancelled=cancelled)
        assert snapshot(col) == before, stop
    assert exchange.import_file(col, package, now).value.added == 3045


def test_the_copy_reads_what_sqlite_gives(tmp_path: Path) -> None:
    """The selection's check for text that is not UTF-8 relies on Python's sqlite3 refusing to
    call a function with it."""
    db = sqlite3.connect(":memory:")
    db.create_function("f", 1, lambda s: 1)
    with pytest.raises(sqlite3.OperationalError):
        db.execute("SELECT f(CAST(X'61ff' AS TEXT))").fetchall()


def test_a_package_holding_the_copy_s_table_names_is_read_one_by_one(
    anki: Anki, tmp_path: Path, col: Collection, now: datetime
) -> None:
    sql = [f"CREATE TABLE {NOTES_TABLE} (row)", f"INSERT INTO {NOTES_TABLE} VALUES (1)"]
    odd = _package(anki, tmp_path, "odd", sql, legacy=False)
    with tempfile.TemporaryDirectory(dir=tmp_path) as work, open_package(odd, Path(work)) as opened:
        incoming = read_collection(opened.collection, odd.name, now, None, known=set())
    assert incoming.bulk is None and len(incoming.notes) == 45
    assert exchange.import_file(col, odd, now).value.added == 45


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list('a"\\\x00\x01\n\t\r\x08\x0c\x1e\x1f\x7f\u2028あ😀u01f')))
)
def test_sqlite_writes_the_fields_json_python_writes(flds: str) -> None:
    """The copy's SQL for the fields column gives the text the reader's Python gives."""
    db = sqlite3.connect(":memory:")
    db.create_function("flashcards_fields", 1, anki_fields_json)
    db.execute("CREATE TABLE notes (flds TEXT)")
    db.execute("INSERT INTO notes VALUES (?)", (flds,))
    (got,) = db.execute(f"SELECT {FIELDS_JSON} FROM notes n").fetchone()
    assert got == fields_json(flds.split("\x1f"))
