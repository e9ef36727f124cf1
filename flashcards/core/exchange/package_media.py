"""Media across the Anki border: files a package brings in, files an export takes along.

Importing: every media file of a package is added to the collection's media folder under a
safe name (:func:`flashcards.core.media.safe_name`); a file whose name is taken by different
bytes is stored under Anki's hashed name, and the notes and note types that came with it are
rewritten to that name before they are written, as Anki's importer does. The files are added
before the import's transaction commits, so a committed note never names a file that is not
there; if the transaction fails or is cancelled, the files it added are removed again.

Exporting: a package carries every file its notes refer to, and the ``_`` files (fonts,
scripts) its note types name, under Anki's legacy media list (``{"0": "name"}``).
"""

from __future__ import annotations

import os
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from flashcards.core.errors import InputError
from flashcards.core.exchange.common import Incoming
from flashcards.core.media import MediaFolder, references, rename_references, safe_name


@dataclass
class StagedMedia:
    """The media files an import added, so that a failed import can take them back."""

    added: int = 0
    """Files that were not in the folder before."""
    present: int = 0
    """Files the folder held already (same name, same bytes)."""
    created: list[Path] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)
    """Names in the package whose file is stored under another name (made safe, or hashed)."""
    warnings: list[str] = field(default_factory=list)

    def undo(self) -> None:
        """Remove the files this import added (its transaction did not commit)."""
        for path in self.created:
            path.unlink(missing_ok=True)
        self.created.clear()


def stage_media(
    media: MediaFolder,
    files: Iterable[tuple[str, Path]],
    check: Callable[[], None],
) -> StagedMedia:
    """Add a package's media files to the folder as they come.

    Args:
        media: The collection's media folder.
        files: Each file's name in the package and the extracted file (moved into the folder).
        check: Called between files; it raises to stop (the files added are removed again).

    Returns:
        What was added, and the names the notes must be rewritten to (:func:`rename_in`).
    """
    staged = StagedMedia()
    if media.folder is None:
        skipped = sum(1 for _ in files)  # still read: a damaged or hostile package is refused
        if skipped:
            staged.warnings.append(
                f"{skipped} media file(s) were not imported: this collection is not a file,"
                " so it has no media folder."
            )
        return staged
    before: set[str] | None = None
    unusable: list[str] = []
    try:
        for name, path in files:
            check()
            if before is None:  # listed once the first file is there (the folder may be new)
                before = set(media.names())
            try:
                final = media.add_file(path, name, move=True)
            except InputError:
                unusable.append(name)
                continue
            if final not in before:
                before.add(final)
                staged.added += 1
                staged.created.append(media.folder / final)
            else:
                staged.present += 1
            if final != name:
                staged.renamed[name] = final
    except BaseException:
        staged.undo()
        raise
    if unusable:
        shown = ", ".join(repr(n[:40]) for n in unusable[:5])
        staged.warnings.append(
            f"{len(unusable)} media file(s) have names no file can have and were left out: {shown}."
        )
    return staged


def renames_possible(media: MediaFolder, names: Iterable[str]) -> bool:
    """Whether adding files of these names could store one under another name.

    A name is kept when it is safe, no file of the folder has it and no other of the names
    is the same (compared as a file system that ignores case and Unicode forms would).
    """
    if media.folder is None:
        return False  # nothing is stored
    try:
        present = {_key(n) for n in os.listdir(media.folder)}
    except FileNotFoundError:
        present = set()
    except OSError:
        return True  # not known: the names are taken as they come
    for name in names:
        try:
            if safe_name(name) != name:
                return True
        except InputError:
            continue  # left out, not renamed
        key = _key(name)
        if key in present:
            return True
        present.add(key)
    return False


def _key(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def rename_in(incoming: Incoming, renamed: Mapping[str, str]) -> None:
    """Point the incoming notes and note types at the names their files were stored under."""
    if not renamed:
        return
    for note in incoming.notes:
        if note.anki_fields is not None:
            note.anki_fields = tuple(rename_references(f, renamed) for f in note.anki_fields)
    for notetype in incoming.notetypes.values():
        for template in notetype.get("tmpls") or []:
            for side in ("qfmt", "afmt"):
                if isinstance(template.get(side), str):
                    template[side] = rename_references(template[side], renamed)


class _Stopped(Exception):  # noqa: N818 (not an error: the importer asked the thread to stop)
    """Raised on the media thread at its next check once the importer gave up."""


class MediaThread:
    """Stages a package's media on a thread of its own while the collection is read.

    Writing a thousand files is mostly waiting for the file system (creating and renaming
    files), which the reading of the collection need not wait for. The files are all in the
    folder before the import's transaction commits (:meth:`result` waits for them).

    Args:
        stage: The work, given the check it must call between files and chunks.
        check: The import's own check (a cancel); it is called from this thread too.
    """

    def __init__(
        self,
        stage: Callable[[Callable[[], None]], StagedMedia],
        check: Callable[[], None],
    ) -> None:
        self._stop = threading.Event()
        self._staged: StagedMedia | None = None
        self._error: BaseException | None = None

        def guarded() -> None:
            if self._stop.is_set():
                raise _Stopped
            check()

        def run() -> None:
            try:
                self._staged = stage(guarded)
            except BaseException as exc:  # handed to the importer's thread in result()
                self._error = exc

        self._thread = threading.Thread(target=run, name="import-media", daemon=True)
        self._thread.start()

    def result(self) -> StagedMedia:
        """The staged media once every file is in the folder.

        Raises:
            InputError: What the thread raised (a damaged package, a cancel).
        """
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._staged is not None
        return self._staged

    def abandon(self) -> BaseException | None:
        """Stop the thread, wait for it and take back the files it added.

        Returns:
            The error the thread met on its own (it came first: a damaged media file), if any.
        """
        self._stop.set()
        self._thread.join()
        if self._staged is not None:
            self._staged.undo()
        return None if isinstance(self._error, _Stopped) else self._error


def media_to_export(
    media: MediaFolder, fields: Iterable[str], templates: Iterable[str]
) -> tuple[list[tuple[str, Path]], list[str]]:
    """The media files a package must carry, and the names it refers to that are missing.

    Args:
        media: The collection's media folder.
        fields: Every field (HTML) of the exported notes.
        templates: The templates and style sheets of the exported note types.
    """
    wanted: dict[str, None] = {}
    for text in fields:
        for name in references(text):
            wanted.setdefault(name)
    template = "\n".join(templates)
    if template:
        for name in media.names():
            if name.startswith("_") and name in template:
                wanted.setdefault(name)
    found: list[tuple[str, Path]] = []
    missing: list[str] = []
    for name in wanted:
        path = media.path(name)
        if path is None:
            try:
                fixed = safe_name(name)
            except InputError:
                fixed = ""
            path = media.path(fixed) if fixed else None
        if path is None:
            missing.append(name)
        else:
            found.append((name, path))
    return found, missing
