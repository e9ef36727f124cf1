"""Backups of a SQLite collection: taken, kept, listed, checked and restored.

Backups are consistent under WAL because they are made with SQLite's online backup API (a
snapshot read through a normal connection), never by copying the file. Each is a standalone
single-file database (rollback journal, no ``-wal``), written to a temporary name, fsynced and
renamed, so a crash never leaves a half-written backup under a backup's name.

They live in ``backups/`` inside the data directory and are named after the time they were taken,
which is passed in (the core never reads the clock). The number kept is the ``backup_keep``
setting (default :data:`DEFAULT_KEEP`).

Restoring keeps the current file aside first (``collection.before-restore-<time>.db``, with its
``-wal`` if any), then atomically renames a checked, fsynced copy of the backup into place.
The file set aside is never deleted or overwritten by the app.

Media files are kept too, once each: ``backups/media/`` holds a hard link (a copy where the
file system has none) of every file the media folder has held when a backup was taken. Media
files are never changed in place (a new file of a taken name gets another name), so one kept
file serves every backup, and a backup costs no second copy of the images. Restoring a backup
puts back the files its notes use that the media folder no longer has.

Backups apply only to SQLite files: a collection on a database server (``--db`` URL) is backed
up with that server's own tools.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flashcards.core.db import (
    BACKUP_DIRNAME,
    SCHEMA_VERSION,
    check_sqlite_file,
    describe_sqlite_error,
    file_schema_version,
    sqlite_path,
)
from flashcards.core.errors import CollectionError, InputError
from flashcards.core.media import MediaFolder, references

DEFAULT_KEEP = 20
#: The folder inside ``backups/`` that keeps the media files.
MEDIA_DIRNAME = "media"
KEEP_SETTING = "backup_keep"
INTERVAL = timedelta(minutes=30)
_STAMP = "%Y-%m-%d-%H%M%S"
_NAME_RE = re.compile(r"^collection-(\d{4}-\d{2}-\d{2}-\d{6})(?:-(\d+))?\.db$")
#: What an interrupted backup leaves in ``backups/``: its temporary file and SQLite's journal.
NOT_SQLITE = (
    "Backups apply only to a collection in a SQLite file; a collection on a database server "
    "(--db URL) is backed up with that server's own tools."
)


@dataclass(frozen=True)
class BackupInfo:
    """One backup file."""

    path: Path
    taken: datetime
    size: int


def require_sqlite(url: str) -> Path:
    """The collection file of ``url``.

    Raises:
        CollectionError: If ``url`` is not a SQLite file (backups do not apply).
    """
    path = sqlite_path(url)
    if path is None:
        raise CollectionError(NOT_SQLITE)
    return path


def backup_dir(db_path: Path) -> Path:
    """The folder of the backups of the collection file ``db_path``."""
    return db_path.parent / BACKUP_DIRNAME


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # directories cannot be opened for fsync on Windows
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _copy_database(source: Path, dest: Path) -> None:
    """Copy a SQLite database with the online backup API into a standalone file ``dest``."""
    _remove_quietly(dest)
    src = sqlite3.connect(source, timeout=10, isolation_level=None)
    try:
        dst = sqlite3.connect(dest, isolation_level=None)
        try:
            src.backup(dst)
            # The copy carries the WAL flag of its source; a backup is one self-contained file.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    _fsync_file(dest)


def _problem(exc: BaseException, folder: Path) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return describe_sqlite_error(exc, folder) or str(exc)


def write_backup(db_path: Path, dest: Path) -> Path:
    """Write a consistent backup of ``db_path`` to ``dest`` (temp file, fsync, rename).

    Raises:
        CollectionError: If the backup cannot be written (full disk, read-only folder...).
    """
    tmp = dest.with_name(dest.name + ".tmp")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        _copy_database(db_path, tmp)
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)
    except (OSError, sqlite3.Error) as exc:
        _remove_quietly(tmp)
        raise CollectionError(
            f"The backup {dest} could not be written: {_problem(exc, dest.parent)}."
        ) from None
    return dest


def backup_name(now: datetime, folder: Path) -> Path:
    """A free backup file name in ``folder`` for the moment ``now``."""
    stamp = now.astimezone(UTC).strftime(_STAMP)
    path = folder / f"collection-{stamp}.db"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"collection-{stamp}-{n}.db"
    return path


def create_backup(db_path: Path, now: datetime, keep: int | None = DEFAULT_KEEP) -> Path:
    """Back up the collection file into ``backups/`` and keep only the newest ``keep``.

    Safe while the collection is open and being written (WAL snapshot).

    Returns:
        The new backup's path.

    Raises:
        CollectionError: If the backup cannot be written.
    """
    folder = backup_dir(db_path)
    path = write_backup(db_path, backup_name(now, folder))
    if keep is not None:
        prune_backups(db_path, keep)
    keep_media(db_path)
    return path


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        import shutil

        tmp = target.with_name(target.name + ".tmp")
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)


def keep_media(db_path: Path) -> int:
    """Keep every media file not kept yet in ``backups/media/``; how many were added.

    Raises:
        CollectionError: If files could not be kept (the database backup is written already).
    """
    media = MediaFolder.beside(db_path)
    names = media.names()
    if not names:
        return 0
    kept = backup_dir(db_path) / MEDIA_DIRNAME
    added = 0
    try:
        kept.mkdir(parents=True, exist_ok=True)
        have = {entry.name for entry in os.scandir(kept)}
        for name in names:
            if name not in have and media.folder is not None:
                _link_or_copy(media.folder / name, kept / name)
                added += 1
    except OSError as exc:
        raise CollectionError(
            f"The backup was written, but media files could not be kept in {kept}:"
            f" {exc.strerror or exc}."
        ) from None
    return added


def _used_media(db_path: Path, kept: set[str]) -> set[str]:
    """The media names a collection file's notes use, and the kept ``_`` files it names.

    Read with SQLite alone: the file may be a backup from an older version.
    """
    used: set[str] = set()
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        for front, back, fields in con.execute("SELECT front, back, anki_fields FROM note"):
            texts = [str(front), str(back)]
            with contextlib.suppress(ValueError, TypeError):
                texts += [str(f) for f in json.loads(fields or "[]")]
            used.update(references("\n".join(texts)))
        configs = "\n".join(str(c) for (c,) in con.execute("SELECT config FROM ankinotetype"))
    finally:
        con.close()
    used.update(name for name in kept if name.startswith("_") and name in configs)
    return used


def restore_media(db_path: Path) -> int:
    """Put back the media files the collection uses from ``backups/media/``; how many.

    A file already in the media folder is never replaced.
    """
    media = MediaFolder.beside(db_path)
    kept = backup_dir(db_path) / MEDIA_DIRNAME
    if media.folder is None or not kept.is_dir():
        return 0
    try:
        wanted = _used_media(db_path, {entry.name for entry in os.scandir(kept)})
    except (sqlite3.Error, OSError):
        return 0  # an old or odd file: its media are not worth failing the restore for
    present = set(media.names())
    back = 0
    for name in sorted(wanted - present):
        source = kept / name
        if media.path(name) is None and source.is_file() and name == source.name:
            media.folder.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(OSError):
                _link_or_copy(source, media.folder / name)
                back += 1
    return back


def list_backups(db_path: Path) -> list[BackupInfo]:
    """The backups of the collection file ``db_path``, newest first."""
    folder = backup_dir(db_path)
    found: list[BackupInfo] = []
    if not folder.is_dir():
        return found
    for path in folder.iterdir():
        match = _NAME_RE.match(path.name)
        if not match:
            continue
        taken = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
        try:
            size = path.stat().st_size
        except OSError:
            continue
        found.append(BackupInfo(path, taken, size))
    found.sort(key=lambda b: (b.taken, _seq(b.path)), reverse=True)
    return found


def _seq(path: Path) -> int:
    match = _NAME_RE.match(path.name)
    return int(match.group(2)) if match and match.group(2) else 1


def prune_backups(db_path: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups (at least one is always kept)."""
    removed = []
    for info in list_backups(db_path)[max(1, keep) :]:
        with contextlib.suppress(OSError):
            info.path.unlink()
            removed.append(info.path)
    return removed


def backup_problem(path: Path) -> str | None:
    """Why ``path`` cannot be restored (damaged, not a collection, newer schema), or None."""
    try:
        problem = check_sqlite_file(path)
    except CollectionError as exc:  # unreadable (permissions), or the disk failing
        return str(getattr(exc, "reason", "") or str(exc).rstrip("."))
    if problem is not None:
        return problem
    version = file_schema_version(path)
    if version > SCHEMA_VERSION:
        return f"it was written by a newer version of Flashcards (schema {version})"
    return None


def newest_good_backup(db_path: Path) -> BackupInfo | None:
    """The newest backup that passes the integrity check, or None."""
    for info in list_backups(db_path):
        if backup_problem(info.path) is None:
            return info
    return None


def aside_path(db_path: Path, now: datetime) -> Path:
    """Where the current collection file is kept when a backup replaces it."""
    stamp = now.astimezone(UTC).strftime(_STAMP)
    path = db_path.with_name(f"{db_path.stem}.before-restore-{stamp}{db_path.suffix}")
    n = 1
    while path.exists():
        n += 1
        path = db_path.with_name(f"{db_path.stem}.before-restore-{stamp}-{n}{db_path.suffix}")
    return path


def restore_backup(db_path: Path, backup: Path, now: datetime) -> Path | None:
    """Replace the collection file with a copy of ``backup``, keeping the current file aside.

    The collection must be closed (and the instance lock held) by the caller. Steps: check the
    backup; copy it next to the collection with the backup API and fsync it; keep the current
    file (and its ``-wal``) aside under a new name; rename the copy into place; fsync the folder.

    Returns:
        Where the previous collection file was kept, or None if there was none.

    Raises:
        InputError: If ``backup`` is damaged, not a collection or from a newer version.
        CollectionError: If the files cannot be written (the collection is then unchanged).
    """
    problem = backup_problem(backup)
    if problem is not None:
        raise InputError(f"{backup.name} cannot be restored: {problem}.")
    tmp = db_path.with_name(db_path.name + ".restore-tmp")
    try:
        _copy_database(backup, tmp)
    except (OSError, sqlite3.Error) as exc:
        _remove_quietly(tmp)
        raise CollectionError(
            f"{backup.name} could not be copied into place: {_problem(exc, db_path.parent)}; "
            "the collection is unchanged."
        ) from None
    aside: Path | None = None
    try:
        if db_path.exists():
            aside = aside_path(db_path, now)
            _keep_aside(db_path, aside)
        for suffix in ("-wal", "-shm", "-journal"):
            # A stale WAL would be replayed into the restored file: never leave one behind.
            side = Path(f"{db_path}{suffix}")
            if side.exists() and aside is not None:
                os.replace(side, Path(f"{aside}{suffix}"))
            _remove_quietly(side)
        os.replace(tmp, db_path)
        _fsync_dir(db_path.parent)
    except OSError as exc:
        _remove_quietly(tmp)
        raise CollectionError(
            f"The backup could not be put in place: {exc.strerror or exc}"
            + (f"; the previous collection is kept as {aside}." if aside else ".")
        ) from None
    restore_media(db_path)
    return aside


def _keep_aside(db_path: Path, aside: Path) -> None:
    # A hard link keeps the old file under a second name without copying it (and without a
    # moment where the collection name is missing); copy where links are not supported.
    try:
        os.link(db_path, aside)
    except OSError:
        import shutil

        shutil.copy2(db_path, aside)
        _fsync_file(aside)
    _fsync_dir(aside.parent)


def backup_before_upgrade(db_path: Path, version: int) -> Path:
    """Back up a collection before its schema is upgraded (named after the old version).

    Raises:
        CollectionError: If the backup cannot be written; the upgrade must not go ahead.
    """
    folder = backup_dir(db_path)
    dest = folder / f"before-schema-{version + 1}.db"
    n = 1
    while dest.exists():
        n += 1
        dest = folder / f"before-schema-{version + 1}-{n}.db"
    return write_backup(db_path, dest)


def damaged_advice(db_path: Path) -> str:
    """The end of the sentence that reports a damaged collection: which backup to restore."""
    good = newest_good_backup(db_path)
    if good is None:
        return (
            f"no good backup was found in {backup_dir(db_path)}; move the file aside to start "
            "a new collection"
        )
    taken = good.taken.strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"the newest good backup is {good.path.name} ({taken}); run `flashcards restore` to "
        "use it (the damaged file is kept aside)"
    )


class BackupSchedule:
    """When to take automatic backups: every :data:`INTERVAL` of use and on close.

    Qt-free: the GUI calls :meth:`tick` from a timer (once a minute is plenty) and
    :meth:`on_close` when the window closes, and connects :meth:`mark_changed` to the
    collection's listeners. No backup is taken while nothing has changed since the last one.

    Args:
        db_path: The collection file.
        started: When the app opened the collection (the first interval starts here).
        keep: How many backups to keep (the ``backup_keep`` setting).
        interval: The time between automatic backups.
    """

    def __init__(
        self,
        db_path: Path,
        started: datetime,
        keep: int = DEFAULT_KEEP,
        interval: timedelta = INTERVAL,
    ) -> None:
        self.db_path = db_path
        self.keep = keep
        self.interval = interval
        self.last = started
        self.changed = False

    def mark_changed(self, *_args: object) -> None:
        """Note that the collection changed (connect to ``Collection.add_listener``)."""
        self.changed = True

    def due(self, now: datetime) -> bool:
        """Whether a backup should be taken at ``now``."""
        return self.changed and now - self.last >= self.interval

    def _take(self, now: datetime) -> Path:
        path = create_backup(self.db_path, now, self.keep)
        self.last = now
        self.changed = False
        return path

    def tick(self, now: datetime) -> Path | None:
        """Take a backup if one is due; returns its path.

        Raises:
            CollectionError: If the backup cannot be written (tell the user; keep going).
        """
        return self._take(now) if self.due(now) else None

    def on_close(self, now: datetime) -> Path | None:
        """Take the closing backup if anything changed since the last one."""
        return self._take(now) if self.changed else None


def keep_setting(value: str) -> int:
    """The number of backups to keep from the setting's text (default on nonsense)."""
    try:
        return max(1, int(value))
    except ValueError:
        return DEFAULT_KEEP
