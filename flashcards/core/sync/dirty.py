"""What changed here since the last push, kept by SQLite triggers, so that a sync reads only that.

Finding the note types, presets, decks, notes and cards to send by hashing every one of them against
``syncshadow`` costs time in proportion to the collection (seconds at 100,000 notes), for a day
that changed twenty. Instead, triggers on those tables add a row ``(kind, uid)`` to
``syncdirty`` whenever one is added, changed or deleted, whoever writes it (the managers, an
import, an undo); a card only when one of its synced columns changes (an answer changes its
derived state, which is not content). A push looks at those objects only, and clears the rows
it has read (by sequence number: a change made while a sync runs stays for the next).

The table and triggers belong to syncing: they are made (``CREATE … IF NOT EXISTS``) by the
first sync of a collection, which notes every object there and every object synced before
(:func:`note_everything`), so that the changes made before the triggers are compared once too
(a first sync down into a new collection notes next to nothing). Their names carry a digest of
the columns they watch: when the synced columns change (a new version of the app), the old
triggers are dropped and everything is noted once again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy.engine import Connection

from flashcards.core.sync import server

TABLE = "syncdirty"
#: The ``setting`` key holding the trigger version everything was noted with.
READY_KEY = "sync_dirty_version"

_CARD_COLUMNS = [
    "note_id",
    "deck_id",
    "original_deck_id",  # its deck_uid is its home deck's (a card visiting custom study)
    *(c for c in server.payload_columns("card") if not c.endswith("_uid")),
]
_CARD_UID = "(SELECT uid FROM note WHERE id = {row}.note_id) || '/' || {row}.ord"


#: The index of the reviews not sent yet (a partial one: a day's few, not the whole log).
UNSENT_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_reviewlog_unsent ON reviewlog (card_id) WHERE usn = -1"
)


def version() -> str:
    """The digest of the triggers (a new one replaces the old triggers, and notes everything)."""
    bodies = _bodies()
    text = "\n".join(f"{name} {bodies[name]}" for name in sorted(bodies))
    return hashlib.sha1(text.encode()).hexdigest()[:8]


def _bodies() -> dict[str, str]:
    mark = f"INSERT INTO {TABLE} (kind, uid) VALUES"
    out: dict[str, str] = {}

    def add(name: str, event: str, table: str, body: str) -> None:
        out[name] = f"AFTER {event} ON {table} FOR EACH ROW BEGIN {body}; END"

    # An update notes the old uid too: an object whose uid changed is gone under the old one.
    for table in ("preset", "deck", "note"):
        both = f"{mark} ('{table}', NEW.uid), ('{table}', OLD.uid)"
        add(f"{table}_ins", "INSERT", table, f"{mark} ('{table}', NEW.uid)")
        add(f"{table}_upd", "UPDATE", table, both)
        add(f"{table}_del", "DELETE", table, f"{mark} ('{table}', OLD.uid)")
    # A note type's uid is its id (Anki's), as text.
    for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        body = f"{mark} ('notetype', CAST({row}.id AS TEXT))"
        if event == "UPDATE":
            body += ", ('notetype', CAST(OLD.id AS TEXT))"
        add(f"notetype_{event[:3].lower()}", event, "ankinotetype", body)
    # A deck names its preset by the preset's uid: a preset's new uid (given at its first
    # sync) changes the decks on it.
    decks = f"INSERT INTO {TABLE} (kind, uid) SELECT 'deck', uid FROM deck"
    add("preset_uid", "UPDATE OF uid", "preset", f"{decks} WHERE preset_id = NEW.id")
    # A note's new uid (a note added here gets its global one at its first sync) is a new uid
    # for each of its cards, whose rows do not change.
    cards = f"INSERT INTO {TABLE} (kind, uid) SELECT 'card', {{row}}.uid || '/' || ord FROM card"
    where = " WHERE note_id = NEW.id"
    both = f"{cards.format(row='NEW')}{where}; {cards.format(row='OLD')}{where}"
    add("note_uid", "UPDATE OF uid", "note", both)
    watched = ", ".join(_CARD_COLUMNS)
    new, old = _CARD_UID.format(row="NEW"), _CARD_UID.format(row="OLD")
    add("card_ins", "INSERT", "card", f"{mark} ('card', {new})")
    add("card_upd", f"UPDATE OF {watched}", "card", f"{mark} ('card', {new}), ('card', {old})")
    add("card_del", "DELETE", "card", f"{mark} ('card', {old})")
    return out


def _triggers() -> dict[str, str]:
    v = version()
    return {f"{TABLE}_{name}_{v}": body for name, body in _bodies().items()}


def ensure(conn: Connection) -> None:
    """Make the table and this version's triggers where missing (and drop older ones)."""
    conn.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {TABLE} "
        "(seq INTEGER PRIMARY KEY AUTOINCREMENT, kind VARCHAR NOT NULL, uid VARCHAR)"
    )
    # The reviews not sent yet, found without reading the whole log.
    conn.exec_driver_sql(UNSENT_INDEX)
    wanted = _triggers()
    have = {
        str(r[0])
        for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?",
            (f"{TABLE}_%",),
        )
    }
    for name in have - set(wanted):
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    for name, body in wanted.items():
        if name not in have:
            conn.exec_driver_sql(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
    found = conn.exec_driver_sql("SELECT value FROM setting WHERE key = ?", (READY_KEY,))
    if found.scalar() != version():
        note_everything(conn)
        conn.exec_driver_sql(
            "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", (READY_KEY, version())
        )


def note_everything(conn: Connection) -> None:
    """Note every object here, and every object synced before (it may be gone since)."""
    mark = f"INSERT INTO {TABLE} (kind, uid)"
    conn.exec_driver_sql(f"{mark} SELECT 'notetype', CAST(id AS TEXT) FROM ankinotetype")
    conn.exec_driver_sql(f"{mark} SELECT 'preset', uid FROM preset WHERE uid IS NOT NULL")
    conn.exec_driver_sql(f"{mark} SELECT 'deck', uid FROM deck WHERE uid IS NOT NULL")
    conn.exec_driver_sql(f"{mark} SELECT 'note', uid FROM note")
    conn.exec_driver_sql(
        f"{mark} SELECT 'card', n.uid || '/' || c.ord FROM card AS c JOIN note AS n "
        "ON n.id = c.note_id"
    )
    kinds = ", ".join(f"'{kind}'" for kind in server.OBJECTS)
    conn.exec_driver_sql(f"{mark} SELECT kind, uid FROM syncshadow WHERE kind IN ({kinds})")


def last(conn: Connection) -> int:
    """The sequence number of the last change noted (0 for none)."""
    return int(conn.exec_driver_sql(f"SELECT coalesce(max(seq), 0) FROM {TABLE}").scalar_one())


def changed(conn: Connection, upto: int) -> dict[str, set[str]]:
    """The uids of the objects changed (added, edited or deleted), by kind, up to ``upto``."""
    out: dict[str, set[str]] = {kind: set() for kind in server.OBJECTS}
    rows = conn.exec_driver_sql(
        f"SELECT kind, uid FROM {TABLE} WHERE seq <= ? AND uid IS NOT NULL", (upto,)
    )
    for kind, uid in rows:
        if str(kind) in out:  # not a kind of an older version ("options", before presets)
            out[str(kind)].add(str(uid))
    return out


def clear(conn: Connection, upto: int) -> None:
    """Forget the changes up to ``upto`` (they were sent)."""
    conn.exec_driver_sql(f"DELETE FROM {TABLE} WHERE seq <= ?", (upto,))


def note(conn: Connection, objects: Sequence[tuple[str, str]]) -> None:
    """Note objects as changed here (to be compared and sent by the next push)."""
    if objects:
        conn.exec_driver_sql(f"INSERT INTO {TABLE} (kind, uid) VALUES (?, ?)", list(objects))


def forget_applied(conn: Connection, after: int, applied: Sequence[tuple[str, str]]) -> None:
    """Forget the changes after ``after`` that writing the server's objects made here.

    ``applied`` are the objects now as the server has them (their shadow is the server's);
    anything else changed since ``after`` (a deck renamed to make room) still goes up.
    """
    done = set(applied)
    rows = conn.exec_driver_sql(f"SELECT kind, uid FROM {TABLE} WHERE seq > ?", (after,)).all()
    keep = [(str(k), u) for k, u in rows if (str(k), u) not in done]
    conn.exec_driver_sql(f"DELETE FROM {TABLE} WHERE seq > ?", (after,))
    if keep:
        conn.exec_driver_sql(f"INSERT INTO {TABLE} (kind, uid) VALUES (?, ?)", keep)
