"""The server's schema: the collection's tables with global ids and sync columns.

Every object table mirrors a local table (its columns copied from the local definition, so a
column added to the collection is a column the server has) with the local integer ids replaced
by global ones (``uid``; ``deck_uid``/``note_uid``/``card_uid`` for references) and three sync
columns: ``usn`` (from the server sequence ``sync_usn``: one number per push), ``device`` (who
made the change) and ``mtime`` (when, for last-writer-wins). Cards carry only what the learner
sets (deck, flags, suspension, position...): their scheduling state is derived by replaying the
review log. ``sync_grave`` holds deletions; ``sync_meta`` the schema version and the head usn.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    MetaData,
    Sequence,
    String,
    Table,
)
from sqlalchemy.engine import Connection

from flashcards.core.models import UTCDateTime
from flashcards.core.tables import CARD, DECK, LOG, NOTE, OPTIONS

#: The server schema this version writes; a server with a newer one is refused.
SERVER_SCHEMA = 1

metadata = MetaData()
USN_SEQ = Sequence("sync_usn", metadata=metadata)

#: Local columns that only mean something on one device (ids, derived state, sync bookkeeping).
_CARD_DERIVED = {
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "reps",
    "lapses",
    "buried_until",
    "buried_by_user",
}


def _sync_columns(with_mtime: bool = True) -> list[Column[object]]:
    out: list[Column[object]] = [
        Column("usn", BigInteger, nullable=False, index=True),
        Column("device", String, nullable=False),
    ]
    if with_mtime:
        out.append(Column("mtime", UTCDateTime(), nullable=False))
    return out


def _mirror(name: str, local: Table, drop: set[str], keys: list[str], mtime: bool = True) -> Table:
    columns: list[Column[object]] = [Column("uid", String, primary_key=True)]
    columns += [Column(k, String, nullable=True) for k in keys]
    columns += [
        Column(c.name, c.type, nullable=c.nullable)
        for c in local.columns
        if c.name not in drop and c.name not in ("id", "uid", "usn")
    ]
    return Table(name, metadata, *columns, *_sync_columns(mtime))


DECKS = _mirror("sync_deck", DECK, set(), [])
OPTIONS_S = _mirror("sync_deckoptions", OPTIONS, {"deck_id"}, [])
NOTES = _mirror("sync_note", NOTE, {"deck_id"}, ["deck_uid"])
CARDS = _mirror("sync_card", CARD, {"note_id", "deck_id", *_CARD_DERIVED}, ["note_uid", "deck_uid"])
LOGS = _mirror(
    "sync_reviewlog",
    LOG,
    {"card_id", "deck_id", "buried_siblings"},
    ["card_uid", "deck_uid"],
    mtime=False,
)
Index("ix_sync_card_note", CARDS.c.note_uid)
Index("ix_sync_note_deck", NOTES.c.deck_uid)
Index("ix_sync_reviewlog_card", LOGS.c.card_uid)
GRAVES = Table(
    "sync_grave",
    metadata,
    Column("kind", String, primary_key=True),
    Column("uid", String, primary_key=True),
    *_sync_columns(),
)
META = Table(
    "sync_meta",
    metadata,
    Column("key", String, primary_key=True),
    Column("value", String, nullable=False),
)

#: The object tables by kind, in the order they are applied (a note needs its deck...).
OBJECTS: dict[str, Table] = {
    "deck": DECKS,
    "options": OPTIONS_S,
    "note": NOTES,
    "card": CARDS,
}


def payload_columns(kind: str) -> list[str]:
    """The columns of an object's content (what is hashed and sent), sync columns left out."""
    return [
        c.name for c in OBJECTS[kind].columns if c.name not in ("uid", "usn", "device", "mtime")
    ]


#: Advisory lock key: pushes take it exclusively, pulls shared, so that a pull never sees a
#: usn before every smaller one is committed.
LOCK_KEY = 0x464C5359  # "FLSY"


def lock(conn: Connection, exclusive: bool) -> None:
    """Take the sync lock for the rest of the transaction."""
    from sqlalchemy import text

    fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    conn.execute(text(f"SELECT {fn}(:k)"), {"k": LOCK_KEY})
