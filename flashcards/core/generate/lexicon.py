"""Word lists the generator reads, kept as data files in ``data/`` (one entry a line).

General language only: no topic word of any article the generator is evaluated on.
"""

from __future__ import annotations

from importlib.resources import files

from flashcards.core.generate.textutil import fold


def load_words(name: str) -> frozenset[str]:
    """The folded entries of ``data/<name>.txt`` (``#`` comments and blank lines skipped)."""
    text = files("flashcards.core.generate").joinpath("data", f"{name}.txt").read_text("utf-8")
    return frozenset(
        fold(line.strip())
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


GENERIC_HEADINGS = load_words("generic_headings")
"""Headings that name a part of a page (まとめ, Summary), never a term it teaches."""
