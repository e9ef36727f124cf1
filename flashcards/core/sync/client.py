"""Sync a collection with a PostgreSQL server: push what changed here, pull, merge, replay.

The local collection stays the working copy; a sync is four steps, each committed on its own,
so that a client killed (or a server lost) at any point loses nothing and the next sync ends
the job:

1. **Prepare** (local): give ids to what has none yet (the device, decks, reviews).
2. **Pull and merge** (server read, then one local transaction): the server's changes since
   the last synced usn. Reviews are facts: merged by union (by their global ids). Decks, deck
   options, notes and cards: last writer wins by (modification time, device); deletions come
   as graves. When an object changed on both sides, the losing version is kept in the
   ``syncconflict`` table (``flashcards sync --conflicts`` lists it). Every card that gained
   reviews (here or there) gets its scheduling state by replaying its whole review log in time
   order through the scheduler, fuzz seeded by the card's global id and its review count, so
   every device computes the same state. The last synced usn moves in the same transaction.
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
    Table,
    create_engine,
    delete,
    insert,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from flashcards.core import queue, scheduling
from flashcards.core.changes import Change
from flashcards.core.decks import DeckSettings
from flashcards.core.enums import CardState
from flashcards.core.errors import FlashcardsError
from flashcards.core.models import SyncConflict, new_uid, table_of, utcnow_guard
from flashcards.core.notes import delete_note_rows
from flashcards.core.sync import server
from flashcards.core.sync.graves import GRAVE, SHADOW
from flashcards.core.tables import CARD, DECK, LOG, NOTE, OPTIONS, SETTING

if TYPE_CHECKING:
    from flashcards.core.collection import Collection

CONFLICT = table_of(SyncConflict)

#: Setting keys: this collection's device id, and the server usn it has merged up to.
DEVICE_KEY = "sync_device"
USN_KEY = "sync_usn"
URL_KEY = "sync_url"
#: The system keyring's service for the sync passwords (the user is the PostgreSQL role).
KEYRING_SERVICE = "flashcards-sync"

#: Namespace of deck ids derived from the deck's name at its first sync: two devices that
#: both made "Default" (or loaded the shipped deck) before syncing share one deck.
_DECK_NS = uuid.UUID("6f1c1f7e-6c3e-4a53-9a55-1d1c5a0e4c15")

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
    usn: int = 0

    def summary(self) -> str:
        """One line: what went up, what came down."""

        def part(counts: Counter[str]) -> str:
            order = ("review", "note", "card", "deck", "options", "deletion")
            items = [f"{counts[k]} {_plural(k, counts[k])}" for k in order if counts[k]]
            return ", ".join(items) if items else "nothing"

        line = f"Synced: sent {part(self.sent)}; received {part(self.received)}"
        if self.conflicts:
            line += (
                f"; {self.conflicts} {'note' if self.conflicts == 1 else 'notes'} changed on "
                "both sides (the other version is kept: flashcards sync --conflicts)"
            )
        return line + "."


def _plural(kind: str, n: int) -> str:
    if kind == "options":
        return "deck options"
    return kind if n == 1 else kind + "s"


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


def card_uid(note_uid: str, ord_: int) -> str:
    """A card's global id: its note's and its ordinal."""
    return f"{note_uid}/{ord_}"


def card_seed(uid: str) -> int:
    """The card id the scheduler's fuzz is seeded with, the same on every device."""
    return int.from_bytes(hashlib.sha256(uid.encode()).digest()[:6], "big")


def _local_select(kind: str) -> Any:
    cols = server.payload_columns(kind)
    if kind == "deck":
        return select(DECK.c.uid, *(DECK.c[c] for c in cols)).where(DECK.c.uid.is_not(None))
    if kind == "options":
        return (
            select(DECK.c.uid, *(OPTIONS.c[c] for c in cols))
            .join(DECK, DECK.c.id == OPTIONS.c.deck_id)
            .where(DECK.c.uid.is_not(None))
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
        .join(DECK, DECK.c.id == CARD.c.deck_id)
    )


def _local_objects(conn: Connection) -> dict[str, dict[str, dict[str, Any]]]:
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for kind in server.OBJECTS:
        objects: dict[str, dict[str, Any]] = {}
        for row in conn.execute(_local_select(kind)).mappings():
            payload = {c: row[c] for c in server.payload_columns(kind)}
            uid = card_uid(row["uid"], row["ord"]) if kind == "card" else str(row["uid"])
            objects[uid] = payload
        out[kind] = objects
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
    """Give ids to the device, the decks and the reviews that have none yet."""
    device = device_id(conn)
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


class _Local:
    """Writes the server's objects into the collection, inside one transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.decks = {str(r[0]): int(r[1]) for r in conn.execute(select(DECK.c.uid, DECK.c.id))}
        self.notes = {str(r[0]): int(r[1]) for r in conn.execute(select(NOTE.c.uid, NOTE.c.id))}

    def apply(self, kind: str, uid: str, payload: dict[str, Any]) -> bool:
        """Write one object; False when what it belongs to is not here (deleted here)."""
        return bool(getattr(self, f"_apply_{kind}")(uid, payload))

    def _apply_deck(self, uid: str, payload: dict[str, Any]) -> bool:
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

    def _apply_options(self, uid: str, payload: dict[str, Any]) -> bool:
        deck_id = self.decks.get(uid)
        if deck_id is None:
            return False
        if not self.conn.execute(
            update(OPTIONS).where(OPTIONS.c.deck_id == deck_id).values(**payload)
        ).rowcount:
            self.conn.execute(insert(OPTIONS).values(deck_id=deck_id, **payload))
        return True

    def _apply_note(self, uid: str, payload: dict[str, Any]) -> bool:
        values = dict(payload)
        deck_id = self.decks.get(str(values.pop("deck_uid")))
        if deck_id is None:
            return False
        note_id = self.notes.get(uid)
        if note_id is not None:
            self.conn.execute(
                update(NOTE).where(NOTE.c.id == note_id).values(deck_id=deck_id, **values)
            )
        else:
            made = self.conn.execute(
                insert(NOTE).values(uid=uid, deck_id=deck_id, **values)
            ).inserted_primary_key
            assert made is not None
            self.notes[uid] = int(made[0])
        return True

    def _apply_card(self, uid: str, payload: dict[str, Any]) -> bool:
        values = dict(payload)
        note_id = self.notes.get(str(values.pop("note_uid")))
        deck_id = self.decks.get(str(values.pop("deck_uid")))
        if note_id is None or deck_id is None:
            return False
        where = (CARD.c.note_id == note_id, CARD.c.ord == values["ord"])
        if self.conn.execute(update(CARD).where(*where).values(deck_id=deck_id, **values)).rowcount:
            return True
        created = self.conn.execute(select(NOTE.c.created).where(NOTE.c.id == note_id)).scalar_one()
        self.conn.execute(
            insert(CARD).values(
                note_id=note_id,
                deck_id=deck_id,
                state=int(CardState.NEW),
                due=created,
                reps=0,
                lapses=0,
                **values,
            )
        )
        return True

    def remove(self, kind: str, uid: str) -> None:
        """Delete one object here (a deletion that came from the server)."""
        if kind == "deck":
            deck_id = self.decks.pop(uid, None)
            if deck_id is None:
                return
            notes = [
                int(r[0])
                for r in self.conn.execute(select(NOTE.c.id).where(NOTE.c.deck_id == deck_id))
            ]
            delete_note_rows(self.conn, notes)
            moved = self.conn.execute(select(CARD.c.id).where(CARD.c.deck_id == deck_id)).all()
            for (card_id,) in moved:  # cards of other decks' notes that sat here
                self.conn.execute(delete(LOG).where(LOG.c.card_id == card_id))
                self.conn.execute(delete(CARD).where(CARD.c.id == card_id))
            self.conn.execute(delete(OPTIONS).where(OPTIONS.c.deck_id == deck_id))
            self.conn.execute(delete(DECK).where(DECK.c.id == deck_id))
            self.conn.execute(delete(SHADOW).where(SHADOW.c.kind == "options", SHADOW.c.uid == uid))
        elif kind == "note":
            note_id = self.notes.pop(uid, None)
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

    def card_ids(self) -> dict[str, int]:
        rows = self.conn.execute(
            select(NOTE.c.uid, CARD.c.ord, CARD.c.id).join(NOTE, NOTE.c.id == CARD.c.note_id)
        )
        return {card_uid(str(r[0]), int(r[1])): int(r[2]) for r in rows}


def replay_cards(conn: Connection, card_ids: Iterable[int], day: scheduling.LearnerDay) -> int:
    """Set each card's scheduling state to the replay of its review log, in time order.

    Returns:
        How many cards were replayed.
    """
    settings: dict[int, scheduling.SchedulerConfig] = {}
    done = 0
    for card_id in sorted(set(card_ids)):
        row = conn.execute(
            select(CARD.c.deck_id, CARD.c.ord, NOTE.c.uid)
            .join(NOTE, NOTE.c.id == CARD.c.note_id)
            .where(CARD.c.id == card_id)
        ).first()
        if row is None:
            continue
        deck_id = int(row.deck_id)
        if deck_id not in settings:
            found = conn.execute(select(OPTIONS).where(OPTIONS.c.deck_id == deck_id)).mappings()
            options = found.first()
            chosen = DeckSettings.from_columns(options) if options else DeckSettings()
            settings[deck_id] = chosen.scheduler_config()
        reviews = conn.execute(
            select(LOG.c.rating, LOG.c.reviewed_at)
            .where(LOG.c.card_id == card_id, LOG.c.rating.between(1, 4))
            .order_by(LOG.c.reviewed_ms, LOG.c.uid)
        ).all()
        if not reviews:
            continue
        seed = card_seed(card_uid(str(row.uid), int(row.ord)))
        memory = scheduling.Memory(
            state=int(CardState.NEW),
            step=None,
            stability=None,
            difficulty=None,
            due=reviews[0].reviewed_at,
            last_review=None,
        )
        for rating, at in reviews:
            memory = scheduling.answer(seed, memory, int(rating), settings[deck_id], at, day).memory
        conn.execute(queue.UPDATE_MEMORY, queue.memory_params(card_id, memory))
        done += 1
    return done


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


def kept_password(user: str) -> str | None:
    """The password of ``user`` in the system keyring, if one is kept there (and it works)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, user)
    except KeyringError:  # no usable keyring on this system: as if none were kept
        return None


def save_password(url: str, password: str) -> str:
    """Keep the password of the URL's user in the system keyring; one line saying so."""
    import keyring
    from keyring.errors import KeyringError

    user = url_user(url)
    if not password:
        raise SyncError("No password was given; nothing was kept.")
    try:
        keyring.set_password(KEYRING_SERVICE, user, password)
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
        found = kept_password(parsed.username)
        if found is not None:
            parsed = parsed.set(password=found)
    try:
        return create_engine(parsed, connect_args={"connect_timeout": 10}, pool_pre_ping=False)
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
    logs: list[dict[str, Any]]


def _pull(engine: Engine, since: int) -> _Pulled:
    with engine.begin() as conn:
        server.lock(conn, exclusive=False)
        head = _head(conn)
        objects = {
            kind: [
                dict(r)
                for r in conn.execute(select(t).where(server.mine(t), t.c.usn > since)).mappings()
            ]
            for kind, t in server.OBJECTS.items()
        }
        graves = [
            dict(r)
            for r in conn.execute(
                select(server.GRAVES).where(server.mine(server.GRAVES), server.GRAVES.c.usn > since)
            ).mappings()
        ]
        logs = [
            dict(r)
            for r in conn.execute(
                select(server.LOGS).where(server.mine(server.LOGS), server.LOGS.c.usn > since)
            ).mappings()
        ]
    return _Pulled(head, objects, graves, logs)


# ---------------------------------------------------------------------------- the sync


def sync(
    col: Collection,
    url: str,
    now: datetime,
    *,
    checkpoint: Checkpoint | None = None,
) -> SyncReport:
    """Sync ``col`` with the PostgreSQL server at ``url`` (a SQLAlchemy URL) as of ``now``.

    ``checkpoint`` is called with the name of each step once it is committed ("prepared",
    "merged", "pushed", "recorded"): the tests kill the process there.

    Raises:
        SyncError: In one sentence, when the server cannot be reached, refuses the password,
            holds a newer schema, or fails.
    """
    now = utcnow_guard(now)
    mark = checkpoint or (lambda _step: None)
    report = SyncReport()
    engine = _server_engine(url)
    try:
        with col.engine.begin() as conn:
            device = _prepare(conn)
        mark("prepared")
        _ensure_schema(engine)
        with col.engine.connect() as conn:
            since = int(_setting(conn, USN_KEY) or 0)
        pulled = _pull(engine, since)
        _merge(col, pulled, device, now, report)
        mark("merged")
        _push(col, engine, device, now, pulled.head, report, mark)
    except SyncError:
        raise
    except DBAPIError as error:
        raise SyncError(describe(error)) from error
    finally:
        engine.dispose()
        col.notify(Change.DECKS | Change.NOTES | Change.CARDS | Change.REVIEWS | Change.OPTIONS)
    return report


def _merge(
    col: Collection, pulled: _Pulled, device: str, now: datetime, report: SyncReport
) -> None:
    day = scheduling.LearnerDay(col.config.tz, col.config.day_start_hour)
    with col.engine.begin() as conn:
        shadow = {(str(r[0]), str(r[1])): str(r[2]) for r in conn.execute(select(SHADOW))}
        graves_here = {(str(r[0]), str(r[1])) for r in conn.execute(select(GRAVE))}
        local = _local_objects(conn)
        writer = _Local(conn)

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

        for kind, rows in pulled.objects.items():
            for row in rows:
                uid = str(row["uid"])
                payload = {c: row[c] for c in server.payload_columns(kind)}
                digest = content_hash(kind, payload)
                mine = local[kind].get(uid)
                if mine is not None and content_hash(kind, mine) == digest:
                    set_shadow(kind, uid, digest)  # the same on both sides (or our own push)
                    continue
                wins = local_wins(kind, uid, row)
                if wins:
                    if kind == "note" and mine is not None:
                        _keep_conflict(conn, kind, uid, str(row["device"]), payload, now)
                        report.conflicts += 1
                    continue
                if wins is False and kind == "note" and mine is not None:
                    _keep_conflict(conn, kind, uid, device, mine, now)
                    report.conflicts += 1
                if (kind, uid) in graves_here:  # their edit is newer than our deletion
                    conn.execute(delete(GRAVE).where(GRAVE.c.kind == kind, GRAVE.c.uid == uid))
                if writer.apply(kind, uid, payload):
                    set_shadow(kind, uid, digest)
                    report.received[kind] += 1

        # Notes first: a note kept here (edited after the other side deleted it) keeps its
        # cards too, whatever their own graves say, and with them their reviews.
        kept_notes: set[str] = set()
        for grave in sorted(pulled.graves, key=lambda g: str(g["kind"]) != "note"):
            kind, uid = str(grave["kind"]), str(grave["uid"])
            of_kept_note = kind == "card" and uid.rpartition("/")[0] in kept_notes
            if of_kept_note or (local_wins(kind, uid, grave) and (kind, uid) not in graves_here):
                # Changed here after: this side's version goes back up, and with it what the
                # deletion took off the server (its cards, their reviews, sent or not).
                _send_again(conn, writer, kind, uid)
                if kind == "note":
                    kept_notes.add(uid)
                continue
            if uid in local.get(kind, {}):
                report.received["deletion"] += 1
            writer.remove(kind, uid)
            set_shadow(kind, uid, None)
            conn.execute(delete(GRAVE).where(GRAVE.c.kind == kind, GRAVE.c.uid == uid))

        touched = _merge_logs(conn, writer, pulled.logs, report)
        touched |= {
            int(r[0]) for r in conn.execute(select(LOG.c.card_id).where(LOG.c.usn == -1).distinct())
        }
        report.replayed += replay_cards(conn, touched, day)
        _set_setting(conn, USN_KEY, str(pulled.head))


def _send_again(conn: Connection, writer: _Local, kind: str, uid: str) -> None:
    """Send a note's (or a card's) cards and reviews again at the next push.

    A deletion on the server takes the object's cards and reviews with it; when this side's
    newer edit brings the object back, they go back up too (the server ignores reviews it
    still has).
    """
    if kind == "note":
        note_id = writer.notes.get(uid)
        if note_id is None:
            return
        rows = conn.execute(select(CARD.c.id, CARD.c.ord).where(CARD.c.note_id == note_id)).all()
    elif kind == "card":
        note_uid, _, ord_ = uid.rpartition("/")
        note_id = writer.notes.get(note_uid)
        if note_id is None or not ord_.isdigit():
            return
        rows = conn.execute(
            select(CARD.c.id, CARD.c.ord).where(CARD.c.note_id == note_id, CARD.c.ord == int(ord_))
        ).all()
        uid = note_uid
    else:
        return
    card_uids = [card_uid(uid, int(r[1])) for r in rows]
    conn.execute(delete(SHADOW).where(SHADOW.c.kind == "card", SHADOW.c.uid.in_(card_uids)))
    conn.execute(update(LOG).where(LOG.c.card_id.in_([int(r[0]) for r in rows])).values(usn=-1))


def _mtime(kind: str, payload: Mapping[str, Any], now: datetime) -> datetime:
    if kind in ("deck", "note"):
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
    conn: Connection, writer: _Local, logs: list[dict[str, Any]], report: SyncReport
) -> set[int]:
    """Add the server's reviews missing here; returns the cards that gained reviews."""
    if not logs:
        return set()
    cards = writer.card_ids()
    touched: set[int] = set()
    rows: list[dict[str, Any]] = []
    for start in range(0, len(logs), _BATCH):
        chunk = logs[start : start + _BATCH]
        have = {
            str(r[0]): int(r[1])
            for r in conn.execute(
                select(LOG.c.uid, LOG.c.usn).where(LOG.c.uid.in_([str(x["uid"]) for x in chunk]))
            )
        }
        for log in chunk:
            uid = str(log["uid"])
            if uid in have:
                if have[uid] == -1:  # ours, pushed before a sync that did not finish
                    conn.execute(update(LOG).where(LOG.c.uid == uid).values(usn=log["usn"]))
                continue
            card_id = cards.get(str(log["card_uid"]))
            if card_id is None:  # its note was deleted here
                continue
            deck_id = writer.decks.get(str(log["deck_uid"]))
            if deck_id is None:
                deck_id = conn.execute(select(CARD.c.deck_id).where(CARD.c.id == card_id)).scalar()
            values = {k: v for k, v in log.items() if k not in _LOG_KEYS}
            values |= {
                "uid": uid,
                "usn": log["usn"],
                "card_id": card_id,
                "deck_id": deck_id,
                "buried_siblings": "",
            }
            rows.append(values)
            touched.add(card_id)
    for start in range(0, len(rows), _BATCH):
        conn.execute(insert(LOG), rows[start : start + _BATCH])
    report.received["review"] += len(rows)
    return touched


def _pending_logs(conn: Connection) -> list[dict[str, Any]]:
    cols = [c.name for c in server.LOGS.columns if c.name not in _LOG_KEYS]
    query = (
        select(
            LOG.c.uid,
            NOTE.c.uid.label("note_uid"),
            CARD.c.ord,
            DECK.c.uid.label("deck_uid"),
            *(LOG.c[c] for c in cols),
        )
        .select_from(LOG)
        .join(CARD, CARD.c.id == LOG.c.card_id)
        .join(NOTE, NOTE.c.id == CARD.c.note_id)
        .outerjoin(DECK, DECK.c.id == LOG.c.deck_id)
        .where(LOG.c.usn == -1)
    )
    out = []
    for row in conn.execute(query).mappings():
        values = {c: row[c] for c in cols}
        values |= {
            "uid": row["uid"],
            "card_uid": card_uid(str(row["note_uid"]), int(row["ord"])),
            "deck_uid": row["deck_uid"],
        }
        out.append(values)
    return out


def _push(
    col: Collection,
    engine: Engine,
    device: str,
    now: datetime,
    pulled_head: int,
    report: SyncReport,
    mark: Checkpoint,
) -> None:
    with col.engine.connect() as conn:
        shadow = {(str(r[0]), str(r[1])): str(r[2]) for r in conn.execute(select(SHADOW))}
        local = _local_objects(conn)
        graves = {(str(r[0]), str(r[1])) for r in conn.execute(select(GRAVE))}
        logs = _pending_logs(conn)
    changed: dict[str, list[tuple[str, dict[str, Any], str]]] = {}
    for kind, objects in local.items():
        for uid, payload in objects.items():
            digest = content_hash(kind, payload)
            if shadow.get((kind, uid)) != digest:
                changed.setdefault(kind, []).append((uid, payload, digest))
    # Deleted here without a grave (an undo, a card an edit removed): the shadow knows.
    for kind, uid in shadow:
        if kind != "options" and uid not in local[kind]:
            graves.add((kind, uid))
    graves = {(k, u) for k, u in graves if u not in local.get(k, {})}
    if not changed and not graves and not logs:
        report.usn = pulled_head
        return
    with engine.begin() as sconn:
        server.lock(sconn, exclusive=True)
        head = _head(sconn)
        usn = int(sconn.execute(select(server.USN_SEQ.next_value())).scalar_one())
        sync_values = {"usn": usn, "device": device}
        for kind in server.OBJECTS:
            table = server.OBJECTS[kind]
            items = changed.get(kind, [])
            for start in range(0, len(items), _BATCH):
                rows = [
                    {"uid": uid, **payload, **sync_values, "mtime": _mtime(kind, payload, now)}
                    for uid, payload, _digest in items[start : start + _BATCH]
                ]
                _upsert(sconn, table, rows)
                sconn.execute(
                    delete(server.GRAVES).where(
                        server.mine(server.GRAVES),
                        server.GRAVES.c.kind == kind,
                        server.GRAVES.c.uid.in_([r["uid"] for r in rows]),
                    )
                )
            report.sent[kind] += len(items)
        for kind, uid in sorted(graves, key=lambda g: ("card", "note", "deck").index(g[0])):
            _bury_on_server(sconn, kind, uid, {**sync_values, "mtime": now})
            report.sent["deletion"] += 1
        for start in range(0, len(logs), _BATCH):
            rows = [{**r, **sync_values} for r in logs[start : start + _BATCH]]
            sconn.execute(pg_insert(server.LOGS).on_conflict_do_nothing(), rows)  # executemany
        report.sent["review"] += len(logs)
        stmt = pg_insert(server.META).values(key="head", value=str(usn))
        sconn.execute(
            stmt.on_conflict_do_update(
                index_elements=["owner", "key"], set_={"value": stmt.excluded.value}
            )
        )
    mark("pushed")
    with col.engine.begin() as conn:
        for kind, items in changed.items():
            for uid, _payload, digest in items:
                conn.execute(delete(SHADOW).where(SHADOW.c.kind == kind, SHADOW.c.uid == uid))
                conn.execute(insert(SHADOW).values(kind=kind, uid=uid, hash=digest))
        for kind, uid in graves:
            conn.execute(delete(SHADOW).where(SHADOW.c.kind == kind, SHADOW.c.uid == uid))
            conn.execute(delete(GRAVE).where(GRAVE.c.kind == kind, GRAVE.c.uid == uid))
            if kind == "deck":
                conn.execute(delete(SHADOW).where(SHADOW.c.kind == "options", SHADOW.c.uid == uid))
        uids = [str(r["uid"]) for r in logs]
        for start in range(0, len(uids), _BATCH):
            conn.execute(
                update(LOG).where(LOG.c.uid.in_(uids[start : start + _BATCH])).values(usn=usn)
            )
        # Nobody pushed between our pull and our push: we have everything up to our own usn.
        if head == pulled_head:
            _set_setting(conn, USN_KEY, str(usn))
    report.usn = usn
    mark("recorded")


def _upsert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    # One statement for all rows (executemany): SQLAlchemy compiles it once and sends the rows
    # in batches; a multi-row VALUES of its own per batch was compiled anew every time.
    stmt = pg_insert(table)
    columns = {
        c.name: stmt.excluded[c.name] for c in table.columns if c.name not in ("owner", "uid")
    }
    newer = tuple_(table.c.mtime, table.c.device) < tuple_(
        stmt.excluded.mtime, stmt.excluded.device
    )
    conn.execute(
        stmt.on_conflict_do_update(index_elements=["owner", "uid"], set_=columns, where=newer),
        rows,
    )


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
        options, decks = server.OPTIONS_S, server.DECKS
        conn.execute(delete(options).where(server.mine(options), options.c.uid == uid))
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
