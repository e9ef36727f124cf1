"""A package's stored members read through one open file into one buffer kept for them all.

Python's zipfile opens every member anew (a seek, the local header parsed, objects built, the
CRC-32 taken chunk by chunk): 0.07-0.10 s for the 1,000 media files (110 MB) of a large Anki
package, where one read of the same bytes into a buffer takes 0.015 s. Anki stores its media
members (the current format compresses them with zstd first), so a stored member is read here
with one seek and one read, and checked as zipfile checks it, and more:

- its local header is a local header and names the member the central directory names;
- the checksum and sizes the local header gives, when it gives them (no data descriptor, no
  zip64 marker), are the central directory's, so no other reader finds other bytes there;
- the bytes' CRC-32 is the central directory's, checked before any of them is used.

Whatever does not match raises :class:`zipfile.BadZipFile`, as zipfile would; the package
reader turns it into one sentence. Members this does not take (compressed, encrypted, large)
are read by zipfile.
"""

from __future__ import annotations

import struct
import zipfile
from io import FileIO

from zlib_ng.zlib_ng import crc32  # zlib's CRC-32, with the CPU's carry-less multiply

#: The local file header (as zipfile's ``structFileHeader``): signature, versions, flags,
#: method, time, date, CRC-32, compressed and uncompressed sizes, name and extra lengths.
_HEADER = struct.Struct("<4s2B4HL2L2H")
_SIGNATURE = b"PK\x03\x04"
#: Flags: data descriptor (3: the header's CRC and sizes are zero), compressed
#: patched data (5), encryption (0, 6), UTF-8 names (11).
_DESCRIPTOR = 0x08
_UNREADABLE = 0x01 | 0x20 | 0x40
_UTF8 = 0x800
#: A local size that says "see the zip64 extra field".
_ZIP64 = 0xFFFFFFFF
#: Room read after a member's bytes for its local name and extra field, so that one read
#: takes header and bytes together (Anki's names are numbers; its members have no extra).
_SLACK = 256


class StoredMembers:
    """The stored members of one zip, read one at a time into a buffer reused for each.

    Args:
        handle: The zip file, opened unbuffered (``open(path, "rb", buffering=0)``); the
            caller closes it.
        largest: The largest member :meth:`takes` accepts, in bytes.
    """

    def __init__(self, handle: FileIO, largest: int) -> None:
        self._file = handle
        self._largest = largest
        self._buffer = bytearray()
        self._output = bytearray()

    def output(self, size: int) -> memoryview:
        """A second buffer of ``size`` bytes, kept as the first, for what a member uncompresses to.

        The view is valid until the next call.
        """
        if len(self._output) != size:
            self._output = bytearray(size)
        return memoryview(self._output)

    def takes(self, info: zipfile.ZipInfo) -> bool:
        """Whether :meth:`read` reads ``info``: stored, not encrypted, not over the size."""
        return (
            info.compress_type == zipfile.ZIP_STORED
            and not info.flag_bits & _UNREADABLE
            and info.compress_size == info.file_size <= self._largest
        )

    def read(self, info: zipfile.ZipInfo) -> memoryview:
        """The bytes of the stored member ``info``, checked (see the module's description).

        The view is valid until the next call: the buffer is reused.

        Raises:
            zipfile.BadZipFile: If the member is truncated, its local header does not match
                the central directory, or its bytes do not match their CRC-32.
            OSError: If the file cannot be read.
        """
        size = info.compress_size
        wanted = _HEADER.size + size + _SLACK
        view = self._room(wanted)
        got = self._read_at(info.header_offset, view[:wanted])
        if got < _HEADER.size:
            raise zipfile.BadZipFile("Truncated file header")
        (signature, _, _, flags, method, _, _, crc, compressed, plain, name_length, extra) = (
            _HEADER.unpack_from(view)
        )
        if signature != _SIGNATURE:
            raise zipfile.BadZipFile("Bad magic number for file header")
        start = _HEADER.size + name_length + extra
        end = start + size
        if end > wanted:  # a long name or extra field: read the rest after what we have
            view = self._room(end, keep=got)
            got += self._read_at(info.header_offset + got, view[got:end])
        if got < end:
            raise zipfile.BadZipFile(f"Truncated member {info.filename!r}")
        name = bytes(view[_HEADER.size : _HEADER.size + name_length])
        if _decoded(name, flags) != info.orig_filename:
            raise zipfile.BadZipFile(
                f"File name in directory {info.orig_filename!r} and header {name!r} differ."
            )
        differs = not flags & _DESCRIPTOR and (
            crc != info.CRC or compressed not in (size, _ZIP64) or plain not in (size, _ZIP64)
        )
        if method != zipfile.ZIP_STORED or flags & _UNREADABLE or differs:
            raise zipfile.BadZipFile(
                f"Local header of {info.filename!r} differs from the central directory."
            )
        data = view[start:end]
        if crc32(data) != info.CRC:
            raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
        return data

    def _room(self, size: int, keep: int = 0) -> memoryview:
        """A view of the buffer, at least ``size`` bytes, its first ``keep`` bytes kept.

        A larger buffer is a new one (a view of the old one may still be held by a caller).
        """
        if len(self._buffer) < size:
            bigger = bytearray(max(size, len(self._buffer) * 2))
            bigger[:keep] = self._buffer[:keep]
            self._buffer = bigger
        return memoryview(self._buffer)

    def _read_at(self, offset: int, into: memoryview) -> int:
        """Read into ``into`` from ``offset``; how many bytes came (fewer only at the end)."""
        self._file.seek(offset)
        got = 0
        while got < len(into):
            count = self._file.readinto(into[got:])
            if not count:
                break
            got += count
        return got


def _decoded(name: bytes, flags: int) -> str | None:
    """A local header's name as zipfile decodes it (None: not the UTF-8 it claims)."""
    try:
        return name.decode("utf-8" if flags & _UTF8 else "cp437")
    except UnicodeDecodeError:
        return None
