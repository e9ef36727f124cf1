"""Fallback: cards for terms an article clearly teaches when no definition rule matches.

A term is *taught* when the article names it, makes it the subject of a defining verb, ends a
sentence that the next one explains with an anaphoric subject, introduces it in a verbless line
or heads a section whose first topic-less sentence describes it (the document rules of
`taught_en.py` and `taught_ja.py`), or when enough signals point at it (headings, emphasis,
aliases, topics, shape: the ``taught: signals`` rules here).

Each such term gets a finding: a cloze of its best explanatory sentence (joined with the
adjacent sentence when one alone leans on an anaphor; never over ``MAX_CLOZE`` characters;
chatty sentences refused), or, when the explanation does not contain the term, a back.
Definitions from the sentence rules always win over these findings (see ``cards.note_for``).
"""

from __future__ import annotations

import re

from flashcards.core.generate.backs import drop_asides, is_chatty, starts_with_anaphor_en
from flashcards.core.generate.corpus import MAX_TERMS, SentenceIndex
from flashcards.core.generate.en_text import heading_term_en
from flashcards.core.generate.findings import Finding
from flashcards.core.generate.ja_text import CONNECTIVE, LEADING_ANAPHOR_JA, heading_term
from flashcards.core.generate.lexicon import (
    DEFINING_WORDS_EN,
    DEFINING_WORDS_JA,
    INDEFINITES_EN,
    LEAD_ADVERBIALS_EN,
    PRONOUNS_EN,
    TERM_SUFFIXES_JA,
    alternation,
)
from flashcards.core.generate.rules import Example, doc_rule
from flashcards.core.generate.structure import Document
from flashcards.core.generate.terms import is_technical, is_valid_term

SIGNAL_THRESHOLD = 2.5
"""Weight of teaching signals (headings, emphasis, aliases, topics, shape) a term needs."""
MAX_CLOZE = 200
"""A fallback cloze is never longer than this (in characters)."""

LEAD_EN = re.compile("^" + alternation(LEAD_ADVERBIALS_EN) + r"[,:]\s+", re.IGNORECASE)
_EMPHASIS_RAW = re.compile(
    r"\*\*(?P<b>[^*\n]{2,40})\*\*|`(?P<c>[^`\n]{2,40})`|[「『](?P<j>[^「」『』\n]{2,30})[」』]"
    r"|(?<![\w\"“])[\"“](?P<q>[A-Za-z][\w\- ]{1,40})[\"”]"
)
_ALIASED_EN = re.compile(r"\b(?P<x>[A-Za-z][\w\-]*(?: [a-z][\w\-]*){0,2}) \([A-Za-z][^()]{1,40}\)")
_ALIASED_JA = re.compile(r"(?P<x>[一-龯々ァ-ヺーA-Za-z0-9・]{2,20})[（(][^()（）]{1,40}[)）]")
_TOPIC_EN = re.compile(
    r"^(?:(?:An?|The)\s+)?(?P<x>[A-Za-z][\w\-]*(?: [a-z][\w\-]*){0,2})\s+"
    r"(?:is|are|has|have|can|does|means|makes|gives|keeps|uses)\b"
)
TOPIC_JA = re.compile(r"^(?P<x>[一-龯々ァ-ヺーA-Za-z0-9・]{2,20})(?:は|とは)")
_SHAPED_JA = re.compile(alternation(TERM_SUFFIXES_JA) + "$")
_COPULA_EN = re.compile(r"\b" + alternation(DEFINING_WORDS_EN) + r"\b")
_COPULA_JA = re.compile(alternation(DEFINING_WORDS_JA))
_INNER_ANAPHOR_EN = re.compile(r"\b(?:this|these|it|they)\s+(?:is|are|was|were)\b", re.I)
_LEANS_EN = re.compile(r"\b(?:it|its|this|they|them)\b")
EXPLAINED_NEXT = re.compile(
    r"^(?:It|That|This)(?:(?:'s|’s|\s+is)\s+(?:simply\s+|just\s+|basically\s+)?"
    r"(?:an?|the|what|how|when|where|one|any)\b|\s+means\s|\s+refers to\s)"
)
_NOT_TERMS = PRONOUNS_EN | INDEFINITES_EN


def chatty(text: str, lang: str) -> bool:
    """Whether a sentence is the writer talking about themselves, not teaching."""
    return is_chatty(text, lang)


def clean(text: str, lang: str, index: SentenceIndex | None = None) -> str:
    """The sentence without chatty asides and a leading ``Also,``/``このように、``."""
    text = (index.without_asides(text) if index else drop_asides(text)).strip()
    out = (CONNECTIVE if lang == "ja" else LEAD_EN).sub("", text).strip()
    return out[:1].upper() + out[1:] if out != text and lang == "en" else out


def anaphoric(text: str, lang: str) -> bool:
    """Whether a sentence starts by pointing back (``It``, ``That's``, ``これ``, ``その``)."""
    if lang == "ja":
        return bool(LEADING_ANAPHOR_JA.match(text))
    return starts_with_anaphor_en(text)


def _resolvable(text: str, section: str) -> bool:
    anchor = heading_term_en(section)
    return bool(anchor) and bool(re.match(r"^(?:Its|It)\b", text)) and anchor not in text


def _continues(term: str, text: str, after: str) -> bool:
    """Whether ``after`` goes on about a name in ``text`` by its head word (f-number / number)."""
    if anaphoric(after, "en"):
        return False
    names = [term, *re.findall(r"\b[\w]+-[\w\-]+\b", text)]
    heads = {re.split(r"[\s\-]", name)[-1].lower() for name in names}
    words = set(re.findall(r"[a-z]+", after.lower()))
    return any(len(h) >= 4 and h in words for h in heads)


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_-"  # ``[\w\-]``


def _whole_word(text: str, term: str) -> int:
    r"""Where ``(?<![\w\-])term(?![\w\-])`` first matches ``text``, or -1."""
    at = text.find(term)
    while at >= 0:
        end = at + len(term)
        before = at > 0 and _word_char(text[at - 1])
        if not before and not (end < len(text) and _word_char(text[end])):
            return at
        at = text.find(term, at + 1)
    return -1


def make_cloze(term: str, index: int, doc: Document, lang: str, *, join_next: bool = False) -> str:
    """The cloze of sentence ``index`` (and an adjacent one when needed), or ""."""
    sentences = doc.sentences
    sentence = sentences[index]
    parts = [clean(sentence.text, lang)]
    glue = "" if lang == "ja" else " "
    nxt = sentences[index + 1] if index + 1 < len(sentences) else None
    prev = sentences[index - 1] if index else None
    if anaphoric(parts[0], lang):
        before = ""
        if prev is not None and prev.section == sentence.section and not chatty(prev.text, lang):
            before = clean(prev.text, lang)
        if before and not anaphoric(before, lang) and not _LEANS_EN.search(before):
            parts.insert(0, before)
        elif lang == "en" and _resolvable(parts[0], sentence.section):
            # "Its size is …" under "### Aperture": say what "Its" is.
            anchor = heading_term_en(sentence.section).lower()
            parts[0] = re.sub(r"^(Its|It)\b", rf"\1 ({anchor})", parts[0])
        else:
            return ""
    if nxt is not None and nxt.section == sentence.section and not chatty(nxt.text, lang):
        after = clean(nxt.text, lang)
        explains = anaphoric(after, lang) and len(parts) == 1 and EXPLAINED_NEXT.match(after)
        if explains or join_next or (lang == "en" and _continues(term, parts[-1], after)):
            parts.append(after)
    if len(parts) == 1 and lang == "en" and _INNER_ANAPHOR_EN.search(parts[0]):
        return ""  # "In the US this is the Federal Reserve": this is unresolved
    text = glue.join(parts)
    if len(text) > MAX_CLOZE:
        return ""
    if lang == "ja":
        at = text.find(term)
    else:
        at = _whole_word(text, term)
        if at < 0:  # compiling a pattern per term is slow: only when the case differs
            pattern = r"(?<![\w\-])" + re.escape(term) + r"(?![\w\-])"
            found = re.search(pattern, text, re.IGNORECASE)
            at = found.start() if found else -1
    if at < 0:
        return ""
    return text[:at] + "{{c1::" + text[at : at + len(term)] + "}}" + text[at + len(term) :]


def term_ok(term: str) -> bool:
    """Whether a fallback may card ``term``: a valid term of at most four words, no pronoun."""
    words = term.lower().split()
    return (
        bool(words)
        and is_valid_term(term)
        and not any(w in _NOT_TERMS for w in words)
        and len(words) <= 4
    )


def cloze_finding(
    term: str, index: int, doc: Document, lang: str, pattern: str, strength: float, **kw: bool
) -> list[Finding]:
    """A cloze finding for ``term`` in sentence ``index``, if the cloze can be made."""
    cloze = make_cloze(term, index, doc, lang, **kw)
    if not cloze:
        return []
    return [Finding(term, "", doc.sentences[index], pattern, strength, False, cloze)]


def _add(
    weights: dict[str, dict[str, float]],
    keys: dict[str, str],
    term: str,
    kind: str,
    weight: float,
) -> None:
    """Record one kind of signal for a term (case-insensitively; each kind counts once).

    ``keys`` maps each lower-cased term to the spelling first recorded (the key of ``weights``).
    """
    term = term.strip()
    if not term or not term_ok(term):
        return
    key = keys.setdefault(term.lower(), term)
    weights.setdefault(key, {})[kind] = weight


def _signals(doc: Document, lang: str, raw: str, index: SentenceIndex) -> dict[str, float]:
    r"""Weights of the signals that an article teaches a term, whatever its phrasing.

    Headings naming the term, emphasis in the raw text (``**X**``, ``\`X\```, quotes, 「X」),
    a bracketed alias or reading after it, being the topic of two or more sentences in one
    section, and a technical shape (katakana, acronyms, 効果/現象/… compounds).
    """
    weights: dict[str, dict[str, float]] = {}
    keys: dict[str, str] = {}
    for heading in doc.headings:
        name = heading_term(heading) if lang == "ja" else heading_term_en(heading)
        _add(weights, keys, name, "heading", 1.5)
    for match in _EMPHASIS_RAW.finditer(raw):
        _add(weights, keys, next(g for g in match.groups() if g), "emphasis", 1.5)
    topics: dict[tuple[str, str], int] = {}
    for sentence in doc.sentences:
        if chatty(sentence.text, lang):
            continue
        text = sentence.text
        for match in (_ALIASED_JA if lang == "ja" else _ALIASED_EN).finditer(text):
            _add(weights, keys, match.group("x"), "alias", 1.0)
        topic = (TOPIC_JA if lang == "ja" else _TOPIC_EN).match(clean(text, lang, index))
        if topic:
            key = (sentence.section, topic.group("x"))
            topics[key] = topics.get(key, 0) + 1
    for (_, term), count in topics.items():
        if count >= 2:
            _add(weights, keys, term, "topic", 1.0)
    totals: dict[str, float] = {}
    for term, kinds in weights.items():
        shaped = is_technical(term, english=lang == "en") or bool(_SHAPED_JA.search(term))
        totals[term] = sum(kinds.values()) + (0.5 if shaped else 0.0)
    return totals


def _explanation(
    term: str, doc: Document, lang: str, index: SentenceIndex, named: dict[str, set[str]]
) -> tuple[int, float]:
    """The index of the sentence that best explains ``term`` and how well, or ``(-1, 0)``.

    ``named`` maps a heading's term to the headings naming it.
    """
    best, best_score = -1, 0.0
    heading = named.get(term, set())
    folded = term.lower()
    cleaned = index.view("clean " + lang, lambda s: clean(s.text, lang, index))
    lowered = ("lower " + lang, lambda s: clean(s.text, lang, index).lower())
    # Only the sentences that contain the term, in order (reading them all for every term made
    # the fallback quadratic).
    for i in index.containing(folded, *lowered):
        sentence = doc.sentences[i]
        text = cleaned[i]
        if chatty(sentence.text, lang):
            continue
        at = text.lower().find(folded)
        after = text[at + len(term) :]
        score = 0.0
        if lang == "ja":
            if re.match(r"(?:[（(][^()（）]*[)）])?(?:とは|は|って|という|と呼)", after):
                score += 2.0
            if _COPULA_JA.search(text):
                score += 1.0
        else:
            if re.match(r"(?:\s*\([^()]*\))?,?\s+(?:is|are|means|refers to|describes)\b", after):
                score += 2.0
            if _COPULA_EN.search(text):
                score += 1.0
        if sentence.section in heading:
            score += 1.0
        if score > best_score:
            best, best_score = i, score
    return best, best_score


def _weighed(doc: Document, lang: str, raw: str, index: SentenceIndex) -> list[Finding]:
    signalled = {
        term: weight
        for term, weight in _signals(doc, lang, raw, index).items()
        if weight >= SIGNAL_THRESHOLD
    }
    if len(signalled) > MAX_TERMS:  # the strongest signals, each term reads the article
        strongest = sorted(signalled, key=lambda t: (-signalled[t], t))[:MAX_TERMS]
        signalled = {term: signalled[term] for term in strongest}
    named: dict[str, set[str]] = {}
    for h in doc.headings:
        named.setdefault(heading_term(h) if lang == "ja" else heading_term_en(h), set()).add(h)
    found: list[Finding] = []
    for term in sorted(signalled):
        at, score = _explanation(term, doc, lang, index, named)
        if at < 0 or score < 2.0:
            continue
        found += cloze_finding(term, at, doc, lang, "taught: signals", 1.5)
    return found


_SIGNALS_JA = (
    Example(
        "## 正常性バイアス\n**正常性バイアス**が働くと、危険が迫っても大丈夫だと思い込み、"
        "逃げ遅れることがあるのです。",
        "正常性バイアス",
        "逃げ遅れる",
    ),
)
_SIGNALS_EN = (
    Example(
        "## Idempotency\nA request with **idempotency** is one you can safely send twice: "
        "the second call changes nothing.",
        "Idempotency",
        "you can safely send twice",
    ),
)


@doc_rule("taught: signals (ja)", 1.5, "ja", _SIGNALS_JA)
def signals_ja(doc: Document, index: SentenceIndex) -> list[Finding]:
    """Terms with enough teaching signals, clozed in their most explanatory sentence."""
    return _weighed(doc, "ja", index.raw, index)


@doc_rule("taught: signals (en)", 1.5, "en", _SIGNALS_EN)
def signals_en(doc: Document, index: SentenceIndex) -> list[Finding]:
    """Terms with enough teaching signals, clozed in their most explanatory sentence."""
    return _weighed(doc, "en", index.raw, index)


__all__ = ["MAX_CLOZE", "chatty", "clean", "cloze_finding", "make_cloze", "term_ok"]
