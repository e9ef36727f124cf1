"""Builders of hostile Anki packages: real packages (written by the real Anki) made hostile.

Every builder writes a small file; what makes it hostile is inside (numbers, SQL, a bomb).
"""

from __future__ import annotations

import io
import sqlite3
import struct
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import zstandard
from anki.collection import Collection as AnkiCollection
from anki.collection import ExportAnkiPackageOptions

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
BIG = 1 << 62  # the red team's number: a review "time" of 2^62 ms overflowed sum(duration_ms)


def anki_package(acol: AnkiCollection, out: Path, *, legacy: bool) -> Path:
    """Export a real Anki collection (with scheduling) as a legacy or current package."""
    acol.export_anki_package(
        out_path=str(out),
        options=ExportAnkiPackageOptions(with_scheduling=True, legacy=legacy, with_media=True),
        limit=None,
    )
    return out


def studied_anki(acol: AnkiCollection, now: datetime, cards: int = 4) -> None:
    """A real Anki collection with ``cards`` basic notes, each reviewed twice before ``now``.

    Anki stamps reviews with the wall clock; the tests use a fixed clock, so review times and
    the collection's creation day are moved before ``now`` (as if studied in the past).
    """
    basic = acol.models.by_name("Basic")
    did = acol.decks.id("Hostile")
    for i in range(cards):
        note = acol.new_note(basic)
        note["Front"], note["Back"] = f"front {i}", f"back {i}"
        acol.add_note(note, did)
    acol.decks.select(did)
    for _ in range(cards * 2):
        card = acol.sched.getCard()
        if card is None:
            break
        card.start_timer()
        acol.sched.answerCard(card, 3)
    start_ms = int((now - timedelta(days=30)).timestamp() * 1000)
    acol.db.execute(
        "UPDATE revlog SET id = ? + (SELECT count() FROM revlog r WHERE r.id < revlog.id) * 60000",
        start_ms,
    )
    acol.db.execute("UPDATE col SET crt = ?", int((now - timedelta(days=100)).timestamp()))


def members(path: Path) -> dict[str, bytes]:
    """Every member of a zip, in order."""
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def collection_member(names: Iterable[str]) -> str:
    """The member a reader takes as the collection (the current format first)."""
    names = list(names)
    for name in ("collection.anki21b", "collection.anki21", "collection.anki2"):
        if name in names:
            return name
    raise AssertionError(f"no collection in {names}")


def _unicase(a: str, b: str) -> int:
    x, y = a.casefold(), b.casefold()
    return (x > y) - (x < y)


def rewrite(src: Path, dst: Path, sql: Sequence[str], tmp: Path) -> Path:
    """Copy package ``src`` to ``dst`` with ``sql`` run on its collection database."""
    parts = members(src)
    name = collection_member(parts)
    data = parts[name]
    packed = data.startswith(ZSTD_MAGIC)
    if packed:
        data = zstandard.ZstdDecompressor().stream_reader(data).read()
    db_path = tmp / f"rewrite-{dst.stem}.db"
    db_path.write_bytes(data)
    db = sqlite3.connect(db_path)
    db.create_collation("unicase", _unicase)
    db.executescript(";\n".join(sql) + ";")
    db.commit()
    db.execute("VACUUM")
    db.close()
    data = db_path.read_bytes()
    if packed:
        data = zstandard.ZstdCompressor().compress(data)
    parts[name] = data
    write_zip(dst, parts)
    return dst


def write_zip(path: Path, parts: dict[str, bytes]) -> Path:
    """A zip of ``parts``, deflated."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


# ---------------------------------------------------------------------------- numbers


def overflow_sql(day: int) -> list[str]:
    """The red team's numbers (2^62, 1e308, Infinity, NaN) in every column we read.

    Card ``c1`` (the first card) is a review card due on day ``day`` with an infinite
    stability and a NaN difficulty, so that it is shown and answered today.
    """
    first = "(SELECT min(id) FROM cards)"
    second = f"(SELECT min(id) FROM cards WHERE id > {first})"
    third = f"(SELECT min(id) FROM cards WHERE id > {second})"
    return [
        f"UPDATE revlog SET time = {BIG}, ivl = {BIG}, lastIvl = {BIG}, factor = {BIG}",
        f"UPDATE revlog SET time = 1e308 WHERE cid = {second}",
        f"UPDATE revlog SET ivl = -{BIG} WHERE cid = {third}",
        f"UPDATE cards SET type = 2, queue = 2, due = {day}, ivl = {BIG}, factor = {BIG},"
        f" reps = {BIG}, lapses = {BIG}, left = {BIG},"
        f' data = \'{{"s": Infinity, "d": NaN}}\' WHERE id = {first}',
        f"UPDATE cards SET type = 2, queue = 2, due = {BIG}, ivl = 1e308, factor = 1e308,"
        f' data = \'{{"s": 1e308, "d": 1e308}}\' WHERE id = {second}',
        f"UPDATE cards SET type = 1, queue = 1, due = -{BIG}, ivl = -{BIG}, reps = -5,"
        f" lapses = 'NaN', left = -1, data = '{{\"s\": -Infinity, \"d\": -1e999}}'"
        f" WHERE id = {third}",
        f'UPDATE cards SET data = \'{{"s": NaN, "d": 1e400, "x": {"9" * 5000}}}\''
        f" WHERE id NOT IN ({first}, {second}, {third})",
        f"UPDATE notes SET mod = {BIG} WHERE id = (SELECT min(id) FROM notes)",
        f"INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
        f" SELECT {BIG}, cid, usn, ease, ivl, lastIvl, factor, time, type FROM revlog"
        f" WHERE cid = {second} LIMIT 1",
        f"INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
        f" SELECT -{BIG}, cid, usn, ease, ivl, lastIvl, factor, time, type FROM revlog"
        f" WHERE cid = {second} LIMIT 1",
    ]


# ---------------------------------------------------------------------------- schema


def generated_notes_sql(size: int = 300_000_000) -> list[str]:
    """The notes table rebuilt with ``flds`` a virtual generated column of ``size`` characters."""
    return [
        "ALTER TABLE notes RENAME TO notes_old",
        "CREATE TABLE notes (id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL,"
        " mod integer NOT NULL, usn integer NOT NULL, tags text NOT NULL,"
        f" flds text GENERATED ALWAYS AS (printf('%.*c', {size}, 'x')) VIRTUAL,"
        " sfld integer NOT NULL, csum integer NOT NULL, flags integer NOT NULL,"
        " data text NOT NULL)",
        "INSERT INTO notes (id, guid, mid, mod, usn, tags, sfld, csum, flags, data)"
        " SELECT id, guid, mid, mod, usn, tags, sfld, csum, flags, data FROM notes_old",
        "DROP TABLE notes_old",
    ]


SCHEMA_SHAPES: dict[str, list[str]] = {
    "generated column": generated_notes_sql(30_000_000),
    "stored generated column": [
        "ALTER TABLE cards ADD COLUMN big text GENERATED ALWAYS AS"
        " (printf('%.*c', 1000, 'x')) VIRTUAL",
    ],
    "view": [
        "ALTER TABLE notes RENAME TO notes_real",
        "CREATE VIEW notes AS SELECT id, guid, mid, mod, usn, tags,"
        " printf('%.*c', 300000000, 'x') AS flds FROM notes_real",
    ],
    "view beside the tables": [
        "CREATE VIEW v AS SELECT printf('%.*c', 300000000, 'x') AS x",
    ],
    "trigger": [
        "CREATE TRIGGER t AFTER UPDATE ON notes BEGIN SELECT 1; END",
    ],
    # Written into the schema directly (as an attacker would): inserting rows would run it.
    "check constraint": [
        "PRAGMA writable_schema = ON",
        "UPDATE sqlite_master SET sql = replace(sql, 'type integer NOT NULL',"
        " 'type integer NOT NULL CHECK (length(printf(''%.*c'', 200000000, ''x'')) > 0)')"
        " WHERE name = 'revlog'",
        "PRAGMA writable_schema = OFF",
    ],
}


def huge_note_sql(size: int) -> list[str]:
    """One note's fields made ``size`` characters long (stored, not generated)."""
    return [
        f"UPDATE notes SET flds = printf('%.*c', {size}, 'x') || char(31) || 'back'"
        " WHERE id = (SELECT min(id) FROM notes)"
    ]


def stored_bomb_sql(size: int) -> list[str]:
    """One note's fields a stored blob of ``size`` zero bytes: a valid database that big."""
    return [f"UPDATE notes SET flds = zeroblob({size}) WHERE id = (SELECT min(id) FROM notes)"]


def long_guid_sql(size: int) -> list[str]:
    """One note's GUID ``size`` characters long."""
    return [
        f"UPDATE notes SET guid = printf('%.*c', {size}, 'g')"
        " WHERE id = (SELECT min(id) FROM notes)"
    ]


# ---------------------------------------------------------------------------- bombs


def deflate_zeros(size: int, *, crc: bool = True) -> tuple[bytes, int]:
    """A raw deflate stream of ``size`` zero bytes (built in O(size / 1 MiB) steps) and its CRC.

    Without ``crc`` the CRC is 0 (wrong): a reader that refuses early never gets to check it.
    """
    block = 1 << 20
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    unit = comp.compress(bytes(block)) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(bytes(block)) + comp.flush(zlib.Z_FULL_FLUSH)
    assert unit == again  # after a full flush every 1 MiB of zeros gives the same bytes
    count, rest = divmod(size, block)
    tail = comp.compress(bytes(rest)) + comp.flush(zlib.Z_FINISH)
    value = 0
    if crc:
        zeros = bytes(block)
        for _ in range(count):
            value = zlib.crc32(zeros, value)
        value = zlib.crc32(bytes(rest), value)
    return unit * count + tail, value


def zip_raw(path: Path, entries: Sequence[tuple[str, bytes, int, int, int]]) -> Path:
    """A zip written by hand: (name, deflated bytes, crc, uncompressed size, declared size).

    The declared size goes into the headers (it may lie); zip64 extras are written when needed.
    """
    out = io.BytesIO()
    central = []
    for name, data, crc, _size, declared in entries:
        offset = out.tell()
        raw = name.encode("utf-8")
        big = declared >= 0xFFFFFFFF or len(data) >= 0xFFFFFFFF
        extra = struct.pack("<HHQQ", 1, 16, declared, len(data)) if big else b""
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                45 if big else 20,
                0,
                8,
                0,
                0,
                crc,
                0xFFFFFFFF if big else len(data),
                0xFFFFFFFF if big else declared,
                len(raw),
                len(extra),
            )
            + raw
            + extra
        )
        out.write(data)
        central.append((raw, crc, len(data), declared, offset, big))
    start = out.tell()
    for raw, crc, csize, declared, offset, big in central:
        extra = struct.pack("<HHQQQ", 1, 24, declared, csize, offset) if big else b""
        out.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                45 if big else 20,
                45 if big else 20,
                0,
                8,
                0,
                0,
                crc,
                0xFFFFFFFF if big else csize,
                0xFFFFFFFF if big else declared,
                len(raw),
                len(extra),
                0,
                0,
                0,
                0,
                0xFFFFFFFF if big else offset,
            )
            + raw
            + extra
        )
    end = out.tell()
    count = len(central)
    if count >= 0xFFFF:  # zip64 end records carry the count
        out.write(
            struct.pack(
                "<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, end - start, start
            )
        )
        out.write(struct.pack("<IIQI", 0x07064B50, 0, end, 1))
    short = min(count, 0xFFFF)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, short, short, end - start, start, 0))
    path.write_bytes(out.getvalue())
    return path


def zstd_zeros(size: int, *, with_size: bool = False) -> bytes:
    """A zstd frame of ``size`` zero bytes, streamed (small whatever the size)."""
    cctx = zstandard.ZstdCompressor(level=1, write_content_size=with_size)
    out = io.BytesIO()
    with cctx.stream_writer(out, closefd=False, size=size if with_size else -1) as writer:
        block = bytes(1 << 20)
        left = size
        while left:
            step = min(left, len(block))
            writer.write(block[:step])
            left -= step
    return out.getvalue()


def media_entries(count: int, name: bytes = b"a.jpg") -> bytes:
    """The current format's media list (zstd protobuf MediaEntries) of ``count`` entries."""
    entry = bytes([0x0A, 2 + len(name), 0x0A, len(name)]) + name
    cctx = zstandard.ZstdCompressor(level=3)
    out = io.BytesIO()
    with cctx.stream_writer(out, closefd=False) as writer:
        chunk = entry * 65536
        left = count
        while left:
            step = min(left, 65536)
            writer.write(chunk if step == 65536 else entry * step)
            left -= step
    return out.getvalue()


def media_json(count: int) -> bytes:
    """A legacy media list (JSON object) of ``count`` tiny entries."""
    return b"{" + b",".join(b'"%d":"a"' % i for i in range(count)) + b"}"


def many_members(path: Path, count: int, collection: bytes) -> Path:
    """A zip of a real collection plus ``count`` empty members (a central directory bomb)."""
    entries = [
        (
            "collection.anki2",
            zlib.compress(collection)[2:-4],
            zlib.crc32(collection),
            len(collection),
            len(collection),
        )
    ]
    empty = b"\x03\x00"  # an empty deflate stream
    entries += [(str(i), empty, 0, 0, 0) for i in range(count)]
    return zip_raw(path, entries)
