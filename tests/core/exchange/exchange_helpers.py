"""Helpers of the exchange tests: a sample collection with progress, the real Anki importer."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from anki.collection import Collection as AnkiCollection
from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

from flashcards.core.collection import Collection
from flashcards.core.deckfile import NoteSource

SOURCE = NoteSource(
    "大規模言語モデル入門", "1.LLMとは", "LLMは大量のテキストで学習した言語モデルである。"
)


def fill(col: Collection, now: datetime) -> dict[str, int]:
    """Notes of every kind, nested decks, awkward text; returns note ids by a short name."""
    col.decks.add("LLM", now, description="From the article “LLM入門” (CC BY-NC-SA 4.0).\nLine 2")
    ids = {
        "basic": col.notes.add(
            "LLM",
            "basic",
            "LLM",
            "Large Language Model <b>not bold</b> & more",
            now,
            tags=["llm", "用語"],
            source=SOURCE,
        ).value,
        "reversed": col.notes.add(
            "LLM::Terms",
            "basic+reversed",
            "トークン",
            "token\nsecond line",
            now,
            tags=["ja"],
        ).value,
        "cloze": col.notes.add(
            "LLM::Terms",
            "cloze",
            "{{c1::Transformer}} uses {{c2::attention}}",
            "extra",
            now,
            source=SOURCE,
        ).value,
        "tabs": col.notes.add("Other", "basic", 'quote " and\ttab', "a;b,c", now).value,
    }
    return ids


def study(col: Collection, now: datetime, rounds: int = 3) -> datetime:
    """Answer every card a few times (days apart) so that cards carry progress."""
    at = now
    for _ in range(rounds):
        for note_id in col.notes.ids():
            for card_id in col.notes.get(note_id).card_ids:
                col.sched.answer(card_id, 3, at)
        at += timedelta(days=3)
    return at


def add_anki_note_type(
    acol: AnkiCollection,
    name: str,
    fields: Sequence[str],
    templates: Sequence[tuple[str, str, str]],
    css: str | None = None,
) -> dict[str, Any]:
    """Add a note type to the real Anki's collection: its fields, its (name, question,
    answer) templates and its CSS (None: Anki's default); returns it as Anki keeps it."""
    models = acol.models
    model = models.new(name)
    for field in fields:
        models.add_field(model, models.new_field(field))
    for template_name, qfmt, afmt in templates:
        template = models.new_template(template_name)
        template["qfmt"], template["afmt"] = qfmt, afmt
        models.add_template(model, template)
    if css is not None:
        model["css"] = css
    models.add(model)
    found = models.by_name(name)
    assert found is not None
    return dict(found)


def anki_import(acol: AnkiCollection, path: Path, *, scheduling: bool = False) -> Any:
    """Import a package into the real Anki; returns the import log."""
    request = ImportAnkiPackageRequest(
        package_path=str(path),
        options=ImportAnkiPackageOptions(
            with_scheduling=scheduling, with_deck_configs=False, merge_notetypes=False
        ),
    )
    return acol.import_anki_package(request).log


def snapshot(col: Collection) -> tuple[object, ...]:
    """Every row of every table: to prove that a failed import changed nothing."""
    with col.engine.connect() as conn:
        return tuple(
            tuple(conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1").all())
            for table in ("deck", "preset", "note", "card", "reviewlog")
        )


def anki_sample(acol: AnkiCollection) -> int:
    """Fill a real Anki collection with notes of several types and some real reviews."""
    did = acol.decks.id("Anki::Nested")
    deck = acol.decks.get(did)
    assert deck is not None
    deck["desc"] = "Deck <i>description</i> &amp; more"
    acol.decks.save(deck)
    basic = acol.models.by_name("Basic")
    note = acol.new_note(basic)
    note["Front"], note["Back"] = "<b>bold</b>&nbsp;front", "back<br>line 2"
    note.tags = ["tag1", "日本語"]
    acol.add_note(note, did)
    for name, fields in (
        ("Basic (and reversed card)", ("犬", "dog")),
        ("Cloze", ("{{c1::Paris}} is in {{c2::France}}", "extra")),
        ("Basic (optional reversed card)", ("optional", "reverse")),
        ("Basic (type in the answer)", ("typed", "answer")),
    ):
        model = acol.models.by_name(name)
        note = acol.new_note(model)
        for index, value in enumerate(fields):
            note.fields[index] = value
        acol.add_note(note, did)
    acol.decks.select(did)
    for _ in range(3):  # review the first cards a few times
        card = acol.sched.getCard()
        if card is None:
            break
        card.start_timer()
        acol.sched.answerCard(card, 3)
    return acol.note_count()


def grey_png(colour: int) -> bytes:
    """A real 2x2 PNG of one grey level (two levels: two different files)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes([colour]) * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
