"""Anki text files in the shapes people have: classic Mac line ends, runaway headers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from flashcards.core import exchange
from flashcards.core.collection import Collection
from flashcards.core.errors import InputError


@pytest.mark.parametrize("first", ["#separator:comma", "#a comment line"])
def test_cr_only_file_keeps_every_row(
    col: Collection, now: datetime, tmp_path: Path, first: str
) -> None:
    """A CR-only file whose first line starts with '#' used to be read as one header line."""
    path = tmp_path / "mac.csv"
    rows = "".join(f"front {i},back {i}\r" for i in range(1000))
    path.write_bytes(f"{first}\r{rows}".encode())
    report = exchange.import_file(col, path, now)
    assert report.added == 1000
    assert len(col.notes.ids()) == 1000


def test_error_quotes_at_most_a_short_piece_of_the_file(
    col: Collection, now: datetime, tmp_path: Path
) -> None:
    path = tmp_path / "odd.txt"
    path.write_text("#separator:" + "x" * 5000 + "\na,b\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        exchange.import_file(col, path, now)
    assert len(str(info.value)) < 120
