"""Media files cross the Anki border both ways and never leave the media folder (issue 12).

Each test builds packages with the real ``anki`` library (its media folder, its exporter, in
the legacy and the current format and as a ``.colpkg``), imports them here into a collection
file, and checks the files byte for byte; our exports go back into a fresh Anki, whose own
Check Media must find nothing missing.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from contextlib import redirect_stdout
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from anki.collection import Collection as AnkiCollection
from anki.collection import ExportAnkiPackageOptions
from exchange_helpers import anki_import, grey_png, snapshot
from hostile_build import members, write_zip, zstd_zeros
from sqlalchemy import select

from flashcards.cli import main
from flashcards.core import backup, exchange
from flashcards.core.collection import Collection, open_collection
from flashcards.core.db import sqlite_url
from flashcards.core.errors import InputError
from flashcards.core.exchange.archive import extract_collection
from flashcards.core.media import MAX_NAME_BYTES, references, rename_references, safe_name
from flashcards.core.media_check import check_media, trash_unused
from flashcards.core.tables import NOTE

Anki = Callable[[], AnkiCollection]


CAT = grey_png(10)
DOG = grey_png(200)
MEOW = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(40))  # bytes are bytes to the folder
FONT = b"not really a font, but a file the note type names"


def _anki_with_media(acol: AnkiCollection) -> None:
    """A Basic note with an image and a sound, a note naming a Japanese file, a `_` font."""
    folder = Path(acol.media.dir())
    (folder / "cat.png").write_bytes(CAT)
    (folder / "meow.wav").write_bytes(MEOW)
    (folder / "犬 の 写真.png").write_bytes(DOG)
    (folder / "_font.ttf").write_bytes(FONT)
    model = acol.models.by_name("Basic")
    assert model is not None
    model["css"] += "\n@font-face { font-family: hand; src: url('_font.ttf'); }"
    acol.models.update_dict(model)
    for front, back in (
        ('<img src="cat.png">', "a cat [sound:meow.wav]"),
        ("dog", '<img src="犬 の 写真.png" alt="dog">'),
    ):
        note = acol.new_note(model)
        note.fields[0], note.fields[1] = front, back
        acol.add_note(note, acol.decks.id("Pets") or 1)


def _anki_export(acol: AnkiCollection, path: Path, *, legacy: bool) -> Path:
    options = ExportAnkiPackageOptions(with_scheduling=True, legacy=legacy, with_media=True)
    acol.export_anki_package(out_path=str(path), options=options, limit=None)
    return path


def _folder(col: Collection) -> Path:
    assert col.media.folder is not None
    return col.media.folder


def _fields(col: Collection) -> list[str]:
    with col.engine.connect() as conn:
        rows = conn.execute(select(NOTE.c.anki_fields).where(NOTE.c.anki_fields.is_not(None)))
        return [field for (text,) in rows for field in json.loads(text)]


@pytest.mark.parametrize("form", ["legacy", "current", "colpkg"])
def test_media_of_an_anki_package_arrive_byte_for_byte(
    col: Collection, anki: Anki, now: datetime, tmp_path: Path, form: str
) -> None:
    acol = anki()
    _anki_with_media(acol)
    if form == "colpkg":
        package = tmp_path / "all.colpkg"
        acol.export_collection_package(str(package), include_media=True, legacy=False)
    else:
        package = _anki_export(acol, tmp_path / "pets.apkg", legacy=form == "legacy")

    report = exchange.import_file(col, package, now).value

    folder = _folder(col)
    assert (folder / "cat.png").read_bytes() == CAT
    assert (folder / "meow.wav").read_bytes() == MEOW
    assert (folder / "犬 の 写真.png").read_bytes() == DOG
    assert (folder / "_font.ttf").read_bytes() == FONT
    assert report.media_added == 4
    fields = _fields(col)
    assert '<img src="cat.png">' in fields and "a cat [sound:meow.wav]" in fields
    assert not any("were not imported" in w for w in report.warnings)

    # Again: nothing new, nothing doubled.
    again = exchange.import_file(col, package, now).value
    assert again.media_added == 0 and again.added == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["cat.png", "meow.wav", "犬 の 写真.png", "_font.ttf"]
    )


def test_our_export_carries_the_media_back_to_anki(
    col: Collection, anki: Anki, now: datetime, tmp_path: Path
) -> None:
    source = anki()
    _anki_with_media(source)
    exchange.import_file(col, _anki_export(source, tmp_path / "in.apkg", legacy=False), now)

    out = tmp_path / "back.apkg"
    done = exchange.export_apkg(col, out, now + timedelta(minutes=1), with_progress=True)
    assert (done.notes, done.media, done.missing_media) == (2, 4, [])

    fresh = anki()
    anki_import(fresh, out, scheduling=True)
    folder = Path(fresh.media.dir())
    assert (folder / "cat.png").read_bytes() == CAT
    assert (folder / "meow.wav").read_bytes() == MEOW
    assert (folder / "犬 の 写真.png").read_bytes() == DOG
    assert (folder / "_font.ttf").read_bytes() == FONT
    check = fresh.media.check()
    assert list(check.missing) == [] and list(check.unused) == []

    # The original Anki takes it back without a conflict and without new copies.
    log = anki_import(source, out, scheduling=True)
    assert len(log.conflicting) == 0 and len(log.new) == 0
    assert sorted(p.name for p in Path(source.media.dir()).iterdir()) == sorted(
        ["cat.png", "meow.wav", "犬 の 写真.png", "_font.ttf"]
    )


@pytest.mark.parametrize("legacy", [True, False])
def test_a_name_taken_by_another_file_gets_annkis_hashed_name(
    col: Collection, anki: Anki, now: datetime, tmp_path: Path, legacy: bool
) -> None:
    folder = _folder(col)
    folder.mkdir(parents=True)
    (folder / "cat.png").write_bytes(DOG)  # ours, a different picture of the same name
    acol = anki()
    _anki_with_media(acol)
    package = _anki_export(acol, tmp_path / "pets.apkg", legacy=legacy)
    report = exchange.import_file(col, package, now).value

    assert report.added == 2 and report.media_added == 4
    assert (folder / "cat.png").read_bytes() == DOG  # never overwritten
    renamed = [p for p in folder.iterdir() if p.name.startswith("cat-")]
    assert len(renamed) == 1 and renamed[0].read_bytes() == CAT
    assert renamed[0].name.endswith(".png") and len(renamed[0].stem) == len("cat-") + 40
    assert f'<img src="{renamed[0].name}">' in _fields(col)
    assert '<img src="cat.png">' not in _fields(col)  # the notes name the file they got


def _package(path: Path, media: dict[str, str], files: dict[str, bytes], source: Path) -> Path:
    """A legacy package: the collection of ``source`` with a media list and members we choose."""
    with zipfile.ZipFile(source) as zf:
        collection = zf.read("collection.anki2")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("collection.anki2", collection)
        out.writestr("media", json.dumps(media))
        for member, data in files.items():
            out.writestr(member, data)
    return path


def test_unsafe_names_are_made_safe_and_missing_files_are_reported(
    col: Collection, anki: Anki, now: datetime, tmp_path: Path
) -> None:
    acol = anki()
    _anki_with_media(acol)
    base = _anki_export(acol, tmp_path / "base.apkg", legacy=True)
    hostile = _package(
        tmp_path / "odd.apkg",
        {"0": "cat.png", "1": "con.wav", "2": "what?.png", "3": "gone.png"},
        {"0": CAT, "1": MEOW, "2": DOG},
        base,
    )
    report = exchange.import_file(col, hostile, now).value
    folder = _folder(col)
    assert sorted(p.name for p in folder.iterdir()) == ["cat.png", "con_.wav", "what.png"]
    assert any(
        "1 media file(s) the package lists are not in it: gone.png" in w for w in report.warnings
    )


def test_a_package_damaged_after_its_first_files_leaves_the_folder_as_it_was(
    col: Collection, anki: Anki, now: datetime, tmp_path: Path
) -> None:
    """Files go straight into the media folder; a damaged one later takes them all back.

    The third member's bytes are changed after the zip was written (its checksum no longer
    matches), so the first two files are in the folder when the damage is found. A file the
    folder held before (the same name, the same bytes) stays.
    """
    acol = anki()
    _anki_with_media(acol)
    base = _anki_export(acol, tmp_path / "base.apkg", legacy=True)
    folder = _folder(col)
    folder.mkdir(parents=True)
    (folder / "meow.wav").write_bytes(MEOW)
    listed = {"0": "cat.png", "1": "meow.wav", "2": "dog.png", "3": "font.ttf"}
    package = _package(tmp_path / "damaged.apkg", listed, {"0": CAT, "1": MEOW, "2": DOG}, base)
    with zipfile.ZipFile(package) as zf:
        info = zf.getinfo("2")
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data = bytearray(package.read_bytes())
    data[start + info.compress_size // 2] ^= 0xFF
    package.write_bytes(bytes(data))
    before = snapshot(col)
    with pytest.raises(InputError, match="is damaged"):
        exchange.import_file(col, package, now)
    assert snapshot(col) == before
    assert sorted(p.name for p in folder.iterdir()) == ["meow.wav"]


def test_one_name_twice_in_a_package_keeps_both_files_or_takes_both_back(
    col: Collection, anki: Anki, now: datetime, tmp_path: Path
) -> None:
    """Two files of one name: the second gets Anki's hashed name; a cancel removes both."""
    acol = anki()
    _anki_with_media(acol)
    base = _anki_export(acol, tmp_path / "base.apkg", legacy=True)
    package = _package(
        tmp_path / "twice.apkg", {"0": "cat.png", "1": "cat.png"}, {"0": CAT, "1": DOG}, base
    )
    folder = _folder(col)
    before = snapshot(col)
    calls = [0]

    def at_the_end() -> bool:  # the files are in; cancelled before the notes commit
        calls[0] += 1
        return bool(list(folder.glob("cat-*.png")))

    with pytest.raises(InputError, match="cancelled"):
        exchange.import_file(col, package, now, cancelled=at_the_end)
    assert snapshot(col) == before
    assert not folder.exists() or list(folder.iterdir()) == []

    report = exchange.import_file(col, package, now).value
    assert report.media_added == 2
    hashed = [p for p in folder.iterdir() if p.name.startswith("cat-")]
    assert (folder / "cat.png").read_bytes() == CAT
    assert len(hashed) == 1 and hashed[0].read_bytes() == DOG


@pytest.mark.parametrize("name", ["../evil.png", "a/b.png", "c:evil.png", "..\\x.png"])
def test_a_media_list_that_escapes_the_folder_is_refused_whole(
    col: Collection, anki: Anki, now: datetime, tmp_path: Path, name: str
) -> None:
    acol = anki()
    _anki_with_media(acol)
    base = _anki_export(acol, tmp_path / "base.apkg", legacy=True)
    hostile = _package(tmp_path / "evil.apkg", {"0": name}, {"0": CAT}, base)
    before = snapshot(col)
    with pytest.raises(InputError, match="escapes its folder"):
        exchange.import_file(col, hostile, now)
    assert snapshot(col) == before
    assert not (tmp_path / "evil.png").exists()
    assert col.media.names() == []


def test_a_media_bomb_is_refused_and_leaves_nothing(
    col: Collection, anki: Anki, now: datetime, tmp_path: Path
) -> None:
    acol = anki()
    _anki_with_media(acol)
    base = _anki_export(acol, tmp_path / "base.apkg", legacy=True)
    bomb = _package(tmp_path / "bomb.apkg", {"0": "zeros.bin"}, {"0": b"\0" * (4 << 20)}, base)
    for lying in (False, True):
        # A header that lies about the size: zipfile reads no more than it says (and then
        # finds the checksum wrong), so the refusal is a damaged package instead.
        expected = "is damaged" if lying else r"more than 1,048,576 bytes of media"
        if lying:
            data = bytearray(bomb.read_bytes())
            at = data.rfind(b"PK\x01\x02")
            while at >= 0 and data[at + 46 : at + 47] != b"0":
                at = data.rfind(b"PK\x01\x02", 0, at)
            data[at + 24 : at + 28] = (1000).to_bytes(4, "little")  # central directory size
            bomb.write_bytes(bytes(data))
        work = tmp_path / f"work{lying}"
        work.mkdir()
        with pytest.raises(InputError, match=expected):
            extract_collection(bomb, work, media_cap=1 << 20)
    before = snapshot(col)
    assert exchange.import_file(col, base, now).value.media_added == 4  # a fair package passes
    assert snapshot(col) != before


def test_zstd_media_files_are_written_whole_and_a_zstd_bomb_is_refused(
    col: Collection, anki: Anki, now: datetime, tmp_path: Path
) -> None:
    """Current-format media: read in one call when they fit, streamed when they expand more.

    A file of zeros expands far beyond its compressed size: it is still written whole when
    the budget allows, and refused (nothing left behind) when it does not.
    """
    acol = anki()
    _anki_with_media(acol)
    base = _anki_export(acol, tmp_path / "base.apkg", legacy=False)
    parts = members(base)
    media = {name for name in parts if name.isdigit()}
    assert media  # (the current format names its members 0, 1...)
    zeros = 8 << 20
    parts[min(media)] = zstd_zeros(zeros)
    package = write_zip(tmp_path / "zeros.apkg", parts)
    for cap, fits in ((1 << 20, False), (zeros + (1 << 20), True)):
        work = tmp_path / f"work{cap}"
        work.mkdir()
        if not fits:
            with pytest.raises(InputError, match="more than 1,048,576 bytes of media"):
                extract_collection(package, work, media_cap=cap)
            continue
        extracted = extract_collection(package, work, media_cap=cap)
        sizes = sorted(path.stat().st_size for _, path in extracted.media)
        assert sizes[-1] == zeros and len(sizes) == len(media)
        written = {path.read_bytes() for _, path in extracted.media}
        assert len(written & {CAT, MEOW, DOG, FONT}) == 3  # the others as they were
    before = snapshot(col)
    report = exchange.import_file(col, package, now).value
    assert report.media_added == len(media) and snapshot(col) != before
    assert col.media.folder is not None
    assert bytes(zeros) in {p.read_bytes() for p in col.media.folder.iterdir()}


def test_a_cancelled_import_takes_back_the_files_it_added(
    col: Collection, anki: Anki, now: datetime, tmp_path: Path
) -> None:
    acol = anki()
    _anki_with_media(acol)
    package = _anki_export(acol, tmp_path / "pets.apkg", legacy=False)
    asked = [0]

    def counting() -> bool:
        asked[0] += 1
        return False

    (tmp_path / "scratch").mkdir()
    with open_collection(sqlite_url(tmp_path / "scratch" / "collection.db"), tz=UTC) as scratch:
        exchange.import_file(scratch, package, now, cancelled=counting)
        assert scratch.media.names()  # (the scratch import did add files)
    total = asked[0]  # the last question comes after the media are in, before the commit
    calls = [0]

    def cancel_at_the_last_moment() -> bool:
        calls[0] += 1
        return calls[0] >= total

    before = snapshot(col)
    with pytest.raises(InputError, match="cancelled"):
        exchange.import_file(col, package, now, cancelled=cancel_at_the_last_moment)
    assert calls[0] == total
    assert snapshot(col) == before
    assert col.media.names() == []


def test_names_and_references() -> None:
    assert safe_name("a/b\\c:d*e?.png") == "abcde.png"
    assert safe_name("lpt1.mp3") == "lpt1_.mp3"
    assert safe_name("trailing. ") == "trailing"
    long = safe_name("長" * 100 + ".png")
    assert long.endswith(".png") and len(long.encode()) <= MAX_NAME_BYTES
    for bad in ("..", "", "///", "..."):
        with pytest.raises(InputError):
            safe_name(bad)
    field = (
        '<img src="a.png"><IMG class=x SRC=b%20c.jpg> <img src="https://x.org/y.png">'
        "<img src='data:image/png;base64,AAAA'>[sound:d.mp3] <audio src=\"e.ogg\"></audio>"
        '<img src="a&amp;b.png">'
    )
    assert references(field) == ["a.png", "b c.jpg", "e.ogg", "a&b.png", "d.mp3"]
    renamed = rename_references(field, {"a.png": "a-1.png", "d.mp3": "d-2.mp3", "a&b.png": "z.png"})
    assert references(renamed) == ["a-1.png", "b c.jpg", "e.ogg", "z.png", "d-2.mp3"]
    assert "https://x.org/y.png" in renamed


def _imported(col: Collection, anki: Anki, now: datetime, tmp_path: Path) -> Path:
    acol = anki()
    _anki_with_media(acol)
    exchange.import_file(col, _anki_export(acol, tmp_path / "pets.apkg", legacy=False), now)
    return _folder(col)


def test_check_media_finds_missing_and_unused_and_trashes_without_deleting(
    col: Collection, anki: Anki, now: datetime, tmp_path: Path
) -> None:
    folder = _imported(col, anki, now, tmp_path)
    found = check_media(col)
    assert (found.missing, found.unused, found.referenced) == ({}, [], 4)  # _font.ttf: CSS

    (folder / "meow.wav").unlink()
    (folder / "stray.png").write_bytes(DOG)
    found = check_media(col)
    assert list(found.missing) == ["meow.wav"] and len(found.missing["meow.wav"]) == 1
    assert found.unused == ["stray.png"]

    assert trash_unused(col, ["stray.png", "cat.png", "../x"]) == ["stray.png"]  # cat is used
    assert col.media.trash is not None
    assert (col.media.trash / "stray.png").read_bytes() == DOG
    assert (folder / "cat.png").exists() and not (folder / "stray.png").exists()


def test_backups_keep_the_media_and_a_restore_puts_back_what_its_notes_use(
    col: Collection, anki: Anki, now: datetime, tmp_path: Path, db_path: Path
) -> None:
    folder = _imported(col, anki, now, tmp_path)
    made = backup.create_backup(db_path, now)
    kept = backup.backup_dir(db_path) / backup.MEDIA_DIRNAME
    assert sorted(p.name for p in kept.iterdir()) == sorted(p.name for p in folder.iterdir())
    assert (kept / "cat.png").stat().st_ino == (folder / "cat.png").stat().st_ino  # a link
    assert backup.keep_media(db_path) == 0  # the next backup adds nothing

    (folder / "cat.png").unlink()  # lost (deleted by hand, or trashed)
    (folder / "meow.wav").unlink()
    col.close()
    backup.restore_backup(db_path, made, now + timedelta(minutes=5))
    assert (folder / "cat.png").read_bytes() == CAT
    assert (folder / "meow.wav").read_bytes() == MEOW


def test_check_media_on_the_command_line(
    col: Collection, anki: Anki, now: datetime, tmp_path: Path, db_path: Path
) -> None:
    folder = _imported(col, anki, now, tmp_path)
    (folder / "cat.png").unlink()
    (folder / "stray.png").write_bytes(DOG)
    col.close()
    out = io.StringIO()
    with redirect_stdout(out):
        status = main(["--data-dir", str(db_path.parent), "check-media", "--trash-unused"])
    text = out.getvalue()
    assert status == 1  # something is missing
    assert "Missing: cat.png (used by 1 note(s))" in text
    assert "Unused: stray.png" in text and "Moved 1 unused file(s)" in text
    assert not (folder / "stray.png").exists()
