"""The deck manager: decks (nested by ``::``), their descriptions and their options (presets)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, delete, func, select, update
from sqlmodel import Session

from flashcards.core import overview
from flashcards.core.changes import Change, Notify, OpResult, announce
from flashcards.core.deck_names import normalise_deck_name, subdeck_ids
from flashcards.core.errors import InputError, NotFoundError
from flashcards.core.models import DEFAULT_PRESET_ID, Deck, utcnow_guard
from flashcards.core.notes import delete_note_rows
from flashcards.core.presets import (
    DeckSettings,
    check_settings,
    format_params,
    insert_preset,
    parse_params,
    write_settings,
)
from flashcards.core.scheduler import custom_study
from flashcards.core.sync.graves import record_graves
from flashcards.core.tables import DECK, NOTE, PRESET

# The options live in presets (flashcards.core.presets); these names stay importable here.
__all__ = ["DeckManager", "DeckSettings", "check_settings", "format_params", "parse_params"]


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
        self._presets: dict[int, int] | None = None

    def invalidate(self, change: Change) -> None:
        """Drop what ``change`` can make stale (called by the collection's change bus)."""
        if change & (Change.DECKS | Change.OPTIONS):
            self._names = None
            self._ancestors = None
            self._presets = None
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
                session.add(row)  # on the Default preset, as a new deck in Anki
                session.flush()
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
            conn.execute(delete(DECK).where(DECK.c.id.in_(ids)))
        return announce(self._notify, len(note_ids), Change.DECKS | Change.NOTES | Change.CARDS)

    def settings(self, deck_id: int) -> DeckSettings:
        """A deck's effective options: those of its preset.

        The one way the scheduler, the queue, the optimiser and custom study read options.
        """
        cached = self._options.get(deck_id)
        if cached is not None:
            return cached
        with self._engine.connect() as conn:
            found = (
                conn.execute(
                    select(PRESET)
                    .join(DECK, DECK.c.preset_id == PRESET.c.id)
                    .where(DECK.c.id == deck_id)
                )
                .mappings()
                .first()
            )
        settings = DeckSettings.from_columns(found) if found else DeckSettings()
        self._options[deck_id] = settings
        return settings

    def presets(self) -> dict[int, int]:
        """Every deck's preset id, cached with the decks (which decks share options)."""
        if self._presets is None:
            with self._engine.connect() as conn:
                rows = conn.execute(select(DECK.c.id, DECK.c.preset_id)).all()
            self._presets = {int(r[0]): int(r[1]) for r in rows}
        return dict(self._presets)

    def all_settings(self) -> dict[int, DeckSettings]:
        """The options of every deck, read in one query (the deck list needs them all)."""
        names = self.names()
        if any(i not in self._options for i in names):
            with self._engine.connect() as conn:
                rows = conn.execute(
                    select(DECK.c.id.label("deck_id"), PRESET).join(
                        PRESET, DECK.c.preset_id == PRESET.c.id
                    )
                ).mappings()
                for r in rows:
                    self._options[int(r["deck_id"])] = DeckSettings.from_columns(r)
            for deck_id in names:
                self._options.setdefault(deck_id, DeckSettings())
        return {deck_id: self._options[deck_id] for deck_id in names}

    def set_settings(
        self, deck_id: int, settings: DeckSettings, now: datetime | None = None
    ) -> OpResult[None]:
        """Give one deck these options, leaving every other deck's as they are.

        A deck alone on its preset (other than Default) changes that preset. A deck that
        shares its preset, or is on Default, gets a preset of its own named after it, so that
        no other deck changes. To change a shared preset for all its decks, as Anki's options
        screen does, use :meth:`flashcards.core.presets.PresetManager.update`.

        Args:
            deck_id: The deck.
            settings: Its new options.
            now: When they changed (the preset's modified time, which sync's last writer
                wins and Anki's importer compare); None leaves the time as it was.

        Returns:
            No value; the changes: ``OPTIONS`` (and ``DECKS`` when the deck got a preset).

        Raises:
            InputError: If a value is out of range.
            NotFoundError: If there is no such deck.
        """
        check_settings(settings)
        changes = Change.OPTIONS
        with self._engine.begin() as conn:
            row = conn.execute(
                select(DECK.c.name, DECK.c.preset_id).where(DECK.c.id == deck_id)
            ).first()
            if row is None:
                raise NotFoundError(f"There is no deck with id {deck_id}.")
            preset_id = int(row.preset_id)
            users = conn.execute(
                select(func.count()).select_from(DECK).where(DECK.c.preset_id == preset_id)
            ).scalar_one()
            if preset_id != DEFAULT_PRESET_ID and users == 1:
                write_settings(conn, preset_id, settings, now)
            elif self.settings(deck_id) != settings:
                at = (
                    now
                    or conn.execute(
                        select(PRESET.c.modified).where(PRESET.c.id == preset_id)
                    ).scalar_one()
                )
                own = insert_preset(conn, str(row.name), settings, utcnow_guard(at))
                values = {"preset_id": own} | ({"modified": now} if now is not None else {})
                conn.execute(update(DECK).where(DECK.c.id == deck_id).values(**values))
                changes |= Change.DECKS
        return announce(self._notify, None, changes)
