"""The note types the app ships: Basic, Basic (and reversed card) and Cloze (issue 12).

Every note is in a note type. A note that came from Anki (or was added here in such a type)
keeps its Anki note type, a row of ``ankinotetype`` (:mod:`flashcards.core.anki_types`). The
app's own notes are in one of three *shipped* note types, defined here, the same in every
installation:

* **Ids** are the ids our exports have always used (``stable_id("flashcards/model/<kind>")``),
  field and template ids likewise, so every package exported before comes back as the same
  note types, and Anki sees the same note types again.
* **Configs** (:func:`config`) are Anki note types in the legacy JSON shape kept for Anki's
  types; the export writes every note, ours and Anki's, through the same
  :func:`~flashcards.core.exchange.anki_notetypes.build_anki_model`.
* **The catalog** (:meth:`~flashcards.core.notes.NoteManager.notetypes`) lists the shipped
  types first, then the collection's Anki types: the note editor's chooser, the add path
  (:meth:`~flashcards.core.notes.NoteManager.add_fields`) and the browser treat them alike.

What is particular to a shipped type, and why:

* Its note is stored as columns (``kind``, plain-text ``front``/``back``, ``source_*``), not
  as a JSON list of HTML in ``anki_fields``: those columns *are* its fields (Front/Text,
  Back/Extra, Sentence, Section, Article; :func:`fields_of_columns` gives them as the export
  writes them). Generation, deck files, search, the browser, duplicates and the review's
  source line read the columns, and one copy of the text cannot disagree with another (a
  migration that gave every note both was measured and dropped: every write path would have
  had to keep them equal; see docs/shipped_note_types.md).
* The ``kind`` column names the shipped type (:data:`MODEL_IDS`), and card generation and
  rendering take the kind's fast path: the same cards as the templates make (tested), in
  0.2-4 us a note instead of 14-36 us, and faces the app's own theme draws, with the source
  line shown under the answer instead of inside it.
* A package's copy of a shipped type is not stored: the app defines them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from flashcards.core.deckfile import NoteSource
from flashcards.core.enums import NoteKind
from flashcards.core.html_text import text_to_html
from flashcards.core.stable_ids import stable_id
from flashcards.core.template_render import NoteTypeSpec, notetype_from_anki

CSS = """\
.card {
  font-family: "Hiragino Sans", "Hiragino Kaku Gothic ProN", "Noto Sans CJK JP", "Noto Sans JP",
    "Yu Gothic", "Meiryo", "Microsoft YaHei", "PingFang SC", sans-serif;
  font-size: 22px;
  line-height: 1.6;
  text-align: center;
  color: #1d1d1f;
  background-color: #fffdf8;
}
.nightMode .card, .card.nightMode { color: #eee; background-color: #1e1e1e; }
.cloze { font-weight: bold; color: #1565c0; }
.nightMode .cloze { color: #90caf9; }
.back { margin-top: 0.4em; }
.source { margin-top: 1.2em; font-size: 13px; color: #777; }
.source .where { font-size: 11px; color: #999; }
"""

_SOURCE = (
    '{{#Sentence}}<div class="source">{{Sentence}}'
    '{{#Article}}<div class="where">{{Article}}{{#Section}} · {{Section}}{{/Section}}</div>'
    "{{/Article}}</div>{{/Sentence}}"
)

#: Field names of each shipped type, in order; all three have five fields.
FIELDS: dict[str, tuple[str, ...]] = {
    NoteKind.BASIC: ("Front", "Back", "Sentence", "Section", "Article"),
    NoteKind.REVERSED: ("Front", "Back", "Sentence", "Section", "Article"),
    NoteKind.CLOZE: ("Text", "Extra", "Sentence", "Section", "Article"),
}

#: The shipped types' names, as Anki shows them (the app shows them translated).
NAMES: dict[str, str] = {
    NoteKind.BASIC: "Flashcards Basic",
    NoteKind.REVERSED: "Flashcards Basic (and reversed card)",
    NoteKind.CLOZE: "Flashcards Cloze",
}

#: Fixed note type ids: never random, the same in every export and every installation.
MODEL_IDS: dict[str, int] = {kind: stable_id(f"flashcards/model/{kind}") for kind in NAMES}
KIND_OF_MODEL: dict[int, str] = {mid: kind for kind, mid in MODEL_IDS.items()}


@dataclass(frozen=True)
class NoteTypeInfo:
    """A note type as the catalog lists it.

    Attributes:
        id: The note type's id (a shipped type's is in :data:`MODEL_IDS`).
        name: Its name (a shipped type's as in :data:`NAMES`; the GUI translates those).
        field_names: Its fields, in order.
        kind: The kind of a shipped type; None for an Anki type of the collection.
        cloze: Whether its cards come from cloze deletions.
    """

    id: int
    name: str
    field_names: tuple[str, ...]
    kind: str | None
    cloze: bool

    @property
    def shipped(self) -> bool:
        """Whether the app ships this note type (its notes are stored as columns)."""
        return self.kind is not None


def _templates(kind: str) -> list[tuple[str, str, str]]:
    """(name, question format, answer format) of each template of ``kind``."""
    if kind == NoteKind.CLOZE:
        answer = '{{cloze:Text}}{{#Extra}}<div class="back">{{Extra}}</div>{{/Extra}}' + _SOURCE
        return [("Cloze", "{{cloze:Text}}", answer)]
    forward = (
        "Card 1",
        '<div class="front">{{Front}}</div>',
        '{{FrontSide}}<hr id="answer"><div class="back">{{Back}}</div>' + _SOURCE,
    )
    if kind == NoteKind.BASIC:
        return [forward]
    reverse = (
        "Card 2",
        '<div class="front">{{Back}}</div>',
        '{{FrontSide}}<hr id="answer"><div class="back">{{Front}}</div>' + _SOURCE,
    )
    return [forward, reverse]


def config(kind: str) -> dict[str, Any]:
    """The shipped note type of ``kind`` in Anki's legacy JSON shape (as ``ankinotetype``)."""
    return {
        "name": NAMES[kind],
        "type": 1 if kind == NoteKind.CLOZE else 0,
        "css": CSS,
        "sortf": 0,
        "flds": [
            {"name": name, "ord": i, "id": stable_id(f"flashcards/field/{kind}/{name}")}
            for i, name in enumerate(FIELDS[kind])
        ],
        "tmpls": [
            {
                "name": name,
                "ord": i,
                "qfmt": qfmt,
                "afmt": afmt,
                "id": stable_id(f"flashcards/template/{kind}/{name}"),
            }
            for i, (name, qfmt, afmt) in enumerate(_templates(kind))
        ],
    }


@cache
def spec(kind: str) -> NoteTypeSpec:
    """The shipped note type of ``kind`` as the template renderer reads it."""
    return notetype_from_anki(config(kind))


def info(kind: str) -> NoteTypeInfo:
    """The catalog's entry for the shipped type of ``kind``."""
    return NoteTypeInfo(MODEL_IDS[kind], NAMES[kind], FIELDS[kind], kind, kind == NoteKind.CLOZE)


def fields_of_columns(front: str, back: str, source: NoteSource) -> list[str]:
    """A shipped note's fields (HTML) from its columns, as the export writes them."""
    return [
        text_to_html(text) for text in (front, back, source.sentence, source.section, source.title)
    ]
