"""Export files: written beside the target without following links, gone on failure, inert."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from flashcards.core import exchange
from flashcards.core.collection import Collection
from flashcards.core.exchange.text import read_text


def test_csv_export_fields_never_start_a_spreadsheet_formula(
    col: Collection, now: datetime, tmp_path: Path
) -> None:
    fronts = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "plain"]
    for front in fronts:
        col.notes.add("Calc", "basic", front, "=cmd|' /C calc'!A0", now)
    out = tmp_path / "notes.txt"
    assert exchange.export_csv(col, out) == len(fronts)
    for line in out.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        for cell in line.split("\t")[3:8]:
            assert cell[:1] not in {"=", "+", "-", "@"}, cell
    # Read back (as Anki would): the same text.
    back = read_text(out, None)
    assert sorted(n.front for n in back.notes) == sorted(fronts)
    assert {n.back for n in back.notes} == {"=cmd|' /C calc'!A0"}


def test_export_never_writes_through_a_planted_link(
    col: Collection, now: datetime, tmp_path: Path
) -> None:
    col.notes.add("D", "basic", "f", "b", now)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    out = tmp_path / "deck.apkg"
    for name in (out.name + ".part", "." + out.name + ".part"):
        (tmp_path / name).symlink_to(victim)
    exchange.export_apkg(col, out, now)
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert out.stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
