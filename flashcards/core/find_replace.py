"""Find and Replace in notes' fields, and Find Duplicates, as Anki's browser has them.

A note's fields are, for one of our own notes, ``Front`` and ``Back`` (plain text); for a note
in an Anki note type of its own (see :mod:`flashcards.core.anki_types`), its note type's fields
as HTML. In HTML only the text is searched and replaced: tags and their attributes (an image's
file name, a class) are left as they are, so the note keeps its structure.

:func:`find_and_replace` edits every changed note in one transaction, as the note manager's
:meth:`~flashcards.core.notes.NoteManager.update` and
:meth:`~flashcards.core.notes.NoteManager.update_fields` edit one (the same checks and the
same card rules, :func:`flashcards.core.notes.apply_note`): a note the replacement would make
invalid (an empty front, a cloze without a deletion) stops it and nothing is changed.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection
from sqlmodel import Session

from flashcards.core import anki_types
from flashcards.core.changes import NO_CHANGE, Change, OpResult, announce
from flashcards.core.collection import Collection
from flashcards.core.deckfile import NoteSource, NoteSpec, cloze_numbers
from flashcards.core.enums import NoteKind
from flashcards.core.errors import InputError
from flashcards.core.html_text import html_to_text
from flashcards.core.models import utcnow_guard
from flashcards.core.notes import apply_note
from flashcards.core.notetypes import MAX_NOTE_BYTES, too_large, validate_note
from flashcards.core.search import search_cards
from flashcards.core.tables import CARD, NOTE
from flashcards.core.template_render import NoteTypeSpec

#: The fields of our own notes.
OWN_FIELDS = ("Front", "Back")
_TAG_SPLIT_RE = re.compile(r"(<[^>]*>)")
_SPACES_RE = re.compile(r"\s+")
_CHUNK = 500


@dataclass(frozen=True)
class _Note:
    """A note's fields as Find and Replace sees them."""

    id: int
    row: Any
    notetype: NoteTypeSpec | None
    names: tuple[str, ...]
    values: tuple[str, ...]

    @property
    def is_html(self) -> bool:
        return self.notetype is not None


def _read_notes(conn: Connection, note_ids: Sequence[int]) -> Iterator[_Note]:
    """The notes of ``note_ids`` with their fields, in id order."""
    notetypes: dict[int, NoteTypeSpec | None] = {}
    ids = sorted(set(note_ids))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for row in conn.execute(select(NOTE).where(NOTE.c.id.in_(chunk)).order_by(NOTE.c.id)):
            notetype = None
            fields = None
            if row.anki_notetype_id is not None:
                type_id = int(row.anki_notetype_id)
                if type_id not in notetypes:
                    notetypes[type_id] = anki_types.load_notetype(conn, type_id)
                notetype = notetypes[type_id]
                if notetype is not None:
                    fields = anki_types.note_fields(
                        row.anki_fields, row.front, row.back, len(notetype.fields)
                    )
            if notetype is not None and fields is not None:
                yield _Note(int(row.id), row, notetype, notetype.field_names, tuple(fields))
            else:  # our own note, or one whose Anki fields cannot be read: front and back
                yield _Note(int(row.id), row, None, OWN_FIELDS, (row.front, row.back))


def field_names(col: Collection, note_ids: Sequence[int] | None = None) -> list[str]:
    """The names of the fields the notes have (all notes when None).

    ``Front`` and ``Back`` (our notes') come first, then the Anki note types' fields as first
    seen.
    """
    names: dict[str, None] = {}
    with col.engine.connect() as conn:
        if note_ids is None:
            note_ids = [int(i) for i in conn.execute(select(NOTE.c.id)).scalars()]
        for note in _read_notes(conn, note_ids):
            names.update(dict.fromkeys(note.names))
    return sorted(names, key=lambda name: name not in OWN_FIELDS)


def note_ids_of_search(col: Collection, query: str, now: datetime) -> list[int]:
    """The notes of the cards a browser search finds, in creation order.

    Raises:
        InputError: If the query cannot be parsed.
    """
    card_ids = search_cards(col, query, now)
    out: set[int] = set()
    with col.engine.connect() as conn:
        for start in range(0, len(card_ids), _CHUNK):
            chunk = card_ids[start : start + _CHUNK]
            out.update(
                int(n)
                for n in conn.execute(select(CARD.c.note_id).where(CARD.c.id.in_(chunk))).scalars()
            )
    return sorted(out)


def _replacer(
    find: str, replacement: str, *, regex: bool, match_case: bool
) -> Callable[[str], str]:
    """A function replacing every match of ``find`` in a text.

    Raises:
        InputError: If ``find`` is empty, or not a valid regular expression, or the
            replacement refers to a group the expression does not have.
    """
    if not find:
        raise InputError("Say what to find.")
    flags = 0 if match_case else re.IGNORECASE
    try:
        pattern = re.compile(find if regex else re.escape(find), flags)
    except re.error as exc:
        raise InputError(f"The regular expression is not valid: {exc}.") from None
    if not regex:
        return lambda text: pattern.sub(lambda _m: replacement, text)
    try:
        pattern.sub(replacement, "")  # the template is parsed even when nothing matches
    except (re.error, IndexError) as exc:
        raise InputError(f"The replacement is not valid: {exc}.") from None
    return lambda text: pattern.sub(replacement, text)


def replace_in_html(value: str, replace: Callable[[str], str]) -> str:
    """``value`` (a field's HTML) with ``replace`` applied to its text only, tags untouched.

    Each run of text between tags is decoded (``&amp;`` is ``&``), replaced and, if it
    changed, encoded again; a run that did not change keeps its original spelling.
    """
    parts = _TAG_SPLIT_RE.split(value)
    for i in range(0, len(parts), 2):  # even: text; odd: a tag
        text = parts[i]
        if not text:
            continue
        plain = html.unescape(text)
        new = replace(plain)
        if new != plain:
            parts[i] = html.escape(new, quote=False).replace("\xa0", "&nbsp;")
    return "".join(parts)


def find_and_replace(
    col: Collection,
    note_ids: Sequence[int],
    find: str,
    replacement: str,
    now: datetime,
    *,
    field: str | None = None,
    regex: bool = False,
    match_case: bool = False,
) -> OpResult[int]:
    r"""Replace ``find`` with ``replacement`` in the notes' fields, in one transaction.

    Args:
        col: The collection.
        note_ids: The notes to edit.
        find: The text to find (a regular expression if ``regex``).
        replacement: What replaces it (with ``regex``, ``\1`` or ``\g<name>`` refer to
            groups).
        now: The time of the edit (the notes' ``modified``).
        field: The field to edit (its name); None edits every field.
        regex: ``find`` is a regular expression.
        match_case: Match upper and lower case exactly (otherwise case is ignored).

    Returns:
        How many notes changed; the changes: ``NOTES | CARDS | DECKS`` (none if none changed).

    Raises:
        InputError: If ``find`` is empty or not a valid expression, or a replaced note would
            not be valid (nothing is changed then).
    """
    replace = _replacer(find, replacement, regex=regex, match_case=match_case)
    now = utcnow_guard(now)
    changed = 0
    with Session(col.engine) as session:
        conn = session.connection()
        for note in list(_read_notes(conn, note_ids)):
            values = list(note.values)
            for i, name in enumerate(note.names):
                if field is not None and name != field:
                    continue
                values[i] = (
                    replace_in_html(values[i], replace) if note.is_html else replace(values[i])
                )
            if tuple(values) == note.values:
                continue
            if note.is_html:
                _apply_anki(conn, note, values, now)
            else:
                _apply_own(conn, note, values[0], values[1], now)
            changed += 1
        session.commit()
    if not changed:
        return OpResult(0, NO_CHANGE)
    return announce(col.notify, changed, Change.NOTES | Change.CARDS | Change.DECKS)


def _spec(note: _Note, kind: str, front: str, back: str) -> NoteSpec:
    row = note.row
    return NoteSpec(
        row.uid,
        kind,
        front,
        back,
        tuple(t for t in row.tags.split() if t),
        NoteSource(row.source_title, row.source_section, row.source_sentence),
    )


def _invalid(note: _Note, exc: InputError) -> InputError:
    front = _SPACES_RE.sub(" ", note.row.front).strip()[:40]
    return InputError(f"The note “{front}” would not be valid: {exc}")


def _apply_own(conn: Connection, note: _Note, front: str, back: str, now: datetime) -> None:
    """As :meth:`NoteManager.update` edits the front and back of a note."""
    spec = _spec(note, note.row.kind, front, back)
    try:
        validate_note(spec, anki_typed=note.row.anki_notetype_id is not None)
    except InputError as exc:
        raise _invalid(note, exc) from None
    apply_note(conn, note.id, spec, now)


def _apply_anki(conn: Connection, note: _Note, values: list[str], now: datetime) -> None:
    """As :meth:`NoteManager.update_fields` gives a note from Anki new field HTML."""
    assert note.notetype is not None
    if too_large(*values):
        raise _invalid(note, InputError(f"a note may hold at most {MAX_NOTE_BYTES >> 20} MiB."))
    front = html_to_text(values[0])
    back = html_to_text(values[1]) if len(values) > 1 else ""
    kind = note.row.kind
    if note.notetype.kind == "cloze":
        kind = NoteKind.CLOZE.value if cloze_numbers(front) else NoteKind.BASIC.value
    spec = _spec(note, kind, front, back)
    conn.execute(
        update(NOTE)
        .where(NOTE.c.id == note.id)
        .values(anki_fields=json.dumps(values, ensure_ascii=False))
    )
    apply_note(conn, note.id, spec, now)


@dataclass(frozen=True)
class DuplicateGroup:
    """Notes whose field holds the same text.

    Attributes:
        text: The field's text (HTML stripped, spaces collapsed).
        note_ids: The notes, in creation order.
    """

    text: str
    note_ids: tuple[int, ...]

    @property
    def search(self) -> str:
        """The browser search that finds the group's notes."""
        return "nid:" + ",".join(str(n) for n in self.note_ids)


def _plain(value: str, is_html: bool) -> str:
    text = html_to_text(value) if is_html else value
    return _SPACES_RE.sub(" ", text).strip()


def find_duplicates(
    col: Collection, field: str, note_ids: Sequence[int] | None = None
) -> list[DuplicateGroup]:
    """Groups of notes whose ``field`` is the same after stripping HTML, largest first.

    Args:
        col: The collection.
        field: The field's name (``Front``, ``Back``, or an Anki note type's field).
        note_ids: The notes to look among; None for every note.

    Returns:
        The groups of two or more notes (an empty field is no duplicate), the largest first,
        then by text.
    """
    groups: dict[str, list[int]] = {}
    with col.engine.connect() as conn:
        if note_ids is None:
            note_ids = [int(i) for i in conn.execute(select(NOTE.c.id)).scalars()]
        for note in _read_notes(conn, note_ids):
            if field not in note.names:
                continue
            text = _plain(note.values[note.names.index(field)], note.is_html)
            if text:
                groups.setdefault(text, []).append(note.id)
    found = [DuplicateGroup(text, tuple(ids)) for text, ids in groups.items() if len(ids) > 1]
    found.sort(key=lambda g: (-len(g.note_ids), g.text))
    return found
