"""Scoring a generated deck against a gold list: recall, precision and junk.

A gold list is a TOML file::

    [[terms]]
    term = "LLM"
    aliases = ["大規模言語モデル"]          # other names a card may use for the term
    phrases = ["Large Language Model"]     # every phrase must appear in a correct card's answer
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from flashcards.core.deckfile import DeckFile, NoteSpec
from flashcards.core.generate.backs import has_anaphor_en, has_anaphor_ja, same_text
from flashcards.core.generate.fragments import fragment_reason
from flashcards.core.generate.textutil import fold, is_hiragana, term_key
from flashcards.core.generate.tokens import starts_with_particle

_CLOZE = re.compile(r"\{\{c\d+::(.*?)(?:::[^}]*)?\}\}")


@dataclass(frozen=True)
class GoldTerm:
    """One term an article's cards should cover, and what a correct answer contains."""

    term: str
    aliases: tuple[str, ...]
    phrases: tuple[str, ...]

    def keys(self) -> set[str]:
        """The normalised names (note-id suffixes) that count as naming this term."""
        return {term_key(name) for name in (self.term, *self.aliases)}


@dataclass(frozen=True)
class Quality:
    """How a deck measures up to a gold list."""

    recall: float
    precision: float
    cards: int
    junk: int
    missing: tuple[str, ...]
    wrong: tuple[str, ...]


def load_gold(path: Path) -> list[GoldTerm]:
    """Read a gold list (see the module docstring)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        GoldTerm(
            term=str(entry["term"]),
            aliases=tuple(str(a) for a in entry.get("aliases", [])),
            phrases=tuple(str(p) for p in entry.get("phrases", [])),
        )
        for entry in data.get("terms", [])
    ]


def _answer(note: NoteSpec) -> str:
    if note.kind == "cloze":
        return _CLOZE.sub(r"\1", note.front) + " " + note.back
    return note.back


def _well_formed(note: NoteSpec) -> bool:
    if note.kind == "cloze":
        return bool(_CLOZE.search(note.front))
    return (
        bool(note.back.strip())
        and not starts_with_particle(note.back)
        and not same_text(note.front, note.back)
    )


def note_names(note: NoteSpec, gold: GoldTerm) -> bool:
    """Whether a note is about a gold term (by its id or, for basic notes, its front)."""
    suffix = note.id.split("/", 1)[-1]
    keys = gold.keys()
    return suffix in keys or (note.kind != "cloze" and term_key(note.front) in keys)


def note_correct(note: NoteSpec, gold: GoldTerm) -> bool:
    """Whether a note about ``gold`` is well formed and its answer has every gold phrase."""
    answer = fold(_answer(note))
    return _well_formed(note) and all(fold(p) in answer for p in gold.phrases)


def score_deck(deck: DeckFile, gold: list[GoldTerm]) -> Quality:
    """Recall: gold terms with a correct note; precision: correct notes among those naming one."""
    covered: set[str] = set()
    naming = 0
    correct = 0
    junk = 0
    wrong: list[str] = []
    for note in deck.notes:
        matches = [g for g in gold if note_names(note, g)]
        if not matches:
            junk += 1
            continue
        naming += 1
        good = [g for g in matches if note_correct(note, g)]
        if good:
            correct += 1
            covered.update(g.term for g in good)
        else:
            wrong.append(note.id)
    missing = tuple(g.term for g in gold if g.term not in covered)
    return Quality(
        recall=len(covered) / len(gold) if gold else 1.0,
        precision=correct / naming if naming else 1.0,
        cards=len(deck.notes),
        junk=junk,
        missing=missing,
        wrong=tuple(wrong),
    )


# --- Shapes of bad backs: what the gold phrases cannot see (a fragment still holds a phrase) ---

_SHORT_GLOSS = 15


def _is_gloss(back: str, fronts: set[str]) -> bool:
    """A short back that is another note's term, or one word or name (``生成``, ``Zero-shot``)."""
    if len(back) > _SHORT_GLOSS:
        return False
    one_word = " " not in back.strip() and not any(is_hiragana(ch) for ch in back)
    return fold(back) in fronts or one_word


def back_shapes(deck: DeckFile, lang: str) -> list[tuple[NoteSpec, str]]:
    """The deck's basic notes whose back has a bad shape, each with the shape's label.

    Labels: ``fragment: <fault>`` (`fragment_reason` on the back, or on its first part),
    ``joined fragment: <fault>`` (a second back after `` / `` that is one), ``anaphor`` (the back
    leans on the text around it), ``gloss only`` (the back is only the term's other name, or
    only its gloss appended), ``duplicate`` (the back or the term of another note again),
    ``fragment front`` (a front cut out of a sentence: ``device that``). Backs that are whole
    but say something other than what the term is are left to a reader.
    """
    fronts = {fold(n.front.split(" (", 1)[0]) for n in deck.notes if n.kind != "cloze"}
    seen_backs: dict[str, str] = {}
    seen_terms: set[str] = set()
    out: list[tuple[NoteSpec, str]] = []
    for note in deck.notes:
        if note.kind == "cloze":
            continue
        term = note.front.split(" (", 1)[0]
        parts = [p.strip() for p in note.back.split(" / ")]
        label = ""
        first = fragment_reason(parts[0], lang)
        later = [fragment_reason(p, lang) for p in parts[1:]]
        anaphor = has_anaphor_ja if lang == "ja" else has_anaphor_en
        bare = re.sub(r"^(?:an?|the)\s+", "", term, flags=re.IGNORECASE)
        if first:
            label = f"fragment: {first}"
        elif any(later):
            label = f"joined fragment: {next(r for r in later if r)}"
        elif re.search(r"\b(?:that|which|who)$", term) or term.startswith("("):
            label = "fragment front"
        elif any(anaphor(p) for p in parts):
            label = "anaphor"
        elif fold(parts[0]) in seen_backs or (bare != term and fold(bare) in seen_terms):
            label = "duplicate"
        elif _is_gloss(parts[0], fronts):
            label = "gloss only"
        elif any(_is_gloss(p, fronts) for p in parts[1:]):
            label = "gloss appended"
        seen_backs.setdefault(fold(parts[0]), term)
        seen_terms.add(fold(term))
        if label:
            out.append((note, label))
    return out
