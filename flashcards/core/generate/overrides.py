"""The overrides stage: reviewed corrections kept in the deck file, applied to generated notes.

A deck file's ``[overrides]`` table maps a note id to fields that replace the generated ones
(``front``, ``back``, ``kind``, ``tags``), ``drop = true`` or a whole added note
(``add = true``); each needs a ``reason``. Regenerating keeps them (docs/generation.md).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flashcards.core.deckfile import NOTE_KINDS, NoteSource, NoteSpec
from flashcards.core.errors import InputError

_OVERRIDE_KEYS = frozenset(
    {"front", "back", "kind", "tags", "reason", "add", "drop", "section", "sentence"}
)


def check_overrides(overrides: dict[str, dict[str, Any]], origin: str = "overrides") -> None:
    """Validate an overrides table.

    Raises:
        InputError: If an override has unknown keys, no reason, or badly typed values.
    """
    for note_id, fields in overrides.items():
        unknown = set(fields) - _OVERRIDE_KEYS
        if unknown:
            raise InputError(f"{origin}: override {note_id!r} has unknown keys {sorted(unknown)}.")
        reason = fields.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise InputError(f"{origin}: override {note_id!r} needs a 'reason' saying why.")
        for key in ("front", "back", "kind", "section", "sentence"):
            if key in fields and not isinstance(fields[key], str):
                raise InputError(f"{origin}: override {note_id!r} field {key!r} must be text.")
        if "kind" in fields and fields["kind"] not in NOTE_KINDS:
            raise InputError(f"{origin}: override {note_id!r} has an unknown kind.")
        tags = fields.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise InputError(f"{origin}: override {note_id!r} tags must be a list of text.")
        for key in ("add", "drop"):
            if key in fields and not isinstance(fields[key], bool):
                raise InputError(
                    f"{origin}: override {note_id!r} field {key!r} must be true/false."
                )
        if fields.get("add") and not (
            fields.get("front") and (fields.get("back") or fields.get("kind") == "cloze")
        ):
            raise InputError(f"{origin}: added note {note_id!r} needs a front and a back.")


def apply_overrides(
    notes: list[NoteSpec], overrides: dict[str, dict[str, Any]], title: str
) -> list[NoteSpec]:
    """Apply reviewed overrides to generated notes (replace fields, drop notes, add notes)."""
    out: list[NoteSpec] = []
    seen: set[str] = set()
    for note in notes:
        seen.add(note.id)
        fields = overrides.get(note.id)
        if fields is None:
            out.append(note)
            continue
        if fields.get("drop"):
            continue
        out.append(
            replace(
                note,
                front=str(fields.get("front", note.front)),
                back=str(fields.get("back", note.back)),
                kind=str(fields.get("kind", note.kind)),
                tags=tuple(fields.get("tags", note.tags)),
            )
        )
    for note_id, fields in overrides.items():
        if note_id in seen or not fields.get("add") or fields.get("drop"):
            continue
        source = NoteSource(title, str(fields.get("section", "")), str(fields.get("sentence", "")))
        out.append(
            NoteSpec(
                note_id,
                str(fields.get("kind", "basic")),
                str(fields["front"]),
                str(fields.get("back", "")),
                tuple(fields.get("tags", ("added",))),
                source,
            )
        )
    return out
