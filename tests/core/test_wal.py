"""Checkpoints happen when the app chooses (idle, close), not in the middle of an answer."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from flashcards.core.collection import Collection


def test_answers_stay_in_the_wal_until_a_checkpoint(
    col: Collection, db_path: Path, now: datetime
) -> None:
    for i in range(40):
        col.notes.add("W", "basic", f"q{i}", "a", now)
    t = now
    for _ in range(40):
        card = col.sched.next_card(t)
        assert card is not None
        col.sched.answer(card.card_id, 3, t, shown_at=card.shown_at)
        t += timedelta(seconds=10)
    wal = Path(f"{db_path}-wal")
    assert wal.stat().st_size > 0
    with sqlite3.connect(db_path) as other:  # a second reader sees every answer meanwhile
        assert other.execute("SELECT count(*) FROM reviewlog").fetchone() == (40,)
        assert other.execute("PRAGMA wal_autocheckpoint").fetchone() == (1000,)  # its own
    with col.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 20000
    col.checkpoint()
    col.close()
    assert not wal.exists() or wal.stat().st_size == 0
    with sqlite3.connect(db_path) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert check.execute("SELECT count(*) FROM reviewlog").fetchone() == (40,)
