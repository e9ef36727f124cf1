"""Reviews through the core until killed; prints each answer once it is committed.

Usage: python kill_worker.py DB_FILE SEED START_ISO

Lines on stdout: ``ready``; ``saved REVIEW_ID CARD_ID`` after ``answer`` returned (committed);
``undoing REVIEW_ID`` before an undo (so the parent knows it may vanish).
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flashcards.core.collection import open_collection
from flashcards.core.db import sqlite_url


def main() -> None:
    path, seed, start = Path(sys.argv[1]), int(sys.argv[2]), datetime.fromisoformat(sys.argv[3])
    rng = random.Random(seed)
    col = open_collection(sqlite_url(path), tz=UTC)
    now = start
    print("ready", flush=True)
    last: int | None = None
    while True:
        now += timedelta(seconds=rng.randint(5, 600))
        if last is not None and rng.random() < 0.1:
            print(f"undoing {last}", flush=True)
            col.sched.undo()
            last = None
            continue
        card = col.sched.next_card(now)
        if card is None:
            now += timedelta(hours=6)
            continue
        result = col.sched.answer(
            card.card_id, rng.randint(1, 4), now, duration_ms=rng.randint(1, 9999)
        ).value
        last = result.review_id
        print(f"saved {result.review_id} {card.card_id}", flush=True)


if __name__ == "__main__":
    main()
