"""Reading Anki text files (with ``#key:value`` headers) and plain CSV/TSV, with Anki's options.

Without options a file is read as Anki reads it: its ``#`` headers decide, else the separator
is sniffed and the first two columns are the front and the back. :class:`TextOptions` are what
File → Import's dialog sets, as Anki's CSV import does: separator, header row, which column is
which field (or the tags, the deck, nothing), note kind, deck, tags, what to do with notes the
collection has already, and the encoding. :func:`preview_text` reads the first rows for the
dialog.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flashcards.core.anki_types import note_kind
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
    text_to_html,
)
from flashcards.core.exchange.our_notetypes import NAMES
from flashcards.core.notetypes import MAX_NOTE_BYTES, too_large
from flashcards.core.template_render import NoteTypeSpec, card_ordinals, fields_by_name

if TYPE_CHECKING:
    from _csv import Reader as CsvReader

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


class Duplicates(StrEnum):
    """What an import does with a note the collection already has (Anki's "Existing notes")."""

    UPDATE = "update"
    """Update it when the file's note differs (the default, as Anki)."""
    SKIP = "skip"
    """Leave it as it is."""
    KEEP_BOTH = "keep"
    """Add the file's note as a new note beside it."""


class Column(StrEnum):
    """What a column of a text file holds."""

    FRONT = "front"
    BACK = "back"
    TAGS = "tags"
    DECK = "deck"
    IGNORE = "ignore"
    FIELD = "field"
    """A field of the chosen Anki note type (see :attr:`TextOptions.field_columns`)."""


#: The encodings the import dialog offers; "auto" tries UTF-8 and UTF-16, then CP932.
ENCODINGS = ("auto", "utf-8", "utf-16", "cp932", "latin-1")


@dataclass(frozen=True)
class TextOptions:
    """How to read a text file; None everywhere means "as the file's headers say"."""

    separator: str | None = None
    header_row: bool = False
    """The first row names the columns: it is not a note."""
    columns: tuple[Column, ...] | None = None
    """What each column holds; None: front, back, then the file's own meta columns."""
    kind: str | None = None
    """Our note kind (basic, reversed, cloze) for every row; None: the file's."""
    tags: tuple[str, ...] = ()
    """Tags added to every note."""
    duplicates: Duplicates = Duplicates.UPDATE
    encoding: str = "auto"
    html: bool | None = None
    """Fields are HTML (converted to text); None: the ``#html`` header decides."""
    notetype: int | None = None
    """One of the collection's Anki note types for every row (instead of ``kind``); the
    columns marked :attr:`Column.FIELD` give its fields, in the order of ``field_columns``."""
    field_columns: tuple[int | None, ...] = ()
    """With ``notetype``: for each of its fields, the column it comes from (None: empty)."""


@dataclass
class TextPreview:
    """The first rows of a text file as the options read it, for the import dialog."""

    encoding: str
    separator: str
    headers: dict[str, str]
    rows: list[list[str]] = field(default_factory=list)
    width: int = 0
    """The number of columns of the widest row shown."""


def _decode(
    raw: bytes, origin: str, encoding: str = "auto", *, final: bool = True
) -> tuple[str, str]:
    """The text and the encoding used; "auto": UTF-16 by BOM, UTF-8, else CP932 (Shift_JIS).

    ``final=False``: ``raw`` is the start of a file (a character may be cut at its end).
    """
    if encoding == "auto":
        utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
        tried = ["utf-16"] if utf16 else ["utf-8-sig", "cp932"]
    else:
        tried = ["utf-8-sig" if encoding == "utf-8" else encoding]
    for name in tried:
        try:
            text = codecs.getincrementaldecoder(name)().decode(raw, final=final)
            break
        except (UnicodeError, LookupError):  # UnicodeError: UTF-16 without its BOM
            continue
    else:
        wanted = "UTF-8, UTF-16 or Shift_JIS" if encoding == "auto" else encoding
        raise InputError(f"{origin} is not {wanted} text (choose its encoding).") from None
    if "\x00" in text:
        raise InputError(f"{origin} is not a text file (it contains NUL characters).")
    return text, "utf-8" if name == "utf-8-sig" else name


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


def _load(path: Path, encoding: str, limit: int | None = None) -> tuple[str, str]:
    """The file's text (only its first ``limit`` bytes when given) and its encoding."""
    origin = path.name
    try:
        if limit is None and path.stat().st_size > MAX_UNCOMPRESSED_BYTES:
            raise InputError(f"{origin} is too large.")
        with path.open("rb") as handle:
            raw = handle.read(-1 if limit is None else limit)
        text, used = _decode(raw, origin, encoding, final=limit is None)
    except OSError as exc:
        raise InputError(f"{origin} cannot be read ({exc.strerror or exc}).") from None
    if "\n" not in text:  # classic Mac line ends (CR only): lines as everywhere else
        text = text.replace("\r", "\n")
    return text, used


def _split_headers(text: str) -> tuple[dict[str, str], str]:
    """Anki's ``#key:value`` lines at the top of the file, and the rest."""
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
    return headers, text[pos:]


def _separator(headers: dict[str, str], body: str, chosen: str | None, origin: str) -> str:
    sep_name = chosen if chosen is not None else headers.get("separator")
    if sep_name is not None:
        sep = _SEPARATORS.get(sep_name.strip().lower(), sep_name)
        if len(sep) != 1 or sep in '"\r\n':
            shown = sep_name if len(sep_name) <= 20 else sep_name[:20] + "…"
            raise InputError(f"{origin}: unknown separator {shown!r}.")
        return sep
    first = body.split("\n", 1)[0]
    return "\t" if "\t" in first else ";" if ";" in first and "," not in first else ","


def _reader(body: str, sep: str) -> CsvReader:
    # The csv module refuses fields over 128 KiB; a note may hold 1 MiB, and a larger row is
    # skipped with a warning rather than failing the whole file.
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    return csv.reader(io.StringIO(body, newline=""), delimiter=sep, quotechar='"', strict=True)


#: Rows :func:`preview_text` shows, and the most bytes it reads.
PREVIEW_ROWS = 20
PREVIEW_BYTES = 1 << 20


def preview_text(path: Path, options: TextOptions | None = None) -> TextPreview:
    """The first rows of a text file as ``options`` would read them (for the import dialog).

    Raises:
        InputError: If the file cannot be read as text with the chosen encoding.
    """
    options = options or TextOptions()
    text, used = _load(path, options.encoding, PREVIEW_BYTES)
    headers, body = _split_headers(text)
    sep = _separator(headers, body, options.separator, path.name)
    preview = TextPreview(used, sep, headers)
    if len(body) >= PREVIEW_BYTES // 4:  # the start of a big file: its last row may be cut
        body = body[: body.rfind("\n") + 1] or body
    reader = _reader(body, sep)
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            preview.rows.append(row)
            preview.width = max(preview.width, len(row))
            if len(preview.rows) >= PREVIEW_ROWS:
                break
    except csv.Error as exc:
        raise InputError(f"{path.name}, line {reader.line_num}: {exc}.") from None
    return preview


def _columns(
    options: TextOptions, headers: dict[str, str], origin: str
) -> tuple[dict[Column, int], int | None, int | None, set[int]]:
    """Where the front, back, tags and deck are; the GUID and note type columns; meta columns.

    Chosen columns (the dialog's mapping) win over the file's ``#... column`` headers.
    """
    guid_col = _column(headers, "guid column", origin)
    type_col = _column(headers, "notetype column", origin)
    found: dict[Column, int] = {}
    if options.columns is not None:
        for index, role in enumerate(options.columns):
            if role != Column.IGNORE and role not in found:
                found[role] = index
        meta = {i for i, role in enumerate(options.columns) if role != Column.FRONT}
        meta -= {found[Column.BACK]} if Column.BACK in found else set()
        if options.notetype is not None:
            if not any(c is not None for c in options.field_columns):
                raise InputError(f"{origin}: no column is chosen for a field.")
            return found, None, None, meta
        if Column.FRONT not in found:
            raise InputError(f"{origin}: no column is chosen as the front.")
        return found, None, None, meta
    deck_col = _column(headers, "deck column", origin)
    tags_col = _column(headers, "tags column", origin)
    if deck_col is not None:
        found[Column.DECK] = deck_col
    if tags_col is not None:
        found[Column.TAGS] = tags_col
    meta = {c for c in (guid_col, type_col, deck_col, tags_col) if c is not None}
    return found, guid_col, type_col, meta


def read_text(
    path: Path,
    deck: str | None,
    *,
    options: TextOptions | None = None,
    check: Callable[[], None] = _nothing,
    notetypes: Sequence[tuple[int, NoteTypeSpec]] = (),
) -> Incoming:
    """Read an Anki text file or a plain CSV/TSV file.

    A row whose note type (the file's ``#notetype`` header or note type column, as Anki's
    "Notes in Plain Text" export writes them) is one of ``notetypes`` becomes a note of that
    type with every field of the row, when the row has one value per field; its templates
    decide its cards. Otherwise the first two fields are the front and the back.

    Args:
        path: The file.
        deck: The deck for every note (overrides the file's); None to use the file's
            ``#deck`` header or deck column, else the file name.
        options: What the import dialog chose (see :class:`TextOptions`); None: the file's
            headers, else a sniffed separator and front, back in the first two columns.
        check: Called every :data:`CHECK_ROWS` rows; it raises to stop the reading (a
            cancelled import).
        notetypes: The collection's Anki note types (id and type); a row names one by its
            name (the first of that name), the dialog by its id.

    Raises:
        InputError: If the file is not text, has ragged rows or malformed headers.
    """
    options = options or TextOptions()
    origin = path.name
    text, _used = _load(path, options.encoding)
    headers, body = _split_headers(text)
    sep = _separator(headers, body, options.separator, origin)
    is_html = (
        options.html
        if options.html is not None
        else headers.get("html", "").strip().lower() == "true"
    )
    found, guid_col, type_col, meta = _columns(options, headers, origin)
    deck_col = found.get(Column.DECK)
    tags_col = found.get(Column.TAGS)
    shared_tags = tags_of(" ".join((headers.get("tags", ""), *options.tags)))
    default_kind = options.kind or _kind_of(headers.get("notetype", ""))
    by_name: dict[str, tuple[int, NoteTypeSpec]] = {}
    for type_id, spec in notetypes:
        by_name.setdefault(spec.name.casefold(), (type_id, spec))
    chosen_type = None
    if options.notetype is not None:
        chosen_type = next(((i, t) for i, t in notetypes if i == options.notetype), None)
        if chosen_type is None:
            raise InputError(f"{origin}: the chosen note type is not in the collection.")
        if len(options.field_columns) != len(chosen_type[1].fields):
            raise InputError(f"{origin}: the columns do not match the note type's fields.")
    if deck is None:
        header_deck = headers.get("deck", "").strip()
        try:
            deck_default = normalise_deck_name(header_deck or path.stem)
        except InputError:
            deck_default = "Imported"
    else:
        deck_default = deck

    reader = _reader(body, sep)
    incoming = Incoming(notes=[], main_deck=deck_default, duplicates=options.duplicates)
    width: int | None = None
    skipped = oversized = 0
    last_meta = (
        max(meta | set(found.values()), default=-1) if options.columns else max(meta, default=-1)
    )
    cloze, basic = NoteKind.CLOZE.value, NoteKind.BASIC.value
    no_source = NoteSource()
    chosen = options.columns is not None
    try:
        for count, row in enumerate(reader):
            if count % CHECK_ROWS == 0:
                check()
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if options.header_row and count == 0:
                continue
            number = reader.line_num
            if type_col is None and not chosen:
                if width is None:
                    width = len(row)
                elif len(row) != width:
                    raise InputError(
                        f"{origin}, line {number}: {len(row)} columns where {width} were expected."
                    )
            if chosen:
                row = row + [""] * (len(options.columns or ()) - len(row))  # short rows: empty
            elif meta and last_meta >= len(row):
                raise InputError(f"{origin}, line {number}: a header names a missing column.")
            if chosen and chosen_type is not None:
                fields = [
                    row[c] if c is not None and c < len(row) else "" for c in options.field_columns
                ]
            elif chosen:
                fields = [row[found[Column.FRONT]]]
                fields.append(row[found[Column.BACK]] if Column.BACK in found else "")
            else:
                fields = [v for i, v in enumerate(row) if i not in meta] if meta else row
            if not fields:
                raise InputError(f"{origin}, line {number}: the row has no fields.")
            type_name = row[type_col] if type_col is not None else headers.get("notetype", "")
            typed = chosen_type or (None if chosen else by_name.get(type_name.strip().casefold()))
            if typed is not None and len(fields) != len(typed[1].fields):
                typed = None  # not the type's fields: read as front and back
            html_fields: tuple[str, ...] = ()
            if typed is not None:  # the fields as the note type keeps them (HTML)
                html_fields = tuple(fields if is_html else map(text_to_html, fields))
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
            if too_large(front, back, *(html_fields if typed is not None else ())):
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
            tags = (
                tags_of(" ".join((*shared_tags, row[tags_col])))
                if tags_col is not None
                else shared_tags
            )
            anki: dict[str, Any] = {}
            if typed is not None:
                spec = typed[1]
                ords = card_ordinals(spec, fields_by_name(spec, html_fields), tags=tags)
                anki = {
                    "anki_notetype": typed[0],
                    "anki_fields": html_fields,
                    "anki_card_ids": dict.fromkeys(ords),
                }
                kind = note_kind(spec, front, len(ords))  # as a note added in that type
            incoming.notes.append(
                IncomingNote(
                    guid=guid or content_guid("text", front),
                    kind=kind,
                    front=front,
                    back=back,
                    tags=tags,
                    deck=name or deck_default,
                    source=source,
                    **anki,
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
