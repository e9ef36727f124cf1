"""Note kinds and their rules: which cards a note makes, what a valid note is, its columns."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from flashcards.core.deckfile import NoteSource, NoteSpec, cloze_numbers
from flashcards.core.enums import CardState, NoteKind
from flashcards.core.errors import InputError

#: The largest cloze number (Anki keeps card ordinals in 16 bits).
MAX_CLOZE_NUMBER = 65_535

#: The most bytes of a note's text (UTF-8). Real notes are a few hundred bytes and Anki's own
#: editor crawls long before 1 MiB, while 1 MiB still renders quickly; importers skip a larger
#: note with a warning, and adding or editing one is refused.
MAX_NOTE_BYTES = 1 << 20

_CLOZE, _REVERSED = NoteKind.CLOZE.value, NoteKind.REVERSED.value


def card_ords(kind: str, front: str) -> list[int]:
    """The card ordinals a note makes: 0; 0 and 1 (reversed); cloze number - 1 per deletion."""
    # Plain strings: comparing with the enum members costs more than the rest for 100k notes.
    if kind == _CLOZE:
        return [n - 1 for n in cloze_numbers(front) if n <= MAX_CLOZE_NUMBER]
    if kind == _REVERSED:
        return [0, 1]
    return [0]


class NoteFields(Protocol):
    """What a note row is written from: our deck-file notes and notes read from Anki alike."""

    @property
    def kind(self) -> str: ...  # noqa: D102
    @property
    def front(self) -> str: ...  # noqa: D102
    @property
    def back(self) -> str: ...  # noqa: D102
    @property
    def tags(self) -> tuple[str, ...]: ...  # noqa: D102
    @property
    def source(self) -> NoteSource: ...  # noqa: D102


def note_values(note: NoteFields) -> dict[str, Any]:
    """The note table's columns for a note's fields (kind, texts, tags, source)."""
    return {
        "kind": note.kind,
        "front": note.front,
        "back": note.back,
        "tags": " ".join(note.tags),
        "source_title": note.source.title,
        "source_section": note.source.section,
        "source_sentence": note.source.sentence,
    }


def too_large(*texts: str) -> bool:
    """Whether these texts together exceed :data:`MAX_NOTE_BYTES` in UTF-8."""
    if sum(len(t) for t in texts) * 4 <= MAX_NOTE_BYTES:  # cheap for every real note
        return False
    return sum(len(t.encode("utf-8", "surrogatepass")) for t in texts) > MAX_NOTE_BYTES


def validate_note(spec: NoteSpec, *, anki_typed: bool = False) -> None:
    """Check that a note can be stored.

    Args:
        spec: The note.
        anki_typed: The note is in an Anki note type of its own (see
            :mod:`flashcards.core.anki_types`): its templates decide its cards, and any of its
            fields may be empty, as in Anki, so only its kind and size are checked.

    Raises:
        InputError: If its kind is unknown, it is too large, its front empty, a basic note
            has no back, or a cloze note has no deletion (or one numbered beyond
            :data:`MAX_CLOZE_NUMBER`).
    """
    if spec.kind not in {k.value for k in NoteKind}:
        raise InputError(f"Unknown note kind {spec.kind!r}.")
    if too_large(spec.front, spec.back):
        raise InputError(f"A note may hold at most {MAX_NOTE_BYTES >> 20} MiB of text.")
    if anki_typed:
        return
    if not spec.front.strip():
        raise InputError("A note needs a front.")
    if spec.kind != NoteKind.CLOZE and not spec.back.strip():
        raise InputError("A basic note needs a back.")
    if spec.kind == NoteKind.CLOZE and not cloze_numbers(spec.front):
        raise InputError("A cloze note needs at least one deletion such as {{c1::text}}.")
    if spec.kind == NoteKind.CLOZE and max(cloze_numbers(spec.front)) > MAX_CLOZE_NUMBER:
        raise InputError(f"Cloze numbers go up to {MAX_CLOZE_NUMBER}.")


def new_card_values(note_id: int, deck_id: int, ord_: int, now: datetime) -> dict[str, Any]:
    """The card table's columns of a new card."""
    # A new card is due at its creation time: the queue takes new cards in due order, which is
    # the order notes were added in.
    return {
        "note_id": note_id,
        "deck_id": deck_id,
        "ord": ord_,
        "position": note_id,
        "state": CardState.NEW,
        "due": now,
        "reps": 0,
        "lapses": 0,
        "suspended": False,
    }
