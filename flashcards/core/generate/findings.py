"""What a rule reports, and what both languages share: acronyms and expansions, glossary lines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import islice

from flashcards.core.generate.backs import same_text
from flashcards.core.generate.lexicon import (
    FINITE_VERBS_EN,
    IMPERATIVES_EN,
    METADATA_KEYS,
    PREPOSITIONS_EN,
)
from flashcards.core.generate.rules import Example, rule
from flashcards.core.generate.structure import Sentence
from flashcards.core.generate.terms import is_acronym, is_valid_term, label_term
from flashcards.core.generate.textutil import MAX_CANDIDATES, fold, is_kana
from flashcards.core.generate.tokens import tokenize

_ACRONYM_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Za-z0-9]{1,7}(?![A-Za-z0-9])")
_STOP_WORD_TEXT = "of the and for to in on a an with by as at from via"
_STOP_WORDS = frozenset(_STOP_WORD_TEXT.split())
# Two or more Latin words; chemical names keep their locants ("ribulose-1,5-bisphosphate").
_LATIN_WORDS = re.compile(
    r"^[A-Za-z][A-Za-z0-9'’]*(?:(?:[ \-/]|-\d+(?:,\d+)*-)[A-Za-z][A-Za-z0-9'’]*)+$"
)
_GLOSSARY = re.compile(
    r"^\s*(?P<term>[^…:：―—–]{1,40}?)\s*(?:…|\.{3}|：|:|―|—| - | – )\s*(?P<body>.+)$"
)
_ALIASED = re.compile(r"^(?P<term>[^()（）]+?)\s*[（(](?P<alias>[^()（）]{1,40})[)）]$")
_CLAUSE_NAMES = re.compile(
    r"^(?!(?:It|This|That|They|He|She|We|You|I)\b)[A-Z][a-z]+(?: [a-z]+){1,5} (?:the|a|an) "
    r"(?P<x>[\w/%\-]+(?: [a-z][\w\-]*){0,2})$"
)


_DATED = re.compile(r"^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}\b")


def _is_value(text: str) -> bool:
    """Whether a glossary line's right side is a value, not an explanation.

    ``Created: January 14, 2025 10:32 AM``, ``Test set: 420 questions``, ``Latency: ~450 ms``:
    a date, a count or a measure starts with a digit or is mostly digits and signs.
    """
    stripped = text.strip()
    letters = sum(1 for ch in stripped if ch.isalpha())
    if _DATED.match(stripped):
        return True  # "Jan 16: Yes, added …": a dated comment
    return not stripped or stripped[0].isdigit() or letters < 0.6 * len(stripped)


@dataclass(frozen=True)
class Finding:
    """A term and what one sentence says about it.

    Attributes:
        term: The term as written in the article.
        back: The cleaned definition ("" when the finding only supports a cloze card).
        sentence: The sentence it came from.
        pattern: The name of the pattern that matched (documented in docs/generation.md).
        strength: How strongly the pattern marks a definition (0 = only a mention signal).
        reversible: Whether the back is specific enough to name the term (basic+reversed).
        cloze: A ready cloze text, for patterns such as enumerations that make their own.
        alias: Another name the article gives the term in brackets (``重ね合わせ(superposition)``),
            shown next to it on the front.
    """

    term: str
    back: str
    sentence: Sentence
    pattern: str
    strength: float
    reversible: bool = False
    cloze: str = ""
    alias: str = ""


def _initials(acronym: str, words: list[str]) -> bool:
    """Whether the letters of ``acronym`` come, in order, from the starts of ``words``.

    Each word contributes its initial and may contribute further letters from inside it
    ("HyperText" gives H and T, "Database" D and B); small words (of, the, and) may be skipped.
    """
    letters = [ch.lower() for ch in acronym if ch.isalpha()]
    if not letters or not words:
        return False

    @cache  # each (letter, word) position is tried once: stop words made the search exponential
    def match(li: int, wi: int) -> bool:
        if wi == len(words):
            return li == len(letters)
        word = words[wi]
        if word.lower() in _STOP_WORDS and match(li, wi + 1):
            return True
        if li == len(letters) or word[0].lower() != letters[li]:
            return False
        # Take the initial, then optionally more letters from inside the same word, in order
        # ("DataBase" or "Database" both give D and B in DBMS).
        rest = word[1:].lower()
        nxt = li + 1
        if match(nxt, wi + 1):
            return True
        pos = 0
        while nxt < len(letters):
            found = rest.find(letters[nxt], pos)
            if found < 0:
                return False
            pos = found + 1
            nxt += 1
            if match(nxt, wi + 1):
                return True
        return False

    return match(0, 0)


def expansion_matches(acronym: str, expansion: str) -> bool:
    """Whether ``expansion`` spells out ``acronym`` (``LLM`` / ``Large Language Model``)."""
    words = [w for w in re.split(r"[ \-/]+", expansion.strip()) if w and not w[0].isdigit()]
    return is_acronym(acronym) and _initials(acronym, words)


def find_expansions(sentence: Sentence) -> list[Finding]:
    """``ACR(expansion)`` and ``expansion(ACR)`` in either language, checked by initials."""
    text = sentence.text
    found: list[Finding] = []
    for match in islice(re.finditer(r"[（(]([^()（）]{2,80})[)）]", text), MAX_CANDIDATES):
        inner = match.group(1).strip()
        before = text[: match.start()].rstrip()
        tail = re.search(r"([A-Za-z][A-Za-z0-9\-]*)$", before)
        if _LATIN_WORDS.match(inner):
            if tail and expansion_matches(tail.group(1), inner):
                found.append(
                    Finding(tail.group(1), inner, sentence, "acronym(expansion)", 3.0, True)
                )
                continue
            # "LLMとは…物(Large Language Model)": the acronym earlier in the same sentence.
            nearest = reversed(_ACRONYM_IN_TEXT.findall(before))
            for acronym in islice(nearest, MAX_CANDIDATES):
                if expansion_matches(acronym, inner):
                    found.append(
                        Finding(acronym, inner, sentence, "acronym…(expansion)", 2.5, True)
                    )
                    break
            continue
        if is_acronym(inner):
            words = re.findall(r"[A-Za-z][A-Za-z0-9'’\-]*", before)[-(len(inner) + 4) :]
            for k in range(len(words)):
                if words[k].lower() in _STOP_WORDS:
                    continue
                candidate = " ".join(words[k:])
                if before.endswith(words[-1]) and expansion_matches(inner, candidate):
                    found.append(
                        Finding(inner, candidate, sentence, "expansion(acronym)", 3.0, True)
                    )
                    break
    return found


@rule(
    "acronym and expansion",
    3.0,
    "any",
    (
        Example(
            "A GPU (Graphics Processing Unit) runs many small calculations at once.",
            "GPU",
            "Graphics Processing Unit",
        ),
        Example(
            "画像の処理には、Graphics Processing Unit(GPU)がよく使われます。",
            "GPU",
            "Graphics Processing Unit",
        ),
        Example(
            "NPUは推論を速くするための部品です(Neural Processing Unit)。",
            "NPU",
            "Neural Processing Unit",
        ),
    ),
)
def expansions(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``ACR(expansion)`` (3), ``expansion(ACR)`` (3), ``ACR…(expansion)`` later on (2.5).

    Findings carry ``acronym(expansion)``, ``expansion(acronym)`` or ``acronym…(expansion)``.
    """
    return find_expansions(sentence)


def find_glossary(sentence: Sentence, clean: object) -> list[Finding]:
    """Glossary lines ``X…Y``, ``X: Y``, ``X — Y`` where X is a whole term.

    Args:
        sentence: The sentence.
        clean: The language's back cleaner (``str -> str``).
    """
    match = _GLOSSARY.match(sentence.text)
    if not match or not callable(clean):
        return []
    term = match.group("term").strip().strip('*_「」"')
    if fold(term) in METADATA_KEYS:
        return []  # "作成者: 佐伯", "Tags: search, RAG": a property of the page
    alias = ""
    bracketed = _ALIASED.match(term)
    if bracketed:
        # "Legato(レガート): 音と音を…": the gloss goes on the front, the explanation on the back.
        term, alias = bracketed.group("term").strip(), bracketed.group("alias").strip()
    words = term.split()
    if len(words) > 1 and words[0].lower() in IMPERATIVES_EN:
        # "Watch out for scope creep: the gradual growth …": the noun phrase after the verb's
        # last preposition names the term.
        cut = max((n for n, w in enumerate(words) if w.lower() in PREPOSITIONS_EN), default=0)
        term = " ".join(words[cut + 1 :]) if cut else ""
    if term.isascii() and any(w.lower() in FINITE_VERBS_EN for w in term.split()):
        return []  # "Breathing out at rest is passive: …": a clause, not a name
    named = _CLAUSE_NAMES.match(term)
    if named and not alias:
        # "The speaker liked the 50/30/20 rule: spend …": the noun phrase the clause ends with.
        term = named.group("x")
    elif not label_term(term):
        return []
    if not is_valid_term(term):
        return []
    back = str(clean(match.group("body")))
    if not back or same_text(back, term) or _is_value(back):
        return []
    if any(is_kana(ch) for ch in back):
        # A Japanese gloss names something ("…を取り出す命令"); "追記: 少し直しました" does not.
        tokens = tokenize(match.group("body").rstrip("。．. "))
        # A nominalised clause ("…症状が良くなること") is a definition too.
        clause = tokens and tokens[-1].surface == "こと" and len(back) >= 12
        if not tokens or tokens[-1].pos != "名詞" or tokens[-1].sub == "非自立" and not clause:
            return []
    if alias and same_text(back, alias):
        return []
    reversible = len(back) <= 40
    return [Finding(term, back, sentence, "glossary", 2.5, reversible, alias=alias)]
