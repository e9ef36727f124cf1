"""The segment and explain stages: an article into sentences, then findings from the rules.

``segment`` splits the article with its language's splitter and sets up the lookups later
stages share (`corpus.SentenceIndex`, computed once). ``explain`` applies the language's
sentence rules to every sentence, then its document rules (the fallbacks), all registered in
`rules.py` and listed in `language.py`.
"""

from __future__ import annotations

from collections.abc import Callable

from flashcards.core.generate.article import Article
from flashcards.core.generate.corpus import SentenceIndex
from flashcards.core.generate.findings import Finding
from flashcards.core.generate.language import Language
from flashcards.core.generate.rules import apply_doc_rules, apply_rules
from flashcards.core.generate.textutil import term_key

Progress = Callable[[float, str], None]
"""Called as ``progress(fraction, message)``."""

WEAK_STRENGTH = 2.5
"""Definitions from weaker patterns (XはYです, lower-case "X is a Y") need the term to recur."""


def segment(article: Article, language: Language) -> SentenceIndex:
    """The segment stage: the article's `Document` (in ``.doc``) and its shared lookups.

    Args:
        article: The article.
        language: Its language.

    Returns:
        The index over the parsed document, holding the article's raw text as well.
    """
    return SentenceIndex(language.parse(article.text, article.title), article.text)


def explain(
    index: SentenceIndex, language: Language, progress: Progress | None = None
) -> list[Finding]:
    """The explain stage: every finding of the language's rules, in rule and sentence order.

    Sentence rules first, sentence by sentence; then the document rules, whose findings are
    kept only for terms the sentence rules left out (`taught`).

    Args:
        index: The segmented article.
        language: Its language.
        progress: Told how far the sentences are read (between 0.1 and 0.85).

    Returns:
        The findings.
    """
    report: Progress = progress or (lambda _fraction, _message: None)
    sentences = index.doc.sentences
    findings: list[Finding] = []
    total = max(1, len(sentences))
    step = max(1, total // 4)
    report(0.1, f"Looking for terms in {len(sentences)} sentences")
    for i, sentence in enumerate(sentences):
        previous = sentences[i - 1] if i else None
        findings += apply_rules(language.rules, sentence, previous, language.name)
        if (i + 1) % step == 0:
            report(0.1 + 0.75 * (i + 1) / total, f"Analysed {i + 1} of {total} sentences")
    return findings + taught(index, findings, language)


def taught(index: SentenceIndex, findings: list[Finding], language: Language) -> list[Finding]:
    """The document rules' findings (the fallbacks) for terms the sentence rules left out.

    A fallback cloze is not made from a sentence that already defines another term, nor for a
    name that is another term's back or alias (``UDP, also called the User Datagram Protocol``).
    """
    defining = {f.sentence.index for f in findings if f.back and f.strength >= WEAK_STRENGTH}
    names = {term_key(f.back) for f in findings if f.back} | {
        term_key(f.alias) for f in findings if f.alias
    }
    found = apply_doc_rules(language.doc_rules, index.doc, index, language.name)
    return [
        f
        for f in found
        if term_key(f.term) not in names and (f.back or f.sentence.index not in defining)
    ]
