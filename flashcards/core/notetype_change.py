"""Change Note Type (Anki's Browse → Notes → Change Note Type): notes into another note type.

Each field of the new type takes one field of the old (or stays empty). A card keeps its
schedule and history when the new type makes a card at its ordinal (Anki's default template
mapping: the first template to the first); the new type's other cards are added. A card the
new type does not make goes only if it was never reviewed: a change that would remove a card
with history is refused whole (lose nothing), where Anki asks and deletes.

A note that goes into a shipped type is stored as its columns again (kind, the fields' text);
one that goes into an Anki type keeps its fields as HTML (see
:mod:`flashcards.core.shipped_notetypes`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection

from flashcards.core import anki_types
from flashcards.core.deckfile import NoteSource, NoteSpec
from flashcards.core.errors import InputError
from flashcards.core.html_text import html_to_text
from flashcards.core.notes import insert_cards, reviewed_card_ids
from flashcards.core.notetypes import card_ords, note_values, validate_note
from flashcards.core.shipped_notetypes import KIND_OF_MODEL, fields_of_columns, spec
from flashcards.core.tables import CARD, NOTE
from flashcards.core.template_render import NoteTypeSpec, card_ordinals, fields_by_name


def old_fields(conn: Connection, row: Any) -> list[str]:
    """A note row's fields as HTML, in its note type's order (a shipped note's columns)."""
    source = NoteSource(row.source_title, row.source_section, row.source_sentence)
    notetype = anki_types.load_notetype(conn, row.anki_notetype_id)
    if notetype is not None:
        fields = anki_types.note_fields(row.anki_fields, row.front, row.back, len(notetype.fields))
        if fields is not None:
            return fields
    return fields_of_columns(row.front, row.back, source)


def change_notetype(
    conn: Connection,
    note_ids: Sequence[int],
    notetype_id: int,
    field_map: Sequence[int | None],
    now: datetime,
) -> None:
    """Move notes into note type ``notetype_id`` inside the caller's transaction.

    Args:
        conn: The collection's connection (a transaction).
        note_ids: The notes.
        notetype_id: The new note type: a shipped one's id or one of the collection's.
        field_map: For each field of the new type, the old field it takes (None: empty).
        now: The time of the change (the notes' ``modified``).

    Raises:
        InputError: If the note type is unknown, ``field_map`` does not fit it, a note would
            not be valid in it, or a card with review history would be removed.
    """
    kind = KIND_OF_MODEL.get(notetype_id)
    target = spec(kind) if kind is not None else anki_types.load_notetype(conn, notetype_id)
    if target is None:
        raise InputError(f"There is no note type with id {notetype_id}.")
    anki_types.check_field_count(target, field_map)
    for note_id in note_ids:
        row = conn.execute(select(NOTE).where(NOTE.c.id == note_id)).first()
        if row is None:
            raise InputError(f"There is no note with id {note_id}.")
        old = old_fields(conn, row)
        new = [old[i] if i is not None and 0 <= i < len(old) else "" for i in field_map]
        tags = tuple(str(row.tags).split())
        if kind is not None:
            want = _into_shipped(conn, row, kind, new, tags, now)
        else:
            want = _into_anki_type(conn, row, notetype_id, target, new, tags, now)
        _settle_cards(conn, note_id, int(row.deck_id), want, now)


def _into_shipped(
    conn: Connection, row: Any, kind: str, new: list[str], tags: tuple[str, ...], now: datetime
) -> set[int]:
    front, back, sentence, section, title = (html_to_text(f) for f in new)
    note = NoteSpec(str(row.uid), kind, front, back, tags, NoteSource(title, section, sentence))
    validate_note(note)
    values = note_values(note) | {"anki_notetype_id": None, "anki_fields": None}
    conn.execute(update(NOTE).where(NOTE.c.id == row.id).values(**values, modified=now))
    return set(card_ords(kind, front))


def _into_anki_type(
    conn: Connection,
    row: Any,
    notetype_id: int,
    target: NoteTypeSpec,
    new: list[str],
    tags: tuple[str, ...],
    now: datetime,
) -> set[int]:
    front = html_to_text(new[0])
    back = html_to_text(new[1]) if len(new) > 1 else ""
    made = set(card_ordinals(target, fields_by_name(target, new), tags=tags))
    kind = anki_types.note_kind(target, front, len(made))
    note = NoteSpec(str(row.uid), kind, front, back, tags, NoteSource())
    validate_note(note, anki_typed=True)
    values = note_values(note) | {
        "anki_notetype_id": notetype_id,
        "anki_fields": json.dumps(new, ensure_ascii=False),
    }
    conn.execute(update(NOTE).where(NOTE.c.id == row.id).values(**values, modified=now))
    if target.kind == "cloze":  # a cloze card needs its deletion
        return made
    # A card keeps its place while its template exists, even if it renders empty for these
    # fields (as an Anki-typed note keeps such a card), besides the cards the fields make.
    have = {int(r[0]) for r in conn.execute(select(CARD.c.ord).where(CARD.c.note_id == row.id))}
    return made | {o for o in have if o < len(target.templates)}


def _settle_cards(
    conn: Connection, note_id: int, deck_id: int, want: set[int], now: datetime
) -> None:
    """Remove the note's cards outside ``want`` (never one with history) and add the missing."""
    have = {
        int(o): int(i)
        for i, o in conn.execute(select(CARD.c.id, CARD.c.ord).where(CARD.c.note_id == note_id))
    }
    gone = [card_id for ord_, card_id in have.items() if ord_ not in want]
    if reviewed_card_ids(conn, gone):
        raise InputError(
            "The new note type has no card for a card with review history; nothing was changed."
        )
    if gone:
        conn.execute(delete(CARD).where(CARD.c.id.in_(gone)))
    insert_cards(conn, note_id, deck_id, sorted(want - set(have)), now)
