"""The collection: a façade that owns the engine and hands out the managers.

As in Anki's library, the collection itself does little: ``col.config``, ``col.decks``,
``col.notes``, ``col.cards``, ``col.sched`` and ``col.stats`` do the work, each mutation in
one transaction. Every change is announced once on the collection's change bus
(:meth:`Collection.add_listener`) with a :class:`~flashcards.core.changes.Change` flag, after
the managers have dropped what it made stale. Time is always passed in as an aware datetime
(``now``); nothing here reads the clock.

The core is single-threaded: one collection object is used by one thread at a time (the
desktop app runs all collection work on one executor).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from types import TracebackType
from typing import Any

from sqlalchemy import Engine

from flashcards.core import db
from flashcards.core.cards import CardManager
from flashcards.core.changes import Change
from flashcards.core.config import Config
from flashcards.core.db import make_engine
from flashcards.core.decks import DeckManager
from flashcards.core.errors import CollectionError
from flashcards.core.notes import NoteManager
from flashcards.core.scheduler import Scheduler
from flashcards.core.stats_data import Stats


class _OldNames:
    """Transitional: the service's old method names, while the GUI moves to the managers.

    Removed once nothing calls them (this session's restructure, issue 11).
    """

    config: Config
    decks: DeckManager
    notes: NoteManager
    cards: CardManager
    sched: Scheduler
    stats: Stats

    def import_deck_file(self, deck_file: Any, now: Any) -> Any:
        """Transitional: see :func:`flashcards.core.exchange.deckfile_import.import_deck_file`."""
        from flashcards.core.exchange import deckfile_import

        return deckfile_import.import_deck_file(self, deck_file, now)  # type: ignore[arg-type]

    def load_shipped_decks(self, folder: Any, now: Any) -> Any:
        """Transitional: see :func:`flashcards.core.exchange.deckfile_import.load_shipped_decks`."""
        from flashcards.core.exchange import deckfile_import

        return deckfile_import.load_shipped_decks(self, folder, now)  # type: ignore[arg-type]

    def __getattr__(self, name: str) -> Any:
        target = _OLD_NAMES.get(name)
        if target is None:
            raise AttributeError(name)
        manager, attribute = target.split(".")
        return getattr(getattr(self, manager), attribute)


_OLD_NAMES = {
    "stats_summary": "stats.summary",
    "stats_report": "stats.report",
    "get_setting": "config.get",
    "set_setting": "config.set",
    "set_day_start_hour": "config.set_day_start_hour",
    "day_bounds": "config.day_bounds",
    "learner_day": "config.learner_day",
    "day_start_hour": "config.day_start_hour",
    "add_deck": "decks.add",
    "deck_id": "decks.id",
    "deck_description": "decks.description",
    "rename_deck": "decks.rename",
    "delete_deck": "decks.delete",
    "set_deck_settings": "decks.set_settings",
    "deck_settings": "decks.settings",
    "deck_counts": "sched.deck_counts",
    "overview": "sched.overview",
    "today": "sched.today",
    "next_card": "sched.next_card",
    "card_for_review": "sched.card_for_review",
    "answer": "sched.answer",
    "undo": "sched.undo",
    "bury": "sched.bury",
    "set_suspended": "sched.set_suspended",
    "add_note": "notes.add",
    "update_note": "notes.update",
    "move_notes": "notes.move",
    "delete_notes": "notes.delete",
    "note_ids": "notes.ids",
    "note": "notes.get",
    "card_rows": "cards.rows",
}


class Collection(_OldNames):
    """The learner's collection: decks, notes, cards, reviews.

    Args:
        engine: A SQLAlchemy engine whose schema is ready (see :func:`open_collection`).
        tz: The time zone of the day boundary; None means the system's local time zone.
    """

    def __init__(self, engine: Engine, tz: tzinfo | None = None) -> None:
        self.engine = engine
        self._listeners: list[Callable[[Change], None]] = []
        self.config = Config(engine, tz, self.notify)
        self.decks = DeckManager(engine, self.notify)
        self.notes = NoteManager(engine, self.decks, self.notify)
        self.cards = CardManager(engine)
        self.sched = Scheduler(engine, self.config, self.decks, self.notify)
        self.stats = Stats(engine, self.config, self.decks)

    @property
    def tz(self) -> tzinfo | None:
        """The time zone of the learner's day boundary (None: the system's)."""
        return self.config.tz

    def add_listener(self, listener: Callable[[Change], None]) -> None:
        """Call ``listener`` with a :class:`Change` after every change."""
        self._listeners.append(listener)

    def notify(self, change: Change) -> None:
        """Announce a change: managers drop their stale caches, then listeners are told.

        Managers call it after each mutation; so do modules that write in bulk (exchange).
        """
        self.decks.invalidate(change)
        self.sched.invalidate(change)
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

    def __enter__(self) -> Collection:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_collection(url: str, tz: tzinfo | None = None) -> Collection:
    """Open (creating if needed) the collection at a SQLAlchemy URL.

    Raises:
        CollectionError: If the database cannot be opened.
    """
    return Collection(make_engine(url), tz)


# Transitional re-exports (with _OldNames): removed once the GUI imports from the modules.
from flashcards.core.deck_names import normalise_deck_name, subdeck_ids  # noqa: E402
from flashcards.core.decks import DeckSettings  # noqa: E402
from flashcards.core.exchange.report import ImportReport  # noqa: E402
from flashcards.core.notes import NoteView  # noqa: E402
from flashcards.core.notetypes import card_ords, note_values  # noqa: E402
from flashcards.core.overview import DeckCounts  # noqa: E402
from flashcards.core.scheduler import AnswerResult, ReviewCard  # noqa: E402
from flashcards.core.tables import CARD, DECK, LOG, NOTE  # noqa: E402

__all__ = [
    "CARD",
    "DECK",
    "LOG",
    "NOTE",
    "AnswerResult",
    "Change",
    "Collection",
    "DeckCounts",
    "DeckSettings",
    "ImportReport",
    "NoteView",
    "ReviewCard",
    "card_ords",
    "normalise_deck_name",
    "note_values",
    "open_collection",
    "subdeck_ids",
]
