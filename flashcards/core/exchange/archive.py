"""Reading Anki packages safely: members read in memory with size caps, nothing extracted."""

from __future__ import annotations

import json
import zipfile
import zlib
from pathlib import Path, PurePosixPath

import zstandard

from flashcards.core.errors import InputError
from flashcards.core.exchange.common import MAX_UNCOMPRESSED_BYTES, protobuf_fields

#: Collection files in order of preference: the current format first (newer packages also hold
#: a dummy ``collection.anki2`` that only asks the user to update Anki).
COLLECTION_NAMES = ("collection.anki21b", "collection.anki21", "collection.anki2")
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def _check_name(name: str, origin: str, *, flat: bool = False) -> None:
    """Reject names that could leave a folder if anyone extracted them."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    bad = (
        not name
        or name.startswith(("/", "\\"))
        or "\\" in name
        or "\x00" in name
        or ":" in name
        or any(part == ".." for part in parts)
        or (flat and "/" in name)
    )
    if bad:
        raise InputError(f"{origin} holds a file name that escapes its folder ({name[:80]!r}).")


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, origin: str) -> bytes:
    """Read one member in memory, never more than ``budget`` bytes whatever its header says."""
    chunks: list[bytes] = []
    size = 0
    with zf.open(info) as member:
        while chunk := member.read(1 << 20):
            size += len(chunk)
            if size > budget:
                raise InputError(f"{origin} is too large once uncompressed.")
            chunks.append(chunk)
    return b"".join(chunks)


def _unzstd(data: bytes, budget: int, origin: str) -> bytes:
    reader = zstandard.ZstdDecompressor().stream_reader(data)
    chunks: list[bytes] = []
    size = 0
    while chunk := reader.read(1 << 20):
        size += len(chunk)
        if size > budget:
            raise InputError(f"{origin} is too large once uncompressed.")
        chunks.append(chunk)
    return b"".join(chunks)


def _media_names(data: bytes, budget: int, origin: str) -> list[str]:
    if not data.strip():
        return []
    if data.startswith(_ZSTD_MAGIC):  # current format: zstd-compressed protobuf MediaEntries
        entries = protobuf_fields(_unzstd(data, budget, origin)).get(1, [])
        names = []
        for entry in entries:
            if not isinstance(entry, bytes):
                raise InputError(f"{origin} has a damaged media list.")
            name = protobuf_fields(entry).get(1, [b""])[0]
            if not isinstance(name, bytes):
                raise InputError(f"{origin} has a damaged media list.")
            names.append(name.decode("utf-8"))
        return names
    mapping = json.loads(data.decode("utf-8"))
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise InputError(f"{origin} has a damaged media list.")
    return list(mapping.values())


def extract_collection(
    path: Path, folder: Path, cap: int = MAX_UNCOMPRESSED_BYTES
) -> tuple[Path, list[str]]:
    """Check an Anki package and write its collection database into ``folder``.

    Args:
        path: The ``.apkg`` or ``.colpkg`` file.
        folder: A private temporary folder.
        cap: The most uncompressed bytes accepted.

    Returns:
        The path of the SQLite collection and warnings for the user (media not imported).

    Raises:
        InputError: If the file is not a zip, names a file outside the folder, is too large
            once uncompressed, or holds no collection.
    """
    origin = path.name
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise InputError(f"{origin} is not an Anki package (not a zip file).") from None
    except NotImplementedError:  # a zip feature Python cannot read (found by fuzzing)
        raise InputError(f"{origin} uses a zip format that cannot be read.") from None
    with zf:
        infos = zf.infolist()
        for info in infos:
            _check_name(info.filename, origin)
        if sum(info.file_size for info in infos) > cap:
            raise InputError(f"{origin} is too large once uncompressed (over {cap} bytes).")
        by_name = {info.filename: info for info in infos}
        chosen = next((n for n in COLLECTION_NAMES if n in by_name), None)
        if chosen is None:
            raise InputError(f"{origin} holds no Anki collection.")
        try:
            data = _read_member(zf, by_name[chosen], cap, origin)
            if chosen.endswith("21b") or data.startswith(_ZSTD_MAGIC):
                data = _unzstd(data, cap, origin)
            media = _read_member(zf, by_name["media"], cap, origin) if "media" in by_name else b""
        except (zipfile.BadZipFile, zlib.error, zstandard.ZstdError, EOFError, OSError) as exc:
            raise InputError(f"{origin} is damaged ({_one_line(exc)}).") from None
        except (NotImplementedError, RuntimeError) as exc:  # unknown compression, encryption
            raise InputError(f"{origin} cannot be read ({_one_line(exc)}).") from None
    try:
        names = _media_names(media, cap, origin)
    except (UnicodeDecodeError, json.JSONDecodeError, zstandard.ZstdError) as exc:
        raise InputError(f"{origin} has a damaged media list ({_one_line(exc)}).") from None
    for name in names:
        _check_name(name, origin, flat=True)
    warnings = []
    if names:
        warnings.append(
            f"{len(names)} media file(s) were not imported (images and sounds are not supported)."
        )
    target = folder / "collection.sqlite"
    target.write_bytes(data)
    return target, warnings


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text[:200]
