"""Import one file into a collection in a fresh process; print time, peak memory and outcome.

``python hostile_child.py COLLECTION.db PACKAGE NOW`` prints one JSON object: ``error`` (the
refusal, or null), ``seconds`` (the import alone), ``rss_start_mb`` and ``rss_peak_mb`` (this
process, before the import and at its peak), ``unchanged`` (every table as it was).
Only the app is imported here (not the anki test library), so the peak is the import's own.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from flashcards.core import exchange
from flashcards.core.collection import open_collection
from flashcards.core.db import sqlite_url
from flashcards.core.errors import InputError

_TABLES = ("deck", "preset", "note", "card", "reviewlog")


def _rss_mb() -> float:
    """This process's peak resident memory (VmHWM: ru_maxrss would count the parent's at fork)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    db, package, now = Path(sys.argv[1]), Path(sys.argv[2]), datetime.fromisoformat(sys.argv[3])
    col = open_collection(sqlite_url(db), tz=UTC)

    def snapshot() -> tuple[object, ...]:
        with col.engine.connect() as conn:
            return tuple(
                tuple(conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1").all())
                for table in _TABLES
            )

    before = snapshot()
    start_rss = _rss_mb()
    start = time.monotonic()
    error = None
    try:
        exchange.import_file(col, package, now)
    except InputError as exc:
        error = str(exc)
    seconds = time.monotonic() - start
    peak = _rss_mb()
    unchanged = snapshot() == before
    col.close()
    print(
        json.dumps(
            {
                "error": error,
                "seconds": round(seconds, 2),
                "rss_start_mb": round(start_rss),
                "rss_peak_mb": round(peak),
                "unchanged": unchanged,
            }
        )
    )


if __name__ == "__main__":
    main()
