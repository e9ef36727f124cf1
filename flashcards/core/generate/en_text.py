"""English helpers the English rules share: subjects, definitional backs, heading terms."""

from __future__ import annotations

import re
from functools import lru_cache

from flashcards.core.generate.backs import clean_back_en, same_text
from flashcards.core.generate.findings import Finding
from flashcards.core.generate.lexicon import (
    EVALUATIVE_EN,
    GENERIC_HEADINGS,
    MODIFIERS_EN,
    PREPOSITIONS_EN,
    PRONOUNS_EN,
    alternation,
)
from flashcards.core.generate.structure import Sentence
from flashcards.core.generate.terms import is_technical, is_valid_term
from flashcards.core.generate.textutil import fold

CALLED = re.compile(
    r"^(?P<y>.{4,160}?)\s+(?:is|are)\s+(?:called|known as|termed|referred to as)\s+"
    r"(?P<x>[\"“']?[A-Za-z0-9][\w\-+#./' ]{0,58}?[\"”']?)(?:,\s.*)?$"
)
NEW_CLAUSE = re.compile(
    r"(?:;\s+|,\s+(?:and|but|while|whereas)\s+)(?=(?:(?:an?|the)\s+)?[a-z][\w\-]*(?:\s+[a-z][\w\-]*)?"
    r"\s+(?:is|are|means|refers to|measures|describes|tells you|denotes)\b)"
)
# ", and it sounds nice …": a new clause about something else ends the definition.
_PRONOUN_CLAUSE = re.compile(
    r",\s+(?:and|but|so|because)\s+(?:it|they|this|that|he|she|we|you|I|there)\b"
)
# A definition's noun is followed by what restricts it; an evaluation is not.
_MODIFIER = re.compile(r"\b" + alternation(MODIFIERS_EN) + r"\b")
_EVALUATIVE = EVALUATIVE_EN
PRONOUNS = PRONOUNS_EN
PREPOSITIONS = PREPOSITIONS_EN
FINITE = re.compile(
    r"\b(?:is|are|was|were|will|would|can|could|should|may|might|must|has|have|had|do|does|did)\b"
)


def subject_ok(term: str) -> bool:
    """Whether a subject can be a term: no pronoun, no leading preposition, noun-like."""
    words = term.split()
    if not is_valid_term(term) or len(words) > 5:
        return False
    lowered = [w.lower() for w in words]
    if any(w in PRONOUNS for w in lowered) or lowered[0] in PREPOSITIONS:
        return False
    # A lower-case subject must look like a noun phrase, not a clause ("the weather today").
    return is_technical(term, english=True) or len(words) <= 3


def term_of(subject: str) -> str:
    """The term a subject names: ``key of a song`` -> ``key`` (a generic of-phrase is context)."""
    term = re.sub(r"^(?:an?|the|one)\s+", "", subject.strip(), flags=re.IGNORECASE)
    return re.sub(r"^([\w\-]+(?:\s+[\w\-]+)?)\s+of\s+(?:an?|any)\s+[\w\-]+$", r"\1", term)


def definitional(y: str) -> bool:
    """Whether ``a/the Y`` reads as a definition: a head noun with something restricting it."""
    words = re.sub(r"^(?:an?|the|one of the)\s+", "", y.strip(), flags=re.IGNORECASE).split()
    if not words or words[0].lower() in _EVALUATIVE or words[0].lower() in PRONOUNS:
        return False
    head = " ".join(words[:10])
    return bool(_MODIFIER.search(head)) and not any(w.lower() in _EVALUATIVE for w in words[:2])


def definition_strength(term: str, verb: str = "is", y: str = "") -> float:
    """3 for a technical term, 2.5 for another verb or a restricted ``a Y``, else 2."""
    # A sentence-initial capital says nothing; only the term's own shape does.
    if is_technical(term, english=True):
        return 3.0
    if verb != "is" or definitional(y):
        return 2.5
    return 2.0


def cut_back(y: str) -> str:
    """A back ends where the definition does: before ``;``, ``:`` examples or a new clause."""
    y = re.split(r";\s|:\s", y, maxsplit=1)[0]
    y = NEW_CLAUSE.split(y, maxsplit=1)[0]
    y = _PRONOUN_CLAUSE.split(y, maxsplit=1)[0]
    return clean_back_en(y)


def make_finding(
    term: str, back: str, sentence: Sentence, pattern: str, strength: float, reverse: bool = True
) -> list[Finding]:
    """The finding, if the term is a usable subject and the back says something else."""
    term = term.strip().strip("\"“”'")
    if not back or not subject_ok(term) or same_text(term, back):
        return []
    return [Finding(term, back, sentence, pattern, strength, reverse and len(back) <= 90)]


@lru_cache(maxsize=4096)  # asked for every heading by several stages
def heading_term_en(heading: str) -> str:
    """The term an English heading names (``2. What is a Tokenizer?`` -> ``Tokenizer``), or ""."""
    text = re.sub(r"^(?:\d{1,2}[.)]|[IVX]{1,4}\.)\s*", "", heading).strip().rstrip("?:")
    text = re.sub(r"^(?:What\s+(?:is|are)\s+(?:an?\s+|the\s+)?)", "", text, flags=re.IGNORECASE)
    if fold(text) in GENERIC_HEADINGS:
        return ""  # Summary, Key terms: a part of the page, not a term
    return text if is_valid_term(text) and len(text.split()) <= 4 else ""
