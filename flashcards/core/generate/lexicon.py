"""Word lists the generator reads, kept as data files in ``data/`` (one entry a line).

Each list is defined once, here, from its file; a rule that needs a regular expression gets
one built from the list (`alternation`). General language only: no topic word of any article
the generator is evaluated on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib.resources import files

from flashcards.core.generate.textutil import fold


def load_list(name: str) -> tuple[str, ...]:
    """The entries of ``data/<name>.txt`` as written, in order (``#`` comments, blanks skipped)."""
    text = files("flashcards.core.generate").joinpath("data", f"{name}.txt").read_text("utf-8")
    return tuple(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def load_words(name: str) -> frozenset[str]:
    """The folded entries of ``data/<name>.txt`` (NFKC and case folded, for comparisons)."""
    return frozenset(fold(word) for word in load_list(name))


def load_pairs(name: str) -> tuple[tuple[str, str], ...]:
    """The tab-separated pairs of ``data/<name>.txt``, in order (``#`` comments skipped)."""
    pairs = []
    for line in load_list(name):
        left, _, right = line.partition("\t")
        pairs.append((left.strip(), right.strip()))
    return tuple(pairs)


def alternation(words: Iterable[str]) -> str:
    """A non-capturing regular-expression group matching any of ``words`` literally.

    Longer words come first, so that a word is never cut short by a prefix of it.
    """
    escaped = sorted({re.escape(word) for word in words}, key=lambda w: (-len(w), w))
    return "(?:" + "|".join(escaped) + ")"


GENERIC_HEADINGS = load_words("generic_headings")
"""Headings that name a part of a page (まとめ, Summary), never a term it teaches."""

STOP_TERMS_JA = frozenset(load_list("stop_terms_ja"))
"""Japanese nouns never carded on their own (これ, 今回, 方法 …), compared as written."""
STOP_WORDS_EN = load_words("stop_words_en")
"""English function words that are never a term and never start one."""
STOP_NOUNS_EN = load_words("stop_nouns_en")
"""English nouns never a term alone that may start one (``time`` / ``time signature``)."""

PRONOUNS_EN = load_words("pronouns_en")
"""English pronouns and possessives (a subject holding one is not a term)."""
PREPOSITIONS_EN = load_words("prepositions_en")
"""English prepositions and subordinating conjunctions (a term never starts with one)."""
EVALUATIVE_EN = load_words("evaluative_en")
"""Words that make ``X is a Y`` an evaluation (``a necessity``, ``a big mess``)."""
MODIFIERS_EN = load_list("modifiers_en")
"""Words that restrict the noun before them (``that``, ``of``, ``found``)."""
COMPARATIVES_EN = load_list("comparatives_en")
"""Comparatives (``X, or a lower Y`` is an alternative, not a name)."""
EVALUATIVE_JA = load_list("evaluative_ja")
"""Stems of Japanese evaluative words (大変, 好き, 難しい), found anywhere."""
TERM_SUFFIXES_JA = load_list("term_suffixes_ja")
"""Endings of Japanese technical terms (効果, 現象, 性)."""

DEMONSTRATIVES_JA = frozenset(load_list("demonstratives_ja"))
"""Japanese demonstratives (これ, その, このうち)."""
BACK_REFERENCES_JA = frozenset(load_list("back_references_ja"))
"""Japanese words pointing elsewhere in the text (前述, 上記, 後者)."""
ANAPHORS_EN = load_list("anaphors_en")
"""English words that point back when a sentence starts with them (This, It, the former)."""
BACK_REFERENCES_EN = load_list("back_references_en")
"""English phrases pointing elsewhere in the text (above, mentioned earlier)."""
ASIDE_ENDINGS_JA = load_list("aside_endings_ja")
"""Endings that make a bracketed remark a chatty aside (ね, ですね, 笑)."""
LEADING_ANAPHORS_JA = load_list("leading_anaphors_ja")
"""Demonstratives a Japanese sentence pointing back starts with (これ, その, こうした)."""
CONNECTIVES_JA = load_list("connectives_ja")
"""Japanese connectives opening a sentence before a comma (ちなみに, しかし, これに対して)."""
LEAD_ADVERBIALS_EN = load_list("lead_adverbials_en")
"""English adverbials opening a sentence before a comma (In short, Finally)."""
PARENTHETICALS_EN = load_list("parentheticals_en")
"""English adverbials set off by commas inside a sentence (by contrast, however)."""
INDEFINITES_EN = load_words("indefinites_en")
"""English indefinite pronouns and ``people`` (never part of a fallback's term)."""
CHATTY_JA = load_list("chatty_ja")
"""What makes a Japanese sentence chatty anywhere in it (私, 笑, ですね)."""
CHATTY_ENDINGS_JA = load_list("chatty_endings_ja")
"""What makes a Japanese sentence chatty at its end (かな, w)."""
CHATTY_EN = load_list("chatty_en")
"""What makes an English sentence chatty (I, my, lol, btw)."""
DEFINING_WORDS_EN = load_list("defining_words_en")
"""English verbs saying what a term is or is called (is, means, called)."""
DEFINING_WORDS_JA = load_list("defining_words_ja")
"""Japanese copulas and naming words (です, とは, 呼, 指す)."""
ABBREVIATIONS_EN = load_words("abbreviations_en")
"""English abbreviations a full stop does not end a sentence after (``e.g``, ``Fig``)."""
IMPERATIVES_EN = load_words("imperatives_en")
"""Verbs that start an English instruction (``Watch out for …``)."""
FINITE_VERBS_EN = load_words("finite_verbs_en")
"""Finite verbs and auxiliaries: a run of words with one is a clause, not a name."""
METADATA_KEYS = load_words("metadata_keys")
"""Keys of page and note properties (``作成者: …``, ``Tags: …``): metadata, not glossary."""
NP_LEAD_EN = load_words("np_lead_en")
"""Words before the noun phrase a run of English words ends in (``is mostly viscosity``)."""
DEFINING_ENDINGS_JA = load_list("defining_endings_ja")
"""Japanese endings that define the topic (を指します, のことです, を意味します)."""
COPULA_ENDINGS_JA = load_list("copula_endings_ja")
"""Further endings a Japanese back loses (のこと, となります, です)."""
POLITE_ENDINGS_JA = load_pairs("polite_endings_ja")
"""Polite verb endings and their dictionary forms (します -> する)."""
INTRODUCTION_NOUNS_JA = load_list("introduction_nouns_ja")
"""Nouns in ``Xという<noun>があります`` (言葉, 用語): the name of a word, not of a thing."""
NAMED_KINDS_JA = load_list("named_kinds_ja")
"""Kinds of named things in ``「X」という<kind>`` (論文, 法律, 手法)."""
