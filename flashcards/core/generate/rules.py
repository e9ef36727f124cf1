"""The registry of named finding rules: each with its strength and its own examples.

A *sentence rule* reads one sentence of a parsed document (with the sentence before it); a
*document rule* reads the whole document (signals across sentences, the sentence after). Both
report `Finding`s. Registering a rule with examples makes it testable on its own:
``tests/core/generate/test_rules.py`` runs every registered rule's examples alone and through
the whole generator, and checks that each language (`language.py`) applies every rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from flashcards.core.generate.corpus import SentenceIndex
from flashcards.core.generate.structure import Document, Sentence

if TYPE_CHECKING:  # findings.py registers rules itself, so it is not imported at run time
    from flashcards.core.generate.findings import Finding

Finder: TypeAlias = "Callable[[Sentence, Sentence | None], list[Finding]]"
DocFinder: TypeAlias = "Callable[[Document, SentenceIndex], list[Finding]]"


@dataclass(frozen=True)
class Example:
    """A made-up article snippet and the card a rule makes of it.

    Attributes:
        text: The snippet (Markdown conventions, as readers produce).
        term: The term the card is about.
        back: Text the card's answer contains.
    """

    text: str
    term: str
    back: str


@dataclass(frozen=True)
class Rule:
    """A named way of finding a term and its explanation in one sentence.

    Attributes:
        name: The rule's name; its findings carry it, or the names of its variants, as
            ``Finding.pattern``.
        strength: How strongly a match marks a definition (the strongest variant's; see
            docs/generation.md).
        lang: ``"ja"``, ``"en"`` or ``"any"``.
        find: The finder.
        examples: Snippets the rule must turn into the right card.
    """

    name: str
    strength: float
    lang: str
    find: Finder
    examples: tuple[Example, ...]


@dataclass(frozen=True)
class DocRule:
    """A named way of finding terms that reads the whole document.

    Attributes:
        name: The rule's name (its findings' patterns start ``taught:``).
        strength: The strongest finding it gives.
        lang: ``"ja"``, ``"en"`` or ``"any"``.
        find: The finder, given the document and its shared lookups.
        examples: Snippets the rule must turn into the right card.
    """

    name: str
    strength: float
    lang: str
    find: DocFinder
    examples: tuple[Example, ...]


RULES: dict[str, Rule] = {}
"""Sentence rules by name."""
DOC_RULES: dict[str, DocRule] = {}
"""Document rules by name."""


def _check(name: str, examples: tuple[Example, ...]) -> None:
    if name in RULES or name in DOC_RULES:
        raise ValueError(f"rule {name!r} is registered twice")
    if not examples:
        raise ValueError(f"rule {name!r} has no example")


def rule(
    name: str, strength: float, lang: str, examples: tuple[Example, ...]
) -> Callable[[Finder], Finder]:
    """Register a finder as a sentence rule (a decorator).

    Args:
        name: The rule's unique name.
        strength: Its strength.
        lang: The language it applies to (``"any"`` for both).
        examples: At least one example.

    Returns:
        The decorator, which returns the finder unchanged.
    """

    def register(find: Finder) -> Finder:
        _check(name, examples)
        RULES[name] = Rule(name, strength, lang, find, examples)
        return find

    return register


def doc_rule(
    name: str, strength: float, lang: str, examples: tuple[Example, ...]
) -> Callable[[DocFinder], DocFinder]:
    """Register a finder as a document rule (a decorator).

    Args:
        name: The rule's unique name.
        strength: Its strength.
        lang: The language it applies to (``"any"`` for both).
        examples: At least one example.

    Returns:
        The decorator, which returns the finder unchanged.
    """

    def register(find: DocFinder) -> DocFinder:
        _check(name, examples)
        DOC_RULES[name] = DocRule(name, strength, lang, find, examples)
        return find

    return register


def apply_rules(
    names: tuple[str, ...], sentence: Sentence, previous: Sentence | None, lang: str
) -> list[Finding]:
    """The findings of the named sentence rules (those for ``lang``) in one sentence, in order.

    Args:
        names: The rules to apply (a language's list, or a module's tuple of its rules).
        sentence: The sentence.
        previous: The sentence before it, if any.
        lang: The article's language.

    Returns:
        The findings.
    """
    found: list[Finding] = []
    for name in names:
        entry = RULES[name]
        if entry.lang in ("any", lang):
            found += entry.find(sentence, previous)
    return found


def apply_doc_rules(
    names: tuple[str, ...], doc: Document, index: SentenceIndex, lang: str
) -> list[Finding]:
    """The findings of the named document rules (those for ``lang``), in order.

    Args:
        names: The rules to apply.
        doc: The parsed article.
        index: Its shared lookups (with the raw text).
        lang: The article's language.

    Returns:
        The findings.
    """
    found: list[Finding] = []
    for name in names:
        entry = DOC_RULES[name]
        if entry.lang in ("any", lang):
            found += entry.find(doc, index)
    return found
