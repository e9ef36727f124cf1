"""English definitions in a clause: is a, are, also called, or, appositives, refers to, measures.

Each sentence is matched as *plain clauses*: brackets and chatty asides removed, discourse
adverbs (``, by contrast,``) dropped and the sentence cut at ``;`` and at ``, and`` before a new
subject, so that the definition in "The time signature tells you …, and syncopation means …" is
found too. Naming verbs, context rules, headings and emphasis are in `naming_en.py`; glossary
lines and acronyms with their expansions in `findings.py`.
"""

from __future__ import annotations

import re

from flashcards.core.generate.backs import clean_back_en, drop_asides
from flashcards.core.generate.en_text import (
    FINITE,
    NEW_CLAUSE,
    cut_back,
    definition_strength,
    definitional,
    heading_term_en,
    make_finding,
    term_of,
)
from flashcards.core.generate.findings import Finding, find_glossary
from flashcards.core.generate.lexicon import (
    COMPARATIVES_EN,
    LEAD_ADVERBIALS_EN,
    PARENTHETICALS_EN,
    alternation,
)
from flashcards.core.generate.rules import Example, rule
from flashcards.core.generate.structure import Sentence
from flashcards.core.generate.textutil import fold

_LEAD = r"^(?:" + alternation(LEAD_ADVERBIALS_EN) + r",\s+)?"
_DET = r"(?:(?:An?|The)\s+)?"
_NP = r"(?P<x>[A-Za-z0-9][\w\-+#./' ]{0,58}?)"
_SUBJECT = _DET + _NP
# "A dormant volcano is one that has not erupted for ages": "one" stands for the head noun.
_IS_ONE_THAT = re.compile(
    _LEAD + _SUBJECT + r"\s+is\s+one\s+(?P<rel>that|which|who|whose|where|in which)\s+(?P<y>.+)$"
)
_IS_A = re.compile(_LEAD + _SUBJECT + r"\s+(?:is|are)\s+(?P<y>(?:an?|the|one of the|any)\s+.+)$")
# "Accidentals are symbols such as sharps …": a plural subject, a bare plural noun, a modifier.
_ARE_BARE = re.compile(
    _LEAD + _SUBJECT + r"\s+are\s+(?P<y>(?!not\b)(?:[A-Za-z][\w\-]*\s+){0,2}[a-z][\w\-]*s\b.+)$"
)
_ALIAS_VERB = (
    r"(?:also|sometimes|often|more commonly|usually)\s+(?:called|known as|referred to as|named)"
)
_ALSO = re.compile(
    _LEAD + _SUBJECT + r",?\s+" + _ALIAS_VERB + r"\s+(?P<alias>[^,;]{1,60}?)\s*,\s*"
    r"(?:(?:which|that)\s+)?(?P<rest>.+)?$"
)
_ALSO_END = re.compile(_LEAD + _SUBJECT + r",?\s+" + _ALIAS_VERB + r"\s+(?P<alias>[^,;]{1,60})$")
# "… is the semitone, also called a half step, which is the distance …"
_ALSO_MID = re.compile(
    r"\b(?:the|an?)\s+(?P<x>[a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,3}),\s+" + _ALIAS_VERB + r"\s+"
    r"(?P<alias>[^,;]{1,60}?),\s+(?:which|that|who)\s+(?:is|are|means)\s+(?P<y>.+)$"
)
# "The central bank, the institution that manages …, tries to …" (subject apposition).
_APPOSITIVE_SUBJECT = re.compile(
    _LEAD + _SUBJECT + r",\s+(?P<y>(?:an?|the)\s+[^,;]{4,160}?),\s+(?P<pred>[a-z][\w']*\s.+)$"
)
# "It takes place in the chloroplast, an organelle found in the cells of leaves." (object).
_APPOSITIVE_END = re.compile(
    r"\s(?:the|an?)\s+(?P<x>[A-Za-z][\w\-]*(?:\s+[A-Za-z][\w\-]*){0,3}),\s+"
    r"(?P<y>(?:an?|the)\s+[^;]{4,200})$"
)
# "The opposite, deflation, is a sustained fall …": the bare middle noun phrase is the term.
_NAMED_SUBJECT = re.compile(
    r"^(?:The|Its|Their)\s+[a-z]+,\s+(?P<x>[a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,2}),\s+"
    r"(?:is|are)\s+(?P<y>(?:an?|the)\s+.+)$"
)
# "the interest rate, or the price of borrowing money" / "Dynamics, or the loudness …, are …".
_OR_GLOSS = re.compile(
    r"(?:^|\b(?:the|an?)\s+)(?P<x>[A-Za-z][\w\-]*(?:\s+[a-z][\w\-]*){0,4}),\s+or\s+"
    r"(?P<y>(?:the|an?|its|their)\s+[^,;]{3,80}?|[a-z][\w\-]+)\s*(?:,\s*(?P<rest>.+))?$"
)
# "a faster shutter speed, or a lower ISO" offers alternatives, not another name.
_COMPARATIVE = re.compile(r"\b" + alternation(COMPARATIVES_EN) + r"\b")
_REFERS = re.compile(
    _LEAD + _SUBJECT + r"\s+(?P<verb>refers to|means|is defined as|denotes|stands for)\s+(?P<y>.+)$"
)
# "Elasticity measures how strongly …", "The law of demand says that …".
_DESCRIBES = re.compile(
    _LEAD + _SUBJECT + r"\s+(?P<verb>measures|describes|tells you|indicates|says that|states that)"
    r"\s+(?P<y>.+)$"
)
_MAKE = re.compile(
    r"^(?P<n>(?:Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Twelve|\d+)\s+[a-z][\w\- ]{1,40}?)"
    r"\s+(?:make|makes|make up|form)\s+(?:an?|one)\s+(?P<x>[a-z][\w\- ]{1,40})$"
)
# "… a neutron star left over: a city-sized ball …": a particle may trail the term.
_TRAIL = r"(?:\s+(?:left over|left behind|behind|instead|as well|too))?"
_APPOSITION_AT = re.compile(
    r"\b(?:the|an?)\s+(?P<x>[A-Za-z][\w\-]*(?:\s+[A-Za-z][\w\-]*){0,2})"
    + _TRAIL
    + r"(?:,|:)\s+(?=(?:an?|the)\s)"
)
_RELATIVE = re.compile(r"\b(?:that|which|who|whose|where|when|made|found|left)\b")
_DISCOURSE = re.compile(r",\s+" + alternation(PARENTHETICALS_EN) + r"\s*,", re.IGNORECASE)
_BRACKETED = re.compile(r"\s*[(（][^()（）]*[)）]")
# "the first note of the scale, the home note …": the appositive is the first note's, not the
# scale's; a noun phrase after "of" is no appositive's subject.
_OF_PHRASE = re.compile(r"\bof\s*$")
_LEAD_ADVERBIALS = frozenset(fold(a) for a in LEAD_ADVERBIALS_EN)


def _plain_clauses(sentence: Sentence) -> list[str]:
    text = drop_asides(sentence.text)
    text = _DISCOURSE.sub("", text)
    text = _BRACKETED.sub("", text).strip().rstrip(".!? ")
    parts = NEW_CLAUSE.split(text)
    return [p.strip() for p in parts if p.strip()]


def _alias_back(rest: str | None, alias: str) -> tuple[str, bool]:
    alias = re.sub(r"^(?:its|their)\s+", "", alias.strip().strip("\"“”'"))
    if not rest:
        return f"Also called {alias}", False
    verb = re.match(r"(?:is|are)\s+(?P<y>(?:an?|the|one of the|what|any)\s.+)$", rest)
    bare = _ARE_BARE.match("X " + rest)
    if not verb and bare and definitional("a " + bare.group("y")):
        verb = bare
    if verb:
        body = cut_back(verb.group("y"))
    elif re.match(r"[a-z][\w']*s\b", rest) and not FINITE.match(rest):
        body = cut_back(rest)  # "… uses ATP and NADPH to fix carbon dioxide into sugar"
    else:  # "… are written with Italian words": not about what the term is
        return "", False
    return (f"{body} (also called {alias})", True) if body else ("", False)


def _clause(clause: str, sentence: Sentence) -> list[Finding]:
    match = _ALSO.match(clause) or _ALSO_END.match(clause)
    if match:
        rest = match.groupdict().get("rest")
        back, full = _alias_back(rest, match.group("alias"))
        term = term_of(match.group("x"))
        found = make_finding(term, back, sentence, "X, also called Y", 3.0, full)
        if found:
            return found
    match = _NAMED_SUBJECT.match(clause)
    if match:
        back = cut_back(match.group("y"))
        return make_finding(match.group("x"), back, sentence, "The N, X, is a Y", 2.5)
    match = _APPOSITIVE_SUBJECT.match(clause)
    if (
        match
        and definitional(match.group("y"))
        and not FINITE.search(match.group("y"))
        # "Anyway, a few of our new members asked …": a discourse adverb, no term.
        and fold(match.group("x")) not in _LEAD_ADVERBIALS
    ):
        back = cut_back(match.group("y"))
        term = term_of(match.group("x"))
        return make_finding(
            term, back, sentence, "X, a Y, …", definition_strength(term, "is", back)
        )
    match = _OR_GLOSS.search(clause)
    if (
        match
        and not FINITE.search(match.group("y"))
        and not _COMPARATIVE.search(match.group("x") + " " + match.group("y"))
    ):
        term = term_of(match.group("x"))
        rest = match.group("rest")
        back, _ = _alias_back(rest, match.group("y")) if rest else ("", False)
        bare = " " not in match.group("y")
        if not back and not bare:  # "Tea, or coffee, is fine" glosses nothing
            back = cut_back(re.sub(r"^(?:its|their)\s+", "the ", match.group("y")))
        found = make_finding(term, back, sentence, "X, or Y", 2.5)
        if found:
            return found
    match = _IS_ONE_THAT.match(clause)
    if match:
        term = term_of(match.group("x"))
        head = term.split()[-1].lower() if term else ""
        back = cut_back(f"a {head} {match.group('rel')} {match.group('y')}")
        found = make_finding(term, back, sentence, "X is a Y", 2.5)
        if found:
            return found
    match = _IS_A.match(clause)
    if match:
        term, back = term_of(match.group("x")), cut_back(match.group("y"))
        found = make_finding(
            term, back, sentence, "X is a Y", definition_strength(term, "is", back)
        )
        if found:
            return found
    match = _ARE_BARE.match(clause)
    if match and definitional("a " + match.group("y")):
        term, back = term_of(match.group("x")), cut_back(match.group("y"))
        found = make_finding(
            term, back, sentence, "Xs are Ys that …", definition_strength(term, "are")
        )
        if found:
            return found
    match = _REFERS.match(clause)
    if match:
        term, back = term_of(match.group("x")), cut_back(match.group("y"))
        verb = match.group("verb")
        return make_finding(term, back, sentence, f"X {verb} Y", definition_strength(term, verb))
    match = _DESCRIBES.match(clause)
    if match:
        verb = match.group("verb")
        body = cut_back(match.group("y"))
        back = body if verb.endswith("that") else f"{verb} {body}" if body else ""
        term = term_of(match.group("x"))
        return make_finding(
            term, back, sentence, "X measures Y", definition_strength(term, verb), False
        )
    match = _MAKE.match(clause)
    if match:
        return make_finding(
            match.group("x"), match.group("n").lower(), sentence, "N Ys make an X", 2.5
        )
    return []


def _embedded(clause: str, sentence: Sentence) -> list[Finding]:
    """Definitions inside a clause: ``… the X, also called Y, which is Z`` and appositives."""
    match = _ALSO_MID.search(clause)
    if match:
        alias = match.group("alias").strip()
        body = cut_back(match.group("y"))
        back = f"{body} (also called {alias})" if body else ""
        return make_finding(
            match.group("x"), back, sentence, "the X, also called Y, which is Z", 2.5
        )
    match = _APPOSITIVE_END.search(clause)
    if (
        match
        and definitional(match.group("y"))
        and not FINITE.search(match.group("y"))
        and not _OF_PHRASE.search(clause[: match.start()])
    ):
        back = cut_back(match.group("y"))
        term = match.group("x")
        return make_finding(
            term, back, sentence, "the X, a Y", definition_strength(term, "is", back)
        )
    return _appositions(clause, sentence)


def _appositions(clause: str, sentence: Sentence) -> list[Finding]:
    """Appositives anywhere: ``… in a supernova, an explosion that …``, ``a neutron star: a …``.

    The noun phrase after the comma (or colon) must read as a definition (a head noun restricted
    by a modifier) and hold no finite verb of its own before its relative clause, so that lists
    ("the bass, the drums") and new clauses ("the core collapses, the star …") are not taken.
    """
    for match in _APPOSITION_AT.finditer(clause):
        y = clause[match.end() :]
        relative = _RELATIVE.search(y)
        head = y[: relative.start()] if relative else y
        if not definitional(y) or FINITE.search(head) or "," in head or len(head.split()) > 6:
            continue
        if _OF_PHRASE.search(clause[: match.start()]):
            continue
        back = cut_back(y)
        term = match.group("x")
        found = make_finding(term, back, sentence, "the X, a Y (mid-sentence)", 2.5)
        if found:
            return found
    return []


def _is_a(sentence: Sentence) -> list[Finding]:
    found: list[Finding] = []
    seen: set[str] = set()
    for clause in _plain_clauses(sentence):
        for finding in _clause(clause, sentence) + _embedded(clause, sentence):
            if _EXAMPLE_ONLY.match(finding.back):
                continue  # "Mauna Loa is the classic example": an instance, not a definition
            if finding.term.lower() not in seen:
                seen.add(finding.term.lower())
                found.append(finding)
    return found


_EXAMPLE_ONLY = re.compile(
    r"^(?:the|an?|one)\s+(?:(?:classic|typical|good|great|famous|best-known|well-known|obvious|"
    r"prime|textbook|perfect)\s+)?(?:example|instance|case)s?(?:\s+of\s+(?:this|that|it|them))?$",
    re.IGNORECASE,
)


@rule(
    "X is a Y",
    3.0,
    "en",
    (
        Example(
            "A glacier is a large mass of ice that moves slowly over land.",
            "glacier",
            "a large mass of ice that moves slowly over land",
        ),
        Example(
            "The Krebs cycle, also called the citric acid cycle, is a chain of reactions "
            "that releases energy in cells.",
            "Krebs cycle",
            "a chain of reactions that releases energy in cells",
        ),
        Example(
            "Most cells burn sugar in the mitochondrion, an organelle that makes most of "
            "the cell's energy.",
            "mitochondrion",
            "an organelle that makes most of the cell's energy",
        ),
        Example(
            "A perennial plant is one that lives for more than two years.",
            "perennial plant",
            "a plant that lives for more than two years",
        ),
    ),
)
def is_a(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """``X is a Y`` and the other clause shapes (see the module docstring), first fit per clause.

    Findings carry the variant's name: ``X is a Y``, ``Xs are Ys that …``, ``X, also called Y``,
    ``X, a Y, …``, ``The N, X, is a Y``, ``X, or Y``, ``X refers to Y`` (and the other verbs),
    ``X measures Y``, ``N Ys make an X``, ``the X, also called Y, which is Z``, ``the X, a Y``,
    ``the X, a Y (mid-sentence)``.
    """
    return _is_a(sentence)


@rule(
    "glossary (en)",
    2.5,
    "en",
    (
        Example(
            "Albedo: the share of sunlight that a surface reflects.",
            "Albedo",
            "the share of sunlight that a surface reflects",
        ),
    ),
)
def glossary(sentence: Sentence, previous: Sentence | None) -> list[Finding]:
    """Glossary lines ``X: Y``, ``X — Y``, ``X - Y`` where X is a whole term."""
    return find_glossary(sentence, clean_back_en)


__all__ = ["heading_term_en"]
