"""Importing Anki packages and text files: one transaction that succeeds or changes nothing."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from flashcards.core import anki_types
from flashcards.core.changes import Change, OpResult, announce
from flashcards.core.collection import Collection
from flashcards.core.cycles import cycle_collection_paused
from flashcards.core.db import begin_now
from flashcards.core.deck_names import normalise_deck_name
from flashcards.core.enums import RESET_RATING, CardState
from flashcards.core.errors import InputError
from flashcards.core.exchange.anki_presets import anki_id_of
from flashcards.core.exchange.ankidb import read_collection
from flashcards.core.exchange.archive import open_package
from flashcards.core.exchange.bulk import BulkNotes, attached, copy_bulk, number_read
from flashcards.core.exchange.common import (
    AnkiPreset,
    Incoming,
    IncomingCard,
    IncomingNote,
    content_guid,
    fields_json,
)
from flashcards.core.exchange.export import guid_of
from flashcards.core.exchange.package_media import stage_media
from flashcards.core.exchange.report import REFUSED_WARNING, ImportReport
from flashcards.core.exchange.text import TextOptions, read_text
from flashcards.core.models import (
    ANKI_DEFAULT_PRESET_ID,
    DEFAULT_PRESET_ID,
    AnkiNoteType,
    epoch_ms,
    table_of,
    utcnow_guard,
)
from flashcards.core.notes import reviewed_card_ids
from flashcards.core.notetypes import card_ords, note_values
from flashcards.core.presets import DeckSettings, insert_preset
from flashcards.core.review_match import duplicate_reviews
from flashcards.core.tables import CARD, DECK, LOG, NOTE, PRESET
from flashcards.core.template_render import NoteTypeSpec

NOTETYPE: Table = table_of(AnkiNoteType)
_CHUNK = 500
_ZIP_MAGIC = b"PK\x03\x04"
#: Rows written per statement inside the import's transaction; a cancel is checked between.
WRITE_BATCH = 5000
#: Notes prepared (or compared) between two checks for a cancel.
CHECK_NOTES = 2000

CANCELLED_MESSAGE = "The import was cancelled; nothing was changed."


class ImportCancelled(InputError):  # noqa: N818 (the name the GUI and the issue use)
    """The user cancelled an import; its transaction was rolled back, nothing changed."""

    def __init__(self, message: str = CANCELLED_MESSAGE) -> None:
        super().__init__(message)


#: Called at the import's safe points; raises :class:`ImportCancelled` to stop it.
Check = Callable[[], None]


def _never() -> None:
    """A :data:`Check` for an import nobody can cancel."""


def _checker(cancelled: Callable[[], bool] | None) -> Check:
    """A :data:`Check` that raises :class:`ImportCancelled` once ``cancelled()`` is true."""
    if cancelled is None:
        return _never

    def check() -> None:
        if cancelled():
            raise ImportCancelled()

    return check


@dataclass
class ExchangeReport(ImportReport):
    """What an import from Anki did, with what it had to leave out."""

    skipped: int = 0


def import_file(
    col: Collection,
    path: Path | str,
    now: datetime,
    deck: str | None = None,
    *,
    options: TextOptions | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> OpResult[ExchangeReport]:
    """Import an Anki package (``.apkg``/``.colpkg``), an Anki text file or a plain CSV/TSV.

    Notes are matched by GUID, so importing the same file again changes nothing; a note from
    a package replaces ours only if it was modified later. Scheduling and review history in a
    package come along. The import is one transaction.

    Args:
        col: The collection.
        path: The file.
        now: The import time.
        deck: Put every note into this deck (for text files: instead of the file name).
        options: For a text file: what the import dialog chose (separator, columns, note
            kind, tags, what to do with notes the collection has); None: the file's own.
        cancelled: Asked at safe points (between chunks while a package is unpacked, every
            few thousand rows while it is read, before and while writing); once it returns
            True the import stops. It may be called from another thread than the one that
            sets what it reads (a :class:`threading.Event`'s ``is_set``).

    Returns:
        What was added, updated and left unchanged; the changes (see :func:`apply_incoming`).

    Raises:
        ImportCancelled: If ``cancelled()`` turned true: the transaction was rolled back and
            the temporary folder removed, so nothing changed.
        InputError: If the file cannot be read, is damaged or hostile (one sentence).
    """
    check = _checker(cancelled)
    check()
    now = utcnow_guard(now)
    path = Path(path)
    target = normalise_deck_name(deck) if deck else None
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise InputError(f"{path.name} cannot be read ({exc.strerror or exc}).") from None
    # Tens of thousands of notes, cards and rows, none in a cycle: the collector would walk
    # them over and over (a tenth of a 10,000-note import).
    with cycle_collection_paused():
        if path.suffix.lower() in {".apkg", ".colpkg", ".zip"} or magic == _ZIP_MAGIC:
            # Unpacked beside the media folder when there is one (a file that needs a second
            # look, its name taken, moves in from there instead of being copied).
            staging = col.media.folder.parent if col.media.folder is not None else None
            if staging is not None:
                staging.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(prefix="flashcards-import-", dir=staging) as tmp:
                return _import_package(col, path, Path(tmp), now, target, check)
        incoming = read_text(path, target, options=options, check=check, notetypes=_kept_types(col))
        return apply_incoming(col, incoming, now, check=check)


def _kept_types(col: Collection) -> list[tuple[int, NoteTypeSpec]]:
    """The collection's readable Anki note types (id, type), in id order, for a text file."""
    with col.engine.connect() as conn:
        rows = conn.execute(select(NOTETYPE.c.id, NOTETYPE.c.config).order_by(NOTETYPE.c.id))
        specs = [(int(i), anki_types.notetype_of(str(config))) for i, config in rows]
    return [(i, spec) for i, spec in specs if spec is not None]


def _import_package(
    col: Collection, path: Path, work: Path, now: datetime, deck: str | None, check: Check
) -> OpResult[ExchangeReport]:
    """Import a package unpacked in ``work``: its media files first, then its notes.

    The notes are written once every file is in the media folder, with the names the files
    got there; if writing them fails or is cancelled, the files added are removed again.
    """
    known = _known_guids(col)
    with open_package(path, work, check=check) as package:
        incoming = read_collection(
            package.collection, path.name, now, deck, check=check, known=known
        )
        staged = stage_media(col.media, package, incoming, work, check)
    try:
        incoming.warnings[:0] = package.warnings + staged.warnings
        result = apply_incoming(col, incoming, now, check=check)
    except BaseException:
        staged.undo()
        raise
    result.value.media_added = staged.added
    return result


def _known_guids(col: Collection) -> set[str] | None:
    """The GUIDs the collection's notes have in packages (None: not a SQLite collection)."""
    if col.engine.dialect.name != "sqlite":
        return None  # the bulk copy attaches the package's database: SQLite only
    with col.engine.connect() as conn:
        return {guid_of(str(u)) for (u,) in conn.execute(select(NOTE.c.uid))}


def _fields_json(note: IncomingNote) -> str | None:
    """The note's Anki fields as the column stores them (None: not in an Anki note type)."""
    return None if note.anki_fields is None else fields_json(note.anki_fields)


def _keep_notetypes(conn: Connection, incoming: Incoming, now: datetime) -> None:
    """Store (or refresh) the Anki note types that the incoming notes use.

    A note type that comes as it is kept keeps its modification time: a re-import changes
    nothing, and a sync does not take it for an edit that wins over another device's.
    """
    used = {n.anki_notetype for n in incoming.notes if n.anki_notetype is not None}
    if incoming.bulk is not None:
        used |= incoming.bulk.notetypes
    for mid in sorted(used):
        config = incoming.notetypes.get(mid)
        if config is None:
            continue
        values = {"name": str(config.get("name", "")), "config": json.dumps(config)}
        kept = conn.execute(
            select(NOTETYPE.c.name, NOTETYPE.c.config).where(NOTETYPE.c.id == mid)
        ).first()
        if kept is None:
            conn.execute(insert(NOTETYPE).values(id=mid, modified=now, **values))
        elif tuple(kept) != (values["name"], values["config"]):
            stmt = update(NOTETYPE).where(NOTETYPE.c.id == mid)
            conn.execute(stmt.values(modified=now, **values))


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _ensure_decks(
    conn: Connection,
    names: Iterable[str],
    descriptions: dict[str, str],
    now: datetime,
    presets: dict[str, AnkiPreset] | None = None,
) -> tuple[dict[str, int], bool]:
    """The ids of the decks ``names`` (and their parents), created if missing.

    A deck created here goes on its Anki preset in ``presets`` (else on Default); a deck that
    exists keeps the preset it has. See :func:`_take_preset` for how Anki presets become ours.

    Returns:
        The ids by name, and whether any preset was added or changed.
    """
    presets = presets or {}
    known = {
        str(r[1]): (int(r[0]), str(r[2]))
        for r in conn.execute(select(DECK.c.id, DECK.c.name, DECK.c.description))
    }
    ids: dict[str, int] = {}
    wanted = set(names)
    # A description updates a deck that exists or arrives; it never creates an empty deck.
    wanted |= {n for n in descriptions if n in known or any(w.startswith(n + "::") for w in names)}
    taken: dict[int, int] = {}
    options_written = False
    exported: dict[int, int] = {}
    if presets:  # the Anki ids our presets went out under (an export of ours coming back)
        exported = {
            anki_id_of(r): int(r["id"])
            for r in conn.execute(select(PRESET).order_by(PRESET.c.id.desc())).mappings()
        }
    for anki_preset in presets.values():
        if anki_preset.id not in taken:
            taken[anki_preset.id], written = _take_preset(conn, anki_preset, exported)
            options_written |= written
    for name in sorted(wanted, key=lambda n: n.count("::")):
        parts = name.split("::")
        for depth in range(1, len(parts) + 1):
            partial = "::".join(parts[:depth])
            description = descriptions.get(partial, "")
            if partial not in known:
                preset = presets.get(partial)
                inserted = conn.execute(
                    insert(DECK).values(
                        name=partial,
                        description=description,
                        created=now,
                        modified=now,
                        preset_id=DEFAULT_PRESET_ID if preset is None else taken[preset.id],
                    )
                ).inserted_primary_key
                assert inserted is not None
                new_id = int(inserted[0])
                known[partial] = (int(new_id), description)
            elif description and known[partial][1] != description:
                conn.execute(
                    update(DECK)
                    .where(DECK.c.id == known[partial][0])
                    .values(description=description, modified=now)
                )
                known[partial] = (known[partial][0], description)
            ids[partial] = known[partial][0]
    return ids, options_written


def _take_preset(
    conn: Connection, preset: AnkiPreset, exported: dict[int, int]
) -> tuple[int, bool]:
    """Our preset for an Anki preset.

    Anki's Default (id 1) is our Default; any other is the preset here with its Anki id, or
    the one of ours that went to Anki under that id (``exported``), made (with its name,
    options and time) when there is none, so that decks sharing a preset in Anki share one
    here and a second import makes no other. A preset here changes only when the package's is
    newer (Anki's modified time against ours).

    Returns:
        Our preset's id, and whether a preset was added or changed.
    """
    if preset.id == ANKI_DEFAULT_PRESET_ID:
        found = conn.execute(select(PRESET).where(PRESET.c.id == DEFAULT_PRESET_ID))
    else:
        found = conn.execute(
            select(PRESET).where(PRESET.c.anki_preset_id == preset.id).order_by(PRESET.c.id)
        )
    row = found.mappings().first()
    if row is None and preset.id in exported:
        row = (
            conn.execute(select(PRESET).where(PRESET.c.id == exported[preset.id]))
            .mappings()
            .first()
        )
    if row is None:
        made = insert_preset(
            conn,
            preset.name or "Anki",
            preset.settings,
            preset.modified,
            anki_id=preset.id,
            anki_config=preset.config,
        )
        return made, True
    preset_id = int(row["id"])
    same = DeckSettings.from_columns(row) == preset.settings and row["anki_config"] == preset.config
    if preset.modified <= row["modified"] or (same and row["name"] == preset.name):
        return preset_id, False
    values: dict[str, Any] = {
        "modified": preset.modified,
        "anki_modified": preset.modified,
        "anki_config": preset.config,
    }
    if preset_id != DEFAULT_PRESET_ID and preset.name:
        values["name"] = preset.name
    conn.execute(
        update(PRESET).where(PRESET.c.id == preset_id).values(**values, **preset.settings.columns())
    )
    return preset_id, True


def _card_values(card: IncomingCard | None, now: datetime, bury_until: datetime) -> dict[str, Any]:
    """A card's scheduling columns; ``bury_until``: when a buried card comes back."""
    if card is None:
        return {
            "state": CardState.NEW.value,
            "step": None,
            "stability": None,
            "difficulty": None,
            "due": now,
            "last_review": None,
            "reps": 0,
            "lapses": 0,
            "suspended": False,
            "buried_until": None,
            "buried_by_user": False,
            "flags": 0,
            "anki_data": None,
        }
    return {
        "state": card.state,
        "step": card.step,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "due": card.due,
        "last_review": card.last_review,
        "reps": card.reps,
        "lapses": card.lapses,
        "suspended": card.suspended,
        # Anki unburies every buried card when its next day starts, whatever day it was
        # buried on: here, when our next learner day starts.
        "buried_until": bury_until if card.buried else None,
        "buried_by_user": card.buried_by_user,
        "flags": card.flags,
        "anki_data": card.anki_data,
    }


def _log_rows(
    card_id: int, deck_id: int, card: IncomingCard, logged: list[tuple[int, int, bool]]
) -> list[Any]:
    """Log rows for a card's incoming reviews that its log lacks.

    ``logged`` holds the card's log as (ms, rating, imported) tuples.

    A review that is a copy of a logged one (it went out in a package and came back) or that
    the package repeats is left out (:func:`duplicate_reviews`). A reset to new (Anki's Forget)
    after the reviews becomes a reset row (no button), as our Forget writes, unless the log has
    it: sync's replay of the log then ends with the card new, as Anki has it.
    """
    both = [(-1, ms, rating, imported) for ms, rating, imported in logged]
    both += [(i, epoch_ms(v.reviewed_at), v.rating, True) for i, v in enumerate(card.reviews)]
    known = set(duplicate_reviews(both))
    rows = []
    for index, review in enumerate(card.reviews):
        if index in known:
            continue
        rows.append(
            {
                "card_id": card_id,
                "deck_id": deck_id,
                "rating": review.rating,
                "reviewed_at": review.reviewed_at,
                "duration_ms": review.duration_ms,
                "state_before": review.state_before,
                "state_after": review.state_after,
                "interval_days": review.interval_days,
                "stability_after": None,
                "difficulty_after": None,
                "prev_step": None,
                "prev_stability": None,
                "prev_difficulty": None,
                "prev_due": review.reviewed_at,
                "prev_last_review": None,
                "prev_reps": index,
                "prev_lapses": 0,
                "buried_siblings": "",
                "anki_factor": review.anki_factor,
                "preview": review.preview,
            }
        )
    if card.reset_at is not None:
        at = epoch_ms(card.reset_at)
        if not any(rating == RESET_RATING and ms == at for ms, rating, _ in logged):
            before = card.reviews[-1].state_after if card.reviews else int(CardState.REVIEW)
            rows.append(
                {
                    "card_id": card_id,
                    "deck_id": deck_id,
                    "rating": RESET_RATING,
                    "reviewed_at": card.reset_at,
                    "duration_ms": 0,
                    "state_before": before,
                    "state_after": int(CardState.NEW),
                    "interval_days": 0.0,
                    "stability_after": None,
                    "difficulty_after": None,
                    "prev_step": None,
                    "prev_stability": None,
                    "prev_difficulty": None,
                    "prev_due": card.reset_at,
                    "prev_last_review": None,
                    "prev_reps": len(card.reviews),
                    "prev_lapses": 0,
                    "buried_siblings": "",
                    "anki_factor": None,
                    "preview": False,
                }
            )
    return rows


def apply_incoming(
    col: Collection,
    incoming: Incoming,
    now: datetime,
    *,
    check: Check = _never,
) -> OpResult[ExchangeReport]:
    """Write what a file brought into the collection, in one transaction.

    ``check()`` runs before the transaction and between its batches; when it raises
    (:class:`ImportCancelled`) the transaction is rolled back and nothing changes.

    Returns:
        What was added, updated and left unchanged; the changes:
        ``DECKS | NOTES | CARDS | REVIEWS``, and ``OPTIONS`` when an Anki preset was added
        or changed a preset here.

    Raises:
        InputError: If a deck name is invalid.
    """
    report = ExchangeReport(deck=incoming.main_deck, warnings=list(incoming.warnings))
    notes: dict[str, IncomingNote] = {}
    for note in incoming.notes:
        if note.guid in notes:
            report.skipped += 1
        notes[note.guid] = note  # the last one of a GUID wins, as Anki does
    if report.skipped:
        report.warnings.append(f"{report.skipped} note(s) repeated a GUID; the last one was kept.")

    _, bury_until = col.config.day_bounds(now)
    bulk = incoming.bulk
    check()
    with col.engine.connect() as conn, attached(conn, bulk), conn.begin():
        begin_now(conn)
        uid_to_id = {str(r[1]): int(r[0]) for r in conn.execute(select(NOTE.c.id, NOTE.c.uid))}
        generated: dict[str, str] | None = None
        uids: dict[str, str] = {}
        for guid in notes:
            if "anki:" + guid in uid_to_id:
                uids[guid] = "anki:" + guid
                continue
            if generated is None:  # GUIDs our exports derived from our own note ids
                generated = {guid_of(uid): uid for uid in uid_to_id if not uid.startswith("anki:")}
            uids[guid] = generated.get(guid, "anki:" + guid)
        _keep_notetypes(conn, incoming, now)
        existing = [g for g in notes if uids[g] in uid_to_id]
        fresh = [g for g in notes if uids[g] not in uid_to_id]
        deck_of = _deck_names(conn, [uid_to_id[uids[g]] for g in existing])
        if existing and incoming.duplicates == "skip":
            for g in existing:
                report.tally(deck_of.get(uid_to_id[uids[g]], ""), "unchanged")
            report.warnings.append(
                f"{len(existing)} note(s) the collection has already were left as they were."
            )
            existing = []
        elif existing and incoming.duplicates == "keep":
            for g in existing:  # a new note beside the old one, with a GUID of its own
                copy = content_guid("copy", g, now.isoformat())
                notes[copy] = replace(notes[g], guid=copy)
                uids[copy] = "anki:" + copy
                fresh.append(copy)
            existing = []
        # Decks for the notes that arrive; matched notes stay where they are (no empty decks).
        arriving = {notes[g].deck for g in fresh} | set(bulk.decks.values() if bulk else ())
        deck_ids, options = _ensure_decks(
            conn, arriving, incoming.descriptions, now, incoming.presets
        )
        check()
        pairs = [(notes[g], uid_to_id[uids[g]]) for g in existing]
        _update_existing(conn, pairs, now, bury_until, report, deck_of, check)
        check()
        rows = [(notes[g], uids[g]) for g in fresh]
        _insert_fresh(conn, rows, deck_ids, now, bury_until, check, bulk)
        check()  # the last chance: after this the transaction commits
        added = Counter(notes[g].deck for g in fresh) + Counter(bulk.counts if bulk else {})
        for name, count in added.items():
            report.tally(name, "added", count)
    if report.refused:
        report.warnings.append(REFUSED_WARNING.format(n=report.refused))
    changes = Change.DECKS | Change.NOTES | Change.CARDS | Change.REVIEWS
    return announce(col.notify, report, changes | (Change.OPTIONS if options else Change(0)))


_NOTE_COLUMNS = (
    "id",
    "uid",
    "deck_id",
    "kind",
    "front",
    "back",
    "tags",
    "source_title",
    "source_section",
    "source_sentence",
    "created",
    "modified",
    "anki_notetype_id",
    "anki_fields",
)
_CARD_COLUMNS = (
    "id",
    "note_id",
    "deck_id",
    "ord",
    "position",
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "reps",
    "lapses",
    "suspended",
    "buried_until",
    "anki_id",
    "flags",
    "buried_by_user",
    "anki_data",
)


#: From this many rows on, an insert drops and rebuilds the table's secondary indexes; also
#: from 2,000 on when the table holds fewer rows than come (rebuilding them is then cheap).
BULK_ROWS = 20_000


class _Rows:
    """Rows for one table as tuples; on SQLite they go straight through the driver."""

    def __init__(self, conn: Connection, table: Table, names: tuple[str, ...]) -> None:
        self.conn = conn
        self.table = table
        self.names = names
        self.rows: list[tuple[Any, ...]] = []
        self.sqlite = conn.dialect.name == "sqlite"
        self._cache: dict[datetime, str] = {}

    def time(self, value: datetime | None) -> Any:
        """A datetime as the column stores it (naive UTC text with microseconds on SQLite)."""
        if value is None or not self.sqlite:
            return value
        text = self._cache.get(value)
        if text is None:
            text = value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
            self._cache[value] = text
        return text

    def flush(self, check: Check = _never) -> None:
        """Insert the rows, :data:`WRITE_BATCH` at a time with a ``check()`` before each."""
        if not self.rows:
            return
        batches = [self.rows[i : i + WRITE_BATCH] for i in range(0, len(self.rows), WRITE_BATCH)]
        if not self.sqlite:
            for batch in batches:
                check()
                self.conn.execute(
                    insert(self.table), [dict(zip(self.names, r, strict=True)) for r in batch]
                )
            return
        marks = ", ".join("?" * len(self.names))
        sql = f"INSERT INTO {self.table.name} ({', '.join(self.names)}) VALUES ({marks})"
        for batch in batches:
            check()
            self.conn.exec_driver_sql(sql, batch)


@contextmanager
def _indexes_rebuilt(conn: Connection, table: Table, adding: int, held: int) -> Iterator[None]:
    """Around a big insert into ``table``: its secondary indexes dropped, then made again.

    ``adding``: how many rows come; ``held``: at most how many the table holds already.

    Building a secondary index once after a big insert is cheaper than updating it row by row;
    SQLite's DDL is transactional, so a failed import gets its indexes back too. A unique one
    too (the note GUIDs go in in random order): building it checks the rows as the inserts
    did, and a duplicate fails the import as it did (10,000 notes and cards: 0.155 -> 0.149 s).
    """
    if conn.dialect.name != "sqlite" or adding <= 2000:
        yield
        return
    conn.exec_driver_sql("PRAGMA cache_size = -262144")  # the growing indexes in memory
    rebuild = list(table.indexes) if adding > BULK_ROWS or adding > held else []
    for index in rebuild:
        index.drop(conn)
    yield
    for index in rebuild:
        index.create(conn)


def _next_id(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1


def _insert_fresh(
    conn: Connection,
    fresh: list[tuple[IncomingNote, str]],
    deck_ids: dict[str, int],
    now: datetime,
    bury_until: datetime,
    check: Check = _never,
    bulk: BulkNotes | None = None,
) -> None:
    """Insert the new notes with their cards and reviews, and copy those left in the package.

    New notes are numbered in the order of their rows in the package (their new cards come
    in that order), wherever they were read.
    """
    if not fresh and bulk is None:
        return
    first_note = _next_id(conn, NOTE)
    card_id = first_card = _next_id(conn, CARD)
    rows = [n.row for n, _ in fresh]
    read_ids = number_read(first_note, bulk.rows if bulk else [], rows)
    notes = _Rows(conn, NOTE, _NOTE_COLUMNS)
    cards = _Rows(conn, CARD, _CARD_COLUMNS)
    log_rows: list[dict[str, Any]] = []
    when = notes.time(now)
    new_card = (CardState.NEW.value, None, None, None, when, None, 0, 0, False, None)
    buried = cards.time(bury_until)
    for count, (note, uid) in enumerate(fresh):
        if count % CHECK_NOTES == 0:
            check()
        note_id = read_ids[count]
        deck_id = deck_ids[note.deck]
        stamp = notes.time(note.modified) if note.modified is not None else when
        source = note.source
        notes.rows.append(
            (
                note_id,
                uid,
                deck_id,
                note.kind,
                note.front,
                note.back,
                " ".join(note.tags),
                source.title,
                source.section,
                source.sentence,
                stamp,
                stamp,
                note.anki_notetype,
                _fields_json(note),
            )
        )
        anki_ids = note.anki_card_ids
        for ord_ in _ords(note):
            card = note.cards.get(ord_)
            if card is None:
                cards.rows.append(
                    (
                        card_id,
                        note_id,
                        deck_id,
                        ord_,
                        note_id,
                        *new_card,
                        anki_ids.get(ord_),
                        0,
                        0,
                        None,
                    )  # fmt: skip
                )
            else:
                cards.rows.append(
                    (
                        card_id,
                        note_id,
                        deck_id,
                        ord_,
                        note_id,
                        card.state,
                        card.step,
                        card.stability,
                        card.difficulty,
                        cards.time(card.due),
                        cards.time(card.last_review),
                        card.reps,
                        card.lapses,
                        card.suspended,
                        buried if card.buried else None,
                        anki_ids.get(ord_),
                        card.flags,
                        card.buried_by_user,
                        card.anki_data,
                    )
                )
                log_rows += _log_rows(card_id, deck_id, card, [])
            card_id += 1
    # The largest ids bound the rows the tables hold (ids only grow, from 1).
    adding_notes = len(notes.rows) + (len(bulk.rows) if bulk else 0)
    adding_cards = len(cards.rows) + (bulk.cards if bulk else 0)
    with (
        _indexes_rebuilt(conn, NOTE, adding_notes, first_note - 1),
        _indexes_rebuilt(conn, CARD, adding_cards, first_card - 1),
    ):
        notes.flush(check)
        cards.flush(check)
        if bulk is not None:
            check()
            read_rows = [r for r in rows if r is not None]
            copy_bulk(conn, bulk, first_note, read_rows, deck_ids, when, check)
    for start in range(0, len(log_rows), WRITE_BATCH):
        check()
        conn.execute(insert(LOG), log_rows[start : start + WRITE_BATCH])


def _ords(note: IncomingNote) -> list[int]:
    """The cards an incoming note makes here.

    A note in an Anki note type of its own has the cards the package has for it, every one of
    them (its first card if it came with none, as Anki's Check Database gives it); a note of
    our kinds the cards of its kind.
    """
    if note.anki_notetype is not None:
        return sorted(note.anki_card_ids) or [0]
    return card_ords(note.kind, note.front)


_CARD_ROW = (
    CARD.c.id,
    CARD.c.note_id,
    CARD.c.ord,
    CARD.c.reps,
    CARD.c.anki_id,
    CARD.c.state,
    CARD.c.last_review,
    CARD.c.flags,
)


def _deck_names(conn: Connection, note_ids: list[int]) -> dict[int, str]:
    """The deck name of each of these notes (for the import's per-deck counts)."""
    out: dict[int, str] = {}
    for chunk in _chunks(note_ids):
        query = select(NOTE.c.id, DECK.c.name).join(DECK, DECK.c.id == NOTE.c.deck_id)
        out.update((int(i), str(n)) for i, n in conn.execute(query.where(NOTE.c.id.in_(chunk))))
    return out


def _update_existing(
    conn: Connection,
    pairs: list[tuple[IncomingNote, int]],
    now: datetime,
    bury_until: datetime,
    report: ExchangeReport,
    deck_of: dict[int, str],
    check: Check = _never,
) -> None:
    if not pairs:
        return
    by_id = dict((note_id, note) for note, note_id in pairs)
    rows: dict[int, Any] = {}
    cards: dict[int, dict[int, Any]] = {}
    for chunk in _chunks(list(by_id)):
        check()
        for r in conn.execute(select(NOTE).where(NOTE.c.id.in_(chunk))).mappings():
            rows[int(r["id"])] = r
        for c in conn.execute(select(*_CARD_ROW).where(CARD.c.note_id.in_(chunk))):
            cards.setdefault(int(c.note_id), {})[int(c.ord)] = c
    changed: list[dict[str, Any]] = []
    for count, (note_id, note) in enumerate(by_id.items()):
        if count % CHECK_NOTES == 0:
            check()
        row = rows[note_id]
        values = note_values(note)
        if note.anki_notetype is not None:
            values |= {"anki_notetype_id": note.anki_notetype, "anki_fields": _fields_json(note)}
        # A text row (front and back only) over a note in an Anki note type: the note keeps
        # its type and cards, and takes the text as an edit of its first two fields. Such a
        # note keeps its kind (read once, when it arrived; its templates decide its cards).
        text_over_typed = note.anki_notetype is None and row["anki_notetype_id"] is not None
        if row["anki_notetype_id"] is not None:
            values["kind"] = row["kind"]
        same = all(row[k] == v for k, v in values.items())
        newer = note.modified is None or note.modified.replace(microsecond=0) > row[
            "modified"
        ].replace(microsecond=0)
        have = set(cards.get(note_id, {}))
        # A note in an Anki note type of its own keeps the cards it has here and gains those of
        # the package it lacks (also when the note itself is unchanged: a collection imported
        # before every card was kept gets its missing cards and their history).
        keeps_cards = note.anki_notetype is not None or text_over_typed
        if text_over_typed:
            want = have
        elif keeps_cards:
            want = have | set(_ords(note))
        else:
            want = set(card_ords(note.kind, note.front))
        gone = [int(cards[note_id][o].id) for o in have - want]
        adding = sorted(want - have)
        deck = deck_of.get(note_id, "")
        if same or not newer:
            if keeps_cards and adding:
                report.tally(deck, "updated")
            else:
                report.tally(deck, "unchanged")
                adding = []
        elif gone and reviewed_card_ids(conn, gone):
            report.tally(deck, "refused")  # an import never deletes a card with review history
            adding = []
        else:
            report.tally(deck, "updated")
            changed.append(values | {"_id": note_id, "modified": note.modified or now})
            if gone:  # new cards only: nothing of the learner's is lost
                conn.execute(delete(CARD).where(CARD.c.id.in_(gone)))
            for o in have - want:
                del cards[note_id][o]
        if adding:
            deck_id = int(row["deck_id"])
            conn.execute(
                insert(CARD),
                [
                    {
                        "note_id": note_id,
                        "deck_id": deck_id,
                        "ord": o,
                        "position": note_id,
                        "anki_id": note.anki_card_ids.get(o),
                    }
                    | _card_values(note.cards.get(o), now, bury_until)
                    for o in adding
                ],
            )
            # The new cards take their review history too, as matched cards do.
            for c in conn.execute(
                select(*_CARD_ROW).where(CARD.c.note_id == note_id, CARD.c.ord.in_(adding))
            ):
                cards.setdefault(note_id, {})[int(c.ord)] = c
        _merge_progress(conn, note, cards.get(note_id, {}), int(row["deck_id"]), now, bury_until)
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for values in changed:  # Anki notes also update their note type and fields
        by_columns.setdefault(tuple(values), []).append(values)
    for columns, batch in by_columns.items():
        check()
        stmt = (
            update(NOTE)
            .where(NOTE.c.id == bindparam("_id"))
            .values({k: bindparam(k) for k in columns if k != "_id"})
        )
        conn.execute(stmt, batch)


def _merge_progress(
    conn: Connection,
    note: IncomingNote,
    ours: dict[int, Any],
    deck_id: int,
    now: datetime,
    bury_until: datetime,
) -> None:
    """Bring a matched card's incoming scheduling and reviews into ours.

    The incoming scheduling (with its flag and bury) replaces ours if it saw more reviews, or
    if it was reset to new (Anki's Forget) after our last review. Otherwise only a flag
    arrives, on a card that has none here. Reviews our log lacks are added.
    """
    for ord_, anki_id in note.anki_card_ids.items():
        mine = ours.get(ord_)
        if mine is not None and mine.anki_id is None and anki_id is not None:
            # A card imported before ids were kept gets its Anki id.
            conn.execute(update(CARD).where(CARD.c.id == mine.id).values(anki_id=anki_id))
    for ord_, card in note.cards.items():
        mine = ours.get(ord_)
        if mine is None:
            continue
        reset_later = (
            card.reset_at is not None
            and mine.state != CardState.NEW
            and (mine.last_review is None or card.reset_at > mine.last_review)
        )
        if card.reps > int(mine.reps) or reset_later:
            values = _card_values(card, now, bury_until)
            conn.execute(update(CARD).where(CARD.c.id == mine.id).values(**values))
        elif card.flags and not mine.flags:
            conn.execute(update(CARD).where(CARD.c.id == mine.id).values(flags=card.flags))
        if card.reviews or card.reset_at is not None:
            logged = [
                (int(r[0]), int(r[1]), bool(r[2]))
                for r in conn.execute(
                    select(LOG.c.reviewed_ms, LOG.c.rating, LOG.c.stability_after.is_(None)).where(
                        LOG.c.card_id == mine.id
                    )
                )
            ]
            rows = _log_rows(int(mine.id), deck_id, card, logged)
            if rows:
                conn.execute(insert(LOG), rows)
