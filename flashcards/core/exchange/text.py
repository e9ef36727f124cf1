"""Reading Anki text files (with ``#key:value`` headers) and plain two-column CSV/TSV."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

from flashcards.core.deck_names import normalise_deck_name
from flashcards.core.deckfile import NoteSource, cloze_numbers
from flashcards.core.enums import NoteKind
from flashcards.core.errors import InputError
from flashcards.core.exchange.common import (
    MAX_UNCOMPRESSED_BYTES,
    Incoming,
    IncomingNote,
    content_guid,
    html_to_text,
    tags_of,
)
from flashcards.core.exchange.our_notetypes import NAMES
from flashcards.core.notetypes import MAX_NOTE_BYTES, too_large

_HEADER_RE = re.compile(r"#([a-z ]+):(.*)", re.IGNORECASE)
_SEPARATORS = {
    "comma": ",",
    "semicolon": ";",
    "tab": "\t",
    "space": " ",
    "pipe": "|",
    "colon": ":",
}
_KNOWN = {
    "separator",
    "html",
    "tags",
    "columns",
    "notetype",
    "deck",
    "notetype column",
    "deck column",
    "tags column",
    "guid column",
}
_KIND_BY_NAME = {name.casefold(): kind for kind, name in NAMES.items()}


#: The largest single field the reader parses (then too large for a note, and skipped).
_FIELD_LIMIT = 64 << 20


def _decode(raw: bytes, origin: str) -> str:
    encoding = "utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        raise InputError(f"{origin} is not UTF-8 or UTF-16 text (unknown encoding).") from None
    if "\x00" in text:
        raise InputError(f"{origin} is not a text file (it contains NUL characters).")
    return text


def _kind_of(notetype: str) -> str:
    name = notetype.strip().casefold()
    if name in _KIND_BY_NAME:
        return _KIND_BY_NAME[name]
    if "cloze" in name:
        return NoteKind.CLOZE
    if "reverse" in name:
        return NoteKind.REVERSED
    return NoteKind.BASIC


def _column(headers: dict[str, str], key: str, origin: str) -> int | None:
    value = headers.get(key)
    if value is None:
        return None
    try:
        index = int(value.strip())
    except ValueError:
        raise InputError(f"{origin}: the '#{key}:' header must be a column number.") from None
    if not 1 <= index <= 10_000:
        raise InputError(f"{origin}: the '#{key}:' header names no column.")
    return index - 1


def _nothing() -> None:
    """A ``check`` that never stops the work."""


#: How many rows :func:`read_text` reads between two calls of its ``check``.
CHECK_ROWS = 2000


def read_text(path: Path, deck: str | None, *, check: Callable[[], None] = _nothing) -> Incoming:
    """Read an Anki text file or a plain CSV/TSV file.

    Args:
        path: The file.
        deck: The deck for every note (overrides the file's); None to use the file's
            ``#deck`` header or deck column, else the file name.
        check: Called every :data:`CHECK_ROWS` rows; it raises to stop the reading (a
            cancelled import).

    Raises:
        InputError: If the file is not text, has ragged rows or malformed headers.
    """
    origin = path.name
    try:
        if path.stat().st_size > MAX_UNCOMPRESSED_BYTES:
            raise InputError(f"{origin} is too large.")
        text = _decode(path.read_bytes(), origin)
        if "\n" not in text:  # classic Mac line ends (CR only): lines as everywhere else
            text = text.replace("\r", "\n")
    except OSError as exc:
        raise InputError(f"{origin} cannot be read ({exc.strerror or exc}).") from None
    headers: dict[str, str] = {}
    pos = 0
    while text.startswith("#", pos):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end].rstrip("\r")
        match = _HEADER_RE.fullmatch(line)
        if match and match.group(1).strip().lower() in _KNOWN:
            headers[match.group(1).strip().lower()] = match.group(2)
        pos = end + 1
    body = text[pos:]

    sep_name = headers.get("separator")
    if sep_name is not None:
        sep = _SEPARATORS.get(sep_name.strip().lower(), sep_name)
        if len(sep) != 1 or sep in '"\r\n':
            shown = sep_name if len(sep_name) <= 20 else sep_name[:20] + "…"
            raise InputError(f"{origin}: unknown separator {shown!r}.")
    else:
        first = body.split("\n", 1)[0]
        sep = "\t" if "\t" in first else ";" if ";" in first and "," not in first else ","
    is_html = headers.get("html", "").strip().lower() == "true"
    guid_col = _column(headers, "guid column", origin)
    type_col = _column(headers, "notetype column", origin)
    deck_col = _column(headers, "deck column", origin)
    tags_col = _column(headers, "tags column", origin)
    meta = {c for c in (guid_col, type_col, deck_col, tags_col) if c is not None}
    shared_tags = tags_of(headers.get("tags", ""))
    default_kind = _kind_of(headers.get("notetype", ""))
    if deck is None:
        header_deck = headers.get("deck", "").strip()
        try:
            deck_default = normalise_deck_name(header_deck or path.stem)
        except InputError:
            deck_default = "Imported"
    else:
        deck_default = deck

    # The csv module refuses fields over 128 KiB; a note may hold 1 MiB, and a larger row is
    # skipped with a warning below rather than failing the whole file.
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=sep, quotechar='"', strict=True)
    incoming = Incoming(notes=[], main_deck=deck_default)
    width: int | None = None
    skipped = oversized = 0
    last_meta = max(meta, default=-1)
    cloze, basic = NoteKind.CLOZE.value, NoteKind.BASIC.value
    no_source = NoteSource()
    try:
        for count, row in enumerate(reader):
            if count % CHECK_ROWS == 0:
                check()
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            number = reader.line_num
            if type_col is None:
                if width is None:
                    width = len(row)
                elif len(row) != width:
                    raise InputError(
                        f"{origin}, line {number}: {len(row)} columns where {width} were expected."
                    )
            if meta and last_meta >= len(row):
                raise InputError(f"{origin}, line {number}: a header names a missing column.")
            fields = [v for i, v in enumerate(row) if i not in meta] if meta else row
            if not fields:
                raise InputError(f"{origin}, line {number}: the row has no fields.")
            if is_html:
                fields = [html_to_text(f) for f in fields]
            kind = _kind_of(row[type_col]) if type_col is not None else default_kind
            front = fields[0]
            back = fields[1] if len(fields) > 1 else ""
            if kind == cloze and not cloze_numbers(front):
                kind = basic
            if not front.strip():
                skipped += 1
                continue
            if too_large(front, back):
                oversized += 1
                continue
            source = no_source
            if (
                type_col is not None
                and len(fields) >= 5
                and row[type_col].strip().casefold() in _KIND_BY_NAME
            ):
                source = NoteSource(fields[4], fields[3], fields[2])
            name = deck
            if name is None and deck_col is not None and row[deck_col].strip():
                try:
                    name = normalise_deck_name(row[deck_col])
                except InputError:
                    name = None
            guid = row[guid_col].strip() if guid_col is not None else ""
            incoming.notes.append(
                IncomingNote(
                    guid=guid or content_guid("text", front),
                    kind=kind,
                    front=front,
                    back=back,
                    tags=tags_of(" ".join((*shared_tags, row[tags_col])))
                    if tags_col is not None
                    else shared_tags,
                    deck=name or deck_default,
                    source=source,
                )
            )
    except csv.Error as exc:
        raise InputError(f"{origin}, line {reader.line_num}: {exc}.") from None
    if skipped:
        incoming.warnings.append(f"{skipped} row(s) with an empty first field were skipped.")
    if oversized:
        incoming.warnings.append(
            f"{oversized} row(s) larger than {MAX_NOTE_BYTES >> 20} MiB were skipped."
        )
    return incoming
