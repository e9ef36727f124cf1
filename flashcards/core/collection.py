"""The collection service: the one object the GUI and the command line call.

It owns the engine and opens one session (or connection) per unit of work; only frozen
dataclasses and plain values go out. Every change is announced to listeners with a
:class:`Change` flag so that views refresh themselves instead of being refreshed by hand.
Time is always passed in as an aware datetime (``now``); nothing here reads the clock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from enum import Flag, auto
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Engine, bindparam, delete, insert, select, text, update
from sqlalchemy.engine import Connection
from sqlmodel import Session

from flashcards.core import db, overview, queue, scheduling
from flashcards.core.db import make_engine
from flashcards.core.deckfile import DeckFile, NoteSource, NoteSpec, cloze_numbers, read_deck_file
from flashcards.core.errors import CollectionError, FlashcardsError, InputError, NotFoundError
from flashcards.core.models import (
    Card,
    CardState,
    Deck,
    DeckOptions,
    Note,
    NoteKind,
    ReviewLog,
    Setting,
    UTCDateTime,
    table_of,
    utcnow_guard,
)
from flashcards.core.overview import DeckCounts
from flashcards.core.render import Faces, render

if TYPE_CHECKING:
    from flashcards.core.stats import StatsReport

CARD, NOTE, DECK, LOG = (table_of(m) for m in (Card, Note, Deck, ReviewLog))
OPTIONS = table_of(DeckOptions)

#: When nothing else is due, learning cards due within this span are shown early (as Anki does).
LEARN_AHEAD = timedelta(minutes=20)


class Change(Flag):
    """What a change touched; listeners refresh what depends on it."""

    DECKS = auto()
    NOTES = auto()
    CARDS = auto()
    REVIEWS = auto()
    OPTIONS = auto()


def _option_default(name: str) -> Any:
    return DeckOptions.model_fields[name].default


@dataclass(frozen=True)
class DeckSettings:
    """A deck's options as the user edits them."""

    # The defaults are the table's (Anki's), written once in models.DeckOptions.
    desired_retention: float = _option_default("desired_retention")
    new_per_day: int = _option_default("new_per_day")
    reviews_per_day: int = _option_default("reviews_per_day")
    learning_steps: str = _option_default("learning_steps")
    relearning_steps: str = _option_default("relearning_steps")
    maximum_interval: int = _option_default("maximum_interval")

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
    """A card ready to be shown, with the four previewed outcomes for its buttons.

    The outcomes are computed when first asked for (when the answer is revealed and the
    buttons get their labels), not when the card is fetched: the next question appears
    sooner, and the outcomes are the same either way (the same seed, as of ``shown_at``).
    """

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
    memory: scheduling.Memory
    config: scheduling.SchedulerConfig

    @cached_property
    def outcomes(self) -> dict[int, scheduling.Outcome]:
        """What each rating (1 Again .. 4 Easy) does to the card."""
        return scheduling.preview(self.card_id, self.memory, self.config, self.shown_at)

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
    warnings: list[str] = field(default_factory=list)
    #: Notes left unchanged because the change would have deleted cards with review history.
    refused: int = 0


#: The largest cloze number (Anki keeps card ordinals in 16 bits).
MAX_CLOZE_NUMBER = 65_535

REFUSED_WARNING = (
    "{n} note(s) were left as they were: the change would have deleted cards "
    "that have review history."
)


def card_ords(kind: str, front: str) -> list[int]:
    """The card ordinals a note makes: 0; 0 and 1 (reversed); cloze number - 1 per deletion."""
    # Plain strings: comparing with the enum members costs more than the rest for 100k notes.
    if kind == _CLOZE:
        return [n - 1 for n in cloze_numbers(front) if n <= MAX_CLOZE_NUMBER]
    if kind == _REVERSED:
        return [0, 1]
    return [0]


_CLOZE, _REVERSED = NoteKind.CLOZE.value, NoteKind.REVERSED.value


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
        # Caches, valid because this object is the collection's only writer (one app instance
        # per data directory); each is dropped by the change that can make it stale.
        self._ancestors: dict[int, list[int]] | None = None
        self._totals: dict[int, int] | None = None
        # Today's reviews per (deck, state before): [count, milliseconds], with the day start.
        self._studied_cache: tuple[datetime, dict[tuple[int, int], list[int]]] | None = None
        # The last card shown: its memory and previewed outcomes, so that answering it does not
        # compute again what the preview computed (the result would be identical).
        self._shown: ReviewCard | None = None
        # Review ids answered through this object, newest last: undo takes back the learner's
        # own answers of this session, never a review that came in with an import.
        self._answered: list[int] = []

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
            self._ancestors = None
            self._options.clear()
        if change & (Change.DECKS | Change.NOTES):
            self._totals = None
        for listener in list(self._listeners):
            listener(change)

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database file; call it when the app is idle."""
        db.checkpoint(self.engine)

    def close(self) -> None:
        """Fold the write-ahead log into the file and release the database connections."""
        try:
            db.checkpoint(self.engine, truncate=True)
        except CollectionError:
            pass  # a read-only or full disk: the WAL stays and is replayed on the next open
        finally:
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
        return overview.day_bounds(utcnow_guard(now), self.tz, self.day_start_hour)

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

    def _ensure_deck(
        self, session: Session, name: str, now: datetime, description: str = ""
    ) -> int:
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
                session.add(DeckOptions(deck_id=int(row.id or 0)))
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
            conn.execute(delete(OPTIONS).where(OPTIONS.c.deck_id.in_(ids)))
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

    def _tree(self) -> dict[int, list[int]]:
        """Deck id -> ids of the deck and its ancestors (nearest first), cached with the decks."""
        if self._ancestors is None or self._decks is None:
            self._ancestors = overview.ancestors(self.decks())
        return self._ancestors

    def _fetch(self, conn: Connection) -> overview.Fetch:
        """Run the overview's plain SQL through SQLAlchemy, datetimes stored as ours are."""

        def fetch(sql: str, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
            statement = text(sql).bindparams(
                *(
                    bindparam(k, type_=UTCDateTime())
                    for k, v in params.items()
                    if isinstance(v, datetime)
                )
            )
            return conn.execute(statement, dict(params)).all()

        return fetch

    def _studied_rows(self, conn: Connection, day_start: datetime) -> list[tuple[int, ...]]:
        """Today's review counts per deck and state; kept up to date by answer/undo."""
        if self._studied_cache is None or self._studied_cache[0] != day_start:
            rows = self._fetch(conn)(overview.STUDIED_SQL, {"day_start": day_start})
            sums = {(int(d), int(s)): [int(c), int(ms or 0)] for d, s, c, ms in rows}
            self._studied_cache = (day_start, sums)
        return [(d, s, c, ms) for (d, s), (c, ms) in self._studied_cache[1].items()]

    def _remaining(
        self, conn: Connection, day_start: datetime
    ) -> tuple[dict[int, int], dict[int, int]]:
        """Per deck: how many new cards and reviews its own limit still allows today."""
        limits = {
            deck_id: (opts.new_per_day, opts.reviews_per_day)
            for deck_id in self.decks()
            for opts in (self.deck_settings(deck_id),)
        }
        studied = overview.studied_today(self._studied_rows(conn, day_start))
        return overview.remaining(limits, self._tree(), studied)

    def learner_day(self, moment: datetime) -> date:
        """The learner's calendar day of ``moment`` (days start at the day-start hour)."""
        local = moment.astimezone(self.tz) if self.tz is not None else moment.astimezone()
        return (local - timedelta(hours=self.day_start_hour)).date()

    def today(self, now: datetime) -> tuple[int, float, int]:
        """Today's line: cards studied today, minutes spent on them, and the streak in days."""
        now = utcnow_guard(now)
        day_start, _ = self.day_bounds(now)
        with self.engine.connect() as conn:
            rows = self._studied_rows(conn, day_start)
            shift = overview.day_shift(now, self.tz, self.day_start_hour)
            streak = overview.streak(self._fetch(conn), now, shift)
        reviews = sum(int(r[2]) for r in rows)
        return reviews, sum(int(r[3] or 0) for r in rows) / 60000, streak

    def overview(self, now: datetime) -> overview.Overview:
        """The deck list and today's line, as :func:`overview.read_sqlite` reads them."""
        reviews, minutes, streak = self.today(now)
        return overview.Overview(self.deck_counts(now), reviews, minutes, streak)

    def deck_counts(self, now: datetime) -> list[DeckCounts]:
        """The deck list: per deck (subdecks included), what is due now within today's limits."""
        now = utcnow_guard(now)
        day_start, day_end = self.day_bounds(now)
        decks = self.decks()
        order = sorted(decks)
        with self.engine.connect() as conn:
            new_left, rev_left = self._remaining(conn, day_start)
            own: dict[int, tuple[int, int, int]] = {}
            if order:
                params = overview.own_counts_params(order, new_left, rev_left)
                params |= {"now": now, "day_end": day_end}
                sql = overview.own_counts_sql(len(order))
                for deck, new, learn, rev in self._fetch(conn)(sql, params):
                    own[int(deck)] = (int(new), int(learn), int(rev))
            if self._totals is None:
                rows = self._fetch(conn)(overview.TOTALS_SQL, {})
                self._totals = {int(d): int(n) for d, n in rows}
            totals = self._totals
        return overview.deck_list(decks, self._tree(), own, totals, new_left, rev_left)

    # ------------------------------------------------------------------ notes

    def _insert_cards(
        self, conn: Connection, note_id: int, deck_id: int, ords: Iterable[int], now: datetime
    ) -> None:
        rows = [_new_card(note_id, deck_id, o, now) for o in ords]
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
        values = note_values(spec) | {"deck_id": deck_id, "created": now, "modified": now}
        values["uid"] = spec.id or f"pending:{now.timestamp()}:{id(spec)}"
        inserted = conn.execute(insert(NOTE).values(**values)).inserted_primary_key
        assert inserted is not None
        note_id = int(inserted[0])
        if not spec.id:
            conn.execute(update(NOTE).where(NOTE.c.id == note_id).values(uid=f"n{note_id}"))
        self._insert_cards(conn, note_id, deck_id, card_ords(spec.kind, spec.front), now)
        return note_id

    def _bulk_insert_notes(
        self, conn: Connection, specs: Sequence[NoteSpec], deck_id: int, now: datetime
    ) -> None:
        """Insert many notes that have uids, and their cards, with a few bulk statements."""
        for start in range(0, len(specs), 5000):
            chunk = specs[start : start + 5000]
            conn.execute(
                insert(NOTE),
                [
                    note_values(spec)
                    | {"uid": spec.id, "deck_id": deck_id, "created": now, "modified": now}
                    for spec in chunk
                ],
            )
            ids: dict[str, int] = {}
            for sub in range(0, len(chunk), 500):
                uids = [spec.id for spec in chunk[sub : sub + 500]]
                ids.update(
                    (str(uid), int(i))
                    for i, uid in conn.execute(
                        select(NOTE.c.id, NOTE.c.uid).where(NOTE.c.uid.in_(uids))
                    )
                )
            cards = [
                _new_card(ids[spec.id], deck_id, o, now)
                for spec in chunk
                for o in card_ords(spec.kind, spec.front)
            ]
            if cards:
                conn.execute(insert(CARD), cards)

    def _apply_note(self, conn: Connection, note_id: int, spec: NoteSpec, now: datetime) -> None:
        """Update a note's fields and add/remove cards for a changed kind or cloze set."""
        conn.execute(
            update(NOTE).where(NOTE.c.id == note_id).values(**note_values(spec), modified=now)
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
        A note whose change would delete cards with review history (another kind, fewer cloze
        deletions) is left as it is and counted in ``refused``. Nothing is written when the
        file adds and changes nothing (no empty deck).

        Raises:
            InputError: If a note id of the file belongs to a note of another deck (outside
                this deck and its subdecks); nothing is changed then.
        """
        now = utcnow_guard(now)
        name = normalise_deck_name(deck_file.name)
        for spec in deck_file.notes:
            try:
                _validate_note(spec)
            except InputError as exc:
                raise InputError(f"Note {spec.id!r} of the deck file: {exc}") from None
        report = ImportReport(deck=name)
        own = set(subdeck_ids(self.decks(), name))
        with Session(self.engine) as session:
            conn = session.connection()
            uids = [n.id for n in deck_file.notes]
            existing = {
                r["uid"]: r
                for start in range(0, len(uids), 500)
                for r in conn.execute(
                    select(NOTE).where(NOTE.c.uid.in_(uids[start : start + 500]))
                ).mappings()
            }
            foreign = [u for u in uids if u in existing and existing[u]["deck_id"] not in own]
            if foreign:
                other = self.decks().get(int(existing[foreign[0]]["deck_id"]), "?")
                raise InputError(
                    f"The deck file {name!r} reuses {len(foreign)} note id(s) of the deck "
                    f"{other!r} (such as {foreign[0]!r}); give its notes ids of their own."
                )
            fresh: list[NoteSpec] = []
            changed: list[tuple[int, NoteSpec]] = []
            for spec in deck_file.notes:
                row = existing.get(spec.id)
                if row is None:
                    fresh.append(spec)
                elif note_values(spec) == {k: row[k] for k in note_values(spec)}:
                    report.unchanged += 1
                elif _drops_reviewed_cards(conn, int(row["id"]), spec):
                    report.refused += 1
                else:
                    changed.append((int(row["id"]), spec))
            description_changed = bool(deck_file.description) and (
                not own or self.deck_description(self.deck_id(name)) != deck_file.description
            )
            if fresh or changed or description_changed:
                deck_id = self._ensure_deck(session, name, now, deck_file.description)
                for note_id, spec in changed:
                    self._apply_note(conn, note_id, spec, now)
                self._bulk_insert_notes(conn, fresh, deck_id, now)
                report.added, report.updated = len(fresh), len(changed)
            if own:
                in_file = set(uids)
                report.missing = [
                    r[0]
                    for r in conn.execute(
                        select(NOTE.c.uid)
                        .where(NOTE.c.deck_id == self.deck_id(name))
                        .order_by(NOTE.c.id)
                    )
                    if r[0] not in in_file
                ]
            session.commit()
        if report.refused:
            report.warnings.append(REFUSED_WARNING.format(n=report.refused))
        self._decks = None
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

    def _next_card_row(self, conn: Connection, now: datetime, deck: str | None) -> Any:
        decks = self.decks()
        root = self.deck_id(deck) if deck is not None else None
        scope = list(decks) if deck is None else subdeck_ids(decks, deck)
        if not scope:
            return None
        day_start, day_end = self.day_bounds(now)
        new_left, rev_left = self._remaining(conn, day_start)
        tree = self._tree()

        def allowed(left: dict[int, int]) -> list[int]:
            # A deck may give a card only if it and each ancestor up to the reviewed deck allow.
            ok = []
            for deck_id in scope:
                chain = tree[deck_id]
                if root is not None:
                    chain = chain[: chain.index(root) + 1]
                if all(left[i] > 0 for i in chain):
                    ok.append(deck_id)
            return ok

        row = queue.next_card_row(
            conn,
            now=now,
            cutoff=now,
            day_end=day_end,
            every=len(decks),
            learn_decks=scope,
            review_decks=allowed(rev_left),
            new_decks=allowed(new_left),
        )
        if row is None:
            # Nothing else today: show learning cards due soon rather than make the learner wait.
            row = queue.next_card_row(
                conn,
                now=now,
                cutoff=now + LEARN_AHEAD,
                day_end=day_end,
                every=len(decks),
                learn_decks=scope,
                review_decks=[],
                new_decks=[],
            )
        return row

    def next_card(self, now: datetime, deck: str | None = None) -> ReviewCard | None:
        """The next card to review, or None when nothing is left today.

        Order: learning cards due, then reviews due today, then new cards (within the daily
        limits), then learning cards due within the next 20 minutes.
        """
        now = utcnow_guard(now)
        with self.engine.connect() as conn:
            row = self._next_card_row(conn, now, deck)
            return None if row is None else self._review_card_of(row, now)

    def card_for_review(self, card_id: int, now: datetime) -> ReviewCard:
        """A given card, ready to be shown (used after undo and for previews).

        Raises:
            NotFoundError: If there is no such card.
        """
        with self.engine.connect() as conn:
            return self._review_card(conn, card_id, utcnow_guard(now))

    def _review_card(self, conn: Connection, card_id: int, now: datetime) -> ReviewCard:
        row = conn.execute(queue.CARD_FOR_REVIEW, {"card_id": card_id}).first()
        if row is None:
            raise NotFoundError(f"There is no card with id {card_id}.")
        return self._review_card_of(row, now)

    def _review_card_of(self, row: Any, now: datetime) -> ReviewCard:
        card_id = int(row.id)
        memory = _memory(row)
        config = self.deck_settings(int(row.deck_id)).scheduler_config()
        card = ReviewCard(
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
            memory=memory,
            config=config,
        )
        self._shown = card
        return card

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
        day_start, day_end = self.day_bounds(now)
        with self.engine.begin() as conn:
            outcome, memory, deck_id, note_id, kind = self._apply_answer(conn, card_id, rating, at)
            new = outcome.memory
            siblings: list[int] = []
            if kind != NoteKind.BASIC:  # a basic note has no siblings to bury
                siblings = [
                    int(r[0])
                    for r in conn.execute(
                        queue.SIBLINGS, {"note_id": note_id, "card_id": card_id, "now": now}
                    )
                ]
            if siblings:
                conn.execute(
                    update(CARD).where(CARD.c.id.in_(siblings)).values(buried_until=day_end)
                )
            inserted = conn.execute(
                queue.INSERT_LOG,
                {
                    "card_id": card_id,
                    "deck_id": deck_id,
                    "rating": rating,
                    "reviewed_at": now,
                    "duration_ms": max(0, int(duration_ms)),
                    "state_before": memory.state,
                    "state_after": new.state,
                    "interval_days": outcome.interval.total_seconds() / 86400,
                    "stability_after": new.stability,
                    "difficulty_after": new.difficulty,
                    "prev_step": memory.step,
                    "prev_stability": memory.stability,
                    "prev_difficulty": memory.difficulty,
                    "prev_due": memory.due,
                    "prev_last_review": memory.last_review,
                    "prev_reps": memory.reps,
                    "prev_lapses": memory.lapses,
                    "buried_siblings": " ".join(map(str, siblings)),
                },
            ).inserted_primary_key
            assert inserted is not None
            review_id = int(inserted[0])
        self._answered.append(review_id)
        cache = self._studied_cache
        if cache is not None and cache[0] == day_start:
            entry = cache[1].setdefault((deck_id, memory.state), [0, 0])
            entry[0] += 1
            entry[1] += max(0, int(duration_ms))
        self._changed(Change.REVIEWS | Change.CARDS)
        return AnswerResult(card_id, rating, new.due, outcome.interval, int(review_id))

    def _apply_answer(
        self, conn: Connection, card_id: int, rating: int, at: datetime
    ) -> tuple[scheduling.Outcome, scheduling.Memory, int, int, str]:
        """Write the outcome of answering a card as of ``at`` to its row.

        Returns:
            The outcome, the card's memory before it, and the card's deck id, note id and
            note kind.
        """
        shown = self._shown
        if shown is not None and (shown.card_id, shown.shown_at) == (card_id, at):
            # Answering the card just shown: update its row only if it is still as shown (the
            # same reps, state and due), which spares reading it back.
            memory = shown.memory
            if "outcomes" in shown.__dict__:  # previewed already: reuse, do not recompute
                outcome = shown.outcomes[rating]
            else:
                outcome = scheduling.answer(card_id, memory, rating, shown.config, at)
            params = _memory_params(card_id, outcome.memory)
            params |= {"old_reps": memory.reps, "old_state": memory.state, "old_due": memory.due}
            if conn.execute(queue.UPDATE_MEMORY_IF_UNCHANGED, params).rowcount == 1:
                return outcome, memory, shown.deck_id, shown.note_id, shown.kind
        row = conn.execute(queue.CARD_FOR_ANSWER, {"card_id": card_id}).first()
        if row is None:
            raise NotFoundError(f"There is no card with id {card_id}.")
        memory = _memory(row)
        config = self.deck_settings(int(row.deck_id)).scheduler_config()
        outcome = scheduling.answer(card_id, memory, rating, config, at)
        conn.execute(queue.UPDATE_MEMORY, _memory_params(card_id, outcome.memory))
        return outcome, memory, int(row.deck_id), int(row.note_id), str(row.kind)

    def undo(self) -> int | None:
        """Undo the last answer of this session: restore its card exactly, remove its log row.

        Returns:
            The id of the card whose answer was undone, or None if there is nothing to undo.
        """
        if not self._answered:
            return None
        with self.engine.begin() as conn:
            log = conn.execute(queue.LOG_BY_ID, {"review_id": self._answered.pop()}).first()
            if log is None:  # deleted meanwhile (its note was deleted): nothing to restore
                return None
            conn.execute(
                queue.UPDATE_MEMORY,
                _memory_params(
                    log.card_id,
                    scheduling.Memory(
                        state=log.state_before,
                        step=log.prev_step,
                        stability=log.prev_stability,
                        difficulty=log.prev_difficulty,
                        due=log.prev_due,
                        last_review=log.prev_last_review,
                        reps=log.prev_reps,
                        lapses=log.prev_lapses,
                    ),
                ),
            )
            siblings = [int(s) for s in log.buried_siblings.split()]
            if siblings:
                conn.execute(update(CARD).where(CARD.c.id.in_(siblings)).values(buried_until=None))
            from flashcards.core.stats_data import forget_review

            forget_review(conn, log)
            conn.execute(delete(LOG).where(LOG.c.id == log.id))
        self._studied_cache = None
        self._changed(Change.REVIEWS | Change.CARDS)
        return int(log.card_id)

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

    def stats_report(self, now: datetime, deck: str | None = None) -> StatsReport:
        """Statistics for all decks, or for ``deck`` and its subdecks, at ``now``."""
        from flashcards.core.stats_data import load_report

        return load_report(self, utcnow_guard(now), deck)

    def stats_summary(self, now: datetime, deck: str | None = None) -> dict[str, object]:
        """The object ``flashcards stats --json`` prints."""
        return self.stats_report(now, deck).as_json()

    def card_rows(self, card_ids: Sequence[int]) -> list[dict[str, Any]]:
        """Raw card columns (as dicts) for the given ids, in the order asked."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(CARD).where(CARD.c.id.in_(card_ids))).mappings().all()
        by_id = {int(r["id"]): dict(r) for r in rows}
        return [by_id[i] for i in card_ids if i in by_id]


def _new_card(note_id: int, deck_id: int, ord_: int, now: datetime) -> dict[str, Any]:
    # A new card is due at its creation time: the queue takes new cards in due order, which is
    # the order notes were added in.
    return {
        "note_id": note_id,
        "deck_id": deck_id,
        "ord": ord_,
        "position": note_id,
        "state": CardState.NEW,
        "due": now,
        "reps": 0,
        "lapses": 0,
        "suspended": False,
    }


def _memory_params(card_id: int, memory: scheduling.Memory) -> dict[str, Any]:
    return {
        "b_id": card_id,
        "b_state": memory.state,
        "b_step": memory.step,
        "b_stability": memory.stability,
        "b_difficulty": memory.difficulty,
        "b_due": memory.due,
        "b_last_review": memory.last_review,
        "b_reps": memory.reps,
        "b_lapses": memory.lapses,
    }


def _memory(row: Any) -> scheduling.Memory:
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


def normalise_deck_name(name: str) -> str:
    """Tidy a deck name (spaces around ``::`` parts) and reject empty parts.

    Raises:
        InputError: If the name or one of its ``::`` parts is empty.
    """
    parts = [p.strip() for p in name.split("::")]
    if not parts or any(not p for p in parts):
        raise InputError(f"{name!r} is not a valid deck name (empty part).")
    return "::".join(parts)


class NoteFields(Protocol):
    """What a note row is written from: our deck-file notes and notes read from Anki alike."""

    @property
    def kind(self) -> str: ...  # noqa: D102
    @property
    def front(self) -> str: ...  # noqa: D102
    @property
    def back(self) -> str: ...  # noqa: D102
    @property
    def tags(self) -> tuple[str, ...]: ...  # noqa: D102
    @property
    def source(self) -> NoteSource: ...  # noqa: D102


def note_values(note: NoteFields) -> dict[str, Any]:
    """The note table's columns for a note's fields (kind, texts, tags, source)."""
    return {
        "kind": note.kind,
        "front": note.front,
        "back": note.back,
        "tags": " ".join(note.tags),
        "source_title": note.source.title,
        "source_section": note.source.section,
        "source_sentence": note.source.sentence,
    }


def reviewed_card_ids(conn: Connection, card_ids: Sequence[int]) -> set[int]:
    """Those of ``card_ids`` that have review history (answers counted or logged)."""
    out: set[int] = set()
    for start in range(0, len(card_ids), 500):
        chunk = list(card_ids[start : start + 500])
        out.update(
            int(r[0])
            for r in conn.execute(select(CARD.c.id).where(CARD.c.id.in_(chunk), CARD.c.reps > 0))
        )
        out.update(
            int(r[0])
            for r in conn.execute(select(LOG.c.card_id).where(LOG.c.card_id.in_(chunk)).distinct())
        )
    return out


def _drops_reviewed_cards(conn: Connection, note_id: int, spec: NoteSpec) -> bool:
    """Whether giving note ``note_id`` the kind and text of ``spec`` deletes a reviewed card."""
    want = set(card_ords(spec.kind, spec.front))
    gone = [
        int(r[0])
        for r in conn.execute(select(CARD.c.id, CARD.c.ord).where(CARD.c.note_id == note_id))
        if int(r[1]) not in want
    ]
    return bool(gone) and bool(reviewed_card_ids(conn, gone))


def _validate_note(spec: NoteSpec) -> None:
    if spec.kind not in {k.value for k in NoteKind}:
        raise InputError(f"Unknown note kind {spec.kind!r}.")
    if not spec.front.strip():
        raise InputError("A note needs a front.")
    if spec.kind != NoteKind.CLOZE and not spec.back.strip():
        raise InputError("A basic note needs a back.")
    if spec.kind == NoteKind.CLOZE and not cloze_numbers(spec.front):
        raise InputError("A cloze note needs at least one deletion such as {{c1::text}}.")
    if spec.kind == NoteKind.CLOZE and max(cloze_numbers(spec.front)) > MAX_CLOZE_NUMBER:
        raise InputError(f"Cloze numbers go up to {MAX_CLOZE_NUMBER}.")


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
