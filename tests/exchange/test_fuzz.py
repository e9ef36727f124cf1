"""Fuzzing the importers: any input imports or fails with one InputError, changing nothing."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import datetime
from pathlib import Path

from exchange_helpers import snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashcards.core import exchange
from flashcards.core.collection import Collection
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
    except InputError as exc:
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
