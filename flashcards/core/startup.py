"""Open the learner's collection the way the app and the command line both do."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flashcards.core.collection import Collection, open_collection
from flashcards.core.paths import resolve_url, shipped_decks_dir

__all__ = ["open_user_collection", "resolve_url"]


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
