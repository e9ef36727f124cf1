"""The server's schema: the collection's tables with global ids and sync columns.

Every object table mirrors a local table (its columns copied from the local definition, so a
column added to the collection is a column the server has) with the local integer ids replaced
by global ones (``uid``; ``deck_uid``/``note_uid``/``card_uid`` for references) and three sync
columns: ``usn`` (from the server sequence ``sync_usn``: one number per push), ``device`` (who
made the change) and ``mtime`` (when, for last-writer-wins). Cards carry what the learner sets
(deck, flags, suspension, position...) as their content, and beside it (schema 3) the scheduling
state last derived from their review log (:data:`DERIVED`) with ``derived_from``, the digest of
the set of reviews it was derived from (:mod:`flashcards.core.sync.derived`): a device holding
exactly that set takes the state as it is instead of replaying. ``sync_grave`` holds deletions;
``sync_meta`` each learner's head usn; ``sync_server`` the schema version (the only table
without learners' rows). ``sync_notetype`` (schema 8) holds the Anki note types that notes came
in (the collection's ``ankinotetype``), keyed by Anki's own id; an older server gains the table
when it is brought up to date (:func:`create_schema`), and every device then sends its note
types once (the change triggers of :mod:`flashcards.core.sync.dirty` are new, so everything is
compared again). ``sync_media`` (schema 4) holds the media files: one row per file name
with its SHA-1, size and a deleted flag, its bytes in ``sync_media_part`` (``bytea`` pieces of at
most 8 MiB; none once deleted; see :mod:`flashcards.core.sync.media_sync`).

**Several learners on one server.** Every table with learners' rows has an ``owner`` column
(``DEFAULT current_user``: the PostgreSQL role that synced it) in its primary key, so that a
global id is unique only within one learner (the shipped deck's note ids are the same for
everybody), and row-level security, enabled and forced, with one policy: a role sees, changes
and adds only rows whose owner it is. The tables are owned by the role that created them
(:func:`init_server`, run by the database's owner or a superuser), which grants the learners'
group role :data:`LEARNERS` the row privileges and nothing else: a learner cannot lift the
policies (only a table's owner, a superuser or a ``BYPASSRLS`` role can), and the client also
names its own rows in every query, so that even a role that bypasses the policies syncs only
its own.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    DefaultClause,
    Index,
    LargeBinary,
    MetaData,
    Sequence,
    String,
    Table,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from flashcards.core.models import UTCDateTime
from flashcards.core.tables import CARD, DECK, LOG, NOTE, NOTETYPE, PRESET

#: The server schema this version writes; a server with a newer one is refused.
#: 5: option presets are objects of their own (``sync_preset``); a deck names its preset.
#: 6: a review says whether it was a preview answer (``preview``, false on older rows).
#: 7: a preset carries the Anki options we do not model (``anki_config``, ``{}`` on older rows).
#: 8: Anki note types are objects of their own (``sync_notetype``); a note names its type by
#: Anki's id (``anki_notetype_id``), which is global already.
SERVER_SCHEMA = 8

#: The group role whose members may sync (``--init-server`` makes it and grants it the tables).
LEARNERS = "flashcards_learners"
#: The name of the row-level security policy on every learner table.
POLICY = "flashcards_own_rows"

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
    "original_deck_id",  # a local deck id: cards sync as in their home deck (deck_uid)
}


#: The card's scheduling state as derived from its reviews (the scheduler's ``Memory``), kept on
#: the server beside ``derived_from`` (schema 3); not content: not hashed, not last-writer-wins.
DERIVED = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")
DERIVED_FROM = "derived_from"


def _sync_columns(with_mtime: bool = True) -> list[Column[object]]:
    out: list[Column[object]] = [
        Column("usn", BigInteger, nullable=False, index=True),
        Column("device", String, nullable=False),
    ]
    if with_mtime:
        out.append(Column("mtime", UTCDateTime(), nullable=False))
    return out


def _owner() -> Column[str]:
    """The learner a row belongs to: the role that wrote it."""
    return Column(
        "owner", String, primary_key=True, nullable=False, server_default=text("CURRENT_USER")
    )


def _mirror(name: str, local: Table, drop: set[str], keys: list[str], mtime: bool = True) -> Table:
    columns: list[Column[Any]] = [_owner(), Column("uid", String, primary_key=True)]
    columns += [Column(k, String, nullable=True) for k in keys]
    columns += [
        # A NOT NULL column keeps its server default, which also fills rows already there.
        Column(c.name, c.type, nullable=c.nullable, server_default=c.server_default)
        for c in local.columns
        if c.name not in drop and c.name not in ("id", "uid", "usn")
    ]
    return Table(name, metadata, *columns, *_sync_columns(mtime))


#: Anki note types (schema 8): ``uid`` is Anki's note type id as text, the same on every
#: device that imported the type, so two imports of one package are one note type.
NOTETYPES = _mirror("sync_notetype", NOTETYPE, set(), [])
PRESETS = _mirror("sync_preset", PRESET, set(), [])
DECKS = _mirror("sync_deck", DECK, {"preset_id"}, ["preset_uid"])
NOTES = _mirror("sync_note", NOTE, {"deck_id"}, ["deck_uid"])
CARDS = _mirror("sync_card", CARD, {"note_id", "deck_id", *_CARD_DERIVED}, ["note_uid", "deck_uid"])
for _name in DERIVED:
    CARDS.append_column(Column(_name, CARD.c[_name].type, nullable=True))
CARDS.append_column(Column(DERIVED_FROM, String, nullable=True))
LOGS = _mirror(
    "sync_reviewlog",
    LOG,
    {"card_id", "deck_id", "buried_siblings"},
    ["card_uid", "deck_uid"],
    mtime=False,
)
Index("ix_sync_card_owner_note", CARDS.c.owner, CARDS.c.note_uid)
Index("ix_sync_card_owner_deck", CARDS.c.owner, CARDS.c.deck_uid)
Index("ix_sync_note_owner_deck", NOTES.c.owner, NOTES.c.deck_uid)
Index("ix_sync_reviewlog_owner_card", LOGS.c.owner, LOGS.c.card_uid)
GRAVES = Table(
    "sync_grave",
    metadata,
    _owner(),
    Column("kind", String, primary_key=True),
    Column("uid", String, primary_key=True),
    *_sync_columns(),
)
META = Table(
    "sync_meta",
    metadata,
    _owner(),
    Column("key", String, primary_key=True),
    Column("value", String, nullable=False),
)
#: The media files by name (schema 4): what the file holds (``sha1``, ``size``) and whether it
#: was deleted (moved to the trash) on a device.
MEDIA = Table(
    "sync_media",
    metadata,
    _owner(),
    Column("name", String, primary_key=True),
    Column("sha1", String, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("deleted", Boolean, nullable=False),
    *_sync_columns(),
)
#: A media file's bytes, in pieces: one 100 MiB bytea value took 6 times as long to insert as
#: the same bytes in 8 MiB rows (17 s against 2.8 s; a large object written in 8 MiB pieces,
#: 4.3 s), so files go in pieces and no large objects are needed. A deleted file has none.
MEDIA_PART = Table(
    "sync_media_part",
    metadata,
    _owner(),
    Column("name", String, primary_key=True),
    Column("part", BigInteger, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)
#: Facts about the server itself (the schema version): no learner's rows, read-only to learners.
SERVER = Table(
    "sync_server",
    metadata,
    Column("key", String, primary_key=True),
    Column("value", String, nullable=False),
)

#: The object tables by kind, in the order they are applied (a note needs its deck and its
#: note type...).
OBJECTS: dict[str, Table] = {
    "notetype": NOTETYPES,
    "preset": PRESETS,
    "deck": DECKS,
    "note": NOTES,
    "card": CARDS,
}


@functools.cache
def payload_columns(kind: str) -> tuple[str, ...]:
    """The columns of an object's content (what is hashed and sent), sync columns left out."""
    # Cached: asked once per object hashed (a profile at 2,000 cards had a second in it).
    return tuple(
        c.name
        for c in OBJECTS[kind].columns
        if c.name not in ("owner", "uid", "usn", "device", "mtime", DERIVED_FROM)
        and not (kind == "card" and c.name in DERIVED)
    )


#: The tables holding learners' rows: each has ``owner`` and the row-level security policy.
LEARNER_TABLES: tuple[Table, ...] = (*OBJECTS.values(), LOGS, GRAVES, META, MEDIA, MEDIA_PART)


def mine(table: Table) -> ColumnElement[bool]:
    """This role's rows of ``table`` (what the policy allows; said again for roles it spares)."""
    return table.c.owner == func.current_user()


#: Advisory lock key: pushes take it exclusively, pulls shared (one lock per learner), so that a
#: pull never sees a usn before every smaller one of that learner is committed.
LOCK_KEY = 0x464C5359  # "FLSY"


def lock(conn: Connection, exclusive: bool) -> None:
    """Take this learner's sync lock for the rest of the transaction."""
    fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    conn.execute(text(f"SELECT {fn}(:k, hashtext(current_user))"), {"k": LOCK_KEY})


def lock_schema(conn: Connection) -> None:
    """Take the server-wide lock that creating or changing the schema holds."""
    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})


def schema_version(conn: Connection) -> int | None:
    """The server's schema version; None when it has no sync tables, 1 for the first one."""
    if conn.execute(text("SELECT to_regclass('sync_server')")).scalar() is not None:
        found = conn.execute(select(SERVER.c.value).where(SERVER.c.key == "schema")).scalar()
        return int(found) if found is not None else None
    if conn.execute(text("SELECT to_regclass('sync_meta')")).scalar() is not None:
        return 1  # schema 1 kept its version in sync_meta, before learners had rows of their own
    return None


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def _upgrade_from_1(conn: Connection) -> None:
    """Schema 1 had no owners: its rows become the upgrading role's."""
    for table in LEARNER_TABLES:
        name = _quote(conn, table.name)
        if conn.execute(text("SELECT to_regclass(:t)"), {"t": table.name}).scalar() is None:
            continue  # a table of a later schema (media, presets): create_all makes it
        conn.execute(
            text(f"ALTER TABLE {name} ADD COLUMN owner varchar NOT NULL DEFAULT CURRENT_USER")
        )
        conn.execute(
            text(f"ALTER TABLE {name} DROP CONSTRAINT {_quote(conn, table.name + '_pkey')}")
        )
        keys = ", ".join(_quote(conn, c.name) for c in table.primary_key.columns)
        conn.execute(text(f"ALTER TABLE {name} ADD PRIMARY KEY ({keys})"))
    conn.execute(text("DELETE FROM sync_meta WHERE key = 'schema'"))
    for old in ("ix_sync_card_note", "ix_sync_note_deck", "ix_sync_reviewlog_card"):
        conn.execute(text(f"DROP INDEX IF EXISTS {old}"))


def _add_missing_columns(conn: Connection) -> None:
    """Columns a newer schema added to existing tables.

    Schema 3: the cards' derived state; schema 5: a deck's preset (``sync_deckoptions`` of the
    schemas before is left as it was: every device sends its presets at its next sync).
    """
    for table in LEARNER_TABLES:
        found = {
            str(r[0])
            for r in conn.execute(
                text("SELECT column_name FROM information_schema.columns WHERE table_name = :t"),
                {"t": table.name},
            )
        }
        for column in table.columns:
            if column.name not in found:
                assert column.nullable or column.server_default is not None, (
                    "a column added to rows already there must be nullable or have a default"
                )
                kind = column.type.compile(dialect=conn.dialect)
                if column.server_default is not None:
                    kind += f" NOT NULL DEFAULT {_default_sql(column)}"
                conn.execute(
                    text(
                        f"ALTER TABLE {_quote(conn, table.name)} "
                        f"ADD COLUMN {_quote(conn, column.name)} {kind}"
                    )
                )


def _default_sql(column: Column[Any]) -> str:
    """A column's server default as SQL (a boolean's 0/1 as false/true for PostgreSQL)."""
    clause = column.server_default
    assert isinstance(clause, DefaultClause)
    value = str(getattr(clause.arg, "text", clause.arg))
    if isinstance(column.type, Boolean):
        return "true" if value in ("1", "'1'") else "false"
    return value


def create_schema(conn: Connection, group: str | None = None) -> None:
    """Create (or bring up to date) the sync tables, as the role that is to own them.

    Every learner table gets row-level security, enabled and forced (so that the policy holds
    for the tables' owner too, unless a superuser), with the owner-only policy. With ``group``,
    that role is granted what syncing needs and nothing more: rows (within the policy), the usn
    sequence, reading the schema version.
    """
    lock_schema(conn)
    if schema_version(conn) == 1:
        _upgrade_from_1(conn)
    metadata.create_all(conn)
    _add_missing_columns(conn)
    for index in (i for t in LEARNER_TABLES for i in t.indexes):
        index.create(conn, checkfirst=True)
    for table in LEARNER_TABLES:
        name = _quote(conn, table.name)
        conn.execute(text(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY"))
        conn.execute(text(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY"))
        conn.execute(text(f"DROP POLICY IF EXISTS {POLICY} ON {name}"))
        conn.execute(
            text(
                f"CREATE POLICY {POLICY} ON {name} "
                "USING (owner = current_user) WITH CHECK (owner = current_user)"
            )
        )
    stmt = (
        pg_insert(SERVER)
        .values(key="schema", value=str(SERVER_SCHEMA))
        .on_conflict_do_update(index_elements=["key"], set_={"value": str(SERVER_SCHEMA)})
    )
    conn.execute(stmt)
    if group is None:
        return
    role = _quote(conn, group)
    names = ", ".join(_quote(conn, t.name) for t in LEARNER_TABLES)
    conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {names} TO {role}"))
    conn.execute(text(f"GRANT SELECT ON {_quote(conn, SERVER.name)} TO {role}"))
    conn.execute(text(f"GRANT USAGE, SELECT ON SEQUENCE {_quote(conn, USN_SEQ.name)} TO {role}"))
    database = _quote(conn, str(conn.execute(text("SELECT current_database()")).scalar()))
    conn.execute(text(f"GRANT CONNECT ON DATABASE {database} TO {role}"))
    conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))


def init_server(conn: Connection, group: str = LEARNERS) -> bool:
    """Make a database a server for several learners: the tables, policies and ``group``.

    Run by the database's owner or a superuser (who then owns the tables: sync as another
    role). Creates the group role (NOLOGIN) when missing, which needs CREATEROLE. Learners are
    then roles in it: ``CREATE ROLE alice LOGIN PASSWORD '...' IN ROLE flashcards_learners``.

    Returns:
        Whether the group role was created now.
    """
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": group}).scalar()
    if not exists:
        conn.execute(text(f"CREATE ROLE {_quote(conn, group)} NOLOGIN"))
    create_schema(conn, group)
    return not exists
