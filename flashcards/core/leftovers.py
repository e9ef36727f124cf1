"""Temporary files an interrupted backup or restore leaves behind, and their removal.

Light (no database library): the command line's quick paths clean up too.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

#: The folder, inside the data directory, that holds the automatic and manual backups.
BACKUP_DIRNAME = "backups"
_TMP_RE = re.compile(r"^.+\.db\.tmp(?:-journal|-wal|-shm)?$")
#: What an interrupted restore leaves beside the collection (after its name).
_RESTORE_TMP_SUFFIXES = (".restore-tmp", ".restore-tmp-journal", ".restore-tmp-wal")


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
