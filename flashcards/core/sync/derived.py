"""Cards' scheduling state derived from their reviews: digests, replay, and when to skip it.

Reviews are facts. A card whose reviews were all made on this device (none came from the
server: no :data:`MIXED` mark) is no merge: its state here *is* its derived state, as the
scheduler left it (fuzz seeded by the local card id, due days placed by the load balancer), and
it goes up unreplayed, with the digest of its review set marked as this device's own
(:data:`OWN`). A card whose reviews come from several devices is a merge: its state is the
replay of its rated reviews in time order through the scheduler, fuzz seeded by the card's
global id and its review count (:func:`replay_cards`), the same on every device.

Either way the server keeps each card's state with the digest of the review set it came from
(``sync_card.derived_from``), and this device keeps, per card, the digest its own state was
derived from with that state and the last review in it (``syncshadow`` rows of kind
``derived``, a :class:`Derivation`; a local answer, or anything else that changes the card's
state, makes it stale). After a merge, a card whose review set equals the server's digest takes
the server's state, one whose set equals its own still-valid digest keeps its state, an own
card keeps its state, and only the other (mixed) cards are replayed; a mixed card whose state
here was a replay of its reviews up to the last one replayed is replayed on from that state (a
day's answers: one step each, not the card's whole history).

The result, which ``tests/sync`` checks on the property test's random sessions: every device
ends with the same cards and logs, and a card's state equals the full replay of its log for the
cards whose log mixes devices; a card reviewed on one device only has that device's state.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection

from flashcards.core import scheduling
from flashcards.core.enums import RESET_RATING, CardState
from flashcards.core.presets import DeckSettings
from flashcards.core.sync import server, transfer
from flashcards.core.tables import CARD, DECK, LOG, NOTE, PRESET

#: ``syncshadow`` kinds: the digest (and state hash) a card's local state was derived from, and
#: the cards whose derived state is still to go up.
KIND = "derived"
PUSH_KIND = "derived_push"
#: ``syncshadow`` kind of the cards holding reviews another device made (marked as they come).
MIXED = "mixed"
#: Prefix of a server digest whose state is its device's own (not a replay): the others take it
#: as it is for that review set, but never replay on from it.
OWN = "own:"

_CHUNK = 500


def chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    """``items`` in slices of ``size`` (SQLite's bound-parameter limit stays far away)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def review_digest(uids: Iterable[str]) -> str:
    """The digest of a set of review ids (order-free: the ids are sorted first)."""
    return hashlib.sha1("\n".join(sorted(uids)).encode()).hexdigest()


def memory_of(row: Any) -> scheduling.Memory:
    """The scheduler's memory from a row holding the :data:`server.DERIVED` columns."""
    return scheduling.Memory(**{name: row[name] for name in server.DERIVED})


def card_seed(uid: str) -> int:
    """The card id the scheduler's fuzz is seeded with, the same on every device."""
    return int.from_bytes(hashlib.sha256(uid.encode()).digest()[:6], "big")


#: A review's place in a replay: reviews are replayed in (time in ms, id) order.
Key = tuple[int, str]


#: From this share of the cards on, their reviews are read in one pass over the log instead of
#: through the card index (a page read per review, in card order: most of a first sync's merge).
SCAN_SHARE = 0.1


def rated_reviews(conn: Connection, card_ids: Sequence[int]) -> dict[int, list[Key]]:
    """The keys of each card's rated reviews and resets (what a replay uses), in replay order."""
    out: dict[int, list[Key]] = {card_id: [] for card_id in card_ids}
    if not out:
        return out
    cursor = transfer.sqlite_cursor(conn)
    # Answers and resets; not preview answers, which left their card as it was.
    sql = (
        "SELECT card_id, reviewed_ms, uid FROM reviewlog "
        f"WHERE rating BETWEEN {RESET_RATING} AND 4 AND preview = 0"
    )
    cards = int(cursor.execute("SELECT count(*) FROM card").fetchone()[0])
    if len(out) > SCAN_SHARE * cards:
        batches: Iterable[Any] = [cursor.execute(sql).fetchall()]
    else:
        batches = (
            cursor.execute(f"{sql} AND card_id IN ({', '.join('?' * len(c))})", c).fetchall()
            for c in chunks(list(out))
        )
    for rows in batches:
        for card_id, ms, uid in rows:
            keys = out.get(card_id)
            if keys is not None:
                keys.append((int(ms), str(uid)))
    for keys in out.values():
        keys.sort()
    return out


def card_memories(conn: Connection, card_ids: Sequence[int]) -> dict[int, scheduling.Memory]:
    """The current state of each of ``card_ids``."""
    names = ", ".join(server.DERIVED)
    rows = transfer.rows_in(conn, f"SELECT id, {names} FROM card WHERE id IN", card_ids)
    return {int(row[0]): _memory(row[1:]) for row in rows}


def _memory(values: Sequence[Any]) -> scheduling.Memory:
    """A memory from the :data:`server.DERIVED` columns as SQLite stores them."""
    state, step, stability, difficulty, due, last_review, reps, lapses = values
    when = transfer.read_time(due)
    assert when is not None
    return scheduling.Memory(
        state=state,
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=when,
        last_review=transfer.read_time(last_review),
        reps=reps,
        lapses=lapses,
    )


@dataclass(frozen=True)
class Derivation:
    """What a card's state was derived from here: the reviews' digest, and the state then.

    ``last`` is the last review in the set: a replay of more reviews, all after it, may start
    from ``memory`` instead of from the first review, if ``replayed`` (the state is a replay of
    the set, not a device's own state).
    """

    digest: str
    memory: scheduling.Memory
    last: Key
    replayed: bool = True

    def server_digest(self) -> str:
        """The digest as the server keeps it (marked :data:`OWN` for a device's own state)."""
        return self.digest if self.replayed else OWN + self.digest

    def holds(self, memory: scheduling.Memory) -> bool:
        """Whether the card still has the state derived (nothing changed it since)."""
        return memory == self.memory

    def dump(self) -> str:
        """The derivation as text (kept in ``syncshadow.hash``)."""
        m = self.memory
        times = (m.due.isoformat(), m.last_review.isoformat() if m.last_review else None)
        values = [m.state, m.step, m.stability, m.difficulty, *times, m.reps, m.lapses]
        return json.dumps([self.digest, values, list(self.last), self.replayed])

    @staticmethod
    def load(text: str) -> Derivation | None:
        """A derivation :meth:`dump` wrote; None for anything else."""
        try:
            digest, values, last, *flag = json.loads(text)
            state, step, stability, difficulty, due, last_review, reps, lapses = values
            memory = scheduling.Memory(
                state=state,
                step=step,
                stability=stability,
                difficulty=difficulty,
                due=datetime.fromisoformat(due),
                last_review=datetime.fromisoformat(last_review) if last_review else None,
                reps=reps,
                lapses=lapses,
            )
            replayed = bool(flag[0]) if flag else True  # written before own states: replays
            return Derivation(str(digest), memory, (int(last[0]), str(last[1])), replayed)
        except (ValueError, TypeError):  # not one of ours: as if none were kept
            return None


def local_derivations(conn: Connection, uids: Sequence[str]) -> dict[str, Derivation]:
    """Card uid -> what this device derived the card's state from, where it knows."""
    out: dict[str, Derivation] = {}
    sql = f"SELECT uid, hash FROM syncshadow WHERE kind = '{KIND}' AND uid IN"
    for uid, value in transfer.rows_in(conn, sql, uids):
        found = Derivation.load(str(value))
        if found is not None:
            out[str(uid)] = found
    return out


_SET_SHADOW = "INSERT OR REPLACE INTO syncshadow (kind, uid, hash) VALUES (?, ?, ?)"


def record(conn: Connection, derived: Iterable[tuple[str, Derivation]]) -> None:
    """Remember, per card uid, what its (new) state was derived from."""
    rows = [(KIND, uid, derivation.dump()) for uid, derivation in derived]
    for chunk in chunks(rows, 5000):
        conn.exec_driver_sql(_SET_SHADOW, list(chunk))


def mark_push(conn: Connection, uids: Iterable[str]) -> None:
    """The derived state of these cards is to go up with the next push."""
    rows = [(PUSH_KIND, uid, "") for uid in uids]
    for chunk in chunks(rows, 5000):
        conn.exec_driver_sql(_SET_SHADOW, list(chunk))


def mark_mixed(conn: Connection, uids: Iterable[str]) -> None:
    """These cards hold reviews another device made: their state is a merge (replayed)."""
    rows = [(MIXED, uid, "") for uid in uids]
    for chunk in chunks(rows, 5000):
        conn.exec_driver_sql(_SET_SHADOW, list(chunk))


def mixed_cards(conn: Connection, uids: Sequence[str]) -> set[str]:
    """Which of these cards hold reviews another device made."""
    sql = f"SELECT uid FROM syncshadow WHERE kind = '{MIXED}' AND uid IN"
    return {str(r[0]) for r in transfer.rows_in(conn, sql, uids)}


#: ``syncshadow`` kind of the cards (local id) whose state changed since the last merge, noted
#: by a trigger whoever changed it: an answer, or a change without a review (a reschedule after
#: optimizing, a recompute of memory states), which a card of this device's own sends up too.
CHANGED = "state_changed"
_CHANGED_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS sync_card_state_changed AFTER UPDATE OF "
    f"{', '.join(server.DERIVED)} ON card FOR EACH ROW BEGIN "
    f"INSERT OR IGNORE INTO syncshadow (kind, uid, hash) VALUES ('{CHANGED}', NEW.id, ''); END"
)


def changed_cards(conn: Connection) -> set[int]:
    """The cards whose state changed since the last merge (none before :func:`watch_changes`)."""
    rows = conn.exec_driver_sql("SELECT uid FROM syncshadow WHERE kind = ?", (CHANGED,))
    return {int(r[0]) for r in rows}


def forget_changed(conn: Connection) -> None:
    """The changes noted are merged (the merge's own writes noted too): none left."""
    conn.exec_driver_sql("DELETE FROM syncshadow WHERE kind = ?", (CHANGED,))


def watch_changes(conn: Connection) -> None:
    """Note the cards' state changes from now on.

    Made after a merge's writes: a first download of 100,000 cards notes none of its own.
    """
    forget_changed(conn)
    conn.exec_driver_sql(_CHANGED_TRIGGER)


_MIXED_READY = "sync_mixed_ready"


def mark_mixed_before(conn: Connection) -> None:
    """Once per collection: mark the cards derived by a sync that kept no :data:`MIXED` marks.

    A collection synced by an earlier version may hold other devices' reviews unmarked; its
    derived cards are taken as mixed (replayed as before), which is always safe.
    """
    ready = conn.exec_driver_sql("SELECT 1 FROM setting WHERE key = ?", (_MIXED_READY,)).first()
    if ready is not None:
        return
    conn.exec_driver_sql(
        "INSERT OR IGNORE INTO syncshadow (kind, uid, hash) "
        "SELECT ?, uid, '' FROM syncshadow WHERE kind = ?",
        (MIXED, KIND),
    )
    conn.exec_driver_sql("INSERT INTO setting (key, value) VALUES (?, '1')", (_MIXED_READY,))


_UPDATE = f"UPDATE card SET {', '.join(f'{name} = ?' for name in server.DERIVED)} WHERE id = ?"


def write_states(conn: Connection, states: Iterable[tuple[int, scheduling.Memory]]) -> None:
    """Give cards these states (one statement run over the rows, through the driver)."""
    time = transfer.sqlite_time
    rows = (
        (m.state, m.step, m.stability, m.difficulty, time(m.due), time(m.last_review), m.reps,
         m.lapses, card_id)
        for card_id, m in states
    )  # fmt: skip
    transfer.sqlite_cursor(conn).executemany(_UPDATE, rows)


_CARD_INFO = (
    # A card visiting the Custom Study Session is scheduled by its home deck's options.
    select(
        CARD.c.id,
        func.coalesce(CARD.c.original_deck_id, CARD.c.deck_id),
        CARD.c.ord,
        NOTE.c.uid,
    )
    .join(NOTE, NOTE.c.id == CARD.c.note_id)
    .where(CARD.c.id.in_(bindparam("ids", expanding=True)))
)
_REVIEWS = (
    select(LOG.c.card_id, LOG.c.reviewed_ms, LOG.c.uid, LOG.c.rating, LOG.c.reviewed_at)
    .where(
        LOG.c.card_id.in_(bindparam("ids", expanding=True)),
        LOG.c.rating.between(RESET_RATING, 4),  # answers, and resets (Forget)
        LOG.c.preview.is_(False),  # not preview answers, which changed nothing
    )
    .order_by(LOG.c.card_id, LOG.c.reviewed_ms, LOG.c.uid)
)


def replay_cards(
    conn: Connection,
    card_ids: Iterable[int],
    day: scheduling.LearnerDay,
    start: Mapping[int, tuple[scheduling.Memory, Key]] | None = None,
) -> dict[int, tuple[scheduling.Memory, Key]]:
    """Set each card's scheduling state to the replay of its rated reviews, in time order.

    ``start`` may give, for a card, the state after its reviews up to a key: the replay goes
    on from there with the reviews after it (the same result: replay is deterministic). Cards
    without a rated review are left as they are.

    Returns:
        The new state of each card replayed, and its last review's key, by card id.
    """
    start = start or {}
    settings: dict[int, scheduling.SchedulerConfig] = {}
    done: dict[int, tuple[scheduling.Memory, Key]] = {}
    for chunk in chunks(sorted(set(card_ids))):
        info = {
            int(r[0]): (int(r[1]), int(r[2]), str(r[3]))
            for r in conn.execute(_CARD_INFO, {"ids": list(chunk)})
        }
        reviews: dict[int, list[tuple[Key, int, datetime]]] = {}
        for card_id, ms, uid, rating, at in conn.execute(_REVIEWS, {"ids": list(info)}):
            reviews.setdefault(int(card_id), []).append(((int(ms), str(uid)), int(rating), at))
        for card_id, rated in reviews.items():
            deck_id, ord_, note_uid = info[card_id]
            if deck_id not in settings:
                found = conn.execute(
                    select(PRESET)
                    .join(DECK, DECK.c.preset_id == PRESET.c.id)
                    .where(DECK.c.id == deck_id)
                )
                options = found.mappings().first()
                chosen = DeckSettings.from_columns(options) if options else DeckSettings()
                settings[deck_id] = chosen.scheduler_config()
            seed = card_seed(f"{note_uid}/{ord_}")
            if card_id in start:
                memory, after = start[card_id]
                rated = [r for r in rated if r[0] > after]
            else:
                memory = scheduling.Memory(
                    state=int(CardState.NEW),
                    step=None,
                    stability=None,
                    difficulty=None,
                    due=rated[0][2],
                    last_review=None,
                )
            for _key, rating, at in rated:
                if rating == RESET_RATING:  # Forget: new again from there, its counts kept
                    memory = replace(memory, state=int(CardState.NEW), step=None, stability=None)
                    memory = replace(memory, difficulty=None, due=at, last_review=None)
                    continue
                memory = scheduling.answer(seed, memory, rating, settings[deck_id], at, day).memory
            done[card_id] = (memory, rated[-1][0] if rated else start[card_id][1])
    write_states(conn, ((card_id, memory) for card_id, (memory, _last) in done.items()))
    return done
