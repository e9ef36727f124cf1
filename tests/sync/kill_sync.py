"""Child process for the kill tests: sync a collection and SIGKILL itself at a given step.

Usage: python -m tests.sync.kill_sync DB_FILE URL NOW_ISO STEP
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import datetime

from flashcards.core.collection import open_collection
from flashcards.core.db import sqlite_url
from flashcards.core.sync.client import sync


def main() -> None:
    path, url, now, step = sys.argv[1:5]
    col = open_collection(sqlite_url(path))

    def checkpoint(reached: str) -> None:
        if reached == step:
            os.kill(os.getpid(), signal.SIGKILL)

    sync(col, url, datetime.fromisoformat(now), checkpoint=checkpoint)
    col.close()


if __name__ == "__main__":
    main()
