"""Open the learner's collection the way the app and the command line both do."""

from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import Path

from flashcards.core.collection import Collection, open_collection
from flashcards.core.db import make_snapshot_engine, sqlite_path
from flashcards.core.exchange.deckfile_import import load_shipped_decks
from flashcards.core.instance import holds_lock
from flashcards.core.leftovers import remove_stale_temporaries, remove_stale_work_dirs
from flashcards.core.media import MediaFolder
from flashcards.core.paths import resolve_url, shipped_decks_dir

__all__ = ["open_read_only_collection", "open_user_collection", "resolve_url"]


def open_user_collection(
    now: datetime, data_dir: Path | None = None, db_url: str | None = None
) -> Collection:
    """Open the collection, creating it on first run, and load new shipped decks.

    When this process holds the data directory's instance lock, the temporary files of a
    backup or restore that was interrupted (killed, full disk) are deleted first.

    Raises:
        CollectionError: If the database cannot be opened.
    """
    url, _folder = resolve_url(data_dir, db_url)
    path = sqlite_path(url)
    if path is not None and holds_lock(path.parent):
        remove_stale_temporaries(path)
        remove_stale_work_dirs(folder=path.parent)  # imports unpack beside the media folder
        remove_stale_work_dirs(folder=path.with_suffix(".media"))  # files half added
    remove_stale_work_dirs()
    collection = open_collection(url)
    load_shipped_decks(collection, shipped_decks_dir(), now)
    return collection


def open_read_only_collection(path: Path, tz: tzinfo | None = None) -> Collection:
    """Open the SQLite collection file ``path`` for reading only, in a folder we may not write.

    The collection is an in-memory copy (see :func:`flashcards.core.db.make_snapshot_engine`):
    everything reads as usual, nothing is written to the file, and shipped decks are not
    loaded. Close it as any collection.

    Raises:
        CollectionError: If the file is missing, damaged, unreadable or from a newer version.
    """
    collection = Collection(make_snapshot_engine(path), tz)
    # The copy is in memory, but its media are the file's: an export still carries them.
    collection.media = MediaFolder.beside(path)
    return collection
