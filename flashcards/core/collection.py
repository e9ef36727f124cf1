"""The collection service: the one object the GUI and the command line call.

It owns the engine and opens one session (or connection) per unit of work; only frozen
dataclasses and plain values go out. Every change is announced to listeners with a
:class:`Change` flag so that views refresh themselves instead of being refreshed by hand.
Time is always passed in as an aware datetime (``now``); nothing here reads the clock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import Flag, auto
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine, Table, and_, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection
from sqlmodel import Session

from flashcards.core import scheduling
from flashcards.core.db import make_engine
from flashcards.core.deckfile import DeckFile, NoteSource, NoteSpec, cloze_numbers, read_deck_file
from flashcards.core.errors import FlashcardsError, InputError, NotFoundError
from flashcards.core.models import (
    Card,
    CardState,
    Deck,
    DeckOptions,
    Note,
    NoteKind,
    ReviewLog,
    Setting,
    utcnow_guard,
)
from flashcards.core.render import Faces, render

CARD = cast(Table, Card.__table__)
NOTE = cast(Table, Note.__table__)
DECK = cast(Table, Deck.__table__)
LOG = cast(Table, ReviewLog.__table__)

#: When nothing else is due, learning cards due within this span are shown early (as Anki does).
LEARN_AHEAD = timedelta(minutes=20)


class Change(Flag):
    """What a change touched; listeners refresh what depends on it."""

    DECKS = auto()
    NOTES = auto()
    CARDS = auto()
    REVIEWS = auto()
    OPTIONS = auto()


@dataclass(frozen=True)
class DeckCounts:
    """One row of the deck list: what is due now within today's limits."""

    deck_id: int
    name: str
    new: int
    learn: int
    review: int
    total: int

    @property
    def depth(self) -> int:
        """How deeply the deck is nested (0 for a top-level deck)."""
        return self.name.count("::")


@dataclass(frozen=True)
class DeckSettings:
    """A deck's options as the user edits them."""

    desired_retention: float = 0.9
    new_per_day: int = 20
    reviews_per_day: int = 200
    learning_steps: str = "1m 10m"
    relearning_steps: str = "10m"
    maximum_interval: int = 36500

    def scheduler_config(self) -> scheduling.SchedulerConfig:
        """The part of the options the scheduler uses."""
        return scheduling.SchedulerConfig(
            self.desired_retention,
            self.learning_steps,
            self.relearning_steps,
            self.maximum_interval,
        )


@dataclass(frozen=True)
class ReviewCard:
    """A card ready to be shown, with the four previewed outcomes for its buttons."""

    card_id: int
    note_id: int
    note_uid: str
    deck_id: int
    deck_name: str
    kind: str
    ord: int
    state: int
    faces: Faces
    front: str
    back: str
    source: NoteSource
    shown_at: datetime
    outcomes: dict[int, scheduling.Outcome]

    def label(self, rating: int) -> str:
        """The button label of ``rating``: the interval it leads to (``<10m``, ``4d``)."""
        return scheduling.format_interval(self.outcomes[rating].interval)


@dataclass(frozen=True)
class AnswerResult:
    """What an answer did."""

    card_id: int
    rating: int
    due: datetime
    interval: timedelta
    review_id: int


@dataclass(frozen=True)
class NoteView:
    """A note and its cards' ids, detached from any session."""

    id: int
    uid: str
    deck_name: str
    kind: str
    front: str
    back: str
    tags: tuple[str, ...]
    source: NoteSource
    modified: datetime
    card_ids: tuple[int, ...]


@dataclass
class ImportReport:
    """What an import did."""

    deck: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    missing: list[str] = field(default_factory=list)


def card_ords(kind: str, front: str) -> list[int]:
    """The card ordinals a note makes: 0; 0 and 1 (reversed); cloze number - 1 per deletion."""
    if kind == NoteKind.CLOZE:
        return [n - 1 for n in cloze_numbers(front)]
    if kind == NoteKind.REVERSED:
        return [0, 1]
    return [0]


def subdeck_ids(decks: dict[int, str], name: str) -> list[int]:
    """Ids of the deck called ``name`` and all its subdecks."""
    return [i for i, n in decks.items() if n == name or n.startswith(name + "::")]


class Collection:
    """The learner's collection: decks, notes, cards, reviews.

    Args:
        engine: A SQLAlchemy engine whose schema is ready (see :func:`open_collection`).
        tz: The time zone of the day boundary; None means the system's local time zone.
    """

    def __init__(self, engine: Engine, tz: tzinfo | None = None) -> None:
        self.engine = engine
        self.tz = tz
        self._listeners: list[Callable[[Change], None]] = []
        self._decks: dict[int, str] | None = None
        self._options: dict[int, DeckSettings] = {}
        self._day_start_hour: int | None = None

    # ------------------------------------------------------------------ plumbing

    def add_listener(self, listener: Callable[[Change], None]) -> None:
        """Call ``listener`` with a :class:`Change` after every change."""
        self._listeners.append(listener)

    def notify(self, change: Change) -> None:
        """Tell listeners what changed (for modules such as exchange that write directly)."""
        self._changed(change)

    def _changed(self, change: Change) -> None:
        if change & (Change.DECKS | Change.OPTIONS):
            self._decks = None
            self._options.clear()
        for listener in list(self._listeners):
            listener(change)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    # ------------------------------------------------------------------ settings and days

    def get_setting(self, key: str, default: str = "") -> str:
        """An app-wide setting."""
        with Session(self.engine) as session:
            row = session.get(Setting, key)
            return row.value if row else default

    def set_setting(self, key: str, value: str) -> None:
        """Set an app-wide setting."""
        with Session(self.engine) as session:
            row = session.get(Setting, key)
            if row is None:
                session.add(Setting(key=key, value=value))
            else:
                row.value = value
            session.commit()
        if key == "day_start_hour":
            self._day_start_hour = None
        self._changed(Change.OPTIONS)

    @property
    def day_start_hour(self) -> int:
        """The local hour at which a new day starts (Anki's default: 4 a.m.)."""
        if self._day_start_hour is None:
            self._day_start_hour = int(self.get_setting("day_start_hour", "4"))
        return self._day_start_hour

    def set_day_start_hour(self, hour: int) -> None:
        """Set the hour a new day starts (0-23).

        Raises:
            InputError: If ``hour`` is out of range.
        """
        if not 0 <= hour <= 23:
            raise InputError("The day start hour must be between 0 and 23.")
        self.set_setting("day_start_hour", str(hour))

    def day_bounds(self, now: datetime) -> tuple[datetime, datetime]:
        """The UTC start and end of the learner's day containing ``now``."""
        now = utcnow_guard(now)
        local = now.astimezone(self.tz) if self.tz is not None else now.astimezone()
        start = local.replace(hour=self.day_start_hour, minute=0, second=0, microsecond=0)
        if local < start:
            start -= timedelta(days=1)
        end = start + timedelta(days=1)
        return start.astimezone(UTC), end.astimezone(UTC)

    # ------------------------------------------------------------------ decks

    def decks(self) -> dict[int, str]:
        """All decks: id -> full name."""
        if self._decks is None:
            with self.engine.connect() as conn:
                rows = conn.execute(select(DECK.c.id, DECK.c.name)).all()
            self._decks = {int(r[0]): str(r[1]) for r in rows}
        return dict(self._decks)

    def deck_id(self, name: str) -> int:
        """The id of the deck called ``name``.

        Raises:
            NotFoundError: If there is no such deck.
        """
        for deck_id, deck_name in self.decks().items():
            if deck_name == name:
                return deck_id
        raise NotFoundError(f"There is no deck called {name!r}.")

    def add_deck(self, name: str, now: datetime, description: str = "") -> int:
        """Return the id of deck ``name``, creating it (and its parents) if needed."""
        name = normalise_deck_name(name)
        with Session(self.engine) as session:
            deck_id = self._ensure_deck(session, name, now, description)
            session.commit()
        self._changed(Change.DECKS)
        return deck_id

    def _ensure_deck(self, session: Session, name: str, now: datetime, description: str = "") -> int:
        parts = name.split("::")
        deck_id = 0
        for depth in range(1, len(parts) + 1):
            partial = "::".join(parts[:depth])
            row = session.scalars(select(Deck).where(DECK.c.name == partial)).first()
            if row is None:
                row = Deck(
                    name=partial,
                    description=description if depth == len(parts) else "",
                    created=now,
                    modified=now,
                )
                session.add(row)
                session.flush()
                session.add(DeckOptions(deck_id=row.id))
            elif depth == len(parts) and description and row.description != description:
                row.description = description
                row.modified = now
            assert row.id is not None
            deck_id = row.id
        self._decks = None
        return deck_id

    def deck_description(self, deck_id: int) -> str:
        """The description of a deck."""
        with Session(self.engine) as session:
            deck = session.get(Deck, deck_id)
            if deck is None:
                raise NotFoundError(f"There is no deck with id {deck_id}.")
            return deck.description

    def rename_deck(self, deck_id: int, new_name: str, now: datetime) -> None:
        """Rename a deck and move its subdecks with it.

        Raises:
            InputError: If the new name is empty or taken.
        """
        new_name = normalise_deck_name(new_name)
        decks = self.decks()
        old = decks.get(deck_id)
        if old is None:
            raise NotFoundError(f"There is no deck with id {deck_id}.")
        if new_name in decks.values() and new_name != old:
            raise InputError(f"A deck called {new_name!r} already exists.")
        with Session(self.engine) as session:
            for i in subdeck_ids(decks, old):
                deck = session.get(Deck, i)
                assert deck is not None
                deck.name = new_name + deck.name[len(old) :]
                deck.modified = now
            session.commit()
        self._changed(Change.DECKS)

    def delete_deck(self, deck_id: int) -> int:
        """Delete a deck, its subdecks, their notes, cards and review history.

        Returns:
            The number of notes deleted.
        """
        decks = self.decks()
        if deck_id not in decks:
            raise NotFoundError(f"There is no deck with id {deck_id}.")
        ids = subdeck_ids(decks, decks[deck_id])
        with self.engine.begin() as conn:
            note_ids = [
                r[0] for r in conn.execute(select(NOTE.c.id).where(NOTE.c.deck_id.in_(ids)))
            ]
            self._delete_notes(conn, note_ids)
            conn.execute(delete(cast(Table, DeckOptions.__table__)).where(
                cast(Table, DeckOptions.__table__).c.deck_id.in_(ids)
            ))
            conn.execute(delete(DECK).where(DECK.c.id.in_(ids)))
        self._changed(Change.DECKS | Change.NOTES | Change.CARDS)
        return len(note_ids)

    def deck_settings(self, deck_id: int) -> DeckSettings:
        """The options of a deck."""
        cached = self._options.get(deck_id)
        if cached is not None:
            return cached
        with Session(self.engine) as session:
            row = session.get(DeckOptions, deck_id)
            settings = (
                DeckSettings(
                    row.desired_retention,
                    row.new_per_day,
                    row.reviews_per_day,
                    row.learning_steps,
                    row.relearning_steps,
                    row.maximum_interval,
                )
                if row
                else DeckSettings()
            )
        self._options[deck_id] = settings
        return settings

    def set_deck_settings(self, deck_id: int, settings: DeckSettings) -> None:
        """Change a deck's options.

        Raises:
            InputError: If a value is out of range.
        """
        if not 0.7 <= settings.desired_retention <= 0.99:
            raise InputError("Desired retention must be between 0.70 and 0.99.")
        if settings.new_per_day < 0 or settings.reviews_per_day < 0:
            raise InputError("Daily limits cannot be negative.")
        if settings.maximum_interval < 1:
            raise InputError("The maximum interval must be at least one day.")
        try:
            if not scheduling.parse_steps(settings.learning_steps):
                raise ValueError("at least one learning step is needed")
            scheduling.parse_steps(settings.relearning_steps)
        except ValueError as exc:
            raise InputError(f"Invalid steps: {exc}.") from None
        with Session(self.engine) as session:
            row = session.get(DeckOptions, deck_id) or DeckOptions(deck_id=deck_id)
            row.desired_retention = settings.desired_retention
            row.new_per_day = settings.new_per_day
            row.reviews_per_day = settings.reviews_per_day
            row.learning_steps = settings.learning_steps
            row.relearning_steps = settings.relearning_steps
            row.maximum_interval = settings.maximum_interval
            session.add(row)
            session.commit()
        self._changed(Change.OPTIONS)

    # ------------------------------------------------------------------ counts

    def _studied_today(self, conn: Connection, day_start: datetime) -> dict[int, tuple[int, int]]:
        """Per deck: (new cards introduced, reviews done) since ``day_start``."""
        rows = conn.execute(
            select(LOG.c.deck_id, LOG.c.state_before, func.count())
            .where(LOG.c.reviewed_at >= day_start)
            .group_by(LOG.c.deck_id, LOG.c.state_before)
        ).all()
        studied: dict[int, tuple[int, int]] = {}
        for deck_id, state, count in rows:
            new, rev = studied.get(int(deck_id), (0, 0))
            if state == CardState.NEW:
                new += int(count)
            elif state == CardState.REVIEW:
                rev += int(count)
            studied[int(deck_id)] = (new, rev)
        return studied

    def _remaining(
        self, studied: dict[int, tuple[int, int]]
    ) -> tuple[dict[int, int], dict[int, int]]:
        """Per deck: how many new cards and reviews its own limit still allows today.

        A deck's limit caps its subdecks too (as in Anki), so each counts what its whole
        subtree studied today.
        """
        decks = self.decks()
        new_left: dict[int, int] = {}
        rev_left: dict[int, int] = {}
        for deck_id, name in decks.items():
            sub = subdeck_ids(decks, name)
            done_new = sum(studied.get(i, (0, 0))[0] for i in sub)
            done_rev = sum(studied.get(i, (0, 0))[1] for i in sub)
            opts = self.deck_settings(deck_id)
            new_left[deck_id] = max(0, opts.new_per_day - done_new)
            rev_left[deck_id] = max(0, opts.reviews_per_day - done_rev)
        return new_left, rev_left

    def deck_counts(self, now: datetime) -> list[DeckCounts]:
        """The deck list: per deck (subdecks included), what is due now within today's limits."""
        now = utcnow_guard(now)
        day_start, day_end = self.day_bounds(now)
        now_, end_ = now, day_end
        due_expr = or_(
            CARD.c.state == CardState.NEW,
            and_(CARD.c.state.in_((CardState.LEARNING, CardState.RELEARNING)),
                 CARD.c.due <= now_),
            and_(CARD.c.state == CardState.REVIEW, CARD.c.due < end_),
        )
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(CARD.c.deck_id, CARD.c.state, func.count())
                .where(
                    CARD.c.suspended == False,  # noqa: E712 (SQL expression)
                    or_(CARD.c.buried_until.is_(None), CARD.c.buried_until <= now_),
                    due_expr,
                )
                .group_by(CARD.c.deck_id, CARD.c.state)
            ).all()
            totals = dict(
                conn.execute(select(CARD.c.deck_id, func.count()).group_by(CARD.c.deck_id)).all()
            )
            studied = self._studied_today(conn, day_start)
        own: dict[int, list[int]] = {}
        for deck_id, state, count in rows:
            entry = own.setdefault(int(deck_id), [0, 0, 0])
            if state == CardState.NEW:
                entry[0] += int(count)
            elif state == CardState.REVIEW:
                entry[2] += int(count)
            else:
                entry[1] += int(count)
        decks = self.decks()
        new_left, rev_left = self._remaining(studied)
        children: dict[int, list[int]] = {i: [] for i in decks}
        by_name = {n: i for i, n in decks.items()}
        for deck_id, name in decks.items():
            if "::" in name:
                parent = by_name.get(name.rsplit("::", 1)[0])
                if parent is not None:
                    children[parent].append(deck_id)

        memo: dict[int, tuple[int, int, int, int]] = {}

        def capped(deck_id: int) -> tuple[int, int, int, int]:
            if deck_id in memo:
                return memo[deck_id]
            new, learn, rev = own.get(deck_id, [0, 0, 0])
            total = int(totals.get(deck_id, 0))
            for child in children[deck_id]:
                c_new, c_learn, c_rev, c_total = capped(child)
                new, learn, rev, total = new + c_new, learn + c_learn, rev + c_rev, total + c_total
            result = (min(new, new_left[deck_id]), learn, min(rev, rev_left[deck_id]), total)
            memo[deck_id] = result
            return result

        out = []
        for deck_id, name in sorted(decks.items(), key=lambda item: item[1].split("::")):
            new, learn, rev, total = capped(deck_id)
            out.append(DeckCounts(deck_id, name, new, learn, rev, total))
        return out

    # ------------------------------------------------------------------ notes

    def _insert_cards(
        self, conn: Connection, note_id: int, deck_id: int, ords: Iterable[int], now: datetime
    ) -> None:
        rows = [
            {
                "note_id": note_id,
                "deck_id": deck_id,
                "ord": o,
                "position": note_id,
                "state": CardState.NEW,
                "due": now,
                "reps": 0,
                "lapses": 0,
                "suspended": False,
            }
            for o in ords
        ]
        if rows:
            conn.execute(insert(CARD), rows)

    def add_note(
        self,
        deck: str,
        kind: str,
        front: str,
        back: str,
        now: datetime,
        *,
        tags: Sequence[str] = (),
        source: NoteSource | None = None,
        uid: str | None = None,
    ) -> int:
        """Add a note and its cards.

        Returns:
            The new note's id.

        Raises:
            InputError: If the note is not valid (empty front, unknown kind, cloze without
                deletions) or its uid is taken.
        """
        spec = NoteSpec(
            uid or "",
            kind,
            front,
            back,
            tuple(tags),
            source or NoteSource(),
        )
        _validate_note(spec)
        now = utcnow_guard(now)
        with Session(self.engine) as session:
            deck_id = self._ensure_deck(session, normalise_deck_name(deck), now)
            session.commit()
        with self.engine.begin() as conn:
            if uid and conn.execute(select(NOTE.c.id).where(NOTE.c.uid == uid)).first():
                raise InputError(f"A note with id {uid!r} already exists.")
            note_id = self._insert_note(conn, spec, deck_id, now)
        self._changed(Change.DECKS | Change.NOTES | Change.CARDS)
        return note_id

    def _insert_note(self, conn: Connection, spec: NoteSpec, deck_id: int, now: datetime) -> int:
        # A note without a uid of its own gets one from its row id, after the insert.
        values = _note_values(spec) | {"deck_id": deck_id, "created": now, "modified": now}
        values["uid"] = spec.id or f"pending:{now.timestamp()}:{id(spec)}"
        note_id = int(conn.execute(insert(NOTE).values(**values)).inserted_primary_key[0])
        if not spec.id:
            conn.execute(update(NOTE).where(NOTE.c.id == note_id).values(uid=f"n{note_id}"))
        self._insert_cards(conn, note_id, deck_id, card_ords(spec.kind, spec.front), now)
        return note_id

    def _apply_note(self, conn: Connection, note_id: int, spec: NoteSpec, now: datetime) -> None:
        """Update a note's fields and add/remove cards for a changed kind or cloze set."""
        conn.execute(
            update(NOTE).where(NOTE.c.id == note_id).values(**_note_values(spec), modified=now)
        )
        deck_id = conn.execute(select(NOTE.c.deck_id).where(NOTE.c.id == note_id)).scalar_one()
        have = {
            int(r[0]) for r in conn.execute(select(CARD.c.ord).where(CARD.c.note_id == note_id))
        }
        want = set(card_ords(spec.kind, spec.front))
        gone = have - want
        if gone:
            ids = [
                r[0]
                for r in conn.execute(
                    select(CARD.c.id).where(CARD.c.note_id == note_id, CARD.c.ord.in_(gone))
                )
            ]
            conn.execute(delete(LOG).where(LOG.c.card_id.in_(ids)))
            conn.execute(delete(CARD).where(CARD.c.id.in_(ids)))
        self._insert_cards(conn, note_id, int(deck_id), sorted(want - have), now)

    def update_note(
        self,
        note_id: int,
        now: datetime,
        *,
        front: str | None = None,
        back: str | None = None,
        kind: str | None = None,
        tags: Sequence[str] | None = None,
        deck: str | None = None,
    ) -> None:
        """Edit a note; its cards keep their progress (cards a new kind no longer has go).

        Raises:
            NotFoundError: If there is no such note.
            InputError: If the edited note is not valid.
        """
        current = self.note(note_id)
        spec = NoteSpec(
            current.uid,
            kind if kind is not None else current.kind,
            front if front is not None else current.front,
            back if back is not None else current.back,
            tuple(tags) if tags is not None else current.tags,
            current.source,
        )
        _validate_note(spec)
        now = utcnow_guard(now)
        with self.engine.begin() as conn:
            self._apply_note(conn, note_id, spec, now)
        if deck is not None and deck != current.deck_name:
            self.move_notes([note_id], deck, now)
        self._changed(Change.NOTES | Change.CARDS | Change.DECKS)

    def move_notes(self, note_ids: Sequence[int], deck: str, now: datetime) -> None:
        """Move notes (and their cards) to another deck, created if needed."""
        deck_id = self.add_deck(deck, now)
        with self.engine.begin() as conn:
            conn.execute(
                update(NOTE).where(NOTE.c.id.in_(note_ids)).values(deck_id=deck_id, modified=now)
            )
            conn.execute(update(CARD).where(CARD.c.note_id.in_(note_ids)).values(deck_id=deck_id))
        self._changed(Change.NOTES | Change.CARDS | Change.DECKS)

    def _delete_notes(self, conn: Connection, note_ids: Sequence[int]) -> None:
        for start in range(0, len(note_ids), 500):
            chunk = note_ids[start : start + 500]
            card_ids = select(CARD.c.id).where(CARD.c.note_id.in_(chunk))
            conn.execute(delete(LOG).where(LOG.c.card_id.in_(card_ids)))
            conn.execute(delete(CARD).where(CARD.c.note_id.in_(chunk)))
            conn.execute(delete(NOTE).where(NOTE.c.id.in_(chunk)))

    def delete_notes(self, note_ids: Sequence[int]) -> None:
        """Delete notes with their cards and review history."""
        with self.engine.begin() as conn:
            self._delete_notes(conn, list(note_ids))
        self._changed(Change.NOTES | Change.CARDS | Change.DECKS)

    def note(self, note_id: int) -> NoteView:
        """One note.

        Raises:
            NotFoundError: If there is no such note.
        """
        views = self.notes([note_id])
        if not views:
            raise NotFoundError(f"There is no note with id {note_id}.")
        return views[0]

    def notes(self, note_ids: Sequence[int]) -> list[NoteView]:
        """Notes by id (missing ids are left out), in the order asked."""
        decks = self.decks()
        with self.engine.connect() as conn:
            rows = conn.execute(select(NOTE).where(NOTE.c.id.in_(note_ids))).mappings().all()
            cards: dict[int, list[int]] = {}
            for cid, nid in conn.execute(
                select(CARD.c.id, CARD.c.note_id)
                .where(CARD.c.note_id.in_(note_ids))
                .order_by(CARD.c.ord)
            ):
                cards.setdefault(int(nid), []).append(int(cid))
        by_id = {int(r["id"]): r for r in rows}
        out = []
        for nid in note_ids:
            r = by_id.get(nid)
            if r is None:
                continue
            out.append(
                NoteView(
                    id=nid,
                    uid=r["uid"],
                    deck_name=decks.get(int(r["deck_id"]), ""),
                    kind=r["kind"],
                    front=r["front"],
                    back=r["back"],
                    tags=tuple(t for t in r["tags"].split() if t),
                    source=NoteSource(r["source_title"], r["source_section"], r["source_sentence"]),
                    modified=r["modified"],
                    card_ids=tuple(cards.get(nid, [])),
                )
            )
        return out

    def note_ids(self, deck: str | None = None) -> list[int]:
        """Ids of all notes, or of those in ``deck`` and its subdecks, in creation order."""
        query = select(NOTE.c.id).order_by(NOTE.c.id)
        if deck is not None:
            self.deck_id(deck)
            query = query.where(NOTE.c.deck_id.in_(subdeck_ids(self.decks(), deck)))
        with self.engine.connect() as conn:
            return [int(r[0]) for r in conn.execute(query)]

    # ------------------------------------------------------------------ deck files

    def import_deck_file(self, deck_file: DeckFile, now: datetime) -> ImportReport:
        """Import a deck file in one transaction; same ids update notes and keep progress.

        Notes of the deck that the file no longer has are reported in ``missing``, not deleted.

        Raises:
            InputError: If a note of the file is already used by another deck.
        """
        now = utcnow_guard(now)
        name = normalise_deck_name(deck_file.name)
        report = ImportReport(deck=name)
        with Session(self.engine) as session:
            deck_id = self._ensure_deck(session, name, now, deck_file.description)
            session.commit()
        with self.engine.begin() as conn:
            uids = [n.id for n in deck_file.notes]
            existing = {
                r["uid"]: r
                for start in range(0, len(uids), 500)
                for r in conn.execute(
                    select(NOTE).where(NOTE.c.uid.in_(uids[start : start + 500]))
                ).mappings()
            }
            for spec in deck_file.notes:
                row = existing.get(spec.id)
                if row is None:
                    self._insert_note(conn, spec, deck_id, now)
                    report.added += 1
                elif _note_values(spec) == {k: row[k] for k in _note_values(spec)}:
                    report.unchanged += 1
                else:
                    self._apply_note(conn, int(row["id"]), spec, now)
                    report.updated += 1
            in_file = set(uids)
            report.missing = [
                r[0]
                for r in conn.execute(
                    select(NOTE.c.uid).where(NOTE.c.deck_id == deck_id).order_by(NOTE.c.id)
                )
                if r[0] not in in_file
            ]
        self._changed(Change.DECKS | Change.NOTES | Change.CARDS)
        return report

    def load_shipped_decks(self, folder: Path, now: datetime) -> list[ImportReport]:
        """Load the shipped deck files of ``folder`` that are new or changed since last time.

        A shipped file is loaded once; when it changes, only notes it adds are loaded, so the
        learner's edits and progress are never overwritten. Unchanged files cost one hash.
        """
        reports = []
        for path in sorted(folder.glob("*.toml")):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            key = f"shipped:{path.name}"
            if self.get_setting(key) == digest:
                continue
            deck_file = read_deck_file(path)
            with self.engine.connect() as conn:
                known = {
                    r[0]
                    for r in conn.execute(
                        select(NOTE.c.uid).where(NOTE.c.uid.in_([n.id for n in deck_file.notes]))
                    )
                }
            fresh = [n for n in deck_file.notes if n.id not in known]
            report = ImportReport(deck=deck_file.name)
            if fresh or not known:
                deck_file.notes = fresh
                report = self.import_deck_file(deck_file, now)
                report.missing = []
            self.set_setting(key, digest)
            reports.append(report)
        return reports

    # ------------------------------------------------------------------ review

    def _memory(self, row: Any) -> scheduling.Memory:
        return scheduling.Memory(
            state=int(row.state),
            step=row.step,
            stability=row.stability,
            difficulty=row.difficulty,
            due=row.due,
            last_review=row.last_review,
            reps=int(row.reps),
            lapses=int(row.lapses),
        )

    def _next_card_id(self, conn: Connection, now: datetime, deck: str | None) -> int | None:
        decks = self.decks()
        if deck is None:
            roots = [i for i, n in decks.items() if "::" not in n]
            scope = list(decks)
        else:
            root = self.deck_id(deck)
            roots = [root]
            scope = subdeck_ids(decks, deck)
        if not scope:
            return None
        day_start, day_end = self.day_bounds(now)
        now_, end_ = now, day_end
        studied = self._studied_today(conn, day_start)
        new_left, rev_left = self._remaining(studied)
        by_name = {n: i for i, n in decks.items()}

        def allowed(left: dict[int, int]) -> list[int]:
            # A deck may give a card only if it and every ancestor up to the root allow one.
            ok = []
            for deck_id in scope:
                name = decks[deck_id]
                chain = [deck_id]
                while "::" in name and chain[-1] not in roots:
                    name = name.rsplit("::", 1)[0]
                    parent = by_name.get(name)
                    if parent is None:
                        break
                    chain.append(parent)
                if all(left[i] > 0 for i in chain):
                    ok.append(deck_id)
            return ok

        visible = and_(
            CARD.c.suspended == False,  # noqa: E712
            or_(CARD.c.buried_until.is_(None), CARD.c.buried_until <= now_),
        )
        learning = CARD.c.state.in_((CardState.LEARNING, CardState.RELEARNING))

        def first(*conds: Any, order: Any) -> int | None:
            row = conn.execute(
                select(CARD.c.id).where(visible, *conds).order_by(*order).limit(1)
            ).first()
            return int(row[0]) if row else None

        found = first(CARD.c.deck_id.in_(scope), learning, CARD.c.due <= now_,
                      order=(CARD.c.due,))
        if found is None:
            rev_decks = allowed(rev_left)
            if rev_decks:
                found = first(CARD.c.deck_id.in_(rev_decks), CARD.c.state == CardState.REVIEW,
                              CARD.c.due < end_, order=(CARD.c.due, CARD.c.id))
        if found is None:
            new_decks = allowed(new_left)
            if new_decks:
                found = first(CARD.c.deck_id.in_(new_decks), CARD.c.state == CardState.NEW,
                              order=(CARD.c.position, CARD.c.ord))
        if found is None:
            ahead = now + LEARN_AHEAD
            found = first(CARD.c.deck_id.in_(scope), learning, CARD.c.due <= ahead,
                          order=(CARD.c.due,))
        return found

    def next_card(self, now: datetime, deck: str | None = None) -> ReviewCard | None:
        """The next card to review, or None when nothing is left today.

        Order: learning cards due, then reviews due today, then new cards (within the daily
        limits), then learning cards due within the next 20 minutes.
        """
        now = utcnow_guard(now)
        with self.engine.connect() as conn:
            card_id = self._next_card_id(conn, now, deck)
            if card_id is None:
                return None
            return self._review_card(conn, card_id, now)

    def card_for_review(self, card_id: int, now: datetime) -> ReviewCard:
        """A given card, ready to be shown (used after undo and for previews).

        Raises:
            NotFoundError: If there is no such card.
        """
        with self.engine.connect() as conn:
            return self._review_card(conn, card_id, utcnow_guard(now))

    def _review_card(self, conn: Connection, card_id: int, now: datetime) -> ReviewCard:
        row = conn.execute(
            select(
                CARD,
                NOTE.c.uid,
                NOTE.c.kind,
                NOTE.c.front,
                NOTE.c.back,
                NOTE.c.source_title,
                NOTE.c.source_section,
                NOTE.c.source_sentence,
            )
            .join(NOTE, NOTE.c.id == CARD.c.note_id)
            .where(CARD.c.id == card_id)
        ).first()
        if row is None:
            raise NotFoundError(f"There is no card with id {card_id}.")
        memory = self._memory(row)
        config = self.deck_settings(int(row.deck_id)).scheduler_config()
        return ReviewCard(
            card_id=card_id,
            note_id=int(row.note_id),
            note_uid=row.uid,
            deck_id=int(row.deck_id),
            deck_name=self.decks().get(int(row.deck_id), ""),
            kind=row.kind,
            ord=int(row.ord),
            state=memory.state,
            faces=render(row.kind, int(row.ord), row.front, row.back),
            front=row.front,
            back=row.back,
            source=NoteSource(row.source_title, row.source_section, row.source_sentence),
            shown_at=now,
            outcomes=scheduling.preview(card_id, memory, config, now),
        )

    def answer(
        self,
        card_id: int,
        rating: int,
        now: datetime,
        *,
        duration_ms: int = 0,
        shown_at: datetime | None = None,
    ) -> AnswerResult:
        """Answer a card (1 Again, 2 Hard, 3 Good, 4 Easy) in one transaction.

        The outcome is computed as of ``shown_at`` (when the card was shown, as its button labels
        were) so that answering applies exactly the previewed outcome; the review is logged at
        ``now``. Siblings of the note that are new or in review are buried until tomorrow.

        Raises:
            InputError: If ``rating`` is not 1-4.
            NotFoundError: If there is no such card.
        """
        if rating not in (1, 2, 3, 4):
            raise InputError("The answer must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy).")
        now = utcnow_guard(now)
        at = utcnow_guard(shown_at) if shown_at is not None else now
        with self.engine.begin() as conn:
            row = conn.execute(select(CARD).where(CARD.c.id == card_id)).first()
            if row is None:
                raise NotFoundError(f"There is no card with id {card_id}.")
            memory = self._memory(row)
            deck_id = int(row.deck_id)
            config = self.deck_settings(deck_id).scheduler_config()
            outcome = scheduling.answer(card_id, memory, rating, config, at)
            new = outcome.memory
            conn.execute(
                update(CARD)
                .where(CARD.c.id == card_id)
                .values(
                    state=new.state,
                    step=new.step,
                    stability=new.stability,
                    difficulty=new.difficulty,
                    due=new.due,
                    last_review=new.last_review,
                    reps=new.reps,
                    lapses=new.lapses,
                )
            )
            now_ = now
            siblings = [
                int(r[0])
                for r in conn.execute(
                    select(CARD.c.id).where(
                        CARD.c.note_id == row.note_id,
                        CARD.c.id != card_id,
                        CARD.c.state.in_((CardState.NEW, CardState.REVIEW)),
                        CARD.c.suspended == False,  # noqa: E712
                        or_(CARD.c.buried_until.is_(None), CARD.c.buried_until <= now_),
                    )
                )
            ]
            if siblings:
                _, day_end = self.day_bounds(now)
                conn.execute(
                    update(CARD).where(CARD.c.id.in_(siblings)).values(buried_until=day_end)
                )
            review_id = conn.execute(
                insert(LOG).values(
                    card_id=card_id,
                    deck_id=deck_id,
                    rating=rating,
                    reviewed_at=now,
                    duration_ms=max(0, int(duration_ms)),
                    state_before=memory.state,
                    state_after=new.state,
                    interval_days=outcome.interval.total_seconds() / 86400,
                    stability_after=new.stability,
                    difficulty_after=new.difficulty,
                    prev_step=memory.step,
                    prev_stability=memory.stability,
                    prev_difficulty=memory.difficulty,
                    prev_due=memory.due,
                    prev_last_review=memory.last_review,
                    prev_reps=memory.reps,
                    prev_lapses=memory.lapses,
                    buried_siblings=" ".join(map(str, siblings)),
                )
            ).inserted_primary_key[0]
        self._changed(Change.REVIEWS | Change.CARDS)
        return AnswerResult(card_id, rating, new.due, outcome.interval, int(review_id))

    def undo(self) -> int | None:
        """Undo the last answer: restore its card exactly and remove its log row.

        Returns:
            The id of the card whose answer was undone, or None if there is nothing to undo.
        """
        with self.engine.begin() as conn:
            log = conn.execute(select(LOG).order_by(LOG.c.id.desc()).limit(1)).first()
            if log is None:
                return None
            conn.execute(
                update(CARD)
                .where(CARD.c.id == log.card_id)
                .values(
                    state=log.state_before,
                    step=log.prev_step,
                    stability=log.prev_stability,
                    difficulty=log.prev_difficulty,
                    due=log.prev_due,
                    last_review=log.prev_last_review,
                    reps=log.prev_reps,
                    lapses=log.prev_lapses,
                )
            )
            siblings = [int(s) for s in log.buried_siblings.split()]
            if siblings:
                conn.execute(update(CARD).where(CARD.c.id.in_(siblings)).values(buried_until=None))
            conn.execute(delete(LOG).where(LOG.c.id == log.id))
        self._changed(Change.REVIEWS | Change.CARDS)
        return int(log.card_id)

    def can_undo(self) -> bool:
        """Whether there is an answer to undo."""
        with self.engine.connect() as conn:
            return conn.execute(select(LOG.c.id).limit(1)).first() is not None

    def bury(self, card_ids: Sequence[int], now: datetime) -> None:
        """Hide cards until the next day starts."""
        _, day_end = self.day_bounds(now)
        with self.engine.begin() as conn:
            conn.execute(update(CARD).where(CARD.c.id.in_(card_ids)).values(buried_until=day_end))
        self._changed(Change.CARDS)

    def set_suspended(self, card_ids: Sequence[int], suspended: bool) -> None:
        """Suspend cards (never shown) or bring them back."""
        with self.engine.begin() as conn:
            conn.execute(update(CARD).where(CARD.c.id.in_(card_ids)).values(suspended=suspended))
        self._changed(Change.CARDS)

    def stats_summary(self, now: datetime, deck: str | None = None) -> dict[str, object]:
        """The numbers of ``flashcards stats`` for all decks or one deck and its subdecks."""
        from flashcards.core import stats

        now = utcnow_guard(now)
        logs, cards = _log_rows(self, deck)
        return stats.summary(
            [stats.LogRow(*row) for row in logs],
            [stats.CardRow(*row) for row in cards],
            now,
            self.learner_day,
        )

    def learner_day(self, moment: datetime) -> date:
        """The learner's calendar day of ``moment`` (days start at the day-start hour)."""
        local = moment.astimezone(self.tz) if self.tz is not None else moment.astimezone()
        return (local - timedelta(hours=self.day_start_hour)).date()

    def card_rows(self, card_ids: Sequence[int]) -> list[dict[str, Any]]:
        """Raw card columns (as dicts) for the given ids, in the order asked."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(CARD).where(CARD.c.id.in_(card_ids))).mappings().all()
        by_id = {int(r["id"]): dict(r) for r in rows}
        return [by_id[i] for i in card_ids if i in by_id]


def normalise_deck_name(name: str) -> str:
    """Tidy a deck name (spaces around ``::`` parts) and reject empty parts.

    Raises:
        InputError: If the name or one of its ``::`` parts is empty.
    """
    parts = [p.strip() for p in name.split("::")]
    if not parts or any(not p for p in parts):
        raise InputError(f"{name!r} is not a valid deck name (empty part).")
    return "::".join(parts)


def _note_values(spec: NoteSpec) -> dict[str, Any]:
    return {
        "kind": spec.kind,
        "front": spec.front,
        "back": spec.back,
        "tags": " ".join(spec.tags),
        "source_title": spec.source.title,
        "source_section": spec.source.section,
        "source_sentence": spec.source.sentence,
    }


def _validate_note(spec: NoteSpec) -> None:
    if spec.kind not in {k.value for k in NoteKind}:
        raise InputError(f"Unknown note kind {spec.kind!r}.")
    if not spec.front.strip():
        raise InputError("A note needs a front.")
    if spec.kind != NoteKind.CLOZE and not spec.back.strip():
        raise InputError("A basic note needs a back.")
    if spec.kind == NoteKind.CLOZE and not cloze_numbers(spec.front):
        raise InputError("A cloze note needs at least one deletion such as {{c1::text}}.")


def open_collection(url: str, tz: tzinfo | None = None) -> Collection:
    """Open (creating if needed) the collection at a SQLAlchemy URL.

    Raises:
        CollectionError: If the database cannot be opened.
    """
    return Collection(make_engine(url), tz)


__all__ = [
    "AnswerResult",
    "Change",
    "Collection",
    "DeckCounts",
    "DeckSettings",
    "FlashcardsError",
    "ImportReport",
    "NoteView",
    "ReviewCard",
    "open_collection",
]


def _log_rows(collection: Collection, deck: str | None) -> tuple[list[Any], list[Any]]:
    """Review log and card rows for the stats, optionally for one deck and its subdecks."""
    log_query = select(LOG.c.reviewed_at, LOG.c.rating, LOG.c.state_before, LOG.c.duration_ms)
    card_query = select(CARD.c.state, CARD.c.due, CARD.c.suspended)
    if deck is not None:
        collection.deck_id(deck)
        ids = subdeck_ids(collection.decks(), deck)
        log_query = log_query.where(LOG.c.deck_id.in_(ids))
        card_query = card_query.where(CARD.c.deck_id.in_(ids))
    with collection.engine.connect() as conn:
        return list(conn.execute(log_query)), list(conn.execute(card_query))
