"""Our three Anki note types: fixed ids, stable field and template ids, one shared style."""

from __future__ import annotations

from dataclasses import dataclass

import genanki

from flashcards.core.enums import NoteKind
from flashcards.core.exchange.common import stable_id

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

#: Field names of each kind, in order; all three kinds have five fields.
FIELDS: dict[str, tuple[str, ...]] = {
    NoteKind.BASIC: ("Front", "Back", "Sentence", "Section", "Article"),
    NoteKind.REVERSED: ("Front", "Back", "Sentence", "Section", "Article"),
    NoteKind.CLOZE: ("Text", "Extra", "Sentence", "Section", "Article"),
}

NAMES: dict[str, str] = {
    NoteKind.BASIC: "Flashcards Basic",
    NoteKind.REVERSED: "Flashcards Basic (and reversed card)",
    NoteKind.CLOZE: "Flashcards Cloze",
}

#: Fixed model ids: never random, the same in every export and every installation.
MODEL_IDS: dict[str, int] = {kind: stable_id(f"flashcards/model/{kind}") for kind in NAMES}
KIND_OF_MODEL: dict[int, str] = {mid: kind for kind, mid in MODEL_IDS.items()}


@dataclass(frozen=True)
class _Template:
    name: str
    qfmt: str
    afmt: str


def _templates(kind: str) -> list[_Template]:
    if kind == NoteKind.CLOZE:
        return [
            _Template(
                "Cloze",
                "{{cloze:Text}}",
                '{{cloze:Text}}{{#Extra}}<div class="back">{{Extra}}</div>{{/Extra}}' + _SOURCE,
            )
        ]
    forward = _Template(
        "Card 1",
        '<div class="front">{{Front}}</div>',
        '{{FrontSide}}<hr id="answer"><div class="back">{{Back}}</div>' + _SOURCE,
    )
    if kind == NoteKind.BASIC:
        return [forward]
    reverse = _Template(
        "Card 2",
        '<div class="front">{{Back}}</div>',
        '{{FrontSide}}<hr id="answer"><div class="back">{{Front}}</div>' + _SOURCE,
    )
    return [forward, reverse]


def build_model(kind: str) -> genanki.Model:
    """A fresh genanki model of ``kind`` (genanki mutates models while writing)."""
    fields = [
        {"name": name, "id": stable_id(f"flashcards/field/{kind}/{name}")} for name in FIELDS[kind]
    ]
    templates = [
        {
            "name": t.name,
            "qfmt": t.qfmt,
            "afmt": t.afmt,
            "id": stable_id(f"flashcards/template/{kind}/{t.name}"),
        }
        for t in _templates(kind)
    ]
    return genanki.Model(
        MODEL_IDS[kind],
        NAMES[kind],
        fields=fields,
        templates=templates,
        css=CSS,
        model_type=genanki.Model.CLOZE if kind == NoteKind.CLOZE else genanki.Model.FRONT_BACK,
    )
