"""One `Language` per language the generator reads: its splitter, rules, cleaners and lexicons.

The generator (`deck.generate_deck`) looks everything language-specific up here: how to split
an article into sentences, which registered rules (`rules.py`) to apply and in which order,
how to clean a back, which term a heading names and whether a sentence is chatty. Importing
this module imports every rule module, so that the registry is complete.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType

from flashcards.core.generate import (  # noqa: F401 - imported to register their rules
    clefts_ja,
    fallback,
    findings,
    marks_ja,
    naming_en,
    naming_ja,
    patterns_en,
    patterns_ja,
    taught_en,
    taught_ja,
)
from flashcards.core.generate.backs import clean_back_en, clean_back_ja, is_chatty
from flashcards.core.generate.en_text import heading_term_en
from flashcards.core.generate.findings import Finding
from flashcards.core.generate.introduced import INTRODUCED_RULES
from flashcards.core.generate.ja_text import heading_term
from flashcards.core.generate.lexicon import load_words
from flashcards.core.generate.relations_en import RELATION_RULES_EN
from flashcards.core.generate.relations_ja import RELATION_RULES_JA
from flashcards.core.generate.rules import RULES, apply_rules
from flashcards.core.generate.structural import STRUCTURAL_RULES
from flashcards.core.generate.structure import Document, Sentence, parse_document


@dataclass(frozen=True)
class Language:
    """Everything the generator does differently in one language.

    Attributes:
        name: ``"ja"`` or ``"en"`` (the tag notes get).
        parse: The sentence splitter: article text and title to a `Document`.
        rules: The sentence rules applied to every sentence, in this order.
        doc_rules: The document rules applied after them, in this order.
        clean_back: Turns the defining part of a sentence into a card back ("" if unusable).
        heading_term: The term a heading names, or "".
        chatty: Whether a sentence is the writer chatting (first person, sentence-final
            particles, laughter) rather than teaching.
        lexicons: The word lists (data files) the language's rules read, by name; each is
            loaded where it is used (`lexicon.py`), these copies are for inspection.
    """

    name: str
    parse: Callable[[str, str], Document]
    rules: tuple[str, ...]
    doc_rules: tuple[str, ...]
    clean_back: Callable[[str], str]
    heading_term: Callable[[str], str]
    chatty: Callable[[str], bool]
    lexicons: Mapping[str, frozenset[str]]

    def find(self, sentence: Sentence, previous: Sentence | None = None) -> list[Finding]:
        """The findings of this language's sentence rules in one sentence."""
        return apply_rules(self.rules, sentence, previous, self.name)


def _for(lang: str, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name for name in names if RULES[name].lang in ("any", lang))


# The rules of the layout, function and relation modules follow the sentence rules of each
# language; the order matters where two findings for one term tie (the first is kept).
_LATER = INTRODUCED_RULES + STRUCTURAL_RULES + RELATION_RULES_JA + RELATION_RULES_EN


def _lexicons(*names: str) -> Mapping[str, frozenset[str]]:
    """The data files a language reads, by name (their entries folded, for inspection)."""
    return MappingProxyType({name: load_words(name) for name in names})


def _parse_ja(text: str, title: str) -> Document:
    return parse_document(text, title, "ja")


def _parse_en(text: str, title: str) -> Document:
    return parse_document(text, title, "en")


JAPANESE = Language(
    name="ja",
    parse=_parse_ja,
    rules=(
        "acronym and expansion",
        "glossary (ja)",
        "YをXと呼ぶ",
        "のがX。…のことです",
        "YがXです",
        "XとはY",
        "Xと言って、Y",
        "XはYです",
        "description(X), X(gloss)",
        "enumeration",
        "heading+definition (ja)",
        "YのがXです",
        "emphasis (ja)",
        *_for("ja", _LATER),
    ),
    doc_rules=(
        "taught: Xといいます",
        "taught: Xは…N。",
        "taught: heading + description",
        "taught: signals (ja)",
    ),
    clean_back=clean_back_ja,
    heading_term=heading_term,
    chatty=partial(is_chatty, lang="ja"),
    lexicons=_lexicons(
        "generic_headings",
        "stop_terms_ja",
        "evaluative_ja",
        "connectives_ja",
        "chatty_ja",
        "chatty_endings_ja",
        "aside_endings_ja",
        "demonstratives_ja",
        "back_references_ja",
        "leading_anaphors_ja",
        "defining_words_ja",
        "term_suffixes_ja",
        "introductions_ja",
        "introduction_nouns_ja",
        "introduction_clefts_ja",
        "defining_endings_ja",
        "copula_endings_ja",
        "named_kinds_ja",
        "role_verbs_ja",
        "role_endings_ja",
        "foundation_nouns_ja",
        "in_other_words_ja",
        "job_nouns_ja",
        "page_furniture",
        "page_tail_headings",
    ),
)

ENGLISH = Language(
    name="en",
    parse=_parse_en,
    rules=(
        "acronym and expansion",
        "X, short for Y",
        "Y. That is called X",
        "X. It is a Y",
        "glossary (en)",
        "X is a Y",
        "Y is called X",
        "heading+definition (en)",
        "emphasis (en)",
        *_for("en", _LATER),
    ),
    doc_rules=(
        "taught: named",
        "taught: X. It is",
        "taught: the X, the Y",
        "taught: X is how",
        "taught: verbless intro",
        "taught: signals (en)",
    ),
    clean_back=clean_back_en,
    heading_term=heading_term_en,
    chatty=partial(is_chatty, lang="en"),
    lexicons=_lexicons(
        "generic_headings",
        "stop_words_en",
        "stop_nouns_en",
        "pronouns_en",
        "indefinites_en",
        "prepositions_en",
        "evaluative_en",
        "modifiers_en",
        "comparatives_en",
        "lead_adverbials_en",
        "parentheticals_en",
        "chatty_en",
        "anaphors_en",
        "back_references_en",
        "defining_words_en",
        "abbreviations_en",
        "np_lead_en",
        "introductions_en",
        "page_furniture",
        "page_tail_headings",
    ),
)

LANGUAGES: dict[str, Language] = {"ja": JAPANESE, "en": ENGLISH}
"""The languages by code."""
