"""Shared pieces of the exchange package: records, text <-> HTML, stable ids, small parsers."""

from __future__ import annotations

import base64
import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

from flashcards.core.deckfile import NoteSource
from flashcards.core.decks import DeckSettings
from flashcards.core.errors import InputError

# Defined beside the card faces, which use them too; the exchange modules take them from here.
from flashcards.core.html_text import html_to_text as html_to_text
from flashcards.core.html_text import text_to_html as text_to_html
from flashcards.core.stable_ids import stable_id as stable_id

if TYPE_CHECKING:
    from flashcards.core.exchange.bulk import BulkNotes

#: The largest uncompressed size we accept for a package's collection database or a text file:
#: twice the 250 MB AnkiWeb accepts for a whole collection (so any collection that syncs fits),
#: and small enough that a refused bomb costs seconds of disk writes, never memory.
MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024


def content_guid(*parts: str) -> str:
    """A GUID for a note that came without one (a text row): derived from its content."""
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=9).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


def fields_json(fields: Iterable[str]) -> str:
    """``json.dumps(list(fields), ensure_ascii=False)``, at a third of its cost.

    The same text exactly (a re-import compares it with the stored one): the strings quoted
    by the json module's own C function, joined as ``json.dumps`` joins a list.
    """
    return "[" + ", ".join(map(encode_basestring, fields)) + "]"


def deck_id_for(name: str) -> int:
    """The Anki deck id of one of our decks: derived from its name, the same every export."""
    return stable_id("flashcards/deck/" + name)


def tags_of(text: str) -> tuple[str, ...]:
    """Anki tags from a space-separated string, without duplicates."""
    return tuple(dict.fromkeys(text.split()))  # split() gives no empty strings


def aware(ts: float) -> datetime:
    """An aware UTC datetime from seconds since the epoch (clamped to a sane range).

    Any number is accepted: below 1970 (or NaN) gives 1970-01-01, above 9999-12-31 (or
    infinity) gives 9999-12-31.
    """
    if not ts >= 0.0:  # negative or NaN
        return datetime.fromtimestamp(0.0, UTC)
    return datetime.fromtimestamp(min(float(ts), 253402214400.0), UTC)


@dataclass
class IncomingReview:
    """One review from another program, already in our terms."""

    reviewed_at: datetime
    rating: int
    duration_ms: int
    state_before: int
    state_after: int
    interval_days: float
    #: Anki's revlog factor of the review (None: not from Anki).
    anki_factor: int | None = None
    #: A preview answer (Anki's Filtered entry with factor 0): it left the card as it was.
    preview: bool = False


@dataclass
class IncomingCard:
    """One card's scheduling from another program, already in our terms."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int
    lapses: int
    suspended: bool
    reviews: list[IncomingReview] = field(default_factory=list)
    #: Anki's flag (0-7).
    flags: int = 0
    #: Buried until the next learner day: by the learner (Anki's manual bury) or by a sibling.
    buried: bool = False
    buried_by_user: bool = False
    #: When the card was reset to new (Anki's Forget), if that came after its last review.
    reset_at: datetime | None = None
    #: What the card's Anki ``data`` held besides its memory state, as JSON (None: nothing).
    anki_data: str | None = None


@dataclass
class IncomingNote:
    """One note read from a file, in our terms (plain text fields)."""

    guid: str
    kind: str
    front: str
    back: str
    tags: tuple[str, ...]
    deck: str
    source: NoteSource = field(default_factory=NoteSource)
    modified: datetime | None = None  # None: always newer (text files carry no time)
    cards: dict[int, IncomingCard] = field(default_factory=dict)
    #: An Anki note's own note type id and its fields as Anki had them (HTML); None for
    #: notes in the shipped types and text rows not in one of the collection's Anki types.
    anki_notetype: int | None = None
    anki_fields: tuple[str, ...] | None = None
    #: The Anki card ids of such a note, by ordinal: its cards go back to Anki with them
    #: (None: a card its templates make that Anki has not given an id, a text row's).
    anki_card_ids: dict[int, int | None] = field(default_factory=dict)
    #: Its row in the package (None: not from a package): new notes are numbered in the
    #: order of their rows, with the notes the reader left for the bulk copy.
    row: int | None = None


@dataclass(frozen=True)
class AnkiPreset:
    """An Anki options preset (deck config) as a package has it.

    Attributes:
        id: Anki's id for it (1: Anki's Default).
        name: Its name.
        settings: Its options, as ours.
        modified: When it was last changed (Anki's ``mtime``; the epoch when never).
        config: Every option it has, as Anki's legacy JSON (kept so that export gives back
            the options we do not model).
    """

    id: int
    name: str
    settings: DeckSettings
    modified: datetime
    config: str = "{}"


@dataclass
class Incoming:
    """Everything an import brings, before it touches the collection."""

    notes: list[IncomingNote]
    main_deck: str
    descriptions: dict[str, str] = field(default_factory=dict)
    #: The Anki note types the notes use, by id (legacy JSON shape).
    notetypes: dict[int, dict[str, Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: The option presets of the decks, by deck name.
    presets: dict[str, AnkiPreset] = field(default_factory=dict)
    #: What to do with a note the collection has already: "update" (when it differs and is
    #: newer), "skip" (leave it) or "keep" (add this one as a new note beside it).
    duplicates: str = "update"
    #: New notes the reader left in the package's database for the importer to copy.
    bulk: BulkNotes | None = None


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """Read a protobuf varint at ``pos``; return (value, new position)."""
    result = 0
    shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise InputError("A protobuf message in the package is damaged.")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def read_value(data: bytes, pos: int, wire: int) -> tuple[int | slice, int]:
    """Read the value of a protobuf field of wire type ``wire`` at ``pos``.

    Returns:
        The value (an int, or the slice of ``data`` a byte string spans, so that a caller
        copies only the bytes it keeps) and the position after it.

    Raises:
        InputError: If the value is damaged.
    """
    value: int | slice
    if wire == 0:
        value, pos = read_varint(data, pos)
    elif wire == 2:
        length, pos = read_varint(data, pos)
        if pos + length > len(data):
            raise InputError("A protobuf message in the package is damaged.")
        value, pos = slice(pos, pos + length), pos + length
    elif wire in (1, 5):
        size = 8 if wire == 1 else 4
        value, pos = int.from_bytes(data[pos : pos + size], "little"), pos + size
    else:
        raise InputError("A protobuf message in the package is damaged.")
    if pos > len(data):
        raise InputError("A protobuf message in the package is damaged.")
    return value, pos


def protobuf_fields(data: bytes) -> dict[int, list[int | bytes]]:
    """Decode one protobuf message into {field number: [values]} (varints and byte strings).

    Raises:
        InputError: If the message is damaged.
    """
    out: dict[int, list[int | bytes]] = {}
    pos = 0
    while pos < len(data):
        key, pos = read_varint(data, pos)
        value, pos = read_value(data, pos, key & 7)
        out.setdefault(key >> 3, []).append(data[value] if isinstance(value, slice) else value)
    return out


#: Our maximum interval (100 years, as Anki's): intervals, due days and stability beyond it.
MAX_DAYS = 36500
#: The largest value of a 64-bit integer column (Anki's ids).
INT64 = 2**63 - 1


def clamp_int(value: object, low: int, high: int, default: int) -> int:
    """An integer from an untrusted SQLite value, clamped into ``[low, high]``.

    SQLite stores whatever a column is given, whatever its declared type: integers of any size,
    reals such as 1e308 or Infinity, text, blobs. Reals are truncated (infinities go to the
    nearer bound); NaN, text, blobs and NULL give ``default``.
    """
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and not math.isnan(value):
        number = int(value) if math.isfinite(value) else (high if value > 0 else low)
    else:
        return default
    return min(max(number, low), high)


def finite(value: object) -> float | None:
    """A finite float from parsed JSON, or None (NaN, infinities, huge integers, non-numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def proto_value(data: bytes, number: int) -> int | bytes | None:
    """The first value of field ``number`` of a protobuf message, or None.

    Reads only up to that field, and stops at a higher field number (encoders write fields in
    order) or after a few dozen fields, so that a hostile message costs no time or memory.

    Raises:
        InputError: If the message is damaged.
    """
    pos = 0
    for _ in range(64):
        if pos >= len(data):
            return None
        key, pos = read_varint(data, pos)
        field = key >> 3
        if field > number or field == 0:
            return None
        value, pos = read_value(data, pos, key & 7)
        if field == number:
            return data[value] if isinstance(value, slice) else value
    return None


def json_object(text: object) -> dict[str, Any]:
    """A JSON object from an untrusted value.

    Raises:
        ValueError: If it is not JSON or not an object.
    """
    parsed = json.loads(str(text or "{}"))
    if not isinstance(parsed, dict):
        raise ValueError("a JSON object was expected")
    return parsed
