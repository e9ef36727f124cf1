"""Temporary files an interrupted backup or restore leaves behind, and their removal.

Light (no database library): the command line's quick paths clean up too.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

#: The folder, inside the data directory, that holds the automatic and manual backups.
BACKUP_DIRNAME = "backups"
_TMP_RE = re.compile(r"^.+\.db\.tmp(?:-journal|-wal|-shm)?$")
#: What an interrupted restore leaves beside the collection (after its name).
_RESTORE_TMP_SUFFIXES = (".restore-tmp", ".restore-tmp-journal", ".restore-tmp-wal")
#: The prefixes of the work folders imports and exports make in the system's temporary folder
#: (or beside the media folder), and of a media file half written into the media folder.
WORK_DIR_PREFIXES = ("flashcards-import-", "flashcards-export-", ".adding-")
#: A work folder this old belongs to no running import or export (a killed one left it).
STALE_WORK_DIR_SECONDS = 24 * 3600


def remove_stale_temporaries(db_path: Path) -> list[Path]:
    """Delete the temporary files an interrupted backup or restore left behind.

    A backup is written to ``<name>.db.tmp`` (with SQLite's ``-journal`` beside it while it is
    written) and renamed when complete; a kill or a full disk leaves these behind, and nothing
    ever reads them. Call this only while holding the data directory's instance lock (no other
    process is then writing a backup). Files that cannot be deleted are left quietly.

    Returns:
        The files deleted.
    """
    found: list[Path] = []
    folder = db_path.parent / BACKUP_DIRNAME
    with contextlib.suppress(OSError):
        found += [p for p in folder.iterdir() if _TMP_RE.match(p.name) and p.is_file()]
    found += [db_path.with_name(db_path.name + suffix) for suffix in _RESTORE_TMP_SUFFIXES]
    removed = []
    for path in found:
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


def remove_stale_work_dirs(now: float | None = None, folder: Path | None = None) -> list[Path]:
    """Delete our import/export work folders (and half-added media files) a killed process left.

    Only folders of ours (by prefix and owner) older than a day are removed: a running import
    or export of another window or user is never touched.

    Args:
        now: The current time in seconds since the epoch (default: the clock).
        folder: The temporary folder (default: the system's).

    Returns:
        The folders deleted.
    """
    moment = time.time() if now is None else now
    base = Path(tempfile.gettempdir()) if folder is None else folder
    removed = []
    with contextlib.suppress(OSError):
        for path in base.iterdir():
            if not path.name.startswith(WORK_DIR_PREFIXES):
                continue
            with contextlib.suppress(OSError):
                info = path.lstat()
                if path.is_symlink() or not (path.is_dir() or path.name.startswith(".adding-")):
                    continue
                if hasattr(os, "getuid") and info.st_uid != os.getuid():
                    continue
                if moment - info.st_mtime < STALE_WORK_DIR_SECONDS:
                    continue
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()
                removed.append(path)
    return removed
