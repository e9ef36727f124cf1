"""The collection: a façade that owns the engine and hands out the managers.

As in Anki's library, the collection itself does little: ``col.config``, ``col.decks``,
``col.presets``, ``col.notes``, ``col.cards``, ``col.sched`` and ``col.stats`` do the work,
each mutation in one transaction. A mutation returns an
:class:`~flashcards.core.changes.OpResult`: its value and the
:class:`~flashcards.core.changes.Change` flags of what it touched. The same flags are
announced once on the collection's change bus (:meth:`Collection.add_listener`), after the
managers have dropped what the change made stale. Time is always passed in as an aware datetime
(``now``); nothing here reads the clock.

The core is single-threaded: one collection object is used by one thread at a time (the
desktop app runs all collection work on one executor).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from pathlib import Path
from types import TracebackType

from sqlalchemy import Engine

from flashcards.core import db
from flashcards.core.backup import backup_before_upgrade
from flashcards.core.cards import CardManager
from flashcards.core.changes import Change
from flashcards.core.config import Config
from flashcards.core.db import make_engine
from flashcards.core.decks import DeckManager
from flashcards.core.errors import CollectionError
from flashcards.core.media import MediaFolder
from flashcards.core.notes import NoteManager
from flashcards.core.presets import PresetManager
from flashcards.core.scheduler import Scheduler
from flashcards.core.stats_data import Stats
from flashcards.core.undo import UndoStack


class Collection:
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
        self.presets = PresetManager(engine, self.notify)
        self.notes = NoteManager(engine, self.decks, self.notify)
        self.cards = CardManager(engine)
        self.sched = Scheduler(engine, self.config, self.decks, self.notify)
        self.stats = Stats(engine, self.config, self.decks)
        self.media = MediaFolder.beside(_database_file(engine))
        self.undo = UndoStack(self)

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


def _database_file(engine: Engine) -> Path | None:
    """The SQLite file of the engine; None for an in-memory or a server database."""
    url = engine.url
    if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def open_collection(url: str, tz: tzinfo | None = None) -> Collection:
    """Open (creating if needed) the collection at a SQLAlchemy URL.

    A SQLite file is backed up into ``backups/`` beside it before its schema is upgraded.

    Raises:
        CollectionError: If the database cannot be opened.
    """
    return Collection(make_engine(url, before_upgrade=backup_before_upgrade), tz)


__all__ = ["Change", "Collection", "open_collection"]
