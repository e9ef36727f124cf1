"""The database engine: a SQLite file by default, any SQLAlchemy URL by choice."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, inspect
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlmodel import Session, SQLModel, create_engine, select

from flashcards.core import models
from flashcards.core.errors import CollectionError

SCHEMA_VERSION = 1
DB_FILENAME = "collection.db"


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


def _on_sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    # WAL lets the GUI read while an answer commits; NORMAL in WAL mode never corrupts the file
    # and survives an application crash (the kill test); only an OS crash can drop the last
    # commits, which is Anki's trade-off too.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine for ``url`` and create or check the schema.

    Raises:
        CollectionError: If the database cannot be opened, is damaged, or is from a newer version.
    """
    is_sqlite = url.startswith("sqlite")
    if is_sqlite and url.startswith("sqlite:///") and url != "sqlite://":
        path = Path(url.removeprefix("sqlite:///"))
        if path.name and str(path) != ":memory:":
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CollectionError(
                    f"Cannot create the data directory {path.parent}: {exc.strerror or exc}."
                ) from None
    try:
        engine = create_engine(url)
    except Exception as exc:  # a malformed URL or a missing driver
        raise CollectionError(f"Cannot use the database URL {url!r}: {exc}.") from None
    if is_sqlite:
        event.listen(engine, "connect", _on_sqlite_connect)
    try:
        _prepare_schema(engine)
    except (DatabaseError, OperationalError) as exc:
        engine.dispose()
        reason = str(exc.orig) if getattr(exc, "orig", None) else str(exc)
        raise CollectionError(f"The collection database cannot be opened ({reason}).") from None
    return engine


def _prepare_schema(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    if "setting" in tables:
        with Session(engine) as session:
            row = session.get(models.Setting, "schema_version")
            version = int(row.value) if row else 0
        if version > SCHEMA_VERSION:
            raise CollectionError(
                f"The collection was written by a newer version of Flashcards "
                f"(schema {version}; this one reads {SCHEMA_VERSION})."
            )
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        if session.get(models.Setting, "schema_version") is None:
            session.add(models.Setting(key="schema_version", value=str(SCHEMA_VERSION)))
            session.commit()
        session.exec(select(models.Setting).limit(1)).all()
