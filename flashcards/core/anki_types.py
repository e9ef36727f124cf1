"""Notes in an Anki note type of their own: their fields as edited here, their cards, their type.

A note imported from Anki in a note type that is not one of ours keeps that note type (table
``ankinotetype``, legacy JSON shape) and its fields as Anki had them (``note.anki_fields``, a
JSON list of HTML), so that it is shown, makes cards and goes back to Anki as that note type.
Its ``front`` and ``back`` columns are its first two fields as plain text. The note editor edits
every field as HTML (:meth:`~flashcards.core.notes.NoteManager.update_fields`): it stores the
HTML and makes ``front`` and ``back`` its text again, so that the HTML goes back exactly as
edited. An edit of the plain ``front`` or ``back`` alone (the browser's form, scripts) replaces
that field with the text (as HTML) when the text differs; a field that was not edited keeps its
HTML (formatting, media references). The renderer, the card rules and the export
all read a note's fields through :func:`note_fields`, so they agree on what the note holds.

Such a note has the cards Anki gave it (every ordinal of the package) plus those its templates
make when it is added or edited here (:func:`card_ords`); a card is never removed because a
template or a field changed, as in Anki.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.engine import Connection

from flashcards.core.deckfile import cloze_numbers
from flashcards.core.enums import NoteKind
from flashcards.core.errors import InputError
from flashcards.core.html_text import html_to_text, text_to_html
from flashcards.core.tables import NOTETYPE
from flashcards.core.template_render import (
    NoteTypeSpec,
    card_ordinals,
    fields_by_name,
    notetype_from_anki,
)


@lru_cache(maxsize=64)
def notetype_of(config: str) -> NoteTypeSpec | None:
    """The note type a kept Anki note type config describes (JSON), or None if it is unusable.

    Cached by the config's text: a review session renders many cards of the same few types.
    """
    try:
        parsed = json.loads(config)
    except (ValueError, RecursionError):
        return None
    if not isinstance(parsed, dict):
        return None
    spec = notetype_from_anki(parsed)
    return spec if spec.fields and spec.templates else None


def load_notetype(conn: Connection, notetype_id: int | None) -> NoteTypeSpec | None:
    """The kept Anki note type of this id, or None (no id, not kept, or unusable)."""
    if notetype_id is None:
        return None
    config = conn.execute(
        select(NOTETYPE.c.config).where(NOTETYPE.c.id == notetype_id)
    ).scalar_one_or_none()
    return None if config is None else notetype_of(str(config))


def note_fields(
    stored: str | None, front: str, back: str, count: int | None = None
) -> list[str] | None:
    """A note's Anki fields (HTML) as Anki had them, with the edits made here.

    Args:
        stored: The note's ``anki_fields`` (JSON list of HTML), or None.
        front: The note's front (plain text): replaces the first field if its text differs.
        back: The note's back: replaces the second field likewise.
        count: The number of fields the note type has; None accepts any number.

    Returns:
        The fields, or None if there are none or they do not fit the note type.
    """
    if stored is None:
        return None
    try:
        fields = json.loads(stored)
    except (ValueError, RecursionError):
        return None
    if not isinstance(fields, list) or not fields or (count is not None and len(fields) != count):
        return None
    fields = [str(f) for f in fields]
    for index, text in ((0, front), (1, back)):
        if index < len(fields) and html_to_text(fields[index]) != text:
            fields[index] = text_to_html(text)
    return fields


def fields_of(
    notetype: NoteTypeSpec, stored: str | None, front: str, back: str
) -> dict[str, str] | None:
    """A note's fields by name (see :func:`note_fields`), or None if they do not fit."""
    fields = note_fields(stored, front, back, len(notetype.fields))
    return None if fields is None else fields_by_name(notetype, fields)


def note_kind(notetype: NoteTypeSpec, front: str, card_count: int) -> str:
    """The cached kind of a note added here in an Anki note type.

    Cloze when its type is a cloze type and it has a deletion; reversed when it has more than
    one card (siblings: the answer path's burying reads it); basic otherwise.
    """
    if notetype.kind == "cloze":
        return NoteKind.CLOZE.value if cloze_numbers(front) else NoteKind.BASIC.value
    return NoteKind.REVERSED.value if card_count > 1 else NoteKind.BASIC.value


def check_field_count(notetype: NoteTypeSpec, values: Sequence[object]) -> None:
    """Refuse ``values`` unless it has one value per field of ``notetype``.

    Raises:
        InputError: If it has not.
    """
    if len(values) != len(notetype.fields):
        raise InputError(
            f"The note type {notetype.name!r} has {len(notetype.fields)} fields, not {len(values)}."
        )


def card_ords(notetype: NoteTypeSpec, fields: dict[str, str], tags: Sequence[str]) -> set[int]:
    """The ordinals of the cards the note's templates make, as Anki decides for a new note."""
    return set(card_ordinals(notetype, fields, tags=tags))
