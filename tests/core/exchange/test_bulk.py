"""A big import rebuilds the card indexes it dropped for speed, and the queue still works."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import inspect

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
