"""Open the learner's collection the way the app and the command line both do."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from flashcards.core.collection import Collection, open_collection
from flashcards.core.db import DB_FILENAME, default_data_dir, sqlite_url
from flashcards.core.paths import shipped_decks_dir


def resolve_url(data_dir: Path | None = None, db_url: str | None = None) -> tuple[str, Path]:
    """The database URL and data directory from the options, the environment or the defaults.

    Precedence: ``db_url`` argument, ``FLASHCARDS_DB_URL``, then ``collection.db`` in the data
    directory (``data_dir`` argument, ``FLASHCARDS_DATA_DIR``, the platform's user data dir).
    """
    folder = data_dir if data_dir is not None else default_data_dir()
    url = db_url or os.environ.get("FLASHCARDS_DB_URL") or sqlite_url(folder / DB_FILENAME)
    return url, folder


def open_user_collection(
    now: datetime, data_dir: Path | None = None, db_url: str | None = None
) -> Collection:
    """Open the collection, creating it on first run, and load new shipped decks.

    Raises:
        CollectionError: If the database cannot be opened.
    """
    url, _folder = resolve_url(data_dir, db_url)
    collection = open_collection(url)
    collection.load_shipped_decks(shipped_decks_dir(), now)
    return collection
