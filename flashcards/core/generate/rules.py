"""The registry of named finding rules: each with its strength and its own examples.

A rule reads one sentence of a parsed document (with the sentence before it) and reports
`Finding`s. Registering it with examples makes it testable on its own:
``tests/core/generate/test_rules.py`` runs every registered rule's examples through the whole
generator and checks that each gives the card it promises.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flashcards.core.generate.findings import Finding
from flashcards.core.generate.structure import Sentence

Finder = Callable[[Sentence, "Sentence | None"], list[Finding]]


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
    """A named way of finding a term and its explanation.

    Attributes:
        name: The rule's name, as findings carry it (``Finding.pattern``).
        strength: How strongly a match marks a definition (see docs/generation.md).
        lang: ``"ja"``, ``"en"`` or ``"any"``.
        find: The finder.
        examples: Snippets the rule must turn into the right card.
    """

    name: str
    strength: float
    lang: str
    find: Finder
    examples: tuple[Example, ...]


RULES: dict[str, Rule] = {}


def rule(
    name: str, strength: float, lang: str, examples: tuple[Example, ...]
) -> Callable[[Finder], Finder]:
    """Register a finder as a rule (a decorator).

    Args:
        name: The rule's unique name.
        strength: Its strength.
        lang: The language it applies to (``"any"`` for both).
        examples: At least one example.

    Returns:
        The decorator, which returns the finder unchanged.
    """

    def register(find: Finder) -> Finder:
        if name in RULES:
            raise ValueError(f"rule {name!r} is registered twice")
        if not examples:
            raise ValueError(f"rule {name!r} has no example")
        RULES[name] = Rule(name, strength, lang, find, examples)
        return find

    return register


def apply_rules(
    names: tuple[str, ...], sentence: Sentence, previous: Sentence | None, lang: str
) -> list[Finding]:
    """The findings of the named rules (those for ``lang``) in one sentence, in that order.

    Args:
        names: The rules to apply (a module's tuple of the rules it registers).
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
