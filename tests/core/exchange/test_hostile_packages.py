"""Hostile Anki packages (issue 16): each imports safely or is refused in one sentence.

A collection with review history takes every package; afterwards it still opens, counts, reviews
and reports, ``integrity_check`` is ok and no earlier review is gone.
"""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from anki.collection import Collection as AnkiCollection
from exchange_helpers import fill, snapshot, study
from hostile_build import (
    SCHEMA_SHAPES,
    anki_package,
    deflate_zeros,
    generated_notes_sql,
    huge_note_sql,
    long_guid_sql,
    many_members,
    media_entries,
    media_json,
    members,
    overflow_sql,
    rewrite,
    stored_bomb_sql,
    studied_anki,
    write_zip,
    zip_raw,
    zstd_zeros,
)

from flashcards.core import exchange
from flashcards.core.collection import Collection, open_collection
from flashcards.core.db import sqlite_url
from flashcards.core.decks import DeckSettings, check_settings
from flashcards.core.errors import InputError

Anki = Callable[[], AnkiCollection]


def _history(col: Collection, now: datetime) -> datetime:
    """Our own notes, studied for a week; returns the time after the last review."""
    fill(col, now)
    return study(col, now)


def _reviews(col: Collection) -> list[tuple[object, ...]]:
    with col.engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.exec_driver_sql(
                "SELECT id, card_id, rating, reviewed_at, duration_ms FROM reviewlog ORDER BY id"
            )
        ]


def _integrity(db_path: Path) -> str:
    db = sqlite3.connect(db_path)
    try:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        db.close()


def _still_works(col: Collection, at: datetime) -> None:
    """What the red team saw fail: counts, stats, review, sums of the review log."""
    assert col.sched.deck_counts(at)
    report = col.stats.report(at)
    assert report.as_json()
    card = col.sched.next_card(at)
    if card is not None:
        col.sched.answer(card.card_id, 3, at)
    with col.engine.connect() as conn:
        total = conn.exec_driver_sql("SELECT sum(duration_ms), total(interval_days) FROM reviewlog")
        assert all(math.isfinite(float(v or 0)) for v in total.one())


# ---------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("legacy", [True, False], ids=["legacy-anki21", "current-anki21b"])
def test_overflowing_numbers_are_clamped(
    col: Collection, db_path: Path, now: datetime, anki: Anki, tmp_path: Path, legacy: bool
) -> None:
    at = _history(col, now)
    before = _reviews(col)
    acol = anki()
    studied_anki(acol, now)
    crt = int(acol.db.scalar("SELECT crt FROM col"))
    day = int((at.timestamp() - crt) // 86400)  # the package's "today" at import time
    source = anki_package(acol, tmp_path / "source.apkg", legacy=legacy)
    hostile = rewrite(source, tmp_path / "overflow.apkg", overflow_sql(day), tmp_path)

    report = exchange.import_file(col, hostile, at).value
    assert report.added == 4
    with col.engine.connect() as conn:
        cards = conn.exec_driver_sql(
            "SELECT c.id, c.stability, c.difficulty, c.due, c.reps, c.lapses, n.front"
            " FROM card c JOIN note n ON n.id = c.note_id WHERE n.front LIKE 'front %'"
        ).all()
        logs = conn.exec_driver_sql(
            "SELECT duration_ms, interval_days, reviewed_ms FROM reviewlog"
        ).all()
    assert len(cards) == 4
    for _id, stability, difficulty, due, reps, lapses, _front in cards:
        assert stability is None or 0.001 <= stability <= 36500
        assert difficulty is None or 1 <= difficulty <= 10
        assert 0 <= reps < 2**31 and 0 <= lapses < 2**31
        assert str(due) < "2130"
    for duration, interval, reviewed_ms in logs:
        assert 0 <= duration <= 3_600_000
        assert math.isfinite(interval) and -31 <= interval <= 36500
        assert 0 <= reviewed_ms < 4102444800000  # 2100-01-01
    # The poisoned card (infinite stability, NaN difficulty) is due today and answerable.
    poisoned = next(c for c in cards if c[6] == "front 0")
    shown = col.sched.card_for_review(int(poisoned[0]), at)
    assert shown.memory.stability is not None and math.isfinite(shown.memory.stability)
    col.sched.answer(int(poisoned[0]), 3, at)
    _still_works(col, at + timedelta(minutes=1))
    assert set(before) <= set(_reviews(col))
    assert _integrity(db_path) == "ok"
    # Importing it again changes nothing.
    count = len(_reviews(col))
    again = exchange.import_file(col, hostile, at + timedelta(hours=1)).value
    assert again.added == 0 and len(_reviews(col)) == count


def test_numbers_as_text_and_blobs(
    col: Collection, db_path: Path, now: datetime, anki: Anki, tmp_path: Path
) -> None:
    at = _history(col, now)
    before = _reviews(col)
    acol = anki()
    studied_anki(acol, now)
    source = anki_package(acol, tmp_path / "source.apkg", legacy=True)
    sql = [
        "UPDATE revlog SET time = 'Infinity', ivl = x'00ff', ease = 'NaN'"
        " WHERE id = (SELECT min(id) FROM revlog)",
        "UPDATE revlog SET time = -1e308, type = 1e308 WHERE id = (SELECT max(id) FROM revlog)",
        "UPDATE cards SET due = 'NaN', ivl = 'Infinity', factor = x'01', reps = 1e308,"
        " data = '[[[[[[[[[[[[[[[[[[[[' || printf('%.*c', 100000, '[')",
        "UPDATE notes SET mod = 'NaN'",
        "UPDATE col SET crt = 1e308",
    ]
    hostile = rewrite(source, tmp_path / "text.apkg", sql, tmp_path)
    try:
        exchange.import_file(col, hostile, at)
    except InputError as exc:  # refusing is allowed, with one sentence and no change
        assert "\n" not in str(exc)
    _still_works(col, at)
    assert set(before) <= set(_reviews(col))
    assert _integrity(db_path) == "ok"


def test_text_that_is_not_utf8_imports_with_replacement_characters(
    col: Collection, now: datetime, anki: Anki, tmp_path: Path
) -> None:
    """A field, a tag and card data of bytes that are not UTF-8: the notes still arrive.

    The reader decodes with SQLite's strict decoder first and reads again, replacing what
    cannot be decoded, when that fails: nothing is lost but the undecodable bytes.
    """
    acol = anki()
    studied_anki(acol, now)
    notes = acol.note_count()
    source = anki_package(acol, tmp_path / "source.apkg", legacy=True)
    sql = [
        "UPDATE notes SET flds = CAST(x'416e6b69ff' || CAST(flds AS BLOB) AS TEXT),"
        " tags = CAST(x'20ff7461670a' AS TEXT) WHERE id = (SELECT min(id) FROM notes)",
        "UPDATE cards SET data = CAST(x'7bff7d' AS TEXT)",
    ]
    hostile = rewrite(source, tmp_path / "utf8.apkg", sql, tmp_path)
    report = exchange.import_file(col, hostile, now).value
    assert report.added == notes
    with col.engine.connect() as conn:
        fronts = [str(f) for (f,) in conn.exec_driver_sql("SELECT front FROM note")]
    assert sum(f.startswith("Anki\ufffd") for f in fronts) == 1


def test_refused_import_changes_nothing(
    col: Collection, now: datetime, anki: Anki, tmp_path: Path
) -> None:
    at = _history(col, now)
    before = snapshot(col)
    acol = anki()
    studied_anki(acol, now)
    source = anki_package(acol, tmp_path / "source.apkg", legacy=True)
    hostile = rewrite(source, tmp_path / "view.apkg", ["CREATE VIEW v AS SELECT 1"], tmp_path)
    with pytest.raises(InputError) as caught:
        exchange.import_file(col, hostile, at)
    assert "\n" not in str(caught.value) and "view" in str(caught.value)
    assert snapshot(col) == before


# ---------------------------------------------------------------------------- schema

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Base:
    """Real packages written by the real Anki, and a collection with review history."""

    legacy: Path
    current: Path
    history: Path
    at: datetime  # after the history: the import time


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "anki").mkdir()
    acol = AnkiCollection(str(folder / "anki" / "collection.anki2"))
    try:
        studied_anki(acol, NOW)
        legacy = anki_package(acol, folder / "legacy.apkg", legacy=True)
        current = anki_package(acol, folder / "current.apkg", legacy=False)
    finally:
        acol.close()
    col = open_collection(sqlite_url(folder / "history.db"), tz=UTC)
    try:
        at = _history(col, NOW)
    finally:
        col.close()
    return Base(legacy, current, folder / "history.db", at)


def _run(base: Base, package: Path, tmp_path: Path) -> dict[str, object]:
    """Import ``package`` into a copy of the collection with history, in a fresh process."""
    db = tmp_path / "collection.db"
    shutil.copyfile(base.history, db)
    done = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).with_name("hostile_child.py")),
            str(db),
            str(package),
            base.at.isoformat(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    print(package.name, result)  # the figures, for `pytest -s`
    assert _integrity(db) == "ok"
    return result


def _refused(result: dict[str, object], *words: str) -> None:
    error = result["error"]
    assert isinstance(error, str) and "\n" not in error and len(error) < 300, error
    assert all(w in error for w in words), error
    assert result["unchanged"] is True
    assert float(result["seconds"]) < 10  # type: ignore[arg-type]
    assert float(result["rss_peak_mb"]) <= 500  # type: ignore[arg-type]


@pytest.mark.parametrize("shape", sorted(SCHEMA_SHAPES))
@pytest.mark.parametrize("flavour", ["legacy", "current"])
def test_schema_that_runs_sql_is_refused(
    base: Base, tmp_path: Path, shape: str, flavour: str
) -> None:
    hostile = rewrite(
        getattr(base, flavour), tmp_path / "schema.apkg", SCHEMA_SHAPES[shape], tmp_path
    )
    assert hostile.stat().st_size < 100_000
    result = _run(base, hostile, tmp_path)
    if shape == "check constraint":  # never evaluated: the package imports, quickly
        assert result["error"] is None and float(result["seconds"]) < 10  # type: ignore[arg-type]
        return
    _refused(
        result,
        {"generated": "generated column", "view": "view", "trigger": "trigger"}[
            next(k for k in ("generated", "view", "trigger") if k in shape)
        ],
    )


def test_virtual_table_is_refused(base: Base, tmp_path: Path) -> None:
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
    except sqlite3.Error:
        pytest.skip("this SQLite has no fts5")
    finally:
        probe.close()
    sql = ["CREATE VIRTUAL TABLE search USING fts5(x)", "INSERT INTO search VALUES ('a')"]
    hostile = rewrite(base.legacy, tmp_path / "virtual.apkg", sql, tmp_path)
    _refused(_run(base, hostile, tmp_path), "virtual table")


def test_huge_note_is_skipped_and_the_rest_imports(
    col: Collection, base: Base, tmp_path: Path
) -> None:
    hostile = rewrite(base.current, tmp_path / "huge.apkg", huge_note_sql(3_000_000), tmp_path)
    report = exchange.import_file(col, hostile, base.at).value
    assert report.added == 3
    assert any("larger than 1 MiB" in w for w in report.warnings), report.warnings
    # Just under the cap, the same note arrives.
    fits = rewrite(base.legacy, tmp_path / "fits.apkg", huge_note_sql(1_000_000), tmp_path)
    report = exchange.import_file(col, fits, base.at).value
    assert (report.added, report.unchanged, report.warnings) == (1, 3, [])


def test_stored_400_mb_value_is_never_read(base: Base, tmp_path: Path) -> None:
    """A valid 400 MB database (one note's fields): the note is skipped, the rest imports."""
    hostile = rewrite(base.current, tmp_path / "stored.apkg", stored_bomb_sql(400 << 20), tmp_path)
    assert hostile.stat().st_size < 1 << 20
    result = _run(base, hostile, tmp_path)
    assert result["error"] is None
    assert float(result["seconds"]) < 10  # type: ignore[arg-type]
    assert float(result["rss_peak_mb"]) <= 500  # type: ignore[arg-type]


def test_long_guid_is_skipped(col: Collection, base: Base, tmp_path: Path) -> None:
    hostile = rewrite(base.legacy, tmp_path / "guid.apkg", long_guid_sql(100_000), tmp_path)
    report = exchange.import_file(col, hostile, base.at).value
    assert report.added == 3
    assert any("GUID over 256 characters" in w for w in report.warnings), report.warnings


#: Presets (legacy JSON) with numbers out of any range, text for numbers, a 5,000-letter name;
#: Anki's Default, changed later than ours (so that our Default takes its values).
_HOSTILE_DCONF = json.dumps(
    {
        "1": {
            "name": "x" * 5000,
            "mod": 1_700_000_000,
            "new": {"delays": [1e308, -5, "x"], "perDay": 1e300, "bury": "yes"},
            "rev": {"perDay": -7, "maxIvl": 1e20},
            "lapse": [],
            "desiredRetention": "NaN",
            "fsrsParams6": [1, 2],
        },
        "2": "not a preset",
        "x": {},
    }
)
#: Presets (the current format's protobuf): a NaN learning step, a new-card limit of 2^64 - 1
#: and an infinite desired retention; and a message cut short.
_HOSTILE_CONFIGS = {
    "numbers": "x'0a040000c07f48ffffffffffffffffff01ad020000807f'",
    "damaged": "x'0a040000c07f0aff'",
}


@pytest.mark.parametrize(
    ("flavour", "sql"),
    [
        ("legacy", f"UPDATE col SET dconf = '{_HOSTILE_DCONF}'"),
        (
            "current",
            f"UPDATE deck_config SET config = {_HOSTILE_CONFIGS['numbers']},"
            " mtime_secs = 1700000000",
        ),
        (
            "damaged",
            f"UPDATE deck_config SET config = {_HOSTILE_CONFIGS['damaged']},"
            " mtime_secs = 1700000000",
        ),
    ],
    ids=["legacy-json", "current-numbers", "current-damaged"],
)
def test_hostile_presets_give_options_in_range(
    col: Collection, base: Base, tmp_path: Path, flavour: str, sql: str
) -> None:
    package = base.legacy if flavour == "legacy" else base.current
    hostile = rewrite(package, tmp_path / "presets.apkg", [sql], tmp_path)
    report = exchange.import_file(col, hostile, base.at).value
    assert report.added == 4
    deck = col.decks.id("Hostile")
    settings = col.decks.settings(deck)
    check_settings(settings)  # usable by the scheduler and the options dialog
    # Anki's Default is our Default (its name stays); no preset's name is over 200 letters.
    assert col.presets.of_deck(deck) == 1 and col.presets.get(1).name == "Default"
    assert all(len(p.name) <= 200 for p in col.presets.all())
    if flavour == "damaged":  # a preset that cannot be read: our defaults
        assert settings == DeckSettings()
    else:  # numbers clamped (a limit of 1,000,000), NaN and infinity replaced
        assert (settings.new_per_day, settings.desired_retention) == (1_000_000, 0.9)
    _still_works(col, base.at)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE col SET models = printf('%.*c', 9000000, ' ') || models",
        "UPDATE cards SET data = printf('%.*c', 2000000, ' ')",
        "UPDATE revlog SET time = zeroblob(2000000)",
        "UPDATE col SET models = printf('%.*c', 100000, '[')",
        "UPDATE col SET models = '{\"1\": ' || printf('%.*c', 100000, '[') || '}'",
    ],
    ids=["models-9MB", "card-data-2MB", "revlog-blob-2MB", "deep-json", "deep-json-value"],
)
def test_oversized_values(base: Base, tmp_path: Path, sql: str) -> None:
    hostile = rewrite(base.legacy, tmp_path / "value.apkg", [sql], tmp_path)
    result = _run(base, hostile, tmp_path)
    assert float(result["seconds"]) < 10  # type: ignore[arg-type]
    assert float(result["rss_peak_mb"]) <= 500  # type: ignore[arg-type]
    if result["error"] is not None:
        _refused(result)


# ---------------------------------------------------------------------------- bombs


def _bomb_zip_honest(folder: Path, base: Base) -> Path:
    data, _ = deflate_zeros(3 << 30, crc=False)  # 3 GiB of zeros, headers say so
    return zip_raw(folder / "zip-honest.apkg", [("collection.anki2", data, 0, 3 << 30, 3 << 30)])


def _bomb_zip_lying(folder: Path, base: Base) -> Path:
    data, _ = deflate_zeros(3 << 30, crc=False)  # 3 GiB of zeros, headers say 100 MB
    return zip_raw(folder / "zip-lying.apkg", [("collection.anki2", data, 0, 3 << 30, 100 << 20)])


def _bomb_zip_under_cap(folder: Path, base: Base) -> Path:
    size = 500 << 20  # under the cap, honest, zeros: written out, then "not a database"
    data, crc = deflate_zeros(size)
    return zip_raw(folder / "zip-under-cap.apkg", [("collection.anki2", data, crc, size, size)])


def _bomb_zstd(folder: Path, base: Base) -> Path:
    parts = members(base.current)
    parts["collection.anki21b"] = zstd_zeros(1 << 30)  # no size in the frame
    return write_zip(folder / "zstd.apkg", parts)


def _bomb_zstd_declared(folder: Path, base: Base) -> Path:
    parts = members(base.current)
    parts["collection.anki21b"] = zstd_zeros(1 << 30, with_size=True)
    return write_zip(folder / "zstd-declared.apkg", parts)


def _bomb_media_zstd(folder: Path, base: Base) -> Path:
    parts = members(base.current)
    parts["media"] = media_entries(21_000_000)  # the red team's 21M names
    return write_zip(folder / "media-zstd.apkg", parts)


def _bomb_media_zstd_short(folder: Path, base: Base) -> Path:
    parts = members(base.current)
    parts["media"] = media_entries(3_000_000, b"")  # 3M entries in less than the byte budget
    return write_zip(folder / "media-zstd-short.apkg", parts)


def _bomb_media_json(folder: Path, base: Base) -> Path:
    parts = members(base.legacy)
    parts["media"] = media_json(3_000_000)
    return write_zip(folder / "media-json.apkg", parts)


def _bomb_media_json_nested(folder: Path, base: Base) -> Path:
    parts = members(base.legacy)
    parts["media"] = b'{"0": [' + b"[]," * 10_000_000 + b"[]]}"
    return write_zip(folder / "media-json-nested.apkg", parts)


def _bomb_media_json_short(folder: Path, base: Base) -> Path:
    parts = members(base.legacy)
    parts["media"] = media_json(1_000_000)  # within the byte budget, over the entry cap
    return write_zip(folder / "media-json-short.apkg", parts)


def _bomb_members(folder: Path, base: Base) -> Path:
    collection = members(base.legacy)["collection.anki21"]
    return many_members(folder / "members.apkg", 300_000, collection)


def _bomb_members_short(folder: Path, base: Base) -> Path:
    collection = members(base.legacy)["collection.anki21"]  # a directory just under its cap
    return many_members(folder / "members-short.apkg", 150_000, collection)


def _bomb_generated(folder: Path, base: Base) -> Path:
    return rewrite(base.legacy, folder / "generated.apkg", generated_notes_sql(), folder)


BOMBS: dict[str, tuple[Callable[[Path, Base], Path], tuple[str, ...]]] = {
    "zip-honest": (_bomb_zip_honest, ("too large",)),
    "zip-lying": (_bomb_zip_lying, ()),
    "zip-under-cap": (_bomb_zip_under_cap, ()),
    "zstd": (_bomb_zstd, ("too large",)),
    "zstd-declared": (_bomb_zstd_declared, ("too large",)),
    "media-zstd": (_bomb_media_zstd, ()),
    "media-zstd-short": (_bomb_media_zstd_short, ("media files",)),
    "media-json": (_bomb_media_json, ("media files",)),
    "media-json-nested": (_bomb_media_json_nested, ("media list",)),
    "media-json-short": (_bomb_media_json_short, ("media files",)),
    "members": (_bomb_members, ("too many files",)),
    "members-short": (_bomb_members_short, ("media files",)),
    "generated": (_bomb_generated, ("generated column",)),
}


@pytest.mark.parametrize("name", list(BOMBS))
def test_bombs_are_refused_quickly_in_little_memory(base: Base, tmp_path: Path, name: str) -> None:
    build, words = BOMBS[name]
    bomb = build(tmp_path, base)
    assert bomb.stat().st_size < 40 << 20, bomb.stat().st_size  # small on disk
    _refused(_run(base, bomb, tmp_path), *words)
