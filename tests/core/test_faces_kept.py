"""The faces of our own notes as they are shown today, kept as data to compare against.

Issue 12 turns our basic, reversed and cloze kinds into ordinary (shipped) note types. Whatever
renders them then, the review must look as it does now: this test renders every card of the
shipped deck (``decks/``) and of awkward notes of every kind (markup-like text, tabs, new lines,
several and hinted deletions, an empty extra) through the real review path, and compares the
faces (and the source line the review shows under them) with ``data/faces_kept.json``,
written once from the renderer of our kinds (``FLASHCARDS_WRITE_FACES=1`` writes it again:
only for a change meant to alter the faces).
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from flashcards.core.collection import Collection
from flashcards.core.deckfile import NoteSource
from flashcards.core.exchange.deckfile_import import load_shipped_decks
from flashcards.core.paths import shipped_decks_dir

KEPT = Path(__file__).parent / "data" / "faces_kept.json"

#: A note's source, with text that must stay text.
SOURCE = NoteSource("記事 <b>title</b>", "1.LLMとは", "LLMは大量の & テキストで学習した。")

#: Notes of every kind whose text is easy to render wrongly (kind, front, back).
AWKWARD = (
    ("basic", "LLM", "Large Language Model <b>not bold</b> & more"),
    ("basic", 'quote " and\ttab', "a;b,c"),
    ("basic", "two\nlines", "back\n\nwith a gap"),
    ("basic+reversed", "トークン", "token\nsecond line"),
    ("basic+reversed", "&amp; literal", "<i>not italic</i>"),
    ("cloze", "{{c1::Transformer}} uses {{c2::attention}}", "extra"),
    ("cloze", "{{c1::東京::首都}} は {{c1::日本}} の首都", ""),
    ("cloze", "a {{c2::b}}\nnext {{c3::c::hint <x>}}", "extra\nline"),
)


def _faces(col: Collection, now: datetime) -> list[dict[str, Any]]:
    out = []
    for note in col.notes.get_many(col.notes.ids()):
        for card_id in note.card_ids:
            card = col.sched.card_for_review(card_id, now)
            faces = card.faces
            out.append(
                {
                    "note": note.uid if note.uid.startswith("llm-") else note.front,
                    "kind": note.kind,
                    "ord": card.ord,
                    "question": faces.question,
                    "answer": faces.answer,
                    "question_html": faces.question_html,
                    "answer_html": faces.answer_html,
                    "anki_css": faces.anki_css,
                    "typed": faces.typed_answer is not None,
                    # The review shows the source line below the answer, from the note.
                    "source": [card.source.sentence, card.source.section, card.source.title],
                }
            )
    return sorted(out, key=lambda f: (f["note"], f["ord"]))


def test_our_notes_look_as_they_did(col: Collection, now: datetime) -> None:
    load_shipped_decks(col, shipped_decks_dir(), now)
    for index, (kind, front, back) in enumerate(AWKWARD):
        source = SOURCE if index % 2 == 0 else NoteSource()
        col.notes.add("Awkward", kind, front, back, now, source=source)
    found = _faces(col, now)
    assert len(found) > 2 * len(AWKWARD)
    if os.environ.get("FLASHCARDS_WRITE_FACES"):
        KEPT.write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        pytest.skip("faces written")
    kept = json.loads(KEPT.read_text(encoding="utf-8"))
    assert [(f["note"], f["ord"]) for f in found] == [(f["note"], f["ord"]) for f in kept]
    for now_shown, before in zip(found, kept, strict=True):
        assert now_shown == before
