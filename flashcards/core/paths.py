"""Where things live: the shipped data, the user's data directory, the collection file.

Light on purpose (standard library only): the desktop app reads these before the database
layer has been imported.
"""

from __future__ import annotations

import hashlib
import os
from importlib.resources import files
from pathlib import Path

DB_FILENAME = "collection.db"


def shipped_decks_dir() -> Path:
    """The folder of the deck files shipped with the app (``decks/`` in the repository)."""
    return Path(str(files("flashcards.decks")))


def resources_dir() -> Path:
    """The folder of the app's resources (``resources/`` in the repository)."""
    return Path(str(files("flashcards.resources")))


def default_data_dir() -> Path:
    """The directory of the user's collection (``FLASHCARDS_DATA_DIR`` or platformdirs)."""
    env = os.environ.get("FLASHCARDS_DATA_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs  # deferred: only needed when no directory was given

    return Path(platformdirs.user_data_dir("flashcards", appauthor=False))


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{path}"


def resolve_url(data_dir: Path | None = None, db_url: str | None = None) -> tuple[str, Path]:
    """The database URL and data directory from the options, the environment or the defaults.

    Precedence: ``db_url`` argument, ``FLASHCARDS_DB_URL``, then ``collection.db`` in the data
    directory (``data_dir`` argument, ``FLASHCARDS_DATA_DIR``, the platform's user data dir).
    """
    folder = data_dir if data_dir is not None else default_data_dir()
    url = db_url or os.environ.get("FLASHCARDS_DB_URL") or sqlite_url(folder / DB_FILENAME)
    return url, folder


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL, or None for in-memory SQLite and other databases."""
    if not url.startswith("sqlite:///"):
        return None
    rest = url.removeprefix("sqlite:///").split("?", 1)[0]
    return Path(rest) if rest and rest != ":memory:" else None


def shipped_deck_digests(folder: Path) -> dict[str, str]:
    """The setting key and SHA-256 of each shipped deck file: what loading it records."""
    return {
        f"shipped:{path.name}": hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.glob("*.toml"))
    }
