"""A sync step that drops and remakes review-log indexes leaves them whole when it fails.

The steps drop indexes to insert or mark a million reviews faster and make them again in the
same transaction; SQLite's DDL is transactional only inside a transaction, which Python's
sqlite3 opens just before a write. No server is needed: the local part of the step is run on a
real collection file and made to fail before its transaction commits.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from flashcards.core.collection import Collection
from flashcards.core.sync import dirty, transfer
from tests.sync.devices import device

NOW = datetime(2026, 11, 30, 9, tzinfo=UTC)


def _indexes(col: Collection) -> list[str]:
    with col.engine.connect() as conn:
        sql = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reviewlog'"
        return sorted(str(r[0]) for r in conn.exec_driver_sql(sql))


def _answered(tmp_path: Path, reviews: int) -> Collection:
    col = device(tmp_path, "a")
    for i in range(reviews):
        col.notes.add("D", "basic", f"q{i}", "a", NOW)
        card = col.sched.next_card(NOW, "D")
        assert card is not None
        col.sched.answer(card.card_id, 3, NOW)
    with col.engine.begin() as conn:
        conn.exec_driver_sql(dirty.UNSENT_INDEX)
        conn.exec_driver_sql("UPDATE reviewlog SET uid = 'u' || id, usn = -1")
    return col


def test_marking_every_review_sent_then_failing_keeps_the_unsent_index(tmp_path: Path) -> None:
    col = _answered(tmp_path, 3)
    before = _indexes(col)
    assert "ix_reviewlog_unsent" in before
    with pytest.raises(RuntimeError), col.engine.begin() as conn:
        keys, _ = transfer.pending_logs(conn)
        transfer.mark_sent(conn, keys, 7)  # all of the log: the index is dropped and remade
        raise RuntimeError("the sync was stopped here")
    assert _indexes(col) == before
    with col.engine.connect() as conn:
        assert {r[0] for r in conn.exec_driver_sql("SELECT usn FROM reviewlog")} == {-1}


def test_a_first_download_that_fails_keeps_the_logs_indexes(tmp_path: Path) -> None:
    col = _answered(tmp_path, 1)
    before = _indexes(col)
    with col.engine.connect() as conn:
        card_id, deck_id = conn.exec_driver_sql("SELECT card_id, deck_id FROM reviewlog").one()
        columns = ", ".join(transfer.LOG_VALUES)
        values = conn.exec_driver_sql(f"SELECT {columns} FROM reviewlog").one()
    rows = [(f"other{i}", 3, card_id, deck_id, *values) for i in range(2500)]  # > the log
    with pytest.raises(RuntimeError), col.engine.begin() as conn:
        assert transfer.insert_logs(conn, rows) == 2500  # indexes dropped and remade
        raise RuntimeError("the sync was stopped here")
    assert _indexes(col) == before
    with col.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM reviewlog").scalar_one() == 1
