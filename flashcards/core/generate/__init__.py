"""Article text -> flashcard notes: read, split, find terms and definitions, write a deck file.

The public API is `load_article` (an address, a web page, a PDF or a text file), the decoders
`decode_article`, `decode_html` and `decode_pdf` (bytes already in hand), `read_article` (a text
file) and `generate_deck`; see docs/generation.md.
"""

from flashcards.core.generate.article import (
    MAX_ARTICLE_BYTES,
    Article,
    decode_article,
    decode_html,
    decode_pdf,
    load_article,
    read_article,
)
from flashcards.core.generate.deck import apply_overrides, check_overrides, generate_deck

__all__ = [
    "MAX_ARTICLE_BYTES",
    "Article",
    "apply_overrides",
    "check_overrides",
    "decode_article",
    "decode_html",
    "decode_pdf",
    "generate_deck",
    "load_article",
    "read_article",
]
