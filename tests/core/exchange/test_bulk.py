"""A big import rebuilds the card indexes it dropped for speed, and the queue still works."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from flashcards.core import exchange
from flashcards.core.collection import Collection
from flashcards.core.exchange import importer


def test_big_import_keeps_every_index(col: Collection, tmp_path: Path, now: datetime) -> None:
    rows = importer.BULK_ROWS + 10
    path = tmp_path / "big.txt"
    path.write_text(
        "#separator:tab\n#html:false\n" + "".join(f"q{i}\ta{i}\n" for i in range(rows)),
        encoding="utf-8",
    )
    before = {i["name"] for i in inspect(col.engine).get_indexes("card")}
    report = exchange.import_file(col, path, now, deck="Big").value
    assert report.added == rows
    assert {i["name"] for i in inspect(col.engine).get_indexes("card")} == before
    assert {"ix_card_counts", "ix_card_queue"} <= before
    assert [c.total for c in col.sched.deck_counts(now)] == [rows]
    card = col.sched.next_card(now, "Big")
    assert card is not None and card.faces.question == "q0"


def test_a_big_import_into_an_empty_collection_rebuilds_the_unique_indexes(
    col: Collection, tmp_path: Path, now: datetime
) -> None:
    """They are dropped for the insert as well, and come back unique: a repeat is refused."""
    rows = 3000  # more than the collection holds: a bulk insert
    path = tmp_path / "words.txt"
    path.write_text("".join(f"q{i}\ta{i}\n" for i in range(rows)), encoding="utf-8")

    def indexes() -> dict[str, tuple[str, bool]]:
        found = {}
        for table in ("note", "card"):
            for index in inspect(col.engine).get_indexes(table):
                found[str(index["name"])] = (table, bool(index["unique"]))
        return found

    before = indexes()
    assert before["ix_note_uid"] == ("note", True)
    assert before["ix_card_note_ord"] == ("card", True)
    assert exchange.import_file(col, path, now, deck="Words").value.added == rows
    assert indexes() == before
    with col.engine.connect() as conn:
        uid = conn.exec_driver_sql("SELECT uid FROM note LIMIT 1").scalar_one()
        with pytest.raises(IntegrityError):
            conn.exec_driver_sql(
                "INSERT INTO note (uid, deck_id, kind, front, back, tags, source_title,"
                " source_section, source_sentence, created, modified)"
                " SELECT uid, deck_id, kind, front, back, tags, source_title, source_section,"
                " source_sentence, created, modified FROM note WHERE uid = ?",
                (uid,),
            )
