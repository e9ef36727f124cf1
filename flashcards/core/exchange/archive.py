"""Reading Anki packages safely: only the collection is written out, every size capped early.

A package is a zip that anyone can write, so its headers may lie and its members may be bombs:

- The zip's central directory is sized before Python parses it, and the members we read (the
  collection and the media list) are refused when their headers already say they are too large.
- The collection is streamed (inflate, then zstd for the current format) to disk in 1 MiB chunks
  with a hard output budget: whatever the headers claim, no more than the cap is written and no
  more than a chunk is held in memory.
- The media list is read with a byte budget and parsed entry by entry with an entry cap, so a
  small file of millions of names is refused after a fraction of a second.
"""

from __future__ import annotations

import json
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import FileIO
from pathlib import Path
from typing import IO, cast

import zstandard

from flashcards.core.errors import InputError
from flashcards.core.exchange.common import MAX_UNCOMPRESSED_BYTES, read_varint
from flashcards.core.exchange.zip_members import StoredMembers

#: Collection files in order of preference: the current format first (newer packages also hold
#: a dummy ``collection.anki2`` that only asks the user to update Anki).
COLLECTION_NAMES = ("collection.anki21b", "collection.anki21", "collection.anki2")
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_CHUNK = 1 << 20

#: The most media files a package may list. Shared decks hold a few thousand, big personal
#: collections tens of thousands; 100,000 keeps the worst case (opening a zip of that many
#: members and checking every name) to about two seconds and 100 MB.
MAX_MEDIA_ENTRIES = 100_000
#: The most bytes of the media list once uncompressed: 100,000 entries with long names.
MAX_MEDIA_LIST_BYTES = 32 << 20
#: The most bytes of the zip's central directory (one record per member, about 50 bytes with
#: Anki's numbered media names, up to 80 with zip64 extras), read before Python parses it.
MAX_DIRECTORY_BYTES = MAX_MEDIA_ENTRIES * 80 + (1 << 16)
#: The most bytes of media files a package may hold once uncompressed (a zip bomb is refused
#: before it fills the disk; large personal collections hold a few gigabytes).
MAX_MEDIA_BYTES = 16 << 30
#: The largest zstd window we allocate (Anki writes 8 MiB windows or less; zstd allows 128 MiB).
MAX_ZSTD_WINDOW = 1 << 27


def _check_name(name: str, origin: str, *, flat: bool = False) -> None:
    """Reject names that could leave a folder if anyone extracted them."""
    if flat:  # a media name: one plain file name (checked for up to 100,000 names, kept fast)
        bad = not name or name in (".", "..") or any(c in name for c in "/\\\x00:")
    else:
        # A member's name: a relative path with no ".." part, split by hand (PurePosixPath
        # took 5 ms for the 1,000 members of a large package; any backslash is refused).
        bad = (
            not name
            or name.startswith("/")
            or any(c in name for c in "\\\x00:")
            or ".." in name.split("/")
        )
    if bad:
        raise InputError(f"{origin} holds a file name that escapes its folder ({name[:80]!r}).")


def _directory_size(path: Path) -> int | None:
    """The size the zip's end record gives its central directory (None: no end record found).

    Python's zipfile reads and parses the whole central directory when it opens a file, one
    object per member; a small file can declare millions of members, so it is sized first.
    """
    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        tail_size = min(size, 22 + 0xFFFF + 20)
        handle.seek(size - tail_size)
        tail = handle.read(tail_size)
        end = tail.rfind(b"PK\x05\x06")
        if end < 0 or end + 22 > len(tail):
            return None
        directory = int(struct.unpack_from("<I", tail, end + 12)[0])
        locator = end - 20
        if (
            directory == 0xFFFFFFFF
            and locator >= 0
            and tail[locator : locator + 4] == b"PK\x06\x07"
        ):
            handle.seek(int(struct.unpack_from("<Q", tail, locator + 8)[0]))
            record = handle.read(56)
            if len(record) == 56 and record[:4] == b"PK\x06\x06":
                directory = int(struct.unpack_from("<Q", record, 40)[0])
    return directory


def _nothing() -> None:
    """A ``check`` that never stops the work."""


def _chunks(
    source: IO[bytes], budget: int, origin: str, check: Callable[[], None] = _nothing
) -> Iterator[bytes]:
    """Chunks of ``source``, raising as soon as more than ``budget`` bytes have come.

    ``check()`` runs before each chunk is read; it raises to stop (a cancelled import).
    """
    size = 0
    while True:
        check()
        chunk = source.read(_CHUNK)
        if not chunk:
            return
        size += len(chunk)
        if size > budget:
            raise InputError(f"{origin} is too large once uncompressed (over {budget:,} bytes).")
        yield chunk


def _decompressor() -> zstandard.ZstdDecompressor:
    return zstandard.ZstdDecompressor(max_window_size=MAX_ZSTD_WINDOW)


def _zstd_chunks(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    budget: int,
    origin: str,
    error: InputError,
    check: Callable[[], None] = _nothing,
) -> Iterator[bytes]:
    """The zstd-compressed member ``info``, uncompressed chunk by chunk within ``budget``.

    A frame that declares its size is refused from its header (``error``) when over budget.
    """
    with zf.open(info) as member:
        head = member.read(18)  # a zstd frame header is at most 18 bytes
        if zstandard.frame_content_size(head) > budget:
            raise error
        source = cast(IO[bytes], _Prefixed(head, member))  # it has what the reader calls
        with _decompressor().stream_reader(source) as reader:
            yield from _chunks(reader, budget, origin, check)


class _Prefixed:
    """A reader that gives ``head`` (already read from ``rest``) and then the rest of ``rest``.

    The zstd header is read to size the frame, then the same member is decompressed without
    opening it a second time.
    """

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        head = self._head
        if not head:
            return self._rest.read(size)
        if 0 <= size < len(head):
            self._head = head[size:]
            return head[:size]
        self._head = b""
        more = self._rest.read(-1 if size < 0 else size - len(head))
        return head + more


def _too_large(origin: str, cap: int) -> InputError:
    return InputError(f"{origin} is too large once uncompressed (over {cap:,} bytes).")


def _write_collection(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    target: Path,
    cap: int,
    origin: str,
    check: Callable[[], None] = _nothing,
) -> None:
    """Stream the collection member (zstd or not) into ``target``, never over ``cap`` bytes."""
    with zf.open(info) as member:
        magic = member.read(4)
    with target.open("wb") as out:
        if info.filename.endswith("21b") or magic == _ZSTD_MAGIC:
            chunks = _zstd_chunks(zf, info, cap, origin, _too_large(origin, cap), check)
            for chunk in chunks:
                out.write(chunk)
        else:
            with zf.open(info) as member:
                for chunk in _chunks(member, cap, origin, check):
                    out.write(chunk)


def _too_many_media(origin: str) -> InputError:
    return InputError(f"{origin} lists more than {MAX_MEDIA_ENTRIES:,} media files; it is refused.")


#: A media list entry: the zip member holding the file, and the file's name.
MediaEntry = tuple[str, str]


def _media_names(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    origin: str,
    check: Callable[[], None] = _nothing,
) -> tuple[list[MediaEntry], bool]:
    """The media list (protobuf MediaEntries in zstd, current; or legacy JSON).

    Returns:
        The entries, and whether the files are zstd-compressed (the current format).
    """
    with zf.open(info) as member:
        magic = member.read(4)
    if magic == _ZSTD_MAGIC:
        chunks = _zstd_chunks(
            zf, info, MAX_MEDIA_LIST_BYTES, origin, _too_many_media(origin), check
        )
        return _protobuf_names(b"".join(chunks), origin), True
    with zf.open(info) as member:
        data = b"".join(_chunks(member, MAX_MEDIA_LIST_BYTES, origin, check))
    return _json_names(data.decode("utf-8"), origin), False


def _protobuf_names(data: bytes, origin: str) -> list[MediaEntry]:
    """The MediaEntry messages (field 1) of a MediaEntries message.

    Each file is the member named by its index in the list, or by its ``legacy_zip_filename``
    (field 4) when that is set.
    """
    damaged = InputError(f"{origin} has a damaged media list.")
    names: list[MediaEntry] = []
    pos = 0
    while pos < len(data):
        key, pos = read_varint(data, pos)
        if key & 7 != 2:
            raise damaged
        length, pos = read_varint(data, pos)
        entry, pos = data[pos : pos + length], pos + length
        if pos > len(data):
            raise damaged
        if key >> 3 != 1:
            continue
        if len(names) >= MAX_MEDIA_ENTRIES:
            raise _too_many_media(origin)
        name, member = _entry_name(entry, damaged)
        names.append((str(len(names) if member is None else member), name))
    return names


def _entry_name(entry: bytes, damaged: InputError) -> tuple[str, int | None]:
    """Field 1 (the name) and field 4 (the legacy member number) of one MediaEntry message."""
    pos = 0
    name = ""
    member: int | None = None
    while pos < len(entry):
        key, pos = read_varint(entry, pos)
        wire = key & 7
        if wire == 0:
            number, pos = read_varint(entry, pos)
            if key >> 3 == 4:
                member = number
        elif wire in (1, 5):
            pos += 8 if wire == 1 else 4
        elif wire == 2:
            length, pos = read_varint(entry, pos)
            value, pos = entry[pos : pos + length], pos + length
            if pos > len(entry):
                raise damaged
            if key >> 3 == 1:
                name = value.decode("utf-8")
        else:
            raise damaged
    return name, member


_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _skip(text: str, pos: int) -> int:
    match = _WS.match(text, pos)
    return match.end() if match else pos


def _string(text: str, pos: int, damaged: InputError) -> tuple[str, int]:
    """The JSON string at ``pos`` (nothing but a string is parsed) and the position after it."""
    if not text.startswith('"', pos):
        raise damaged
    value, end = _DECODER.raw_decode(text, pos)
    if not isinstance(value, str):
        raise damaged
    return value, end


def _json_names(text: str, origin: str) -> list[MediaEntry]:
    """The values of the legacy media list, a JSON object of strings (``{"0": "a.jpg"}``).

    Parsed string by string, so that anything but an object of strings is refused as it is met
    and no more than the cap of entries is ever built (``json.loads`` would first build every
    object of a 32 MiB list of tiny ones: a gigabyte).
    """
    damaged = InputError(f"{origin} has a damaged media list.")
    names: list[MediaEntry] = []
    pos = _skip(text, 0)
    if pos == len(text):
        return names
    if text[pos] != "{":
        raise damaged
    pos = _skip(text, pos + 1)
    closing = text.startswith("}", pos)
    while not closing:
        key, pos = _string(text, pos, damaged)
        pos = _skip(text, pos)
        if not text.startswith(":", pos):
            raise damaged
        if len(names) >= MAX_MEDIA_ENTRIES:
            raise _too_many_media(origin)
        name, pos = _string(text, _skip(text, pos + 1), damaged)
        names.append((key, name))
        pos = _skip(text, pos)
        closing = text.startswith("}", pos)
        if not closing:
            if not text.startswith(",", pos):
                raise damaged
            pos = _skip(text, pos + 1)
    if text[pos + 1 :].strip():
        raise damaged
    return names


@dataclass
class Extracted:
    """What :func:`extract_collection` wrote out of a package."""

    origin: str
    """The package's file name, for messages."""
    collection: Path
    """The SQLite collection."""
    media: list[tuple[str, Path]] = field(default_factory=list)
    """Each media file's name in the package (not yet made safe) and where it was written."""
    warnings: list[str] = field(default_factory=list)
    """What the user should know (media the list names but the package does not hold)."""


#: One media file of a package: its name in the package (not yet made safe) and its bytes,
#: uncompressed chunk by chunk (one chunk for all but the largest files). A chunk may be a view
#: of a buffer the package reuses: it is to be written before the next chunk is asked for.
MediaFile = tuple[str, Iterator[bytes | memoryview]]


@dataclass
class Package:
    """An open package: its collection written out, its media files still in the zip.

    The media files are read by :meth:`media_files` while the package is open, so that the
    importer writes each one once, straight to where it goes.
    """

    origin: str
    """The package's file name, for messages."""
    collection: Path
    """The SQLite collection, written out."""
    media_count: int
    """How many media files the package holds (its list may name more: see ``warnings``)."""
    warnings: list[str]
    """What the user should know (media the list names but the package does not hold)."""
    _zf: zipfile.ZipFile
    _members: StoredMembers
    _present: list[tuple[zipfile.ZipInfo, str]]
    _zstd: zstandard.ZstdDecompressor | None
    _media_cap: int

    def media_files(self, check: Callable[[], None] = _nothing) -> Iterator[MediaFile]:
        """Each media file the package holds, within the package's media budget.

        Each chunk is to be used (written) before the next one is asked for, each file's
        chunks before the next file; a file whose chunks are not read (a name no file can
        have) does not count against the budget.
        ``check()`` runs before each file and between chunks of a large one.

        Raises:
            InputError: (While the chunks are read.) If the files together are larger than the
                budget once uncompressed, or the package is damaged.
        """
        left = [self._media_cap]
        for info, name in self._present:
            check()
            if info.file_size > left[0]:
                raise _media_too_large(self.origin, self._media_cap)
            yield name, self._counted(info, left, check)

    def _counted(
        self, info: zipfile.ZipInfo, left: list[int], check: Callable[[], None]
    ) -> Iterator[bytes | memoryview]:
        """The chunks of one member, taking what they hold off ``left[0]``."""
        with _package_errors(self.origin):
            chunks = _member_chunks(
                self._zf,
                self._members,
                info,
                self._zstd,
                left[0],
                self._media_cap,
                self.origin,
                check,
            )
            for chunk in chunks:
                left[0] -= len(chunk)
                yield chunk


def extract_collection(
    path: Path,
    folder: Path,
    cap: int = MAX_UNCOMPRESSED_BYTES,
    *,
    check: Callable[[], None] = _nothing,
    media_cap: int = MAX_MEDIA_BYTES,
) -> Extracted:
    """Check an Anki package and write its collection database and media files into ``folder``.

    Media files are written under numbered names (``media/0``...), never under the names the
    package gives them. (The importer uses :func:`open_package`, which writes each media file
    once, into the media folder.)

    Args and Raises: as :func:`open_package`.
    """
    with open_package(path, folder, cap, check=check, media_cap=media_cap) as package:
        extracted = Extracted(package.origin, package.collection, warnings=package.warnings)
        if package.media_count:
            (folder / "media").mkdir()
        for index, (name, chunks) in enumerate(package.media_files(check)):
            target = folder / "media" / str(index)
            with open(target, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
            extracted.media.append((name, target))
    return extracted


@contextmanager
def open_package(
    path: Path,
    folder: Path,
    cap: int = MAX_UNCOMPRESSED_BYTES,
    *,
    check: Callable[[], None] = _nothing,
    media_cap: int = MAX_MEDIA_BYTES,
) -> Iterator[Package]:
    """Check an Anki package, write its collection database into ``folder``, keep it open.

    Every name the package holds or lists is checked and the media list read (a hostile one is
    refused before anything is written); the media files are read later, through
    :meth:`Package.media_files`, while the package is open.

    Args:
        path: The ``.apkg`` or ``.colpkg`` file.
        folder: A private temporary folder.
        cap: The most uncompressed bytes accepted for the collection.
        check: Called between chunks of the media list and of the collection; it raises to
            stop the work (the caller removes ``folder``).
        media_cap: The most uncompressed bytes accepted for all media files together.

    Yields:
        The open package.

    Raises:
        InputError: If the file is not a zip, names a file outside the folder, is too large
            once uncompressed, lists too many media files, or holds no collection.
    """
    origin = path.name
    try:
        directory = _directory_size(path)
    except OSError as exc:
        raise InputError(f"{origin} cannot be read ({exc.strerror or exc}).") from None
    if directory is not None and directory > MAX_DIRECTORY_BYTES:
        raise InputError(
            f"{origin} holds too many files (more than {MAX_MEDIA_ENTRIES:,} media files);"
            " it is refused."
        )
    collection = folder / "collection.sqlite"
    with _open_zip(path, origin) as zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEDIA_ENTRIES + 16:
            raise _too_many_media(origin)
        for info in infos:
            _check_name(info.filename, origin)
        by_name = {info.filename: info for info in infos}
        chosen = next((n for n in COLLECTION_NAMES if n in by_name), None)
        if chosen is None:
            raise InputError(f"{origin} holds no Anki collection.")
        if by_name[chosen].file_size > cap:
            raise _too_large(origin, cap)
        media = by_name.get("media")
        if media is not None and media.file_size > MAX_MEDIA_LIST_BYTES:
            raise _too_many_media(origin)
        with _package_errors(origin):
            # The media list first: refusing it is cheaper than writing the collection.
            entries, zstd = (
                _media_names(zf, media, origin, check) if media is not None else ([], False)
            )
            check()
            for _, name in entries:
                _check_name(name, origin, flat=True)
            _write_collection(zf, by_name[chosen], collection, cap, origin, check)
        present, warnings = _present_media(by_name, entries)
        dctx = _decompressor() if zstd else None  # one for all files: 5 ms less for 1,000
        with _open_file(path, origin) as handle:
            members = StoredMembers(handle, WHOLE_MEMBER_BYTES)
            yield Package(
                origin, collection, len(present), warnings, zf, members, present, dctx, media_cap
            )


def _open_file(path: Path, origin: str) -> FileIO:
    """The package opened a second time, unbuffered, for its stored media members."""
    try:
        return open(path, "rb", buffering=0)  # noqa: SIM115 (closed by the caller's with)
    except OSError as exc:
        raise InputError(f"{origin} cannot be read ({exc.strerror or exc}).") from None


def _open_zip(path: Path, origin: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise InputError(f"{origin} is not an Anki package (not a zip file).") from None
    except NotImplementedError:  # a zip feature Python cannot read (found by fuzzing)
        raise InputError(f"{origin} uses a zip format that cannot be read.") from None


@contextmanager
def _package_errors(origin: str) -> Iterator[None]:
    """Turn what a damaged or odd package raises while it is read into one sentence."""
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, zstandard.ZstdError, EOFError, OSError) as exc:
        raise InputError(f"{origin} is damaged ({_one_line(exc)}).") from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"{origin} has a damaged media list ({_one_line(exc)}).") from None
    except (NotImplementedError, RuntimeError) as exc:  # unknown compression, encryption
        raise InputError(f"{origin} cannot be read ({_one_line(exc)}).") from None


def _present_media(
    by_name: dict[str, zipfile.ZipInfo], entries: list[MediaEntry]
) -> tuple[list[tuple[zipfile.ZipInfo, str]], list[str]]:
    """The members holding the listed media files; a warning naming those not in the package."""
    present: list[tuple[zipfile.ZipInfo, str]] = []
    absent: list[str] = []
    for member, name in entries:
        info = by_name.get(member)
        if info is None or member in COLLECTION_NAMES or member in {"media", "meta"}:
            absent.append(name)
        else:
            present.append((info, name))
    warnings = []
    if absent:
        shown = ", ".join(absent[:5]) + (", ..." if len(absent) > 5 else "")
        warnings.append(f"{len(absent)} media file(s) the package lists are not in it: {shown}.")
    return present, warnings


#: Media members up to this size (as their header gives it; zipfile never reads more) are read
#: whole: one read instead of a chain of chunked ones (1,000 typical files took 0.3 s chunked).
WHOLE_MEMBER_BYTES = 16 << 20
#: The buffer a zstd media file is uncompressed into, reused for every file: all but the
#: largest files take one chunk of it. (A new bytes object per file costs what the allocator
#: makes it cost: 0.01-0.06 s for 1,000 files of 110 MB as the heap stood; this, 0.014 s.)
ZSTD_OUT_BYTES = 4 << 20


def _member_chunks(
    zf: zipfile.ZipFile,
    members: StoredMembers,
    info: zipfile.ZipInfo,
    zstd: zstandard.ZstdDecompressor | None,
    budget: int,
    cap: int,
    origin: str,
    check: Callable[[], None],
) -> Iterator[bytes | memoryview]:
    """A media member's bytes, uncompressed (zstd in the current format) within ``budget``.

    ``zstd``: the package's decompressor (one for all its files) if its files are zstd.
    A chunk may be a view of a buffer reused for the next one.
    """
    too_large = _media_too_large(origin, cap)
    try:
        if info.file_size <= WHOLE_MEMBER_BYTES:
            # Anki stores its media members: one read through the open file, CRC checked.
            raw = members.read(info) if members.takes(info) else zf.read(info)
            if zstd is None:
                yield raw
                return
            if zstandard.frame_content_size(raw[:18]) > budget:
                raise too_large
            # Streamed into one buffer, within the budget whatever the frame claims (a bomb
            # stops there); media files hardly compress, so most take one chunk.
            with zstd.stream_reader(raw) as reader:
                out = members.output(ZSTD_OUT_BYTES)
                yield from _chunks_into(reader, out, budget, too_large, check)
            return
        if zstd is not None:
            yield from _zstd_chunks(zf, info, budget, origin, too_large, check)
            return
        with zf.open(info) as member:
            yield from _chunks(member, budget, origin, check)
    except InputError as exc:
        if "too large" in str(exc):  # the budget, whichever reader met it
            raise too_large from None
        raise


def _chunks_into(
    reader: zstandard.ZstdDecompressionReader,
    out: memoryview,
    budget: int,
    error: InputError,
    check: Callable[[], None],
) -> Iterator[memoryview]:
    """What ``reader`` gives, read into ``out`` chunk by chunk; ``error`` once over ``budget``.

    ``check()`` runs after each chunk (a large file may take many).
    """
    size = 0
    while True:
        count = reader.readinto(out)
        if not count:
            return
        size += count
        if size > budget:
            raise error
        yield out[:count]
        check()


def _media_too_large(origin: str, cap: int) -> InputError:
    return InputError(
        f"{origin} holds more than {cap:,} bytes of media once uncompressed; it is refused."
    )


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text[:200]
