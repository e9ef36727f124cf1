"""The collection's media folder: images and sounds the cards show, kept as Anki keeps them.

Media files live in one flat folder beside the collection (``collection.media`` beside
``collection.db``, as Anki keeps ``collection.media`` beside ``collection.anki2``), and notes
name them in their fields: ``<img src="cat.jpg">`` and ``[sound:meow.mp3]``. A name is always
one plain file name, made safe on the way in (:func:`safe_name`), so no reference and no
package can reach outside the folder. Adding never overwrites: a file with the same name and the
same bytes is reused; a different file of that name is stored as ``name-<sha1>.ext`` and the
caller rewrites its references (:func:`rename_references`), as Anki does.

Nothing here deletes a file: Check Media moves unused files into a trash folder beside the
media folder (``collection.media.trash``), from where the learner can take them back.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from flashcards.core.errors import InputError

#: Longest name kept, in UTF-8 bytes (Anki's limit: with the folder's path it stays under the
#: 255-byte limits of common file systems, and eCryptFS's longer names).
MAX_NAME_BYTES = 120
#: Characters no media name keeps: path separators, what Windows forbids, what Anki removes.
_ILLEGAL_RE = re.compile(r'[\[\]<>:"/?*^\\|\x00-\x1f\x7f]')
_WINDOWS_DEVICE_RE = re.compile(r"(?i)^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$")
#: ``src`` of the elements that load a file (Anki's field references, and HTML audio/video).
_SRC_RE = re.compile(
    r"""(?is)(<(?:img|audio|video|source|embed)\b[^>]*?\ssrc\s*=\s*)"""
    r"""(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"""
)
_SOUND_RE = re.compile(r"\[sound:([^\]]+)\]")
_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_CHUNK = 1 << 20


def safe_name(name: str) -> str:
    """A media name that is one plain file name, as Anki writes it.

    NFC-normalised; path separators, characters Windows forbids and control characters are
    removed; trailing dots and spaces go; a Windows device name (``con``, ``lpt1.txt``) gets a
    ``_``; a name longer than :data:`MAX_NAME_BYTES` is shortened before its extension.

    Raises:
        InputError: If nothing of the name is left (``..``, ``///``, an empty name).
    """
    text = unicodedata.normalize("NFC", name)
    text = _ILLEGAL_RE.sub("", text).strip().rstrip(". ")
    if _WINDOWS_DEVICE_RE.match(text):
        stem, dot, ext = text.partition(".")
        text = f"{stem}_{dot}{ext}"
    if len(text.encode()) > MAX_NAME_BYTES:
        text = _shorten(text)
    if not text or text in {".", ".."} or text.startswith(".."):
        raise InputError(f"{name!r} cannot be the name of a media file.")
    return text


def is_safe_name(name: str) -> bool:
    """Whether ``name`` is a media name as :func:`safe_name` writes it (one plain file name)."""
    try:
        return safe_name(name) == name
    except InputError:
        return False


def _shorten(name: str) -> str:
    stem, ext = os.path.splitext(name)
    ext = ext if len(ext.encode()) <= 16 else ""
    budget = MAX_NAME_BYTES - len(ext.encode())
    cut = stem.encode()[:budget].decode(errors="ignore").rstrip(". ")
    return cut + ext


def _hashed_name(name: str, digest: str) -> str:
    """``name`` with the file's SHA-1 before its extension (Anki's name for a clash)."""
    stem, ext = os.path.splitext(name)
    room = MAX_NAME_BYTES - len(ext.encode()) - len(digest) - 1
    stem = stem.encode()[: max(room, 0)].decode(errors="ignore")
    return f"{stem}-{digest}{ext}"


def _local(value: str) -> str | None:
    """The media name an attribute value names, or None for a URL, a data: URI or nothing."""
    value = html.unescape(value).strip()
    if not value or _SCHEME_RE.match(value) or value.startswith("//"):
        return None
    return unquote(value) if "%" in value else value


def references(text: str) -> list[str]:
    """The media names a field (or template) refers to, in order, each once.

    ``<img src>``, ``<audio>``/``<video>``/``<source>``/``<embed>`` ``src`` and ``[sound:…]``;
    URLs (``https:``, ``data:``) are not media of the collection.
    """
    found: dict[str, None] = {}
    for match in _SRC_RE.finditer(text):
        name = _local(match.group(2) or match.group(3) or match.group(4) or "")
        if name:
            found.setdefault(name)
    for match in _SOUND_RE.finditer(text):
        name = html.unescape(match.group(1)).strip()
        if name and not _SCHEME_RE.match(name):
            found.setdefault(name)
    return list(found)


def rename_references(text: str, renamed: Mapping[str, str]) -> str:
    """``text`` with its media references renamed (old name → new name)."""
    if not renamed:
        return text

    def src(match: re.Match[str]) -> str:
        raw = match.group(2) or match.group(3) or match.group(4) or ""
        name = _local(raw)
        if name is None or name not in renamed:
            return match.group(0)
        return f'{match.group(1)}"{html.escape(renamed[name])}"'

    def sound(match: re.Match[str]) -> str:
        name = html.unescape(match.group(1)).strip()
        return f"[sound:{renamed[name]}]" if name in renamed else match.group(0)

    return _SOUND_RE.sub(sound, _SRC_RE.sub(src, text))


def missing_media_sentence(names: list[str]) -> str:
    """One sentence naming media files the notes use that the folder does not hold."""
    shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
    return (
        f"{len(names)} media file(s) the notes use are not in the media folder and were"
        f" left out: {shown}."
    )


def template_text(notetype: dict[str, Any]) -> str:
    """A note type's templates and style sheet as one text (for the ``_`` files they name)."""
    parts = [str(notetype.get("css") or "")]
    for template in notetype.get("tmpls") or []:
        parts.extend(str(template.get(side) or "") for side in ("qfmt", "afmt"))
    return "\n".join(parts)


def file_sha1(path: Path) -> str:
    """The SHA-1 of a file, read in chunks."""
    digest = hashlib.sha1(usedforsecurity=False)
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class MediaCheck:
    """What Check Media found: names notes use that are missing, files no note uses."""

    missing: dict[str, list[int]] = field(default_factory=dict)
    """Each missing name with the ids of the notes that refer to it."""
    unused: list[str] = field(default_factory=list)
    """Files in the folder no note or note type refers to."""
    referenced: int = 0
    """How many distinct names the notes and note types refer to."""


#: How often a file is given a new name when the one chosen was taken before it got there.
_ATTEMPTS = 5


class NameTakenError(OSError):
    """The name chosen for a file was taken by another file before it got there."""


def place(source: Path, target: Path) -> None:
    """Move ``source`` to ``target`` in the same folder, never over a file already there.

    The media folder is written from more than one thread (a sync's downloads beside the
    editor's additions), so a name found free may be taken by the time the file gets there: a
    hard link puts the file there only if the name is still free, in one step. Where the file
    system has no hard links (FAT on a memory stick), the name is looked at just before.

    Raises:
        NameTakenError: If a file of that name is there; ``source`` is left where it was.
        OSError: If the file cannot be moved (another file system: copy it instead).
    """
    try:
        os.link(source, target)
    except FileExistsError:
        raise NameTakenError(f"{target.name} is taken") from None
    except OSError:
        if target.exists():
            raise NameTakenError(f"{target.name} is taken") from None
        os.replace(source, target)  # no hard links here
        return
    os.unlink(source)


class MediaFolder:
    """The media folder of one collection.

    Args:
        folder: The folder (created when the first file is added); None for a collection that
            is not a file (an in-memory database), which has no media.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    @classmethod
    def beside(cls, db_path: Path | None) -> MediaFolder:
        """The media folder of the collection file ``db_path`` (``collection.media``)."""
        return cls(None if db_path is None else db_path.with_suffix(".media"))

    @property
    def trash(self) -> Path | None:
        """Where Check Media puts unused files (beside the folder)."""
        return None if self.folder is None else self.folder.with_name(self.folder.name + ".trash")

    def _require(self) -> Path:
        if self.folder is None:
            raise InputError("This collection is not a file, so it has no media folder.")
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder

    def path(self, name: str) -> Path | None:
        """The file of a media name if it is in the folder; None otherwise.

        Only a plain file name already safe (:func:`safe_name` keeps it as it is) is looked
        up, so no name (``../x``, ``/etc/passwd``, ``a/b``) reaches outside the folder.
        """
        if self.folder is None or not is_safe_name(name):
            return None
        path = self.folder / name
        return path if path.is_file() and not path.is_symlink() else None

    def names(self) -> list[str]:
        """The names of the files in the folder, sorted."""
        if self.folder is None or not self.folder.is_dir():
            return []
        return sorted(
            entry.name
            for entry in os.scandir(self.folder)
            if entry.is_file(follow_symlinks=False) and not entry.name.startswith(".")
        )

    def add_file(
        self,
        source: Path,
        name: str | None = None,
        *,
        move: bool = False,
    ) -> str:
        """Copy a file into the folder; its stored name (see the module docstring).

        Args:
            source: The file to copy.
            name: The name to store it as (default: the file's own name); made safe.
            move: The source is a temporary file: move it in when it is on the same file
                system (no second copy of a large file), copy it otherwise.

        Raises:
            InputError: If the collection has no folder, the name is unusable or the file
                cannot be read or written.
        """
        wanted = safe_name(name if name is not None else source.name)
        folder = self._require()
        try:
            for _attempt in range(_ATTEMPTS):
                # The file is read for its SHA-1 only when its name is taken (a free name, the
                # usual case of an import, needs none).
                final, present = self._free_name(folder, wanted, lambda: file_sha1(source))
                if present:
                    return final
                try:
                    if move:
                        try:
                            place(source, folder / final)
                            return final
                        except NameTakenError:
                            raise
                        except OSError:
                            pass  # another file system: copied below
                    self._copy_in(source, folder / final)
                    return final
                except NameTakenError:
                    continue  # another thread took the name meanwhile: choose again
        except OSError as exc:
            raise InputError(f"{wanted} cannot be added ({exc.strerror or exc}).") from None
        raise InputError(f"{wanted} cannot be added (its name was taken again and again).")

    def add_bytes(self, name: str, data: bytes) -> str:
        """Store bytes (a pasted image) as a media file; its stored name."""
        wanted = safe_name(name)
        folder = self._require()
        digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()
        try:
            for _attempt in range(_ATTEMPTS):
                final, present = self._free_name(folder, wanted, lambda: digest)
                try:
                    if not present:
                        self._write_atomically(folder / final, data)
                    return final
                except NameTakenError:
                    continue  # another thread took the name meanwhile: choose again
        except OSError as exc:
            raise InputError(f"{wanted} cannot be added ({exc.strerror or exc}).") from None
        raise InputError(f"{wanted} cannot be added (its name was taken again and again).")

    @staticmethod
    def _free_name(folder: Path, wanted: str, digest_of: Callable[[], str]) -> tuple[str, bool]:
        """``wanted`` if free or holding the same bytes; else the hashed name.

        ``digest_of()`` gives the new file's SHA-1; it is asked only when the name is taken.

        Returns:
            The name, and whether a file of that name is in the folder already (one check of
            the folder for a free name, the usual case of an import).
        """
        existing = folder / wanted
        if not existing.exists():
            return wanted, False
        digest = digest_of()
        if existing.is_file() and file_sha1(existing) == digest:
            return wanted, True
        hashed = _hashed_name(wanted, digest)
        return hashed, (folder / hashed).exists()

    @staticmethod
    def _copy_in(source: Path, target: Path) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".adding-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                shutil.copyfileobj(src, out, _CHUNK)
            place(Path(tmp), target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @staticmethod
    def _write_atomically(target: Path, data: bytes) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".adding-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            place(Path(tmp), target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def check(
        self, notes: Iterable[tuple[int, Iterable[str]]], templates: Iterable[str]
    ) -> MediaCheck:
        """Compare what notes and note types refer to with the files in the folder.

        Args:
            notes: Each note's id with its fields (HTML).
            templates: Every note type's templates and style sheet; a file they name whose
                name starts with ``_`` (a font, a script: Anki's convention) counts as used.
        """
        result = MediaCheck()
        present = set(self.names())
        used: set[str] = set()
        for note_id, fields in notes:
            for text in fields:
                for name in references(text):
                    used.add(name)
                    if name not in present:
                        result.missing.setdefault(name, []).append(note_id)
        named = "\n".join(templates)
        for name in present:
            if name.startswith("_") and name in named:
                used.add(name)
        result.referenced = len(used)
        result.unused = sorted(present - used)
        return result

    def move_to_trash(self, names: Iterable[str]) -> list[str]:
        """Move files out of the folder into its trash folder; the names moved."""
        trash = self.trash
        moved: list[str] = []
        if trash is None:
            return moved
        for name in names:
            path = self.path(name)
            if path is None:
                continue
            trash.mkdir(parents=True, exist_ok=True)
            target = trash / name
            if target.exists():
                target = trash / _hashed_name(name, file_sha1(path))
            os.replace(path, target)
            moved.append(name)
        return moved


__all__ = [
    "MAX_NAME_BYTES",
    "MediaCheck",
    "MediaFolder",
    "file_sha1",
    "is_safe_name",
    "missing_media_sentence",
    "references",
    "rename_references",
    "safe_name",
    "template_text",
]
