"""Check Media: which files the notes use that are missing, which files no note uses.

As Anki's Tools → Check Media. A note's fields are its Anki HTML when it has some (notes of
Anki note types) and its own text otherwise; the note types' templates and style sheets count
for the ``_`` files they name (fonts, scripts). Unused files are moved to the trash folder
beside the media folder, never deleted.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence

from sqlalchemy import select

from flashcards.core.collection import Collection
from flashcards.core.media import MediaCheck, template_text
from flashcards.core.models import AnkiNoteType, table_of
from flashcards.core.tables import NOTE

NOTETYPE = table_of(AnkiNoteType)


def _note_fields(col: Collection) -> Iterator[tuple[int, list[str]]]:
    with col.engine.connect() as conn:
        rows = conn.execute(select(NOTE.c.id, NOTE.c.front, NOTE.c.back, NOTE.c.anki_fields))
        for note_id, front, back, anki_fields in rows:
            fields: list[str] = [str(front), str(back)]
            if anki_fields:
                # Unreadable stored fields: the plain text is still checked.
                with contextlib.suppress(ValueError, TypeError):
                    fields = [str(f) for f in json.loads(anki_fields)]
            yield int(note_id), fields


def _templates(col: Collection) -> list[str]:
    out = []
    with col.engine.connect() as conn:
        for (config,) in conn.execute(select(NOTETYPE.c.config)):
            try:
                out.append(template_text(json.loads(config)))
            except (ValueError, TypeError, AttributeError):
                continue
    return out


def check_media(col: Collection) -> MediaCheck:
    """Compare the notes' media references with the media folder (reads only)."""
    return col.media.check(_note_fields(col), _templates(col))


def trash_unused(col: Collection, names: Sequence[str]) -> list[str]:
    """Move files that Check Media found unused to the trash folder; the names moved.

    Each name is checked again first: a file a note came to use since the check stays.
    """
    still = set(check_media(col).unused)
    return col.media.move_to_trash([n for n in names if n in still])


__all__ = ["check_media", "trash_unused"]
