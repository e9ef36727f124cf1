"""Article text -> flashcard notes: read, split, find terms and definitions, write a deck file.

The public API is `read_article`, `decode_article` and `generate_deck`; see docs/generation.md.
"""

from flashcards.core.generate.article import (
    MAX_ARTICLE_BYTES,
    Article,
    decode_article,
    read_article,
)
from flashcards.core.generate.deck import apply_overrides, check_overrides, generate_deck

__all__ = [
    "MAX_ARTICLE_BYTES",
    "Article",
    "apply_overrides",
    "check_overrides",
    "decode_article",
    "generate_deck",
    "read_article",
]
