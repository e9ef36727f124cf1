"""New notes copied from a package inside SQLite, without a Python object per note.

Most notes of a shared or exported deck arrive new to the collection, in one of Anki's note
types, with cards nobody has studied. For those the import has nothing to decide but their text:
the reader (:mod:`~flashcards.core.exchange.ankidb`) picks them out with one query, writes
which they are into tables of the package's own database (the import's private copy) and
leaves them out of its Python reading; the importer attaches that database and copies them
with ``INSERT … SELECT`` inside its transaction. Anything unusual about a note (a review, a
flag, a suspended or buried card, a repeated GUID, one of our own note types, the collection
having it already) leaves it to the Python reader, which decides everything else; so does any
oddity of the package as a whole (a column of an unexpected type, a value too large to read,
text that is not UTF-8, a table of the names used here).

Their text, kind, tags and fields are computed by the reader's own Python functions, called
from SQL, so a note gets the same row either way; ``tests/core/exchange/test_bulk_copy.py``
imports packages both ways and compares every row. For 10,000 notes the import keeps a tenth
of the Python memory and takes about a sixth less time.
"""

from __future__ import annotations

import json
import sqlite3
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import cast

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from flashcards.core.enums import CardState, NoteKind
from flashcards.core.errors import InputError
from flashcards.core.exchange.common import fields_json, html_to_text, tags_of
from flashcards.core.media import rename_references

#: The tables the reader writes into the package's database (a package holding tables of
#: these names takes the Python path: creating them fails).
NOTES_TABLE = "flashcards_bulk_notes"
CARDS_TABLE = "flashcards_bulk_cards"
#: The name the package's database is attached under while its notes are copied.
SCHEMA = "flashcards_package"

#: A note's kind: (note type, has a second card, fields) -> kind; the cloze note types; the
#: other two-template types (see ``BulkNotes``).
Kinds = tuple[Callable[[int, int, str], str], frozenset[int], frozenset[int]]


@dataclass
class BulkNotes:
    """Notes the reader left in the package's database for the importer to copy.

    Attributes:
        path: The package's database (the import's private copy) holding the two tables.
        rows: The notes' rows in the package, ascending: new notes are numbered in the order
            of their rows, these and those the reader read (see ``IncomingNote.row``).
        decks: The deck name here of each package deck (by its id) the notes go into.
        counts: How many of the notes go into each deck, by name here.
        cards: How many cards they have.
        notetypes: The Anki note types the notes are in.
        kind_of: A note's kind here: (note type, has a second card, fields) -> kind (the
            reader's rule), for the notes of ``cloze_types`` and those of ``pair_types``
            with a second card; every other note is basic.
        cloze_types: Anki's cloze note types among the package's.
        pair_types: Its other note types of two templates (reversed, if a note has both).
        first_deck: The deck name here of the first of the notes (by row).
    """

    path: Path
    rows: list[int]
    decks: dict[int, str]
    counts: dict[str, int]
    cards: int
    notetypes: set[int]
    kind_of: Callable[[int, int, str], str]
    cloze_types: frozenset[int]
    pair_types: frozenset[int]
    first_deck: str
    #: Media names the import stored a file under another name (its notes' fields change).
    renamed: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------- package side

#: Columns whose values must have these types in every row for any note to be copied: then
#: the selection clamps their numbers as the reader does without testing their types (see
#: ``PackageSql``), and the copy reads the same numbers.
_NOTE_TYPES = {"id": "integer", "guid": "text", "mid": "integer", "mod": "integer"}
_NOTE_TYPES |= {"tags": "text", "flds": "text"}
_CARD_TYPES = dict.fromkeys(
    ("id", "nid", "ord", "did", "odid", "type", "queue", "flags"), "integer"
)


def _irregular(db: sqlite3.Connection, table: str, types: Mapping[str, str]) -> bool:
    wrong = " OR ".join(f"typeof({column}) != '{kind}'" for column, kind in types.items())
    return bool(db.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {wrong})").fetchone()[0])


@dataclass(frozen=True)
class PackageSql:
    """The reader's SQL for the columns the selection reads, so both paths read the same.

    ``home`` (a card's home deck), ``type``, ``queue`` and ``flags`` are of the cards table,
    ``mod`` of the notes table. They may take every value for an integer (the selection
    makes sure of it first).
    """

    home: str
    card_id: str
    type: str
    queue: str
    flags: str
    mod: str


def select_bulk(
    db: sqlite3.Connection,
    tables: set[str],
    sql: PackageSql,
    notetypes: Collection[int],
    known: Collection[str],
) -> bool:
    """Write which notes to copy (and their cards) into the package's database.

    Every value of a chosen note is read here once, under the reader's limits (a value too
    large to read fails the selection: the reader then reads every note one by one) and
    decoded as UTF-8 (text that is not fails it too), so that the copy meets no surprise.

    Args:
        db: The package's database, as the reader opened it (its limits and budget apply).
        tables: Its tables.
        sql: The reader's expressions for the columns the selection reads.
        notetypes: The Anki note types whose notes may be copied (kept as they are here).
        known: The GUIDs of the notes the collection has.

    Returns:
        Whether any note was left for the copy (False: the reader reads every note).

    Raises:
        sqlite3.Error: If the package cannot be copied from this way (the reader then drops
            what was made, see :func:`drop_bulk`, and reads every note).
    """
    if not notetypes or "revlog" not in tables:
        return False
    if _irregular(db, "notes", _NOTE_TYPES) or _irregular(db, "cards", _CARD_TYPES):
        return False
    db.create_function("flashcards_utf8", 3, _utf8, deterministic=True)
    db.execute("CREATE TEMP TABLE flashcards_known (guid TEXT PRIMARY KEY) WITHOUT ROWID")
    db.executemany("INSERT OR IGNORE INTO flashcards_known VALUES (?)", ((g,) for g in known))
    plain = f"({sql.type} = 0 AND {sql.queue} >= 0 AND ({sql.flags} & 7) = 0)"
    types = ", ".join(str(int(mid)) for mid in notetypes)
    # Notes whose cards are all new and unflagged, never answered, one per ordinal (from 0 to
    # 2^31 - 1: the reader's clamping keeps those as they are); the ordinal of the first (its
    # deck is the note's), whether it has a second, how many; the home deck of one of them
    # (the only one, when there is one: SQLite takes a column outside the aggregates from
    # some row of the group).
    db.execute(
        "CREATE TEMP TABLE flashcards_plain AS"
        " SELECT nid, min(ord) AS first, max(ord = 1) AS second, count(*) AS cards,"
        f" {sql.home} AS home FROM cards"
        " WHERE nid NOT IN (SELECT nid FROM cards WHERE id IN (SELECT cid FROM revlog))"
        f" GROUP BY nid HAVING min({plain}) = 1 AND count(*) = count(DISTINCT ord)"
        " AND min(ord) >= 0 AND max(ord) <= 2147483647"
    )
    # Numbered 1, 2... in the order of their rows (the copy numbers the notes by it).
    db.execute(
        f"CREATE TABLE {NOTES_TABLE} (rank INTEGER PRIMARY KEY, row INTEGER NOT NULL,"
        " nid INTEGER NOT NULL, home INTEGER NOT NULL, second INTEGER NOT NULL,"
        " modified TEXT NOT NULL)"
    )
    db.execute(
        f"INSERT INTO {NOTES_TABLE} (row, nid, second, home, modified)"
        " SELECT n.rowid AS row, n.id AS nid, p.second,"
        " CASE WHEN p.cards = 1 THEN p.home"
        f"  ELSE (SELECT {sql.home} FROM cards c WHERE c.nid = n.id AND c.ord = p.first) END,"
        f" datetime({sql.mod}, 'unixepoch') || '.000000' AS modified"
        " FROM notes n JOIN temp.flashcards_plain p ON p.nid = n.id"
        f" WHERE n.rowid = n.id AND n.mid IN ({types}) AND length(n.guid) BETWEEN 1 AND 256"
        "  AND n.guid NOT IN (SELECT guid FROM temp.flashcards_known)"
        "  AND n.guid NOT IN (SELECT guid FROM notes GROUP BY guid HAVING count(*) > 1)"
        "  AND flashcards_utf8(n.guid, n.tags, n.flds)"
        " ORDER BY n.rowid"
    )
    # Their cards by note (its rank) and ordinal: the copy reads them in that order.
    db.execute(
        f"CREATE TABLE {CARDS_TABLE} (rank INTEGER NOT NULL, ord INTEGER NOT NULL,"
        " cid INTEGER NOT NULL, PRIMARY KEY (rank, ord)) WITHOUT ROWID"
    )
    db.execute(
        f"INSERT INTO {CARDS_TABLE} SELECT b.rank, c.ord, {sql.card_id}"
        f" FROM {NOTES_TABLE} b JOIN cards c ON c.nid = b.nid"
    )
    db.commit()  # the importer reads the tables through another connection
    return bool(db.execute(f"SELECT EXISTS (SELECT 1 FROM {NOTES_TABLE})").fetchone()[0])


def _utf8(*_values: str) -> int:
    """True: Python's sqlite3 calls a function only with text it could decode as UTF-8."""
    return 1


def drop_bulk(db: sqlite3.Connection) -> None:
    """Remove what :func:`select_bulk` made (it failed: every note is read instead)."""
    for table in (NOTES_TABLE, CARDS_TABLE):
        db.execute(f"DROP TABLE IF EXISTS main.{table}")
    db.commit()


def bulk_summary(
    db: sqlite3.Connection,
    path: Path,
    deck_of: Callable[[int], str],
    kinds: Kinds,
) -> BulkNotes:
    """What the reader left for the copy.

    Args:
        db: The package's database.
        path: Its file.
        deck_of: A package deck's name here, by its id.
        kinds: The reader's rule for a note's kind (see ``BulkNotes.kind_of``), the cloze
            note types and the other two-template types.
    """
    ordered = f"SELECT json_group_array(row) FROM (SELECT row FROM {NOTES_TABLE} ORDER BY rank)"
    rows: list[int] = json.loads(db.execute(ordered).fetchone()[0])  # a tenth of a row each
    first = int(db.execute(f"SELECT home FROM {NOTES_TABLE} WHERE rank = 1").fetchone()[0])
    decks: dict[int, str] = {}
    counts: dict[str, int] = {}
    for home, count in db.execute(f"SELECT home, count(*) FROM {NOTES_TABLE} GROUP BY home"):
        decks[int(home)] = name = deck_of(int(home))
        counts[name] = counts.get(name, 0) + int(count)
    used = f"SELECT DISTINCT n.mid FROM notes n JOIN {NOTES_TABLE} b ON n.rowid = b.row"
    notetypes = {int(m) for (m,) in db.execute(used)}
    cards = int(db.execute(f"SELECT count(*) FROM {CARDS_TABLE}").fetchone()[0])
    return BulkNotes(path, rows, decks, counts, cards, notetypes, *kinds, decks[first])


def field_text(flds: str, index: int) -> str:
    """The ``index``-th field of Anki's fields (``flds``) as our plain text; "" if none."""
    fields = flds.split("\x1f", index + 1)
    return html_to_text(fields[index]) if index < len(fields) else ""


def _tags(tags: str) -> str:
    return " ".join(tags_of(tags))


def anki_fields_json(flds: str) -> str:
    r"""Anki's fields (``flds``, separated by \x1f) as the note's fields column stores them."""
    return fields_json(flds.split("\x1f"))


#: Anki's fields (``n.flds``) as :func:`anki_fields_json` gives them, by SQLite where it can
#: (in C): ``json_quote`` escapes as ``json.dumps`` does (the quote, the backslash, control
#: characters, Anki's separator \x1f as \u001f), so the fields are its string with each
#: \u001f closing one field and opening the next. In fields holding a backslash the text
#: \u001f may be their own: those go through :func:`anki_fields_json`.
FIELDS_JSON = (
    "CASE WHEN instr(n.flds, '\\') = 0"
    " THEN '[' || replace(json_quote(n.flds), '\\u001f', '\", \"') || ']'"
    " ELSE flashcards_fields(n.flds) END"
)


# ---------------------------------------------------------------------------- collection side

#: An SQL function: its number of arguments and the Python function.
Function = tuple[int, Callable[..., str | int | None]]


@contextmanager
def attached(conn: Connection, bulk: BulkNotes | None) -> Iterator[None]:
    """The package's database attached to ``conn`` (outside its transaction) while in use."""
    if bulk is None:
        yield
        return
    # Outside the transaction (SQLite detaches only outside one); SQLAlchemy begins one for
    # any statement, so each is ended at once. The package's schema was checked by the
    # reader (no views, triggers or generated columns); still, none of its SQL may call a
    # function while it is attached.
    trusted = conn.exec_driver_sql("PRAGMA trusted_schema").scalar()
    conn.exec_driver_sql("PRAGMA trusted_schema = OFF")
    conn.exec_driver_sql(f"ATTACH DATABASE ? AS {SCHEMA}", (str(bulk.path),))
    conn.commit()
    try:
        yield
    finally:
        if conn.in_transaction():
            conn.rollback()
        conn.exec_driver_sql(f"DETACH DATABASE {SCHEMA}")
        conn.exec_driver_sql(f"PRAGMA trusted_schema = {1 if trusted else 0}")
        conn.commit()


def copy_bulk(
    conn: Connection,
    bulk: BulkNotes,
    first: int,
    read_rows: list[int],
    deck_ids: Mapping[str, int],
    now_text: str,
    check: Callable[[], None],
) -> None:
    """Insert the notes and cards :func:`select_bulk` chose (the package is attached).

    Args:
        conn: The collection, in the import's transaction (a failure rolls it back).
        bulk: The notes.
        first: The first free note id.
        read_rows: The rows of the new notes read one by one (numbered by
            :func:`number_read`: the copied ones take the ids between theirs, see
            :func:`number_bulk`).
        deck_ids: Our deck ids by name (every deck in ``bulk.decks`` is there).
        now_text: The import time as the card columns store it (the new cards' due).
        check: Called while SQLite works; it raises (an :class:`InputError`) to stop, and
            that error is what this function raises.
    """
    raw = cast(sqlite3.Connection, conn.connection.dbapi_connection)
    # Made inside the transaction: a failure takes them away with it.
    conn.exec_driver_sql(
        "CREATE TEMP TABLE flashcards_ids (rank INTEGER PRIMARY KEY, note_id INTEGER NOT NULL)"
    )
    # A copied note's id, by its rank: its place among the new notes by row (number_bulk).
    if read_rows:
        numbers = json.dumps(number_bulk(first, bulk.rows, read_rows))
        conn.exec_driver_sql(
            "INSERT INTO temp.flashcards_ids SELECT key + 1, value FROM json_each(?)", (numbers,)
        )
    else:  # the same: every new note before a copied one is a copied one
        conn.exec_driver_sql(
            f"INSERT INTO temp.flashcards_ids SELECT rank, {first - 1} + rank"
            f" FROM {SCHEMA}.{NOTES_TABLE}"
        )
    conn.exec_driver_sql(
        "CREATE TEMP TABLE flashcards_decks (home INTEGER PRIMARY KEY, deck_id INTEGER NOT NULL)"
    )
    decks = [(home, deck_ids[name]) for home, name in bulk.decks.items()]
    conn.exec_driver_sql("INSERT INTO temp.flashcards_decks VALUES (?, ?)", decks)
    functions: dict[str, Function] = {
        "flashcards_text": (2, field_text),
        "flashcards_tags": (1, lru_cache(maxsize=4096)(_tags)),  # the same tags note after note
        "flashcards_fields": (1, anki_fields_json),
        "flashcards_kind": (3, bulk.kind_of),
    }
    fields = FIELDS_JSON
    types = ", ".join(str(int(m)) for m in bulk.cloze_types)
    pairs = ", ".join(str(int(m)) for m in bulk.pair_types)
    kind = f"CASE WHEN n.mid IN ({types}) OR (b.second AND n.mid IN ({pairs}))"
    kind += f" THEN flashcards_kind(n.mid, b.second, n.flds) ELSE '{NoteKind.BASIC.value}' END"
    if bulk.renamed:  # files stored under other names: the fields name those

        def rename(flds: str) -> str:
            fields = flds.split("\x1f")
            return fields_json([rename_references(f, bulk.renamed) for f in fields])

        functions["flashcards_rename"] = (1, rename)
        fields = "flashcards_rename(n.flds)"
    source = f"{SCHEMA}.{NOTES_TABLE} b JOIN {SCHEMA}.notes n ON n.rowid = b.row"
    source += " JOIN temp.flashcards_ids i ON i.rank = b.rank"
    source += " JOIN temp.flashcards_decks d ON d.home = b.home"
    with _functions(raw, functions), _stoppable(raw, check):
        conn.exec_driver_sql(
            "INSERT INTO note (id, uid, deck_id, kind, front, back, tags, source_title,"
            " source_section, source_sentence, created, modified, anki_notetype_id, anki_fields)"
            f" SELECT i.note_id, 'anki:' || n.guid, d.deck_id, {kind},"
            " flashcards_text(n.flds, 0), flashcards_text(n.flds, 1), flashcards_tags(n.tags),"
            f" '', '', '', b.modified, b.modified, n.mid, {fields}"
            f" FROM {source}"
        )
        conn.exec_driver_sql(
            "INSERT INTO card (note_id, deck_id, ord, position, state, due, reps, lapses,"
            " suspended, anki_id, flags, buried_by_user)"
            " SELECT i.note_id, d.deck_id, c.ord, i.note_id, ?, ?, 0, 0, 0, c.cid, 0, 0"
            f" FROM {SCHEMA}.{CARDS_TABLE} c JOIN {SCHEMA}.{NOTES_TABLE} b ON b.rank = c.rank"
            " JOIN temp.flashcards_ids i ON i.rank = c.rank"
            " JOIN temp.flashcards_decks d ON d.home = b.home ORDER BY c.rank, c.ord",
            (int(CardState.NEW), now_text),
        )
    for table in ("flashcards_ids", "flashcards_decks"):
        conn.exec_driver_sql(f"DROP TABLE temp.{table}")


@contextmanager
def _functions(raw: sqlite3.Connection, functions: Mapping[str, Function]) -> Iterator[None]:
    """SQL functions on the collection's connection while the copy runs."""
    for name, (count, function) in functions.items():
        raw.create_function(name, count, function, deterministic=True)
    try:
        yield
    finally:
        for name, (count, _) in functions.items():
            raw.create_function(name, count, None)


@contextmanager
def _stoppable(raw: sqlite3.Connection, check: Callable[[], None]) -> Iterator[None]:
    """Statements that stop (SQLite interrupts them) once ``check()`` raises."""
    stopped: list[InputError] = []

    def handler() -> int:
        try:
            check()
        except InputError as exc:
            stopped.append(exc)
            return 1
        return 0

    raw.set_progress_handler(handler, 100_000)
    try:
        yield
    except DBAPIError:
        if stopped:
            raise stopped[0] from None
        raise
    finally:
        raw.set_progress_handler(None, 0)


def number_read(first: int, bulk_rows: list[int], read_rows: list[int | None]) -> list[int]:
    """Note ids for the new notes read one by one, numbered with the copied ones by row.

    New notes are numbered in the order of their rows in the package, wherever they were read
    (their new cards come in that order); a note read that has no row (a copy kept beside a
    note the collection has) comes after the rest. :func:`copy_bulk` numbers the copied notes
    by the same rule.

    Args:
        first: The first free note id.
        bulk_rows: The rows of the notes left for the copy, ascending.
        read_rows: The rows of the notes read, in their order.

    Returns:
        The note id of each note read.
    """
    rows = [(1 << 63) if row is None else row for row in read_rows]
    ids = [0] * len(rows)
    for rank, index in enumerate(sorted(range(len(rows)), key=lambda i: (rows[i], i))):
        ids[index] = first + rank + bisect_left(bulk_rows, rows[index])
    return ids


def number_bulk(first: int, bulk_rows: list[int], read_rows: list[int]) -> list[int]:
    """Note ids for the copied notes (by rank), numbered with those read by row.

    The rule of :func:`number_read`: a new note's id is ``first`` plus the number of new notes
    before it by row, copied or read.

    Args:
        first: The first free note id.
        bulk_rows: The rows of the notes left for the copy, ascending.
        read_rows: The rows of the new notes read one by one.
    """
    read = sorted(read_rows)
    return [first + rank + bisect_left(read, row) for rank, row in enumerate(bulk_rows)]
