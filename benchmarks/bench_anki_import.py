"""Import of an .apkg with 10,000 notes and 1,000 media files, against Anki's own importer.

The package is built with the real ``anki`` library (benchmarks only, never the app): Basic
notes and notes of a custom five-field note type, some HTML, a few decks, some reviews, and
1,000 notes each naming its own media file (an ``<img src>`` or a ``[sound:]``), 20-200 kB of
random bytes each. Anki exports it with scheduling and media, in the current and the legacy
format, and once more (current format) without media. Each is then imported, best of five into
fresh targets, by Anki (``import_anki_package``) and by us (``exchange.import_file``) taking
turns in the same run; both must bring 10,000 notes and the 1,000 media files. Only the import
call is timed (opening and closing the target are not, for either). Everything lives in a
temporary folder.

Creating 1,000 files costs both importers the same and, on this kind of machine, anything
from 0.05 to 0.35 s from one minute to the next; the package without media shows the work of
each importer alone.

Run ``python benchmarks/bench_anki_import.py``; ``run()`` returns (name, figure, target) rows.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from anki.collection import (
    AddNoteRequest,
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from anki.collection import Collection as AnkiCollection

from flashcards.core import exchange
from flashcards.core.collection import open_collection
from flashcards.core.db import sqlite_url

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
NOTES = 10_000
MEDIA = 1_000
VOCAB_EVERY = 3  # every third note is of the custom note type
REVIEWS = 300
REPEAT = 5
DECKS = ("Bench::Words", "Bench::Grammar", "Bench::Listening", "Other")
VOCAB_FIELDS = ("Word", "Reading", "Meaning", "Example", "Audio")


def _media_name(index: int) -> str:
    return f"img_{index:05d}.jpg" if index % 2 == 0 else f"snd_{index:05d}.mp3"


def _reference(name: str) -> str:
    return f'<img src="{name}">' if name.endswith(".jpg") else f"[sound:{name}]"


def _vocab_notetype(acol: AnkiCollection) -> dict[str, object]:
    models = acol.models
    model = models.new("Vocabulary")
    for name in VOCAB_FIELDS:
        models.add_field(model, models.new_field(name))
    template = models.new_template("Recognition")
    template["qfmt"] = '<div class="word">{{Word}}</div>'
    template["afmt"] = "{{FrontSide}}<hr id=answer>{{Reading}}<br>{{Meaning}}<br>{{Example}}"
    template["afmt"] += "{{Audio}}"
    models.add_template(model, template)
    model["css"] += "\n.word { font-size: 40px; }"
    models.add_dict(model)
    added = models.by_name("Vocabulary")
    assert added is not None
    return dict(added)


def _build_source(folder: Path) -> AnkiCollection:
    """An Anki collection with the notes, media files and reviews described above."""
    rng = random.Random(12)
    acol = AnkiCollection(str(folder / "collection.anki2"))
    media_dir = Path(acol.media.dir())
    for index in range(MEDIA):
        size = rng.randint(20_000, 200_000)
        (media_dir / _media_name(index)).write_bytes(rng.randbytes(size))
    basic = acol.models.by_name("Basic")
    assert basic is not None
    vocab = _vocab_notetype(acol)
    deck_ids = [int(acol.decks.id(name) or 1) for name in DECKS]
    requests: list[AddNoteRequest] = []
    for index in range(NOTES):
        media = _reference(_media_name(index)) if index < MEDIA else ""
        if index % VOCAB_EVERY == 0:
            note = acol.new_note(vocab)  # type: ignore[arg-type]
            note.fields[0] = f"単語 {index}"
            note.fields[1] = f"たんご <i>{index}</i>"
            note.fields[2] = f"word number <b>{index}</b> &amp; its meaning"
            note.fields[3] = f"<div>An example with word {index}.<br>Second line.</div>"
            note.fields[4] = media
        else:
            note = acol.new_note(basic)
            note.fields[0] = f"Question <b>{index}</b>?"
            note.fields[1] = f"Answer {index}<br><ul><li>one</li><li>two</li></ul>{media}"
        note.tags = [f"tag{index % 11}", "bench"]
        requests.append(AddNoteRequest(note=note, deck_id=deck_ids[index % len(deck_ids)]))
    acol.add_notes(requests)
    acol.decks.select(deck_ids[0])
    for _ in range(REVIEWS):
        card = acol.sched.getCard()
        if card is None:
            break
        card.start_timer()
        acol.sched.answerCard(card, 3)
    return acol


def _export(acol: AnkiCollection, path: Path, *, legacy: bool, media: bool = True) -> Path:
    options = ExportAnkiPackageOptions(with_scheduling=True, with_media=media, legacy=legacy)
    acol.export_anki_package(out_path=str(path), options=options, limit=None)
    return path


def _files(folder: Path) -> int:
    return sum(1 for p in folder.iterdir() if p.is_file()) if folder.is_dir() else 0


#: A prepared import: the timed call, then the untimed one that checks and closes.
Attempt = tuple[Callable[[], None], Callable[[], None]]


def _race(makers: dict[str, Callable[[int], Attempt]]) -> dict[str, float]:
    """Each importer's best time of ``REPEAT`` rounds, taking turns round by round.

    Turns, so that both meet the same load on a shared machine (the first of a round changes
    from round to round); ``make(attempt)`` prepares a
    fresh target untimed. Only the import is timed, for both: opening the target before it,
    and closing it (our WAL checkpoint, Anki's close) after it, are not.
    """
    best = dict.fromkeys(makers, float("inf"))
    names = list(makers)
    for attempt in range(REPEAT):
        for name in names if attempt % 2 == 0 else names[::-1]:  # each first in turn
            go, finish = makers[name](attempt)
            start = time.perf_counter()
            go()
            best[name] = min(best[name], time.perf_counter() - start)
            finish()
    return best


def _anki(package: Path, work: Path, files: int) -> Callable[[int], Attempt]:
    def make(attempt: int) -> Attempt:
        folder = work / f"anki{attempt}"
        folder.mkdir()
        acol = AnkiCollection(str(folder / "collection.anki2"))
        request = ImportAnkiPackageRequest(
            package_path=str(package),
            options=ImportAnkiPackageOptions(
                with_scheduling=True, with_deck_configs=True, merge_notetypes=False
            ),
        )

        def go() -> None:
            acol.import_anki_package(request)

        def finish() -> None:
            notes = acol.note_count()
            media = _files(Path(acol.media.dir()))
            acol.close()
            wanted = (NOTES, files)
            assert (notes, media) == wanted, f"Anki imported {notes} notes, {media} files"

        return go, finish

    return make


def _ours(package: Path, work: Path, files: int) -> Callable[[int], Attempt]:
    def make(attempt: int) -> Attempt:
        folder = work / f"ours{attempt}"
        folder.mkdir()
        col = open_collection(sqlite_url(folder / "collection.db"), tz=UTC)
        reports: list[exchange.ExchangeReport] = []

        def go() -> None:
            try:
                reports.append(exchange.import_file(col, package, NOW).value)
            except BaseException:
                col.close()
                raise

        def finish() -> None:
            col.close()
            assert col.media.folder is not None
            media = _files(col.media.folder)
            report = reports[0]
            assert (report.added, report.media_added, media) == (NOTES, files, files), (
                f"we imported {report.added} notes, {report.media_added} ({media}) files"
            )

        return go, finish

    return make


def run() -> list[tuple[str, str, str]]:
    """Build the package, time both importers on both formats; (name, figure, target) rows."""
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-anki-import-") as tmp:
        root = Path(tmp)
        (root / "source").mkdir()
        source = _build_source(root / "source")
        try:
            packages = {
                f"{MEDIA:,} media (.apkg current)": (
                    _export(source, root / "current.apkg", legacy=False),
                    MEDIA,
                ),
                f"{MEDIA:,} media (.apkg legacy)": (
                    _export(source, root / "legacy.apkg", legacy=True),
                    MEDIA,
                ),
                "no media (.apkg current)": (
                    _export(source, root / "bare.apkg", legacy=False, media=False),
                    0,
                ),
            }
        finally:
            source.close()
        for index, (form, (package, files)) in enumerate(packages.items()):
            work = root / f"run{index}"
            work.mkdir()
            best = _race({"anki": _anki(package, work, files), "ours": _ours(package, work, files)})
            anki, ours = best["anki"], best["ours"]
            label = f"import {NOTES:,} notes + {form}"
            rows.append((f"{label}, ours", f"{ours:.2f} s", "-"))
            rows.append((f"{label}, Anki", f"{anki:.2f} s", "-"))
            target = "<= 1.2x" if files else "- (each importer's own work)"
            rows.append((f"{label}, ours / Anki", f"{ours / anki:.2f}x", target))
    return rows


if __name__ == "__main__":
    from run import print_rows

    print_rows(run())
