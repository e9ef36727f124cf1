"""Per-article lookups that the ranking and fallback stages make for every term, done once.

Ranking a term used to read every sentence of the article again (which sentences name it,
which one a cloze came from, each with its asides dropped again), so an article with many
terms took time quadratic in its length. A `SentenceIndex` keeps each sentence's derived texts
and finds the sentences containing a string with one C-speed search over them all; and at most
`MAX_TERMS` terms are ranked (the scored articles have 7 to 17 candidates).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator

from flashcards.core.generate.backs import drop_asides
from flashcards.core.generate.structure import Document, Sentence

MAX_TERMS = 500
"""At most this many candidate terms are ranked, the strongest first (each reads the article)."""

_SEP = "\n"  # never inside a sentence


class SentenceIndex:
    """Derived texts of a document's sentences and substring search over them.

    Attributes:
        doc: The parsed article.
        raw: The article as written (Markdown emphasis, which the parser drops, is a signal).
    """

    def __init__(self, doc: Document, raw: str = "") -> None:
        self.doc = doc
        self.raw = raw
        self._asides: dict[str, str] = {}
        self._views: dict[str, tuple[list[str], str, list[int]]] = {}
        self._positions: dict[str, dict[str, int]] = {}

    def without_asides(self, text: str) -> str:
        """``drop_asides(text)``, computed once per text."""
        cleaned = self._asides.get(text)
        if cleaned is None:
            cleaned = self._asides[text] = drop_asides(text)
        return cleaned

    def view(self, name: str, make: Callable[[Sentence], str]) -> list[str]:
        """``[make(s) for s in doc.sentences]``, computed once per ``name``."""
        return self._view(name, make)[0]

    def _view(self, name: str, make: Callable[[Sentence], str]) -> tuple[list[str], str, list[int]]:
        cached = self._views.get(name)
        if cached is None:
            texts = [make(s) for s in self.doc.sentences]
            starts: list[int] = []
            at = 0
            for text in texts:
                starts.append(at)
                at += len(text) + len(_SEP)
            cached = self._views[name] = (texts, _SEP.join(texts), starts)
        return cached

    def first(self, text: str, name: str, make: Callable[[Sentence], str]) -> int | None:
        """The index of the first sentence whose ``make(s)`` equals ``text``, or None."""
        positions = self._positions.get(name)
        if positions is None:
            positions = {}
            for i, view in enumerate(self.view(name, make)):
                positions.setdefault(view, i)
            self._positions[name] = positions
        return positions.get(text)

    def containing(self, needle: str, name: str, make: Callable[[Sentence], str]) -> Iterator[int]:
        """Indices, ascending, of the sentences whose ``make(s)`` contains ``needle``."""
        texts, joined, starts = self._view(name, make)
        if not needle or _SEP in needle:
            yield from (i for i, text in enumerate(texts) if needle in text)
            return
        pos = 0
        while True:
            pos = joined.find(needle, pos)
            if pos < 0:
                return
            index = bisect_right(starts, pos) - 1
            yield index  # the needle has no separator, so it lies inside this sentence
            if index + 1 >= len(starts):
                return
            pos = starts[index + 1]


def plain_text(sentence: Sentence) -> str:
    """The sentence as written (a view for `SentenceIndex.containing`)."""
    return sentence.text
