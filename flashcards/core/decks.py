"""The deck manager: decks (nested by ``::``), their descriptions and their options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlmodel import Session

from flashcards.core import overview, scheduling
from flashcards.core.changes import Change, Notify, OpResult, announce
from flashcards.core.deck_names import normalise_deck_name, subdeck_ids
from flashcards.core.errors import InputError, NotFoundError
from flashcards.core.models import Deck, DeckOptions
from flashcards.core.notes import delete_note_rows
from flashcards.core.scheduler import custom_study
from flashcards.core.sync.graves import record_graves
from flashcards.core.tables import DECK, NOTE, OPTIONS


def _option_default(name: str) -> Any:
    return DeckOptions.model_fields[name].default


@dataclass(frozen=True)
class DeckSettings:
    """A deck's options as the user edits them (an Anki preset's scheduling options)."""

    # The defaults are the table's, written once in models.DeckOptions.
    desired_retention: float = _option_default("desired_retention")
    new_per_day: int = _option_default("new_per_day")
    reviews_per_day: int = _option_default("reviews_per_day")
    learning_steps: str = _option_default("learning_steps")
    relearning_steps: str = _option_default("relearning_steps")
    maximum_interval: int = _option_default("maximum_interval")
    #: Answering a card buries its new siblings / review siblings / siblings in learning
    #: due on a later day, until the next day (Anki's three bury options).
    bury_new: bool = _option_default("bury_new")
    bury_reviews: bool = _option_default("bury_reviews")
    bury_interday: bool = _option_default("bury_interday")
    #: Anki's leech threshold (lapses; 0: never) and action (suspend, or only tag the note).
    leech_threshold: int = _option_default("leech_threshold")
    leech_suspend: bool = _option_default("leech_suspend")
    #: FSRS parameters (21 numbers, as Anki's FSRS-6 preset has them); empty: FSRS's defaults.
    fsrs_params: tuple[float, ...] = ()

    def scheduler_config(self) -> scheduling.SchedulerConfig:
        """The part of the options the scheduler uses."""
        return scheduling.SchedulerConfig(
            self.desired_retention,
            self.learning_steps,
            self.relearning_steps,
            self.maximum_interval,
            self.fsrs_params,
        )

    def columns(self) -> dict[str, Any]:
        """The options as ``deckoptions`` columns."""
        values = asdict(self)
        values["fsrs_params"] = format_params(self.fsrs_params)
        return values

    @classmethod
    def from_columns(cls, row: Mapping[Any, Any]) -> DeckSettings:
        """The options of a ``deckoptions`` row (extra columns are ignored)."""
        values = {f.name: row[f.name] for f in fields(cls)}
        values["fsrs_params"] = parse_params(str(values["fsrs_params"] or ""))
        for name in ("bury_new", "bury_reviews", "bury_interday", "leech_suspend"):
            values[name] = bool(values[name])
        return cls(**values)


def format_params(params: tuple[float, ...]) -> str:
    """FSRS parameters as stored: space-separated numbers (``repr``, so nothing is rounded)."""
    return " ".join(repr(float(p)) for p in params)


def parse_params(text: str) -> tuple[float, ...]:
    """Stored FSRS parameters; empty (FSRS's defaults) when they are not numbers."""
    try:
        return tuple(float(p) for p in text.split())
    except ValueError:
        return ()


def check_settings(settings: DeckSettings) -> None:
    """Check that options are ones the scheduler can use.

    Raises:
        InputError: If a value is out of range.
    """
    if not 0.7 <= settings.desired_retention <= 0.99:
        raise InputError("Desired retention must be between 0.70 and 0.99.")
    if settings.new_per_day < 0 or settings.reviews_per_day < 0:
        raise InputError("Daily limits cannot be negative.")
    if settings.leech_threshold < 0:
        raise InputError("The leech threshold cannot be negative.")
    if settings.maximum_interval < 1:
        raise InputError("The maximum interval must be at least one day.")
    try:
        # No learning steps is allowed, as in Anki: a new card answered Good is a review card.
        scheduling.parse_steps(settings.learning_steps)
        scheduling.parse_steps(settings.relearning_steps)
    except ValueError as exc:
        raise InputError(f"Invalid steps: {exc}.") from None
    if settings.fsrs_params and not scheduling.valid_parameters(settings.fsrs_params):
        raise InputError("The FSRS parameters must be 21 numbers within FSRS's bounds.")


class DeckManager:
    """Decks and their options; names, ancestry and options are cached until a deck changes.

    Args:
        engine: The collection's engine.
        notify: The collection's change bus.
    """

    def __init__(self, engine: Engine, notify: Notify) -> None:
        self._engine = engine
        self._notify = notify
        self._names: dict[int, str] | None = None
        self._ancestors: dict[int, list[int]] | None = None
        self._options: dict[int, DeckSettings] = {}

    def invalidate(self, change: Change) -> None:
        """Drop what ``change`` can make stale (called by the collection's change bus)."""
        if change & (Change.DECKS | Change.OPTIONS):
            self._names = None
            self._ancestors = None
            self._options.clear()

    def names(self) -> dict[int, str]:
        """All decks: id -> full name."""
        if self._names is None:
            with self._engine.connect() as conn:
                rows = conn.execute(select(DECK.c.id, DECK.c.name)).all()
            self._names = {int(r[0]): str(r[1]) for r in rows}
        return dict(self._names)

    def id(self, name: str) -> int:
        """The id of the deck called ``name``.

        Raises:
            NotFoundError: If there is no such deck.
        """
        for deck_id, deck_name in self.names().items():
            if deck_name == name:
                return deck_id
        raise NotFoundError(f"There is no deck called {name!r}.")

    def tree(self) -> dict[int, list[int]]:
        """Deck id -> ids of the deck and its ancestors (nearest first), cached with the decks."""
        if self._ancestors is None or self._names is None:
            self._ancestors = overview.ancestors(self.names())
        return self._ancestors

    def add(self, name: str, now: datetime, description: str = "") -> OpResult[int]:
        """Create deck ``name`` (and its parents) if needed.

        Returns:
            The deck's id; the changes: ``DECKS``.
        """
        name = normalise_deck_name(name)
        with Session(self._engine) as session:
            deck_id = self.ensure(session, name, now, description)
            session.commit()
        return announce(self._notify, deck_id, Change.DECKS)

    def ensure(self, session: Session, name: str, now: datetime, description: str = "") -> int:
        """The id of deck ``name`` (and its parents), created in ``session`` if missing.

        For operations that create a deck in their own transaction; they announce the change.
        """
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
        self._names = None
        return deck_id

    def description(self, deck_id: int) -> str:
        """The description of a deck.

        Raises:
            NotFoundError: If there is no such deck.
        """
        with Session(self._engine) as session:
            deck = session.get(Deck, deck_id)
            if deck is None:
                raise NotFoundError(f"There is no deck with id {deck_id}.")
            return deck.description

    def rename(self, deck_id: int, new_name: str, now: datetime) -> OpResult[None]:
        """Rename a deck and move its subdecks with it.

        Returns:
            No value; the changes: ``DECKS``.

        Raises:
            InputError: If the new name is empty or taken.
            NotFoundError: If there is no such deck.
        """
        new_name = normalise_deck_name(new_name)
        decks = self.names()
        old = decks.get(deck_id)
        if old is None:
            raise NotFoundError(f"There is no deck with id {deck_id}.")
        if new_name in decks.values() and new_name != old:
            raise InputError(f"A deck called {new_name!r} already exists.")
        if new_name.startswith(old + "::"):
            raise InputError(f"{old!r} cannot go inside itself.")
        with Session(self._engine) as session:
            for i in subdeck_ids(decks, old):
                deck = session.get(Deck, i)
                assert deck is not None
                deck.name = new_name + deck.name[len(old) :]
                deck.modified = now
            session.flush()
            # As Anki: "Foo::Bar" makes a deck Foo for Bar to sit in when there is none.
            parent = new_name.rpartition("::")[0]
            if parent:
                self.ensure(session, parent, now)
            session.commit()
        self._names = None
        return announce(self._notify, None, Change.DECKS)

    def delete(self, deck_id: int) -> OpResult[int]:
        """Delete a deck, its subdecks, their notes, cards and review history.

        Cards that are only visiting these decks (a filtered deck's: custom study) go back to
        their home decks first and are kept, with their reviews, as Anki does.

        Returns:
            The number of notes deleted; the changes: ``DECKS | NOTES | CARDS``.

        Raises:
            NotFoundError: If there is no such deck.
        """
        decks = self.names()
        if deck_id not in decks:
            raise NotFoundError(f"There is no deck with id {deck_id}.")
        ids = subdeck_ids(decks, decks[deck_id])
        with self._engine.begin() as conn:
            custom_study.return_home(conn, list(ids))
            custom_study.forget_decks(conn, ids)
            note_ids = [
                r[0] for r in conn.execute(select(NOTE.c.id).where(NOTE.c.deck_id.in_(ids)))
            ]
            record_graves(conn, "note", note_ids)
            record_graves(conn, "deck", list(ids))
            delete_note_rows(conn, note_ids)
            conn.execute(delete(OPTIONS).where(OPTIONS.c.deck_id.in_(ids)))
            conn.execute(delete(DECK).where(DECK.c.id.in_(ids)))
        return announce(self._notify, len(note_ids), Change.DECKS | Change.NOTES | Change.CARDS)

    def settings(self, deck_id: int) -> DeckSettings:
        """The options of a deck."""
        cached = self._options.get(deck_id)
        if cached is not None:
            return cached
        with self._engine.connect() as conn:
            row = conn.execute(select(OPTIONS).where(OPTIONS.c.deck_id == deck_id)).mappings()
            found = row.first()
        settings = DeckSettings.from_columns(found) if found else DeckSettings()
        self._options[deck_id] = settings
        return settings

    def all_settings(self) -> dict[int, DeckSettings]:
        """The options of every deck, read in one query (the deck list needs them all)."""
        names = self.names()
        if any(i not in self._options for i in names):
            with self._engine.connect() as conn:
                for r in conn.execute(select(OPTIONS)).mappings():
                    self._options[int(r["deck_id"])] = DeckSettings.from_columns(r)
            for deck_id in names:
                self._options.setdefault(deck_id, DeckSettings())
        return {deck_id: self._options[deck_id] for deck_id in names}

    def preset(self, deck_id: int) -> tuple[str, int | None]:
        """The name and Anki id of the Anki preset a deck's options came with ("", None)."""
        with self._engine.connect() as conn:
            row = conn.execute(
                select(OPTIONS.c.preset_name, OPTIONS.c.anki_preset_id).where(
                    OPTIONS.c.deck_id == deck_id
                )
            ).first()
        if row is None:
            return "", None
        return str(row[0] or ""), None if row[1] is None else int(row[1])

    def set_settings(self, deck_id: int, settings: DeckSettings) -> OpResult[None]:
        """Change a deck's options.

        Options changed here no longer are the Anki preset they came with: the preset's Anki
        id is dropped (its name is kept), so that an export gives Anki a new preset with
        these values instead of pointing at the old one.

        Returns:
            No value; the changes: ``OPTIONS``.

        Raises:
            InputError: If a value is out of range.
        """
        check_settings(settings)
        values = settings.columns()
        with self._engine.begin() as conn:
            row = conn.execute(select(OPTIONS).where(OPTIONS.c.deck_id == deck_id)).mappings()
            found = row.first()
            if found is None:
                conn.execute(OPTIONS.insert().values(deck_id=deck_id, **values))
            elif DeckSettings.from_columns(found) != settings:
                conn.execute(
                    OPTIONS.update()
                    .where(OPTIONS.c.deck_id == deck_id)
                    .values(anki_preset_id=None, **values)
                )
        return announce(self._notify, None, Change.OPTIONS)
