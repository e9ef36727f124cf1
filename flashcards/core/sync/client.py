"""Sync a collection with a PostgreSQL server: push what changed here, pull, merge, replay.

The local collection stays the working copy; a sync is four steps, each committed on its own,
so that a client killed (or a server lost) at any point loses nothing and the next sync ends
the job:

1. **Prepare** (local): give ids to what has none yet (the device, decks, reviews).
   Then the media files (:class:`~flashcards.core.sync.media_sync.MediaRun`: its server steps
   move the bytes, its local steps record what moved).
2. **Pull and merge** (server read, then one local transaction): the server's changes since
   the last synced usn. Reviews are facts: merged by union (by their global ids). Option
   presets, Anki note types, decks (each naming its preset), notes (each naming its note
   type by Anki's id) and cards: last writer wins by (modification time, device); deletions
   come as graves. A note type changed on both devices (each imported another version of it
   from Anki) ends as the version changed last, everywhere; the other is not kept (a note
   type is Anki's definition, not the learner's writing; the notes keep their own fields, each
   note last writer wins on its own). A sync never deletes a note type a note here is in.
   When a note changed on both sides, the losing version is kept in the ``syncconflict``
   table (``flashcards sync --conflicts`` lists it). A card whose reviews were all made here
   keeps its state as the scheduler left it, which goes up as is; a card that gained reviews
   another device made gets its scheduling state by replaying its merged review log in time
   order through the scheduler, fuzz seeded by the card's global id and its review count, so
   every device computes the same state (:mod:`~flashcards.core.sync.derived`). The last
   synced usn moves in the same transaction.
3. **Push** (one server transaction): objects whose content differs from what was last synced
   (a hash kept per object in ``syncshadow``), deletions, and reviews not sent yet (usn -1).
4. **Record** (local): what was pushed is marked synced.

A push that reached the server but was not recorded (killed between 3 and 4) is sent again:
the server takes it as a no-op (same reviews ignored, same objects equal).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Engine,
    String,
    Table,
    and_,
    bindparam,
    case,
    cast,
    create_engine,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from flashcards.core import scheduling
from flashcards.core.changes import Change
from flashcards.core.enums import CardState
from flashcards.core.errors import FlashcardsError
from flashcards.core.models import (
    DEFAULT_PRESET_ID,
    SyncConflict,
    new_uid,
    table_of,
    utcnow_guard,
)
from flashcards.core.notes import delete_note_rows
from flashcards.core.scheduler.custom_study import SESSION_NAME
from flashcards.core.sync import derived, dirty, media_sync, server, transfer
from flashcards.core.sync.graves import GRAVE, SHADOW
from flashcards.core.tables import CARD, DECK, LOG, NOTE, NOTETYPE, PRESET, SETTING

if TYPE_CHECKING:
    from flashcards.core.collection import Collection

CONFLICT = table_of(SyncConflict)

#: Setting keys: this collection's device id, and the server usn it has merged up to.
DEVICE_KEY = "sync_device"
USN_KEY = "sync_usn"
URL_KEY = "sync_url"
#: The system keyring's service for the sync passwords (the user is the role and its server:
#: :func:`keyring_user`).
KEYRING_SERVICE = "flashcards-sync"

#: Namespace of deck ids derived from the deck's name at its first sync: two devices that
#: both made "Default" (or loaded the shipped deck) before syncing share one deck.
_DECK_NS = uuid.UUID("6f1c1f7e-6c3e-4a53-9a55-1d1c5a0e4c15")
#: The same for presets: every device's Default (and presets of one name) is one preset.
_PRESET_NS = uuid.UUID("0b9a3c52-2f4e-4d0e-8f57-6a2b41d3c7e9")

_LOG_KEYS = ("owner", "uid", "card_uid", "deck_uid", "usn", "device")
_BATCH = 500

Checkpoint = Callable[[str], None]


class SyncError(FlashcardsError):
    """A sync that could not be done, in one sentence for the learner."""


@dataclass
class SyncReport:
    """What a sync moved."""

    sent: Counter[str] = field(default_factory=Counter)
    received: Counter[str] = field(default_factory=Counter)
    conflicts: int = 0
    replayed: int = 0
    #: Of those replayed, how many went on from a state derived here before.
    resumed: int = 0
    usn: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: what went up, what came down."""

        def part(counts: Counter[str]) -> str:
            kinds = ("review", "note", "card", "deck", "preset", "notetype", "deletion")
            order = (*kinds, *_MEDIA_KINDS)
            items = [f"{counts[k]} {_plural(k, counts[k])}" for k in order if counts[k]]
            return ", ".join(items) if items else "nothing"

        line = f"Synced: sent {part(self.sent)}; received {part(self.received)}"
        if self.conflicts:
            line += (
                f"; {self.conflicts} {'note' if self.conflicts == 1 else 'notes'} changed on "
                "both sides (the other version is kept: flashcards sync --conflicts)"
            )
        return " ".join([line + ".", *self.warnings])


_MEDIA_KINDS = ("media file", "media deletion")


def _plural(kind: str, n: int) -> str:
    word = "note type" if kind == "notetype" else kind
    return word if n == 1 else word + "s"


# ---------------------------------------------------------------------------- local objects


def _norm(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def content_hash(kind: str, payload: Mapping[str, Any]) -> str:
    """The hash of an object's content, the same here and on the server."""
    values = [_norm(payload[c]) for c in server.payload_columns(kind)]
    return hashlib.sha1(json.dumps(values, default=str).encode()).hexdigest()


#: Columns that say when an object was made or changed, not what it holds.
_WHEN = frozenset({"created", "modified"})


def same_content(kind: str, one: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
    """Whether two versions of an object hold the same content, whenever each was written.

    Two devices that each loaded the shipped deck (or imported one package) hold the same notes
    written at different times: the newer is taken, but that is no conflict to keep.
    """
    columns = (c for c in server.payload_columns(kind) if c not in _WHEN)
    return all(_norm(one[c]) == _norm(other[c]) for c in columns)


def card_uid(note_uid: str, ord_: int) -> str:
    """A card's global id: its note's and its ordinal."""
    return f"{note_uid}/{ord_}"


#: A note type's global id: Anki's id (its local id too) as text.
_NOTETYPE_UID = cast(NOTETYPE.c.id, String)


def _local_select(kind: str) -> Any:
    cols = server.payload_columns(kind)
    # The Custom Study Session (a filtered deck) is this device's: it does not sync, and its
    # cards sync as in their home decks.
    synced_deck = and_(DECK.c.uid.is_not(None), DECK.c.name != SESSION_NAME)
    if kind == "preset":
        return select(PRESET.c.uid, *(PRESET.c[c] for c in cols)).where(PRESET.c.uid.is_not(None))
    if kind == "notetype":
        return select(_NOTETYPE_UID.label("uid"), *(NOTETYPE.c[c] for c in cols))
    if kind == "deck":
        picked = [PRESET.c.uid.label(c) if c == "preset_uid" else DECK.c[c] for c in cols]
        return (
            select(DECK.c.uid, *picked)
            .join(PRESET, PRESET.c.id == DECK.c.preset_id, isouter=True)
            .where(synced_deck)
        )
    if kind == "note":
        picked = [DECK.c.uid.label(c) if c == "deck_uid" else NOTE.c[c] for c in cols]
        return select(NOTE.c.uid, *picked).join(DECK, DECK.c.id == NOTE.c.deck_id)
    picked = []
    for c in cols:
        if c == "note_uid":
            picked.append(NOTE.c.uid.label(c))
        elif c == "deck_uid":
            picked.append(DECK.c.uid.label(c))
        else:
            picked.append(CARD.c[c])
    return (
        select(NOTE.c.uid.label("uid"), *picked)
        .select_from(CARD)
        .join(NOTE, NOTE.c.id == CARD.c.note_id)
        .join(DECK, DECK.c.id == func.coalesce(CARD.c.original_deck_id, CARD.c.deck_id))
    )


#: From this many objects of a kind asked for, :func:`_local_objects` reads them all.
_READ_ALL = 5000


def _local_objects(
    conn: Connection, only: Mapping[str, set[str]] | None = None
) -> dict[str, dict[str, dict[str, Any]]]:
    """This device's objects by kind and uid: all of them, or ``only`` those uids (by kind)."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for kind in server.OBJECTS:
        objects: dict[str, dict[str, Any]] = {}
        if only is None:
            batches = [conn.execute(_local_select(kind)).mappings()]
        else:
            wanted = only.get(kind, set())
            keys = {u.rpartition("/")[0] for u in wanted} if kind == "card" else wanted
            keys_of = {"deck": DECK.c.uid, "preset": PRESET.c.uid, "notetype": _NOTETYPE_UID}
            key = keys_of.get(kind, NOTE.c.uid)
            if len(keys) > _READ_ALL:  # most of them (a first sync): one read, then picked
                batches = [conn.execute(_local_select(kind)).mappings()]
            else:
                batches = [
                    conn.execute(_local_select(kind).where(key.in_(chunk))).mappings()
                    for chunk in derived.chunks(sorted(keys))
                ]
        for rows in batches:
            for row in rows:
                payload = {c: row[c] for c in server.payload_columns(kind)}
                uid = card_uid(row["uid"], row["ord"]) if kind == "card" else str(row["uid"])
                if only is None or uid in only.get(kind, ()):
                    objects[uid] = payload
        out[kind] = objects
    return out


def _shadows(conn: Connection, only: Mapping[str, set[str]] | None) -> dict[tuple[str, str], str]:
    """The hashes last synced, (kind, uid) -> hash: all of them, or ``only`` those."""
    if only is None:
        every = conn.execute(select(SHADOW).where(SHADOW.c.kind.in_(list(server.OBJECTS))))
        return {(str(r[0]), str(r[1])): str(r[2]) for r in every}
    out: dict[tuple[str, str], str] = {}
    for kind, uids in only.items():
        sql = "SELECT kind, uid, hash FROM syncshadow WHERE kind = ? AND uid IN"
        rows = transfer.rows_in(conn, sql, sorted(uids), (kind,))
        out.update(((str(r[0]), str(r[1])), str(r[2])) for r in rows)
    return out


def _setting(conn: Connection, key: str) -> str | None:
    row = conn.execute(select(SETTING.c.value).where(SETTING.c.key == key)).first()
    return None if row is None else str(row[0])


def _set_setting(conn: Connection, key: str, value: str) -> None:
    if conn.execute(update(SETTING).where(SETTING.c.key == key).values(value=value)).rowcount:
        return
    conn.execute(insert(SETTING).values(key=key, value=value))


def device_id(conn: Connection) -> str:
    """This collection's device id, made on first use."""
    found = _setting(conn, DEVICE_KEY)
    if found:
        return found
    made = uuid.uuid4().hex
    _set_setting(conn, DEVICE_KEY, made)
    return made


def _prepare(conn: Connection) -> str:
    """Give ids to the device, the presets, the decks and the reviews that have none yet."""
    dirty.ensure(conn)
    device = device_id(conn)
    taken_presets = {
        str(r[0]) for r in conn.execute(select(PRESET.c.uid).where(PRESET.c.uid.is_not(None)))
    }
    for preset_id, name in conn.execute(
        select(PRESET.c.id, PRESET.c.name).where(PRESET.c.uid.is_(None)).order_by(PRESET.c.id)
    ):
        # Default is one preset on every device, whatever it is called.
        key = "Default/1" if preset_id == DEFAULT_PRESET_ID else str(name)
        uid = uuid.uuid5(_PRESET_NS, key).hex
        if uid in taken_presets:
            uid = new_uid()
        taken_presets.add(uid)
        conn.execute(update(PRESET).where(PRESET.c.id == preset_id).values(uid=uid))
    taken = {str(r[0]) for r in conn.execute(select(DECK.c.uid).where(DECK.c.uid.is_not(None)))}
    for deck_id, name in conn.execute(select(DECK.c.id, DECK.c.name).where(DECK.c.uid.is_(None))):
        uid = uuid.uuid5(_DECK_NS, str(name)).hex
        if uid in taken:
            uid = new_uid()
        taken.add(uid)
        conn.execute(update(DECK).where(DECK.c.id == deck_id).values(uid=uid))
    # A note added here without an id of its own is "n<row id>": unique only on this device.
    synced = select(SHADOW.c.uid).where(SHADOW.c.kind == "note")
    local_notes = conn.execute(
        select(NOTE.c.id, NOTE.c.uid).where(NOTE.c.uid.like("n%"), NOTE.c.uid.not_in(synced))
    ).all()
    for note_id, uid in local_notes:
        if str(uid)[1:].isdigit():
            conn.execute(
                update(NOTE).where(NOTE.c.id == note_id).values(uid=f"{device[:12]}-{note_id}")
            )
    missing = [int(r[0]) for r in conn.execute(select(LOG.c.id).where(LOG.c.uid.is_(None)))]
    for log_id in missing:
        conn.execute(update(LOG).where(LOG.c.id == log_id).values(uid=new_uid()))
    return device


# ---------------------------------------------------------------------------- applying


class _NoteIds:
    """Note uid -> local id, read as asked: a sync of a day's changes reads a few, not all."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.known: dict[str, int | None] = {}

    def load(self, uids: Iterable[str]) -> None:
        """Read the ids of ``uids`` not known yet (in batches: a first sync asks for all)."""
        missing = sorted({u for u in uids if u not in self.known})
        rows = transfer.rows_in(self.conn, "SELECT uid, id FROM note WHERE uid IN", missing)
        self.known.update((u, None) for u in missing)
        self.known.update((str(r[0]), int(r[1])) for r in rows)

    def ids(self, uids: Iterable[str]) -> dict[str, int]:
        """The ids here of those of ``uids`` that are here (read together)."""
        wanted = set(uids)
        self.load(wanted)
        return {u: i for u in wanted if (i := self.known[u]) is not None}

    def get(self, uid: str) -> int | None:
        """The note's id here, or None when it is not here."""
        if uid not in self.known:
            self.load([uid])
        return self.known[uid]

    def __contains__(self, uid: str) -> bool:
        return self.get(uid) is not None

    def __getitem__(self, uid: str) -> int:
        found = self.get(uid)
        if found is None:
            raise KeyError(uid)
        return found

    def update(self, pairs: Iterable[tuple[str, int]]) -> None:
        """Notes written here now."""
        self.known.update(pairs)

    def pop(self, uid: str) -> int | None:
        """The note's id, forgotten (it is being deleted)."""
        found = self.get(uid)
        self.known[uid] = None
        return found


class _Local:
    """Writes the server's objects into the collection, inside one transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.decks = {str(r[0]): int(r[1]) for r in conn.execute(select(DECK.c.uid, DECK.c.id))}
        self.presets = {
            str(r[0]): int(r[1]) for r in conn.execute(select(PRESET.c.uid, PRESET.c.id))
        }
        self.notes = _NoteIds(conn)

    def apply(self, kind: str, uid: str, payload: dict[str, Any]) -> bool:
        """Write one object; False when what it belongs to is not here (deleted here)."""
        return bool(getattr(self, f"_apply_{kind}")(uid, payload))

    def _apply_preset(self, uid: str, payload: dict[str, Any]) -> bool:
        preset_id = self.presets.get(uid)
        if preset_id is not None:
            self.conn.execute(update(PRESET).where(PRESET.c.id == preset_id).values(**payload))
        else:
            made = self.conn.execute(insert(PRESET).values(uid=uid, **payload)).inserted_primary_key
            assert made is not None
            self.presets[uid] = int(made[0])
        return True

    def _apply_notetype(self, uid: str, payload: dict[str, Any]) -> bool:
        if not uid.isdigit():
            return False  # not an Anki id: nothing here could name it
        notetype_id = int(uid)
        stmt = update(NOTETYPE).where(NOTETYPE.c.id == notetype_id).values(**payload)
        if not self.conn.execute(stmt).rowcount:
            self.conn.execute(insert(NOTETYPE).values(id=notetype_id, **payload))
        return True

    def _apply_deck(self, uid: str, payload: dict[str, Any]) -> bool:
        if payload["name"] == SESSION_NAME:
            return False  # another device's filtered deck (sent by an older version): its own
        payload = dict(payload)
        # A deck whose preset is not here (sent by a version before presets) keeps its own.
        preset_id = self.presets.get(str(payload.pop("preset_uid")))
        if preset_id is not None:
            payload["preset_id"] = preset_id
        clash = self.conn.execute(
            select(DECK.c.id).where(DECK.c.name == payload["name"], DECK.c.uid != uid)
        ).first()
        if clash is not None:  # another deck here has the name: it steps aside
            self.conn.execute(
                update(DECK)
                .where(DECK.c.id == clash[0])
                .values(name=f"{payload['name']} ({uid[:6]})")
            )
        deck_id = self.decks.get(uid)
        if deck_id is not None:
            self.conn.execute(update(DECK).where(DECK.c.id == deck_id).values(**payload))
        else:
            made = self.conn.execute(insert(DECK).values(uid=uid, **payload)).inserted_primary_key
            assert made is not None
            self.decks[uid] = int(made[0])
        return True

    def apply_many(self, kind: str, items: list[tuple[str, dict[str, Any]]]) -> list[str]:
        """Write many notes or cards: one statement for the updates, one for the insertions.

        Returns:
            The uids written (not those whose deck or note is not here).
        """
        if kind == "note":
            return self._apply_notes(items)
        return self._apply_cards(items)

    def _apply_notes(self, items: list[tuple[str, dict[str, Any]]]) -> list[str]:
        updates: list[dict[str, Any]] = []
        inserts: list[dict[str, Any]] = []
        done = []
        self.notes.load(uid for uid, _payload in items)
        for uid, payload in items:
            values = dict(payload)
            deck_id = self.decks.get(str(values.pop("deck_uid")))
            if deck_id is None:
                continue
            note_id = self.notes.get(uid)
            if note_id is not None:
                updates.append({"b_id": note_id, "deck_id": deck_id, **values})
            else:
                inserts.append({"uid": uid, "deck_id": deck_id, **values})
            done.append(uid)
        if updates:
            self.conn.execute(update(NOTE).where(NOTE.c.id == bindparam("b_id")), updates)
        if inserts:
            self.conn.execute(insert(NOTE), inserts)
            sql = "SELECT uid, id FROM note WHERE uid IN"
            rows = transfer.rows_in(self.conn, sql, [r["uid"] for r in inserts])
            self.notes.update((str(r[0]), int(r[1])) for r in rows)
        return done

    def _apply_cards(self, items: list[tuple[str, dict[str, Any]]]) -> list[str]:
        note_ids = sorted(set(self.notes.ids(str(p["note_uid"]) for _, p in items).values()))
        have: dict[tuple[int, int], int] = {}
        created: dict[int, datetime] = {}
        sql = "SELECT id, note_id, ord FROM card WHERE note_id IN"
        for card_id, note_id, ord_ in transfer.rows_in(self.conn, sql, note_ids):
            have[(int(note_id), int(ord_))] = int(card_id)
        sql = "SELECT id, created FROM note WHERE id IN"
        for note_id, when in transfer.rows_in(self.conn, sql, note_ids):
            made = transfer.read_time(when)
            assert made is not None
            created[int(note_id)] = made
        updates: list[dict[str, Any]] = []
        inserts: list[dict[str, Any]] = []
        done = []
        for uid, payload in items:
            values = dict(payload)
            note_id = self.notes.get(str(values.pop("note_uid")))
            deck_id = self.decks.get(str(values.pop("deck_uid")))
            if note_id is None or deck_id is None:
                continue
            card_id = have.get((note_id, int(values["ord"])))
            if card_id is not None:
                updates.append({"b_id": card_id, "b_deck": deck_id, **values})
            else:
                inserts.append(
                    {
                        "note_id": note_id,
                        "deck_id": deck_id,
                        "state": int(CardState.NEW),
                        "due": created[note_id],
                        "reps": 0,
                        "lapses": 0,
                        **values,
                    }
                )
            done.append(uid)
        if updates:
            # A card in the filtered deck here stays there: the deck that came is its home.
            away = CARD.c.original_deck_id.is_not(None)
            homes = {
                "deck_id": case((away, CARD.c.deck_id), else_=bindparam("b_deck")),
                "original_deck_id": case((away, bindparam("b_deck")), else_=None),
            }
            stmt = update(CARD).where(CARD.c.id == bindparam("b_id")).values(**homes)
            self.conn.execute(stmt, updates)
        if inserts:
            self.conn.execute(insert(CARD), inserts)
        return done

    def remove(self, kind: str, uid: str) -> None:
        """Delete one object here (a deletion that came from the server)."""
        if kind == "notetype":
            # Kept while a note here is in it: the note would lose its fields' meaning.
            if (
                uid.isdigit()
                and not self.conn.execute(
                    select(NOTE.c.id).where(NOTE.c.anki_notetype_id == int(uid)).limit(1)
                ).first()
            ):
                self.conn.execute(delete(NOTETYPE).where(NOTETYPE.c.id == int(uid)))
        elif kind == "preset":
            preset_id = self.presets.get(uid)
            if preset_id is None or preset_id == DEFAULT_PRESET_ID:
                return  # Default is never deleted
            del self.presets[uid]
            self.conn.execute(
                update(DECK)
                .where(DECK.c.preset_id == preset_id)
                .values(preset_id=DEFAULT_PRESET_ID)
            )
            self.conn.execute(delete(PRESET).where(PRESET.c.id == preset_id))
        elif kind == "deck":
            deck_id = self.decks.get(uid)
            name = self.conn.execute(select(DECK.c.name).where(DECK.c.id == deck_id)).scalar()
            if deck_id is None or name == SESSION_NAME:
                return  # (the filtered deck here is this device's own, whatever came)
            self.decks.pop(uid)
            notes = [
                int(r[0])
                for r in self.conn.execute(select(NOTE.c.id).where(NOTE.c.deck_id == deck_id))
            ]
            delete_note_rows(self.conn, notes)
            moved = self.conn.execute(select(CARD.c.id).where(CARD.c.deck_id == deck_id)).all()
            for (card_id,) in moved:  # cards of other decks' notes that sat here
                self.conn.execute(delete(LOG).where(LOG.c.card_id == card_id))
                self.conn.execute(delete(CARD).where(CARD.c.id == card_id))
            self.conn.execute(delete(DECK).where(DECK.c.id == deck_id))
        elif kind == "note":
            note_id = self.notes.pop(uid)
            if note_id is not None:
                delete_note_rows(self.conn, [note_id])
        elif kind == "card":
            note_uid, _, ord_ = uid.rpartition("/")
            note_id = self.notes.get(note_uid)
            if note_id is None:
                return
            ids = select(CARD.c.id).where(CARD.c.note_id == note_id, CARD.c.ord == int(ord_))
            self.conn.execute(delete(LOG).where(LOG.c.card_id.in_(ids)))
            self.conn.execute(
                delete(CARD).where(CARD.c.note_id == note_id, CARD.c.ord == int(ord_))
            )

    def cards_of(self, uids: Iterable[str]) -> dict[str, tuple[int, int]]:
        """Card uid -> (local id, deck id), for those of ``uids`` that are here."""
        wanted = set(uids)
        notes = self.notes.ids(u.rpartition("/")[0] for u in wanted)
        rows = transfer.rows_in(
            self.conn,
            "SELECT n.uid, c.ord, c.id, c.deck_id FROM card AS c JOIN note AS n "
            "ON n.id = c.note_id WHERE c.note_id IN",
            sorted(set(notes.values())),
        )
        out: dict[str, tuple[int, int]] = {}
        for note_uid, ord_, card_id, deck_id in rows:
            uid = card_uid(str(note_uid), int(ord_))
            if uid in wanted:
                out[uid] = (int(card_id), int(deck_id))
        return out


def card_uids(conn: Connection, card_ids: Iterable[int]) -> dict[int, str]:
    """Local card id -> the card's global id."""
    rows = transfer.rows_in(
        conn,
        "SELECT c.id, n.uid, c.ord FROM card AS c JOIN note AS n ON n.id = c.note_id WHERE c.id IN",
        sorted(set(card_ids)),
    )
    return {int(r[0]): card_uid(str(r[1]), int(r[2])) for r in rows}


# ---------------------------------------------------------------------------- server


def _parse_url(url: str) -> URL:
    if not url.startswith("postgresql"):
        raise SyncError("The sync server must be a PostgreSQL URL (postgresql://user@host/db).")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    try:
        return make_url(url)
    except (SQLAlchemyError, ValueError) as error:
        raise SyncError(f"The sync server address is not valid: {error}.") from error


def url_user(url: str) -> str:
    """The user (PostgreSQL role) a sync URL names."""
    user = _parse_url(url).username
    if not user:
        raise SyncError("The sync server URL names no user (postgresql://user@host/db).")
    return user


def keyring_user(url: str) -> str:
    """The keyring's user name for a sync URL's password: ``role@host:port/database``.

    One entry per server and role, so that the same role name on two servers (a home server
    and a rented one) keeps two passwords.
    """
    parsed = _parse_url(url)
    user = url_user(url)
    host = parsed.host or "localhost"
    port = f":{parsed.port}" if parsed.port else ""
    return f"{user}@{host}{port}/{parsed.database or ''}"


def kept_password(url: str) -> str | None:
    """The password kept in the system keyring for the URL's server and role, if any.

    A password kept by an earlier version under the role's name alone is still found.
    """
    import keyring
    from keyring.errors import KeyringError

    try:
        found = keyring.get_password(KEYRING_SERVICE, keyring_user(url))
        if found is None:
            found = keyring.get_password(KEYRING_SERVICE, url_user(url))
        return found
    except KeyringError:  # no usable keyring on this system: as if none were kept
        return None


def save_password(url: str, password: str) -> str:
    """Keep the password of the URL's role on its server in the system keyring; one line."""
    import keyring
    from keyring.errors import KeyringError

    user = url_user(url)
    if not password:
        raise SyncError("No password was given; nothing was kept.")
    try:
        keyring.set_password(KEYRING_SERVICE, keyring_user(url), password)
    except KeyringError as error:
        raise SyncError(f"The system keyring cannot keep the password: {error}") from error
    where = type(keyring.get_keyring()).__name__
    return (
        f"The password of {user} is kept in the system keyring ({where}); a sync URL without "
        "a password takes it from there."
    )


def _server_engine(url: str) -> Engine:
    parsed = _parse_url(url)
    if parsed.password is None and parsed.username:
        found = kept_password(url)
        if found is not None:
            parsed = parsed.set(password=found)
    try:
        # No pool: a sync's steps run on different threads (the GUI's network thread, the
        # collection's executor), and a pooled connection left to the garbage collector is
        # finalized on whichever thread collects it, beside another thread's use of the server
        # (a CI run crashed in exactly that state); each step opens and closes its connection.
        return create_engine(parsed, connect_args={"connect_timeout": 10}, poolclass=NullPool)
    except (SQLAlchemyError, ValueError) as error:
        raise SyncError(f"The sync server address is not valid: {error}.") from error


def describe(error: BaseException) -> str:
    """One sentence for the learner about a server error."""
    message = str(getattr(error, "orig", None) or error)
    lowered = message.lower()
    if (
        "password authentication failed" in lowered
        or "no password supplied" in lowered  # none in the URL, none in the keyring
        or ("role" in lowered and "does not exist" in lowered)
    ):
        return "The sync server refused the user name or password."
    if "permission denied" in lowered:
        return (
            "The sync server does not let this user sync: its administrator adds it to the "
            f"{server.LEARNERS} role (see flashcards sync --init-server)."
        )
    if "database" in lowered and "does not exist" in lowered:
        return "The sync server has no such database."
    if (
        any(
            s in lowered
            for s in (
                "connection refused",
                "no such file",
                "could not connect",
                "timeout",
                "resolve",
            )
        )
        or "connection" in lowered
    ):
        return "The sync server cannot be reached; your collection is unchanged and syncs later."
    first = message.strip().splitlines()[0] if message.strip() else type(error).__name__
    return f"The sync failed on the server: {first}"


def _ensure_schema(engine: Engine) -> None:
    """Check the server's schema; on a database without one, create it as this role's own."""
    with engine.begin() as conn:
        found = server.schema_version(conn)
    if found is not None and found > server.SERVER_SCHEMA:
        raise SyncError(
            "The sync server holds a newer kind of collection than this version of "
            "Flashcards understands; update Flashcards to sync."
        )
    if found == server.SERVER_SCHEMA:
        return
    try:
        with engine.begin() as conn:
            server.lock_schema(conn)
            if server.schema_version(conn) != server.SERVER_SCHEMA:
                server.create_schema(conn)
    except DBAPIError as error:
        if _sqlstate(error) != "42501":  # insufficient privilege
            raise
        raise SyncError(
            "The sync server has no tables for Flashcards yet (or older ones) and this user may "
            "not make them: its administrator runs flashcards sync --init-server first."
        ) from error


def _sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


def init_server(url: str) -> str:
    """``flashcards sync --init-server``: make the database a server for several learners.

    Returns:
        One line for the administrator: what was made, how to add a learner.
    """
    engine = _server_engine(url)
    try:
        with engine.begin() as conn:
            made = server.init_server(conn)
            found = server.schema_version(conn)
    except DBAPIError as error:
        if _sqlstate(error) == "42501":
            raise SyncError(
                "This user may not set up the sync server: run --init-server as the database's "
                "owner or a superuser (creating the learners' role needs CREATEROLE)."
            ) from error
        raise SyncError(describe(error)) from error
    finally:
        engine.dispose()
    group = server.LEARNERS
    return (
        f"The sync server is ready (schema {found}; role {group} "
        f"{'created' if made else 'already there'}). Add a learner with: CREATE ROLE name LOGIN "
        f"PASSWORD '...' IN ROLE {group};"
    )


def _head(conn: Connection) -> int:
    meta = server.META
    found = conn.execute(
        select(meta.c.value).where(server.mine(meta), meta.c.key == "head")
    ).scalar()
    return int(found) if found is not None else 0


@dataclass
class _Pulled:
    head: int
    objects: dict[str, list[dict[str, Any]]]
    graves: list[dict[str, Any]]
    #: ``uid, card_uid, deck_uid, usn, device`` and :data:`transfer.LOG_VALUES` (see
    #: transfer.pull_logs)
    logs: list[tuple[Any, ...]]


def _pull(engine: Engine, since: int) -> _Pulled:
    with engine.begin() as conn:
        server.lock(conn, exclusive=False)
        head = _head(conn)
        streamed = conn.execution_options(yield_per=transfer.FETCH)
        objects = {
            kind: [
                dict(r)
                for r in streamed.execute(
                    select(t).where(server.mine(t), t.c.usn > since)
                ).mappings()
            ]
            for kind, t in server.OBJECTS.items()
        }
        graves = [
            dict(r)
            for r in conn.execute(
                select(server.GRAVES).where(server.mine(server.GRAVES), server.GRAVES.c.usn > since)
            ).mappings()
        ]
        logs = transfer.pull_logs(conn, since)
    return _Pulled(head, objects, graves, logs)


# ---------------------------------------------------------------------------- the sync


#: ``progress(step, count)``: a step of a sync begins ("prepare", "schema", "media", "pull",
#: "merge", "read", "push", "record"); ``count`` is how many rows it moves (0: not known yet).
Progress = Callable[[str, int], None]


@dataclass
class Step:
    """One step of a sync.

    A ``local`` step uses the collection (the app runs it as collection work); the others only
    talk to the server, so the app runs them elsewhere and answering cards goes on meanwhile.
    """

    name: str
    local: bool
    run: Callable[[], None]


class SyncRun:
    """One sync as steps, each committed on its own (see the module docstring).

    :func:`sync` runs them in turn; the app runs the local ones as collection work and the
    network ones on a thread of their own. Whatever runs them calls :meth:`close` at the end
    (a local step: it announces what the sync changed), also after a failure.

    Args:
        col: The collection.
        url: The server's SQLAlchemy URL.
        now: The time of the sync.
        checkpoint: Called with the name of each step once it is committed ("prepared",
            "merged", "pushed", "recorded"): the tests kill the process there.
        progress: Told as each step begins, with the rows it moves when known.

    Raises:
        SyncError: When the URL is not one (from the constructor).
    """

    def __init__(
        self,
        col: Collection,
        url: str,
        now: datetime,
        *,
        checkpoint: Checkpoint | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.col = col
        self.now = utcnow_guard(now)
        self.mark = checkpoint or (lambda _step: None)
        self.progress = progress or (lambda _step, _count: None)
        self.report = SyncReport()
        self.engine = _server_engine(url)
        self._device = ""
        self._since = 0
        self._pulled: _Pulled | None = None
        self._out: _Outgoing | None = None
        self._media = media_sync.MediaRun(
            col, self.engine, self.now, self.report, self.mark, self.progress
        )

    def steps(self) -> list[Step]:
        """The steps, in the order they run."""
        return [
            Step("prepare", True, self._prepare),
            Step("schema", False, lambda: _ensure_schema(self.engine)),
            *self._media.steps(),
            Step("media done", True, self._media_done),
            Step("pull", False, self._pull),
            Step("merge", True, self._merge),
            Step("read", True, self._read),
            Step("push", False, self._push),
            Step("record", True, self._record),
        ]

    def run(self, step: Step) -> None:
        """Run one step; a server error becomes a :class:`SyncError` in one sentence."""
        try:
            step.run()
        except DBAPIError as error:
            raise SyncError(describe(error)) from error

    def close(self) -> None:
        """Let the server connections go and announce what the sync may have changed."""
        self.engine.dispose()
        self.col.notify(
            Change.DECKS | Change.NOTES | Change.CARDS | Change.REVIEWS | Change.OPTIONS
        )

    def _prepare(self) -> None:
        self.progress("prepare", 0)
        with self.col.engine.begin() as conn:
            self._device = _prepare(conn)
            self._media.device = self._device
            self._since = int(_setting(conn, USN_KEY) or 0)
        self.mark("prepared")

    def _media_done(self) -> None:
        with self.col.engine.connect() as conn:
            self._since = int(_setting(conn, USN_KEY) or 0)

    def _pull(self) -> None:
        self.progress("pull", 0)
        self._pulled = _pull(self.engine, self._since)

    def _merge(self) -> None:
        assert self._pulled is not None
        pulled = self._pulled
        self.progress("merge", len(pulled.logs) + sum(map(len, pulled.objects.values())))
        _merge(self.col, pulled, self._device, self.now, self.report)
        self.mark("merged")

    def _read(self) -> None:
        self.progress("read", 0)
        self._out = _read_outgoing(self.col)

    def _push(self) -> None:
        assert self._out is not None
        out = self._out
        self.progress("push", len(out.logs) + sum(map(len, out.changed.values())))
        _send(self.engine, out, self._device, self.now, self.report, self.mark)

    def _record(self) -> None:
        assert self._out is not None and self._pulled is not None
        self.progress("record", 0)
        _record(self.col, self._out, self._pulled.head, self.report, self.mark)


def sync(
    col: Collection,
    url: str,
    now: datetime,
    *,
    checkpoint: Checkpoint | None = None,
    progress: Progress | None = None,
) -> SyncReport:
    """Sync ``col`` with the PostgreSQL server at ``url`` (a SQLAlchemy URL) as of ``now``.

    The steps of :class:`SyncRun`, in turn, on this thread; ``checkpoint`` and ``progress`` as
    there.

    Raises:
        SyncError: In one sentence, when the server cannot be reached, refuses the password,
            holds a newer schema, or fails.
    """
    run = SyncRun(col, url, now, checkpoint=checkpoint, progress=progress)
    try:
        for step in run.steps():
            run.run(step)
    finally:
        run.close()
    return run.report


def _merge(
    col: Collection, pulled: _Pulled, device: str, now: datetime, report: SyncReport
) -> None:
    day = scheduling.LearnerDay(col.config.tz, col.config.day_start_hour)
    with col.engine.begin() as conn, transfer.big_cache(conn):
        # Only the objects the server sent (changed or deleted there) are looked at here.
        wanted: dict[str, set[str]] = {kind: set() for kind in server.OBJECTS}
        for kind, rows in pulled.objects.items():
            wanted[kind].update(str(row["uid"]) for row in rows)
        for grave in pulled.graves:
            wanted.setdefault(str(grave["kind"]), set()).add(str(grave["uid"]))
        shadow = _shadows(conn, wanted)
        graves_here = {(str(r[0]), str(r[1])) for r in conn.execute(select(GRAVE))}
        local = _local_objects(conn, wanted)
        writer = _Local(conn)
        noted = dirty.last(conn)

        def set_shadow(kind: str, uid: str, digest: str | None) -> None:
            conn.execute(delete(SHADOW).where(SHADOW.c.kind == kind, SHADOW.c.uid == uid))
            if digest is not None:
                conn.execute(insert(SHADOW).values(kind=kind, uid=uid, hash=digest))

        def local_wins(kind: str, uid: str, theirs: Mapping[str, Any]) -> bool | None:
            """None: not changed here; else whether this side's change is the newer."""
            mine = local[kind].get(uid)
            if (kind, uid) in graves_here:
                mine_time = now
            elif mine is not None and content_hash(kind, mine) != shadow.get((kind, uid)):
                mine_time = _mtime(kind, mine, now)
            else:
                return None
            return (mine_time, device) > (theirs["mtime"], theirs["device"])

        same: list[tuple[str, str, str]] = []  # (kind, uid, hash) now equal on both sides
        for kind, rows in pulled.objects.items():
            bulk: list[tuple[str, dict[str, Any]]] = []
            quiet: list[tuple[str, dict[str, Any]]] = []  # the same content, written at other times
            hashes: dict[str, str] = {}
            for row in rows:
                uid = str(row["uid"])
                payload = {c: row[c] for c in server.payload_columns(kind)}
                digest = content_hash(kind, payload)
                mine = local[kind].get(uid)
                if mine is not None and content_hash(kind, mine) == digest:
                    same.append((kind, uid, digest))  # the same on both sides (or our own push)
                    continue
                if mine is not None and same_content(kind, mine, payload):
                    # The same content written at another time (both devices loaded the shipped
                    # deck, or one package): the server's is taken quietly, nothing goes back.
                    quiet.append((uid, payload))
                    hashes[uid] = digest
                    continue
                wins = local_wins(kind, uid, row)
                clash = kind == "note" and mine is not None  # edited on both sides
                if wins:
                    if clash:
                        _keep_conflict(conn, kind, uid, str(row["device"]), payload, now)
                        report.conflicts += 1
                    continue
                if wins is False and clash:
                    assert mine is not None
                    _keep_conflict(conn, kind, uid, device, mine, now)
                    report.conflicts += 1
                if (kind, uid) in graves_here:  # their edit is newer than our deletion
                    conn.execute(delete(GRAVE).where(GRAVE.c.kind == kind, GRAVE.c.uid == uid))
                if kind in ("note", "card"):  # many: written together below
                    bulk.append((uid, payload))
                    hashes[uid] = digest
                elif writer.apply(kind, uid, payload):
                    same.append((kind, uid, digest))
                    report.received[kind] += 1
            if bulk:
                written = writer.apply_many(kind, bulk)
                same.extend((kind, uid, hashes[uid]) for uid in written)
                report.received[kind] += len(written)
            if quiet:  # (not counted as received: nothing the learner sees changed)
                if kind in ("note", "card"):
                    taken = writer.apply_many(kind, quiet)
                else:
                    taken = [uid for uid, payload in quiet if writer.apply(kind, uid, payload)]
                same.extend((kind, uid, hashes[uid]) for uid in taken)
        for chunk in derived.chunks(same, 5000):
            conn.exec_driver_sql(
                "INSERT OR REPLACE INTO syncshadow (kind, uid, hash) VALUES (?, ?, ?)", list(chunk)
            )

        # Notes first: a note kept here (edited after the other side deleted it) keeps its
        # cards too, whatever their own graves say, and with them their reviews.
        kept_notes: set[str] = set()
        removed: list[tuple[str, str]] = []
        resend: list[str] = []  # cards to go up again (see _send_again)
        for grave in sorted(pulled.graves, key=lambda g: str(g["kind"]) != "note"):
            kind, uid = str(grave["kind"]), str(grave["uid"])
            of_kept_note = kind == "card" and uid.rpartition("/")[0] in kept_notes
            if of_kept_note or (local_wins(kind, uid, grave) and (kind, uid) not in graves_here):
                # Changed here after: this side's version goes back up, and with it what the
                # deletion took off the server (its cards, their reviews, sent or not).
                resend += _send_again(conn, writer, kind, uid)
                if kind == "note":
                    kept_notes.add(uid)
                continue
            if uid in local.get(kind, {}):
                report.received["deletion"] += 1
            writer.remove(kind, uid)
            set_shadow(kind, uid, None)
            removed.append((kind, uid))
            conn.execute(delete(GRAVE).where(GRAVE.c.kind == kind, GRAVE.c.uid == uid))

        # What writing the server's objects changed here is as the server has it: not to send.
        dirty.forget_applied(conn, noted, [*((k, u) for k, u, _hash in same), *removed])
        dirty.note(conn, [("card", uid) for uid in resend])
        derived.mark_mixed_before(conn)
        touched = _merge_logs(conn, writer, pulled.logs, device, report)
        _derive(conn, writer, pulled.objects.get("card", []), touched, day, report)
        _set_setting(conn, USN_KEY, str(pulled.head))


_UNSENT_CARDS = "SELECT DISTINCT card_id FROM reviewlog WHERE usn = -1"


def _derive(
    conn: Connection,
    writer: _Local,
    pulled_cards: list[dict[str, Any]],
    touched: set[int],
    day: scheduling.LearnerDay,
    report: SyncReport,
) -> None:
    """Give every card whose review set may have changed the state derived from that set.

    The candidates are the cards that gained reviews from the server, those with reviews not
    sent yet, those the server sent a derived state for, and this device's own cards whose state
    changed here without a review (a reschedule, a recompute of memory states: their state is
    sent as it is; a mixed card's such change is not sent, and its next replay replaces it). A
    card whose (merged) set of rated reviews is the one the server's state was derived from
    takes that state; a card whose reviews are all this device's (not mixed) keeps its state,
    which is its derived state; a mixed one whose set is the one its own state was derived from
    (and whose state has not changed since) keeps it; any other is replayed. Replayed states,
    and kept ones not sent yet, go up with the push.
    """
    theirs = {
        str(row["uid"]): row for row in pulled_cards if row.get(server.DERIVED_FROM) is not None
    }
    # A literal -1: SQLite uses the partial index of unsent reviews only for the constant.
    pending = {int(r[0]) for r in conn.exec_driver_sql(_UNSENT_CARDS)}
    changed = derived.changed_cards(conn)
    ids = touched | pending | {card_id for card_id, _deck in writer.cards_of(theirs).values()}
    if changed:
        changed_uids = card_uids(conn, changed)
        not_own = derived.mixed_cards(conn, list(changed_uids.values()))
        ids |= {i for i, uid in changed_uids.items() if uid not in not_own}
    if not ids:
        derived.watch_changes(conn)
        return
    uids = card_uids(conn, ids)
    sets = derived.rated_reviews(conn, list(uids))
    states = derived.card_memories(conn, list(uids))
    mine = derived.local_derivations(conn, list(uids.values()))
    mixed = derived.mixed_cards(conn, list(uids.values()))
    taken: list[tuple[int, scheduling.Memory, bool]] = []
    own: list[int] = []
    replay: list[int] = []
    resume: dict[int, tuple[scheduling.Memory, derived.Key]] = {}
    push: list[str] = []
    digests: dict[int, str] = {}
    for card_id, uid in uids.items():
        keys = sets[card_id]
        if not keys:
            continue
        digest = digests[card_id] = derived.review_digest(k[1] for k in keys)
        row = theirs.get(uid)
        ours = mine.get(uid)
        if row is not None:
            server_digest = str(row[server.DERIVED_FROM])
            if server_digest.removeprefix(derived.OWN) == digest:
                replayed = not server_digest.startswith(derived.OWN)
                taken.append((card_id, derived.memory_of(row), replayed))
                continue
        held = ours is not None and ours.digest == digest and ours.holds(states[card_id])
        if uid not in mixed:  # all its reviews are this device's: its state is the derived one
            if not held:
                own.append(card_id)
            elif card_id in pending:
                push.append(uid)  # recorded by an earlier sync whose push did not end
            continue
        if held:  # the state agreed for this very set (a replay, or a device's own)
            if card_id in pending:
                push.append(uid)  # derived here by an earlier sync whose push did not end
            continue
        replay.append(card_id)
        if ours is not None and ours.replayed:  # the reviews up to its last one are the same
            before = derived.review_digest(k[1] for k in keys if k <= ours.last)
            if before == ours.digest:
                resume[card_id] = (ours.memory, ours.last)
    derived.write_states(conn, ((i, m) for i, m, _replayed in taken))
    replayed_now = derived.replay_cards(conn, replay, day, resume)
    done = [(i, m, sets[i][-1], r) for i, m, r in taken]
    done += [(i, states[i], sets[i][-1], False) for i in own]
    done += [(i, m, last, True) for i, (m, last) in replayed_now.items()]
    derived.record(
        conn, ((uids[i], derived.Derivation(digests[i], m, k, r)) for i, m, k, r in done)
    )
    derived.mark_push(conn, [*push, *(uids[i] for i in own), *(uids[i] for i in replayed_now)])
    derived.watch_changes(conn)  # the states written here are derived ones: not changes
    report.replayed += len(replayed_now)
    report.resumed += len(resume)


def _send_again(conn: Connection, writer: _Local, kind: str, uid: str) -> list[str]:
    """Send a note's (or a card's) cards and reviews again at the next push.

    A deletion on the server takes the object's cards and reviews with it; when this side's
    newer edit brings the object back, they go back up too (the server ignores reviews it
    still has). Returns the uids of the cards, which the caller notes as changed.
    """
    if kind == "note":
        note_id = writer.notes.get(uid)
        if note_id is None:
            return []
        rows = conn.execute(select(CARD.c.id, CARD.c.ord).where(CARD.c.note_id == note_id)).all()
    elif kind == "card":
        note_uid, _, ord_ = uid.rpartition("/")
        note_id = writer.notes.get(note_uid)
        if note_id is None or not ord_.isdigit():
            return []
        rows = conn.execute(
            select(CARD.c.id, CARD.c.ord).where(CARD.c.note_id == note_id, CARD.c.ord == int(ord_))
        ).all()
        uid = note_uid
    else:
        return []
    card_uids = [card_uid(uid, int(r[1])) for r in rows]
    conn.execute(delete(SHADOW).where(SHADOW.c.kind == "card", SHADOW.c.uid.in_(card_uids)))
    conn.execute(update(LOG).where(LOG.c.card_id.in_([int(r[0]) for r in rows])).values(usn=-1))
    return card_uids


def _mtime(kind: str, payload: Mapping[str, Any], now: datetime) -> datetime:
    if kind in ("notetype", "preset", "deck", "note"):
        value = payload["modified"]
        assert isinstance(value, datetime)
        return value
    return now


def _keep_conflict(
    conn: Connection, kind: str, uid: str, device: str, payload: Mapping[str, Any], now: datetime
) -> None:
    body = json.dumps({k: _norm(v) for k, v in payload.items()}, ensure_ascii=False)
    conn.execute(
        insert(CONFLICT).values(kind=kind, uid=uid, found_at=now, device=device, body=body)
    )


def _merge_logs(
    conn: Connection,
    writer: _Local,
    logs: list[tuple[Any, ...]],
    device: str,
    report: SyncReport,
) -> set[int]:
    """Add the server's reviews missing here; returns the cards they belong to.

    A card given a review another device made is marked mixed (:data:`derived.MIXED`).
    """
    if not logs:
        return set()
    cards = writer.cards_of({str(log[1]) for log in logs})
    # Ours, pushed before a sync that did not finish: they have their usn now.
    unsent = {str(r[0]) for r in conn.exec_driver_sql("SELECT uid FROM reviewlog WHERE usn = -1")}
    sent: list[tuple[int, str]] = []
    rows: list[tuple[Any, ...]] = []
    touched: set[int] = set()
    mixed: set[str] = set()
    for uid, card, deck, usn, by, *values in logs:
        if uid in unsent:
            sent.append((int(usn), str(uid)))
            continue
        found = cards.get(str(card))
        if found is None:  # its note was deleted here
            continue
        card_id, card_deck = found
        deck_id = writer.decks.get(str(deck), card_deck)
        rows.append((uid, usn, card_id, deck_id, *values))
        touched.add(card_id)
        if by != device:
            mixed.add(str(card))
    if sent:
        conn.exec_driver_sql("UPDATE reviewlog SET usn = ? WHERE uid = ?", sent)
    report.received["review"] += transfer.insert_logs(conn, rows)
    derived.mark_mixed(conn, sorted(mixed))
    return touched


@dataclass
class _Outgoing:
    """What this device has to send, read by :func:`_read_outgoing`."""

    noted: int  # the last change noted that was read
    changed: dict[str, list[tuple[str, dict[str, Any], str]]]
    graves: set[tuple[str, str]]
    logs: list[tuple[Any, ...]]
    log_keys: list[tuple[int, str]]  # the reviews' local ids and uids, in id order
    to_push: set[str]  # cards whose derived state was marked to go up
    states: list[tuple[Any, ...]]  # their states (those still as derived)
    head: int = 0  # the server's head before the push
    usn: int = 0  # the push's usn

    def empty(self) -> bool:
        """Nothing to send."""
        return not (self.changed or self.graves or self.logs or self.to_push)


def _read_outgoing(col: Collection) -> _Outgoing:
    """Read what to send: changed objects, deletions, reviews, derived states (local step)."""
    with col.engine.connect() as conn, transfer.big_cache(conn):
        graves = {(str(r[0]), str(r[1])) for r in conn.execute(select(GRAVE))}
        # The objects changed here since the last push (all of them at the first sync).
        noted = dirty.last(conn)
        wanted = dirty.changed(conn, noted)
        for kind, uid in graves:
            wanted.setdefault(kind, set()).add(uid)
        shadow = _shadows(conn, wanted)
        local = _local_objects(conn, wanted)
        log_keys, logs = transfer.pending_logs(conn)
        to_push = {
            str(r[0])
            for r in conn.execute(select(SHADOW.c.uid).where(SHADOW.c.kind == derived.PUSH_KIND))
        }
        states = _derived_to_push(conn, to_push)
    changed: dict[str, list[tuple[str, dict[str, Any], str]]] = {}
    for kind, objects in local.items():
        for uid, payload in objects.items():
            digest = content_hash(kind, payload)
            if shadow.get((kind, uid)) != digest:
                changed.setdefault(kind, []).append((uid, payload, digest))
    # Deleted here without a grave (an undo, a card an edit removed): the shadow knows.
    for kind, uid in shadow:
        if kind in server.OBJECTS and uid not in local[kind]:
            graves.add((kind, uid))
    graves = {(k, u) for k, u in graves if u not in local.get(k, {})}
    return _Outgoing(noted, changed, graves, logs, log_keys, to_push, states)


#: A card's derived state as :func:`_derived_to_push` gives it (after the uid).
_STATE_COLUMNS = (*server.DERIVED, server.DERIVED_FROM)


def _send(
    engine: Engine,
    out: _Outgoing,
    device: str,
    now: datetime,
    report: SyncReport,
    mark: Checkpoint,
) -> None:
    """Send ``out`` in one server transaction (network step: no collection work)."""
    if out.empty():
        return
    with engine.begin() as sconn:
        server.lock(sconn, exclusive=True)
        out.head = _head(sconn)
        out.usn = usn = int(sconn.execute(select(server.USN_SEQ.next_value())).scalar_one())
        sync_values = {"usn": usn, "device": device}
        states = {str(row[0]): row[1:] for row in out.states}
        folded: set[str] = set()
        for kind in server.OBJECTS:
            items = out.changed.get(kind, [])
            rows = [
                {"uid": uid, **payload, **sync_values, "mtime": _mtime(kind, payload, now)}
                for uid, payload, _digest in items
            ]
            if kind == "card" and states:
                # A card sent with its derived state is written once, state and content
                # together (a first push: 100,000 cards updated again after their insert).
                both = [row for row in rows if row["uid"] in states]
                for row in both:
                    row.update(zip(_STATE_COLUMNS, states[row["uid"]], strict=True))
                always = (*_STATE_COLUMNS, "usn", "device")
                transfer.upsert_objects(sconn, server.CARDS, both, always)
                folded = {str(row["uid"]) for row in both}
                rows = [row for row in rows if row["uid"] not in folded]
            _upsert(sconn, server.OBJECTS[kind], rows)
            if items:
                report.sent[kind] += len(items)
        order = ("card", "note", "deck", "preset", "notetype")
        for kind, uid in sorted(out.graves, key=lambda g: order.index(g[0])):
            _bury_on_server(sconn, kind, uid, {**sync_values, "mtime": now})
            report.sent["deletion"] += 1
        transfer.push_logs(sconn, out.logs, usn, device)
        if out.logs:
            report.sent["review"] += len(out.logs)
        rest = [row for row in out.states if row[0] not in folded]
        transfer.push_derived(sconn, rest, usn, device)
        stmt = pg_insert(server.META).values(key="head", value=str(usn))
        sconn.execute(
            stmt.on_conflict_do_update(
                index_elements=["owner", "key"], set_={"value": stmt.excluded.value}
            )
        )
    mark("pushed")


def _record(
    col: Collection, out: _Outgoing, pulled_head: int, report: SyncReport, mark: Checkpoint
) -> None:
    """Mark what was sent as synced (local step)."""
    if out.empty():
        with col.engine.begin() as conn:
            dirty.clear(conn, out.noted)
        report.usn = pulled_head
        return
    usn = out.usn
    with col.engine.begin() as conn, transfer.big_cache(conn):
        recorded = [
            (kind, uid, digest) for kind, items in out.changed.items() for uid, _p, digest in items
        ]
        for chunk in derived.chunks(recorded, 5000):
            conn.exec_driver_sql(
                "INSERT OR REPLACE INTO syncshadow (kind, uid, hash) VALUES (?, ?, ?)", list(chunk)
            )
        for kind, uid in out.graves:
            conn.execute(delete(SHADOW).where(SHADOW.c.kind == kind, SHADOW.c.uid == uid))
            conn.execute(delete(GRAVE).where(GRAVE.c.kind == kind, GRAVE.c.uid == uid))
        for chunk in derived.chunks(sorted(out.to_push), 5000):
            conn.execute(
                delete(SHADOW).where(SHADOW.c.kind == derived.PUSH_KIND, SHADOW.c.uid.in_(chunk))
            )
        transfer.mark_sent(conn, out.log_keys, usn)
        dirty.clear(conn, out.noted)
        # Nobody pushed between our pull and our push: we have everything up to our own usn.
        if out.head == pulled_head:
            _set_setting(conn, USN_KEY, str(usn))
    report.usn = usn
    mark("recorded")


def _derived_to_push(conn: Connection, uids: set[str]) -> list[tuple[Any, ...]]:
    """The derived state of the cards marked to go up: ``uid``, the state, the review digest.

    A card whose state changed since it was derived (answered since) is left out: its next
    sync derives it again.
    """
    if not uids:
        return []
    writer_notes = {u.rpartition("/")[0] for u in uids}
    found: dict[str, int] = {}
    rows = transfer.rows_in(
        conn,
        "SELECT n.uid, c.ord, c.id FROM card AS c JOIN note AS n ON n.id = c.note_id "
        "WHERE n.uid IN",
        sorted(writer_notes),
    )
    for note_uid, ord_, card_id in rows:
        uid = card_uid(str(note_uid), int(ord_))
        if uid in uids:
            found[uid] = int(card_id)
    states = derived.card_memories(conn, list(found.values()))
    mine = derived.local_derivations(conn, list(found))
    out = []
    for uid, card_id in found.items():
        memory = states[card_id]
        ours = mine.get(uid)
        if ours is not None and ours.holds(memory):
            values = (getattr(memory, n) for n in server.DERIVED)
            out.append((uid, *values, ours.server_digest()))
    return out


def _upsert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    # COPY into a temporary table and one INSERT … ON CONFLICT from it (transfer.py): at
    # 2,000 cards the executemany it replaced took most of the upload.
    transfer.upsert_objects(conn, table, rows)


def _bury_on_server(conn: Connection, kind: str, uid: str, values: dict[str, Any]) -> None:
    stmt = pg_insert(server.GRAVES).values(kind=kind, uid=uid, **values)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["owner", "kind", "uid"],
            set_={
                "usn": stmt.excluded.usn,
                "device": stmt.excluded.device,
                "mtime": stmt.excluded.mtime,
            },
        )
    )
    if kind in ("preset", "notetype"):
        table = server.OBJECTS[kind]
        conn.execute(delete(table).where(server.mine(table), table.c.uid == uid))
        return
    cards, notes, logs = server.CARDS, server.NOTES, server.LOGS
    own_cards, own_notes, own_logs = server.mine(cards), server.mine(notes), server.mine(logs)
    if kind == "card":
        conn.execute(delete(logs).where(own_logs, logs.c.card_uid == uid))
        conn.execute(delete(cards).where(own_cards, cards.c.uid == uid))
        return
    if kind == "note":
        note_uids = [uid]
    else:
        note_uids = [
            str(r[0])
            for r in conn.execute(select(notes.c.uid).where(own_notes, notes.c.deck_uid == uid))
        ]
        decks = server.DECKS
        conn.execute(delete(decks).where(server.mine(decks), decks.c.uid == uid))
        stray = select(cards.c.uid).where(own_cards, cards.c.deck_uid == uid)
        conn.execute(delete(logs).where(own_logs, logs.c.card_uid.in_(stray)))
        conn.execute(delete(cards).where(own_cards, cards.c.deck_uid == uid))
    for start in range(0, len(note_uids), _BATCH):
        chunk = note_uids[start : start + _BATCH]
        card_uids = select(cards.c.uid).where(own_cards, cards.c.note_uid.in_(chunk))
        conn.execute(delete(logs).where(own_logs, logs.c.card_uid.in_(card_uids)))
        conn.execute(delete(cards).where(own_cards, cards.c.note_uid.in_(chunk)))
        conn.execute(delete(notes).where(own_notes, notes.c.uid.in_(chunk)))
        if kind == "deck":
            for note_uid in chunk:
                _grave_row(conn, "note", note_uid, values)


def _grave_row(conn: Connection, kind: str, uid: str, values: dict[str, Any]) -> None:
    stmt = pg_insert(server.GRAVES).values(kind=kind, uid=uid, **values)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["owner", "kind", "uid"],
            set_={"usn": stmt.excluded.usn, "device": stmt.excluded.device},
        )
    )


def conflicts(col: Collection) -> list[dict[str, Any]]:
    """The versions that lost a merge, newest first: kind, uid, found_at, device, fields."""
    with col.engine.connect() as conn:
        rows = conn.execute(select(CONFLICT).order_by(CONFLICT.c.id.desc())).mappings().all()
    return [
        {
            "kind": r["kind"],
            "uid": r["uid"],
            "found_at": r["found_at"],
            "device": r["device"],
            "fields": json.loads(r["body"]),
        }
        for r in rows
    ]
