"""Exchange benchmarks: .apkg export against bare genanki, import of a 100,000-row Anki CSV.

Run ``python benchmarks/bench_exchange.py``; ``run()`` returns (name, figure, target) rows.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import genanki

from flashcards.core import exchange
from flashcards.core.collection import open_collection
from flashcards.core.db import sqlite_url
from flashcards.core.exchange.export import guid_of
from flashcards.core.exchange.our_notetypes import build_model
from flashcards.core.notes import NoteView

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EXPORT_NOTES = 10_000
IMPORT_ROWS = 100_000


def _best(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _csv(path: Path, rows: int, prefix: str) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write("#separator:tab\n#html:true\n#notetype:Basic\n#deck:Bench\n#tags column:3\n")
        for i in range(rows):
            out.write(f"{prefix} {i} front<br>line\t{prefix} back &amp; {i}\ttag{i % 7} bench\n")
    return path


def _bare_genanki(views: list[NoteView], path: Path) -> None:
    """What genanki alone does for the same notes (same model, fields, GUIDs), read beforehand."""
    model = build_model("basic")
    deck = genanki.Deck(2059400110, "Bench")
    for view in views:
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[view.front, view.back, "", "", ""],
                tags=list(view.tags),
                guid=guid_of(view.uid),
            )
        )
    genanki.Package(deck).write_to_file(str(path), timestamp=NOW.timestamp())


def run() -> list[tuple[str, str, str]]:
    """Measure export and import; returns (name, figure, target) rows."""
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        col = open_collection(sqlite_url(folder / "export.db"), tz=UTC)
        try:
            exchange.import_file(col, _csv(folder / "seed.txt", EXPORT_NOTES, "note"), NOW)
            ours = _best(lambda: exchange.export_apkg(col, folder / "ours.apkg", NOW))
            views = col.notes.get_many(
                col.notes.ids()
            )  # not timed: bare genanki gets its notes for free
            bare = _best(lambda: _bare_genanki(views, folder / "bare.apkg"))
            progress = _best(
                lambda: exchange.export_apkg(col, folder / "p.apkg", NOW, with_progress=True)
            )
        finally:
            col.close()
        rows.append((f"export {EXPORT_NOTES:,} notes (.apkg)", f"{ours:.2f} s", "-"))
        rows.append((f"bare genanki, same {EXPORT_NOTES:,} notes", f"{bare:.2f} s", "-"))
        rows.append(("export / bare genanki", f"{ours / bare:.2f}x", "<= 1.2x"))
        rows.append(("export with progress", f"{progress:.2f} s", "-"))

        big = _csv(folder / "big.txt", IMPORT_ROWS, "row")
        times = []
        for attempt in range(2):
            target = open_collection(sqlite_url(folder / f"import{attempt}.db"), tz=UTC)
            try:
                start = time.perf_counter()
                report = exchange.import_file(target, big, NOW).value
                times.append(time.perf_counter() - start)
                assert report.added == IMPORT_ROWS
                start = time.perf_counter()
                again = exchange.import_file(target, big, NOW).value
                reimport = time.perf_counter() - start
                assert again.added == 0 and again.unchanged == IMPORT_ROWS
            finally:
                target.close()
        rows.append(
            (f"import {IMPORT_ROWS:,}-row Anki CSV", f"{min(times):.2f} s", "< 1.9 s (Anki)")
        )
        rows.append((f"re-import same {IMPORT_ROWS:,} rows", f"{reimport:.2f} s", "-"))
    return rows


if __name__ == "__main__":
    from run import print_rows

    print_rows(run())
