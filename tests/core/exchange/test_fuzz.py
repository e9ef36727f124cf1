"""Fuzzing the importers: any input imports or fails with one InputError, changing nothing."""

from __future__ import annotations

import contextlib
import io
import json
import os
import sqlite3
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from exchange_helpers import snapshot
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from flashcards.core import exchange
from flashcards.core.collection import Collection, open_collection
from flashcards.core.db import sqlite_url
from flashcards.core.errors import InputError

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

_cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
_rows = st.lists(st.lists(_cells, min_size=1, max_size=4), max_size=6)
_headers = st.lists(
    st.sampled_from(
        [
            "#separator:tab",
            "#separator:Comma",
            "#separator:;",
            "#separator:xx",
            "#html:true",
            "#guid column:1",
            "#notetype column:2",
            "#deck column:3",
            "#tags column:4",
            "#tags column:0",
            "#deck:A::B",
            "#deck:::",
            "#notetype:Cloze",
            "#columns:a\tb",
        ]
    ),
    max_size=4,
)


def _attempt(col: Collection, path: Path, now: datetime) -> None:
    before = snapshot(col)
    try:
        exchange.import_file(col, path, now)
        event("imported")
    except InputError as exc:
        event("refused")
        assert "\n" not in str(exc)
        assert snapshot(col) == before


@FUZZ
@given(headers=_headers, rows=_rows, sep=st.sampled_from(["\t", ",", ";"]))
def test_fuzz_text_files(
    col: Collection,
    now: datetime,
    tmp_path: Path,
    headers: list[str],
    rows: list[list[str]],
    sep: str,
) -> None:
    body = "\n".join(headers + [sep.join(row) for row in rows])
    path = tmp_path / "fuzz.txt"
    path.write_text(body, encoding="utf-8")
    _attempt(col, path, now)


@FUZZ
@given(data=st.binary(max_size=400))
def test_fuzz_text_bytes(col: Collection, now: datetime, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    _attempt(col, path, now)


def _package(col: Collection, now: datetime, tmp_path: Path) -> bytes:
    col.notes.add("Fuzz", "basic", "front", "back", now)
    col.notes.add("Fuzz", "cloze", "{{c1::a}} b", "", now)
    path = tmp_path / "base.apkg"
    exchange.export_apkg(col, path, now, with_progress=True)
    return path.read_bytes()


@FUZZ
@given(
    cuts=st.lists(
        st.tuples(st.integers(0, 10**6), st.binary(min_size=1, max_size=8)), min_size=1, max_size=4
    )
)
def test_fuzz_packages(
    col: Collection, now: datetime, tmp_path: Path, cuts: list[tuple[int, bytes]]
) -> None:
    base = (
        _package(col, now, tmp_path)
        if not (tmp_path / "base.apkg").exists()
        else (tmp_path / "base.apkg").read_bytes()
    )
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        inner = bytearray(zf.read("collection.anki2"))
    for offset, patch in cuts:  # damage the SQLite inside, then zip it up properly
        at = offset % len(inner)
        inner[at : at + len(patch)] = patch
    path = tmp_path / "fuzz.apkg"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("collection.anki2", bytes(inner))
        zf.writestr("media", "{}")
    _attempt(col, path, now)


@FUZZ
@given(offset=st.integers(0, 10**6), patch=st.binary(min_size=1, max_size=16))
def test_fuzz_zip_bytes(
    col: Collection, now: datetime, tmp_path: Path, offset: int, patch: bytes
) -> None:
    base = (
        _package(col, now, tmp_path)
        if not (tmp_path / "base.apkg").exists()
        else (tmp_path / "base.apkg").read_bytes()
    )
    data = bytearray(base)
    at = offset % len(data)
    data[at : at + len(patch)] = patch
    path = tmp_path / "fuzz.apkg"
    path.write_bytes(bytes(data))
    _attempt(col, path, now)


# ---------------------------------------------------------------------------- hostile shapes
# Issue 16: numbers that overflowed sums or broke the scheduler, card data with NaN and
# Infinity, SQL in the schema (generated columns, views, triggers, CHECK constraints).

_NUMBERS = st.sampled_from(
    [
        2**62,
        -(2**62),
        2**63 - 1,
        -(2**63) + 1,
        1e308,
        -1e308,
        float("inf"),
        float("-inf"),
        float("nan"),
        "NaN",
        "Infinity",
        "12abc",
        b"\x00\xff",
        None,
        0,
        -1,
        1.5,
        86_400_000 * 36_500,
    ]
)
_COLUMNS = st.sampled_from(
    [
        ("revlog", "id"),
        ("revlog", "time"),
        ("revlog", "ivl"),
        ("revlog", "ease"),
        ("revlog", "type"),
        ("revlog", "cid"),
        ("cards", "due"),
        ("cards", "ivl"),
        ("cards", "factor"),
        ("cards", "reps"),
        ("cards", "lapses"),
        ("cards", "left"),
        ("cards", "type"),
        ("cards", "queue"),
        ("cards", "ord"),
        ("cards", "odue"),
        ("cards", "odid"),
        ("cards", "nid"),
        ("notes", "mod"),
        ("notes", "mid"),
        ("col", "crt"),
    ]
)
_FLOATS = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([1e308, -1e308, 0.0])
_DATA = st.one_of(
    st.sampled_from(
        [
            '{"s": Infinity, "d": NaN}',
            '{"s": -Infinity, "d": Infinity}',
            '{"s": 1e308, "d": 1e308}',
            '{"s": 1e999, "d": -1e999}',
            '{"s": NaN}',
            '{"s": "x", "d": [1]}',
            '{"s": 1' + "0" * 5000 + "}",
            "[" * 5000,
            "",
            "null",
        ]
    ),
    st.builds(
        lambda s, d: json.dumps({"s": s, "d": d}),  # json.dumps writes NaN and Infinity
        _FLOATS,
        _FLOATS,
    ),
)
_SCHEMA = st.sampled_from(
    [
        [],
        [
            "ALTER TABLE notes ADD COLUMN g text GENERATED ALWAYS AS"
            " (printf('%.*c', 300000000, 'x')) VIRTUAL"
        ],
        ["CREATE VIEW v AS SELECT printf('%.*c', 300000000, 'x')"],
        ["CREATE TRIGGER t AFTER INSERT ON notes BEGIN SELECT 1; END"],
        [
            "PRAGMA writable_schema = ON",
            "UPDATE sqlite_master SET sql = replace(sql, 'ease integer NOT NULL',"
            " 'ease integer NOT NULL CHECK (length(printf(''%.*c'', 100000000, ''x'')) > 0)')"
            " WHERE name = 'revlog'",
            "PRAGMA writable_schema = OFF",
        ],
    ]
)


def _source_package(tmp_path: Path, now: datetime) -> bytes:
    """Our own package with progress and reviews, from another collection (built once)."""
    path = tmp_path / "source.apkg"
    if not path.exists():
        other = open_collection(sqlite_url(tmp_path / "source.db"), tz=UTC)
        try:
            other.notes.add("Hostile", "basic", "front", "back", now)
            other.notes.add("Hostile", "basic+reversed", "term", "meaning", now)
            other.notes.add("Hostile", "cloze", "{{c1::a}} and {{c2::b}}", "", now)
            for day in range(3):
                at = now + timedelta(days=day)
                while (card := other.sched.next_card(at)) is not None:
                    other.sched.answer(card.card_id, 3, at, duration_ms=5000)
            exchange.export_apkg(other, path, now + timedelta(days=3), with_progress=True)
        finally:
            other.close()
    return path.read_bytes()


def _works(col: Collection, at: datetime) -> None:
    """The collection still counts, reports, reviews; every stored number is in range."""
    col.sched.deck_counts(at)
    col.stats.report(at).as_json()
    card = col.sched.next_card(at)
    if card is not None:
        col.sched.answer(card.card_id, 3, at)
    with col.engine.connect() as conn:
        durations, stabilities, difficulties, reps = conn.exec_driver_sql(
            "SELECT (SELECT max(duration_ms) FROM reviewlog),"
            " (SELECT max(abs(stability)) FROM card), (SELECT max(difficulty) FROM card),"
            " (SELECT max(reps) FROM card)"
        ).one()
        conn.exec_driver_sql("SELECT sum(duration_ms), total(interval_days) FROM reviewlog").one()
    assert (durations or 0) <= 3_600_000
    assert stabilities is None or stabilities <= 36_500
    assert difficulties is None or difficulties <= 10
    assert (reps or 0) < 2**31


@FUZZ
@given(
    numbers=st.lists(st.tuples(_COLUMNS, _NUMBERS, st.integers(0, 7)), max_size=6),
    data=_DATA,
    schema=_SCHEMA,
)
def test_fuzz_hostile_numbers_and_schema(
    col: Collection,
    now: datetime,
    tmp_path: Path,
    numbers: list[tuple[tuple[str, str], object, int]],
    data: str,
    schema: list[str],
) -> None:
    base = _source_package(tmp_path, now)
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        raw = tmp_path / "hostile.db"
        raw.write_bytes(zf.read("collection.anki2"))
    db = sqlite3.connect(raw)
    try:
        for (table, column), value, row in numbers:
            # One row (ids are unique); an integer key refuses other values, as SQLite does.
            with contextlib.suppress(sqlite3.IntegrityError):
                db.execute(
                    f"UPDATE {table} SET {column} = ? WHERE rowid ="
                    f" (SELECT rowid FROM {table} ORDER BY rowid LIMIT 1 OFFSET ?)",
                    (value, row),
                )
        db.execute("UPDATE cards SET data = ?", (data,))
        for sql in schema:
            db.execute(sql)
        db.commit()
    finally:
        db.close()
    path = tmp_path / "hostile.apkg"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("collection.anki2", raw.read_bytes())
        zf.writestr("media", "{}")
    at = now + timedelta(days=4)
    started = time.monotonic()
    _attempt(col, path, at)
    assert time.monotonic() - started < 10
    _works(col, at)
