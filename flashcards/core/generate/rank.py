"""The candidate-terms and rank stages: findings grouped by term, each term scored.

A term's score is what the article does with it, not raw frequency: its best definition's
strength, a heading naming it, emphasis (いわゆる, so-called, quotes), mentions, a technical
shape, minus a point when it is only ever mentioned while chatting.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

from flashcards.core.generate.corpus import MAX_TERMS, SentenceIndex
from flashcards.core.generate.explain import WEAK_STRENGTH
from flashcards.core.generate.findings import Finding
from flashcards.core.generate.language import Language
from flashcards.core.generate.structure import Sentence
from flashcards.core.generate.terms import is_technical
from flashcards.core.generate.textutil import fold, term_key


@dataclass
class RankedTerm:
    """A candidate term with its findings and score.

    Attributes:
        key: Its normalised form (`textutil.term_key`): the note id's tail.
        display: How it is shown (the spelling of its strongest finding).
        findings: Every finding about it, in explain order.
        score: Its rank (see the module docstring).
        first_index: The index of the first sentence a finding comes from.
        supported: Whether it is mentioned twice or names a heading (weak definitions count).
    """

    key: str
    display: str
    findings: list[Finding]
    score: float = 0.0
    first_index: int = 0
    supported: bool = False


def chatty(sentence: Sentence, language: Language, index: SentenceIndex) -> bool:
    """Whether a sentence, its bracketed asides dropped, is the writer chatting."""
    return language.chatty(index.without_asides(sentence.text))


def candidates(findings: list[Finding]) -> dict[str, list[Finding]]:
    """The candidate-terms stage: findings grouped by term key, at most `MAX_TERMS` terms.

    When there are more, the terms with the strongest finding are kept, then the earliest.
    """
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        key = term_key(finding.term)
        if key:
            groups[key].append(finding)
    for key in _inside_longer(groups):
        del groups[key]
    if len(groups) <= MAX_TERMS:
        return groups
    order = {key: n for n, key in enumerate(groups)}
    best = sorted(groups, key=lambda k: (-max(f.strength for f in groups[k]), order[k]))
    kept = set(best[:MAX_TERMS])
    return {key: group for key, group in groups.items() if key in kept}


def _inside_longer(groups: dict[str, list[Finding]]) -> list[str]:
    """Terms found only as a cloze, in sentences where each mention is inside a longer term.

    ``四分位範囲`` is defined; the tokenizer's ``分位範囲`` in the sentence naming it is a piece
    of it, not a second term.
    """
    defined = {fold(f.term) for group in groups.values() for f in group if f.back}
    inside = []
    for key, group in groups.items():
        if any(f.back for f in group):
            continue
        term = fold(group[0].term)
        longer = [other for other in defined if term in other and term != other]
        if longer and all(
            fold(f.sentence.text).count(term)
            <= sum(fold(f.sentence.text).count(other) for other in longer)
            for f in group
        ):
            inside.append(key)
    return inside


def _mentions(term: str, corpus: str) -> int:
    return corpus.count(fold(term))


def _display(findings: list[Finding]) -> str:
    best = max(findings, key=lambda f: (f.strength, -f.sentence.index, len(f.term)))
    display = best.term.strip().lstrip("~〜～").strip()
    return display or best.term.strip()


def rank(index: SentenceIndex, findings: list[Finding], language: Language) -> list[RankedTerm]:
    """The rank stage: each candidate term scored (see the module docstring).

    Args:
        index: The segmented article.
        findings: The explain stage's findings.
        language: The article's language.

    Returns:
        The terms, in the order their first finding was made.
    """
    doc = index.doc
    corpus = fold("\n".join([*doc.headings, *(s.text for s in doc.sentences)]))
    headings = {term_key(language.heading_term(h)) for h in doc.headings}
    terms: list[RankedTerm] = []
    for key, group in candidates(findings).items():
        display = _display(group)
        patterns = {f.pattern for f in group}
        emphasis = (
            2.0
            if "so-called" in patterns
            else 1.0
            if "emphasis" in patterns
            else 0.5
            if "quoted" in patterns
            else 0.0
        )
        head = re.match(r"[A-Za-z][A-Za-z0-9\-]+", display)
        mentions = max(_mentions(display, corpus), _mentions(head.group(0), corpus) if head else 0)
        supported = mentions >= 2 or key in headings
        # An unsupported weak definition ("Pizza is a good reward") adds nothing, not even a cloze.
        strength = max(
            (f.strength for f in group if f.strength >= WEAK_STRENGTH or supported), default=0.0
        )
        calm = [f for f in group if not chatty(f.sentence, language, index)]
        score = (
            strength
            + (1.5 if key in headings else 0.0)
            + emphasis
            + 0.5 * min(2.0, math.log2(max(1, mentions)))
            + (0.5 if is_technical(display, english=language.name == "en") else 0.0)
            - (1.0 if not calm else 0.0)
        )
        first = min(f.sentence.index for f in group)
        terms.append(RankedTerm(key, display, group, score, first, supported))
    return terms


def defined_elsewhere(terms: list[RankedTerm]) -> set[str]:
    """Keys of terms that only appear as the back of another term's definition."""
    backs = {term_key(f.back) for t in terms for f in t.findings if f.back}
    return {t.key for t in terms if t.key in backs}
