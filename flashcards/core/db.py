"""The database engine: a SQLite file by default, any SQLAlchemy URL by choice.

Durability: SQLite runs in WAL mode with ``synchronous=NORMAL``. In WAL mode NORMAL never
corrupts the file and keeps every committed transaction across an application crash or a kill
(the commit is in the WAL before ``COMMIT`` returns); only a power cut or an OS crash can lose
the last few commits, and even then the file stays consistent. FULL would add one fsync per
answer (milliseconds on a laptop SSD, far more on a spinning disk or SD card) to guard against
that last case only; the automatic backups cover it better. Anki makes the same choice.

Before SQLAlchemy touches a SQLite file it is checked with ``PRAGMA quick_check``, so a damaged
file is reported (:class:`DamagedCollectionError`) instead of being written to.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, inspect
from sqlalchemy.engine import Connection, ExceptionContext
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel, create_engine

from flashcards.core import models
from flashcards.core.errors import CollectionError
from flashcards.core.leftovers import BACKUP_DIRNAME
from flashcards.core.migrations import read_version, stamp_new, upgrade

# Re-exported: where the collection lives is decided in the light paths module.
from flashcards.core.paths import DB_FILENAME, default_data_dir, sqlite_path, sqlite_url
from flashcards.core.schema import APPLICATION_ID, SCHEMA_VERSION

#: Called with a SQLite file and its schema version before the file is upgraded.
BeforeUpgrade = Callable[[Path, int], object]
SQLITE_HEADER = b"SQLite format 3\x00"

__all__ = [
    "APPLICATION_ID",
    "BACKUP_DIRNAME",
    "DB_FILENAME",
    "SCHEMA_VERSION",
    "DamagedCollectionError",
    "NewerCollectionError",
    "NotACollectionError",
    "UnreadableCollectionError",
    "check_sqlite_file",
    "default_data_dir",
    "connect_for_reading",
    "make_engine",
    "make_snapshot_engine",
    "sqlite_path",
    "sqlite_url",
    "writable",
]


class DamagedCollectionError(CollectionError):
    """The collection file is damaged (truncated, overwritten, not a database)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"The collection {path} is damaged ({reason}).")
        self.path = path
        self.reason = reason


class NewerCollectionError(CollectionError):
    """The collection was written by a newer version of the app."""

    def __init__(self, path: Path | None, version: int) -> None:
        where = f" {path}" if path is not None else ""
        super().__init__(
            f"The collection{where} was written by a newer version of Flashcards "
            f"(schema {version}; this one reads up to {SCHEMA_VERSION})."
        )
        self.path = path
        self.version = version


class NotACollectionError(CollectionError):
    """The database is a valid database, but not a Flashcards collection."""


class UnreadableCollectionError(CollectionError):
    """The collection file cannot be read by this user, or is not a file: not damage.

    Restoring a backup would replace a file that may be healthy and newer, so no backup is
    offered; the message says what to fix.
    """

    def __init__(self, path: Path, exc: OSError) -> None:
        if isinstance(exc, IsADirectoryError):
            what = "it is a folder, not a file; move it aside or choose another data directory"
        else:
            what = "permission denied; check the owner and permissions of the file and its folder"
        super().__init__(f"The collection {path} cannot be read: {what}.")
        self.path = path
        self.reason = f"it cannot be read: {what}"


def _is_unreadable(exc: OSError) -> bool:
    """Whether an error opening a file is about permissions or the kind of file, not damage."""
    return isinstance(exc, PermissionError | IsADirectoryError) or exc.errno in (
        errno.EACCES,
        errno.EPERM,
        errno.EISDIR,
    )


# ---------------------------------------------------------------------------- errors

_FULL, _READONLY, _CORRUPT, _NOTADB, _IOERR, _CANTOPEN, _BUSY = 13, 8, 11, 26, 10, 14, 5


def _disk_full(folder: Path | None) -> bool:
    if folder is None:
        return False
    try:
        usage = shutil.disk_usage(folder)
    except OSError:
        return False
    return usage.free < 256 * 1024


def describe_sqlite_error(exc: BaseException, folder: Path | None = None) -> str | None:
    """One readable clause for the SQLite errors a user can meet, else None.

    Full disk, read-only file or folder, damage (of the file, or of a text inside a value),
    I/O errors and another program holding the file. Constraint violations and programming
    errors return None (they are bugs, not the user's environment). ``folder`` (of the
    database) tells a full disk from other I/O errors: SQLite reports a full disk as an I/O
    error when the shared-memory file cannot grow.
    """
    if isinstance(exc, sqlite3.OperationalError) and str(exc).startswith("Could not decode"):
        # Python's sqlite3 module, not SQLite, finds bytes that are not UTF-8 in a text value:
        # damage inside a value, which SQLite's own checks cannot see.
        return "a text in it is damaged (not UTF-8)"
    code = getattr(exc, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return None
    primary = code & 0xFF
    if primary in (_FULL, _IOERR, _CANTOPEN) and _disk_full(folder):
        return "the disk is full"
    if primary == _FULL:
        return "the disk is full"
    if primary == _READONLY:
        return "the collection file or its folder is read-only"
    if primary in (_CORRUPT, _NOTADB):
        return "SQLite reports the file as corrupt"
    if primary == _IOERR:
        return "the disk reported an input/output error"
    if primary == _CANTOPEN:
        return "the file cannot be opened (missing folder, no permission or read-only folder)"
    if primary == _BUSY:
        return "another program is using the collection file"
    return None


def _translate_error(context: ExceptionContext) -> BaseException | None:
    engine = context.engine
    path = sqlite_path(str(engine.url)) if engine is not None else None
    reason = describe_sqlite_error(
        context.original_exception, path.parent if path is not None else None
    )
    if reason is None:
        return None
    # The transaction is rolled back by the caller's `with` block: nothing is half-written.
    return CollectionError(
        f"The collection could not be used because {reason}; what was saved before is safe."
    )


def _on_sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    # See the module docstring for why WAL + NORMAL.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    # SQLite copies the WAL back into the file (a checkpoint, with an fsync) whenever the WAL
    # passes 1,000 pages: in the middle of a review that is a 20-30 ms pause every ~90 answers.
    # The app checkpoints when idle and on close instead (see checkpoint()); this higher bound
    # only keeps the WAL from growing without limit where nobody does.
    cursor.execute("PRAGMA wal_autocheckpoint=20000")
    cursor.close()


def begin_now(conn: Connection) -> None:
    """Open ``conn``'s SQLite transaction now, so that it also covers schema changes.

    Python's sqlite3 driver begins a transaction only before the first INSERT/UPDATE/DELETE;
    a ``DROP INDEX`` before any of them (a bulk insert that makes its indexes again after)
    would commit on its own, and a failed or cancelled import or sync would then leave the
    table without that index. Nothing for other databases.
    """
    if conn.dialect.name != "sqlite":
        return
    raw = conn.connection.dbapi_connection
    if raw is not None and not getattr(raw, "in_transaction", True):
        conn.exec_driver_sql("BEGIN")


def checkpoint(engine: Engine, *, truncate: bool = False) -> None:
    """Copy the WAL back into a SQLite collection file (nothing for other databases).

    A passive checkpoint never waits for readers or writers; ``truncate`` (used on close) also
    empties the WAL file.
    """
    if engine.dialect.name != "sqlite":
        return
    mode = "TRUNCATE" if truncate else "PASSIVE"
    with engine.connect() as conn:
        conn.exec_driver_sql(f"PRAGMA wal_checkpoint({mode})")


# ---------------------------------------------------------------------------- checks


#: Files up to this size get a full ``PRAGMA quick_check`` on open (about 0.2 s at the limit on
#: a laptop; the app opens the collection off the GUI thread). Larger ones get the cheap checks
#: (header, length, schema) on open and the full check on ``flashcards restore`` and backups.
QUICK_CHECK_LIMIT = 32 * 2**20


def _shorter_than_header(path: Path, head: bytes) -> bool:
    """Whether the file is shorter than the page count its header declares (truncation)."""
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    valid = head[24:28] == head[92:96]  # the page count is only trusted when this matches
    try:
        size = path.stat().st_size
    except OSError:
        return False
    return valid and pages > 0 and size < pages * page_size


def check_sqlite_file(path: Path, full: bool = True, *, read_only: bool = False) -> str | None:
    """Check a SQLite collection file without changing it; the problem found, or None.

    Checks the header and the length, runs ``PRAGMA quick_check`` (every page and index is
    read; only with ``full``) and looks for the marks of a Flashcards collection. A newer
    schema is not a problem here (see :func:`file_schema_version`). ``read_only``: the file
    is in a folder this process may not write (see :func:`connect_for_reading`).

    Raises:
        UnreadableCollectionError: If this user may not read the file, or it is a folder.
        CollectionError: If the file cannot be checked for a reason that is not damage (a
            read-only folder, a full disk, an I/O error, another program holding it).
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(100)
    except OSError as exc:
        if _is_unreadable(exc):
            raise UnreadableCollectionError(path, exc) from None
        return f"it cannot be read: {exc.strerror or exc}"
    wal = Path(f"{path}-wal")
    if not head and not (wal.exists() and wal.stat().st_size):
        return "the file is empty"
    if head and not head.startswith(SQLITE_HEADER):
        return "the file is not a SQLite database"
    if head and len(head) < 100:
        return "the file is truncated"
    if head and not (wal.exists() and wal.stat().st_size) and _shorter_than_header(path, head):
        return "the file is truncated"
    try:
        conn = connect_for_reading(path) if read_only else _connect(path)
    except sqlite3.Error as exc:
        return f"it cannot be opened: {exc}"
    try:
        if full:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        else:  # still reads the schema and the first page of every table
            conn.execute("SELECT name, sql FROM sqlite_master").fetchall()
            rows = [("ok",)]
        if [r[0] for r in rows] != ["ok"]:
            first = str(rows[0][0]) if rows else "no answer"
            first = " ".join(first.replace("*** in database main ***", "").split())[:120]
            return f"the integrity check failed: {first}"
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.Error as exc:
        reason = describe_sqlite_error(exc, path.parent)
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        if reason is not None and code not in (_CORRUPT, _NOTADB):
            # The file may be fine: its folder is read-only, the disk is full or failing.
            raise CollectionError(f"The collection {path} cannot be opened: {reason}.") from None
        return str(reason or exc)
    except UnicodeDecodeError:
        return "its table list is not valid text"
    finally:
        conn.close()
    if app_id not in (0, APPLICATION_ID) or (names and "setting" not in names):
        return "it is a SQLite database of another program, not a Flashcards collection"
    return None


def file_schema_version(path: Path, *, read_only: bool = False) -> int:
    """The schema version of a (checked) collection file; 0 if it has none yet."""
    try:
        conn = connect_for_reading(path) if read_only else _connect(path)
    except sqlite3.Error:
        return 0
    try:
        row = conn.execute("SELECT value FROM setting WHERE key = 'schema_version'").fetchone()
    except sqlite3.Error:
        return 0
    finally:
        conn.close()
    try:
        return int(row[0]) if row else 0
    except ValueError:
        return 0


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=5, isolation_level=None)


def writable(path: Path) -> bool:
    """Whether this process may write the collection file ``path`` and its folder.

    SQLite needs both: the folder for its journal and shared-memory files.
    """
    folder_ok = os.access(path.parent, os.W_OK)
    return folder_ok and (not path.exists() or os.access(path, os.W_OK))


def connect_for_reading(path: Path) -> sqlite3.Connection:
    """A read-only connection to a collection file in a folder this process may not write.

    SQLite reads a WAL-mode file through a shared-memory file beside it, which it cannot create
    in a read-only folder. Without a write-ahead log to replay (the app folds it into the file
    on close) the file is opened as immutable: nothing is locked or created, and nobody can be
    changing it, since nobody can write there. With a log that only its writer could replay,
    the file cannot be read faithfully and this says so.

    Raises:
        sqlite3.Error: If the file cannot be opened (damage shows when it is read).
        CollectionError: If an unsaved write-ahead log makes it unreadable from here.
    """
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=5, isolation_level=None)
    try:
        conn.execute("PRAGMA schema_version").fetchone()
        return conn
    except sqlite3.Error as exc:
        conn.close()
        if getattr(exc, "sqlite_errorcode", 0) & 0xFF != _CANTOPEN:
            raise
    wal = Path(f"{path}-wal")
    try:
        unsaved = wal.exists() and wal.stat().st_size > 0
    except OSError:
        unsaved = True
    if unsaved:
        raise CollectionError(
            f"The collection {path} cannot be read from this read-only folder: changes in "
            f"{wal.name} were never folded into it; open it once where its folder is writable."
        )
    return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, timeout=5, isolation_level=None)


def _preflight(path: Path, *, read_only: bool = False) -> None:
    try:
        if not path.exists():
            return
        size = path.stat().st_size
    except OSError as exc:
        if _is_unreadable(exc):
            raise UnreadableCollectionError(path, exc) from None
        raise CollectionError(f"Cannot read the collection {path}: {exc.strerror}.") from None
    if size == 0 and not Path(f"{path}-wal").exists():
        # A crash while the very first run created the file leaves it empty: start afresh,
        # unless backups exist, which means a collection used to be here.
        backups = path.parent / BACKUP_DIRNAME
        if not (backups.is_dir() and any(backups.glob("*.db"))):
            return
    problem = check_sqlite_file(path, full=size <= QUICK_CHECK_LIMIT, read_only=read_only)
    if problem is None:
        return
    if "another program" in problem:
        raise NotACollectionError(f"{path} is not a Flashcards collection ({problem}).")
    raise DamagedCollectionError(path, problem)


# ---------------------------------------------------------------------------- engine


def make_engine(url: str, before_upgrade: BeforeUpgrade | None = None) -> Engine:
    """Create an engine for ``url`` and create, check or upgrade the schema.

    A SQLite file is checked before anything is written to it, and handed to
    ``before_upgrade`` (the collection passes the pre-upgrade backup) before its schema is
    upgraded; an error there stops the upgrade.

    Raises:
        DamagedCollectionError: If the SQLite file is damaged; it is left untouched.
        NewerCollectionError: If the collection is from a newer version of the app.
        NotACollectionError: If the database belongs to another program.
        UnreadableCollectionError: If this user may not read the file (not damage).
        CollectionError: If the database cannot be opened for another reason.
    """
    path = sqlite_path(url)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CollectionError(
                f"Cannot create the data directory {path.parent}: {exc.strerror or exc}."
            ) from None
        _preflight(path)
    try:
        engine = create_engine(url)
    except Exception as exc:  # a malformed URL or a missing driver
        raise CollectionError(f"Cannot use the database URL {url!r}: {exc}.") from None
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "handle_error", _translate_error)
    try:
        _prepare_schema(engine, path, before_upgrade)
    except CollectionError:
        engine.dispose()
        raise
    except (DatabaseError, OperationalError) as exc:
        engine.dispose()
        orig = getattr(exc, "orig", None)
        folder = path.parent if path is not None else None
        reason = describe_sqlite_error(orig, folder) if orig is not None else None
        reason = reason or (str(orig) if orig is not None else str(exc))
        raise CollectionError(f"The collection database cannot be opened ({reason}).") from None
    return engine


def make_snapshot_engine(path: Path) -> Engine:
    """An engine over an in-memory copy of the SQLite collection file ``path``.

    For reading a collection in a folder this process may not write (a read-only mount, a
    folder of another user): the file is checked as :func:`make_engine` checks it, copied into
    memory with SQLite's backup API, and upgraded there if it is older. Whatever is written
    through the engine (caches the statistics keep) stays in memory and is dropped on close;
    the file is never written and no temporary file is made.

    Raises:
        DamagedCollectionError: If the file is damaged.
        NewerCollectionError: If the collection is from a newer version of the app.
        NotACollectionError: If the database belongs to another program.
        UnreadableCollectionError: If this user may not read the file.
        CollectionError: If the file cannot be read for another reason.
    """
    if not path.is_file():
        raise CollectionError(f"There is no collection file {path} to read.")
    _preflight(path, read_only=True)
    version = file_schema_version(path, read_only=True)
    if version > SCHEMA_VERSION:
        raise NewerCollectionError(path, version)
    memory = sqlite3.connect(":memory:", check_same_thread=False)
    try:
        source = connect_for_reading(path)
        try:
            source.backup(memory)
        finally:
            source.close()
    except sqlite3.Error as exc:
        memory.close()
        reason = describe_sqlite_error(exc) or str(exc)
        raise CollectionError(f"The collection {path} cannot be read: {reason}.") from None
    engine = create_engine("sqlite://", creator=lambda: memory, poolclass=StaticPool)
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "handle_error", _translate_error)
    try:
        _prepare_schema(engine, None)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _prepare_schema(
    engine: Engine, path: Path | None, before_upgrade: BeforeUpgrade | None = None
) -> None:
    tables = set(inspect(engine).get_table_names())
    if not tables:
        SQLModel.metadata.create_all(engine)
        with engine.begin() as conn:
            stamp_new(conn)
        return
    if "setting" not in tables:
        raise NotACollectionError(
            "The database is not a Flashcards collection (it holds other tables); "
            "use an empty database or a new data directory."
        )
    with engine.connect() as conn:
        version = read_version(conn)
    if version > SCHEMA_VERSION:
        raise NewerCollectionError(path, version)
    if version < SCHEMA_VERSION:
        if path is not None and before_upgrade is not None:
            before_upgrade(path, version)
        upgrade(engine, version)
    # Tables added by a later version that need no data migration (idempotent).
    SQLModel.metadata.create_all(engine)
    missing = _missing_columns(engine)
    if missing:
        reason = f"its tables lack {', '.join(missing[:3])}"
        if path is not None:
            raise DamagedCollectionError(path, reason)
        raise CollectionError(f"The collection database is damaged ({reason}).")


def _missing_columns(engine: Engine) -> list[str]:
    """Model columns absent from the database (damage SQLite's own check cannot see)."""
    found = inspect(engine)
    missing = []
    for table in SQLModel.metadata.sorted_tables:
        have = {c["name"] for c in found.get_columns(table.name)}
        missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in have]
    return missing


# Keep the models module imported for its side effect: it registers the tables.
_ = models
