"""Reading an Anki collection database (schema 11 or 18) into our terms.

The database comes from a file anyone can write, so nothing in it is trusted:

- Before any statement reads a table the schema is checked: views, triggers, virtual tables and
  generated columns are refused (they run SQL of the file's choosing while we read: a generated
  column once turned a 5.6 KB package into 300 MB notes), and CHECK constraints are never
  evaluated. SQLite itself refuses to materialise a value over a size limit, and a wall-clock
  budget stops any SQLite work that takes too long.
- A note larger than :data:`MAX_NOTE_BYTES` is skipped with a warning; the rest imports.
- Every number is clamped into a range our collection and the scheduler can hold before it
  becomes an :class:`IncomingCard` or :class:`IncomingReview` (a review time of 2^62 ms once
  made ``sum(duration_ms)`` overflow and bricked the collection).

New notes that need nothing decided but their text (most of a shared deck) are not read here
one by one: they are chosen with one query and copied by the importer inside SQLite (see
:mod:`~flashcards.core.exchange.bulk`); the rules they follow are the ones below.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from flashcards.core import scheduling
from flashcards.core.deck_names import normalise_deck_name
from flashcards.core.deckfile import NoteSource, cloze_numbers
from flashcards.core.decks import DeckSettings
from flashcards.core.enums import CardState, NoteKind
from flashcards.core.errors import InputError
from flashcards.core.exchange.anki_notetypes import read_notetypes
from flashcards.core.exchange.anki_presets import read_presets
from flashcards.core.exchange.bulk import (
    NOTES_TABLE,
    PackageSql,
    bulk_summary,
    drop_bulk,
    field_text,
    select_bulk,
)
from flashcards.core.exchange.common import (
    INT64,
    MAX_DAYS,
    AnkiPreset,
    Incoming,
    IncomingCard,
    IncomingNote,
    IncomingReview,
    aware,
    clamp_int,
    finite,
    html_to_text,
    json_object,
    proto_value,
    tags_of,
)
from flashcards.core.exchange.our_notetypes import KIND_OF_MODEL
from flashcards.core.notetypes import MAX_NOTE_BYTES, card_ords

# ---------------------------------------------------------------------------- size caps

# MAX_NOTE_BYTES bounds a note's fields (and, separately, its tags and its GUID): SQLite
# refuses to hand us a larger value, so it is never materialised, whatever the file says.
#: The most bytes of any other single value (note types and decks as JSON in schema 11, a
#: notetype's or a deck's protobuf in schema 18): real ones are kilobytes, a heavy user's JSON of
#: all note types a few megabytes.
MAX_VALUE_BYTES = 8 << 20
#: A GUID longer than this is not one (Anki and genanki write 10 characters, other tools UUIDs
#: or hashes): the note is skipped rather than a megabyte-long key stored.
MAX_GUID_CHARS = 256
#: Card data (Anki keeps the FSRS memory state there as JSON of a few dozen bytes, its custom
#: data is limited to 100 bytes): a longer value is ignored and the memory state estimated.
MAX_CARD_DATA = 4096
#: The most rows we read. AnkiWeb refuses collections over 250 MB, which hold at most about a
#: million notes and ten million reviews; a larger (well-compressed) database is refused
#: before anything is read instead of taking minutes and gigabytes.
MAX_NOTES = 1_000_000
MAX_CARDS = 2_000_000
MAX_REVIEWS = 10_000_000
#: Decks, note types, their fields and templates (issue 16 asks for 10,000 decks to work).
MAX_DECKS = 100_000
#: Schema entries (tables, indexes...): an Anki collection has about thirty.
MAX_SCHEMA_ENTRIES = 500
#: The wall-clock budget of a whole read (SQLite and Python): a backstop against SQL the schema
#: check does not foresee, far above what any database within the caps above needs.
READ_SECONDS = 120.0

# ---------------------------------------------------------------------------- number ranges

_INT32 = scheduling.MAX_COUNT  # counts and ordinals: what a 32-bit column (and Anki) holds
_INT64 = INT64
#: The longest answer time we keep, in ms. Anki caps answer times at 60 s by default (a deck
#: option, "Maximum answer seconds"); an hour is above any cap a learner sets, and a million
#: reviews of an hour still sum far below SQLite's 2^63 limit.
MAX_ANSWER_MS = 3_600_000
#: Learning intervals in the review log are negative seconds; a learning step longer than 30
#: days is not one.
MIN_LEARNING_IVL = -30 * 86400
#: FSRS stability in days: the range the scheduler keeps after every answer (Anki's FSRS's).
MIN_STABILITY, MAX_STABILITY = scheduling.MIN_STABILITY, scheduling.MAX_STABILITY
MIN_DIFFICULTY, MAX_DIFFICULTY = 1.0, 10.0
#: Review times (the review log's ids, in ms) we take as times: from 1970 to 2100. A review
#: outside is left out with a warning (clamping it would invent a review on the boundary).
FIRST_REVIEW_MS, LAST_REVIEW_MS = 0, 4_102_444_800_000
#: Note modification times, in seconds (the same range).
LAST_MOD = LAST_REVIEW_MS // 1000


# ---------------------------------------------------------------------------- note types, decks


@dataclass(frozen=True)
class _NoteType:
    cloze: bool
    fields: int
    templates: int


def _note_types(db: sqlite3.Connection, tables: set[str]) -> dict[int, _NoteType]:
    if "notetypes" in tables:
        fields = _counts(db, "fields")
        templates = _counts(db, "templates")
        out = {}
        for ntid, config in db.execute("SELECT id, config FROM notetypes"):
            raw = config if isinstance(config, bytes) else b""
            key = clamp_int(ntid, -_INT64 - 1, _INT64, 0)
            kind = proto_value(raw, 1)
            out[key] = _NoteType(kind == 1, fields.get(key, 0), templates.get(key, 0))
        return out
    models = json_object(db.execute("SELECT models FROM col").fetchone()[0])
    return {
        int(mid): _NoteType(
            clamp_int(m.get("type", 0), 0, 1, 0) == 1,
            len(m.get("flds", [])),
            len(m.get("tmpls", [])),
        )
        for mid, m in models.items()
    }


def _settled(kind: str, front: str, back: str) -> str:
    """A note's kind settled by its text.

    A cloze note without deletions makes one basic card, and so does a reversed note without
    a back.
    """
    if kind == NoteKind.CLOZE and not cloze_numbers(front):
        return NoteKind.BASIC.value
    if kind == NoteKind.REVERSED and not back.strip():
        return NoteKind.BASIC.value
    return str(kind)


def _kind(ntype: _NoteType, second: bool, front: str, back: str) -> str:
    """The kind of a note in one of Anki's note types.

    Cloze in a cloze type; reversed when its type has two templates and it has the second
    card; else basic. Then settled by its text (:func:`_settled`).
    """
    if ntype.cloze:
        kind = NoteKind.CLOZE
    elif ntype.templates == 2 and second:
        kind = NoteKind.REVERSED
    else:
        kind = NoteKind.BASIC
    return _settled(kind, front, back)


def _counts(db: sqlite3.Connection, table: str) -> dict[int, int]:
    return {
        clamp_int(ntid, -_INT64 - 1, _INT64, 0): int(count)
        for ntid, count in db.execute(f"SELECT ntid, count(*) FROM {table} GROUP BY ntid")
    }


class _Deck(NamedTuple):
    name: str
    description: str
    preset: int  # the id of its options preset (Anki's deck config); 0 if none


def _decks(db: sqlite3.Connection, tables: set[str]) -> dict[int, _Deck]:
    out: dict[int, _Deck] = {}
    if "notetypes" in tables:
        for did, name, kind in db.execute("SELECT id, name, kind FROM decks"):
            description = ""
            preset = 0
            normal = proto_value(kind if isinstance(kind, bytes) else b"", 1)
            if isinstance(normal, bytes):
                desc = proto_value(normal, 4)
                if isinstance(desc, bytes):
                    description = desc.decode("utf-8", "replace")
                conf = proto_value(normal, 1)
                preset = conf if isinstance(conf, int) else 0
            key = clamp_int(did, -_INT64 - 1, _INT64, 0)
            out[key] = _Deck(str(name).replace("\x1f", "::"), description, preset)
        return out
    decks = json_object(db.execute("SELECT decks FROM col").fetchone()[0])
    for did, deck in decks.items():
        if not isinstance(deck, dict):
            continue
        preset = clamp_int(deck.get("conf", 0), 0, _INT64, 0) if not deck.get("dyn") else 0
        out[int(did)] = _Deck(str(deck.get("name", "")), str(deck.get("desc", "") or ""), preset)
    return out


# ---------------------------------------------------------------------------- option presets


def _deck_name(name: str, fallback: str) -> str:
    if len(name) > 1000:  # not a name
        return fallback
    try:
        return normalise_deck_name(name)
    except InputError:
        return fallback


def _memory(data: str, factor: int, ivl: int, state: int) -> tuple[float, float]:
    """FSRS stability and difficulty from Anki's card data, else estimated from SM-2 values.

    Values that are not finite (NaN, Infinity, 1e400) are estimated; finite ones are clamped
    into the ranges FSRS uses.
    """
    stability = difficulty = None
    if data and len(data) <= MAX_CARD_DATA:
        try:
            parsed = json.loads(data)
        except (ValueError, RecursionError):
            parsed = None
        if isinstance(parsed, dict):
            stability, difficulty = finite(parsed.get("s")), finite(parsed.get("d"))
    if stability is None or stability <= 0:
        stability = float(max(ivl, 1)) if state != CardState.LEARNING else 1.0
    if difficulty is None:
        difficulty = 11.0 - (max(factor, 1300) / 1000 - 1.0) / 0.2
    return (
        min(max(stability, MIN_STABILITY), MAX_STABILITY),
        min(max(difficulty, MIN_DIFFICULTY), MAX_DIFFICULTY),
    )


#: The source of a note that has none (shared: it is immutable).
_NO_SOURCE = NoteSource()


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


def _unicase(a: str, b: str) -> int:
    x, y = a.casefold(), b.casefold()
    return (x > y) - (x < y)


# ---------------------------------------------------------------------------- the checks

#: Anki's tables that we read; the schema check looks at every table, these must be tables.
_VIRTUAL_RE = re.compile(r"\s*CREATE\s+VIRTUAL\s", re.IGNORECASE)


def _check_schema(db: sqlite3.Connection, origin: str) -> set[str]:
    """Refuse a schema that would run SQL of the file's choosing while we read; the tables.

    Views, triggers, virtual tables and generated columns: Anki writes none of them.

    Raises:
        InputError: If the schema holds one of them, or is far larger than Anki's.
    """
    entries = db.execute(
        "SELECT type, name, sql FROM sqlite_master LIMIT ?", (MAX_SCHEMA_ENTRIES + 1,)
    ).fetchall()
    if len(entries) > MAX_SCHEMA_ENTRIES:
        raise InputError(f"{origin} holds no Anki collection (its schema is far too large).")
    tables = set()
    for kind, name, sql in entries:
        label = str(name)[:40]
        if kind in ("view", "trigger"):
            raise InputError(
                f"{origin} holds a database {kind} ({label!r}), which Anki packages never have;"
                " it is refused."
            )
        if kind == "table":
            if _VIRTUAL_RE.match(str(sql or "")):
                raise InputError(
                    f"{origin} holds a virtual table ({label!r}), which Anki packages never have;"
                    " it is refused."
                )
            tables.add(str(name))
    for table in sorted(tables):
        quoted = table.replace('"', '""')
        for column in db.execute(f'PRAGMA table_xinfo("{quoted}")'):
            if column[6]:  # hidden: 2 or 3 is a generated column
                raise InputError(
                    f"{origin} holds a generated column ({table[:40]}.{str(column[1])[:40]}),"
                    " which Anki packages never have; it is refused."
                )
    return tables


def _nothing() -> None:
    """A ``check`` that never stops the work."""


class _Deadline:
    """A SQLite progress handler that interrupts any statement once the budget is spent.

    It also interrupts when ``check()`` raises (a cancelled import): the error is kept in
    :attr:`stopped` for the reader to raise instead of SQLite's "interrupted".
    """

    def __init__(self, seconds: float, check: Callable[[], None] = _nothing) -> None:
        self.end = time.monotonic() + seconds
        self.expired = False
        self.check = check
        self.stopped: InputError | None = None

    def __call__(self) -> int:
        if time.monotonic() > self.end:
            self.expired = True
            return 1
        try:
            self.check()
        except InputError as exc:
            self.stopped = exc
            return 1
        return 0


def read_collection(
    db_path: Path,
    origin: str,
    now: datetime,
    deck: str | None,
    *,
    check: Callable[[], None] = _nothing,
    known: Collection[str] | None = None,
) -> Incoming:
    """Read the notes, cards and review log of an Anki collection file.

    ``check()`` is called while SQLite works and between batches of rows; it raises (an
    :class:`InputError`) to stop the reading, and that error is what this function raises.

    ``known``: the GUIDs of the notes the collection has. Given, the notes new to it that need
    nothing decided but their text are left in the file (which is written to: it must be the
    import's own copy) for the importer to copy (``Incoming.bulk``,
    :mod:`~flashcards.core.exchange.bulk`); None, every note is read.

    Raises:
        InputError: If the database is damaged, is not an Anki collection, or is hostile.
    """
    deadline = _Deadline(READ_SECONDS, check)
    try:
        db = sqlite3.connect(db_path)
        db.create_collation("unicase", _unicase)  # Anki's collation of names (schema 18)
        db.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        db.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, 1 << 20)  # also caps schema statements
        db.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        db.set_progress_handler(deadline, 10_000)
    except sqlite3.Error as exc:
        raise InputError(f"{origin} holds a damaged collection ({exc}).") from None
    try:
        db.execute("PRAGMA trusted_schema = OFF")  # no functions with side effects from it
        db.execute("PRAGMA ignore_check_constraints = ON")  # quick_check would evaluate them
        if known is not None:  # the import's own copy, written to and then deleted
            db.execute("PRAGMA synchronous = OFF")
            db.execute("PRAGMA journal_mode = MEMORY")
        try:
            return _checked_read(db, db_path, origin, now, deck, check, known)
        except sqlite3.OperationalError as exc:
            if not str(exc).startswith(_NOT_UTF8):
                raise
        # Text that is not UTF-8 (Anki writes none): read again, with U+FFFD for what cannot
        # be decoded. The C decoder of the first attempt is the fast path (a Python text
        # factory was called for every value: 40,000 calls for 10,000 notes).
        db.text_factory = _text
        return _checked_read(db, db_path, origin, now, deck, check, None)
    except sqlite3.Error as exc:
        if deadline.stopped is not None:
            raise deadline.stopped from None
        if deadline.expired:
            raise InputError(
                f"{origin} took too long to read (over {READ_SECONDS:.0f} s); it is refused."
            ) from None
        if isinstance(exc, sqlite3.DataError):
            raise InputError(
                f"{origin} holds a value over {MAX_VALUE_BYTES >> 20} MiB; it is refused."
            ) from None
        raise InputError(f"{origin} holds a damaged collection ({_one_line(exc)}).") from None
    except RecursionError:
        raise InputError(f"{origin} holds data nested too deeply to read.") from None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as exc:
        # Untrusted content that passed SQLite's checks but not ours (bad JSON, bad numbers).
        raise InputError(
            f"{origin} holds a damaged collection ({exc.__class__.__name__}: {_one_line(exc)})."
        ) from None
    finally:
        db.close()


#: How Python's sqlite3 begins the error for text that is not UTF-8 (with its own decoder).
_NOT_UTF8 = "Could not decode to UTF-8"


def _checked_read(
    db: sqlite3.Connection,
    db_path: Path,
    origin: str,
    now: datetime,
    deck: str | None,
    check: Callable[[], None],
    known: Collection[str] | None,
) -> Incoming:
    """Check the schema, the file and the counts, then read (see :func:`read_collection`)."""
    tables = _check_schema(db, origin)
    verdict = db.execute("PRAGMA quick_check").fetchone()
    if not verdict or verdict[0] != "ok":
        raise InputError(f"{origin} holds a damaged collection database.")
    if not {"col", "notes", "cards"} <= tables:
        raise InputError(f"{origin} holds no Anki collection (tables are missing).")
    _check_counts(db, tables, origin)
    check()
    return _read(db, tables, origin, now, deck, check, (db_path, known))


def _check_counts(db: sqlite3.Connection, tables: set[str], origin: str) -> None:
    caps = {
        "notes": (MAX_NOTES, "notes"),
        "cards": (MAX_CARDS, "cards"),
        "revlog": (MAX_REVIEWS, "reviews"),
        "decks": (MAX_DECKS, "decks"),
        "deck_config": (MAX_DECKS, "option presets"),
        "notetypes": (MAX_DECKS, "note types"),
        "fields": (MAX_DECKS, "note type fields"),
        "templates": (MAX_DECKS, "card templates"),
    }
    for table, (cap, what) in caps.items():
        if table not in tables:
            continue
        count = db.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT ?)", (cap + 1,))
        if int(count.fetchone()[0]) > cap:
            raise InputError(f"{origin} holds more than {cap:,} {what}; it is refused.")


def _scan(
    db: sqlite3.Connection,
    columns: str,
    table: str,
    skipped: list[int],
    where: str = "1",
    check: Callable[[], None] = _nothing,
) -> Iterator[tuple[Any, ...]]:
    """The rows of ``table`` in rowid order (rowid first); a row too big to read is skipped.

    ``check()`` runs before each batch of 1,000 rows (it raises to stop: a cancelled import).

    SQLite raises "string or blob too big" instead of materialising a value over the length
    limit; the scan then steps over that one row (counted in ``skipped[0]``) and goes on.
    """
    start = -(2**63)
    select = f"SELECT rowid, {columns} FROM {table} WHERE rowid >= ? AND ({where}) ORDER BY rowid"
    while start <= _INT64:
        try:
            cursor = db.execute(select, (start,))
            while True:
                check()
                batch = cursor.fetchmany(1000)
                if not batch:
                    break
                start = int(batch[-1][0]) + 1
                yield from batch
            return
        except sqlite3.DataError:
            pass
        try:  # the first row not read yet, alone: it may be fine (SQLite may read ahead)
            row = db.execute(select + " LIMIT 1", (start,)).fetchone()
        except sqlite3.DataError:
            skipped[0] += 1
            row = db.execute(
                f"SELECT rowid FROM {table} WHERE rowid >= ? AND ({where}) ORDER BY rowid LIMIT 1",
                (start,),
            ).fetchone()
            start = int(row[0]) + 1
            continue
        if row is None:
            return
        start = int(row[0]) + 1
        yield row


def _clamped(column: str, low: int, high: int, default: int, *, integer: bool = False) -> str:
    """SQL for :func:`clamp_int` of a column, evaluated by SQLite (millions of values).

    ``integer``: the column is known to hold integers only (the rest is the same for them).
    """
    bounded = f"min(max({column}, {low}), {high})"
    if integer:
        return bounded
    return (
        f"CASE typeof({column}) WHEN 'integer' THEN {bounded}"
        f" WHEN 'real' THEN CAST({bounded} AS INTEGER) ELSE {default} END"
    )


def _id(column: str, *, integer: bool = False) -> str:
    # -(2**63 - 1): SQLite reads the literal -9223372036854775808 as a real.
    return _clamped(column, -_INT64, _INT64, 0, integer=integer)


def _package_sql(*, integer: bool = False) -> PackageSql:
    """The reader's SQL for the columns the bulk selection reads too (see ``PackageSql``).

    A card's home deck is the deck it came from when it is in a filtered deck.
    """
    odid, did = _id("odid", integer=integer), _id("did", integer=integer)
    return PackageSql(
        home=f"CASE WHEN {odid} != 0 THEN {odid} ELSE {did} END",
        card_id=_id("id", integer=integer),
        type=_clamped("type", -1, 3, 0, integer=integer),
        queue=_clamped("queue", -3, 4, 0, integer=integer),
        flags=_clamped("flags", 0, _INT32, 0, integer=integer),
        mod=_clamped("mod", 0, LAST_MOD, 0, integer=integer),
    )


_READ_SQL = _package_sql()
_HOME_SQL, _TYPE_SQL, _QUEUE_SQL = _READ_SQL.home, _READ_SQL.type, _READ_SQL.queue
_FLAGS_SQL, _MOD_SQL = _READ_SQL.flags, _READ_SQL.mod
#: The same for the notes left for the bulk copy: the selection reads them once it has found
#: every number of those columns an integer (see bulk.select_bulk).
_BULK_SQL = _package_sql(integer=True)

#: A card row, every number clamped by SQLite (see :class:`_Card`).
_CARDS_SQL = ", ".join(
    (
        _id("id"),
        _id("nid"),
        _clamped("ord", -1, _INT32, -1),  # a negative ordinal: no card of ours
        _HOME_SQL,
        _TYPE_SQL,
        _QUEUE_SQL,
        # In a filtered deck: its home due.
        f"CASE WHEN {_id('odid')} != 0 AND {_id('odue')} != 0 THEN {_id('odue')}"
        f" ELSE {_id('due')} END",
        _clamped("ivl", 0, MAX_DAYS, 0),
        _clamped("factor", 0, 100_000, 2500),
        _clamped("reps", 0, _INT32, 0),
        _clamped("lapses", 0, _INT32, 0),
        _clamped("left", 0, _INT32, 0),
        f"CASE WHEN typeof(data) = 'text' AND length(data) <= {MAX_CARD_DATA} THEN data"
        " ELSE '' END",
        _FLAGS_SQL,
    )
)
#: A review row (time, card, button, interval, answer time, kind, factor), numbers clamped.
_REVIEWS_SQL = ", ".join(
    (
        _id("id"),
        _id("cid"),
        _clamped("ease", 0, 5, 0),
        _clamped("ivl", MIN_LEARNING_IVL, MAX_DAYS, 0),
        _clamped("time", 0, MAX_ANSWER_MS, 0),
        _clamped("type", 0, 9, 9),
        _clamped("factor", 0, _INT32, 0),
    )
)
#: Only answers (buttons 1-4) of learning, review, relearning and filtered reviews.
_REVIEWS_WHERE = f"{_clamped('ease', 0, 5, 0)} BETWEEN 1 AND 4 AND {_clamped('type', 0, 9, 9)} <= 3"
#: Anki's record of a card reset to new (Forget): kind Manual, no button, no ease factor.
_RESETS_WHERE = (
    f"{_clamped('type', 0, 9, 9)} = 4 AND {_clamped('ease', 0, 5, 0)} = 0"
    f" AND {_clamped('factor', 0, _INT32, 1)} = 0"
)


class _Card(NamedTuple):
    """A card row of the package (rowid first), its numbers clamped by :data:`_CARDS_SQL`."""

    rowid: int
    cid: int
    nid: int
    ord: int
    home: int
    ctype: int
    queue: int
    due: int
    ivl: int
    factor: int
    reps: int
    lapses: int
    left: int
    data: str
    flags: int


#: What an Anki card's data holds that the card's own columns here already say.
_MEMORY_KEYS = frozenset({"s", "d", "lrt"})


def _data_extras(data: str) -> str | None:
    """What an Anki card's ``data`` holds besides its memory state, as JSON; None if nothing.

    ``pos`` (the position Forget restores), ``dr`` and ``decay`` and whatever a later Anki
    adds go back to Anki with the card; the memory state is the card's own here.
    """
    if not data or len(data) > MAX_CARD_DATA:
        return None
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError):
        return None
    if not isinstance(parsed, dict):
        return None
    extras = {k: v for k, v in parsed.items() if k not in _MEMORY_KEYS}
    return json.dumps(extras, separators=(",", ":"), ensure_ascii=False) if extras else None


def _last_review_time(data: str) -> int | None:
    """Anki's last review time of a card (``lrt`` in its data, seconds), if it has one."""
    if not data or len(data) > MAX_CARD_DATA or '"lrt"' not in data:
        return None
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError):
        return None
    value = parsed.get("lrt") if isinstance(parsed, dict) else None
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if FIRST_REVIEW_MS <= value * 1000 < LAST_REVIEW_MS else None


def _history(logs: list[tuple[int, ...]]) -> list[IncomingReview]:
    """A card's answers (rowid, time, card, button, interval, taken, kind, factor)."""
    history = []
    seen_first = False
    for _rowid, when, _cid, ease, rivl, taken, rtype, factor in logs:
        # Anki's cramming entry (``is_cramming``): a preview answer, which changed nothing.
        preview = rtype == 3 and factor == 0
        if rtype == 0:
            before = CardState.LEARNING if seen_first else CardState.NEW
        else:
            before = {1: CardState.REVIEW, 2: CardState.RELEARNING}.get(rtype, CardState.REVIEW)
        seen_first = seen_first or not preview
        if rivl > 0:
            after, days = CardState.REVIEW, float(rivl)
        else:
            after = CardState.RELEARNING if rtype in (1, 2) else CardState.LEARNING
            days = -rivl / 86400
        history.append(
            IncomingReview(aware(when / 1000), ease, taken, before, after, days, factor, preview)
        )
    return history


def _read(
    db: sqlite3.Connection,
    tables: set[str],
    origin: str,
    now: datetime,
    deck: str | None,
    check: Callable[[], None] = _nothing,
    bulk_from: tuple[Path, Collection[str] | None] = (Path(), None),
) -> Incoming:
    fallback = deck or _deck_name(Path(origin).stem, "Imported")
    now_s = int(now.timestamp())
    crt = clamp_int(db.execute("SELECT crt FROM col").fetchone()[0], 0, LAST_MOD, 0)
    source_today = (now_s - crt) // 86400
    types = _note_types(db, tables)
    anki_types = read_notetypes(db, tables)
    decks = _decks(db, tables)
    incoming = Incoming(notes=[], main_deck=fallback)
    db.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_NOTE_BYTES)
    too_big = [0]
    deck_names: dict[int, str] = {}  # a deck's name as the notes get it, by its id

    def deck_of(home: int) -> str:
        """The deck a note goes into here, by the package deck of its first card."""
        name = deck or deck_names.get(home)
        if name is None:
            name = _deck_name(decks[home].name if home in decks else "", fallback)
            deck_names[home] = name
        return name

    def kind_of(mid: int, second: int, flds: str) -> str:
        """A copied note's kind (:func:`_kind`), for the notes that need more than its type.

        A note of another type than these, or of a two-template type without its second
        card, is basic: the copy does not ask (see ``BulkNotes.cloze_types``).
        """
        ntype = types.get(mid) or _NoteType(False, 0, 1)
        return _kind(ntype, bool(second), field_text(flds, 0), field_text(flds, 1))

    cloze_types = frozenset(mid for mid, t in types.items() if t.cloze)
    pair_types = frozenset(mid for mid, t in types.items() if not t.cloze and t.templates == 2)

    path, known = bulk_from
    bulk = None
    if known is not None:
        own = [mid for mid in anki_types if mid not in KIND_OF_MODEL]
        try:
            if select_bulk(db, tables, _BULK_SQL, own, known):
                kinds = (kind_of, cloze_types, pair_types)
                bulk = bulk_summary(db, path, deck_of, kinds)
        except sqlite3.Error:
            check()  # a cancel stops the import; anything else: every note is read
            drop_bulk(db)
    card_where = f"nid NOT IN (SELECT nid FROM {NOTES_TABLE})" if bulk else "1"
    note_where = f"rowid NOT IN (SELECT row FROM {NOTES_TABLE})" if bulk else "1"

    cards: dict[int, list[_Card]] = {}
    for row in _scan(db, _CARDS_SQL, "cards", too_big, card_where, check):
        card = _Card._make(row)
        cards.setdefault(card.nid, []).append(card)
    for note_cards in cards.values():
        if len(note_cards) > 1:  # most notes have one card
            note_cards.sort(key=lambda c: c.ord)
    reviews: dict[int, list[tuple[int, ...]]] = {}
    outside = 0
    if "revlog" in tables:
        for row in _scan(db, _REVIEWS_SQL, "revlog", too_big, _REVIEWS_WHERE, check):
            if FIRST_REVIEW_MS <= row[1] < LAST_REVIEW_MS:
                reviews.setdefault(row[2], []).append(row)
            else:
                outside += 1
    resets: dict[int, int] = {}
    if "revlog" in tables:
        for _rowid, when, cid in _scan(
            db, f"{_id('id')}, {_id('cid')}", "revlog", too_big, _RESETS_WHERE, check
        ):
            if FIRST_REVIEW_MS <= when < LAST_REVIEW_MS:
                resets[cid] = max(when, resets.get(cid, when))
    if outside:
        incoming.warnings.append(
            f"{outside} review(s) with an impossible time (before 1970 or after 2099) were left"
            " out."
        )

    presets = read_presets(db, tables)

    def preset_of(deck_id: int) -> AnkiPreset | None:
        """The options preset of a deck, as the package has it.

        A deck on Anki's Default preset gets the package's Default: Anki writes the Default
        of the fresh collection it exports through (never the sender's own), so these are
        Anki's standard options, which most decks on Default have.
        """
        home = decks.get(deck_id)
        if home is None or home.preset not in presets:
            return None
        return presets[home.preset]

    def step_counts(deck_id: int) -> tuple[int, int]:
        """How many learning and relearning steps a card of this deck has (to place it)."""
        found = preset_of(deck_id)
        settings = found.settings if found is not None else DeckSettings()
        return (
            len(scheduling.parse_steps(settings.learning_steps)),
            len(scheduling.parse_steps(settings.relearning_steps)),
        )

    def day(number: int) -> datetime:
        return now + timedelta(days=min(max(number - source_today, -MAX_DAYS), MAX_DAYS))

    def card_of(c: _Card) -> IncomingCard | None:
        logs = reviews.get(c.cid, [])
        flags = c.flags & 7  # the flag; Anki keeps the higher bits for itself
        if c.ctype == 0 and not logs and c.queue >= 0 and not flags:
            return None  # a new card like any other
        history = _history(logs)
        # Anki's queues: -1 suspended, -2 buried by a sibling, -3 buried by the learner.
        suspended, buried, by_user = c.queue == -1, c.queue in (-2, -3), c.queue == -3
        if c.ctype == 0:
            # New, or reset to new after reviews (Anki's Forget): no memory state, its history
            # kept. It comes after the new cards that were new before it was reset, as in Anki.
            last = max(r[1] for r in logs) if logs else None
            reset = resets.get(c.cid)
            after_reviews = reset is not None and (last is None or reset > last)
            reset_at = aware(reset / 1000) if reset is not None and after_reviews else None
            return IncomingCard(
                state=CardState.NEW,
                step=None,
                stability=None,
                difficulty=None,
                due=min(reset_at, now) if reset_at is not None else now,
                last_review=None,
                reps=c.reps,
                lapses=c.lapses,
                suspended=suspended,
                reviews=history,
                flags=flags,
                buried=buried,
                buried_by_user=by_user,
                reset_at=reset_at,
                anki_data=_data_extras(c.data),
            )
        state = {1: CardState.LEARNING, 2: CardState.REVIEW, 3: CardState.RELEARNING}.get(
            c.ctype, CardState.LEARNING
        )
        lrt = _last_review_time(c.data)
        if lrt is not None:  # Anki's own last review time (cramming in a filtered deck is not)
            last_review: datetime | None = min(aware(lrt), now)
        else:
            last_review = min(aware(logs[-1][1] / 1000), now) if logs else None
        if state == CardState.REVIEW:
            due_at = day(c.due)
            if last_review is None:
                last_review = due_at - timedelta(days=max(c.ivl, 1))
            step = None
        else:
            if c.queue == 1 or c.due > 1_000_000_000:  # a time in seconds, else a day number
                span = MAX_DAYS * 86400
                due_at = aware(min(max(c.due, now.timestamp() - span), now.timestamp() + span))
            else:
                due_at = day(c.due)
            learn_steps, relearn_steps = step_counts(c.home)
            steps = learn_steps if state == CardState.LEARNING else relearn_steps
            step = min(max(0, steps - c.left % 1000), max(0, steps - 1))
            if last_review is None:
                last_review = min(due_at, now)
        stability, difficulty = _memory(c.data, c.factor, c.ivl, state)
        return IncomingCard(
            state=state,
            step=step,
            stability=stability,
            difficulty=difficulty,
            due=due_at,
            last_review=last_review,
            reps=c.reps,
            lapses=c.lapses,
            suspended=suspended,
            reviews=history,
            flags=flags,
            buried=buried,
            buried_by_user=by_user,
            anki_data=_data_extras(c.data),
        )

    notes_too_big = [0]
    skipped = bad_cloze = bad_guid = 0
    # Modification times as datetimes, each made once: notes added or edited together share
    # one (``mod`` is clamped to seconds from 1970 to 2100 by the query).
    times: dict[int, datetime] = {}
    no_cards: list[_Card] = []
    for rowid, nid, guid, mid, mod, tags, flds in _scan(
        db,
        f"{_id('id')}, guid, {_id('mid')}, {_MOD_SQL}, tags, flds",
        "notes",
        notes_too_big,
        note_where,
        check,
    ):
        guid = guid if type(guid) is str else str(guid)
        if len(guid) > MAX_GUID_CHARS:
            bad_guid += 1
            continue
        raw = (flds if type(flds) is str else str(flds)).split("\x1f")
        note_cards = cards.get(nid, no_cards)
        ntype = types.get(mid) or _NoteType(False, len(raw), 1)
        kind = KIND_OF_MODEL.get(mid)
        # As text: the front and back, and our own note types' source fields (the rest stay
        # HTML in anki_fields; converting every field of 10,000 notes was a fifth of a read).
        fields = [html_to_text(f) for f in raw[: 5 if kind is not None else 2]]
        # A note in one of Anki's note types keeps it, to go back to Anki unchanged.
        own_type = mid if kind is None and mid in anki_types else None
        source = _NO_SOURCE
        front = fields[0]
        back = fields[1] if len(fields) > 1 else ""
        if kind is not None and len(raw) == 5:
            source = NoteSource(fields[4], fields[3], fields[2])
            kind = _settled(kind, front, back)
        else:
            kind = _kind(ntype, any(c.ord == 1 for c in note_cards), front, back)
        if not guid or (not front.strip() and own_type is None):
            skipped += 1
            continue
        if own_type is not None:
            # Every card Anki gave the note, whatever our kind would make of it: its note type
            # decides (it is shown, edited and exported as that note type), and a template
            # beyond our kinds' one or two is no reason to lose a card and its history.
            wanted = {c.ord for c in note_cards if c.ord >= 0}
        else:
            wanted = set(card_ords(kind, front))
            if max(wanted, default=0) > _INT32:  # a cloze number no card ordinal can hold
                bad_cloze += 1
                continue
        name = deck_of(note_cards[0].home if note_cards else 0)
        scheduled = {}
        for c in note_cards:
            if c.ord in wanted:
                made = card_of(c)
                if made is not None:
                    scheduled[c.ord] = made
        incoming.notes.append(
            IncomingNote(
                guid=guid,
                kind=kind,
                front=front,
                back=back,
                tags=tags_of(tags if type(tags) is str else str(tags)),
                deck=name,
                source=source,
                modified=times.get(mod) or times.setdefault(mod, aware(mod)),
                cards=scheduled,
                anki_notetype=own_type,
                anki_fields=tuple(raw) if own_type is not None else None,
                anki_card_ids={c.ord: c.cid for c in note_cards if c.ord in wanted}
                if own_type is not None
                else {},
                row=rowid,
            )
        )
    used = {n.anki_notetype for n in incoming.notes} | (bulk.notetypes if bulk else set())
    incoming.notetypes = {mid: anki_types[mid] for mid in anki_types if mid in used}
    if skipped:
        incoming.warnings.append(f"{skipped} note(s) with an empty first field were skipped.")
    if notes_too_big[0]:
        incoming.warnings.append(
            f"{notes_too_big[0]} note(s) larger than {MAX_NOTE_BYTES >> 20} MiB were skipped."
        )
    if bad_guid:
        incoming.warnings.append(
            f"{bad_guid} note(s) with a GUID over {MAX_GUID_CHARS} characters were skipped."
        )
    if bad_cloze:
        incoming.warnings.append(
            f"{bad_cloze} note(s) with an impossible cloze number were skipped."
        )
    if too_big[0]:
        incoming.warnings.append(
            f"{too_big[0]} card or review row(s) holding a value over"
            f" {MAX_NOTE_BYTES >> 20} MiB were left out."
        )
    if deck is None:
        for deck_id, (name, description, _preset) in decks.items():
            if description and len(description) <= MAX_NOTE_BYTES:
                incoming.descriptions[_deck_name(name, fallback)] = html_to_text(description)
            found = preset_of(deck_id)
            if found is not None:
                incoming.presets[_deck_name(name, fallback)] = found
    if bulk is not None and (not incoming.notes or bulk.rows[0] < (incoming.notes[0].row or 0)):
        incoming.main_deck = bulk.first_deck.split("::")[0] if deck is None else deck
    elif incoming.notes:
        incoming.main_deck = incoming.notes[0].deck.split("::")[0] if deck is None else deck
    incoming.bulk = bulk
    return incoming
