"""The Core table handles of the collection's tables, defined once for prebuilt statements."""

from __future__ import annotations

from flashcards.core.models import (
    AnkiNoteType,
    Card,
    Deck,
    Note,
    Preset,
    ReviewDay,
    ReviewLog,
    Setting,
    table_of,
)

CARD = table_of(Card)
NOTE = table_of(Note)
DECK = table_of(Deck)
LOG = table_of(ReviewLog)
PRESET = table_of(Preset)
SETTING = table_of(Setting)
ROLLUP = table_of(ReviewDay)
NOTETYPE = table_of(AnkiNoteType)
