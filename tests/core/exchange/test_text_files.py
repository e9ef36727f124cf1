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
    report = exchange.import_file(col, path, now).value
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


def test_a_row_over_the_note_size_cap_is_skipped_with_a_warning(
    col: Collection, now: datetime, tmp_path: Path
) -> None:
    """A 10 MB field froze the app; it is left out (and said so), the rest imports."""
    path = tmp_path / "big.txt"
    path.write_text(f"small\tok\nhuge\t{'x' * (10 << 20)}\nafter\tfine\n", encoding="utf-8")
    report = exchange.import_file(col, path, now).value
    assert report.added == 2
    assert any("larger than 1 MiB" in w for w in report.warnings)
    with pytest.raises(InputError, match="at most 1 MiB"):
        col.notes.add("D", "basic", "huge", "y" * (2 << 20), now)
