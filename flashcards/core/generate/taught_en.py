"""English fallback rules: terms a text teaches without a definition a sentence rule reads.

Each is a document rule (it reads the sentence after, or the whole page) and gives a cloze of
the best explanatory sentence (`fallback.make_cloze`), or a back when the sentence after
explains the term without naming it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from flashcards.core.generate.backs import clean_back_en
from flashcards.core.generate.corpus import SentenceIndex
from flashcards.core.generate.fallback import (
    EXPLAINED_NEXT,
    LEAD_EN,
    MAX_CLOZE,
    anaphoric,
    chatty,
    clean,
    cloze_finding,
    term_ok,
)
from flashcards.core.generate.findings import Finding
from flashcards.core.generate.rules import Example, doc_rule
from flashcards.core.generate.structure import Document, Sentence
from flashcards.core.generate.terms import is_acronym, is_technical

_WORD = r"[A-Za-z][\w\-/]*"
_NAMED_EN = re.compile(
    r"\b(?:called|call|known as|named|termed|has a name:|have a name:)\s+[\"“]?(?:an?\s+|the\s+)?"
    r"(?P<x>" + _WORD + r"(?:\s+(?:of\s+)?" + _WORD + r"){0,3}?)[\"”]?\s*(?=[.,:;!?(]|$)"
    r"|\bthe (?:term|word) [\"“]?(?P<t>" + _WORD + r"(?:\s+" + _WORD + r"){0,2}?)[\"”]?"
    r"\s+(?:for|to mean|to describe|when)\b"
)
_ENDS_WITH_NP = re.compile(
    r"\b(?:the|a|an|your|our|their|its|is|be)\s+(?P<x>[a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,2})$"
)
_SUBJECT_EN = re.compile(
    r"^(?P<det>(?:An?|The|Your|Our|Their)\s+)?"
    r"(?P<x>[A-Za-z][\w\-]*(?:\s+(?:of\s+)?[a-z][\w\-]*){0,3}?)(?:,\s[^,]{1,40},)?\s+"
    r"(?P<v>is|are|means|refers to|stands for|tells you|describes|measures)\s+(?P<y>.+)$"
)
_APPOSITIVE_EN = re.compile(
    r"\bthe (?P<x>[a-z][\w\-]*(?: [a-z][\w\-]*){0,2}), (?:the|an?) (?P<y>[a-z][^,;]+)"
)
# "An mRNA vaccine delivers …": a generic technical subject and what it does.
_GENERIC_ACTS = re.compile(
    r"^An?\s+(?P<x>[A-Za-z][\w\-]*(?:\s+[a-z][\w\-]*){0,2})\s+(?!is\b|was\b|has\b)[a-z]+s\s+\w"
)
_WH = re.compile(r"^(?:simply\s+|just\s+|basically\s+)?(?:how|what|where|when|why|whether)\b")
_RESTRICTED = re.compile(r"^(?:an?|the|one)\s+.*\b(?:that|which|who|whose|where)\b")
_BARE_DEFINITION = re.compile(
    r"^\w+\s+(?:set|used|kept|made|paid|given|held|that|which|who|for|of|you)\b"
)
_VERBLESS_INTRO = re.compile(
    r"^(?P<x>[A-Za-z][\w\-]*(?:\s+[a-z][\w\-]*){0,3})\s*(?:\((?P<alias>[^()]{1,20})\))?\.?$"
)


@lru_cache(maxsize=4096)  # every English fallback rule reads every sentence
def _plain(text: str) -> tuple[str, str] | None:
    """The sentence cleaned and without its final mark, or None if it is chatty."""
    if chatty(text, "en"):
        return None
    cleaned = clean(text, "en")
    return cleaned, cleaned.rstrip(".!? ")


def _next(doc: Document, index: int) -> Sentence | None:
    """The sentence after ``index`` if it is in the same section."""
    if index + 1 >= len(doc.sentences):
        return None
    nxt = doc.sentences[index + 1]
    return nxt if nxt.section == doc.sentences[index].section else None


def _subject(plain: str) -> re.Match[str] | None:
    """``X is/means/tells you … Y`` at the start of the first clause, if X can be a term."""
    subject = _SUBJECT_EN.match(plain.split("; ")[0])
    return subject if subject and term_ok(subject["x"]) else None


@doc_rule(
    "taught: named",
    2.0,
    "en",
    (
        Example(
            "Photographers love the soft blur behind a sharp subject, known as bokeh.",
            "bokeh",
            "soft blur behind a sharp subject",
        ),
        Example(
            "Bakers use the term proofing for the last rise of the dough.",
            "proofing",
            "last rise of the dough",
        ),
    ),
)
def named(doc: Document, index: SentenceIndex) -> list[Finding]:
    """``… called X``, ``known as X``, ``has a name: X``, ``the term X for …``: a cloze."""
    found: list[Finding] = []
    for at, sentence in enumerate(doc.sentences):
        plain = _plain(sentence.text)
        if plain is None:
            continue
        for match in _NAMED_EN.finditer(plain[1]):
            term = match.group("x") or match.group("t")
            if term_ok(term):
                found += cloze_finding(term, at, doc, "en", "taught: named", 2.0)
    return found


@doc_rule(
    "taught: X. It is",
    2.0,
    "en",
    (
        Example(
            "Shooting in the dark brings out the noise. It is the grainy speckle that covers "
            "a dim photo.",
            "noise",
            "grainy speckle",
        ),
    ),
)
def explained_next(doc: Document, index: SentenceIndex) -> list[Finding]:
    """A sentence ends with a noun phrase the next explains (``It is/That's a/the/what …``)."""
    found: list[Finding] = []
    for at, sentence in enumerate(doc.sentences):
        plain = _plain(sentence.text)
        nxt = _next(doc, at)
        if plain is None or nxt is None or _subject(plain[1]):
            continue  # with a subject, the next sentence's "It" is the subject
        ending = _ENDS_WITH_NP.search(plain[1])
        after = clean(nxt.text, "en")
        # "… is a blend.": the article after "is" is no part of the term.
        term = re.sub(r"^(?:an?|the)\s+", "", ending.group("x")) if ending else ""
        if ending and EXPLAINED_NEXT.match(after) and term_ok(term):
            found += cloze_finding(term, at, doc, "en", "taught: X. It is", 2.0)
    return found


@doc_rule(
    "taught: the X, the Y",
    2.0,
    "en",
    (
        Example(
            "Most new savers forget the emergency fund, the money kept aside for sudden costs.",
            "emergency fund",
            "money kept aside for sudden costs",
        ),
    ),
)
def appositive(doc: Document, index: SentenceIndex) -> list[Finding]:
    """``the X, the/a Y…`` with a Y of three words or more: a cloze."""
    found: list[Finding] = []
    for at, sentence in enumerate(doc.sentences):
        plain = _plain(sentence.text)
        if plain is None:
            continue
        for match in _APPOSITIVE_EN.finditer(plain[1]):
            if term_ok(match.group("x")) and len(match.group("y").split()) >= 3:
                term = match.group("x")
                found += cloze_finding(term, at, doc, "en", "taught: the X, the Y", 2.0)
    return found


@doc_rule(
    "taught: X is how",
    3.0,
    "en",
    (
        Example(
            "Wind chill, measured in degrees, tells you how cold the air feels on bare skin.",
            "Wind chill",
            "how cold the air feels on bare skin",
        ),
        Example(
            "Leavening is the step every baker learns first. It means adding gas to the dough "
            "so that it rises.",
            "Leavening",
            "adding gas to the dough",
        ),
        Example(
            "An mRNA vaccine delivers genetic instructions that teach cells to make one "
            "harmless protein.",
            "mRNA vaccine",
            "delivers genetic instructions",
        ),
    ),
)
def subject(doc: Document, index: SentenceIndex) -> list[Finding]:
    """The subject of a defining verb, and what the next sentence says it means.

    ``X is how/what…``, ``X, measured in …, tells you …``, ``An X is money set aside …``
    (``taught: X is how``, a cloze); ``X … It means/refers to Y`` or ``It is a/the Y`` in the
    next sentence (``taught: X … It means Y``, a definition: 3, or 2.5 for ``is``); without such
    a subject, ``An X does …`` with a technical X (``taught: An X does``, a cloze).
    """
    found: list[Finding] = []
    for at, sentence in enumerate(doc.sentences):
        plain = _plain(sentence.text)
        if plain is None:
            continue
        found += _subject_findings(doc, at, *plain)
    return found


def _subject_findings(doc: Document, index: int, text: str, plain: str) -> list[Finding]:
    found: list[Finding] = []
    nxt = _next(doc, index)
    subject = _subject(plain)
    if subject:
        term, det, verb, y = subject["x"], subject["det"] or "", subject["v"], subject["y"]
        generic = det.strip() in ("A", "An")
        ok = (
            verb not in ("is", "are")
            or _WH.match(y)
            or _RESTRICTED.match(y)
            or (generic and len(y.split()) >= 4 and _BARE_DEFINITION.match(y))
        )
        if ok and term_ok(term) and not term.split()[0].endswith("ing"):
            shown = term if term in text else term[0].lower() + term[1:]
            if shown in text or term in text:
                found += cloze_finding(term, index, doc, "en", "taught: X is how", 2.0)
        if nxt is not None and term_ok(term):
            after = clean(nxt.text, "en").rstrip(".!? ")
            means = re.match(r"^It\s+(?P<v>is|means|refers to)\s+(?P<y>.+)$", after)
            if means and (means["v"] != "is" or re.match(r"(?:an?|the)\s", means["y"])):
                back = clean_back_en(re.split(r";\s|:\s", means["y"])[0])
                strength = 2.5 if means["v"] == "is" else 3.0
                if back:
                    found.append(Finding(term, back, nxt, "taught: X … It means Y", strength))
    acts = _GENERIC_ACTS.match(plain)
    if acts and not subject and is_technical(acts["x"], english=True) and term_ok(acts["x"]):
        found += cloze_finding(acts["x"], index, doc, "en", "taught: An X does", 2.0)
    return found


@doc_rule(
    "taught: verbless intro",
    2.5,
    "en",
    (
        Example(
            "Finally, continuous integration (CI). Every change is built and tested as soon "
            "as it is pushed.",
            "CI",
            "Every change is built and tested",
        ),
    ),
)
def verbless_intro(doc: Document, index: SentenceIndex) -> list[Finding]:
    """A verbless line naming a term with its acronym; the next sentence describes it."""
    found: list[Finding] = []
    for at, sentence in enumerate(doc.sentences):
        nxt = _next(doc, at)
        if nxt is None or _plain(sentence.text) is None:
            continue
        intro = _VERBLESS_INTRO.match(LEAD_EN.sub("", sentence.text.strip()))
        if not intro or not intro["alias"]:
            continue
        after = clean(nxt.text, "en")
        alias = intro["alias"]
        term = alias if is_acronym(alias) else intro["x"]
        if (
            term_ok(intro["x"])
            and not anaphoric(after, "en")
            and not chatty(nxt.text, "en")
            and len(after) <= MAX_CLOZE
        ):
            back = clean_back_en(after)
            if back:
                found.append(Finding(term, back, nxt, "taught: verbless intro", 2.5))
    return found
