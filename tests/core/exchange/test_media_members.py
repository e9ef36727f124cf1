"""Stored media members, read through the package's open file (zip_members.py), keep every check.

The packages are the real ``anki`` library's exports (it stores its media members; the current
format compresses each with zstd first), imported here as they are, damaged byte by byte, or
written again by Python's zipfile in the other layouts a zip may have.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
import zstandard
from anki.collection import Collection as AnkiCollection
from exchange_helpers import snapshot
from hostile_build import anki_package, members, zstd_zeros

from flashcards.core import exchange
from flashcards.core.collection import Collection
from flashcards.core.errors import InputError
from flashcards.core.exchange.archive import extract_collection

Anki = Callable[[], AnkiCollection]

#: Five files of 40-80 kB, the bytes random (media hardly compress), the same every run.
FILES = {f"picture {i}.jpg": random.Random(i).randbytes(40_000 + 10_000 * i) for i in range(5)}


def _anki_package(anki: Anki, path: Path, *, legacy: bool) -> Path:
    """A real Anki package of one note per file in :data:`FILES`."""
    acol = anki()
    folder = Path(acol.media.dir())
    model = acol.models.by_name("Basic")
    assert model is not None
    for name, data in FILES.items():
        (folder / name).write_bytes(data)
        note = acol.new_note(model)
        note.fields[0], note.fields[1] = name, f'<img src="{name}">'
        acol.add_note(note, 1)
    return anki_package(acol, path, legacy=legacy)


def _last_member(path: Path, *, legacy: bool) -> zipfile.ZipInfo:
    """The stored member of the file the media list names last (the last one read)."""
    with zipfile.ZipFile(path) as zf:
        found = {info.filename: info for info in zf.infolist() if info.filename.isdigit()}
        # The legacy list is {"member": "name"} in its own order; the current one's entries
        # are the members 0, 1... in order.
        last = list(json.loads(zf.read("media")))[-1] if legacy else str(len(FILES) - 1)
    assert len(found) == len(FILES)
    assert all(info.compress_type == zipfile.ZIP_STORED for info in found.values())  # Anki's
    return found[last]


def _patched(path: Path, at: int, data: bytes) -> None:
    content = bytearray(path.read_bytes())
    content[at : at + len(data)] = data
    path.write_bytes(bytes(content))


def _imported(col: Collection) -> dict[str, bytes]:
    folder = col.media.folder
    assert folder is not None
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else {}


def _refused_leaving_nothing(col: Collection, package: Path, now: datetime) -> None:
    """The import fails with one sentence; the files it had written are gone again."""
    folder = col.media.folder
    assert folder is not None
    written: list[int] = []

    def watching() -> bool:  # never cancels: counts the files already in the folder
        written.append(len(list(folder.iterdir())) if folder.exists() else 0)
        return False

    before = snapshot(col)
    with pytest.raises(InputError, match=r"is damaged \(") as caught:
        exchange.import_file(col, package, now, cancelled=watching)
    assert "\n" not in str(caught.value)
    assert max(written) == len(FILES) - 1  # the others were in when the damage was found
    assert snapshot(col) == before
    assert _imported(col) == {}


@pytest.mark.parametrize("legacy", [True, False], ids=["legacy", "current"])
def test_a_stored_member_damaged_in_its_bytes_is_refused(
    col: Collection, anki: Anki, now: datetime, tmp_path: Path, legacy: bool
) -> None:
    package = _anki_package(anki, tmp_path / "pets.apkg", legacy=legacy)
    last = _last_member(package, legacy=legacy)
    start = last.header_offset + 30 + len(last.filename)
    data = package.read_bytes()
    _patched(
        package, start + last.compress_size // 2, bytes([data[start + last.compress_size // 2] ^ 1])
    )
    _refused_leaving_nothing(col, package, now)


@pytest.mark.parametrize(
    ("field", "at", "value"),
    [
        ("signature", 0, b"XK\x03\x04"),
        ("name", 30, b"9"),  # another member's number: its bytes are not these
        ("method", 8, (8).to_bytes(2, "little")),
        ("checksum", 14, (12345).to_bytes(4, "little")),
        ("compressed size", 18, (1000).to_bytes(4, "little")),
        ("size", 22, (1000).to_bytes(4, "little")),
    ],
)
def test_a_local_header_that_disagrees_with_the_directory_is_refused(
    col: Collection, anki: Anki, now: datetime, tmp_path: Path, field: str, at: int, value: bytes
) -> None:
    """What the local header says must be what the central directory says, or one reader of
    the zip would find other bytes than another (zipfile itself compared only the name)."""
    package = _anki_package(anki, tmp_path / "pets.apkg", legacy=True)
    last = _last_member(package, legacy=True)
    assert len(last.filename) == 1  # (five members: "0" to "4")
    _patched(package, last.header_offset + at, value)
    _refused_leaving_nothing(col, package, now)


class _Unseekable:
    """A stream with no ``tell`` and no ``seek``: zipfile writes data descriptors to it."""

    def __init__(self, out: io.BytesIO) -> None:
        self._out = out

    def write(self, data: bytes) -> int:
        return self._out.write(data)

    def flush(self) -> None:
        """Nothing is buffered."""


def _rewritten(source: Path, path: Path, layout: str) -> Path:
    """``source``'s members, stored again by zipfile in ``layout``."""
    parts = members(source)
    buffer = io.BytesIO()
    target = _Unseekable(buffer) if layout == "data descriptors" else buffer
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as zf:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 3, 2, 9, 0, 0))
            if layout == "long extra field":  # longer than the room read after the bytes
                info.extra = (0xCAFE).to_bytes(2, "little") + (700).to_bytes(2, "little")
                info.extra += bytes(700)
            with zf.open(info, "w", force_zip64=layout == "zip64") as out:
                out.write(data)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize("legacy", [True, False], ids=["legacy", "current"])
@pytest.mark.parametrize("layout", ["data descriptors", "zip64", "long extra field"])
def test_stored_members_in_other_zip_layouts_arrive_byte_for_byte(
    col: Collection, anki: Anki, now: datetime, tmp_path: Path, layout: str, legacy: bool
) -> None:
    package = _rewritten(
        _anki_package(anki, tmp_path / "pets.apkg", legacy=legacy), tmp_path / "re.apkg", layout
    )
    with zipfile.ZipFile(package) as zf:  # (the layout is what the test says it is)
        info = zf.getinfo("0")
        header = package.read_bytes()[info.header_offset : info.header_offset + 30]
    if layout == "data descriptors":
        assert info.flag_bits & 0x08 and header[14:26] == bytes(12)
    elif layout == "zip64":
        assert header[18:26] == b"\xff" * 8
    else:
        assert int.from_bytes(header[28:30], "little") > 700

    report = exchange.import_file(col, package, now).value
    assert report.media_added == len(FILES)
    assert _imported(col) == FILES


@pytest.mark.parametrize("legacy", [True, False], ids=["legacy", "current"])
def test_stored_media_over_the_budget_are_refused(anki: Anki, tmp_path: Path, legacy: bool) -> None:
    package = _anki_package(anki, tmp_path / "pets.apkg", legacy=legacy)
    total = sum(map(len, FILES.values()))
    # (A zstd member's size counts before it is read: its frame is a little larger.)
    for cap, fits in ((total - 1, False), (total + 1024, True)):
        work = tmp_path / f"work{cap}"
        work.mkdir()
        if fits:
            extracted = extract_collection(package, work, media_cap=cap)
            assert {name: path.read_bytes() for name, path in extracted.media} == FILES
        else:
            with pytest.raises(InputError, match=f"more than {cap:,} bytes of media"):
                extract_collection(package, work, media_cap=cap)


@pytest.mark.parametrize(
    ("member", "escapes"),
    [
        ("../evil.png", True),
        ("a/../../evil.png", True),
        ("/etc/evil", True),
        ("a\\b.png", True),
        ("c:evil.png", True),
        ("..", True),
        ("a/b/c.png", False),
        ("./a.png", False),
        ("a..b.png", False),
        ("...", False),
    ],
)
def test_a_member_name_that_escapes_the_folder_refuses_the_package(
    anki: Anki, tmp_path: Path, member: str, escapes: bool
) -> None:
    """Every member's name is checked, listed as media or not (an unpacker could write it)."""
    parts = members(_anki_package(anki, tmp_path / "pets.apkg", legacy=False))
    parts[member] = b"a file the media list does not name"
    package = tmp_path / "extra.apkg"
    with zipfile.ZipFile(package, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    work = tmp_path / "work"
    work.mkdir()
    if escapes:
        with pytest.raises(InputError, match="escapes its folder"):
            extract_collection(package, work)
        assert list(work.iterdir()) == []
    else:
        extracted = extract_collection(package, work)
        assert {name: path.read_bytes() for name, path in extracted.media} == FILES


@pytest.mark.parametrize("with_size", [False, True], ids=["streamed frame", "sized frame"])
def test_a_stored_zstd_member_is_uncompressed_within_the_budget(
    anki: Anki, tmp_path: Path, with_size: bool
) -> None:
    """A current-format member that expands far (10 MiB of zeros from a few hundred bytes):
    written whole, across several chunks of the reused buffer, when the budget allows it;
    refused when it does not, whether its frame declares its size or not."""
    parts = members(_anki_package(anki, tmp_path / "pets.apkg", legacy=False))
    zeros = 10 << 20  # more than the 4 MiB buffer: three chunks
    held = zstandard.ZstdDecompressor().decompress(parts["0"], max_output_size=1 << 20)
    (replaced,) = [name for name, data in FILES.items() if data == held]
    parts["0"] = zstd_zeros(zeros, with_size=with_size)
    package = tmp_path / "zeros.apkg"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_STORED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    others = sum(len(data) for data in FILES.values()) + 1024
    for cap, fits in ((zeros - 1, False), (zeros + others, True)):
        work = tmp_path / f"work{cap}"
        work.mkdir()
        if not fits:
            with pytest.raises(InputError, match=f"more than {cap:,} bytes of media"):
                extract_collection(package, work, media_cap=cap)
            continue
        extracted = extract_collection(package, work, media_cap=cap)
        written = {name: path.read_bytes() for name, path in extracted.media}
        assert written.pop(replaced) == bytes(zeros)
        assert written == {name: data for name, data in FILES.items() if name != replaced}
