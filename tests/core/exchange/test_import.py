"""Importing into our collection: packages Anki wrote, our own packages, text files."""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import zstandard
from anki.collection import Collection as AnkiCollection
from anki.collection import ExportAnkiPackageOptions
from exchange_helpers import anki_sample, snapshot, study
from sqlalchemy import func, select

from flashcards.core import exchange
from flashcards.core.collection import Collection, open_collection
from flashcards.core.db import sqlite_url
from flashcards.core.enums import CardState
from flashcards.core.errors import InputError
from flashcards.core.exchange import importer
from flashcards.core.tables import CARD, LOG

Anki = Callable[[], AnkiCollection]


def _notes(col: Collection) -> dict[str, object]:
    return {(v := col.notes.get(i)).front: v for i in col.notes.ids()}


@pytest.mark.parametrize("legacy", [True, False], ids=["legacy-anki21", "current-anki21b"])
def test_package_written_by_anki(
    col: Collection, now: datetime, anki: Anki, tmp_path: Path, legacy: bool
) -> None:
    acol = anki()
    count = anki_sample(acol)
    out = tmp_path / "anki.apkg"
    acol.export_anki_package(
        out_path=str(out),
        options=ExportAnkiPackageOptions(with_scheduling=True, legacy=legacy, with_media=True),
        limit=None,
    )
    revlog = acol.db.scalar("select count() from revlog")
    assert revlog == 3
    report = exchange.import_file(col, out, now).value
    assert (report.added, report.updated, report.unchanged) == (count, 0, 0)
    notes = _notes(col)
    basic = notes["bold front"]
    assert basic.back == "back\nline 2" and set(basic.tags) == {"tag1", "日本語"}
    assert basic.deck_name == "Anki::Nested" and basic.kind == "basic"
    assert notes["犬"].kind == "basic+reversed" and len(notes["犬"].card_ids) == 2
    assert notes["{{c1::Paris}} is in {{c2::France}}"].kind == "cloze"
    assert notes["optional"].kind == "basic"  # its reverse card is optional and empty
    assert notes["typed"].kind == "basic" and notes["typed"].back == "answer"
    assert col.decks.description(col.decks.id("Anki::Nested")) == "Deck description & more"
    with col.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(LOG)).scalar_one() == revlog
        studied = conn.execute(select(CARD).where(CARD.c.reps > 0)).all()
    assert studied and all(c.state != CardState.NEW for c in studied)
    assert all(c.stability and c.difficulty for c in studied)
    # Again: nothing new, nothing changed.
    again = exchange.import_file(col, out, now + timedelta(hours=1)).value
    assert (again.added, again.updated, again.unchanged) == (0, 0, count)


def test_round_trip_loses_nothing(
    col: Collection, sample: dict[str, int], now: datetime, tmp_path: Path
) -> None:
    later = study(col, now)
    col.sched.answer(col.notes.get(sample["basic"]).card_ids[0], 1, later)  # one card in relearning
    first = tmp_path / "first.apkg"
    exchange.export_apkg(col, first, later, with_progress=True)
    other = open_collection(sqlite_url(tmp_path / "other.db"), tz=col.tz)
    try:
        report = exchange.import_file(other, first, later).value
        assert report.added == 4
        second = tmp_path / "second.apkg"
        exchange.export_apkg(other, second, later, with_progress=True)
        assert _package(first) == _package(second)
        assert _descriptions(col) == _descriptions(other)
    finally:
        other.close()
    # Our own package back into the same collection: everything is already there.
    same = exchange.import_file(col, first, later).value
    assert (same.added, same.updated, same.unchanged) == (0, 0, 4)


def _descriptions(col: Collection) -> dict[str, str]:
    return {name: col.decks.description(i) for i, name in col.decks.names().items()}


def _package(path: Path) -> tuple[object, ...]:
    with zipfile.ZipFile(path) as zf, zf.open("collection.anki2") as member:
        data = member.read()
    db_path = path.with_suffix(".sqlite")
    db_path.write_bytes(data)
    db = sqlite3.connect(db_path)
    try:
        notes = db.execute("SELECT guid, mid, mod, tags, flds FROM notes ORDER BY guid").fetchall()
        cards = db.execute(
            "SELECT n.guid, c.ord, c.type, c.queue, c.due, c.ivl, c.factor, c.reps, c.lapses,"
            " c.left, c.data FROM cards c JOIN notes n ON n.id = c.nid ORDER BY n.guid, c.ord"
        ).fetchall()
        revlog = db.execute(
            "SELECT r.id, n.guid, c.ord, r.ease, r.ivl, r.lastIvl, r.factor, r.time, r.type"
            " FROM revlog r JOIN cards c ON c.id = r.cid JOIN notes n ON n.id = c.nid ORDER BY r.id"
        ).fetchall()
        return notes, cards, revlog
    finally:
        db.close()


def test_csv_round_trip(
    col: Collection, sample: dict[str, int], now: datetime, tmp_path: Path
) -> None:
    out = tmp_path / "notes.txt"
    assert exchange.export_csv(col, out) == 4
    assert out.read_text(encoding="utf-8").startswith("#separator:tab\n#html:true\n")
    other = open_collection(sqlite_url(tmp_path / "other.db"), tz=col.tz)
    try:
        report = exchange.import_file(other, out, now).value
        assert report.added == 4
        mine = {
            (n.front, n.back, n.kind, n.tags, n.source, n.deck_name) for n in _notes(col).values()
        }
        theirs = {
            (n.front, n.back, n.kind, n.tags, n.source, n.deck_name) for n in _notes(other).values()
        }
        assert mine == theirs
        again = exchange.import_file(other, out, now).value
        assert (again.added, again.updated) == (0, 0)
    finally:
        other.close()
    # Into the collection it came from: matched by GUID, nothing added.
    back = exchange.import_file(col, out, now).value
    assert (back.added, back.unchanged) == (0, 4)


def test_csv_written_by_anki(col: Collection, now: datetime, anki: Anki, tmp_path: Path) -> None:
    acol = anki()
    count = anki_sample(acol)
    out = tmp_path / "anki.txt"
    acol.export_note_csv(
        out_path=str(out),
        limit=None,
        with_html=True,
        with_tags=True,
        with_deck=True,
        with_notetype=True,
        with_guid=True,
    )
    report = exchange.import_file(col, out, now).value
    assert report.added == count
    notes = _notes(col)
    assert notes["bold front"].deck_name == "Anki::Nested"
    assert notes["{{c1::Paris}} is in {{c2::France}}"].kind == "cloze"
    assert set(notes["bold front"].tags) == {"tag1", "日本語"}


def test_our_csv_imports_into_anki(
    col: Collection, sample: dict[str, int], now: datetime, anki: Anki, tmp_path: Path
) -> None:
    from anki.collection import ImportCsvRequest
    from exchange_helpers import anki_import

    acol = anki()
    exchange.export_apkg(col, tmp_path / "x.apkg", now)
    anki_import(acol, tmp_path / "x.apkg")
    exchange.export_csv(col, tmp_path / "x.txt")
    metadata = acol.get_csv_metadata(str(tmp_path / "x.txt"), None)
    log = acol.import_csv(ImportCsvRequest(path=str(tmp_path / "x.txt"), metadata=metadata)).log
    assert len(log.new) == 0 and acol.note_count() == 4
    assert not list(log.conflicting)


def test_plain_two_column_files(col: Collection, now: datetime, tmp_path: Path) -> None:
    csv_file = tmp_path / "Capitals.csv"
    csv_file.write_text('France,Paris\n"Japan, country","Tokyo\nthe capital"\n', encoding="utf-8")
    report = exchange.import_file(col, csv_file, now).value
    assert (report.deck, report.added) == ("Capitals", 2)
    assert _notes(col)["Japan, country"].back == "Tokyo\nthe capital"
    tsv = tmp_path / "words.tsv"
    tsv.write_text("犬\tdog\n猫\tcat\n", encoding="utf-8")
    report = exchange.import_file(col, tsv, now, deck="Words::Animals").value
    assert _notes(col)["猫"].deck_name == "Words::Animals"
    headers = tmp_path / "h.txt"
    headers.write_text(
        "#separator:Semicolon\n#html:false\n#deck:Hdr\n#tags:a b\n#notetype:Cloze\n"
        "{{c1::x}} y;extra\n",
        encoding="utf-8",
    )
    exchange.import_file(col, headers, now)
    note = _notes(col)["{{c1::x}} y"]
    assert (note.kind, note.deck_name, note.tags) == ("cloze", "Hdr", ("a", "b"))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ragged.csv", b"a,b\nc,d,e\n", "columns"),
        ("latin1.csv", "caf\xe9,x\n".encode("latin-1"), "encoding"),
        ("nul.txt", b"a\x00b,c\n", "NUL"),
        ("quote.csv", b'a,"b\n', "line"),
    ],
)
def test_bad_text_files(
    col: Collection,
    sample: dict[str, int],
    now: datetime,
    tmp_path: Path,
    name: str,
    content: bytes,
    message: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = snapshot(col)
    with pytest.raises(InputError, match=message) as info:
        exchange.import_file(col, path, now)
    assert "\n" not in str(info.value)
    assert snapshot(col) == before


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _media_entries(names: list[str]) -> bytes:
    from anki.import_export_pb2 import MediaEntries

    entries = MediaEntries(entries=[MediaEntries.MediaEntry(name=n, size=1) for n in names])
    return zstandard.ZstdCompressor().compress(entries.SerializeToString())


def _valid(tmp_path: Path, col: Collection, now: datetime) -> bytes:
    exchange.export_apkg(col, tmp_path / "valid.apkg", now)
    with zipfile.ZipFile(tmp_path / "valid.apkg") as zf:
        return zf.read("collection.anki2")


@pytest.mark.parametrize(
    "case",
    [
        "not-zip",
        "escape",
        "absolute",
        "media-json",
        "media-proto",
        "missing",
        "damaged",
        "truncated",
        "not-anki",
    ],
)
def test_hostile_packages(
    col: Collection, sample: dict[str, int], now: datetime, tmp_path: Path, case: str
) -> None:
    db = _valid(tmp_path, col, now)
    path = tmp_path / "hostile.apkg"
    if case == "not-zip":
        path.write_bytes(b"this is not a zip file")
    elif case == "escape":
        _zip(path, {"collection.anki2": db, "../evil": b"x"})
    elif case == "absolute":
        _zip(path, {"collection.anki2": db, "/etc/evil": b"x"})
    elif case == "media-json":
        _zip(path, {"collection.anki2": db, "media": b'{"0": "../../evil.png"}', "0": b"x"})
    elif case == "media-proto":
        _zip(
            path,
            {
                "collection.anki21b": zstandard.ZstdCompressor().compress(db),
                "media": _media_entries(["ok.png", "../evil.png"]),
            },
        )
    elif case == "missing":
        _zip(path, {"media": b"{}"})
    elif case == "damaged":
        _zip(path, {"collection.anki2": db[:100] + b"\xff" * 4000 + db[4100:]})
    elif case == "truncated":
        _zip(path, {"collection.anki2": db[: len(db) // 2]})
    else:
        _zip(path, {"collection.anki2": b"SQLite format 3\x00" + b"\x00" * 200})
    before = snapshot(col)
    with pytest.raises(InputError) as info:
        exchange.import_file(col, path, now)
    assert "\n" not in str(info.value)
    assert snapshot(col) == before


def test_size_cap(tmp_path: Path) -> None:
    from flashcards.core.exchange.archive import extract_collection

    path = _zip(tmp_path / "big.apkg", {"collection.anki2": b"\x00" * 1_000_000})
    with pytest.raises(InputError, match="too large"):
        extract_collection(path, tmp_path, cap=100_000)
    bomb = _zip(
        tmp_path / "bomb.apkg",
        {"collection.anki21b": zstandard.ZstdCompressor().compress(b"\x00" * 1_000_000)},
    )
    with pytest.raises(InputError, match="too large"):
        extract_collection(bomb, tmp_path, cap=200_000)


def test_import_is_one_transaction(
    col: Collection,
    sample: dict[str, int],
    now: datetime,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "Fresh Deck.csv"
    path.write_text("a,b\nc,d\n", encoding="utf-8")

    def boom(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "_insert_fresh", boom)
    before = snapshot(col)
    with pytest.raises(RuntimeError):
        exchange.import_file(col, path, now)
    assert snapshot(col) == before
    assert "Fresh Deck" not in col.decks.names().values()
